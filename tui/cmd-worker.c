/* cmd-worker.c: `redlight worker`: run the job worker in the foreground
 * (web/worker.h) until SIGTERM or SIGINT, which end the job running and
 * hand back the rest. Any number may run, here and in redlightd. */
#include <signal.h>
#include <string.h>

#include "tui/cmd.h"
#include "web/worker.h"

static struct worker *cmd_worker_running;

static void
cmd_worker_on_signal(int signum)
{
	(void)signum;
	if (cmd_worker_running != NULL)
		worker_stop(cmd_worker_running);
}

static int
cmd_worker_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_opt opts[] = { { NULL, 0, NULL } };
	struct worker_opts wo;
	struct sigaction sa;
	struct worker *w;
	struct err e;
	char *rest[1];
	int nrest, rc;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 0, &nrest)) != 0)
		return rc;
	err_clear(&e);
	/* the configuration only: the worker makes its own connection, and
	 * waits for a database that is not up yet */
	if (!ctx->conf_loaded) {
		if (conf_load(&ctx->conf, ctx->config_path, NULL, 0, &e) != 0)
			return cmd_fail(ctx, &e);
		ctx->conf_loaded = 1;
	}
	worker_opts_from_conf(&ctx->conf, "worker", &wo);
	if (worker_new(&wo, &w, &e) != 0)
		return cmd_fail(ctx, &e);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cmd_worker_on_signal;
	sigemptyset(&sa.sa_mask);
	cmd_worker_running = w;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fprintf(ctx->err, "redlight worker: running as %s\n", worker_name(w));
	fflush(ctx->err);
	worker_run(w);
	cmd_worker_running = NULL;
	worker_free(w);
	fprintf(ctx->err, "redlight worker: stopped\n");
	return 0;
}

const struct cmd_entry cmd_worker_entry = {
	.name = "worker",
	.usage = "",
	.summary = "run the job worker in the foreground until SIGTERM",
	.exec = cmd_worker_exec,
	.flags = 0,
};
