/* cmd-settings.c: `redlight settings [--json]`: the studio's settings,
 * one "key = value" a line. */
#include <json-c/json.h>
#include <stdlib.h>

#include "db/setup.h"
#include "tui/cmd.h"

static int
cmd_settings_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL;
	const struct cmd_opt opts[] = {
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	struct json_object *o, *s;
	char *rest[1], *json = NULL;
	struct err e;
	int nrest, rc;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 0, &nrest)) != 0 || (rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (db_query_json(ctx->db, DB_SETUP_SETTINGS_JSON_SQL, 0, NULL, &json, &e) != 0)
		return cmd_fail(ctx, &e);
	o = json_tokener_parse(json);
	free(json);
	if (o == NULL || !json_object_object_get_ex(o, "settings", &s)) {
		json_object_put(o);
		err_set(&e, ERR_INTERNAL, NULL, "the settings are not JSON");
		return cmd_fail(ctx, &e);
	}
	if (json_flag != NULL) {
		cmd_json_print(ctx, o);
		return 0;
	}
	json_object_object_foreach(s, key, val) {
		fprintf(ctx->out, "%-26s %s\n", key, json_object_is_type(val, json_type_string)
		    ? json_object_get_string(val)
		    : json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN));
	}
	json_object_put(o);
	return 0;
}

const struct cmd_entry cmd_settings_entry = {
	.name = "settings",
	.usage = "[--json]",
	.summary = "show the studio's settings",
	.exec = cmd_settings_exec,
	.flags = 0,
};
