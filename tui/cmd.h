/* cmd.h: redlight's commands, tmux-style.
 *
 * Every action is a named command. Each lives in its own file,
 * tui/cmd-NAME.c, which exports one `const struct cmd_entry cmd_NAME_entry`
 * and keeps everything else static; cmd.c lists them all in cmd_table.
 * `redlight NAME ARGS...` runs one from a shell. A console key that changes
 * something runs the same entry through cmd_run with the console's context
 * (ui_cmd), so no action exists only on the screen; the console itself
 * only reads (tui/model.h).
 *
 * Adding a command: write tui/cmd-NAME.c with its entry, declare it below,
 * add it to cmd_table in cmd.c and to tui/local.mk, document it in
 * man/redlight.1 and cover it in tests/tui/test-cli.sh. */
#ifndef REDLIGHT_CMD_H
#define REDLIGHT_CMD_H

#include <stdio.h>

#include "core/conf.h"
#include "core/err.h"
#include "db/db.h"

/* Exit statuses that are not error codes (err_exit_status gives the rest). */
#define CMD_EXIT_USAGE 64    /* bad command line, like sysexits' EX_USAGE */

/* What one run of a command sees. main fills it once; the console reuses it
 * for every command its keys run. */
struct cmd_ctx {
	const char *config_path;  /* --config FILE, or NULL for the search order */
	struct conf conf;         /* loaded by the first cmd_db */
	int conf_loaded;
	struct db *db;            /* opened by the first cmd_db; main closes it */
	FILE *out;                /* results (stdout) */
	FILE *err;                /* one-line errors (stderr) */
	const struct cmd_entry *entry; /* the command running now */
};

struct cmd_entry {
	const char *name;
	const char *usage;        /* arguments after the name: "[--json]" */
	const char *summary;      /* one line for `redlight help` */
	/* exec: argv[0] is the command's name. Returns the process exit status:
	 * 0, CMD_EXIT_USAGE, or err_exit_status(code); on failure it has
	 * already printed one line on ctx->err (cmd_fail, cmd_usage_error). */
	int (*exec)(struct cmd_ctx *ctx, int argc, char **argv);
	unsigned flags;           /* CMD_* below */
};

#define CMD_TTY 0x1           /* needs a terminal on stdin and stdout:
                               * cmd_run refuses to run it otherwise */

extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_migrate_entry;
extern const struct cmd_entry cmd_seed_entry;
extern const struct cmd_entry cmd_rooms_entry;
extern const struct cmd_entry cmd_bookings_entry;
extern const struct cmd_entry cmd_console_entry;

/* cmd_table: every command, NULL-terminated, in the order help lists them. */
extern const struct cmd_entry *const cmd_table[];

/* cmd_find: the entry named name, or NULL. Cannot fail. */
const struct cmd_entry *cmd_find(const char *name);

/* cmd_run: run entry with argv (argv[0] its name): answers "--help" with
 * the command's usage, checks CMD_TTY, then calls exec. Returns the exit
 * status; every failure has printed one line on ctx->err. */
int cmd_run(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv);

/* cmd_db: make ctx->db usable: load the configuration and connect, each
 * only the first time. A command calls it after checking its arguments,
 * so a usage error is reported as one even without a database. Returns 0,
 * or prints the reason ("redlight: cannot connect to the database: ...")
 * and returns the exit status to give back. */
int cmd_db(struct cmd_ctx *ctx);

/* cmd_open_db: cmd_db without printing: 0 or an ERR_* code with e filled. */
int cmd_open_db(struct cmd_ctx *ctx, struct err *e);

/* cmd_ctx_init / cmd_ctx_done: set defaults (stdout, stderr, nothing open);
 * close what a run opened. cmd_ctx_done cannot fail. */
void cmd_ctx_init(struct cmd_ctx *ctx);
void cmd_ctx_done(struct cmd_ctx *ctx);

/* cmd_fail: print "redlight: MSG" for e on ctx->err and return
 * err_exit_status(e->code) (1 when e reports no code). */
int cmd_fail(struct cmd_ctx *ctx, const struct err *e);

/* cmd_usage_error: print "redlight: CMD: MESSAGE (usage: redlight CMD
 * USAGE)" on ctx->err and return CMD_EXIT_USAGE. */
int cmd_usage_error(struct cmd_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* cmd_print_usage: "usage: redlight NAME USAGE" and the summary on f. */
void cmd_print_usage(FILE *f, const struct cmd_entry *entry);

/* cmd_print_help: the program's usage, global options and every command. */
void cmd_print_help(FILE *f);

/* Options of one command, parsed from argv[1..]. Long options only, each
 * either a flag or taking one value ("--date 2027-03-14" or "--date=...").
 * Positional arguments are left in order in *rest. */
struct cmd_opt {
	const char *name;         /* without the dashes: "json" */
	int takes_value;
	const char **value;       /* receives the value (or "1" for a flag) */
};

/* cmd_parse: match argv[1..argc-1] against opts (terminated by a NULL
 * name). Non-option arguments go to rest (at most maxrest, count in
 * *nrest). An unknown option, a missing value or too many arguments print
 * a usage error and return CMD_EXIT_USAGE; otherwise 0. "--" ends options. */
int cmd_parse(struct cmd_ctx *ctx, int argc, char **argv, const struct cmd_opt *opts,
    char **rest, int maxrest, int *nrest);

#endif
