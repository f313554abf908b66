/* cmd-notifications.c: `redlight notifications [--failed] [--json]`: the
 * artists' messages as staff see them (db/notify.h): the newest first,
 * each with its channel, template, status, tries, booking, recipient and
 * the error that failed it or the reason it was skipped. Parse and run
 * steps as the other reads (cmd_read_exec); the console's Notifications
 * screen calls the run step. */
#include <stdlib.h>
#include <time.h>

#include "db/notify.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/model.h"
#include "tui/text.h"

#define CMD_NOTES_COLS 8

int
cmd_notifications_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e)
{
	const char *params[1] = { c->failed ? "failed" : NULL };

	return cmd_read_query(ctx, DB_NOTIFICATION_LIST_JSON_SQL, 1, params, json, e);
}

static int
cmd_notifications_print(struct cmd_ctx *ctx, const struct cmd_read *c, const char *json, struct err *e)
{
	static const char *const heads[CMD_NOTES_COLS] = {
		"ID", "CHANNEL", "TEMPLATE", "STATUS", "TRIES", "BOOKING", "WHEN", "TO / ERROR",
	};
	struct model_notifications m;
	int rc, failed = c->failed;

	if ((rc = model_notifications_parse(json, &m, e)) != 0)
		return rc;
	fprintf(ctx->out, "%ld pending, %ld sent, %ld failed, %ld skipped, %ld canceled\n", m.pending, m.sent,
	    m.failed, m.skipped, m.canceled);
	if (m.n == 0) {
		fputs(failed ? "no failed messages\n" : "no messages\n", ctx->out);
		model_notifications_free(&m);
		return 0;
	}
	const char **cells = calloc(m.n * CMD_NOTES_COLS, sizeof(*cells));
	char (*bufs)[3][32] = calloc(m.n, sizeof(*bufs));
	int64_t now = (int64_t)time(NULL);
	if (cells == NULL || bufs == NULL) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < m.n; i++) {
		const struct model_notification *x = &m.v[i];
		const char **row = cells + i * CMD_NOTES_COLS;
		snprintf(bufs[i][0], sizeof(bufs[i][0]), "%.8s", x->id);
		snprintf(bufs[i][1], sizeof(bufs[i][1]), "%d", x->attempts);
		fmt_ago(now, x->sent ? x->sent : x->created, bufs[i][2], sizeof(bufs[i][2]));
		row[0] = bufs[i][0];
		row[1] = x->channel;
		row[2] = x->template_name;
		row[3] = x->status;
		row[4] = bufs[i][1];
		row[5] = x->booking_code[0] ? x->booking_code : "-";
		row[6] = bufs[i][2];
		row[7] = x->error[0] ? x->error : x->recipient[0] ? x->recipient : "-";
	}
	text_table(ctx->out, CMD_NOTES_COLS, heads, cells, m.n, 1u << 0);
	free(cells);
	free(bufs);
	model_notifications_free(&m);
	return 0;
}

static int
cmd_notifications_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_read_exec(ctx, argc, argv, cmd_failed_parse, cmd_notifications_run, cmd_notifications_print);
}

const struct cmd_entry cmd_notifications_entry = {
	.name = "notifications",
	.usage = "[--failed] [--json]",
	.summary = "the artists' messages: pending, sent, failed (with the error), skipped",
	.exec = cmd_notifications_exec,
	.flags = 0,
};
