/* Suites "settings" and "pricing": core/settings.h, the studio's settings
 * document, and core/pricing.h, a booking's quote from the catalogue. */
#include <stdio.h>
#include <string.h>

#include "core/pricing.h"
#include "core/settings.h"
#include "tests/unit/suites.h"

/* The document DB_SETTINGS_JSON_SQL returns for the demo studio. */
static const char demo_settings[] =
    "{\"settings\":{\"studio_name\":\"Redlight Demo Studios\",\"timezone\":\"America/Toronto\","
    "\"lead_time_min\":120,\"horizon_days\":90,\"hold_ttl_min\":15,\"tax_rate_bp\":1300,"
    "\"fee_cents\":0,\"deposit_percent\":25,\"cancellation_tiers\":["
    "{\"min_hours_before\":24,\"refund_percent\":50},"
    "{\"min_hours_before\":48,\"refund_percent\":100},"
    "{\"min_hours_before\":0,\"refund_percent\":0}],"
    "\"reschedule_free_min_hours\":24,\"reschedule_free_count\":1,"
    "\"reschedule_fee_cents\":2500,\"approval_mode\":\"manual\",\"capture_mode\":\"manual\","
    "\"reject_action\":\"cancel\",\"currency\":\"CAD\"}}";

/* demo_settings with the text from..to (the first occurrence) replaced. */
static void
settings_with(char *buf, size_t size, const char *from, const char *to)
{
	const char *at = strstr(demo_settings, from);

	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	snprintf(buf, size, "%.*s%s%s", (int)(at - demo_settings), demo_settings, to,
	    at + strlen(from));
}

static void
test_settings_reads_the_demo_document(void)
{
	struct studio_settings s;
	struct err e;

	CU_ASSERT_EQUAL_FATAL(settings_from_json(demo_settings, &s, &e), 0);
	CU_ASSERT_STRING_EQUAL(s.studio_name, "Redlight Demo Studios");
	CU_ASSERT_STRING_EQUAL(s.timezone, "America/Toronto");
	CU_ASSERT_EQUAL(s.lead_time_min, 120);
	CU_ASSERT_EQUAL(s.horizon_days, 90);
	CU_ASSERT_EQUAL(s.hold_ttl_min, 15);
	CU_ASSERT_EQUAL(s.rates.tax_rate_bp, 1300);
	CU_ASSERT_EQUAL(s.rates.fee_cents, 0);
	CU_ASSERT_EQUAL(s.rates.deposit_percent, 25);
	CU_ASSERT_STRING_EQUAL(s.approval_mode, "manual");
	CU_ASSERT_STRING_EQUAL(s.capture_mode, "manual");
	CU_ASSERT_STRING_EQUAL(s.currency, "CAD");
	CU_ASSERT_EQUAL(s.policy.reschedule_free_min_hours, 24);
	CU_ASSERT_EQUAL(s.policy.reschedule_free_count, 1);
	CU_ASSERT_EQUAL(s.policy.reschedule_fee_cents, 2500);
	/* tiers come back sorted, most notice first */
	CU_ASSERT_EQUAL_FATAL(s.policy.ncancel, 3);
	CU_ASSERT_EQUAL(s.policy.cancel[0].min_hours_before, 48);
	CU_ASSERT_EQUAL(s.policy.cancel[0].refund_percent, 100);
	CU_ASSERT_EQUAL(s.policy.cancel[1].min_hours_before, 24);
	CU_ASSERT_EQUAL(s.policy.cancel[2].refund_percent, 0);
}

