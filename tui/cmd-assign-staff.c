/* cmd-assign-staff.c: `redlight assign-staff CODE STAFF... [--override
 * --reason R]`: make these staff members (names, emails or ids) the
 * booking's staff. Their working hours, time off and buffers are checked
 * first (an admin may set them aside with a reason, recorded in the audit
 * log); Postgres refuses anyone already on an overlapping booking, and we
 * say who. */
#include <json-c/json.h>
#include <string.h>
#include <time.h>

#include "db/admin.h"
#include "tui/cmd.h"
#include "tui/model.h"

static int
cmd_assign_staff_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL, *as = NULL, *override = NULL, *reason = NULL;
	const struct cmd_opt opts[] = {
		{ "override", 0, &override },
		{ "reason", 1, &reason },
		{ "as", 1, &as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[1 + DB_ADMIN_MAX_STAFF], ids[DB_ADMIN_MAX_STAFF][37], names[DB_ADMIN_MAX_STAFF][128];
	const char *idp[DB_ADMIN_MAX_STAFF];
	struct db_admin_booking b;
	struct db_admin_outcome out;
	struct model_studio st;
	struct err e;
	int nrest, rc, n = 0;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 1 + DB_ADMIN_MAX_STAFF, &nrest)) != 0)
		return rc;
	if (nrest < 2)
		return cmd_usage_error(ctx, "name the booking and at least one staff member");
	if (override != NULL && reason == NULL)
		return cmd_field_error(ctx, "reason", "--override needs --reason TEXT, for the audit log");
	if (reason != NULL && override == NULL)
		return cmd_usage_error(ctx, "--reason goes with --override");
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (db_admin_booking_find(ctx->db, rest[0], &b, &e) != 0)
		return cmd_fail(ctx, &e);
	for (int i = 1; i < nrest; i++) {
		if (db_admin_staff_resolve(ctx->db, rest[i], ids[n], names[n], sizeof(names[0]), &e) != 0)
			return cmd_fail(ctx, &e);
		/* one person named twice (name and email) is one person */
		int twice = 0;
		for (int k = 0; k < n; k++)
			twice |= strcmp(ids[k], ids[n]) == 0;
		if (!twice) {
			idp[n] = ids[n];
			n++;
		}
	}
	if ((rc = cmd_actor(ctx, as)) != 0)
		return rc;
	if (model_studio_load(ctx->db, &st, &e) != 0)
		return cmd_fail(ctx, &e);
	struct db_admin_staffing s = { idp, (size_t)n, reason };
	rc = db_admin_assign_staff(ctx->db, st.tz, &ctx->actor, b.code, &s, (int64_t)time(NULL), &out, &e);
	model_studio_free(&st);
	if (rc != 0)
		return cmd_fail_about(ctx, b.code, &e, strcmp(e.field, DB_ADMIN_OVERRIDE) == 0
		    ? " (an admin may assign them anyway with --override --reason TEXT)" : NULL);
	if (json_flag != NULL) {
		struct json_object *o = json_object_new_object(), *x = json_object_new_object(),
		    *staff = json_object_new_array();
		for (int i = 0; i < n; i++) {
			struct json_object *p = json_object_new_object();
			json_object_object_add(p, "id", json_object_new_string(ids[i]));
			json_object_object_add(p, "name", json_object_new_string(names[i]));
			json_object_array_add(staff, p);
		}
		json_object_object_add(x, "code", json_object_new_string(b.code));
		json_object_object_add(x, "staff", staff);
		json_object_object_add(x, "overridden", out.overridden[0]
		    ? json_object_new_string(out.overridden) : NULL);
		json_object_object_add(o, "booking", x);
		cmd_json_print(ctx, o);
	} else {
		fprintf(ctx->out, "%s: staff now ", b.code);
		for (int i = 0; i < n; i++)
			fprintf(ctx->out, "%s%s", i ? ", " : "", names[i]);
		if (out.overridden[0] != '\0')
			fprintf(ctx->out, ", setting the rules aside (%s)", out.overridden);
		else if (reason != NULL)
			fputs(" (it fits the rules: no override was needed)", ctx->out);
		fputc('\n', ctx->out);
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
