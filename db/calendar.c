#include "db/calendar.h"

#include <stdlib.h>

int
db_calendar_connect_begin(struct db *db, const struct db_actor *actor, const char *staff_id,
    const char *provider, const char *state_hash, const char *verifier_sealed, struct err *e)
{
	const char *params[5] = { actor->id, staff_id, provider, state_hash, verifier_sealed };

	return db_exec(db, "SELECT calendar_connect_begin($1, $2, $3, $4, $5)", 5, params, NULL, e);
}

const char DB_CALENDAR_STATUS_JSON_SQL[] =
    "SELECT json_build_object("
    " 'connections', coalesce((SELECT json_agg(json_build_object('staff_id', c.staff_id,"
    "   'staff', s.display_name, 'provider', c.provider, 'status', c.status, 'error', c.error,"
    "   'connected_at', json_utc(c.connected_at), 'updated_at', json_utc(c.updated_at))"
    "   ORDER BY s.display_name, c.provider)"
    "   FROM calendar_connection c JOIN staff s ON s.id = c.staff_id), '[]'::json),"
    " 'failing', coalesce((SELECT json_agg(json_build_object('code', b.code, 'staff', s.display_name,"
    "   'provider', cs.provider, 'action', cs.action, 'error', cs.error,"
    "   'last_attempt_at', json_utc(cs.last_attempt_at)) ORDER BY cs.last_attempt_at DESC)"
    "   FROM calendar_sync cs JOIN booking b ON b.id = cs.booking_id"
    "   LEFT JOIN staff s ON s.id = cs.staff_id WHERE cs.status = 'failed'), '[]'::json),"
    " 'attempts', (SELECT count(*) FROM calendar_sync_attempt"
    "   WHERE attempted_at > now() - interval '24 hours'))::text";

int
db_calendar_failed_job(struct db *db, const char *code, long long *id, struct err *e)
{
	const char *params[1] = { code };
	PGresult *res;
	int rc;

	if ((rc = db_exec(db, "SELECT j.id FROM job j JOIN booking b ON j.payload->>'booking_id' = b.id::text"
	    " WHERE b.code = upper($1) AND j.kind IN ('calendar_sync', 'calendar_remove')"
	    " AND j.status = 'failed' ORDER BY j.id DESC LIMIT 1", 1, params, &res, e)) != 0)
		return rc;
	rc = PQntuples(res) == 1 ? 0 : err_set(e, ERR_NOT_FOUND, "code", "%s has no failed calendar job "
	    "(a retry may be under way: see redlight calendar-status)", code);
	if (rc == 0)
		*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return rc;
}
