/* avail.h: the availability engine. Which sessions a room (and, when one is
 * needed, a staff member) can take on a studio-local day, and whether one
 * exact booking fits. Pure: the data, the time zone and the clock are
 * arguments; nothing here reads the database or the time of day.
 *
 * The rules, stated once:
 *
 * - Working windows. A room works where the studio's weekly rules and the
 *   room's own rules overlap; a staff member works inside their own rules.
 *   A studio, room or staff member without rules for a day is closed that
 *   day. Rules are studio-local wall-clock hours: a window is every instant
 *   whose local clock reads within [start_min, end_min) on a day the rule
 *   covers (its weekday, and effective_from..effective_to inclusive), so a
 *   rule spanning a daylight-saving change is an hour shorter or longer in
 *   real time, and a wall time the clock skips is simply not in it.
 *   Exceptions (blackouts) take time out of their target; studio ones out of
 *   everything.
 * - Only the session [start, end) must lie inside working windows. Its
 *   widened range [start - before, end + after) must not overlap a live
 *   claim of its room, nor of each staff member assigned, where before and
 *   after are the largest of the room's, the service's and the assigned
 *   staff members' buffers. Claims are already widened (a booking's
 *   `blocked`, a hold's `blocked`), so a claim with a teardown blocks the
 *   quarter hour after it, and a new booking's own setup keeps it off a
 *   claim that ends right before it. The widened range is what the booking
 *   stores as booking.blocked (avail_check fills it).
 * - Live claims: every booking claim loaded (the SQL loads only
 *   awaiting_approval and confirmed ones) and holds whose expires_at is
 *   after now; an expired hold never blocks, swept or not.
 * - Lead time and horizon: now + lead_time_min <= start < now + horizon_days.
 * - Durations: the session lasts max(service default, requested) minutes,
 *   which must be 1..AVAIL_MAX_DURATION_MIN and a multiple of the service's
 *   default ("invalid_duration"). The price is the service's base price times
 *   that many defaults. End = start + duration in real seconds, so a session
 *   across a daylight-saving change really lasts its length.
 * - Starts fall on the quarter hours of studio-local time (:00 :15 :30 :45),
 *   over the whole local day: none inside a skipped hour, and the repeated
 *   hour of a fall-back day gives its quarter hours twice, as distinct
 *   instants.
 * - Without a service the search is for the room on its own, as the
 *   "room-only service": the cheapest (lowest base price, first in data order
 *   on a tie) active service that is not an add-on and needs no engineer. Its
 *   duration rule, price, buffers and room tags apply.
 * - A service's room_tags are requirements: a room qualifies when it carries
 *   every one of them (none listed: every room). Staff qualify when they are
 *   active and have the service's staff_skill_required and the skill asked
 *   for, if any.
 * - Staff are needed when the service requires an engineer or a skill is
 *   asked for. A slot is then offered when at least one qualifying staff
 *   member could take it alone (working, free with their own buffers, and
 *   the room free with those buffers too); the slot lists exactly those.
 *
 * Everything in struct avail_data is read-only to the engine, so one loaded
 * day can serve many searches at once. */
#ifndef REDLIGHT_AVAIL_H
#define REDLIGHT_AVAIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/tz.h"

/* Room for a uuid's text and its NUL. */
#define AVAIL_ID_SIZE 37
/* Names are for messages only; longer ones are truncated. */
#define AVAIL_NAME_SIZE 64
/* The longest session: one day. */
#define AVAIL_MAX_DURATION_MIN (24 * 60)

enum avail_target {
	AVAIL_STUDIO,
	AVAIL_ROOM,
	AVAIL_STAFF,
};

/* Lists of tags and skills are NULL-terminated arrays of strings; a NULL list
 * is empty. */

struct avail_room {
	char id[AVAIL_ID_SIZE];
	char name[AVAIL_NAME_SIZE];
	const char *const *tags;
	int active;                 /* 0: never offered, never bookable */
	int buffer_before_min;      /* setup, from its buffer_rule (0 if none) */
	int buffer_after_min;       /* teardown */
};

