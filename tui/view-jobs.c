/* view-jobs.c: the job worker's table (db/job.h): queued, running,
 * failed, skipped and done jobs, failed ones first, each with its
 * attempts, booking and the reason it was skipped or why it last failed.
 * Jobs change without a notice (a worker finishing one), so the list
 * reloads every few seconds while it is shown. R retries the job under
 * the cursor and c (twice) cancels it: the run step of `redlight
 * job-retry` and `redlight job-cancel` (cmd_job_act_run), called directly. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "db/job.h"
#include "tui/cmd.h"
#include "tui/table.h"
#include "tui/ui.h"

/* seconds between reloads while the screen is shown */
#define VIEW_JOBS_RELOAD_S 2

enum { J_ID, J_KIND, J_STATUS, J_TRIES, J_BOOKING, J_WHEN, J_NOTE, J_N };

struct view_jobs {
	struct model_jobs j;
	struct table t;
	int loaded;
	int64_t loaded_at;
	long long confirm_cancel;      /* c was pressed once on this job */
	struct ui_load ld;
	char cell[64];
};

static const enum keys_action view_jobs_status[] = {
	KEYS_JOB_RETRY, KEYS_CANCEL, KEYS_NEXT_VIEW, KEYS_REFRESH, KEYS_HELP, KEYS_QUIT, KEYS_NONE,
};

/* view_jobs_json: the jobs command's answer as the rows shown. */
static int
view_jobs_json(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct view_jobs *v = owner;
	struct model_jobs j;
	long long at = v->t.cursor < v->j.n ? v->j.v[v->t.cursor].id : 0;
	int rc;

	(void)ui;
	if ((rc = model_jobs_parse(json, &j, e)) != 0)
		return rc;
	v->loaded_at = (int64_t)time(NULL);
	for (size_t i = 0; i < j.n; i++)
		if (j.v[i].id == at)
			v->t.cursor = i;
	model_jobs_free(&v->j);
	v->j = j;
	table_set_rows(&v->t, j.n);
	v->loaded = 1;
	return 0;
}

static void
view_jobs_take(struct ui *ui, void *owner, int say)
{
	struct view_jobs *v = owner;

	if (say)
		ui_message(ui, 0, "refreshed: %zu job%s", v->j.n, v->j.n == 1 ? "" : "s");
}

/* the jobs command's own run step, not waited for */
static const struct ui_load_part view_jobs_parts[] = { { .run = cmd_jobs_run, .json = view_jobs_json } };
static const struct ui_load_spec view_jobs_load = {
	view_jobs_parts, 1, "the jobs", 0, view_jobs_take, NULL,
};

static void *
view_jobs_enter(struct ui *ui, void *arg)
{
	struct view_jobs *v = xcalloc(1, sizeof(*v));

	(void)arg;
	v->loaded_at = (int64_t)time(NULL);
	ui_load_init(&v->ld, &view_jobs_load, v);
	ui_load(ui, &v->ld, 0);
	return v;
}

static void
view_jobs_leave(struct ui *ui, void *state)
{
	struct view_jobs *v = state;

	ui_load_drop(ui, &v->ld);
	model_jobs_free(&v->j);
	free(v);
}

static const char *
view_jobs_cell(void *arg, size_t row, int col)
{
	struct view_jobs *v = arg;
	const struct model_job *j = &v->j.v[row];

	switch (col) {
	case J_ID:
		snprintf(v->cell, sizeof(v->cell), "%lld", j->id);
		return v->cell;
	case J_KIND:
		return j->kind;
	case J_STATUS:
		return j->status;
	case J_TRIES:
		snprintf(v->cell, sizeof(v->cell), "%d/%d", j->attempts, j->max_attempts);
		return v->cell;
	case J_BOOKING:
		return j->booking_code[0] ? j->booking_code : "-";
	case J_WHEN:
		cmd_job_when(j, v->loaded_at, v->cell, sizeof(v->cell));
		return v->cell;
	default:
		return model_job_note(j);
	}
}

