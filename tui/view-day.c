/* view-day.c: the main screen: the studio's rooms and one studio-local
 * day's bookings (today, following the clock), with a cursor over the
 * bookings. A staff member's own sessions are starred and counted. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "tui/text.h"
#include "tui/ui.h"

/* at most this share of the body goes to the rooms list (1/N) */
#define VIEW_DAY_ROOMS_SHARE 3

struct view_day {
	int follow_today;        /* the day is today and moves at midnight */
	int y, m, d;             /* the day shown */
	int loaded;              /* rooms and bookings hold a successful load */
	struct model_rooms rooms;
	struct model_bookings bookings;
	size_t cursor;           /* index into bookings */
	size_t first;            /* first booking row on screen */
	int rows;                /* booking rows that fit, from the last draw */
	struct ui_load ld;
};

static const enum keys_action view_day_status[] = {
	KEYS_QUIT, KEYS_REFRESH, KEYS_HELP, KEYS_NEXT_VIEW, KEYS_OPEN, KEYS_NONE,
};

/* The load: the studio (its name, zone and the day it is), the rooms as
 * `redlight rooms` reads them and the day's bookings as `redlight
 * bookings --date DAY` does, three reads not waited for; the rooms show
 * when they come, the bookings when theirs do. */
static int
view_day_studio_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e)
{
	(void)c;
	return cmd_read_query(ctx, DB_SETTINGS_JSON_SQL, 0, NULL, json, e);
}

static int
view_day_studio(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct view_day *v = owner;
	struct model_studio st;
	int rc;

	if ((rc = model_studio_parse(json, &st, e)) != 0)
		return rc;
	ui_set_studio(ui, &st);
	if (v->follow_today)
		model_today(ui_studio(ui)->tz, (int64_t)time(NULL), &v->y, &v->m, &v->d);
	return 0;
}

static int
view_day_rooms(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct view_day *v = owner;
	struct model_rooms rooms;
	int rc;

	(void)ui;
	if ((rc = model_rooms_parse(json, &rooms, e)) != 0)
		return rc;
	model_rooms_free(&v->rooms);
	v->rooms = rooms;
	return 0;
}

/* the day's bookings as `redlight bookings --date DAY` reads them */
static int
view_day_send(struct ui *ui, void *owner, PGconn *conn, struct err *e)
{
	struct view_day *v = owner;
	char day[16];
	const struct cmd_bookings_filter f = { .date = day };

	snprintf(day, sizeof(day), "%04d-%02d-%02d", v->y, v->m, v->d);
	return cmd_bookings_list_send(ui_cmd(ui), &f, ui_studio(ui)->tz, conn, e);
}

static int
view_day_recv(struct ui *ui, void *owner, const PGresult *res, struct err *e)
{
	struct view_day *v = owner;
	struct model_bookings b;
	int rc;

	(void)ui;
	if ((rc = cmd_bookings_list_recv(res, &b, e)) != 0)
		return rc;
	model_bookings_free(&v->bookings);
	v->bookings = b;
	if (v->cursor >= v->bookings.n)
		v->cursor = v->bookings.n ? v->bookings.n - 1 : 0;
	v->loaded = 1;
	return 0;
}

static void
view_day_take(struct ui *ui, void *owner, int say)
{
	struct view_day *v = owner;

	if (say)
		ui_message(ui, 0, "refreshed: %zu room%s, %zu booking%s", v->rooms.n,
		    v->rooms.n == 1 ? "" : "s", v->bookings.n, v->bookings.n == 1 ? "" : "s");
}

static const struct ui_load_part view_day_parts[] = {
	{ .run = view_day_studio_run, .json = view_day_studio },
	{ .run = cmd_rooms_run, .json = view_day_rooms },
	{ .send = view_day_send, .recv = view_day_recv },
};
/* a failure is said unasked: the day shown stays */
static const struct ui_load_spec view_day_load = {
	view_day_parts, 3, "the day", 1, view_day_take, NULL,
};

