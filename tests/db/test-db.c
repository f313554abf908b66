/* Database suite: real PostgreSQL (a throwaway database made by
 * tests/db/run-db.sh), the real migrations and the demo seed. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/admin.h"
#include "db/booking.h"
#include "db/db.h"
#include "db/hold.h"
#include "db/tzfile.h"
#include "db/migrations-data.h"
#include "tests/lib/cunit-tap.h"

static struct db *tdb;

/* tests/db/test-job.c: the job table and the worker, after this suite */
void test_job_suite_add(void);
/* tests/db/test-families.c: the function families, after that */
void test_families_suite_add(void);

#define ROOM_A "00000000-0000-4000-8000-0000000000a1"
#define ROOM_B "00000000-0000-4000-8000-0000000000a2"
#define ELI "00000000-0000-4000-8000-0000000000e1"
#define PRIYA "00000000-0000-4000-8000-0000000000e2"
#define ARTIST "00000000-0000-4000-8000-000000000005"

static int
suite_open(void)
{
	struct err e;
	int applied, seeded;

	if (db_open(getenv("TEST_DATABASE_URL"), &tdb, &e) != 0) {
		fprintf(stderr, "# %s\n", e.msg);
		return -1;
	}
	if (db_migrate(tdb, &applied, &e) != 0 || db_seed_demo(tdb, &seeded, &e) != 0) {
		fprintf(stderr, "# setup: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int
suite_close(void)
{
	db_close(tdb);
	return 0;
}

static long
count(const char *sql)
{
	PGresult *res;
	struct err e;
	long n;

	if (db_exec(tdb, sql, 0, NULL, &res, &e) != 0) {
		fprintf(stderr, "# %s: %s\n", sql, e.msg);
		return -1;
	}
	n = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	return n;
}

/* A booking far from the demo's own (2030) so tests do not meet them. */
static int
book(const char *room, const char *start, const char *end, const char *from,
    const char *until, const char *const *staff, struct err *e)
{
	struct db_booking_new b = {
		.user_id = ARTIST, .room_id = room, .start_at = start, .end_at = end,
		.blocked_from = from, .blocked_until = until, .source = "web",
		.notes = "test", .staff_ids = staff,
	};
	char id[37], code[16];

	err_clear(e);
	return db_booking_insert(tdb, &b, id, code, e);
}

/* How many migrations the binaries carry (numbers may have gaps while
 * branches land). */
static long
embedded_migrations(void)
{
	long n = 0;

	for (const struct db_embedded *m = db_migrations; m->name; m++)
		n++;
	return n;
}

static void
test_migrate_twice_applies_nothing_the_second_time(void)
{
	struct err e;
	int applied = -1, version = 0;

	CU_ASSERT_EQUAL(db_migrate(tdb, &applied, &e), 0);
	CU_ASSERT_EQUAL(applied, 0);
	CU_ASSERT_EQUAL(db_schema_version(tdb, &version, &e), 0);
	CU_ASSERT(version >= 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM schema_migration"), embedded_migrations());
}

static void
test_a_fresh_migrate_records_every_checksum(void)
{
	struct err e;

	CU_ASSERT_EQUAL(count("SELECT count(*) FROM schema_migration WHERE checksum ~ '^[0-9a-f]{64}$'"),
	    embedded_migrations());
	CU_ASSERT_EQUAL(db_migrations_verify(tdb, &e), 0);
}

static void
test_a_changed_migration_is_an_error_naming_it(void)
{
	struct err e;
	int applied = -1;

	/* what a landed migration edited in place looks like to the database */
	CU_ASSERT_EQUAL(count("WITH t AS (UPDATE schema_migration SET checksum = repeat('0', 64)"
	    " WHERE version = 3 RETURNING 1) SELECT count(*) FROM t"), 1);
	err_clear(&e);
	CU_ASSERT_EQUAL(db_migrate(tdb, &applied, &e), ERR_CHANGED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "migration 0003_notify changed after it was applied"));
	CU_ASSERT_EQUAL(applied, 0);
	err_clear(&e);
	CU_ASSERT_EQUAL(db_migrations_verify(tdb, &e), ERR_CHANGED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "0003_notify"));
	/* a database migrated before checksums: recorded once, then verified */
	CU_ASSERT_EQUAL(count("WITH t AS (UPDATE schema_migration SET checksum = NULL RETURNING 1)"
	    " SELECT count(*) FROM t") > 3, 1);
	CU_ASSERT_EQUAL(db_migrations_verify(tdb, &e), 0);
	CU_ASSERT_EQUAL(db_migrate(tdb, &applied, &e), 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM schema_migration WHERE checksum IS NULL"), 0);
	CU_ASSERT_EQUAL(db_migrations_verify(tdb, &e), 0);
}

static void
test_seed_demo_loads_once_and_keeps_existing_data(void)
{
	struct err e;
	int seeded = -1;

	CU_ASSERT_EQUAL(db_seed_demo(tdb, &seeded, &e), 0);
	CU_ASSERT_EQUAL(seeded, 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM room"), 3);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM service"), 4);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM staff"), 3);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM service WHERE requires_engineer AND staff_skill_required IS NOT NULL") >= 1, 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM exception"), 1);
	CU_ASSERT_EQUAL(count("SELECT count(DISTINCT target_type) FROM schedule_rule"), 3);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM settings WHERE timezone = 'America/Toronto'"), 1);
}

static void
test_rooms_json_lists_the_three_demo_rooms(void)
{
	struct err e;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(db_query_json(tdb, DB_ROOMS_JSON_SQL, 0, NULL, &json, &e), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"Studio A\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"Studio B\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"Vocal Booth\""));
	CU_ASSERT_EQUAL(strncmp(json, "{\"rooms\" : [", 12), 0);
	free(json);
	CU_ASSERT_EQUAL_FATAL(db_query_json(tdb, DB_SERVICES_JSON_SQL, 0, NULL, &json, &e), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"Mixing\""));
	free(json);
}

/* db_query_json once read the result after freeing it on this path (ASan
 * in tools/check reports the use after free; the counts show without it). */
static void
test_a_json_read_of_the_wrong_shape_says_how_many_rows_it_returned(void)
{
	struct err e;
	char *json = (char *)"untouched";

	CU_ASSERT_EQUAL(db_query_json(tdb, "SELECT '{}'::text FROM generate_series(1, 3)", 0, NULL,
	    &json, &e), ERR_INTERNAL);
	CU_ASSERT_PTR_NULL(json);
	CU_ASSERT_STRING_EQUAL(e.msg, "a JSON read returned 3 rows of 1 columns");
	CU_ASSERT_EQUAL(db_query_json(tdb, "SELECT NULL::text", 0, NULL, &json, &e), ERR_INTERNAL);
	CU_ASSERT_PTR_NULL(json);
	CU_ASSERT_STRING_EQUAL(e.msg, "a JSON read returned 1 rows of 1 columns, a NULL");
}

