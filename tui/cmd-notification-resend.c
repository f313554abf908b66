/* cmd-notification-resend.c: `redlight notification-resend ID`: send a
 * failed or skipped message to an artist again (staff; audited), as
 * db_notification_resend does. The parse step reads ID (its first 8 or
 * more characters, as `redlight notifications` shows them); the run step
 * (cmd_notification_resend_run) is what the console's Notifications
 * screen calls with the row under the cursor. */
#include <json-c/json.h>
#include <string.h>

#include "db/notify.h"
#include "tui/cmd.h"

int
cmd_notification_resend_run(struct cmd_ctx *ctx, const char *ref, struct db_notification_resent *out,
    struct err *e)
{
	int rc;

	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	if (!ctx->have_actor)
		return err_set(e, ERR_AUTH, NULL, "sign in first: staff or an admin resends messages");
	return db_notification_resend(ctx->db, &ctx->actor, ref, out, e);
}

static int
cmd_notification_resend_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL, *as = NULL;
	const struct cmd_opt opts[] = {
		{ "as", 1, &as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	struct db_notification_resent r;
	char *rest[1];
	struct err e;
	int nrest, rc;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 1, &nrest)) != 0)
		return rc;
	if (nrest != 1)
		return cmd_usage_error(ctx, "name the message by its id (redlight notifications shows it)");
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, as)) != 0)
		return rc;
	err_clear(&e);
	if (cmd_notification_resend_run(ctx, rest[0], &r, &e) != 0)
		return cmd_fail(ctx, &e);
	if (json_flag != NULL) {
		struct json_object *o = json_object_new_object(), *x = json_object_new_object();
		json_object_object_add(x, "id", json_object_new_string(r.id));
		json_object_object_add(x, "status", json_object_new_string(r.status));
		json_object_object_add(x, "job_id", json_object_new_int64(r.job_id));
		json_object_object_add(o, "notification", x);
		cmd_json_print(ctx, o);
	} else {
		fprintf(ctx->out, "resending message %.8s: %s now (job %lld)\n", r.id, r.status, r.job_id);
	}
	return 0;
}

const struct cmd_entry cmd_notification_resend_entry = {
	.name = "notification-resend",
	.usage = "ID [--as EMAIL] [--json]",
	.summary = "send a failed or skipped message to an artist again",
	.exec = cmd_notification_resend_exec,
	.flags = 0,
};
