/* cmd-bookings.c: `redlight bookings [--date YYYY-MM-DD] [--json]`, one
 * studio-local day's bookings. */
#include <stdlib.h>
#include <time.h>

#include "tui/cmd.h"
#include "tui/model.h"
#include "tui/text.h"

#define CMD_BOOKINGS_COLS 6

static void
cmd_bookings_table(struct cmd_ctx *ctx, const struct model_studio *st,
    const struct model_bookings *b, int y, int m, int d)
{
	static const char *const heads[CMD_BOOKINGS_COLS] = {
		"TIME", "STATUS", "ROOM", "ARTIST", "STAFF", "CODE",
	};
	const char **cells;
	char (*times)[40];

	fprintf(ctx->out, "%s %04d-%02d-%02d (%s)\n", model_weekday_name(y, m, d), y, m, d,
	    st->timezone);
	if (b->n == 0) {
		fputs("no bookings\n", ctx->out);
		return;
	}
	cells = calloc(b->n * CMD_BOOKINGS_COLS, sizeof(*cells));
	times = calloc(b->n, sizeof(*times));
	if (cells == NULL || times == NULL) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct model_booking *x = &b->v[i];
		const char **row = cells + i * CMD_BOOKINGS_COLS;
		char from[16], to[16];

		model_local_time(st->tz, x->start, y, m, d, from, sizeof(from));
		model_local_time(st->tz, x->end, y, m, d, to, sizeof(to));
		snprintf(times[i], sizeof(times[i]), "%s-%s", from, to);
		row[0] = times[i];
		row[1] = x->status;
		row[2] = x->room_name;
		row[3] = x->artist_name[0] ? x->artist_name : "-";
		row[4] = x->staff[0] ? x->staff : "-";
		row[5] = x->code;
	}
	text_table(ctx->out, CMD_BOOKINGS_COLS, heads, cells, b->n, 0);
	free(cells);
	free(times);
}

static int
cmd_bookings_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL, *date = NULL;
	const struct cmd_opt opts[] = {
		{ "json", 0, &json_flag },
		{ "date", 1, &date },
		{ NULL, 0, NULL },
	};
	char *rest[1], *json;
	struct model_studio st;
	struct model_bookings b;
	struct err e;
	int nrest, rc, y, m, d;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 0, &nrest)) != 0)
		return rc;
	err_clear(&e);
	if (date != NULL && tz_parse_date(date, &y, &m, &d, &e) != 0)
		return cmd_usage_error(ctx, "--date wants an existing day as YYYY-MM-DD, not '%s'",
		    date);
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	if (model_studio_load(ctx->db, &st, &e) != 0)
		return cmd_fail(ctx, &e);
	if (date == NULL)
		model_today(st.tz, (int64_t)time(NULL), &y, &m, &d);
	if (model_day_json(ctx->db, st.tz, y, m, d, &json, &e) != 0) {
		model_studio_free(&st);
		return cmd_fail(ctx, &e);
	}
	if (json_flag != NULL) {
		fprintf(ctx->out, "%s\n", json);
	} else if ((rc = model_bookings_parse(json, &b, &e)) == 0) {
		cmd_bookings_table(ctx, &st, &b, y, m, d);
		model_bookings_free(&b);
	}
	free(json);
	model_studio_free(&st);
	return rc != 0 ? cmd_fail(ctx, &e) : 0;
}

const struct cmd_entry cmd_bookings_entry = {
	.name = "bookings",
	.usage = "[--date YYYY-MM-DD] [--json]",
	.summary = "one studio-local day's bookings (default today)",
	.exec = cmd_bookings_exec,
	.flags = 0,
};