static void *
view_day_enter(struct ui *ui, void *arg)
{
	struct view_day *v = xcalloc(1, sizeof(*v));

	(void)arg;
	v->follow_today = 1;
	ui_load_init(&v->ld, &view_day_load, v);
	ui_load(ui, &v->ld, 0);
	return v;
}

static void
view_day_leave(struct ui *ui, void *state)
{
	struct view_day *v = state;

	ui_load_drop(ui, &v->ld);
	model_rooms_free(&v->rooms);
	model_bookings_free(&v->bookings);
	free(v);
}

/* view_day_state: what the heading says of a load out. */
static const char *
view_day_state(const struct view_day *v)
{
	if (!v->ld.rd.out)
		return "";
	return v->loaded ? "  (refreshing...)" : "  (loading...)";
}

static int
view_day_max_width(int w, const char *s, int cap)
{
	int sw = text_width(s);

	if (sw > w)
		w = sw;
	return w < cap ? w : cap;
}

/* view_day_draw_rooms: the rooms list from row y, at most max rows;
 * returns the rows used. */
static int
view_day_draw_rooms(struct ui *ui, struct view_day *v, int y, int max)
{
	char line[64];
	int namew = 4, used = 0;
	size_t shown;

	attrset(ui_attr(ui, UI_HEADING));
	snprintf(line, sizeof(line), "ROOMS (%zu)", v->rooms.n);
	ui_put(y, 1, line, COLS - 2);
	attrset(A_NORMAL);
	used++;
	if (v->rooms.n == 0) {
		attrset(ui_attr(ui, UI_DIM));
		ui_put(y + used++, 3, ui_load_says(&v->ld, v->loaded, "no rooms yet"), COLS - 4);
		attrset(A_NORMAL);
		return used;
	}
	for (size_t i = 0; i < v->rooms.n; i++)
		namew = view_day_max_width(namew, v->rooms.v[i].name, 24);
	shown = v->rooms.n;
	if ((int)shown > max - 1)
		shown = max > 2 ? (size_t)(max - 2) : 0;
	for (size_t i = 0; i < shown; i++) {
		const struct model_room *r = &v->rooms.v[i];
		char cap[32];
		int x = 3;

		ui_put(y + used, x, r->name, namew);
		x += namew + 2;
		if (r->capacity > 0)
			snprintf(cap, sizeof(cap), "%2d people", r->capacity);
		else
			cap[0] = '\0';
		ui_put(y + used, x, cap, 9);
		x += 11;
		attrset(ui_attr(ui, UI_DIM));
		ui_put(y + used, x, r->tags, COLS - x - 1);
		attrset(A_NORMAL);
		used++;
	}
	if (shown < v->rooms.n) {
		snprintf(line, sizeof(line), "... and %zu more", v->rooms.n - shown);
		attrset(ui_attr(ui, UI_DIM));
		ui_put(y + used++, 3, line, COLS - 4);
		attrset(A_NORMAL);
	}
	return used;
}

static enum ui_style
view_day_status_style(const char *status)
{
	if (strcmp(status, "confirmed") == 0)
		return UI_OK;
	if (strcmp(status, "awaiting_approval") == 0)
		return UI_PENDING;
	if (strcmp(status, "canceled") == 0 || strcmp(status, "rejected") == 0)
		return UI_DIM;
	return UI_STYLE_COUNT;
}

/* view_day_draw_bookings: the day's heading, column titles and the rows
 * that fit between y and y + max. */
