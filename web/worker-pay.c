/* worker-pay.c: the payment handlers (web/worker-pay.h). */
#include "web/worker-pay.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/payment.h"
#include "core/stripe.h"
#include "db/payment.h"

/* Time kept back from a job's deadline for writing its result. */
#define PAY_MARGIN_MS 500
/* The most steps one settle takes (capture, then refund, then a look). */
#define PAY_MAX_STEPS 4

static int64_t
pay_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* pay_say: the job's message; returns outcome. */
static enum db_job_outcome __attribute__((format(printf, 3, 4)))
pay_say(const struct worker_pay *c, enum db_job_outcome outcome, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, c->msglen, fmt, ap);
	va_end(ap);
	return outcome;
}

/* pay_failed: the outcome of a failed call: the network, Stripe's 5xx and
 * the database are worth another attempt; a refusal is not. */
static enum db_job_outcome
pay_failed(const struct worker_pay *c, int rc, const struct err *e)
{
	enum db_job_outcome o = rc == ERR_IO || rc == ERR_DB ? DB_JOB_RETRY : DB_JOB_FAIL;

	return pay_say(c, o, "%s", e->msg);
}

/* pay_call: one Stripe call within what is left of the job's time. */
static int
pay_call(const struct worker_pay *c, const char *method, const char *path, const char *form,
    const char *booking_id, const char *step, int n, struct json_object **out, struct stripe_fault *f,
    struct err *e)
{
	char key[160];
	int64_t left = c->deadline_ms - pay_now_ms() - PAY_MARGIN_MS;
	int rc;

	*out = NULL;
	if (left < 1000)
		return err_set(e, ERR_IO, NULL, "no time left for a call to Stripe");
	if (step != NULL && (rc = stripe_idem_key(key, sizeof(key), booking_id, step, n)) != 0)
		return err_set(e, rc, NULL, "no Idempotency-Key for %s %s", booking_id, step);
	return stripe_call(c->stripe, method, path, form, step ? key : NULL, (long)left, out, f, e);
}

void
worker_pay_intent_read(struct json_object *obj, struct db_pay_intent *out)
{
	const char *status = stripe_json_str(obj, "status");

	memset(out, 0, sizeof(*out));
	out->id = stripe_json_str(obj, "id");
	out->status = status;
	out->client_secret = stripe_json_str(obj, "client_secret");
	out->charge_id = stripe_json_str(obj, "latest_charge");
	out->payment_method = stripe_json_str(obj, "payment_method");
	out->captured_cents = stripe_json_int(obj, "amount_received");
	if (strcmp(status, "requires_capture") == 0)
		out->authorized_cents = stripe_json_int(obj, "amount_capturable");
	else if (strcmp(status, "succeeded") == 0)
		out->authorized_cents = stripe_json_int(obj, "amount");
}

/* pay_record: record the intent obj (Stripe's answer) on payment_id (of
 * booking_id), as the end of an off-session try when tried; when it holds
 * an authorization, read its charge for capture_before. */
static int
pay_record(const struct worker_pay *c, const char *payment_id, const char *booking_id,
    struct json_object *obj, int tried, struct err *e)
{
	struct db_pay_intent pi;
	struct json_object *ch = NULL;
	char path[200];

	worker_pay_intent_read(obj, &pi);
	pi.tried = tried;
	if (strcmp(pi.status, "requires_capture") == 0 && pi.charge_id[0] != '\0') {
		snprintf(path, sizeof(path), "/v1/charges/%s", pi.charge_id);
		if (pay_call(c, "GET", path, NULL, booking_id, NULL, 0, &ch, NULL, e) == 0)
			pi.capture_before = stripe_json_int(ch, "payment_method_details.card.capture_before");
		json_object_put(ch);
	}
	return db_pay_set_intent(c->db, payment_id, &pi, e);
}

/* pay_look: read p's due-now intent at Stripe, record it, and load p
 * again; *pi is its state. */
