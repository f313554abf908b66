/* view-queue.c: the approval queue: bookings awaiting approval, newest
 * first, with the one under the cursor in full below. Space marks
 * bookings; a and x approve or reject the marked ones (or the one under
 * the cursor) together. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "db/admin.h"
#include "tui/act.h"
#include "tui/detail.h"
#include "tui/fmt.h"
#include "tui/table.h"
#include "tui/text.h"
#include "tui/ui.h"

/* at 80 columns SUBMITTED is what gives way: the detail pane says it */
enum { Q_CODE, Q_WHEN, Q_ROOM, Q_ARTIST, Q_TOTAL, Q_CARD, Q_SUBMITTED, Q_N };

struct view_queue {
	struct model_details q;
	unsigned char *marks;          /* one per row */
	struct table t;
	int loaded;
	struct ui_load ld;
	char cell[96];
	struct ui *ui;
};

static const enum keys_action view_queue_status[] = {
	KEYS_APPROVE, KEYS_REJECT, KEYS_MARK, KEYS_OPEN, KEYS_NEXT_VIEW, KEYS_HELP, KEYS_QUIT,
	KEYS_NONE,
};

/* view_queue_json: the queue command's answer as the rows shown,
 * keeping the cursor and the marks on the same bookings. */
static int
view_queue_json(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct view_queue *v = owner;
	struct model_details q;
	unsigned char *marks;
	char at[37] = "";
	int rc;

	(void)ui;
	if ((rc = model_details_parse(json, &q, e)) != 0)
		return rc;
	marks = xcalloc(q.n ? q.n : 1, 1);
	if (v->t.cursor < v->q.n)
		snprintf(at, sizeof(at), "%s", v->q.v[v->t.cursor].id);
	for (size_t i = 0; i < q.n; i++) {
		for (size_t k = 0; k < v->q.n; k++)
			if (v->marks[k] && strcmp(v->q.v[k].id, q.v[i].id) == 0)
				marks[i] = 1;
		if (strcmp(q.v[i].id, at) == 0)
			v->t.cursor = i;
	}
	model_details_free(&v->q);
	free(v->marks);
	v->q = q;
	v->marks = marks;
	table_set_rows(&v->t, q.n);
	v->loaded = 1;
	return 0;
}

static void
view_queue_take(struct ui *ui, void *owner, int say)
{
	struct view_queue *v = owner;

	if (say)
		ui_message(ui, 0, "refreshed: %zu awaiting approval", v->q.n);
}

/* the queue command's own run step, not waited for */
static const struct ui_load_part view_queue_parts[] = { { .run = cmd_queue_run, .json = view_queue_json } };
static const struct ui_load_spec view_queue_load = {
	view_queue_parts, 1, "the queue", 0, view_queue_take, NULL,
};

static void *
view_queue_enter(struct ui *ui, void *arg)
{
	struct view_queue *v = xcalloc(1, sizeof(*v));

	(void)arg;
	v->ui = ui;
	ui_load_init(&v->ld, &view_queue_load, v);
	ui_load(ui, &v->ld, 0);
	return v;
}

static void
view_queue_leave(struct ui *ui, void *state)
{
	struct view_queue *v = state;

	ui_load_drop(ui, &v->ld);
	model_details_free(&v->q);
	free(v->marks);
	free(v);
}

static const char *
view_queue_cell(void *arg, size_t row, int col)
{
	struct view_queue *v = arg;
	const struct model_detail *b = &v->q.v[row];
	const struct model_studio *st = ui_studio_need(v->ui);

	switch (col) {
	case Q_CODE:
		return b->code;
	case Q_WHEN:
		if (st == NULL)
			return "";
		fmt_span_short(st->tz, b->start, b->end, v->cell, sizeof(v->cell));
		return v->cell;
	case Q_ROOM:
		return b->room_name;
	case Q_ARTIST:
		return b->artist_name[0] ? b->artist_name : "-";
	case Q_TOTAL:
		fmt_money(b->subtotal_cents, v->cell, sizeof(v->cell));
		return v->cell;
	case Q_CARD:
		fmt_auth_left((int64_t)time(NULL), b->capture_before, v->cell, sizeof(v->cell));
		return v->cell;
	default:
		fmt_ago((int64_t)time(NULL), b->created, v->cell, sizeof(v->cell));
		return v->cell;
	}
}

/* view_queue_style: an authorization about to lapse stands out. */
static enum ui_style
view_queue_style(void *arg, size_t row, int col)
{
	struct view_queue *v = arg;
	char buf[32];

	if (col == Q_CARD &&
	    fmt_auth_left((int64_t)time(NULL), v->q.v[row].capture_before, buf, sizeof(buf)))
		return UI_ERROR;
	return UI_STYLE_COUNT;
}

