/* view-booking.c: one booking in full, over the list it was opened from,
 * with what can be done to it: approve or reject it while it awaits
 * approval, cancel it, set or swap its staff, refund part of its payment.
 * Esc goes back. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "db/admin.h"
#include "tui/act.h"
#include "tui/detail.h"
#include "tui/ui.h"

struct view_booking {
	char code[32];
	struct model_details b;        /* n is 0 when it is gone */
	int loaded;
	struct ui_load ld;
};

/* refund last: at 80 columns the line is full at ? help, and ? lists it */
static const enum keys_action view_booking_status[] = {
	KEYS_BACK, KEYS_APPROVE, KEYS_REJECT, KEYS_CANCEL, KEYS_STAFF, KEYS_SWAP, KEYS_JOB_RETRY, KEYS_HELP,
	KEYS_REFUND, KEYS_NONE,
};

/* the booking command's own read, not waited for */
static void
view_booking_args(void *owner, struct cmd_read *c)
{
	const struct view_booking *v = owner;

	c->code = v->code;
}

static int
view_booking_json(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct view_booking *v = owner;
	struct model_details b;
	int rc;

	(void)ui;
	if ((rc = model_details_parse(json, &b, e)) != 0)
		return rc;
	model_details_free(&v->b);
	v->b = b;
	v->loaded = 1;
	return 0;
}

static const struct ui_load_part view_booking_parts[] = {
	{ .run = cmd_booking_run, .args = view_booking_args, .json = view_booking_json },
};
/* a failure is said unasked: the screen was opened for it */
static const struct ui_load_spec view_booking_load = { view_booking_parts, 1, "the booking", 1, NULL, NULL };

static void *
view_booking_enter(struct ui *ui, void *arg)
{
	struct view_booking *v = xcalloc(1, sizeof(*v));

	snprintf(v->code, sizeof(v->code), "%s", (const char *)arg);
	ui_load_init(&v->ld, &view_booking_load, v);
	ui_load(ui, &v->ld, 0);
	return v;
}

static void
view_booking_leave(struct ui *ui, void *state)
{
	struct view_booking *v = state;

	ui_load_drop(ui, &v->ld);
	model_details_free(&v->b);
	free(v);
}

static void
view_booking_draw(struct ui *ui, void *state)
{
	struct view_booking *v = state;
	const struct model_studio *st = ui_studio_need(ui);
	struct detail_line lines[DETAIL_MAX_LINES];
	int top, height, y, n;

	ui_body(ui, &top, &height);
	/* a screen of its own: clear what the list drew, not the tabs */
	for (y = top + 1; y < top + height; y++)
		ui_put(y, 0, "", COLS);
	y = top + 1;
	attrset(ui_attr(ui, UI_HEADING));
	ui_put(y, 1, "BOOKING", COLS - 2);
	attrset(A_NORMAL);
	y += 2;
	if (v->b.n == 0 || st == NULL) {
		attrset(ui_attr(ui, UI_DIM));
		ui_put(y, 3, ui_load_says(&v->ld, v->loaded, "no such booking (any more)"), COLS - 4);
		attrset(A_NORMAL);
		return;
	}
	n = detail_lines(&v->b.v[0], st, (int64_t)time(NULL), lines, DETAIL_MAX_LINES);
	for (int i = 0; i < n && y < top + height; i++, y++) {
		attrset(ui_attr(ui, UI_HEADING));
		ui_put(y, 3, lines[i].label, 10);
		attrset(A_NORMAL);
		ui_put(y, i == 0 ? 3 : 13, lines[i].text, COLS - (i == 0 ? 4 : 14));
	}
}

static void
view_booking_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_booking *v = state;
	enum keys_action a = keys_action_of(k);
	const struct model_detail *b = v->b.n ? &v->b.v[0] : NULL;
	const char *code = v->code;

	/* what the booking's own data fills in waits for it to come */
	if (!v->loaded && (a == KEYS_APPROVE || a == KEYS_REJECT || a == KEYS_STAFF || a == KEYS_REFUND)) {
		ui_message(ui, 0, "%s is %s", code, v->ld.rd.out ? "still loading" : "not loaded (r to retry)");
		return;
	}
	switch (a) {
	case KEYS_BACK:
		ui_pop(ui);
		return;
	case KEYS_REFRESH:
		ui_load(ui, &v->ld, 1);
		return;
	case KEYS_APPROVE:
	case KEYS_REJECT:
		if (b == NULL || strcmp(b->status, "awaiting_approval") != 0) {
			ui_message(ui, 1, "%s is not awaiting approval", code);
			return;
		}
		if (a == KEYS_APPROVE)
			act_approve(ui, &code, 1);
		else
			act_reject(ui, &code, 1);
		return;
	case KEYS_CANCEL:
		act_cancel(ui, code);
		return;
	case KEYS_STAFF:
		act_staff(ui, code, b ? b->staff : "");
		return;
	case KEYS_SWAP:
		act_swap(ui, code);
		return;
	case KEYS_JOB_RETRY:
		act_sync_retry(ui, code);
		return;
	case KEYS_REFUND: {
		/* refund_by_admin refunds from every captured payment: what they left */
		int64_t captured = 0, refunded = 0;
		for (size_t i = 0; b != NULL && i < b->npays; i++) {
			captured += b->pays[i].captured;
			refunded += b->pays[i].refunded + b->pays[i].refunding;
		}
		act_refund(ui, code, captured, refunded);
		return;
	}
	default:
		ui_other_key(ui, k, 1);
		return;
	}
}

static void
view_booking_change(struct ui *ui, void *state)
{
	struct view_booking *v = state;

	ui_load(ui, &v->ld, 0);
}

const struct view view_booking = {
	.name = "booking",
	.status_keys = view_booking_status,
	.status_text = NULL,
	.enter = view_booking_enter,
	.leave = view_booking_leave,
	.resize = NULL,
	.draw = view_booking_draw,
	.key = view_booking_key,
	.change = view_booking_change,
	.tick = NULL,
};
