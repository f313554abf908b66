/* cmd-staff-add.c: `redlight staff-add EMAIL NAME [--skills a,b] [--rate
 * CENTS]`: a staff member and their account (role staff), signing in with
 * REDLIGHT_NEW_PASSWORD, or unable to sign in when it is unset (admins).
 * The console's form passes the password in struct setup_cmd instead. */
#include "tui/setup.h"

const struct setup_spec cmd_staff_add_spec = {
	.op = DB_SETUP_STAFF_ADD,
	.npos = 2,
	.pos = { "email", "name" },
	.pos_missing = "give the staff member's email and name",
	.values = { "skills", "rate", NULL },
	.flags = { NULL },
	.new_password = 1,
};

static int
cmd_staff_add_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return setup_exec(ctx, argc, argv, &cmd_staff_add_spec);
}

const struct cmd_entry cmd_staff_add_entry = {
	.name = "staff-add",
	.usage = "EMAIL NAME [--skills a,b] [--rate CENTS] [--as EMAIL] [--json]",
	.summary = "add a staff member (REDLIGHT_NEW_PASSWORD; admins)",
	.exec = cmd_staff_add_exec,
	.flags = 0,
};
