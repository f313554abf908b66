/* cmd-reject.c: `redlight reject CODE... --message M [--note N]`: decline
 * bookings awaiting approval, telling the artist why. Each code is its own
 * transaction, as for approve. */
#include <json-c/json.h>
#include <string.h>

#include "db/admin.h"
#include "tui/cmd.h"

#define CMD_REJECT_MAX 64

static int
cmd_reject_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL, *note = NULL, *message = NULL, *as = NULL;
	const struct cmd_opt opts[] = {
		{ "message", 1, &message },
		{ "note", 1, &note },
		{ "as", 1, &as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *codes[CMD_REJECT_MAX];
	struct json_object *done;
	struct err e;
	int n, rc, status = 0;

	if ((rc = cmd_parse(ctx, argc, argv, opts, codes, CMD_REJECT_MAX, &n)) != 0)
		return rc;
	if (n == 0)
		return cmd_usage_error(ctx, "name at least one booking code");
	if (message == NULL)
		return cmd_field_error(ctx, "message", "a rejection needs --message TEXT, the message "
		    "to the artist");
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, as)) != 0)
		return rc;
	done = json_object_new_array();
	for (int i = 0; i < n; i++) {
		struct db_admin_decision d = { note, message, NULL };
		struct db_admin_outcome out;

		err_clear(&e);
		rc = db_admin_reject(ctx->db, &ctx->actor, codes[i], &d, &out, &e);
		if (rc != 0) {
			int s = cmd_fail_about(ctx, codes[i], &e, NULL);
			if (status == 0)
				status = s;
			/* a missing message is the same for every code */
			if (strcmp(e.field, "message") == 0)
				break;
			continue;
		}
		if (json_flag != NULL) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "code", json_object_new_string(out.code));
			json_object_object_add(o, "status", json_object_new_string(out.status));
			json_object_array_add(done, o);
		} else {
			fprintf(ctx->out, "rejected %s\n", out.code);
		}
	}
	if (json_flag != NULL) {
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
