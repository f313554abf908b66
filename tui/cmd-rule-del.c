/* cmd-rule-del.c: `redlight rule-del ID`: delete a weekly rule by its id
 * or first characters (as `rules` shows them). Admins; staff their own. */
#include "tui/setup.h"

const struct setup_spec cmd_rule_del_spec = {
	.op = DB_SETUP_RULE_DEL,
	.npos = 1,
	.pos = { SETUP_TARGET },
	.pos_missing = "give the rule's id (see 'redlight rules')",
	.values = { NULL },
	.flags = { NULL },
};

static int
cmd_rule_del_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return setup_exec(ctx, argc, argv, &cmd_rule_del_spec);
}

const struct cmd_entry cmd_rule_del_entry = {
	.name = "rule-del",
	.usage = "ID [--as EMAIL] [--json]",
	.summary = "delete a weekly rule",
	.exec = cmd_rule_del_exec,
	.flags = 0,
};
