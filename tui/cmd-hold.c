/* cmd-hold.c: `redlight hold ROOM START DURATION [--expires MIN]
 * [--override --reason R]`: hold a room for a while, as the studio. */
#include <json-c/json.h>
#include <string.h>
#include <time.h>

#include "core/avail.h"
#include "db/admin.h"
#include "db/booking.h"
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

static int
cmd_hold_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL, *expires = NULL, *override = NULL, *reason = NULL, *as = NULL;
	const struct cmd_opt opts[] = {
		{ "expires", 1, &expires },
		{ "override", 0, &override },
		{ "reason", 1, &reason },
		{ "as", 1, &as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[3], room_id[37], room_name[128], span[96], until[48];
	struct db_admin_hold_new h = { 0 };
	struct db_admin_hold out;
	struct model_studio st;
	struct err e;
	int64_t start;
	int nrest, rc, minutes, max, ttl = 0;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 3, &nrest)) != 0)
		return rc;
	if (nrest != 3)
		return cmd_usage_error(ctx, "give the room, the start and the duration");
	if (override != NULL && reason == NULL)
		return cmd_field_error(ctx, "reason", "--override needs --reason TEXT, for the audit log");
	if (reason != NULL && override == NULL)
		return cmd_usage_error(ctx, "--reason goes with --override");
	err_clear(&e);
	if (cmd_parse_minutes(rest[2], AVAIL_MAX_DURATION_MIN, &minutes, &e) != 0)
		return cmd_field_error(ctx, "duration", "%s", e.msg);
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	/* the limit is the database's, asked, not a copy */
	if (expires != NULL && db_hold_max_min(ctx->db, &max, &e) != 0)
		return cmd_fail(ctx, &e);
	if (expires != NULL && cmd_parse_minutes(expires, max, &ttl, &e) != 0)
		return cmd_field_error(ctx, "expires", "--expires: %s", e.msg);
	if (model_studio_load(ctx->db, &st, &e) != 0)
		return cmd_fail(ctx, &e);
	if (cmd_parse_when(st.tz, rest[1], 0, &start, &e) != 0) {
		model_studio_free(&st);
		return cmd_field_error(ctx, "start", "%s", e.msg);
	}
	if (db_admin_room_resolve(ctx->db, rest[0], room_id, room_name, sizeof(room_name), &e) != 0) {
		model_studio_free(&st);
		return cmd_fail(ctx, &e);
	}
	if ((rc = cmd_actor(ctx, as)) != 0) {
		model_studio_free(&st);
		return rc;
	}
	h.room_id = room_id;
	h.start = start;
	h.end = start + (int64_t)minutes * 60;
	h.expires_min = ttl;
	h.override_reason = reason;
	rc = db_admin_hold_place(ctx->db, st.tz, &ctx->actor, &h, (int64_t)time(NULL), &out, &e);
	if (rc != 0) {
		model_studio_free(&st);
		return cmd_fail_about(ctx, room_name, &e, strcmp(e.field, DB_ADMIN_OVERRIDE) == 0
		    ? " (an admin may hold it anyway with --override --reason TEXT)" : NULL);
	}
	if (json_flag != NULL) {
		struct json_object *o = json_object_new_object(), *x = json_object_new_object();
		json_object_object_add(x, "id", json_object_new_string(out.id));
		json_object_object_add(x, "room_id", json_object_new_string(out.room_id));
		json_object_object_add(x, "room_name", json_object_new_string(room_name));
		json_object_object_add(x, "start_at", cmd_hold_time(out.start));
		json_object_object_add(x, "end_at", cmd_hold_time(out.end));
		json_object_object_add(x, "expires_at", cmd_hold_time(out.expires_at));
		json_object_object_add(x, "overridden", out.overridden[0]
		    ? json_object_new_string(out.overridden) : NULL);
		json_object_object_add(o, "hold", x);
		cmd_json_print(ctx, o);
	} else {
		fmt_span(st.tz, out.start, out.end, span, sizeof(span));
		fmt_instant(st.tz, out.expires_at, until, sizeof(until));
		fprintf(ctx->out, "held %s %s until %s (hold %.8s)%s%s%s\n", room_name, span, until,
		    out.id, out.overridden[0] ? ", setting the rules aside (" : "", out.overridden,
		    out.overridden[0] ? ")" : "");
	}
	model_studio_free(&st);
	return 0;
}

const struct cmd_entry cmd_hold_entry = {
	.name = "hold",
	.usage = "ROOM START DURATION [--expires MIN] [--override --reason R] [--as EMAIL] [--json]",
	.summary = "hold a room (START in studio time, DURATION 2h)",
	.exec = cmd_hold_exec,
	.flags = 0,
};
