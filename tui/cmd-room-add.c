/* cmd-room-add.c: `redlight room-add NAME [--capacity N] [--tags a,b]
 * [--equipment x,y] [--color #rrggbb] [--description T]`: a new room
 * (admins). */
#include "tui/setup.h"

const struct setup_spec cmd_room_add_spec = {
	.op = DB_SETUP_ROOM_SAVE,
	.npos = 1,
	.pos = { "name" },
	.pos_missing = "give the room's name",
	.values = { "capacity", "tags", "equipment", "color", "description", NULL },
	.flags = { NULL },
};

static int
cmd_room_add_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return setup_exec(ctx, argc, argv, &cmd_room_add_spec);
}

const struct cmd_entry cmd_room_add_entry = {
	.name = "room-add",
	.usage = "NAME [--capacity N] [--tags a,b] [--equipment x,y] [--color #rrggbb] "
	    "[--description T] [--as EMAIL] [--json]",
	.summary = "add a room (admins)",
	.exec = cmd_room_add_exec,
	.flags = 0,
};
