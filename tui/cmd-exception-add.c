/* cmd-exception-add.c: `redlight exception-add (--studio|--room R|--staff
 * S) --start "YYYY-MM-DD HH:MM" --end "YYYY-MM-DD HH:MM" [--reason T]`:
 * a stretch when the studio, a room or someone is closed (a blackout,
 * time off), in studio time. Admins; staff for themselves (--staff SELF). */
#include <string.h>

#include "tui/model.h"
#include "tui/setup.h"

/* cmd_exception_add_when: args' field (start or end) from studio time to
 * RFC 3339 UTC. */
static int
cmd_exception_add_when(struct cmd_ctx *ctx, const struct tz *tz, struct json_object *args,
    const char *field)
{
	struct json_object *v;
	char buf[TZ_RFC3339_SIZE];
	int64_t t;
	struct err e;

	if (!json_object_object_get_ex(args, field, &v))
		return cmd_field_error(ctx, field, "%s: give --%s \"YYYY-MM-DD HH:MM\" (studio time)",
		    field, field);
	err_clear(&e);
	if (cmd_parse_when(tz, json_object_get_string(v), 1, &t, &e) != 0)
		return cmd_field_error(ctx, field, "%s: %s", field, e.msg);
	tz_format_utc(t, buf, sizeof(buf), NULL);
	json_object_object_add(args, field, json_object_new_string(buf));
	return 0;
}

static int
cmd_exception_add_prep(struct cmd_ctx *ctx, const char *target, struct json_object *args)
{
	struct model_studio st;
	struct err e;
	int rc;

	(void)target;
	err_clear(&e);
	if (model_studio_load(ctx->db, &st, &e) != 0)
		return cmd_fail(ctx, &e);
	if ((rc = cmd_exception_add_when(ctx, st.tz, args, "start")) == 0)
		rc = cmd_exception_add_when(ctx, st.tz, args, "end");
	model_studio_free(&st);
	return rc;
}

static const struct setup_spec cmd_exception_add_spec = {
	.op = DB_SETUP_EXCEPTION_ADD,
	.npos = 0,
	.pos_missing = "exception-add takes no arguments, only options",
	.values = { "room", "staff", "start", "end", "reason", NULL },
	.flags = { "studio", NULL },
	.prep = cmd_exception_add_prep,
};

static int
cmd_exception_add_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return setup_exec(ctx, argc, argv, &cmd_exception_add_spec);
}

const struct cmd_entry cmd_exception_add_entry = {
	.name = "exception-add",
	.usage = "--start WHEN --end WHEN [--studio|--room R|--staff S] [--reason T] [--as EMAIL] "
	    "[--json]",
	.summary = "close the studio, a room or someone (WHEN: studio time)",
	.exec = cmd_exception_add_exec,
	.flags = 0,
};
