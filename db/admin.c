#include "db/admin.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/avail.h"
#include "core/bstate.h"
#include "db/avail.h"
#include "db/booking.h"

/* ---- reads ---- */

#define DB_UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* What was captured less what was refunded of it (refunds that failed or
 * were canceled gave nothing back), as booking_paid_cents() of 0005 counts
 * it, and what is held on a card uncaptured. */
#define DB_ADMIN_PAID(b) \
    "(coalesce((SELECT sum(p.amount_cents) FROM payment p WHERE p.booking_id = " b \
    "   AND p.status IN ('succeeded','partial_refunded','refunded')), 0)" \
    " - coalesce((SELECT sum(f.amount_cents) FROM refund f JOIN payment p ON p.id = f.payment_id" \
    "   WHERE p.booking_id = " b " AND p.status IN ('succeeded','partial_refunded','refunded')" \
    "   AND f.status NOT IN ('failed','canceled')), 0))::bigint"
#define DB_ADMIN_AUTHORIZED(b) \
    "coalesce((SELECT sum(p.amount_cents) FROM payment p WHERE p.booking_id = " b \
    "   AND p.status = 'requires_capture'), 0)::bigint"
/* When Stripe lets the card authorization go (its capture_before), or null. */
#define DB_ADMIN_CAPTURE_BEFORE(b) \
    "(SELECT " DB_UTC("p.capture_before") " FROM payment p WHERE p.booking_id = " b \
    "   AND p.purpose = 'due_now' AND p.status = 'requires_capture')"

/* One booking in full; b booking, r room, u artist, ap approver. */
#define DB_ADMIN_BOOKING_OBJ \
    "json_build_object('id', b.id, 'code', b.code, 'status', b.status, 'room_id', b.room_id," \
    " 'room_name', r.name, 'start_at', " DB_UTC("b.start_at") ", 'end_at', " DB_UTC("b.end_at") "," \
    " 'created_at', " DB_UTC("b.created_at") ", 'source', b.source, 'notes', b.notes," \
    " 'artist_name', coalesce(u.name, ''), 'artist_email', coalesce(u.email, '')," \
    " 'staff', coalesce((SELECT json_agg(json_build_object('id', s.id, 'name', s.display_name," \
    "   'role', bs.role) ORDER BY s.display_name, s.id) FROM booking_staff bs" \
    "   JOIN staff s ON s.id = bs.staff_id WHERE bs.booking_id = b.id), '[]')," \
    " 'services', coalesce((SELECT json_agg(json_build_object('service_id', v.id," \
    "   'name', coalesce(x.name, v.name)," \
    "   'quantity', x.quantity, 'unit_price_cents', x.unit_price_cents," \
    "   'total_cents', x.total_cents, 'is_addon', v.is_addon) ORDER BY v.is_addon, v.name)" \
    "   FROM booking_service x JOIN service v ON v.id = x.service_id" \
    "   WHERE x.booking_id = b.id), '[]')," \
    " 'subtotal_cents', coalesce((SELECT q.subtotal_cents FROM booking_quote q" \
    "   WHERE q.booking_id = b.id), 0), 'quote', booking_quote_json(b.id)," \
    " 'paid_cents', " DB_ADMIN_PAID("b.id") ", 'authorized_cents', " DB_ADMIN_AUTHORIZED("b.id") "," \
    " 'capture_before', " DB_ADMIN_CAPTURE_BEFORE("b.id") "," \
    " 'approved_by', ap.name, 'approved_at', " DB_UTC("b.approved_at") "," \
    " 'approval_note', b.approval_note, 'artist_message', b.artist_message," \
    " 'sync_error', booking_sync_error(b.id))"

#define DB_ADMIN_BOOKING_FROM \
    " FROM booking b JOIN room r ON r.id = b.room_id LEFT JOIN app_user u ON u.id = b.user_id" \
    " LEFT JOIN app_user ap ON ap.id = b.approved_by"

const char DB_ADMIN_QUEUE_JSON_SQL[] =
    "SELECT json_build_object('bookings', coalesce(json_agg(" DB_ADMIN_BOOKING_OBJ
    " ORDER BY b.created_at DESC, b.code), '[]'))::text"
    DB_ADMIN_BOOKING_FROM
    " WHERE b.status = 'awaiting_approval'";

