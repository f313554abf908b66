/* view-notifications.c: the artists' messages (db/notify.h), newest
 * first: channel, template, status, tries, booking, and the recipient, or
 * the error that failed it or the reason it was skipped. Rows change as
 * the worker sends, so the list reloads every few seconds while shown.
 * R sends the failed or skipped message under the cursor again: the run
 * step of `redlight notification-resend` (cmd_notification_resend_run),
 * called directly. / shows the failed ones only, or all again. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "db/notify.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/table.h"
#include "tui/ui.h"

/* seconds between reloads while the screen is shown */
#define VIEW_NOTES_RELOAD_S 2

enum { N_ID, N_CHANNEL, N_TEMPLATE, N_STATUS, N_TRIES, N_BOOKING, N_WHEN, N_NOTE, N_N };

struct view_notes {
	struct model_notifications m;
	struct table t;
	int loaded;
	int failed_only;
	int64_t loaded_at;
	struct ui_load ld;
	char cell[64];
};

static const enum keys_action view_notes_status[] = {
	KEYS_JOB_RETRY, KEYS_FILTER, KEYS_NEXT_VIEW, KEYS_REFRESH, KEYS_HELP, KEYS_QUIT, KEYS_NONE,
};

/* view_notes_json: the notifications command's answer as the rows shown. */
static int
view_notes_json(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct view_notes *v = owner;
	struct model_notifications m;
	char at[37] = "";
	int rc;

	(void)ui;
	if ((rc = model_notifications_parse(json, &m, e)) != 0)
		return rc;
	if (v->t.cursor < v->m.n)
		snprintf(at, sizeof(at), "%s", v->m.v[v->t.cursor].id);
	v->loaded_at = (int64_t)time(NULL);
	for (size_t i = 0; i < m.n; i++)
		if (strcmp(m.v[i].id, at) == 0)
			v->t.cursor = i;
	model_notifications_free(&v->m);
	v->m = m;
	table_set_rows(&v->t, m.n);
	v->loaded = 1;
	return 0;
}

static void
view_notes_args(void *owner, struct cmd_read *c)
{
	const struct view_notes *v = owner;

	c->failed = v->failed_only;
}

static void
view_notes_take(struct ui *ui, void *owner, int say)
{
	struct view_notes *v = owner;

	if (say)
		ui_message(ui, 0, "refreshed: %zu message%s", v->m.n, v->m.n == 1 ? "" : "s");
}

/* the notifications command's own run step, not waited for */
static const struct ui_load_part view_notes_parts[] = {
	{ .run = cmd_notifications_run, .args = view_notes_args, .json = view_notes_json },
};
static const struct ui_load_spec view_notes_load = {
	view_notes_parts, 1, "the messages", 0, view_notes_take, NULL,
};

static void *
view_notes_enter(struct ui *ui, void *arg)
{
	struct view_notes *v = xcalloc(1, sizeof(*v));

	(void)arg;
	v->loaded_at = (int64_t)time(NULL);
	ui_load_init(&v->ld, &view_notes_load, v);
	ui_load(ui, &v->ld, 0);
	return v;
}

static void
view_notes_leave(struct ui *ui, void *state)
{
	struct view_notes *v = state;

	ui_load_drop(ui, &v->ld);
	model_notifications_free(&v->m);
	free(v);
}

static const char *
view_notes_cell(void *arg, size_t row, int col)
{
	struct view_notes *v = arg;
	const struct model_notification *m = &v->m.v[row];

	switch (col) {
	case N_ID:
		snprintf(v->cell, sizeof(v->cell), "%.8s", m->id);
		return v->cell;
	case N_CHANNEL:
		return m->channel;
	case N_TEMPLATE:
		return m->template_name;
	case N_STATUS:
		return m->status;
	case N_TRIES:
		snprintf(v->cell, sizeof(v->cell), "%d", m->attempts);
		return v->cell;
	case N_BOOKING:
		return m->booking_code[0] ? m->booking_code : "-";
	case N_WHEN:
		fmt_ago(v->loaded_at, m->sent ? m->sent : m->created, v->cell, sizeof(v->cell));
		return v->cell;
	default:
		return m->error[0] ? m->error : m->recipient[0] ? m->recipient : "-";
	}
}