struct avail_staff {
	char id[AVAIL_ID_SIZE];
	char name[AVAIL_NAME_SIZE];
	const char *const *skills;
	int active;
	int buffer_before_min;
	int buffer_after_min;
};

struct avail_service {
	char id[AVAIL_ID_SIZE];
	char name[AVAIL_NAME_SIZE];
	int default_duration_min;
	int64_t base_price_cents;
	int requires_engineer;
	const char *staff_skill_required;  /* NULL: any engineer */
	const char *const *room_tags;      /* every one required of the room */
	int is_addon;                      /* add-ons can't be the main service */
	int buffer_before_min;
	int buffer_after_min;
};

/* A weekly rule in studio-local wall-clock time. */
struct avail_rule {
	enum avail_target type;
	size_t target;          /* index into rooms or staff; unused for the studio */
	unsigned weekdays;      /* bit d set: applies on weekday d (0 = Sunday) */
	int start_min;          /* minutes into the local day, 0..1439 */
	int end_min;            /* start_min < end_min <= 1440 */
	int has_from;           /* 0: in effect since forever */
	int64_t from_day;       /* first local day, as tz_days_from_civil */
	int has_to;             /* 0: in effect for good */
	int64_t to_day;         /* last local day, inclusive */
};

/* A blackout of the studio, a room or a staff member. */
struct avail_exception {
	enum avail_target type;
	size_t target;          /* index into rooms or staff; unused for the studio */
	int64_t start, end;     /* UTC seconds, [start, end) */
	const char *reason;     /* for messages; NULL or "" says nothing */
};

/* A room's claimed time: a live booking's or a hold's widened range. */
struct avail_claim {
	size_t room;                  /* index into rooms */
	int64_t start, end;           /* UTC seconds, [start, end), buffers included */
	int64_t expires_at;           /* a hold's expiry (UTC seconds); 0: a booking */
	char owner_id[AVAIL_ID_SIZE]; /* the booking's or hold's id, or "" */
};

/* A staff member's claimed time: a live booking they are assigned to. */
struct avail_staff_claim {
	size_t staff;                 /* index into staff */
	int64_t start, end;           /* the booking's blocked range */
	char owner_id[AVAIL_ID_SIZE]; /* the booking's id, or "" */
};

struct avail_arena;

/* Everything a search needs, for a span of days (see avail_day_range). The
 * caller fills it by hand or with avail_data_from_json; index fields must be
 * in range (out of range is a bug in the caller and aborts). */
struct avail_data {
	const struct tz *tz;          /* the studio's zone, borrowed */
	char timezone[64];            /* its name as the data gave it */
	int lead_time_min;
	int horizon_days;
	int64_t from, to;             /* the UTC range the claims were loaded for */
	const struct avail_room *rooms;
	size_t nrooms;
	const struct avail_staff *staff;
	size_t nstaff;
	const struct avail_service *services;
	size_t nservices;
	const struct avail_rule *rules;
	size_t nrules;
	const struct avail_exception *exceptions;
	size_t nexceptions;
	const struct avail_claim *claims;
	size_t nclaims;
	const struct avail_staff_claim *staff_claims;
	size_t nstaff_claims;
	struct avail_arena *mem;      /* what avail_data_from_json allocated; NULL by hand */
};

struct avail_query {
	int year, month, day;         /* the studio-local date */
	int duration_min;             /* requested; raised to the service default */
	const char *service_id;       /* NULL or "": the room-only service */
	const char *room_id;          /* NULL or "": every qualifying room */
	const char *staff_skill;      /* NULL or "": no skill asked */
	int64_t now;                  /* the clock, UTC seconds */
};

struct avail_slot {
	int64_t start, end;           /* UTC seconds */
	size_t room;                  /* index into the data's rooms */
	int64_t price_cents;
	size_t nstaff;
	const size_t *staff;          /* nstaff indexes into the data's staff, in
	                               * data order; NULL when none */
};

