/* cmd-hold-release.c: `redlight hold-release ID`: let a hold go now. ID is
 * the hold's id or its first characters (the 8 that `holds` shows). */
#include <json-c/json.h>

#include "db/admin.h"
#include "tui/cmd.h"

static int
cmd_hold_release_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL, *as = NULL;
	const struct cmd_opt opts[] = {
		{ "as", 1, &as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	struct db_admin_hold h;
	struct err e;
	char *rest[1];
	int nrest, rc;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 1, &nrest)) != 0)
		return rc;
	if (nrest != 1)
		return cmd_usage_error(ctx, "name the hold by its id");
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (db_admin_hold_find(ctx->db, rest[0], &h, &e) != 0)
		return cmd_fail(ctx, &e);
	if ((rc = cmd_actor(ctx, as)) != 0)
		return rc;
	if (db_admin_hold_release(ctx->db, &ctx->actor, h.id, &e) != 0)
		return cmd_fail(ctx, &e);
	if (json_flag != NULL) {
		struct json_object *o = json_object_new_object(), *x = json_object_new_object();
		json_object_object_add(x, "id", json_object_new_string(h.id));
		json_object_object_add(x, "status", json_object_new_string("released"));
		json_object_object_add(o, "hold", x);
		cmd_json_print(ctx, o);
	} else {
		fprintf(ctx->out, "released hold %.8s (%s)\n", h.id, h.room_name);
	}
	return 0;
}

const struct cmd_entry cmd_hold_release_entry = {
	.name = "hold-release",
	.usage = "ID [--as EMAIL] [--json]",
	.summary = "release a hold now",
	.exec = cmd_hold_release_exec,
	.flags = 0,
};
