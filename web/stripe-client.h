/* stripe-client.h: Stripe's HTTP API over libcurl, synchronously: for the
 * job worker's thread and the CLI, never for redlightd's loop (the worker
 * runs every call redlightd needs; ARCHITECTURE.md, "Payments").
 *
 * A request is form-encoded (core/stripe.c's stripe_form_add) and carries
 * the secret key as a Bearer token and, for every POST, an Idempotency-Key
 * (stripe_idem_key: the booking and the step), so a retry, a crash or a
 * duplicate job never charges or refunds twice. The answer is JSON;
 * Stripe's error objects ({"error":{"type","code","decline_code",
 * "message"}}) become our error codes:
 *   ERR_IO         the network, a timeout, 429 or any 5xx: try again later
 *   ERR_FORBIDDEN  401/403: the key is wrong (trying again will not help)
 *   ERR_CHANGED    the object is in another state (payment_intent_unexpected_state)
 *   ERR_NOT_FOUND  404 (resource_missing)
 *   ERR_IDEMPOTENCY  idempotency_error: the key was used with other parameters
 *   ERR_INVALID    card errors and other invalid requests; field "card"
 *                  for a card error, else Stripe's param
 * with the message Stripe gave. */
#ifndef REDLIGHT_STRIPE_CLIENT_H
#define REDLIGHT_STRIPE_CLIENT_H

#include <json-c/json.h>

#include "core/conf.h"
#include "core/err.h"

struct stripe_client;

/* What the last call's error said, beside the err. */
struct stripe_fault {
	int http_status;          /* 0: no answer */
	char type[48];            /* Stripe's error type, "" when none */
	char code[64];
	char decline_code[64];
};

/* stripe_client_new: a client for base (the API's origin, such as
 * https://api.stripe.com) with secret key. Copies both. Cannot fail (out
 * of memory aborts). stripe_client_free(NULL) is a no-op. */
struct stripe_client *stripe_client_new(const char *base, const char *key);
void stripe_client_free(struct stripe_client *c);

/* stripe_client_from_conf: a client from redlight.conf's stripe_* keys, or
 * NULL when payments are not configured (conf_payments_on). */
struct stripe_client *stripe_client_from_conf(const struct conf *conf);

/* stripe_call: method ("GET" or "POST") path ("/v1/payment_intents")
 * with the form (may be NULL or "": for GET it becomes the query string),
 * idem_key (NULL for none; POSTs should carry one), within timeout_ms.
 * On success *out is the answer's object (the caller's: json_object_put);
 * on a Stripe error *out is the error answer (the caller's too, may be
 * NULL), f (may be NULL) says what it was, and the code is as above. */
int stripe_call(struct stripe_client *c, const char *method, const char *path, const char *form,
    const char *idem_key, long timeout_ms, struct json_object **out, struct stripe_fault *f,
    struct err *e);

/* stripe_json_str / stripe_json_int: obj's field name (may be nested with
 * dots: "payment_method_details.card.capture_before"), "" or 0 when
 * absent or null. Borrowed. Cannot fail. */
const char *stripe_json_str(struct json_object *obj, const char *name);
long long stripe_json_int(struct json_object *obj, const char *name);

#endif