/* avail_search: the slots of the query's local day, sorted by start, then by
 * room in data order. *out is one allocation the caller frees with free()
 * (each slot's staff array lives inside it), NULL when *n is 0; room and
 * staff indexes refer to d, which must outlive them.
 *
 * Fails, with *out NULL and *n 0, with ERR_INVALID field "date" for a date
 * that does not exist, "duration_min" ("invalid_duration") for a duration
 * out of range or not a multiple of the service's default, "service_id" for
 * an add-on, or when no service is given and the studio has no room-only
 * service; with ERR_NOT_FOUND field "service_id" or "room_id" for an id not
 * in d (inactive ones are not in it). A skill nobody has, a room without the
 * service's tags and a day past the horizon are not errors: they give no
 * slots. */
int avail_search(const struct avail_data *d, const struct avail_query *q,
    struct avail_slot **out, size_t *n, struct err *e);

/* avail_search_valid_until: the first instant (UTC seconds) at which
 * avail_search for q may answer differently from at q->now with the same
 * data: a candidate start passing the lead time, one coming inside the
 * horizon, or a hold in the data expiring. INT64_MAX when the clock alone
 * never changes the answer. Lets a server keep a built answer until then
 * (and until the data changes). Cannot fail. */
int64_t avail_search_valid_until(const struct avail_data *d, const struct avail_query *q);

/* An exact booking to check. */
struct avail_booking {
	const char *room_id;
	const char *service_id;        /* NULL or "": the room-only service */
	const char *const *staff_ids;  /* NULL-terminated; NULL: none */
	int64_t start, end;            /* UTC seconds */
	const char *ignore_owner_id;   /* a booking or hold whose own claims don't
	                                * count (rescheduling it, or converting
	                                * the hold into a booking); NULL: none */
};

/* avail_check_booking: 0 when b fits by the rules above, at now. Fills
 * *blocked_from and *blocked_until (either may be NULL) with the widened
 * range the booking must claim, whenever the room, service and staff
 * resolve, even when the answer is a conflict (for an admin's override).
 *
 * Fails with ERR_NOT_FOUND naming "room_id", "service_id" or "staff_ids";
 * ERR_INVALID for a malformed booking: end not after start, a duration that
 * is not a whole number of minutes or breaks the duration rule
 * ("duration_min"), a start off the quarter hour ("start_at"), an add-on as
 * the service, a room without the service's tags ("room_id"), no staff
 * member with the required skill when the service needs an engineer
 * ("staff_ids"); ERR_CONFLICT when the time is unavailable, with a message
 * saying why: inside the lead time, past the horizon, outside working hours,
 * a blackout ("start_at"), "Studio A is taken" ("start_at"), "Eli Engineer
 * is not free" or not working then ("staff_ids"). */
int avail_check_booking(const struct avail_data *d, const struct avail_booking *b, int64_t now,
    int64_t *blocked_from, int64_t *blocked_until, struct err *e);

/* avail_check_staff: 0 when each staff member b names can work b's
 * session by the rules: working then (their weekly hours, their time off
 * and the studio's closures); and, when the service needs an engineer, one
 * of them has its skill. Unlike avail_check_booking it asks nothing of the
 * room, the lead time or the horizon, nor whether the staff are on other
 * sessions (Postgres refuses that, override or not, and names the
 * booking): it is for staffing a booking that exists, where an admin may
 * set these rules aside. No staff: 0. Fails with ERR_NOT_FOUND
 * ("room_id", "service_id", "staff_ids"), ERR_INVALID "staff_ids" (nobody
 * has the skill) or ERR_CONFLICT "staff_ids" ("Eli Engineer is not working
 * then"). */
int avail_check_staff(const struct avail_data *d, const struct avail_booking *b, int64_t now,
    struct err *e);

/* avail_rules_open: whether the weekly rules open instant t for a session
 * in target (an index into d's rooms or staff; unused for the studio):
 * the target's own rules (a target without any is closed, as everywhere
 * in the engine) and, for a room or a staff member, the studio's too.
 * Exceptions and claims are not asked. The same test the engine builds
 * its windows with, across daylight-saving changes: the board draws open
 * and closed hours from it. Cannot fail. */
int avail_rules_open(const struct avail_data *d, enum avail_target type, size_t target, int64_t t);

