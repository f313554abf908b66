/* cmd-hold-extend.c: `redlight hold-extend ID MINUTES`: give an active
 * hold more time before it expires. A command as data:
 * cmd_hold_extend_parse, cmd_hold_extend_run. */
#include <json-c/json.h>
#include <string.h>

#include "db/admin.h"
#include "db/hold.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/model.h"

int
cmd_hold_extend_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_hold_act *out)
{
	const char *json_flag = NULL;
	const struct cmd_opt opts[] = {
		{ "as", 1, &out->as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[2];
	int nrest, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 2, &nrest)) != 0)
		return rc;
	if (nrest != 2)
		return cmd_usage_error(ctx, "name the hold and the minutes to add");
	out->id = rest[0];
	out->minutes = rest[1];
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_hold_extend_run(struct cmd_ctx *ctx, const struct cmd_hold_act *c,
    struct cmd_hold_result *out, struct err *e)
{
	struct model_studio st;
	int rc, minutes, max;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	/* the limit is the database's, asked, not a copy */
	if ((rc = db_hold_max_min(ctx->db, &max, e)) != 0)
		return rc;
	if ((rc = cmd_parse_minutes(c->minutes, max, &minutes, e)) != 0) {
		snprintf(e->field, sizeof(e->field), "minutes");
		return rc;
	}
	if ((rc = db_hold_find(ctx->db, c->id, &out->h, e)) != 0)
		return rc;
	const struct db_hold_change x = {
		.hold_id = out->h.id, .actor_id = ctx->actor.id, .kind = db_actor_kind_of(&ctx->actor),
		.minutes = minutes,
	};
	struct db_hold done;
	if ((rc = db_hold_extend(ctx->db, &x, &done, e)) != 0)
		return rc;
	out->expires = out->h.expires_at = done.expires_at;
	if (model_studio_load(ctx->db, &st, e) == 0) {
		fmt_instant(st.tz, out->expires, out->until, sizeof(out->until));
		model_studio_free(&st);
	} else {
		/* it is extended; only the zone to show it in is missing */
		err_clear(e);
		tz_format_utc(out->expires, out->until, sizeof(out->until), NULL);
	}
	return 0;
}

static int
cmd_hold_extend_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_hold_result r;
	struct cmd_hold_act c;
	struct err e;
	int rc;

	if ((rc = cmd_hold_extend_parse(ctx, argc, argv, &c)) != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, c.as)) != 0)
		return rc;
	err_clear(&e);
	if (cmd_hold_extend_run(ctx, &c, &r, &e) != 0)
		return e.code == ERR_INVALID && strcmp(e.field, "minutes") == 0 ?
		    cmd_field_error(ctx, "minutes", "%s", e.msg) : cmd_fail(ctx, &e);
	if (c.json) {
		struct json_object *o = json_object_new_object(), *x = json_object_new_object();
		char at[TZ_RFC3339_SIZE];

		tz_format_utc(r.expires, at, sizeof(at), NULL);
		json_object_object_add(x, "id", json_object_new_string(r.h.id));
		json_object_object_add(x, "expires_at", json_object_new_string(at));
		json_object_object_add(o, "hold", x);
		cmd_json_print(ctx, o);
	} else {
		char line[CMD_LINE];

		cmd_hold_act_say(&r, 1, line, sizeof(line));
		fprintf(ctx->out, "%s\n", line);
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
