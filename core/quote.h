/* quote.h: prices for a booking, in integer cents, computed on the server
 * from catalogue prices (a client's price is never trusted).
 *
 * Rounding rule (the one rule, stated once): every percentage is applied to
 * a whole-cent amount and rounded half up to a whole cent (amounts are never
 * negative). Tax is levied on the subtotal plus fees; the deposit is a
 * percentage of the total. */
#ifndef REDLIGHT_QUOTE_H
#define REDLIGHT_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct quote_line {
	char service_id[37];
	char name[96];
	int64_t unit_price_cents;
	int quantity;
	int64_t total_cents;      /* filled by quote_compute */
};

struct quote_rates {
	int tax_rate_bp;          /* basis points: 1300 = 13% */
	int64_t fee_cents;        /* flat booking fee */
	int deposit_percent;      /* 0..100 */
};

struct quote {
	int64_t subtotal_cents;   /* sum of the lines */
	int64_t fees_cents;
	int64_t taxes_cents;
	int64_t total_cents;
	int64_t deposit_cents;
};

/* quote_session_units: how many units of a service's default duration a
 * session of duration_min is; duration_min must be a positive multiple of
 * default_min, at most max_min, else ERR_INVALID "invalid_duration" on field
 * duration_min. */
int quote_session_units(int duration_min, int default_min, int max_min, int *units, struct err *e);

/* quote_compute: fill each line's total and *out. Quantities must be 1..99
 * and prices non-negative, else ERR_INVALID naming the line's service. */
int quote_compute(struct quote_line *lines, size_t n, const struct quote_rates *r,
    struct quote *out, struct err *e);

/* quote_percent: amount * percent_bp / 10000 rounded half up. Cannot fail. */
int64_t quote_percent_bp(int64_t amount, int64_t percent_bp);

#endif
