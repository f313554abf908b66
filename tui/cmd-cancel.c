/* cmd-cancel.c: `redlight cancel CODE --reason R [--dry-run]`: cancel a
 * live booking under the policy it was booked with (stored with its
 * quote), saying first what the policy refunds; --dry-run says it and changes nothing. */
#include <json-c/json.h>
#include <time.h>

#include "db/admin.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/model.h"

static void
cmd_cancel_say(struct cmd_ctx *ctx, const struct model_studio *st, const struct db_admin_cancel *c)
{
	char span[96], paid[24], back[24], held[24];

	fmt_span(st->tz, c->booking.start, c->booking.end, span, sizeof(span));
	fmt_money(c->booking.paid_cents, paid, sizeof(paid));
	fmt_money(c->policy.refund_cents, back, sizeof(back));
	fprintf(ctx->out, "%s (%s, %s, %s)\n", c->booking.code, c->booking.status,
	    c->booking.room_name, span);
	fprintf(ctx->out, "policy: canceling now refunds %d%% of the %s paid: %s back\n",
	    c->policy.refund_percent, paid, back);
	if (c->booking.authorized_cents > 0) {
		fmt_money(c->booking.authorized_cents, held, sizeof(held));
		fprintf(ctx->out, "the %s authorised on a card and not captured is released\n", held);
	}
}

static int
cmd_cancel_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL, *reason = NULL, *dry = NULL, *as = NULL;
	const struct cmd_opt opts[] = {
		{ "reason", 1, &reason },
		{ "dry-run", 0, &dry },
		{ "as", 1, &as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	struct model_studio st;
	struct db_admin_cancel c;
	struct err e;
	char *rest[1];
	int nrest, rc;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 1, &nrest)) != 0)
		return rc;
	if (nrest != 1)
		return cmd_usage_error(ctx, "name the booking by its code");
	if (reason == NULL && dry == NULL)
		return cmd_field_error(ctx, "reason", "a cancellation needs --reason TEXT");
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (model_studio_load(ctx->db, &st, &e) != 0)
		return cmd_fail(ctx, &e);
	if (dry != NULL)
		rc = db_admin_cancel_preview(ctx->db, rest[0], (int64_t)time(NULL), &c, &e);
	else if ((rc = cmd_actor(ctx, as)) != 0) {
		model_studio_free(&st);
		return rc;
	} else
		rc = db_admin_cancel(ctx->db, &ctx->actor, rest[0], reason, (int64_t)time(NULL), &c, &e);
	if (rc != 0) {
		model_studio_free(&st);
		return cmd_fail_about(ctx, rest[0], &e, NULL);
	}
	if (json_flag != NULL) {
		struct json_object *o = json_object_new_object(), *b = json_object_new_object(),
		    *p = json_object_new_object();
		json_object_object_add(b, "code", json_object_new_string(c.booking.code));
		json_object_object_add(b, "status", json_object_new_string(dry ? c.booking.status : "canceled"));
		json_object_object_add(p, "refund_percent", json_object_new_int(c.policy.refund_percent));
		json_object_object_add(p, "refund_cents", json_object_new_int64(c.policy.refund_cents));
		json_object_object_add(p, "paid_cents", json_object_new_int64(c.booking.paid_cents));
		json_object_object_add(p, "authorized_cents", json_object_new_int64(c.booking.authorized_cents));
		json_object_object_add(p, "summary", json_object_new_string(c.policy.summary));
		json_object_object_add(o, "booking", b);
		json_object_object_add(o, "policy", p);
		json_object_object_add(o, "dry_run", json_object_new_boolean(dry != NULL));
		cmd_json_print(ctx, o);
	} else {
		cmd_cancel_say(ctx, &st, &c);
		if (dry != NULL)
			fputs("dry run: nothing was changed\n", ctx->out);
		else
			fprintf(ctx->out, "canceled %s\n", c.booking.code);
	}
	model_studio_free(&st);
	return 0;
}

const struct cmd_entry cmd_cancel_entry = {
	.name = "cancel",
	.usage = "CODE --reason R [--dry-run] [--as EMAIL] [--json]",
	.summary = "cancel under the refund policy (--dry-run: only say)",
	.exec = cmd_cancel_exec,
	.flags = 0,
};
