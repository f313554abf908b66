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
cmd_exception_add_when(const struct tz *tz, struct json_object *args, const char *field,
    struct err *e)
{
	struct json_object *v;
	char buf[TZ_RFC3339_SIZE];
	int64_t t;
	struct err why;

	if (!json_object_object_get_ex(args, field, &v))
		return err_set(e, ERR_INVALID, field, "%s: give --%s \"YYYY-MM-DD HH:MM\" (studio time)",
		    field, field);
	err_clear(&why);
	if (cmd_parse_when(tz, json_object_get_string(v), 1, &t, &why) != 0)
		return err_set(e, ERR_INVALID, field, "%s: %s", field, why.msg);
	tz_format_utc(t, buf, sizeof(buf), NULL);
	json_object_object_add(args, field, json_object_new_string(buf));
	return 0;
}

static int
cmd_exception_add_prep(struct cmd_ctx *ctx, const char *target, struct json_object *args,
    struct err *e)
{
	struct model_studio st;
	int rc;

	(void)target;
	if ((rc = model_studio_load(ctx->db, &st, e)) != 0)
		return rc;
	if ((rc = cmd_exception_add_when(st.tz, args, "start", e)) == 0)
		rc = cmd_exception_add_when(st.tz, args, "end", e);
	model_studio_free(&st);
	return rc;
}

const struct setup_spec cmd_exception_add_spec = {
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
