/* http.h: what redlightd's route files build on.
 *
 * A route family is one file (web/route-NAME.c) exporting one table of
 * struct http_route, ended by an entry whose method is NULL, and keeping
 * its handlers static; web/router.c lists the tables. A handler answers
 * with http_send_json / http_send_error, now or later; when it needs
 * Postgres it calls http_query or http_query_json, which answer later from
 * the loop and forget the request if the client leaves first.
 *
 * Everything here runs on the loop thread and must not block. */
#ifndef REDLIGHT_HTTP_H
#define REDLIGHT_HTTP_H

#include <h2o.h>
#include <libpq-fe.h>

#include "core/conf.h"
#include "core/err.h"
#include "web/pgpool.h"

/* The state every handler may read. Owned by redlightd's main. */
struct http_server {
	uv_loop_t *loop;
	const struct conf *conf;
	struct pgpool *db;        /* NULL once shutting down */
	int stopping;             /* set when a stop signal arrived */
	unsigned inflight;        /* requests begun and not yet finished */
	void (*on_idle)(struct http_server *srv); /* called when inflight drops to 0 */
	struct availcache *avail; /* availability per day (web/availcache.h) */
	struct catalogcache *catalog; /* rooms and services (web/catalogcache.h) */
	struct listener *listen;  /* LISTEN redlight_changes (web/listen.h) */
	struct events *events;    /* Server-Sent Events subscribers (web/events.h) */
	struct feedcache *feeds;  /* staff calendar feeds (web/feedcache.h) */
	struct paywait *paywait;  /* requests waiting for a PaymentIntent (web/paywait.h) */
	struct sesscache *sessions; /* sessions looked up (web/sesscache.h) */
	int process;              /* which HTTP process this is, 1 to processes */
	int processes;            /* how many serve the port (http_processes) */
};

/* ---- routes (web/router.c) ---- */

#define HTTP_MAX_PARAMS 8

/* The values of a pattern's ":name" segments, borrowed from the request's
 * path (raw, still percent-encoded; see http_param_dup). */
struct http_params {
	size_t n;
	struct {
		const char *name;     /* without the ':', pointing into the pattern */
		size_t namelen;
		h2o_iovec_t value;
	} p[HTTP_MAX_PARAMS];
};

/* A route handler: answer req (now or later, exactly once) with
 * http_send_*. params is borrowed for this call; copy what a later
 * callback needs with http_param_dup. */
typedef void (*http_handler_fn)(struct http_server *srv, h2o_req_t *req,
    const struct http_params *params);

struct http_route {
	const char *method;       /* "GET", "POST", ...; HEAD is served by GET routes */
	const char *pattern;      /* "/api/bookings/:id": literal segments, and
	                           * ":name" for one whole non-empty segment */
	http_handler_fn fn;
};

/* The route families, one per web/route-*.c. */
extern const struct http_route http_routes_health[];
extern const struct http_route http_routes_catalog[];
extern const struct http_route http_routes_auth[];
extern const struct http_route http_routes_avail[];
extern const struct http_route http_routes_events[];
extern const struct http_route http_routes_holds[];
extern const struct http_route http_routes_bookings[];
extern const struct http_route http_routes_payments[];
extern const struct http_route http_routes_staff_feed[];
extern const struct http_route http_routes_booking_ics[];
extern const struct http_route http_routes_integrations[];

/* http_route_match: 1 when path (len bytes, no query string) matches
 * pattern, filling params (may be NULL); 0 otherwise. Pure; cannot fail
 * (a pattern with more than HTTP_MAX_PARAMS parameters never matches). */
int http_route_match(const char *pattern, const char *path, size_t len,
    struct http_params *params);

/* http_param: the raw value of ":name", or { NULL, 0 } when the route has
 * no such parameter. Cannot fail. */
h2o_iovec_t http_param(const struct http_params *params, const char *name);

/* http_hex_digit: the value of hex digit c (either case), or -1. */
int http_hex_digit(int c);

/* http_param_dup: the percent-decoded value of ":name" as a NUL-terminated
 * string in req's pool (lives as long as the request), or NULL when the
 * parameter is missing or decodes to a NUL byte or bad escape. */