static void
test_a_prepared_statement_is_prepared_once_and_answers_as_db_exec_does(void)
{
	const char *ok[1] = { "41" }, *bad[1] = { "not a number" };
	PGresult *res = NULL;
	struct err e;

	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(db_exec_stmt(tdb, "test_plus_one", "SELECT $1::int + 1", 1, ok, &res, &e), 0);
		CU_ASSERT_STRING_EQUAL(res ? PQgetvalue(res, 0, 0) : "", "42");
		PQclear(res);
	}
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM pg_prepared_statements WHERE name = 'test_plus_one'"), 1);
	/* a bad value is the same error db_exec gives, and no result */
	res = (PGresult *)1;
	CU_ASSERT_EQUAL(db_exec_stmt(tdb, "test_plus_one", "SELECT $1::int + 1", 1, bad, &res, &e), ERR_INVALID);
	CU_ASSERT_PTR_NULL(res);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "invalid input syntax for type integer"));
	/* a statement that cannot be prepared is an error, and is not kept */
	CU_ASSERT_EQUAL(db_exec_stmt(tdb, "test_broken", "SELECT FROM no_such_table", 0, NULL, NULL, &e), ERR_DB);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "no_such_table"));
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM pg_prepared_statements WHERE name = 'test_broken'"), 0);
}

static void
test_login_accepts_the_demo_password_and_refuses_others(void)
{
	struct db_actor a;
	struct err e;

	CU_ASSERT_EQUAL(db_login(tdb, "Admin@Redlight.test", "redlight-demo", &a, &e), 0);
	CU_ASSERT_STRING_EQUAL(a.role, "admin");
	CU_ASSERT_EQUAL(db_login(tdb, "engineer@redlight.test", "redlight-demo", &a, &e), 0);
	CU_ASSERT_STRING_EQUAL(a.role, "staff");
	CU_ASSERT_STRING_EQUAL(a.staff_id, ELI);
	CU_ASSERT_EQUAL(db_login(tdb, "admin@redlight.test", "wrong", &a, &e), ERR_AUTH);
	CU_ASSERT_STRING_EQUAL(e.msg, "wrong email or password");
	CU_ASSERT_EQUAL(db_login(tdb, "nobody@redlight.test", "redlight-demo", &a, &e), ERR_AUTH);
	CU_ASSERT_STRING_EQUAL(e.msg, "wrong email or password");
}

static void
test_overlapping_room_claims_are_refused_and_back_to_back_accepted(void)
{
	struct err e;

	CU_ASSERT_EQUAL(book(ROOM_B, "2030-01-07T15:00:00Z", "2030-01-07T17:00:00Z", NULL, NULL, NULL, &e), 0);
	CU_ASSERT_EQUAL(book(ROOM_B, "2030-01-07T16:00:00Z", "2030-01-07T18:00:00Z", NULL, NULL, NULL, &e), ERR_CONFLICT);
	CU_ASSERT_STRING_EQUAL(e.field, "start_at");
	CU_ASSERT_EQUAL(book(ROOM_B, "2030-01-07T14:00:00Z", "2030-01-07T15:30:00Z", NULL, NULL, NULL, &e), ERR_CONFLICT);
	/* [) ranges: ending exactly when the next starts is no clash */
	CU_ASSERT_EQUAL(book(ROOM_B, "2030-01-07T17:00:00Z", "2030-01-07T18:00:00Z", NULL, NULL, NULL, &e), 0);
	CU_ASSERT_EQUAL(book(ROOM_B, "2030-01-07T14:00:00Z", "2030-01-07T15:00:00Z", NULL, NULL, NULL, &e), 0);
	/* another room at the same time is fine */
	CU_ASSERT_EQUAL(book(ROOM_A, "2030-01-07T16:00:00Z", "2030-01-07T18:00:00Z", NULL, NULL, NULL, &e), 0);
	/* the refused attempts left nothing behind: no booking, no job (each
	 * booking made has its booking_submitted and payment_intent jobs) */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM booking WHERE start_at >= '2030-01-07' AND start_at < '2030-01-08'"), 4);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM job j JOIN booking b ON b.id = (j.payload->>'booking_id')::uuid"
	    " WHERE b.start_at >= '2030-01-07' AND b.start_at < '2030-01-08'"), 8);
}

static void
test_buffers_widen_what_a_booking_claims(void)
{
	struct err e;

	CU_ASSERT_EQUAL(book(ROOM_A, "2030-01-08T15:00:00Z", "2030-01-08T17:00:00Z",
	    "2030-01-08T14:45:00Z", "2030-01-08T17:15:00Z", NULL, &e), 0);
	/* the sessions do not touch, but the teardown buffer does */
	CU_ASSERT_EQUAL(book(ROOM_A, "2030-01-08T17:00:00Z", "2030-01-08T18:00:00Z", NULL, NULL, NULL, &e), ERR_CONFLICT);
	CU_ASSERT_EQUAL(book(ROOM_A, "2030-01-08T17:15:00Z", "2030-01-08T18:00:00Z", NULL, NULL, NULL, &e), 0);
}

static void
test_a_staff_member_cannot_be_assigned_twice_at_once(void)
{
	const char *eli[] = { ELI, NULL };
	const char *both[] = { PRIYA, ELI, NULL };
	const char *priya[] = { PRIYA, NULL };
	struct err e;

	CU_ASSERT_EQUAL(book(ROOM_A, "2030-01-09T15:00:00Z", "2030-01-09T17:00:00Z", NULL, NULL, eli, &e), 0);
	/* another room, same engineer, overlapping time */
	CU_ASSERT_EQUAL(book(ROOM_B, "2030-01-09T16:00:00Z", "2030-01-09T18:00:00Z", NULL, NULL, both, &e), ERR_CONFLICT);
	CU_ASSERT_STRING_EQUAL(e.field, "staff_ids");
	/* the whole booking was refused, room claim included */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM booking WHERE room_id = '" ROOM_B "' AND start_at = '2030-01-09T16:00:00Z'"), 0);
	CU_ASSERT_EQUAL(book(ROOM_B, "2030-01-09T16:00:00Z", "2030-01-09T18:00:00Z", NULL, NULL, priya, &e), 0);
	CU_ASSERT_EQUAL(book(ROOM_B, "2030-01-09T18:00:00Z", "2030-01-09T19:00:00Z", NULL, NULL, eli, &e), 0);
}

static void
test_a_canceled_booking_frees_its_room_and_staff(void)
{
	const char *eli[] = { ELI, NULL };
	struct err e;

	CU_ASSERT_EQUAL(book(ROOM_A, "2030-01-10T15:00:00Z", "2030-01-10T17:00:00Z", NULL, NULL, eli, &e), 0);
	CU_ASSERT_EQUAL(db_exec(tdb, "UPDATE booking SET status = 'canceled'"
	    " WHERE room_id = '" ROOM_A "' AND start_at = '2030-01-10T15:00:00Z'", 0, NULL, NULL, &e), 0);
	CU_ASSERT_EQUAL(book(ROOM_A, "2030-01-10T15:00:00Z", "2030-01-10T17:00:00Z", NULL, NULL, eli, &e), 0);
}

