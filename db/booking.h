/* booking.h (db): the one path of each booking and hold transition that
 * the artist (redlightd) and the studio (the console and `redlight
 * COMMAND`) share (ARCHITECTURE.md, "The one path a change takes").
 *
 * Each transition is one SQL function of
 * db/functions/booking.sql taking who acts (enum
 * db_actor_kind) and enforcing what that actor may do, with its audit row,
 * its jobs (from core/bstate.c's table) and its notice. Each has here:
 *   - DB_*_SQL: the statement, the same text for both transports;
 *   - a typed struct in and a *_prepare function turning it into that
 *     statement's text parameters (validating what C can, filling the
 *     effects from core's state table), which redlightd sends
 *     asynchronously;
 *   - a synchronous entry point (struct db) for the console, the CLI and
 *     the tests, which is prepare plus one call.
 * So the artist and the staff run the same function with the same effects;
 * only p_kind differs.
 *
 * Errors: as db/admin.h describes (ERR_INVALID naming the field,
 * ERR_NOT_FOUND, ERR_FORBIDDEN, ERR_CHANGED, ERR_CONFLICT, ERR_DB). */
#ifndef REDLIGHT_DB_BOOKING_H
#define REDLIGHT_DB_BOOKING_H

#include <stddef.h>
#include <stdint.h>

#include "core/bstate.h"
#include "core/err.h"
#include "core/policy.h"
#include "core/pricing.h"
#include "core/settings.h"
#include "core/tz.h"
#include "db/db.h"

/* Who acts on a transition. */
enum db_actor_kind {
	DB_ACTOR_ARTIST,      /* the booking's or hold's own artist */
	DB_ACTOR_STAFF,
	DB_ACTOR_ADMIN,
	DB_ACTOR_SYSTEM,      /* the studio's own rules; no user */
};

/* db_actor_kind_name: "artist", "staff", "admin", "system" (the p_kind
 * SQL reads). A static string. Cannot fail. */
const char *db_actor_kind_name(enum db_actor_kind k);

/* db_actor_kind_of: the kind a studio login acts as: its role "admin" or
 * "staff"; anything else acts as an artist. Cannot fail. */
enum db_actor_kind db_actor_kind_of(const struct db_actor *a);

/* Room for the effects of one transition as a text[] literal. */
#define DB_EFFECTS_SIZE 160

/* db_booking_effects: the jobs of ev from status from, by core's state
 * table, as a text[] literal ("{capture_payment,email_approved}") in buf
 * (DB_EFFECTS_SIZE). ERR_CHANGED when the table allows no such move,
 * ERR_INTERNAL for an unknown status. */
int db_booking_effects(const char *from, enum booking_event ev, char *buf, size_t len,
    struct err *e);

/* A session and the range it claims, as the statements' RFC 3339 text. */
struct db_range_text {
	char start[TZ_RFC3339_SIZE], end[TZ_RFC3339_SIZE];
	char from[TZ_RFC3339_SIZE], until[TZ_RFC3339_SIZE];
};

/* db_range_format: start, end and the range they claim (from and until;
 * 0: the session's own bounds) as text into *t. ERR_INVALID (field
 * "start_at" or "end_at") for an instant out of range. */
int db_range_format(int64_t start, int64_t end, int64_t from, int64_t until,
    struct db_range_text *t, struct err *e);

/* ---- submit ---- */

/* $1 user, $2 hold, $3 room, $4 start, $5 end, $6 blocked from, $7 blocked
 * until, $8 notes, $9 staff uuid[], $10 items jsonb, $11 quote jsonb, $12
 * code, $13 source, $14 approve effects: one row (booking_id, code,
 * status); status is "confirmed" under approval_mode = auto. */
extern const char DB_BOOKING_SUBMIT_SQL[];
#define DB_BOOKING_SUBMIT_NPARAMS 14

/* A booking to submit, with the quote core/quote.c computed for it. */
struct db_submit {
	const char *user_id;          /* the artist, or NULL for a studio booking */
	const char *hold_id;          /* the artist's hold it becomes, or NULL */
	const char *room_id;
	int64_t start, end;           /* UTC seconds */
	int64_t blocked_from, blocked_until; /* widened by buffers (0: start / end) */
	const char *notes;            /* may be NULL */
	const char *const *staff_ids; /* NULL-terminated, may be NULL */
	const struct quote_line *lines;
	size_t nlines;
	const struct quote *quote;
	const struct studio_settings *settings; /* the rates, currency and policy quoted */
	const char *source;           /* "web" or "admin" */
};

struct db_submit_params {
	struct db_range_text at;
	char staff[8 * 40 + 4];
	char items[PRICING_MAX_LINES * 320];
	char quote[2048];
	char effects[DB_EFFECTS_SIZE];
	char code[16];
	const char *params[DB_BOOKING_SUBMIT_NPARAMS];
};

/* db_submit_prepare: the parameters of DB_BOOKING_SUBMIT_SQL for s into
 * *p (pointers into *p and s), with a fresh random booking code (drawn
 * again by calling it again). ERR_INVALID naming the field for what does
 * not fit. */