/* The bookings filter: $1 status, $2 room, $3 staff, $4 from, $5 to, $6
 * text in the code or the artist's name (b booking, u artist). */
#define DB_ADMIN_BOOKINGS_WHERE \
    " WHERE ($1::text IS NULL OR b.status = $1::text)" \
    " AND ($2::uuid IS NULL OR b.room_id = $2::uuid)" \
    " AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM booking_staff bs" \
    "   WHERE bs.booking_id = b.id AND bs.staff_id = $3::uuid))" \
    " AND ($4::timestamptz IS NULL OR b.end_at > $4::timestamptz)" \
    " AND ($5::timestamptz IS NULL OR b.start_at < $5::timestamptz)" \
    " AND ($6::text IS NULL OR strpos(lower(b.code), lower($6::text)) > 0" \
    "   OR strpos(lower(coalesce(u.name, '')), lower($6::text)) > 0)"

const char DB_ADMIN_BOOKINGS_JSON_SQL[] =
    "SELECT json_build_object('bookings', coalesce(json_agg(" DB_ADMIN_BOOKING_OBJ
    " ORDER BY b.start_at, r.name, b.code), '[]'))::text"
    DB_ADMIN_BOOKING_FROM
    DB_ADMIN_BOOKINGS_WHERE;

/* The list's columns only, in one pass, as plain rows (no JSON built
 * here, none parsed by the reader): the staff of the bookings in the
 * dates asked for grouped once and hash-joined (a subquery per booking
 * cost more than the rest of the query), the times as epoch seconds, and booking_sync_error asked only for the few bookings
 * with a failed sync (f: a failed calendar_sync row, or a failed calendar
 * job). */
const char DB_ADMIN_BOOKINGS_LIST_SQL[] =
    "SELECT b.id, b.code, b.status, b.room_id, r.name AS room_name,"
    " extract(epoch FROM b.start_at)::bigint AS start_s, extract(epoch FROM b.end_at)::bigint AS end_s,"
    " coalesce(u.name, '') AS artist_name, coalesce(st.names, '') AS staff_names,"
    " coalesce(st.ids, '') AS staff_ids,"
    " CASE WHEN f.id IS NOT NULL THEN booking_sync_error(b.id) END AS sync_error"
    " FROM booking b JOIN room r ON r.id = b.room_id LEFT JOIN app_user u ON u.id = b.user_id"
    " LEFT JOIN (SELECT bs.booking_id, string_agg(s.display_name, ', ' ORDER BY s.display_name, s.id) AS names,"
    "   string_agg(s.id::text, ',' ORDER BY s.display_name, s.id) AS ids FROM booking_staff bs"
    "   JOIN staff s ON s.id = bs.staff_id JOIN booking sb ON sb.id = bs.booking_id"
    "   WHERE ($4::timestamptz IS NULL OR sb.end_at > $4::timestamptz)"
    "   AND ($5::timestamptz IS NULL OR sb.start_at < $5::timestamptz)"
    "   GROUP BY bs.booking_id) st ON st.booking_id = b.id"
    " LEFT JOIN (SELECT cs.booking_id::text AS id FROM calendar_sync cs WHERE cs.status = 'failed'"
    "   UNION SELECT j.payload->>'booking_id' FROM job j WHERE j.status = 'failed'"
    "   AND j.kind IN ('calendar_sync', 'calendar_remove')) f ON f.id = b.id::text"
    DB_ADMIN_BOOKINGS_WHERE
    " ORDER BY b.start_at, r.name, b.code";

const char DB_ADMIN_BOOKING_JSON_SQL[] =
    "SELECT json_build_object('booking', (SELECT " DB_ADMIN_BOOKING_OBJ
    DB_ADMIN_BOOKING_FROM " WHERE b.code = upper(btrim($1::text))),"
    " 'payment', (SELECT payment_json(b.id) FROM booking b WHERE b.code = upper(btrim($1::text))),"
    " 'payments', (SELECT coalesce(json_agg(payment_row_json(p.id) ORDER BY"
    "   CASE p.purpose WHEN 'due_now' THEN 0 WHEN 'balance' THEN 1 ELSE 2 END, p.seq), '[]')"
    "   FROM payment p JOIN booking b ON b.id = p.booking_id WHERE b.code = upper(btrim($1::text))))::text";

