/* idem.h: the Idempotency-Key header, for every route that changes
 * something (ARCHITECTURE.md, "The API's conventions"). A client that retries a request it
 * never saw answered sends the same key and gets the first answer again
 * instead of a second booking.
 *
 * A route checks what is cheap and certain first (rate limit, origin,
 * login, the body's shape and fields) and answers those failures with
 * http_send_*; they are not stored (as at Stripe: a request that fails
 * validation did not start). Then it calls idem_begin and answers, from
 * the proceed callback onwards, only with idem_send_json / idem_send_error
 * / idem_send_err, which record the answer under the key before sending
 * it.
 *
 * With no Idempotency-Key header idem_begin just calls proceed, and the
 * idem_send_* are the http_send_*. With one (1 to 255 printable ASCII
 * characters, else 400 invalid, field "Idempotency-Key"), the key is
 * stored in Postgres (table idempotency_key) under the route's scope
 * (idem_scope: the route and the account, or the client's address when
 * nobody is logged in), with the SHA-256 of the method, path and body:
 *
 *   first time                    proceed runs; its answer is stored
 *   same key, same request, done  the stored status and body again, with
 *                                 Idempotent-Replayed: true; proceed
 *                                 does not run
 *   same key, another request     422 idempotency_key_reused
 *   same key, still running       409 request_in_progress
 *
 * What is stored is the status and the JSON body, nothing else: a replay
 * carries no Set-Cookie or other header of the first answer. Answers of
 * 400-499 are stored; 5xx ones are not (the key is released so the client
 * may retry). Keys are kept 24 hours; after that the same key starts
 * afresh. A key whose first request never answered (the client left
 * while it ran) counts as running for IDEM_STALE_SECONDS, then is free
 * again.
 *
 * Loop thread only. */
#ifndef REDLIGHT_IDEM_H
#define REDLIGHT_IDEM_H

#include "web/http.h"

#define IDEM_KEY_MAX 255
#define IDEM_KEEP_HOURS 24
#define IDEM_STALE_SECONDS 60

/* Go on with the request: the key (if any) is ours now. */
typedef void (*idem_cb)(struct http_server *srv, h2o_req_t *req, void *arg);

/* idem_scope: "ROUTE user:USER_ID", or "ROUTE ip:CLIENT" when user_id is
 * NULL or "", in req's pool. route names the route, like
 * "POST /api/holds". Cannot fail. */
const char *idem_scope(h2o_req_t *req, const char *route, const char *user_id);

/* idem_begin: apply req's Idempotency-Key under scope as described above,
 * then call proceed (possibly before idem_begin returns), or answer req
 * itself (400, 409, 422, a replay, or 503 when Postgres fails) and not
 * call it. Call it at most once per request; scope is copied. proceed
 * does not run when the client leaves first. */
void idem_begin(struct http_server *srv, h2o_req_t *req, const char *scope, idem_cb proceed,
    void *arg);

/* idem_send_json: answer req with status and json (len bytes, copied),
 * storing them under the request's key first when it has one (a 5xx
 * releases the key instead). If storing fails the answer is still sent;
 * the key then stays "running" until IDEM_STALE_SECONDS pass. */
void idem_send_json(h2o_req_t *req, int status, const char *json, size_t len);

/* idem_send_error: http_send_error, through idem_send_json. */
void idem_send_error(h2o_req_t *req, int status, const char *code, const char *field,
    const char *message);

/* idem_send_err: http_send_err, through idem_send_json. */
void idem_send_err(h2o_req_t *req, const struct err *e);

#endif
