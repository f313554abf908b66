/* cmd-buffer-set.c: `redlight buffer-set (--room R|--service S|--staff S)
 * --before MIN --after MIN`: the setup and teardown time kept around a
 * session (admins). */
#include "tui/setup.h"

const struct setup_spec cmd_buffer_set_spec = {
	.op = DB_SETUP_BUFFER_SET,
	.npos = 0,
	.pos_missing = "buffer-set takes no arguments, only options",
	.values = { "room", "service", "staff", "before", "after", NULL },
	.flags = { NULL },
};

static int
cmd_buffer_set_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return setup_exec(ctx, argc, argv, &cmd_buffer_set_spec);
}

const struct cmd_entry cmd_buffer_set_entry = {
	.name = "buffer-set",
	.usage = "--before MIN --after MIN [--room R|--service S|--staff S] [--as EMAIL] [--json]",
	.summary = "set buffers around sessions (admins)",
	.exec = cmd_buffer_set_exec,
	.flags = 0,
};
