/* cmd-reject.c: `redlight reject CODE... --message M [--note N]`: decline
 * bookings awaiting approval, telling the artist why. Each code is its own
 * transaction, as for approve. A command as data: cmd_reject_parse,
 * cmd_reject_run (one code). */
#include <json-c/json.h>
#include <string.h>

#include "db/admin.h"
#include "tui/cmd.h"

int
cmd_reject_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_decide *out)
{
	const char *json_flag = NULL;
	const struct cmd_opt opts[] = {
		{ "message", 1, &out->message },
		{ "note", 1, &out->note },
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
	if (out->message == NULL)
		return cmd_field_error(ctx, "message", "a rejection needs --message TEXT, the message "
		    "to the artist");
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_reject_run(struct cmd_ctx *ctx, const struct cmd_decide *c, const char *code,
    struct db_decide_result *out, struct err *e)
{
	const struct db_decide_req d = {
		.code = code, .actor_id = ctx->actor.id, .kind = db_actor_kind_of(&ctx->actor),
		.note = c->note, .message = c->message,
	};
	int rc;

	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	return db_booking_reject(ctx->db, &d, out, e);
}

static int
cmd_reject_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_decide c;
	struct json_object *done;
	struct err e;
	int rc, status = 0;

	if ((rc = cmd_reject_parse(ctx, argc, argv, &c)) != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, c.as)) != 0)
		return rc;
	done = json_object_new_array();
	for (int i = 0; i < c.n; i++) {
		struct db_decide_result out;

		err_clear(&e);
		if (cmd_reject_run(ctx, &c, c.codes[i], &out, &e) != 0) {
			int s = cmd_fail_about(ctx, c.codes[i], &e, NULL);
			if (status == 0)
				status = s;
			/* a missing message is the same for every code */
			if (strcmp(e.field, "message") == 0)
				break;
			continue;
		}
		if (c.json) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "code", json_object_new_string(out.code));
			json_object_object_add(o, "status", json_object_new_string(out.status));
			json_object_array_add(done, o);
		} else {
			fprintf(ctx->out, "rejected %s\n", out.code);
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

const struct cmd_entry cmd_reject_entry = {
	.name = "reject",
	.usage = "CODE... --message M [--note N] [--as EMAIL] [--json]",
	.summary = "decline bookings with a message to the artist (admins)",
	.exec = cmd_reject_exec,
	.flags = 0,
};
