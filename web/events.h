/* events.h: Server-Sent Events for the booking page (web/route-events.c).
 *
 * GET /api/events[?room_id=UUID] keeps a response open
 * (text/event-stream) and sends, for every availability change the
 * listener hears (web/listen.h),
 *
 *   event: availability
 *   data: {"room_id":"...","from":"2027-01-04T15:00:00Z","to":"...","entity":"booking"}
 *
 * room_id, from and to are null for a change without a room or range
 * (settings, rules, services, or a listener that reconnected and may have
 * missed changes: entity "resync"); such changes reach every subscriber,
 * room-bound ones only those that asked for that room or for none. A
 * comment line ": ping" every EVENTS_PING_MS keeps proxies from closing an
 * idle stream. A subscriber that falls more than EVENTS_MAX_PENDING bytes
 * behind is ended (its EventSource reconnects and refetches).
 *
 * At most conf.max_event_streams streams are open at once, and
 * conf.max_event_streams_per_client from one client address (as
 * ratelimit_client tells them apart); a stream past either is refused
 * with 429 rate_limited and Retry-After: EVENTS_RETRY_AFTER, so one
 * client cannot take every slot. A stream ends as soon as its client
 * closes the connection (HTTP/1: redlightd watches the socket).
 *
 * Loop thread only. */
#ifndef REDLIGHT_EVENTS_H
#define REDLIGHT_EVENTS_H

#include <stdint.h>

#include "web/http.h"

#define EVENTS_PING_MS 15000
#define EVENTS_MAX_PENDING (64 * 1024)
#define EVENTS_RETRY_AFTER "30"    /* seconds, for a refused stream */

/* One change, as the listener parsed it. */
struct events_change {
	const char *entity;     /* "booking", "hold", "schedule_rule", "resync", ... */
	const char *room_id;    /* NULL: no room (or every room) */
	int has_range;          /* 0: from and to are unknown */
	int64_t from, to;       /* UTC seconds */
};

struct events;

/* events_new: no subscribers yet; starts the ping timer on srv->loop. The
 * caller's (events_free). Cannot fail. */
struct events *events_new(struct http_server *srv);

/* events_free: forget every subscriber (their streams are left to the
 * process's exit) and close the timer. NULL is a no-op. */
void events_free(struct events *ev);

/* events_publish: queue ch for every subscriber it concerns. Cannot fail. */
void events_publish(struct events *ev, const struct events_change *ch);

/* events_shutdown: end every stream (after the chunk each is sending) and
 * refuse new ones, so a stopping server is not kept waiting by them.
 * NULL is a no-op. */
void events_shutdown(struct events *ev);

/* events_count: subscribers now. Cannot fail. */
size_t events_count(const struct events *ev);

#endif
