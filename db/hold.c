#include "db/hold.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/avail.h"
#include "db/admin.h"
#include "db/avail.h"

/* ---- statements ---- */

const char DB_HOLD_PLACE_SQL[] =
    "SELECT h.hold_id, extract(epoch FROM h.expires_at)::bigint, json_utc(h.expires_at)"
    " FROM hold_place($1::uuid, $2, $3::uuid, $4::timestamptz, $5::timestamptz,"
    " tstzrange($6::timestamptz, $7::timestamptz, '[)'), $8, $9::int,"
    " CASE WHEN $10::text IS NULL THEN NULL"
    " ELSE jsonb_build_object('reason', $10::text, 'rule', $11::text) END) h";

int
db_hold_place_prepare(const struct db_hold_place *h, struct db_hold_place_params *p,
    struct err *e)
{
	unsigned char rnd[32];
	int rc;

	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, NULL, "libsodium failed to initialise");
	if ((rc = db_range_format(h->start, h->end, h->blocked_from, h->blocked_until, &p->at, e)) != 0)
		return rc;
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(p->token, sizeof(p->token), rnd, sizeof(rnd));
	snprintf(p->ttl, sizeof(p->ttl), "%d", h->ttl_min);
	p->params[0] = h->actor_id;
	p->params[1] = db_actor_kind_name(h->kind);
	p->params[2] = h->room_id;
	p->params[3] = p->at.start;
	p->params[4] = p->at.end;
	p->params[5] = p->at.from;
	p->params[6] = p->at.until;
	p->params[7] = p->token;
	p->params[8] = h->ttl_min > 0 ? p->ttl : NULL;
	p->params[9] = h->override_reason;
	p->params[10] = h->override_reason ? h->rule : NULL;
	return 0;
}

const char DB_HOLD_RELEASE_SQL[] = "SELECT hold_release($1::uuid, $2::uuid, $3)";

const char DB_HOLD_EXTEND_SQL[] =
    "SELECT ceil(extract(epoch FROM hold_extend($1::uuid, $2::uuid, $3, $4::int)))::bigint";

void
db_hold_change_prepare(const struct db_hold_change *c, struct db_hold_change_params *p)
{
	snprintf(p->minutes, sizeof(p->minutes), "%d", c->minutes);
	p->params[0] = c->hold_id;
	p->params[1] = c->actor_id;
	p->params[2] = db_actor_kind_name(c->kind);
	p->params[3] = p->minutes;
}

/* ---- place ---- */

/* db_hold_explain_room: after room_claim refused [from, until) in room,
 * name the claim in the way. */
static int
db_hold_explain_room(struct db *db, const char *room_id, const char *room_name,
    const char *from, const char *until, struct err *e)
{
	const char *params[3] = { room_id, from, until };
	PGresult *res;

	if (db_exec(db, "SELECT coalesce(b.code, ''), coalesce(admin_local(c.hold_expires_at), '')"
	    " FROM room_claim c LEFT JOIN booking b ON b.id = c.booking_id"
	    " WHERE c.room_id = $1 AND c.during && tstzrange($2, $3, '[)')"
	    " AND (c.hold_id IS NULL OR c.hold_expires_at > clock_timestamp())"
	    " ORDER BY lower(c.during) LIMIT 1", 3, params, &res, NULL) != 0)
		return err_set(e, ERR_CONFLICT, "start_at", "%s is already claimed for part of that time",
		    room_name);
	if (PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] != '\0')
		err_set(e, ERR_CONFLICT, "start_at", "%s is already booked then (%s)", room_name,
		    PQgetvalue(res, 0, 0));
	else if (PQntuples(res) == 1)
		err_set(e, ERR_CONFLICT, "start_at", "%s is already held then (a hold until %s)",
		    room_name, PQgetvalue(res, 0, 1));
	else
		err_set(e, ERR_CONFLICT, "start_at", "%s is already claimed for part of that time",
		    room_name);
	PQclear(res);
	return ERR_CONFLICT;
}

