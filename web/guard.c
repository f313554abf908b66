#include <stdio.h>
#include <string.h>

#include "core/wire.h"
#include "web/http.h"
#include "web/page.h"

/* The policies of answers other than the booking page (whose policy
 * allows its inline script and style, web/page.c). JSON and event streams
 * load nothing; other static files (sw.js) only from here. */
static const char guard_csp_api[] = "default-src 'none'; frame-ancestors 'none'";
static const char guard_csp_static[] =
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

/* The Permissions-Policy of every answer: the devices are off, and so is
 * the Payment Request API unless payments are configured
 * (http_guard_payments): then this origin and Stripe.js's may use it, so
 * the Payment Element can offer Apple Pay and Google Pay. */
#define GUARD_PERMISSIONS_OFF "accelerometer=(), camera=(), geolocation=(), gyroscope=(), " \
	"magnetometer=(), microphone=(), usb=()"
static char guard_permissions[512] = GUARD_PERMISSIONS_OFF ", payment=()";

void
http_guard_payments(const struct conf *pay)
{
	char js[256] = "";

	if (pay != NULL)
		page_origin(pay->stripe_js_url, js, sizeof(js));
	if (js[0] != '\0')
		snprintf(guard_permissions, sizeof(guard_permissions), "%s, payment=(self \"%s\")",
		    GUARD_PERMISSIONS_OFF, js);
	else
		snprintf(guard_permissions, sizeof(guard_permissions), "%s, payment=()", GUARD_PERMISSIONS_OFF);
}

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
 * Transfer-Encoding of "chunked" without a Content-Length, and no header
 * folded over two lines; otherwise why not. h2o would take the first Content-Length, or the chunked coding over
 * it, where a proxy in front may take another: the rest of the body would
 * then be read as a second request. */
static const char *
guard_framing(h2o_req_t *req)
{
	h2o_iovec_t head = guard_head(req);

	return head.base == NULL ? NULL : wire_framing(head.base, head.len);
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

/* ---- h2o's own refusals in the JSON shape ---- */

/* The codes of the statuses h2o answers by itself. */
static const struct {
	int status;
	const char *code;
} guard_codes[] = {
	{ 400, "bad_request" },
	{ 403, "forbidden" },
	{ 404, "not_found" },
	{ 405, "method_not_allowed" },
	{ 413, "too_large" },
	{ 416, "range_not_satisfiable" },
	{ 417, "expectation_failed" },
	{ 500, "internal" },
	{ 502, "bad_gateway" },
	{ 503, "unavailable" },
};

/* Collects h2o's text answer and sends it on as the JSON error shape. */
struct guard_json_ostream {
	h2o_ostream_t super;
	char text[160];
	size_t len;
};

static void
guard_json_do_send(h2o_ostream_t *self, h2o_req_t *req, h2o_iovec_t *bufs, size_t bufcnt,
    h2o_send_state_t state)
{
	struct guard_json_ostream *o = (struct guard_json_ostream *)self;
	const char *code = "error";
	h2o_iovec_t body;

	for (size_t i = 0; i < bufcnt; i++) {
		size_t n = bufs[i].len < sizeof(o->text) - o->len ? bufs[i].len : sizeof(o->text) - o->len;

		memcpy(o->text + o->len, bufs[i].base, n);
		o->len += n;
	}
	if (state == H2O_SEND_STATE_IN_PROGRESS) {
		h2o_ostream_send_next(&o->super, req, NULL, 0, state);
		return;
	}
	while (o->len > 0 && (o->text[o->len - 1] == '\n' || o->text[o->len - 1] == ' '))
		o->len--;
	for (size_t i = 0; i < sizeof(guard_codes) / sizeof(guard_codes[0]); i++)
		if (guard_codes[i].status == req->res.status)
			code = guard_codes[i].code;
	body = http_error_json(&req->pool, code, NULL, o->text, o->len);
	req->res.content_length = body.len;
	h2o_ostream_send_next(&o->super, req, h2o_memis(req->method.base, req->method.len,
	    H2O_STRLIT("HEAD")) ? NULL : &body, h2o_memis(req->method.base, req->method.len,
	    H2O_STRLIT("HEAD")) ? 0 : 1, state);
}

/* h2o answers a body over its limit (413), a broken chunked body or
 * Content-Length (400), an unknown Expect (417) and some static-file
 * errors in text/plain; every answer of ours is JSON, so an error in
 * text/plain is one of h2o's. */
static void
guard_json_setup(h2o_req_t *req, h2o_ostream_t ***slot)
{
	struct guard_json_ostream *o;

	if (req->res.status < 400 || !guard_type_is(req, "text/plain"))
		return;
	guard_set(req, H2O_STRLIT("content-type"), "application/json");
	o = (struct guard_json_ostream *)h2o_add_ostream(req, sizeof(*o), *slot);
	o->super.do_send = guard_json_do_send;
	o->len = 0;
	*slot = &o->super.next;
}

static void
guard_filter_on_setup_ostream(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
	const char *csp = guard_csp_static;

	(void)self;
	guard_json_setup(req, &slot);
	guard_set(req, H2O_STRLIT("x-content-type-options"), "nosniff");
	/* same-origin, not no-referrer: with no-referrer a browser sends
	 * "Origin: null" on our own POSTs, which auth_origin_check refuses */
	guard_set(req, H2O_STRLIT("referrer-policy"), "same-origin");
	guard_set(req, H2O_STRLIT("permissions-policy"), guard_permissions);
	if (guard_type_is(req, "application/json") || guard_type_is(req, "text/event-stream"))
		csp = guard_csp_api;
	else if (guard_type_is(req, "text/html") && page_csp() != NULL)
		csp = page_csp();
	guard_set(req, H2O_STRLIT("content-security-policy"), csp);
	/* only over our own TLS: behind a proxy that ends TLS, the proxy sends
	 * it (redlightd(8)) */
	if (req->scheme == &H2O_URL_SCHEME_HTTPS)
		guard_set(req, H2O_STRLIT("strict-transport-security"), "max-age=31536000");
	h2o_setup_next_ostream(req, slot);
}

void
http_guard_register(h2o_pathconf_t *pathconf)
{
	h2o_handler_t *h = h2o_create_handler(pathconf, sizeof(*h));

	h->on_req = guard_on_req;
	http_guard_register_filter(pathconf);
}

void
http_guard_register_filter(h2o_pathconf_t *pathconf)
{
	h2o_filter_t *f = h2o_create_filter(pathconf, sizeof(*f));

	f->on_setup_ostream = guard_filter_on_setup_ostream;
}
