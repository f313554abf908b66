/* cmd-staff-add.c: `redlight staff-add EMAIL NAME [--skills a,b] [--rate
 * CENTS]`: a staff member and their account (role staff), signing in with
 * REDLIGHT_NEW_PASSWORD, or unable to sign in when it is unset (admins). */
#include <stdlib.h>

#include "tui/setup.h"

static int
cmd_staff_add_prep(struct cmd_ctx *ctx, const char *target, struct json_object *args)
{
	const char *pw = getenv("REDLIGHT_NEW_PASSWORD");
	char hash[128];
	struct err e;

	(void)target;
	if (pw == NULL || pw[0] == '\0')
		return 0;
	err_clear(&e);
	if (db_password_hash(pw, hash, sizeof(hash), &e) != 0)
		return cmd_fail(ctx, &e);
	json_object_object_add(args, "password_hash", json_object_new_string(hash));
	return 0;
}

static const struct setup_spec cmd_staff_add_spec = {
	.op = DB_SETUP_STAFF_ADD,
	.npos = 2,
	.pos = { "email", "name" },
	.pos_missing = "give the staff member's email and name",
	.values = { "skills", "rate", NULL },
	.flags = { NULL },
	.prep = cmd_staff_add_prep,
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
