/* cmd-calendar-connect.c: `redlight calendar-connect STAFF google|outlook
 * [--as EMAIL] [--json]`: start connecting a staff member's Google or
 * Outlook calendar (admins). Prints the consent URL for that person to
 * open: OAuth 2.0's authorization code flow with PKCE, its state bound to
 * the staff member (kept only as a hash, single use, 15 minutes). The
 * provider sends the browser back to redlightd's callback
 * (/api/integrations/PROVIDER/oauth), and the job worker trades the code
 * for the refresh token, kept sealed with secret_key. A command as data:
 * cmd_calendar_connect_parse, cmd_calendar_connect_run. */
#include <json-c/json.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/cal.h"
#include "core/secret.h"
#include "db/calendar.h"
#include "tui/cmd.h"

int
cmd_calendar_connect_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_calendar_connect *out)
{
	const char *json_flag = NULL;
	const struct cmd_opt opts[] = {
		{ "as", 1, &out->as },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[2];
	int nrest, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 2, &nrest)) != 0)
		return rc;
	if (nrest != 2)
		return cmd_usage_error(ctx, "name the staff member and the calendar (google or outlook)");
	out->staff = rest[0];
	out->provider = rest[1];
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_calendar_connect_run(struct cmd_ctx *ctx, const struct cmd_calendar_connect *c,
    struct cmd_calendar_connect_result *out, struct err *e)
{
	unsigned char raw[32], key[SECRET_KEY_BYTES], nonce[SECRET_NONCE_BYTES];
	char state[64], verifier[64], challenge[64], hash[65], *sealed;
	enum conf_calendar cal;
	const char *off;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cal_provider_parse(c->provider, &cal, e)) != 0 || (rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	if ((off = conf_calendar_off(&ctx->conf, cal))[0] != '\0')
		return err_set(e, ERR_CONFIG, "provider", "%s", off);
	if ((rc = secret_key_parse(ctx->conf.secret_key, key, e)) != 0)
		return rc;
	if ((rc = db_admin_staff_resolve(ctx->db, c->staff, out->staff_id, out->staff_name,
	    sizeof(out->staff_name), e)) != 0)
		return rc;
	randombytes_buf(raw, sizeof(raw));
	cal_b64url(raw, sizeof(raw), state, sizeof(state));
	randombytes_buf(raw, sizeof(raw));
	cal_b64url(raw, sizeof(raw), verifier, sizeof(verifier));
	cal_challenge(verifier, challenge, sizeof(challenge));
	cal_hash_hex(state, hash);
	randombytes_buf(nonce, sizeof(nonce));
	sealed = secret_seal(verifier, strlen(verifier), key, nonce);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(verifier, sizeof(verifier));
	rc = db_calendar_connect_begin(ctx->db, &ctx->actor, out->staff_id, cal_provider_name(cal), hash,
	    sealed, e);
	free(sealed);
	if (rc != 0)
		return rc;
	out->url = cal_consent_url(&ctx->conf, cal, state, challenge);
	out->redirect_uri = cal_redirect_uri(&ctx->conf, cal);
	out->provider = cal_provider_name(cal);
	return 0;
}

void
cmd_calendar_connect_free(struct cmd_calendar_connect_result *r)
{
	free(r->url);
	free(r->redirect_uri);
	r->url = r->redirect_uri = NULL;
}

static int
cmd_calendar_connect_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_calendar_connect c;
	struct cmd_calendar_connect_result r;
	struct err e;
	int rc;

	if ((rc = cmd_calendar_connect_parse(ctx, argc, argv, &c)) != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, c.as)) != 0)
		return rc;
	err_clear(&e);
	if (cmd_calendar_connect_run(ctx, &c, &r, &e) != 0) {
		cmd_calendar_connect_free(&r);
		return cmd_fail(ctx, &e);
	}
	if (c.json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "staff_id", json_object_new_string(r.staff_id));
		json_object_object_add(o, "staff", json_object_new_string(r.staff_name));
		json_object_object_add(o, "provider", json_object_new_string(r.provider));
		json_object_object_add(o, "url", json_object_new_string(r.url));
		json_object_object_add(o, "redirect_uri", json_object_new_string(r.redirect_uri));
		json_object_object_add(o, "expires_in_s", json_object_new_int(15 * 60));
		fprintf(ctx->out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		fprintf(ctx->out, "%s: open this address (valid 15 minutes) and allow redlight to manage "
		    "the %s calendar's events:\n%s\n", r.staff_name,
		    strcmp(r.provider, "google") == 0 ? "Google" : "Outlook", r.url);
	}
	cmd_calendar_connect_free(&r);
	return 0;
}

const struct cmd_entry cmd_calendar_connect_entry = {
	.name = "calendar-connect",
	.usage = "STAFF google|outlook [--as EMAIL] [--json]",
	.summary = "print the address that connects a staff member's calendar",
	.exec = cmd_calendar_connect_exec,
	.flags = 0,
};
