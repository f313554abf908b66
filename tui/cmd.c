/* cmd.c: the command table and what every command shares (configuration,
 * the database, error lines, option parsing). */
#include "tui/cmd.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

const struct cmd_entry *const cmd_table[] = {
	&cmd_console_entry,
	&cmd_rooms_entry,
	&cmd_bookings_entry,
	&cmd_booking_entry,
	&cmd_queue_entry,
	&cmd_approve_entry,
	&cmd_reject_entry,
	&cmd_cancel_entry,
	&cmd_assign_staff_entry,
	&cmd_swap_staff_entry,
	&cmd_reschedule_entry,
	&cmd_refund_entry,
	&cmd_payments_entry,
	&cmd_payments_check_entry,
	&cmd_calendar_connect_entry,
	&cmd_calendar_status_entry,
	&cmd_holds_entry,
	&cmd_hold_entry,
	&cmd_hold_release_entry,
	&cmd_hold_extend_entry,
	&cmd_audit_entry,
	&cmd_room_add_entry,
	&cmd_room_edit_entry,
	&cmd_service_add_entry,
	&cmd_service_edit_entry,
	&cmd_staff_add_entry,
	&cmd_staff_edit_entry,
	&cmd_rotate_ics_token_entry,
	&cmd_rules_entry,
	&cmd_rule_add_entry,
	&cmd_rule_del_entry,
	&cmd_exception_add_entry,
	&cmd_exception_del_entry,
	&cmd_buffer_set_entry,
	&cmd_settings_entry,
	&cmd_settings_set_entry,
	&cmd_jobs_entry,
	&cmd_job_retry_entry,
	&cmd_notifications_entry,
	&cmd_notification_resend_entry,
	&cmd_notify_test_entry,
	&cmd_job_cancel_entry,
	&cmd_worker_entry,
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
	return cmd_fail_about(ctx, NULL, e, NULL);
}

void
cmd_err_about(const char *what, const struct err *e, const char *hint, char *buf, size_t len)
{
	const char *msg = e->msg[0] ? e->msg : err_name(e->code);

	if (what != NULL && strstr(msg, what) == NULL)
		snprintf(buf, len, "%s: %s%s", what, msg, hint ? hint : "");
	else
		snprintf(buf, len, "%s%s", msg, hint ? hint : "");
}

int
cmd_fail_about(struct cmd_ctx *ctx, const char *what, const struct err *e, const char *hint)
{
	char line[1024];

	ctx->last_err = *e;
	if (ctx->last_err.msg[0] == '\0')
		snprintf(ctx->last_err.msg, sizeof(ctx->last_err.msg), "%s", err_name(e->code));
	cmd_err_about(what, e, hint, line, sizeof(line));
	fprintf(ctx->err, "redlight: %s\n", line);
	return e->code != ERR_OK ? err_exit_status(e->code) : 1;
}

int
cmd_flags_parse(struct cmd_ctx *ctx, int argc, char **argv, const char *name, int *flag, int *json)
{
	const char *json_flag = NULL, *named = NULL;
	const struct cmd_opt opts[] = {
		{ "json", 0, &json_flag },
		{ name, 0, &named },      /* NULL name: the end of the list */
		{ NULL, 0, NULL },
	};
	char *rest[1];
	int nrest, rc;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 0, &nrest)) != 0)
		return rc;
	if (flag != NULL)
		*flag = named != NULL;
	*json = json_flag != NULL;
	return 0;
}

int
cmd_read_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_read *out)
{
	memset(out, 0, sizeof(*out));
	return cmd_flags_parse(ctx, argc, argv, NULL, NULL, &out->json);
}

int
cmd_failed_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_read *out)
{
	memset(out, 0, sizeof(*out));
	return cmd_flags_parse(ctx, argc, argv, "failed", &out->failed, &out->json);
}

int
cmd_read_query(struct cmd_ctx *ctx, const char *sql, int nparams, const char *const *params,
    char **json, struct err *e)
{
	int rc;

	*json = NULL;
	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	if (ctx->send_to == NULL)
		return db_query_json(ctx->db, sql, nparams, params, json, e);
	if (PQsendQueryParams(ctx->send_to, sql, nparams, NULL, params, NULL, NULL, 0) == 0)
		return err_set(e, ERR_DB, NULL, "cannot send the read: %s", PQerrorMessage(ctx->send_to));
	return 0;
}

int
cmd_read_recv(const PGresult *res, char **json, struct err *e)
{
	return db_result_json(res, json, e);
}

