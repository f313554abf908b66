/* payment.h: the money rules of a booking (ARCHITECTURE.md, "Payments").
 *
 * What is due when the artist asks for a session, how much a refund by
 * policy gives back, and what the worker does to a booking's PaymentIntent
 * given where the booking stands and what Stripe says the intent is. The
 * last is a table (payment_plan), read every time a payment job runs, so
 * a job that runs late, twice or out of order does what the rows say now,
 * never what the order of events suggested. Amounts are integer cents.
 *
 * Everything here is arithmetic and lookups; nothing allocates. */
#ifndef REDLIGHT_PAYMENT_H
#define REDLIGHT_PAYMENT_H

#include <stdint.h>

#include "core/err.h"

/* What the booking page says about paying, before a request is sent
 * (GET /api/settings/public's payment_note) and, without Stripe keys, GET
 * /api/bookings/:id/payment's message: one wording for both. */
#define PAYMENT_NOTE_OFF "No payment is taken now. The studio reviews your request first; " \
	"the deposit shown is what it will ask for once it approves."
#define PAYMENT_NOTE_ON "You give your card after sending the request, on Stripe's secure form. " \
	"The deposit is only held on your card until the studio approves; it is charged then, " \
	"and released if the studio declines."
/* ... when the studio approves every request by itself (approval_mode auto) */
#define PAYMENT_NOTE_AUTO "You give your card after sending the request, on Stripe's secure form, " \
	"and the deposit is charged then: the studio confirms requests at once."

/* payment_due_now: what the artist pays (authorizes) when requesting a
 * session: the stored quote's deposit, or its whole total when the
 * deposit is 0 %. Never negative. Cannot fail. */
int64_t payment_due_now(int64_t total_cents, int deposit_percent, int64_t deposit_cents);

/* payment_policy_refund: what a refund of percent (0..100) of
 * captured_cents gives back, half up to a cent (as quotes round), never
 * more than what is still refundable (captured less refunded_cents) and
 * never negative. Out-of-range percents count as their bound. Cannot fail. */
int64_t payment_policy_refund(int percent, int64_t captured_cents, int64_t refunded_cents);

/* payment_refundable: captured less refunded, never negative. Cannot fail. */
int64_t payment_refundable(int64_t captured_cents, int64_t refunded_cents);

/* Where the booking stands, for its money. */
enum payment_booking {
	PAY_B_AWAITING,           /* awaiting approval: hold the authorization */
	PAY_B_CONFIRMED,          /* confirmed or completed: the money is the studio's */
	PAY_B_UNWOUND,            /* rejected, or canceled before it was ever confirmed */
	PAY_B_CANCELED_CONFIRMED, /* canceled after being confirmed: the policy refunds */
};

/* What Stripe says the intent is (its status, grouped). */
enum payment_intent {
	PAY_I_UNPAID,             /* requires_payment_method, _confirmation, _action, processing */
	PAY_I_AUTHORIZED,         /* requires_capture */
	PAY_I_CAPTURED,           /* succeeded */
	PAY_I_CANCELED,           /* canceled (by us, or a lapsed authorization) */
};

/* The one next step. */
enum payment_action {
	PAY_WAIT,                 /* nothing to do now */
	PAY_CAPTURE,              /* capture what is authorized */
	PAY_CANCEL,               /* cancel the intent: nothing is charged */
	PAY_REFUND_ALL,           /* refund what is refundable (a rejected booking already charged) */
	PAY_REFUND_POLICY,        /* refund the cancellation tier's percent of what was captured */
	PAY_FLAG,                 /* the authorization is gone while money is owed: the worker
	                           * authorizes the saved card again, and flags the payment for
	                           * staff (and the artist) when that fails */
};

/* payment_plan: the next step for booking b whose intent is i. After a
 * capture the caller asks again (a booking canceled after its approval
 * is captured, then refunded by the policy). Cannot fail. */
enum payment_action payment_plan(enum payment_booking b, enum payment_intent i);

/* What an off-session charge is for (0017's payment rows beside the
 * due-now one). */
enum payment_extra {
	PAY_X_BALANCE,            /* the quote's total less its deposit, before the session */
	PAY_X_FEE,                /* a reschedule inside the policy's fee window */
};

/* payment_extra_owed: whether booking b still owes a charge of kind x: a
 * balance while the booking stays confirmed; a fee unless the booking
 * was unwound (rejected, or canceled before it was confirmed: the studio
 * declined it, so no fee stands). A charge no longer owed is not made,
 * and one made is refunded (all of a fee; a balance by the cancellation's
 * tier, as the deposit). Cannot fail. */
int payment_extra_owed(enum payment_extra x, enum payment_booking b);

/* payment_intent_parse: Stripe's PaymentIntent status s into *out.
 * ERR_INVALID for NULL or a status Stripe does not have. */
int payment_intent_parse(const char *s, enum payment_intent *out, struct err *e);

/* payment_booking_of: the booking's standing from its status name and
 * whether it was ever confirmed (approved_at set). ERR_INVALID for an
 * unknown status. */
int payment_booking_of(const char *status, int was_confirmed, enum payment_booking *out,
    struct err *e);

/* payment_action_name: "wait", "capture", "cancel", "refund_all",
 * "refund_policy", "flag"; a static string ("unknown" outside the enum). */
const char *payment_action_name(enum payment_action a);

#endif
