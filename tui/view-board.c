/* view-board.c: the calendar board. One studio-local day (or a week of
 * one room or staff member) as a grid: rows are rooms (s: staff; w: the
 * seven days of the row under the cursor), columns are time across the
 * studio's open hours, in studio time with the zone shown. Bookings show
 * by status, holds with their expiry, blackouts and buffers shaded, time
 * outside the hours dim, overlaps and failed calendar syncs flagged. The
 * cursor moves over time and rows; Enter opens the booking under it, n
 * holds the room there. A staff member starts on their own row.
 *
 * The board reads the whole week (Monday to Sunday) of the day shown,
 * once per change: the day/week toggle and moving between the week's
 * days draw from what is loaded. A draw looks, for each row, only at what
 * overlaps that row's day (view_board_pick), not at the whole week. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bstate.h"
#include "core/xalloc.h"
#include "db/avail.h"
#include "tui/act.h"
#include "tui/text.h"
#include "tui/ui.h"

/* what one character of a row shows, lowest to highest precedence */
enum board_cell {
	BOARD_CLOSED,
	BOARD_OPEN,
	BOARD_BUFFER,
	BOARD_BLACKOUT,
	BOARD_HOLD,
	BOARD_PENDING,
	BOARD_CONFIRMED,
	BOARD_SYNC_FAILED,       /* a live booking whose calendar sync failed */
	BOARD_CONFLICT,
};

#define BOARD_NAME_CAP 14
#define BOARD_DAY_MIN (24 * 60)
#define BOARD_WEEK 7

/* What one load of the board reads beside the bookings: the week of the
 * day shown (its bounds, and its first and last days as `bookings --from
 * --to` takes them), the availability data and the holds. */
struct view_board_week {
	int64_t from, to;
	int wy, wm, wd;
	char first[16], last[16];
	struct avail_data *ad;
	struct model_holds h;
};

struct view_board {
	int follow_today;        /* the day is today and moves at midnight */
	int y, m, d;             /* the day shown (week: a day of the week) */
	int week;                /* rows are the 7 days of one room or staff */
	int staff;               /* rows are staff, not rooms */
	int row;                 /* the cursor's row (day: entity; week: day) */
	size_t ent;              /* week view: the room or staff shown */
	int first;               /* first row on screen */
	int cur_min;             /* the cursor: minutes into the local day */
	int open_min, close_min; /* the columns: the studio's hours */
	int cm;                  /* minutes per character, from the last draw */
	int step;                /* minutes the cursor moves */
	int loaded;
	int64_t from, to;        /* what was loaded */
	int wy, wm, wd;          /* the first day loaded: the week's Monday */
	struct avail_data *ad;
	struct model_bookings b;
	struct model_holds h;
	int placed;              /* the cursor was put where it starts */
	struct ui_load ld;
	struct view_board_week pend; /* what the load out has brought so far */
};

static void
view_board_oom(void)
{
	fputs("redlight: out of memory\n", stderr);
	abort();
}

/* view_board_live: whether b holds its room's time, as core's state
 * table says (a completed or canceled booking does not). */
static int
view_board_live(const struct model_booking *b)
{
	enum booking_status st;

	return booking_status_parse(b->status, &st) == 0 && booking_status_is_live(st);
}

/* view_board_day: the local day i days after y-m-d. */
static void
view_board_add_days(int y, int m, int d, int n, int *oy, int *om, int *od)
{
	int64_t yy;

	tz_civil_from_days(tz_days_from_civil(y, m, d) + n, &yy, om, od);
	*oy = (int)yy;
}

/* view_board_hours: the columns: the earliest opening and the latest
 * closing of the studio's rules (any rule when the studio has none),
 * whole hours; 09:00-23:00 when there are no rules. */
static void
view_board_hours(struct view_board *v)
{
	int lo = BOARD_DAY_MIN, hi = 0, studio = 0;

	for (size_t i = 0; v->ad && i < v->ad->nrules; i++)
		if (v->ad->rules[i].type == AVAIL_STUDIO)
			studio = 1;
	for (size_t i = 0; v->ad && i < v->ad->nrules; i++) {
		const struct avail_rule *r = &v->ad->rules[i];
		if (studio && r->type != AVAIL_STUDIO)
			continue;
		if (r->start_min < lo)
			lo = r->start_min;
		if (r->end_min > hi)
			hi = r->end_min;
	}
	if (hi <= lo) {
		lo = 9 * 60;
		hi = 23 * 60;
	}
	v->open_min = lo / 60 * 60;
	v->close_min = (hi + 59) / 60 * 60;
	if (v->close_min > BOARD_DAY_MIN)
		v->close_min = BOARD_DAY_MIN;
}

static void
view_board_week_free(struct view_board_week *w)
{
	if (w->ad)
		avail_data_free(w->ad);
	model_holds_free(&w->h);
	memset(w, 0, sizeof(*w));
}

