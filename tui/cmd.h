/* cmd.h: redlight's commands, tmux-style.
 *
 * Every action is a named command. Each lives in its own file,
 * tui/cmd-NAME.c, which exports one `const struct cmd_entry cmd_NAME_entry`
 * and keeps everything else static; cmd.c lists them all in cmd_table.
 * `redlight NAME ARGS...` runs one from a shell. A console key that changes
 * something, and a console screen that reads, calls the same command's run
 * step with the console's context (ui_cmd; commands as data, below), or
 * the same db/ read, so no action exists only on the screen and no screen
 * reads its data another way than its command.
 *
 * Adding a command: write tui/cmd-NAME.c with its entry, declare it below,
 * add it to cmd_table in cmd.c and to tui/local.mk, document it in
 * man/redlight.1 and cover it in tests/tui/test-cli.sh. */
#ifndef REDLIGHT_CMD_H
#define REDLIGHT_CMD_H

#include <stdio.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/tz.h"
#include "db/admin.h"
#include "db/booking.h"
#include "db/hold.h"
#include "db/db.h"
#include "tui/model.h"

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
	struct db_actor actor;    /* who acts: the console's user, or --as */
	int have_actor;
	struct err last_err;      /* what the last failure said (cmd_fail,
	                           * cmd_usage_error, cmd_field_error), so the
	                           * console can show it at the field at fault */
	/* send_to: while set, a read's run step sends its query on this
	 * connection instead of waiting for it (cmd_read_query), *json NULL:
	 * the console's reads not waited for; cmd_read_recv takes the answer */
	PGconn *send_to;
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
extern const struct cmd_entry cmd_queue_entry;
extern const struct cmd_entry cmd_approve_entry;
extern const struct cmd_entry cmd_reject_entry;
extern const struct cmd_entry cmd_booking_entry;
extern const struct cmd_entry cmd_cancel_entry;
extern const struct cmd_entry cmd_assign_staff_entry;
extern const struct cmd_entry cmd_swap_staff_entry;
extern const struct cmd_entry cmd_holds_entry;
extern const struct cmd_entry cmd_hold_entry;
extern const struct cmd_entry cmd_hold_release_entry;
extern const struct cmd_entry cmd_hold_extend_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_room_add_entry;
extern const struct cmd_entry cmd_room_edit_entry;
extern const struct cmd_entry cmd_service_add_entry;
extern const struct cmd_entry cmd_service_edit_entry;
extern const struct cmd_entry cmd_staff_add_entry;
extern const struct cmd_entry cmd_staff_edit_entry;
extern const struct cmd_entry cmd_rules_entry;
extern const struct cmd_entry cmd_rule_add_entry;
extern const struct cmd_entry cmd_rule_del_entry;
extern const struct cmd_entry cmd_exception_add_entry;
extern const struct cmd_entry cmd_exception_del_entry;
extern const struct cmd_entry cmd_buffer_set_entry;
extern const struct cmd_entry cmd_settings_entry;
extern const struct cmd_entry cmd_settings_set_entry;
extern const struct cmd_entry cmd_jobs_entry;
extern const struct cmd_entry cmd_job_retry_entry;
extern const struct cmd_entry cmd_notifications_entry;
extern const struct cmd_entry cmd_notification_resend_entry;
extern const struct cmd_entry cmd_notify_test_entry;
extern const struct cmd_entry cmd_job_cancel_entry;
extern const struct cmd_entry cmd_worker_entry;
extern const struct cmd_entry cmd_reschedule_entry;
extern const struct cmd_entry cmd_refund_entry;
extern const struct cmd_entry cmd_payments_entry;
extern const struct cmd_entry cmd_payments_check_entry;
extern const struct cmd_entry cmd_rotate_ics_token_entry;
extern const struct cmd_entry cmd_calendar_connect_entry;
extern const struct cmd_entry cmd_calendar_status_entry;

