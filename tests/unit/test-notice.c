/* Unit tests for core/notice.c: what a message says about a booking (its
 * local date and times with the zone named, money, calendar links) and
 * which messages carry which invite. */
#include <stdlib.h>
#include <string.h>

#include "core/notice.h"
#include "tests/unit/suites.h"

static struct tz *
toronto(void)
{
	struct tz *tz = NULL;

	CU_ASSERT_EQUAL_FATAL(tz_from_posix("EST5EDT,M3.2.0,M11.1.0", "America/Toronto", &tz, NULL), 0);
	return tz;
}

static struct notice_booking
booking(int64_t start, int64_t end)
{
	struct notice_booking b = {
		.code = "RL-7KQ2M9XD", .artist_name = "Zoë", .room_name = "Studio B",
		.studio_name = "Redlight", .address = "12 Queen St W, Toronto", .services = "Recording",
		.currency = "CAD", .start = start, .end = end, .total_cents = 45200, .deposit_cents = 11300,
		.refund_cents = -1, .ics_url = "http://x/api/calendar/ics/booking/RL-7KQ2M9XD.ics?token=t",
	};
	return b;
}

static void
test_notice_values_are_studio_local_with_the_zone_named(void)
{
	struct tz *tz = toronto();
	struct notice_booking b = booking(1799780400, 1799780400 + 3 * 3600);   /* 2027-01-12 19:00Z */
	char *v[NOTICE_NVARS];

	notice_values(&b, tz, v);
	CU_ASSERT_STRING_EQUAL(v[NOTICE_DATE], "Tuesday 12 January 2027");
	CU_ASSERT_STRING_EQUAL(v[NOTICE_START_TIME], "14:00 EST");
	CU_ASSERT_STRING_EQUAL(v[NOTICE_END_TIME], "17:00 EST");
	CU_ASSERT_STRING_EQUAL(v[NOTICE_TIME_ZONE], "America/Toronto");
	CU_ASSERT_STRING_EQUAL(v[NOTICE_TOTAL], "452.00 CAD");
	CU_ASSERT_STRING_EQUAL(v[NOTICE_DEPOSIT], "113.00 CAD");
	CU_ASSERT_STRING_EQUAL(v[NOTICE_REFUND], "");
	CU_ASSERT_STRING_EQUAL(v[NOTICE_ARTIST_NAME], "Zoë");
	CU_ASSERT_PTR_NOT_NULL(strstr(v[NOTICE_GOOGLE_URL], "&dates=20270112T190000Z/20270112T220000Z&"));
	CU_ASSERT_PTR_NOT_NULL(strstr(v[NOTICE_GOOGLE_URL], "&location=12%20Queen%20St%20W%2C%20Toronto"));
	CU_ASSERT_PTR_NOT_NULL(strstr(v[NOTICE_OUTLOOK_URL], "&startdt=2027-01-12T19:00:00Z&enddt=2027-01-12T22:00:00Z"));
	CU_ASSERT_STRING_EQUAL(v[NOTICE_ICS_URL], b.ics_url);
	notice_values_free(v);
	tz_free(tz);
}

static void
test_notice_times_after_the_spring_change_say_edt(void)
{
	struct tz *tz = toronto();
	struct notice_booking b = booking(1805119200, 1805119200 + 3600);        /* 2027-03-15 14:00Z */
	char *v[NOTICE_NVARS];

	b.refund_cents = 2550;
	notice_values(&b, tz, v);
	CU_ASSERT_STRING_EQUAL(v[NOTICE_DATE], "Monday 15 March 2027");
	CU_ASSERT_STRING_EQUAL(v[NOTICE_START_TIME], "10:00 EDT");
	CU_ASSERT_STRING_EQUAL(v[NOTICE_REFUND], "25.50 CAD");
	notice_values_free(v);
	tz_free(tz);
}

static void
test_notice_invite_request_on_approval_and_move_cancel_only_if_confirmed(void)
{
	enum ics_method m = ICS_PUBLISH;

	CU_ASSERT_TRUE(notice_invite(NOTICE_APPROVED, "confirmed", 1, &m) && m == ICS_REQUEST);
	CU_ASSERT_TRUE(notice_invite(NOTICE_RESCHEDULED, "confirmed", 1, &m) && m == ICS_REQUEST);
	CU_ASSERT_FALSE(notice_invite(NOTICE_RESCHEDULED, "awaiting_approval", 0, &m));
	CU_ASSERT_TRUE(notice_invite(NOTICE_CANCELED, "canceled", 1, &m) && m == ICS_CANCEL);
	CU_ASSERT_FALSE(notice_invite(NOTICE_CANCELED, "canceled", 0, &m));
	CU_ASSERT_FALSE(notice_invite(NOTICE_SUBMITTED, "awaiting_approval", 0, &m));
	CU_ASSERT_FALSE(notice_invite(NOTICE_REJECTED, "rejected", 0, &m));
}

