/* availcache.h: availability data per studio-local day, kept in memory by
 * redlightd.
 *
 * A day's data (DB_AVAIL_SNAPSHOT_JSON_SQL over avail_day_range) is loaded
 * asynchronously on first use, together with the days after it that are
 * not cached yet (up to a month in all, only days that could offer a
 * slot, in one query over their joint range), parsed once, shared by the
 * days of that load, and served to every request
 * until a change notice on the 'redlight_changes' channel (LISTEN, see
 * db/functions/change-notify.sql) overlaps its range, or any notice
 * without a range arrives (settings, rules, rooms, staff, services), or
 * the listening connection drops (then everything is reloaded: a
 * listener that was away may have missed notices). A claim taken or
 * released (availcache_claim) is applied to the loaded data instead, when
 * it can be exactly. The studio's settings (DB_SETTINGS_JSON_SQL) and zone
 * are cached the same way.
 *
 * Everything runs on the loop thread. */
#ifndef REDLIGHT_AVAILCACHE_H
#define REDLIGHT_AVAILCACHE_H

#include <stdint.h>

#include "core/avail.h"
#include "core/settings.h"
#include "core/tz.h"
#include "web/http.h"

/* What a callback may read; borrowed for the callback's duration only
 * (a later invalidation frees it: copy what must outlive the call). */
struct availcache_view {
	const struct avail_data *data;        /* covers the asked local day */
	const struct studio_settings *settings;
	const struct tz *tz;                  /* the studio's zone */
	int year, month, day;                 /* the local day it covers */
	struct ac_day *day_entry;             /* the cache's own (answers below) */
};

/* Called exactly once with the view (e NULL) or an error (view NULL), unless
 * the client left first, then never. */
typedef void (*availcache_cb)(h2o_req_t *req, const struct availcache_view *v,
    const struct err *e, void *arg);

/* availcache_day: the data for studio-local day y-m-d (ERR_INVALID "date"
 * when it does not exist). */
void availcache_day(struct http_server *srv, h2o_req_t *req, int y, int m, int d,
    availcache_cb cb, void *arg);

/* availcache_at: the data for the studio-local day containing instant. */
void availcache_at(struct http_server *srv, h2o_req_t *req, int64_t instant,
    availcache_cb cb, void *arg);

/* availcache_settings: the studio's settings and zone alone; the view's
 * data is NULL and its date 0-0-0. */
void availcache_settings(struct http_server *srv, h2o_req_t *req, availcache_cb cb, void *arg);

/* ---- built answers kept with their day ----
 *
 * A route may keep the answer it built for a query on the view's day, under
 * a key naming the whole query, until the clock could change it
 * (valid_until, UTC seconds): it goes with the day, so the notices that
 * drop the day drop its answers. At most AVAILCACHE_MAX_ANSWERS per day,
 * least recently used first out, so queries cannot grow memory without
 * bound. */

#define AVAILCACHE_MAX_ANSWERS 16
#define AVAILCACHE_MAX_KEY 256

struct availcache_answer {
	char key[AVAILCACHE_MAX_KEY];
	char *body;                 /* the answer, the entry's */
	size_t len;
	char *gz;                   /* body as gzip, packed once when first asked for
	                             * (availcache_answer_gzip); NULL: not yet, or none */
	size_t gzlen;
	int gz_tried;
	int64_t built_at, valid_until;
};

/* availcache_answer_find: the answer kept for key on v's day, still valid
 * at now, or NULL. Borrowed like the view. Cannot fail. */
const struct availcache_answer *availcache_answer_find(const struct availcache_view *v,
    const char *key, int64_t now);

/* availcache_answer_keep: keep body (len bytes, taken over: freed with the
 * entry) as key's answer on v's day, built at now and valid until
 * valid_until (its gzip form is made when first asked for); returns the entry, borrowed
 * like the view. key must be shorter than AVAILCACHE_MAX_KEY. Cannot
 * fail. */
const struct availcache_answer *availcache_answer_keep(const struct availcache_view *v,
    const char *key, char *body, size_t len, int64_t now, int64_t valid_until);

/* availcache_answer_gzip: a's body as gzip (its length in *len), packed
 * the first time it is asked for and kept with a; NULL when zlib fails or
 * it would not be smaller (send the body). Cannot fail otherwise. */
const char *availcache_answer_gzip(const struct availcache_answer *a, size_t *len);

/* availcache_answer_hold: keep a alive, bytes included, until req is
 * disposed (h2o has sent it), whatever the cache does with it meanwhile:
 * send a's bytes by reference after this. Cannot fail. */
void availcache_answer_hold(h2o_req_t *req, const struct availcache_answer *a);

/* ---- the cache itself (redlightd's main and web/listen.c) ----
 *
 * Days are kept (at most AVAILCACHE_MAX_DAYS, least recently used first
 * out, and for AVAILCACHE_MAX_AGE_MS at most, in case a writer forgot to
 * notify) only while the listener is up: loaded while it is down, a day
 * serves the requests that waited for it and is dropped. Requests for a day
 * being loaded wait for that one query. A day whose range a notice touches
 * while it loads is loaded again before anyone sees it. */

#define AVAILCACHE_MAX_DAYS 64
#define AVAILCACHE_MAX_AGE_MS (5 * 60 * 1000)

struct availcache;

/* availcache_new: an empty cache reading through srv->db, not yet trusted
 * (see availcache_listening). The caller's (availcache_free). Cannot fail. */
struct availcache *availcache_new(struct http_server *srv);

/* availcache_free: drop every day and forget every waiting request (their
 * callbacks never run). Call before pgpool_free. NULL is a no-op. */
void availcache_free(struct availcache *c);

/* availcache_listening: the listener is up (1: now listening, so what is
 * loaded from now on stays fresh) or down (0). Either way everything
 * cached so far is dropped. Cannot fail. */
void availcache_listening(struct availcache *c, int up);

/* availcache_invalidate: a change touched [from, to) (UTC seconds); drop
 * the days whose loaded range overlaps it. has_range 0: drop everything,
 * settings and zone included. Cannot fail. */
void availcache_invalidate(struct availcache *c, int has_range, int64_t from, int64_t to);

/* availcache_claim: a claim was taken or released (a "claim" notice,
 * web/listen.h) by transaction xid: the ready days whose range it
 * touches take it into their data, unless their load already saw xid
 * (the snapshot it read by), and build their answers again when next
 * asked; a change that cannot be applied exactly (the data disagrees,
 * no snapshot) drops those days instead, as availcache_invalidate does.
 * While days load, the notice is kept for their loads, which apply it
 * to what they bring unless their snapshot saw xid (or load again when
 * they cannot). Cannot fail. */
void availcache_claim(struct availcache *c, const struct avail_claim_change *ch, uint64_t xid);

/* availcache_stats: how many days are cached now, and how many loads ran
 * since the start. Any pointer may be NULL. Cannot fail. */
void availcache_stats(const struct availcache *c, size_t *days, uint64_t *loads);

#endif
