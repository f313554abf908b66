/* cmd-migrate.c: `redlight migrate`, apply the embedded migrations, then
 * the changed function families. */
#include "tui/cmd.h"

static int
cmd_migrate_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct cmd_opt opts[] = { { NULL, 0, NULL } };
	char *rest[1];
	int nrest, applied = 0, families = 0, version = 0, rc;
	struct err e;

	rc = cmd_parse(ctx, argc, argv, opts, rest, 0, &nrest);
	if (rc != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (db_migrate_counted(ctx->db, &applied, &families, &e) != 0 ||
	    db_schema_version(ctx->db, &version, &e) != 0)
		return cmd_fail(ctx, &e);
	fprintf(ctx->out, "migrations: %d applied, schema at version %d\n", applied, version);
	if (families > 0)
		fprintf(ctx->out, "function families: %d applied\n", families);
	return 0;
}

const struct cmd_entry cmd_migrate_entry = {
	.name = "migrate",
	.usage = "",
	.summary = "bring the schema up to date (safe to repeat)",
	.exec = cmd_migrate_exec,
	.flags = 0,
};