const char DB_ADMIN_HOLDS_JSON_SQL[] =
    "SELECT json_build_object('holds', coalesce(json_agg(json_build_object("
    " 'id', h.id, 'room_id', h.room_id, 'room_name', r.name,"
    " 'start_at', " DB_UTC("h.start_at") ", 'end_at', " DB_UTC("h.end_at") ","
    " 'expires_at', " DB_UTC("h.expires_at") ", 'created_at', " DB_UTC("h.created_at") ","
    " 'created_by', coalesce(c.name, ''), 'artist_name', coalesce(u.name, ''))"
    " ORDER BY h.start_at, r.name, h.id), '[]'))::text"
    " FROM hold h JOIN room r ON r.id = h.room_id LEFT JOIN app_user c ON c.id = h.created_by"
    " LEFT JOIN app_user u ON u.id = h.user_id"
    " WHERE h.status = 'active' AND h.expires_at > clock_timestamp()";

const char DB_ADMIN_AUDIT_JSON_SQL[] =
    "SELECT json_build_object('audit', coalesce(json_agg(x.o ORDER BY x.id DESC), '[]'))::text"
    " FROM (SELECT a.id, json_build_object('id', a.id, 'created_at', " DB_UTC("a.created_at") ","
    "   'actor_name', coalesce(au.name, ''), 'actor_email', coalesce(au.email, ''),"
    "   'action', a.action, 'entity', a.entity, 'entity_id', a.entity_id,"
    "   'label', CASE a.entity WHEN 'booking' THEN coalesce(bk.code, a.entity_id)"
    "     WHEN 'hold' THEN left(a.entity_id, 8) ELSE coalesce(a.entity_id, '') END,"
    "   'reason', a.reason, 'diff', a.diff_json) AS o"
    "  FROM audit_log a LEFT JOIN app_user au ON au.id = a.actor_user_id"
    "  LEFT JOIN booking bk ON a.entity = 'booking' AND bk.id::text = a.entity_id"
    "  WHERE ($1::text IS NULL OR a.entity = lower($1::text) OR a.entity_id = lower($1::text)"
    "    OR bk.code = upper($1::text)"
    "    OR (length($1::text) >= 4 AND left(a.entity_id, length($1::text)) = lower($1::text)))"
    "  AND ($2::text IS NULL OR au.email = lower(btrim($2::text)))"
    "  AND ($3::timestamptz IS NULL OR a.created_at >= $3::timestamptz)"
    "  ORDER BY a.id DESC LIMIT $4::int) x";

/* ---- helpers ---- */

static void
db_admin_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* ---- lookups ---- */

#define DB_ADMIN_FIND_SQL \
    "SELECT b.id, b.code, b.status, b.room_id, r.name," \
    " coalesce((SELECT x.service_id::text FROM booking_service x JOIN service v ON v.id = x.service_id" \
    "   WHERE x.booking_id = b.id AND NOT v.is_addon ORDER BY x.total_cents DESC, v.name LIMIT 1), '')," \
    " coalesce((SELECT string_agg(bs.staff_id::text, ',' ORDER BY bs.staff_id) FROM booking_staff bs" \
    "   WHERE bs.booking_id = b.id), '')," \
    " extract(epoch FROM b.start_at)::bigint, extract(epoch FROM b.end_at)::bigint," \
    " " DB_ADMIN_PAID("b.id") ", " DB_ADMIN_AUTHORIZED("b.id") "," \
    " coalesce((booking_quote_json(b.id)->'policy')::text, ''), b.reschedule_count" \
    " FROM booking b JOIN room r ON r.id = b.room_id WHERE b.code = upper(btrim($1::text))"

