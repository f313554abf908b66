/* cmd-payments.c: `redlight payments [--attention] [--json]`: each
 * payment (a booking's due-now one, its balance, its reschedule fees:
 * authorized, captured, refunded and owed amounts with the Stripe ids),
 * newest first; --attention keeps those staff must look at (a flag, a
 * failed charge, an authorization within 24 hours of capture_before, a
 * balance or fee not charged, a refund pending or failed). One read,
 * DB_PAYMENTS_JSON_SQL (db/payment.h), whose rows are payment_row_json's;
 * the console's Payments screen calls the same run step. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/payment.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/model.h"
#include "tui/text.h"

#define CMD_PAYMENTS_COLS 11
/* An authorization this close to capture_before needs staff. */
#define CMD_PAYMENTS_LAPSE_S (24 * 3600)

int
cmd_payments_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_payments *out)
{
	memset(out, 0, sizeof(*out));
	return cmd_flags_parse(ctx, argc, argv, "attention", &out->attention, &out->json);
}

int
cmd_payments_run(struct cmd_ctx *ctx, const struct cmd_payments *c, char **json, struct err *e)
{
	const char *params[1] = { c->attention ? "t" : "f" };

	return cmd_read_query(ctx, DB_PAYMENTS_JSON_SQL, 1, params, json, e);
}

const char *
cmd_payments_str(struct json_object *o, const char *name)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v) || json_object_is_type(v, json_type_null))
		return "";
	return json_object_get_string(v);
}

static int64_t
cmd_payments_cents(struct json_object *o, const char *name)
{
	struct json_object *v;

	return json_object_object_get_ex(o, name, &v) ? json_object_get_int64(v) : 0;
}

void
cmd_payments_note(const struct tz *tz, struct json_object *p, int64_t now, char *out, size_t len)
{
	const char *attention = cmd_payments_str(p, "attention");
	const char *status = cmd_payments_str(p, "status");
	struct json_object *refunds;
	int64_t before;
	char when[64];

	out[0] = '\0';
	if (attention[0] != '\0') {
		snprintf(out, len, "%s", attention);
		return;
	}
	if (strcmp(status, "failed") == 0) {
		snprintf(out, len, "failed: %s", cmd_payments_str(p, "last_error"));
		return;
	}
	if (strcmp(status, "requires_capture") == 0 &&
	    tz_parse_rfc3339(cmd_payments_str(p, "capture_before"), &before, NULL) == 0) {
		if (before - now < CMD_PAYMENTS_LAPSE_S) {
			fmt_ago(now, before, when, sizeof(when));
			snprintf(out, len, "authorization lapses %s", when);
		} else {
			fmt_instant(tz, before, when, sizeof(when));
			snprintf(out, len, "capture by %s", when);
		}
		return;
	}
	if (json_object_object_get_ex(p, "refunds", &refunds)) {
		for (size_t i = 0; i < json_object_array_length(refunds); i++) {
			const char *rs = cmd_payments_str(json_object_array_get_idx(refunds, i), "status");
			if (strcmp(rs, "pending") == 0 || strcmp(rs, "failed") == 0) {
				snprintf(out, len, "refund %s", rs);
				return;
			}
		}
	}
}

/* cmd_payments_table: the rows of list (the "payments" array) as a table. */
static void
cmd_payments_table(struct cmd_ctx *ctx, const struct tz *tz, struct json_object *list)
{
	static const char *const heads[CMD_PAYMENTS_COLS] = {
		"CODE", "BOOKING", "FOR", "PAYMENT", "AUTHORIZED", "CAPTURED", "REFUNDED", "OWED",
		"INTENT", "CUSTOMER", "NOTE",
	};
	static const char *const amounts[4] = {
		"authorized_cents", "captured_cents", "refunded_cents", "owed_cents",
	};
	size_t n = json_object_array_length(list);
	const char **cells = calloc(n * CMD_PAYMENTS_COLS, sizeof(*cells));
	char (*bufs)[5][96] = calloc(n, sizeof(*bufs));
	int64_t now = (int64_t)time(NULL);

	if (cells == NULL || bufs == NULL) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(list, i);
		const char **row = cells + i * CMD_PAYMENTS_COLS;

		row[0] = cmd_payments_str(p, "code");
		row[1] = cmd_payments_str(p, "booking_status");
		row[2] = cmd_payments_str(p, "purpose");
		row[3] = cmd_payments_str(p, "status");
		for (int k = 0; k < 4; k++) {
			fmt_money(cmd_payments_cents(p, amounts[k]), bufs[i][k], sizeof(bufs[i][k]));
			row[4 + k] = bufs[i][k];
		}
		row[8] = cmd_payments_str(p, "stripe_payment_intent_id");
		row[9] = cmd_payments_str(p, "stripe_customer_id");
		cmd_payments_note(tz, p, now, bufs[i][4], sizeof(bufs[i][4]));
		row[10] = bufs[i][4];
		for (int k = 8; k < CMD_PAYMENTS_COLS; k++)
			if (row[k][0] == '\0')
				row[k] = "-";
	}
	text_table(ctx->out, CMD_PAYMENTS_COLS, heads, cells, n, 0xfu << 4);
	free(cells);
	free(bufs);
}

static int
cmd_payments_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_payments c;
	struct model_studio st;
	struct json_object *root, *list;
	struct err e;
	char *json;
	int rc;

	if ((rc = cmd_payments_parse(ctx, argc, argv, &c)) != 0 || (rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (cmd_payments_run(ctx, &c, &json, &e) != 0)
		return cmd_fail(ctx, &e);
	if (c.json) {
		fprintf(ctx->out, "%s\n", json);
		free(json);
		return 0;
	}
	root = json_tokener_parse(json);
	free(json);
	if (root == NULL || !json_object_object_get_ex(root, "payments", &list)) {
		json_object_put(root);
		err_set(&e, ERR_INTERNAL, NULL, "the payments read gave no list");
		return cmd_fail(ctx, &e);
	}
	if (json_object_array_length(list) == 0) {
		fprintf(ctx->out, "%s%s\n", c.attention ? "no payment needs attention" : "no payments",
		    conf_payments_on(&ctx->conf) ? "" : " (payments are not configured)");
	} else if ((rc = model_studio_load(ctx->db, &st, &e)) != 0) {
		json_object_put(root);
		return cmd_fail(ctx, &e);
	} else {
		cmd_payments_table(ctx, st.tz, list);
		model_studio_free(&st);
	}
	json_object_put(root);
	return 0;
}

const struct cmd_entry cmd_payments_entry = {
	.name = "payments",
	.usage = "[--attention] [--json]",
	.summary = "each booking's money and its Stripe ids",
	.exec = cmd_payments_exec,
	.flags = 0,
};
