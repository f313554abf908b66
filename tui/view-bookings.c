/* view-bookings.c: every booking a filter picks (status, room, staff,
 * dates, text in the code or the artist's name), by start; from today on
 * until filtered otherwise. Enter opens one; c cancels, s sets its staff;
 * / changes the filter. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "db/admin.h"
#include "tui/act.h"
#include "tui/fmt.h"
#include "tui/form.h"
#include "tui/table.h"
#include "tui/ui.h"

/* at 80 columns STAFF is what gives way: the booking screen shows it */
enum { B_WHEN, B_CODE, B_STATUS, B_ROOM, B_ARTIST, B_STAFF, B_N };

/* The filter as typed, as `bookings` takes it. */
struct view_bookings_filter {
	char status[32], room[64], staff[64], from[16], to[16], search[64];
};

struct view_bookings {
	struct view_bookings_filter f;
	struct model_bookings b;
	struct table t;
	int loaded;
	struct ui_reading rd;    /* gen: the filter's version */
	char cell[96];
	struct ui *ui;
};

static const enum keys_action view_bookings_status[] = {
	KEYS_OPEN, KEYS_FILTER, KEYS_CANCEL, KEYS_STAFF, KEYS_NEXT_VIEW, KEYS_HELP, KEYS_QUIT,
	KEYS_NONE,
};

static const char *
view_bookings_or_null(const char *s)
{
	return s[0] ? s : NULL;
}

/* view_bookings_cmd: the bookings command for filter f, the list's columns. */
static struct cmd_bookings
view_bookings_cmd(const struct view_bookings_filter *f)
{
	return (struct cmd_bookings){ .filter = {
		.date = NULL,
		.from = view_bookings_or_null(f->from),
		.to = view_bookings_or_null(f->to),
		.status = view_bookings_or_null(f->status),
		.room = view_bookings_or_null(f->room),
		.staff = view_bookings_or_null(f->staff),
		.search = view_bookings_or_null(f->search),
	}, .list = 1 };
}

/* view_bookings_query: the bookings filter f picks, into out. */
static int
view_bookings_query(struct ui *ui, const struct view_bookings_filter *f, struct model_bookings *out,
    struct err *e)
{
	const struct model_studio *st = ui_studio_need(ui);
	const struct cmd_bookings c = view_bookings_cmd(f);
	struct cmd_bookings_params p;
	struct cmd_bookings_out o;
	int rc;

	if (st == NULL)
		return err_set(e, ERR_DB, NULL, "the studio is not loaded");
	/* the bookings command's own run step */
	if ((rc = cmd_bookings_run(ui_cmd(ui), &c, st->tz, (int64_t)time(NULL), &p, &o, e)) != 0)
		return rc;
	*out = o.b;
	return 0;
}

/* view_bookings_set: b (taken) as the rows shown, the cursor staying on
 * its booking when that is still there. */
static void
view_bookings_set(struct view_bookings *v, struct model_bookings *b)
{
	char at[37] = "";

	if (v->t.cursor < v->b.n)
		snprintf(at, sizeof(at), "%s", v->b.v[v->t.cursor].id);
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->v[i].id, at) == 0)
			v->t.cursor = i;
	model_bookings_free(&v->b);
	v->b = *b;
	memset(b, 0, sizeof(*b));
	table_set_rows(&v->t, v->b.n);
	v->loaded = 1;
}

static int
view_bookings_load(struct ui *ui, struct view_bookings *v)
{
	struct model_bookings b;
	struct err e;
	int rc;

	err_clear(&e);
	if ((rc = view_bookings_query(ui, &v->f, &b, &e)) != 0) {
		ui_message(ui, 1, "cannot load the bookings: %s", e.msg);
		return rc;
	}
	view_bookings_set(v, &b);
	return 0;
}

static void
view_bookings_said(struct ui *ui, struct view_bookings *v)
{
	ui_message(ui, 0, "refreshed: %zu booking%s", v->b.n, v->b.n == 1 ? "" : "s");
}

/* The same read, not waited for: the bookings command's send step on the
 * console's second connection, its receive step when the rows come. */
static int
view_bookings_send(struct ui *ui, void *owner, PGconn *conn, struct err *e)
{
	struct view_bookings *v = owner;
	const struct model_studio *st = ui_studio_need(ui);
	const struct cmd_bookings c = view_bookings_cmd(&v->f);
	struct cmd_bookings_params p;

	if (st == NULL)
		return err_set(e, ERR_DB, NULL, "the studio is not loaded");
	v->rd.sent_gen = v->rd.gen;
	return cmd_bookings_send(ui_cmd(ui), &c, st->tz, (int64_t)time(NULL), &p, conn, e);
}

