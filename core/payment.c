#include "core/payment.h"

#include <stddef.h>
#include <string.h>

#include "core/quote.h"

int64_t
payment_due_now(int64_t total_cents, int deposit_percent, int64_t deposit_cents)
{
	int64_t due = deposit_percent == 0 ? total_cents : deposit_cents;

	return due < 0 ? 0 : due;
}

int64_t
payment_refundable(int64_t captured_cents, int64_t refunded_cents)
{
	int64_t left = captured_cents - refunded_cents;

	return left < 0 ? 0 : left;
}

int64_t
payment_policy_refund(int percent, int64_t captured_cents, int64_t refunded_cents)
{
	int64_t want, left = payment_refundable(captured_cents, refunded_cents);

	if (percent < 0)
		percent = 0;
	if (percent > 100)
		percent = 100;
	if (captured_cents <= 0)
		return 0;
	want = quote_percent_bp(captured_cents, (int64_t)percent * 100);
	return want < left ? want : left;
}

/* [booking][intent] -> the next step. An authorization that lapsed (or an
 * intent someone canceled at Stripe) under a booking that still owes money
 * is flagged for staff; under a booking that owes nothing it is the end. */
static const enum payment_action payment_table[4][4] = {
	/*                         UNPAID      AUTHORIZED         CAPTURED           CANCELED */
	[PAY_B_AWAITING] =        { PAY_WAIT,   PAY_WAIT,          PAY_WAIT,          PAY_FLAG },
	[PAY_B_CONFIRMED] =       { PAY_WAIT,   PAY_CAPTURE,       PAY_WAIT,          PAY_FLAG },
	[PAY_B_UNWOUND] =         { PAY_CANCEL, PAY_CANCEL,        PAY_REFUND_ALL,    PAY_WAIT },
	[PAY_B_CANCELED_CONFIRMED] = { PAY_CANCEL, PAY_CAPTURE,    PAY_REFUND_POLICY, PAY_WAIT },
};

enum payment_action
payment_plan(enum payment_booking b, enum payment_intent i)
{
	if ((unsigned)b > PAY_B_CANCELED_CONFIRMED || (unsigned)i > PAY_I_CANCELED)
		return PAY_WAIT;
	return payment_table[b][i];
}

int
payment_extra_owed(enum payment_extra x, enum payment_booking b)
{
	if (x == PAY_X_FEE)
		return b != PAY_B_UNWOUND;
	return b == PAY_B_CONFIRMED;
}

static const struct {
	const char *name;
	enum payment_intent v;
} payment_intent_names[] = {
	{ "requires_payment_method", PAY_I_UNPAID },
	{ "requires_confirmation", PAY_I_UNPAID },
	{ "requires_action", PAY_I_UNPAID },
	{ "processing", PAY_I_UNPAID },
	{ "requires_capture", PAY_I_AUTHORIZED },
	{ "succeeded", PAY_I_CAPTURED },
	{ "canceled", PAY_I_CANCELED },
};

int
payment_intent_parse(const char *s, enum payment_intent *out, struct err *e)
{
	for (size_t i = 0; s != NULL && i < sizeof(payment_intent_names) / sizeof(payment_intent_names[0]); i++) {
		if (strcmp(s, payment_intent_names[i].name) == 0) {
			*out = payment_intent_names[i].v;
			return 0;
		}
	}
	return err_set(e, ERR_INVALID, "status", "unknown PaymentIntent status '%.40s'", s ? s : "");
}

int
payment_booking_of(const char *status, int was_confirmed, enum payment_booking *out, struct err *e)
{
	if (status == NULL)
		return err_set(e, ERR_INVALID, "status", "no booking status");
	if (strcmp(status, "awaiting_approval") == 0)
		*out = PAY_B_AWAITING;
	else if (strcmp(status, "confirmed") == 0 || strcmp(status, "completed") == 0)
		*out = PAY_B_CONFIRMED;
	else if (strcmp(status, "rejected") == 0)
		*out = PAY_B_UNWOUND;
	else if (strcmp(status, "canceled") == 0)
		*out = was_confirmed ? PAY_B_CANCELED_CONFIRMED : PAY_B_UNWOUND;
	else
		return err_set(e, ERR_INVALID, "status", "unknown booking status '%.40s'", status);
	return 0;
}

static const char *const payment_action_names[] = {
	[PAY_WAIT] = "wait", [PAY_CAPTURE] = "capture", [PAY_CANCEL] = "cancel",
	[PAY_REFUND_ALL] = "refund_all", [PAY_REFUND_POLICY] = "refund_policy", [PAY_FLAG] = "flag",
};

const char *
payment_action_name(enum payment_action a)
{
	if ((unsigned)a >= sizeof(payment_action_names) / sizeof(payment_action_names[0]))
		return "unknown";
	return payment_action_names[a];
}