int
db_hold_place(struct db *db, const struct tz *tz, const struct db_hold_place_req *in,
    int64_t now, struct db_hold *out, struct err *e)
{
	char rule[160] = "", room_name[128] = "";
	struct avail_data *d;
	struct tz_local l;
	struct err why;
	int64_t bf = in->start, bu = in->end;
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	if (in->override_reason != NULL && db_blank(in->override_reason))
		return err_set(e, ERR_INVALID, "reason", "an override needs a reason");
	tz_to_local(tz, in->start, &l);
	if ((rc = db_avail_load_day(db, tz, l.year, l.month, l.day, &d, e)) != 0)
		return rc;
	for (size_t i = 0; i < d->nrooms; i++)
		if (strcmp(d->rooms[i].id, in->room_id) == 0)
			snprintf(room_name, sizeof(room_name), "%s", d->rooms[i].name);
	err_clear(&why);
	rc = avail_check(d, in->room_id, NULL, NULL, in->start, in->end, now, &bf, &bu, &why);
	avail_data_free(d);
	if (rc == ERR_CONFLICT && in->override_reason != NULL) {
		/* set aside, the hold claims the session alone: buffers are
		 * among the rules an admin overrides */
		snprintf(rule, sizeof(rule), "%s", why.msg);
		bf = in->start;
		bu = in->end;
	} else if (rc == ERR_CONFLICT) {
		return err_set(e, ERR_CONFLICT, DB_ADMIN_OVERRIDE, "%s", why.msg);
	} else if (rc != 0) {
		if (e)
			*e = why;
		/* the engine names its own fields; the hold's are these */
		if (e && strcmp(e->field, "duration_min") == 0)
			snprintf(e->field, sizeof(e->field), "duration");
		else if (e && (strcmp(e->field, "start_at") == 0 || strcmp(e->field, "end_at") == 0))
			snprintf(e->field, sizeof(e->field), "start");
		else if (e && strcmp(e->field, "room_id") == 0)
			snprintf(e->field, sizeof(e->field), "room");
		return rc;
	}
	const struct db_hold_place hp = {
		.actor_id = in->actor_id, .kind = in->kind, .room_id = in->room_id,
		.start = in->start, .end = in->end, .blocked_from = bf, .blocked_until = bu,
		.ttl_min = in->ttl_min, .override_reason = rule[0] ? in->override_reason : NULL,
		.rule = rule,
	};
	struct db_hold_place_params pp;
	if ((rc = db_hold_place_prepare(&hp, &pp, e)) != 0)
		return rc;
	rc = db_exec(db, DB_HOLD_PLACE_SQL, DB_HOLD_PLACE_NPARAMS, pp.params, &res, e);
	if (rc == ERR_CONFLICT)
		return db_hold_explain_room(db, in->room_id, room_name[0] ? room_name : "the room",
		    pp.at.from, pp.at.until, e);
	if (rc != 0)
		return rc;
	snprintf(out->id, sizeof(out->id), "%s", PQgetvalue(res, 0, 0));
	out->expires_at = db_int64(res, 0, 1);
	PQclear(res);
	snprintf(out->room_id, sizeof(out->room_id), "%s", in->room_id);
	snprintf(out->room_name, sizeof(out->room_name), "%s", room_name);
	snprintf(out->status, sizeof(out->status), "active");
	snprintf(out->overridden, sizeof(out->overridden), "%s", rule);
	out->start = in->start;
	out->end = in->end;
	return 0;
}

/* ---- extend and release ---- */

/* db_hold_change_run: sql (release or extend: nparams) for c; out (may
 * be NULL) gets the hold's id, its status after and, with expires, the
 * new expiry the statement answers. */
