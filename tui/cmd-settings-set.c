/* cmd-settings-set.c: `redlight settings-set KEY VALUE`: change one of
 * the studio's settings (admins). A time zone must be one the system's
 * zone files know (tz_load_system); cancellation tiers must parse as the
 * policy reads them (policy_parse_tiers); the database checks the rest. */
#include <string.h>

#include "core/policy.h"
#include "db/tzfile.h"
#include "tui/setup.h"

static int
cmd_settings_set_prep(struct cmd_ctx *ctx, const char *target, struct json_object *args,
    struct err *e)
{
	struct json_object *v;
	const char *value;
	struct err why;

	if (!json_object_object_get_ex(args, "value", &v))
		return 0;
	value = json_object_get_string(v);
	(void)ctx;
	err_clear(&why);
	if (strcmp(target, "timezone") == 0) {
		struct tz *tz = NULL;
		if (tz_load_system(value, &tz, &why) != 0)
			return err_set(e, ERR_INVALID, "timezone", "timezone: %s", why.msg);
		tz_free(tz);
	} else if (strcmp(target, "cancellation_tiers") == 0) {
		struct policy p;
		memset(&p, 0, sizeof(p));
		if (policy_parse_tiers(value, &p, &why) != 0)
			return err_set(e, ERR_INVALID, "cancellation_tiers", "cancellation_tiers: %s",
			    why.msg);
	}
	return 0;
}

const struct setup_spec cmd_settings_set_spec = {
	.op = DB_SETUP_SETTINGS_SET,
	.npos = 2,
	.pos = { SETUP_TARGET, "value" },
	.pos_missing = "give the setting's name and its new value",
	.values = { NULL },
	.flags = { NULL },
	.prep = cmd_settings_set_prep,
};

static int
cmd_settings_set_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return setup_exec(ctx, argc, argv, &cmd_settings_set_spec);
}

const struct cmd_entry cmd_settings_set_entry = {
	.name = "settings-set",
	.usage = "KEY VALUE [--as EMAIL] [--json]",
	.summary = "change one setting (admins)",
	.exec = cmd_settings_set_exec,
	.flags = 0,
};
