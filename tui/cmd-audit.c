/* cmd-audit.c: `redlight audit [--entity E] [--actor EMAIL] [--since D]
 * [--limit N]`: who changed what, newest first. */
#include <stdlib.h>
#include <string.h>

#include "db/admin.h"
#include "tui/cmd.h"
#include "tui/model.h"
#include "tui/text.h"

#define CMD_AUDIT_COLS 5
/* rows shown unless --limit says otherwise */
#define CMD_AUDIT_DEFAULT_LIMIT 100
#define CMD_AUDIT_MAX_LIMIT 100000

static int
cmd_audit_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL, *entity = NULL, *actor = NULL, *since = NULL, *limit = NULL;
	const struct cmd_opt opts[] = {
		{ "entity", 1, &entity },
		{ "actor", 1, &actor },
		{ "since", 1, &since },
		{ "limit", 1, &limit },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	static const char *const heads[CMD_AUDIT_COLS] = { "TIME", "ACTOR", "ACTION", "WHAT", "REASON" };
	struct model_studio st;
	struct model_audits a;
	struct err e;
	char *rest[1], *json, since_at[TZ_RFC3339_SIZE], lim[16], *end;
	int64_t t;
	int nrest, rc;
	long n = CMD_AUDIT_DEFAULT_LIMIT;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 0, &nrest)) != 0)
		return rc;
	if (limit != NULL && ((n = strtol(limit, &end, 10)) < 1 || n > CMD_AUDIT_MAX_LIMIT || *end != '\0'))
		return cmd_field_error(ctx, "limit", "--limit wants a number of rows, 1 to %d",
		    CMD_AUDIT_MAX_LIMIT);
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (model_studio_load(ctx->db, &st, &e) != 0)
		return cmd_fail(ctx, &e);
	if (since != NULL && cmd_parse_when(st.tz, since, 1, &t, &e) != 0) {
		model_studio_free(&st);
		return cmd_field_error(ctx, "since", "--since: %s", e.msg);
	}
	if (since != NULL)
		tz_format_utc(t, since_at, sizeof(since_at), NULL);
	snprintf(lim, sizeof(lim), "%ld", n);
	const char *params[4] = { entity, actor, since ? since_at : NULL, lim };
	if (db_query_json(ctx->db, DB_ADMIN_AUDIT_JSON_SQL, 4, params, &json, &e) != 0) {
		model_studio_free(&st);
		return cmd_fail(ctx, &e);
	}
	if (json_flag != NULL) {
		fprintf(ctx->out, "%s\n", json);
		free(json);
		model_studio_free(&st);
		return 0;
	}
	rc = model_audits_parse(json, &a, &e);
	free(json);
	if (rc != 0) {
		model_studio_free(&st);
		return cmd_fail(ctx, &e);
	}
	if (a.n == 0) {
		fputs("no audit entries\n", ctx->out);
	} else {
		const char **cells = calloc(a.n * CMD_AUDIT_COLS, sizeof(*cells));
		char (*bufs)[2][160] = calloc(a.n, sizeof(*bufs));
		if (cells == NULL || bufs == NULL) {
			fputs("redlight: out of memory\n", stderr);
			abort();
		}
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

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "[--entity E] [--actor EMAIL] [--since D] [--limit N] [--json]",
	.summary = "who changed what, newest first",
	.exec = cmd_audit_exec,
	.flags = 0,
};