static int
pay_look(const struct worker_pay *c, struct db_pay *p, enum payment_intent *pi, struct err *e)
{
	struct json_object *obj = NULL;
	char path[200], booking_id[sizeof(p->booking_id)];
	int rc;

	snprintf(booking_id, sizeof(booking_id), "%s", p->booking_id);
	snprintf(path, sizeof(path), "/v1/payment_intents/%s", p->intent_id);
	if ((rc = pay_call(c, "GET", path, NULL, booking_id, NULL, 0, &obj, NULL, e)) == 0 &&
	    (rc = pay_record(c, p->payment_id, booking_id, obj, 0, e)) == 0)
		rc = payment_intent_parse(stripe_json_str(obj, "status"), pi, e);
	json_object_put(obj);
	return rc != 0 ? rc : db_pay_load(c->db, booking_id, p, e);
}

/* ---- payment_intent ---- */

/* pay_customer: p's Stripe customer, made once per booking. */
static int
pay_customer(const struct worker_pay *c, struct db_pay *p, struct err *e)
{
	char form[1024] = "";
	struct json_object *obj;
	int rc;

	if (p->customer_id[0] != '\0')
		return 0;
	if (p->email[0])
		stripe_form_add(form, sizeof(form), "email", p->email);
	if (p->name[0])
		stripe_form_add(form, sizeof(form), "name", p->name);
	stripe_form_add(form, sizeof(form), "metadata[booking_id]", p->booking_id);
	stripe_form_add(form, sizeof(form), "metadata[booking_code]", p->code);
	if ((rc = pay_call(c, "POST", "/v1/customers", form, p->booking_id, "customer", 0, &obj, NULL, e)) == 0) {
		snprintf(p->customer_id, sizeof(p->customer_id), "%s", stripe_json_str(obj, "id"));
		rc = db_pay_set_customer(c->db, p->payment_id, p->customer_id, e);
	}
	json_object_put(obj);
	return rc;
}

static enum db_job_outcome
pay_intent_locked(const struct worker_pay *c, const char *booking_id)
{
	struct db_pay p;
	struct json_object *obj = NULL;
	char form[2048] = "", amount[24], desc[64];
	struct err e;
	int rc;

	if ((rc = db_pay_load(c->db, booking_id, &p, &e)) != 0)
		return pay_failed(c, rc, &e);
	if (!p.has_quote)
		return pay_say(c, DB_JOB_FAIL, "%s has no stored quote to charge", p.code);
	if (strcmp(p.status, "awaiting_approval") != 0 && strcmp(p.status, "confirmed") != 0)
		return pay_say(c, DB_JOB_DONE, "%s is %s: no payment asked", p.code, p.status);
	if (p.due_cents <= 0)
		return pay_say(c, DB_JOB_DONE, "nothing is due now for %s", p.code);
	if ((rc = db_pay_ensure(c->db, &p, &e)) != 0 || (rc = pay_customer(c, &p, &e)) != 0)
		return pay_failed(c, rc, &e);
	if (p.intent_id[0] != '\0')
		return DB_JOB_DONE;
	snprintf(amount, sizeof(amount), "%lld", (long long)p.due_cents);
	snprintf(desc, sizeof(desc), "Booking %s", p.code);
	stripe_form_add(form, sizeof(form), "amount", amount);
	stripe_form_add(form, sizeof(form), "currency", p.currency);
	/* only a booking approved as it was submitted is charged at once; the
	 * choice rests on rows that never change, so a retry sends the same */
	stripe_form_add(form, sizeof(form), "capture_method", p.auto_confirmed ? "automatic" : "manual");
	stripe_form_add(form, sizeof(form), "customer", p.customer_id);
	stripe_form_add(form, sizeof(form), "setup_future_usage", "off_session");
	stripe_form_add(form, sizeof(form), "description", desc);
	stripe_form_add(form, sizeof(form), "metadata[booking_id]", p.booking_id);
	stripe_form_add(form, sizeof(form), "metadata[booking_code]", p.code);
	rc = pay_call(c, "POST", "/v1/payment_intents", form, p.booking_id, "intent", 0, &obj, NULL, &e);
	if (rc == 0)
		rc = pay_record(c, p.payment_id, p.booking_id, obj, 0, &e);
	json_object_put(obj);
	return rc == 0 ? DB_JOB_DONE : pay_failed(c, rc, &e);
}

/* ---- settling: capture, cancel, refund ---- */