static void
test_a_rescheduled_booking_moves_its_staff_claim_too(void)
{
	const char *eli[] = { ELI, NULL };
	struct err e;

	CU_ASSERT_EQUAL(book(ROOM_A, "2030-01-11T15:00:00Z", "2030-01-11T16:00:00Z", NULL, NULL, eli, &e), 0);
	CU_ASSERT_EQUAL(book(ROOM_B, "2030-01-11T17:00:00Z", "2030-01-11T18:00:00Z", NULL, NULL, eli, &e), 0);
	/* moving the first onto the second's time clashes on Eli, not the room */
	CU_ASSERT_EQUAL(db_exec(tdb, "UPDATE booking SET start_at = '2030-01-11T17:00:00Z',"
	    " end_at = '2030-01-11T18:00:00Z', blocked = tstzrange('2030-01-11T17:00:00Z', '2030-01-11T18:00:00Z', '[)')"
	    " WHERE room_id = '" ROOM_A "' AND start_at = '2030-01-11T15:00:00Z'", 0, NULL, NULL, &e), ERR_CONFLICT);
	CU_ASSERT_STRING_EQUAL(e.field, "staff_ids");
}

static void
test_an_active_hold_blocks_and_an_expired_one_does_not(void)
{
	struct err e;

	CU_ASSERT_EQUAL(db_exec(tdb, "INSERT INTO hold (room_id, start_at, end_at, blocked, expires_at, token)"
	    " VALUES ('" ROOM_A "', '2030-01-12T15:00:00Z', '2030-01-12T17:00:00Z',"
	    " '[2030-01-12T15:00:00Z,2030-01-12T17:00:00Z)', now() + interval '15 minutes', 'live-hold')",
	    0, NULL, NULL, &e), 0);
	CU_ASSERT_EQUAL(book(ROOM_A, "2030-01-12T16:00:00Z", "2030-01-12T17:00:00Z", NULL, NULL, NULL, &e), ERR_CONFLICT);
	/* a hold past its expiry stops blocking though no sweeper ran */
	CU_ASSERT_EQUAL(db_exec(tdb, "INSERT INTO hold (room_id, start_at, end_at, blocked, expires_at, token)"
	    " VALUES ('" ROOM_B "', '2030-01-12T15:00:00Z', '2030-01-12T17:00:00Z',"
	    " '[2030-01-12T15:00:00Z,2030-01-12T17:00:00Z)', now() - interval '1 second', 'old-hold')",
	    0, NULL, NULL, &e), 0);
	CU_ASSERT_EQUAL(book(ROOM_B, "2030-01-12T16:00:00Z", "2030-01-12T17:00:00Z", NULL, NULL, NULL, &e), 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM hold WHERE token = 'old-hold' AND status = 'expired'"), 1);
}

static void
test_no_room_or_staff_is_ever_claimed_twice(void)
{
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM booking a JOIN booking b ON a.id < b.id"
	    " AND a.room_id = b.room_id AND a.blocked && b.blocked"
	    " WHERE a.status IN ('awaiting_approval','confirmed') AND b.status IN ('awaiting_approval','confirmed')"), 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM booking_staff a JOIN booking_staff b ON a.booking_id < b.booking_id"
	    " AND a.staff_id = b.staff_id AND a.during && b.during WHERE a.live AND b.live"), 0);
}

static void
test_a_missing_database_is_one_clear_error(void)
{
	struct db *none = NULL;
	struct err e;

	CU_ASSERT_EQUAL(db_open("postgresql:///rl_no_such_database_here", &none, &e), ERR_DB);
	CU_ASSERT_PTR_NULL(none);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "cannot connect to the database"));
	CU_ASSERT_PTR_NULL(strchr(e.msg, '\n'));
}


