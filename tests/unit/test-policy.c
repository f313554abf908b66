/* Suite "policy": core/policy.h, cancellation and reschedule tiers at their edges. */
#include <string.h>

#include "core/policy.h"
#include "tests/unit/suites.h"

#define H 3600
#define START ((int64_t)1900000000)

static const char default_tiers[] =
    "[{\"min_hours_before\":24,\"refund_percent\":50},"
    "{\"min_hours_before\":0,\"refund_percent\":0},"
    "{\"min_hours_before\":48,\"refund_percent\":100}]";

static void
load(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	CU_ASSERT_EQUAL_FATAL(policy_parse_tiers(default_tiers, p, NULL), 0);
	p->reschedule_free_min_hours = 24;
	p->reschedule_free_count = 1;
	p->reschedule_fee_cents = 2500;
}

static void
test_policy_tiers_are_sorted_most_notice_first(void)
{
	struct policy p;

	load(&p);
	CU_ASSERT_EQUAL(p.ncancel, 3);
	CU_ASSERT_EQUAL(p.cancel[0].min_hours_before, 48);
	CU_ASSERT_EQUAL(p.cancel[2].min_hours_before, 0);
}

static void
test_policy_cancel_exactly_48_hours_before_is_a_full_refund(void)
{
	struct policy p;
	struct policy_result r;

	load(&p);
	CU_ASSERT_EQUAL(policy_cancel(&p, START - 48 * H, START, 10000, &r, NULL), 0);
	CU_ASSERT_EQUAL(r.refund_percent, 100);
	CU_ASSERT_EQUAL(r.refund_cents, 10000);
	CU_ASSERT_EQUAL(policy_cancel(&p, START - 48 * H + 1, START, 10000, &r, NULL), 0);
	CU_ASSERT_EQUAL(r.refund_percent, 50);
}

static void
test_policy_cancel_exactly_24_hours_before_is_half(void)
{
	struct policy p;
	struct policy_result r;

	load(&p);
	CU_ASSERT_EQUAL(policy_cancel(&p, START - 24 * H, START, 10001, &r, NULL), 0);
	CU_ASSERT_EQUAL(r.refund_percent, 50);
	CU_ASSERT_EQUAL(r.refund_cents, 5001);
	CU_ASSERT_EQUAL(policy_cancel(&p, START - 24 * H + 1, START, 10000, &r, NULL), 0);
	CU_ASSERT_EQUAL(r.refund_percent, 0);
	CU_ASSERT_EQUAL(r.refund_cents, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.summary, "0%"));
}

static void
test_policy_refuses_changes_once_the_session_started(void)
{
	struct policy p;
	struct policy_result r;
	struct err e;

	load(&p);
	CU_ASSERT_EQUAL(policy_cancel(&p, START, START, 10000, &r, &e), ERR_CHANGED);
	CU_ASSERT_EQUAL(policy_reschedule(&p, START + 1, START, 0, &r, &e), ERR_CHANGED);
}

static void
test_policy_first_reschedule_with_a_day_of_notice_is_free(void)
{
	struct policy p;
	struct policy_result r;

	load(&p);
	CU_ASSERT_EQUAL(policy_reschedule(&p, START - 24 * H, START, 0, &r, NULL), 0);
	CU_ASSERT_EQUAL(r.fee_cents, 0);
	CU_ASSERT_EQUAL(policy_reschedule(&p, START - 24 * H + 1, START, 0, &r, NULL), 0);
	CU_ASSERT_EQUAL(r.fee_cents, 2500);
	CU_ASSERT_EQUAL(policy_reschedule(&p, START - 72 * H, START, 1, &r, NULL), 0);
	CU_ASSERT_EQUAL(r.fee_cents, 2500);
}

static void
test_policy_rejects_malformed_tiers(void)
{
	struct policy p;
	struct err e;

	CU_ASSERT_EQUAL(policy_parse_tiers("{", &p, &e), ERR_CONFIG);
	CU_ASSERT_EQUAL(policy_parse_tiers("[]", &p, &e), ERR_CONFIG);
	CU_ASSERT_EQUAL(policy_parse_tiers("[{\"min_hours_before\":1,\"refund_percent\":101}]", &p, &e), ERR_CONFIG);
	CU_ASSERT_EQUAL(policy_parse_tiers("[{\"min_hours_before\":\"x\",\"refund_percent\":1}]", &p, &e), ERR_CONFIG);
}

static void
test_policy_summary_names_every_tier(void)
{
	struct policy p;
	char buf[400];

	load(&p);
	policy_summary(&p, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "48 hours or more"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "100% refund"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "25.00 fee"));
}

void
suite_policy(void)
{
	CU_pSuite s = CU_add_suite("policy", NULL, NULL);

	UNIT_TEST(s, test_policy_tiers_are_sorted_most_notice_first);
	UNIT_TEST(s, test_policy_cancel_exactly_48_hours_before_is_a_full_refund);
	UNIT_TEST(s, test_policy_cancel_exactly_24_hours_before_is_half);
	UNIT_TEST(s, test_policy_refuses_changes_once_the_session_started);
	UNIT_TEST(s, test_policy_first_reschedule_with_a_day_of_notice_is_free);
	UNIT_TEST(s, test_policy_rejects_malformed_tiers);
	UNIT_TEST(s, test_policy_summary_names_every_tier);
}