/* pay_send_refund: send refund r to Stripe (once, by its row's id). */
static enum db_job_outcome
pay_send_refund(const struct worker_pay *c, const struct db_refund *r)
{
	char form[512] = "", amount[24], step[64];
	struct json_object *obj = NULL;
	struct err e;
	int rc;

	if (strcmp(r->status, "succeeded") == 0)
		return DB_JOB_DONE;
	if (strcmp(r->status, "failed") == 0 || strcmp(r->status, "canceled") == 0)
		return pay_say(c, DB_JOB_FAIL, "refund %s is %s: staff must look", r->id, r->status);
	snprintf(amount, sizeof(amount), "%lld", (long long)r->amount_cents);
	snprintf(step, sizeof(step), "refund-%s", r->id);
	stripe_form_add(form, sizeof(form), "payment_intent", r->intent_id);
	stripe_form_add(form, sizeof(form), "amount", amount);
	stripe_form_add(form, sizeof(form), "reason", "requested_by_customer");
	stripe_form_add(form, sizeof(form), "metadata[refund_id]", r->id);
	rc = pay_call(c, "POST", "/v1/refunds", form, r->booking_id, step, 0, &obj, NULL, &e);
	if (rc == 0) {
		const char *st = stripe_json_str(obj, "status");
		rc = db_refund_set(c->db, r->id, stripe_json_str(obj, "id"),
		    strcmp(st, "failed") == 0 || strcmp(st, "canceled") == 0 ? "failed" :
		    strcmp(st, "succeeded") == 0 ? "succeeded" : "pending", NULL, &e);
		json_object_put(obj);
		return rc == 0 ? DB_JOB_DONE : pay_failed(c, rc, &e);
	}
	json_object_put(obj);
	if (rc != ERR_IO && rc != ERR_DB) {
		struct err e2;
		db_refund_set(c->db, r->id, NULL, "failed", e.msg, &e2);
	}
	return pay_failed(c, rc, &e);
}

/* pay_refund_policy: refund percent of what payment_id (of booking code)
 * captured, less what was refunded, by kind, once. */
static enum db_job_outcome
pay_refund_policy(const struct worker_pay *c, const char *code, const char *payment_id,
    int64_t captured_cents, int64_t refunded_cents, const char *kind, int percent)
{
	struct db_refund r;
	struct err e;
	int64_t amount = payment_policy_refund(percent, captured_cents, refunded_cents);
	int rc;

	if (percent < 0)
		return pay_say(c, DB_JOB_FAIL, "%s was canceled without a recorded refund tier", code);
	if (amount <= 0) {
		/* the one already made, or nothing: a policy of 0 % */
		rc = db_refund_load_kind(c->db, payment_id, kind, &r, &e);
		if (rc == ERR_NOT_FOUND)
			return pay_say(c, DB_JOB_DONE, "%s: the policy refunds nothing (%d %%)", code, percent);
		if (rc != 0)
			return pay_failed(c, rc, &e);
		return pay_send_refund(c, &r);
	}
	if ((rc = db_refund_open(c->db, payment_id, kind, percent, amount, &r, &e)) != 0)
		return pay_failed(c, rc, &e);
	return pay_send_refund(c, &r);
}

/* ---- off-session: re-authorizations, balances, fees ---- */

/* The most balance and fee rows one booking's settle looks at. */
#define PAY_MAX_ROWS 32

/* pay_unwind_kind: the refund kind of p's booking when it is unwound. */
static const char *
pay_unwind_kind(const struct db_pay *p)
{
	return strcmp(p->status, "rejected") == 0 ? "reject" : "cancel";
}

/* pay_offsession: create and confirm a PaymentIntent for amount with p's
 * saved card, off-session (the artist is not there), capture manual or
 * automatic, as try n of step (its Idempotency-Key); *out is Stripe's
 * answer. ERR_NOT_FOUND (field "card") when no card is saved. */