/* view_board_side: the week of the day shown, into w (its bounds and
 * days; view_board_week_free). */
static int
view_board_side(struct ui *ui, struct view_board *v, struct view_board_week *w, struct err *e)
{
	const struct model_studio *st = ui_studio_need(ui);
	int64_t s0, e0, days;
	int ly, lm, ld;

	memset(w, 0, sizeof(*w));
	if (st == NULL)
		return err_set(e, ERR_INTERNAL, NULL, "no studio settings");
	if (v->follow_today)
		model_today(st->tz, (int64_t)time(NULL), &v->y, &v->m, &v->d);
	/* the week of the day shown, Monday first */
	days = tz_days_from_civil(v->y, v->m, v->d);
	view_board_add_days(v->y, v->m, v->d, -((tz_weekday(days) + 6) % 7), &w->wy, &w->wm, &w->wd);
	view_board_add_days(w->wy, w->wm, w->wd, BOARD_WEEK - 1, &ly, &lm, &ld);
	snprintf(w->first, sizeof(w->first), "%04d-%02d-%02d", w->wy, w->wm, w->wd);
	snprintf(w->last, sizeof(w->last), "%04d-%02d-%02d", ly, lm, ld);
	return tz_local_day_bounds(st->tz, w->wy, w->wm, w->wd, &w->from, &e0, e) ||
	    tz_local_day_bounds(st->tz, ly, lm, ld, &s0, &w->to, e) ? ERR_INVALID : 0;
}

/* view_board_filter: the week's bookings as `redlight bookings --from
 * --to` reads them. */
static struct cmd_bookings_filter
view_board_filter(const struct view_board_week *w)
{
	return (struct cmd_bookings_filter){ .from = w->first, .to = w->last };
}

/* view_board_take: w and b (both taken) as what the board shows. */
static void
view_board_take(struct view_board *v, struct view_board_week *w, struct model_bookings *b)
{
	if (v->ad)
		avail_data_free(v->ad);
	model_bookings_free(&v->b);
	model_holds_free(&v->h);
	v->ad = w->ad;
	v->b = *b;
	v->h = w->h;
	v->from = w->from;
	v->to = w->to;
	v->wy = w->wy, v->wm = w->wm, v->wd = w->wd;
	memset(w, 0, sizeof(*w));
	memset(b, 0, sizeof(*b));
	view_board_hours(v);
	v->loaded = 1;
}

/* The load: the week of the day shown, in three reads not waited for:
 * its availability data, the holds (the holds command's run step) and
 * its bookings (the bookings command's send step); what is shown changes
 * when the bookings come. */
static int
view_board_avail_send(struct ui *ui, void *owner, PGconn *conn, struct err *e)
{
	struct view_board *v = owner;
	int rc;

	view_board_week_free(&v->pend);
	if ((rc = view_board_side(ui, v, &v->pend, e)) != 0)
		return rc;
	return db_avail_send(conn, v->pend.from, v->pend.to, e);
}

static int
view_board_avail_recv(struct ui *ui, void *owner, const PGresult *res, struct err *e)
{
	struct view_board *v = owner;

	return db_avail_recv(res, ui_studio(ui)->tz, &v->pend.ad, e);
}

static int
view_board_holds(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct view_board *v = owner;

	(void)ui;
	model_holds_free(&v->pend.h);
	return model_holds_parse(json, &v->pend.h, e);
}

static int
view_board_send(struct ui *ui, void *owner, PGconn *conn, struct err *e)
{
	struct view_board *v = owner;
	const struct cmd_bookings_filter f = view_board_filter(&v->pend);

	return cmd_bookings_list_send(ui_cmd(ui), &f, ui_studio(ui)->tz, conn, e);
}

static int
view_board_recv(struct ui *ui, void *owner, const PGresult *res, struct err *e)
{
	struct view_board *v = owner;
	struct model_bookings b;
	int rc;

	(void)ui;
	if ((rc = cmd_bookings_list_recv(res, &b, e)) == 0)
		view_board_take(v, &v->pend, &b);
	return rc;
}

/* view_board_place: where the cursor starts, once the board first
 * loaded: a staff member on their own row (their day at a glance), at the
 * clock when it is within the hours. */
static void
view_board_place(struct ui *ui, struct view_board *v)
{
	const struct model_studio *st;
	const struct db_actor *me;

	v->placed = 1;
	if ((me = ui_actor(ui)) != NULL && me->staff_id[0] != '\0' && v->ad != NULL) {
		for (size_t i = 0; i < v->ad->nstaff; i++) {
			if (strcmp(v->ad->staff[i].id, me->staff_id) == 0) {
				v->staff = 1;
				v->row = (int)i;
				v->ent = i;
			}
		}
	}
	if ((st = ui_studio(ui)) != NULL) {
		struct tz_local l;
		tz_to_local(st->tz, (int64_t)time(NULL), &l);
		v->cur_min = l.hour * 60 + l.minute;
	}
}

