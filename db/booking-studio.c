/* booking-studio.c: the studio's decisions on a booking: approve, reject,
 * assign and swap staff (db/booking.h). */
#include <stdio.h>
#include <string.h>

#include "core/bstate.h"
#include "db/admin.h"
#include "db/booking.h"

/* Each statement first asks actor_role (0012) whether $ACTOR may act as
 * $KIND; CASE evaluates that before the transition, which then enforces
 * what the kind may do. */
#define DB_AS(actor, kind, call) \
    "SELECT CASE WHEN actor_role(" actor "::uuid, " kind ") IS NULL THEN NULL ELSE " call " END"

/* db_studio_rules_refuse: whether an error from the engine is the rules
 * saying no (which an admin may override) rather than a failure. */
static int
db_studio_rules_refuse(int rc)
{
	return rc == ERR_CONFLICT || rc == ERR_INVALID || rc == ERR_NOT_FOUND;
}

static void
db_studio_fill(struct db_decide_result *out, const struct db_admin_booking *b, const char *status,
    const char *overridden)
{
	if (out == NULL)
		return;
	snprintf(out->id, sizeof(out->id), "%s", b->id);
	snprintf(out->code, sizeof(out->code), "%s", b->code);
	snprintf(out->status, sizeof(out->status), "%s", status);
	snprintf(out->overridden, sizeof(out->overridden), "%s", overridden);
}

/* db_studio_weigh: what an admin's override sets aside when check (the
 * engine's answer rc, why) refuses: 0 with rule filled ("" when nothing
 * refused); ERR_CONFLICT field DB_ADMIN_OVERRIDE when it refused and no
 * reason was given (the message is prefix, then why); the engine's own
 * error when it failed. */
static int
db_studio_weigh(int rc, const struct err *why, const char *override_reason, const char *prefix,
    char *rule, size_t len, struct err *e)
{
	rule[0] = '\0';
	if (rc == 0)
		return 0;
	if (!db_studio_rules_refuse(rc)) {
		if (e)
			*e = *why;
		return rc;
	}
	if (override_reason == NULL)
		return err_set(e, ERR_CONFLICT, DB_ADMIN_OVERRIDE, "%s%s", prefix, why->msg);
	snprintf(rule, len, "%s", why->msg);
	return 0;
}

/* ---- approve and reject ---- */

int
db_booking_approve(struct db *db, const struct tz *tz, const struct db_decide_req *in,
    int64_t now, struct db_decide_result *out, struct err *e)
{
	struct db_admin_booking b;
	struct err why;
	char effects[DB_EFFECTS_SIZE], rule[160] = "", prefix[64];
	PGresult *res;
	int rc;

	if (in->override_reason != NULL && db_blank(in->override_reason))
		return err_set(e, ERR_INVALID, "reason", "an override needs a reason");
	if ((rc = db_admin_booking_find(db, in->code, &b, e)) != 0)
		return rc;
	/* a booking someone else moved on gets its story from the database */
	if (strcmp(b.status, "awaiting_approval") == 0) {
		err_clear(&why);
		snprintf(prefix, sizeof(prefix), "%s no longer fits: ", b.code);
		rc = db_admin_booking_check(db, tz, &b, now, &why);
		if ((rc = db_studio_weigh(rc, &why, in->override_reason, prefix, rule, sizeof(rule), e)) != 0)
			return rc;
	}
	if ((rc = db_booking_effects("awaiting_approval", BOOKING_EV_APPROVE, effects, sizeof(effects), e)) != 0)
		return rc;
	const char *params[8] = {
		b.id, in->actor_id, in->note, in->message, effects,
		rule[0] ? in->override_reason : NULL, rule[0] ? rule : NULL, db_actor_kind_name(in->kind),
	};
	rc = db_exec(db, DB_AS("$2", "$8", "booking_approve($1, $2, $3, $4, $5::text[],"
	    " CASE WHEN $6::text IS NULL THEN NULL"
	    " ELSE jsonb_build_object('reason', $6::text, 'rule', $7::text) END)"),
	    8, params, &res, e);
	if (rc != 0)
		return rc;
	db_studio_fill(out, &b, PQgetvalue(res, 0, 0), rule);
	PQclear(res);
	return 0;
}

int
db_booking_reject(struct db *db, const struct db_decide_req *in, struct db_decide_result *out,
    struct err *e)
{
	struct db_admin_booking b;
	char effects[DB_EFFECTS_SIZE];
	PGresult *res;
	int rc;

	if (db_blank(in->message))
		return err_set(e, ERR_INVALID, "message", "a rejection needs a message to the artist");
	if ((rc = db_admin_booking_find(db, in->code, &b, e)) != 0)
		return rc;
	if ((rc = db_booking_effects("awaiting_approval", BOOKING_EV_REJECT, effects, sizeof(effects), e)) != 0)
		return rc;
	const char *params[6] = {
		b.id, in->actor_id, in->note, in->message, effects, db_actor_kind_name(in->kind),
	};
	rc = db_exec(db, DB_AS("$2", "$6", "booking_reject($1, $2, $3, $4, $5::text[])"), 6, params,
	    &res, e);
	if (rc != 0)
		return rc;
	db_studio_fill(out, &b, PQgetvalue(res, 0, 0), "");
	PQclear(res);
	return 0;
}

/* ---- staff ---- */

/* db_studio_explain_staff: after booking_staff refused one of staff (a
 * uuid[] literal) on booking_id, name who is busy and where, leaving out
 * the booking other (a swap's second booking, or booking_id). Returns 1
 * when it found them, else 0 with a plainer message; e gets ERR_CONFLICT
 * either way. */
