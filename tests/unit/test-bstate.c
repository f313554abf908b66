/* Suite "bstate": core/bstate.h, the booking state machine. */
#include <string.h>

#include "core/bstate.h"
#include "tests/unit/suites.h"

#define NSTATUS 5
#define NEVENT 5

static void
test_booking_approve_confirms_and_captures_emails_and_syncs_calendar(void)
{
	enum booking_status to = BOOKING_REJECTED;
	unsigned fx = 0;

	CU_ASSERT_EQUAL(booking_transition(BOOKING_AWAITING_APPROVAL, BOOKING_EV_APPROVE, &to,
	    &fx, NULL), 0);
	CU_ASSERT_EQUAL(to, BOOKING_CONFIRMED);
	CU_ASSERT_EQUAL(fx, BOOKING_FX_CAPTURE_PAYMENT | BOOKING_FX_EMAIL_APPROVED |
	    BOOKING_FX_CALENDAR_SYNC);
}

static void
test_booking_reject_voids_payment_emails_and_releases_time(void)
{
	enum booking_status to = BOOKING_CONFIRMED;
	unsigned fx = 0;

	CU_ASSERT_EQUAL(booking_transition(BOOKING_AWAITING_APPROVAL, BOOKING_EV_REJECT, &to,
	    &fx, NULL), 0);
	CU_ASSERT_EQUAL(to, BOOKING_REJECTED);
	CU_ASSERT_EQUAL(fx, BOOKING_FX_VOID_OR_REFUND | BOOKING_FX_EMAIL_REJECTED |
	    BOOKING_FX_RELEASE_CLAIM);
}

static void
test_booking_cancel_while_awaiting_touches_no_calendar(void)
{
	enum booking_status to = BOOKING_CONFIRMED;
	unsigned fx = 0;

	CU_ASSERT_EQUAL(booking_transition(BOOKING_AWAITING_APPROVAL, BOOKING_EV_CANCEL, &to,
	    &fx, NULL), 0);
	CU_ASSERT_EQUAL(to, BOOKING_CANCELED);
	CU_ASSERT_EQUAL(fx, BOOKING_FX_VOID_OR_REFUND | BOOKING_FX_EMAIL_CANCELED |
	    BOOKING_FX_RELEASE_CLAIM);
}

static void
test_booking_cancel_after_confirmation_removes_calendar_event(void)
{
	enum booking_status to = BOOKING_CONFIRMED;
	unsigned fx = 0;

	CU_ASSERT_EQUAL(booking_transition(BOOKING_CONFIRMED, BOOKING_EV_CANCEL, &to, &fx,
	    NULL), 0);
	CU_ASSERT_EQUAL(to, BOOKING_CANCELED);
	CU_ASSERT_EQUAL(fx, BOOKING_FX_VOID_OR_REFUND | BOOKING_FX_EMAIL_CANCELED |
	    BOOKING_FX_CALENDAR_REMOVE | BOOKING_FX_RELEASE_CLAIM);
}

static void
test_booking_complete_after_confirmation_has_no_side_effects(void)
{
	enum booking_status to = BOOKING_CONFIRMED;
	unsigned fx = 123;

	CU_ASSERT_EQUAL(booking_transition(BOOKING_CONFIRMED, BOOKING_EV_COMPLETE, &to, &fx,
	    NULL), 0);
	CU_ASSERT_EQUAL(to, BOOKING_COMPLETED);
	CU_ASSERT_EQUAL(fx, 0);
}

static void
test_booking_rejected_booking_cannot_be_approved(void)
{
	enum booking_status to = BOOKING_AWAITING_APPROVAL;
	unsigned fx = 77;
	struct err e;

	err_clear(&e);
	CU_ASSERT_EQUAL(booking_transition(BOOKING_REJECTED, BOOKING_EV_APPROVE, &to, &fx, &e),
	    ERR_CHANGED);
	CU_ASSERT_EQUAL(e.code, ERR_CHANGED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "approve"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "rejected"));
	CU_ASSERT_EQUAL(to, BOOKING_AWAITING_APPROVAL);
	CU_ASSERT_EQUAL(fx, 77);
}

