/* bstate.h: the booking state machine (ARCHITECTURE.md, "The one path a change takes").
 *
 *   awaiting_approval --approve--> confirmed --complete--> completed
 *   awaiting_approval --reject---> rejected
 *   awaiting_approval --cancel---> canceled
 *   confirmed         --cancel---> canceled
 *   awaiting_approval --reschedule--> awaiting_approval
 *   confirmed         --reschedule--> confirmed (calendars follow it)
 *
 * A transition gives the new status and the side effects it implies, as
 * BOOKING_FX_* flags; the caller (db/) enqueues one job per flag in the
 * transaction that writes the status. Only confirmed bookings reach
 * calendars, so only leaving confirmed removes a calendar event. How much a
 * cancellation refunds is the cancellation policy's business, not this
 * table's: BOOKING_FX_VOID_OR_REFUND only says that money must be looked at.
 *
 * Everything here is a lookup in static tables; nothing allocates. */
#ifndef REDLIGHT_BSTATE_H
#define REDLIGHT_BSTATE_H

#include "core/err.h"

/* The values are stable and match nothing in the database: the database
 * stores the names (booking_status_name). */
enum booking_status {
	BOOKING_AWAITING_APPROVAL,
	BOOKING_CONFIRMED,
	BOOKING_REJECTED,
	BOOKING_CANCELED,
	BOOKING_COMPLETED,
};

enum booking_event {
	BOOKING_EV_APPROVE,
	BOOKING_EV_REJECT,
	BOOKING_EV_CANCEL,
	BOOKING_EV_COMPLETE,
	BOOKING_EV_RESCHEDULE,  /* a live booking moves; its status stays */
};

/* Side effects of a transition, one bit each. */
#define BOOKING_FX_CAPTURE_PAYMENT  (1u << 0)  /* capture the authorised payment */
#define BOOKING_FX_VOID_OR_REFUND   (1u << 1)  /* void the authorisation or refund per policy */
#define BOOKING_FX_EMAIL_APPROVED   (1u << 2)  /* tell the artist it is confirmed */
#define BOOKING_FX_EMAIL_REJECTED   (1u << 3)  /* tell the artist it was declined */
#define BOOKING_FX_EMAIL_CANCELED   (1u << 4)  /* tell the artist it was canceled */
#define BOOKING_FX_CALENDAR_SYNC    (1u << 5)  /* put the event on staff calendars */
#define BOOKING_FX_CALENDAR_REMOVE  (1u << 6)  /* take the event off staff calendars */
#define BOOKING_FX_RELEASE_CLAIM    (1u << 7)  /* the room's time is free again: refresh availability */
#define BOOKING_FX_ALL              ((1u << 8) - 1)

/* booking_transition: apply ev to a booking in status from. On success
 * *to is the new status and *effects the BOOKING_FX_* flags to enqueue
 * (either pointer may be NULL). A move the table does not allow fails with
 * ERR_CHANGED and a message naming both ("cannot approve a booking that is
 * rejected"); unknown enum values fail with ERR_INVALID. *to and *effects
 * are untouched on failure. */
int booking_transition(enum booking_status from, enum booking_event ev,
    enum booking_status *to, unsigned *effects, struct err *e);

/* booking_status_name: "awaiting_approval", "confirmed", "rejected",
 * "canceled", "completed": the names the database and the API use.
 * A static string; "unknown" for a value outside the enum. */
const char *booking_status_name(enum booking_status s);

/* booking_status_parse: the status named s (exactly, as above) into *out.
 * Returns 0, or ERR_INVALID for NULL or any other text (*out untouched). */
int booking_status_parse(const char *s, enum booking_status *out);

/* booking_status_is_live: 1 when a booking in status s holds its room's
 * time (awaiting_approval or confirmed), else 0. Cannot fail. */
int booking_status_is_live(enum booking_status s);

/* booking_event_name: "approve", "reject", "cancel", "complete",
 * "reschedule"; a static
 * string, "unknown" for a value outside the enum. */
const char *booking_event_name(enum booking_event ev);

/* booking_event_parse: the event named s into *out. Returns 0, or
 * ERR_INVALID for NULL or any other text (*out untouched). */
int booking_event_parse(const char *s, enum booking_event *out);

/* booking_fx_name: the snake_case job name of one BOOKING_FX_* flag
 * ("capture_payment", "calendar_sync", ...); a static string, or NULL when
 * fx is not exactly one known flag. */
const char *booking_fx_name(unsigned fx);

#endif
