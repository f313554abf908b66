/* cmd-rules.c: `redlight rules [--studio|--room R|--staff S] [--json]`:
 * the weekly rules (opening and working hours) and the exceptions not yet
 * over, of one target or all, with the ids rule-del and exception-del
 * take. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "db/setup.h"
#include "tui/cmd.h"

static const char *
cmd_rules_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return "";
	return json_object_get_string(v);
}

int
cmd_rules_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_read *out)
{
	const char *json_flag = NULL, *studio = NULL, *room = NULL, *staff = NULL;
	const struct cmd_opt opts[] = {
		{ "studio", 0, &studio },
		{ "room", 1, &room },
		{ "staff", 1, &staff },
		{ "json", 0, &json_flag },
		{ NULL, 0, NULL },
	};
	char *rest[1];
	int nrest, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 0, &nrest)) != 0)
		return rc;
	if ((studio != NULL) + (room != NULL) + (staff != NULL) > 1)
		return cmd_field_error(ctx, "target", "give one of --studio, --room or --staff");
	if (studio != NULL)
		out->target_type = "studio";
	else if (room != NULL)
		out->target_type = "room", out->target = room;
	else if (staff != NULL)
		out->target_type = "staff", out->target = staff;
	out->json = json_flag != NULL;
	return 0;
}

int
cmd_rules_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e)
{
	const char *params[2] = { c->target_type, c->target };

	return cmd_read_query(ctx, DB_SETUP_RULES_JSON_SQL, 2, params, json, e);
}

static int
cmd_rules_print(struct cmd_ctx *ctx, const struct cmd_read *c, const char *json, struct err *e)
{
	struct json_object *o = json_tokener_parse(json), *rules, *exc;

	(void)c;
	if (o == NULL || !json_object_object_get_ex(o, "rules", &rules) ||
	    !json_object_object_get_ex(o, "exceptions", &exc)) {
		json_object_put(o);
		return err_set(e, ERR_INTERNAL, NULL, "the rules are not JSON");
	}
	fprintf(ctx->out, "%zu weekly rules\n", json_object_array_length(rules));
	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		struct json_object *r = json_object_array_get_idx(rules, i), *days;
		char dl[64] = "";
		size_t o2 = 0;
		if (json_object_object_get_ex(r, "days", &days))
			for (size_t d = 0; d < json_object_array_length(days) && o2 < sizeof(dl); d++)
				o2 += (size_t)snprintf(dl + o2, sizeof(dl) - o2, "%s%s", d ? "," : "",
				    json_object_get_string(json_object_array_get_idx(days, d)));
		fprintf(ctx->out, "%.8s  %-7s %-16s %-27s %s-%s", cmd_rules_str(r, "id"),
		    cmd_rules_str(r, "target_type"), cmd_rules_str(r, "target_name"), dl,
		    cmd_rules_str(r, "from"), cmd_rules_str(r, "to"));
		if (cmd_rules_str(r, "effective_from")[0] || cmd_rules_str(r, "effective_to")[0])
			fprintf(ctx->out, "  %s..%s", cmd_rules_str(r, "effective_from"),
			    cmd_rules_str(r, "effective_to"));
		fputc('\n', ctx->out);
	}
	fprintf(ctx->out, "%zu exceptions\n", json_object_array_length(exc));
	for (size_t i = 0; i < json_object_array_length(exc); i++) {
		struct json_object *x = json_object_array_get_idx(exc, i);
		fprintf(ctx->out, "%.8s  %-7s %-16s %s to %s  %s\n", cmd_rules_str(x, "id"),
		    cmd_rules_str(x, "target_type"), cmd_rules_str(x, "target_name"),
		    cmd_rules_str(x, "start_local"), cmd_rules_str(x, "end_local"),
		    cmd_rules_str(x, "reason"));
	}
	json_object_put(o);
	return 0;
}

static int
cmd_rules_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_read_exec(ctx, argc, argv, cmd_rules_parse, cmd_rules_run, cmd_rules_print);
}

const struct cmd_entry cmd_rules_entry = {
	.name = "rules",
	.usage = "[--studio|--room R|--staff S] [--json]",
	.summary = "list weekly hours and upcoming exceptions",
	.exec = cmd_rules_exec,
	.flags = 0,
};
