/* cmd-cancel.c: `redlight cancel CODE --reason R [--dry-run]`: cancel a
 * live booking under the policy it was booked with (stored with its
 * quote), saying first what the policy refunds; --dry-run says it and
 * changes nothing. A command as data: cmd_cancel_parse, cmd_cancel_run. */
#include <json-c/json.h>
#include <string.h>
#include <time.h>

#include "db/admin.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/model.h"

int
cmd_cancel_lines(const struct cmd_cancel_result *r, char lines[3][CMD_LINE])
{
	const struct db_cancel_result *c = &r->c;
	char paid[24], back[24], held[24];
	int n = 0;

	fmt_money(c->booking.paid_cents, paid, sizeof(paid));
	fmt_money(c->policy.refund_cents, back, sizeof(back));
	snprintf(lines[n++], CMD_LINE, "%s (%s, %s, %s)", c->booking.code, c->booking.status,
	    c->booking.room_name, r->span);
	snprintf(lines[n++], CMD_LINE, "policy: canceling now refunds %d%% of the %s paid: %s back",
	    c->policy.refund_percent, paid, back);
	if (c->booking.authorized_cents > 0) {
		fmt_money(c->booking.authorized_cents, held, sizeof(held));
		snprintf(lines[n++], CMD_LINE, "the %s authorised on a card and not captured is released",
		    held);
	}
	return n;
}

int
cmd_cancel_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_cancel *out)
{
	const char *json_flag = NULL, *dry = NULL;
	const struct cmd_opt opts[] = {
		{ "reason", 1, &out->reason },
		{ "dry-run", 0, &dry },
		{ "as", 1, &out->as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[1];
	int nrest, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 1, &nrest)) != 0)
		return rc;
	if (nrest != 1)
		return cmd_usage_error(ctx, "name the booking by its code");
	if (out->reason == NULL && dry == NULL)
		return cmd_field_error(ctx, "reason", "a cancellation needs --reason TEXT");
	out->code = rest[0];
	out->dry_run = dry != NULL;
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_cancel_run(struct cmd_ctx *ctx, const struct cmd_cancel *c, struct cmd_cancel_result *out,
    struct err *e)
{
	struct model_studio st;
	int rc;

	memset(out, 0, sizeof(*out));
	out->dry_run = c->dry_run;
	if ((rc = cmd_open_db(ctx, e)) != 0 || (rc = model_studio_load(ctx->db, &st, e)) != 0)
		return rc;
	const struct db_cancel_req in = {
		.code = c->code, .actor_id = c->dry_run ? NULL : ctx->actor.id,
		.kind = c->dry_run ? DB_ACTOR_SYSTEM : db_actor_kind_of(&ctx->actor),
		.reason = c->reason, .dry_run = c->dry_run,
	};
	rc = db_booking_cancel(ctx->db, &in, (int64_t)time(NULL), &out->c, e);
	if (rc == 0)
		fmt_span(st.tz, out->c.booking.start, out->c.booking.end, out->span, sizeof(out->span));
	model_studio_free(&st);
	return rc;
}

static int
cmd_cancel_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_cancel_result r;
	struct cmd_cancel c;
	struct err e;
	int rc;

	if ((rc = cmd_cancel_parse(ctx, argc, argv, &c)) != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0 || (!c.dry_run && (rc = cmd_actor(ctx, c.as)) != 0))
		return rc;
	err_clear(&e);
	if (cmd_cancel_run(ctx, &c, &r, &e) != 0)
		return cmd_fail_about(ctx, c.code, &e, NULL);
	if (c.json) {
		const struct db_cancel_result *x = &r.c;
		struct json_object *o = json_object_new_object(), *b = json_object_new_object(),
		    *p = json_object_new_object();
		json_object_object_add(b, "code", json_object_new_string(x->booking.code));
		json_object_object_add(b, "status", json_object_new_string(c.dry_run ?
		    x->booking.status : "canceled"));
		json_object_object_add(p, "refund_percent", json_object_new_int(x->policy.refund_percent));
		json_object_object_add(p, "refund_cents", json_object_new_int64(x->policy.refund_cents));
		json_object_object_add(p, "paid_cents", json_object_new_int64(x->booking.paid_cents));
		json_object_object_add(p, "authorized_cents",
		    json_object_new_int64(x->booking.authorized_cents));
		json_object_object_add(p, "summary", json_object_new_string(x->policy.summary));
		json_object_object_add(o, "booking", b);
		json_object_object_add(o, "policy", p);
		json_object_object_add(o, "dry_run", json_object_new_boolean(c.dry_run));
		cmd_json_print(ctx, o);
	} else {
		char lines[3][CMD_LINE];
		int n = cmd_cancel_lines(&r, lines);

		for (int i = 0; i < n; i++)
			fprintf(ctx->out, "%s\n", lines[i]);
		if (c.dry_run)
			fputs("dry run: nothing was changed\n", ctx->out);
		else
			fprintf(ctx->out, "canceled %s\n", r.c.booking.code);
	}
	return 0;
}

const struct cmd_entry cmd_cancel_entry = {
	.name = "cancel",
	.usage = "CODE --reason R [--dry-run] [--as EMAIL] [--json]",
	.summary = "cancel under the refund policy (--dry-run: only say)",
	.exec = cmd_cancel_exec,
	.flags = 0,
};
