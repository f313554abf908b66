/* hold.h (db): placing, extending and releasing a hold, the one path the
 * artist (redlightd) and the studio (the console and `redlight hold`,
 * `hold-extend`, `hold-release`) share (ARCHITECTURE.md, "The one path a
 * change takes").
 *
 * Each transition is one SQL function of
 * db/functions/hold.sql (hold_place, hold_extend,
 * hold_release) taking who acts (enum db_actor_kind) and enforcing what
 * that actor may do (RL403): an artist places holds of the studio's hold
 * time and releases their own; staff place holds and extend or release
 * the ones they placed; an admin does anything and may set the rules
 * aside. The function writes the row, its audit_log row and its notice in
 * one statement, so one transaction. Each has here:
 *   - DB_HOLD_*_SQL: the statement, the same text for both transports;
 *   - a *_prepare function turning a typed struct into that statement's
 *     text parameters, which redlightd sends asynchronously;
 *   - a synchronous entry point (struct db) for the console, the CLI and
 *     the tests: a request struct in, a result struct and struct err out.
 *
 * How long a studio hold may last or be extended by is defined once, in
 * SQL (admin_hold_max_min(), 0004); db_hold_max_min asks it.
 *
 * Errors: ERR_INVALID naming the field ("start", "duration", "room",
 * "expires", "minutes", "reason"), ERR_NOT_FOUND ("hold_id", "room"),
 * ERR_FORBIDDEN for an actor without the right, ERR_CHANGED (reason
 * ERR_REASON_HOLD_EXPIRED when it expired) for a hold no longer active,
 * ERR_CONFLICT (field "start_at" naming who has the time, or
 * DB_ADMIN_OVERRIDE when the rules refuse and an admin could set them
 * aside), ERR_DB. A function that fails has written nothing. */
#ifndef REDLIGHT_DB_HOLD_H
#define REDLIGHT_DB_HOLD_H

#include <stdint.h>

#include "core/err.h"
#include "core/tz.h"
#include "db/booking.h"
#include "db/db.h"

/* ---- statements, for both transports ---- */

/* $1 actor, $2 kind, $3 room, $4 start, $5 end, $6 blocked from, $7
 * blocked until, $8 token, $9 ttl minutes or NULL, $10 override reason or
 * NULL, $11 the rule set aside: one row (hold_id, expires_at as epoch
 * seconds, expires_at as RFC 3339). */
extern const char DB_HOLD_PLACE_SQL[];
#define DB_HOLD_PLACE_NPARAMS 11

/* What DB_HOLD_PLACE_SQL is sent, once the rules were weighed. */
struct db_hold_place {
	const char *actor_id;
	enum db_actor_kind kind;
	const char *room_id;
	int64_t start, end;
	int64_t blocked_from, blocked_until; /* 0: start / end */
	int ttl_min;                  /* 0: the studio's hold_ttl_min */
	const char *override_reason;  /* NULL unless an admin sets the rules aside */
	const char *rule;             /* what they said, with override_reason */
};

struct db_hold_place_params {
	struct db_range_text at;
	char ttl[16], token[2 * 32 + 1];
	const char *params[DB_HOLD_PLACE_NPARAMS];
};

/* db_hold_place_prepare: the parameters of DB_HOLD_PLACE_SQL for h into
 * *p, with a fresh random token. ERR_INVALID for instants out of range. */
int db_hold_place_prepare(const struct db_hold_place *h, struct db_hold_place_params *p,
    struct err *e);

/* $1 hold, $2 actor, $3 kind: one row, "released". */
extern const char DB_HOLD_RELEASE_SQL[];
#define DB_HOLD_RELEASE_NPARAMS 3
/* $1 hold, $2 actor, $3 kind, $4 minutes: one row, the new expiry as
 * epoch seconds (rounded up). */
extern const char DB_HOLD_EXTEND_SQL[];
#define DB_HOLD_EXTEND_NPARAMS 4

/* Who acts on which hold: hold-extend and hold-release. */
struct db_hold_change {
	const char *hold_id;          /* a full id */
	const char *actor_id;         /* NULL for the system */
	enum db_actor_kind kind;
	int minutes;                  /* extend: how much longer */
};

struct db_hold_change_params {
	char minutes[16];
	const char *params[DB_HOLD_EXTEND_NPARAMS];
};

/* db_hold_change_prepare: the parameters of DB_HOLD_RELEASE_SQL (the
 * first three) and DB_HOLD_EXTEND_SQL (all four) for c into *p (pointers
 * into *p and c). Cannot fail. */
void db_hold_change_prepare(const struct db_hold_change *c, struct db_hold_change_params *p);

/* ---- the synchronous entry points ---- */

/* One hold, as the entry points answer and db_hold_find reads it. */
struct db_hold {
	char id[37];
	char room_id[37];
	char room_name[128];
	char status[16];              /* active, expired, released, converted */
	int64_t start, end, expires_at; /* UTC seconds */
	char overridden[160];         /* db_hold_place: the rule set aside, or "" */
};

/* Placing a hold. */
struct db_hold_place_req {
	const char *actor_id;
	enum db_actor_kind kind;
	const char *room_id;
	int64_t start, end;           /* UTC seconds */
	int ttl_min;                  /* 0: the studio's hold_ttl_min */
	const char *override_reason;  /* NULL, or why an admin sets the rules aside */
};

/* db_hold_place: hold a room for [start, end) for in->kind, first
 * weighing the rules (the room-only service's hours and buffers, as
 * avail_check) at now. When the rules refuse: ERR_CONFLICT field
 * DB_ADMIN_OVERRIDE, unless override_reason is given; an overriding hold
 * claims the bare session, without buffers. ERR_CONFLICT field "start_at"
 * when the room is claimed (Postgres), naming the claim. *out receives
 * the new hold. */
int db_hold_place(struct db *db, const struct tz *tz, const struct db_hold_place_req *in,
    int64_t now, struct db_hold *out, struct err *e);

/* db_hold_extend: push the active hold c->hold_id's expiry c->minutes
 * further (ERR_INVALID field "minutes" out of db_hold_max_min's range);
 * db_hold_release: let it go now. out (may be NULL) receives the hold's
 * id, its status after and, extended, its new expiry. */
int db_hold_extend(struct db *db, const struct db_hold_change *c, struct db_hold *out,
    struct err *e);
int db_hold_release(struct db *db, const struct db_hold_change *c, struct db_hold *out,
    struct err *e);

/* ---- reads ---- */

/* db_hold_find: the hold whose id is id or starts with it (at least 4
 * characters) into *out, whatever its status (an active hold past its
 * expiry reads "expired"). ERR_NOT_FOUND (field "hold_id"), or
 * ERR_INVALID when a prefix matches several. */
int db_hold_find(struct db *db, const char *id, struct db_hold *out, struct err *e);

/* db_hold_max_min: the longest a studio hold may last or be extended by,
 * in minutes: admin_hold_max_min() (0004), the one definition the CLI and
 * the console ask before reading a number of minutes. */
int db_hold_max_min(struct db *db, int *out, struct err *e);

#endif
