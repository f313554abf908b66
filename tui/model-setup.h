/* model-setup.h: the studio's setup as the console's setup screen shows
 * it (tui/view-setup.c): rooms, services and staff (inactive ones too),
 * every buffer, the weekly rules, the exceptions not yet over and the
 * settings. No business logic: shapes only.
 *
 * Each list is a table of text cells, one row per thing, its columns
 * named by the MODEL_SETUP_* enums below, every cell written the way the
 * setup commands take it back ("mixing,tracking" for a list, "yes" or "no"
 * for a flag, "" for nothing), so an edit form can show the current value
 * and send only what changed. */
#ifndef REDLIGHT_MODEL_SETUP_H
#define REDLIGHT_MODEL_SETUP_H

#include <stddef.h>

#include "core/err.h"
#include "db/db.h"

struct model_setup_table {
	size_t n;                  /* rows */
	size_t ncols;
	char **cells;              /* n * ncols, row by row, the table's own */
};

enum {
	MODEL_SETUP_ROOM_ID, MODEL_SETUP_ROOM_NAME, MODEL_SETUP_ROOM_CAPACITY, MODEL_SETUP_ROOM_TAGS,
	MODEL_SETUP_ROOM_EQUIPMENT, MODEL_SETUP_ROOM_COLOR, MODEL_SETUP_ROOM_DESCRIPTION,
	MODEL_SETUP_ROOM_ACTIVE, MODEL_SETUP_ROOM_NCOLS
};

enum {
	MODEL_SETUP_SERVICE_ID, MODEL_SETUP_SERVICE_NAME, MODEL_SETUP_SERVICE_DURATION,
	MODEL_SETUP_SERVICE_PRICE, MODEL_SETUP_SERVICE_ENGINEER, MODEL_SETUP_SERVICE_SKILL,
	MODEL_SETUP_SERVICE_ROOM_TAGS, MODEL_SETUP_SERVICE_ADDON, MODEL_SETUP_SERVICE_DESCRIPTION,
	MODEL_SETUP_SERVICE_ACTIVE, MODEL_SETUP_SERVICE_NCOLS
};

enum {
	MODEL_SETUP_STAFF_ID, MODEL_SETUP_STAFF_NAME, MODEL_SETUP_STAFF_EMAIL, MODEL_SETUP_STAFF_SKILLS,
	MODEL_SETUP_STAFF_RATE, MODEL_SETUP_STAFF_ACTIVE, MODEL_SETUP_STAFF_NCOLS
};

/* one row for every room, service and staff member, with 0 and 0 when
 * it has no buffers; scope is "room", "service" or "staff" */
enum {
	MODEL_SETUP_BUFFER_SCOPE, MODEL_SETUP_BUFFER_TARGET_ID, MODEL_SETUP_BUFFER_NAME,
	MODEL_SETUP_BUFFER_BEFORE, MODEL_SETUP_BUFFER_AFTER, MODEL_SETUP_BUFFER_ACTIVE,
	MODEL_SETUP_BUFFER_NCOLS
};

/* target_type "studio", "room" or "staff"; days "mon,tue"; from and to
 * "HH:MM" in the studio's zone; effective_* "YYYY-MM-DD" or "" */
enum {
	MODEL_SETUP_RULE_ID, MODEL_SETUP_RULE_TARGET_TYPE, MODEL_SETUP_RULE_TARGET_NAME,
	MODEL_SETUP_RULE_DAYS, MODEL_SETUP_RULE_FROM, MODEL_SETUP_RULE_TO,
	MODEL_SETUP_RULE_EFFECTIVE_FROM, MODEL_SETUP_RULE_EFFECTIVE_TO, MODEL_SETUP_RULE_NCOLS
};

/* start and end "YYYY-MM-DD HH:MM" in the studio's zone */
enum {
	MODEL_SETUP_EXCEPTION_ID, MODEL_SETUP_EXCEPTION_TARGET_TYPE, MODEL_SETUP_EXCEPTION_TARGET_NAME,
	MODEL_SETUP_EXCEPTION_START, MODEL_SETUP_EXCEPTION_END, MODEL_SETUP_EXCEPTION_REASON,
	MODEL_SETUP_EXCEPTION_NCOLS
};

/* key and value as settings-set takes them, the cancellation tiers
 * written short (model_setup_tiers_short) */
enum { MODEL_SETUP_SETTING_KEY, MODEL_SETUP_SETTING_VALUE, MODEL_SETUP_SETTING_NCOLS };

struct model_setup {
	struct model_setup_table rooms, services, staff, buffers, rules, exceptions, settings;
};

/* model_setup_parse: every list into out (zeroed first), from the
 * answers of DB_SETUP_CATALOG_JSON_SQL, DB_SETUP_RULES_JSON_SQL (for one
 * staff member, only theirs) and DB_SETUP_SETTINGS_JSON_SQL. Fails with
 * ERR_INTERNAL when an answer does not have its shape; out then holds
 * nothing. The caller frees out with model_setup_free. */
int model_setup_parse(const char *catalog, const char *rules, const char *settings,
    struct model_setup *out, struct err *e);

/* model_setup_free: free what out holds and zero it. Cannot fail. */
void model_setup_free(struct model_setup *s);

/* model_setup_cell: the cell of row and col, "" outside the table (a
 * pointer into t, valid until it is freed). Cannot fail. */
const char *model_setup_cell(const struct model_setup_table *t, size_t row, size_t col);

/* model_setup_tiers_short: cancellation tiers as JSON
 * ([{"min_hours_before":48,"refund_percent":100},...]) written short,
 * "48:100,24:50,0:0", into out. Returns 0, or -1 (out holds the JSON
 * as it was) when json is not tiers of that shape. */
int model_setup_tiers_short(const char *json, char *out, size_t outlen);

/* model_setup_tiers_json: the short form back as the JSON settings-set
 * takes, into out. Returns 0, or -1 (out holds s as it was, for the
 * command to refuse or take as JSON) when s is not "H:P" pairs joined by
 * commas. */
int model_setup_tiers_json(const char *s, char *out, size_t outlen);

#endif
