#include "core/settings.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

/* The document nests {"settings":{...}} with cancellation_tiers one level
 * deeper: anything deeper is not ours. */
#define SETTINGS_MAX_DEPTH 8

/* An integer field of obj in min..max into *out. */
static int
settings_int(json_object *obj, const char *name, int64_t min, int64_t max, int64_t *out,
    struct err *e)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(obj, name, &v) || v == NULL)
		return err_set(e, ERR_INVALID, name, "settings: %s is missing", name);
	if (!json_object_is_type(v, json_type_int))
		return err_set(e, ERR_INVALID, name, "settings: %s must be an integer", name);
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return err_set(e, ERR_INVALID, name, "settings: %s must be between %lld and %lld",
		    name, (long long)min, (long long)max);
	*out = n;
	return 0;
}

/* A string field of obj into buf (size bytes), refused when it does not
 * fit: a truncated zone or currency would be a different one. */
static int
settings_str(json_object *obj, const char *name, char *buf, size_t size, struct err *e)
{
	json_object *v;
	const char *s;
	size_t len;

	if (!json_object_object_get_ex(obj, name, &v) || v == NULL)
		return err_set(e, ERR_INVALID, name, "settings: %s is missing", name);
	if (!json_object_is_type(v, json_type_string))
		return err_set(e, ERR_INVALID, name, "settings: %s must be a string", name);
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (len >= size || strlen(s) != len)
		return err_set(e, ERR_INVALID, name, "settings: %s is too long", name);
	memcpy(buf, s, len + 1);
	return 0;
}

static int
settings_fill(json_object *st, struct studio_settings *out, struct err *e)
{
	static const struct {
		const char *name;
		int64_t min, max;
	} ints[] = {
		{ "lead_time_min", 0, 365 * 24 * 60 },
		{ "horizon_days", 1, 10 * 366 },
		{ "hold_ttl_min", 1, 24 * 60 },
		{ "tax_rate_bp", 0, 10000 },
		{ "fee_cents", 0, 1000000000 },
		{ "deposit_percent", 0, 100 },
		{ "reschedule_free_min_hours", 0, 24 * 366 },
		{ "reschedule_free_count", 0, 1000 },
		{ "reschedule_fee_cents", 0, 1000000000 },
	};
	int64_t v[sizeof(ints) / sizeof(ints[0])];
	json_object *tiers;
	int rc;

	if ((rc = settings_str(st, "studio_name", out->studio_name, sizeof(out->studio_name), e)) != 0 ||
	    (rc = settings_str(st, "timezone", out->timezone, sizeof(out->timezone), e)) != 0 ||
	    (rc = settings_str(st, "approval_mode", out->approval_mode, sizeof(out->approval_mode), e)) != 0 ||
	    (rc = settings_str(st, "capture_mode", out->capture_mode, sizeof(out->capture_mode), e)) != 0 ||
	    (rc = settings_str(st, "currency", out->currency, sizeof(out->currency), e)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if ((rc = settings_int(st, ints[i].name, ints[i].min, ints[i].max, &v[i], e)) != 0)
			return rc;
	out->lead_time_min = (int)v[0];
	out->horizon_days = (int)v[1];
	out->hold_ttl_min = (int)v[2];
	out->rates.tax_rate_bp = (int)v[3];
	out->rates.fee_cents = v[4];
	out->rates.deposit_percent = (int)v[5];
	out->policy.reschedule_free_min_hours = (int)v[6];
	out->policy.reschedule_free_count = (int)v[7];
	out->policy.reschedule_fee_cents = v[8];

	if (!json_object_object_get_ex(st, "cancellation_tiers", &tiers) || tiers == NULL)
		return err_set(e, ERR_INVALID, "cancellation_tiers", "settings: cancellation_tiers is missing");
	/* policy_parse_tiers reads text: hand it the array as written */
	return policy_parse_tiers(json_object_to_json_string_ext(tiers, JSON_C_TO_STRING_PLAIN),
	    &out->policy, e);
}

int
settings_from_json(const char *json, struct studio_settings *out, struct err *e)
{
	struct json_tokener *tok;
	json_object *doc, *st;
	struct studio_settings tmp;
	size_t len;
	int rc;

	if (json == NULL)
		return err_set(e, ERR_INVALID, "settings", "settings: no document");
	len = strlen(json);
	tok = json_tokener_new_ex(SETTINGS_MAX_DEPTH);
	if (tok == NULL)
		return err_set(e, ERR_INTERNAL, NULL, "settings: out of memory");
	doc = json_tokener_parse_ex(tok, json, (int)len);
	if (doc == NULL || json_tokener_get_parse_end(tok) != len) {
		json_object_put(doc);
		json_tokener_free(tok);
		return err_set(e, ERR_INVALID, "settings", "settings: not a JSON document");
	}
	json_tokener_free(tok);
	if (!json_object_is_type(doc, json_type_object) ||
	    !json_object_object_get_ex(doc, "settings", &st) ||
	    !json_object_is_type(st, json_type_object)) {
		json_object_put(doc);
		return err_set(e, ERR_INVALID, "settings", "settings: expected {\"settings\":{...}}");
	}
	memset(&tmp, 0, sizeof(tmp));
	rc = settings_fill(st, &tmp, e);
	json_object_put(doc);
	if (rc != 0)
		return rc;
	*out = tmp;
	return 0;
}