/* ---- commands as data ----
 * A command whose console form acts is two steps, tmux-style: parse
 * (argv to a struct; a usage error is printed and its exit status
 * returned) and run (struct to a result and struct err, printing
 * nothing). `redlight NAME` is parse, the actor, run, then the result as
 * text or --json; the console fills the struct from its form, calls run
 * and shows the error under the field struct err names. */

/* reschedule CODE START [--as EMAIL] [--dry-run] [--json] */
struct db_reschedule_result;
struct cmd_reschedule {
	const char *code;
	const char *start;        /* as typed: studio-local or RFC 3339 */
	const char *as;
	int dry_run, json;
};
int cmd_reschedule_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_reschedule *out);
/* cmd_reschedule_run: as ctx->actor (the caller made sure of one);
 * ERR_INVALID field "start" for a time that does not parse or is the
 * booking's own, else as db_booking_reschedule. */
int cmd_reschedule_run(struct cmd_ctx *ctx, const struct cmd_reschedule *c,
    struct db_reschedule_result *out, struct err *e);
/* cmd_reschedule_say: one line for a person ("moved RL-X to ..."). */
void cmd_reschedule_say(const struct db_reschedule_result *r, int dry_run, FILE *f);

/* refund CODE AMOUNT --reason R [--as EMAIL] [--json] */
struct db_refunds;
struct cmd_refund {
	const char *code;
	const char *amount;       /* as typed: dollars and cents, "25.50" */
	const char *reason;
	const char *as;
	int json;
};
int cmd_refund_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_refund *out);
/* cmd_refund_run: as ctx->actor (an admin); ERR_CONFIG when payments are
 * not configured, ERR_INVALID field "amount" for an amount that does not
 * parse or is more than is refundable (the message names what is), else
 * as db_refund_by_admin. *out holds the pending refunds, one per payment
 * row it took from (newest first). */
int cmd_refund_run(struct cmd_ctx *ctx, const struct cmd_refund *c, struct db_refunds *out,
    struct err *e);
/* cmd_refund_ready: 0 when refunds can be asked for (the database open,
 * payments configured), else ERR_CONFIG saying payments are not
 * configured. The console asks before it opens its refund form. */
int cmd_refund_ready(struct cmd_ctx *ctx, struct err *e);

/* payments [--attention] [--json] */
struct cmd_payments {
	int attention, json;
};
int cmd_payments_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_payments *out);
/* cmd_payments_run: DB_PAYMENTS_JSON_SQL's answer into *json (the
 * caller's: free()). */
int cmd_payments_run(struct cmd_ctx *ctx, const struct cmd_payments *c, char **json, struct err *e);
/* cmd_payments_str: a payments row's string field name, "" when absent
 * or null (borrowed). Cannot fail. */
struct json_object;
const char *cmd_payments_str(struct json_object *o, const char *name);
/* cmd_payments_note: what staff should know of one payment_json object p
 * at now ("authorization lapses in 5 h", its attention flag, "refund
 * pending"), "" when nothing. Cannot fail. */
void cmd_payments_note(const struct tz *tz, struct json_object *p, int64_t now, char *out,
    size_t len);

/* payments-check [--json] */
struct cmd_payments_check {
	int json;
};
struct cmd_payments_check_result {
	size_t payments, refunds; /* how many were compared */
	char **diffs;             /* one line per difference, "RL-X: ..." */
	size_t n;
};
int cmd_payments_check_parse(struct cmd_ctx *ctx, int argc, char **argv,
    struct cmd_payments_check *out);
/* cmd_payments_check_run: every payment with an intent and every refund
 * against Stripe (GETs only). ERR_CONFIG when payments are not configured;
 * Stripe's or the database's error when a read fails. The differences are
 * *out's; cmd_payments_check_free frees them (always call it). */
int cmd_payments_check_run(struct cmd_ctx *ctx, const struct cmd_payments_check *c,
    struct cmd_payments_check_result *out, struct err *e);
void cmd_payments_check_free(struct cmd_payments_check_result *r);

