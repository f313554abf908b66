/* cmd-booking.c: `redlight booking CODE [--json]`, one booking in full. */
#include <stdlib.h>
#include <time.h>

#include "db/admin.h"
#include "tui/cmd.h"
#include "tui/detail.h"
#include "tui/model.h"

static int
cmd_booking_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL;
	const struct cmd_opt opts[] = {
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	struct detail_line lines[DETAIL_MAX_LINES];
	struct model_studio st;
	struct model_details b;
	struct err e;
	char *rest[1], *json;
	int nrest, rc, n;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 1, &nrest)) != 0)
		return rc;
	if (nrest != 1)
		return cmd_usage_error(ctx, "name the booking by its code");
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	const char *params[1] = { rest[0] };
	if (db_query_json(ctx->db, DB_ADMIN_BOOKING_JSON_SQL, 1, params, &json, &e) != 0)
		return cmd_fail(ctx, &e);
	rc = model_details_parse(json, &b, &e);
	if (rc == 0 && b.n == 0) {
		model_details_free(&b);
		rc = err_set(&e, ERR_NOT_FOUND, "code", "no booking has the code '%.40s'", rest[0]);
	}
	if (rc != 0) {
		free(json);
		return cmd_fail(ctx, &e);
	}
	if (json_flag != NULL) {
		fprintf(ctx->out, "%s\n", json);
	} else if ((rc = model_studio_load(ctx->db, &st, &e)) == 0) {
		n = detail_lines(&b.v[0], &st, (int64_t)time(NULL), lines, DETAIL_MAX_LINES);
		for (int i = 0; i < n; i++) {
			if (i == 0)
				fprintf(ctx->out, "%s\n", lines[i].text);
			else
				fprintf(ctx->out, "%-10s%s\n", lines[i].label, lines[i].text);
		}
		model_studio_free(&st);
	}
	free(json);
	model_details_free(&b);
	return rc != 0 ? cmd_fail(ctx, &e) : 0;
}

const struct cmd_entry cmd_booking_entry = {
	.name = "booking",
	.usage = "CODE [--json]",
	.summary = "one booking in full, money included",
	.exec = cmd_booking_exec,
	.flags = 0,
};
