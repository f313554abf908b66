/* setup.h (tui): what the setup commands (room-add, service-edit,
 * rule-add, settings-set, ...) share. Each describes its arguments in a
 * struct setup_spec (exported below, so the setup screen fills the same
 * command) and is a command as data: setup_parse turns the command line
 * into a struct setup_cmd (the JSON arguments of one db_setup call,
 * db/setup.h), setup_run does it as ctx->actor and gives back the
 * database's answer and struct err. `redlight NAME` prints the answer's
 * message, or with --json the whole answer. */
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
	int new_password;         /* the command line's parse reads the new
	                           * account's password from REDLIGHT_NEW_PASSWORD */
	/* prep: after the database is open: check or rewrite args (target
	 * may be NULL). Returns 0, or ERR_INVALID with e naming the field (a
	 * value that does not parse) or another code. May be NULL. */
	int (*prep)(struct cmd_ctx *ctx, const char *target, struct json_object *args, struct err *e);
};

extern const struct setup_spec cmd_room_add_spec, cmd_room_edit_spec, cmd_service_add_spec,
    cmd_service_edit_spec, cmd_staff_add_spec, cmd_staff_edit_spec, cmd_rule_add_spec,
    cmd_rule_del_spec, cmd_exception_add_spec, cmd_exception_del_spec, cmd_buffer_set_spec,
    cmd_settings_set_spec;

/* One setup command, as data. */
struct setup_cmd {
	const struct setup_spec *spec;
	const char *target;       /* db_setup's target, or NULL */
	struct json_object *args; /* the arguments by key; setup_cmd_done frees */
	const char *new_password; /* staff-add: the account's password; NULL
	                           * or "": it cannot sign in yet */
	const char *as;
	int json;
};

/* What a run gave back. */
struct setup_result {
	struct json_object *res;  /* the database's answer; setup_result_done */
	int early;                /* refused by prep, before the database was
	                           * asked: the command line's usage error */
};

/* setup_parse: argv into *out as s says (out->args is new). A usage
 * error is printed and its exit status returned; 0 otherwise. */
int setup_parse(struct cmd_ctx *ctx, int argc, char **argv, const struct setup_spec *s,
    struct setup_cmd *out);

/* setup_run: c's prep, the password's hash, then db_setup as ctx->actor.
 * Returns 0 (out->res is the answer) or an ERR_* code with e filled (its
 * field names the value at fault). */
int setup_run(struct cmd_ctx *ctx, const struct setup_cmd *c, struct setup_result *out,
    struct err *e);

/* setup_message: the answer's message ("added room Studio C"), "" when it
 * has none. */
const char *setup_message(const struct setup_result *r);

/* setup_error: the line a failure says, naming the field unless its
 * message does, into buf. */
void setup_error(const struct err *e, char *buf, size_t len);

void setup_cmd_done(struct setup_cmd *c);
void setup_result_done(struct setup_result *r);

/* setup_exec: `redlight NAME`: parse, the actor, run, print. */
int setup_exec(struct cmd_ctx *ctx, int argc, char **argv, const struct setup_spec *s);

#endif
