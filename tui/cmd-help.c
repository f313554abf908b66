/* cmd-help.c: `redlight help [COMMAND]`. */
#include "tui/cmd.h"

static int
cmd_help_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *rest[1];
	int nrest, rc;
	static const struct cmd_opt opts[] = { { NULL, 0, NULL } };
	const struct cmd_entry *en;

	rc = cmd_parse(ctx, argc, argv, opts, rest, 1, &nrest);
	if (rc != 0)
		return rc;
	if (nrest == 0) {
		cmd_print_help(ctx->out);
		return 0;
	}
	en = cmd_find(rest[0]);
	if (en == NULL)
		return cmd_usage_error(ctx, "unknown command '%s'", rest[0]);
	cmd_print_usage(ctx->out, en);
	return 0;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "list the commands, or show one's usage",
	.exec = cmd_help_exec,
	.flags = 0,
};
