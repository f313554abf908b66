/* Suite "err": core/err.h, the one table of error codes, their API names,
 * HTTP statuses and exit statuses, and the reasons that name a case of a
 * code apart. */
#include <string.h>

#include "core/err.h"
#include "tests/unit/suites.h"

static void
test_err_codes_map_to_one_name_status_and_exit(void)
{
	static const struct {
		int code;
		const char *name;
		int http, exit;
	} want[] = {
		{ ERR_INVALID, "invalid", 400, 2 },
		{ ERR_NOT_FOUND, "not_found", 404, 3 },
		{ ERR_CONFLICT, "conflict", 409, 4 },
		{ ERR_CHANGED, "state_changed", 409, 4 },
		{ ERR_AUTH, "unauthorized", 401, 5 },
		{ ERR_FORBIDDEN, "forbidden", 403, 5 },
		{ ERR_DB, "database_unavailable", 503, 6 },
		{ ERR_TOO_LARGE, "too_large", 413, 2 },
		{ ERR_IDEMPOTENCY, "idempotency_key_reused", 422, 2 },
		{ ERR_RATE_LIMIT, "rate_limited", 429, 8 },
		{ ERR_INTERNAL, "internal", 500, 10 },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct err e;

		err_set(&e, want[i].code, NULL, "x");
		CU_ASSERT_STRING_EQUAL(err_name(want[i].code), want[i].name);
		CU_ASSERT_STRING_EQUAL(err_api_name(&e), want[i].name);
		CU_ASSERT_EQUAL(err_http_status(want[i].code), want[i].http);
		CU_ASSERT_EQUAL(err_api_status(&e), want[i].http);
		CU_ASSERT_EQUAL(err_exit_status(want[i].code), want[i].exit);
	}
}

static void
test_err_unknown_code_is_internal(void)
{
	CU_ASSERT_STRING_EQUAL(err_name(-999), "internal");
	CU_ASSERT_EQUAL(err_http_status(-999), 500);
}

static void
test_err_duration_reason_is_400_invalid_duration_whatever_the_message(void)
{
	struct err e;

	CU_ASSERT_EQUAL(err_set_reason(&e, ERR_INVALID, ERR_REASON_DURATION, "duration_min",
	    "90 minutes is not a multiple of 60"), ERR_INVALID);
	CU_ASSERT_EQUAL(e.code, ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "duration_min");
	CU_ASSERT_STRING_EQUAL(err_api_name(&e), "invalid_duration");
	CU_ASSERT_EQUAL(err_api_status(&e), 400);
	/* the words are for people: none of them decides the code */
	CU_ASSERT_PTR_NULL(strstr(e.msg, "invalid_duration"));
	CU_ASSERT_EQUAL(err_exit_status(e.code), 2);
}

static void
test_err_hold_expired_reason_is_409_hold_expired(void)
{
	struct err e;

	err_set_reason(&e, ERR_CHANGED, ERR_REASON_HOLD_EXPIRED, "hold_id", "the hold expired");
	CU_ASSERT_STRING_EQUAL(err_api_name(&e), "hold_expired");
	CU_ASSERT_EQUAL(err_api_status(&e), 409);
	CU_ASSERT_STRING_EQUAL(err_reason_name(ERR_REASON_HOLD_EXPIRED), "hold_expired");
	CU_ASSERT_PTR_NULL(err_reason_name(ERR_REASON_NONE));
}

static void
test_err_set_forgets_an_earlier_reason(void)
{
	struct err e;

	err_set_reason(&e, ERR_INVALID, ERR_REASON_DURATION, "duration_min", "too long");
	err_set(&e, ERR_INVALID, "room_id", "no such room");
	CU_ASSERT_EQUAL(e.reason, ERR_REASON_NONE);
	CU_ASSERT_STRING_EQUAL(err_api_name(&e), "invalid");
}

static void
test_err_reason_on_another_code_names_nothing(void)
{
	struct err e;

	/* a duration reason left on a conflict is still a conflict */
	err_set_reason(&e, ERR_CONFLICT, ERR_REASON_DURATION, "start_at", "taken");
	CU_ASSERT_STRING_EQUAL(err_api_name(&e), "conflict");
	CU_ASSERT_EQUAL(err_api_status(&e), 409);
}

static void
test_err_clear_resets_the_reason(void)
{
	struct err e;

	err_set_reason(&e, ERR_CHANGED, ERR_REASON_HOLD_EXPIRED, "hold_id", "gone");
	err_clear(&e);
	CU_ASSERT_EQUAL(e.code, ERR_OK);
	CU_ASSERT_EQUAL(e.reason, ERR_REASON_NONE);
}

void
suite_err(void)
{
	CU_pSuite s = CU_add_suite("err", NULL, NULL);

	UNIT_TEST(s, test_err_codes_map_to_one_name_status_and_exit);
	UNIT_TEST(s, test_err_unknown_code_is_internal);
	UNIT_TEST(s, test_err_duration_reason_is_400_invalid_duration_whatever_the_message);
	UNIT_TEST(s, test_err_hold_expired_reason_is_409_hold_expired);
	UNIT_TEST(s, test_err_set_forgets_an_earlier_reason);
	UNIT_TEST(s, test_err_reason_on_another_code_names_nothing);
	UNIT_TEST(s, test_err_clear_resets_the_reason);
}