static void
test_settings_missing_or_mistyped_field_is_invalid_naming_it(void)
{
	struct studio_settings s;
	struct err e;
	char buf[sizeof(demo_settings) + 64];

	settings_with(buf, sizeof(buf), "\"hold_ttl_min\":15,", "");
	CU_ASSERT_EQUAL(settings_from_json(buf, &s, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "hold_ttl_min");

	settings_with(buf, sizeof(buf), "\"tax_rate_bp\":1300", "\"tax_rate_bp\":\"13%\"");
	CU_ASSERT_EQUAL(settings_from_json(buf, &s, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "tax_rate_bp");

	settings_with(buf, sizeof(buf), "\"deposit_percent\":25", "\"deposit_percent\":101");
	CU_ASSERT_EQUAL(settings_from_json(buf, &s, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "deposit_percent");

	settings_with(buf, sizeof(buf), "\"currency\":\"CAD\"", "\"currency\":7");
	CU_ASSERT_EQUAL(settings_from_json(buf, &s, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "currency");

	settings_with(buf, sizeof(buf), "\"timezone\":\"America/Toronto\"", "\"timezone\":null");
	CU_ASSERT_EQUAL(settings_from_json(buf, &s, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "timezone");
}

static void
test_settings_bad_tiers_are_a_configuration_error(void)
{
	struct studio_settings s;
	struct err e;
	char buf[sizeof(demo_settings) + 64];

	settings_with(buf, sizeof(buf), "\"refund_percent\":50", "\"refund_percent\":150");
	CU_ASSERT_EQUAL(settings_from_json(buf, &s, &e), ERR_CONFIG);
	CU_ASSERT_STRING_EQUAL(e.field, "cancellation_tiers");
	settings_with(buf, sizeof(buf), "\"cancellation_tiers\":", "\"no_tiers\":");
	CU_ASSERT_EQUAL(settings_from_json(buf, &s, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "cancellation_tiers");
}

static void
test_settings_refuses_what_is_not_the_document(void)
{
	struct studio_settings s;
	struct err e;
	char deep[200];

	memset(&s, 0x5a, sizeof(s));
	CU_ASSERT_EQUAL(settings_from_json("", &s, &e), ERR_INVALID);
	CU_ASSERT_EQUAL(settings_from_json("{\"settings\":[]}", &s, &e), ERR_INVALID);
	CU_ASSERT_EQUAL(settings_from_json("{\"other\":{}}", &s, &e), ERR_INVALID);
	CU_ASSERT_EQUAL(settings_from_json("[1,2]", &s, &e), ERR_INVALID);
	CU_ASSERT_EQUAL(settings_from_json(NULL, &s, &e), ERR_INVALID);
	/* trailing text after the document */
	snprintf(deep, sizeof(deep), "%s", "{\"settings\":{}} x");
	CU_ASSERT_EQUAL(settings_from_json(deep, &s, &e), ERR_INVALID);
	/* nested past any real settings document */
	memset(deep, '[', 100);
	deep[100] = '\0';
	CU_ASSERT_EQUAL(settings_from_json(deep, &s, &e), ERR_INVALID);
	/* a failure leaves *out alone */
	CU_ASSERT_EQUAL(s.lead_time_min, 0x5a5a5a5a);
}

static void
test_settings_truncated_zone_name_is_refused(void)
{
	struct studio_settings s;
	struct err e;
	char zone[100], buf[sizeof(demo_settings) + 128];

	memset(zone, 'Z', 80);
	snprintf(zone + 80, sizeof(zone) - 80, "\"");
	settings_with(buf, sizeof(buf), "America/Toronto\"", zone);
	CU_ASSERT_EQUAL(settings_from_json(buf, &s, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "timezone");
}

/* ---- pricing ---- */

static const struct avail_service pricing_services[] = {
	{ .id = "rec", .name = "Recording session", .default_duration_min = 60,
	  .base_price_cents = 9000, .requires_engineer = 1 },
	{ .id = "rent", .name = "Room rental", .default_duration_min = 60,
	  .base_price_cents = 5000 },
	{ .id = "cheap", .name = "Late night", .default_duration_min = 30,
	  .base_price_cents = 2000 },
	{ .id = "same", .name = "Same price later", .default_duration_min = 60,
	  .base_price_cents = 2000 },
	{ .id = "mix", .name = "Mixing", .default_duration_min = 120,
	  .base_price_cents = 15000, .requires_engineer = 1 },
	{ .id = "backline", .name = "Backline rental", .default_duration_min = 60,
	  .base_price_cents = 2500, .is_addon = 1 },
	{ .id = "tape", .name = "Tape reel", .default_duration_min = 60,
	  .base_price_cents = 12000, .is_addon = 1 },
};

static void
pricing_fixture(struct avail_data *d, struct studio_settings *s)
{
	memset(d, 0, sizeof(*d));
	d->services = pricing_services;
	d->nservices = sizeof(pricing_services) / sizeof(pricing_services[0]);
	CU_ASSERT_EQUAL_FATAL(settings_from_json(demo_settings, s, NULL), 0);
}

static void
test_pricing_two_hour_recording_with_backline_at_13_percent_and_25_percent_deposit(void)
{
	struct pricing_addon addons[] = { { "backline", 1 } };
	struct pricing_result r;
	struct studio_settings s;
	struct avail_data d;

	pricing_fixture(&d, &s);
	CU_ASSERT_EQUAL_FATAL(pricing_quote(&d, &s, "rec", 120, addons, 1, &r, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(r.nlines, 2);
	CU_ASSERT_STRING_EQUAL(r.lines[0].service_id, "rec");
	CU_ASSERT_STRING_EQUAL(r.lines[0].name, "Recording session");
	CU_ASSERT_EQUAL(r.lines[0].quantity, 2);
	CU_ASSERT_EQUAL(r.lines[0].unit_price_cents, 9000);
	CU_ASSERT_EQUAL(r.lines[0].total_cents, 18000);
	CU_ASSERT_STRING_EQUAL(r.lines[1].service_id, "backline");
	CU_ASSERT_EQUAL(r.lines[1].quantity, 1);
	CU_ASSERT_EQUAL(r.lines[1].total_cents, 2500);
	CU_ASSERT_EQUAL(r.quote.subtotal_cents, 20500);
	CU_ASSERT_EQUAL(r.quote.fees_cents, 0);
	CU_ASSERT_EQUAL(r.quote.taxes_cents, 2665);
	CU_ASSERT_EQUAL(r.quote.total_cents, 23165);
	CU_ASSERT_EQUAL(r.quote.deposit_cents, 5791);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.policy_summary, "48 hours or more before the session: 100% refund"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.policy_summary, "Reschedule free 1 time"));
}

static void
test_pricing_short_session_is_raised_to_the_service_default(void)
{
	struct pricing_result r;
	struct studio_settings s;
	struct avail_data d;

	pricing_fixture(&d, &s);
	/* 30 minutes of a two-hour mix is one mix */
	CU_ASSERT_EQUAL_FATAL(pricing_quote(&d, &s, "mix", 30, NULL, 0, &r, NULL), 0);
	CU_ASSERT_EQUAL(r.nlines, 1);
	CU_ASSERT_EQUAL(r.lines[0].quantity, 1);
	CU_ASSERT_EQUAL(r.quote.subtotal_cents, 15000);
	CU_ASSERT_EQUAL_FATAL(pricing_quote(&d, &s, "mix", 240, NULL, 0, &r, NULL), 0);
	CU_ASSERT_EQUAL(r.lines[0].quantity, 2);
	CU_ASSERT_EQUAL(r.quote.subtotal_cents, 30000);
}

static void
test_pricing_fee_is_taxed_and_counted_in_the_deposit(void)
{
	struct pricing_result r;
	struct studio_settings s;
	struct avail_data d;

	pricing_fixture(&d, &s);
	s.rates.fee_cents = 500;
	s.rates.deposit_percent = 50;
	CU_ASSERT_EQUAL_FATAL(pricing_quote(&d, &s, "rent", 60, NULL, 0, &r, NULL), 0);
	CU_ASSERT_EQUAL(r.quote.subtotal_cents, 5000);
	CU_ASSERT_EQUAL(r.quote.fees_cents, 500);
	/* 13% of 55.00 */
	CU_ASSERT_EQUAL(r.quote.taxes_cents, 715);
	CU_ASSERT_EQUAL(r.quote.total_cents, 6215);
	CU_ASSERT_EQUAL(r.quote.deposit_cents, 3108);
}

static void
test_pricing_without_a_service_prices_the_room_only_service_like_the_search(void)
{
	struct pricing_result r;
	struct studio_settings s;
	struct avail_data d;

	pricing_fixture(&d, &s);
	/* "cheap" and "same" both cost 20.00; the first in data order wins,
	 * and its 30-minute default makes 60 minutes two units */
	CU_ASSERT_EQUAL_FATAL(pricing_quote(&d, &s, NULL, 60, NULL, 0, &r, NULL), 0);
	CU_ASSERT_STRING_EQUAL(r.lines[0].service_id, "cheap");
	CU_ASSERT_EQUAL(r.lines[0].quantity, 2);
	CU_ASSERT_EQUAL(r.quote.subtotal_cents, 4000);
	CU_ASSERT_EQUAL_FATAL(pricing_quote(&d, &s, "", 60, NULL, 0, &r, NULL), 0);
	CU_ASSERT_STRING_EQUAL(r.lines[0].service_id, "cheap");

	/* a studio with nothing bookable on its own */
	d.services = pricing_services;
	d.nservices = 1;
	struct err e;
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, NULL, 60, NULL, 0, &r, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_id");
}

static void
test_pricing_durations_outside_the_rule_are_invalid_duration(void)
{
	struct pricing_result r;
	struct studio_settings s;
	struct avail_data d;
	struct err e;

	pricing_fixture(&d, &s);
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", 90, NULL, 0, &r, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "duration_min");
	CU_ASSERT_EQUAL(e.reason, ERR_REASON_DURATION);
	CU_ASSERT_STRING_EQUAL(err_api_name(&e), "invalid_duration");
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", 0, NULL, 0, &r, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "duration_min");
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", -60, NULL, 0, &r, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "duration_min");
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", 525600, NULL, 0, &r, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "duration_min");
	/* the longest session, a whole day, is fine */
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rent", AVAIL_MAX_DURATION_MIN, NULL, 0, &r, &e), 0);
	CU_ASSERT_EQUAL(r.lines[0].quantity, 24);
}

static void
test_pricing_unknown_and_misused_services_name_the_field(void)
{
	struct pricing_addon unknown[] = { { "nope", 1 } };
	struct pricing_addon main_as_addon[] = { { "rent", 1 } };
	struct pricing_addon twice[] = { { "backline", 1 }, { "backline", 2 } };
	struct pricing_addon zero[] = { { "backline", 0 } };
	struct pricing_addon many[] = { { "backline", 100 } };
	struct pricing_addon noid[] = { { NULL, 1 } };
	struct pricing_result r;
	struct studio_settings s;
	struct avail_data d;
	struct err e;

	pricing_fixture(&d, &s);
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "nope", 60, NULL, 0, &r, &e), ERR_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(e.field, "service_id");
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "backline", 60, NULL, 0, &r, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_id");
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", 60, unknown, 1, &r, &e), ERR_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(e.field, "service_items");
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", 60, main_as_addon, 1, &r, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_items");
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", 60, twice, 2, &r, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_items");
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", 60, zero, 1, &r, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_items");
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", 60, many, 1, &r, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_items");
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", 60, noid, 1, &r, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_items");
}

static void
test_pricing_more_add_ons_than_lines_is_invalid(void)
{
	struct pricing_addon lots[PRICING_MAX_LINES];
	struct pricing_result r;
	struct studio_settings s;
	struct avail_data d;
	struct err e;

	pricing_fixture(&d, &s);
	for (size_t i = 0; i < PRICING_MAX_LINES; i++) {
		lots[i].service_id = i % 2 ? "tape" : "backline";
		lots[i].quantity = 1;
	}
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", 60, lots, PRICING_MAX_LINES, &r, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_items");
	/* two different add-ons are fine, with their quantities */
	lots[1].quantity = 3;
	CU_ASSERT_EQUAL_FATAL(pricing_quote(&d, &s, "rec", 60, lots, 2, &r, &e), 0);
	CU_ASSERT_EQUAL(r.nlines, 3);
	CU_ASSERT_EQUAL(r.lines[2].total_cents, 36000);
	CU_ASSERT_EQUAL(r.quote.subtotal_cents, 9000 + 2500 + 36000);
}

