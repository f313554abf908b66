#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "web/body.h"

/* The parsed body, released with the request's pool. */
struct body_ref {
	struct json_object *obj;
};

static void
body_ref_dispose(void *p)
{
	json_object_put(((struct body_ref *)p)->obj);
}

/* 1 when the Content-Type's media type is application/json. */
static int
body_type_is_json(h2o_req_t *req)
{
	static const char want[] = "application/json";
	size_t wlen = sizeof(want) - 1;
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
	h2o_iovec_t v;

	if (i < 0)
		return 0;
	v = req->headers.entries[i].value;
	if (v.len < wlen || !h2o_lcstris(v.base, wlen, want, wlen))
		return 0;
	return v.len == wlen || v.base[wlen] == ';' || v.base[wlen] == ' ' || v.base[wlen] == '\t';
}

static void
body_bad_json(h2o_req_t *req, const char *field, const char *message)
{
	http_send_error(req, 400, "invalid_json", field, message);
}

/* The members of every object in v together (depth is bounded by the
 * tokenizer's). */
static size_t
body_members(struct json_object *v)
{
	size_t n = 0;

	if (json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, key, child) {
			(void)key;
			n += 1 + body_members(child);
		}
	} else if (json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			n += body_members(json_object_array_get_idx(v, i));
	}
	return n;
}

struct json_object *
body_json(struct http_server *srv, h2o_req_t *req)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	struct body_ref *ref;
	size_t len = req->entity.base != NULL ? req->entity.len : 0, end, members;
	struct err e;
	char msg[96];

	if (!body_type_is_json(req)) {
		http_send_error(req, 415, "unsupported_media_type", NULL,
		    "send the body as JSON with Content-Type: application/json");
		return NULL;
	}
	if (len > (size_t)srv->conf->max_body_bytes) {
		snprintf(msg, sizeof(msg), "the body is larger than %d bytes", srv->conf->max_body_bytes);
		http_send_error(req, 413, "too_large", NULL, msg);
		return NULL;
	}
	if (len == 0) {
		body_bad_json(req, "body", "the body is empty; expected a JSON object");
		return NULL;
	}
	/* json-c's strict mode still takes NaN, "1.", raw control characters
	 * and some malformed UTF-8: our own scan decides what is JSON */
	if (validate_json(req->entity.base, len, BODY_MAX_DEPTH, &members, &e) != 0) {
		body_bad_json(req, e.field, e.msg);
		return NULL;
	}
	/* json-c takes an int length; the limit keeps len far below INT_MAX */
	tok = json_tokener_new_ex(VALIDATE_JSONC_DEPTH(BODY_MAX_DEPTH));
	if (tok == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, req->entity.base, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (obj == NULL) {
		if (jerr == json_tokener_error_depth)
			snprintf(msg, sizeof(msg), "the JSON is nested deeper than %d levels", BODY_MAX_DEPTH);
		else if (jerr == json_tokener_continue)
			snprintf(msg, sizeof(msg), "the body is not a complete JSON object");
		else
			snprintf(msg, sizeof(msg), "the body is not valid JSON: %s at byte %zu",
			    json_tokener_error_desc(jerr), end);
		body_bad_json(req, "body", msg);
		return NULL;
	}
	ref = h2o_mem_alloc_shared(&req->pool, sizeof(*ref), body_ref_dispose);
	ref->obj = obj;
	if (end != len) {
		body_bad_json(req, "body", "the body has more after its JSON document");
		return NULL;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		body_bad_json(req, "body", "the body must be a JSON object");
		return NULL;
	}
	/* json-c keeps the last of a name given twice; another reader of the
	 * same bytes may keep the first */
	if (body_members(obj) != members) {
		body_bad_json(req, "body", "the body names a member twice in one object");
		return NULL;
	}
	return obj;
}

/* Finds name in obj: 0 with *out when present and not null; 1 when
 * absent or null and optional; ERR_INVALID when required. */
