/* auth.h: who is asking. Session cookies, the actor behind them, the
 * same-origin rule for requests that carry them, and password hashing off
 * the loop.
 *
 * A session is 32 random bytes. The browser holds them, base64url, in the
 * cookie
 *   rl_session=TOKEN; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000
 * (and Secure when conf.public_url is https:// or the request came over
 * TLS); Postgres holds only their SHA-256 (session.token_hash), with
 * expires_at 30 days after the login. A stolen database therefore logs
 * nobody in. Sessions do not slide: after 30 days the artist logs in again.
 *
 * How a route that needs the artist uses this (web/route-holds.c, say):
 *
 *   static void
 *   holds_post(struct http_server *srv, h2o_req_t *req, const struct http_params *p)
 *   {
 *           if (!auth_origin_check(req, srv->conf))    // 403 when cross-site
 *                   return;
 *           auth_require(srv, req, holds_with_actor, NULL);   // 401 when nobody
 *   }
 *
 *   static void
 *   holds_with_actor(struct http_server *srv, h2o_req_t *req,
 *       const struct auth_actor *actor, void *arg)
 *   {
 *           if (!ratelimit_allow(srv, req, RATELIMIT_HOLDS, actor->user_id))
 *                   return;                             // 429
 *           if ((obj = body_json(srv, req)) == NULL)
 *                   return;                             // 400/413/415
 *           ...read and check fields; on error http_send_err(req, &e)...
 *           idem_begin(srv, req, idem_scope(req, "POST /api/holds", actor->user_id),
 *               holds_go, st);                          // then answer with idem_send_*
 *   }
 *
 * Everything here runs on the loop thread. */
#ifndef REDLIGHT_AUTH_H
#define REDLIGHT_AUTH_H

#include "web/http.h"

#define AUTH_COOKIE "rl_session"
#define AUTH_TOKEN_BYTES 32
#define AUTH_SESSION_DAYS 30

/* A logged-in account. Lives in the request's pool: valid, unchanged,
 * until the request ends. */
struct auth_actor {
	char user_id[37];     /* app_user.id, a UUID */
	char email[256];
	char name[128];
	char role[16];        /* "artist", "staff" or "admin" */
	char staff_id[37];    /* staff.id when the account is a staff member, else "" */
};

/* The actor behind a request: NULL when there is no valid session. */
typedef void (*auth_cb)(struct http_server *srv, h2o_req_t *req,
    const struct auth_actor *actor, void *arg);

/* auth_actor: resolve req's rl_session cookie to its account and call cb
 * with it, or with NULL when there is no cookie, it is malformed, or its
 * session is unknown or expired. The first call of a request asks
 * Postgres; later calls in the same request reuse the answer, and like a
 * request without a cookie, call cb before auth_actor returns. When
 * Postgres fails, auth_actor answers req itself (503
 * database_unavailable) and cb never runs; nor does it when the client
 * leaves first. */
void auth_actor(struct http_server *srv, h2o_req_t *req, auth_cb cb, void *arg);

/* auth_require: auth_actor for routes that need a login: answers 401
 * unauthorized "log in first" itself when there is nobody, so cb always
 * gets an actor. */
void auth_require(struct http_server *srv, h2o_req_t *req, auth_cb cb, void *arg);

/* auth_user_json: {"id":...,"email":...,"name":...,"role":...} of a, in
 * pool. Cannot fail. */
h2o_iovec_t auth_user_json(h2o_mem_pool_t *pool, const struct auth_actor *a);

/* ---- cross-site requests ---- */

/* auth_origin_same: whether req says it comes from our own origin: 1 when
 * its Origin header (or, when it has none, its Referer) names the same
 * scheme://host:port as conf.public_url, or, when public_url is unset, as
 * the request itself (its scheme and Host header); 0 when it names
 * another ("null" included); -1 when req has neither header. Default
 * ports are implied (http://h is http://h:80) and scheme and host compare
 * without case. Cannot fail. */
