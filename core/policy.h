/* policy.h: cancellation and reschedule policy, evaluated at the moment of
 * the request (the clock is an argument).
 *
 * Tier rule: a tier with min_hours_before H applies when the notice (time
 * from now to the session's start) is at least H hours; tiers are tried most
 * generous first. With the default tiers 48/100, 24/50, 0/0: exactly 48 h
 * before is a full refund, exactly 24 h before is 50%, less is nothing. No
 * change is allowed once the session has started. */
#ifndef REDLIGHT_POLICY_H
#define REDLIGHT_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define POLICY_MAX_TIERS 8

struct policy_tier {
	int min_hours_before;
	int refund_percent;
};

struct policy {
	struct policy_tier cancel[POLICY_MAX_TIERS]; /* sorted, most notice first */
	size_t ncancel;
	int reschedule_free_min_hours;
	int reschedule_free_count;
	int64_t reschedule_fee_cents;
};

struct policy_result {
	int refund_percent;       /* cancel */
	int64_t refund_cents;     /* cancel: of what was paid */
	int64_t fee_cents;        /* reschedule */
	char summary[200];        /* one sentence for the artist */
};

/* policy_parse_tiers: read cancellation tiers from JSON text
 * ([{"min_hours_before":48,"refund_percent":100}, ...]) into p, sorted.
 * Bad JSON, out-of-range values or more than POLICY_MAX_TIERS are ERR_CONFIG. */
int policy_parse_tiers(const char *json, struct policy *p, struct err *e);

/* policy_from_json: the policy a booking stored with its quote,
 * {"cancellation_tiers":[...], "reschedule_free_min_hours":n,
 * "reschedule_free_count":n, "reschedule_fee_cents":n} (booking_quote_json's
 * "policy"), into *p. A missing or mistyped field or bad tiers are
 * ERR_CONFIG naming it; *p is untouched on failure. */
int policy_from_json(const char *json, struct policy *p, struct err *e);

/* policy_tiers_json: p's cancellation tiers as the JSON text
 * policy_parse_tiers reads, into buf (len bytes). ERR_INTERNAL when buf is
 * too small. */
int policy_tiers_json(const struct policy *p, char *buf, size_t len, struct err *e);

/* policy_cancel: what canceling at now a session starting at start_at
 * (epoch seconds) refunds of paid_cents. ERR_CHANGED once the session started. */
int policy_cancel(const struct policy *p, int64_t now, int64_t start_at, int64_t paid_cents,
    struct policy_result *out, struct err *e);

/* policy_reschedule: the fee for moving a session starting at start_at,
 * already moved `count` times. ERR_CHANGED once the session started. */
int policy_reschedule(const struct policy *p, int64_t now, int64_t start_at, int count,
    struct policy_result *out, struct err *e);

/* policy_summary: the whole policy in words, for quotes and the booking page.
 * Cannot fail; truncates to len. */
void policy_summary(const struct policy *p, char *buf, size_t len);

#endif
