/* stripe.h: the pure parts of speaking to Stripe: checking a webhook's
 * Stripe-Signature, the Idempotency-Key a step of a booking's money carries,
 * and Stripe's form encoding of request parameters.
 *
 * Stripe signs a webhook with HMAC-SHA256 keyed by the endpoint's secret
 * (the whole "whsec_..." string) over "T.BODY", T being the header's t=
 * value and BODY the raw bytes received, and sends
 *   Stripe-Signature: t=1700000000,v1=HEX[,v1=HEX...][,v0=...]
 * (several v1 while a secret is being rolled). Any v1 may match; other
 * schemes are ignored. The clock arrives as an argument, so the check is
 * testable with fixed inputs; the comparison is constant-time. */
#ifndef REDLIGHT_STRIPE_H
#define REDLIGHT_STRIPE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Stripe's own default tolerance for a signature's age, in seconds. */
#define STRIPE_SIG_TOLERANCE 300

/* The most v1 signatures one header may carry before it is refused. */
#define STRIPE_SIG_MAX_V1 8

/* stripe_sig_verify: 0 when header signs body (len bytes, borrowed) with
 * secret and its t= lies within tolerance seconds of now (either side), else
 * ERR_INVALID with field "Stripe-Signature" and a message saying which:
 * missing or malformed header, no v1, stale or future timestamp, or no v1
 * matching. Does not allocate. */
int stripe_sig_verify(const char *header, const void *body, size_t len, const char *secret,
    int64_t now, int64_t tolerance, struct err *e);

/* stripe_sig_header: the header Stripe would send for body at time t with
 * secret, into out (size outlen; 32 + 64 + some bytes suffice: at least
 * 100). For the stand-ins and tests. Returns 0, or ERR_TOO_LARGE when out is
 * too small (out then holds ""). */
int stripe_sig_header(char *out, size_t outlen, const void *body, size_t len, const char *secret,
    int64_t t);

/* stripe_idem_key: the Idempotency-Key for one step of one booking's
 * money ("rl-BOOKING-STEP", or "rl-BOOKING-STEP-N" when n > 0, N counting a
 * step that legitimately happens again, such as a second partial refund),
 * into out (size outlen, at least 128). The same booking and step always
 * give the same key, so no retry, crash or duplicate job charges or refunds
 * twice. booking and step must be non-empty and printable ASCII without
 * spaces. Returns 0, ERR_INVALID, or ERR_TOO_LARGE (out then holds ""). */
int stripe_idem_key(char *out, size_t outlen, const char *booking, const char *step, int n);

/* stripe_form_add: append "KEY=VALUE" to the form in buf (a NUL-terminated
 * string of size buflen; "" to start), with '&' between pairs and both
 * sides percent-encoded as application/x-www-form-urlencoded (brackets in
 * the key kept, as Stripe's nested keys "metadata[booking_id]" need).
 * Returns 0, or ERR_TOO_LARGE leaving buf as it was. */
int stripe_form_add(char *buf, size_t buflen, const char *key, const char *value);

#endif
