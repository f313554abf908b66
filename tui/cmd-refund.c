/* cmd-refund.c: `redlight refund CODE AMOUNT --reason R [--as EMAIL]
 * [--json]`: an admin gives back part (or all) of what a booking's
 * payments captured (deposit, balance, fees). refund_by_admin
 * (db/functions/payments.sql) checks it under the payments' locks (never
 * more than captured less refunded, refused with the amount named), takes
 * it from the newest captured payment first, and writes one refund row and
 * refund_payment job (which the worker carries to Stripe) per payment it
 * touches, and one audit row. A command as data: cmd_refund_parse turns argv
 * into struct cmd_refund, cmd_refund_run does it; the console's booking
 * screen can fill the struct from a form and call run. */
#include <ctype.h>
#include <json-c/json.h>
#include <string.h>

#include "db/payment.h"
#include "tui/cmd.h"
#include "tui/fmt.h"

/* The most one refund can name: $10,000,000.00. */
#define CMD_REFUND_MAX_CENTS 1000000000LL

int
cmd_refund_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_refund *out)
{
	const char *json_flag = NULL;
	const struct cmd_opt opts[] = {
		{ "reason", 1, &out->reason },
		{ "as", 1, &out->as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[2];
	int nrest, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 2, &nrest)) != 0)
		return rc;
	if (nrest != 2)
		return cmd_usage_error(ctx, "name the booking by its code and the amount to refund");
	if (out->reason == NULL)
		return cmd_field_error(ctx, "reason", "a refund needs a reason: --reason TEXT");
	out->code = rest[0];
	out->amount = rest[1];
	out->json = json_flag != NULL;
	return 0;
}

/* cmd_refund_cents: an amount as typed ("25", "25.5", "$25.50") into
 * cents; ERR_INVALID field "amount" for anything else. */
static int
cmd_refund_cents(const char *s, int64_t *out, struct err *e)
{
	const char *p = s;
	int64_t v = 0;
	int digits = 0, frac = -1;

	if (*p == '$')
		p++;
	for (; *p != '\0'; p++) {
		if (*p == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (!isdigit((unsigned char)*p) || frac >= 2 || v > CMD_REFUND_MAX_CENTS)
			goto bad;
		v = v * 10 + (*p - '0');
		digits++;
		if (frac >= 0)
			frac++;
	}
	if (digits == 0 || frac == 0)
		goto bad;
	for (int i = frac < 0 ? 0 : frac; i < 2; i++)
		v *= 10;
	if (v > CMD_REFUND_MAX_CENTS)
		return err_set(e, ERR_INVALID, "amount", "'%.40s' is more than any booking costs", s);
	*out = v;
	return 0;
bad:
	return err_set(e, ERR_INVALID, "amount", "'%.40s' is not an amount: use dollars and cents "
	    "(25, 25.5 or 25.50)", s);
}

int
cmd_refund_ready(struct cmd_ctx *ctx, struct err *e)
{
	int rc;

	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	if (!conf_payments_on(&ctx->conf))
		return err_set(e, ERR_CONFIG, NULL, "payments are not configured (no stripe_secret_key "
		    "in redlight.conf), so nothing can be refunded");
	return 0;
}

int
cmd_refund_run(struct cmd_ctx *ctx, const struct cmd_refund *c, struct db_refunds *out,
    struct err *e)
{
	int64_t cents = 0;
	int rc;

	if ((rc = cmd_refund_ready(ctx, e)) != 0)
		return rc;
	if ((rc = cmd_refund_cents(c->amount, &cents, e)) != 0)
		return rc;
	return db_refund_by_admin(ctx->db, &ctx->actor, c->code, cents, c->reason, out, e);
}

static int
cmd_refund_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct db_refunds r;
	struct cmd_refund c;
	struct err e;
	char money[24];
	int64_t cents;
	int rc;

	if ((rc = cmd_refund_parse(ctx, argc, argv, &c)) != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, c.as)) != 0)
		return rc;
	err_clear(&e);
	/* an amount that is not one is a usage error; one that is more than
	 * is refundable is the refund's refusal (run's ERR_INVALID) */
	if (cmd_refund_cents(c.amount, &cents, &e) != 0)
		return cmd_field_error(ctx, "amount", "%s", e.msg);
	if (cmd_refund_run(ctx, &c, &r, &e) != 0)
		return cmd_fail_about(ctx, c.code, &e, NULL);
	if (c.json) {
		struct json_object *o = json_object_new_object(), *a = json_object_new_array();

		for (size_t i = 0; i < r.n; i++) {
			struct json_object *j = json_object_new_object();

			json_object_object_add(j, "id", json_object_new_string(r.v[i].id));
			json_object_object_add(j, "booking_id", json_object_new_string(r.v[i].booking_id));
			json_object_object_add(j, "payment_id", json_object_new_string(r.v[i].payment_id));
			json_object_object_add(j, "purpose", json_object_new_string(r.purpose[i]));
			json_object_object_add(j, "stripe_payment_intent_id", json_object_new_string(r.v[i].intent_id));
			json_object_object_add(j, "amount_cents", json_object_new_int64(r.v[i].amount_cents));
			json_object_object_add(j, "kind", json_object_new_string(r.v[i].kind));
			json_object_object_add(j, "status", json_object_new_string(r.v[i].status));
			json_object_array_add(a, j);
		}
		json_object_object_add(o, "amount_cents", json_object_new_int64(r.amount_cents));
		json_object_object_add(o, "refunds", a);
		cmd_json_print(ctx, o);
		return 0;
	}
	for (size_t i = 0; i < r.n; i++) {
		fmt_money(r.v[i].amount_cents, money, sizeof(money));
		fprintf(ctx->out, "refund %s of %s on %s (%s): %s\n", r.v[i].id, money, r.v[i].intent_id,
		    r.purpose[i], r.v[i].status);
	}
	if (r.total > r.n)
		fprintf(ctx->out, "and %zu more refunds\n", r.total - r.n);
	fmt_money(r.amount_cents, money, sizeof(money));
	fprintf(ctx->out, "%s refunded in all (the worker asks Stripe; see 'redlight payments')\n", money);
	return 0;
}

const struct cmd_entry cmd_refund_entry = {
	.name = "refund",
	.usage = "CODE AMOUNT --reason R [--as EMAIL] [--json]",
	.summary = "refund part of what a booking's payments captured (admins)",
	.exec = cmd_refund_exec,
	.flags = 0,
};