static int
pay_offsession(const struct worker_pay *c, const struct db_pay *p, int64_t amount, const char *capture,
    const char *step, int n, const char *payment_id, struct json_object **out, struct err *e)
{
	char form[2048] = "", cents[24], desc[96];

	*out = NULL;
	if (p->customer_id[0] == '\0' || p->pm_id[0] == '\0')
		return err_set(e, ERR_NOT_FOUND, "card", "%s has no card saved for off-session charges", p->code);
	snprintf(cents, sizeof(cents), "%lld", (long long)amount);
	snprintf(desc, sizeof(desc), "Booking %s (%s)", p->code, step);
	stripe_form_add(form, sizeof(form), "amount", cents);
	stripe_form_add(form, sizeof(form), "currency", p->currency);
	stripe_form_add(form, sizeof(form), "customer", p->customer_id);
	stripe_form_add(form, sizeof(form), "payment_method", p->pm_id);
	stripe_form_add(form, sizeof(form), "off_session", "true");
	stripe_form_add(form, sizeof(form), "confirm", "true");
	stripe_form_add(form, sizeof(form), "capture_method", capture);
	stripe_form_add(form, sizeof(form), "description", desc);
	stripe_form_add(form, sizeof(form), "metadata[booking_id]", p->booking_id);
	stripe_form_add(form, sizeof(form), "metadata[booking_code]", p->code);
	stripe_form_add(form, sizeof(form), "metadata[payment_id]", payment_id);
	return pay_call(c, "POST", "/v1/payment_intents", form, p->booking_id, step, n, out, NULL, e);
}

/* pay_answered: whether a failed call got Stripe's answer (a decline, a
 * refusal): the try is over, the next one is another request. */
static int
pay_answered(int rc)
{
	return rc != ERR_IO && rc != ERR_DB;
}

/* pay_reauth: p's authorization lapsed (or was canceled at Stripe) while
 * the booking still wants it: authorize the amount again with the saved
 * card (try p->attempts + 1). *again is 1 when it worked (the caller
 * looks at the new intent); otherwise the outcome says why, and a decline
 * or no saved card flags the payment (the artist is told once). */
static enum db_job_outcome
pay_reauth(const struct worker_pay *c, const struct db_pay *p, int *again)
{
	struct json_object *obj = NULL;
	struct err e, e2;
	int rc;

	*again = 0;
	rc = pay_offsession(c, p, p->amount_cents, "manual", "reauth", p->attempts + 1, p->payment_id,
	    &obj, &e);
	/* the answer and the try's count in one statement: a crash between
	 * them would send the next try with a new key */
	if (rc == 0)
		rc = pay_record(c, p->payment_id, p->booking_id, obj, 1, &e);
	json_object_put(obj);
	if (rc == 0) {
		*again = 1;
		return DB_JOB_DONE;
	}
	if (!pay_answered(rc))
		return pay_failed(c, rc, &e);
	if (rc != ERR_NOT_FOUND && db_pay_tried(c->db, p->payment_id, NULL, &e2) != 0)
		return pay_failed(c, e2.code, &e2);
	if (db_pay_flag(c->db, p->payment_id, "the card authorization lapsed and authorizing the saved card"
	    " again failed: payment action needed", e.msg, &e2) != 0)
		return pay_failed(c, e2.code, &e2);
	return pay_say(c, DB_JOB_DONE, "%s: the authorization lapsed and could not be renewed: %s", p->code,
	    e.msg);
}

/* pay_charge_row: charge balance or fee row r of p off-session (automatic
 * capture), try r->attempts + 1. The row is 'processing' while a try is
 * out, so a settle that finds it so asks again with the same key rather
 * than guess. A decline flags the row and is retried with the job's
 * backoff. */
static enum db_job_outcome
pay_charge_row(const struct worker_pay *c, const struct db_pay *p, const struct db_pay_row *r)
{
	struct json_object *obj = NULL;
	char step[32];
	struct err e, e2;
	int rc;

	if (strcmp(r->status, "succeeded") == 0 || strcmp(r->status, "canceled") == 0)
		return DB_JOB_DONE;
	if (strcmp(r->purpose, "fee") == 0)
		snprintf(step, sizeof(step), "fee-%d", r->seq);
	else
		snprintf(step, sizeof(step), "%s", r->purpose);
	if ((rc = db_pay_set_status(c->db, r->id, "processing", &e)) == 0)
		rc = pay_offsession(c, p, r->amount_cents, "automatic", step, r->attempts + 1, r->id, &obj, &e);
	if (rc == 0)
		rc = pay_record(c, r->id, p->booking_id, obj, 1, &e);
	json_object_put(obj);
	if (rc == 0)
		return DB_JOB_DONE;
	if (!pay_answered(rc))
		return pay_failed(c, rc, &e);
	if ((rc == ERR_NOT_FOUND ? db_pay_set_status(c->db, r->id, "failed", &e2) :
	    db_pay_tried(c->db, r->id, "failed", &e2)) != 0 ||
	    db_pay_flag(c->db, r->id, strcmp(r->purpose, "fee") == 0 ? "charging the reschedule fee failed" :
	    "charging the balance failed", e.msg, &e2) != 0)
		return pay_failed(c, e2.code, &e2);
	/* no saved card will not come back by waiting */
	return pay_say(c, rc == ERR_NOT_FOUND ? DB_JOB_FAIL : DB_JOB_RETRY, "%s: %s", p->code, e.msg);
}