int db_submit_prepare(const struct db_submit *s, struct db_submit_params *p, struct err *e);

/* ---- cancel ---- */

/* $1 booking, $2 actor, $3 kind, $4 reason, $5 seen status, $6 refund
 * percent, $7 refund cents, $8 effects: one row, the new status. */
extern const char DB_BOOKING_CANCEL_SQL[];
#define DB_BOOKING_CANCEL_NPARAMS 8

struct db_cancel {
	const char *booking_id;
	const char *actor_id;         /* NULL for the system */
	enum db_actor_kind kind;
	const char *reason;           /* required but for an artist */
	const char *seen_status;      /* the status the refund was weighed for */
	const struct policy_result *refund; /* by the booking's stored policy */
};

struct db_cancel_params {
	char pct[16], cents[32], effects[DB_EFFECTS_SIZE];
	const char *params[DB_BOOKING_CANCEL_NPARAMS];
};

/* db_cancel_prepare: the parameters of DB_BOOKING_CANCEL_SQL for c into *p
 * (pointers into *p and c), the effects from core's table for cancel from
 * c->seen_status. ERR_CHANGED when that status cannot be canceled. */
int db_cancel_prepare(const struct db_cancel *c, struct db_cancel_params *p, struct err *e);

/* What db_booking_cancel is asked. */
struct db_cancel_req {
	const char *code;             /* the booking's code (case ignored) */
	const char *actor_id;         /* NULL for the system */
	enum db_actor_kind kind;
	const char *reason;           /* required but for an artist */
	int dry_run;                  /* weigh only, change nothing */
};
struct db_cancel_result;          /* db/admin.h: the booking before, the refund */

/* db_booking_cancel: the one cancel for the console, the CLI and the
 * tests (redlightd sends the same statement, built by db_cancel_prepare,
 * on its loop): weigh the refund by the policy the booking stored with its
 * quote at now (db_admin_cancel_preview: ERR_CHANGED when it is not live
 * or has started), then cancel as in->kind, guarded on the status weighed;
 * booking_cancel enforces who may (an artist their own, staff the
 * bookings they are assigned to, an admin any). Jobs: core's table for
 * cancel (void_or_refund with the refund, email_canceled, and
 * calendar_remove for a confirmed booking). in->reason is required but
 * for an artist (ERR_INVALID field "reason"); its longest is
 * booking_reason_max() (0012). out (may be NULL) receives what was (or,
 * dry, would be) applied. */
int db_booking_cancel(struct db *db, const struct db_cancel_req *in, int64_t now,
    struct db_cancel_result *out, struct err *e);

/* ---- reschedule ---- */

/* $1 booking, $2 actor, $3 kind, $4 seen status, $5 new start, $6 new
 * end, $7 blocked from, $8 blocked until, $9 fee cents, $10 effects: one
 * row (status, start_at, end_at as RFC 3339). booking_move (0013). */
extern const char DB_BOOKING_RESCHEDULE_SQL[];
#define DB_BOOKING_RESCHEDULE_NPARAMS 10

struct db_reschedule {
	const char *booking_id;
	const char *actor_id;         /* NULL for the system */
	enum db_actor_kind kind;
	const char *seen_status;      /* the status the move was weighed for */
	int64_t start, end;           /* the new session, UTC seconds */
	int64_t blocked_from, blocked_until; /* widened by buffers (0: start / end) */
	int64_t fee_cents;            /* the artist's policy fee; 0 for the studio */
};

struct db_reschedule_params {
	struct db_range_text at;
	char fee[32], effects[DB_EFFECTS_SIZE];
	const char *params[DB_BOOKING_RESCHEDULE_NPARAMS];
};

/* db_reschedule_prepare: the parameters of DB_BOOKING_RESCHEDULE_SQL for r
 * into *p (pointers into *p and r), the effects from core's table for
 * reschedule from r->seen_status. ERR_CHANGED when that status cannot
 * move; ERR_INVALID for instants out of range. */
int db_reschedule_prepare(const struct db_reschedule *r, struct db_reschedule_params *p,
    struct err *e);

/* db_reschedule_weigh: the fee of moving a booking in status status,
 * starting at start, rescheduled count times under policy, at now, for
 * kind: the artist pays what the policy asks (policy_reschedule: ERR_CHANGED
 * once it started, ERR_INVALID past the free allowance's rules); the
 * studio (staff, admin, system) pays nothing and is held to no allowance,
 * only to a session that has not started. *out is the fee and its words.
 * The web and db_booking_reschedule weigh through this one function. */
int db_reschedule_weigh(enum db_actor_kind kind, const struct policy *policy, int64_t now,
    int64_t start, int count, struct policy_result *out, struct err *e);

/* What db_booking_reschedule is asked. */
struct db_reschedule_req {
	const char *code;             /* the booking's code (case ignored) */
	const char *actor_id;
	enum db_actor_kind kind;
	int64_t start;                /* the new start; the session keeps its length */
	int dry_run;                  /* weigh and check, change nothing */
};

