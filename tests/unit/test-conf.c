/* Unit tests for core/conf.c: the keys SMS needs (Twilio's, secret_key)
 * and when SMS counts as configured; http_processes. */
#include <string.h>

#include "core/conf.h"
#include "tests/unit/suites.h"

static void
test_conf_twilio_keys_are_checked_and_sms_needs_all_four(void)
{
	struct conf c;
	struct err e;

	conf_defaults(&c);
	CU_ASSERT_STRING_EQUAL(c.twilio_api_base, "https://api.twilio.com");
	CU_ASSERT_PTR_NOT_NULL(conf_sms_off(&c));
	CU_ASSERT_EQUAL(conf_set(&c, "twilio_account_sid", "SK123", &e), ERR_CONFIG);
	CU_ASSERT_STRING_EQUAL(e.field, "twilio_account_sid");
	CU_ASSERT_EQUAL(conf_set(&c, "twilio_account_sid", "AC0123456789abcdef0123456789abcdef", &e), 0);
	CU_ASSERT_EQUAL(conf_set(&c, "twilio_auth_token", "s3cret", &e), 0);
	CU_ASSERT_EQUAL(conf_set(&c, "twilio_from", "4165550000", &e), ERR_CONFIG);
	CU_ASSERT_EQUAL(conf_set(&c, "twilio_from", "+0165550000", &e), ERR_CONFIG);
	CU_ASSERT_EQUAL(conf_set(&c, "twilio_from", "MG0123", &e), 0);
	CU_ASSERT_EQUAL(conf_set(&c, "twilio_from", "+14165550000", &e), 0);
	CU_ASSERT_EQUAL(conf_set(&c, "twilio_api_base", "ftp://x", &e), ERR_CONFIG);
	/* three of four: still off, saying secret_key is what is missing */
	CU_ASSERT_PTR_NOT_NULL_FATAL(conf_sms_off(&c));
	CU_ASSERT_PTR_NOT_NULL(strstr(conf_sms_off(&c), "secret_key"));
	CU_ASSERT_EQUAL(conf_set(&c, "secret_key", "abc", &e), ERR_CONFIG);
	CU_ASSERT_PTR_NULL(strstr(e.msg, "abc"));
	CU_ASSERT_EQUAL(conf_set(&c, "secret_key",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", &e), 0);
	CU_ASSERT_PTR_NULL(conf_sms_off(&c));
	CU_ASSERT_EQUAL(conf_set(&c, "twilio_auth_token", "", &e), 0);
	CU_ASSERT_PTR_NOT_NULL(conf_sms_off(&c));
}

static void
test_conf_http_processes_is_one_by_default_a_count_or_auto(void)
{
	struct conf c;
	struct err e;

	conf_defaults(&c);
	CU_ASSERT_EQUAL(c.http_processes, 1);
	CU_ASSERT_EQUAL(conf_set(&c, "http_processes", "4", &e), 0);
	CU_ASSERT_EQUAL(c.http_processes, 4);
	CU_ASSERT_EQUAL(conf_set(&c, "http_processes", "auto", &e), 0);
	CU_ASSERT_EQUAL(c.http_processes, 0);
	CU_ASSERT_EQUAL(conf_set(&c, "http_processes", "0", &e), ERR_CONFIG);
	CU_ASSERT_STRING_EQUAL(e.field, "http_processes");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "out of range"));
	CU_ASSERT_EQUAL(conf_set(&c, "http_processes", "65", &e), ERR_CONFIG);
	CU_ASSERT_EQUAL(conf_set(&c, "http_processes", "two", &e), ERR_CONFIG);
	CU_ASSERT_EQUAL(c.http_processes, 0);   /* a refused value changes nothing */
}

void
suite_conf(void)
{
	CU_pSuite s = CU_add_suite("conf", NULL, NULL);

	UNIT_TEST(s, test_conf_twilio_keys_are_checked_and_sms_needs_all_four);
	UNIT_TEST(s, test_conf_http_processes_is_one_by_default_a_count_or_auto);
}