/* pay_settle_rows: p's balance and fee rows, once its due-now payment is
 * where the booking says: a booking unwound (rejected, or canceled before
 * it was confirmed) charges none of them and gets back all it paid; one
 * canceled after it was confirmed charges no balance and gets its tier's
 * percent of a balance paid back (a fee paid stays paid). A row with a
 * try out is asked again first, so what Stripe did is known. */
static enum db_job_outcome
pay_settle_rows(const struct worker_pay *c, const struct db_pay *p, enum payment_booking bk)
{
	struct db_pay_row v[PAY_MAX_ROWS];
	size_t n;
	struct err e;
	int rc;

	if (bk != PAY_B_UNWOUND && bk != PAY_B_CANCELED_CONFIRMED)
		return DB_JOB_DONE;
	if ((rc = db_pay_rows(c->db, p->booking_id, v, PAY_MAX_ROWS, &n, &e)) != 0)
		return pay_failed(c, rc, &e);
	for (size_t i = 0; i < n; i++) {
		struct db_pay_row *r = &v[i];
		enum db_job_outcome o;
		int keep = bk == PAY_B_CANCELED_CONFIRMED && strcmp(r->purpose, "fee") == 0;

		if (keep)
			continue;
		if (strcmp(r->status, "processing") == 0) {
			if ((o = pay_charge_row(c, p, r)) != DB_JOB_DONE)
				return o;
			if ((rc = db_pay_row_load(c->db, r->id, r, &e)) != 0)
				return pay_failed(c, rc, &e);
		}
		if (strcmp(r->status, "succeeded") == 0) {
			o = pay_refund_policy(c, p->code, r->id, r->captured_cents, r->refunded_cents,
			    pay_unwind_kind(p), bk == PAY_B_UNWOUND ? 100 : p->cancel_percent);
			if (o != DB_JOB_DONE)
				return o;
		} else if (strcmp(r->status, "canceled") != 0 &&
		    (rc = db_pay_set_status(c->db, r->id, "canceled", &e)) != 0) {
			return pay_failed(c, rc, &e);
		}
	}
	return DB_JOB_DONE;
}

