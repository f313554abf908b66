/* fuzz-body: what redlightd does with a request body before a route acts
 * on it (web/body.c): the strict JSON scan, then json-c, then the checks
 * on every top-level string (text, dates, instants, email, name,
 * password). Besides crashes it asserts that json-c reads every document
 * the scan accepts, whole, with the members the scan counted (less
 * duplicates, which the scan counts and json-c folds). */
#include <assert.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "core/validate.h"

#define FUZZ_DEPTH 8

static size_t
fuzz_members(struct json_object *v)
{
	size_t n = 0;

	if (json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, key, child) {
			(void)key;
			n += 1 + fuzz_members(child);
		}
	} else if (json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			n += fuzz_members(json_object_array_get_idx(v, i));
	}
	return n;
}

static void
fuzz_string(const char *s, size_t len)
{
	char out[4 * VALIDATE_NAME_MAX + 1], email[VALIDATE_EMAIL_MAX + 1];
	int y, m, d;
	int64_t t;

	validate_text("f", s, len, VALIDATE_TEXT_LINE, NULL, NULL);
	validate_text("f", s, len, VALIDATE_TEXT_MULTILINE, NULL, NULL);
	if (strlen(s) != len)
		return;
	tz_parse_date(s, &y, &m, &d, NULL);
	tz_parse_rfc3339(s, &t, NULL);
	validate_email(s, email, sizeof(email), NULL);
	validate_name(s, out, sizeof(out), NULL);
	validate_password(s, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok;
	struct json_object *obj;
	size_t members;

	if (size > 1 << 16 || validate_json((const char *)data, size, FUZZ_DEPTH, &members, NULL) != 0)
		return 0;
	tok = json_tokener_new_ex(VALIDATE_JSONC_DEPTH(FUZZ_DEPTH));
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	/* a document the scan takes is one json-c reads, whole; json-c
	 * needs a value after a bare number, which only the end gives */
	if (obj == NULL && json_tokener_get_error(tok) == json_tokener_continue)
		obj = json_tokener_parse_ex(tok, "", 1);
	assert(obj != NULL || size == 0 || json_tokener_get_error(tok) == json_tokener_success);
	assert(obj == NULL || json_tokener_get_parse_end(tok) <= size + 1);
	json_tokener_free(tok);
	if (obj == NULL)
		return 0;
	assert(fuzz_members(obj) <= members);
	if (json_object_is_type(obj, json_type_object)) {
		json_object_object_foreach(obj, key, v) {
			(void)key;
			if (json_object_is_type(v, json_type_string))
				fuzz_string(json_object_get_string(v), (size_t)json_object_get_string_len(v));
		}
	}
	json_object_put(obj);
	return 0;
}