int
cmd_read_exec(struct cmd_ctx *ctx, int argc, char **argv, cmd_read_parse_fn parse,
    cmd_read_run_fn run, cmd_read_print_fn print)
{
	struct cmd_read c;
	struct err e;
	char *json = NULL;
	int rc;

	if ((rc = parse(ctx, argc, argv, &c)) != 0 || (rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if ((rc = run(ctx, &c, &json, &e)) == ERR_INVALID && e.field[0] != '\0')
		return cmd_field_error(ctx, e.field, "%s", e.msg);
	if (rc != 0)
		return cmd_fail_about(ctx, e.field[0] && strcmp(e.field, "code") != 0 ? e.field : NULL, &e,
		    NULL);
	if (c.json)
		fprintf(ctx->out, "%s\n", json);
	else
		rc = print(ctx, &c, json, &e);
	free(json);
	return rc != 0 ? cmd_fail(ctx, &e) : 0;
}

/* cmd_usage_vline: the usage error line, its message kept in last_err. */
static int
cmd_usage_vline(struct cmd_ctx *ctx, const char *field, const char *fmt, va_list ap)
{
	const struct cmd_entry *en = ctx->entry;
	char msg[sizeof(ctx->last_err.msg)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	err_set(&ctx->last_err, ERR_INVALID, field, "%s", msg);
	fputs("redlight: ", ctx->err);
	if (en != NULL)
		fprintf(ctx->err, "%s: ", en->name);
	fputs(msg, ctx->err);
	if (en != NULL)
		fprintf(ctx->err, " (usage: redlight %s%s%s)", en->name,
		    en->usage[0] ? " " : "", en->usage);
	fputc('\n', ctx->err);
	return CMD_EXIT_USAGE;
}

int
cmd_usage_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cmd_usage_vline(ctx, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int
cmd_field_error(struct cmd_ctx *ctx, const char *field, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cmd_usage_vline(ctx, field, fmt, ap);
	va_end(ap);
	return rc;
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
	/* a long usage takes its own lines (broken before an option) and
	 * the summary goes under it, so the help fits 80 columns */
	const int width = 20, line = 78;
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *en = cmd_table[i];
		char left[256];
		snprintf(left, sizeof(left), "%s%s%s", en->name, en->usage[0] ? " " : "",
		    en->usage);
		if ((int)strlen(left) <= width) {
			fprintf(f, "  %-*s  %s\n", width, left, en->summary);
			continue;
		}
		const char *p = left;
		int indent = 2;
		while ((int)strlen(p) + indent > line) {
			int cut = line - indent;
			while (cut > 0 && !(p[cut] == ' ' && p[cut + 1] == '['))
				cut--;
			if (cut == 0)
				break;
			fprintf(f, "%*s%.*s\n", indent, "", cut, p);
			p += cut + 1;
			indent = 6;
		}
		fprintf(f, "%*s%s\n  %-*s  %s\n", indent, "", p, width, "", en->summary);
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
	err_clear(&ctx->last_err);
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

/* ---- who acts ---- */

/* cmd_read_password: a password typed on the terminal without echo, into
 * buf. Returns 0, or -1 when the terminal cannot be read. */
static int
cmd_read_password(const char *email, char *buf, size_t len)
{
	struct termios old, quiet;
	FILE *tty = fopen("/dev/tty", "r+");
	int rc = 0;

	if (tty == NULL)
		return -1;
	fprintf(tty, "password for %s: ", email);
	fflush(tty);
	if (tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	if (fgets(buf, (int)len, tty) == NULL)
		rc = -1;
	else
		buf[strcspn(buf, "\r\n")] = '\0';
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	return rc;
}

int
cmd_actor(struct cmd_ctx *ctx, const char *as)
{
	char typed[256];
	const char *pw;
	struct db_actor actor;
	struct err e;
	int rc;

	if (as == NULL) {
		if (ctx->have_actor)
			return 0;
		return cmd_usage_error(ctx, "say who acts with --as EMAIL (the password comes from "
		    "REDLIGHT_PASSWORD)");
	}
	err_clear(&e);
	pw = getenv("REDLIGHT_PASSWORD");
	if (pw == NULL) {
		if (!isatty(STDIN_FILENO) || cmd_read_password(as, typed, sizeof(typed)) != 0) {
			err_set(&e, ERR_AUTH, "password", "no password for %s: set REDLIGHT_PASSWORD or run "
			    "from a terminal", as);
			return cmd_fail(ctx, &e);
		}
		pw = typed;
	}
	rc = db_login(ctx->db, as, pw, &actor, &e);
	explicit_bzero(typed, sizeof(typed));
	if (rc != 0)
		return cmd_fail(ctx, &e);
	if (strcmp(actor.role, "staff") != 0 && strcmp(actor.role, "admin") != 0) {
		err_set(&e, ERR_FORBIDDEN, "as", "%s is an artist account; only studio staff and admins "
		    "act here", actor.email);
		return cmd_fail(ctx, &e);
	}
	ctx->actor = actor;
	ctx->have_actor = 1;
	return 0;
}

/* ---- values ---- */

/* cmd_digits: n decimal digits at s into *out. */
static int
cmd_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
cmd_parse_when(const struct tz *tz, const char *s, int date_ok, int64_t *out, struct err *e)
{
	int y, mo, d, h = 0, mi = 0, rc;
	size_t len = strlen(s);
	int64_t t;

	if (len > 19 && tz_parse_rfc3339(s, out, NULL) == 0)
		return 0;
	if (len < 10 || s[4] != '-' || s[7] != '-' || cmd_digits(s, 4, &y) != 0 ||
	    cmd_digits(s + 5, 2, &mo) != 0 || cmd_digits(s + 8, 2, &d) != 0)
		goto shape;
	if (len == 10 && !date_ok)
		return err_set(e, ERR_INVALID, "start", "'%.40s' needs a time of day too: "
		    "\"YYYY-MM-DD HH:MM\"", s);
	if (len != 10 && (len != 16 || (s[10] != ' ' && s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || cmd_digits(s + 11, 2, &h) != 0 || cmd_digits(s + 14, 2, &mi) != 0))
		goto shape;
	if (!tz_date_valid(y, mo, d))
		return err_set(e, ERR_INVALID, "start", "%.10s is not a date", s);
	if (h > 23 || mi > 59)
		return err_set(e, ERR_INVALID, "start", "%.5s is not a time of day", s + 11);
	if (len == 10)
		return tz_local_day_bounds(tz, y, mo, d, out, NULL, e) == 0 ? 0
		    : err_set(e, ERR_INVALID, "start", "%.10s is not a date", s);
	rc = tz_from_local(tz, y, mo, d, h, mi, 0, TZ_STRICT, &t, NULL);
	if (rc == 0) {
		*out = t;
		return 0;
	}
	/* TZ_EARLIER resolves a time shown twice, never one that is skipped */
	if (tz_from_local(tz, y, mo, d, h, mi, 0, TZ_EARLIER, &t, NULL) == 0) {
		int o1 = tz_utc_offset(tz, t), o2 = o1;
		if (tz_from_local(tz, y, mo, d, h, mi, 0, TZ_LATER, &t, NULL) == 0)
			o2 = tz_utc_offset(tz, t);
		return err_set(e, ERR_INVALID, "start", "%.16s happens twice in %s; give its offset: "
		    "%.10sT%02d:%02d:00%c%02d:%02d or ...%c%02d:%02d", s, tz_name(tz), s, h, mi,
		    o1 < 0 ? '-' : '+', abs(o1) / 3600, abs(o1) % 3600 / 60,
		    o2 < 0 ? '-' : '+', abs(o2) / 3600, abs(o2) % 3600 / 60);
	}
	return err_set(e, ERR_INVALID, "start", "%.16s does not exist in %s (the clocks skip it)",
	    s, tz_name(tz));
shape:
	return err_set(e, ERR_INVALID, "start", "'%.40s' is not a time: use \"YYYY-MM-DD HH:MM\" "
	    "(studio time) or RFC 3339", s);
}

int
cmd_parse_minutes(const char *s, int max, int *out, struct err *e)
{
	long total = 0, n;
	const char *p = s;
	char *end;
	int parts = 0;

	while (*p != '\0') {
		if (!isdigit((unsigned char)*p))
			goto bad;
		n = strtol(p, &end, 10);
		if (n > 100000)
			goto bad;
		p = end;
		if (*p == 'h' || *p == 'H') {
			total += n * 60;
			p++;
		} else if (*p == ':' && parts == 0) {
			if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]) || p[3] != '\0')
				goto bad;
			total += n * 60 + (p[1] - '0') * 10 + (p[2] - '0');
			p += 3;
		} else if (*p == 'm' || *p == 'M' || *p == '\0') {
			total += n;
			if (*p != '\0')
				p++;
			if (*p == 'i' && strncmp(p, "in", 2) == 0)
				p += 2;
		} else {
			goto bad;
		}
		parts++;
	}
	if (parts == 0)
		goto bad;
	if (total < 1 || total > max)
		return err_set(e, ERR_INVALID, "duration", "'%.40s' is out of range: 1 minute to %d "
		    "minutes", s, max);
	*out = (int)total;
	return 0;
bad:
	return err_set(e, ERR_INVALID, "duration", "'%.40s' is not a duration: use minutes (90), "
	    "hours (2h) or both (1h30m)", s);
}

void
cmd_json_print(struct cmd_ctx *ctx, struct json_object *o)
{
	fprintf(ctx->out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}