/* Runs one SQL call with params and returns its error code (0 = success). */
static int
call(const char *sql, int n, const char *const *params, char *first, size_t firstlen, struct err *e)
{
	PGresult *res;
	int rc;

	err_clear(e);
	rc = db_exec(tdb, sql, n, params, &res, e);
	if (rc == 0) {
		if (first && PQntuples(res) > 0)
			snprintf(first, firstlen, "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	return rc;
}

#define HOLD_SQL "SELECT hold_id FROM hold_place($1, 'artist', $2, $3, $4, tstzrange($3, $4, '[)'), $5," \
	" NULL, NULL)"
/* a quote of nothing, for bookings of no lines written straight in SQL */
#define EMPTY_QUOTE "{\"subtotal_cents\":0,\"fees_cents\":0,\"tax_rate_bp\":0,\"taxes_cents\":0," \
	"\"total_cents\":0,\"deposit_percent\":0,\"deposit_cents\":0,\"currency\":\"CAD\"," \
	"\"cancellation_tiers\":[{\"min_hours_before\":0,\"refund_percent\":0}]," \
	"\"reschedule_free_min_hours\":0,\"reschedule_free_count\":0,\"reschedule_fee_cents\":0}"
#define SUBMIT_SQL "SELECT booking_id FROM booking_submit($1, $2, $3, $4, $5, tstzrange($4, $5, '[)'),"\
	" 'notes', $6::uuid[], '[]', '" EMPTY_QUOTE "', $7, 'web', '{}')"
#define ARTIST_CANCEL_SQL "SELECT booking_cancel($1, $2, 'artist', 'x', 'awaiting_approval', 100, 0," \
	" '{void_or_refund,email_canceled}')"

static void
test_a_hold_blocks_others_and_only_its_owner_can_book_it(void)
{
	const char *ADMIN = "00000000-0000-4000-8000-000000000001";
	char hold[64] = "", booking[64] = "";
	struct err e;
	const char *hp[5] = { ARTIST, ROOM_A, "2030-02-04T15:00:00Z", "2030-02-04T17:00:00Z", "tok-1" };

	CU_ASSERT_EQUAL_FATAL(call(HOLD_SQL, 5, hp, hold, sizeof(hold), &e), 0);
	/* someone else cannot hold or book over it */
	const char *hp2[5] = { ADMIN, ROOM_A, "2030-02-04T16:00:00Z", "2030-02-04T18:00:00Z", "tok-2" };
	CU_ASSERT_EQUAL(call(HOLD_SQL, 5, hp2, NULL, 0, &e), ERR_CONFLICT);
	const char *sp_other[7] = { ADMIN, hold, ROOM_A, "2030-02-04T15:00:00Z", "2030-02-04T17:00:00Z", "{}", "RL-TESTAAA1" };
	CU_ASSERT_EQUAL(call(SUBMIT_SQL, 7, sp_other, NULL, 0, &e), ERR_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(e.field, "hold_id");
	const char *sp_nohold[7] = { ADMIN, NULL, ROOM_A, "2030-02-04T15:00:00Z", "2030-02-04T17:00:00Z", "{}", "RL-TESTAAA2" };
	CU_ASSERT_EQUAL(call(SUBMIT_SQL, 7, sp_nohold, NULL, 0, &e), ERR_CONFLICT);
	/* the owner books it: the hold is converted in the same transaction */
	const char *sp[7] = { ARTIST, hold, ROOM_A, "2030-02-04T15:00:00Z", "2030-02-04T17:00:00Z",
		"{" ELI "}", "RL-TESTAAA3" };
	CU_ASSERT_EQUAL(call(SUBMIT_SQL, 7, sp, booking, sizeof(booking), &e), 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM hold WHERE token = 'tok-1' AND status = 'converted'"), 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM room_claim WHERE hold_id IS NOT NULL AND during && '[2030-02-04,2030-02-05)'"), 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM booking WHERE code = 'RL-TESTAAA3' AND status = 'awaiting_approval'"), 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM job WHERE kind = 'booking_submitted'"
	    " AND payload->>'booking_id' = (SELECT id::text FROM booking WHERE code = 'RL-TESTAAA3')"), 1);
	/* a converted hold cannot be used twice */
	const char *sp_again[7] = { ARTIST, hold, ROOM_A, "2030-02-04T15:00:00Z", "2030-02-04T17:00:00Z", "{}", "RL-TESTAAA4" };
	CU_ASSERT_EQUAL(call(SUBMIT_SQL, 7, sp_again, NULL, 0, &e), ERR_CHANGED);
}

static void
test_an_expired_hold_cannot_become_a_booking(void)
{
	char hold[64] = "";
	struct err e;
	const char *hp[5] = { ARTIST, ROOM_B, "2030-02-05T15:00:00Z", "2030-02-05T17:00:00Z", "tok-exp" };

	CU_ASSERT_EQUAL_FATAL(call(HOLD_SQL, 5, hp, hold, sizeof(hold), &e), 0);
	CU_ASSERT_EQUAL(db_exec(tdb, "UPDATE hold SET expires_at = now() - interval '1 second' WHERE token = 'tok-exp'",
	    0, NULL, NULL, &e), 0);
	const char *sp[7] = { ARTIST, hold, ROOM_B, "2030-02-05T15:00:00Z", "2030-02-05T17:00:00Z", "{}", "RL-TESTBBB1" };
	CU_ASSERT_EQUAL(call(SUBMIT_SQL, 7, sp, NULL, 0, &e), ERR_CHANGED);
	/* the API's hold_expired comes from the code and reason, not the words */
	CU_ASSERT_EQUAL(e.reason, ERR_REASON_HOLD_EXPIRED);
	CU_ASSERT_STRING_EQUAL(err_api_name(&e), "hold_expired");
	CU_ASSERT_EQUAL(err_api_status(&e), 409);
	/* but the time is free for a fresh request */
	const char *sp2[7] = { ARTIST, NULL, ROOM_B, "2030-02-05T15:00:00Z", "2030-02-05T17:00:00Z", "{}", "RL-TESTBBB2" };
	CU_ASSERT_EQUAL(call(SUBMIT_SQL, 7, sp2, NULL, 0, &e), 0);
}

static void
test_cancel_and_reschedule_are_guarded_and_move_claims(void)
{
	char booking[64] = "";
	struct err e;
	const char *sp[7] = { ARTIST, NULL, ROOM_A, "2030-02-06T15:00:00Z", "2030-02-06T16:00:00Z", "{" ELI "}", "RL-TESTCCC1" };
	const char *sp2[7] = { ARTIST, NULL, ROOM_A, "2030-02-06T17:00:00Z", "2030-02-06T18:00:00Z", "{}", "RL-TESTCCC2" };

	CU_ASSERT_EQUAL_FATAL(call(SUBMIT_SQL, 7, sp, booking, sizeof(booking), &e), 0);
	CU_ASSERT_EQUAL_FATAL(call(SUBMIT_SQL, 7, sp2, NULL, 0, &e), 0);
	/* onto the other booking's time: refused, nothing moves */
	const char *rp[4] = { booking, ARTIST, "2030-02-06T17:00:00Z", "2030-02-06T18:00:00Z" };
	CU_ASSERT_EQUAL(call("SELECT status FROM booking_move($1, $2, 'artist', 'awaiting_approval', $3, $4,"
	    " tstzrange($3, $4, '[)'), 0, '{}')",
	    4, rp, NULL, 0, &e), ERR_CONFLICT);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM booking WHERE code = 'RL-TESTCCC1' AND start_at = '2030-02-06T15:00:00Z'"), 1);
	/* to a free time: the old time is released at once */
	const char *rp2[4] = { booking, ARTIST, "2030-02-06T19:00:00Z", "2030-02-06T20:00:00Z" };
	CU_ASSERT_EQUAL(call("SELECT status FROM booking_move($1, $2, 'artist', 'awaiting_approval', $3, $4,"
	    " tstzrange($3, $4, '[)'), 0, '{}')",
	    4, rp2, NULL, 0, &e), 0);
	const char *sp3[7] = { ARTIST, NULL, ROOM_A, "2030-02-06T15:00:00Z", "2030-02-06T16:00:00Z", "{" ELI "}", "RL-TESTCCC3" };
	CU_ASSERT_EQUAL(call(SUBMIT_SQL, 7, sp3, NULL, 0, &e), 0);
	/* someone else's booking is not found; the owner cancels once */
	const char *cp_other[2] = { booking, "00000000-0000-4000-8000-000000000001" };
	CU_ASSERT_EQUAL(call(ARTIST_CANCEL_SQL, 2, cp_other, NULL, 0, &e), ERR_NOT_FOUND);
	const char *cp[2] = { booking, ARTIST };
	CU_ASSERT_EQUAL(call(ARTIST_CANCEL_SQL, 2, cp, NULL, 0, &e), 0);
	CU_ASSERT_EQUAL(call(ARTIST_CANCEL_SQL, 2, cp, NULL, 0, &e), ERR_CHANGED);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM booking WHERE code = 'RL-TESTCCC1' AND status = 'canceled'"), 1);
}

#define ADMIN_ID "00000000-0000-4000-8000-000000000001"
#define RECORDING "00000000-0000-4000-8000-0000000000b1"
#define BACKLINE "00000000-0000-4000-8000-0000000000b4"

/* A booking of two hours of recording and a backline add-on, as the web
 * submits one; its id and code. */
static int
book_priced(const char *room, const char *start, const char *end, char id[37], char code[16],
    struct err *e)
{
	const struct db_booking_item items[] = { { RECORDING, 2 }, { BACKLINE, 1 } };
	struct db_booking_new b = {
		.user_id = ARTIST, .room_id = room, .start_at = start, .end_at = end,
		.source = "web", .notes = "quoted", .items = items, .nitems = 2,
	};

	err_clear(e);
	return db_booking_insert(tdb, &b, id, code, e);
}

/* The first column of the first row of sql with one parameter, malloc'd. */
static char *
text1(const char *sql, const char *p1)
{
	const char *params[1] = { p1 };
	PGresult *res;
	struct err e;
	char *out;

	if (db_exec(tdb, sql, 1, params, &res, &e) != 0) {
		fprintf(stderr, "# %s: %s\n", sql, e.msg);
		return strdup("");
	}
	out = strdup(PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return out;
}

static void
test_a_booking_reads_as_quoted_after_prices_tax_and_policy_change(void)
{
	const char *detail = "SELECT booking_json($1::uuid)::text";
	struct db_cancel_result before, after;
	char id[37], code[16];
	struct err e;

	CU_ASSERT_EQUAL_FATAL(book_priced(ROOM_A, "2030-03-04T15:00:00Z", "2030-03-04T17:00:00Z", id, code, &e), 0);
	/* the demo's rates: 2 x 90.00 + 25.00 = 205.00, 13% tax 26.65, deposit 25% */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM booking_quote q JOIN booking b ON b.id = q.booking_id"
	    " WHERE b.start_at = '2030-03-04T15:00:00Z' AND q.subtotal_cents > 0 AND q.tax_rate_bp = 1300"
	    " AND q.taxes_cents = (q.subtotal_cents * 1300 + 5000) / 10000 AND NOT q.backfilled"
	    " AND q.policy_summary LIKE 'Cancel 48 hours%'"), 1);
	CU_ASSERT_EQUAL(db_exec(tdb, "INSERT INTO payment (booking_id, amount_cents, status) VALUES ($1, 5000, 'succeeded')",
	    1, (const char *const[]){ id }, NULL, &e), 0);
	char *json1 = text1(detail, id), *adm1 = text1(DB_ADMIN_BOOKING_JSON_SQL, code);
	CU_ASSERT_EQUAL(db_admin_cancel_preview(tdb, code, 1700000000, &before, &e), 0);
	CU_ASSERT_EQUAL(before.policy.refund_percent, 100);
	CU_ASSERT_EQUAL(before.policy.refund_cents, 5000);

	/* the studio changes everything money depends on */
	CU_ASSERT_EQUAL(db_exec(tdb, "UPDATE settings SET tax_rate_bp = 2000, fee_cents = 999, deposit_percent = 50,"
	    " currency = 'USD', reschedule_fee_cents = 1, cancellation_tiers = '[{\"min_hours_before\":0,\"refund_percent\":0}]'",
	    0, NULL, NULL, &e), 0);
	CU_ASSERT_EQUAL(db_exec(tdb, "UPDATE service SET base_price_cents = base_price_cents * 3, name = name || ' (new)'",
	    0, NULL, NULL, &e), 0);

	char *json2 = text1(detail, id), *adm2 = text1(DB_ADMIN_BOOKING_JSON_SQL, code);
	CU_ASSERT_STRING_EQUAL(json1, json2);
	CU_ASSERT_STRING_EQUAL(adm1, adm2);
	CU_ASSERT_PTR_NOT_NULL(strstr(json2, "\"tax_rate_bp\" : 1300"));
	CU_ASSERT_PTR_NOT_NULL(strstr(json2, "\"currency\" : \"CAD\""));
	CU_ASSERT_EQUAL(db_admin_cancel_preview(tdb, code, 1700000000, &after, &e), 0);
	CU_ASSERT_EQUAL(after.policy.refund_percent, 100);
	CU_ASSERT_EQUAL(after.policy.refund_cents, 5000);
	/* a booking submitted now is quoted at the new rates */
	char id2[37], code2[16];
	CU_ASSERT_EQUAL(book_priced(ROOM_A, "2030-03-05T15:00:00Z", "2030-03-05T17:00:00Z", id2, code2, &e), 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM booking_quote q JOIN booking b ON b.id = q.booking_id"
	    " WHERE b.start_at = '2030-03-05T15:00:00Z' AND q.tax_rate_bp = 2000 AND q.fees_cents = 999"
	    " AND q.currency = 'USD'"), 1);

	CU_ASSERT_EQUAL(db_exec(tdb, "UPDATE settings SET tax_rate_bp = 1300, fee_cents = 0, deposit_percent = 25,"
	    " currency = 'CAD', reschedule_fee_cents = 2500, cancellation_tiers = DEFAULT", 0, NULL, NULL, &e), 0);
	CU_ASSERT_EQUAL(db_exec(tdb, "UPDATE service SET base_price_cents = base_price_cents / 3,"
	    " name = replace(name, ' (new)', '')", 0, NULL, NULL, &e), 0);
	free(json1);
	free(json2);
	free(adm1);
	free(adm2);
}