/* rotate-ics-token STAFF [--as EMAIL] [--json] */
struct cmd_rotate_ics_token {
	const char *staff;        /* name, email or id */
	const char *as;
	int json;
};
/* A staff member's calendar feed URL, both forms. */
struct cmd_feed_urls {
	char staff_id[37];
	char name[128];
	char webcal[600], https[600];
};
int cmd_rotate_ics_token_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_rotate_ics_token *out);
/* cmd_rotate_ics_token_run: as ctx->actor (an admin: ERR_AUTH when
 * nobody is signed in), as db_admin_staff_resolve and db_feed_rotate;
 * *out is the new URL. */
int cmd_rotate_ics_token_run(struct cmd_ctx *ctx, const struct cmd_rotate_ics_token *c,
    struct cmd_feed_urls *out, struct err *e);
/* cmd_feed_show_run: the current URL of staff member staff_id's feed (an
 * id), for an admin or that staff member signed in (ERR_FORBIDDEN
 * otherwise), as db_feed_token. */
int cmd_feed_show_run(struct cmd_ctx *ctx, const char *staff_id, struct cmd_feed_urls *out, struct err *e);
/* calendar-connect STAFF google|outlook [--as EMAIL] [--json] */
struct cmd_calendar_connect {
	const char *staff, *provider, *as;
	int json;
};
struct cmd_calendar_connect_result {
	char staff_id[37];
	char staff_name[128];
	const char *provider;     /* "google" or "outlook" (static) */
	char *url;                /* the consent URL */
	char *redirect_uri;       /* what must be registered with the provider */
};
int cmd_calendar_connect_parse(struct cmd_ctx *ctx, int argc, char **argv,
    struct cmd_calendar_connect *out);
/* cmd_calendar_connect_run: as ctx->actor (an admin): ERR_INVALID field
 * "provider" for another calendar, ERR_CONFIG when it is not configured
 * (conf_calendar_off), else as db_admin_staff_resolve and
 * db_calendar_connect_begin. Free *out with cmd_calendar_connect_free
 * (always). */
int cmd_calendar_connect_run(struct cmd_ctx *ctx, const struct cmd_calendar_connect *c,
    struct cmd_calendar_connect_result *out, struct err *e);
void cmd_calendar_connect_free(struct cmd_calendar_connect_result *r);

/* approve and reject CODE... [--note N] [--message M] [--override
 * --reason R] [--as EMAIL] [--json]: each code is its own run. */
#define CMD_DECIDE_MAX 64
struct cmd_decide {
	const char *codes[CMD_DECIDE_MAX];
	int n;
	const char *note, *message;
	const char *reason;       /* approve: with --override, NULL otherwise */
	const char *as;
	int json;
};
int cmd_approve_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_decide *out);
int cmd_reject_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_decide *out);
/* cmd_approve_run / cmd_reject_run: decide code as ctx->actor; as
 * db_booking_approve and db_booking_reject. */
int cmd_approve_run(struct cmd_ctx *ctx, const struct cmd_decide *c, const char *code,
    struct db_decide_result *out, struct err *e);
int cmd_reject_run(struct cmd_ctx *ctx, const struct cmd_decide *c, const char *code,
    struct db_decide_result *out, struct err *e);
/* cmd_approve_say: "approved RL-X" and what was set aside, into buf. */
void cmd_approve_say(const struct db_decide_result *o, const struct cmd_decide *c, char *buf,
    size_t len);

/* one line a command says */
#define CMD_LINE 400

/* cancel CODE --reason R [--dry-run] [--as EMAIL] [--json] */
struct cmd_cancel {
	const char *code, *reason, *as;
	int dry_run, json;
};
struct cmd_cancel_result {
	struct db_cancel_result c;
	char span[96];            /* the session, in studio time */
	int dry_run;
};
int cmd_cancel_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_cancel *out);
/* cmd_cancel_run: with dry_run what canceling now refunds (no actor
 * needed, nothing written), else cancel as ctx->actor; as
 * db_booking_cancel. */
