/* setup.c (tui): the setup commands' shared runner (tui/setup.h). */
#include "tui/setup.h"

#include <stdlib.h>
#include <string.h>

#define SETUP_MAX_OPTS 28

int
setup_fail(struct cmd_ctx *ctx, const struct err *e)
{
	return cmd_fail_about(ctx, e->field[0] ? e->field : NULL, e, NULL);
}

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
setup_exec(struct cmd_ctx *ctx, int argc, char **argv, const struct setup_spec *s)
{
	const char *vals[SETUP_MAX_OPTS] = { 0 };
	const char *json_flag = NULL, *as = NULL, *target = NULL;
	struct cmd_opt opts[SETUP_MAX_OPTS + 3];
	struct json_object *args, *res = NULL;
	char *rest[3], *out = NULL, key[64];
	struct err e;
	int n = 0, nrest, rc;

	for (int i = 0; s->values[i] != NULL && n < SETUP_MAX_OPTS; i++, n++)
		opts[n] = (struct cmd_opt){ s->values[i], 1, &vals[n] };
	int nvalues = n;
	for (int i = 0; s->flags[i] != NULL && n < SETUP_MAX_OPTS; i++, n++)
		opts[n] = (struct cmd_opt){ s->flags[i], 0, &vals[n] };
	opts[n++] = (struct cmd_opt){ "as", 1, &as };
	opts[n++] = (struct cmd_opt){ "json", 0, &json_flag };
	opts[n] = (struct cmd_opt){ NULL, 0, NULL };
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 3, &nrest)) != 0)
		return rc;
	if (nrest != s->npos)
		return cmd_usage_error(ctx, "%s", s->pos_missing);

	args = json_object_new_object();
	for (int i = 0; i < nrest; i++) {
		if (strcmp(s->pos[i], SETUP_TARGET) == 0)
			target = rest[i];
		else
			json_object_object_add(args, s->pos[i], json_object_new_string(rest[i]));
	}
	for (int i = 0; i < n - 2; i++) {
		if (vals[i] == NULL)
			continue;
		setup_key(opts[i].name, key, sizeof(key));
		json_object_object_add(args, key, json_object_new_string(i < nvalues ? vals[i] : "yes"));
	}
	if ((rc = cmd_db(ctx)) != 0 || (s->prep != NULL && (rc = s->prep(ctx, target, args)) != 0) ||
	    (rc = cmd_actor(ctx, as)) != 0) {
		json_object_put(args);
		return rc;
	}
	err_clear(&e);
	rc = db_setup(ctx->db, &ctx->actor, s->op, target,
	    json_object_to_json_string_ext(args, JSON_C_TO_STRING_PLAIN), &out, &e);
	json_object_put(args);
	if (rc != 0)
		return setup_fail(ctx, &e);
	res = json_tokener_parse(out);
	free(out);
	if (res == NULL) {
		err_set(&e, ERR_INTERNAL, NULL, "the database's answer is not JSON");
		return cmd_fail(ctx, &e);
	}
	if (json_flag != NULL) {
		cmd_json_print(ctx, res);
	} else {
		struct json_object *m;
		if (json_object_object_get_ex(res, "message", &m))
			fprintf(ctx->out, "%s\n", json_object_get_string(m));
		json_object_put(res);
	}
	return 0;
}
