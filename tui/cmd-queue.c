/* cmd-queue.c: `redlight queue [--json]`, the bookings awaiting approval,
 * newest first, with how long each card authorization has left at Stripe
 * (CARD HELD; "!" under a day: approve or reject before it lapses). */
#include <stdlib.h>
#include <time.h>

#include "db/admin.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/model.h"
#include "tui/text.h"

#define CMD_QUEUE_COLS 7

int
cmd_queue_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e)
{
	(void)c;
	return cmd_read_query(ctx, DB_ADMIN_QUEUE_JSON_SQL, 0, NULL, json, e);
}

static int
cmd_queue_print(struct cmd_ctx *ctx, const struct cmd_read *c, const char *json, struct err *e)
{
	static const char *const heads[CMD_QUEUE_COLS] = {
		"CODE", "SUBMITTED", "WHEN", "ROOM", "ARTIST", "SUBTOTAL", "CARD HELD",
	};
	struct model_studio st;
	struct model_details q;
	int rc;

	(void)c;
	if ((rc = model_details_parse(json, &q, e)) != 0)
		return rc;
	if (q.n == 0) {
		fputs("no bookings await approval\n", ctx->out);
		model_details_free(&q);
		return 0;
	}
	if ((rc = model_studio_load(ctx->db, &st, e)) != 0) {
		model_details_free(&q);
		return rc;
	}
	const char **cells = calloc(q.n * CMD_QUEUE_COLS, sizeof(*cells));
	char (*bufs)[4][48] = calloc(q.n, sizeof(*bufs));
	size_t flagged = 0;
	int64_t now = (int64_t)time(NULL);
	if (cells == NULL || bufs == NULL) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < q.n; i++) {
		const struct model_detail *b = &q.v[i];
		const char **row = cells + i * CMD_QUEUE_COLS;
		fmt_ago(now, b->created, bufs[i][0], sizeof(bufs[i][0]));
		fmt_span_short(st.tz, b->start, b->end, bufs[i][1], sizeof(bufs[i][1]));
		fmt_money(b->subtotal_cents, bufs[i][2], sizeof(bufs[i][2]));
		flagged += (size_t)fmt_auth_left(now, b->capture_before, bufs[i][3], sizeof(bufs[i][3]));
		row[0] = b->code;
		row[1] = bufs[i][0];
		row[2] = bufs[i][1];
		row[3] = b->room_name;
		row[4] = b->artist_name[0] ? b->artist_name : "-";
		row[5] = bufs[i][2];
		row[6] = bufs[i][3];
	}
	fprintf(ctx->out, "%zu awaiting approval (times in %s)\n", q.n, st.timezone);
	if (flagged > 0)
		fprintf(ctx->out, "%zu card authorization%s lapse%s within a day (!)\n", flagged,
		    flagged == 1 ? "" : "s", flagged == 1 ? "s" : "");
	text_table(ctx->out, CMD_QUEUE_COLS, heads, cells, q.n, 1u << 5);
	free(cells);
	free(bufs);
	model_studio_free(&st);
	model_details_free(&q);
	return 0;
}

static int
cmd_queue_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_read_exec(ctx, argc, argv, cmd_read_parse, cmd_queue_run, cmd_queue_print);
}

const struct cmd_entry cmd_queue_entry = {
	.name = "queue",
	.usage = "[--json]",
	.summary = "the bookings awaiting approval, newest first",
	.exec = cmd_queue_exec,
	.flags = 0,
};