static void
view_day_draw_bookings(struct ui *ui, struct view_day *v, int y, int max)
{
	const struct model_studio *st = ui_studio(ui);
	enum { C_TIME, C_STATUS, C_ROOM, C_ARTIST, C_CODE, C_STAFF, C_N };
	static const char *const heads[C_N] = { "TIME", "STATUS", "ROOM", "ARTIST", "CODE", "STAFF" };
	static const int caps[C_N] = { 23, 17, 20, 20, 12, 0 };
	int w[C_N], x[C_N];
	char line[160], yours[40] = "";
	const struct db_actor *me = ui_actor(ui);
	const char *my_id = me != NULL ? me->staff_id : "";

	if (my_id[0] != '\0') {
		size_t mine = 0;
		for (size_t i = 0; i < v->bookings.n; i++)
			mine += (size_t)model_booking_has_staff(&v->bookings.v[i], my_id);
		snprintf(yours, sizeof(yours), ", %zu yours (*)", mine);
	}
	if (v->y == 0)
		snprintf(line, sizeof(line), "BOOKINGS%s", view_day_state(v));
	else
		snprintf(line, sizeof(line), "%s %04d-%02d-%02d%s  %zu booking%s%s%s",
		    model_weekday_name(v->y, v->m, v->d), v->y, v->m, v->d,
		    v->follow_today ? " (today)" : "", v->bookings.n, v->bookings.n == 1 ? "" : "s",
		    yours, view_day_state(v));
	attrset(ui_attr(ui, UI_HEADING));
	ui_put(y, 1, line, COLS - 2);
	attrset(A_NORMAL);
	if (max < 3)
		return;
	if (v->bookings.n == 0 || st == NULL) {
		attrset(ui_attr(ui, UI_DIM));
		ui_put(y + 1, 3, ui_load_says(&v->ld, v->loaded, "no bookings"), COLS - 4);
		attrset(A_NORMAL);
		v->rows = 0;
		return;
	}

	/* times come first so every row can be measured */
	char (*times)[48] = calloc(v->bookings.n, sizeof(*times));
	if (times == NULL) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	for (int c = 0; c < C_N; c++)
		w[c] = text_width(heads[c]);
	for (size_t i = 0; i < v->bookings.n; i++) {
		const struct model_booking *b = &v->bookings.v[i];
		char from[16], to[16];
		model_local_time(st->tz, b->start, v->y, v->m, v->d, from, sizeof(from));
		model_local_time(st->tz, b->end, v->y, v->m, v->d, to, sizeof(to));
		snprintf(times[i], sizeof(times[i]), "%s-%s", from, to);
		w[C_TIME] = view_day_max_width(w[C_TIME], times[i], caps[C_TIME]);
		w[C_STATUS] = view_day_max_width(w[C_STATUS], b->status, caps[C_STATUS]);
		w[C_ROOM] = view_day_max_width(w[C_ROOM], b->room_name, caps[C_ROOM]);
		w[C_ARTIST] = view_day_max_width(w[C_ARTIST], b->artist_name, caps[C_ARTIST]);
		w[C_CODE] = view_day_max_width(w[C_CODE], b->code, caps[C_CODE]);
	}
	x[0] = 3;
	for (int c = 1; c < C_N; c++)
		x[c] = x[c - 1] + w[c - 1] + 2;
	/* the last column takes what is left; on a narrow screen columns
	 * past the edge are dropped */
	w[C_STAFF] = COLS - 1 - x[C_STAFF];

	attrset(ui_attr(ui, UI_HEADING));
	for (int c = 0; c < C_N; c++)
		if (x[c] < COLS - 1)
			ui_put(y + 1, x[c], heads[c], w[c] < COLS - 1 - x[c] ? w[c] : COLS - 1 - x[c]);
	attrset(A_NORMAL);

	v->rows = max - 2;
	if (v->cursor < v->first)
		v->first = v->cursor;
	if (v->cursor >= v->first + (size_t)v->rows)
		v->first = v->cursor - (size_t)v->rows + 1;
	for (int r = 0; r < v->rows && v->first + (size_t)r < v->bookings.n; r++) {
		size_t i = v->first + (size_t)r;
		const struct model_booking *b = &v->bookings.v[i];
		const char *cell[C_N] = {
			times[i], b->status, b->room_name, b->artist_name[0] ? b->artist_name : "-",
			b->code, b->staff[0] ? b->staff : "-",
		};
		int row = y + 2 + r, sel = i == v->cursor;
		enum ui_style ss = view_day_status_style(b->status);

		if (sel) {
			/* the whole row in the cursor's colours, marked for
			 * terminals that show no reverse video */
			attrset(ui_attr(ui, UI_CURSOR));
			ui_put(row, 1, ">", COLS - 2);
		}
		if (my_id[0] != '\0' && model_booking_has_staff(b, my_id))
			ui_put(row, 2, "*", 1);
		for (int c = 0; c < C_N; c++) {
			int cw = w[c] < COLS - 1 - x[c] ? w[c] : COLS - 1 - x[c];
			if (cw <= 0)
				break;
			if (!sel && c == C_STATUS && ss != UI_STYLE_COUNT)
				attrset(ui_attr(ui, ss));
			ui_put(row, x[c], cell[c], cw);
			if (!sel)
				attrset(A_NORMAL);
		}
		attrset(A_NORMAL);
	}
	if (v->first + (size_t)v->rows < v->bookings.n) {
		snprintf(line, sizeof(line), "%zu more below", v->bookings.n - v->first - (size_t)v->rows);
		attrset(ui_attr(ui, UI_DIM));
		ui_put(y, COLS - 1 - text_width(line), line, text_width(line));
		attrset(A_NORMAL);
	}
	free(times);
}

