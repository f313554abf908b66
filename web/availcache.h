/* availcache.h: availability data per studio-local day, kept in memory by
 * redlightd.
 *
 * A day's data (DB_AVAIL_JSON_SQL over avail_day_range) is loaded
 * asynchronously on first use, parsed once, and served to every request
 * until a change notice on the 'redlight_changes' channel (LISTEN, see
 * notify_change in db/migrations/0002_booking_api.sql) overlaps its range,
 * or any notice without a range arrives (settings, rules, rooms, staff,
 * services), or the listening connection drops (then everything is
 * reloaded: a listener that was away may have missed notices). The studio's
 * settings (DB_SETTINGS_JSON_SQL) and zone are cached the same way.
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

#endif
