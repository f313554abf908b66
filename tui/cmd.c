/* cmd.c: the command table and what every command shares (configuration,
 * the database, error lines, option parsing). */
#include "tui/cmd.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

const struct cmd_entry *const cmd_table[] = {
	&cmd_console_entry,
	&cmd_rooms_entry,
	&cmd_bookings_entry,
	&cmd_migrate_entry,
	&cmd_seed_entry,
	&cmd_help_entry,
	NULL,
};

const struct cmd_entry *
cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

void
cmd_ctx_init(struct cmd_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->out = stdout;
	ctx->err = stderr;
}

void
cmd_ctx_done(struct cmd_ctx *ctx)
{
	db_close(ctx->db);
	ctx->db = NULL;
}

int
cmd_open_db(struct cmd_ctx *ctx, struct err *e)
{
	int rc;

	if (!ctx->conf_loaded) {
		/* conf_load may leave a half-filled struct on failure, so load
		 * into a copy and keep it only when it is whole */
		struct conf c;
		rc = conf_load(&c, ctx->config_path, NULL, 0, e);
		if (rc != 0)
			return rc;
		ctx->conf = c;
		ctx->conf_loaded = 1;
	}
	if (ctx->db == NULL) {
		rc = db_open(ctx->conf.database_url, &ctx->db, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
cmd_db(struct cmd_ctx *ctx)
{
	struct err e;

	err_clear(&e);
	if (cmd_open_db(ctx, &e) != 0)
		return cmd_fail(ctx, &e);
	return 0;
}

int
cmd_fail(struct cmd_ctx *ctx, const struct err *e)
{
	const char *msg = e->msg[0] ? e->msg : err_name(e->code);

	fprintf(ctx->err, "redlight: %s\n", msg);
	return e->code != ERR_OK ? err_exit_status(e->code) : 1;
}

int
cmd_usage_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	const struct cmd_entry *en = ctx->entry;

	fputs("redlight: ", ctx->err);
	if (en != NULL)
		fprintf(ctx->err, "%s: ", en->name);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	if (en != NULL)
		fprintf(ctx->err, " (usage: redlight %s%s%s)", en->name,
		    en->usage[0] ? " " : "", en->usage);
	fputc('\n', ctx->err);
	return CMD_EXIT_USAGE;
}

void
cmd_print_usage(FILE *f, const struct cmd_entry *entry)
{
	fprintf(f, "usage: redlight [--config FILE] %s%s%s\n%s\n", entry->name,
	    entry->usage[0] ? " " : "", entry->usage, entry->summary);
}

void
cmd_print_help(FILE *f)
{
	fputs("usage: redlight [--config FILE] [COMMAND [ARGS...]]\n"
	    "       redlight --version | --help\n"
	    "\n"
	    "With no command, redlight opens the console (it needs a terminal).\n"
	    "\n"
	    "Options:\n"
	    "  -c, --config FILE  read FILE instead of the usual redlight.conf\n"
	    "  -h, --help         show this help\n"
	    "  -V, --version      show the version\n"
	    "\n"
	    "Commands:\n", f);
	/* a long usage takes its own line and the summary goes under it,
	 * so the help fits 80 columns */
	const int width = 20;
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *en = cmd_table[i];
		char left[128];
		snprintf(left, sizeof(left), "%s%s%s", en->name, en->usage[0] ? " " : "",
		    en->usage);
		if ((int)strlen(left) > width)
			fprintf(f, "  %s\n  %-*s  %s\n", left, width, "", en->summary);
		else
			fprintf(f, "  %-*s  %s\n", width, left, en->summary);
	}
	fputs("\nThe database comes from DATABASE_URL (or database_url in redlight.conf)\n"
	    "or libpq's PG* variables. See redlight(1).\n", f);
}

int
cmd_run(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv)
{
	struct err e;
	int status;

	ctx->entry = entry;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cmd_print_usage(ctx->out, entry);
			return 0;
		}
	}
	if ((entry->flags & CMD_TTY) && !(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))) {
		err_set(&e, ERR_IO, NULL, "the %s needs a terminal; to script redlight, "
		    "run one of its commands (try 'redlight help')", entry->name);
		return cmd_fail(ctx, &e);
	}
	status = entry->exec(ctx, argc, argv);
	ctx->entry = NULL;
	return status;
}

static const struct cmd_opt *
cmd_opt_find(const struct cmd_opt *opts, const char *name, size_t len)
{
	for (; opts->name != NULL; opts++)
		if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
			return opts;
	return NULL;
}

int
cmd_parse(struct cmd_ctx *ctx, int argc, char **argv, const struct cmd_opt *opts,
    char **rest, int maxrest, int *nrest)
{
	int only_args = 0;

	*nrest = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!only_args && strcmp(a, "--") == 0) {
			only_args = 1;
			continue;
		}
		if (only_args || a[0] != '-' || a[1] == '\0') {
			if (*nrest >= maxrest)
				return cmd_usage_error(ctx, "unexpected argument '%s'", a);
			rest[(*nrest)++] = argv[i];
			continue;
		}
		if (a[1] != '-')
			return cmd_usage_error(ctx, "unknown option '%s'", a);
		const char *name = a + 2;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct cmd_opt *o = cmd_opt_find(opts, name, len);
		if (o == NULL)
			return cmd_usage_error(ctx, "unknown option '--%.*s'", (int)len, name);
		if (!o->takes_value) {
			if (eq != NULL)
				return cmd_usage_error(ctx, "option '--%s' takes no value", o->name);
			*o->value = "1";
		} else if (eq != NULL) {
			*o->value = eq + 1;
		} else if (i + 1 < argc) {
			*o->value = argv[++i];
		} else {
			return cmd_usage_error(ctx, "option '--%s' needs a value", o->name);
		}
	}
	return 0;
}
