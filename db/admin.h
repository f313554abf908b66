/* admin.h (db): what studio staff do from the console and `redlight
 * COMMAND`: approve and reject submitted bookings, place, release and
 * extend holds, assign and swap staff, cancel under the policy; and the
 * reads their screens and tables show.
 *
 * Every mutation is one SQL function of db/migrations/0004_admin.sql, so
 * one transaction holds the guarded update, the permission check (the
 * actor's role), the audit_log row (actor, action, entity, reason, diff),
 * the outbox jobs and the NOTIFY on redlight_changes. What the rules say
 * is decided here first, in C, with core/: the availability engine
 * (avail_check_booking) for whether a booking or hold fits, the state
 * machine (booking_transition) for the jobs, the policy (policy_cancel)
 * for refunds. Postgres's constraints stay the last word on conflicts.
 *
 * Who may do what (enforced by the SQL functions, RL403): admins do
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
/* {"booking": booking or null} for code $1 (case ignored). */
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

/* db_admin_booking_fit: 0 when b, moved to [start, end), fits the rules
 * at now (its own claims ignored), with the range it must claim (buffers
 * included) in *blocked_from and *blocked_until; otherwise as
 * db_admin_booking_check. */
int db_admin_booking_fit(struct db *db, const struct tz *tz, const struct db_admin_booking *b,
    int64_t start, int64_t end, int64_t now, int64_t *blocked_from, int64_t *blocked_until,
    struct err *e);

/* ---- approve and reject ---- */

struct db_admin_decision {
	const char *note;             /* internal; NULL or "" for none */
	const char *message;          /* to the artist; required to reject */
	const char *override_reason;  /* approve: NULL, or why an admin sets
	                               * the rules aside when they refuse */
};

/* What a decision did. */
struct db_admin_outcome {
	char code[32];
	char status[24];              /* the booking's new status */
	char overridden[160];         /* the rule set aside, or "" */
};

/* db_admin_approve: confirm the awaiting booking code as actor, first
 * checking it still fits (db_admin_booking_check). When it does not and
 * d->override_reason is NULL: ERR_CONFLICT field DB_ADMIN_OVERRIDE
 * ("RL-X no longer fits: ..."). With a reason the rules are set aside and
 * the audit row records both; a reason given when nothing needed
 * overriding is not recorded. Jobs: capture_payment, email_approved,
 * calendar_sync (booking_transition). out may be NULL. */
int db_admin_approve(struct db *db, const struct tz *tz, const struct db_actor *actor,
    const char *code, const struct db_admin_decision *d, int64_t now,
    struct db_admin_outcome *out, struct err *e);

/* db_admin_reject: reject the awaiting booking code. d->message is
 * required (ERR_INVALID field "message", checked before anything is
 * read). Jobs: void_or_refund, email_rejected; the room and staff are
 * free again at once. out may be NULL. */
int db_admin_reject(struct db *db, const struct db_actor *actor, const char *code,
    const struct db_admin_decision *d, struct db_admin_outcome *out, struct err *e);

/* ---- holds ---- */

struct db_admin_hold_new {
	const char *room_id;
	int64_t start, end;           /* UTC seconds */
	int expires_min;              /* 0: the studio's hold_ttl_min */
	const char *override_reason;  /* as for approval */
};

struct db_admin_hold {
	char id[37];
	char room_id[37];
	char room_name[128];
	char status[16];              /* active, expired, released, converted */
	int64_t start, end, expires_at;
	char overridden[160];         /* db_admin_hold_place: the rule set aside, or "" */
};

/* db_admin_hold_place: hold a room for [start, end) (the room-only
 * service's rules and buffers, as avail_check) for actor. When the rules
 * refuse: ERR_CONFLICT field DB_ADMIN_OVERRIDE, unless override_reason is
 * given; an overriding hold claims the bare session, without buffers.
 * ERR_CONFLICT field "start_at" when the room is claimed (Postgres). *out
 * receives the new hold. */
int db_admin_hold_place(struct db *db, const struct tz *tz, const struct db_actor *actor,
    const struct db_admin_hold_new *h, int64_t now, struct db_admin_hold *out, struct err *e);

/* db_admin_hold_find: the hold whose id is id or starts with it (at least
 * 4 characters) into *out, whatever its status (an active hold past its
 * expiry reads "expired"). ERR_NOT_FOUND (field "hold_id"), or
 * ERR_INVALID when a prefix matches several. */
int db_admin_hold_find(struct db *db, const char *id, struct db_admin_hold *out, struct err *e);

/* db_admin_hold_release: release the active hold hold_id (a full id).
 * ERR_CHANGED when it is no longer active. */
int db_admin_hold_release(struct db *db, const struct db_actor *actor, const char *hold_id,
    struct err *e);

/* db_admin_hold_extend: push the active hold's expiry minutes further;
 * *expires_at (may be NULL) receives the new one. ERR_INVALID (field
 * "minutes") out of range, ERR_CHANGED when it expired first. */
int db_admin_hold_extend(struct db *db, const struct db_actor *actor, const char *hold_id,
    int minutes, int64_t *expires_at, struct err *e);

/* ---- staff ---- */

/* Who staffs a booking. */
struct db_admin_staffing {
	const char *const *staff_ids;
	size_t n;                     /* may be 0: nobody */
	const char *override_reason;  /* as for approval */
};

/* db_admin_assign_staff: make s's staff the staff of booking code, first
 * checking, for an admin, that they can work it at now (avail_check_staff:
 * their weekly hours, time off, buffers and the service's skill). When
 * they cannot and s->override_reason is NULL: ERR_CONFLICT field
 * DB_ADMIN_OVERRIDE ("RL-X: Eli Engineer is not working then"); with a
 * reason the rules are set aside and the audit row records both. Postgres
 * refuses, override or not, a staff member already on an overlapping live
 * booking: ERR_CONFLICT (field "staff_ids", naming who is busy and with
 * which booking). out (may be NULL) says what was set aside. */
int db_admin_assign_staff(struct db *db, const struct tz *tz, const struct db_actor *actor,
    const char *code, const struct db_admin_staffing *s, int64_t now,
    struct db_admin_outcome *out, struct err *e);

/* db_admin_swap_staff: staff_a leaves booking code_a for code_b and
 * staff_b goes the other way, in one transaction. Errors as above. */
int db_admin_swap_staff(struct db *db, const struct db_actor *actor, const char *code_a,
    const char *staff_a, const char *code_b, const char *staff_b, struct err *e);

/* ---- cancel ---- */

struct db_admin_cancel {
	struct db_admin_booking booking;  /* as it was before */
	struct policy_result policy;      /* refund_percent, refund_cents, summary */
};

/* db_admin_cancel_preview: what canceling booking code at now would
 * refund, by the policy the booking stored with its quote (never today's
 * settings); writes nothing. ERR_CHANGED when the booking is not live or
 * its session has started. */
int db_admin_cancel_preview(struct db *db, const char *code, int64_t now,
    struct db_admin_cancel *out, struct err *e);

/* db_admin_cancel: evaluate the stored policy again at now and cancel as
 * actor (its role: staff or admin), guarded on the status evaluated,
 * through the artist's own path (db_booking_cancel, db/booking.h). reason
 * is required (ERR_INVALID field "reason"). Jobs: core's table for cancel
 * (void_or_refund with the refund, email_canceled, and calendar_remove for
 * a confirmed booking). out (may be NULL) receives what was applied. */
int db_admin_cancel(struct db *db, const struct db_actor *actor, const char *code,
    const char *reason, int64_t now, struct db_admin_cancel *out, struct err *e);

#endif
