/* cmd-hold-extend.c: `redlight hold-extend ID MINUTES`: give an active
 * hold more time before it expires. */
#include <json-c/json.h>

#include "db/admin.h"
#include "db/booking.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/model.h"

static int
cmd_hold_extend_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL, *as = NULL;
	const struct cmd_opt opts[] = {
		{ "as", 1, &as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	struct db_admin_hold h;
	struct model_studio st;
	struct err e;
	char *rest[2], until[48], at[TZ_RFC3339_SIZE];
	int64_t expires;
	int nrest, rc, minutes, max;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 2, &nrest)) != 0)
		return rc;
	if (nrest != 2)
		return cmd_usage_error(ctx, "name the hold and the minutes to add");
	err_clear(&e);
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	/* the limit is the database's, asked, not a copy */
	if (db_hold_max_min(ctx->db, &max, &e) != 0)
		return cmd_fail(ctx, &e);
	if (cmd_parse_minutes(rest[1], max, &minutes, &e) != 0)
		return cmd_field_error(ctx, "minutes", "%s", e.msg);
	if (db_admin_hold_find(ctx->db, rest[0], &h, &e) != 0)
		return cmd_fail(ctx, &e);
	if ((rc = cmd_actor(ctx, as)) != 0)
		return rc;
	if (db_admin_hold_extend(ctx->db, &ctx->actor, h.id, minutes, &expires, &e) != 0)
		return cmd_fail(ctx, &e);
	if (json_flag != NULL) {
		struct json_object *o = json_object_new_object(), *x = json_object_new_object();
		tz_format_utc(expires, at, sizeof(at), NULL);
		json_object_object_add(x, "id", json_object_new_string(h.id));
		json_object_object_add(x, "expires_at", json_object_new_string(at));
		json_object_object_add(o, "hold", x);
		cmd_json_print(ctx, o);
	} else if (model_studio_load(ctx->db, &st, &e) == 0) {
		fmt_instant(st.tz, expires, until, sizeof(until));
		fprintf(ctx->out, "hold %.8s (%s) now expires at %s\n", h.id, h.room_name, until);
		model_studio_free(&st);
	} else {
		/* it is extended; only the zone to show it in is missing */
		tz_format_utc(expires, at, sizeof(at), NULL);
		fprintf(ctx->out, "hold %.8s (%s) now expires at %s\n", h.id, h.room_name, at);
	}
	return 0;
}

const struct cmd_entry cmd_hold_extend_entry = {
	.name = "hold-extend",
	.usage = "ID MINUTES [--as EMAIL] [--json]",
	.summary = "give an active hold more time",
	.exec = cmd_hold_extend_exec,
	.flags = 0,
};
