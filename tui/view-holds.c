/* view-holds.c: the holds that block a room now, each with the time it
 * has left, counting down every second. A hold that runs out leaves the
 * list when its time is up (holds expire without any notice, so the
 * countdown itself reloads). n holds a room, e extends, d releases. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "tui/act.h"
#include "tui/fmt.h"
#include "tui/table.h"
#include "tui/ui.h"

enum { H_ID, H_ROOM, H_WHEN, H_LEFT, H_BY, H_N };

struct view_holds {
	struct model_holds h;
	struct table t;
	int loaded;
	int64_t shown_at;              /* the second the countdowns show */
	struct ui_load ld;
	char cell[96];
	struct ui *ui;
};

static const enum keys_action view_holds_status[] = {
	KEYS_HOLD_NEW, KEYS_HOLD_EXTEND, KEYS_HOLD_RELEASE, KEYS_NEXT_VIEW, KEYS_REFRESH, KEYS_HELP,
	KEYS_QUIT, KEYS_NONE,
};

/* view_holds_json: the holds command's answer as the rows shown. */
static int
view_holds_json(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct view_holds *v = owner;
	struct model_holds h;
	char at[37] = "";
	int rc;

	(void)ui;
	if ((rc = model_holds_parse(json, &h, e)) != 0)
		return rc;
	if (v->t.cursor < v->h.n)
		snprintf(at, sizeof(at), "%s", v->h.v[v->t.cursor].id);
	for (size_t i = 0; i < h.n; i++)
		if (strcmp(h.v[i].id, at) == 0)
			v->t.cursor = i;
	model_holds_free(&v->h);
	v->h = h;
	table_set_rows(&v->t, h.n);
	v->loaded = 1;
	return 0;
}

static void
view_holds_take(struct ui *ui, void *owner, int say)
{
	struct view_holds *v = owner;

	if (say)
		ui_message(ui, 0, "refreshed: %zu active hold%s", v->h.n, v->h.n == 1 ? "" : "s");
}

/* the holds command's own run step, not waited for */
static const struct ui_load_part view_holds_parts[] = { { .run = cmd_holds_run, .json = view_holds_json } };
static const struct ui_load_spec view_holds_load = {
	view_holds_parts, 1, "the holds", 0, view_holds_take, NULL,
};

static void *
view_holds_enter(struct ui *ui, void *arg)
{
	struct view_holds *v = xcalloc(1, sizeof(*v));

	(void)arg;
	v->ui = ui;
	ui_load_init(&v->ld, &view_holds_load, v);
	ui_load(ui, &v->ld, 0);
	return v;
}

static void
view_holds_leave(struct ui *ui, void *state)
{
	struct view_holds *v = state;

	ui_load_drop(ui, &v->ld);
	model_holds_free(&v->h);
	free(v);
}

static const char *
view_holds_cell(void *arg, size_t row, int col)
{
	struct view_holds *v = arg;
	const struct model_hold *h = &v->h.v[row];
	const struct model_studio *st = ui_studio_need(v->ui);

	switch (col) {
	case H_ID:
		snprintf(v->cell, sizeof(v->cell), "%.8s", h->id);
		return v->cell;
	case H_ROOM:
		return h->room_name;
	case H_WHEN:
		if (st == NULL)
			return "";
		fmt_span_short(st->tz, h->start, h->end, v->cell, sizeof(v->cell));
		return v->cell;
	case H_LEFT:
		fmt_countdown(h->expires_at - v->shown_at, v->cell, sizeof(v->cell));
		return v->cell;
	default:
		return h->artist_name[0] ? h->artist_name : h->created_by[0] ? h->created_by : "-";
	}
}

static enum ui_style
view_holds_style(void *arg, size_t row, int col)
{
	struct view_holds *v = arg;

	/* the last minute shows */
	if (col == H_LEFT && v->h.v[row].expires_at - v->shown_at < 60)
		return UI_PENDING;
	return UI_STYLE_COUNT;
}

static void
view_holds_draw(struct ui *ui, void *state)
{
	static const struct table_col cols[H_N] = {
		{ "ID", 8 }, { "ROOM", 16 }, { "WHEN", 22 }, { "LEFT", 9 }, { "FOR / BY", 0 },
	};
	struct view_holds *v = state;
	struct table_src src = { view_holds_cell, NULL, view_holds_style, v };
	const struct model_studio *st = ui_studio_need(ui);
	int top, height;
	char head[128];

	v->shown_at = (int64_t)time(NULL);
	ui_body(ui, &top, &height);
	snprintf(head, sizeof(head), "HOLDS  %zu active%s%s%s", v->h.n, st ? " (times in " : "",
	    st ? st->timezone : "", st ? ")" : "");
	attrset(ui_attr(ui, UI_HEADING));
	ui_put(top + 1, 1, head, COLS - 2);
	attrset(A_NORMAL);
	if (v->h.n == 0) {
		attrset(ui_attr(ui, UI_DIM));
		ui_put(top + 3, 3, ui_load_says(&v->ld, v->loaded, "no active holds; n holds a room"),
		    COLS - 4);
		attrset(A_NORMAL);
		return;
	}
	table_draw(ui, &v->t, top + 2, height - 2, cols, H_N, &src);
}

static const struct model_hold *
view_holds_cur(struct view_holds *v, char *what, size_t len)
{
	const struct model_studio *st = ui_studio_need(v->ui);
	const struct model_hold *h;
	char span[64] = "";

	if (v->t.cursor >= v->h.n)
		return NULL;
	h = &v->h.v[v->t.cursor];
	if (st != NULL)
		fmt_span(st->tz, h->start, h->end, span, sizeof(span));
	snprintf(what, len, "%s %s", h->room_name, span);
	return h;
}

static void
view_holds_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_holds *v = state;
	enum keys_action a = keys_action_of(k);
	const struct model_hold *h;
	char what[160];

	if (table_key(&v->t, a))
		return;
	switch (a) {
	case KEYS_REFRESH:
		ui_load(ui, &v->ld, 1);
		return;
	case KEYS_HOLD_NEW:
		act_hold_new(ui);
		return;
	case KEYS_HOLD_EXTEND:
	case KEYS_HOLD_RELEASE:
		if ((h = view_holds_cur(v, what, sizeof(what))) == NULL) {
			ui_message(ui, 0, "no hold under the cursor");
			return;
		}
		if (a == KEYS_HOLD_EXTEND)
			act_hold_extend(ui, h->id, what);
		else
			act_hold_release(ui, h->id, what);
		return;
	default:
		ui_other_key(ui, k, 0);
		return;
	}
}

static void
view_holds_change(struct ui *ui, void *state)
{
	struct view_holds *v = state;

	ui_load(ui, &v->ld, 0);
}

/* view_holds_tick: the countdowns move; a hold whose time is up is gone,
 * so the list is asked for again. */
static void
view_holds_tick(struct ui *ui, void *state)
{
	struct view_holds *v = state;
	int64_t now = (int64_t)time(NULL);

	if (v->h.n == 0 || now == v->shown_at)
		return;
	for (size_t i = 0; i < v->h.n && !v->ld.rd.out; i++) {
		if (v->h.v[i].expires_at <= now) {
			ui_load(ui, &v->ld, 0);
			break;
		}
	}
	ui_dirty(ui);
}

const struct view view_holds = {
	.name = "holds",
	.status_keys = view_holds_status,
	.status_text = NULL,
	.enter = view_holds_enter,
	.leave = view_holds_leave,
	.resize = NULL,
	.draw = view_holds_draw,
	.key = view_holds_key,
	.change = view_holds_change,
	.tick = view_holds_tick,
};