/* avail_check: avail_check_booking without an ignored owner. */
int avail_check(const struct avail_data *d, const char *room_id, const char *service_id,
    const char *const *staff_ids, int64_t start, int64_t end, int64_t now,
    int64_t *blocked_from, int64_t *blocked_until, struct err *e);

/* avail_day_range: the UTC range [*from, *to) of claims and exceptions a
 * search of local day year-month-day needs loaded: a day before it (the
 * longest setup buffer) to two days after it (the longest session, then the
 * longest teardown). Fails with ERR_INVALID field "date" for a date that does
 * not exist. */
int avail_day_range(const struct tz *tz, int year, int month, int day, int64_t *from,
    int64_t *to, struct err *e);

/* ---- JSON (core/avail-json.c) ---- */

/* avail_data_from_json: parse the one document DB_AVAIL_JSON_SQL returns
 * (db/avail.h describes its shape) into *out, the caller's
 * (avail_data_free). tz is borrowed and must outlive *out; its name must
 * match the document's settings.timezone, else ERR_CONFIG (the studio
 * changed zone: load the new one). Rules, exceptions and claims that name a
 * room or staff member not in the document (inactive ones) are dropped.
 * Malformed JSON or a missing or mistyped field is ERR_INVALID naming it;
 * *out is then NULL. */
int avail_data_from_json(const char *json, const struct tz *tz, struct avail_data **out,
    struct err *e);

/* A claim taken or released, as a change notice tells it (the
 * room_claims and staff_claims of DB_AVAIL_JSON_SQL, one row). */
struct avail_claim_change {
	int add;                        /* 1: taken; 0: released */
	enum avail_target type;         /* AVAIL_ROOM or AVAIL_STAFF */
	char target_id[AVAIL_ID_SIZE];  /* the room's or staff member's id */
	char owner_id[AVAIL_ID_SIZE];   /* the booking's or hold's id */
	int hold;                       /* a hold's claim (rooms only) */
	int64_t start, end;             /* UTC seconds, the claim's stored range */
	int64_t expires_at;             /* a hold's expiry (UTC seconds) */
};

/* avail_data_apply: change d's claims by ch, as a load after the change
 * would have read them: 1 when d changed, 0 when ch is nothing to d (its
 * range misses [d->from, d->to), or its room or staff member is not in d:
 * inactive), -1 when it cannot be applied exactly (a claim taken that d
 * already holds, one released that d does not hold, a studio target): d
 * is then unchanged, and whoever keeps it should load it again. Only for
 * data made by avail_data_from_json (else aborts). Claims keep no order
 * the engine relies on. Cannot fail otherwise. */
int avail_data_apply(struct avail_data *d, const struct avail_claim_change *ch);

/* avail_data_free: free data made by avail_data_from_json. NULL is a no-op.
 * Data filled by hand is its maker's to free. */
void avail_data_free(struct avail_data *d);

/* Room for "2027-06-17T13:00:00-04:00" and its NUL. */
#define AVAIL_LOCAL_SIZE 26

/* avail_format_local: instant t as the wall clock in tz with its UTC offset,
 * "2027-06-17T13:00:00-04:00" (RFC 3339), into buf, NUL-terminated; len
 * should be AVAIL_LOCAL_SIZE (shorter truncates). The offset is whole
 * minutes: the seconds of an old local mean time are dropped. Cannot
 * fail. */
void avail_format_local(const struct tz *tz, int64_t t, char *buf, size_t len);

/* avail_slots_json: {"slots":[{"start_at","end_at","start_local",
 * "end_local","room_id","price_cents","staff_ids"}]} for n slots of d:
 * start_at and end_at are RFC 3339 UTC with 'Z'; start_local and end_local
 * are the same instants as the studio's wall clock in d->tz with its UTC
 * offset ("2027-06-17T13:00:00-04:00"; omitted when d->tz is NULL), so a
 * page can show them without a zone database. The string is the caller's
 * (free()). Cannot fail. */
char *avail_slots_json(const struct avail_data *d, const struct avail_slot *slots, size_t n);

#endif
