#include "core/quote.h"

#include <stdio.h>

#define QUOTE_MAX_QUANTITY 99
/* a sanity bound well past any real studio bill: 10 million dollars */
#define QUOTE_MAX_CENTS ((int64_t)1000000000)

int64_t
quote_percent_bp(int64_t amount, int64_t percent_bp)
{
	return (amount * percent_bp + 5000) / 10000;
}

int
quote_session_units(int duration_min, int default_min, int max_min, int *units, struct err *e)
{
	if (default_min <= 0)
		return err_set(e, ERR_INVALID, "service_id", "the service has no default duration");
	if (duration_min <= 0 || duration_min > max_min)
		return err_set_reason(e, ERR_INVALID, ERR_REASON_DURATION, "duration_min",
		    "%d minutes is not between %d and %d", duration_min, default_min, max_min);
	if (duration_min % default_min != 0)
		return err_set_reason(e, ERR_INVALID, ERR_REASON_DURATION, "duration_min",
		    "%d minutes is not a multiple of the service's %d minutes",
		    duration_min, default_min);
	*units = duration_min / default_min;
	return 0;
}

int
quote_compute(struct quote_line *lines, size_t n, const struct quote_rates *r,
    struct quote *out, struct err *e)
{
	int64_t sub = 0;

	if (r->tax_rate_bp < 0 || r->tax_rate_bp > 10000 || r->fee_cents < 0 ||
	    r->deposit_percent < 0 || r->deposit_percent > 100)
		return err_set(e, ERR_CONFIG, NULL, "tax, fee or deposit settings are out of range");
	for (size_t i = 0; i < n; i++) {
		struct quote_line *l = &lines[i];
		if (l->quantity < 1 || l->quantity > QUOTE_MAX_QUANTITY)
			return err_set(e, ERR_INVALID, "service_items",
			    "quantity for %s must be 1 to %d", l->service_id, QUOTE_MAX_QUANTITY);
		if (l->unit_price_cents < 0 || l->unit_price_cents > QUOTE_MAX_CENTS)
			return err_set(e, ERR_INVALID, "service_items", "price of %s is out of range", l->service_id);
		l->total_cents = l->unit_price_cents * l->quantity;
		sub += l->total_cents;
	}
	out->subtotal_cents = sub;
	out->fees_cents = r->fee_cents;
	out->taxes_cents = quote_percent_bp(sub + r->fee_cents, r->tax_rate_bp);
	out->total_cents = sub + r->fee_cents + out->taxes_cents;
	out->deposit_cents = quote_percent_bp(out->total_cents, (int64_t)r->deposit_percent * 100);
	return 0;
}
