/* payment.h: a booking's payment and refund rows (0014_payments.sql), for
 * the job worker's payment handlers (web/worker-pay.c) and the CLI
 * (refund, payments, payments-check). Synchronous libpq; each call is one
 * statement (autocommit) unless it says otherwise. */
#ifndef REDLIGHT_DB_PAYMENT_H
#define REDLIGHT_DB_PAYMENT_H

#include <stdint.h>

#include "core/err.h"
#include "db/db.h"

/* A booking and its due-now payment, as the money rules need them. */
struct db_pay {
	char booking_id[37];
	char code[16];
	char status[24];          /* the booking's */
	int was_confirmed;        /* approved_at is set */
	int auto_confirmed;       /* confirmed by the system as it was submitted */
	int has_quote;
	int64_t due_cents;        /* payment_due_now of the stored quote */
	char currency[8];         /* lower case, as Stripe takes it */
	char email[256];
	char name[128];
	int cancel_percent;       /* the cancellation's recorded tier; -1 when none */
	/* the payment row; payment_id "" when there is none yet */
	char payment_id[37];
	char pay_status[32];
	char intent_id[128];
	char customer_id[128];
	char pm_id[128];          /* the card the intent used: saved for off-session */
	int attempts;             /* re-authorizations tried (0017) */
	int64_t amount_cents;
	int64_t captured_cents;
	int64_t refunded_cents;   /* pending and succeeded refunds */
};

/* db_pay_lock: try to take booking_id's payment lock (a session advisory
 * lock), so two workers never act on one booking's money at once. *got is
 * 1 when taken; db_pay_unlock gives it back (cannot fail). */
int db_pay_lock(struct db *db, const char *booking_id, int *got, struct err *e);
void db_pay_unlock(struct db *db, const char *booking_id);

/* db_pay_load: booking_id's money into *out. ERR_NOT_FOUND without such a
 * booking. */
int db_pay_load(struct db *db, const char *booking_id, struct db_pay *out, struct err *e);

/* db_pay_ensure: the due-now payment row of p (status pending, amount
 * p->due_cents) unless it has one; fills p->payment_id. */
int db_pay_ensure(struct db *db, struct db_pay *p, struct err *e);

/* db_pay_set_customer: the Stripe customer of payment_id. */
int db_pay_set_customer(struct db *db, const char *payment_id, const char *customer, struct err *e);

/* The PaymentIntent's state, as the worker read it from Stripe. */
struct db_pay_intent {
	const char *id, *status, *client_secret, *charge_id, *payment_method;
	int64_t authorized_cents, captured_cents;
	int64_t capture_before;   /* epoch seconds, 0 when none */
	int tried;                /* 1: the answer to an off-session try (attempts + 1,
	                           * in the same statement) */
};

/* db_pay_set_intent: record the intent's state on payment_id. A
 * requires_capture or succeeded intent clears the attention flag. A
 * due-now row notifies redlight_changes (entity payment, its booking's
 * id: SQL payment_notify) for the requests waiting for its intent. */
int db_pay_set_intent(struct db *db, const char *payment_id, const struct db_pay_intent *pi,
    struct err *e);

/* db_pay_set_attention: why staff must look at payment_id (NULL: nothing),
 * and the last error (may be NULL). */
int db_pay_set_attention(struct db *db, const char *payment_id, const char *attention,
    const char *last_error, struct err *e);

/* A payment row of any purpose (0017: due_now, balance, fee). */
struct db_pay_row {
	char id[37];
	char booking_id[37];
	char purpose[12];
	char status[32];
	char intent_id[128];
	int seq;                  /* a fee: the reschedule count it was charged at */
	int attempts;             /* off-session tries that got Stripe's answer */
	int64_t amount_cents, captured_cents, refunded_cents;
};

/* db_pay_row_load: payment id into *out; ERR_NOT_FOUND without it. */
int db_pay_row_load(struct db *db, const char *id, struct db_pay_row *out, struct err *e);

/* db_pay_rows: booking_id's balance and fee rows (not its due-now one),
 * oldest first, at most max into v; *n how many. */
int db_pay_rows(struct db *db, const char *booking_id, struct db_pay_row *v, size_t max, size_t *n,
    struct err *e);

/* db_pay_tried: one more off-session try of payment id got Stripe's
 * answer, a refusal (the next try's Idempotency-Key counts it), and the
 * row's status becomes status (NULL: kept), in one statement. */
int db_pay_tried(struct db *db, const char *id, const char *status, struct err *e);

/* db_pay_flag: payment_flag() of 0017: staff must look (attention, the
 * error, may be NULL); the first flag of a row enqueues the artist's
 * payment_action_needed message. */
int db_pay_flag(struct db *db, const char *id, const char *attention, const char *error,
    struct err *e);

/* db_pay_unflag: nothing is left for staff to act on in payment id: its
 * flag goes (its last error stays, as history). */
