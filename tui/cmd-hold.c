/* cmd-hold.c: `redlight hold ROOM START DURATION [--expires MIN]
 * [--override --reason R]`: hold a room for a while, as the studio. A
 * command as data: cmd_hold_parse, cmd_hold_run. */
#include <json-c/json.h>
#include <string.h>
#include <time.h>

#include "core/avail.h"
#include "db/admin.h"
#include "db/hold.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/model.h"

static struct json_object *
cmd_hold_time(int64_t t)
{
	char buf[TZ_RFC3339_SIZE];

	tz_format_utc(t, buf, sizeof(buf), NULL);
	return json_object_new_string(buf);
}

int
cmd_hold_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_hold *out)
{
	const char *json_flag = NULL, *override = NULL;
	const struct cmd_opt opts[] = {
		{ "expires", 1, &out->expires },
		{ "override", 0, &override },
		{ "reason", 1, &out->reason },
		{ "as", 1, &out->as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[3];
	int nrest, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 3, &nrest)) != 0)
		return rc;
	if (nrest != 3)
		return cmd_usage_error(ctx, "give the room, the start and the duration");
	if (override != NULL && out->reason == NULL)
		return cmd_field_error(ctx, "reason", "--override needs --reason TEXT, for the audit log");
	if (out->reason != NULL && override == NULL)
		return cmd_usage_error(ctx, "--reason goes with --override");
	out->room = rest[0];
	out->start = rest[1];
	out->duration = rest[2];
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_hold_run(struct cmd_ctx *ctx, const struct cmd_hold *c, struct cmd_hold_placed *out,
    struct err *e)
{
	struct db_hold_place_req h = { 0 };
	struct model_studio st;
	char room_id[37];
	int64_t start;
	int rc, minutes, max, ttl = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse_minutes(c->duration, AVAIL_MAX_DURATION_MIN, &minutes, e)) != 0)
		return rc;
	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	/* the limit is the database's, asked, not a copy */
	if (c->expires != NULL && (rc = db_hold_max_min(ctx->db, &max, e)) != 0)
		return rc;
	if (c->expires != NULL && (rc = cmd_parse_minutes(c->expires, max, &ttl, e)) != 0) {
		snprintf(e->field, sizeof(e->field), "expires");
		return rc;
	}
	if ((rc = model_studio_load(ctx->db, &st, e)) != 0)
		return rc;
	if ((rc = cmd_parse_when(st.tz, c->start, 0, &start, e)) == 0 &&
	    (rc = db_admin_room_resolve(ctx->db, c->room, room_id, out->room_name,
	    sizeof(out->room_name), e)) == 0) {
		h.actor_id = ctx->actor.id;
		h.kind = db_actor_kind_of(&ctx->actor);
		h.room_id = room_id;
		h.start = start;
		h.end = start + (int64_t)minutes * 60;
		h.ttl_min = ttl;
		h.override_reason = c->reason;
		rc = db_hold_place(ctx->db, st.tz, &h, (int64_t)time(NULL), &out->h, e);
	}
	if (rc == 0) {
		fmt_span(st.tz, out->h.start, out->h.end, out->span, sizeof(out->span));
		fmt_instant(st.tz, out->h.expires_at, out->until, sizeof(out->until));
	}
	model_studio_free(&st);
	return rc;
}

void
cmd_hold_say(const struct cmd_hold_placed *r, char *buf, size_t len)
{
	snprintf(buf, len, "held %s %s until %s (hold %.8s)%s%s%s", r->room_name, r->span, r->until,
	    r->h.id, r->h.overridden[0] ? ", setting the rules aside (" : "", r->h.overridden,
	    r->h.overridden[0] ? ")" : "");
}

static int
cmd_hold_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_hold_placed r;
	struct cmd_hold c;
	struct err e;
	char line[CMD_LINE * 2];
	int rc;

	if ((rc = cmd_hold_parse(ctx, argc, argv, &c)) != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, c.as)) != 0)
		return rc;
	err_clear(&e);
	if (cmd_hold_run(ctx, &c, &r, &e) != 0) {
		if (e.code == ERR_INVALID && strcmp(e.field, "expires") == 0)
			return cmd_field_error(ctx, "expires", "--expires: %s", e.msg);
		if (e.code == ERR_INVALID && (strcmp(e.field, "duration") == 0 ||
		    strcmp(e.field, "start") == 0))
			return cmd_field_error(ctx, e.field, "%s", e.msg);
		if (r.room_name[0] == '\0')
			return cmd_fail(ctx, &e);
		return cmd_fail_about(ctx, r.room_name, &e, strcmp(e.field, DB_ADMIN_OVERRIDE) == 0
		    ? " (an admin may hold it anyway with --override --reason TEXT)" : NULL);
	}
	if (c.json) {
		struct json_object *o = json_object_new_object(), *x = json_object_new_object();
		json_object_object_add(x, "id", json_object_new_string(r.h.id));
		json_object_object_add(x, "room_id", json_object_new_string(r.h.room_id));
		json_object_object_add(x, "room_name", json_object_new_string(r.room_name));
		json_object_object_add(x, "start_at", cmd_hold_time(r.h.start));
		json_object_object_add(x, "end_at", cmd_hold_time(r.h.end));
		json_object_object_add(x, "expires_at", cmd_hold_time(r.h.expires_at));
		json_object_object_add(x, "overridden", r.h.overridden[0]
		    ? json_object_new_string(r.h.overridden) : NULL);
		json_object_object_add(o, "hold", x);
		cmd_json_print(ctx, o);
	} else {
		cmd_hold_say(&r, line, sizeof(line));
		fprintf(ctx->out, "%s\n", line);
	}
	return 0;
}

const struct cmd_entry cmd_hold_entry = {
	.name = "hold",
	.usage = "ROOM START DURATION [--expires MIN] [--override --reason R] [--as EMAIL] [--json]",
	.summary = "hold a room (START in studio time, DURATION 2h)",
	.exec = cmd_hold_exec,
	.flags = 0,
};