static enum ui_style
view_jobs_style(void *arg, size_t row, int col)
{
	struct view_jobs *v = arg;
	const char *st = v->j.v[row].status;

	(void)col;
	if (strcmp(st, "failed") == 0)
		return UI_ERROR;
	if (strcmp(st, "skipped") == 0 || strcmp(st, "canceled") == 0)
		return UI_DIM;
	if (strcmp(st, "done") == 0)
		return UI_OK;
	return UI_STYLE_COUNT;
}

static void
view_jobs_draw(struct ui *ui, void *state)
{
	static const struct table_col cols[J_N] = {
		{ "ID", 7 }, { "KIND", 16 }, { "STATUS", 8 }, { "TRIES", 5 }, { "BOOKING", 12 },
		{ "WHEN", 11 }, { "REASON / LAST ERROR", 0 },
	};
	struct view_jobs *v = state;
	struct table_src src = { view_jobs_cell, NULL, view_jobs_style, v };
	int top, height;
	char head[160];

	ui_body(ui, &top, &height);
	snprintf(head, sizeof(head), "JOBS  %ld queued, %ld running, %ld failed, %ld skipped, %ld done",
	    v->j.queued, v->j.running, v->j.failed, v->j.skipped, v->j.done);
	attrset(ui_attr(ui, UI_HEADING));
	ui_put(top + 1, 1, head, COLS - 2);
	attrset(A_NORMAL);
	if (v->j.n == 0) {
		attrset(ui_attr(ui, UI_DIM));
		ui_put(top + 3, 3, ui_load_says(&v->ld, v->loaded, "no jobs"), COLS - 4);
		attrset(A_NORMAL);
		return;
	}
	table_draw(ui, &v->t, top + 2, height - 2, cols, J_N, &src);
}

/* view_jobs_run: job-retry's or job-cancel's run step on job id, as the
 * signed-in user; the answer or the refusal on the message line. */
static void
view_jobs_run(struct ui *ui, cmd_job_act_fn act, const char *verb, long long id)
{
	char status[CMD_JOB_STATUS];
	struct err e;

	err_clear(&e);
	if (cmd_job_act_run(ui_cmd(ui), act, id, status, &e) != 0)
		ui_message(ui, 1, "%s", e.msg);
	else
		ui_message(ui, 0, "%s job %lld: %s now", verb, id, status);
	/* the jobs read again with every view's */
	ui_changed(ui);
}

static void
view_jobs_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_jobs *v = state;
	enum keys_action a = keys_action_of(k);
	const struct model_job *j = v->t.cursor < v->j.n ? &v->j.v[v->t.cursor] : NULL;
	long long confirm = v->confirm_cancel;

	v->confirm_cancel = 0;
	if (table_key(&v->t, a))
		return;
	switch (a) {
	case KEYS_REFRESH:
		ui_load(ui, &v->ld, 1);
		return;
	case KEYS_JOB_RETRY:
	case KEYS_CANCEL:
		if (j == NULL) {
			ui_message(ui, 0, "no job under the cursor");
		} else if (a == KEYS_JOB_RETRY) {
			view_jobs_run(ui, db_job_retry, "retried", j->id);
		} else if (confirm == j->id) {
			view_jobs_run(ui, db_job_cancel, "canceled", j->id);
		} else {
			v->confirm_cancel = j->id;
			ui_message(ui, 0, "c again cancels job %lld (%s); any other key keeps it", j->id,
			    j->kind);
		}
		return;
	default:
		ui_other_key(ui, k, 0);
		return;
	}
}

static void
view_jobs_change(struct ui *ui, void *state)
{
	struct view_jobs *v = state;

	ui_load(ui, &v->ld, 0);
}

static void
view_jobs_tick(struct ui *ui, void *state)
{
	struct view_jobs *v = state;

	if ((int64_t)time(NULL) - v->loaded_at >= VIEW_JOBS_RELOAD_S && !v->ld.rd.out)
		ui_load(ui, &v->ld, 0);
}

const struct view view_jobs = {
	.name = "jobs",
	.status_keys = view_jobs_status,
	.status_text = NULL,
	.enter = view_jobs_enter,
	.leave = view_jobs_leave,
	.resize = NULL,
	.draw = view_jobs_draw,
	.key = view_jobs_key,
	.change = view_jobs_change,
	.tick = view_jobs_tick,
};
