/* cmd-seed.c: `redlight seed demo`, load the demo studio into an empty
 * database. */
#include <string.h>

#include "tui/cmd.h"

static int
cmd_seed_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct cmd_opt opts[] = { { NULL, 0, NULL } };
	char *rest[1];
	int nrest, seeded = 0, rc;
	struct err e;

	rc = cmd_parse(ctx, argc, argv, opts, rest, 1, &nrest);
	if (rc != 0)
		return rc;
	if (nrest != 1)
		return cmd_usage_error(ctx, "name the data set to load");
	if (strcmp(rest[0], "demo") != 0)
		return cmd_usage_error(ctx, "unknown data set '%s' (there is only 'demo')", rest[0]);
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (db_seed_demo(ctx->db, &seeded, &e) != 0)
		return cmd_fail(ctx, &e);
	if (seeded)
		fputs("seed: demo studio loaded\n", ctx->out);
	else
		fputs("seed: the database already has rooms; nothing loaded\n", ctx->out);
	return 0;
}

const struct cmd_entry cmd_seed_entry = {
	.name = "seed",
	.usage = "demo",
	.summary = "load the demo studio into an empty database",
	.exec = cmd_seed_exec,
	.flags = 0,
};