char *http_param_dup(h2o_req_t *req, const struct http_params *params, const char *name);

/* http_router_register: add the router as the next handler of pathconf. It
 * answers every route in the tables, 405 (with Allow) for a known path
 * with another method, 404 for other paths under /api/ and for methods
 * other than GET and HEAD; other GET and HEAD requests pass to the next
 * handler (static files). Cannot fail. */
void http_router_register(h2o_pathconf_t *pathconf, struct http_server *srv);

/* http_guard_register: add to pathconf, right after the access log's
 * prelude, a handler refusing what no route should see and a filter
 * adding the security headers to every answer (web/guard.c):
 *   400 bad_framing  two different Content-Length headers, Content-Length
 *                    with Transfer-Encoding, a Transfer-Encoding other
 *                    than one "chunked" (RFC 9112 section 6.3), or a
 *                    header folded over two lines (section 5.2); the
 *                    connection is closed after the answer, so the rest of
 *                    what was sent is never read as a request
 *   404 not_found    a path that, percent-decoded, holds a NUL, a
 *                    backslash or a ".." segment
 * and on every answer X-Content-Type-Options: nosniff, Referrer-Policy:
 * same-origin, a Permissions-Policy turning off the devices and the
 * Payment Request API (see http_guard_payments),
 * and, unless the handler set its own (the page does), a
 * Content-Security-Policy: default-src 'none' for JSON and event streams,
 * 'self' for static files, frame-ancestors 'none' on both. Cannot fail. */
void http_guard_register(h2o_pathconf_t *pathconf);

/* http_guard_payments: with pay (the configuration, when payments are
 * on) the Permissions-Policy lets this origin and stripe_js_url's use the
 * Payment Request API (payment=(self "ORIGIN")), for Stripe's wallets;
 * with NULL, payment=(). For every answer of the process; call it before
 * the server answers. Cannot fail. */
void http_guard_payments(const struct conf *pay);

/* http_guard_register_filter: the filter alone, for the host's fallback
 * path, to which h2o binds the refusals it makes before any path is
 * chosen (a body over max_body_bytes, a broken chunked body): these, and
 * any other text/plain error of h2o's, go out as the JSON error shape
 * with the headers above. Cannot fail. */
void http_guard_register_filter(h2o_pathconf_t *pathconf);

/* http_notfound_register: add a last handler answering the JSON 404. */
void http_notfound_register(h2o_pathconf_t *pathconf);

/* ---- responses (web/response.c) ---- */

/* http_send_json: answer with status and the JSON document json (len
 * bytes, copied), Content-Type application/json. HEAD gets no body. */
void http_send_json(h2o_req_t *req, int status, const char *json, size_t len);

/* http_gzip: the n bytes at in as a gzip stream (RFC 1952), malloc'd,
 * its length in *outlen; NULL when zlib fails (then send it plain).
 * Cannot fail otherwise. */
char *http_gzip(const char *in, size_t n, size_t *outlen);

/* http_accepts_gzip: whether req's Accept-Encoding takes gzip. */
int http_accepts_gzip(h2o_req_t *req);

/* http_send_json_gz: http_send_json (200) of the document json, sending
 * gz (its gzip stream, gzlen bytes; NULL: none) instead, with
 * Content-Encoding: gzip, when the request accepts gzip. Either way with
 * Vary: Accept-Encoding. Neither is copied: both must stay valid until
 * req is disposed (web/availcache.h's answers do, held by the request:
 * availcache_answer_hold). */
void http_send_json_gz(h2o_req_t *req, const char *json, size_t len, const char *gz,
    size_t gzlen);

/* http_compress_register: compress what the handlers of pathconf send,
 * when the client accepts gzip (h2o's filter: Content-Encoding and Vary;
 * an answer that already has a Content-Encoding passes untouched). */
void http_compress_register(h2o_pathconf_t *pathconf);

/* http_send_body: answer with status, Content-Type type (a static string)
 * and the n buffers of body (which must live as long as req: its pool, or
 * static), never stored (Cache-Control: no-store). HEAD gets the length
 * and no body. */
