/* test-payment.c: core/payment.c, the money rules. */
#include <string.h>

#include "core/payment.h"
#include "tests/unit/suites.h"

static void
test_payment_due_now_is_the_deposit(void)
{
	CU_ASSERT_EQUAL(payment_due_now(20000, 25, 5000), 5000);
}

static void
test_payment_due_now_is_the_total_when_the_deposit_is_zero_percent(void)
{
	CU_ASSERT_EQUAL(payment_due_now(20000, 0, 0), 20000);
	/* 100 %: the deposit is the whole total */
	CU_ASSERT_EQUAL(payment_due_now(20000, 100, 20000), 20000);
}

static void
test_payment_refund_follows_each_demo_tier(void)
{
	/* the demo policy: 48 h or more 100 %, 24 h or more 50 %, less 0 % */
	CU_ASSERT_EQUAL(payment_policy_refund(100, 12345, 0), 12345);
	CU_ASSERT_EQUAL(payment_policy_refund(50, 12000, 0), 6000);
	CU_ASSERT_EQUAL(payment_policy_refund(0, 12000, 0), 0);
}

static void
test_payment_refund_rounds_half_a_cent_up(void)
{
	CU_ASSERT_EQUAL(payment_policy_refund(50, 12345, 0), 6173);  /* 6172.5 */
	CU_ASSERT_EQUAL(payment_policy_refund(33, 1001, 0), 330);    /* 330.33 */
	CU_ASSERT_EQUAL(payment_policy_refund(67, 1001, 0), 671);    /* 670.67 */
	CU_ASSERT_EQUAL(payment_policy_refund(50, 1, 0), 1);         /* 0.5 */
}

static void
test_payment_refund_never_exceeds_what_is_left(void)
{
	/* 100 of 10000 captured already went back by hand */
	CU_ASSERT_EQUAL(payment_policy_refund(100, 10000, 100), 9900);
	CU_ASSERT_EQUAL(payment_policy_refund(50, 10000, 9000), 1000);
	CU_ASSERT_EQUAL(payment_policy_refund(50, 10000, 10000), 0);
	CU_ASSERT_EQUAL(payment_policy_refund(50, 10000, 12000), 0);
	CU_ASSERT_EQUAL(payment_refundable(10000, 12000), 0);
	CU_ASSERT_EQUAL(payment_refundable(10000, 2500), 7500);
}

static void
test_payment_refund_clamps_a_percent_out_of_range(void)
{
	CU_ASSERT_EQUAL(payment_policy_refund(150, 10000, 0), 10000);
	CU_ASSERT_EQUAL(payment_policy_refund(-5, 10000, 0), 0);
	CU_ASSERT_EQUAL(payment_policy_refund(50, 0, 0), 0);
}

static void
test_payment_plan_captures_only_a_confirmed_booking(void)
{
	CU_ASSERT_EQUAL(payment_plan(PAY_B_CONFIRMED, PAY_I_AUTHORIZED), PAY_CAPTURE);
	CU_ASSERT_EQUAL(payment_plan(PAY_B_AWAITING, PAY_I_AUTHORIZED), PAY_WAIT);
	CU_ASSERT_EQUAL(payment_plan(PAY_B_CONFIRMED, PAY_I_CAPTURED), PAY_WAIT);
	CU_ASSERT_EQUAL(payment_plan(PAY_B_CONFIRMED, PAY_I_UNPAID), PAY_WAIT);
}

static void
test_payment_plan_charges_nothing_for_a_rejected_booking(void)
{
	CU_ASSERT_EQUAL(payment_plan(PAY_B_UNWOUND, PAY_I_AUTHORIZED), PAY_CANCEL);
	CU_ASSERT_EQUAL(payment_plan(PAY_B_UNWOUND, PAY_I_UNPAID), PAY_CANCEL);
	CU_ASSERT_EQUAL(payment_plan(PAY_B_UNWOUND, PAY_I_CAPTURED), PAY_REFUND_ALL);
	CU_ASSERT_EQUAL(payment_plan(PAY_B_UNWOUND, PAY_I_CANCELED), PAY_WAIT);
}

static void
test_payment_plan_captures_then_refunds_a_canceled_confirmed_booking(void)
{
	CU_ASSERT_EQUAL(payment_plan(PAY_B_CANCELED_CONFIRMED, PAY_I_AUTHORIZED), PAY_CAPTURE);
	CU_ASSERT_EQUAL(payment_plan(PAY_B_CANCELED_CONFIRMED, PAY_I_CAPTURED), PAY_REFUND_POLICY);
	CU_ASSERT_EQUAL(payment_plan(PAY_B_CANCELED_CONFIRMED, PAY_I_CANCELED), PAY_WAIT);
}

