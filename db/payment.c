#include "db/payment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/payment.h"
#include "db/booking.h"

#define DB_PAY_UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* db_pay_cell_row: row's column i into out (len bytes); "" for NULL. */
static void
db_pay_cell_row(const PGresult *res, int row, int i, char *out, size_t len)
{
	snprintf(out, len, "%s", PQgetisnull(res, row, i) ? "" : PQgetvalue(res, row, i));
}

/* db_pay_cell: row 0's column i. */
static void
db_pay_cell(const PGresult *res, int i, char *out, size_t len)
{
	db_pay_cell_row(res, 0, i, out, len);
}

static int64_t
db_pay_i64(const PGresult *res, int i)
{
	return PQgetisnull(res, 0, i) ? 0 : strtoll(PQgetvalue(res, 0, i), NULL, 10);
}

/* db_pay_run: one statement that changes rows; no result kept. */
static int
db_pay_run(struct db *db, const char *sql, int n, const char *const *params, struct err *e)
{
	return db_exec(db, sql, n, params, NULL, e);
}

int
db_pay_lock(struct db *db, const char *booking_id, int *got, struct err *e)
{
	const char *params[1] = { booking_id };
	PGresult *res;
	int rc;

	*got = 0;
	rc = db_exec(db, "SELECT pg_try_advisory_lock(hashtext('payment ' || $1))", 1, params, &res, e);
	if (rc != 0)
		return rc;
	*got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

void
db_pay_unlock(struct db *db, const char *booking_id)
{
	const char *params[1] = { booking_id };

	db_exec(db, "SELECT pg_advisory_unlock(hashtext('payment ' || $1))", 1, params, NULL, NULL);
}

int
db_pay_load(struct db *db, const char *booking_id, struct db_pay *out, struct err *e)
{
	const char *params[1] = { booking_id };
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_exec(db, "SELECT b.id, b.code, b.status, b.approved_at IS NOT NULL,"
	    " b.approved_by IS NULL AND b.approved_at = b.created_at, q.booking_id IS NOT NULL,"
	    " q.total_cents, q.deposit_percent, q.deposit_cents, lower(coalesce(q.currency, 'cad')),"
	    " coalesce(u.email, ''), coalesce(u.name, ''), coalesce(booking_cancel_percent(b.id), -1),"
	    " p.id, p.status, p.stripe_payment_intent_id, p.stripe_customer_id, p.amount_cents,"
	    " p.captured_cents, CASE WHEN p.id IS NULL THEN 0 ELSE payment_refunded_cents(p.id) END,"
	    " coalesce(p.stripe_payment_method_id, ''), coalesce(p.attempts, 0)"
	    " FROM booking b LEFT JOIN booking_quote q ON q.booking_id = b.id"
	    " LEFT JOIN app_user u ON u.id = b.user_id"
	    " LEFT JOIN payment p ON p.booking_id = b.id AND p.purpose = 'due_now'"
	    " WHERE b.id = $1::uuid", 1, params, &res, e);
	if (rc != 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return err_set(e, ERR_NOT_FOUND, "booking_id", "no booking %s", booking_id);
	}
	db_pay_cell(res, 0, out->booking_id, sizeof(out->booking_id));
	db_pay_cell(res, 1, out->code, sizeof(out->code));
	db_pay_cell(res, 2, out->status, sizeof(out->status));
	out->was_confirmed = strcmp(PQgetvalue(res, 0, 3), "t") == 0;
	out->auto_confirmed = strcmp(PQgetvalue(res, 0, 4), "t") == 0;
	out->has_quote = strcmp(PQgetvalue(res, 0, 5), "t") == 0;
	out->due_cents = payment_due_now(db_pay_i64(res, 6), (int)db_pay_i64(res, 7), db_pay_i64(res, 8));
	db_pay_cell(res, 9, out->currency, sizeof(out->currency));
	db_pay_cell(res, 10, out->email, sizeof(out->email));
	db_pay_cell(res, 11, out->name, sizeof(out->name));
	out->cancel_percent = (int)db_pay_i64(res, 12);
	db_pay_cell(res, 13, out->payment_id, sizeof(out->payment_id));
	db_pay_cell(res, 14, out->pay_status, sizeof(out->pay_status));
	db_pay_cell(res, 15, out->intent_id, sizeof(out->intent_id));
	db_pay_cell(res, 16, out->customer_id, sizeof(out->customer_id));
	out->amount_cents = db_pay_i64(res, 17);
	out->captured_cents = db_pay_i64(res, 18);
	out->refunded_cents = db_pay_i64(res, 19);
	db_pay_cell(res, 20, out->pm_id, sizeof(out->pm_id));
	out->attempts = (int)db_pay_i64(res, 21);
	PQclear(res);
	return 0;
}

int
db_pay_ensure(struct db *db, struct db_pay *p, struct err *e)
{
	char amount[24];
	const char *params[3] = { p->booking_id, amount, p->currency };
	PGresult *res;
	int rc;

	if (p->payment_id[0] != '\0')
		return 0;
	snprintf(amount, sizeof(amount), "%lld", (long long)p->due_cents);
	rc = db_exec(db, "WITH n AS (INSERT INTO payment (booking_id, amount_cents, currency, capture_method, status)"
	    " VALUES ($1::uuid, $2::int, upper($3), 'manual', 'pending')"
	    " ON CONFLICT (booking_id, purpose) WHERE purpose <> 'fee' DO NOTHING RETURNING id)"
	    " SELECT id FROM n UNION ALL"
	    " SELECT id FROM payment WHERE booking_id = $1::uuid AND purpose = 'due_now' LIMIT 1",
	    3, params, &res, e);
	if (rc != 0)
		return rc;
	db_pay_cell(res, 0, p->payment_id, sizeof(p->payment_id));
	snprintf(p->pay_status, sizeof(p->pay_status), "pending");
	p->amount_cents = p->due_cents;
	PQclear(res);
	return 0;
}

int
db_pay_set_customer(struct db *db, const char *payment_id, const char *customer, struct err *e)
{
	const char *params[2] = { payment_id, customer };

	return db_pay_run(db, "UPDATE payment SET stripe_customer_id = $2, updated_at = now()"
	    " WHERE id = $1::uuid", 2, params, e);
}

int
db_pay_set_intent(struct db *db, const char *payment_id, const struct db_pay_intent *pi,
    struct err *e)
{
	char auth[24], cap[24], before[24], tried[4];
	const char *params[10] = { payment_id, pi->id, pi->status, pi->client_secret, auth, cap,
		before, pi->charge_id, pi->payment_method, tried };

	snprintf(auth, sizeof(auth), "%lld", (long long)pi->authorized_cents);
	snprintf(cap, sizeof(cap), "%lld", (long long)pi->captured_cents);
	snprintf(before, sizeof(before), "%lld", (long long)pi->capture_before);
	snprintf(tried, sizeof(tried), "%d", pi->tried ? 1 : 0);
	/* the notice wakes the requests waiting for the intent (web/paywait.h) */
	return db_pay_run(db, "WITH u AS (UPDATE payment SET stripe_payment_intent_id = $2, status = $3,"
	    " client_secret = coalesce(nullif($4, ''), client_secret),"
	    " authorized_cents = greatest(authorized_cents, $5::bigint), captured_cents = $6::bigint,"
	    " capture_before = CASE WHEN $7::bigint > 0 THEN to_timestamp($7::bigint) ELSE capture_before END,"
	    " stripe_charge_id = coalesce(nullif($8, ''), stripe_charge_id),"
	    " stripe_payment_method_id = coalesce(nullif($9, ''), stripe_payment_method_id),"
	    " attempts = attempts + $10::int,"
	    " captured_at = CASE WHEN $3 = 'succeeded' THEN coalesce(captured_at, now()) END,"
	    " capture_method = CASE WHEN capture_method = 'automatic' THEN 'automatic' ELSE capture_method END,"
	    " attention = CASE WHEN $3 IN ('requires_capture','succeeded') THEN NULL ELSE attention END,"
	    " updated_at = now() WHERE id = $1::uuid RETURNING booking_id, purpose)"
	    " SELECT payment_notify(u.booking_id) FROM u WHERE u.purpose = 'due_now'", 10, params, e);
}

int
db_pay_set_attention(struct db *db, const char *payment_id, const char *attention,
    const char *last_error, struct err *e)
{
	const char *params[3] = { payment_id, attention, last_error };

	return db_pay_run(db, "UPDATE payment SET attention = $2, last_error = $3, updated_at = now()"
	    " WHERE id = $1::uuid", 3, params, e);
}

#define DB_PAY_ROW_COLS \
    "p.id, p.booking_id, p.purpose, p.status, coalesce(p.stripe_payment_intent_id, ''), p.seq," \
    " p.attempts, p.amount_cents, p.captured_cents, payment_refunded_cents(p.id)"

static void
db_pay_row_fill(const PGresult *res, int row, struct db_pay_row *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", PQgetvalue(res, row, 0));
	snprintf(out->booking_id, sizeof(out->booking_id), "%s", PQgetvalue(res, row, 1));
	snprintf(out->purpose, sizeof(out->purpose), "%s", PQgetvalue(res, row, 2));
	snprintf(out->status, sizeof(out->status), "%s", PQgetvalue(res, row, 3));
	snprintf(out->intent_id, sizeof(out->intent_id), "%s", PQgetvalue(res, row, 4));
	out->seq = atoi(PQgetvalue(res, row, 5));
	out->attempts = atoi(PQgetvalue(res, row, 6));
	out->amount_cents = strtoll(PQgetvalue(res, row, 7), NULL, 10);
	out->captured_cents = strtoll(PQgetvalue(res, row, 8), NULL, 10);
	out->refunded_cents = strtoll(PQgetvalue(res, row, 9), NULL, 10);
}

int
db_pay_row_load(struct db *db, const char *id, struct db_pay_row *out, struct err *e)
{
	const char *params[1] = { id };
	PGresult *res;
	int rc;

	if ((rc = db_exec(db, "SELECT " DB_PAY_ROW_COLS " FROM payment p WHERE p.id = $1::uuid",
	    1, params, &res, e)) != 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return err_set(e, ERR_NOT_FOUND, "payment_id", "no payment %s", id);
	}
	db_pay_row_fill(res, 0, out);
	PQclear(res);
	return 0;
}

int
db_pay_rows(struct db *db, const char *booking_id, struct db_pay_row *v, size_t max, size_t *n,
    struct err *e)
{
	const char *params[1] = { booking_id };
	PGresult *res;
	int rc;

	*n = 0;
	if ((rc = db_exec(db, "SELECT " DB_PAY_ROW_COLS " FROM payment p WHERE p.booking_id = $1::uuid"
	    " AND p.purpose <> 'due_now' ORDER BY p.created_at, p.seq", 1, params, &res, e)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(res) && *n < max; i++)
		db_pay_row_fill(res, i, &v[(*n)++]);
	PQclear(res);
	return 0;
}

int
db_pay_tried(struct db *db, const char *id, const char *status, struct err *e)
{
	const char *params[2] = { id, status };

	return db_pay_run(db, "UPDATE payment SET attempts = attempts + 1, status = coalesce($2, status),"
	    " updated_at = now() WHERE id = $1::uuid", 2, params, e);
}

int
db_pay_flag(struct db *db, const char *id, const char *attention, const char *error, struct err *e)
{
	const char *params[3] = { id, attention, error };

	return db_exec(db, "SELECT payment_flag($1::uuid, $2, $3)", 3, params, NULL, e);
}

int
db_pay_unflag(struct db *db, const char *id, struct err *e)
{
	const char *params[1] = { id };

	return db_pay_run(db, "UPDATE payment SET attention = NULL, updated_at = now()"
	    " WHERE id = $1::uuid AND attention IS NOT NULL", 1, params, e);
}

int
db_pay_set_status(struct db *db, const char *id, const char *status, struct err *e)
{
	const char *params[2] = { id, status };

	/* a row that will never be charged asks nothing more of staff */
	return db_pay_run(db, "UPDATE payment SET status = $2,"
	    " attention = CASE WHEN $2 = 'canceled' THEN NULL ELSE attention END,"
	    " updated_at = now() WHERE id = $1::uuid", 2, params, e);
}

int
db_pay_sweep(struct db *db, int limit, int *balances, int *checks, struct err *e)
{
	char lim[16];
	const char *params[1] = { lim };
	PGresult *res;
	int rc;

	*balances = *checks = 0;
	snprintf(lim, sizeof(lim), "%d", limit);
	if ((rc = db_exec(db, "SELECT * FROM payment_sweep($1::int)", 1, params, &res, e)) != 0)
		return rc;
	if (PQntuples(res) == 1) {
		*balances = atoi(PQgetvalue(res, 0, 0));
		*checks = atoi(PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return 0;
}

int
db_pay_expire(struct db *db, int limit, int64_t now, int *canceled, struct err *e)
{
	char lim[16];
	const char *params[1] = { lim };
	PGresult *res;
	int rc;

	*canceled = 0;
	snprintf(lim, sizeof(lim), "%d", limit);
	if ((rc = db_exec(db, "SELECT code, ttl_min FROM payment_unpaid_lapsed($1::int)", 1, params,
	    &res, e)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		char reason[128];
		struct err ce;

		snprintf(reason, sizeof(reason), "the deposit was not authorized within %s minute%s",
		    PQgetvalue(res, i, 1), strcmp(PQgetvalue(res, i, 1), "1") == 0 ? "" : "s");
		const struct db_cancel_req in = {
			.code = PQgetvalue(res, i, 0), .actor_id = NULL, .kind = DB_ACTOR_SYSTEM,
			.reason = reason,
		};
		/* another worker or a staff member got there first: nothing to do */
		if ((rc = db_booking_cancel(db, &in, now, NULL, &ce)) == ERR_CHANGED)
			continue;
		if (rc != 0) {
			if (e)
				*e = ce;
			PQclear(res);
			return rc;
		}
		(*canceled)++;
	}
	PQclear(res);
	return 0;
}

#define DB_REFUND_COLS \
    "r.id, r.payment_id, p.booking_id, coalesce(p.stripe_payment_intent_id, ''), r.status, r.kind," \
    " r.amount_cents"

static void
db_refund_fill_row(const PGresult *res, int row, struct db_refund *out)
{
	memset(out, 0, sizeof(*out));
	db_pay_cell_row(res, row, 0, out->id, sizeof(out->id));
	db_pay_cell_row(res, row, 1, out->payment_id, sizeof(out->payment_id));
	db_pay_cell_row(res, row, 2, out->booking_id, sizeof(out->booking_id));
	db_pay_cell_row(res, row, 3, out->intent_id, sizeof(out->intent_id));
	db_pay_cell_row(res, row, 4, out->status, sizeof(out->status));
	db_pay_cell_row(res, row, 5, out->kind, sizeof(out->kind));
	out->amount_cents = PQgetisnull(res, row, 6) ? 0 : strtoll(PQgetvalue(res, row, 6), NULL, 10);
}

static void
db_refund_fill(const PGresult *res, struct db_refund *out)
{
	db_refund_fill_row(res, 0, out);
}

/* db_refund_query: sql (its one row: DB_REFUND_COLS) into *out. */
static int
db_refund_query(struct db *db, const char *sql, int n, const char *const *params,
    struct db_refund *out, struct err *e)
{
	PGresult *res;
	int rc;

	if ((rc = db_exec(db, sql, n, params, &res, e)) != 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return err_set(e, ERR_NOT_FOUND, "refund", "no such refund");
	}
	db_refund_fill(res, out);
	PQclear(res);
	return 0;
}

int
db_refund_open(struct db *db, const char *payment_id, const char *kind, int percent,
    int64_t amount_cents, struct db_refund *out, struct err *e)
{
	char pct[16], amount[24];
	const char *params[4] = { payment_id, kind, pct, amount };

	snprintf(pct, sizeof(pct), "%d", percent);
	snprintf(amount, sizeof(amount), "%lld", (long long)amount_cents);
	return db_refund_query(db, "SELECT " DB_REFUND_COLS
	    " FROM refund_open($1::uuid, $2, $3::int, $4::bigint, NULL, NULL) r"
	    " JOIN payment p ON p.id = r.payment_id", 4, params, out, e);
}

int
db_refund_load(struct db *db, const char *id, struct db_refund *out, struct err *e)
{
	const char *params[1] = { id };

	return db_refund_query(db, "SELECT " DB_REFUND_COLS " FROM refund r"
	    " JOIN payment p ON p.id = r.payment_id WHERE r.id = $1::uuid", 1, params, out, e);
}

int
db_refund_load_kind(struct db *db, const char *payment_id, const char *kind,
    struct db_refund *out, struct err *e)
{
	const char *params[2] = { payment_id, kind };

	return db_refund_query(db, "SELECT " DB_REFUND_COLS " FROM refund r"
	    " JOIN payment p ON p.id = r.payment_id WHERE r.payment_id = $1::uuid AND r.kind = $2",
	    2, params, out, e);
}

int
db_refund_set(struct db *db, const char *id, const char *stripe_id, const char *status,
    const char *error, struct err *e)
{
	const char *params[4] = { id, stripe_id, status, error };

	return db_pay_run(db, "UPDATE refund SET stripe_refund_id = coalesce($2, stripe_refund_id),"
	    " status = $3, last_error = $4, updated_at = now() WHERE id = $1::uuid", 4, params, e);
}

int
db_refund_by_admin(struct db *db, const struct db_actor *actor, const char *code,
    int64_t amount, const char *reason, struct db_refunds *out, struct err *e)
{
	char a[24];
	const char *params[4] = { code, actor->id, a, reason };
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(a, sizeof(a), "%lld", (long long)amount);
	/* WITH ORDINALITY: the function's own order, newest payment first */
	if ((rc = db_exec(db, "SELECT " DB_REFUND_COLS ", p.purpose"
	    " FROM refund_by_admin($1, $2::uuid, $3::bigint, $4) WITH ORDINALITY r"
	    " JOIN payment p ON p.id = r.payment_id ORDER BY r.ordinality", 4, params, &res, e)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		struct db_refund one;

		db_refund_fill_row(res, i, &one);
		out->amount_cents += one.amount_cents;
		if (out->n < DB_REFUNDS_MAX) {
			out->v[out->n] = one;
			db_pay_cell_row(res, i, 7, out->purpose[out->n], sizeof(out->purpose[0]));
			out->n++;
		}
	}
	out->total = (size_t)PQntuples(res);
	PQclear(res);
	return 0;
}

int
db_pay_event_booking(struct db *db, const char *id, char *intent, char *booking_id, struct err *e)
{
	const char *params[1] = { id };
	PGresult *res;
	int rc;

	intent[0] = booking_id[0] = '\0';
	rc = db_exec(db, "SELECT x.pi, (SELECT p.booking_id FROM payment p"
	    "  WHERE p.stripe_payment_intent_id = x.pi)"
	    " FROM (SELECT CASE WHEN o->>'object' = 'payment_intent' THEN o->>'id'"
	    "   ELSE o->>'payment_intent' END AS pi"
	    "  FROM (SELECT w.payload_json->'data'->'object' AS o FROM webhook_event w"
	    "   WHERE w.id = $1::uuid) y) x", 1, params, &res, e);
	if (rc != 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return err_set(e, ERR_NOT_FOUND, "event_id", "no webhook event %s", id);
	}
	db_pay_cell(res, 0, intent, 128);
	db_pay_cell(res, 1, booking_id, 37);
	PQclear(res);
	return 0;
}

int
db_pay_event_mark(struct db *db, const char *id, const char *status, struct err *e)
{
	const char *params[2] = { id, status };

	return db_pay_run(db, "UPDATE webhook_event SET status = $2, delivered_at = now()"
	    " WHERE id = $1::uuid", 2, params, e);
}

const char DB_PAYMENTS_JSON_SQL[] =
    "SELECT json_build_object('payments', coalesce(json_agg(x.o ORDER BY x.created_at DESC), '[]'))::text"
    " FROM (SELECT p.created_at, jsonb_build_object('code', b.code, 'booking_status', b.status,"
    "   'start_at', " DB_PAY_UTC("b.start_at") ", 'artist_name', coalesce(u.name, ''),"
    "   'why', w.why) || payment_row_json(p.id) AS o"
    "  FROM payment p JOIN booking b ON b.id = p.booking_id LEFT JOIN app_user u ON u.id = b.user_id"
    "  CROSS JOIN LATERAL (SELECT payment_why(p.id) AS why) w"
    "  WHERE NOT $1::boolean OR w.why IS NOT NULL) x";

const char DB_PAYMENTS_CHECK_SQL[] =
    "SELECT p.id, b.code, p.stripe_payment_intent_id, p.status, p.authorized_cents, p.captured_cents,"
    " (SELECT coalesce(sum(r.amount_cents), 0) FROM refund r WHERE r.payment_id = p.id"
    "   AND r.status = 'succeeded')"
    " FROM payment p JOIN booking b ON b.id = p.booking_id"
    " WHERE p.stripe_payment_intent_id IS NOT NULL ORDER BY p.created_at";

const char DB_REFUNDS_CHECK_SQL[] =
    "SELECT r.id, b.code, coalesce(r.stripe_refund_id, ''), r.amount_cents, r.status"
    " FROM refund r JOIN payment p ON p.id = r.payment_id JOIN booking b ON b.id = p.booking_id"
    " ORDER BY r.created_at";
