/* cmd-job-cancel.c: `redlight job-cancel ID`: a queued or failed job will
 * not run (audited). */
#include "db/job.h"
#include "tui/cmd.h"

static int
cmd_job_cancel_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_job_act(ctx, argc, argv, db_job_cancel, "canceled");
}

const struct cmd_entry cmd_job_cancel_entry = {
	.name = "job-cancel",
	.usage = "ID [--as EMAIL] [--json]",
	.summary = "cancel a queued or failed job",
	.exec = cmd_job_cancel_exec,
	.flags = 0,
};