static void
test_payment_plan_flags_a_lapsed_authorization_still_owed(void)
{
	CU_ASSERT_EQUAL(payment_plan(PAY_B_AWAITING, PAY_I_CANCELED), PAY_FLAG);
	CU_ASSERT_EQUAL(payment_plan(PAY_B_CONFIRMED, PAY_I_CANCELED), PAY_FLAG);
}

static void
test_payment_extra_owed_follows_the_booking(void)
{
	CU_ASSERT_TRUE(payment_extra_owed(PAY_X_BALANCE, PAY_B_CONFIRMED));
	CU_ASSERT_FALSE(payment_extra_owed(PAY_X_BALANCE, PAY_B_AWAITING));
	CU_ASSERT_FALSE(payment_extra_owed(PAY_X_BALANCE, PAY_B_UNWOUND));
	CU_ASSERT_FALSE(payment_extra_owed(PAY_X_BALANCE, PAY_B_CANCELED_CONFIRMED));
	/* a fee for a move stands, even once the booking is canceled */
	CU_ASSERT_TRUE(payment_extra_owed(PAY_X_FEE, PAY_B_AWAITING));
	CU_ASSERT_TRUE(payment_extra_owed(PAY_X_FEE, PAY_B_CONFIRMED));
	CU_ASSERT_TRUE(payment_extra_owed(PAY_X_FEE, PAY_B_CANCELED_CONFIRMED));
	CU_ASSERT_FALSE(payment_extra_owed(PAY_X_FEE, PAY_B_UNWOUND));
}

static void
test_payment_balance_refund_by_tier_rounds_per_payment(void)
{
	/* a 50 % cancel of a booking that paid a 2825 deposit and a 8475
	 * balance: each refunded on its own, half up */
	CU_ASSERT_EQUAL(payment_policy_refund(50, 2825, 0), 1413);
	CU_ASSERT_EQUAL(payment_policy_refund(50, 8475, 0), 4238);
}

static void
test_payment_states_parse_by_name(void)
{
	enum payment_intent i;
	enum payment_booking b;
	struct err e;

	CU_ASSERT_EQUAL(payment_intent_parse("requires_capture", &i, &e), 0);
	CU_ASSERT_EQUAL(i, PAY_I_AUTHORIZED);
	CU_ASSERT_EQUAL(payment_intent_parse("requires_action", &i, &e), 0);
	CU_ASSERT_EQUAL(i, PAY_I_UNPAID);
	CU_ASSERT_EQUAL(payment_intent_parse("refunded", &i, &e), ERR_INVALID);
	CU_ASSERT_EQUAL(payment_booking_of("canceled", 1, &b, &e), 0);
	CU_ASSERT_EQUAL(b, PAY_B_CANCELED_CONFIRMED);
	CU_ASSERT_EQUAL(payment_booking_of("canceled", 0, &b, &e), 0);
	CU_ASSERT_EQUAL(b, PAY_B_UNWOUND);
	CU_ASSERT_EQUAL(payment_booking_of("completed", 1, &b, &e), 0);
	CU_ASSERT_EQUAL(b, PAY_B_CONFIRMED);
	CU_ASSERT_EQUAL(payment_booking_of("lost", 0, &b, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(payment_action_name(PAY_REFUND_POLICY), "refund_policy");
}

void
suite_payment(void)
{
	CU_pSuite s = CU_add_suite("payment", NULL, NULL);

	UNIT_TEST(s, test_payment_due_now_is_the_deposit);
	UNIT_TEST(s, test_payment_due_now_is_the_total_when_the_deposit_is_zero_percent);
	UNIT_TEST(s, test_payment_refund_follows_each_demo_tier);
	UNIT_TEST(s, test_payment_refund_rounds_half_a_cent_up);
	UNIT_TEST(s, test_payment_refund_never_exceeds_what_is_left);
	UNIT_TEST(s, test_payment_refund_clamps_a_percent_out_of_range);
	UNIT_TEST(s, test_payment_plan_captures_only_a_confirmed_booking);
	UNIT_TEST(s, test_payment_plan_charges_nothing_for_a_rejected_booking);
	UNIT_TEST(s, test_payment_plan_captures_then_refunds_a_canceled_confirmed_booking);
	UNIT_TEST(s, test_payment_plan_flags_a_lapsed_authorization_still_owed);
	UNIT_TEST(s, test_payment_extra_owed_follows_the_booking);
	UNIT_TEST(s, test_payment_balance_refund_by_tier_rounds_per_payment);
	UNIT_TEST(s, test_payment_states_parse_by_name);
}