int auth_origin_same(h2o_req_t *req, const struct conf *c);

/* auth_origin_ok: the CSRF rule. 1 when req may go on: it is a GET, HEAD or
 * OPTIONS, or it carries no rl_session cookie (then it acts for nobody),
 * or auth_origin_same says 1. 0 otherwise: a POST, PUT, PATCH or DELETE
 * with our cookie and a foreign or missing Origin and Referer, which the
 * route refuses (auth_origin_check does). SameSite=Lax already keeps the
 * cookie off most cross-site POSTs; this also covers older browsers and
 * sibling subdomains. Cannot fail. */
int auth_origin_ok(h2o_req_t *req, const struct conf *c);

/* auth_origin_check: auth_origin_ok, answering a refusal with 403
 * forbidden "cross-site request refused". Returns 1 when the route goes
 * on, 0 when req has been answered. */
int auth_origin_check(h2o_req_t *req, const struct conf *c);

/* ---- sessions ---- */

/* The outcome of a session change: e NULL on success. req is alive. */
typedef void (*auth_session_cb)(struct http_server *srv, h2o_req_t *req,
    const struct err *e, void *arg);

/* auth_session_start: open a session for user_id (a new random token,
 * stored hashed with the client's address and User-Agent; the account's
 * expired sessions are swept in the same statement) and add its
 * Set-Cookie to req's response headers, then call cb. On failure (e set)
 * no cookie is added. cb does not run when the client leaves first. */
void auth_session_start(struct http_server *srv, h2o_req_t *req, const char *user_id,
    auth_session_cb cb, void *arg);

/* auth_session_end: delete the session req's cookie names, if any, and add
 * a Set-Cookie that clears the cookie, then call cb. Without a cookie
 * nothing is deleted and cb runs before this returns. */
void auth_session_end(struct http_server *srv, h2o_req_t *req, auth_session_cb cb, void *arg);

/* ---- passwords, on libuv's thread pool ----
 *
 * argon2id (crypto_pwhash_str, libsodium's interactive limits: about
 * 64 MiB and 50-100 ms each) would stall every other request if run on
 * the loop, so these queue the work on libuv's thread pool
 * (UV_THREADPOOL_SIZE threads, 4 by default) and call back on the loop.
 * When the client leaves first the work finishes unseen and cb never
 * runs. */

/* Too many hashes already waiting: a route should answer 503 rather than
 * queue more behind them. */
#define AUTH_PASSWORD_QUEUE_MAX 64

/* auth_password_busy: 1 when AUTH_PASSWORD_QUEUE_MAX hashes or checks are
 * already queued or running, else 0. The route answers 503 then, with
 * auth_send_busy. */
int auth_password_busy(void);

/* auth_send_busy: answer 503 busy "the server is busy; try again shortly"
 * with Retry-After: 1. */
void auth_send_busy(h2o_req_t *req);

/* hash is the argon2id string on success, borrowed for the call; NULL
 * when hashing ran out of memory. */
typedef void (*auth_hash_cb)(struct http_server *srv, h2o_req_t *req, const char *hash,
    void *arg);

/* auth_password_hash: hash password (copied at once) and call cb. */
void auth_password_hash(struct http_server *srv, h2o_req_t *req, const char *password,
    auth_hash_cb cb, void *arg);

/* ok is 1 when the password matches. */
typedef void (*auth_verify_cb)(struct http_server *srv, h2o_req_t *req, int ok, void *arg);

/* auth_password_verify: check password against hash (both copied at once)
 * and call cb. hash NULL or "" (no such account, or one without a
 * password) checks against a dummy hash instead and always fails, taking
 * as long as a real check, so timing does not tell which emails have
 * accounts. */
void auth_password_verify(struct http_server *srv, h2o_req_t *req, const char *hash,
    const char *password, auth_verify_cb cb, void *arg);

#endif
