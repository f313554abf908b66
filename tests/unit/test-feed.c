/* Unit tests for core/feed.c: a staff member's calendar feed. */
#include <stdlib.h>
#include <string.h>

#include "core/feed.h"
#include "tests/unit/suites.h"

static const struct feed_item feed_two[] = {
	{ "11111111-1111-4111-8111-111111111111", "RL-AAAA-AAAA", 0, 1800000000, 1800007200, 1799000000, 2,
	    "Studio A", "Ari Artist", "Recording session, Mixing" },
	{ "22222222-2222-4222-8222-222222222222", "RL-BBBB-BBBB", 1, 1800100000, 1800103600, 1799500000, 3,
	    "Vocal Booth", NULL, NULL },
};

static void
test_feed_events_carry_the_invites_uid_and_their_status(void)
{
	struct feed_doc d;

	CU_ASSERT_EQUAL_FATAL(feed_render("Eli at Redlight", "bookings@studio.test", feed_two, 2, &d, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.text, "UID:11111111-1111-4111-8111-111111111111@studio.test\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.text, "UID:22222222-2222-4222-8222-222222222222@studio.test\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.text, "METHOD:PUBLISH\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.text, "REFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.text, "X-PUBLISHED-TTL:PT15M\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.text, "DTSTART:20270115T080000Z\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.text, "STATUS:CANCELLED\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.text, "STATUS:CONFIRMED\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.text, "SEQUENCE:3\r\n"));
	CU_ASSERT_PTR_NULL(strstr(d.text, "ATTENDEE"));
	CU_ASSERT_EQUAL(d.len, strlen(d.text));
	free(d.text);
}

static void
test_feed_same_rows_same_bytes_and_etag_a_change_another(void)
{
	struct feed_item moved[2];
	struct feed_doc a, b, c;

	memcpy(moved, feed_two, sizeof(moved));
	moved[1].start += 900;
	moved[1].end += 900;
	CU_ASSERT_EQUAL_FATAL(feed_render("Eli", "x@y.test", feed_two, 2, &a, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(feed_render("Eli", "x@y.test", feed_two, 2, &b, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(feed_render("Eli", "x@y.test", moved, 2, &c, NULL), 0);
	CU_ASSERT_STRING_EQUAL(a.text, b.text);
	CU_ASSERT_STRING_EQUAL(a.etag, b.etag);
	CU_ASSERT_STRING_NOT_EQUAL(a.etag, c.etag);
	CU_ASSERT_EQUAL(strlen(a.etag), FEED_ETAG_SIZE - 1);
	CU_ASSERT_EQUAL(a.etag[0], '"');
	CU_ASSERT_EQUAL(a.etag[FEED_ETAG_SIZE - 2], '"');
	free(a.text);
	free(b.text);
	free(c.text);
}

static void
test_feed_without_bookings_is_an_empty_calendar(void)
{
	struct feed_doc d;

	CU_ASSERT_EQUAL_FATAL(feed_render("Sam", "", NULL, 0, &d, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.text, "BEGIN:VCALENDAR\r\n"));
	CU_ASSERT_PTR_NULL(strstr(d.text, "VEVENT"));
	free(d.text);
}

static void
test_feed_refuses_an_item_without_its_room(void)
{
	struct feed_item bad = feed_two[0];
	struct feed_doc d;
	struct err e;

	bad.room_name = NULL;
	err_clear(&e);
	CU_ASSERT_EQUAL(feed_render("Eli", "x@y.test", &bad, 1, &d, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "room_name");
	CU_ASSERT_PTR_NULL(d.text);
	bad = feed_two[0];
	bad.end = bad.start;
	CU_ASSERT_EQUAL(feed_render("Eli", "x@y.test", &bad, 1, &d, &e), ERR_INVALID);
}

static void
test_feed_url_has_both_forms(void)
{
	char buf[300];

	feed_url("https://studio.example", "abc", "0f", 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "https://studio.example/api/calendar/ics/staff/abc.ics?token=0f");
	feed_url("https://studio.example", "abc", "0f", 1, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "webcal://studio.example/api/calendar/ics/staff/abc.ics?token=0f");
	feed_url("http://127.0.0.1:8080", "abc", "0f", 1, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "webcal://127.0.0.1:8080/api/calendar/ics/staff/abc.ics?token=0f");
}

void
suite_feed(void)
{
	CU_pSuite s = CU_add_suite("feed", NULL, NULL);

	UNIT_TEST(s, test_feed_events_carry_the_invites_uid_and_their_status);
	UNIT_TEST(s, test_feed_same_rows_same_bytes_and_etag_a_change_another);
	UNIT_TEST(s, test_feed_without_bookings_is_an_empty_calendar);
	UNIT_TEST(s, test_feed_refuses_an_item_without_its_room);
	UNIT_TEST(s, test_feed_url_has_both_forms);
}
