/* Unit tests for core/secret.c: sealing at rest and phone numbers. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "tests/unit/suites.h"

static const char key_hex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

static void
test_secret_seal_opens_with_its_key_only(void)
{
	unsigned char key[SECRET_KEY_BYTES], other[SECRET_KEY_BYTES], nonce[SECRET_NONCE_BYTES] = { 7 };
	char *s, *p;
	size_t len = 0;
	struct err e;

	CU_ASSERT_EQUAL_FATAL(secret_key_parse(key_hex, key, NULL), 0);
	memcpy(other, key, sizeof(other));
	other[0] ^= 1;
	s = secret_seal("+14165550123", 12, key, nonce);
	CU_ASSERT_EQUAL(strncmp(s, "v1:", 3), 0);
	CU_ASSERT_PTR_NULL(strstr(s, "4165550123"));
	p = secret_open(s, key, &len, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p, "+14165550123");
	CU_ASSERT_EQUAL(len, 12);
	free(p);
	CU_ASSERT_PTR_NULL(secret_open(s, other, NULL, &e));
	CU_ASSERT_EQUAL(e.code, ERR_INVALID);
	s[10] = s[10] == 'A' ? 'B' : 'A';   /* altered */
	CU_ASSERT_PTR_NULL(secret_open(s, key, NULL, NULL));
	CU_ASSERT_PTR_NULL(secret_open("plain text", key, NULL, NULL));
	CU_ASSERT_PTR_NULL(secret_open("v1:AAAA", key, NULL, NULL));
	free(s);
}

static void
test_secret_key_must_be_64_hex_digits(void)
{
	unsigned char key[SECRET_KEY_BYTES];
	struct err e;

	CU_ASSERT_EQUAL(secret_key_parse("abc", key, &e), ERR_CONFIG);
	CU_ASSERT_PTR_NULL(strstr(e.msg, "abc"));
	CU_ASSERT_EQUAL(secret_key_parse(NULL, key, NULL), ERR_CONFIG);
	CU_ASSERT_EQUAL(secret_key_parse("zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", key, NULL),
	    ERR_CONFIG);
}

static void
test_secret_phone_becomes_e164(void)
{
	char out[20];
	struct err e;

	CU_ASSERT_EQUAL(secret_phone_e164("(416) 555-0123", "1", out, sizeof(out), NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "+14165550123");
	CU_ASSERT_EQUAL(secret_phone_e164("1-416-555-0123", "1", out, sizeof(out), NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "+14165550123");
	CU_ASSERT_EQUAL(secret_phone_e164("+44 20 7946 0958", "1", out, sizeof(out), NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "+442079460958");
	CU_ASSERT_EQUAL(secret_phone_e164("0044 20 7946 0958", "1", out, sizeof(out), NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "+442079460958");
	CU_ASSERT_EQUAL(secret_phone_e164("020 7946 0958", "44", out, sizeof(out), &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "phone");
	CU_ASSERT_EQUAL(secret_phone_e164("+1 416 555 012x", "1", out, sizeof(out), NULL), ERR_INVALID);
	CU_ASSERT_EQUAL(secret_phone_e164("+0 416 555 0123", "1", out, sizeof(out), NULL), ERR_INVALID);
	CU_ASSERT_EQUAL(secret_phone_e164("+1234567", "1", out, sizeof(out), NULL), ERR_INVALID);
	CU_ASSERT_EQUAL(secret_phone_e164("+1234567890123456", "1", out, sizeof(out), NULL), ERR_INVALID);
}

static int
secret_suite_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void
suite_secret(void)
{
	CU_pSuite s = CU_add_suite("secret", secret_suite_init, NULL);

	UNIT_TEST(s, test_secret_seal_opens_with_its_key_only);
	UNIT_TEST(s, test_secret_key_must_be_64_hex_digits);
	UNIT_TEST(s, test_secret_phone_becomes_e164);
}
