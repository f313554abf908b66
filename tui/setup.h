/* setup.h (tui): what the setup commands (room-add, service-edit,
 * rule-add, settings-set, ...) share: each describes its arguments in a
 * struct setup_spec and runs setup_exec, which turns the command line into
 * the JSON arguments of one db_setup call (db/setup.h) as the actor
 * (--as), and prints its message, or with --json its whole result. */
#ifndef REDLIGHT_TUI_SETUP_H
#define REDLIGHT_TUI_SETUP_H

#include <json-c/json.h>

#include "db/setup.h"
#include "tui/cmd.h"

#define SETUP_TARGET "@"      /* a positional that is db_setup's target */

struct setup_spec {
	enum db_setup_op op;
	int npos;                 /* positionals required, exactly */
	const char *pos[3];       /* their JSON keys, or SETUP_TARGET */
	const char *pos_missing;  /* the usage error when their count is wrong */
	const char *values[16];   /* options taking a value, NULL-terminated;
	                           * "room-tags" becomes the key "room_tags" */
	const char *flags[8];     /* flags, sent as "yes" */
	/* prep: after the database is open and before the actor signs in:
	 * check or rewrite args (target may be NULL). Returns 0 or the exit
	 * status, having printed why. May be NULL. */
	int (*prep)(struct cmd_ctx *ctx, const char *target, struct json_object *args);
};

int setup_exec(struct cmd_ctx *ctx, int argc, char **argv, const struct setup_spec *s);

/* setup_fail: print a db_setup failure (its message names the field). */
int setup_fail(struct cmd_ctx *ctx, const struct err *e);

#endif