int
db_admin_booking_find(struct db *db, const char *code, struct db_admin_booking *out,
    struct err *e)
{
	const char *params[1] = { code };
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = db_exec(db, DB_ADMIN_FIND_SQL, 1, params, &res, e)) != 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return err_set(e, ERR_NOT_FOUND, "code", "no booking has the code '%.40s'", code);
	}
	db_admin_copy(out->id, sizeof(out->id), PQgetvalue(res, 0, 0));
	db_admin_copy(out->code, sizeof(out->code), PQgetvalue(res, 0, 1));
	db_admin_copy(out->status, sizeof(out->status), PQgetvalue(res, 0, 2));
	db_admin_copy(out->room_id, sizeof(out->room_id), PQgetvalue(res, 0, 3));
	db_admin_copy(out->room_name, sizeof(out->room_name), PQgetvalue(res, 0, 4));
	db_admin_copy(out->service_id, sizeof(out->service_id), PQgetvalue(res, 0, 5));
	for (const char *s = PQgetvalue(res, 0, 6); *s && out->nstaff < DB_ADMIN_MAX_STAFF;) {
		size_t n = strcspn(s, ",");
		snprintf(out->staff_ids[out->nstaff++], 37, "%.*s", (int)n, s);
		s += n;
		if (*s == ',')
			s++;
	}
	out->start = db_int64(res, 0, 7);
	out->end = db_int64(res, 0, 8);
	out->paid_cents = db_int64(res, 0, 9);
	out->authorized_cents = db_int64(res, 0, 10);
	/* a booking without a stored policy is refused where a policy is weighed */
	out->has_policy = policy_from_json(PQgetvalue(res, 0, 11), &out->policy, NULL) == 0;
	out->reschedule_count = (int)db_int64(res, 0, 12);
	PQclear(res);
	return 0;
}

int
db_admin_room_resolve(struct db *db, const char *room, char id[37], char *name, size_t namelen,
    struct err *e)
{
	const char *params[1] = { room };
	PGresult *res;
	int rc;

	rc = db_exec(db, "SELECT id, name FROM room WHERE active"
	    " AND (id::text = lower(btrim($1::text)) OR lower(name) = lower(btrim($1::text)))",
	    1, params, &res, e);
	if (rc != 0)
		return rc;
	if (PQntuples(res) == 1) {
		snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
		db_admin_copy(name, namelen, PQgetvalue(res, 0, 1));
		PQclear(res);
		return 0;
	}
	PQclear(res);
	/* name the rooms there are, so the next try is right */
	rc = db_exec(db, "SELECT coalesce(string_agg(name, ', ' ORDER BY name), 'none') FROM room WHERE active",
	    0, NULL, &res, e);
	if (rc != 0)
		return rc;
	err_set(e, ERR_NOT_FOUND, "room", "unknown room '%.40s' (rooms: %.80s)", room,
	    PQgetvalue(res, 0, 0));
	PQclear(res);
	return ERR_NOT_FOUND;
}

int
db_admin_staff_resolve(struct db *db, const char *who, char id[37], char *name, size_t namelen,
    struct err *e)
{
	const char *params[1] = { who };
	PGresult *res;
	int rc, n;

