/* model-setup.c: the setup screen's lists, parsed from JSON (json-c). */
#include "tui/model-setup.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* the JSON keys of each table's columns, in the order of its enum */
static const char *const model_setup_room_keys[MODEL_SETUP_ROOM_NCOLS] = {
	"id", "name", "capacity", "tags", "equipment", "color", "description", "active",
};
static const char *const model_setup_service_keys[MODEL_SETUP_SERVICE_NCOLS] = {
	"id", "name", "default_duration_min", "base_price_cents", "requires_engineer",
	"staff_skill_required", "room_tags", "is_addon", "description", "active",
};
static const char *const model_setup_staff_keys[MODEL_SETUP_STAFF_NCOLS] = {
	"id", "name", "email", "skills", "hourly_rate_cents", "active",
};
static const char *const model_setup_buffer_keys[MODEL_SETUP_BUFFER_NCOLS] = {
	"scope", "target_id", "name", "before_min", "after_min", "active",
};
static const char *const model_setup_rule_keys[MODEL_SETUP_RULE_NCOLS] = {
	"id", "target_type", "target_name", "days", "from", "to", "effective_from", "effective_to",
};
static const char *const model_setup_exception_keys[MODEL_SETUP_EXCEPTION_NCOLS] = {
	"id", "target_type", "target_name", "start_local", "end_local", "reason",
};

/* model_setup_text: v as the commands take it back, a new string: a
 * string as it is, a flag as yes or no, a list of names joined by commas,
 * null as "", anything else as JSON. */
static char *
model_setup_text(struct json_object *v)
{
	size_t len = 1, o = 0, n;
	char *out;

	if (v == NULL)
		return xstrdup("");
	switch (json_object_get_type(v)) {
	case json_type_string:
		return xstrdup(json_object_get_string(v));
	case json_type_boolean:
		return xstrdup(json_object_get_boolean(v) ? "yes" : "no");
	case json_type_array:
		n = json_object_array_length(v);
		/* a list of names; anything else (the refund tiers) stays JSON */
		for (size_t i = 0; i < n; i++) {
			struct json_object *it = json_object_array_get_idx(v, i);
			if (!json_object_is_type(it, json_type_string) && !json_object_is_type(it, json_type_int))
				return xstrdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		}
		for (size_t i = 0; i < n; i++)
			len += strlen(json_object_get_string(json_object_array_get_idx(v, i))) + 1;
		out = xcalloc(len, 1);
		for (size_t i = 0; i < n; i++)
			o += (size_t)snprintf(out + o, len - o, "%s%s", i ? "," : "",
			    json_object_get_string(json_object_array_get_idx(v, i)));
		return out;
	default:
		return xstrdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	}
}

