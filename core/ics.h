/* ics.h: iCalendar (RFC 5545) for bookings: the invite an artist's mail
 * program shows and updates in place, and the feeds staff subscribe to.
 *
 * One VEVENT per booking, built with libical: a UID that never changes for
 * the booking, a SEQUENCE the caller stores with the booking and raises on
 * every change the artist should see, DTSTART/DTEND/DTSTAMP in UTC,
 * SUMMARY, LOCATION, DESCRIPTION, STATUS, ORGANIZER (the studio, mailto:)
 * and ATTENDEE (the artist). A calendar's METHOD is REQUEST for an invite
 * or its update, CANCEL (with STATUS:CANCELLED) when a confirmed booking is
 * canceled, PUBLISH for a feed. Mail programs match an update to the event
 * they have by UID and take it when its SEQUENCE is higher.
 *
 * The text has CRLF line ends, and lines longer than 75 octets are folded
 * (CRLF and one space) between characters, never inside a UTF-8 sequence.
 * Nothing here reads the clock: DTSTAMP arrives in the event. */
#ifndef REDLIGHT_ICS_H
#define REDLIGHT_ICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum ics_method {
	ICS_PUBLISH,   /* a feed: events as they are, no reply expected */
	ICS_REQUEST,   /* an invite, or the update of one */
	ICS_CANCEL,    /* the event is called off */
};

struct ics_event {
	const char *uid;              /* stable per booking, e.g. "ID@redlight"; required */
	int sequence;                 /* 0 first, raised on every change shown */
	int64_t start, end;           /* UTC, seconds since the epoch; start < end */
	int64_t stamp;                /* DTSTAMP: when this copy was made */
	int canceled;                 /* STATUS:CANCELLED (else CONFIRMED) */
	const char *summary;          /* required */
	const char *location;         /* NULL or "": none */
	const char *description;      /* NULL or "": none; newlines kept */
	const char *organizer_email;  /* the studio; NULL: no ORGANIZER */
	const char *organizer_name;
	const char *attendee_email;   /* the artist; NULL: no ATTENDEE */
	const char *attendee_name;
	const char *url;              /* NULL or "": none */
};

struct ics_calendar {
	enum ics_method method;
	const char *name;             /* X-WR-CALNAME and NAME; NULL: none */
	int refresh_minutes;          /* >0: REFRESH-INTERVAL and X-PUBLISHED-TTL */
};

/* ics_render: the VCALENDAR of cal holding the n events (n may be 0 for
 * an empty feed), as NUL-terminated text that is the caller's to free().
 * Returns NULL with e filled (ERR_INVALID naming the field) when an event
 * lacks its uid or summary, has start >= end, or a text is not UTF-8;
 * ERR_INTERNAL if libical cannot write it. */
char *ics_render(const struct ics_calendar *cal, const struct ics_event *ev, size_t n, struct err *e);

/* ics_fold: text with its lines (ending in LF or CRLF, continuation lines
 * already unfolded or not) refolded at 75 octets with CRLF ends, never
 * splitting a UTF-8 sequence. The caller frees the result. Cannot fail. */
char *ics_fold(const char *text);

/* ics_booking_uid: the UID of a booking's event, in every invite and
 * every feed: "BOOKING_ID@DOMAIN", DOMAIN being mail_from's part after
 * '@' ("localhost" when it has none), into buf (len bytes, truncated to
 * fit). Cannot fail. */
void ics_booking_uid(char *buf, size_t len, const char *booking_id, const char *mail_from);

/* ics_mail_domain: mail_from's part after '@' (the invite UIDs' and the
 * Message-IDs' domain), "localhost" without one; borrowed from mail_from
 * or static. Cannot fail. */
const char *ics_mail_domain(const char *mail_from);

/* ics_method_name: "PUBLISH", "REQUEST", "CANCEL"; a static string. */
const char *ics_method_name(enum ics_method m);

#endif
