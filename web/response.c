#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/xalloc.h"
#include "web/http.h"

static const struct {
	int status;
	const char *reason;
} response_reasons[] = {
	{ 200, "OK" },
	{ 201, "Created" },
	{ 204, "No Content" },
	{ 304, "Not Modified" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 409, "Conflict" },
	{ 413, "Payload Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 422, "Unprocessable Entity" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

static const char *
response_reason(int status)
{
	for (size_t i = 0; i < sizeof(response_reasons) / sizeof(response_reasons[0]); i++)
		if (response_reasons[i].status == status)
			return response_reasons[i].reason;
	return "Unknown";
}

void
http_send_cached(h2o_req_t *req, int status, const char *type, const char *cache_control,
    h2o_iovec_t *body, size_t n)
{
	/* the body is whole: no generator callbacks are needed */
	static h2o_generator_t generator = { NULL, NULL };

	req->res.status = status;
	req->res.reason = response_reason(status);
	req->res.content_length = 0;
	for (size_t i = 0; i < n; i++)
		req->res.content_length += body[i].len;
	/* a 304 sends no Content-Length (RFC 9110 section 8.6: it would have
	 * to be the full answer's) */
	if (status == 304)
		req->res.content_length = SIZE_MAX;
	if (type != NULL)
		h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, type,
		    strlen(type));
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, cache_control,
	    strlen(cache_control));
	h2o_start_response(req, &generator);
	if (status == 304 || h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD")))
		h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
	else
		h2o_send(req, body, n, H2O_SEND_STATE_FINAL);
}

void
http_send_body(h2o_req_t *req, int status, const char *type, h2o_iovec_t *body, size_t n)
{
	http_send_cached(req, status, type, "no-store", body, n);
}

char *
http_gzip(const char *in, size_t n, size_t *outlen)
{
	z_stream z;
	char *out;
	size_t cap;

	int bits = 9;

	/* a window no larger than the input (9 to 15 bits), and a hash table
	 * to match: zlib sets up and clears far less for a small answer, and
	 * every match it could use is still in reach */
	while (bits < 15 && ((size_t)1 << bits) < n)
		bits++;
	memset(&z, 0, sizeof(z));
	/* bits + 16: a gzip header and trailer around the deflate stream */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, bits + 16, bits - 7 < 1 ? 1 : bits - 7,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&z, n);
	out = xcalloc(1, cap);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

int
http_accepts_gzip(h2o_req_t *req)
{
	return (h2o_get_compressible_types(&req->headers) & H2O_COMPRESSIBLE_GZIP) != 0;
}

void
http_send_json_gz(h2o_req_t *req, const char *json, size_t len, const char *gz, size_t gzlen)
{
	h2o_iovec_t body;

	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_VARY, NULL,
	    H2O_STRLIT("Accept-Encoding"));
	if (gz == NULL || !http_accepts_gzip(req)) {
		body = h2o_iovec_init(json, len);
	} else {
		h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_ENCODING, NULL,
		    H2O_STRLIT("gzip"));
		body = h2o_iovec_init(gz, gzlen);
	}
	/* by reference: the caller keeps the bytes until the request goes */
	http_send_body(req, 200, "application/json", &body, 1);
}

void
http_compress_register(h2o_pathconf_t *pathconf)
{
	h2o_compress_args_t args;

	memset(&args, 0, sizeof(args));
	args.min_size = 256;
	args.gzip.quality = 1;      /* per answer: fast; kept answers are packed once, at zlib's default */
	args.brotli.quality = -1;
	h2o_compress_register(pathconf, &args);
}

void
http_send_json(h2o_req_t *req, int status, const char *json, size_t len)
{
	h2o_iovec_t body = h2o_strdup(&req->pool, json, len);

	http_send_body(req, status, "application/json", &body, 1);
}

/* The length of the well-formed UTF-8 sequence (2 to 4 bytes) at p, or 0
 * when p does not start one (ASCII included). Rejects overlong forms,
 * surrogates and code points past U+10FFFF. */
static size_t
http_utf8_len(const unsigned char *p, size_t avail)
{
	size_t n;
	unsigned cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) { n = 2; cp = p[0] & 0x1f; }
	else if (p[0] >= 0xe0 && p[0] <= 0xef) { n = 3; cp = p[0] & 0x0f; }
	else if (p[0] >= 0xf0 && p[0] <= 0xf4) { n = 4; cp = p[0] & 0x07; }
	else return 0;
	if (avail < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[k] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

h2o_iovec_t
http_json_quote(h2o_mem_pool_t *pool, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *out = h2o_mem_alloc_pool(pool, len * 6 + 3), *o = out;

	*o++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t n = http_utf8_len((const unsigned char *)s + i, len - i);

		if (n > 1) {
			/* valid UTF-8 goes through as it is: JSON text is UTF-8 */
			memcpy(o, s + i, n);
			o += n;
			i += n - 1;
			continue;
		}
		switch (c) {
		case '"':  *o++ = '\\'; *o++ = '"'; break;
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		default:
			if (c >= 0x80) {
				/* a byte that is not UTF-8: the replacement character */
				memcpy(o, "\\ufffd", 6);
				o += 6;
			} else if (c < 0x20 || c == 0x7f) {
				*o++ = '\\';
				*o++ = 'u';
				*o++ = '0';
				*o++ = '0';
				*o++ = hex[c >> 4];
				*o++ = hex[c & 15];
			} else {
				*o++ = (char)c;
			}
		}
	}
	*o++ = '"';
	*o = '\0';
	return h2o_iovec_init(out, (size_t)(o - out));
}

h2o_iovec_t
http_error_json(h2o_mem_pool_t *pool, const char *code, const char *field, const char *message,
    size_t mlen)
{
	h2o_iovec_t qcode = http_json_quote(pool, code, strlen(code));
	h2o_iovec_t qmsg = http_json_quote(pool, message, mlen);
	h2o_iovec_t qfield = { NULL, 0 };
	size_t size;
	char *body;
	int len;

	if (field != NULL && field[0] != '\0')
		qfield = http_json_quote(pool, field, strlen(field));
	size = qcode.len + qmsg.len + qfield.len + 64;
	body = h2o_mem_alloc_pool(pool, size);
	len = snprintf(body, size, "{\"error\":{\"code\":%s,\"message\":%s%s%s}}", qcode.base,
	    qmsg.base, qfield.base ? ",\"field\":" : "", qfield.base ? qfield.base : "");
	return h2o_iovec_init(body, (size_t)len);
}

void
http_send_error(h2o_req_t *req, int status, const char *code, const char *field,
    const char *message)
{
	h2o_iovec_t body = http_error_json(&req->pool, code, field, message, strlen(message));

	http_send_body(req, status, "application/json", &body, 1);
}

void
http_send_err(h2o_req_t *req, const struct err *e)
{
	const char *msg = e->msg;

	switch (e->code) {
	case ERR_DB:
		fprintf(stderr, "redlightd: request %s: %s\n", http_request_id(req), e->msg);
		msg = "the database is unavailable; try again shortly";
		break;
	case ERR_IO:
	case ERR_CONFIG:
	case ERR_INTERNAL:
		fprintf(stderr, "redlightd: request %s: %s\n", http_request_id(req), e->msg);
		msg = "internal error; the server log has the details";
		break;
	default:
		break;
	}
	http_send_error(req, err_api_status(e), err_api_name(e), e->field, msg);
}
