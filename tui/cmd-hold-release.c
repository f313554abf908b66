/* cmd-hold-release.c: `redlight hold-release ID`: let a hold go now. ID is
 * the hold's id or its first characters (the 8 that `holds` shows). A
 * command as data: cmd_hold_release_parse, cmd_hold_release_run. */
#include <json-c/json.h>
#include <string.h>

#include "db/admin.h"
#include "db/hold.h"
#include "tui/cmd.h"

int
cmd_hold_release_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_hold_act *out)
{
	const char *json_flag = NULL;
	const struct cmd_opt opts[] = {
		{ "as", 1, &out->as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[1];
	int nrest, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 1, &nrest)) != 0)
		return rc;
	if (nrest != 1)
		return cmd_usage_error(ctx, "name the hold by its id");
	out->id = rest[0];
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_hold_release_run(struct cmd_ctx *ctx, const struct cmd_hold_act *c,
    struct cmd_hold_result *out, struct err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_open_db(ctx, e)) != 0 || (rc = db_hold_find(ctx->db, c->id, &out->h, e)) != 0)
		return rc;
	const struct db_hold_change r = {
		.hold_id = out->h.id, .actor_id = ctx->actor.id, .kind = db_actor_kind_of(&ctx->actor),
	};
	struct db_hold done;
	if ((rc = db_hold_release(ctx->db, &r, &done, e)) == 0)
		snprintf(out->h.status, sizeof(out->h.status), "%s", done.status);
	return rc;
}

void
cmd_hold_act_say(const struct cmd_hold_result *r, int extended, char *buf, size_t len)
{
	if (extended)
		snprintf(buf, len, "hold %.8s (%s) now expires at %s", r->h.id, r->h.room_name, r->until);
	else
		snprintf(buf, len, "released hold %.8s (%s)", r->h.id, r->h.room_name);
}

static int
cmd_hold_release_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_hold_result r;
	struct cmd_hold_act c;
	struct err e;
	int rc;

	if ((rc = cmd_hold_release_parse(ctx, argc, argv, &c)) != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, c.as)) != 0)
		return rc;
	err_clear(&e);
	if (cmd_hold_release_run(ctx, &c, &r, &e) != 0)
		return cmd_fail(ctx, &e);
	if (c.json) {
		struct json_object *o = json_object_new_object(), *x = json_object_new_object();
		json_object_object_add(x, "id", json_object_new_string(r.h.id));
		json_object_object_add(x, "status", json_object_new_string("released"));
		json_object_object_add(o, "hold", x);
		cmd_json_print(ctx, o);
	} else {
		char line[CMD_LINE];

		cmd_hold_act_say(&r, 0, line, sizeof(line));
		fprintf(ctx->out, "%s\n", line);
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