/* What it did (or, dry, would do). */
struct db_reschedule_result {
	char id[37], code[32], status[24];
	int64_t old_start, old_end, start, end;
	struct policy_result fee;
	char span[96];                /* for the caller's words; db/ leaves it "" */
};

/* db_booking_reschedule: the one reschedule for the console and the CLI
 * (redlightd sends the same statement, built by db_reschedule_prepare, on
 * its loop): find the booking, keep its length, weigh the fee
 * (db_reschedule_weigh), check the new time against the rules with its
 * staff (db_admin_booking_fit; ERR_CONFLICT naming why), then move it as
 * in->kind, whose rights booking_move enforces (an artist their own, staff
 * the bookings they are assigned to, an admin any). ERR_INVALID (field
 * "start") when the new time is the old one. out may be NULL. */
int db_booking_reschedule(struct db *db, const struct tz *tz, const struct db_reschedule_req *in,
    int64_t now, struct db_reschedule_result *out, struct err *e);

/* ---- the studio's decisions (db/booking-studio.c) ----
 * Approving and rejecting a submitted booking, and who staffs one. Each
 * is one SQL function (0004, 0012: booking_approve, booking_reject,
 * booking_assign_staff, booking_swap_staff) called in one statement that
 * first checks, with actor_role (0012), that the actor may act as kind;
 * the function then enforces what that kind may do (only an admin
 * decides and staffs: RL403, ERR_FORBIDDEN) and writes the row, its audit
 * row, core's jobs and the notice. The rules (does it still fit, can the
 * staff work it) are weighed first, in C, by core's engine. Errors as
 * db/admin.h describes; a failure has written nothing. */

/* Approving or rejecting one booking. */
struct db_decide_req {
	const char *code;             /* the booking's code (case ignored) */
	const char *actor_id;
	enum db_actor_kind kind;
	const char *note;             /* internal; NULL or "" for none */
	const char *message;          /* to the artist; required to reject */
	const char *override_reason;  /* approve: NULL, or why an admin sets
	                               * the rules aside when they refuse */
};

/* What a decision (or a staffing) did. */
struct db_decide_result {
	char id[37];
	char code[32];
	char status[24];              /* the booking's status after */
	char overridden[160];         /* the rule set aside, or "" */
};

/* db_booking_approve: confirm the awaiting booking in->code, first
 * checking it still fits at now (db_admin_booking_check). When it does
 * not and in->override_reason is NULL: ERR_CONFLICT field
 * DB_ADMIN_OVERRIDE ("RL-X no longer fits: ..."). With a reason the rules
 * are set aside and the audit row records both; a reason given when
 * nothing needed overriding is not recorded. Jobs: core's table for
 * approve (capture_payment, email_approved, calendar_sync). out may be
 * NULL. */
int db_booking_approve(struct db *db, const struct tz *tz, const struct db_decide_req *in,
    int64_t now, struct db_decide_result *out, struct err *e);

/* db_booking_reject: reject the awaiting booking in->code. in->message is
 * required (ERR_INVALID field "message", checked before anything is
 * read). Jobs: core's table for reject (void_or_refund, email_rejected);
 * the room and staff are free again at once. out may be NULL. */
int db_booking_reject(struct db *db, const struct db_decide_req *in, struct db_decide_result *out,
    struct err *e);

/* Who staffs one booking. */
struct db_staff_req {
	const char *code;
	const char *actor_id;
	enum db_actor_kind kind;
	const char *const *staff_ids; /* n of them; may be 0: nobody */
	size_t n;
	const char *override_reason;  /* as for approval */
};

/* db_booking_assign_staff: make in's staff the staff of booking in->code,
 * first checking, for an admin, that they can work it at now
 * (avail_check_staff: their weekly hours, time off, buffers and the
 * service's skill). When they cannot and in->override_reason is NULL:
 * ERR_CONFLICT field DB_ADMIN_OVERRIDE ("RL-X: Eli Engineer is not
 * working then"); with a reason the rules are set aside and the audit row
 * records both. Postgres refuses, override or not, a staff member already
 * on an overlapping live booking: ERR_CONFLICT (field "staff_ids", naming
 * who is busy and with which booking). out may be NULL. */
int db_booking_assign_staff(struct db *db, const struct tz *tz, const struct db_staff_req *in,
    int64_t now, struct db_decide_result *out, struct err *e);

/* Two staff members trading bookings. */
struct db_swap_req {
	const char *code_a, *staff_a; /* staff_a leaves code_a for code_b */
	const char *code_b, *staff_b; /* and staff_b goes the other way */
	const char *actor_id;
	enum db_actor_kind kind;
};

struct db_swap_result {
	char code_a[32], code_b[32];
};

/* db_booking_swap_staff: the swap, in one transaction. Errors as above.
 * out may be NULL. */
int db_booking_swap_staff(struct db *db, const struct db_swap_req *in, struct db_swap_result *out,
    struct err *e);

#endif