static int
body_field(struct json_object *obj, const char *name, enum body_need need,
    struct json_object **out, struct err *e)
{
	struct json_object *v = NULL;

	*out = NULL;
	if (!json_object_object_get_ex(obj, name, &v) || v == NULL) {
		if (need == BODY_OPTIONAL)
			return 1;
		/* a null in a required field is a value of the wrong type,
		 * not a missing one: say so when we can tell */
		if (json_object_object_get_ex(obj, name, NULL))
			return err_set(e, ERR_INVALID, name, "%s must not be null", name);
		return err_set(e, ERR_INVALID, name, "%s is required", name);
	}
	*out = v;
	return 0;
}

/* A string field checked as text of kind. */
static int
body_text_kind(struct json_object *obj, const char *name, enum body_need need,
    enum validate_text_kind kind, const char **out, size_t *chars, struct err *e)
{
	struct json_object *v;
	int rc;

	*out = NULL;
	if ((rc = body_field(obj, name, need, &v, e)) != 0)
		return rc;
	if (!json_object_is_type(v, json_type_string))
		return err_set(e, ERR_INVALID, name, "%s must be a string", name);
	if (validate_text(name, json_object_get_string(v), (size_t)json_object_get_string_len(v),
	    kind, chars, e) != 0)
		return ERR_INVALID;
	*out = json_object_get_string(v);
	return 0;
}

int
body_string(struct json_object *obj, const char *name, enum body_need need,
    const char **out, struct err *e)
{
	return body_text_kind(obj, name, need, VALIDATE_TEXT_LINE, out, NULL, e);
}

int
body_text(struct json_object *obj, const char *name, enum body_need need,
    const char **out, size_t *chars, struct err *e)
{
	return body_text_kind(obj, name, need, VALIDATE_TEXT_MULTILINE, out, chars, e);
}

int
body_int(struct json_object *obj, const char *name, enum body_need need,
    int64_t min, int64_t max, int64_t *out, struct err *e)
{
	struct json_object *v;
	int64_t n;
	int rc;

	if ((rc = body_field(obj, name, need, &v, e)) != 0)
		return rc;
	if (!json_object_is_type(v, json_type_int))
		return err_set(e, ERR_INVALID, name, "%s must be an integer", name);
	/* json-c saturates values past int64 at its ends, which the range
	 * check then refuses */
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return err_set(e, ERR_INVALID, name, "%s must be between %lld and %lld", name,
		    (long long)min, (long long)max);
	*out = n;
	return 0;
}

int
body_bool(struct json_object *obj, const char *name, enum body_need need,
    int *out, struct err *e)
{
	struct json_object *v;
	int rc;

	if ((rc = body_field(obj, name, need, &v, e)) != 0)
		return rc;
	if (!json_object_is_type(v, json_type_boolean))
		return err_set(e, ERR_INVALID, name, "%s must be true or false", name);
	*out = json_object_get_boolean(v) ? 1 : 0;
	return 0;
}

int
body_array(struct json_object *obj, const char *name, enum body_need need,
    struct json_object **out, struct err *e)
{
	struct json_object *v;
	int rc;

	*out = NULL;
	if ((rc = body_field(obj, name, need, &v, e)) != 0)
		return rc;
	if (!json_object_is_type(v, json_type_array))
		return err_set(e, ERR_INVALID, name, "%s must be an array", name);
	*out = v;
	return 0;
}

int
body_object(struct json_object *obj, const char *name, enum body_need need,
    struct json_object **out, struct err *e)
{
	struct json_object *v;
	int rc;

	*out = NULL;
	if ((rc = body_field(obj, name, need, &v, e)) != 0)
		return rc;
	if (!json_object_is_type(v, json_type_object))
		return err_set(e, ERR_INVALID, name, "%s must be an object", name);
	*out = v;
	return 0;
}