static void
view_board_loaded(struct ui *ui, void *owner, int say)
{
	struct view_board *v = owner;

	if (!v->placed)
		view_board_place(ui, v);
	if (say)
		ui_message(ui, 0, "refreshed: %zu booking%s, %zu hold%s", v->b.n,
		    v->b.n == 1 ? "" : "s", v->h.n, v->h.n == 1 ? "" : "s");
}

/* view_board_fail: what is shown stays (the ui says why, unasked). */
static void
view_board_fail(struct ui *ui, void *owner, int say, const struct err *e)
{
	struct view_board *v = owner;

	(void)ui, (void)say, (void)e;
	view_board_week_free(&v->pend);
}

static const struct ui_load_part view_board_parts[] = {
	{ .send = view_board_avail_send, .recv = view_board_avail_recv },
	{ .run = cmd_holds_run, .json = view_board_holds },
	{ .send = view_board_send, .recv = view_board_recv },
};
static const struct ui_load_spec view_board_load = {
	view_board_parts, 3, "the board", 1, view_board_loaded, view_board_fail,
};

/* view_board_in_week: whether the day shown is in the week loaded. */
static int
view_board_in_week(const struct view_board *v)
{
	int64_t n = tz_days_from_civil(v->y, v->m, v->d) - tz_days_from_civil(v->wy, v->wm, v->wd);

	return v->loaded && n >= 0 && n < BOARD_WEEK;
}

/* view_board_state: what the heading says of a load out: the week shown
 * is on its way, or what is shown is being read again. */
static const char *
view_board_state(const struct view_board *v)
{
	if (!v->ld.rd.out)
		return "";
	return view_board_in_week(v) ? "  (refreshing...)" : "  (loading...)";
}

static size_t
view_board_nents(const struct view_board *v)
{
	if (v->ad == NULL)
		return 0;
	return v->staff ? v->ad->nstaff : v->ad->nrooms;
}

static int
view_board_nrows(const struct view_board *v)
{
	return v->week ? BOARD_WEEK : (int)view_board_nents(v);
}

/* view_board_row: the entity and local day of row r. */
static void
view_board_row(const struct view_board *v, int r, size_t *ent, int *y, int *m, int *d)
{
	if (v->week) {
		*ent = v->ent;
		view_board_add_days(v->wy, v->wm, v->wd, r, y, m, d);
	} else {
		*ent = (size_t)r;
		*y = v->y, *m = v->m, *d = v->d;
	}
}

static const char *
view_board_ent_name(const struct view_board *v, size_t ent)
{
	if (ent >= view_board_nents(v))
		return "";
	return v->staff ? v->ad->staff[ent].name : v->ad->rooms[ent].name;
}

static const struct model_booking *
view_board_booking_by_id(const struct view_board *v, const char *id)
{
	for (size_t i = 0; i < v->b.n; i++)
		if (strcmp(v->b.v[i].id, id) == 0)
			return &v->b.v[i];
	return NULL;
}

/* view_board_instant: local minute mm of y-m-d as an instant. */
static int64_t
view_board_instant(const struct tz *tz, int y, int m, int d, int mm)
{
	int64_t t = 0;
	struct err e;

	if (mm >= BOARD_DAY_MIN) {
		int ny, nm, nd;
		view_board_add_days(y, m, d, 1, &ny, &nm, &nd);
		y = ny, m = nm, d = nd;
		mm -= BOARD_DAY_MIN;
	}
	err_clear(&e);
	if (tz_from_local(tz, y, m, d, mm / 60, mm % 60, 0, TZ_SHIFT_FORWARD, &t, &e) != 0)
		return 0;
	return t;
}

/* What may cover one row: what is loaded for its entity and overlaps its
 * local day, in the loaded order (of several, view_board_at tells the
 * last, as over the whole lists). A staff row's bookings are those of its
 * claims (scb[i] for sc[i]; NULL when not loaded). */
struct board_pick {
	size_t ent;
	const struct avail_exception **ex;
	const struct model_booking **bk, **scb;
	const struct model_hold **hd;
	const struct avail_claim **cl;
	const struct avail_staff_claim **sc;
	size_t nex, nbk, nhd, ncl, nsc;
};

/* view_board_pick: what may cover the row of entity ent on y-m-d, into
 * *p (view_board_pick_free). */
static void
view_board_pick(const struct view_board *v, const struct tz *tz, size_t ent, int y, int m, int d,
    struct board_pick *p)
{
	enum avail_target type = v->staff ? AVAIL_STAFF : AVAIL_ROOM;
	int64_t from = view_board_instant(tz, y, m, d, 0), to = view_board_instant(tz, y, m, d, BOARD_DAY_MIN);
	const struct avail_data *ad = v->ad;