static int
view_queue_marked(void *arg, size_t row)
{
	struct view_queue *v = arg;

	return v->marks[row];
}

static size_t
view_queue_nmarked(const struct view_queue *v)
{
	size_t n = 0;

	for (size_t i = 0; i < v->q.n; i++)
		n += v->marks[i];
	return n;
}

static void
view_queue_draw(struct ui *ui, void *state)
{
	static const struct table_col cols[Q_N] = {
		{ "CODE", 12 }, { "WHEN", 21 }, { "ROOM", 12 }, { "ARTIST", 14 },
		{ "SUBTOTAL", 10 }, { "CARD HELD", 10 }, { "SUBMITTED", 0 },
	};
	struct view_queue *v = state;
	const struct model_studio *st = ui_studio_need(ui);
	struct table_src src = { view_queue_cell, view_queue_marked, view_queue_style, v };
	struct detail_line lines[DETAIL_MAX_LINES];
	int top, height, y, listh, n;
	char head[128];

	ui_body(ui, &top, &height);
	y = top + 1;
	snprintf(head, sizeof(head), "APPROVAL QUEUE  %zu awaiting approval%s", v->q.n,
	    v->q.n ? ", newest first" : "");
	if (view_queue_nmarked(v) > 0)
		snprintf(head + strlen(head), sizeof(head) - strlen(head), ", %zu marked",
		    view_queue_nmarked(v));
	attrset(ui_attr(ui, UI_HEADING));
	ui_put(y, 1, head, COLS - 2);
	attrset(A_NORMAL);
	if (v->q.n == 0 || st == NULL) {
		attrset(ui_attr(ui, UI_DIM));
		ui_put(y + 2, 3, ui_load_says(&v->ld, v->loaded, "nothing awaits approval"), COLS - 4);
		attrset(A_NORMAL);
		return;
	}
	/* the list takes up to half the body; the booking in full, the rest */
	listh = (height - 2) / 2;
	if (listh > (int)v->q.n + 1)
		listh = (int)v->q.n + 1;
	if (listh < 2)
		listh = 2;
	table_draw(ui, &v->t, y + 1, listh, cols, Q_N, &src);
	y += 1 + listh;
	attrset(ui_attr(ui, UI_DIM));
	mvhline(y, 1, ACS_HLINE, COLS - 2);
	attrset(A_NORMAL);
	y++;
	n = detail_lines(&v->q.v[v->t.cursor], st, (int64_t)time(NULL), lines, DETAIL_MAX_LINES);
	for (int i = 0; i < n && y < top + height; i++, y++) {
		attrset(ui_attr(ui, UI_HEADING));
		ui_put(y, 3, lines[i].label, 10);
		attrset(A_NORMAL);
		ui_put(y, i == 0 ? 3 : 13, lines[i].text, COLS - (i == 0 ? 4 : 14));
	}
}

/* view_queue_codes: the marked codes, or the cursor's when none is. */
static size_t
view_queue_codes(struct view_queue *v, const char **codes, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < v->q.n && n < max; i++)
		if (v->marks[i])
			codes[n++] = v->q.v[i].code;
	if (n == 0 && v->t.cursor < v->q.n)
		codes[n++] = v->q.v[v->t.cursor].code;
	return n;
}

static void
view_queue_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_queue *v = state;
	enum keys_action a = keys_action_of(k);
	const char *codes[ACT_MAX_CODES];
	size_t n;

	if (table_key(&v->t, a))
		return;
	switch (a) {
	case KEYS_REFRESH:
		ui_load(ui, &v->ld, 1);
		return;
	case KEYS_MARK:
		if (v->q.n == 0)
			return;
		v->marks[v->t.cursor] ^= 1;
		table_key(&v->t, KEYS_DOWN);
		return;
	case KEYS_APPROVE:
	case KEYS_REJECT:
		if ((n = view_queue_codes(v, codes, ACT_MAX_CODES)) == 0) {
			ui_message(ui, 0, "nothing awaits approval");
			return;
		}
		if (a == KEYS_APPROVE)
			act_approve(ui, codes, n);
		else
			act_reject(ui, codes, n);
		return;
	case KEYS_OPEN:
		if (v->t.cursor < v->q.n)
			ui_push(ui, &view_booking, v->q.v[v->t.cursor].code);
		return;
	default:
		ui_other_key(ui, k, 0);
		return;
	}
}

static void
view_queue_change(struct ui *ui, void *state)
{
	struct view_queue *v = state;

	ui_load(ui, &v->ld, 0);
}

const struct view view_queue = {
	.name = "queue",
	.status_keys = view_queue_status,
	.status_text = NULL,
	.enter = view_queue_enter,
	.leave = view_queue_leave,
	.resize = NULL,
	.draw = view_queue_draw,
	.key = view_queue_key,
	.change = view_queue_change,
	.tick = NULL,
};
