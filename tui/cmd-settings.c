/* cmd-settings.c: `redlight settings [--json]`: the studio's settings,
 * one "key = value" a line. A read as data: cmd_read_parse,
 * cmd_settings_run, cmd_settings_print. */
#include <json-c/json.h>
#include <stdlib.h>

#include "db/setup.h"
#include "tui/cmd.h"

int
cmd_settings_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e)
{
	(void)c;
	return cmd_read_query(ctx, DB_SETUP_SETTINGS_JSON_SQL, 0, NULL, json, e);
}

static int
cmd_settings_print(struct cmd_ctx *ctx, const struct cmd_read *c, const char *json, struct err *e)
{
	struct json_object *o = json_tokener_parse(json), *s;

	(void)c;
	if (o == NULL || !json_object_object_get_ex(o, "settings", &s)) {
		json_object_put(o);
		return err_set(e, ERR_INTERNAL, NULL, "the settings are not JSON");
	}
	json_object_object_foreach(s, key, val) {
		fprintf(ctx->out, "%-26s %s\n", key, json_object_is_type(val, json_type_string)
		    ? json_object_get_string(val)
		    : json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN));
	}
	json_object_put(o);
	return 0;
}

static int
cmd_settings_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_read_exec(ctx, argc, argv, cmd_read_parse, cmd_settings_run, cmd_settings_print);
}

const struct cmd_entry cmd_settings_entry = {
	.name = "settings",
	.usage = "[--json]",
	.summary = "show the studio's settings",
	.exec = cmd_settings_exec,
	.flags = 0,
};
