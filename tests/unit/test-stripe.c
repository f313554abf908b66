/* Unit tests for core/stripe.c: webhook signatures, idempotency keys and
 * form encoding. The expected MACs were computed independently (Python's
 * hmac module) from the same secret, timestamp and body. */
#include <sodium.h>
#include <string.h>

#include "core/stripe.h"
#include "tests/unit/suites.h"

#define BODY "{\"id\":\"evt_1\"}"
#define T0 1700000000
#define MAC_GOOD "c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925"
#define MAC_OTHER_SECRET "d8d091c76b586cff4dbd317fc47ebddff4b86de3ce18d3c03753c3c1901d475a"

static int
verify(const char *header, int64_t now)
{
	struct err e;

	return stripe_sig_verify(header, BODY, strlen(BODY), "whsec_test", now, STRIPE_SIG_TOLERANCE, &e);
}

static void
test_stripe_sig_accepts_a_good_signature(void)
{
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC_GOOD, T0), 0);
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC_GOOD, T0 + 300), 0);
	/* other schemes are ignored */
	CU_ASSERT_EQUAL(verify("t=1700000000,v0=abc,v1=" MAC_GOOD, T0 + 10), 0);
}

static void
test_stripe_sig_refuses_a_wrong_secret(void)
{
	struct err e;

	CU_ASSERT_EQUAL(stripe_sig_verify("t=1700000000,v1=" MAC_OTHER_SECRET, BODY, strlen(BODY),
	    "whsec_test", T0, STRIPE_SIG_TOLERANCE, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "Stripe-Signature");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "no v1 signature matches"));
}

static void
test_stripe_sig_refuses_a_changed_body(void)
{
	CU_ASSERT_EQUAL(stripe_sig_verify("t=1700000000,v1=" MAC_GOOD, "{\"id\":\"evt_2\"}", 14,
	    "whsec_test", T0, STRIPE_SIG_TOLERANCE, NULL), ERR_INVALID);
}

static void
test_stripe_sig_refuses_a_stale_or_future_timestamp(void)
{
	struct err e;

	CU_ASSERT_EQUAL(stripe_sig_verify("t=1700000000,v1=" MAC_GOOD, BODY, strlen(BODY), "whsec_test",
	    T0 + 301, STRIPE_SIG_TOLERANCE, &e), ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "301 seconds old"));
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC_GOOD, T0 - 301), ERR_INVALID);
}

static void
test_stripe_sig_accepts_any_of_several_v1(void)
{
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC_OTHER_SECRET ",v1=" MAC_GOOD, T0), 0);
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC_GOOD ",v1=" MAC_OTHER_SECRET, T0), 0);
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC_OTHER_SECRET ",v1=" MAC_OTHER_SECRET, T0), ERR_INVALID);
}

static void
test_stripe_sig_refuses_malformed_headers(void)
{
	CU_ASSERT_EQUAL(verify(NULL, T0), ERR_INVALID);
	CU_ASSERT_EQUAL(verify("", T0), ERR_INVALID);
	CU_ASSERT_EQUAL(verify("v1=" MAC_GOOD, T0), ERR_INVALID);                 /* no t */
	CU_ASSERT_EQUAL(verify("t=1700000000", T0), ERR_INVALID);                 /* no v1 */
	CU_ASSERT_EQUAL(verify("t=17000x0000,v1=" MAC_GOOD, T0), ERR_INVALID);    /* bad t */
	CU_ASSERT_EQUAL(verify("t=-1700000000,v1=" MAC_GOOD, T0), ERR_INVALID);
	CU_ASSERT_EQUAL(verify("t=1700000000,t=1700000000,v1=" MAC_GOOD, T0), ERR_INVALID);
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC_GOOD "00", T0), ERR_INVALID); /* too long */
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=zz9214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925",
	    T0), ERR_INVALID);
	CU_ASSERT_EQUAL(verify("t=1700000000, v1=" MAC_GOOD, T0), ERR_INVALID);    /* a space is not ours */
}

