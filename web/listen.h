/* listen.h: redlightd's LISTEN connection (ARCHITECTURE.md, "The two programs").
 *
 * One dedicated asynchronous connection (a web/pgsock.c of its own, with
 * TCP keepalives, never lent to queries) runs LISTEN redlight_changes and
 * LISTEN redlight_sessions (the latter's notices go to srv->sessions,
 * web/sesscache.h, which is dropped with the rest when the connection is).
 * Each notice (notify_change and the triggers in
 * db/functions/change-notify.sql) is JSON {entity, id, room_id, from, to}
 * with from and to as epoch seconds (or RFC 3339 text); it drops the
 * overlapping days from srv->avail and goes to the SSE subscribers in
 * srv->events. A notice without a usable range drops everything. Two
 * entities differ: "claim" (notify_claim: a room or staff claim taken or
 * released, with its owner, expiry and transaction id) updates the cached
 * days in place (availcache_claim) and goes to nobody else; "booking" and
 * "hold" go to the subscribers only, since their claims' own notices say
 * what changed.
 *
 * The connection keeps itself up (pgsock): when it fails or drops,
 * everything cached is dropped (notices sent while nobody listened are
 * lost) and it reconnects, at once when LISTEN had been in place, else
 * with exponential backoff and jitter; when LISTEN is in place again the
 * cache is told it can keep what it loads. Loop thread only. */
#ifndef REDLIGHT_LISTEN_H
#define REDLIGHT_LISTEN_H

#include "web/http.h"

#define LISTEN_CHANNEL "redlight_changes"

struct listener;

/* listen_new: start connecting to srv->conf->database_url and listening.
 * Uses srv->avail and srv->events (either may be NULL) from the loop.
 * The caller's (listen_free). Cannot fail; out of memory aborts. */
struct listener *listen_new(struct http_server *srv);

/* listen_free: disconnect. The uv handles close asynchronously: run the
 * loop once more before uv_loop_close. NULL is a no-op. */
void listen_free(struct listener *l);

/* listen_up: 1 while LISTEN is in place, else 0. Cannot fail. */
int listen_up(const struct listener *l);

#endif