/* pay_settle_locked: bring booking_id's intent where the booking says. */
static enum db_job_outcome
pay_settle_locked(const struct worker_pay *c, const char *booking_id)
{
	for (int step = 0; step < PAY_MAX_STEPS; step++) {
		struct db_pay p;
		struct json_object *obj = NULL;
		enum payment_booking bk;
		enum payment_intent pi;
		enum payment_action act;
		char path[200];
		struct err e;
		int rc;

		if ((rc = db_pay_load(c->db, booking_id, &p, &e)) != 0)
			return pay_failed(c, rc, &e);
		if ((rc = payment_booking_of(p.status, p.was_confirmed, &bk, &e)) != 0)
			return pay_failed(c, rc, &e);
		if (p.intent_id[0] == '\0') {
			enum db_job_outcome o = pay_settle_rows(c, &p, bk);
			return o != DB_JOB_DONE ? o :
			    pay_say(c, DB_JOB_DONE, "%s has no PaymentIntent: no card was authorized", p.code);
		}
		if ((rc = pay_look(c, &p, &pi, &e)) != 0)
			return pay_failed(c, rc, &e);
		act = payment_plan(bk, pi);
		switch (act) {
		case PAY_WAIT:
			/* a booking that no longer wants the money whose
			 * authorization is gone, nothing captured: a flag (a
			 * failed re-authorization) has nothing left to act on */
			if (pi == PAY_I_CANCELED && (bk == PAY_B_UNWOUND || bk == PAY_B_CANCELED_CONFIRMED) &&
			    (rc = db_pay_unflag(c->db, p.payment_id, &e)) != 0)
				return pay_failed(c, rc, &e);
			return pay_settle_rows(c, &p, bk);
		case PAY_FLAG: {
			int again;
			enum db_job_outcome o = pay_reauth(c, &p, &again);
			if (again)
				continue;
			return o;
		}
		case PAY_REFUND_ALL:
		case PAY_REFUND_POLICY: {
			enum db_job_outcome o = pay_refund_policy(c, p.code, p.payment_id, p.captured_cents,
			    p.refunded_cents, pay_unwind_kind(&p), act == PAY_REFUND_ALL ? 100 : p.cancel_percent);
			return o == DB_JOB_DONE ? pay_settle_rows(c, &p, bk) : o;
		}
		case PAY_CAPTURE:
		case PAY_CANCEL: {
			char form[128] = "";
			if (act == PAY_CANCEL)
				stripe_form_add(form, sizeof(form), "cancellation_reason",
				    strcmp(p.status, "rejected") == 0 ? "abandoned" : "requested_by_customer");
			snprintf(path, sizeof(path), "/v1/payment_intents/%s/%s", p.intent_id,
			    act == PAY_CAPTURE ? "capture" : "cancel");
			rc = pay_call(c, "POST", path, form, booking_id, act == PAY_CAPTURE ? "capture" : "cancel",
			    0, &obj, NULL, &e);
			if (rc == 0)
				rc = pay_record(c, p.payment_id, booking_id, obj, 0, &e);
			json_object_put(obj);
			/* another state at Stripe than we read: look again */
			if (rc == ERR_CHANGED)
				continue;
			if (rc != 0) {
				if (rc != ERR_IO && rc != ERR_DB) {
					struct err e2;
					db_pay_set_attention(c->db, p.payment_id, act == PAY_CAPTURE ?
					    "the capture failed" : "the cancel failed", e.msg, &e2);
				}
				return pay_failed(c, rc, &e);
			}
			continue;
		}
		}
	}
	return pay_say(c, DB_JOB_RETRY, "the payment kept changing; trying again");
}

/* ---- the handlers ---- */

typedef enum db_job_outcome (*pay_locked_fn)(const struct worker_pay *c, const char *arg);

/* pay_with_lock: run fn(arg) under booking_id's payment lock. */
static enum db_job_outcome
pay_with_lock(const struct worker_pay *c, const char *booking_id, pay_locked_fn fn, const char *arg)
{
	enum db_job_outcome o;
	struct err e;
	int got, rc;

	if (booking_id == NULL || booking_id[0] == '\0')
		return pay_say(c, DB_JOB_FAIL, "the payload names no booking_id");
	if ((rc = db_pay_lock(c->db, booking_id, &got, &e)) != 0)
		return pay_failed(c, rc, &e);
	if (!got)
		return pay_say(c, DB_JOB_RETRY, "another worker is acting on this booking's payment");
	o = fn(c, arg);
	db_pay_unlock(c->db, booking_id);
	return o;
}

/* pay_field: the payload's string field name, or NULL. */
static const char *
pay_field(struct json_object *payload, const char *name)
{
	const char *v = stripe_json_str(payload, name);

	return v[0] != '\0' ? v : NULL;
}

static enum db_job_outcome
pay_intent(const struct worker_pay *c, struct json_object *payload)
{
	return pay_with_lock(c, pay_field(payload, "booking_id"), pay_intent_locked,
	    pay_field(payload, "booking_id"));
}

static enum db_job_outcome
pay_settle(const struct worker_pay *c, struct json_object *payload)
{
	return pay_with_lock(c, pay_field(payload, "booking_id"), pay_settle_locked,
	    pay_field(payload, "booking_id"));
}