static int
db_hold_change_run(struct db *db, const char *sql, int nparams, const struct db_hold_change *c,
    int expires, struct db_hold *out, struct err *e)
{
	struct db_hold_change_params p;
	PGresult *res;
	int rc;

	db_hold_change_prepare(c, &p);
	if ((rc = db_exec(db, sql, nparams, p.params, &res, e)) != 0)
		return rc;
	if (out) {
		snprintf(out->id, sizeof(out->id), "%s", c->hold_id);
		snprintf(out->status, sizeof(out->status), "%s", expires ? "active" : PQgetvalue(res, 0, 0));
		if (expires)
			out->expires_at = db_int64(res, 0, 0);
	}
	PQclear(res);
	return 0;
}

int
db_hold_extend(struct db *db, const struct db_hold_change *c, struct db_hold *out, struct err *e)
{
	return db_hold_change_run(db, DB_HOLD_EXTEND_SQL, DB_HOLD_EXTEND_NPARAMS, c, 1, out, e);
}

int
db_hold_release(struct db *db, const struct db_hold_change *c, struct db_hold *out, struct err *e)
{
	return db_hold_change_run(db, DB_HOLD_RELEASE_SQL, DB_HOLD_RELEASE_NPARAMS, c, 0, out, e);
}

/* ---- reads ---- */

int
db_hold_find(struct db *db, const char *id, struct db_hold *out, struct err *e)
{
	char want[40];
	const char *params[1] = { want };
	PGresult *res;
	size_t n = 0;
	int rc, rows;

	memset(out, 0, sizeof(*out));
	/* an id is hex and dashes: anything else cannot match, and a
	 * short prefix would match too much */
	for (const char *s = id; *s && n + 1 < sizeof(want); s++) {
		if (!isxdigit((unsigned char)*s) && *s != '-')
			return err_set(e, ERR_NOT_FOUND, "hold_id", "no hold has the id '%.40s'", id);
		want[n++] = (char)tolower((unsigned char)*s);
	}
	want[n] = '\0';
	if (n < 4 || strlen(id) > 36)
		return err_set(e, ERR_NOT_FOUND, "hold_id",
		    "no hold has the id '%.40s' (give at least its first 4 characters)", id);
	rc = db_exec(db, "SELECT h.id, h.room_id, r.name,"
	    " CASE WHEN h.status = 'active' AND h.expires_at <= clock_timestamp() THEN 'expired'"
	    "   ELSE h.status END,"
	    " extract(epoch FROM h.start_at)::bigint, extract(epoch FROM h.end_at)::bigint,"
	    " ceil(extract(epoch FROM h.expires_at))::bigint"
	    " FROM hold h JOIN room r ON r.id = h.room_id"
	    " WHERE left(h.id::text, length($1)) = $1 LIMIT 2", 1, params, &res, e);
	if (rc != 0)
		return rc;
	rows = PQntuples(res);
	if (rows == 1) {
		snprintf(out->id, sizeof(out->id), "%s", PQgetvalue(res, 0, 0));
		snprintf(out->room_id, sizeof(out->room_id), "%s", PQgetvalue(res, 0, 1));
		snprintf(out->room_name, sizeof(out->room_name), "%s", PQgetvalue(res, 0, 2));
		snprintf(out->status, sizeof(out->status), "%s", PQgetvalue(res, 0, 3));
		out->start = db_int64(res, 0, 4);
		out->end = db_int64(res, 0, 5);
		out->expires_at = db_int64(res, 0, 6);
	}
	PQclear(res);
	if (rows == 0)
		return err_set(e, ERR_NOT_FOUND, "hold_id", "no hold has the id '%.40s'", id);
	if (rows > 1)
		return err_set(e, ERR_INVALID, "hold_id",
		    "'%.40s' starts more than one hold's id; give more of it", id);
	return 0;
}

int
db_hold_max_min(struct db *db, int *out, struct err *e)
{
	PGresult *res;
	int rc;

	if ((rc = db_exec(db, "SELECT admin_hold_max_min()", 0, NULL, &res, e)) != 0)
		return rc;
	*out = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}
