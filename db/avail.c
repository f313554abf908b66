#include "db/avail.h"

#include <stdlib.h>

/* Epoch seconds of a timestamptz, rounded down or up to a whole second. */
#define DB_EPOCH_DOWN(x) "floor(extract(epoch FROM " x "))::bigint"
#define DB_EPOCH_UP(x) "ceil(extract(epoch FROM " x "))::bigint"

#define DB_AVAIL_DOC \
    "json_build_object(" \
    " 'settings', (SELECT json_build_object('timezone', s.timezone," \
    "   'lead_time_min', s.lead_time_min, 'horizon_days', s.horizon_days)" \
    "   FROM settings s WHERE s.id = 1)," \
    " 'from', " DB_EPOCH_DOWN("$1::timestamptz") "," \
    " 'to', " DB_EPOCH_UP("$2::timestamptz") "," \
    " 'rooms', coalesce((SELECT json_agg(json_build_object('id', r.id, 'name', r.name," \
    "   'tags', r.tags, 'buffer_before_min', coalesce(b.before_min, 0)," \
    "   'buffer_after_min', coalesce(b.after_min, 0)) ORDER BY r.name)" \
    "   FROM room r LEFT JOIN buffer_rule b ON b.scope = 'room' AND b.target_id = r.id" \
    "   WHERE r.active), '[]')," \
    " 'staff', coalesce((SELECT json_agg(json_build_object('id', st.id, 'name', st.display_name," \
    "   'skills', st.skills, 'buffer_before_min', coalesce(b.before_min, 0)," \
    "   'buffer_after_min', coalesce(b.after_min, 0)) ORDER BY st.display_name, st.id)" \
    "   FROM staff st LEFT JOIN buffer_rule b ON b.scope = 'staff' AND b.target_id = st.id" \
    "   WHERE st.active), '[]')," \
    " 'services', coalesce((SELECT json_agg(json_build_object('id', v.id, 'name', v.name," \
    "   'default_duration_min', v.default_duration_min, 'base_price_cents', v.base_price_cents," \
    "   'requires_engineer', v.requires_engineer, 'staff_skill_required', v.staff_skill_required," \
    "   'room_tags', v.room_tags, 'is_addon', v.is_addon," \
    "   'buffer_before_min', coalesce(b.before_min, 0)," \
    "   'buffer_after_min', coalesce(b.after_min, 0)) ORDER BY v.is_addon, v.name)" \
    "   FROM service v LEFT JOIN buffer_rule b ON b.scope = 'service' AND b.target_id = v.id" \
    "   WHERE v.active), '[]')," \
    " 'rules', coalesce((SELECT json_agg(json_build_object('target_type', x.target_type," \
    "   'target_id', x.target_id, 'weekdays', x.byweekday, 'start_min', x.start_min," \
    "   'end_min', x.end_min," \
    "   'effective_from', to_char(x.effective_from, 'YYYY-MM-DD')," \
    "   'effective_to', to_char(x.effective_to, 'YYYY-MM-DD')) ORDER BY x.id)" \
    "   FROM (SELECT sr.*, ceil(extract(epoch FROM sr.start_time) / 60)::int AS start_min," \
    "           floor(extract(epoch FROM sr.end_time) / 60)::int AS end_min" \
    "         FROM schedule_rule sr" \
    "         WHERE sr.target_type = 'studio'" \
    "            OR (sr.target_type = 'room' AND sr.target_id IN (SELECT id FROM room WHERE active))" \
    "            OR (sr.target_type = 'staff' AND sr.target_id IN (SELECT id FROM staff WHERE active))) x" \
    "   WHERE x.start_min < x.end_min), '[]')," \
    " 'exceptions', coalesce((SELECT json_agg(json_build_object('target_type', x.target_type," \
    "   'target_id', x.target_id, 'start', " DB_EPOCH_DOWN("x.start_at") "," \
    "   'end', " DB_EPOCH_UP("x.end_at") ", 'reason', x.reason) ORDER BY x.start_at, x.id)" \
    "   FROM exception x WHERE x.start_at < $2::timestamptz AND x.end_at > $1::timestamptz), '[]')," \
    " 'room_claims', coalesce((SELECT json_agg(json_build_object('room_id', c.room_id," \
    "   'start', " DB_EPOCH_DOWN("lower(c.during)") ", 'end', " DB_EPOCH_UP("upper(c.during)") "," \
    "   'booking_id', c.booking_id, 'hold_id', c.hold_id," \
    "   'hold_expires_at', " DB_EPOCH_UP("c.hold_expires_at") ") ORDER BY lower(c.during), c.id)" \
    "   FROM room_claim c" \
    "   WHERE c.during && tstzrange($1::timestamptz, $2::timestamptz, '[)')), '[]')," \
    " 'staff_claims', coalesce((SELECT json_agg(json_build_object('staff_id', bs.staff_id," \
    "   'booking_id', bs.booking_id, 'start', " DB_EPOCH_DOWN("lower(bs.during)") "," \
    "   'end', " DB_EPOCH_UP("upper(bs.during)") ") ORDER BY lower(bs.during), bs.booking_id)" \
    "   FROM booking_staff bs" \
    "   WHERE bs.live AND bs.during && tstzrange($1::timestamptz, $2::timestamptz, '[)')), '[]')" \
    ")::text"

