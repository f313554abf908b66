/* cmd-audit.c: `redlight audit [--entity E] [--actor EMAIL] [--since D]
 * [--limit N]`: who changed what, newest first. A read as data:
 * cmd_audit_parse, cmd_audit_run (which the Audit screen calls too),
 * cmd_audit_print. */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "db/admin.h"
#include "tui/cmd.h"
#include "tui/model.h"
#include "tui/text.h"

#define CMD_AUDIT_COLS 5

int
cmd_audit_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_read *out)
{
	const char *json_flag = NULL, *limit = NULL;
	const struct cmd_opt opts[] = {
		{ "entity", 1, &out->entity },
		{ "actor", 1, &out->actor },
		{ "since", 1, &out->since },
		{ "limit", 1, &limit },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[1], *end;
	int nrest, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 0, &nrest)) != 0)
		return rc;
	if (limit != NULL && ((out->limit = strtol(limit, &end, 10)) < 1 ||
	    out->limit > CMD_AUDIT_MAX_LIMIT || *end != '\0'))
		return cmd_field_error(ctx, "limit", "--limit wants a number of rows, 1 to %d",
		    CMD_AUDIT_MAX_LIMIT);
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_audit_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e)
{
	char since_at[TZ_RFC3339_SIZE], lim[24];
	struct model_studio st;
	int64_t t;
	int rc;

	*json = NULL;
	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	if (c->since != NULL) {
		if (c->since_tz != NULL) {
			rc = cmd_parse_when(c->since_tz, c->since, 1, &t, e);
		} else {
			if ((rc = model_studio_load(ctx->db, &st, e)) != 0)
				return rc;
			rc = cmd_parse_when(st.tz, c->since, 1, &t, e);
			model_studio_free(&st);
		}
		if (rc != 0) {
			snprintf(e->field, sizeof(e->field), "since");
			return rc;
		}
		tz_format_utc(t, since_at, sizeof(since_at), NULL);
	}
	snprintf(lim, sizeof(lim), "%ld", c->limit > 0 ? c->limit : CMD_AUDIT_DEFAULT_LIMIT);
	const char *params[4] = { c->entity, c->actor, c->since ? since_at : NULL, lim };
	return cmd_read_query(ctx, DB_ADMIN_AUDIT_JSON_SQL, 4, params, json, e);
}

static int
cmd_audit_print(struct cmd_ctx *ctx, const struct cmd_read *c, const char *json, struct err *e)
{
	static const char *const heads[CMD_AUDIT_COLS] = { "TIME", "ACTOR", "ACTION", "WHAT", "REASON" };
	struct model_studio st;
	struct model_audits a;
	int rc;

	(void)c;
	if ((rc = model_audits_parse(json, &a, e)) != 0)
		return rc;
	if ((rc = model_studio_load(ctx->db, &st, e)) != 0) {
		model_audits_free(&a);
		return rc;
	}
	if (a.n == 0) {
		fputs("no audit entries\n", ctx->out);
	} else {
		const char **cells = xcalloc(a.n * CMD_AUDIT_COLS, sizeof(*cells));
		char (*bufs)[2][160] = xcalloc(a.n, sizeof(*bufs));
		for (size_t i = 0; i < a.n; i++) {
			const struct model_audit *x = &a.v[i];
			const char **row = cells + i * CMD_AUDIT_COLS;
			struct tz_local l;
			tz_to_local(st.tz, x->at, &l);
			snprintf(bufs[i][0], sizeof(bufs[i][0]), "%04d-%02d-%02d %02d:%02d", l.year, l.month,
			    l.day, l.hour, l.minute);
			snprintf(bufs[i][1], sizeof(bufs[i][1]), "%s %s", x->entity, x->label);
			row[0] = bufs[i][0];
			row[1] = x->actor_name[0] ? x->actor_name : "-";
			row[2] = x->action;
			row[3] = bufs[i][1];
			row[4] = x->reason[0] ? x->reason : "-";
		}
		text_table(ctx->out, CMD_AUDIT_COLS, heads, cells, a.n, 0);
		free(cells);
		free(bufs);
	}
	model_audits_free(&a);
	model_studio_free(&st);
	return 0;
}

static int
cmd_audit_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_read_exec(ctx, argc, argv, cmd_audit_parse, cmd_audit_run, cmd_audit_print);
}

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "[--entity E] [--actor EMAIL] [--since D] [--limit N] [--json]",
	.summary = "who changed what, newest first",
	.exec = cmd_audit_exec,
	.flags = 0,
};
