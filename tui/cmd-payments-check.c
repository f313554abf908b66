/* cmd-payments-check.c: `redlight payments-check`: every local payment and
 * refund against Stripe's record of it, read through web/stripe-client.c
 * (GETs only: nothing changes at Stripe or here). Each difference is one
 * line; the exit status is 0 when there is none, 1 when there are some,
 * and the configuration error's when payments are not configured. A
 * command as data: cmd_payments_check_run fills a list of differences. */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "db/payment.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "web/stripe-client.h"
#include "web/worker-pay.h"

/* The time one GET at Stripe may take. */
#define CMD_CHECK_TIMEOUT_MS 15000

int
cmd_payments_check_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_payments_check *out)
{
	memset(out, 0, sizeof(*out));
	return cmd_flags_parse(ctx, argc, argv, NULL, NULL, &out->json);
}

/* cmd_check_diff: one difference, "CODE: ..." */
static void __attribute__((format(printf, 3, 4)))
cmd_check_diff(struct cmd_payments_check_result *r, const char *code, const char *fmt, ...)
{
	char line[512];
	int len;
	va_list ap;

	len = snprintf(line, sizeof(line), "%s: ", code);
	va_start(ap, fmt);
	vsnprintf(line + len, sizeof(line) - (size_t)len, fmt, ap);
	va_end(ap);
	r->diffs = realloc(r->diffs, (r->n + 1) * sizeof(*r->diffs));
	if (r->diffs == NULL || (r->diffs[r->n] = strdup(line)) == NULL) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	r->n++;
}

/* cmd_check_money: "local $X, at Stripe $Y" when they differ. */
static void
cmd_check_cents(struct cmd_payments_check_result *r, const char *code, const char *what,
    int64_t here, int64_t there, const char *id)
{
	char a[24], b[24];

	if (here == there)
		return;
	fmt_money(here, a, sizeof(a));
	fmt_money(there, b, sizeof(b));
	cmd_check_diff(r, code, "%s %s here, %s at Stripe (%s)", what, a, b, id);
}

/* cmd_check_get: GET path at Stripe into *obj. 0, 1 when Stripe has no such
 * object (a difference, said by the caller), or an error code. */
static int
cmd_check_get(struct stripe_client *sc, const char *kind, const char *id, struct json_object **obj,
    struct err *e)
{
	char path[256];
	int rc;

	snprintf(path, sizeof(path), "/v1/%s/%s", kind, id);
	rc = stripe_call(sc, "GET", path, NULL, NULL, CMD_CHECK_TIMEOUT_MS, obj, NULL, e);
	if (rc == ERR_NOT_FOUND) {
		json_object_put(*obj);
		*obj = NULL;
		return 1;
	}
	return rc;
}

/* cmd_check_payment: row i of DB_PAYMENTS_CHECK_SQL against its intent and
 * charge. */
static int
cmd_check_payment(struct stripe_client *sc, const PGresult *res, int i,
    struct cmd_payments_check_result *r, struct err *e)
{
	const char *code = PQgetvalue(res, i, 1), *intent = PQgetvalue(res, i, 2);
	const char *status = PQgetvalue(res, i, 3);
	int64_t authorized = strtoll(PQgetvalue(res, i, 4), NULL, 10);
	int64_t captured = strtoll(PQgetvalue(res, i, 5), NULL, 10);
	int64_t refunded = strtoll(PQgetvalue(res, i, 6), NULL, 10);
	struct json_object *pi = NULL, *ch = NULL;
	struct db_pay_intent st;
	int rc;

	if ((rc = cmd_check_get(sc, "payment_intents", intent, &pi, e)) != 0) {
		if (rc == 1)
			cmd_check_diff(r, code, "PaymentIntent %s is not at Stripe", intent);
		return rc == 1 ? 0 : rc;
	}
	worker_pay_intent_read(pi, &st);
	if (strcmp(st.status, status) != 0)
		cmd_check_diff(r, code, "status %s here, %s at Stripe (%s)", status, st.status, intent);
	/* Stripe forgets what a canceled intent had authorized; we keep it */
	if (strcmp(st.status, "requires_capture") == 0 || strcmp(st.status, "succeeded") == 0)
		cmd_check_cents(r, code, "authorized", authorized, st.authorized_cents, intent);
	cmd_check_cents(r, code, "captured", captured, st.captured_cents, intent);
	if (st.charge_id[0] != '\0' && (rc = cmd_check_get(sc, "charges", st.charge_id, &ch, e)) < 0) {
		json_object_put(pi);
		return rc;
	}
	/* what was given back after a capture: the charge's refunds, less
	 * the uncaptured part a smaller capture (or a cancel) released */
	int64_t there = 0;
	if (ch != NULL && json_object_get_boolean(json_object_object_get(ch, "captured")))
		there = stripe_json_int(ch, "amount_refunded") -
		    (stripe_json_int(ch, "amount") - stripe_json_int(ch, "amount_captured"));
	cmd_check_cents(r, code, "refunded", refunded, there, st.charge_id[0] ? st.charge_id : intent);
	json_object_put(ch);
	json_object_put(pi);
	return 0;
}