	memset(p, 0, sizeof(*p));
	p->ent = ent;
	p->ex = xcalloc(ad->nexceptions, sizeof(*p->ex));
	for (size_t i = 0; i < ad->nexceptions; i++) {
		const struct avail_exception *x = &ad->exceptions[i];
		if ((x->type == AVAIL_STUDIO || (x->type == type && x->target == ent)) &&
		    x->start < to && from < x->end)
			p->ex[p->nex++] = x;
	}
	if (v->staff) {
		p->sc = xcalloc(ad->nstaff_claims, sizeof(*p->sc));
		p->scb = xcalloc(ad->nstaff_claims, sizeof(*p->scb));
		for (size_t i = 0; i < ad->nstaff_claims; i++) {
			const struct avail_staff_claim *c = &ad->staff_claims[i];
			if (c->staff != ent || !(c->start < to && from < c->end))
				continue;
			p->scb[p->nsc] = view_board_booking_by_id(v, c->owner_id);
			p->sc[p->nsc++] = c;
		}
		return;
	}
	p->bk = xcalloc(v->b.n, sizeof(*p->bk));
	for (size_t i = 0; i < v->b.n; i++) {
		const struct model_booking *b = &v->b.v[i];
		if (b->start < to && from < b->end && view_board_live(b) &&
		    strcmp(b->room_id, ad->rooms[ent].id) == 0)
			p->bk[p->nbk++] = b;
	}
	p->hd = xcalloc(v->h.n, sizeof(*p->hd));
	for (size_t i = 0; i < v->h.n; i++) {
		const struct model_hold *h = &v->h.v[i];
		if (h->start < to && from < h->end && strcmp(h->room_id, ad->rooms[ent].id) == 0)
			p->hd[p->nhd++] = h;
	}
	p->cl = xcalloc(ad->nclaims, sizeof(*p->cl));
	for (size_t i = 0; i < ad->nclaims; i++) {
		const struct avail_claim *c = &ad->claims[i];
		if (c->room == ent && c->start < to && from < c->end)
			p->cl[p->ncl++] = c;
	}
}

static void
view_board_pick_free(struct board_pick *p)
{
	free(p->ex);
	free(p->bk);
	free(p->scb);
	free(p->hd);
	free(p->cl);
	free(p->sc);
	memset(p, 0, sizeof(*p));
}

/* What is at one instant of one row. */
struct board_at {
	enum board_cell cell;
	const struct model_booking *booking;
	const struct model_hold *hold;
	const struct avail_exception *blackout;
};

/* view_board_at: what covers instant t (on the picked row's day) in the
 * row p was picked for. */
static void
view_board_at(const struct view_board *v, const struct board_pick *p, int64_t t, struct board_at *at)
{
	enum avail_target type = v->staff ? AVAIL_STAFF : AVAIL_ROOM;
	int n = 0, buffer = 0;

	memset(at, 0, sizeof(*at));
	/* when a room or a person is open is core's rule, the engine's */
	at->cell = avail_rules_open(v->ad, type, p->ent, t) ? BOARD_OPEN : BOARD_CLOSED;

	for (size_t i = 0; i < p->nex; i++)
		if (p->ex[i]->start <= t && t < p->ex[i]->end)
			at->blackout = p->ex[i];
	for (size_t i = 0; i < p->nbk; i++) {
		const struct model_booking *b = p->bk[i];
		if (b->start <= t && t < b->end) {
			if (at->booking == NULL || strcmp(b->status, "awaiting_approval") != 0)
				at->booking = b;
			n++;
		}
	}
	for (size_t i = 0; i < p->nhd; i++) {
		if (p->hd[i]->start <= t && t < p->hd[i]->end) {
			at->hold = p->hd[i];
			n++;
		}
	}
	for (size_t i = 0; i < p->ncl; i++)
		if (p->cl[i]->start <= t && t < p->cl[i]->end)
			buffer = 1;
	for (size_t i = 0; i < p->nsc; i++) {
		const struct avail_staff_claim *c = p->sc[i];
		const struct model_booking *b = p->scb[i];
		if (!(c->start <= t && t < c->end))
			continue;
		buffer = 1;
		if (b != NULL && view_board_live(b) && b->start <= t && t < b->end) {
			if (at->booking == NULL || strcmp(b->status, "awaiting_approval") != 0)
				at->booking = b;
			n++;
		}
	}
	if (n > 1 || (n > 0 && at->blackout != NULL))
		at->cell = BOARD_CONFLICT;
	else if (at->booking != NULL && at->booking->sync_error[0] != '\0')
		at->cell = BOARD_SYNC_FAILED;
	else if (at->booking != NULL)
		at->cell = strcmp(at->booking->status, "awaiting_approval") == 0 ? BOARD_PENDING :
		    BOARD_CONFIRMED;
	else if (at->hold != NULL)
		at->cell = BOARD_HOLD;
	else if (at->blackout != NULL)
		at->cell = BOARD_BLACKOUT;
	else if (buffer)
		at->cell = BOARD_BUFFER;
}

