/* notice.h: what a message to an artist says about their booking: the
 * templates there are, the variables they may name, and those variables'
 * values for one booking, in the studio's zone. The message's bytes are
 * core/mail.c's and its invite core/ics.c's; this file decides the words
 * and the links between them.
 *
 * Nothing here reads the clock, the zone database or the disk: the
 * booking, its zone and the links' base arrive as arguments. */
#ifndef REDLIGHT_NOTICE_H
#define REDLIGHT_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/ics.h"
#include "core/tz.h"

/* The templates, one per message the artist can receive (each a file
 * NAME.txt, NAME.html and NAME.sms in the templates directory). */
enum notice_kind {
	NOTICE_SUBMITTED,
	NOTICE_APPROVED,
	NOTICE_REJECTED,
	NOTICE_REMINDER,
	NOTICE_RESCHEDULED,
	NOTICE_CANCELED,
	NOTICE_PAYMENT_ACTION,
	NOTICE_NKINDS
};

/* The variables a template may name ({{artist_name}} ...). */
enum notice_var {
	NOTICE_ARTIST_NAME,
	NOTICE_BOOKING_CODE,
	NOTICE_ROOM_NAME,
	NOTICE_DATE,          /* "Tuesday 12 January 2027", studio-local */
	NOTICE_START_TIME,    /* "14:00 EST" */
	NOTICE_END_TIME,      /* "17:00 EST" */
	NOTICE_TIME_ZONE,     /* "America/Toronto" */
	NOTICE_TOTAL,         /* "452.00 CAD" */
	NOTICE_DEPOSIT,
	NOTICE_ADDRESS,
	NOTICE_POLICIES_URL,
	NOTICE_STUDIO_NAME,
	NOTICE_SERVICES,
	NOTICE_REASON,        /* why it was rejected or canceled; "" none */
	NOTICE_MESSAGE,       /* the studio's message with an approval */
	NOTICE_REFUND,        /* "113.00 CAD"; "" when nothing is refunded */
	NOTICE_GOOGLE_URL,    /* "Add to calendar" links */
	NOTICE_OUTLOOK_URL,
	NOTICE_ICS_URL,
	NOTICE_NVARS
};

/* notice_var_names: the names, indexed by enum notice_var. */
extern const char *const notice_var_names[NOTICE_NVARS];

/* notice_kind_name: "submitted", "approved", ..., "payment_action";
 * a static string, or NULL for a value out of range. */
const char *notice_kind_name(enum notice_kind k);

/* notice_kind_parse: the kind named s (as notice_kind_name says it).
 * Returns 0, or -1 for a name that is none. */
int notice_kind_parse(const char *s, enum notice_kind *out);

/* One booking as a message tells it. NULL strings count as "". */
struct notice_booking {
	const char *code, *artist_name, *room_name, *studio_name, *address, *policies_url;
	const char *services, *reason, *message, *currency;
	int64_t start, end;             /* UTC */
	long long total_cents, deposit_cents;
	long long refund_cents;         /* < 0: none */
	const char *ics_url;            /* the booking's .ics with its token; "" none */
};

/* notice_values: the variables' values for b, times in tz: values[i] for
 * enum notice_var i, each the caller's (notice_values_free). Cannot fail. */
void notice_values(const struct notice_booking *b, const struct tz *tz, char *values[NOTICE_NVARS]);

/* notice_values_free: free what notice_values filled. */
void notice_values_free(char *values[NOTICE_NVARS]);

/* notice_invite: whether a message of kind k about a booking carries an
 * invite, and with which METHOD: REQUEST when it is approved, and when a
 * confirmed booking is moved; CANCEL when a booking that was confirmed is
 * canceled. status is the booking's status after the change;
 * was_confirmed says it had been confirmed. Returns 1 and sets *m, or 0
 * for no invite. Cannot fail. */
int notice_invite(enum notice_kind k, const char *status, int was_confirmed, enum ics_method *m);

/* A booking's snapshot as 0015's notification_snapshot() writes it (each
 * message row holds one; the artist's .ics reads one fresh), parsed:
 * strings borrowed from the JSON object it came from. */
struct notice_snapshot {
	struct notice_booking b;        /* ics_url not set */
	const char *booking_id, *status, *artist_email, *policy, *ics_token, *timezone;
	int sequence, was_confirmed;
};

/* notice_snapshot_parse: s (a JSON object) into out, borrowing its
 * strings. Fails with ERR_INVALID when start_at or end_at is not RFC 3339
 * or booking_id is missing. */
int notice_snapshot_parse(struct json_object *s, struct notice_snapshot *out, struct err *e);

/* notice_ics_url: the link to the booking's .ics with its token: base
 * (conf_public_base: public_url, or redlightd's own address)
 * + /api/calendar/ics/booking/CODE.ics?token=TOKEN, into out. */
void notice_ics_url(const char *base, const char *code, const char *token, char *out, size_t outlen);

/* notice_ics: the VCALENDAR (METHOD m) holding the booking's one VEVENT:
 * UID ics_booking_uid(booking_id, organizer_email), SEQUENCE the snapshot's,
 * STATUS:CANCELLED when canceled, SUMMARY "ROOM at STUDIO (CODE)",
 * LOCATION "ROOM, ADDRESS" (the studio's name without an address),
 * DESCRIPTION the code, services and policy, ORGANIZER the studio,
 * ATTENDEE the artist, URL url (may be NULL), DTSTAMP stamp. Every invite
 * and the artist's .ics are this event. The caller frees the text; NULL
 * with e as ics_render fails. */
char *notice_ics(const struct notice_snapshot *s, enum ics_method m, int canceled, const char *organizer_email,
    int64_t stamp, const char *url, struct err *e);

/* notice_url_escape: s percent-encoded for a URL's query (RFC 3986
 * unreserved characters kept). The caller frees it. Cannot fail. */
char *notice_url_escape(const char *s);

#endif
