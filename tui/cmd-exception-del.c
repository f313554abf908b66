/* cmd-exception-del.c: `redlight exception-del ID`: delete an exception
 * or blackout by its id or first characters. Admins; staff their own. */
#include "tui/setup.h"

const struct setup_spec cmd_exception_del_spec = {
	.op = DB_SETUP_EXCEPTION_DEL,
	.npos = 1,
	.pos = { SETUP_TARGET },
	.pos_missing = "give the exception's id (see 'redlight rules')",
	.values = { NULL },
	.flags = { NULL },
};

static int
cmd_exception_del_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return setup_exec(ctx, argc, argv, &cmd_exception_del_spec);
}

const struct cmd_entry cmd_exception_del_entry = {
	.name = "exception-del",
	.usage = "ID [--as EMAIL] [--json]",
	.summary = "delete an exception or blackout",
	.exec = cmd_exception_del_exec,
	.flags = 0,
};
