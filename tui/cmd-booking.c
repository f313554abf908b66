/* cmd-booking.c: `redlight booking CODE [--json]`, one booking in full. A
 * read as data: cmd_booking_parse, cmd_booking_run, cmd_booking_print;
 * the console's booking screen calls the same run step. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/admin.h"
#include "tui/cmd.h"
#include "tui/detail.h"
#include "tui/model.h"

int
cmd_booking_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_read *out)
{
	const char *json_flag = NULL;
	const struct cmd_opt opts[] = {
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[1];
	int nrest, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 1, &nrest)) != 0)
		return rc;
	if (nrest != 1)
		return cmd_usage_error(ctx, "name the booking by its code");
	out->code = rest[0];
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_booking_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e)
{
	const char *params[1] = { c->code };
	struct model_details b;
	int rc;

	/* sent (ctx->send_to): an unknown code is the receiver's to see */
	if ((rc = cmd_read_query(ctx, DB_ADMIN_BOOKING_JSON_SQL, 1, params, json, e)) != 0 || *json == NULL)
		return rc;
	if ((rc = model_details_parse(*json, &b, e)) == 0 && b.n == 0)
		rc = err_set(e, ERR_NOT_FOUND, "code", "no booking has the code '%.40s'", c->code);
	model_details_free(&b);   /* zeroed by the parse even when it fails */
	if (rc != 0) {
		free(*json);
		*json = NULL;
	}
	return rc;
}

static int
cmd_booking_print(struct cmd_ctx *ctx, const struct cmd_read *c, const char *json, struct err *e)
{
	struct detail_line lines[DETAIL_MAX_LINES];
	struct model_studio st;
	struct model_details b;
	int rc, n;

	(void)c;
	if ((rc = model_details_parse(json, &b, e)) != 0)
		return rc;
	if ((rc = model_studio_load(ctx->db, &st, e)) == 0) {
		n = detail_lines(&b.v[0], &st, (int64_t)time(NULL), lines, DETAIL_MAX_LINES);
		for (int i = 0; i < n; i++) {
			if (i == 0)
				fprintf(ctx->out, "%s\n", lines[i].text);
			else
				fprintf(ctx->out, "%-10s%s\n", lines[i].label, lines[i].text);
		}
		model_studio_free(&st);
	}
	model_details_free(&b);
	return rc;
}

static int
cmd_booking_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_read_exec(ctx, argc, argv, cmd_booking_parse, cmd_booking_run, cmd_booking_print);
}

const struct cmd_entry cmd_booking_entry = {
	.name = "booking",
	.usage = "CODE [--json]",
	.summary = "one booking in full, money included",
	.exec = cmd_booking_exec,
	.flags = 0,
};
