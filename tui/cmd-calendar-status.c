/* cmd-calendar-status.c: `redlight calendar-status [--json]`: every staff
 * calendar connection (pending, exchanging, connected, reconnect_needed,
 * failed, with why), the bookings whose last calendar attempt failed, and
 * how many attempts the last day saw. One read, DB_CALENDAR_STATUS_JSON_SQL. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "db/calendar.h"
#include "tui/cmd.h"
#include "tui/model.h"

static int
cmd_calendar_status_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL;
	const struct cmd_opt opts[] = {
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	struct json_object *d, *a;
	char *rest[1], *json = NULL;
	struct err e;
	int nrest, rc;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 0, &nrest)) != 0 || (rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (db_query_json(ctx->db, DB_CALENDAR_STATUS_JSON_SQL, 0, NULL, &json, &e) != 0)
		return cmd_fail(ctx, &e);
	if (json_flag != NULL) {
		fprintf(ctx->out, "%s\n", json);
		free(json);
		return 0;
	}
	d = json_tokener_parse(json);
	free(json);
	json_object_object_get_ex(d, "connections", &a);
	if (json_object_array_length(a) == 0)
		fprintf(ctx->out, "no staff calendar is connected (redlight calendar-connect STAFF google|outlook)\n");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *c = json_object_array_get_idx(a, i);
		fprintf(ctx->out, "%-20s %-8s %-16s %s\n", model_str(c, "staff"),
		    model_str(c, "provider"), model_str(c, "status"), model_str(c, "error"));
	}
	json_object_object_get_ex(d, "failing", &a);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *c = json_object_array_get_idx(a, i);
		fprintf(ctx->out, "sync failed: %s %s %s %s: %s\n", model_str(c, "code"),
		    model_str(c, "staff"), model_str(c, "provider"), model_str(c, "action"),
		    model_str(c, "error"));
	}
	json_object_put(d);
	return 0;
}

const struct cmd_entry cmd_calendar_status_entry = {
	.name = "calendar-status",
	.usage = "[--json]",
	.summary = "list staff calendar connections and failed calendar syncs",
	.exec = cmd_calendar_status_exec,
	.flags = 0,
};
