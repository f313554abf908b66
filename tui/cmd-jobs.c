/* cmd-jobs.c: `redlight jobs [--failed] [--json]`: the job table as staff
 * see it: each job's kind, status, attempts, booking and the reason it
 * was skipped or why it last failed; and cmd_job_act, what job-retry and
 * job-cancel share. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/job.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/model.h"
#include "tui/text.h"

#define CMD_JOBS_COLS 7

void
cmd_job_when(const struct model_job *j, int64_t now, char *out, size_t len)
{
	if (j->finished != 0)
		fmt_ago(now, j->finished, out, len);
	else if (j->run_at != 0 && j->run_at > now)
		fmt_ago(now, j->run_at, out, len);
	else
		fmt_ago(now, j->created, out, len);
}

int
cmd_jobs_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e)
{
	const char *params[1] = { c->failed ? "failed" : NULL };

	return cmd_read_query(ctx, DB_JOB_LIST_JSON_SQL, 1, params, json, e);
}

static int
cmd_jobs_print(struct cmd_ctx *ctx, const struct cmd_read *c, const char *json, struct err *e)
{
	static const char *const heads[CMD_JOBS_COLS] = {
		"ID", "KIND", "STATUS", "TRIES", "BOOKING", "WHEN", "REASON / LAST ERROR",
	};
	struct model_jobs jobs;
	int rc;

	if ((rc = model_jobs_parse(json, &jobs, e)) != 0)
		return rc;
	fprintf(ctx->out, "%ld queued, %ld running, %ld failed, %ld skipped, %ld done, %ld canceled\n",
	    jobs.queued, jobs.running, jobs.failed, jobs.skipped, jobs.done, jobs.canceled);
	if (jobs.n == 0) {
		fputs(c->failed ? "no failed jobs\n" : "no jobs\n", ctx->out);
		model_jobs_free(&jobs);
		return 0;
	}
	const char **cells = calloc(jobs.n * CMD_JOBS_COLS, sizeof(*cells));
	char (*bufs)[3][32] = calloc(jobs.n, sizeof(*bufs));
	int64_t now = (int64_t)time(NULL);
	if (cells == NULL || bufs == NULL) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < jobs.n; i++) {
		const struct model_job *j = &jobs.v[i];
		const char **row = cells + i * CMD_JOBS_COLS;
		snprintf(bufs[i][0], sizeof(bufs[i][0]), "%lld", j->id);
		snprintf(bufs[i][1], sizeof(bufs[i][1]), "%d/%d", j->attempts, j->max_attempts);
		cmd_job_when(j, now, bufs[i][2], sizeof(bufs[i][2]));
		row[0] = bufs[i][0];
		row[1] = j->kind;
		row[2] = j->status;
		row[3] = bufs[i][1];
		row[4] = j->booking_code[0] ? j->booking_code : "-";
		row[5] = bufs[i][2];
		row[6] = model_job_note(j)[0] ? model_job_note(j) : "-";
	}
	text_table(ctx->out, CMD_JOBS_COLS, heads, cells, jobs.n, 1u << 0);
	free(cells);
	free(bufs);
	model_jobs_free(&jobs);
	return 0;
}

static int
cmd_jobs_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_read_exec(ctx, argc, argv, cmd_failed_parse, cmd_jobs_run, cmd_jobs_print);
}

int
cmd_job_act_run(struct cmd_ctx *ctx, cmd_job_act_fn act, long long id, char *status, struct err *e)
{
	int rc;

	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	if (!ctx->have_actor)
		return err_set(e, ERR_AUTH, NULL, "sign in first: staff or an admin acts on jobs");
	return act(ctx->db, &ctx->actor, id, status, e);
}

int
cmd_job_act(struct cmd_ctx *ctx, int argc, char **argv, cmd_job_act_fn act, const char *verb)
{
	const char *json_flag = NULL, *as = NULL;
	const struct cmd_opt opts[] = {
		{ "as", 1, &as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[1], status[CMD_JOB_STATUS];
	long long id;
	struct err e;
	int nrest, rc;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 1, &nrest)) != 0)
		return rc;
	if (nrest != 1)
		return cmd_usage_error(ctx, "name the job by its id (redlight jobs shows it)");
	err_clear(&e);
	if (db_job_parse_id(rest[0], &id, &e) != 0)
		return cmd_field_error(ctx, e.field, "%s, not '%s'", e.msg, rest[0]);
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, as)) != 0)
		return rc;
	if (cmd_job_act_run(ctx, act, id, status, &e) != 0)
		return cmd_fail(ctx, &e);
	if (json_flag != NULL) {
		struct json_object *o = json_object_new_object(), *x = json_object_new_object();
		json_object_object_add(x, "id", json_object_new_int64(id));
		json_object_object_add(x, "status", json_object_new_string(status));
		json_object_object_add(o, "job", x);
		cmd_json_print(ctx, o);
	} else {
		fprintf(ctx->out, "%s job %lld: %s now\n", verb, id, status);
	}
	return 0;
}

const struct cmd_entry cmd_jobs_entry = {
	.name = "jobs",
	.usage = "[--failed] [--json]",
	.summary = "the job worker's table: queued, running, failed, skipped and done jobs",
	.exec = cmd_jobs_exec,
	.flags = 0,
};