static void
view_bookings_done(struct ui *ui, void *owner, const PGresult *res, const struct err *e)
{
	struct view_bookings *v = owner;
	const struct cmd_bookings c = { .list = 1 };
	struct cmd_bookings_out o;
	struct err e2;
	int say;

	/* read for a filter since replaced: the read for the new one is queued */
	if (res != NULL && v->rd.sent_gen != v->rd.gen)
		return;
	say = ui_reading_end(&v->rd);
	err_clear(&e2);
	if (res == NULL || cmd_bookings_recv(&c, res, &o, &e2) != 0) {
		/* said when asked for; a background read's failure shows as
		 * the list not loaded */
		if (say)
			ui_message(ui, 1, "cannot load the bookings: %s", res == NULL ? e->msg : e2.msg);
		return;
	}
	view_bookings_set(v, &o.b);
	if (say)
		view_bookings_said(ui, v);
}

static const struct ui_read view_bookings_read = { view_bookings_send, view_bookings_done };

/* view_bookings_reload: read the list again without waiting for it (the
 * rows shown stay until the new ones come); when that cannot be, read it
 * now. announce: r asked. */
static void
view_bookings_reload(struct ui *ui, struct view_bookings *v, int announce)
{
	int rc;

	if (ui_reading_start(ui, &v->rd, &view_bookings_read, v, announce) == 0)
		return;
	rc = view_bookings_load(ui, v);
	if (ui_reading_end(&v->rd) && rc == 0)
		view_bookings_said(ui, v);
}

static void *
view_bookings_enter(struct ui *ui, void *arg)
{
	struct view_bookings *v = xcalloc(1, sizeof(*v));
	const struct model_studio *st;

	(void)arg;
	v->ui = ui;
	/* what is coming up: from today on */
	if ((st = ui_studio_need(ui)) != NULL) {
		int y, m, d;
		model_today(st->tz, (int64_t)time(NULL), &y, &m, &d);
		snprintf(v->f.from, sizeof(v->f.from), "%04d-%02d-%02d", y, m, d);
	}
	view_bookings_reload(ui, v, 0);
	return v;
}

static void
view_bookings_leave(struct ui *ui, void *state)
{
	struct view_bookings *v = state;

	ui_read_drop(ui, v);
	model_bookings_free(&v->b);
	free(v);
}

static const char *
view_bookings_cell(void *arg, size_t row, int col)
{
	struct view_bookings *v = arg;
	const struct model_booking *b = &v->b.v[row];
	const struct model_studio *st = ui_studio_need(v->ui);

	switch (col) {
	case B_WHEN:
		if (st == NULL)
			return "";
		fmt_span_short(st->tz, b->start, b->end, v->cell, sizeof(v->cell));
		return v->cell;
	case B_STATUS:
		return b->status;
	case B_ROOM:
		return b->room_name;
	case B_ARTIST:
		return b->artist_name[0] ? b->artist_name : "-";
	case B_CODE:
		return b->code;
	default:
		return b->staff[0] ? b->staff : "-";
	}
}

static enum ui_style
view_bookings_style(void *arg, size_t row, int col)
{
	struct view_bookings *v = arg;
	const char *s = v->b.v[row].status;

	if (col != B_STATUS)
		return UI_STYLE_COUNT;
	if (strcmp(s, "confirmed") == 0)
		return UI_OK;
	if (strcmp(s, "awaiting_approval") == 0)
		return UI_PENDING;
	if (strcmp(s, "canceled") == 0 || strcmp(s, "rejected") == 0)
		return UI_DIM;
	return UI_STYLE_COUNT;
}

static void
view_bookings_draw(struct ui *ui, void *state)
{
	static const struct table_col cols[B_N] = {
		{ "WHEN", 21 }, { "CODE", 12 }, { "STATUS", 17 }, { "ROOM", 12 }, { "ARTIST", 14 },
		{ "STAFF", 0 },
	};
	struct view_bookings *v = state;
	struct table_src src = { view_bookings_cell, NULL, view_bookings_style, v };
	const struct view_bookings_filter *f = &v->f;
	int top, height;
	char head[320];

	ui_body(ui, &top, &height);
	snprintf(head, sizeof(head), "BOOKINGS  %zu%s%s%s%s%s%s%s%s%s%s%s%s%s%s", v->b.n,
	    f->from[0] ? " from " : "", f->from, f->to[0] ? " to " : "", f->to,
	    f->status[0] ? ", " : "", f->status, f->room[0] ? ", room " : "", f->room,
	    f->staff[0] ? ", staff " : "", f->staff, f->search[0] ? ", \"" : "", f->search,
	    f->search[0] ? "\"" : "", v->rd.out ? "  (refreshing...)" : "");
	attrset(ui_attr(ui, UI_HEADING));
	ui_put(top + 1, 1, head, COLS - 2);
	attrset(A_NORMAL);
	if (v->b.n == 0) {
		attrset(ui_attr(ui, UI_DIM));
		ui_put(top + 3, 3, v->loaded ? "no bookings; / changes the filter"
		    : v->rd.out ? "loading..." : "not loaded (r to retry)",
		    COLS - 4);
		attrset(A_NORMAL);
		return;
	}
	table_draw(ui, &v->t, top + 2, height - 2, cols, B_N, &src);
}