int cmd_cancel_run(struct cmd_ctx *ctx, const struct cmd_cancel *c, struct cmd_cancel_result *out,
    struct err *e);
/* cmd_cancel_lines: the booking and what the policy refunds, one line
 * each (2 or 3) into lines; returns how many. */
int cmd_cancel_lines(const struct cmd_cancel_result *r, char lines[3][CMD_LINE]);

/* hold-extend ID MINUTES [--as EMAIL] [--json], hold-release ID [--as
 * EMAIL] [--json] */
struct cmd_hold_act {
	const char *id;           /* the hold's id or its first characters */
	const char *minutes;      /* hold-extend, as typed */
	const char *as;
	int json;
};
struct cmd_hold_result {
	struct db_hold h;
	int64_t expires;          /* hold-extend: the new expiry */
	char until[48];           /* the same in studio time */
};
int cmd_hold_extend_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_hold_act *out);
int cmd_hold_release_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_hold_act *out);
/* cmd_hold_extend_run: ERR_INVALID field "minutes" for minutes that do
 * not parse or pass the database's limit, else as db_hold_find and
 * db_hold_extend. out->until is the new expiry in studio time. */
int cmd_hold_extend_run(struct cmd_ctx *ctx, const struct cmd_hold_act *c,
    struct cmd_hold_result *out, struct err *e);
/* cmd_hold_release_run: as db_hold_find and db_hold_release. */
int cmd_hold_release_run(struct cmd_ctx *ctx, const struct cmd_hold_act *c,
    struct cmd_hold_result *out, struct err *e);
/* cmd_hold_act_say: what hold-extend (extended) or hold-release did, into
 * buf. */
void cmd_hold_act_say(const struct cmd_hold_result *r, int extended, char *buf, size_t len);

/* assign-staff CODE STAFF... [--override --reason R] [--as EMAIL] [--json] */
struct cmd_assign_staff {
	const char *code;
	const char *staff[DB_ADMIN_MAX_STAFF];   /* names, emails or ids */
	int n;
	const char *reason;       /* with --override, NULL otherwise */
	const char *as;
	int json;
};
struct cmd_staff_result {
	char code[32];
	char ids[DB_ADMIN_MAX_STAFF][37], names[DB_ADMIN_MAX_STAFF][128];
	int n;                    /* one person named twice counts once */
	struct db_decide_result out;
};
int cmd_assign_staff_parse(struct cmd_ctx *ctx, int argc, char **argv,
    struct cmd_assign_staff *out);
/* cmd_assign_staff_run: as db_admin_booking_find, db_admin_staff_resolve
 * and db_booking_assign_staff. */
int cmd_assign_staff_run(struct cmd_ctx *ctx, const struct cmd_assign_staff *c,
    struct cmd_staff_result *out, struct err *e);
/* cmd_assign_staff_say: "RL-X: staff now A, B ..." into buf. */
void cmd_assign_staff_say(const struct cmd_staff_result *r, const struct cmd_assign_staff *c,
    char *buf, size_t len);

/* swap-staff CODE STAFF CODE STAFF [--as EMAIL] [--json] */
struct cmd_swap_staff {
	const char *code_a, *staff_a, *code_b, *staff_b;
	const char *as;
	int json;
};
struct cmd_swap_result {
	char code_a[32], code_b[32];
	char name_a[128], name_b[128];
};
int cmd_swap_staff_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_swap_staff *out);
/* cmd_swap_staff_run: as db_admin_booking_find, db_admin_staff_resolve
 * and db_booking_swap_staff. */
int cmd_swap_staff_run(struct cmd_ctx *ctx, const struct cmd_swap_staff *c,
    struct cmd_swap_result *out, struct err *e);
/* cmd_swap_staff_say: "swapped: A now on RL-Y, B now on RL-X" into buf. */
void cmd_swap_staff_say(const struct cmd_swap_result *r, char *buf, size_t len);

/* hold ROOM START DURATION [--expires MIN] [--override --reason R] [--as
 * EMAIL] [--json] */
