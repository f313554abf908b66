#include <string.h>

#include "web/http.h"
#include "web/page.h"

/* The policies of answers other than the booking page (whose policy
 * allows its inline script and style, web/page.c). JSON and event streams
 * load nothing; other static files (sw.js) only from here. */
static const char guard_csp_api[] = "default-src 'none'; frame-ancestors 'none'";
static const char guard_csp_static[] =
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

/* The request head as the client sent it: h2o takes Content-Length and
 * Transfer-Encoding out of req->headers, so only the bytes tell how many
 * there were. An HTTP/1 connection's input buffer starts with the head of
 * the request being answered (h2o drops a request's bytes only once its
 * answer is sent); { NULL, 0 } when there is no such buffer. */
static h2o_iovec_t
guard_head(h2o_req_t *req)
{
	h2o_socket_t *sock;
	h2o_buffer_t *in;

	if (req->version >= 0x200 || req->conn->callbacks->get_socket == NULL ||
	    (sock = req->conn->callbacks->get_socket(req->conn)) == NULL ||
	    (in = sock->input) == NULL || in->bytes == NULL)
		return h2o_iovec_init(NULL, 0);
	return h2o_iovec_init(in->bytes, in->size);
}

/* NULL when req's body is framed one way only (RFC 9112 section 6.3): at
 * most one Content-Length value (repeated identically at most), or one
 * Transfer-Encoding of "chunked" without a Content-Length; otherwise why
 * not. h2o would take the first Content-Length, or the chunked coding over
 * it, where a proxy in front may take another: the rest of the body would
 * then be read as a second request. */
static const char *
guard_framing(h2o_req_t *req)
{
	h2o_iovec_t head = guard_head(req), first = { NULL, 0 };
	const char *p = head.base, *end = head.base + head.len, *eol;
	int nte = 0;

	/* past the request line, then one header line at a time up to the
	 * empty line (picohttpparser takes a bare LF as a line end too) */
	if (p == NULL || (p = memchr(p, '\n', head.len)) == NULL)
		return NULL;
	for (p++; p < end && (eol = memchr(p, '\n', (size_t)(end - p))) != NULL; p = eol + 1) {
		const char *colon, *v, *ve = eol;

		if (ve > p && ve[-1] == '\r')
			ve--;
		if (ve == p)
			break;
		if ((colon = memchr(p, ':', (size_t)(ve - p))) == NULL)
			continue;
		for (v = colon + 1; v < ve && (*v == ' ' || *v == '\t'); v++)
			;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (h2o_lcstris(p, (size_t)(colon - p), H2O_STRLIT("content-length"))) {
			if (first.base != NULL && !h2o_memis(v, (size_t)(ve - v), first.base, first.len))
				return "the request has two different Content-Length headers";
			first = h2o_iovec_init(v, (size_t)(ve - v));
		} else if (h2o_lcstris(p, (size_t)(colon - p), H2O_STRLIT("transfer-encoding"))) {
			if (++nte > 1 || !h2o_lcstris(v, (size_t)(ve - v), H2O_STRLIT("chunked")))
				return "the only Transfer-Encoding taken is one \"chunked\"";
		}
	}
	if (nte > 0 && first.base != NULL)
		return "the request has both Content-Length and Transfer-Encoding";
	return NULL;
}

/* 1 when req's path, percent-decoded, holds a NUL, a backslash or a ".."
 * segment. h2o's file handler would cut the name at a NUL (serving
 * index.html for /index.html%00.js, with the type of .js) and resolves
 * ".." itself; no address of ours needs any of them. */
static int
guard_path_is_hostile(h2o_req_t *req)
{
	size_t len = req->query_at != SIZE_MAX ? req->query_at : req->path.len, seg = 0, dots = 0;
	const char *p = req->path.base;

	for (size_t i = 0; i <= len; i++) {
		int c = i < len ? (unsigned char)p[i] : '/';

		if (c == '%' && i + 2 < len && http_hex_digit(p[i + 1]) >= 0 &&
		    http_hex_digit(p[i + 2]) >= 0) {
			c = http_hex_digit(p[i + 1]) * 16 + http_hex_digit(p[i + 2]);
			i += 2;
		}
		if (c == '\0' || c == '\\')
			return 1;
		if (c == '/') {
			if (seg == 2 && dots == 2)
				return 1;
			seg = dots = 0;
			continue;
		}
		seg++;
		dots += c == '.';
	}
	return 0;
}

static int
guard_on_req(h2o_handler_t *self, h2o_req_t *req)
{
	const char *why;

	(void)self;
	if ((why = guard_framing(req)) != NULL) {
		/* what follows on the connection cannot be told from this body */
		req->http1_is_persistent = 0;
		http_send_error(req, 400, "bad_framing", NULL, why);
		return 0;
	}
	if (guard_path_is_hostile(req)) {
		http_send_error(req, err_http_status(ERR_NOT_FOUND), err_name(ERR_NOT_FOUND), NULL,
		    "no such page");
		return 0;
	}
	return -1;
}

static void
guard_set(h2o_req_t *req, const char *name, size_t nlen, const char *value)
{
	h2o_set_header_by_str(&req->pool, &req->res.headers, name, nlen, 0, value, strlen(value), 1);
}

/* 1 when the answer's Content-Type starts with type. */
static int
guard_type_is(h2o_req_t *req, const char *type)
{
	ssize_t t = h2o_find_header(&req->res.headers, H2O_TOKEN_CONTENT_TYPE, -1);
	size_t n = strlen(type);
	h2o_iovec_t v;

	if (t == -1)
		return 0;
	v = req->res.headers.entries[t].value;
	return v.len >= n && h2o_lcstris(v.base, n, type, n);
}

static void
guard_filter_on_setup_ostream(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
	const char *csp = guard_csp_static;

	(void)self;
	guard_set(req, H2O_STRLIT("x-content-type-options"), "nosniff");
	/* same-origin, not no-referrer: with no-referrer a browser sends
	 * "Origin: null" on our own POSTs, which auth_origin_check refuses */
	guard_set(req, H2O_STRLIT("referrer-policy"), "same-origin");
	guard_set(req, H2O_STRLIT("permissions-policy"),
	    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
	    "microphone=(), payment=(), usb=()");
	if (guard_type_is(req, "application/json") || guard_type_is(req, "text/event-stream"))
		csp = guard_csp_api;
	else if (guard_type_is(req, "text/html") && page_csp() != NULL)
		csp = page_csp();
	guard_set(req, H2O_STRLIT("content-security-policy"), csp);
	h2o_setup_next_ostream(req, slot);
}

void
http_guard_register(h2o_pathconf_t *pathconf)
{
	h2o_handler_t *h = h2o_create_handler(pathconf, sizeof(*h));
	h2o_filter_t *f = h2o_create_filter(pathconf, sizeof(*f));

	h->on_req = guard_on_req;
	f->on_setup_ostream = guard_filter_on_setup_ostream;
}
