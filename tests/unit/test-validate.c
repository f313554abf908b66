/* Suite "validate": core/validate.h, the checks on what artists type. */
#include <string.h>

#include "core/validate.h"
#include "tests/unit/suites.h"

static void
test_validate_email_is_trimmed_and_lower_cased(void)
{
	char out[VALIDATE_EMAIL_MAX + 1];

	CU_ASSERT_EQUAL(validate_email("  Ari.Artist+Demo@Example.COM\t", out, sizeof(out), NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "ari.artist+demo@example.com");
}

static void
test_validate_email_accepts_subdomains_digits_and_hyphens(void)
{
	char out[VALIDATE_EMAIL_MAX + 1];

	CU_ASSERT_EQUAL(validate_email("a@mail.my-studio2.co.uk", out, sizeof(out), NULL), 0);
	CU_ASSERT_EQUAL(validate_email("x_y-z!#$%&'*=?^`{|}~@xn--bcher-kva.example", out,
	    sizeof(out), NULL), 0);
}

static void
test_validate_email_refuses_bad_shapes_naming_the_field(void)
{
	static const char *const bad[] = {
		"", "   ", "plain", "@example.com", "ari@", "ari@localhost", "ari@@example.com",
		"ari@exa mple.com", "ari smith@example.com", ".ari@example.com", "ari.@example.com",
		"a..b@example.com", "ari@example..com", "ari@.example.com", "ari@example.com.",
		"ari@-example.com", "ari@example-.com", "ari@example.com-", "ari@ex_ample.com",
		"\"ari\"@example.com", "ari@exämple.com", "ari(x)@example.com", "a\x01@example.com",
	};
	char out[VALIDATE_EMAIL_MAX + 1];
	struct err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		CU_ASSERT_EQUAL(validate_email(bad[i], out, sizeof(out), &e), ERR_INVALID);
		CU_ASSERT_STRING_EQUAL(e.field, "email");
		CU_ASSERT(e.msg[0] != '\0');
	}
}

static void
test_validate_email_of_254_bytes_passes_and_255_fails(void)
{
	char in[300], out[VALIDATE_EMAIL_MAX + 1];
	size_t n;

	/* 64-byte local part, then 63-character labels: 64 + 1 + 63*3 = 254 */
	memset(in, 'a', 64);
	n = 64;
	in[n++] = '@';
	for (int l = 0; l < 3; l++) {
		if (l > 0)
			in[n++] = '.';
		memset(in + n, 'b', l == 2 ? 61 : 63);
		n += l == 2 ? 61 : 63;
	}
	in[n] = '\0';
	CU_ASSERT_EQUAL(n, 254);
	CU_ASSERT_EQUAL(validate_email(in, out, sizeof(out), NULL), 0);
	in[n] = 'c';
	in[n + 1] = '\0';
	CU_ASSERT_EQUAL(validate_email(in, out, sizeof(out), NULL), ERR_INVALID);
}

static void
test_validate_email_local_part_over_64_bytes_fails(void)
{
	char in[100], out[VALIDATE_EMAIL_MAX + 1];

	memset(in, 'a', 65);
	memcpy(in + 65, "@example.com", 13);
	CU_ASSERT_EQUAL(validate_email(in, out, sizeof(out), NULL), ERR_INVALID);
	memmove(in + 1, in + 2, strlen(in + 2) + 1);
	CU_ASSERT_EQUAL(validate_email(in, out, sizeof(out), NULL), 0);
}