struct cmd_hold {
	const char *room, *start, *duration;   /* as typed */
	const char *expires;      /* minutes, or NULL for the studio's default */
	const char *reason;       /* with --override, NULL otherwise */
	const char *as;
	int json;
};
struct cmd_hold_placed {
	struct db_hold h;
	char room_name[128];
	char span[96], until[48]; /* in studio time */
};
int cmd_hold_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_hold *out);
/* cmd_hold_run: ERR_INVALID field "duration", "expires" or "start" for a
 * value that does not parse, else as db_admin_room_resolve and
 * db_hold_place. */
int cmd_hold_run(struct cmd_ctx *ctx, const struct cmd_hold *c, struct cmd_hold_placed *out,
    struct err *e);
/* cmd_hold_say: "held ROOM SPAN until ... (hold ID)" into buf. */
void cmd_hold_say(const struct cmd_hold_placed *r, char *buf, size_t len);

/* cmd_err_about: the line cmd_fail_about prints, without "redlight: ",
 * into buf. */
void cmd_err_about(const char *what, const struct err *e, const char *hint, char *buf, size_t len);

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

/* ---- the list and read commands as data ----
 * queue, holds, rooms, settings, booking and rules are a parse step (argv
 * to a struct cmd_read), a run step (the struct to the answer, as the
 * database shapes it in JSON, and struct err) and a printer (the answer
 * as text; with --json the answer itself). The console's screens call the
 * same run steps (or, with filters of their own, the same db/ reads). */
struct cmd_read {
	const char *code;         /* booking: its code */
	const char *target_type;  /* rules: "studio", "room", "staff" or NULL */
	const char *target;       /* rules: the room or staff member */
	const char *entity;       /* audit: a kind, a booking code or an id, or NULL */
	const char *actor;        /* audit: the actor's email, or NULL */
	const char *since;        /* audit: as typed (cmd_parse_when, a day allowed), or NULL */
	const struct tz *since_tz; /* audit: the zone since is read in; NULL: the studio's, read first */
	long limit;               /* audit: at most this many rows; 0: CMD_AUDIT_DEFAULT_LIMIT */
	int failed;               /* jobs: only the failed ones */
	int json;
};

/* audit's rows unless a limit is given, and the most it takes */
#define CMD_AUDIT_DEFAULT_LIMIT 100
#define CMD_AUDIT_MAX_LIMIT 100000

/* cmd_flags_parse: argv holding only --json and, when name is not NULL,
 * the flag --NAME (*flag 1 with it, 0 without; flag may be NULL when name
 * is); the parse step of every read shaped so. Returns cmd_parse's. */
int cmd_flags_parse(struct cmd_ctx *ctx, int argc, char **argv, const char *name, int *flag, int *json);

/* cmd_read_parse: the parse step of the reads that take only --json
 * (queue, holds, rooms, settings). Returns 0 or the usage exit status. */
int cmd_read_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_read *out);
/* cmd_booking_parse: CODE [--json]; cmd_rules_parse: [--studio|--room
 * R|--staff S] [--json] (one target at most: a field error "target"). */
int cmd_booking_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_read *out);
int cmd_rules_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_read *out);
/* cmd_audit_parse: [--entity E] [--actor EMAIL] [--since D] [--limit N]
 * [--json] (a field error "limit" out of 1..CMD_AUDIT_MAX_LIMIT);
 * cmd_failed_parse: [--failed] [--json] (jobs, notifications). */
int cmd_audit_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_read *out);
int cmd_failed_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_read *out);

/* The run steps: open the database if needed and read; *json (the
 * caller's: free()) is the answer: DB_ADMIN_QUEUE_JSON_SQL's,
 * DB_ADMIN_HOLDS_JSON_SQL's, DB_ROOMS_JSON_SQL's,
 * DB_SETUP_SETTINGS_JSON_SQL's, DB_ADMIN_BOOKING_JSON_SQL's (ERR_NOT_FOUND
 * field "code" when no booking has it, unless sent: with ctx->send_to the
 * answer's "bookings" is empty) and DB_SETUP_RULES_JSON_SQL's
 * (ERR_NOT_FOUND naming "room" or "staff" for an unknown target). */
