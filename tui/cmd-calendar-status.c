/* cmd-calendar-status.c: `redlight calendar-status [--json]`: every staff
 * calendar connection (pending, exchanging, connected, reconnect_needed,
 * failed, with why), the bookings whose last calendar attempt failed, and
 * how many attempts the last day saw. One read, DB_CALENDAR_STATUS_JSON_SQL:
 * cmd_calendar_status_run, which the setup screen's calendar window calls. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "db/calendar.h"
#include "tui/cmd.h"
#include "tui/model.h"

int
cmd_calendar_status_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e)
{
	(void)c;
	return cmd_read_query(ctx, DB_CALENDAR_STATUS_JSON_SQL, 0, NULL, json, e);
}

static int
cmd_calendar_status_print(struct cmd_ctx *ctx, const struct cmd_read *c, const char *json, struct err *e)
{
	struct json_object *d, *a;

	(void)c;
	if ((d = json_tokener_parse(json)) == NULL)
		return err_set(e, ERR_INTERNAL, NULL, "calendar-status: the database's answer is not JSON");
	json_object_object_get_ex(d, "connections", &a);
	if (json_object_array_length(a) == 0)
		fprintf(ctx->out, "no staff calendar is connected (redlight calendar-connect STAFF google|outlook)\n");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		fprintf(ctx->out, "%-20s %-8s %-16s %s\n", model_str(o, "staff"),
		    model_str(o, "provider"), model_str(o, "status"), model_str(o, "error"));
	}
	json_object_object_get_ex(d, "failing", &a);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		fprintf(ctx->out, "sync failed: %s %s %s %s: %s\n", model_str(o, "code"),
		    model_str(o, "staff"), model_str(o, "provider"), model_str(o, "action"),
		    model_str(o, "error"));
	}
	json_object_put(d);
	return 0;
}

static int
cmd_calendar_status_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_read_exec(ctx, argc, argv, cmd_read_parse, cmd_calendar_status_run,
	    cmd_calendar_status_print);
}

const struct cmd_entry cmd_calendar_status_entry = {
	.name = "calendar-status",
	.usage = "[--json]",
	.summary = "list staff calendar connections and failed calendar syncs",
	.exec = cmd_calendar_status_exec,
	.flags = 0,
};
