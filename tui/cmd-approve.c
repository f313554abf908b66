/* cmd-approve.c: `redlight approve CODE... [--note N] [--message M]
 * [--override --reason R]`: confirm bookings awaiting approval. Each code
 * is its own transaction: one that someone else decided first, or that no
 * longer fits, fails alone with its reason while the others go through.
 * A command as data: cmd_approve_parse, cmd_approve_run (one code). */
#include <json-c/json.h>
#include <string.h>
#include <time.h>

#include "db/admin.h"
#include "db/booking.h"
#include "tui/cmd.h"
#include "tui/model.h"

int
cmd_approve_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_decide *out)
{
	const char *json_flag = NULL, *override = NULL;
	const struct cmd_opt opts[] = {
		{ "note", 1, &out->note },
		{ "message", 1, &out->message },
		{ "override", 0, &override },
		{ "reason", 1, &out->reason },
		{ "as", 1, &out->as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, (char **)out->codes, CMD_DECIDE_MAX, &out->n)) != 0)
		return rc;
	if (out->n == 0)
		return cmd_usage_error(ctx, "name at least one booking code");
	if (override != NULL && out->reason == NULL)
		return cmd_field_error(ctx, "reason", "--override needs --reason TEXT, for the audit log");
	if (out->reason != NULL && override == NULL)
		return cmd_usage_error(ctx, "--reason goes with --override");
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_approve_run(struct cmd_ctx *ctx, const struct cmd_decide *c, const char *code,
    struct db_decide_result *out, struct err *e)
{
	const struct db_decide_req d = {
		.code = code, .actor_id = ctx->actor.id, .kind = db_actor_kind_of(&ctx->actor),
		.note = c->note, .message = c->message, .override_reason = c->reason,
	};
	struct model_studio st;
	int rc;

	if ((rc = cmd_open_db(ctx, e)) != 0 || (rc = model_studio_load(ctx->db, &st, e)) != 0)
		return rc;
	rc = db_booking_approve(ctx->db, st.tz, &d, (int64_t)time(NULL), out, e);
	model_studio_free(&st);
	return rc;
}

void
cmd_approve_say(const struct db_decide_result *o, const struct cmd_decide *c, char *buf, size_t len)
{
	if (o->overridden[0] != '\0')
		snprintf(buf, len, "approved %s, setting the rules aside (%s)", o->code, o->overridden);
	else
		snprintf(buf, len, "approved %s%s", o->code,
		    c->reason != NULL ? " (it fits the rules: no override was needed)" : "");
}

static int
cmd_approve_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_decide c;
	struct json_object *done;
	struct err e;
	int rc, status = 0;

	if ((rc = cmd_approve_parse(ctx, argc, argv, &c)) != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, c.as)) != 0)
		return rc;
	done = json_object_new_array();
	for (int i = 0; i < c.n; i++) {
		struct db_decide_result out;
		char line[512];

		err_clear(&e);
		if (cmd_approve_run(ctx, &c, c.codes[i], &out, &e) != 0) {
			int s = cmd_fail_about(ctx, c.codes[i], &e, strcmp(e.field, DB_ADMIN_OVERRIDE) == 0
			    ? " (an admin may approve it anyway with --override --reason TEXT)" : NULL);
			if (status == 0)
				status = s;
			continue;
		}
		if (c.json) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "code", json_object_new_string(out.code));
			json_object_object_add(o, "status", json_object_new_string(out.status));
			json_object_object_add(o, "overridden", out.overridden[0]
			    ? json_object_new_string(out.overridden) : NULL);
			json_object_array_add(done, o);
		} else {
			cmd_approve_say(&out, &c, line, sizeof(line));
			fprintf(ctx->out, "%s\n", line);
		}
	}
	if (c.json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "bookings", done);
		cmd_json_print(ctx, o);
	} else {
		json_object_put(done);
	}
	return status;
}

const struct cmd_entry cmd_approve_entry = {
	.name = "approve",
	.usage = "CODE... [--note N] [--message M] [--override --reason R] [--as EMAIL] [--json]",
	.summary = "confirm bookings awaiting approval (admins)",
	.exec = cmd_approve_exec,
	.flags = 0,
};