/* The bookings list's rows as the JSON of its members, for comparing them
 * with the full read's: the times as RFC 3339, the staff as [{id, name}]
 * from its two joined columns. */
#define LIST_AS_JSON \
    "SELECT json_build_object('bookings', coalesce(json_agg(json_build_object('id', x.id, 'code', x.code," \
    " 'status', x.status, 'room_id', x.room_id, 'room_name', x.room_name," \
    " 'start_at', to_char(to_timestamp(x.start_s) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
    " 'end_at', to_char(to_timestamp(x.end_s) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
    " 'artist_name', x.artist_name, 'staff', (SELECT coalesce(json_agg(json_build_object('id', z.i, 'name', z.n)" \
    "   ORDER BY z.o), '[]') FROM unnest(string_to_array(nullif(x.staff_ids, ''), ','), " \
    "   string_to_array(nullif(x.staff_names, ''), ', ')) WITH ORDINALITY z(i, n, o))," \
    " 'sync_error', x.sync_error) ORDER BY x.ord), '[]'))::text" \
    " FROM (SELECT l.*, row_number() OVER () AS ord FROM (" \

/* The bookings list (DB_ADMIN_BOOKINGS_LIST_SQL) reads each of its
 * members as the full read does: staff, artist, times and calendar sync
 * errors (one from a failed calendar_sync row, one from a failed job, none
 * once a later job worked), in the same order, for any filter. */
