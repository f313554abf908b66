#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/payment.h"
#include "core/stripe.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/paywait.h"
#include "web/stripe-client.h"

/* Payments (redlightd(8), "Routes"; ARCHITECTURE.md, "Payments"):
 *   GET  /api/bookings/:id/payment  (uuid or code; the owner or staff)
 *        -> 200 {configured:false, message} without Stripe keys, else
 *           {configured:true, publishable_key, js_url, status, amount_cents,
 *            currency, client_secret (while the card is still to be
 *            given), last_error}; status "pending" until the worker has
 *            created the PaymentIntent, which the page waits for
 *   POST /api/webhooks/stripe  Stripe's events, signed (Stripe-Signature)
 *        -> 200 {received:true, duplicate} once the event is stored with
 *           its job; 400 for a missing, forged, stale or replayed
 *           signature or a body that is not an event; 404 without a
 *           webhook secret
 * The intent is made by the job worker (never on the loop), a moment after
 * the booking's transaction commits; the booking's answer carries its
 * client_secret when it came within that answer's wait (web/paywait.h),
 * and the page asks here only when it did not, or comes back later. */

static const char pay_get_sql[] =
    "SELECT json_build_object('configured', true, 'publishable_key', $4::text, 'js_url', $5::text,"
    " 'status', coalesce(p.status, 'pending'), 'amount_cents', p.amount_cents,"
    " 'currency', lower(p.currency), 'client_secret', " PAYWAIT_SECRET_SQL ","
    " 'last_error', p.last_error)::text"
    " FROM booking b LEFT JOIN payment p ON p.booking_id = b.id AND p.purpose = 'due_now'"
    " WHERE (b.id::text = $1 OR b.code = upper($1)) AND (b.user_id = $2::uuid OR $3::boolean)";

static void
pay_get_read(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	(void)arg;
	if (e != NULL) {
		http_send_err(req, e);
		return;
	}
	if (PQntuples(res) != 1) {
		http_send_error(req, 404, "not_found", NULL, "no such booking");
		return;
	}
	http_send_json(req, 200, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
}

static void
pay_get_actor(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor, void *arg)
{
	int staff = strcmp(actor->role, "staff") == 0 || strcmp(actor->role, "admin") == 0;
	const char *params[5] = { arg, actor->user_id, staff ? "true" : "false",
		srv->conf->stripe_publishable_key, srv->conf->stripe_js_url };

	if (!conf_payments_on(srv->conf)) {
		static const char off[] = "{\"configured\":false,\"message\":\"" PAYMENT_NOTE_OFF "\"}";
		http_send_json(req, 200, off, sizeof(off) - 1);
		return;
	}
	http_query(srv, req, pay_get_sql, 5, params, pay_get_read, NULL);
}

static void
pay_get(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	char *ref = http_param_dup(req, params, "id");

	if (ref == NULL || strlen(ref) > 64) {
		http_send_error(req, 404, "not_found", NULL, "no such booking");
		return;
	}
	auth_require(srv, req, pay_get_actor, ref);
}

/* ---- POST /api/webhooks/stripe ---- */

/* Stores the event once (by Stripe's id) with its job in one statement;
 * the row says whether it is new, was delivered before (a retry), or is
 * this very delivery again (the same signature: a replay). */
static const char pay_hook_sql[] =
    "WITH old AS (SELECT w.signature FROM webhook_event w"
    "   WHERE w.provider = 'stripe' AND w.external_id = $1),"
    " ins AS (INSERT INTO webhook_event (provider, external_id, type, payload_json, signature)"
    "   SELECT 'stripe', $1, $2, $3::jsonb, $4 WHERE NOT EXISTS (SELECT 1 FROM old)"
    "   ON CONFLICT (provider, external_id) DO NOTHING RETURNING id),"
    " j AS (INSERT INTO job (kind, payload) SELECT 'stripe_event',"
    "   jsonb_build_object('event_id', ins.id, 'stripe_event', $1, 'type', $2) FROM ins RETURNING id)"
    " SELECT (SELECT count(*) FROM ins), coalesce((SELECT old.signature = $4 FROM old), false)";

static void
pay_hook_stored(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	(void)arg;
	if (e != NULL) {
		http_send_err(req, e);
		return;
	}
	if (strcmp(PQgetvalue(res, 0, 1), "t") == 0) {
		http_send_error(req, 400, "invalid", "Stripe-Signature",
		    "this delivery was received before (a replayed signature)");
		return;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "1") == 0)
		http_send_json(req, 200, "{\"received\":true,\"duplicate\":false}", 35);
	else
		http_send_json(req, 200, "{\"received\":true,\"duplicate\":true}", 34);
}

static void
pay_hook(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	const char *secret = srv->conf->stripe_webhook_secret;
	char *sig = NULL, *body;
	struct json_object *ev, *data;
	struct err e;
	ssize_t i;

	(void)params;
	if (secret[0] == '\0') {
		http_send_error(req, 404, "not_found", NULL,
		    "payments are not configured (no stripe_webhook_secret in redlight.conf)");
		return;
	}
	i = h2o_find_header_by_str(&req->headers, "stripe-signature", 16, -1);
	if (i >= 0) {
		h2o_iovec_t v = req->headers.entries[i].value;
		sig = h2o_mem_alloc_pool(&req->pool, v.len + 1);
		memcpy(sig, v.base, v.len);
		sig[v.len] = '\0';
	}
	/* the raw bytes as received: never a re-serialization */
	if (stripe_sig_verify(sig, req->entity.base, req->entity.len, secret, (int64_t)time(NULL),
	    STRIPE_SIG_TOLERANCE, &e) != 0) {
		http_send_err(req, &e);
		return;
	}
	body = h2o_mem_alloc_pool(&req->pool, req->entity.len + 1);
	memcpy(body, req->entity.base, req->entity.len);
	body[req->entity.len] = '\0';
	ev = json_tokener_parse(body);
	if (ev == NULL || !json_object_is_type(ev, json_type_object) || !*stripe_json_str(ev, "id") ||
	    !*stripe_json_str(ev, "type") || !json_object_object_get_ex(ev, "data", &data)) {
		json_object_put(ev);
		http_send_error(req, 400, "invalid", NULL, "the body is not a Stripe event (id, type, data)");
		return;
	}
	{
		const char *p[4] = { stripe_json_str(ev, "id"), stripe_json_str(ev, "type"), body, sig };
		http_query(srv, req, pay_hook_sql, 4, p, pay_hook_stored, NULL);
	}
	json_object_put(ev);
}

const struct http_route http_routes_payments[] = {
	{ "GET", "/api/bookings/:id/payment", pay_get },
	{ "POST", "/api/webhooks/stripe", pay_hook },
	{ NULL, NULL, NULL },
};
