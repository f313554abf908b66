/* Suite "quote": core/quote.h, prices in integer cents, and core/code.h. */
#include <string.h>

#include "core/code.h"
#include "core/quote.h"
#include "tests/unit/suites.h"

static void
test_quote_two_hour_session_with_addon_taxes_and_deposit(void)
{
	struct quote_line lines[2] = {
		{ .service_id = "rec", .unit_price_cents = 9000, .quantity = 2 },
		{ .service_id = "backline", .unit_price_cents = 2500, .quantity = 1 },
	};
	struct quote_rates r = { .tax_rate_bp = 1300, .fee_cents = 0, .deposit_percent = 25 };
	struct quote q;

	CU_ASSERT_EQUAL(quote_compute(lines, 2, &r, &q, NULL), 0);
	CU_ASSERT_EQUAL(lines[0].total_cents, 18000);
	CU_ASSERT_EQUAL(q.subtotal_cents, 20500);
	CU_ASSERT_EQUAL(q.taxes_cents, 2665);
	CU_ASSERT_EQUAL(q.total_cents, 23165);
	/* 25% of 231.65 is 57.9125: rounds to 57.91 */
	CU_ASSERT_EQUAL(q.deposit_cents, 5791);
}

static void
test_quote_rounds_half_a_cent_up(void)
{
	struct quote_line l = { .service_id = "x", .unit_price_cents = 50, .quantity = 1 };
	struct quote_rates r = { .tax_rate_bp = 1300, .fee_cents = 0, .deposit_percent = 50 };
	struct quote q;

	/* 13% of 0.50 is 6.5 cents: 7 */
	CU_ASSERT_EQUAL(quote_compute(&l, 1, &r, &q, NULL), 0);
	CU_ASSERT_EQUAL(q.taxes_cents, 7);
	/* 50% of 57 cents is 28.5: 29 */
	CU_ASSERT_EQUAL(q.total_cents, 57);
	CU_ASSERT_EQUAL(q.deposit_cents, 29);
	CU_ASSERT_EQUAL(quote_percent_bp(1, 4999), 0);
	CU_ASSERT_EQUAL(quote_percent_bp(1, 5000), 1);
}

static void
test_quote_fee_is_taxed_with_the_subtotal(void)
{
	struct quote_line l = { .service_id = "x", .unit_price_cents = 10000, .quantity = 1 };
	struct quote_rates r = { .tax_rate_bp = 1000, .fee_cents = 500, .deposit_percent = 0 };
	struct quote q;

	CU_ASSERT_EQUAL(quote_compute(&l, 1, &r, &q, NULL), 0);
	CU_ASSERT_EQUAL(q.fees_cents, 500);
	CU_ASSERT_EQUAL(q.taxes_cents, 1050);
	CU_ASSERT_EQUAL(q.total_cents, 11550);
	CU_ASSERT_EQUAL(q.deposit_cents, 0);
}

static void
test_quote_refuses_bad_quantities_and_prices(void)
{
	struct quote_line l = { .service_id = "x", .unit_price_cents = 100, .quantity = 0 };
	struct quote_rates r = { .tax_rate_bp = 1300, .fee_cents = 0, .deposit_percent = 25 };
	struct quote q;
	struct err e;

	CU_ASSERT_EQUAL(quote_compute(&l, 1, &r, &q, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_items");
	l.quantity = 100;
	CU_ASSERT_EQUAL(quote_compute(&l, 1, &r, &q, &e), ERR_INVALID);
	l.quantity = 1;
	l.unit_price_cents = -1;
	CU_ASSERT_EQUAL(quote_compute(&l, 1, &r, &q, &e), ERR_INVALID);
	l.unit_price_cents = 1;
	r.deposit_percent = 101;
	CU_ASSERT_EQUAL(quote_compute(&l, 1, &r, &q, &e), ERR_CONFIG);
}

static void
test_quote_duration_must_be_a_multiple_of_the_default(void)
{
	struct err e;
	int units = 0;

	CU_ASSERT_EQUAL(quote_session_units(120, 60, 720, &units, &e), 0);
	CU_ASSERT_EQUAL(units, 2);
	CU_ASSERT_EQUAL(quote_session_units(90, 60, 720, &units, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "duration_min");
	CU_ASSERT_EQUAL(e.reason, ERR_REASON_DURATION);
	CU_ASSERT_STRING_EQUAL(err_api_name(&e), "invalid_duration");
	CU_ASSERT_EQUAL(quote_session_units(0, 60, 720, &units, &e), ERR_INVALID);
	CU_ASSERT_EQUAL(quote_session_units(525600, 60, 720, &units, &e), ERR_INVALID);
}

static void
test_booking_codes_use_unambiguous_characters(void)
{
	unsigned char rnd[BOOKING_CODE_RANDOM_BYTES] = { 0, 1, 2, 30, 31, 255, 128, 77 };
	char code[16];

	CU_ASSERT_EQUAL(booking_code_format(rnd, code, sizeof(code)), 0);
	CU_ASSERT_EQUAL(strlen(code), BOOKING_CODE_LEN);
	CU_ASSERT_EQUAL(strncmp(code, "RL-", 3), 0);
	CU_ASSERT_PTR_NULL(strpbrk(code + 3, "01OIL"));
	CU_ASSERT_TRUE(booking_code_valid(code));
	CU_ASSERT_FALSE(booking_code_valid("RL-0000000O"));
	CU_ASSERT_FALSE(booking_code_valid("RL-ABC"));
	CU_ASSERT_EQUAL(booking_code_format(rnd, code, BOOKING_CODE_LEN), -1);
}

void
suite_quote(void)
{
	CU_pSuite s = CU_add_suite("quote", NULL, NULL);

	UNIT_TEST(s, test_quote_two_hour_session_with_addon_taxes_and_deposit);
	UNIT_TEST(s, test_quote_rounds_half_a_cent_up);
	UNIT_TEST(s, test_quote_fee_is_taxed_with_the_subtotal);
	UNIT_TEST(s, test_quote_refuses_bad_quantities_and_prices);
	UNIT_TEST(s, test_quote_duration_must_be_a_multiple_of_the_default);
	UNIT_TEST(s, test_booking_codes_use_unambiguous_characters);
}