static void
test_pricing_failure_leaves_the_result_alone(void)
{
	struct pricing_result r;
	struct studio_settings s;
	struct avail_data d;

	pricing_fixture(&d, &s);
	memset(&r, 0x11, sizeof(r));
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", 90, NULL, 0, &r, NULL), ERR_INVALID);
	CU_ASSERT_EQUAL(r.nlines, (size_t)0x1111111111111111ULL);
	s.rates.tax_rate_bp = 20000;
	CU_ASSERT_EQUAL(pricing_quote(&d, &s, "rec", 60, NULL, 0, &r, NULL), ERR_CONFIG);
}

void
suite_settings(void)
{
	CU_pSuite s = CU_add_suite("settings", NULL, NULL);

	UNIT_TEST(s, test_settings_reads_the_demo_document);
	UNIT_TEST(s, test_settings_missing_or_mistyped_field_is_invalid_naming_it);
	UNIT_TEST(s, test_settings_bad_tiers_are_a_configuration_error);
	UNIT_TEST(s, test_settings_refuses_what_is_not_the_document);
	UNIT_TEST(s, test_settings_truncated_zone_name_is_refused);
}

void
suite_pricing(void)
{
	CU_pSuite s = CU_add_suite("pricing", NULL, NULL);

	UNIT_TEST(s, test_pricing_two_hour_recording_with_backline_at_13_percent_and_25_percent_deposit);
	UNIT_TEST(s, test_pricing_short_session_is_raised_to_the_service_default);
	UNIT_TEST(s, test_pricing_fee_is_taxed_and_counted_in_the_deposit);
	UNIT_TEST(s, test_pricing_without_a_service_prices_the_room_only_service_like_the_search);
	UNIT_TEST(s, test_pricing_durations_outside_the_rule_are_invalid_duration);
	UNIT_TEST(s, test_pricing_unknown_and_misused_services_name_the_field);
	UNIT_TEST(s, test_pricing_more_add_ons_than_lines_is_invalid);
	UNIT_TEST(s, test_pricing_failure_leaves_the_result_alone);
}
