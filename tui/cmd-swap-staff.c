/* cmd-swap-staff.c: `redlight swap-staff CODE STAFF CODE STAFF`: two
 * bookings trade staff members in one step, so two sessions at the same
 * time can swap engineers. */
#include <json-c/json.h>

#include "db/admin.h"
#include "tui/cmd.h"

static int
cmd_swap_staff_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *json_flag = NULL, *as = NULL;
	const struct cmd_opt opts[] = {
		{ "as", 1, &as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[4], ida[37], idb[37], namea[128], nameb[128];
	struct db_admin_booking a, b;
	struct err e;
	int nrest, rc;

	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 4, &nrest)) != 0)
		return rc;
	if (nrest != 4)
		return cmd_usage_error(ctx, "give a booking and its staff member, then the other two");
	if ((rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (db_admin_booking_find(ctx->db, rest[0], &a, &e) != 0 ||
	    db_admin_staff_resolve(ctx->db, rest[1], ida, namea, sizeof(namea), &e) != 0 ||
	    db_admin_booking_find(ctx->db, rest[2], &b, &e) != 0 ||
	    db_admin_staff_resolve(ctx->db, rest[3], idb, nameb, sizeof(nameb), &e) != 0)
		return cmd_fail(ctx, &e);
	if ((rc = cmd_actor(ctx, as)) != 0)
		return rc;
	if (db_admin_swap_staff(ctx->db, &ctx->actor, a.code, ida, b.code, idb, &e) != 0)
		return cmd_fail(ctx, &e);
	if (json_flag != NULL) {
		struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
		const char *pairs[2][2] = { { b.code, namea }, { a.code, nameb } };
		for (int i = 0; i < 2; i++) {
			struct json_object *x = json_object_new_object();
			json_object_object_add(x, "code", json_object_new_string(pairs[i][0]));
			json_object_object_add(x, "joined", json_object_new_string(pairs[i][1]));
			json_object_array_add(arr, x);
		}
		json_object_object_add(o, "bookings", arr);
		cmd_json_print(ctx, o);
	} else {
		fprintf(ctx->out, "swapped: %s now on %s, %s now on %s\n", namea, b.code, nameb, a.code);
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
