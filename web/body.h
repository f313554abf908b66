/* body.h: JSON request bodies, read with limits.
 *
 * A route that takes a body calls body_json first. It refuses, answering
 * the request itself:
 *   415 unsupported_media_type  Content-Type is not application/json (any
 *                               parameters, like "; charset=utf-8", are
 *                               allowed; the type is compared without case)
 *   413 too_large               more than conf.max_body_bytes (h2o refuses
 *                               bigger bodies before any handler runs, with
 *                               its own 413)
 *   400 invalid_json            empty, not JSON as RFC 8259 writes it (no
 *                               NaN, Infinity, "1.", comments, single
 *                               quotes or trailing commas), not well-formed
 *                               UTF-8, a string holding a control character
 *                               (escaped line breaks and tabs aside) or
 *                               \u0000, anything after the document,
 *                               nested deeper than BODY_MAX_DEPTH, a name
 *                               given twice in one object, or a document
 *                               that is not an object; "field" names the
 *                               top-level member at fault, or "body"
 *                               (core/validate.h: validate_json)
 * and otherwise hands back the parsed object, which lives as long as the
 * request.
 *
 * Then the body_* readers take typed fields out of that object. They fail
 * with ERR_INVALID naming the field, so the route answers
 * http_send_err(req, &e) (or idem_send_err) and the client reads
 *   400 {"error":{"code":"invalid","message":"email must be a string",
 *        "field":"email"}}.
 * Each reader returns 0 when the field is there, 1 when it is optional and
 * absent (an explicit null counts as absent for optional fields, and as
 * the wrong type for required ones), or ERR_INVALID. Unknown fields are
 * ignored, so the page may send more than a route reads. */
#ifndef REDLIGHT_BODY_H
#define REDLIGHT_BODY_H

#include <json-c/json.h>
#include <stdint.h>

#include "web/http.h"

/* Deep enough for every body the API takes ({"service_items":[{...}]} is
 * three); the tokenizer refuses deeper documents at once, so a body of
 * ten thousand '[' costs nothing. */
#define BODY_MAX_DEPTH 8

/* Whether a field must be present. */
enum body_need {
	BODY_OPTIONAL = 0,
	BODY_REQUIRED = 1,
};

/* body_json: req's body as a JSON object, borrowed (the request's pool
 * frees it). On any failure answers req as listed above and returns NULL;
 * the caller then just returns. Runs on the loop; parsing is linear in the
 * body, which the limit bounds. */
struct json_object *body_json(struct http_server *srv, h2o_req_t *req);

/* body_string: the string field name of obj into *out (borrowed from obj;
 * NULL when absent): one line of well-formed UTF-8 without any control
 * character (body_json already refused NUL and the rest; this refuses the
 * escaped line breaks and tabs it lets through). Fails with ERR_INVALID:
 * "NAME is required", "NAME must be a string", "NAME must not hold control
 * characters". */
int body_string(struct json_object *obj, const char *name, enum body_need need,
    const char **out, struct err *e);

/* body_text: as body_string for free text (notes, reasons), which may
 * also hold line feeds, CRLFs and tabs; its length in code points goes to
 * *chars (may be NULL; untouched when absent). */
int body_text(struct json_object *obj, const char *name, enum body_need need,
    const char **out, size_t *chars, struct err *e);

/* body_int: the integer field name, min <= value <= max, into *out
 * (untouched when absent). 3.0 is not an integer here: JSON numbers with a fraction or
 * exponent are refused. Fails with ERR_INVALID: "NAME is required", "NAME
 * must be an integer", "NAME must be between MIN and MAX". */
int body_int(struct json_object *obj, const char *name, enum body_need need,
    int64_t min, int64_t max, int64_t *out, struct err *e);

/* body_bool: the boolean field name into *out (untouched when absent). Fails with ERR_INVALID: "NAME is
 * required", "NAME must be true or false". */
int body_bool(struct json_object *obj, const char *name, enum body_need need,
    int *out, struct err *e);

/* body_array / body_object: the array or object field name, borrowed from
 * obj, into *out (NULL when absent). Fails with ERR_INVALID:
 * "NAME is required", "NAME must be an array" / "an object". */
int body_array(struct json_object *obj, const char *name, enum body_need need,
    struct json_object **out, struct err *e);
int body_object(struct json_object *obj, const char *name, enum body_need need,
    struct json_object **out, struct err *e);

#endif