static const char *
view_board_glyph(enum board_cell c)
{
	switch (c) {
	case BOARD_CONFIRMED: return "\xe2\x96\x88";  /* █ */
	case BOARD_PENDING: return "\xe2\x96\x92";    /* ▒ */
	case BOARD_HOLD: return "h";
	case BOARD_BLACKOUT: return "x";
	case BOARD_BUFFER: return "\xc2\xb7";         /* · */
	case BOARD_CONFLICT: return "!";
	case BOARD_SYNC_FAILED: return "s";
	case BOARD_CLOSED: return "-";
	default: return " ";
	}
}

static attr_t
view_board_attr(struct ui *ui, enum board_cell c)
{
	switch (c) {
	case BOARD_CONFIRMED: return ui_attr(ui, UI_OK);
	case BOARD_PENDING: return ui_attr(ui, UI_PENDING);
	case BOARD_HOLD: return ui_attr(ui, UI_HEADING);
	case BOARD_CONFLICT:
	case BOARD_SYNC_FAILED: return ui_attr(ui, UI_ERROR) | A_BOLD;
	case BOARD_BLACKOUT:
	case BOARD_BUFFER:
	case BOARD_CLOSED: return ui_attr(ui, UI_DIM);
	default: return A_NORMAL;
	}
}

static int
view_board_namew(const struct view_board *v)
{
	int w = v->week ? 9 : 4;   /* "Mon 11-23" */

	for (size_t i = 0; !v->week && i < view_board_nents(v); i++) {
		int n = text_width(view_board_ent_name(v, i));
		if (n > w)
			w = n;
	}
	return w < BOARD_NAME_CAP ? w : BOARD_NAME_CAP;
}

/* view_board_fit: minutes per character so the hours fit the width. */
static void
view_board_fit(struct view_board *v, int width)
{
	static const int steps[] = { 15, 30, 60, 120 };
	int span = v->close_min - v->open_min;

	v->cm = 120;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (span / steps[i] <= width) {
			v->cm = steps[i];
			break;
		}
	}
	v->step = v->cm < 30 ? 30 : v->cm;
	if (v->cur_min < v->open_min)
		v->cur_min = v->open_min;
	if (v->cur_min > v->close_min - v->step)
		v->cur_min = v->close_min - v->step;
	v->cur_min = v->open_min + (v->cur_min - v->open_min) / v->step * v->step;
}

static void
view_board_clamp_row(struct view_board *v)
{
	int n = view_board_nrows(v);

	if (v->row >= n)
		v->row = n > 0 ? n - 1 : 0;
	if (v->row < 0)
		v->row = 0;
	if (v->ent >= view_board_nents(v))
		v->ent = 0;
}

/* view_board_cursor: what is under the cursor. */
static void
view_board_cursor(struct ui *ui, struct view_board *v, struct board_at *at, int *y, int *m,
    int *d, size_t *ent)
{
	const struct model_studio *st = ui_studio(ui);
	struct board_pick pk;
	int64_t t;

	memset(at, 0, sizeof(*at));
	view_board_row(v, v->row, ent, y, m, d);
	if (st == NULL || v->ad == NULL || *ent >= view_board_nents(v))
		return;
	view_board_pick(v, st->tz, *ent, *y, *m, *d, &pk);
	/* anything in the cursor's cell, not only at its start */
	for (int mm = v->cur_min; mm < v->cur_min + v->step; mm += 15) {
		struct board_at a;
		t = view_board_instant(st->tz, *y, *m, *d, mm);
		view_board_at(v, &pk, t, &a);
		if (a.cell > at->cell || mm == v->cur_min)
			if (a.cell >= at->cell)
				*at = a;
	}
	view_board_pick_free(&pk);
}

