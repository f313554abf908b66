#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/code.h"

/* Codes are random; a clash with an existing code is retried this often. */
#define DB_CODE_TRIES 5

/* The same transaction redlightd runs: booking_submit (0002), so the
 * console, tests and the web share one path for a new booking. */
static int
db_booking_insert_once(struct db *db, const struct db_booking_new *b,
    const char *code, char id[37], struct err *e)
{
	char staff[512] = "{";
	size_t used = 1;
	PGresult *res;
	int rc;

	for (const char *const *s = b->staff_ids; s && *s; s++) {
		int w = snprintf(staff + used, sizeof(staff) - used, "%s%s", used > 1 ? "," : "", *s);
		if (w < 0 || (size_t)w >= sizeof(staff) - used)
			return err_set(e, ERR_INVALID, "staff_ids", "too many staff members");
		used += (size_t)w;
	}
	if (used + 2 > sizeof(staff))
		return err_set(e, ERR_INVALID, "staff_ids", "too many staff members");
	staff[used++] = '}';
	staff[used] = '\0';

	const char *params[10] = {
		b->user_id, b->room_id, b->start_at, b->end_at,
		b->blocked_from ? b->blocked_from : b->start_at,
		b->blocked_until ? b->blocked_until : b->end_at,
		b->notes ? b->notes : "", staff, code, b->source ? b->source : "web",
	};
	rc = db_exec(db,
	    "SELECT booking_id FROM booking_submit($1, NULL, $2, $3, $4, tstzrange($5, $6, '[)'),"
	    " $7, $8::uuid[], '[]', $9, $10)", 10, params, &res, e);
	if (rc != 0)
		return rc;
	snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int
db_booking_insert(struct db *db, const struct db_booking_new *b,
    char id[37], char code[16], struct err *e)
{
	int rc = 0;

	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, NULL, "libsodium failed to initialise");
	for (int tries = 0; tries < DB_CODE_TRIES; tries++) {
		unsigned char rnd[BOOKING_CODE_RANDOM_BYTES];
		struct err inner;

		randombytes_buf(rnd, sizeof(rnd));
		booking_code_format(rnd, code, 16);
		if ((rc = db_begin(db, e)) != 0)
			return rc;
		err_clear(&inner);
		rc = db_booking_insert_once(db, b, code, id, &inner);
		if (rc == 0 && (rc = db_commit(db, &inner)) == 0)
			return 0;
		db_rollback(db);
		if (!(rc == ERR_INVALID && strcmp(inner.field, "booking_code_key") == 0)) {
			if (e)
				*e = inner;
			return rc;
		}
	}
	return err_set(e, ERR_INTERNAL, NULL, "could not find a free booking code");
}
