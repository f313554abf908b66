#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/code.h"

/* Codes are random; a clash with an existing code is retried this often. */
#define DB_CODE_TRIES 5

static int
db_booking_insert_once(struct db *db, const struct db_booking_new *b,
    const char *code, char id[37], struct err *e)
{
	const char *params[9] = {
		code, b->user_id, b->room_id, b->start_at, b->end_at,
		b->blocked_from ? b->blocked_from : b->start_at,
		b->blocked_until ? b->blocked_until : b->end_at,
		b->notes ? b->notes : "", b->source ? b->source : "web",
	};
	PGresult *res;
	int rc;

	rc = db_exec(db,
	    "INSERT INTO booking (code, user_id, room_id, status, start_at, end_at, blocked, notes, source)"
	    " VALUES ($1, $2, $3, 'awaiting_approval', $4, $5, tstzrange($6, $7, '[)'), $8, $9)"
	    " RETURNING id", 9, params, &res, e);
	if (rc != 0)
		return rc;
	snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	for (const char *const *s = b->staff_ids; s && *s; s++) {
		const char *sp[2] = { id, *s };
		rc = db_exec(db, "INSERT INTO booking_staff (booking_id, staff_id, role)"
		    " VALUES ($1, $2, 'engineer')", 2, sp, NULL, e);
		if (rc != 0)
			return rc;
	}
	const char *jp[1] = { id };
	rc = db_exec(db, "INSERT INTO job (kind, payload)"
	    " VALUES ('booking_submitted', json_build_object('booking_id', $1::uuid))", 1, jp, NULL, e);
	if (rc != 0)
		return rc;
	return db_exec(db, "SELECT pg_notify('redlight_changes',"
	    " json_build_object('entity', 'booking', 'id', id, 'room_id', room_id,"
	    " 'from', lower(blocked), 'to', upper(blocked))::text) FROM booking WHERE id = $1",
	    1, jp, NULL, e);
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