void http_send_body(h2o_req_t *req, int status, const char *type, h2o_iovec_t *body, size_t n);

/* http_send_cached: http_send_body with Cache-Control cache_control (a
 * static string) instead of no-store, and no Content-Type when type is
 * NULL; a 304 goes out without a body. */
void http_send_cached(h2o_req_t *req, int status, const char *type, const char *cache_control,
    h2o_iovec_t *body, size_t n);

/* http_send_error: answer status with {"error":{"code":code,"message":
 * message[,"field":field]}}. field may be NULL or "". */
void http_send_error(h2o_req_t *req, int status, const char *code, const char *field,
    const char *message);

/* http_error_json: {"error":{"code":code,"message":message[,"field":
 * field]}} in pool; message is mlen bytes (escaped as http_json_quote
 * does). Cannot fail. */
h2o_iovec_t http_error_json(h2o_mem_pool_t *pool, const char *code, const char *field,
    const char *message, size_t mlen);

/* http_send_err: answer e with the status and name core/err.h's table maps
 * its code (and reason: err_api_name) to. Database, I/O and internal errors are logged with the request id and
 * answered with a generic message rather than the server's details. */
void http_send_err(h2o_req_t *req, const struct err *e);

/* http_json_quote: s (len bytes) as a JSON string literal with its quotes,
 * allocated from pool. Control characters and bytes that are not ASCII are
 * escaped (\u00XX); valid UTF-8 passes through and other bytes become
 * U+FFFD, so the result is always valid JSON. Cannot fail. */
h2o_iovec_t http_json_quote(h2o_mem_pool_t *pool, const char *s, size_t len);

/* ---- asynchronous queries (web/query.c) ---- */

/* The outcome of http_query: res on success (e NULL) or e on failure (res
 * NULL), both borrowed for the call. req is alive. */
typedef void (*http_query_cb)(h2o_req_t *req, const PGresult *res, const struct err *e,
    void *arg);

/* http_query: run sql with text params (copied) on the pool for req, in
 * req's Idempotency-Key transaction when one is open (web/idem.h). cb
 * runs exactly once, possibly before http_query returns (when the database
 * is down), unless the client leaves first: then the query is cancelled
 * and cb never runs. Cannot fail otherwise. */
void http_query(struct http_server *srv, h2o_req_t *req, const char *sql, int nparams,
    const char *const *params, http_query_cb cb, void *arg);

/* http_params_dup: copies of the n query parameters (NULL entries stay
 * NULL) in pool, for a statement sent again later. Cannot fail. */
const char **http_params_dup(h2o_mem_pool_t *pool, int n, const char *const *params);

/* http_write: http_query for a statement that changes something. Under an
 * Idempotency-Key it runs in the key's transaction (web/idem.h), so the
 * change commits with its stored answer; otherwise it is http_query. */
void http_write(struct http_server *srv, h2o_req_t *req, const char *sql, int nparams,
    const char *const *params, http_query_cb cb, void *arg);

/* http_query_json: run one of the DB_*_JSON_SQL reads and answer 200 with
 * its single cell verbatim, or with the error. */
void http_query_json(struct http_server *srv, h2o_req_t *req, const char *sql, int nparams,
    const char *const *params);

/* ---- access log and request ids (web/accesslog.c) ---- */

/* http_access_register: add to pathconf a first handler that counts the
 * request in srv->inflight and gives it an id (the client's sane
 * X-Request-Id, or 16 random hex digits), a filter that returns the id as
 * X-Request-Id, and a logger writing one line per request on stderr, JSON
 * when json is non-zero. Cannot fail. The lines of one turn of the loop
 * go out together, at most PIPE_BUF bytes a write(2) (whole lines, so
 * HTTP processes sharing one pipe never split each other's): see
 * http_access_flush. */
void http_access_register(h2o_pathconf_t *pathconf, struct http_server *srv, int json);

/* http_access_flush: write the access-log lines not yet written. The
 * server (http_server_listen) calls it before each wait for I/O and at
 * exit. */
void http_access_flush(void);

/* http_request_id: req's id. Never NULL. */
const char *http_request_id(h2o_req_t *req);

#endif
