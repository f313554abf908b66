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

static int
cmd_holds_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const char *const heads[CMD_HOLDS_COLS] = {
		"ID", "ROOM", "WHEN", "EXPIRES", "LEFT", "BY",
	};
	struct model_studio st;
	struct model_holds h;
	struct err e;
	char *json;
	int rc;

	if ((rc = cmd_list_query(ctx, argc, argv, DB_ADMIN_HOLDS_JSON_SQL, &json)) != 0 || json == NULL)
		return rc;
	err_clear(&e);
	rc = model_holds_parse(json, &h, &e);
	free(json);
	if (rc != 0)
		return cmd_fail(ctx, &e);
	if (h.n == 0) {
		fputs("no active holds\n", ctx->out);
		model_holds_free(&h);
		return 0;
	}
	if (model_studio_load(ctx->db, &st, &e) != 0) {
		model_holds_free(&h);
		return cmd_fail(ctx, &e);
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

const struct cmd_entry cmd_holds_entry = {
	.name = "holds",
	.usage = "[--json]",
	.summary = "the active holds and the time each has left",
	.exec = cmd_holds_exec,
	.flags = 0,
};