static void
test_stripe_sig_header_is_what_verify_accepts(void)
{
	char h[160];

	CU_ASSERT_EQUAL(stripe_sig_header(h, sizeof(h), BODY, strlen(BODY), "whsec_test", T0), 0);
	CU_ASSERT_STRING_EQUAL(h, "t=1700000000,v1=" MAC_GOOD);
	CU_ASSERT_EQUAL(stripe_sig_header(h, 20, BODY, strlen(BODY), "whsec_test", T0), ERR_TOO_LARGE);
	CU_ASSERT_STRING_EQUAL(h, "");
}

static void
test_stripe_idem_key_is_stable_per_booking_and_step(void)
{
	char a[128], b[128];

	CU_ASSERT_EQUAL(stripe_idem_key(a, sizeof(a), "3f1c", "capture", 0), 0);
	CU_ASSERT_EQUAL(stripe_idem_key(b, sizeof(b), "3f1c", "capture", 0), 0);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_STRING_EQUAL(a, "rl-3f1c-capture");
	CU_ASSERT_EQUAL(stripe_idem_key(b, sizeof(b), "3f1c", "refund", 2), 0);
	CU_ASSERT_STRING_EQUAL(b, "rl-3f1c-refund-2");
	CU_ASSERT_EQUAL(stripe_idem_key(b, sizeof(b), "3f 1c", "refund", 0), ERR_INVALID);
	CU_ASSERT_EQUAL(stripe_idem_key(b, sizeof(b), "", "refund", 0), ERR_INVALID);
	CU_ASSERT_EQUAL(stripe_idem_key(b, 8, "3f1c", "capture", 0), ERR_TOO_LARGE);
	CU_ASSERT_STRING_EQUAL(b, "");
}

static void
test_stripe_form_add_encodes_as_stripe_reads_it(void)
{
	char f[128] = "";

	CU_ASSERT_EQUAL(stripe_form_add(f, sizeof(f), "amount", "5000"), 0);
	CU_ASSERT_EQUAL(stripe_form_add(f, sizeof(f), "metadata[booking_id]", "RL-7KQ2"), 0);
	CU_ASSERT_EQUAL(stripe_form_add(f, sizeof(f), "description", "Studio A & B = 2h/é"), 0);
	CU_ASSERT_STRING_EQUAL(f, "amount=5000&metadata[booking_id]=RL-7KQ2"
	    "&description=Studio%20A%20%26%20B%20%3D%202h%2F%C3%A9");
}

static void
test_stripe_form_add_leaves_a_full_buffer_as_it_was(void)
{
	char f[16] = "";

	CU_ASSERT_EQUAL(stripe_form_add(f, sizeof(f), "amount", "5000"), 0);
	CU_ASSERT_EQUAL(stripe_form_add(f, sizeof(f), "currency", "cad"), ERR_TOO_LARGE);
	CU_ASSERT_STRING_EQUAL(f, "amount=5000");
}

/* libsodium wants sodium_init before use, as the programs call it. */
static int
stripe_suite_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void
suite_stripe(void)
{
	CU_pSuite s = CU_add_suite("stripe", stripe_suite_init, NULL);

	UNIT_TEST(s, test_stripe_sig_accepts_a_good_signature);
	UNIT_TEST(s, test_stripe_sig_refuses_a_wrong_secret);
	UNIT_TEST(s, test_stripe_sig_refuses_a_changed_body);
	UNIT_TEST(s, test_stripe_sig_refuses_a_stale_or_future_timestamp);
	UNIT_TEST(s, test_stripe_sig_accepts_any_of_several_v1);
	UNIT_TEST(s, test_stripe_sig_refuses_malformed_headers);
	UNIT_TEST(s, test_stripe_sig_header_is_what_verify_accepts);
	UNIT_TEST(s, test_stripe_idem_key_is_stable_per_booking_and_step);
	UNIT_TEST(s, test_stripe_form_add_encodes_as_stripe_reads_it);
	UNIT_TEST(s, test_stripe_form_add_leaves_a_full_buffer_as_it_was);
}