int cmd_queue_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e);
int cmd_holds_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e);
int cmd_rooms_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e);
int cmd_settings_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e);
int cmd_booking_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e);
int cmd_rules_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e);
/* cmd_audit_run: DB_ADMIN_AUDIT_JSON_SQL's answer (ERR_INVALID field
 * "since" for a time that does not parse in the studio's zone);
 * cmd_jobs_run: DB_JOB_LIST_JSON_SQL's; cmd_notifications_run:
 * DB_NOTIFICATION_LIST_JSON_SQL's. The console's Audit, Jobs and
 * Notifications screens call them. */
int cmd_audit_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e);
int cmd_jobs_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e);
int cmd_notifications_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e);
/* cmd_calendar_status_run: DB_CALENDAR_STATUS_JSON_SQL's answer (every
 * staff calendar connection, the failing syncs); the setup screen's
 * calendar window (c under Staff) calls it. */
int cmd_calendar_status_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e);

/* cmd_read_query: what the run steps share: open the database (cmd_open_db)
 * and run sql with params into *json; with ctx->send_to, send it there
 * (PQsendQueryParams) and leave *json NULL. cmd_read_recv: the answer of
 * a read so sent, from its result, as cmd_read_query would have given it. */
int cmd_read_query(struct cmd_ctx *ctx, const char *sql, int nparams, const char *const *params,
    char **json, struct err *e);
int cmd_read_recv(const PGresult *res, char **json, struct err *e);

/* A read's steps, for cmd_read_exec. print writes the answer json as text
 * on ctx->out; it may fail (a reply it cannot read, the studio's zone). */
typedef int (*cmd_read_parse_fn)(struct cmd_ctx *, int, char **, struct cmd_read *);
typedef int (*cmd_read_run_fn)(struct cmd_ctx *, const struct cmd_read *, char **, struct err *);
typedef int (*cmd_read_print_fn)(struct cmd_ctx *, const struct cmd_read *, const char *,
    struct err *);

/* cmd_read_exec: `redlight NAME` for a read: parse, connect (cmd_db),
 * run, then print the answer (print, or as it came with --json). Returns
 * the exit status, having said why on failure. */
int cmd_read_exec(struct cmd_ctx *ctx, int argc, char **argv, cmd_read_parse_fn parse,
    cmd_read_run_fn run, cmd_read_print_fn print);

/* cmd_open_db: cmd_db without printing: 0 or an ERR_* code with e filled. */
int cmd_open_db(struct cmd_ctx *ctx, struct err *e);

/* cmd_ctx_init / cmd_ctx_done: set defaults (stdout, stderr, nothing open);
 * close what a run opened. cmd_ctx_done cannot fail. */
void cmd_ctx_init(struct cmd_ctx *ctx);
void cmd_ctx_done(struct cmd_ctx *ctx);

/* cmd_fail: print "redlight: MSG" for e on ctx->err, keep e in
 * ctx->last_err and return err_exit_status(e->code) (1 when e reports no
 * code). */
int cmd_fail(struct cmd_ctx *ctx, const struct err *e);

/* cmd_fail_about: cmd_fail for one of several things a command works on
 * (a booking code): the line starts "redlight: WHAT: " unless the message
 * names it already, and ends with hint (may be NULL). */
int cmd_fail_about(struct cmd_ctx *ctx, const char *what, const struct err *e, const char *hint);

/* cmd_field_error: a value on the command line that is wrong (a time that
 * does not exist, a malformed duration): a usage error (CMD_EXIT_USAGE)
 * whose ctx->last_err names field, so the console can put the message
 * next to it. */