static void
view_day_draw(struct ui *ui, void *state)
{
	struct view_day *v = state;
	int top, height, used, roomsmax;

	ui_body(ui, &top, &height);
	roomsmax = (int)v->rooms.n + 1;
	if (roomsmax > height / VIEW_DAY_ROOMS_SHARE)
		roomsmax = height / VIEW_DAY_ROOMS_SHARE > 2 ? height / VIEW_DAY_ROOMS_SHARE : 2;
	used = 1 + view_day_draw_rooms(ui, v, top + 1, roomsmax);
	view_day_draw_bookings(ui, v, top + used + 1, height - used - 1);
}

static void
view_day_move(struct view_day *v, long delta)
{
	long n = (long)v->bookings.n, c = (long)v->cursor + delta;

	if (n == 0)
		return;
	if (c < 0)
		c = 0;
	if (c >= n)
		c = n - 1;
	v->cursor = (size_t)c;
}

static void
view_day_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_day *v = state;
	long page = v->rows > 1 ? v->rows - 1 : 1;

	switch (keys_action_of(k)) {
	case KEYS_REFRESH:
		ui_load(ui, &v->ld, 1);
		break;
	case KEYS_OPEN:
		if (v->cursor < v->bookings.n)
			ui_push(ui, &view_booking, v->bookings.v[v->cursor].code);
		break;
	case KEYS_UP:
		view_day_move(v, -1);
		break;
	case KEYS_DOWN:
		view_day_move(v, 1);
		break;
	case KEYS_PAGE_UP:
		view_day_move(v, -page);
		break;
	case KEYS_PAGE_DOWN:
		view_day_move(v, page);
		break;
	case KEYS_TOP:
		view_day_move(v, -(long)v->bookings.n);
		break;
	case KEYS_BOTTOM:
		view_day_move(v, (long)v->bookings.n);
		break;
	default:
		ui_other_key(ui, k, 0);
		break;
	}
}

static void
view_day_change(struct ui *ui, void *state)
{
	struct view_day *v = state;

	ui_load(ui, &v->ld, 0);
}

/* view_day_tick: at midnight, today is another day. */
static void
view_day_tick(struct ui *ui, void *state)
{
	struct view_day *v = state;
	const struct model_studio *st = ui_studio(ui);
	int y, m, d;

	if (!v->follow_today || st == NULL)
		return;
	model_today(st->tz, (int64_t)time(NULL), &y, &m, &d);
	if ((y != v->y || m != v->m || d != v->d) && !v->ld.rd.out) {
		ui_load(ui, &v->ld, 0);
		ui_dirty(ui);
	}
}

const struct view view_day = {
	.name = "day",
	.status_keys = view_day_status,
	.status_text = NULL,
	.enter = view_day_enter,
	.leave = view_day_leave,
	.resize = NULL,
	.draw = view_day_draw,
	.key = view_day_key,
	.change = view_day_change,
	.tick = view_day_tick,
};
