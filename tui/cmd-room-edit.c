/* cmd-room-edit.c: `redlight room-edit ROOM [--name N] [--capacity N]
 * [--tags a,b] [--equipment x,y] [--color #rrggbb] [--description T]
 * [--active yes|no]`: change a room (admins). */
#include "tui/setup.h"

const struct setup_spec cmd_room_edit_spec = {
	.op = DB_SETUP_ROOM_SAVE,
	.npos = 1,
	.pos = { SETUP_TARGET },
	.pos_missing = "name the room to change",
	.values = { "name", "capacity", "tags", "equipment", "color", "description", "active", NULL },
	.flags = { NULL },
};

static int
cmd_room_edit_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return setup_exec(ctx, argc, argv, &cmd_room_edit_spec);
}

const struct cmd_entry cmd_room_edit_entry = {
	.name = "room-edit",
	.usage = "ROOM [--name N] [--capacity N] [--tags a,b] [--equipment x,y] [--color #rrggbb] "
	    "[--description T] [--active yes|no] [--as EMAIL] [--json]",
	.summary = "change a room (admins)",
	.exec = cmd_room_edit_exec,
	.flags = 0,
};
