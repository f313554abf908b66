/* calendar.h (db): staff calendar connections and their sync records
 * (db/migrations/0020_calendars.sql). The worker's half is SQL it calls
 * itself (web/worker-cal.c); this is what the console and CLI need. */
#ifndef REDLIGHT_DB_CALENDAR_H
#define REDLIGHT_DB_CALENDAR_H

#include "core/err.h"
#include "db/db.h"

/* db_calendar_connect_begin: actor (an admin) starts staff_id's
 * connection to provider ("google" or "outlook"): the state's SHA-256
 * (hex) and the sealed PKCE verifier are kept for 15 minutes, audited.
 * ERR_FORBIDDEN for anyone but an admin, ERR_NOT_FOUND (field "staff")
 * for no such active staff member; else as db_exec. */
int db_calendar_connect_begin(struct db *db, const struct db_actor *actor, const char *staff_id,
    const char *provider, const char *state_hash, const char *verifier_sealed, struct err *e);

/* db_calendar_failed_job: the newest failed calendar job of booking
 * code, into *id; ERR_NOT_FOUND when there is none (nothing failed for
 * good, or a retry is under way). */
int db_calendar_failed_job(struct db *db, const char *code, long long *id, struct err *e);

/* No parameters: {"connections":[{staff_id, staff, provider, status,
 * error, connected_at, updated_at}], "failing":[{code, staff, provider,
 * action, error, last_attempt_at}], "attempts": N}: every connection, the
 * calendar_sync rows whose last attempt failed, and how many attempts
 * were recorded in the last 24 hours. */
extern const char DB_CALENDAR_STATUS_JSON_SQL[];

#endif
