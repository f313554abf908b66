/* setup.c (db): the studio's setup, one SQL function per change
 * (db/functions/setup.sql). */
#include "db/setup.h"

#include <stdlib.h>
#include <string.h>

const char DB_SETUP_RULES_JSON_SQL[] = "SELECT setup_rules_json($1::text, $2::text)::text";
const char DB_SETUP_SETTINGS_JSON_SQL[] = "SELECT setup_settings_json()::text";

const char DB_SETUP_CATALOG_JSON_SQL[] =
    "SELECT json_build_object("
    " 'rooms', coalesce((SELECT json_agg(to_jsonb(r) ORDER BY lower(r.name)) FROM room r), '[]'),"
    " 'services', coalesce((SELECT json_agg(to_jsonb(v) ORDER BY v.is_addon, lower(v.name))"
    "   FROM service v), '[]'),"
    " 'staff', coalesce((SELECT json_agg(setup_staff_json(s.id) ORDER BY lower(s.display_name))"
    "   FROM staff s), '[]'),"
    " 'buffers', coalesce((SELECT json_agg(json_build_object('scope', t.scope, 'target_id', t.id,"
    "   'name', t.name, 'before_min', coalesce(b.before_min, 0), 'after_min', coalesce(b.after_min, 0),"
    "   'active', t.active) ORDER BY t.ord, lower(t.name))"
    "   FROM (SELECT 'room' AS scope, 1 AS ord, id, name, active FROM room"
    "         UNION ALL SELECT 'service', 2, id, name, active FROM service"
    "         UNION ALL SELECT 'staff', 3, id, display_name, active FROM staff) t"
    "   LEFT JOIN buffer_rule b ON b.scope = t.scope AND b.target_id = t.id), '[]')"
    ")::text";

static const char *const db_setup_sql[] = {
	[DB_SETUP_ROOM_SAVE] = "SELECT setup_room_save($1::uuid, $2::text, $3::jsonb)::text",
	[DB_SETUP_SERVICE_SAVE] = "SELECT setup_service_save($1::uuid, $2::text, $3::jsonb)::text",
	[DB_SETUP_STAFF_ADD] = "SELECT setup_staff_add($1::uuid, $2::text, $3::jsonb)::text",
	[DB_SETUP_STAFF_EDIT] = "SELECT setup_staff_edit($1::uuid, $2::text, $3::jsonb)::text",
	[DB_SETUP_RULE_ADD] = "SELECT setup_rule_add($1::uuid, $2::text, $3::jsonb)::text",
	[DB_SETUP_RULE_DEL] = "SELECT setup_rule_del($1::uuid, $2::text, $3::jsonb)::text",
	[DB_SETUP_EXCEPTION_ADD] = "SELECT setup_exception_add($1::uuid, $2::text, $3::jsonb)::text",
	[DB_SETUP_EXCEPTION_DEL] = "SELECT setup_exception_del($1::uuid, $2::text, $3::jsonb)::text",
	[DB_SETUP_BUFFER_SET] = "SELECT setup_buffer_set($1::uuid, $2::text, $3::jsonb)::text",
	[DB_SETUP_SETTINGS_SET] = "SELECT setup_settings_set($1::uuid, $2::text, $3::jsonb)::text",
};

int
db_setup(struct db *db, const struct db_actor *actor, enum db_setup_op op,
    const char *target, const char *args_json, char **out, struct err *e)
{
	const char *params[3] = { actor->id, target, args_json ? args_json : "{}" };
	PGresult *res;
	int rc;

	*out = NULL;
	if ((unsigned)op >= sizeof(db_setup_sql) / sizeof(db_setup_sql[0]))
		return err_set(e, ERR_INTERNAL, NULL, "unknown setup operation %d", (int)op);
	if ((rc = db_exec(db, db_setup_sql[op], 3, params, &res, e)) != 0)
		return rc;
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		PQclear(res);
		return err_set(e, ERR_DB, NULL, "the setup change returned nothing");
	}
	*out = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (*out == NULL)
		return err_set(e, ERR_INTERNAL, NULL, "out of memory");
	return 0;
}