static void
model_setup_table_free(struct model_setup_table *t)
{
	for (size_t i = 0; i < t->n * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

/* model_setup_table_fill: the array member key of root into t, one row
 * per object, its cells the members keys names. Fails with ERR_INTERNAL
 * when there is no such array. */
static int
model_setup_table_fill(struct json_object *root, const char *key, const char *const *keys,
    size_t ncols, struct model_setup_table *t, struct err *e)
{
	struct json_object *arr;

	if (!json_object_object_get_ex(root, key, &arr) || !json_object_is_type(arr, json_type_array))
		return err_set(e, ERR_INTERNAL, NULL, "the setup's %s are not a JSON array", key);
	t->n = json_object_array_length(arr);
	t->ncols = ncols;
	t->cells = xcalloc(t->n * ncols, sizeof(*t->cells));
	for (size_t r = 0; r < t->n; r++) {
		struct json_object *it = json_object_array_get_idx(arr, r), *v;
		for (size_t c = 0; c < ncols; c++) {
			v = NULL;
			if (json_object_is_type(it, json_type_object))
				json_object_object_get_ex(it, keys[c], &v);
			t->cells[r * ncols + c] = model_setup_text(v);
		}
	}
	return 0;
}

/* model_setup_settings_fill: {"settings": {key: value}} into t, a row a
 * key in the object's order. */
static int
model_setup_settings_fill(struct json_object *root, struct model_setup_table *t, struct err *e)
{
	struct json_object *s;
	size_t r = 0;

	if (!json_object_object_get_ex(root, "settings", &s) || !json_object_is_type(s, json_type_object))
		return err_set(e, ERR_INTERNAL, NULL, "the settings are not a JSON object");
	t->n = (size_t)json_object_object_length(s);
	t->ncols = MODEL_SETUP_SETTING_NCOLS;
	t->cells = xcalloc(t->n * t->ncols, sizeof(*t->cells));
	json_object_object_foreach(s, key, val) {
		char *text = model_setup_text(val);
		if (strcmp(key, "cancellation_tiers") == 0) {
			char buf[256];
			if (model_setup_tiers_short(text, buf, sizeof(buf)) == 0) {
				free(text);
				text = xstrdup(buf);
			}
		}
		t->cells[r * t->ncols + MODEL_SETUP_SETTING_KEY] = xstrdup(key);
		t->cells[r * t->ncols + MODEL_SETUP_SETTING_VALUE] = text;
		r++;
	}
	return 0;
}

/* model_setup_json: json parsed; *root is the caller's. */
static int
model_setup_json(const char *json, struct json_object **root, struct err *e)
{
	if ((*root = json_tokener_parse(json)) == NULL)
		return err_set(e, ERR_INTERNAL, NULL, "the setup is not JSON");
	return 0;
}

int
model_setup_parse(const char *catalog, const char *rules_json, const char *settings_json,
    struct model_setup *out, struct err *e)
{
	struct json_object *cat = NULL, *rules = NULL, *settings = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = model_setup_json(catalog, &cat, e)) == 0 &&
	    (rc = model_setup_json(rules_json, &rules, e)) == 0 &&
	    (rc = model_setup_json(settings_json, &settings, e)) == 0 &&
	    (rc = model_setup_table_fill(cat, "rooms", model_setup_room_keys, MODEL_SETUP_ROOM_NCOLS,
	    &out->rooms, e)) == 0 &&
	    (rc = model_setup_table_fill(cat, "services", model_setup_service_keys,
	    MODEL_SETUP_SERVICE_NCOLS, &out->services, e)) == 0 &&
	    (rc = model_setup_table_fill(cat, "staff", model_setup_staff_keys, MODEL_SETUP_STAFF_NCOLS,
	    &out->staff, e)) == 0 &&
	    (rc = model_setup_table_fill(cat, "buffers", model_setup_buffer_keys,
	    MODEL_SETUP_BUFFER_NCOLS, &out->buffers, e)) == 0 &&
	    (rc = model_setup_table_fill(rules, "rules", model_setup_rule_keys, MODEL_SETUP_RULE_NCOLS,
	    &out->rules, e)) == 0 &&
	    (rc = model_setup_table_fill(rules, "exceptions", model_setup_exception_keys,
	    MODEL_SETUP_EXCEPTION_NCOLS, &out->exceptions, e)) == 0)
		rc = model_setup_settings_fill(settings, &out->settings, e);
	json_object_put(cat);
	json_object_put(rules);
	json_object_put(settings);
	if (rc != 0)
		model_setup_free(out);
	return rc;
}

void
model_setup_free(struct model_setup *s)
{
	model_setup_table_free(&s->rooms);
	model_setup_table_free(&s->services);
	model_setup_table_free(&s->staff);
	model_setup_table_free(&s->buffers);
	model_setup_table_free(&s->rules);
	model_setup_table_free(&s->exceptions);
	model_setup_table_free(&s->settings);
}

const char *
model_setup_cell(const struct model_setup_table *t, size_t row, size_t col)
{
	if (row >= t->n || col >= t->ncols)
		return "";
	return t->cells[row * t->ncols + col];
}

int
model_setup_tiers_short(const char *json, char *out, size_t outlen)
{
	struct json_object *arr = json_tokener_parse(json);
	size_t o = 0, n;
	int rc = 0;

	snprintf(out, outlen, "%s", json);
	if (arr == NULL || !json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) == 0) {
		json_object_put(arr);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct json_object *t = json_object_array_get_idx(arr, i), *h, *p;
		if (!json_object_object_get_ex(t, "min_hours_before", &h) ||
		    !json_object_object_get_ex(t, "refund_percent", &p) ||
		    !json_object_is_type(h, json_type_int) || !json_object_is_type(p, json_type_int) ||
		    o >= outlen) {
			rc = -1;
			break;
		}
		o += (size_t)snprintf(out + o, outlen - o, "%s%d:%d", i ? "," : "",
		    json_object_get_int(h), json_object_get_int(p));
	}
	if (rc != 0 || o >= outlen) {
		snprintf(out, outlen, "%s", json);
		rc = -1;
	}
	json_object_put(arr);
	return rc;
}

int
model_setup_tiers_json(const char *s, char *out, size_t outlen)
{
	const char *p = s;
	size_t o = 0;

	o += (size_t)snprintf(out, outlen, "[");
	while (o < outlen) {
		char *end;
		long h, pc;

		while (*p == ' ')
			p++;
		if (!isdigit((unsigned char)*p))
			break;
		h = strtol(p, &end, 10);
		if (*end != ':' || !isdigit((unsigned char)end[1]))
			break;
		pc = strtol(end + 1, &end, 10);
		p = end;
		while (*p == ' ')
			p++;
		o += (size_t)snprintf(out + o, outlen - o, "%s{\"min_hours_before\":%ld,\"refund_percent\":%ld}",
		    o > 1 ? "," : "", h, pc);
		if (*p == '\0') {
			if (o + 1 >= outlen)
				break;
			snprintf(out + o, outlen - o, "]");
			return 0;
		}
		if (*p++ != ',')
			break;
	}
	snprintf(out, outlen, "%s", s);
	return -1;
}
