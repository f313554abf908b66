/* feed.h: a staff member's calendar feed (GET
 * /api/calendar/ics/staff/STAFF_ID.ics): their bookings as one iCalendar
 * document (METHOD:PUBLISH, refreshed every FEED_REFRESH_MINUTES), and
 * the strong ETag of its bytes.
 *
 * Each booking is one VEVENT whose UID is the artist's invite's
 * (ics_booking_uid), so a person who has both sees one event; SEQUENCE is
 * the invite's too. DTSTAMP is the booking's last change rather than the
 * time of the build, so the same bookings always give the same bytes and
 * the same ETag. A canceled booking is STATUS:CANCELLED. No ORGANIZER or
 * ATTENDEE: the artist's address is not the subscriber's business.
 * Pure: the rows arrive as arguments. */
#ifndef REDLIGHT_FEED_H
#define REDLIGHT_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* How often subscribers are asked to look again (REFRESH-INTERVAL and
 * X-PUBLISHED-TTL). */
#define FEED_REFRESH_MINUTES 15

/* A strong entity tag with its quotes and NUL: '"' 32 hex digits '"'. */
#define FEED_ETAG_SIZE 35

struct feed_item {
	const char *booking_id;       /* the uuid; required */
	const char *code;             /* RL-...; required */
	int canceled;                 /* STATUS:CANCELLED */
	int64_t start, end;           /* UTC seconds */
	int64_t changed;              /* the booking's last change: DTSTAMP */
	int sequence;                 /* booking.ics_sequence */
	const char *room_name;        /* required */
	const char *artist_name;      /* NULL or "": the studio's own booking */
	const char *services;         /* NULL or "": none listed */
};

struct feed_doc {
	char *text;                   /* the iCalendar text; free() it */
	size_t len;
	char etag[FEED_ETAG_SIZE];
};

/* feed_render: the feed named name (the calendar's title, e.g. "Eli
 * Engineer at Redlight") of the n items, UIDs made with mail_from
 * (ics_booking_uid), into *out. Returns 0, or as ics_render (ERR_INVALID
 * naming the field of a bad item) with *out cleared. */
int feed_render(const char *name, const char *mail_from, const struct feed_item *items, size_t n,
    struct feed_doc *out, struct err *e);

/* feed_url: the URL of staff_id's feed with token at base (an http:// or
 * https:// origin without a trailing '/', conf_public_base), into buf
 * (len bytes, truncated to fit); with webcal, its webcal:// form (the
 * scheme replaced), which calendar programs open as a subscription.
 * Cannot fail. */
void feed_url(const char *base, const char *staff_id, const char *token, int webcal, char *buf, size_t len);

/* feed_etag: the strong ETag of len bytes of text into etag. Cannot fail. */
void feed_etag(const char *text, size_t len, char etag[FEED_ETAG_SIZE]);

#endif
