/* Unit tests for core/ics.c: invites that mail programs recognise and
 * update in place, folded as RFC 5545 asks. Each calendar is parsed back
 * with libical and passes its iTIP restriction check. */
#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>

#include "core/ics.h"
#include "tests/unit/suites.h"

/* 2027-01-06 15:00Z to 17:00Z, stamped 2027-01-01 12:00Z */
#define START 1799247600
#define END (START + 7200)
#define STAMP 1798804800

static struct ics_event
invite(void)
{
	struct ics_event ev = {
		.uid = "6f1c9a0b-7d2e-4c15-9d1e-0b1c2d3e4f50@redlight",
		.sequence = 2,
		.start = START, .end = END, .stamp = STAMP,
		.summary = "Recording session, Studio A (RL-7KQ2M9XD)",
		.location = "Studio A, 12 Harbour St, Toronto",
		.description = "Code RL-7KQ2M9XD\nBring: your own drives; cables, DI\nPolicy: 50% refund under 48 h",
		.organizer_email = "studio@redlight.test", .organizer_name = "Redlight Studios",
		.attendee_email = "artist@example.com", .attendee_name = "Zoë Artist",
	};
	return ev;
}

/* Every line ends in CRLF, is at most 75 octets, and no fold splits a
 * UTF-8 sequence (a continuation line never starts with a continuation
 * byte after its space). */
static int
lines_ok(const char *s)
{
	const char *p = s;

	while (*p != '\0') {
		const char *cr = strstr(p, "\r\n");
		if (cr == NULL || cr - p > 75 || memchr(p, '\n', (size_t)(cr - p)) != NULL)
			return 0;
		if (p[0] == ' ' && ((unsigned char)p[1] & 0xc0) == 0x80)
			return 0;
		p = cr + 2;
	}
	return 1;
}

static icalcomponent *
parse(const char *s)
{
	return icalparser_parse_string(s);
}