int db_pay_unflag(struct db *db, const char *id, struct err *e);

/* db_pay_set_status: the row's status: "processing" while a try is out,
 * "failed", or "canceled" (it will not be charged: nothing is left for
 * staff to act on, so its flag goes too). */
int db_pay_set_status(struct db *db, const char *id, const char *status, struct err *e);

/* db_pay_sweep: payment_sweep() of 0017: the balances now due and the
 * authorizations past capture_before, each a job; how many of each (0
 * when another worker was sweeping). */
int db_pay_sweep(struct db *db, int limit, int *balances, int *checks, struct err *e);

/* db_pay_expire: payment_unpaid_lapsed(): each web booking still
 * awaiting approval whose due-now payment was not authorized within the
 * hold's lifetime (hold_ttl_min after it was submitted) canceled through
 * db_booking_cancel as the system (core's effects for a cancel: the intent
 * voided, the artist told), at most limit; how many in *canceled (0 when
 * another worker was sweeping; one canceled meanwhile is skipped). Call
 * only when payments are configured. */
int db_pay_expire(struct db *db, int limit, int64_t now, int *canceled, struct err *e);

/* A refund row. */
struct db_refund {
	char id[37];
	char payment_id[37];
	char booking_id[37];
	char intent_id[128];
	char status[16];
	char kind[16];
	int64_t amount_cents;
};

/* db_refund_open: refund_open() of 0014: the refund of kind ("cancel",
 * "reject") of percent, amount_cents, once per kind; into *out. */
int db_refund_open(struct db *db, const char *payment_id, const char *kind, int percent,
    int64_t amount_cents, struct db_refund *out, struct err *e);

/* db_refund_load: refund id into *out; ERR_NOT_FOUND without it. */
int db_refund_load(struct db *db, const char *id, struct db_refund *out, struct err *e);

/* db_refund_load_kind: payment_id's refund of kind ("cancel", "reject")
 * into *out; ERR_NOT_FOUND when it has none. */
int db_refund_load_kind(struct db *db, const char *payment_id, const char *kind,
    struct db_refund *out, struct err *e);

/* db_refund_set: the refund's outcome at Stripe (stripe_id may be NULL,
 * status "succeeded", "pending" or "failed", error may be NULL). */
int db_refund_set(struct db *db, const char *id, const char *stripe_id, const char *status,
    const char *error, struct err *e);

/* The refunds one admin refund made, one per payment row it touched. */
#define DB_REFUNDS_MAX 16
struct db_refunds {
	struct db_refund v[DB_REFUNDS_MAX]; /* in the order taken: newest payment first */
	char purpose[DB_REFUNDS_MAX][16];   /* each one's payment's purpose */
	size_t n;                 /* in v (the first DB_REFUNDS_MAX) */
	size_t total;             /* made (a booking with more rows than v holds) */
	int64_t amount_cents;     /* of all of them */
};

/* db_refund_by_admin: refund_by_admin() (db/functions/payments.sql):
 * actor refunds amount cents of booking code with reason, taken from its
 * captured payment rows newest first; *out holds the pending refunds.
 * Refused over what is refundable across them (ERR_INVALID naming the
 * amount), without a reason, for anyone but an admin (ERR_FORBIDDEN). */
int db_refund_by_admin(struct db *db, const struct db_actor *actor, const char *code,
    int64_t amount, const char *reason, struct db_refunds *out, struct err *e);

/* db_pay_event_booking: for webhook_event id (stored by POST
 * /api/webhooks/stripe), the PaymentIntent its object names (a
 * payment_intent's id, a charge's or refund's payment_intent) into intent
 * (128 bytes) and the booking whose payment has it into booking_id (37
 * bytes); "" for either when there is none. ERR_NOT_FOUND without such an
 * event. */
int db_pay_event_booking(struct db *db, const char *id, char *intent, char *booking_id,
    struct err *e);

/* db_pay_event_mark: webhook_event id's status ("processed", "ignored"). */
int db_pay_event_mark(struct db *db, const char *id, const char *status, struct err *e);

/* $1 boolean "attention only": {"payments":[{code, booking_status,
 * start_at, artist_name, why, ...payment_row_json(payment)}]}, newest
 * first: every payment row (due now, balance, reschedule fee), or
 * (attention only) those payment_why (0017) names a reason for: flagged
 * (action_needed), failed, an authorization within 24 hours of
 * capture_before (lapsing), a balance or fee not charged yet
 * (balance_due), a refund pending or failed (refund). */
extern const char DB_PAYMENTS_JSON_SQL[];

/* Every payment with an intent, and every refund sent: id, booking code,
 * intent id, status, authorized, captured, refunded (succeeded refunds)
 * for payments; id, code, stripe id, amount, status for refunds. */
extern const char DB_PAYMENTS_CHECK_SQL[];
extern const char DB_REFUNDS_CHECK_SQL[];

#endif