/* The filter form: its values, once the bookings command resolves them
 * (days, status, room and staff names: an error shows under its field),
 * become the view's filter, its rows read without waiting. */
static enum form_result
view_bookings_filter_submit(struct ui *ui, struct form *f)
{
	struct view_bookings *v = f->data;
	const struct model_studio *st = ui_studio_need(ui);
	struct view_bookings_filter nf;
	struct cmd_bookings_params p;
	struct cmd_bookings c;
	struct err e;
	int rc;

	memset(&nf, 0, sizeof(nf));
	snprintf(nf.status, sizeof(nf.status), "%s", form_value(f, "status"));
	snprintf(nf.room, sizeof(nf.room), "%s", form_value(f, "room"));
	snprintf(nf.staff, sizeof(nf.staff), "%s", form_value(f, "staff"));
	snprintf(nf.from, sizeof(nf.from), "%s", form_value(f, "from"));
	snprintf(nf.to, sizeof(nf.to), "%s", form_value(f, "to"));
	snprintf(nf.search, sizeof(nf.search), "%s", form_value(f, "search"));
	c = view_bookings_cmd(&nf);
	err_clear(&e);
	if (st == NULL)
		rc = err_set(&e, ERR_DB, NULL, "the studio is not loaded");
	else if ((rc = cmd_open_db(ui_cmd(ui), &e)) == 0)
		rc = cmd_bookings_resolve(ui_db(ui), st->tz, (int64_t)time(NULL), &c.filter, &p, &e);
	if (rc != 0) {
		form_fail(f, &e);
		return FORM_KEEP;
	}
	/* the rows of the old filter are not the new one's */
	v->f = nf;
	v->rd.gen++;
	v->t.cursor = 0;
	model_bookings_free(&v->b);
	table_set_rows(&v->t, 0);
	v->loaded = 0;
	view_bookings_reload(ui, v, 1);
	return FORM_CLOSE;
}

static void
view_bookings_filter(struct ui *ui, struct view_bookings *v)
{
	struct form *f = form_new("Filter the bookings", view_bookings_filter_submit);

	/* the view outlives the form over it, so the form borrows it */
	f->data = v;
	form_text(f, "Empty fields filter nothing. Days are studio days, YYYY-MM-DD.");
	form_field(f, "Status", "status", v->f.status, "awaiting_approval, confirmed, ...");
	form_field(f, "Room", "room", v->f.room, "any room");
	form_field(f, "Staff", "staff", v->f.staff, "anyone");
	form_field(f, "From", "from", v->f.from, "any day");
	form_field(f, "To", "to", v->f.to, "any day");
	form_field(f, "Search", "search", v->f.search, "code or artist name");
	ui_push(ui, &view_form, f);
}

static void
view_bookings_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_bookings *v = state;
	enum keys_action a = keys_action_of(k);
	const struct model_booking *b = v->t.cursor < v->b.n ? &v->b.v[v->t.cursor] : NULL;

	if (table_key(&v->t, a))
		return;
	switch (a) {
	case KEYS_REFRESH:
		view_bookings_reload(ui, v, 1);
		return;
	case KEYS_FILTER:
		view_bookings_filter(ui, v);
		return;
	case KEYS_OPEN:
	case KEYS_CANCEL:
	case KEYS_STAFF:
		if (b == NULL) {
			ui_message(ui, 0, "no booking under the cursor");
			return;
		}
		if (a == KEYS_OPEN)
			ui_push(ui, &view_booking, b->code);
		else if (a == KEYS_CANCEL)
			act_cancel(ui, b->code);
		else
			act_staff(ui, b->code, b->staff);
		return;
	default:
		ui_other_key(ui, k, 0);
		return;
	}
}

static void
view_bookings_change(struct ui *ui, void *state)
{
	view_bookings_reload(ui, state, 0);
}

const struct view view_bookings = {
	.name = "bookings",
	.status_keys = view_bookings_status,
	.status_text = NULL,
	.enter = view_bookings_enter,
	.leave = view_bookings_leave,
	.resize = NULL,
	.draw = view_bookings_draw,
	.key = view_bookings_key,
	.change = view_bookings_change,
	.tick = NULL,
};