static void
view_board_detail(struct ui *ui, struct view_board *v, int row)
{
	const struct model_studio *st = ui_studio(ui);
	struct board_at at;
	char line[256], from[16], to[16], exp[16];
	int y, m, d;
	size_t ent;

	view_board_cursor(ui, v, &at, &y, &m, &d, &ent);
	if (st == NULL || v->ad == NULL || ent >= view_board_nents(v)) {
		line[0] = '\0';
	} else if (at.booking != NULL) {
		model_local_time(st->tz, at.booking->start, y, m, d, from, sizeof(from));
		model_local_time(st->tz, at.booking->end, y, m, d, to, sizeof(to));
		snprintf(line, sizeof(line), "%s %s %s-%s %s%s%s%s  (Enter opens)", at.booking->code,
		    strcmp(at.booking->status, "awaiting_approval") == 0 ? "awaiting approval" :
		    at.booking->status, from, to, at.booking->artist_name,
		    at.cell == BOARD_CONFLICT ? "  CONFLICT" : "",
		    at.booking->sync_error[0] ? "  CALENDAR SYNC FAILED: " : "", at.booking->sync_error);
	} else if (at.hold != NULL) {
		long left = (long)(at.hold->expires_at - (int64_t)time(NULL));
		model_local_time(st->tz, at.hold->start, y, m, d, from, sizeof(from));
		model_local_time(st->tz, at.hold->end, y, m, d, to, sizeof(to));
		model_local_time(st->tz, at.hold->expires_at, y, m, d, exp, sizeof(exp));
		if (left < 0)
			left = 0;
		snprintf(line, sizeof(line), "hold %.8s %s-%s %s, expires %s (in %ld:%02ld)", at.hold->id,
		    from, to, at.hold->artist_name[0] ? at.hold->artist_name : at.hold->created_by,
		    exp, left / 60, left % 60);
	} else if (at.blackout != NULL) {
		snprintf(line, sizeof(line), "blackout%s%s", at.blackout->reason && at.blackout->reason[0] ?
		    ": " : "", at.blackout->reason ? at.blackout->reason : "");
	} else {
		snprintf(line, sizeof(line), "%s %02d:%02d  %s",
		    view_board_ent_name(v, ent), v->cur_min / 60, v->cur_min % 60,
		    at.cell == BOARD_BUFFER ? "buffer (setup or teardown)" :
		    at.cell == BOARD_CLOSED ? "closed" : v->staff ? "free" : "free (n holds it)");
	}
	attrset(A_BOLD);
	ui_put(row, 1, line, COLS - 2);
	attrset(A_NORMAL);
}

static void
view_board_draw(struct ui *ui, void *state)
{
	struct view_board *v = state;
	const struct model_studio *st = ui_studio(ui);
	int top, height, namew, x0, width, nrows, rows, label_every;
	char line[256];
	struct tz_local l;

	ui_body(ui, &top, &height);
	view_board_clamp_row(v);
	namew = view_board_namew(v);
	x0 = 2 + namew + 1;
	width = COLS - 1 - x0;
	if (width < 4 || st == NULL || v->ad == NULL) {
		attrset(ui_attr(ui, UI_DIM));
		ui_put(top + 1, 1, ui_load_says(&v->ld, v->loaded,
		    "the screen is too narrow for the board"), COLS - 2);
		attrset(A_NORMAL);
		return;
	}
	view_board_fit(v, width);

	/* the heading: the day or week, the zone, what the rows are */
	tz_to_local(st->tz, view_board_instant(st->tz, v->y, v->m, v->d, v->cur_min), &l);
	if (v->week) {
		/* the week of the day shown, loaded or on its way */
		int wy, wm, wd;
		view_board_add_days(v->y, v->m, v->d,
		    -((tz_weekday(tz_days_from_civil(v->y, v->m, v->d)) + 6) % 7), &wy, &wm, &wd);
		snprintf(line, sizeof(line), "BOARD  week of %04d-%02d-%02d  %s  %s %s%s", wy, wm, wd,
		    view_board_ent_name(v, v->ent), st->timezone, l.abbr, view_board_state(v));
	} else {
		snprintf(line, sizeof(line), "BOARD  %.3s %04d-%02d-%02d%s  %s %s  by %s%s",
		    model_weekday_name(v->y, v->m, v->d), v->y, v->m, v->d,
		    v->follow_today ? " (today)" : "", st->timezone, l.abbr, v->staff ? "staff" : "room",
		    view_board_state(v));
	}
	attrset(ui_attr(ui, UI_HEADING));
	ui_put(top + 1, 1, line, COLS - 2);

	/* hour labels where they fit: 3 columns each at least */
	label_every = 1;
	while (60 * label_every / v->cm < 3)
		label_every++;
	move(top + 2, 0);
	clrtoeol();
	for (int h = v->open_min / 60; h * 60 < v->close_min; h += label_every) {
		char lab[16];
		int x = x0 + (h * 60 - v->open_min) / v->cm;
		snprintf(lab, sizeof(lab), "%02d", h);
		if (x + 2 <= COLS - 1)
			ui_put(top + 2, x, lab, 2);
	}
	attrset(A_NORMAL);

	nrows = view_board_nrows(v);
	rows = height - 5;   /* heading, hours, legend, detail, a gap */
	if (rows < 1)
		rows = 1;
	if (v->row < v->first)
		v->first = v->row;
	if (v->row >= v->first + rows)
		v->first = v->row - rows + 1;
	if (nrows == 0) {
		attrset(ui_attr(ui, UI_DIM));
		ui_put(top + 3, 3, v->staff ? "no staff" : "no rooms", COLS - 4);
		attrset(A_NORMAL);
	}
	for (int r = 0; r < rows && v->first + r < nrows; r++) {
		int ri = v->first + r, yy, mm0, dd, sel = ri == v->row, sy = top + 3 + r;
		size_t ent;
		char name[64];
		struct board_pick pk;

		view_board_row(v, ri, &ent, &yy, &mm0, &dd);
		if (v->week)
			snprintf(name, sizeof(name), "%.3s %02d-%02d", model_weekday_name(yy, mm0, dd), mm0, dd);
		else
			snprintf(name, sizeof(name), "%s", view_board_ent_name(v, ent));
		attrset(sel ? ui_attr(ui, UI_CURSOR) : A_NORMAL);
		ui_put(sy, 0, sel ? ">" : " ", 1);
		attrset(A_NORMAL);
		ui_put(sy, 1, " ", 1);
		ui_put(sy, 2, name, namew);
		ui_put(sy, 2 + namew, " ", 1);
		view_board_pick(v, st->tz, ent, yy, mm0, dd, &pk);
		for (int c = 0; c < width && v->open_min + c * v->cm < v->close_min; c++) {
			int mm = v->open_min + c * v->cm;
			struct board_at at;
			attr_t a;

			view_board_at(v, &pk, view_board_instant(st->tz, yy, mm0, dd, mm), &at);
			a = view_board_attr(ui, at.cell);
			if (sel && mm >= v->cur_min && mm < v->cur_min + v->step)
				a = ui_attr(ui, UI_CURSOR);
			attrset(a);
			mvaddstr(sy, x0 + c, view_board_glyph(at.cell));
		}
		view_board_pick_free(&pk);
		attrset(A_NORMAL);
		clrtoeol();
	}
	if (v->first + rows < nrows) {
		snprintf(line, sizeof(line), "%d more below", nrows - v->first - rows);
		attrset(ui_attr(ui, UI_DIM));
		ui_put(top + 3 + rows - 1, COLS - 1 - text_width(line), line, text_width(line));
		attrset(A_NORMAL);
	}
	{
		int shown = nrows - v->first < rows ? nrows - v->first : rows;
		int ly = top + 3 + (shown > 0 ? shown : 1) + 1;
		if (ly > top + height - 2)
			ly = top + height - 2;
		attrset(ui_attr(ui, UI_DIM));
		/* the legend, shorter on a narrow screen */
		ui_put(ly, 1, COLS >= 104 ?
		    "\xe2\x96\x88 confirmed  \xe2\x96\x92 awaiting approval  h hold  x blackout  "
		    "\xc2\xb7 buffer  ! conflict  s sync failed  - closed" :
		    "\xe2\x96\x88 confirmed \xe2\x96\x92 awaiting h hold x blackout "
		    "\xc2\xb7 buffer ! conflict s sync failed - closed", COLS - 2);
		attrset(A_NORMAL);
		view_board_detail(ui, v, ly + 1);
	}
}

