#include "db/feed.h"

#include <stdio.h>

const char DB_FEED_TOKENS_SQL[] = "SELECT id::text, ics_token FROM staff WHERE active";

/* A canceled booking's updated_at is when it was canceled: no function
 * changes a booking once it is canceled. */
const char DB_FEED_ROWS_SQL[] =
	"SELECT st.display_name, s.studio_name, f.etag, extract(epoch FROM f.modified_at)::bigint,"
	" x.id::text, x.code, x.canceled,"
	" extract(epoch FROM x.start_at)::bigint, extract(epoch FROM x.end_at)::bigint,"
	" extract(epoch FROM x.updated_at)::bigint, x.ics_sequence, x.room, x.artist, x.services"
	" FROM staff st CROSS JOIN settings s LEFT JOIN staff_feed f ON f.staff_id = st.id"
	" LEFT JOIN LATERAL ("
	"  SELECT b.id, b.code, b.status = 'canceled' AS canceled, b.start_at, b.end_at, b.updated_at,"
	"   b.ics_sequence, r.name AS room, u.name AS artist,"
	"   coalesce((SELECT string_agg(coalesce(bv.name, sv.name), ', ' ORDER BY sv.is_addon,"
	"     coalesce(bv.name, sv.name)) FROM booking_service bv JOIN service sv ON sv.id = bv.service_id"
	"     WHERE bv.booking_id = b.id), '') AS services"
	"  FROM booking_staff bs JOIN booking b ON b.id = bs.booking_id JOIN room r ON r.id = b.room_id"
	"  LEFT JOIN app_user u ON u.id = b.user_id"
	"  WHERE bs.staff_id = st.id"
	"   AND b.start_at < now() + interval '180 days' AND b.end_at > now() - interval '180 days'"
	"   AND (b.status IN ('confirmed', 'completed') OR (b.status = 'canceled'"
	"    AND b.approved_at IS NOT NULL AND b.updated_at > now() - interval '30 days'))"
	" ) x ON true"
	" WHERE st.id = $1::uuid AND st.active AND s.id = 1"
	" ORDER BY x.start_at, x.id";

const char DB_FEED_SEEN_SQL[] =
	"SELECT extract(epoch FROM staff_feed_seen($1::uuid, $2))::bigint";

int
db_feed_token(struct db *db, const char *staff_id, char *token, char *name, size_t namelen,
    struct err *e)
{
	const char *params[1] = { staff_id };
	PGresult *res;
	int rc;

	rc = db_exec(db, "SELECT ics_token, display_name FROM staff WHERE id = $1::uuid", 1, params, &res, e);
	if (rc != 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return err_set(e, ERR_NOT_FOUND, "staff", "no staff member %s", staff_id);
	}
	snprintf(token, DB_FEED_TOKEN_SIZE, "%s", PQgetvalue(res, 0, 0));
	if (name != NULL)
		snprintf(name, namelen, "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

int
db_feed_rotate(struct db *db, const struct db_actor *actor, const char *staff_id, char *token,
    struct err *e)
{
	const char *params[2] = { actor->id, staff_id };
	PGresult *res;
	int rc;

	rc = db_exec(db, "SELECT staff_ics_rotate($1::uuid, $2::uuid)", 2, params, &res, e);
	if (rc != 0)
		return rc;
	snprintf(token, DB_FEED_TOKEN_SIZE, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}
