/* setup.h (db): the studio's setup from the console and `redlight
 * COMMAND`: rooms, services, staff, weekly rules, exceptions and
 * blackouts, buffers and settings.
 *
 * Every change is one SQL function of db/functions/setup.sql,
 * setup_X(actor, target, args jsonb), so one transaction holds the
 * permission check (admins; staff only their own working hours and
 * exceptions), the validation, the write and its audit_log row; the
 * notify triggers of 0003 tell listeners. args carries the command
 * line's values as JSON strings ({"price": "9000"}); a key left out
 * leaves that field as it is.
 *
 * Errors (struct err): ERR_INVALID naming the field ("price", "from",
 * "days", "active", ...) with a message that starts with it; ERR_NOT_FOUND
 * for an unknown room, service, staff member, rule or exception (field
 * "room", "service", "staff", "id"); ERR_FORBIDDEN for an actor without
 * the right; ERR_DB when the database fails. A function that fails has
 * written nothing. */
#ifndef REDLIGHT_DB_SETUP_H
#define REDLIGHT_DB_SETUP_H

#include "core/err.h"
#include "db/db.h"

enum db_setup_op {
	DB_SETUP_ROOM_SAVE,       /* target: NULL to add, else the room to edit */
	DB_SETUP_SERVICE_SAVE,    /* target: NULL to add, else the service */
	DB_SETUP_STAFF_ADD,       /* args: email, name, skills, rate, password_hash */
	DB_SETUP_STAFF_EDIT,      /* target: the staff member */
	DB_SETUP_RULE_ADD,        /* args: studio|room|staff, days, from, to, ... */
	DB_SETUP_RULE_DEL,        /* target: the rule's id or its first characters */
	DB_SETUP_EXCEPTION_ADD,   /* args: studio|room|staff, start, end (RFC 3339), reason */
	DB_SETUP_EXCEPTION_DEL,   /* target: the exception's id or its first characters */
	DB_SETUP_BUFFER_SET,      /* args: room|service|staff, before, after */
	DB_SETUP_SETTINGS_SET,    /* target: the key; args: value */
};

/* db_setup: run op as actor. *out (the caller's, free()) receives the
 * result's JSON: {"message": a line for people, ENTITY: the row}. */
int db_setup(struct db *db, const struct db_actor *actor, enum db_setup_op op,
    const char *target, const char *args_json, char **out, struct err *e);

/* $1 kind ("studio", "room", "staff" or NULL for all), $2 the room or
 * staff member: {"rules":[{id, target_type, target_id, target_name, days,
 * from, to, timezone, effective_from, effective_to}], "exceptions":[{id,
 * target_type, target_id, target_name, start_at, end_at, start_local,
 * end_local, reason}]} (exceptions not yet over). */
extern const char DB_SETUP_RULES_JSON_SQL[];
/* {"settings": every column of the settings row} */
extern const char DB_SETUP_SETTINGS_JSON_SQL[];
/* {"rooms", "services", "staff", "buffers"}: every room, service and staff
 * member, inactive ones too (DB_ROOMS_JSON_SQL and DB_SERVICES_JSON_SQL
 * show the active ones, as artists see them), in the shapes the setup
 * functions return them, and every one's buffers (0 and 0 when it has
 * none): what the console's setup screen lists. */
extern const char DB_SETUP_CATALOG_JSON_SQL[];

#endif