static int
db_studio_explain_staff(struct db *db, const char *booking_id, const char *other,
    const char *staff, struct err *e)
{
	const char *params[3] = { booking_id, staff, other };
	PGresult *res;

	if (db_exec(db, "SELECT s.display_name, b.code FROM booking_staff bs"
	    " JOIN staff s ON s.id = bs.staff_id JOIN booking b ON b.id = bs.booking_id"
	    " WHERE bs.live AND bs.staff_id = ANY ($2::uuid[]) AND bs.booking_id <> $1"
	    " AND bs.booking_id <> $3 AND bs.during && (SELECT blocked FROM booking WHERE id = $1)"
	    " ORDER BY lower(bs.during) LIMIT 1", 3, params, &res, NULL) != 0 || PQntuples(res) != 1) {
		if (res != NULL)
			PQclear(res);
		err_set(e, ERR_CONFLICT, "staff_ids", "a staff member is already on an overlapping booking");
		return 0;
	}
	err_set(e, ERR_CONFLICT, "staff_ids", "%s is already on %s at that time",
	    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	PQclear(res);
	return 1;
}

/* db_studio_uuids: n ids as a uuid[] literal in buf. */
static int
db_studio_uuids(const char *const *ids, size_t n, char *buf, size_t len, struct err *e)
{
	size_t o = (size_t)snprintf(buf, len, "{");

	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "", ids[i]);
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, "}");
	if (o >= len)
		return err_set(e, ERR_INVALID, "staff_ids", "too many staff members");
	return 0;
}

int
db_booking_assign_staff(struct db *db, const struct tz *tz, const struct db_staff_req *in,
    int64_t now, struct db_decide_result *out, struct err *e)
{
	struct db_admin_booking b;
	char arr[DB_ADMIN_MAX_STAFF * 40 + 4], rule[160] = "", prefix[48];
	const char *kind = db_actor_kind_name(in->kind);
	enum booking_status st;
	struct err why;
	int rc;

	if (in->n > DB_ADMIN_MAX_STAFF)
		return err_set(e, ERR_INVALID, "staff_ids", "at most %d staff members per booking",
		    DB_ADMIN_MAX_STAFF);
	if (in->override_reason != NULL && db_blank(in->override_reason))
		return err_set(e, ERR_INVALID, "reason", "an override needs a reason");
	if ((rc = db_studio_uuids(in->staff_ids, in->n, arr, sizeof(arr), e)) != 0 ||
	    (rc = db_admin_booking_find(db, in->code, &b, e)) != 0)
		return rc;
	/* only an admin staffs a booking (Postgres says so to anyone else),
	 * and only a live one that has not ended is worth asking about */
	if (in->kind == DB_ACTOR_ADMIN && booking_status_parse(b.status, &st) == 0 &&
	    booking_status_is_live(st) && b.end > now) {
		err_clear(&why);
		snprintf(prefix, sizeof(prefix), "%s: ", b.code);
		rc = db_admin_staff_check(db, tz, &b, in->staff_ids, in->n, now, &why);
		if ((rc = db_studio_weigh(rc, &why, in->override_reason, prefix, rule, sizeof(rule), e)) != 0)
			return rc;
	}
	const char *params[6] = { b.id, in->actor_id, arr, kind, rule[0] ? in->override_reason : NULL, rule };
	if (rule[0] != '\0')
		rc = db_exec(db, DB_AS("$2", "$4", "booking_assign_staff_override($1, $2, $3::uuid[],"
		    " jsonb_build_object('reason', $5::text, 'rule', $6::text))"), 6, params, NULL, e);
	else
		rc = db_exec(db, DB_AS("$2", "$4", "booking_assign_staff($1, $2, $3::uuid[])"), 4, params,
		    NULL, e);
	if (rc == ERR_CONFLICT)
		db_studio_explain_staff(db, b.id, b.id, arr, e);
	if (rc == 0)
		db_studio_fill(out, &b, b.status, rule);
	return rc;
}

int
db_booking_swap_staff(struct db *db, const struct db_swap_req *in, struct db_swap_result *out,
    struct err *e)
{
	struct db_admin_booking a, b;
	char arr[100];
	int rc;

	if ((rc = db_admin_booking_find(db, in->code_a, &a, e)) != 0 ||
	    (rc = db_admin_booking_find(db, in->code_b, &b, e)) != 0)
		return rc;
	const char *params[6] = {
		a.id, in->staff_a, b.id, in->staff_b, in->actor_id, db_actor_kind_name(in->kind),
	};
	rc = db_exec(db, DB_AS("$5", "$6", "booking_swap_staff($1, $2, $3, $4, $5)"), 6, params, NULL, e);
	if (rc == 0 && out != NULL) {
		snprintf(out->code_a, sizeof(out->code_a), "%s", a.code);
		snprintf(out->code_b, sizeof(out->code_b), "%s", b.code);
	}
	if (rc != ERR_CONFLICT)
		return rc;
	/* which of the two moves hit someone else's booking */
	snprintf(arr, sizeof(arr), "{%s}", in->staff_b);
	if (!db_studio_explain_staff(db, a.id, b.id, arr, e)) {
		snprintf(arr, sizeof(arr), "{%s}", in->staff_a);
		db_studio_explain_staff(db, b.id, a.id, arr, e);
	}
	return ERR_CONFLICT;
}
