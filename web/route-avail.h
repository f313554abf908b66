/* route-avail.h: the availability answers that the booking page's boot
 * data (web/page.c) repeats, built by the code that answers the API, so
 * the two cannot differ. */
#ifndef REDLIGHT_ROUTE_AVAIL_H
#define REDLIGHT_ROUTE_AVAIL_H

#include <stdint.h>

#include "web/availcache.h"

/* route_avail_settings_json: what GET /api/settings/public answers, for
 * the studio of v at instant now; payments says whether Stripe's keys are
 * configured (the page then loads its card step, web/static/pay.js, and
 * payment_note says so). The caller's (free). Cannot fail. */
char *route_avail_settings_json(const struct availcache_view *v, int64_t now, int payments);

/* route_avail_search_answer: what POST /api/availability/search answers
 * for q over v's day at now (q->now is set here): the answer kept with the
 * day for the same query while the clock cannot have changed it, or one
 * built now and kept (web/availcache.h). On success 0 and *out borrowed
 * like the view; on failure the engine's error (ERR_INVALID,
 * ERR_NOT_FOUND...) and *out is untouched. */
int route_avail_search_answer(const struct availcache_view *v, struct avail_query *q, int64_t now,
    const struct availcache_answer **out, struct err *e);

#endif