static void
test_validate_password_of_9_characters_fails_and_10_passes(void)
{
	struct err e;

	CU_ASSERT_EQUAL(validate_password("123456789", &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "password");
	CU_ASSERT_STRING_EQUAL(e.msg, "password must be 10 to 128 characters long");
	CU_ASSERT_EQUAL(validate_password("1234567890", NULL), 0);
}

static void
test_validate_password_counts_characters_not_bytes(void)
{
	/* nine two-byte characters: 18 bytes, still too short */
	CU_ASSERT_EQUAL(validate_password("ééééééééé", NULL), ERR_INVALID);
	CU_ASSERT_EQUAL(validate_password("éééééééééé", NULL), 0);
}

static void
test_validate_password_of_128_characters_passes_and_129_fails(void)
{
	char pw[200];

	memset(pw, 'x', 128);
	pw[128] = '\0';
	CU_ASSERT_EQUAL(validate_password(pw, NULL), 0);
	pw[128] = 'x';
	pw[129] = '\0';
	CU_ASSERT_EQUAL(validate_password(pw, NULL), ERR_INVALID);
}

static void
test_validate_password_that_is_not_utf8_fails(void)
{
	struct err e;

	CU_ASSERT_EQUAL(validate_password("abcdefghij\xff", &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "password");
}

static void
test_validate_name_is_trimmed(void)
{
	char out[4 * VALIDATE_NAME_MAX + 1];

	CU_ASSERT_EQUAL(validate_name("  Zoë Keating \n", out, sizeof(out), NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "Zoë Keating");
}

static void
test_validate_name_refuses_blank_control_and_long_names(void)
{
	char out[4 * VALIDATE_NAME_MAX + 1], longname[VALIDATE_NAME_MAX + 2];
	struct err e;

	CU_ASSERT_EQUAL(validate_name(" \t ", out, sizeof(out), &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "name");
	CU_ASSERT_EQUAL(validate_name("Ari\x1b[31m", out, sizeof(out), NULL), ERR_INVALID);
	CU_ASSERT_EQUAL(validate_name("Ari\xc2\x85", out, sizeof(out), NULL), ERR_INVALID);
	CU_ASSERT_EQUAL(validate_name("Ari\xc3", out, sizeof(out), NULL), ERR_INVALID);
	memset(longname, 'n', VALIDATE_NAME_MAX);
	longname[VALIDATE_NAME_MAX] = '\0';
	CU_ASSERT_EQUAL(validate_name(longname, out, sizeof(out), NULL), 0);
	longname[VALIDATE_NAME_MAX] = 'n';
	longname[VALIDATE_NAME_MAX + 1] = '\0';
	CU_ASSERT_EQUAL(validate_name(longname, out, sizeof(out), &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.msg, "name must be at most 100 characters long");
}

static void
test_validate_utf8_refuses_overlongs_surrogates_and_truncation(void)
{
	CU_ASSERT_EQUAL(validate_utf8_len("a\xc3\xa9z", 4), 3);
	CU_ASSERT_EQUAL(validate_utf8_len("\xf0\x9f\x8e\xb8", 4), 1);
	CU_ASSERT_EQUAL(validate_utf8_len("\xc0\xaf", 2), (size_t)-1);
	CU_ASSERT_EQUAL(validate_utf8_len("\xe0\x80\xaf", 3), (size_t)-1);
	CU_ASSERT_EQUAL(validate_utf8_len("\xed\xa0\x80", 3), (size_t)-1);
	CU_ASSERT_EQUAL(validate_utf8_len("\xf4\x90\x80\x80", 4), (size_t)-1);
	CU_ASSERT_EQUAL(validate_utf8_len("\xe2\x82", 2), (size_t)-1);
}

/* Every document here is refused, naming the member it breaks (or body). */
static const struct {
	const char *json;
	const char *field;
} validate_bad_json[] = {
	{ "{\"reason\":\"x\",\"x\":NaN}", "x" },
	{ "{\"x\":Infinity}", "x" },
	{ "{\"x\":-Infinity}", "x" },
	{ "{\"x\":1.}", "x" },
	{ "{\"x\":.5}", "x" },
	{ "{\"x\":01}", "x" },
	{ "{\"x\":+1}", "x" },
	{ "{\"x\":1e}", "x" },
	{ "{\"x\":-}", "x" },
	{ "{\"x\":nan}", "x" },
	{ "{\"x\":tru}", "x" },
	{ "{\"x\":\"a\tb\"}", "x" },
	{ "{\"x\":\"a\x01" "b\"}", "x" },
	{ "{\"x\":\"\\x41\"}", "x" },
	{ "{\"x\":\"\\u12\"}", "x" },
	{ "{\"x\":\"\\ud800\"}", "x" },
	{ "{\"x\":\"\\udc00\"}", "x" },
	{ "{\"x\":\"\\ud800\\u0041\"}", "x" },
	{ "{\"x\":\"\xc0\xaf\"}", "x" },
	{ "{\"x\":\"\xe0\x80\xaf\"}", "x" },
	{ "{\"x\":\"\xed\xa0\x80\"}", "x" },
	{ "{\"x\":\"\xf4\x90\x80\x80\"}", "x" },
	{ "{\"x\":\"\xff\"}", "x" },
	{ "{\"x\":\"open}", "x" },
	{ "{\"x\":[1,]}", "x" },
	{ "{\"x\":1,}", "body" },
	{ "{\"x\":1} x", "body" },
	{ "{\"x\":1}{}", "body" },
	{ "{\"x\":1}\x00", "body" },
	{ "{'x':1}", "body" },
	{ "{\"x\":1 /* c */}", "body" },
	{ "{\"\xc0\xaf\":1}", "body" },
	{ "\xef\xbb\xbf{}", "body" },
	{ "{\"x\":1", "body" },
	{ "", "body" },
	{ "{\"x\":[[[[[[[[1]]]]]]]]}", "x" },
};

static void
test_validate_json_refuses_what_rfc_8259_does_not_write(void)
{
	size_t members;
	struct err e;

	for (size_t i = 0; i < sizeof(validate_bad_json) / sizeof(validate_bad_json[0]); i++) {
		/* the NUL case has one more byte than strlen sees */
		size_t len = strlen(validate_bad_json[i].json) + (strcmp(validate_bad_json[i].json,
		    "{\"x\":1}") == 0);

		err_clear(&e);
		CU_ASSERT_EQUAL(validate_json(validate_bad_json[i].json, len, 8, &members, &e),
		    ERR_INVALID);
		CU_ASSERT_STRING_EQUAL(e.field, validate_bad_json[i].field);
		CU_ASSERT(strncmp(e.msg, validate_bad_json[i].field, strlen(e.field)) == 0);
	}
}

static void
test_validate_json_accepts_strict_documents_and_counts_members(void)
{
	static const char doc[] = " {\"a\":-0.5e+3,\"b\":[true,false,null,{}],\"c\":{\"d\":\"\\u00e9\\ud83c\\udfb8"
	    "\xf0\x9f\x8e\xb8\\\"\\\\\\/\\n\\r\\t\"},\"e\":0,\"f\":1E9} \r\n";
	size_t members;

	CU_ASSERT_EQUAL(validate_json(doc, strlen(doc), 8, &members, NULL), 0);
	CU_ASSERT_EQUAL(members, 6);
	CU_ASSERT_EQUAL(validate_json("{\"a\":1,\"a\":2}", 13, 8, &members, NULL), 0);
	CU_ASSERT_EQUAL(members, 2);
	CU_ASSERT_EQUAL(validate_json("[[[[[[[[1]]]]]]]]", 17, 8, &members, NULL), 0);
	/* JSON, though no text field takes them: validate_text's to refuse */
	CU_ASSERT_EQUAL(validate_json("{\"a\\nb\":\"\\u0000\\u001b\\b\x7f\xc2\x85\"}", 28, 8,
	    &members, NULL), 0);
	CU_ASSERT_EQUAL(validate_json("[[[[[[[[[1]]]]]]]]]", 19, 8, &members, NULL), ERR_INVALID);
}

static void
test_validate_json_names_a_long_member_cut_to_the_field_size(void)
{
	static const char doc[] = "{\"a_member_name_longer_than_thirty_one_bytes\":NaN}";
	struct err e;
	size_t members;

	CU_ASSERT_EQUAL(validate_json(doc, strlen(doc), 8, &members, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "a_member_name_longer_than_thirt");
}

static void
test_validate_text_allows_line_breaks_only_in_multiline_text(void)
{
	size_t chars = 0;
	struct err e;

	CU_ASSERT_EQUAL(validate_text("notes", "two\nsongs\r\n\tZo\xc3\xab", 16,
	    VALIDATE_TEXT_MULTILINE, &chars, NULL), 0);
	CU_ASSERT_EQUAL(chars, 15);
	CU_ASSERT_EQUAL(validate_text("room_id", "a\nb", 3, VALIDATE_TEXT_LINE, NULL, &e),
	    ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "room_id");
	CU_ASSERT_EQUAL(validate_text("room_id", "a\tb", 3, VALIDATE_TEXT_LINE, NULL, NULL),
	    ERR_INVALID);
	/* a lone CR returns the console's cursor over the note itself */
	CU_ASSERT_EQUAL(validate_text("notes", "ok\rno", 5, VALIDATE_TEXT_MULTILINE, NULL, NULL),
	    ERR_INVALID);
	CU_ASSERT_EQUAL(validate_text("notes", "ok\r", 3, VALIDATE_TEXT_MULTILINE, NULL, NULL),
	    ERR_INVALID);
	CU_ASSERT_EQUAL(validate_text("notes", "\x1b[2J", 4, VALIDATE_TEXT_MULTILINE, NULL, &e),
	    ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.msg, "notes must not hold control characters other than line "
	    "breaks and tabs");
	CU_ASSERT_EQUAL(validate_text("notes", "\xc2\x9b", 2, VALIDATE_TEXT_MULTILINE, NULL, NULL),
	    ERR_INVALID);
	CU_ASSERT_EQUAL(validate_text("notes", "a\0b", 3, VALIDATE_TEXT_MULTILINE, NULL, NULL),
	    ERR_INVALID);
	CU_ASSERT_EQUAL(validate_text("notes", "\xed\xa0\x80", 3, VALIDATE_TEXT_MULTILINE, NULL,
	    &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.msg, "notes is not valid UTF-8 text");
}

static void
test_validate_password_with_a_control_character_fails(void)
{
	struct err e;

	CU_ASSERT_EQUAL(validate_password("abcdefghij\t", &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "password");
}

void
suite_validate(void)
{
	CU_pSuite s = CU_add_suite("validate", NULL, NULL);

	UNIT_TEST(s, test_validate_email_is_trimmed_and_lower_cased);
	UNIT_TEST(s, test_validate_email_accepts_subdomains_digits_and_hyphens);
	UNIT_TEST(s, test_validate_email_refuses_bad_shapes_naming_the_field);
	UNIT_TEST(s, test_validate_email_of_254_bytes_passes_and_255_fails);
	UNIT_TEST(s, test_validate_email_local_part_over_64_bytes_fails);
	UNIT_TEST(s, test_validate_password_of_9_characters_fails_and_10_passes);
	UNIT_TEST(s, test_validate_password_counts_characters_not_bytes);
	UNIT_TEST(s, test_validate_password_of_128_characters_passes_and_129_fails);
	UNIT_TEST(s, test_validate_password_that_is_not_utf8_fails);
	UNIT_TEST(s, test_validate_name_is_trimmed);
	UNIT_TEST(s, test_validate_name_refuses_blank_control_and_long_names);
	UNIT_TEST(s, test_validate_utf8_refuses_overlongs_surrogates_and_truncation);
	UNIT_TEST(s, test_validate_json_refuses_what_rfc_8259_does_not_write);
	UNIT_TEST(s, test_validate_json_accepts_strict_documents_and_counts_members);
	UNIT_TEST(s, test_validate_json_names_a_long_member_cut_to_the_field_size);
	UNIT_TEST(s, test_validate_text_allows_line_breaks_only_in_multiline_text);
	UNIT_TEST(s, test_validate_password_with_a_control_character_fails);
}
