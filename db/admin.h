/* admin.h (db): the reads the studio's screens and tables show, the
 * lookups its commands resolve names with (a booking by code, a room, a
 * staff member), the rules a booking is weighed against (core's engine
 * over one day's data), and canceling under the stored policy. The
 * studio's transitions live beside the artist's: approve, reject and
 * staffing in db/booking.h, holds in db/hold.h.
 *
 * Who may do what is enforced by the SQL functions (RL403): admins do
 * everything; staff may place holds, release and extend the holds they
 * placed, and cancel the bookings they are assigned to. Only admins
 * approve, reject, assign or swap staff, and set the rules aside.
 *
 * Errors (struct err): ERR_NOT_FOUND for an unknown booking code, hold,
 * room or staff member; ERR_INVALID for bad input, naming the field
 * ("message", "reason", "minutes", "expires", ...); ERR_CHANGED when
 * someone acted first ("RL-X was already approved by Dana Admin at
 * 2027-03-14 14:02; nothing was changed"); ERR_CONFLICT when Postgres
 * refused a double claim (field "start_at" for the room, "staff_ids" for
 * a staff member, with who holds it), or when the rules refuse and an
 * admin could set them aside (field DB_ADMIN_OVERRIDE); ERR_FORBIDDEN for
 * an actor without the right; ERR_DB when the database fails. A function
 * that fails has written nothing.
 *
 * `now` is the caller's clock (UTC seconds), for the rules; the database
 * stamps rows with its own. */
#ifndef REDLIGHT_DB_ADMIN_H
#define REDLIGHT_DB_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/bstate.h"
#include "core/err.h"
#include "core/policy.h"
#include "core/settings.h"
#include "core/tz.h"
#include "db/db.h"

/* The field of an ERR_CONFLICT that an admin may override: the rules
 * (working hours, blackouts, lead time, horizon, buffers) said no. */
#define DB_ADMIN_OVERRIDE "override"

/* The most staff one booking carries here; more are ignored by reads. */
#define DB_ADMIN_MAX_STAFF 8

/* ---- reads (JSON shaped by Postgres; instants RFC 3339 UTC) ---- */

/* A booking in full, as the queue, the bookings table and `booking CODE`
 * show it:
 *   {id, code, status, room_id, room_name, start_at, end_at, created_at,
 *    source, notes, artist_name, artist_email, staff: [{id, name, role}],
 *    services: [{service_id, name, quantity, unit_price_cents, total_cents,
 *    is_addon}], subtotal_cents, paid_cents, authorized_cents, capture_before
 *    (when Stripe lets the card authorization go, or null),
 *    approved_by (name or null), approved_at (or null), approval_note,
 *    artist_message}
 * paid_cents is what was captured less what was refunded; authorized_cents
 * what is held on a card and not captured. */

/* {"bookings":[booking...]}: awaiting_approval, newest first. */
extern const char DB_ADMIN_QUEUE_JSON_SQL[];
/* {"bookings":[booking...]} by start, filtered by $1 status, $2 room id,
 * $3 staff id (assigned), $4 from and $5 to (timestamptz: overlapping
 * [$4, $5)), $6 text found in the code or the artist's name (case
 * ignored); a NULL parameter filters nothing. */
extern const char DB_ADMIN_BOOKINGS_JSON_SQL[];
/* The same bookings with the list's columns only (what a list or the
 * board shows, read without a subquery per booking), as plain rows (no
 * JSON), by start, same parameters; the columns, in order:
 *   id, code, status, room_id, room_name, start_s, end_s (epoch seconds),
 *   artist_name ("" without one), staff_names ("Eli Engineer, Sam
 *   Assistant" or ""), staff_ids ("id1,id2" in the same order, or ""),
 *   sync_error (why its calendar sync failed, or NULL)
 * each as in the full booking. */
enum db_admin_list_col {
	DB_ADMIN_LIST_ID, DB_ADMIN_LIST_CODE, DB_ADMIN_LIST_STATUS, DB_ADMIN_LIST_ROOM_ID,
	DB_ADMIN_LIST_ROOM_NAME, DB_ADMIN_LIST_START, DB_ADMIN_LIST_END, DB_ADMIN_LIST_ARTIST,
	DB_ADMIN_LIST_STAFF_NAMES, DB_ADMIN_LIST_STAFF_IDS, DB_ADMIN_LIST_SYNC_ERROR, DB_ADMIN_LIST_NCOLS
};
extern const char DB_ADMIN_BOOKINGS_LIST_SQL[];
/* {"booking": booking or null, "payment": payment_json (its due-now
 * payment) or null, "payments": [payment_row_json...] (every payment row:
 * due_now, balance, then fees by seq)} for code $1 (case ignored). */
