/* Unit tests for core/mail.c: the message the studio sends, byte for byte
 * where it matters (headers, structure, encodings). tests/standins checks
 * the same messages with Python's email package as a receiver would. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/mail.h"
#include "tests/unit/suites.h"

static const char ics_text[] = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";

static struct mail
message(void)
{
	struct mail m = {
		.from_email = "studio@redlight.test", .from_name = "Redlight Studios",
		.to_email = "zoe@example.com", .to_name = "Zoë \"Z\" Artist",
		.subject = "Your session RL-7KQ2M9XD is confirmed",
		.message_id = "<rl-7kq2m9xd-approved@redlight.test>",
		.date = 1799247600, .date_offset_min = -300,   /* 2027-01-06 15:00Z, Toronto */
		.text = "Hello Zoë,\nyour session is confirmed.\n",
		.html = "<p>Hello Zoë,</p>\n<p>your session is confirmed.</p>\n",
		.ics = ics_text, .ics_method = ICS_REQUEST,
	};
	return m;
}

static int
body_lines_short(const char *s)
{
	for (const char *p = s; *p != '\0';) {
		const char *cr = strstr(p, "\r\n");
		if (cr == NULL || cr - p > 78)
			return 0;
		p = cr + 2;
	}
	return 1;
}

static void
test_mail_invite_has_the_structure_mail_programs_expect(void)
{
	struct mail m = message();
	struct err e;
	char *s = mail_render(&m, &e);
	const char *mixed, *alt, *plain, *html, *cal, *att;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Date: Wed, 06 Jan 2027 10:00:00 -0500\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "From: \"Redlight Studios\" <studio@redlight.test>\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Message-ID: <rl-7kq2m9xd-approved@redlight.test>\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Subject: Your session RL-7KQ2M9XD is confirmed\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "MIME-Version: 1.0\r\n"));
	mixed = strstr(s, "Content-Type: multipart/mixed;\r\n boundary=");
	alt = strstr(s, "Content-Type: multipart/alternative;");
	plain = strstr(s, "Content-Type: text/plain; charset=UTF-8");
	html = strstr(s, "Content-Type: text/html; charset=UTF-8");
	cal = strstr(s, "Content-Type: text/calendar; charset=UTF-8; method=REQUEST");
	att = strstr(s, "Content-Disposition: attachment; filename=\"invite.ics\"");
	CU_ASSERT_TRUE(mixed && alt && plain && html && cal && att);
	CU_ASSERT_TRUE(mixed < alt && alt < plain && plain < html && html < cal && cal < att);
	CU_ASSERT_TRUE(body_lines_short(s));
	/* quoted-printable: é is =C3=A9 */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Hello Zo=C3=AB,"));
	free(s);
}

static void
test_mail_encodes_non_ascii_names_and_subjects(void)
{
	struct mail m = message();
	char *s, *w;

	m.subject = "Séance confirmée: Studio A, mercredi 6 janvier 2027, 10 h à midi (RL-7KQ2M9XD)";
	s = mail_render(&m, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Subject: =?UTF-8?B?"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "To: =?UTF-8?B?"));
	CU_ASSERT_TRUE(body_lines_short(s));
	free(s);
	/* each encoded word at most 75 characters, whole characters each */
	w = mail_encode_word("ééééééééééééééééééééééééééééééééééééééééééééééééééé");
	for (char *p = w, *end; *p != '\0'; p = end + (end[0] != '\0' ? 3 : 0)) {
		unsigned char bin[64];
		size_t n;
		end = strstr(p, "\r\n ");
		if (end == NULL)
			end = p + strlen(p);
		CU_ASSERT_TRUE(end - p <= 75);
		CU_ASSERT_EQUAL(sodium_base642bin(bin, sizeof(bin), p + 10, (size_t)(end - p - 12), NULL, &n, NULL,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		CU_ASSERT_EQUAL(n % 2, 0);   /* é is two octets: none split */
	}
	free(w);
	w = mail_encode_word("plain ASCII");
	CU_ASSERT_STRING_EQUAL(w, "plain ASCII");
	free(w);
}

static void
test_mail_is_the_same_bytes_for_the_same_message(void)
{
	struct mail m = message();
	char *a = mail_render(&m, NULL), *b = mail_render(&m, NULL), *c;

	CU_ASSERT_STRING_EQUAL(a, b);
	m.message_id = "<other@redlight.test>";
	c = mail_render(&m, NULL);
	CU_ASSERT_STRING_NOT_EQUAL(strstr(a, "boundary="), strstr(c, "boundary="));
	free(a);
	free(b);
	free(c);
}

static void
test_mail_without_invite_is_alternative_or_plain(void)
{
	struct mail m = message();
	char *s;

	m.ics = NULL;
	s = mail_render(&m, NULL);
	CU_ASSERT_PTR_NULL(strstr(s, "multipart/mixed"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "multipart/alternative"));
	CU_ASSERT_PTR_NULL(strstr(s, "text/calendar"));
	free(s);
	m.html = NULL;
	s = mail_render(&m, NULL);
	CU_ASSERT_PTR_NULL(strstr(s, "multipart"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Content-Type: text/plain; charset=UTF-8\r\n"));
	free(s);
}

static void
test_mail_qp_soft_breaks_long_lines_and_keeps_trailing_space(void)
{
	struct mail m = message();
	char text[400];
	char *s;

	memset(text, 'x', 300);
	memcpy(text + 300, " \n", 3);
	m.text = text;
	m.html = NULL;
	m.ics = NULL;
	s = mail_render(&m, NULL);
	CU_ASSERT_TRUE(body_lines_short(s));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "=\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "=20\r\n"));
	free(s);
}

static void
test_mail_refuses_header_injection_and_bad_addresses(void)
{
	struct mail m = message();
	struct err e;

	m.subject = "hi\r\nBcc: everyone@example.com";
	CU_ASSERT_PTR_NULL(mail_render(&m, &e));
	CU_ASSERT_STRING_EQUAL(e.field, "subject");
	m = message();
	m.to_email = "zoe@example.com>\r\nBcc: x@y";
	CU_ASSERT_PTR_NULL(mail_render(&m, &e));
	CU_ASSERT_STRING_EQUAL(e.field, "to");
	m = message();
	m.to_name = "Zoë\nBcc: x@y";
	CU_ASSERT_PTR_NULL(mail_render(&m, &e));
	CU_ASSERT_STRING_EQUAL(e.field, "name");
	m = message();
	m.message_id = "no-brackets@x";
	CU_ASSERT_PTR_NULL(mail_render(&m, &e));
	CU_ASSERT_STRING_EQUAL(e.field, "message_id");
	m = message();
	m.text = "bad \xff";
	CU_ASSERT_PTR_NULL(mail_render(&m, &e));
	CU_ASSERT_STRING_EQUAL(e.field, "text");
}

static int
mail_suite_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void
suite_mail(void)
{
	CU_pSuite s = CU_add_suite("mail", mail_suite_init, NULL);

	UNIT_TEST(s, test_mail_invite_has_the_structure_mail_programs_expect);
	UNIT_TEST(s, test_mail_encodes_non_ascii_names_and_subjects);
	UNIT_TEST(s, test_mail_is_the_same_bytes_for_the_same_message);
	UNIT_TEST(s, test_mail_without_invite_is_alternative_or_plain);
	UNIT_TEST(s, test_mail_qp_soft_breaks_long_lines_and_keeps_trailing_space);
	UNIT_TEST(s, test_mail_refuses_header_injection_and_bad_addresses);
}