static void
test_booking_reschedule_keeps_status_and_only_a_confirmed_one_resyncs_calendars(void)
{
	enum booking_status to = BOOKING_REJECTED;
	unsigned fx = 0;

	CU_ASSERT_EQUAL(booking_transition(BOOKING_CONFIRMED, BOOKING_EV_RESCHEDULE, &to, &fx,
	    NULL), 0);
	CU_ASSERT_EQUAL(to, BOOKING_CONFIRMED);
	CU_ASSERT_EQUAL(fx, BOOKING_FX_CALENDAR_SYNC | BOOKING_FX_RELEASE_CLAIM);
	CU_ASSERT_EQUAL(booking_transition(BOOKING_AWAITING_APPROVAL, BOOKING_EV_RESCHEDULE, &to,
	    &fx, NULL), 0);
	CU_ASSERT_EQUAL(to, BOOKING_AWAITING_APPROVAL);
	CU_ASSERT_EQUAL(fx, BOOKING_FX_RELEASE_CLAIM);
}

static void
test_booking_finished_bookings_accept_no_event(void)
{
	static const enum booking_status done[] = {
		BOOKING_REJECTED, BOOKING_CANCELED, BOOKING_COMPLETED,
	};

	for (size_t i = 0; i < sizeof(done) / sizeof(done[0]); i++)
		for (int ev = 0; ev < NEVENT; ev++)
			CU_ASSERT_EQUAL(booking_transition(done[i], (enum booking_event)ev, NULL,
			    NULL, NULL), ERR_CHANGED);
	/* and the two live states refuse what does not fit them */
	CU_ASSERT_EQUAL(booking_transition(BOOKING_CONFIRMED, BOOKING_EV_APPROVE, NULL, NULL,
	    NULL), ERR_CHANGED);
	CU_ASSERT_EQUAL(booking_transition(BOOKING_CONFIRMED, BOOKING_EV_REJECT, NULL, NULL,
	    NULL), ERR_CHANGED);
	CU_ASSERT_EQUAL(booking_transition(BOOKING_AWAITING_APPROVAL, BOOKING_EV_COMPLETE, NULL,
	    NULL, NULL), ERR_CHANGED);
}

static void
test_booking_table_allows_exactly_seven_moves(void)
{
	int allowed = 0;

	for (int s = 0; s < NSTATUS; s++)
		for (int ev = 0; ev < NEVENT; ev++)
			allowed += booking_transition((enum booking_status)s,
			    (enum booking_event)ev, NULL, NULL, NULL) == 0;
	CU_ASSERT_EQUAL(allowed, 7);
}

static void
test_booking_only_confirmed_bookings_reach_calendars(void)
{
	for (int s = 0; s < NSTATUS; s++) {
		for (int ev = 0; ev < NEVENT; ev++) {
			enum booking_status to;
			unsigned fx;

			if (booking_transition((enum booking_status)s, (enum booking_event)ev,
			    &to, &fx, NULL) != 0)
				continue;
			if (fx & BOOKING_FX_CALENDAR_SYNC)
				CU_ASSERT_EQUAL(to, BOOKING_CONFIRMED);
			if (fx & BOOKING_FX_CALENDAR_REMOVE)
				CU_ASSERT_EQUAL(s, BOOKING_CONFIRMED);
			if (fx & BOOKING_FX_EMAIL_APPROVED)
				CU_ASSERT_EQUAL(to, BOOKING_CONFIRMED);
			/* leaving a live state for a dead one frees the room, and
			 * so does a move (its old time) */
			CU_ASSERT_EQUAL(!!(fx & BOOKING_FX_RELEASE_CLAIM),
			    ev == BOOKING_EV_RESCHEDULE ||
			    (booking_status_is_live((enum booking_status)s) &&
			    !booking_status_is_live(to) && to != BOOKING_COMPLETED));
		}
	}
}

