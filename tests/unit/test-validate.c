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
}