int cmd_field_error(struct cmd_ctx *ctx, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* cmd_actor: make sure someone acts. With as (--as EMAIL) sign them in:
 * the password comes from REDLIGHT_PASSWORD, else a prompt when stdin is
 * a terminal; only staff and admins may act. Without as, the console's
 * user (ctx->have_actor), or a usage error saying to pass --as. Call
 * after cmd_db. Returns 0 (ctx->actor is the actor) or the exit status,
 * having printed why. */
int cmd_actor(struct cmd_ctx *ctx, const char *as);

/* cmd_parse_when: an instant from the command line: RFC 3339
 * ("2027-03-14T15:00:00-04:00"), or studio-local "YYYY-MM-DD HH:MM" (a
 * 'T' may take the space's place) in tz, which must exist and be
 * unambiguous there (a time the clocks skip or show twice is ERR_INVALID
 * saying so). With date_ok, a bare "YYYY-MM-DD" is that local day's
 * start. Fails with ERR_INVALID, field "start". */
int cmd_parse_when(const struct tz *tz, const char *s, int date_ok, int64_t *out, struct err *e);

/* cmd_parse_minutes: a duration as "90", "90m", "2h", "1h30m" or "1:30"
 * into minutes, 1..max. Fails with ERR_INVALID (field "duration"). */
int cmd_parse_minutes(const char *s, int max, int *out, struct err *e);

/* What `bookings` filters on, as typed (NULL: no filter); the console's
 * bookings screen asks the same. */
struct cmd_bookings_filter {
	const char *date;         /* one studio-local day, YYYY-MM-DD */
	const char *from, *to;    /* first and last local day shown */
	const char *status;
	const char *room;         /* name or id */
	const char *staff;        /* name, email or id */
	const char *search;       /* text in the code or the artist's name */
};

/* The parameters of DB_ADMIN_BOOKINGS_JSON_SQL and its list (db/admin.h)
 * for a filter. */
struct cmd_bookings_params {
	const char *v[6];         /* point into the buffers below or the filter */
	char room_id[37], staff_id[37];
	char from[TZ_RFC3339_SIZE], to[TZ_RFC3339_SIZE];
	int is_day;               /* exactly one local day: y-m-d */
	int y, m, d;
};

/* bookings [--date D | --from D --to D] [--status S] [--room R] [--staff
 * S] [--search TEXT] [--json]: a read as data whose answer needs the
 * resolved filter (the day it shows) besides the JSON. */
struct cmd_bookings {
	struct cmd_bookings_filter filter;
	int json;
	/* the list's columns only (DB_ADMIN_BOOKINGS_LIST_SQL, plain rows
	 * into model_bookings): the table printed without --json, the
	 * console's lists and board; 0 reads every booking in full (JSON) */
	int list;
};
/* What a bookings read gives: with .list the list's rows (b), else the
 * JSON of every booking in full (json). cmd_bookings_out_free frees both. */
struct cmd_bookings_out {
	char *json;
	struct model_bookings b;
};
int cmd_bookings_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_bookings *out);
/* cmd_bookings_run: resolve c's filter (cmd_bookings_resolve, at now in
 * tz) into *p, read DB_ADMIN_BOOKINGS_JSON_SQL (c->list:
 * DB_ADMIN_BOOKINGS_LIST_SQL) and take its answer (cmd_bookings_recv)
 * into *out (the caller's: cmd_bookings_out_free). The console's day and
 * board screens call it too. */
int cmd_bookings_run(struct cmd_ctx *ctx, const struct cmd_bookings *c, const struct tz *tz,
    int64_t now, struct cmd_bookings_params *p, struct cmd_bookings_out *out, struct err *e);
/* The same run step in two halves, for a read the console does not wait
 * for: cmd_bookings_send resolves the filter (on ctx's connection) and
 * sends the same SQL on conn (PQsendQueryParams; *p must outlive nothing:
 * libpq copies the parameters); cmd_bookings_recv takes its result as
 * cmd_bookings_run does (a failed result is its mapped error). */
int cmd_bookings_send(struct cmd_ctx *ctx, const struct cmd_bookings *c, const struct tz *tz, int64_t now,
    struct cmd_bookings_params *p, PGconn *conn, struct err *e);
