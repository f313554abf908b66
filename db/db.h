/* db.h: the PostgreSQL layer. Every mutation lives in db/, once, as one
 * transaction (ARCHITECTURE.md, "The one path a change takes").
 *
 * Synchronous callers (the console, `redlight COMMAND`, tests) use struct db.
 * redlightd sends the same SQL asynchronously: each read exposes its SQL text
 * as a DB_*_SQL constant so both transports run one query. Reads that feed
 * the API return JSON built by Postgres, the one place JSON rows are shaped. */
#ifndef REDLIGHT_DB_H
#define REDLIGHT_DB_H

#include <libpq-fe.h>
#include <stdint.h>

#include "core/err.h"

struct db;

/* db_open: connect. conninfo may be NULL or "" to use libpq's environment
 * (PGHOST, PGDATABASE, ...). On success *out is the caller's (db_close).
 * Fails with ERR_DB and a one-line message naming the server. */
int db_open(const char *conninfo, struct db **out, struct err *e);

/* db_close: disconnect and free. NULL is a no-op. */
void db_close(struct db *db);

/* db_conn: the borrowed PGconn, for LISTEN and for code in db/. */
PGconn *db_conn(struct db *db);

/* db_result_err: map a failed PGresult to an error: exclusion violations
 * (23P01) become ERR_CONFLICT naming the room or staff member, check and
 * unique violations ERR_INVALID, our functions' class RL by its SQLSTATE
 * (RL409 on hold_id with ERR_REASON_HOLD_EXPIRED), anything else ERR_DB.
 * Returns the code. */
int db_result_err(const PGresult *res, struct err *e);

/* db_exec: run sql with text params in the current transaction (or
 * autocommit). Returns 0 and, when res is non-NULL, the caller's result;
 * a failed command returns the mapped error and no result. */
int db_exec(struct db *db, const char *sql, int nparams, const char *const *params,
    PGresult **res, struct err *e);

/* db_exec_stmt: db_exec through a statement prepared once per connection
 * under name (a string that lives as long as the program: a literal),
 * planned once, not at every call. Same results and errors as db_exec; a
 * connection that already holds 16 such statements runs the rest as
 * db_exec does. For statements a long-lived connection repeats (the job
 * worker's, once per job or message). */
int db_exec_stmt(struct db *db, const char *name, const char *sql, int nparams,
    const char *const *params, PGresult **res, struct err *e);

/* db_begin / db_commit / db_rollback: one transaction. db_rollback cannot
 * fail (it reports nothing). */
int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);

/* db_int64: the integer at (row, col) of res, 0 when NULL. Cannot fail. */
int64_t db_int64(const PGresult *res, int row, int col);

/* db_blank: 1 when s is NULL or holds only blanks. Cannot fail. */
int db_blank(const char *s);

/* db_ping: 0 when the server answers "SELECT 1". */
int db_ping(struct db *db, struct err *e);

/* ---- migrations (db/migrate.c) ---- */

/* db_migrate: apply, in order, every embedded migration not yet recorded in
 * schema_migration, each in its own transaction with its record. Safe to run
 * twice and from two processes at once (an advisory lock serialises them).
 * *applied (may be NULL) is how many ran now. */
int db_migrate(struct db *db, int *applied, struct err *e);

/* db_migrate also records each migration's checksum (SHA-256 of its text)
 * in schema_migration and first compares every landed migration with its
 * own: a changed one fails with ERR_CHANGED naming it, before anything
 * runs. Migrations that landed before checksums get theirs recorded on
 * the first run (trust on first sight) and are checked from then on. */

/* db_migrate_counted: db_migrate, then the function families
 * (the files of db/functions/, embedded as db_families): each whose text is new or
 * differs from the checksum recorded in schema_function_family is run, in
 * file-name order, in one transaction with its new record. A family that
 * fails is ERR_DB naming it with PostgreSQL's message; nothing of it stays.
 * *families (may be NULL) is how many were applied now. */
int db_migrate_counted(struct db *db, int *applied, int *families, struct err *e);

/* db_families_apply: that second step alone, with the families given (a
 * NULL-named entry ends them): tests pass an altered copy. */
struct db_embedded;
int db_families_apply(struct db *db, const struct db_embedded *families, int *applied,
    struct err *e);

/* db_migrations_verify: the same comparison without changing anything
 * (for redlightd's start): 0 when every landed migration that has a
 * checksum matches its embedded text, else ERR_CHANGED naming the first
 * that does not, or the database's error. */
int db_migrations_verify(struct db *db, struct err *e);

/* db_schema_version: the highest applied migration number, 0 when none. */
int db_schema_version(struct db *db, int *version, struct err *e);

/* ---- demo data (db/seed.c) ---- */

/* db_seed_demo: load the demo studio when the database has no rooms.
 * *seeded (may be NULL) is 1 when it loaded, 0 when data already existed. */
int db_seed_demo(struct db *db, int *seeded, struct err *e);

/* ---- accounts (db/user.c) ---- */