static void *
view_board_enter(struct ui *ui, void *arg)
{
	struct view_board *v = calloc(1, sizeof(*v));

	(void)arg;
	if (v == NULL)
		view_board_oom();
	v->follow_today = 1;
	v->cm = 15;
	v->step = 30;
	ui_load_init(&v->ld, &view_board_load, v);
	ui_load(ui, &v->ld, 0);
	return v;
}

static void
view_board_leave(struct ui *ui, void *state)
{
	struct view_board *v = state;

	ui_load_drop(ui, &v->ld);
	view_board_week_free(&v->pend);
	if (v->ad)
		avail_data_free(v->ad);
	model_bookings_free(&v->b);
	model_holds_free(&v->h);
	free(v);
}

/* view_board_go: show another day (delta days from the one shown). */
static void
view_board_go(struct ui *ui, struct view_board *v, int delta)
{
	const struct model_studio *st = ui_studio(ui);
	int y, m, d;

	view_board_add_days(v->y, v->m, v->d, delta, &v->y, &v->m, &v->d);
	v->follow_today = 0;
	if (st != NULL) {
		model_today(st->tz, (int64_t)time(NULL), &y, &m, &d);
		v->follow_today = y == v->y && m == v->m && d == v->d;
	}
	/* another day of the week loaded is drawn from what is loaded (unless
	 * a load out brings another week) */
	if (!view_board_in_week(v) || v->ld.rd.out)
		ui_load(ui, &v->ld, 0);
}