static void
test_notice_url_escape_keeps_only_unreserved_characters(void)
{
	char *s = notice_url_escape("a b&c/é~-._");

	CU_ASSERT_STRING_EQUAL(s, "a%20b%26c%2F%C3%A9~-._");
	free(s);
}

static void
test_notice_kind_names_round_trip(void)
{
	enum notice_kind k;

	for (int i = 0; i < NOTICE_NKINDS; i++)
		CU_ASSERT_TRUE(notice_kind_parse(notice_kind_name((enum notice_kind)i), &k) == 0 && (int)k == i);
	CU_ASSERT_EQUAL(notice_kind_parse("approve", &k), -1);
	CU_ASSERT_PTR_NULL(notice_kind_name(NOTICE_NKINDS));
}

static void
test_notice_snapshot_parse_reads_the_rows_snapshot_and_refuses_a_bad_one(void)
{
	struct json_object *js = json_tokener_parse("{\"booking_id\":\"b1\",\"code\":\"RL-1\",\"status\":"
	    "\"confirmed\",\"sequence\":3,\"was_confirmed\":true,\"start_at\":\"2027-01-12T19:00:00Z\","
	    "\"end_at\":\"2027-01-12T22:00:00Z\",\"room_name\":\"Studio B\",\"refund_cents\":null,"
	    "\"ics_token\":\"ab\",\"artist_email\":\"zoe@example.com\"}");
	struct json_object *bad = json_tokener_parse("{\"booking_id\":\"b1\",\"start_at\":\"tomorrow\"}");
	struct notice_snapshot s;
	struct err e;

	CU_ASSERT_EQUAL(notice_snapshot_parse(js, &s, &e), 0);
	CU_ASSERT_STRING_EQUAL(s.b.code, "RL-1");
	CU_ASSERT_EQUAL(s.sequence, 3);
	CU_ASSERT_EQUAL(s.was_confirmed, 1);
	CU_ASSERT_EQUAL(s.b.refund_cents, -1);
	CU_ASSERT_EQUAL(s.b.end - s.b.start, 3 * 3600);
	CU_ASSERT_STRING_EQUAL(s.ics_token, "ab");
	CU_ASSERT_NOT_EQUAL(notice_snapshot_parse(bad, &s, &e), 0);
	CU_ASSERT_EQUAL(notice_snapshot_parse(NULL, &s, &e), ERR_INVALID);
	json_object_put(js);
	json_object_put(bad);
}

static void
test_notice_ics_is_one_event_with_the_bookings_uid_and_sequence(void)
{
	struct notice_snapshot s = { 0 };
	struct err e;
	char *ics, url[200];

	s.b = booking(1799787600, 1799798400);
	s.booking_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
	s.sequence = 4;
	s.artist_email = "zoe@example.com";
	s.policy = "Cancel 48 hours before: 100%";
	notice_ics_url("http://127.0.0.1:8080", "RL-7KQ2M9XD", "ab12", url, sizeof(url));
	CU_ASSERT_STRING_EQUAL(url, "http://127.0.0.1:8080/api/calendar/ics/booking/RL-7KQ2M9XD.ics?token=ab12");
	notice_ics_url("https://book.example", "C", "t", url, sizeof(url));
	CU_ASSERT_STRING_EQUAL(url, "https://book.example/api/calendar/ics/booking/C.ics?token=t");
	CU_ASSERT_STRING_EQUAL(ics_mail_domain("bookings@redlight.test"), "redlight.test");
	CU_ASSERT_STRING_EQUAL(ics_mail_domain("nobody"), "localhost");
	ics = notice_ics(&s, ICS_CANCEL, 1, "bookings@redlight.test", 1799700000, url, &e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ics);
	CU_ASSERT_PTR_NOT_NULL(strstr(ics, "UID:7c9e6679-7425-40de-944b-e07fc1f90ae7@redlight.test\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ics, "SEQUENCE:4\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ics, "METHOD:CANCEL\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ics, "STATUS:CANCELLED\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ics, "SUMMARY:Studio B at Redlight (RL-7KQ2M9XD)\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ics, "LOCATION:Studio B\\, 12 Queen St W\\, Toronto\r\n"));
	free(ics);
}

void
suite_notice(void)
{
	CU_pSuite s = CU_add_suite("notice", NULL, NULL);

	UNIT_TEST(s, test_notice_values_are_studio_local_with_the_zone_named);
	UNIT_TEST(s, test_notice_times_after_the_spring_change_say_edt);
	UNIT_TEST(s, test_notice_invite_request_on_approval_and_move_cancel_only_if_confirmed);
	UNIT_TEST(s, test_notice_url_escape_keeps_only_unreserved_characters);
	UNIT_TEST(s, test_notice_kind_names_round_trip);
	UNIT_TEST(s, test_notice_snapshot_parse_reads_the_rows_snapshot_and_refuses_a_bad_one);
	UNIT_TEST(s, test_notice_ics_is_one_event_with_the_bookings_uid_and_sequence);
}
