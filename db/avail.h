/* avail.h (db): the one read that feeds the availability engine
 * (core/avail.h). redlightd sends DB_AVAIL_JSON_SQL asynchronously and
 * caches the parsed data per day; the console and tests use db_avail_load.
 *
 * DB_AVAIL_JSON_SQL takes $1 from and $2 to (timestamptz) and returns one
 * row, one column: a JSON document with instants as integer epoch seconds.
 *
 *   {"settings": {"timezone": "America/Toronto", "lead_time_min": 120,
 *                 "horizon_days": 90},
 *    "from": 1805000000, "to": 1805259200,
 *    "rooms":    [{"id", "name", "tags": [...],
 *                  "buffer_before_min", "buffer_after_min"}],     active, by name
 *    "staff":    [{"id", "name", "skills": [...],
 *                  "buffer_before_min", "buffer_after_min"}],     active, by name
 *    "services": [{"id", "name", "default_duration_min", "base_price_cents",
 *                  "requires_engineer", "staff_skill_required" (or null),
 *                  "room_tags": [...], "is_addon",
 *                  "buffer_before_min", "buffer_after_min"}],     active
 *    "rules":    [{"target_type": "studio"|"room"|"staff", "target_id" (null
 *                  for the studio), "weekdays": [0..6, 0 = Sunday],
 *                  "start_min", "end_min" (minutes into the local day),
 *                  "effective_from", "effective_to" ("YYYY-MM-DD" or null)}]
 *                                                   every rule of the studio and
 *                                                   of active rooms and staff
 *    "exceptions": [{"target_type", "target_id", "start", "end", "reason"}]
 *                                                   overlapping [$1, $2)
 *    "room_claims": [{"room_id", "start", "end", "booking_id" or null,
 *                     "hold_id" or null, "hold_expires_at" (null for a booking)}]
 *                                                   room_claim rows overlapping
 *    "staff_claims": [{"staff_id", "booking_id", "start", "end"}]}
 *                                                   live booking_staff rows overlapping
 *
 * Buffers come from buffer_rule (0 when a room, staff member or service has
 * none). Claims are the stored widened ranges. Instants round outward (starts
 * down, ends and expiries up) and rule times inward, so rounding never frees
 * time; a rule that rounds to nothing is left out. */
#ifndef REDLIGHT_DB_AVAIL_H
#define REDLIGHT_DB_AVAIL_H

#include <stdint.h>

#include "core/avail.h"
#include "core/err.h"
#include "core/tz.h"
#include "db/db.h"

extern const char DB_AVAIL_JSON_SQL[];

/* DB_AVAIL_SNAPSHOT_JSON_SQL: the same document, and in a second column
 * the snapshot it was read by (pg_current_snapshot: "xmin:xmax:xip,..."),
 * so a cache can tell which later change notices (their "xid") the
 * document already holds. */
extern const char DB_AVAIL_SNAPSHOT_JSON_SQL[];

/* db_avail_load: run DB_AVAIL_JSON_SQL for [from, to) (UTC seconds) and
 * parse it; *out is the caller's (avail_data_free) and borrows tz, which
 * must be the studio's zone (else ERR_CONFIG). Fails with the database's
 * error, or ERR_INVALID for a range outside the supported instants. */
int db_avail_load(struct db *db, const struct tz *tz, int64_t from, int64_t to,
    struct avail_data **out, struct err *e);
/* The same read in two halves, for a read not waited for: db_avail_send
 * sends it on conn (PQsendQueryParams); db_avail_recv parses its result
 * (a failed result: db_result_err's). */
int db_avail_send(PGconn *conn, int64_t from, int64_t to, struct err *e);
int db_avail_recv(const PGresult *res, const struct tz *tz, struct avail_data **out, struct err *e);

/* db_avail_load_day: db_avail_load over avail_day_range of the local day
 * year-month-day: what a search of that day needs. ERR_INVALID field "date"
 * for a date that does not exist. */
int db_avail_load_day(struct db *db, const struct tz *tz, int year, int month, int day,
    struct avail_data **out, struct err *e);

#endif