static void
test_booking_unknown_status_or_event_is_invalid(void)
{
	struct err e;

	err_clear(&e);
	CU_ASSERT_EQUAL(booking_transition((enum booking_status)42, BOOKING_EV_APPROVE, NULL,
	    NULL, &e), ERR_INVALID);
	CU_ASSERT_EQUAL(booking_transition(BOOKING_CONFIRMED, (enum booking_event)42, NULL,
	    NULL, NULL), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(booking_status_name((enum booking_status)42), "unknown");
	CU_ASSERT_STRING_EQUAL(booking_event_name((enum booking_event)-1), "unknown");
}

static void
test_booking_status_names_round_trip(void)
{
	static const char *const names[NSTATUS] = {
		"awaiting_approval", "confirmed", "rejected", "canceled", "completed",
	};

	for (int s = 0; s < NSTATUS; s++) {
		enum booking_status got = BOOKING_COMPLETED;

		CU_ASSERT_STRING_EQUAL(booking_status_name((enum booking_status)s), names[s]);
		CU_ASSERT_EQUAL(booking_status_parse(names[s], &got), 0);
		CU_ASSERT_EQUAL(got, (enum booking_status)s);
	}
}

static void
test_booking_status_parse_rejects_near_misses(void)
{
	enum booking_status got = BOOKING_CANCELED;

	CU_ASSERT_EQUAL(booking_status_parse("Confirmed", &got), ERR_INVALID);
	CU_ASSERT_EQUAL(booking_status_parse("confirmed ", &got), ERR_INVALID);
	CU_ASSERT_EQUAL(booking_status_parse("cancelled", &got), ERR_INVALID);
	CU_ASSERT_EQUAL(booking_status_parse("", &got), ERR_INVALID);
	CU_ASSERT_EQUAL(booking_status_parse(NULL, &got), ERR_INVALID);
	CU_ASSERT_EQUAL(got, BOOKING_CANCELED);
}

static void
test_booking_only_awaiting_and_confirmed_are_live(void)
{
	CU_ASSERT_TRUE(booking_status_is_live(BOOKING_AWAITING_APPROVAL));
	CU_ASSERT_TRUE(booking_status_is_live(BOOKING_CONFIRMED));
	CU_ASSERT_FALSE(booking_status_is_live(BOOKING_REJECTED));
	CU_ASSERT_FALSE(booking_status_is_live(BOOKING_CANCELED));
	CU_ASSERT_FALSE(booking_status_is_live(BOOKING_COMPLETED));
}

static void
test_booking_event_names_round_trip(void)
{
	static const char *const names[NEVENT] = { "approve", "reject", "cancel", "complete",
	    "reschedule" };
	enum booking_event got = BOOKING_EV_COMPLETE;

	for (int ev = 0; ev < NEVENT; ev++) {
		CU_ASSERT_STRING_EQUAL(booking_event_name((enum booking_event)ev), names[ev]);
		CU_ASSERT_EQUAL(booking_event_parse(names[ev], &got), 0);
		CU_ASSERT_EQUAL(got, (enum booking_event)ev);
	}
	got = BOOKING_EV_REJECT;
	CU_ASSERT_EQUAL(booking_event_parse("approved", &got), ERR_INVALID);
	CU_ASSERT_EQUAL(booking_event_parse(NULL, &got), ERR_INVALID);
	CU_ASSERT_EQUAL(got, BOOKING_EV_REJECT);
}

static void
test_booking_each_effect_has_a_job_name(void)
{
	int named = 0;

	for (unsigned bit = 1; bit & BOOKING_FX_ALL; bit <<= 1)
		named += booking_fx_name(bit) != NULL;
	CU_ASSERT_EQUAL(named, 8);
	CU_ASSERT_STRING_EQUAL(booking_fx_name(BOOKING_FX_CAPTURE_PAYMENT), "capture_payment");
	CU_ASSERT_STRING_EQUAL(booking_fx_name(BOOKING_FX_CALENDAR_REMOVE), "calendar_remove");
	CU_ASSERT_PTR_NULL(booking_fx_name(0));
	CU_ASSERT_PTR_NULL(booking_fx_name(BOOKING_FX_CAPTURE_PAYMENT | BOOKING_FX_EMAIL_APPROVED));
	CU_ASSERT_PTR_NULL(booking_fx_name(BOOKING_FX_ALL + 1));
}

void
suite_bstate(void)
{
	CU_pSuite s = CU_add_suite("bstate", NULL, NULL);

	UNIT_TEST(s, test_booking_approve_confirms_and_captures_emails_and_syncs_calendar);
	UNIT_TEST(s, test_booking_reject_voids_payment_emails_and_releases_time);
	UNIT_TEST(s, test_booking_cancel_while_awaiting_touches_no_calendar);
	UNIT_TEST(s, test_booking_cancel_after_confirmation_removes_calendar_event);
	UNIT_TEST(s, test_booking_complete_after_confirmation_has_no_side_effects);
	UNIT_TEST(s, test_booking_rejected_booking_cannot_be_approved);
	UNIT_TEST(s, test_booking_reschedule_keeps_status_and_only_a_confirmed_one_resyncs_calendars);
	UNIT_TEST(s, test_booking_finished_bookings_accept_no_event);
	UNIT_TEST(s, test_booking_table_allows_exactly_seven_moves);
	UNIT_TEST(s, test_booking_only_confirmed_bookings_reach_calendars);
	UNIT_TEST(s, test_booking_unknown_status_or_event_is_invalid);
	UNIT_TEST(s, test_booking_status_names_round_trip);
	UNIT_TEST(s, test_booking_status_parse_rejects_near_misses);
	UNIT_TEST(s, test_booking_only_awaiting_and_confirmed_are_live);
	UNIT_TEST(s, test_booking_event_names_round_trip);
	UNIT_TEST(s, test_booking_each_effect_has_a_job_name);
}
