/* cmd-approve.c: `redlight approve CODE... [--note N] [--message M]
 * [--override --reason R]`: confirm bookings awaiting approval. Each code
 * is its own transaction: one that someone else decided first, or that no
 * longer fits, fails alone with its reason while the others go through. */
#include <json-c/json.h>
#include <string.h>
#include <time.h>

#include "db/admin.h"
#include "tui/cmd.h"
#include "tui/model.h"

#define CMD_APPROVE_MAX 64

static int
cmd_approve_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL, *note = NULL, *message = NULL, *override = NULL,
	    *reason = NULL, *as = NULL;
	const struct cmd_opt opts[] = {
		{ "note", 1, &note },
		{ "message", 1, &message },
		{ "override", 0, &override },
		{ "reason", 1, &reason },
		{ "as", 1, &as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *codes[CMD_APPROVE_MAX];
	struct model_studio st;
	struct json_object *done;
	struct err e;
	int n, rc, status = 0;

	if ((rc = cmd_parse(ctx, argc, argv, opts, codes, CMD_APPROVE_MAX, &n)) != 0)
		return rc;
	if (n == 0)
		return cmd_usage_error(ctx, "name at least one booking code");
	if (override != NULL && reason == NULL)
		return cmd_field_error(ctx, "reason", "--override needs --reason TEXT, for the audit log");
	if (reason != NULL && override == NULL)
		return cmd_usage_error(ctx, "--reason goes with --override");
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, as)) != 0)
		return rc;
	err_clear(&e);
	if (model_studio_load(ctx->db, &st, &e) != 0)
		return cmd_fail(ctx, &e);
	done = json_object_new_array();
	for (int i = 0; i < n; i++) {
		struct db_admin_decision d = { note, message, reason };
		struct db_admin_outcome out;

		err_clear(&e);
		rc = db_admin_approve(ctx->db, st.tz, &ctx->actor, codes[i], &d, (int64_t)time(NULL),
		    &out, &e);
		if (rc != 0) {
			int s = cmd_fail_about(ctx, codes[i], &e, strcmp(e.field, DB_ADMIN_OVERRIDE) == 0
			    ? " (an admin may approve it anyway with --override --reason TEXT)" : NULL);
			if (status == 0)
				status = s;
			continue;
		}
		if (json_flag != NULL) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "code", json_object_new_string(out.code));
			json_object_object_add(o, "status", json_object_new_string(out.status));
			json_object_object_add(o, "overridden", out.overridden[0]
			    ? json_object_new_string(out.overridden) : NULL);
			json_object_array_add(done, o);
		} else if (out.overridden[0] != '\0') {
			fprintf(ctx->out, "approved %s, setting the rules aside (%s)\n", out.code,
			    out.overridden);
		} else {
			fprintf(ctx->out, "approved %s%s\n", out.code,
			    reason != NULL ? " (it fits the rules: no override was needed)" : "");
		}
	}
	if (json_flag != NULL) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "bookings", done);
		cmd_json_print(ctx, o);
	} else {
		json_object_put(done);
	}
	model_studio_free(&st);
	return status;
}

const struct cmd_entry cmd_approve_entry = {
	.name = "approve",
	.usage = "CODE... [--note N] [--message M] [--override --reason R] [--as EMAIL] [--json]",
	.summary = "confirm bookings awaiting approval (admins)",
	.exec = cmd_approve_exec,
	.flags = 0,
};
