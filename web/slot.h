/* slot.h: what the hold and booking routes (web/route-holds.c,
 * web/route-bookings.c) share: reading instants and text out of a body,
 * checking a session against the cached availability, and answering with
 * the API's conflict vocabulary.
 *
 * The cache is a courtesy, Postgres the judge (ARCHITECTURE.md, "Rules in SQL, rules in C"):
 * the cached day may lag a change by the time a notice takes to arrive, so
 * slot_check refuses a session only for reasons that do not depend on
 * claims (hours, lead time, horizon, blackouts, durations, skills). When
 * the cache merely saw the time taken, the route still asks Postgres, whose
 * exclusion constraints answer; a cache that missed a cancellation then
 * never turns an artist away, and one that missed a booking never lets a
 * second one in.
 *
 * Loop thread only. */
#ifndef REDLIGHT_SLOT_H
#define REDLIGHT_SLOT_H

#include <json-c/json.h>
#include <stdint.h>

#include "core/avail.h"
#include "core/tz.h"
#include "web/http.h"

/* The longest notes, in characters. (A cancellation reason's limit is
 * booking_reason_max() in SQL, one definition for every caller.) */
#define SLOT_NOTES_MAX 2000

/* slot_now: the wall clock, UTC seconds. Cannot fail. */
int64_t slot_now(void);

/* slot_uuid_valid: 1 when s is a UUID in its canonical text form (36
 * characters, hex digits of any case and four '-'), else 0. Cannot fail. */
int slot_uuid_valid(const char *s);

/* slot_instant: the RFC 3339 field name of obj into *out (UTC seconds).
 * Fails with ERR_INVALID naming the field: "NAME is required", "NAME must
 * be a string", "NAME must be an RFC 3339 date-time ...". */
int slot_instant(struct json_object *obj, const char *name, int64_t *out, struct err *e);

/* slot_text: the optional free-text field name of obj into *out (borrowed
 * from obj; NULL when absent): at most max_chars characters, no control
 * characters but line feed, tab and the CR of a CRLF (a console shows it).
 * Fails with ERR_INVALID naming the field. */
int slot_text(struct json_object *obj, const char *name, size_t max_chars, const char **out,
    struct err *e);

/* slot_utc: utc as "YYYY-MM-DDTHH:MM:SSZ" in buf. Instants outside
 * tz.h's range give "". Cannot fail. */
void slot_utc(int64_t utc, char buf[TZ_RFC3339_SIZE]);

/* What a route asks of slot_check. */
struct slot_want {
	const char *room_id;
	const char *service_id;          /* NULL or "": the room-only service */
	const char *const *staff_ids;    /* NULL-terminated; NULL: none given, so
	                                  * slot_check picks one when the service
	                                  * needs an engineer */
	int64_t start, end;              /* UTC seconds */
	int64_t now;
	const char *ignore_owner_id;     /* a hold or booking whose claims don't count */
};

/* What slot_check found. */
struct slot_fit {
	int64_t blocked_from, blocked_until;  /* the widened range to claim */
	char staff_id[AVAIL_ID_SIZE];         /* the engineer picked, or "" */
	char room_name[AVAIL_NAME_SIZE];
	struct err taken;    /* code ERR_CONFLICT when the cache saw the time taken:
	                      * the words to use if Postgres agrees; else ERR_OK */
};

/* slot_check: whether w may go to Postgres, by d's rules (core/avail.h).
 * When no staff are given and the service needs an engineer, picks the
 * first staff member in data order who can take the session, or, when the
 * cache shows none free, the first one free of everything but claims.
 * Returns 0 and fills *fit; otherwise the engine's error: ERR_NOT_FOUND,
 * ERR_INVALID, or ERR_CONFLICT for a time that is closed whatever is
 * claimed (hours, lead time, horizon, blackouts, nobody working). */
int slot_check(const struct avail_data *d, const struct slot_want *w, struct slot_fit *fit,
    struct err *e);

/* slot_send_err: answer e through idem_send_*: ERR_CONFLICT as 409
 * slot_unavailable; an error with a reason (ERR_REASON_HOLD_EXPIRED as 409
 * hold_expired, ERR_REASON_DURATION as 400 invalid_duration) by
 * core/err.c's table; anything else as http_send_err would. */
void slot_send_err(h2o_req_t *req, const struct err *e);

/* slot_send_db_err: answer a failed write that slot_check let through:
 * an exclusion violation as 409 slot_unavailable, in fit's words (what the
 * cache saw, or the room's name) rather than the constraint's; anything
 * else as slot_send_err. */
void slot_send_db_err(h2o_req_t *req, const struct err *e, const struct slot_fit *fit);

/* slot_conflict_words: the words slot_send_db_err answers an exclusion
 * violation e with, into *out. Cannot fail. */
void slot_conflict_words(const struct err *e, const struct slot_fit *fit, struct err *out);

/* How often slot_write runs a statement that Postgres aborted to break a
 * deadlock or a serialization failure. */
#define SLOT_WRITE_TRIES 3

/* slot_write: http_write for a statement that changes claims. Two
 * transactions inserting overlapping claims at once can each wait for the
 * other's exclusion check; Postgres then aborts one (deadlock detected).
 * That one is run again (SLOT_WRITE_TRIES in all), so its artist hears the
 * real outcome, usually 409 slot_unavailable, not "try again". sql and
 * params are copied into req's pool. */
void slot_write(struct http_server *srv, h2o_req_t *req, const char *sql, int nparams,
    const char *const *params, http_query_cb cb, void *arg);

/* slot_random: len random bytes (libsodium) into buf. Cannot fail. */
void slot_random(void *buf, size_t len);

/* slot_send_json: answer status with obj through idem_send_json and drop
 * the caller's reference to obj. */
void slot_send_json(h2o_req_t *req, int status, struct json_object *obj);

/* slot_json_new: an empty JSON object, the caller's. Cannot fail (out of
 * memory aborts). */
struct json_object *slot_json_new(void);

/* slot_json_str / slot_json_int / slot_json_bool: add key to obj. Cannot
 * fail (out of memory aborts). */
void slot_json_str(struct json_object *obj, const char *key, const char *value);
void slot_json_int(struct json_object *obj, const char *key, int64_t value);
void slot_json_bool(struct json_object *obj, const char *key, int value);

#endif
