/* cmd-holds.c: `redlight holds [--json]`, the holds that still block a
 * room, with the time each has left. */
#include <stdlib.h>
#include <time.h>

#include "db/admin.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/model.h"
#include "tui/text.h"

#define CMD_HOLDS_COLS 6

int
cmd_holds_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e)
{
	(void)c;
	return cmd_read_query(ctx, DB_ADMIN_HOLDS_JSON_SQL, 0, NULL, json, e);
}

static int
cmd_holds_print(struct cmd_ctx *ctx, const struct cmd_read *c, const char *json, struct err *e)
{
	static const char *const heads[CMD_HOLDS_COLS] = {
		"ID", "ROOM", "WHEN", "EXPIRES", "LEFT", "BY",
	};
	struct model_studio st;
	struct model_holds h;
	int rc;

	(void)c;
	if ((rc = model_holds_parse(json, &h, e)) != 0)
		return rc;
	if (h.n == 0) {
		fputs("no active holds\n", ctx->out);
		model_holds_free(&h);
		return 0;
	}
	if ((rc = model_studio_load(ctx->db, &st, e)) != 0) {
		model_holds_free(&h);
		return rc;
	}
	const char **cells = calloc(h.n * CMD_HOLDS_COLS, sizeof(*cells));
	char (*bufs)[4][48] = calloc(h.n, sizeof(*bufs));
	int64_t now = (int64_t)time(NULL);
	if (cells == NULL || bufs == NULL) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < h.n; i++) {
		const struct model_hold *x = &h.v[i];
		const char **row = cells + i * CMD_HOLDS_COLS;
		struct tz_local l;
		snprintf(bufs[i][0], sizeof(bufs[i][0]), "%.8s", x->id);
		fmt_span_short(st.tz, x->start, x->end, bufs[i][1], sizeof(bufs[i][1]));
		tz_to_local(st.tz, x->expires_at, &l);
		snprintf(bufs[i][2], sizeof(bufs[i][2]), "%02d:%02d", l.hour, l.minute);
		fmt_countdown(x->expires_at - now, bufs[i][3], sizeof(bufs[i][3]));
		row[0] = bufs[i][0];
		row[1] = x->room_name;
		row[2] = bufs[i][1];
		row[3] = bufs[i][2];
		row[4] = bufs[i][3];
		row[5] = x->artist_name[0] ? x->artist_name : x->created_by[0] ? x->created_by : "-";
	}
	fprintf(ctx->out, "%zu active hold%s (times in %s)\n", h.n, h.n == 1 ? "" : "s", st.timezone);
	text_table(ctx->out, CMD_HOLDS_COLS, heads, cells, h.n, 1u << 4);
	free(cells);
	free(bufs);
	model_studio_free(&st);
	model_holds_free(&h);
	return 0;
}

static int
cmd_holds_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_read_exec(ctx, argc, argv, cmd_read_parse, cmd_holds_run, cmd_holds_print);
}

const struct cmd_entry cmd_holds_entry = {
	.name = "holds",
	.usage = "[--json]",
	.summary = "the active holds and the time each has left",
	.exec = cmd_holds_exec,
	.flags = 0,
};
