/* cmd-staff-edit.c: `redlight staff-edit STAFF [--name N] [--skills a,b]
 * [--rate CENTS] [--active yes|no]`: change a staff member (admins).
 * Deactivating someone still assigned to a live booking to come is
 * refused, naming the bookings, until they are reassigned. */
#include "tui/setup.h"

const struct setup_spec cmd_staff_edit_spec = {
	.op = DB_SETUP_STAFF_EDIT,
	.npos = 1,
	.pos = { SETUP_TARGET },
	.pos_missing = "name the staff member to change",
	.values = { "name", "skills", "rate", "active", NULL },
	.flags = { NULL },
};

static int
cmd_staff_edit_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return setup_exec(ctx, argc, argv, &cmd_staff_edit_spec);
}

const struct cmd_entry cmd_staff_edit_entry = {
	.name = "staff-edit",
	.usage = "STAFF [--name N] [--skills a,b] [--rate CENTS] [--active yes|no] [--as EMAIL] [--json]",
	.summary = "change a staff member (admins)",
	.exec = cmd_staff_edit_exec,
	.flags = 0,
};