static void
test_the_bookings_list_reads_as_the_full_bookings_do(void)
{
	char id1[37], code1[16], id2[37], code2[16], id3[37], code3[16];
	const char *const all[6] = { NULL, NULL, NULL, NULL, NULL, NULL };
	const char *const some[6] = { NULL, ROOM_A, NULL, "2031-01-06T00:00:00Z", "2031-01-09T00:00:00Z", NULL };
	const char *const *filters[] = { all, some };
	struct err e;

	CU_ASSERT_EQUAL_FATAL(book_priced(ROOM_A, "2031-01-06T15:00:00Z", "2031-01-06T17:00:00Z", id1, code1, &e), 0);
	CU_ASSERT_EQUAL_FATAL(book_priced(ROOM_A, "2031-01-07T15:00:00Z", "2031-01-07T17:00:00Z", id2, code2, &e), 0);
	CU_ASSERT_EQUAL_FATAL(book_priced(ROOM_B, "2031-01-08T15:00:00Z", "2031-01-08T17:00:00Z", id3, code3, &e), 0);
	CU_ASSERT_EQUAL(db_exec(tdb, "INSERT INTO booking_staff (booking_id, staff_id) SELECT $1::uuid, unnest($2::uuid[])",
	    2, (const char *const[]){ id1, "{" ELI "," PRIYA "}" }, NULL, &e), 0);
	CU_ASSERT_EQUAL(db_exec(tdb, "INSERT INTO calendar_sync (booking_id, provider, status, error, last_attempt_at)"
	    " VALUES ($1::uuid, 'google', 'failed', 'token revoked', now())", 1, (const char *const[]){ id1 }, NULL, &e), 0);
	CU_ASSERT_EQUAL(db_exec(tdb, "INSERT INTO job (kind, payload, status, last_error) VALUES"
	    " ('calendar_sync', jsonb_build_object('booking_id', $1::text), 'failed', 'outlook said 500'),"
	    " ('calendar_sync', jsonb_build_object('booking_id', $2::text), 'failed', 'first try failed'),"
	    " ('calendar_sync', jsonb_build_object('booking_id', $2::text), 'done', NULL)",
	    2, (const char *const[]){ id2, id3 }, NULL, &e), 0);
	for (size_t f = 0; f < sizeof(filters) / sizeof(filters[0]); f++) {
		char *list = NULL, *full = NULL;
		PGresult *res;

		size_t wlen = strlen(LIST_AS_JSON) + strlen(DB_ADMIN_BOOKINGS_LIST_SQL) + 8;
		char *wrapped = malloc(wlen);

		CU_ASSERT_PTR_NOT_NULL_FATAL(wrapped);
		snprintf(wrapped, wlen, LIST_AS_JSON "%s) l) x", DB_ADMIN_BOOKINGS_LIST_SQL);

		CU_ASSERT_EQUAL_FATAL(db_query_json(tdb, wrapped, 6, filters[f], &list, &e), 0);
		free(wrapped);
		CU_ASSERT_EQUAL_FATAL(db_query_json(tdb, DB_ADMIN_BOOKINGS_JSON_SQL, 6, filters[f], &full, &e), 0);
		/* every list member is the full booking's, with staff as {id, name} */
		CU_ASSERT_EQUAL_FATAL(db_exec(tdb,
		    "SELECT (SELECT count(*) FROM jsonb_array_elements($1::jsonb->'bookings')),"
		    " (SELECT count(*) FROM jsonb_array_elements($2::jsonb->'bookings')),"
		    " (SELECT count(*) FROM jsonb_array_elements($1::jsonb->'bookings') WITH ORDINALITY l(o, i)"
		    "   JOIN jsonb_array_elements($2::jsonb->'bookings') WITH ORDINALITY g(o, i) USING (i)"
		    "   WHERE l.o - 'staff' = (SELECT jsonb_object_agg(k, g.o->k) FROM jsonb_object_keys(l.o - 'staff') k)"
		    "   AND l.o->'staff' = (SELECT coalesce(jsonb_agg(jsonb_build_object('id', s->'id', 'name', s->'name')),"
		    "     '[]') FROM jsonb_array_elements(g.o->'staff') s)"
		    "   AND (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(l.o) k) = '{artist_name,code,end_at,id,"
		    "     room_id,room_name,staff,start_at,status,sync_error}'),"
		    " (SELECT string_agg(o->>'code' || ':' || coalesce(o->>'sync_error', '-') || ':'"
		    "   || jsonb_array_length(o->'staff'), ' ' ORDER BY o->>'start_at')"
		    "   FROM jsonb_array_elements($1::jsonb->'bookings') o WHERE o->>'start_at' LIKE '2031-01-0%')",
		    2, (const char *const[]){ list, full }, &res, &e), 0);
		CU_ASSERT(atol(PQgetvalue(res, 0, 0)) >= (f == 0 ? 3 : 2));
		CU_ASSERT_STRING_EQUAL(PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
		CU_ASSERT_STRING_EQUAL(PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 2));
		{
			char want[256];
			if (f == 0)
				snprintf(want, sizeof(want), "%s:google: token revoked:2 %s:outlook said 500:0 %s:-:0",
				    code1, code2, code3);
			else
				snprintf(want, sizeof(want), "%s:google: token revoked:2 %s:outlook said 500:0", code1, code2);
			CU_ASSERT_STRING_EQUAL(PQgetvalue(res, 0, 3), want);
		}
		PQclear(res);
		free(list);
		free(full);
	}
	CU_ASSERT_EQUAL(db_exec(tdb, "DELETE FROM job WHERE payload->>'booking_id' IN ($1, $2)",
	    2, (const char *const[]){ id2, id3 }, NULL, &e), 0);
}

/* What a cancel left behind for booking id: its jobs and audit rows, with
 * what names the booking or the actor left out. */
static char *
cancel_trace(const char *id)
{
	return text1("SELECT (SELECT string_agg(j.kind || ' ' || (j.payload - 'booking_id' - 'code')::text, '; ' ORDER BY j.id)"
	    " FROM job j WHERE j.payload->>'booking_id' = $1 AND j.kind <> 'booking_submitted')"
	    " || ' | ' || (SELECT string_agg(a.action || ' ' || a.entity || ' ' || a.reason || ' '"
	    " || (a.diff_json - 'code')::text, '; ' ORDER BY a.id) FROM audit_log a WHERE a.entity_id = $1)", id);
}

static void
test_an_artist_cancel_enqueues_the_jobs_and_audit_an_admin_cancel_does(void)
{
	char a_id[37], a_code[16], b_id[37], b_code[16];
	struct db_cancel_result pa, done;
	struct err e;

	CU_ASSERT_EQUAL_FATAL(book_priced(ROOM_B, "2030-03-06T15:00:00Z", "2030-03-06T17:00:00Z", a_id, a_code, &e), 0);
	CU_ASSERT_EQUAL_FATAL(book_priced(ROOM_B, "2030-03-07T15:00:00Z", "2030-03-07T17:00:00Z", b_id, b_code, &e), 0);
	CU_ASSERT_EQUAL(db_exec(tdb, "UPDATE booking SET status = 'confirmed' WHERE start_at IN"
	    " ('2030-03-06T15:00:00Z', '2030-03-07T15:00:00Z') AND room_id = '" ROOM_B "'", 0, NULL, NULL, &e), 0);

	/* the artist, as redlightd does it: the preview, then the statement */
	CU_ASSERT_EQUAL_FATAL(db_admin_cancel_preview(tdb, a_code, 1700000000, &pa, &e), 0);
	const struct db_cancel c = {
		.booking_id = a_id, .actor_id = ARTIST, .kind = DB_ACTOR_ARTIST, .reason = "a clash",
		.seen_status = "confirmed", .refund = &pa.policy,
	};
	struct db_cancel_params cp;
	CU_ASSERT_EQUAL_FATAL(db_cancel_prepare(&c, &cp, &e), 0);
	CU_ASSERT_EQUAL(db_exec(tdb, DB_BOOKING_CANCEL_SQL, DB_BOOKING_CANCEL_NPARAMS, cp.params, NULL, &e), 0);
	/* an artist cannot act for the studio, nor on someone else's booking */
	const struct db_cancel_req posing = {
		.code = b_code, .actor_id = ARTIST, .kind = DB_ACTOR_ADMIN, .reason = "x",
	};
	CU_ASSERT_EQUAL(db_booking_cancel(tdb, &posing, 1700000000, NULL, &e), ERR_FORBIDDEN);
	const struct db_cancel_req other = {
		.code = b_code, .actor_id = ADMIN_ID, .kind = DB_ACTOR_ARTIST, .reason = "x",
	};
	CU_ASSERT_EQUAL(db_booking_cancel(tdb, &other, 1700000000, NULL, &e), ERR_NOT_FOUND);
	/* the admin, as `redlight cancel` does it */
	const struct db_cancel_req adm = {
		.code = b_code, .actor_id = ADMIN_ID, .kind = DB_ACTOR_ADMIN, .reason = "a clash",
	};
	CU_ASSERT_EQUAL(db_booking_cancel(tdb, &adm, 1700000000, &done, &e), 0);

	char *ta = cancel_trace(a_id), *tb = cancel_trace(b_id);
	CU_ASSERT_STRING_EQUAL(ta, tb);
	CU_ASSERT_PTR_NOT_NULL(strstr(ta, "void_or_refund "));
	CU_ASSERT_PTR_NOT_NULL(strstr(ta, "email_canceled "));
	CU_ASSERT_PTR_NOT_NULL(strstr(ta, "calendar_remove "));
	CU_ASSERT_PTR_NOT_NULL(strstr(ta, "| cancel booking a clash"));
	CU_ASSERT_PTR_NULL(strstr(ta, "booking_canceled"));
	/* who acted is the one difference */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'cancel' AND entity_id IN"
	    " (SELECT id::text FROM booking WHERE start_at IN ('2030-03-06T15:00:00Z', '2030-03-07T15:00:00Z'))"
	    " AND actor_user_id IN ('" ARTIST "', '" ADMIN_ID "')"), 2);
	free(ta);
	free(tb);
}

