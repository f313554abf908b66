/* cmd-notify-test.c: `redlight notify-test email|sms --to ADDRESS`: send
 * a short test message through the configured channel, now, from this
 * process (the studio's way to check a channel; admin work is the
 * console's and the CLI's, not redlightd's): email through smtp_url or
 * into mail_dir, a text through Twilio. The parse step reads the channel and address; the
 * run step (cmd_notify_test_run) sends. It touches no artist's row. */
#include <string.h>

#include "tui/cmd.h"
#include "web/notify.h"

int
cmd_notify_test_run(struct cmd_ctx *ctx, const struct cmd_notify_test *t, char *where, size_t wlen, struct err *e)
{
	struct notify *n = NULL;
	int rc;

	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	if (notify_new(&ctx->conf, &n, e) != 0)
		return e->code;
	if (t->sms)
		rc = notify_test_sms(n, t->to, ctx->conf.worker_timeout_ms, where, wlen, e);
	else
		rc = notify_test_email(n, t->to, ctx->conf.worker_timeout_ms, where, wlen, e);
	notify_free(n);
	return rc;
}

static int
cmd_notify_test_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *to = NULL;
	const struct cmd_opt opts[] = {
		{ "to", 1, &to },
		{ NULL, 0, NULL },
	};
	struct cmd_notify_test t = { 0, NULL };
	char *rest[1], where[1100] = "";
	struct err e;
	int nrest, rc;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 1, &nrest)) != 0)
		return rc;
	if (nrest != 1 || (strcmp(rest[0], "email") != 0 && strcmp(rest[0], "sms") != 0))
		return cmd_usage_error(ctx, "say which channel to test: email or sms");
	if (to == NULL || to[0] == '\0')
		return cmd_field_error(ctx, "to", "give --to ADDRESS: an email address, or a phone number for sms");
	t.sms = strcmp(rest[0], "sms") == 0;
	t.to = to;
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (cmd_notify_test_run(ctx, &t, where, sizeof(where), &e) != 0)
		return cmd_fail(ctx, &e);
	if (t.sms)
		fprintf(ctx->out, "sent a test text to %s (Twilio message %s)\n", to, where);
	else
		fprintf(ctx->out, "sent a test email to %s (%s)\n", to, where);
	return 0;
}

const struct cmd_entry cmd_notify_test_entry = {
	.name = "notify-test",
	.usage = "email|sms --to ADDRESS",
	.summary = "send a test email or text through the configured channel",
	.exec = cmd_notify_test_exec,
	.flags = 0,
};