int cmd_bookings_recv(const struct cmd_bookings *c, const PGresult *res, struct cmd_bookings_out *out,
    struct err *e);
void cmd_bookings_out_free(struct cmd_bookings_out *out);
/* cmd_bookings_list_send / cmd_bookings_list_recv: the same two halves
 * for the list's columns (.list) of filter f, now: the console's day,
 * board and list screens; the rows into *b (the caller's:
 * model_bookings_free). */
int cmd_bookings_list_send(struct cmd_ctx *ctx, const struct cmd_bookings_filter *f, const struct tz *tz,
    PGconn *conn, struct err *e);
int cmd_bookings_list_recv(const PGresult *res, struct model_bookings *b, struct err *e);

/* cmd_bookings_resolve: f into p, resolving names (db) and local days (tz);
 * no filter at all is today (by now). Fails with ERR_INVALID naming the
 * field ("date", "from", "to", "status") or as db_admin_room_resolve and
 * db_admin_staff_resolve ("room", "staff"). */
int cmd_bookings_resolve(struct db *db, const struct tz *tz, int64_t now,
    const struct cmd_bookings_filter *f, struct cmd_bookings_params *p, struct err *e);

/* What job-retry and job-cancel do: db_job_retry or db_job_cancel. */
typedef int (*cmd_job_act_fn)(struct db *, const struct db_actor *, long long, char *, struct err *);

/* The longest job status name, with its NUL. */
#define CMD_JOB_STATUS 16

/* cmd_job_act: job-retry and job-cancel from a shell: parse "ID [--as
 * EMAIL] [--json]", sign the actor in, cmd_job_act_run, print "VERB job
 * ID: STATUS now". Returns the exit status. */
struct model_job;
int cmd_job_act(struct cmd_ctx *ctx, int argc, char **argv, cmd_job_act_fn act, const char *verb);

/* cmd_job_act_run: the run step, which the console's Jobs screen calls
 * directly: act on job id as ctx->actor (who must be signed in), opening
 * the database first if needed; status (CMD_JOB_STATUS bytes) receives the
 * job's status after. Returns 0, ERR_AUTH when nobody is signed in, or as
 * act (e names why). */
int cmd_job_act_run(struct cmd_ctx *ctx, cmd_job_act_fn act, long long id, char *status, struct err *e);

/* cmd_notification_resend_run: notification-resend's run step, which
 * the console's Notifications screen calls directly: resend the message
 * ref names as ctx->actor (signed in), opening the database first if
 * needed. Returns 0, ERR_AUTH when nobody is signed in, or as
 * db_notification_resend. */
struct db_notification_resent;
int cmd_notification_resend_run(struct cmd_ctx *ctx, const char *ref, struct db_notification_resent *out,
    struct err *e);

/* What notify-test sends. */
struct cmd_notify_test {
	int sms;                  /* 0: email */
	const char *to;           /* an email address, or a phone number */
};

/* cmd_notify_test_run: notify-test's run step: load the templates and the
 * channel's settings from ctx->conf (the database is opened first, which
 * loads them) and send t's test message; where (wlen bytes) says where
 * it went (the SMTP server or .eml file; Twilio's message SID). Fails
 * with ERR_CONFIG when the channel is off (saying which keys are
 * missing), ERR_INVALID for a bad address, ERR_IO when delivery fails. */
int cmd_notify_test_run(struct cmd_ctx *ctx, const struct cmd_notify_test *t, char *where, size_t wlen,
    struct err *e);

/* cmd_job_when: when a job finished, is due, or was queued, as fmt_ago
 * says it ("5 min ago", "in 2 min"). Cannot fail. */
void cmd_job_when(const struct model_job *j, int64_t now, char *out, size_t len);

/* cmd_json_print: print a json-c object (taken: it is freed) as one line
 * on ctx->out. */
void cmd_json_print(struct cmd_ctx *ctx, struct json_object *o);

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
