/* view-payments.c: the payments that need staff (key 9): failed charges,
 * flagged payments whose artist was told to act, card authorizations
 * about to lapse, balances and reschedule fees not charged yet, refunds
 * pending or failed; each with its booking, what it is for, its amount
 * and why it is listed. The rows are `redlight payments --attention`'s,
 * from its run step (cmd_payments_run), called directly. Money moves
 * without a notice (the worker, Stripe's webhooks), so the list reloads
 * every few seconds while it is shown; Enter opens the booking. */
#include <curses.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/table.h"
#include "tui/ui.h"

/* seconds between reloads while the screen is shown */
#define VIEW_PAYMENTS_RELOAD_S 5

enum { P_CODE, P_FOR, P_STATUS, P_AMOUNT, P_WHY, P_NOTE, P_N };

struct view_payments {
	struct json_object *root;      /* the run step's answer */
	struct json_object *list;      /* its "payments", borrowed */
	size_t n;
	struct table t;
	int loaded;
	int64_t loaded_at;
	struct ui_load ld;
	char cell[200];
	struct ui *ui;
};

static const enum keys_action view_payments_status[] = {
	KEYS_OPEN, KEYS_NEXT_VIEW, KEYS_REFRESH, KEYS_HELP, KEYS_QUIT, KEYS_NONE,
};

static struct json_object *
view_payments_row(const struct view_payments *v, size_t row)
{
	return json_object_array_get_idx(v->list, row);
}

/* view_payments_run: the payments command's run step for what needs
 * attention, as a read's. */
static int
view_payments_run(struct cmd_ctx *ctx, const struct cmd_read *r, char **json, struct err *e)
{
	const struct cmd_payments c = { .attention = 1, .json = 1 };

	(void)r;
	return cmd_payments_run(ctx, &c, json, e);
}

/* view_payments_json: its answer as the rows shown. */
static int
view_payments_json(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct view_payments *v = owner;
	struct json_object *root, *list;
	char at[40] = "";

	(void)ui;
	root = json_tokener_parse(json);
	if (root == NULL || !json_object_object_get_ex(root, "payments", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		json_object_put(root);
		return err_set(e, ERR_INTERNAL, NULL, "the read gave no list");
	}
	v->loaded_at = (int64_t)time(NULL);
	if (v->t.cursor < v->n)
		snprintf(at, sizeof(at), "%s", cmd_payments_str(view_payments_row(v, v->t.cursor), "payment_id"));
	json_object_put(v->root);
	v->root = root;
	v->list = list;
	v->n = json_object_array_length(list);
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(cmd_payments_str(view_payments_row(v, i), "payment_id"), at) == 0)
			v->t.cursor = i;
	table_set_rows(&v->t, v->n);
	v->loaded = 1;
	return 0;
}

static void
view_payments_take(struct ui *ui, void *owner, int say)
{
	struct view_payments *v = owner;

	if (say)
		ui_message(ui, 0, "refreshed: %zu payment%s need%s attention", v->n, v->n == 1 ? "" : "s",
		    v->n == 1 ? "s" : "");
}

/* the payments command's own run step, not waited for */
static const struct ui_load_part view_payments_parts[] = {
	{ .run = view_payments_run, .json = view_payments_json },
};
static const struct ui_load_spec view_payments_load = {
	view_payments_parts, 1, "the payments", 0, view_payments_take, NULL,
};

static void *
view_payments_enter(struct ui *ui, void *arg)
{
	struct view_payments *v = xcalloc(1, sizeof(*v));

	(void)arg;
	v->ui = ui;
	v->loaded_at = (int64_t)time(NULL);
	ui_load_init(&v->ld, &view_payments_load, v);
	ui_load(ui, &v->ld, 0);
	return v;
}

static void
view_payments_leave(struct ui *ui, void *state)
{
	struct view_payments *v = state;

	ui_load_drop(ui, &v->ld);
	json_object_put(v->root);
	free(v);
}

/* What each payment_why (0017) means, for the WHY column. */
static const struct {
	const char *why, *label;
} view_payments_whys[] = {
	{ "action_needed", "action needed" },
	{ "failed", "failed" },
	{ "lapsing", "lapses soon" },
	{ "balance_due", "not charged" },
	{ "refund", "refund open" },
};