static void
view_board_hold(struct ui *ui, struct view_board *v)
{
	struct board_at at;
	char start[64];
	int y, m, d;
	size_t ent;

	if (v->staff) {
		ui_message(ui, 0, "holds are for rooms: s shows the rooms");
		return;
	}
	view_board_cursor(ui, v, &at, &y, &m, &d, &ent);
	if (v->ad == NULL || ent >= v->ad->nrooms) {
		ui_message(ui, 0, "no room under the cursor");
		return;
	}
	snprintf(start, sizeof(start), "%04d-%02d-%02d %02d:%02d", y, m, d, (v->cur_min / 60) % 24,
	    v->cur_min % 60);
	act_hold_new_at(ui, v->ad->rooms[ent].name, start);
}

static void
view_board_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_board *v = state;
	enum keys_action a = keys_action_of(k);
	struct board_at at;
	int y, m, d;
	size_t ent;

	switch (a) {
	case KEYS_REFRESH:
		ui_load(ui, &v->ld, 1);
		break;
	case KEYS_UP:
		v->row--;
		break;
	case KEYS_DOWN:
		v->row++;
		break;
	case KEYS_LEFT:
		v->cur_min -= v->step;
		break;
	case KEYS_RIGHT:
		v->cur_min += v->step;
		break;
	case KEYS_TOP:
		v->cur_min = v->open_min;
		break;
	case KEYS_BOTTOM:
		v->cur_min = v->close_min;
		break;
	case KEYS_PAGE_UP:
		v->row = 0;
		break;
	case KEYS_PAGE_DOWN:
		v->row = view_board_nrows(v) - 1;
		break;
	case KEYS_PREV_DAY:
		view_board_go(ui, v, v->week ? -7 : -1);
		break;
	case KEYS_NEXT_DAY:
		view_board_go(ui, v, v->week ? 7 : 1);
		break;
	case KEYS_TODAY:
		v->follow_today = 1;
		ui_load(ui, &v->ld, 0);
		break;
	case KEYS_STAFF:   /* s: rooms or staff as rows */
		v->staff = !v->staff;
		v->ent = 0;
		v->first = 0;
		break;
	case KEYS_SWAP:    /* w: the day or the week */
		if (!v->week) {
			view_board_row(v, v->row, &ent, &y, &m, &d);
			v->ent = ent;
			v->week = 1;
			v->row = (tz_weekday(tz_days_from_civil(v->y, v->m, v->d)) + 6) % 7;
		} else {
			view_board_row(v, v->row, &ent, &y, &m, &d);
			v->week = 0;
			v->y = y, v->m = m, v->d = d;
			v->row = (int)ent;
			view_board_go(ui, v, 0);
		}
		v->first = 0;
		break;
	case KEYS_OPEN:
		view_board_cursor(ui, v, &at, &y, &m, &d, &ent);
		if (at.booking != NULL)
			ui_push(ui, &view_booking, at.booking->code);
		else
			ui_message(ui, 0, "no booking under the cursor");
		return;
	case KEYS_HOLD_NEW:
		view_board_hold(ui, v);
		return;
	case KEYS_JOB_RETRY:  /* R: the failed calendar sync under the cursor */
		view_board_cursor(ui, v, &at, &y, &m, &d, &ent);
		if (at.booking != NULL)
			act_sync_retry(ui, at.booking->code);
		else
			ui_message(ui, 0, "no booking under the cursor");
		return;
	default:
		ui_other_key(ui, k, 0);
		return;
	}
	view_board_clamp_row(v);
	if (v->cur_min < v->open_min)
		v->cur_min = v->open_min;
	if (v->cur_min > v->close_min - v->step)
		v->cur_min = v->close_min - v->step;
}

static void
view_board_change(struct ui *ui, void *state)
{
	struct view_board *v = state;

	ui_load(ui, &v->ld, 0);
}

/* view_board_tick: at midnight today is another day; a hold that runs
 * out leaves the board; the cursor's countdown moves. */
static void
view_board_tick(struct ui *ui, void *state)
{
	struct view_board *v = state;
	const struct model_studio *st = ui_studio(ui);
	int64_t now = (int64_t)time(NULL);
	int y, m, d;

	/* a load out brings what it changes */
	if (st == NULL || v->ld.rd.out)
		return;
	if (v->follow_today) {
		model_today(st->tz, now, &y, &m, &d);
		if (y != v->y || m != v->m || d != v->d) {
			ui_load(ui, &v->ld, 0);
			ui_dirty(ui);
			return;
		}
	}
	for (size_t i = 0; i < v->h.n; i++) {
		if (v->h.v[i].expires_at <= now) {
			ui_load(ui, &v->ld, 0);
			break;
		}
	}
	if (v->h.n > 0)
		ui_dirty(ui);
}

const struct view view_board = {
	.name = "board",
	.status_keys = NULL,
	.status_text = "hjkl move  <> t day  Enter open  n hold  s staff  w week  ? help  q quit",
	.enter = view_board_enter,
	.leave = view_board_leave,
	.resize = NULL,
	.draw = view_board_draw,
	.key = view_board_key,
	.change = view_board_change,
	.tick = view_board_tick,
};
