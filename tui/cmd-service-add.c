/* cmd-service-add.c: `redlight service-add NAME --duration MIN --price
 * CENTS [--engineer] [--skill S] [--room-tags a,b] [--addon]
 * [--description T]`: a new service (admins). */
#include "tui/setup.h"

const struct setup_spec cmd_service_add_spec = {
	.op = DB_SETUP_SERVICE_SAVE,
	.npos = 1,
	.pos = { "name" },
	.pos_missing = "give the service's name",
	.values = { "duration", "price", "skill", "room-tags", "description", NULL },
	.flags = { "engineer", "addon", NULL },
};

static int
cmd_service_add_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return setup_exec(ctx, argc, argv, &cmd_service_add_spec);
}

const struct cmd_entry cmd_service_add_entry = {
	.name = "service-add",
	.usage = "NAME --duration MIN --price CENTS [--engineer] [--skill S] [--room-tags a,b] "
	    "[--addon] [--description T] [--as EMAIL] [--json]",
	.summary = "add a service (admins)",
	.exec = cmd_service_add_exec,
	.flags = 0,
};
