/* cmd-swap-staff.c: `redlight swap-staff CODE STAFF CODE STAFF`: two
 * bookings trade staff members in one step, so two sessions at the same
 * time can swap engineers. A command as data: cmd_swap_staff_parse,
 * cmd_swap_staff_run. */
#include <json-c/json.h>
#include <string.h>

#include "db/admin.h"
#include "tui/cmd.h"

int
cmd_swap_staff_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_swap_staff *out)
{
	const char *json_flag = NULL;
	const struct cmd_opt opts[] = {
		{ "as", 1, &out->as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[4];
	int nrest, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 4, &nrest)) != 0)
		return rc;
	if (nrest != 4)
		return cmd_usage_error(ctx, "give a booking and its staff member, then the other two");
	out->code_a = rest[0];
	out->staff_a = rest[1];
	out->code_b = rest[2];
	out->staff_b = rest[3];
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_swap_staff_run(struct cmd_ctx *ctx, const struct cmd_swap_staff *c,
    struct cmd_swap_result *out, struct err *e)
{
	struct db_admin_booking a, b;
	char ida[37], idb[37];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_open_db(ctx, e)) != 0 ||
	    (rc = db_admin_booking_find(ctx->db, c->code_a, &a, e)) != 0 ||
	    (rc = db_admin_staff_resolve(ctx->db, c->staff_a, ida, out->name_a, sizeof(out->name_a),
	    e)) != 0 ||
	    (rc = db_admin_booking_find(ctx->db, c->code_b, &b, e)) != 0 ||
	    (rc = db_admin_staff_resolve(ctx->db, c->staff_b, idb, out->name_b, sizeof(out->name_b),
	    e)) != 0)
		return rc;
	const struct db_swap_req s = {
		.code_a = a.code, .staff_a = ida, .code_b = b.code, .staff_b = idb,
		.actor_id = ctx->actor.id, .kind = db_actor_kind_of(&ctx->actor),
	};
	struct db_swap_result r;
	snprintf(out->code_a, sizeof(out->code_a), "%s", a.code);
	snprintf(out->code_b, sizeof(out->code_b), "%s", b.code);
	return db_booking_swap_staff(ctx->db, &s, &r, e);
}

void
cmd_swap_staff_say(const struct cmd_swap_result *r, char *buf, size_t len)
{
	snprintf(buf, len, "swapped: %s now on %s, %s now on %s", r->name_a, r->code_b, r->name_b,
	    r->code_a);
}

static int
cmd_swap_staff_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_swap_staff c;
	struct cmd_swap_result r;
	struct err e;
	int rc;

	if ((rc = cmd_swap_staff_parse(ctx, argc, argv, &c)) != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, c.as)) != 0)
		return rc;
	err_clear(&e);
	if (cmd_swap_staff_run(ctx, &c, &r, &e) != 0)
		return cmd_fail(ctx, &e);
	if (c.json) {
		struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
		const char *pairs[2][2] = { { r.code_b, r.name_a }, { r.code_a, r.name_b } };
		for (int i = 0; i < 2; i++) {
			struct json_object *x = json_object_new_object();
			json_object_object_add(x, "code", json_object_new_string(pairs[i][0]));
			json_object_object_add(x, "joined", json_object_new_string(pairs[i][1]));
			json_object_array_add(arr, x);
		}
		json_object_object_add(o, "bookings", arr);
		cmd_json_print(ctx, o);
	} else {
		char line[CMD_LINE];

		cmd_swap_staff_say(&r, line, sizeof(line));
		fprintf(ctx->out, "%s\n", line);
	}
	return 0;
}

const struct cmd_entry cmd_swap_staff_entry = {
	.name = "swap-staff",
	.usage = "CODE STAFF CODE STAFF [--as EMAIL] [--json]",
	.summary = "two bookings trade staff members (admins)",
	.exec = cmd_swap_staff_exec,
	.flags = 0,
};
