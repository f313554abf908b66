/* cmd-job-retry.c: `redlight job-retry ID`: run a failed or skipped job
 * again, now, with a fresh set of attempts (audited). */
#include "db/job.h"
#include "tui/cmd.h"

static int
cmd_job_retry_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_job_act(ctx, argc, argv, db_job_retry, "retried");
}

const struct cmd_entry cmd_job_retry_entry = {
	.name = "job-retry",
	.usage = "ID [--as EMAIL] [--json]",
	.summary = "queue a failed or skipped job again",
	.exec = cmd_job_retry_exec,
	.flags = 0,
};