const char DB_AVAIL_JSON_SQL[] = "SELECT " DB_AVAIL_DOC;
/* the statement's own snapshot: every subquery above reads by it */
const char DB_AVAIL_SNAPSHOT_JSON_SQL[] = "SELECT " DB_AVAIL_DOC ", pg_current_snapshot()::text";

/* db_avail_params: [from, to) as DB_AVAIL_JSON_SQL's parameters. */
static int
db_avail_params(int64_t from, int64_t to, char a[TZ_RFC3339_SIZE], char b[TZ_RFC3339_SIZE],
    struct err *e)
{
	if (tz_format_utc(from, a, TZ_RFC3339_SIZE, NULL) != 0 ||
	    tz_format_utc(to, b, TZ_RFC3339_SIZE, NULL) != 0)
		return err_set(e, ERR_INVALID, NULL, "the availability range is out of bounds");
	return 0;
}

int
db_avail_load(struct db *db, const struct tz *tz, int64_t from, int64_t to,
    struct avail_data **out, struct err *e)
{
	char a[TZ_RFC3339_SIZE], b[TZ_RFC3339_SIZE];
	const char *params[2] = { a, b };
	char *json;
	int rc;

	*out = NULL;
	if ((rc = db_avail_params(from, to, a, b, e)) != 0 ||
	    (rc = db_query_json(db, DB_AVAIL_JSON_SQL, 2, params, &json, e)) != 0)
		return rc;
	rc = avail_data_from_json(json, tz, out, e);
	free(json);
	return rc;
}

int
db_avail_send(PGconn *conn, int64_t from, int64_t to, struct err *e)
{
	char a[TZ_RFC3339_SIZE], b[TZ_RFC3339_SIZE];
	const char *params[2] = { a, b };
	int rc;

	if ((rc = db_avail_params(from, to, a, b, e)) != 0)
		return rc;
	if (PQsendQueryParams(conn, DB_AVAIL_JSON_SQL, 2, NULL, params, NULL, NULL, 0) == 0)
		return err_set(e, ERR_DB, NULL, "cannot send the availability read: %s",
		    PQerrorMessage(conn));
	return 0;
}

int
db_avail_recv(const PGresult *res, const struct tz *tz, struct avail_data **out, struct err *e)
{
	char *json;
	int rc;

	*out = NULL;
	if ((rc = db_result_json(res, &json, e)) != 0)
		return rc;
	rc = avail_data_from_json(json, tz, out, e);
	free(json);
	return rc;
}

int
db_avail_load_day(struct db *db, const struct tz *tz, int year, int month, int day,
    struct avail_data **out, struct err *e)
{
	int64_t from, to;
	int rc;

	*out = NULL;
	if ((rc = avail_day_range(tz, year, month, day, &from, &to, e)) != 0)
		return rc;
	return db_avail_load(db, tz, from, to, out, e);
}
