/* idem.h: the Idempotency-Key header, for every route that changes
 * something (ARCHITECTURE.md, "The API's conventions"). A client that retries a request it
 * never saw answered sends the same key and gets the first answer again
 * instead of a second booking, even when redlightd died on the way.
 *
 * A route checks what is cheap and certain first (rate limit, origin,
 * login, the body's shape and fields) and answers those failures with
 * http_send_*; they are not stored (as at Stripe: a request that fails
 * validation did not start). Then it calls idem_begin and answers, from
 * the proceed callback onwards, only with idem_send_json / idem_send_error
 * / idem_send_err, and sends its changes with http_write.
 *
 * With no Idempotency-Key header idem_begin just calls proceed, http_write
 * is http_query and the idem_send_* are the http_send_*. With one (1 to
 * 255 printable ASCII characters, else 400 invalid, field
 * "Idempotency-Key"), the answer is kept in Postgres (table
 * idempotency_key) under the route's scope (idem_scope: the route and the
 * account, or the client's address when nobody is logged in), with the
 * SHA-256 of the method, path and body:
 *
 *   first time                    proceed runs; its answer is stored
 *   same key, same request        the stored status and body again, with
 *                                 Idempotent-Replayed: true; proceed
 *                                 does not run
 *   same key, another request     422 idempotency_key_reused
 *
 * The key is looked up lazily: proceed runs at once, the lookup goes in
 * the same round trip as the first write (before it, in its transaction),
 * or, when the request writes nothing, just before its answer is stored.
 * Either way a stored answer wins: the run is rolled back and that answer
 * replayed, and the route's statement callback does not run.
 *
 * Crash safety: the first http_write of a keyed request opens a
 * transaction on one pooled connection (web/pgpool.h, a pin); every
 * statement of the request runs in it from then on, and idem_send_*
 * inserts the answer under the key and COMMITs before the client hears
 * it. The BEGIN goes with the first write, the COMMIT with the answer's
 * insert, each pair in one round trip (pgpool_pin_query_tx); the insert
 * fails (RL409) when a concurrent duplicate answered first, so that
 * COMMIT commits nothing. The change and its answer commit together or not at all: a retry
 * after redlightd died gets the stored answer, or, when nothing
 * committed, runs once. A request that changed nothing stores its answer
 * on its own. A statement that fails rolls the transaction back (the
 * next write opens another), as does a 5xx answer (never stored: the
 * client may retry) and a client that leaves before the answer.
 *
 * No row is written before the answer, so there is no "running" state: a
 * concurrent duplicate runs too, and the first answer stored wins (the
 * primary key makes the later insert wait for the earlier transaction);
 * the loser rolls its change back and replays the winner's answer.
 *
 * What is stored is the status and the JSON body, nothing else: a replay
 * carries no Set-Cookie or other header of the first answer. Answers of
 * 400-499 are stored. Keys are kept IDEM_KEEP_HOURS; after that the same
 * key starts afresh.
 *
 * Loop thread only. */
#ifndef REDLIGHT_IDEM_H
#define REDLIGHT_IDEM_H

#include "web/http.h"

#define IDEM_KEY_MAX 255
#define IDEM_KEEP_HOURS 24

/* Go on with the request: the key (if any) is ours now. */
typedef void (*idem_cb)(struct http_server *srv, h2o_req_t *req, void *arg);

/* idem_scope: "ROUTE user:USER_ID", or "ROUTE ip:CLIENT" when user_id is
 * NULL or "", in req's pool. route names the route, like
 * "POST /api/holds". Cannot fail. */
const char *idem_scope(h2o_req_t *req, const char *route, const char *user_id);

/* idem_begin: apply req's Idempotency-Key under scope as described above:
 * call proceed (before idem_begin returns), or answer req itself (400 for
 * a malformed key) and not call it; a replay, a 422 or a 503 comes later,
 * instead of the route's answer. Call it at most once per request; scope is copied. proceed
 * does not run when the client leaves first. */
void idem_begin(struct http_server *srv, h2o_req_t *req, const char *scope, idem_cb proceed,
    void *arg);

/* What a route does with its answer instead of sending it as it is: for
 * an answer that adds what happens after its change commits (a booking's
 * PaymentIntent, made by the worker: web/paywait.h). status and json (len
 * bytes, borrowed for the call) are the answer the route gave, once it is
 * stored and committed under the key, or without a key once it is given,
 * or the key's stored answer on a replay (replayed 1, the
 * Idempotent-Replayed header already set). It answers req exactly once,
 * with http_send_* (never idem_send_*: what is stored stays as it was). */
typedef void (*idem_then_cb)(h2o_req_t *req, int status, const char *json, size_t len, int replayed,
    void *arg);

/* idem_begin_then: idem_begin, with every answer (the route's own, with
 * or without a key, and a replay) going through then; arg goes to both
 * proceed and then. A refusal of the key itself (400, 422, 503) does not. */
void idem_begin_then(struct http_server *srv, h2o_req_t *req, const char *scope, idem_cb proceed,
    idem_then_cb then, void *arg);

/* idem_query: run sql for req in its key's transaction when req has a
 * claimed key and either a transaction is open or write is set (opening
 * one, with the key's lookup); cb then runs exactly once, unless the
 * client leaves first or the lookup finds the key answered (then req gets
 * that answer instead), and idem_query returns 1. Otherwise it returns 0 and does nothing.
 * http_query and http_write call it; routes need not. */
int idem_query(h2o_req_t *req, int write, const char *sql, int nparams,
    const char *const *params, http_query_cb cb, void *arg);

/* idem_send_json: answer req with status and json (len bytes, copied),
 * storing them under the request's key first when it has one, in the
 * transaction of its change (committed before the answer goes). A 5xx is
 * not stored and rolls the change back. When storing fails, the change
 * (if any) is rolled back and the answer is 503 instead, even when nothing
 * changed: a retry run afresh could answer otherwise. */
void idem_send_json(h2o_req_t *req, int status, const char *json, size_t len);

/* idem_send_error: http_send_error, through idem_send_json. */
void idem_send_error(h2o_req_t *req, int status, const char *code, const char *field,
    const char *message);

/* idem_send_err: http_send_err, through idem_send_json. */
void idem_send_err(h2o_req_t *req, const struct err *e);

#endif
