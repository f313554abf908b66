/* cmd-rule-add.c: `redlight rule-add (--studio|--room R|--staff S) --days
 * mon,tue --from HH:MM --to HH:MM [--effective-from D] [--effective-to D]`:
 * weekly opening or working hours, studio time. A rule overlapping
 * another of the same target on a same weekday is refused. Admins; staff
 * for themselves (--staff SELF). */
#include "tui/setup.h"

const struct setup_spec cmd_rule_add_spec = {
	.op = DB_SETUP_RULE_ADD,
	.npos = 0,
	.pos_missing = "rule-add takes no arguments, only options",
	.values = { "room", "staff", "days", "from", "to", "effective-from", "effective-to", NULL },
	.flags = { "studio", NULL },
};

static int
cmd_rule_add_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return setup_exec(ctx, argc, argv, &cmd_rule_add_spec);
}

const struct cmd_entry cmd_rule_add_entry = {
	.name = "rule-add",
	.usage = "--days mon,tue --from HH:MM --to HH:MM [--studio|--room R|--staff S] "
	    "[--effective-from D] [--effective-to D] [--as EMAIL] [--json]",
	.summary = "add weekly hours (staff: --staff SELF)",
	.exec = cmd_rule_add_exec,
	.flags = 0,
};