static void
test_auto_approval_confirms_with_the_approval_jobs_and_a_system_audit_row(void)
{
	char id[37], code[16];
	struct err e;

	CU_ASSERT_EQUAL(db_exec(tdb, "UPDATE settings SET approval_mode = 'auto'", 0, NULL, NULL, &e), 0);
	CU_ASSERT_EQUAL(book_priced(ROOM_A, "2030-03-08T15:00:00Z", "2030-03-08T17:00:00Z", id, code, &e), 0);
	CU_ASSERT_EQUAL(db_exec(tdb, "UPDATE settings SET approval_mode = 'manual'", 0, NULL, NULL, &e), 0);
	char *got = text1("SELECT b.status || ' ' || (b.approved_by IS NULL) || ' ' || (b.approved_at IS NOT NULL)"
	    " || ' | ' || (SELECT string_agg(j.kind, ',' ORDER BY j.id) FROM job j WHERE j.payload->>'booking_id' = b.id::text)"
	    " || ' | ' || (SELECT string_agg(coalesce(a.actor_user_id::text, 'nobody') || ' ' || a.action || ' '"
	    "   || (a.diff_json->>'by') || ' ' || (a.diff_json->'status')::text, ',') FROM audit_log a"
	    "   WHERE a.entity_id = b.id::text)"
	    " FROM booking b WHERE b.id = $1::uuid", id);
	/* and, since 0015, the reminder due 24 hours before the session,
	 * queued by the confirming update itself */
	CU_ASSERT_STRING_EQUAL(got, "confirmed true true | payment_intent,booking_submitted,booking_reminder,capture_payment,"
	    "email_approved,calendar_sync"
	    " | nobody approve system [\"awaiting_approval\", \"confirmed\"]");
	free(got);
	/* under manual approval a booking waits */
	CU_ASSERT_EQUAL(book_priced(ROOM_A, "2030-03-09T15:00:00Z", "2030-03-09T17:00:00Z", id, code, &e), 0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM booking WHERE start_at = '2030-03-09T15:00:00Z'"
	    " AND status = 'awaiting_approval'"), 1);
}

/* What a hold left in the audit log, actor left out. */
static char *
hold_trace(const char *id)
{
	return text1("SELECT string_agg(a.action || ' ' || (a.diff_json - 'expires_at' - 'start_at' - 'end_at')::text,"
	    "'; ' ORDER BY a.id) FROM audit_log a WHERE a.entity = 'hold' AND a.entity_id = $1", id);
}

static void
test_an_artist_hold_and_a_studio_hold_take_one_path(void)
{
	struct db_hold_place_params p;
	char art[64] = "", adm[64] = "";
	struct err e;
	int max = 0;

	const struct db_hold_place ha = {
		.actor_id = ARTIST, .kind = DB_ACTOR_ARTIST, .room_id = ROOM_A,
		.start = 1899100800, .end = 1899104400,
	};
	const struct db_hold_place hs = {
		.actor_id = ADMIN_ID, .kind = DB_ACTOR_ADMIN, .room_id = ROOM_B,
		.start = 1899100800, .end = 1899104400,
	};
	CU_ASSERT_EQUAL_FATAL(db_hold_place_prepare(&ha, &p, &e), 0);
	CU_ASSERT_EQUAL_FATAL(call(DB_HOLD_PLACE_SQL, DB_HOLD_PLACE_NPARAMS, p.params, art, sizeof(art), &e), 0);
	CU_ASSERT_EQUAL_FATAL(db_hold_place_prepare(&hs, &p, &e), 0);
	CU_ASSERT_EQUAL_FATAL(call(DB_HOLD_PLACE_SQL, DB_HOLD_PLACE_NPARAMS, p.params, adm, sizeof(adm), &e), 0);
	/* the artist's hold is theirs, the studio's nobody's */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM hold WHERE user_id = '" ARTIST "' AND created_by = '" ARTIST "'"
	    " AND start_at = to_timestamp(1899100800)"), 1);
	/* an artist does not extend; the studio does, within the one limit */
	const struct db_hold_change xa = { art, ARTIST, DB_ACTOR_ARTIST, 10 };
	CU_ASSERT_EQUAL(db_hold_extend(tdb, &xa, NULL, &e), ERR_FORBIDDEN);
	CU_ASSERT_EQUAL(db_hold_max_min(tdb, &max, &e), 0);
	CU_ASSERT_EQUAL(max, 7 * 24 * 60);
	const struct db_hold_change xs = { adm, ADMIN_ID, DB_ACTOR_ADMIN, max + 1 };
	CU_ASSERT_EQUAL(db_hold_extend(tdb, &xs, NULL, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "minutes");
	/* someone else's hold is not found for an artist */
	const struct db_hold_change ra = { art, ARTIST, DB_ACTOR_ARTIST, 0 };
	const struct db_hold_change rs = { adm, ADMIN_ID, DB_ACTOR_ADMIN, 0 };
	const struct db_hold_change other = { adm, ARTIST, DB_ACTOR_ARTIST, 0 };
	struct db_hold done;
	CU_ASSERT_EQUAL(db_hold_release(tdb, &other, NULL, &e), ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(db_hold_release(tdb, &ra, &done, &e), 0);
	CU_ASSERT_STRING_EQUAL(done.status, "released");
	CU_ASSERT_EQUAL(db_hold_release(tdb, &rs, NULL, &e), 0);
	/* releasing twice is the same answer whoever asks */
	CU_ASSERT_EQUAL(db_hold_release(tdb, &ra, NULL, &e), ERR_CHANGED);
	CU_ASSERT_EQUAL(db_hold_release(tdb, &rs, NULL, &e), ERR_CHANGED);
	char *ta = hold_trace(art), *ts = hold_trace(adm);
	/* the same audit entries but the room's name */
	CU_ASSERT_PTR_NOT_NULL(strstr(ta, "hold {\"room\": \"Studio A\"}; release {\"status\": [\"active\", \"released\"]}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ts, "hold {\"room\": \"Studio B\"}; release {\"status\": [\"active\", \"released\"]}"));
	free(ta);
	free(ts);
}

/* The studio's decisions check who acts as which kind before anything:
 * an artist claiming to be an admin is refused by actor_role, an artist
 * as themself by the decision's own rule, and nothing changes. */
static void
test_a_decision_is_refused_to_an_actor_posing_as_another_kind(void)
{
	char id[37], code[16];
	struct db_decide_result out;
	struct err e;

	CU_ASSERT_EQUAL_FATAL(book_priced(ROOM_A, "2030-04-08T15:00:00Z", "2030-04-08T17:00:00Z", id, code, &e), 0);
	struct db_decide_req d = {
		.code = code, .actor_id = ARTIST, .kind = DB_ACTOR_ADMIN, .message = "no",
	};
	CU_ASSERT_EQUAL(db_booking_reject(tdb, &d, &out, &e), ERR_FORBIDDEN);
	d.kind = DB_ACTOR_ARTIST;
	CU_ASSERT_EQUAL(db_booking_reject(tdb, &d, &out, &e), ERR_FORBIDDEN);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM booking WHERE status = 'awaiting_approval'"
	    " AND start_at = '2030-04-08T15:00:00Z'"), 1);
	d.actor_id = ADMIN_ID;
	d.kind = DB_ACTOR_ADMIN;
	CU_ASSERT_EQUAL(db_booking_reject(tdb, &d, &out, &e), 0);
	CU_ASSERT_STRING_EQUAL(out.status, "rejected");
	CU_ASSERT_STRING_EQUAL(out.code, code);
}