static enum db_job_outcome
pay_event(const struct worker_pay *c, struct json_object *payload)
{
	const char *id = pay_field(payload, "event_id");
	char intent[128], booking[37];
	enum db_job_outcome o;
	struct err e;
	int rc;

	if (id == NULL)
		return pay_say(c, DB_JOB_FAIL, "the payload names no event_id");
	if ((rc = db_pay_event_booking(c->db, id, intent, booking, &e)) != 0)
		return pay_failed(c, rc, &e);
	if (booking[0] == '\0') {
		if ((rc = db_pay_event_mark(c->db, id, "ignored", &e)) != 0)
			return pay_failed(c, rc, &e);
		return pay_say(c, DB_JOB_DONE, "no booking's payment has intent %s: ignored",
		    intent[0] ? intent : "(none)");
	}
	o = pay_with_lock(c, booking, pay_settle_locked, booking);
	if (o == DB_JOB_DONE && (rc = db_pay_event_mark(c->db, id, "processed", &e)) != 0)
		return pay_failed(c, rc, &e);
	return o;
}

/* pay_charge_locked: charge balance or fee row payment_id, unless its
 * booking no longer owes it (then the settle decides). */
static enum db_job_outcome
pay_charge_locked(const struct worker_pay *c, const char *payment_id)
{
	struct db_pay_row r;
	struct db_pay p;
	enum payment_booking bk;
	struct err e;
	int rc;

	if ((rc = db_pay_row_load(c->db, payment_id, &r, &e)) != 0 ||
	    (rc = db_pay_load(c->db, r.booking_id, &p, &e)) != 0 ||
	    (rc = payment_booking_of(p.status, p.was_confirmed, &bk, &e)) != 0)
		return pay_failed(c, rc, &e);
	if (strcmp(r.purpose, "due_now") == 0)
		return pay_say(c, DB_JOB_FAIL, "payment %s is a due-now one: not charged off-session", r.id);
	if (!payment_extra_owed(strcmp(r.purpose, "fee") == 0 ? PAY_X_FEE : PAY_X_BALANCE, bk))
		return pay_settle_locked(c, r.booking_id);
	/* the card saved at booking may be at Stripe before its webhook was
	 * processed here (a move right after paying): ask Stripe before
	 * flagging the row for want of a card */
	if (p.pm_id[0] == '\0' && p.intent_id[0] != '\0') {
		enum payment_intent pi;

		if ((rc = pay_look(c, &p, &pi, &e)) != 0)
			return pay_failed(c, rc, &e);
	}
	return pay_charge_row(c, &p, &r);
}

static enum db_job_outcome
pay_charge(const struct worker_pay *c, struct json_object *payload)
{
	const char *payment = pay_field(payload, "payment_id");

	if (payment == NULL)
		return pay_say(c, DB_JOB_FAIL, "the payload names no payment_id");
	return pay_with_lock(c, pay_field(payload, "booking_id"), pay_charge_locked, payment);
}

static enum db_job_outcome
pay_refund_locked(const struct worker_pay *c, const char *refund_id)
{
	struct db_refund r;
	struct err e;
	int rc;

	if ((rc = db_refund_load(c->db, refund_id, &r, &e)) != 0)
		return pay_failed(c, rc, &e);
	return pay_send_refund(c, &r);
}

static enum db_job_outcome
pay_refund(const struct worker_pay *c, struct json_object *payload)
{
	const char *refund = pay_field(payload, "refund_id");

	if (refund == NULL)
		return pay_say(c, DB_JOB_FAIL, "the payload names no refund_id");
	return pay_with_lock(c, pay_field(payload, "booking_id"), pay_refund_locked, refund);
}

static const struct {
	const char *kind;
	enum db_job_outcome (*fn)(const struct worker_pay *c, struct json_object *payload);
} pay_kinds[] = {
	{ "payment_intent", pay_intent },
	{ "capture_payment", pay_settle },
	{ "void_or_refund", pay_settle },
	{ "stripe_event", pay_event },
	{ "refund_payment", pay_refund },
	{ "payment_check", pay_settle },
	{ "balance_charge", pay_charge },
	{ "reschedule_fee", pay_charge },
};

enum db_job_outcome
worker_pay_run(const struct worker_pay *c, const char *kind, struct json_object *payload)
{
	for (size_t i = 0; i < sizeof(pay_kinds) / sizeof(pay_kinds[0]); i++)
		if (strcmp(pay_kinds[i].kind, kind) == 0)
			return pay_kinds[i].fn(c, payload);
	return pay_say(c, DB_JOB_FAIL, "no payment job of kind %s", kind);
}