static void
test_ics_invite_has_what_mail_programs_match_on(void)
{
	struct ics_calendar cal = { .method = ICS_REQUEST };
	struct ics_event ev = invite();
	struct err e;
	char *s = ics_render(&cal, &ev, 1, &e);
	icalcomponent *c, *v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "METHOD:REQUEST\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "SEQUENCE:2\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DTSTART:20270106T150000Z\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DTEND:20270106T170000Z\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DTSTAMP:20270101T120000Z\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "STATUS:CONFIRMED\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "mailto:studio@redlight.test"));
	CU_ASSERT_TRUE(lines_ok(s));
	c = parse(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_TRUE(icalrestriction_check(c));
	v = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_STRING_EQUAL(icalcomponent_get_uid(v), ev.uid);
	/* commas, semicolons and newlines survive escaping */
	CU_ASSERT_STRING_EQUAL(icalcomponent_get_description(v), ev.description);
	CU_ASSERT_STRING_EQUAL(icalcomponent_get_location(v), ev.location);
	icalcomponent_free(c);
	free(s);
}

static void
test_ics_cancel_keeps_the_uid_and_says_cancelled(void)
{
	struct ics_calendar cal = { .method = ICS_CANCEL };
	struct ics_event ev = invite();
	char *s;
	icalcomponent *c;

	ev.sequence = 3;
	ev.canceled = 1;
	s = ics_render(&cal, &ev, 1, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "METHOD:CANCEL\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "STATUS:CANCELLED\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "SEQUENCE:3\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "UID:6f1c9a0b-7d2e-4c15-9d1e-0b1c2d3e4f50@redlight\r\n"));
	c = parse(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_TRUE(icalrestriction_check(c));
	icalcomponent_free(c);
	free(s);
}

static void
test_ics_fold_never_splits_a_utf8_character(void)
{
	/* 40 two-octet characters after a 12-octet name: the cut at 75 octets
	 * would fall inside one */
	char line[256] = "DESCRIPTION:";
	char *f, *un;
	size_t o = strlen(line);

	for (int i = 0; i < 80; i++) {
		line[o++] = (char)0xc3;
		line[o++] = (char)0xa9;   /* é */
	}
	line[o++] = '\n';
	line[o] = '\0';
	f = ics_fold(line);
	CU_ASSERT_TRUE(lines_ok(f));
	CU_ASSERT_PTR_NOT_NULL(strstr(f, "\r\n "));
	/* unfolding gives the line back */
	un = ics_fold(f);
	CU_ASSERT_STRING_EQUAL(un, f);
	free(un);
	free(f);
}

static void
test_ics_fold_keeps_short_lines_and_crlf(void)
{
	char *f = ics_fold("BEGIN:VCALENDAR\nVERSION:2.0\r\nEND:VCALENDAR\n");

	CU_ASSERT_STRING_EQUAL(f, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n");
	free(f);
	f = ics_fold("A:");
	CU_ASSERT_STRING_EQUAL(f, "A:\r\n");
	free(f);
}

static void
test_ics_long_utf8_description_round_trips(void)
{
	struct ics_calendar cal = { .method = ICS_REQUEST };
	struct ics_event ev = invite();
	static const char word[] = "Zoë 🎸 ";
	char desc[60 * sizeof(word)];
	char *s;
	icalcomponent *c, *v;

	for (int i = 0; i < 60; i++)
		memcpy(desc + i * (sizeof(word) - 1), word, sizeof(word));
	/* libical's parser drops a value's trailing blank: end on a letter */
	desc[60 * (sizeof(word) - 1) - 1] = '\0';
	ev.description = desc;
	s = ics_render(&cal, &ev, 1, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(lines_ok(s));
	c = parse(s);
	v = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT);
	CU_ASSERT_STRING_EQUAL(icalcomponent_get_description(v), desc);
	icalcomponent_free(c);
	free(s);
}

static void
test_ics_refuses_an_event_without_uid_or_with_bad_text(void)
{
	struct ics_calendar cal = { .method = ICS_REQUEST };
	struct ics_event ev = invite();
	struct err e;

	ev.uid = "";
	CU_ASSERT_PTR_NULL(ics_render(&cal, &ev, 1, &e));
	CU_ASSERT_STRING_EQUAL(e.field, "uid");
	ev = invite();
	ev.end = ev.start;
	CU_ASSERT_PTR_NULL(ics_render(&cal, &ev, 1, &e));
	CU_ASSERT_STRING_EQUAL(e.field, "end");
	ev = invite();
	ev.summary = "bad \xc0\xaf overlong";
	CU_ASSERT_PTR_NULL(ics_render(&cal, &ev, 1, &e));
	CU_ASSERT_STRING_EQUAL(e.field, "summary");
	ev = invite();
	ev.attendee_name = "surrogate \xed\xa0\x80";
	CU_ASSERT_PTR_NULL(ics_render(&cal, &ev, 1, &e));
	CU_ASSERT_STRING_EQUAL(e.field, "attendee_name");
}

static void
test_ics_feed_carries_its_refresh_interval(void)
{
	struct ics_calendar cal = { .method = ICS_PUBLISH, .name = "Sam's sessions", .refresh_minutes = 15 };
	struct ics_event ev[2] = { invite(), invite() };
	char *s;
	icalcomponent *c;

	ev[1].uid = "other@redlight";
	ev[1].canceled = 1;
	s = ics_render(&cal, ev, 2, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "METHOD:PUBLISH\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "REFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "X-PUBLISHED-TTL:PT15M\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "X-WR-CALNAME:Sam's sessions\r\n"));
	c = parse(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(icalcomponent_count_components(c, ICAL_VEVENT_COMPONENT), 2);
	icalcomponent_free(c);
	free(s);
}

void
suite_ics(void)
{
	CU_pSuite s = CU_add_suite("ics", NULL, NULL);

	UNIT_TEST(s, test_ics_invite_has_what_mail_programs_match_on);
	UNIT_TEST(s, test_ics_cancel_keeps_the_uid_and_says_cancelled);
	UNIT_TEST(s, test_ics_fold_never_splits_a_utf8_character);
	UNIT_TEST(s, test_ics_fold_keeps_short_lines_and_crlf);
	UNIT_TEST(s, test_ics_long_utf8_description_round_trips);
	UNIT_TEST(s, test_ics_refuses_an_event_without_uid_or_with_bad_text);
	UNIT_TEST(s, test_ics_feed_carries_its_refresh_interval);
}