	rc = db_exec(db, "SELECT s.id, s.display_name FROM staff s LEFT JOIN app_user u ON u.id = s.user_id"
	    " WHERE s.active AND (s.id::text = lower(btrim($1::text))"
	    " OR lower(s.display_name) = lower(btrim($1::text)) OR u.email = lower(btrim($1::text)))"
	    " ORDER BY s.display_name", 1, params, &res, e);
	if (rc != 0)
		return rc;
	n = PQntuples(res);
	if (n == 0) {
		/* a first name alone ("eli") is how people say it */
		PQclear(res);
		rc = db_exec(db, "SELECT s.id, s.display_name FROM staff s WHERE s.active"
		    " AND length(btrim($1::text)) > 0"
		    " AND lower(s.display_name) LIKE replace(replace(replace(lower(btrim($1::text)),"
		    "   '\\', '\\\\'), '%', '\\%'), '_', '\\_') || ' %'"
		    " ORDER BY s.display_name", 1, params, &res, e);
		if (rc != 0)
			return rc;
		n = PQntuples(res);
	}
	if (n == 1) {
		snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
		db_admin_copy(name, namelen, PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	if (n == 0)
		return err_set(e, ERR_NOT_FOUND, "staff", "unknown staff member '%.40s'", who);
	if (n > 1)
		return err_set(e, ERR_INVALID, "staff",
		    "'%.40s' names %d staff members; give an email instead", who, n);
	return 0;
}

int
db_admin_settings(struct db *db, struct studio_settings *out, struct err *e)
{
	char *json;
	int rc;

	if ((rc = db_query_json(db, DB_SETTINGS_JSON_SQL, 0, NULL, &json, e)) != 0)
		return rc;
	rc = settings_from_json(json, out, e);
	free(json);
	return rc;
}

/* db_admin_check: b against the rules at now, over the data of its first
 * day, with staff (n of them) as its staff: the whole booking, or only
 * whether the staff can work it (staff_only). */
static int
db_admin_check_at(struct db *db, const struct tz *tz, const struct db_admin_booking *b,
    const char *const *staff_ids, size_t n, int64_t start, int64_t end, int64_t now,
    int staff_only, int64_t *blocked_from, int64_t *blocked_until, struct err *e)
{
	const char *staff[DB_ADMIN_MAX_STAFF + 1];
	struct avail_data *d;
	struct tz_local l;
	int rc;

	tz_to_local(tz, start, &l);
	if ((rc = db_avail_load_day(db, tz, l.year, l.month, l.day, &d, e)) != 0)
		return rc;
	for (size_t i = 0; i < n && i < DB_ADMIN_MAX_STAFF; i++)
		staff[i] = staff_ids[i];
	staff[n < DB_ADMIN_MAX_STAFF ? n : DB_ADMIN_MAX_STAFF] = NULL;
	struct avail_booking ab = {
		.room_id = b->room_id,
		.service_id = b->service_id[0] ? b->service_id : NULL,
		.staff_ids = staff,
		.start = start,
		.end = end,
		.ignore_owner_id = b->id,
	};
	rc = staff_only ? avail_check_staff(d, &ab, now, e) :
	    avail_check_booking(d, &ab, now, blocked_from, blocked_until, e);
	avail_data_free(d);
	return rc;
}

/* db_admin_check: b (or only its staff) at its own time. */
static int
db_admin_check(struct db *db, const struct tz *tz, const struct db_admin_booking *b,
    const char *const *staff_ids, size_t n, int64_t now, int staff_only, struct err *e)
{
	return db_admin_check_at(db, tz, b, staff_ids, n, b->start, b->end, now, staff_only, NULL,
	    NULL, e);
}

int
db_admin_staff_check(struct db *db, const struct tz *tz, const struct db_admin_booking *b,
    const char *const *staff_ids, size_t n, int64_t now, struct err *e)
{
	return db_admin_check(db, tz, b, staff_ids, n, now, 1, e);
}

int
db_admin_booking_fit(struct db *db, const struct tz *tz, const struct db_admin_booking *b,
    int64_t start, int64_t end, int64_t now, int64_t *blocked_from, int64_t *blocked_until,
    struct err *e)
{
	const char *staff[DB_ADMIN_MAX_STAFF];

	for (size_t i = 0; i < b->nstaff; i++)
		staff[i] = b->staff_ids[i];
	return db_admin_check_at(db, tz, b, staff, b->nstaff, start, end, now, 0, blocked_from,
	    blocked_until, e);
}

int
db_admin_booking_check(struct db *db, const struct tz *tz, const struct db_admin_booking *b,
    int64_t now, struct err *e)
{
	const char *staff[DB_ADMIN_MAX_STAFF];

	for (size_t i = 0; i < b->nstaff; i++)
		staff[i] = b->staff_ids[i];
	return db_admin_check(db, tz, b, staff, b->nstaff, now, 0, e);
}

/* ---- cancel ---- */

int
db_admin_cancel_preview(struct db *db, const char *code, int64_t now, struct db_cancel_result *out,
    struct err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = db_admin_booking_find(db, code, &out->booking, e)) != 0)
		return rc;
	if (strcmp(out->booking.status, "awaiting_approval") != 0 &&
	    strcmp(out->booking.status, "confirmed") != 0)
		return err_set(e, ERR_CHANGED, "status", "%s is %s: only bookings awaiting approval or"
		    " confirmed can be canceled", out->booking.code, out->booking.status);
	if (!out->booking.has_policy)
		return err_set(e, ERR_CONFIG, "policy", "%s has no stored policy to weigh",
		    out->booking.code);
	/* the policy its artist acknowledged, never today's */
	rc = policy_cancel(&out->booking.policy, now, out->booking.start, out->booking.paid_cents,
	    &out->policy, e);
	if (rc == ERR_CHANGED)
		return err_set(e, ERR_CHANGED, "status", "%s has already started; it can no longer be"
		    " canceled", out->booking.code);
	return rc;
}
