/* cmd-assign-staff.c: `redlight assign-staff CODE STAFF... [--override
 * --reason R]`: make these staff members (names, emails or ids) the
 * booking's staff. Their working hours, time off and buffers are checked
 * first (an admin may set them aside with a reason, recorded in the audit
 * log); Postgres refuses anyone already on an overlapping booking, and we
 * say who. A command as data: cmd_assign_staff_parse, cmd_assign_staff_run. */
#include <json-c/json.h>
#include <string.h>
#include <time.h>

#include "db/admin.h"
#include "tui/cmd.h"
#include "tui/model.h"

int
cmd_assign_staff_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_assign_staff *out)
{
	const char *json_flag = NULL, *override = NULL;
	const struct cmd_opt opts[] = {
		{ "override", 0, &override },
		{ "reason", 1, &out->reason },
		{ "as", 1, &out->as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[1 + DB_ADMIN_MAX_STAFF];
	int nrest, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 1 + DB_ADMIN_MAX_STAFF, &nrest)) != 0)
		return rc;
	if (nrest < 2)
		return cmd_usage_error(ctx, "name the booking and at least one staff member");
	if (override != NULL && out->reason == NULL)
		return cmd_field_error(ctx, "reason", "--override needs --reason TEXT, for the audit log");
	if (out->reason != NULL && override == NULL)
		return cmd_usage_error(ctx, "--reason goes with --override");
	out->code = rest[0];
	for (int i = 1; i < nrest; i++)
		out->staff[out->n++] = rest[i];
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_assign_staff_run(struct cmd_ctx *ctx, const struct cmd_assign_staff *c,
    struct cmd_staff_result *out, struct err *e)
{
	const char *idp[DB_ADMIN_MAX_STAFF];
	struct db_admin_booking b;
	struct model_studio st;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_open_db(ctx, e)) != 0 || (rc = db_admin_booking_find(ctx->db, c->code, &b, e)) != 0)
		return rc;
	snprintf(out->code, sizeof(out->code), "%s", b.code);
	for (int i = 0; i < c->n; i++) {
		int n = out->n, twice = 0;

		if ((rc = db_admin_staff_resolve(ctx->db, c->staff[i], out->ids[n], out->names[n],
		    sizeof(out->names[0]), e)) != 0)
			return rc;
		/* one person named twice (name and email) is one person */
		for (int k = 0; k < n; k++)
			twice |= strcmp(out->ids[k], out->ids[n]) == 0;
		if (!twice) {
			idp[n] = out->ids[n];
			out->n++;
		}
	}
	if ((rc = model_studio_load(ctx->db, &st, e)) != 0)
		return rc;
	const struct db_staff_req s = {
		.code = b.code, .actor_id = ctx->actor.id, .kind = db_actor_kind_of(&ctx->actor),
		.staff_ids = idp, .n = (size_t)out->n, .override_reason = c->reason,
	};
	rc = db_booking_assign_staff(ctx->db, st.tz, &s, (int64_t)time(NULL), &out->out, e);
	model_studio_free(&st);
	return rc;
}

void
cmd_assign_staff_say(const struct cmd_staff_result *r, const struct cmd_assign_staff *c,
    char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "%s: staff now ", r->code);

	for (int i = 0; i < r->n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", r->names[i]);
	if (o >= len)
		return;
	if (r->out.overridden[0] != '\0')
		snprintf(buf + o, len - o, ", setting the rules aside (%s)", r->out.overridden);
	else if (c->reason != NULL)
		snprintf(buf + o, len - o, " (it fits the rules: no override was needed)");
}

static int
cmd_assign_staff_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_assign_staff c;
	struct cmd_staff_result r;
	struct err e;
	char line[CMD_LINE * 2];
	int rc;

	if ((rc = cmd_assign_staff_parse(ctx, argc, argv, &c)) != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, c.as)) != 0)
		return rc;
	err_clear(&e);
	if (cmd_assign_staff_run(ctx, &c, &r, &e) != 0)
		return r.code[0] == '\0' || strcmp(e.field, "staff") == 0
		    ? cmd_fail(ctx, &e)
		    : cmd_fail_about(ctx, r.code, &e, strcmp(e.field, DB_ADMIN_OVERRIDE) == 0
		    ? " (an admin may assign them anyway with --override --reason TEXT)" : NULL);
	if (c.json) {
		struct json_object *o = json_object_new_object(), *x = json_object_new_object(),
		    *staff = json_object_new_array();
		for (int i = 0; i < r.n; i++) {
			struct json_object *p = json_object_new_object();
			json_object_object_add(p, "id", json_object_new_string(r.ids[i]));
			json_object_object_add(p, "name", json_object_new_string(r.names[i]));
			json_object_array_add(staff, p);
		}
		json_object_object_add(x, "code", json_object_new_string(r.code));
		json_object_object_add(x, "staff", staff);
		json_object_object_add(x, "overridden", r.out.overridden[0]
		    ? json_object_new_string(r.out.overridden) : NULL);
		json_object_object_add(o, "booking", x);
		cmd_json_print(ctx, o);
	} else {
		cmd_assign_staff_say(&r, &c, line, sizeof(line));
		fprintf(ctx->out, "%s\n", line);
	}
	return 0;
}

const struct cmd_entry cmd_assign_staff_entry = {
	.name = "assign-staff",
	.usage = "CODE STAFF... [--override --reason R] [--as EMAIL] [--json]",
	.summary = "set a booking's staff (admins)",
	.exec = cmd_assign_staff_exec,
	.flags = 0,
};
