/* cmd-service-edit.c: `redlight service-edit SERVICE [--name N]
 * [--duration MIN] [--price CENTS] [--engineer yes|no] [--skill S]
 * [--room-tags a,b] [--addon yes|no] [--description T] [--active yes|no]`:
 * change a service (admins). An empty --skill "" requires none. */
#include "tui/setup.h"

const struct setup_spec cmd_service_edit_spec = {
	.op = DB_SETUP_SERVICE_SAVE,
	.npos = 1,
	.pos = { SETUP_TARGET },
	.pos_missing = "name the service to change",
	.values = { "name", "duration", "price", "engineer", "skill", "room-tags", "addon",
	    "description", "active", NULL },
	.flags = { NULL },
};

static int
cmd_service_edit_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return setup_exec(ctx, argc, argv, &cmd_service_edit_spec);
}

const struct cmd_entry cmd_service_edit_entry = {
	.name = "service-edit",
	.usage = "SERVICE [--name N] [--duration MIN] [--price CENTS] [--engineer yes|no] [--skill S] "
	    "[--room-tags a,b] [--addon yes|no] [--description T] [--active yes|no] [--as EMAIL] [--json]",
	.summary = "change a service (admins)",
	.exec = cmd_service_edit_exec,
	.flags = 0,
};