static const char *
view_payments_cell(void *arg, size_t row, int col)
{
	struct view_payments *v = arg;
	struct json_object *p = view_payments_row(v, row);
	const struct model_studio *st = ui_studio_need(v->ui);
	const char *why;
	struct json_object *amount;

	switch (col) {
	case P_CODE:
		return cmd_payments_str(p, "code");
	case P_FOR:
		return cmd_payments_str(p, "purpose");
	case P_STATUS:
		return cmd_payments_str(p, "status");
	case P_AMOUNT:
		json_object_object_get_ex(p, "amount_cents", &amount);
		fmt_money(json_object_get_int64(amount), v->cell, sizeof(v->cell));
		return v->cell;
	case P_WHY:
		why = cmd_payments_str(p, "why");
		for (size_t i = 0; i < sizeof(view_payments_whys) / sizeof(view_payments_whys[0]); i++)
			if (strcmp(view_payments_whys[i].why, why) == 0)
				return view_payments_whys[i].label;
		return why;
	default:
		if (st == NULL)
			return "";
		cmd_payments_note(st->tz, p, (int64_t)time(NULL), v->cell, sizeof(v->cell));
		if (v->cell[0] == '\0')
			snprintf(v->cell, sizeof(v->cell), "%s", cmd_payments_str(p, "last_error"));
		return v->cell;
	}
}

static enum ui_style
view_payments_style(void *arg, size_t row, int col)
{
	struct view_payments *v = arg;
	const char *why = cmd_payments_str(view_payments_row(v, row), "why");

	(void)col;
	if (strcmp(why, "action_needed") == 0 || strcmp(why, "failed") == 0 || strcmp(why, "lapsing") == 0)
		return UI_ERROR;
	return UI_PENDING;
}

static void
view_payments_draw(struct ui *ui, void *state)
{
	static const struct table_col cols[P_N] = {
		{ "CODE", 12 }, { "FOR", 8 }, { "STATUS", 17 }, { "AMOUNT", 10 }, { "WHY", 14 },
		{ "NOTE", 0 },
	};
	struct view_payments *v = state;
	struct table_src src = { view_payments_cell, NULL, view_payments_style, v };
	int top, height;
	char head[160];

	ui_body(ui, &top, &height);
	snprintf(head, sizeof(head), "PAYMENTS  %zu need%s attention", v->n, v->n == 1 ? "s" : "");
	attrset(ui_attr(ui, UI_HEADING));
	ui_put(top + 1, 1, head, COLS - 2);
	attrset(A_NORMAL);
	if (v->n == 0) {
		attrset(ui_attr(ui, UI_DIM));
		ui_put(top + 3, 3, ui_load_says(&v->ld, v->loaded,
		    conf_payments_on(&ui_cmd(ui)->conf) ? "no payment needs attention" :
		    "no payment needs attention (payments are not configured)"), COLS - 4);
		attrset(A_NORMAL);
		return;
	}
	table_draw(ui, &v->t, top + 2, height - 2, cols, P_N, &src);
}

static void
view_payments_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_payments *v = state;
	enum keys_action a = keys_action_of(k);

	if (table_key(&v->t, a))
		return;
	switch (a) {
	case KEYS_REFRESH:
		ui_load(ui, &v->ld, 1);
		return;
	case KEYS_OPEN:
		if (v->t.cursor < v->n)
			ui_push(ui, &view_booking, (void *)cmd_payments_str(view_payments_row(v, v->t.cursor), "code"));
		return;
	default:
		ui_other_key(ui, k, 0);
		return;
	}
}

static void
view_payments_change(struct ui *ui, void *state)
{
	struct view_payments *v = state;

	ui_load(ui, &v->ld, 0);
}

static void
view_payments_tick(struct ui *ui, void *state)
{
	struct view_payments *v = state;

	if ((int64_t)time(NULL) - v->loaded_at >= VIEW_PAYMENTS_RELOAD_S && !v->ld.rd.out)
		ui_load(ui, &v->ld, 0);
}

const struct view view_payments = {
	.name = "payments",
	.status_keys = view_payments_status,
	.status_text = NULL,
	.enter = view_payments_enter,
	.leave = view_payments_leave,
	.resize = NULL,
	.draw = view_payments_draw,
	.key = view_payments_key,
	.change = view_payments_change,
	.tick = view_payments_tick,
};
