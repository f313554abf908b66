/* page.h: the booking page's HTML (web/static/index.html), served with
 * its boot data.
 *
 * redlightd reads index.html once, at start, and answers GET and HEAD of
 * the page's addresses (/, /availability, /book..., /me..., /receipt...)
 * with it, putting at its marker (PAGE_MARKER) a
 * <script id="rl-boot" type="application/json"> holding what the page
 * would fetch first: {generated_at (ms since the epoch), settings (as GET
 * /api/settings/public), rooms (as GET /api/rooms), services (as GET
 * /api/services)} and, for /availability, search: {query, answer}, the
 * search its address names (date, svc, dur, room, skill) or the page's
 * defaults (today, its default service and duration) with the answer of
 * POST /api/availability/search. Everything comes from the day and
 * catalogue caches, so the loop never waits; when they cannot answer (the
 * database is down) the page goes out without boot data, and a bad query
 * leaves the search out. The page is never refused for its query. It is
 * sent with Cache-Control: no-store. */
#ifndef REDLIGHT_PAGE_H
#define REDLIGHT_PAGE_H

#include "core/err.h"
#include "web/http.h"

#define PAGE_MARKER "<!--rl-boot-->"

/* page_load: read static_dir/index.html for page_register (at start: it
 * blocks); pay is the configuration when payments are on (the policy then
 * lets the card step in), else NULL. Fails with ERR_IO when the file
 * cannot be read; the page then cannot be registered. A file without the
 * marker is served as it is. */
int page_load(const char *static_dir, const struct conf *pay, struct err *e);

/* page_csp: the page's Content-Security-Policy, built by page_load: its
 * inline scripts and styles allowed by their SHA-256 (the boot data is a
 * JSON script, which a browser does not run), connect-src 'self',
 * frame-ancestors 'none', nothing else from anywhere; with payments also
 * script-src 'self' (web/static/pay.js) and the origin of stripe_js_url,
 * frame-src that origin, connect-src it and stripe_api_base's. NULL before
 * page_load succeeded. web/guard.c sends it with every HTML answer.
 * Cannot fail. */
const char *page_csp(void);

/* page_origin: the origin (scheme://host[:port]) of an http(s) URL into
 * out (size bytes), or "" when url is not one, its host has a byte that
 * has no place in a policy, or it does not fit. Cannot fail. */
void page_origin(const char *url, char *out, size_t size);

/* page_register: add to pathconf a handler answering GET and HEAD with
 * the page read by page_load: for every path under pathconf, or with
 * root_only for "/" and "/index.html" alone (others go on to the next
 * handler). Call only after page_load succeeded. Cannot fail. */
void page_register(h2o_pathconf_t *pathconf, struct http_server *srv, int root_only);

#endif