struct db_actor {
	char id[37];          /* app_user.id */
	char email[256];
	char name[128];
	char role[16];        /* artist, staff, admin */
	char staff_id[37];    /* staff.id, or "" when not staff */
};

/* db_login: check email and password (argon2id). Wrong email and wrong
 * password give the same ERR_AUTH message. Fills *actor on success. */
int db_login(struct db *db, const char *email, const char *password,
    struct db_actor *actor, struct err *e);

/* db_password_hash: argon2id hash of password into out (crypto_pwhash_STRBYTES,
 * 128 bytes, is enough). Fails with ERR_INTERNAL only when out of memory. */
int db_password_hash(const char *password, char *out, size_t outlen, struct err *e);

/* ---- reads that feed the API and the console (db/catalog.c) ---- */

/* {"rooms":[{id,name,description,capacity,tags,equipment,color}]} of active rooms, by name */
extern const char DB_ROOMS_JSON_SQL[];
/* {"services":[{id,name,description,default_duration_min,base_price_cents,
 *  requires_engineer,room_tags,staff_skill_required,is_addon}]} of active services */
extern const char DB_SERVICES_JSON_SQL[];
/* {"settings":{studio_name,timezone,...}} */
extern const char DB_SETTINGS_JSON_SQL[];

/* db_result_json: the JSON answer of one of those reads' results (a
 * failed result: db_result_err's); *json is the caller's (free()). */
int db_result_json(const PGresult *res, char **json, struct err *e);

/* db_query_json: run one of the DB_*_JSON_SQL reads; *json is the caller's
 * (free()). */
int db_query_json(struct db *db, const char *sql, int nparams,
    const char *const *params, char **json, struct err *e);

/* ---- bookings (db/booking.c) ---- */

/* One line of a booking to price from the catalogue. */
struct db_booking_item {
	const char *service_id;
	int quantity;
};

struct db_booking_new {
	const char *user_id;     /* may be NULL for an admin booking */
	const char *room_id;
	const char *start_at;    /* RFC 3339 instants */
	const char *end_at;
	const char *blocked_from; /* start widened by buffers; NULL = start_at */
	const char *blocked_until; /* end widened by buffers; NULL = end_at */
	const char *source;      /* "web" or "admin" */
	const char *notes;       /* may be NULL */
	const char *const *staff_ids; /* NULL-terminated, may be NULL */
	const struct db_booking_item *items; /* priced now, from the catalogue */
	size_t nitems;
};

/* db_booking_insert: submit a booking through the path redlightd takes
 * (booking_submit, db/booking.h): its lines priced from the catalogue and
 * quoted by core/quote.c at the studio's rates now, stored with it; under
 * approval_mode = auto it is confirmed at once. A room or staff member
 * already claimed returns ERR_CONFLICT ("room ... is already booked ...").
 * id and code (37 and 16 bytes at least) receive the new booking's. */
int db_booking_insert(struct db *db, const struct db_booking_new *b,
    char id[37], char code[16], struct err *e);

/* ---- an artist's bookings, read (db/booking-read.c) ----
 * The JSON shape of one booking is booking_json() in
 * db/functions/booking.sql: {id, code, status, room:{id,name},
 * start_at, end_at, notes, source, services:[{service_id, name, is_addon,
 * quantity, unit_price_cents, total_cents}], staff:[{id, name, role}],
 * totals:{subtotal_cents, fees_cents, taxes_cents, total_cents,
 * deposit_cents, currency}, quote:{the totals, tax_rate_bp,
 * deposit_percent, quoted_at, backfilled, policy:{cancellation_tiers,
 * reschedule_free_min_hours, reschedule_free_count, reschedule_fee_cents,
 * summary}}, paid_cents, payments:[...], reschedule_count, created_at,
 * updated_at}. Every amount is the quote stored at submission. */

/* $1 uuid or NULL, $2 code or NULL, $3 the reader's user id, $4 boolean
 * "the reader is staff": one row holding the booking's JSON when it
 * exists and the reader owns it or is staff (with "receipt": its payments
 * and refunds as stored); no row otherwise. */
extern const char DB_BOOKING_JSON_SQL[];
/* $1 user id: {"upcoming":[booking...], "past":[booking...]}: upcoming
 * sessions (not yet ended) soonest first, past ones newest first (the
 * last DB_MY_BOOKINGS_PAST_MAX), each with "payment_status": its due-now
 * payment's status, or null without one. */
extern const char DB_MY_BOOKINGS_JSON_SQL[];
#define DB_MY_BOOKINGS_PAST_MAX 100
/* $1 uuid or NULL, $2 code or NULL, $3 owner's user id: what a cancel or
 * reschedule weighs, as plain columns, no row when there is no such
 * booking of that owner: id, status, start_at and end_at (epoch seconds),
 * room_id, main service id ("" when none), staff ids as a comma-separated
 * list ("" when none), reschedule_count, paid_cents, and the policy the
 * booking stored with its quote (booking_quote_json's "policy", JSON
 * text, for policy_from_json). */
extern const char DB_BOOKING_CHANGE_SQL[];

#endif
