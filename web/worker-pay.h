/* worker-pay.h: the job worker's payment handlers (web/worker.c's table
 * calls them when payments are configured). Each acts on a booking's rows
 * and on what Stripe says now, never on the order jobs or events came in:
 *
 *   payment_intent   the booking's customer and PaymentIntent for the
 *                    amount due now (manual capture unless the booking was
 *                    approved as it was submitted), saving the card for
 *                    off-session charges; its client_secret for the page
 *   capture_payment, void_or_refund, stripe_event, payment_check
 *                    read the intent from Stripe, then take core/payment.c's
 *                    next step (payment_plan) until there is none: capture,
 *                    cancel, refund all, refund the cancellation's tier, or
 *                    authorize a lapsed intent's amount again with the
 *                    saved card (off-session; the payment is flagged and
 *                    the artist told when that fails); then the booking's
 *                    balance and fee rows follow it (payment_extra_owed)
 *   refund_payment   send one refund row (an admin's) to Stripe
 *   balance_charge, reschedule_fee
 *                    charge one balance or fee row off-session with the
 *                    saved card (automatic capture), unless the booking no
 *                    longer owes it; a decline flags it and is retried
 *
 * Every Stripe call carries stripe_idem_key(booking id, step), the refunds
 * the refund row's id as their step, the off-session charges their try
 * number (the row's attempts + 1, grown only once Stripe answered), so no retry or duplicate job moves
 * money twice. One worker acts on a booking's money at a time (db_pay_lock). */
#ifndef REDLIGHT_WORKER_PAY_H
#define REDLIGHT_WORKER_PAY_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "db/job.h"
#include "web/stripe-client.h"

struct worker_pay {
	struct db *db;
	struct stripe_client *stripe;
	int64_t deadline_ms;      /* CLOCK_MONOTONIC ms by which the job must end */
	char *msg;                /* why, when not done */
	size_t msglen;
};

/* worker_pay_run: run the payment job of kind (one of the five above)
 * with its payload; an unknown kind fails. The message says why when the
 * outcome is not done. */
enum db_job_outcome worker_pay_run(const struct worker_pay *c, const char *kind,
    struct json_object *payload);

/* worker_pay_intent_read: the state of a PaymentIntent object as Stripe
 * answered it (pointers borrowed from obj). Cannot fail. */
struct db_pay_intent;
void worker_pay_intent_read(struct json_object *obj, struct db_pay_intent *out);

#endif