static enum ui_style
view_notes_style(void *arg, size_t row, int col)
{
	struct view_notes *v = arg;
	const char *st = v->m.v[row].status;

	(void)col;
	if (strcmp(st, "failed") == 0)
		return UI_ERROR;
	if (strcmp(st, "skipped") == 0 || strcmp(st, "canceled") == 0)
		return UI_DIM;
	if (strcmp(st, "sent") == 0)
		return UI_OK;
	return UI_STYLE_COUNT;
}

static void
view_notes_draw(struct ui *ui, void *state)
{
	static const struct table_col cols[N_N] = {
		{ "ID", 8 }, { "CHANNEL", 7 }, { "TEMPLATE", 14 }, { "STATUS", 8 }, { "TRIES", 5 },
		{ "BOOKING", 12 }, { "WHEN", 11 }, { "TO / ERROR", 0 },
	};
	struct view_notes *v = state;
	struct table_src src = { view_notes_cell, NULL, view_notes_style, v };
	int top, height;
	char head[200];

	ui_body(ui, &top, &height);
	snprintf(head, sizeof(head), "NOTIFICATIONS%s  %ld pending, %ld sent, %ld failed, %ld skipped, %ld canceled",
	    v->failed_only ? " (failed only; / for all)" : "", v->m.pending, v->m.sent, v->m.failed, v->m.skipped,
	    v->m.canceled);
	attrset(ui_attr(ui, UI_HEADING));
	ui_put(top + 1, 1, head, COLS - 2);
	attrset(A_NORMAL);
	if (v->m.n == 0) {
		attrset(ui_attr(ui, UI_DIM));
		ui_put(top + 3, 3, ui_load_says(&v->ld, v->loaded,
		    v->failed_only ? "no failed messages" : "no messages"), COLS - 4);
		attrset(A_NORMAL);
		return;
	}
	table_draw(ui, &v->t, top + 2, height - 2, cols, N_N, &src);
}

static void
view_notes_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_notes *v = state;
	enum keys_action a = keys_action_of(k);
	const struct model_notification *m = v->t.cursor < v->m.n ? &v->m.v[v->t.cursor] : NULL;
	struct db_notification_resent r;
	struct err e;

	if (table_key(&v->t, a))
		return;
	switch (a) {
	case KEYS_REFRESH:
		ui_load(ui, &v->ld, 1);
		return;
	case KEYS_FILTER:
		v->failed_only = !v->failed_only;
		v->t.cursor = 0;
		ui_load(ui, &v->ld, 0);
		return;
	case KEYS_JOB_RETRY:
		if (m == NULL) {
			ui_message(ui, 0, "no message under the cursor");
			return;
		}
		err_clear(&e);
		if (cmd_notification_resend_run(ui_cmd(ui), m->id, &r, &e) != 0)
			ui_message(ui, 1, "%s", e.msg);
		else
			ui_message(ui, 0, "resending message %.8s (%s %s): %s now", r.id, m->channel, m->template_name,
			    r.status);
		/* the list read again with every view's */
		ui_changed(ui);
		return;
	default:
		ui_other_key(ui, k, 0);
		return;
	}
}

static void
view_notes_change(struct ui *ui, void *state)
{
	struct view_notes *v = state;

	ui_load(ui, &v->ld, 0);
}

static void
view_notes_tick(struct ui *ui, void *state)
{
	struct view_notes *v = state;

	if ((int64_t)time(NULL) - v->loaded_at >= VIEW_NOTES_RELOAD_S && !v->ld.rd.out)
		ui_load(ui, &v->ld, 0);
}

const struct view view_notifications = {
	.name = "notifications",
	.status_keys = view_notes_status,
	.status_text = NULL,
	.enter = view_notes_enter,
	.leave = view_notes_leave,
	.resize = NULL,
	.draw = view_notes_draw,
	.key = view_notes_key,
	.change = view_notes_change,
	.tick = view_notes_tick,
};
