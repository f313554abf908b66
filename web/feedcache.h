/* feedcache.h: the staff calendar feeds, kept in memory by redlightd
 * (GET /api/calendar/ics/staff/STAFF_ID.ics, web/route-staff-feed.c).
 *
 * Two things are cached, each loaded by one asynchronous query on first
 * use and kept while the change listener is up (web/listen.c):
 *   - every active staff member's feed token (DB_FEED_TOKENS_SQL), so a
 *     request is checked without the database, in constant time, and a
 *     wrong token, a rotated one or an unknown staff id do the same work
 *     and get the same answer;
 *   - each staff member's feed, as built (core/feed.h: its bytes and
 *     ETag) with its Last-Modified (DB_FEED_SEEN_SQL, which never goes
 *     back), once someone asked for it with the right token.
 * A notice {"entity":"staff_feed","id":ID} drops that feed;
 * "staff_token" drops it and the tokens; any notice without a range
 * (rooms, settings, staff...) and the listener going up or down drop
 * everything. A feed is also rebuilt after FEEDCACHE_MAX_AGE_MS, since
 * its window moves with the clock (and an artist renamed sends no
 * notice). Requests for something being loaded wait for that one query.
 *
 * Building a feed is CPU only (libical), bounded by its window, and timed
 * by tools/bench (1,000 events); everything runs on the loop thread. */
#ifndef REDLIGHT_FEEDCACHE_H
#define REDLIGHT_FEEDCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/feed.h"
#include "web/http.h"

#define FEEDCACHE_MAX_AGE_MS (5 * 60 * 1000)

/* A staff id as text: a uuid's 36 characters and the NUL. */
#define FEEDCACHE_ID_SIZE 37

/* What a callback may read, borrowed for the callback's duration only. */
struct feedcache_view {
	const char *text;             /* the iCalendar document */
	size_t len;
	const char *etag;             /* '"...32 hex..."' */
	int64_t modified;             /* Last-Modified, epoch seconds */
};

/* Called exactly once with the view (e NULL) or an error (view NULL):
 * ERR_NOT_FOUND when the staff id and token do not name a feed, whatever
 * the reason; unless the client left first, then never. */
typedef void (*feedcache_cb)(h2o_req_t *req, const struct feedcache_view *v, const struct err *e,
    void *arg);

/* feedcache_get: the feed of staff member staff_id (any text) for a
 * request carrying token (tlen bytes, any). cb may run before this
 * returns. Cannot fail otherwise. */
void feedcache_get(struct http_server *srv, h2o_req_t *req, const char *staff_id, const char *token,
    size_t tlen, feedcache_cb cb, void *arg);

struct feedcache;

/* feedcache_new: an empty cache reading through srv->db. The caller's
 * (feedcache_free). Cannot fail. */
struct feedcache *feedcache_new(struct http_server *srv);

/* feedcache_free: drop everything and forget every waiting request (their
 * callbacks never run). Call before pgpool_free. NULL is a no-op. */
void feedcache_free(struct feedcache *c);

/* feedcache_notice: a change notice of entity about id (may be NULL);
 * has_range as the listener read it. Drops what it may have made stale.
 * NULL c is a no-op. Cannot fail. */
void feedcache_notice(struct feedcache *c, const char *entity, const char *id, int has_range);

/* feedcache_drop: the listener went up or down: drop everything. NULL is
 * a no-op. Cannot fail. */
void feedcache_drop(struct feedcache *c);

#endif
