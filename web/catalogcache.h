/* catalogcache.h: the studio's public catalogue, rooms and services (the
 * single JSON cells of DB_ROOMS_JSON_SQL and DB_SERVICES_JSON_SQL), kept
 * in memory by redlightd for GET /api/rooms, GET /api/services and the
 * booking page's boot data (web/page.c).
 *
 * Loaded by one asynchronous query on first use and kept while the change
 * listener is up, until a notice that may concern it (any notice without
 * a range: rooms, services, settings...; see web/listen.c), the listener
 * dropping, or CATALOGCACHE_MAX_AGE_MS (the room trigger fires for name,
 * tags and active only, so a colour or description change waits for the
 * age). Requests that arrive while it loads wait for that one query.
 *
 * Everything runs on the loop thread. */
#ifndef REDLIGHT_CATALOGCACHE_H
#define REDLIGHT_CATALOGCACHE_H

#include <json-c/json.h>
#include <stddef.h>

#include "web/http.h"

#define CATALOGCACHE_MAX_AGE_MS (60 * 1000)

/* What a callback may read, borrowed for the callback's duration only. */
struct catalogcache_view {
	const char *rooms;            /* {"rooms":[...]}, as GET /api/rooms */
	size_t rooms_len;
	const char *services;         /* {"services":[...]}, as GET /api/services */
	size_t services_len;
	struct json_object *room_list;    /* the parsed arrays */
	struct json_object *service_list;
};

/* Called exactly once with the view (e NULL) or an error (view NULL), unless
 * the client left first, then never. */
typedef void (*catalogcache_cb)(h2o_req_t *req, const struct catalogcache_view *v,
    const struct err *e, void *arg);

/* catalogcache_get: the catalogue for req; cb may run before this returns
 * (cached, or the database is down). Cannot fail otherwise. */
void catalogcache_get(struct http_server *srv, h2o_req_t *req, catalogcache_cb cb, void *arg);

struct catalogcache;

/* catalogcache_new: an empty cache reading through srv->db. The caller's
 * (catalogcache_free). Cannot fail. */
struct catalogcache *catalogcache_new(struct http_server *srv);

/* catalogcache_free: drop the catalogue and forget every waiting request
 * (their callbacks never run). Call before pgpool_free. NULL is a no-op. */
void catalogcache_free(struct catalogcache *c);

/* catalogcache_invalidate: something it may hold changed, or the listener
 * went up or down: drop it (a load under way is loaded again before anyone
 * waiting sees it). NULL is a no-op. Cannot fail. */
void catalogcache_invalidate(struct catalogcache *c);

#endif
