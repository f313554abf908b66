/* cmd-console.c: `redlight console` (and `redlight` alone), the ncurses
 * console: sign in, then the day's rooms and bookings. */
#include "tui/cmd.h"
#include "tui/ui.h"

static int
cmd_console_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct cmd_opt opts[] = { { NULL, 0, NULL } };
	char *rest[1];
	int nrest, rc;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 0, &nrest)) != 0)
		return rc;
	/* connect before taking the screen, so a missing database is one
	 * plain line on stderr */
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	return ui_run(ctx, &view_login, NULL);
}

const struct cmd_entry cmd_console_entry = {
	.name = "console",
	.usage = "",
	.summary = "open the console (the default; needs a terminal)",
	.exec = cmd_console_exec,
	.flags = CMD_TTY,
};