/* cmd_check_refund: row i of DB_REFUNDS_CHECK_SQL against Stripe's refund. */
static int
cmd_check_refund(struct stripe_client *sc, const PGresult *res, int i,
    struct cmd_payments_check_result *r, struct err *e)
{
	const char *id = PQgetvalue(res, i, 0), *code = PQgetvalue(res, i, 1);
	const char *sid = PQgetvalue(res, i, 2), *status = PQgetvalue(res, i, 4);
	int64_t amount = strtoll(PQgetvalue(res, i, 3), NULL, 10);
	struct json_object *re = NULL;
	char money[24];
	int rc;

	if (sid[0] == '\0') {
		/* a failed or canceled refund that never reached Stripe agrees */
		if (strcmp(status, "pending") == 0 || strcmp(status, "succeeded") == 0) {
			fmt_money(amount, money, sizeof(money));
			cmd_check_diff(r, code, "refund %s of %s is %s here, not made at Stripe", id, money,
			    status);
		}
		return 0;
	}
	if ((rc = cmd_check_get(sc, "refunds", sid, &re, e)) != 0) {
		if (rc == 1)
			cmd_check_diff(r, code, "refund %s is not at Stripe", sid);
		return rc == 1 ? 0 : rc;
	}
	if (strcmp(stripe_json_str(re, "status"), status) != 0)
		cmd_check_diff(r, code, "refund %s is %s here, %s at Stripe", sid, status,
		    stripe_json_str(re, "status"));
	cmd_check_cents(r, code, "refund of", amount, stripe_json_int(re, "amount"), sid);
	json_object_put(re);
	return 0;
}

/* cmd_check_rows: sql's rows, each through check. */
static int
cmd_check_rows(struct cmd_ctx *ctx, struct stripe_client *sc, const char *sql,
    int (*check)(struct stripe_client *, const PGresult *, int, struct cmd_payments_check_result *,
	struct err *), struct cmd_payments_check_result *r, size_t *count, struct err *e)
{
	PGresult *res;
	int rc = 0;

	if ((rc = db_exec(ctx->db, sql, 0, NULL, &res, e)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(res) && rc == 0; i++)
		rc = check(sc, res, i, r, e);
	*count = (size_t)PQntuples(res);
	PQclear(res);
	return rc;
}

int
cmd_payments_check_run(struct cmd_ctx *ctx, const struct cmd_payments_check *c,
    struct cmd_payments_check_result *out, struct err *e)
{
	struct stripe_client *sc;
	int rc;

	(void)c;
	memset(out, 0, sizeof(*out));
	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	if ((sc = stripe_client_from_conf(&ctx->conf)) == NULL)
		return err_set(e, ERR_CONFIG, NULL, "payments are not configured (no stripe_secret_key "
		    "in redlight.conf): there is nothing to check against");
	rc = cmd_check_rows(ctx, sc, DB_PAYMENTS_CHECK_SQL, cmd_check_payment, out, &out->payments, e);
	if (rc == 0)
		rc = cmd_check_rows(ctx, sc, DB_REFUNDS_CHECK_SQL, cmd_check_refund, out, &out->refunds, e);
	stripe_client_free(sc);
	return rc;
}

void
cmd_payments_check_free(struct cmd_payments_check_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->diffs[i]);
	free(r->diffs);
	memset(r, 0, sizeof(*r));
}

static int
cmd_payments_check_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_payments_check c;
	struct cmd_payments_check_result r;
	struct err e;
	int rc;

	if ((rc = cmd_payments_check_parse(ctx, argc, argv, &c)) != 0 || (rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (cmd_payments_check_run(ctx, &c, &r, &e) != 0) {
		cmd_payments_check_free(&r);
		return cmd_fail(ctx, &e);
	}
	if (c.json) {
		struct json_object *o = json_object_new_object(), *d = json_object_new_array();

		for (size_t i = 0; i < r.n; i++)
			json_object_array_add(d, json_object_new_string(r.diffs[i]));
		json_object_object_add(o, "payments", json_object_new_int64((int64_t)r.payments));
		json_object_object_add(o, "refunds", json_object_new_int64((int64_t)r.refunds));
		json_object_object_add(o, "differences", d);
		cmd_json_print(ctx, o);
	} else {
		for (size_t i = 0; i < r.n; i++)
			fprintf(ctx->out, "%s\n", r.diffs[i]);
		fprintf(ctx->out, "%zu payments and %zu refunds checked against Stripe: ", r.payments,
		    r.refunds);
		if (r.n == 0)
			fputs("no difference\n", ctx->out);
		else
			fprintf(ctx->out, "%zu difference%s\n", r.n, r.n == 1 ? "" : "s");
	}
	rc = r.n == 0 ? 0 : 1;
	cmd_payments_check_free(&r);
	return rc;
}

const struct cmd_entry cmd_payments_check_entry = {
	.name = "payments-check",
	.usage = "[--json]",
	.summary = "compare the payments and refunds with Stripe's",
	.exec = cmd_payments_check_exec,
	.flags = 0,
};
