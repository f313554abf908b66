/* cmd-reschedule.c: `redlight reschedule CODE START [--as EMAIL]
 * [--dry-run] [--json]`: move a live booking to START, keeping its length,
 * through db_booking_reschedule, the transaction an artist's reschedule
 * from the web runs. A command as data: cmd_reschedule_parse turns argv
 * into struct cmd_reschedule, cmd_reschedule_run does it and fills a
 * result; the console fills the struct from its form and calls run. */
#include <json-c/json.h>
#include <string.h>
#include <time.h>

#include "db/booking.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/model.h"

int
cmd_reschedule_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_reschedule *out)
{
	const char *json_flag = NULL, *dry = NULL;
	const struct cmd_opt opts[] = {
		{ "as", 1, &out->as },
		{ "dry-run", 0, &dry },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[2];
	int nrest, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 2, &nrest)) != 0)
		return rc;
	if (nrest != 2)
		return cmd_usage_error(ctx, "name the booking by its code and its new start");
	out->code = rest[0];
	out->start = rest[1];
	out->dry_run = dry != NULL;
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_reschedule_run(struct cmd_ctx *ctx, const struct cmd_reschedule *c,
    struct db_reschedule_result *out, struct err *e)
{
	struct model_studio st;
	int64_t start;
	int rc;

	if ((rc = cmd_open_db(ctx, e)) != 0 || (rc = model_studio_load(ctx->db, &st, e)) != 0)
		return rc;
	if ((rc = cmd_parse_when(st.tz, c->start, 0, &start, e)) == 0) {
		const struct db_reschedule_req in = {
			.code = c->code, .actor_id = ctx->actor.id,
			.kind = db_actor_kind_of(&ctx->actor), .start = start, .dry_run = c->dry_run,
		};
		rc = db_booking_reschedule(ctx->db, st.tz, &in, (int64_t)time(NULL), out, e);
	}
	if (rc == 0)
		fmt_span(st.tz, out->start, out->end, out->span, sizeof(out->span));
	model_studio_free(&st);
	return rc;
}

static int
cmd_reschedule_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct db_reschedule_result r;
	struct cmd_reschedule c;
	struct err e;
	int rc;

	if ((rc = cmd_reschedule_parse(ctx, argc, argv, &c)) != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, c.as)) != 0)
		return rc;
	err_clear(&e);
	if (cmd_reschedule_run(ctx, &c, &r, &e) != 0)
		return e.code == ERR_INVALID && strcmp(e.field, "start") == 0 ?
		    cmd_field_error(ctx, "start", "%s", e.msg) : cmd_fail_about(ctx, c.code, &e, NULL);
	if (c.json) {
		struct json_object *o = json_object_new_object(), *b = json_object_new_object();
		char at[TZ_RFC3339_SIZE];

		json_object_object_add(b, "code", json_object_new_string(r.code));
		json_object_object_add(b, "status", json_object_new_string(r.status));
		tz_format_utc(r.start, at, sizeof(at), NULL);
		json_object_object_add(b, "start_at", json_object_new_string(at));
		tz_format_utc(r.end, at, sizeof(at), NULL);
		json_object_object_add(b, "end_at", json_object_new_string(at));
		json_object_object_add(o, "booking", b);
		json_object_object_add(o, "fee_cents", json_object_new_int64(r.fee.fee_cents));
		json_object_object_add(o, "summary", json_object_new_string(r.fee.summary));
		json_object_object_add(o, "dry_run", json_object_new_boolean(c.dry_run));
		cmd_json_print(ctx, o);
	} else {
		cmd_reschedule_say(&r, c.dry_run, ctx->out);
	}
	return 0;
}

void
cmd_reschedule_say(const struct db_reschedule_result *r, int dry_run, FILE *f)
{
	char fee[24];

	fmt_money(r->fee.fee_cents, fee, sizeof(fee));
	fprintf(f, "%s %s to %s (fee %s: %s)\n", dry_run ? "would move" : "moved", r->code, r->span,
	    fee, r->fee.summary);
}

const struct cmd_entry cmd_reschedule_entry = {
	.name = "reschedule",
	.usage = "CODE START [--as EMAIL] [--dry-run] [--json]",
	.summary = "move a live booking to a new start, keeping its length",
	.exec = cmd_reschedule_exec,
	.flags = 0,
};
