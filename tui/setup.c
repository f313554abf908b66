/* setup.c (tui): the setup commands' parse and run steps (tui/setup.h). */
#include "tui/setup.h"

#include <stdlib.h>
#include <string.h>

#define SETUP_MAX_OPTS 28

/* setup_key: an option's name as a JSON key ("room-tags" -> "room_tags"). */
static void
setup_key(const char *name, char *buf, size_t len)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < len; i++)
		buf[i] = name[i] == '-' ? '_' : name[i];
	buf[i] = '\0';
}

int
setup_parse(struct cmd_ctx *ctx, int argc, char **argv, const struct setup_spec *s,
    struct setup_cmd *out)
{
	const char *vals[SETUP_MAX_OPTS] = { 0 };
	const char *json_flag = NULL;
	struct cmd_opt opts[SETUP_MAX_OPTS + 3];
	char *rest[3], key[64];
	int n = 0, nrest, rc;

	memset(out, 0, sizeof(*out));
	out->spec = s;
	for (int i = 0; s->values[i] != NULL && n < SETUP_MAX_OPTS; i++, n++)
		opts[n] = (struct cmd_opt){ s->values[i], 1, &vals[n] };
	int nvalues = n;
	for (int i = 0; s->flags[i] != NULL && n < SETUP_MAX_OPTS; i++, n++)
		opts[n] = (struct cmd_opt){ s->flags[i], 0, &vals[n] };
	opts[n++] = (struct cmd_opt){ "as", 1, &out->as };
	opts[n++] = (struct cmd_opt){ "json", 0, &json_flag };
	opts[n] = (struct cmd_opt){ NULL, 0, NULL };
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 3, &nrest)) != 0)
		return rc;
	if (nrest != s->npos)
		return cmd_usage_error(ctx, "%s", s->pos_missing);

	out->args = json_object_new_object();
	for (int i = 0; i < nrest; i++) {
		if (strcmp(s->pos[i], SETUP_TARGET) == 0)
			out->target = rest[i];
		else
			json_object_object_add(out->args, s->pos[i], json_object_new_string(rest[i]));
	}
	for (int i = 0; i < n - 2; i++) {
		if (vals[i] == NULL)
			continue;
		setup_key(opts[i].name, key, sizeof(key));
		json_object_object_add(out->args, key, json_object_new_string(i < nvalues ? vals[i] : "yes"));
	}
	/* for scripts: a password stays off the command line (ps shows it) */
	if (s->new_password)
		out->new_password = getenv("REDLIGHT_NEW_PASSWORD");
	out->json = json_flag != NULL;
	return 0;
}

int
setup_run(struct cmd_ctx *ctx, const struct setup_cmd *c, struct setup_result *out, struct err *e)
{
	struct json_object *args = NULL;
	char *answer = NULL, hash[128];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_open_db(ctx, e)) != 0)
		return rc;
	/* prep may rewrite: a copy, so c stays as it was filled */
	if (json_object_deep_copy(c->args, &args, NULL) != 0) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	if (c->spec->prep != NULL && (rc = c->spec->prep(ctx, c->target, args, e)) != 0) {
		out->early = 1;
		json_object_put(args);
		return rc;
	}
	if (c->new_password != NULL && c->new_password[0] != '\0') {
		if ((rc = db_password_hash(c->new_password, hash, sizeof(hash), e)) != 0) {
			json_object_put(args);
			return rc;
		}
		json_object_object_add(args, "password_hash", json_object_new_string(hash));
	}
	rc = db_setup(ctx->db, &ctx->actor, c->spec->op, c->target,
	    json_object_to_json_string_ext(args, JSON_C_TO_STRING_PLAIN), &answer, e);
	json_object_put(args);
	if (rc != 0)
		return rc;
	out->res = json_tokener_parse(answer);
	free(answer);
	if (out->res == NULL)
		return err_set(e, ERR_INTERNAL, NULL, "the database's answer is not JSON");
	return 0;
}

const char *
setup_message(const struct setup_result *r)
{
	struct json_object *m;

	if (r->res != NULL && json_object_object_get_ex(r->res, "message", &m))
		return json_object_get_string(m);
	return "";
}

void
setup_error(const struct err *e, char *buf, size_t len)
{
	cmd_err_about(e->field[0] ? e->field : NULL, e, NULL, buf, len);
}

void
setup_cmd_done(struct setup_cmd *c)
{
	json_object_put(c->args);
	c->args = NULL;
}

void
setup_result_done(struct setup_result *r)
{
	json_object_put(r->res);
	r->res = NULL;
}

int
setup_exec(struct cmd_ctx *ctx, int argc, char **argv, const struct setup_spec *s)
{
	struct setup_result r;
	struct setup_cmd c;
	struct err e;
	int rc;

	if ((rc = setup_parse(ctx, argc, argv, s, &c)) != 0)
		return rc;
	if ((rc = cmd_db(ctx)) != 0 || (rc = cmd_actor(ctx, c.as)) != 0) {
		setup_cmd_done(&c);
		return rc;
	}
	err_clear(&e);
	rc = setup_run(ctx, &c, &r, &e);
	setup_cmd_done(&c);
	if (rc != 0 && r.early && e.code == ERR_INVALID)
		return cmd_field_error(ctx, e.field, "%s", e.msg);
	if (rc != 0 && r.early)
		return cmd_fail(ctx, &e);
	if (rc != 0)
		return cmd_fail_about(ctx, e.field[0] ? e.field : NULL, &e, NULL);
	if (c.json) {
		cmd_json_print(ctx, json_object_get(r.res));
	} else {
		const char *m = setup_message(&r);
		if (m[0] != '\0')
			fprintf(ctx->out, "%s\n", m);
	}
	setup_result_done(&r);
	return 0;
}
