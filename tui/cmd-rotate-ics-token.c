/* cmd-rotate-ics-token.c: `redlight rotate-ics-token STAFF`: a new token
 * for a staff member's calendar feed (admins; audited): the old URL stops
 * working at once (redlightd hears of it through LISTEN). Prints the new
 * URL in its webcal:// and https:// forms. cmd_feed_show_run gives the
 * current URLs, for the console's staff screen, which rotates with
 * cmd_rotate_ics_token_run. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "core/feed.h"
#include "db/feed.h"
#include "tui/cmd.h"

/* The URLs of staff_id's feed with token, from the configuration. */
static void
cmd_feed_urls(const struct conf *conf, const char *staff_id, const char *token, struct cmd_feed_urls *out)
{
	char base[300];

	conf_public_base(conf, base, sizeof(base));
	snprintf(out->staff_id, sizeof(out->staff_id), "%s", staff_id);
	feed_url(base, staff_id, token, 0, out->https, sizeof(out->https));
	feed_url(base, staff_id, token, 1, out->webcal, sizeof(out->webcal));
}

int
cmd_rotate_ics_token_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_rotate_ics_token *out)
{
	const char *json = NULL;
	const struct cmd_opt opts[] = {
		{ "as", 1, &out->as },
		{ "json", 0, &json },
		{ NULL, 0, NULL },
	};
	char *rest[1];
	int nrest, rc;

	out->as = NULL;
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 1, &nrest)) != 0)
		return rc;
	if (nrest != 1)
		return cmd_usage_error(ctx, "name the staff member (name, email or id)");
	out->staff = rest[0];
	out->json = json != NULL;
	return 0;
}

int
cmd_feed_show_run(struct cmd_ctx *ctx, const char *staff_id, struct cmd_feed_urls *out, struct err *e)
{
	char token[DB_FEED_TOKEN_SIZE];
	int rc;

	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	/* the URL is the feed's key: an admin's to hand out, or its owner's */
	if (!ctx->have_actor ||
	    (strcmp(ctx->actor.role, "admin") != 0 && strcmp(ctx->actor.staff_id, staff_id) != 0))
		return err_set(e, ERR_FORBIDDEN, "staff",
		    "only an admin, or the staff member themselves, sees a feed's URL");
	if ((rc = db_feed_token(ctx->db, staff_id, token, out->name, sizeof(out->name), e)) != 0)
		return rc;
	cmd_feed_urls(&ctx->conf, staff_id, token, out);
	return 0;
}

int
cmd_rotate_ics_token_run(struct cmd_ctx *ctx, const struct cmd_rotate_ics_token *c, struct cmd_feed_urls *out,
    struct err *e)
{
	char id[37], token[DB_FEED_TOKEN_SIZE];
	int rc;

	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	if (!ctx->have_actor)
		return err_set(e, ERR_AUTH, NULL, "sign in first: an admin rotates feed tokens");
	if ((rc = db_admin_staff_resolve(ctx->db, c->staff, id, out->name, sizeof(out->name), e)) != 0 ||
	    (rc = db_feed_rotate(ctx->db, &ctx->actor, id, token, e)) != 0)
		return rc;
	cmd_feed_urls(&ctx->conf, id, token, out);
	return 0;
}

static int
cmd_rotate_ics_token_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_rotate_ics_token c;
	struct cmd_feed_urls u;
	struct err e;
	int rc;

	if ((rc = cmd_rotate_ics_token_parse(ctx, argc, argv, &c)) != 0 || (rc = cmd_db(ctx)) != 0 ||
	    (rc = cmd_actor(ctx, c.as)) != 0)
		return rc;
	err_clear(&e);
	if (cmd_rotate_ics_token_run(ctx, &c, &u, &e) != 0)
		return cmd_fail_about(ctx, c.staff, &e, NULL);
	if (c.json) {
		struct json_object *o = json_object_new_object(), *x = json_object_new_object();

		json_object_object_add(x, "staff_id", json_object_new_string(u.staff_id));
		json_object_object_add(x, "name", json_object_new_string(u.name));
		json_object_object_add(x, "webcal_url", json_object_new_string(u.webcal));
		json_object_object_add(x, "https_url", json_object_new_string(u.https));
		json_object_object_add(o, "feed", x);
		cmd_json_print(ctx, o);
	} else {
		fprintf(ctx->out, "new calendar feed for %s (the old URL no longer works):\n%s\n%s\n", u.name, u.webcal,
		    u.https);
	}
	return 0;
}

const struct cmd_entry cmd_rotate_ics_token_entry = {
	.name = "rotate-ics-token",
	.usage = "STAFF [--as EMAIL] [--json]",
	.summary = "a new calendar feed URL for a staff member (admins); prints it",
	.exec = cmd_rotate_ics_token_exec,
	.flags = 0,
};