/* The typed hold entry point weighs the rules first: outside the studio's
 * hours it says an admin could set them aside; a staff member who tries is
 * refused by the database, an admin's hold records the rule set aside,
 * and the release answers the hold's new status. */
static void
test_a_studio_hold_outside_the_rules_is_an_admins_to_override(void)
{
	struct tz *tz = NULL;
	struct db_hold h;
	struct err e;

	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(tz_load_system("America/Toronto", &tz, &e), 0);
	/* 03:00 in Toronto: the studio is closed */
	struct db_hold_place_req in = {
		.actor_id = "00000000-0000-4000-8000-000000000002", .kind = DB_ACTOR_STAFF,
		.room_id = ROOM_B, .start = 1904367600, .end = 1904371200,
	};
	CU_ASSERT_EQUAL(db_hold_place(tdb, tz, &in, 1899000000, &h, &e), ERR_CONFLICT);
	CU_ASSERT_STRING_EQUAL(e.field, DB_ADMIN_OVERRIDE);
	in.override_reason = "a night session";
	CU_ASSERT_EQUAL(db_hold_place(tdb, tz, &in, 1899000000, &h, &e), ERR_FORBIDDEN);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM hold WHERE start_at = to_timestamp(1904367600)"), 0);
	in.actor_id = ADMIN_ID;
	in.kind = DB_ACTOR_ADMIN;
	CU_ASSERT_EQUAL_FATAL(db_hold_place(tdb, tz, &in, 1899000000, &h, &e), 0);
	CU_ASSERT_STRING_EQUAL(h.room_name, "Studio B");
	CU_ASSERT_STRING_EQUAL(h.status, "active");
	CU_ASSERT_NOT_EQUAL(h.overridden[0], '\0');
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'hold'"
	    " AND reason = 'a night session' AND diff_json ? 'override'"), 1);
	const struct db_hold_change r = { h.id, ADMIN_ID, DB_ACTOR_ADMIN, 0 };
	struct db_hold done;
	CU_ASSERT_EQUAL(db_hold_release(tdb, &r, &done, &e), 0);
	CU_ASSERT_STRING_EQUAL(done.status, "released");
	tz_free(tz);
}

int
main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("db", suite_open, suite_close);
	CU_add_test(s, "migrate twice applies nothing the second time", test_migrate_twice_applies_nothing_the_second_time);
	CU_add_test(s, "a fresh migrate records every checksum", test_a_fresh_migrate_records_every_checksum);
	CU_add_test(s, "a changed migration is an error naming it", test_a_changed_migration_is_an_error_naming_it);
	CU_add_test(s, "seed demo loads once and keeps existing data", test_seed_demo_loads_once_and_keeps_existing_data);
	CU_add_test(s, "rooms json lists the three demo rooms", test_rooms_json_lists_the_three_demo_rooms);
	CU_add_test(s, "a json read of the wrong shape says how many rows it returned", test_a_json_read_of_the_wrong_shape_says_how_many_rows_it_returned);
	CU_add_test(s, "a prepared statement is prepared once and answers as db_exec does", test_a_prepared_statement_is_prepared_once_and_answers_as_db_exec_does);
	CU_add_test(s, "login accepts the demo password and refuses others", test_login_accepts_the_demo_password_and_refuses_others);
	CU_add_test(s, "overlapping room claims are refused, back-to-back accepted", test_overlapping_room_claims_are_refused_and_back_to_back_accepted);
	CU_add_test(s, "buffers widen what a booking claims", test_buffers_widen_what_a_booking_claims);
	CU_add_test(s, "a staff member cannot be assigned twice at once", test_a_staff_member_cannot_be_assigned_twice_at_once);
	CU_add_test(s, "a canceled booking frees its room and staff", test_a_canceled_booking_frees_its_room_and_staff);
	CU_add_test(s, "a rescheduled booking moves its staff claim too", test_a_rescheduled_booking_moves_its_staff_claim_too);
	CU_add_test(s, "an active hold blocks and an expired one does not", test_an_active_hold_blocks_and_an_expired_one_does_not);
	CU_add_test(s, "a hold blocks others and only its owner can book it", test_a_hold_blocks_others_and_only_its_owner_can_book_it);
	CU_add_test(s, "an expired hold cannot become a booking", test_an_expired_hold_cannot_become_a_booking);
	CU_add_test(s, "cancel and reschedule are guarded and move claims", test_cancel_and_reschedule_are_guarded_and_move_claims);
	CU_add_test(s, "a booking reads as quoted after prices, tax and policy change", test_a_booking_reads_as_quoted_after_prices_tax_and_policy_change);
	CU_add_test(s, "the bookings list reads as the full bookings do", test_the_bookings_list_reads_as_the_full_bookings_do);
	CU_add_test(s, "an artist cancel enqueues the jobs and audit an admin cancel does", test_an_artist_cancel_enqueues_the_jobs_and_audit_an_admin_cancel_does);
	CU_add_test(s, "auto approval confirms with the approval jobs and a system audit row", test_auto_approval_confirms_with_the_approval_jobs_and_a_system_audit_row);
	CU_add_test(s, "an artist hold and a studio hold take one path", test_an_artist_hold_and_a_studio_hold_take_one_path);
	CU_add_test(s, "a decision is refused to an actor posing as another kind", test_a_decision_is_refused_to_an_actor_posing_as_another_kind);
	CU_add_test(s, "a studio hold outside the rules is an admin's to override", test_a_studio_hold_outside_the_rules_is_an_admins_to_override);
	CU_add_test(s, "no room or staff is ever claimed twice", test_no_room_or_staff_is_ever_claimed_twice);
	CU_add_test(s, "a missing database is one clear error", test_a_missing_database_is_one_clear_error);
	test_job_suite_add();
	test_families_suite_add();
	return cunit_tap_run();
}
