#include "core/bstate.h"

#include <stddef.h>
#include <string.h>

static const struct {
	enum booking_status from;
	enum booking_event ev;
	enum booking_status to;
	unsigned effects;
} booking_table[] = {
	{ BOOKING_AWAITING_APPROVAL, BOOKING_EV_APPROVE, BOOKING_CONFIRMED,
	    BOOKING_FX_CAPTURE_PAYMENT | BOOKING_FX_EMAIL_APPROVED | BOOKING_FX_CALENDAR_SYNC },
	{ BOOKING_AWAITING_APPROVAL, BOOKING_EV_REJECT, BOOKING_REJECTED,
	    BOOKING_FX_VOID_OR_REFUND | BOOKING_FX_EMAIL_REJECTED | BOOKING_FX_RELEASE_CLAIM },
	{ BOOKING_AWAITING_APPROVAL, BOOKING_EV_CANCEL, BOOKING_CANCELED,
	    BOOKING_FX_VOID_OR_REFUND | BOOKING_FX_EMAIL_CANCELED | BOOKING_FX_RELEASE_CLAIM },
	/* The session happened: the calendar keeps it as history, the money
	 * was captured at approval, and its time is already past. */
	{ BOOKING_CONFIRMED, BOOKING_EV_COMPLETE, BOOKING_COMPLETED, 0 },
	{ BOOKING_CONFIRMED, BOOKING_EV_CANCEL, BOOKING_CANCELED,
	    BOOKING_FX_VOID_OR_REFUND | BOOKING_FX_EMAIL_CANCELED |
	    BOOKING_FX_CALENDAR_REMOVE | BOOKING_FX_RELEASE_CLAIM },
	/* A move: the old time is free again, and only a confirmed booking is
	 * on calendars to follow it. Fees are the policy's business. */
	{ BOOKING_AWAITING_APPROVAL, BOOKING_EV_RESCHEDULE, BOOKING_AWAITING_APPROVAL,
	    BOOKING_FX_RELEASE_CLAIM },
	{ BOOKING_CONFIRMED, BOOKING_EV_RESCHEDULE, BOOKING_CONFIRMED,
	    BOOKING_FX_CALENDAR_SYNC | BOOKING_FX_RELEASE_CLAIM },
};

static const char *const booking_status_names[] = {
	[BOOKING_AWAITING_APPROVAL] = "awaiting_approval",
	[BOOKING_CONFIRMED] = "confirmed",
	[BOOKING_REJECTED] = "rejected",
	[BOOKING_CANCELED] = "canceled",
	[BOOKING_COMPLETED] = "completed",
};

static const char *const booking_event_names[] = {
	[BOOKING_EV_APPROVE] = "approve",
	[BOOKING_EV_REJECT] = "reject",
	[BOOKING_EV_CANCEL] = "cancel",
	[BOOKING_EV_COMPLETE] = "complete",
	[BOOKING_EV_RESCHEDULE] = "reschedule",
};

static const char *const booking_fx_names[] = {
	"capture_payment", "void_or_refund", "email_approved", "email_rejected",
	"email_canceled", "calendar_sync", "calendar_remove", "release_claim",
};

#define BOOKING_NELEM(a) (sizeof(a) / sizeof((a)[0]))

int
booking_transition(enum booking_status from, enum booking_event ev,
    enum booking_status *to, unsigned *effects, struct err *e)
{
	if ((unsigned)from >= BOOKING_NELEM(booking_status_names) ||
	    (unsigned)ev >= BOOKING_NELEM(booking_event_names))
		return err_set(e, ERR_INVALID, "status", "unknown booking status or event");
	for (size_t i = 0; i < BOOKING_NELEM(booking_table); i++) {
		if (booking_table[i].from != from || booking_table[i].ev != ev)
			continue;
		if (to)
			*to = booking_table[i].to;
		if (effects)
			*effects = booking_table[i].effects;
		return 0;
	}
	return err_set(e, ERR_CHANGED, "status", "cannot %s a booking that is %s",
	    booking_event_names[ev], booking_status_names[from]);
}

const char *
booking_status_name(enum booking_status s)
{
	if ((unsigned)s >= BOOKING_NELEM(booking_status_names))
		return "unknown";
	return booking_status_names[s];
}

int
booking_status_parse(const char *s, enum booking_status *out)
{
	for (size_t i = 0; s && i < BOOKING_NELEM(booking_status_names); i++) {
		if (strcmp(s, booking_status_names[i]) == 0) {
			*out = (enum booking_status)i;
			return 0;
		}
	}
	return ERR_INVALID;
}

int
booking_status_is_live(enum booking_status s)
{
	return s == BOOKING_AWAITING_APPROVAL || s == BOOKING_CONFIRMED;
}

const char *
booking_event_name(enum booking_event ev)
{
	if ((unsigned)ev >= BOOKING_NELEM(booking_event_names))
		return "unknown";
	return booking_event_names[ev];
}

int
booking_event_parse(const char *s, enum booking_event *out)
{
	for (size_t i = 0; s && i < BOOKING_NELEM(booking_event_names); i++) {
		if (strcmp(s, booking_event_names[i]) == 0) {
			*out = (enum booking_event)i;
			return 0;
		}
	}
	return ERR_INVALID;
}

const char *
booking_fx_name(unsigned fx)
{
	for (size_t i = 0; i < BOOKING_NELEM(booking_fx_names); i++)
		if (fx == 1u << i)
			return booking_fx_names[i];
	return NULL;
}