extern const char DB_ADMIN_BOOKING_JSON_SQL[];
/* {"holds":[{id, room_id, room_name, start_at, end_at, expires_at,
 * created_at, created_by (name or ""), artist_name}]}: the holds that
 * still block (active and not expired), by start. */
extern const char DB_ADMIN_HOLDS_JSON_SQL[];
/* {"audit":[{id, created_at, actor_name, actor_email, action, entity,
 * entity_id, label (a booking's code, a hold's short id), reason, diff}]}
 * newest first: $1 an entity kind ("booking", "hold"), a booking code or
 * an id (or its first characters), $2 the actor's email, $3 since
 * (timestamptz), $4 at most this many rows. NULL filters nothing. */
extern const char DB_ADMIN_AUDIT_JSON_SQL[];

/* ---- lookups ---- */

/* The facts of one booking that the rules need. */
struct db_admin_booking {
	char id[37];
	char code[32];
	char status[24];
	char room_id[37];
	char room_name[128];
	char service_id[37];          /* its main (not add-on) service, or "" */
	char staff_ids[DB_ADMIN_MAX_STAFF][37];
	size_t nstaff;
	int64_t start, end;           /* UTC seconds */
	int64_t paid_cents;           /* captured less refunded */
	int64_t authorized_cents;     /* held on a card, not captured */
	struct policy policy;         /* the policy stored with its quote */
	int has_policy;               /* 0: none stored (policy unset) */
	int reschedule_count;         /* the artist's reschedules so far */
};

/* db_admin_booking_find: the booking with code (case and surrounding
 * blanks ignored) into *out. ERR_NOT_FOUND (field "code") when none. */
int db_admin_booking_find(struct db *db, const char *code, struct db_admin_booking *out,
    struct err *e);

/* db_admin_room_resolve: an active room by name (case ignored) or id;
 * id (37 bytes) and name (namelen) receive it. ERR_NOT_FOUND (field
 * "room") naming the rooms there are. */
int db_admin_room_resolve(struct db *db, const char *room, char id[37], char *name,
    size_t namelen, struct err *e);

/* db_admin_staff_resolve: an active staff member by display name (case
 * ignored), email or id, or else by first name ("eli"). ERR_NOT_FOUND (field "staff") when nobody
 * matches, ERR_INVALID (field "staff") when a name matches several. */
int db_admin_staff_resolve(struct db *db, const char *who, char id[37], char *name,
    size_t namelen, struct err *e);

/* db_admin_settings: the studio's settings (DB_SETTINGS_JSON_SQL). */
int db_admin_settings(struct db *db, struct studio_settings *out, struct err *e);

/* db_admin_booking_check: 0 when b still fits the rules at now (its own
 * claims ignored); otherwise the engine's error (ERR_CONFLICT with why,
 * or ERR_INVALID / ERR_NOT_FOUND when its room, service or staff changed),
 * or ERR_DB. tz is the studio's zone. */
int db_admin_booking_check(struct db *db, const struct tz *tz, const struct db_admin_booking *b,
    int64_t now, struct err *e);

/* db_admin_staff_check: 0 when staff_ids (n of them) can work b at now
 * (avail_check_staff: their hours, time off, buffers and the service's
 * skill); otherwise as db_admin_booking_check. */
int db_admin_staff_check(struct db *db, const struct tz *tz, const struct db_admin_booking *b,
    const char *const *staff_ids, size_t n, int64_t now, struct err *e);

/* db_admin_booking_fit: 0 when b, moved to [start, end), fits the rules
 * at now (its own claims ignored), with the range it must claim (buffers
 * included) in *blocked_from and *blocked_until; otherwise as
 * db_admin_booking_check. */
int db_admin_booking_fit(struct db *db, const struct tz *tz, const struct db_admin_booking *b,
    int64_t start, int64_t end, int64_t now, int64_t *blocked_from, int64_t *blocked_until,
    struct err *e);

/* ---- cancel ---- */

struct db_cancel_result {
	struct db_admin_booking booking;  /* as it was before */
	struct policy_result policy;      /* refund_percent, refund_cents, summary */
};

/* db_admin_cancel_preview: what canceling booking code at now would
 * refund, by the policy the booking stored with its quote (never today's
 * settings); writes nothing. ERR_CHANGED when the booking is not live or
 * its session has started. */
int db_admin_cancel_preview(struct db *db, const char *code, int64_t now,
    struct db_cancel_result *out, struct err *e);

#endif
