#include <string.h>

#include "core/wire.h"
#include "web/http.h"

/* Every route family; a new web/route-NAME.c adds its table here. */
static const struct http_route *const router_families[] = {
	http_routes_health,
	http_routes_catalog,
	http_routes_auth,
	http_routes_avail,
	http_routes_events,
	http_routes_holds,
	http_routes_bookings,
	http_routes_payments,
	http_routes_staff_feed,
	http_routes_booking_ics,
	http_routes_integrations,
	NULL,
};

struct router_handler {
	h2o_handler_t super;
	struct http_server *srv;
};

int
http_route_match(const char *pattern, const char *path, size_t len, struct http_params *params)
{
	const char *p = pattern, *s = path, *end = path + len;
	struct http_params tmp;

	tmp.n = 0;
	while (*p != '\0') {
		size_t plen, slen;
		const char *pseg, *sseg;

		/* both sides sit on a '/' here */
		if (*p != '/' || s == end || *s != '/')
			return 0;
		pseg = ++p;
		sseg = ++s;
		plen = strcspn(pseg, "/");
		for (slen = 0; sseg + slen < end && sseg[slen] != '/'; slen++)
			;
		if (plen > 0 && pseg[0] == ':') {
			if (slen == 0 || tmp.n == HTTP_MAX_PARAMS)
				return 0;
			tmp.p[tmp.n].name = pseg + 1;
			tmp.p[tmp.n].namelen = plen - 1;
			tmp.p[tmp.n].value = h2o_iovec_init(sseg, slen);
			tmp.n++;
		} else if (plen != slen || memcmp(pseg, sseg, slen) != 0) {
			return 0;
		}
		p = pseg + plen;
		s = sseg + slen;
	}
	if (s != end)
		return 0;
	if (params != NULL)
		*params = tmp;
	return 1;
}

h2o_iovec_t
http_param(const struct http_params *params, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < params->n; i++)
		if (params->p[i].namelen == len && memcmp(params->p[i].name, name, len) == 0)
			return params->p[i].value;
	return h2o_iovec_init(NULL, 0);
}

int
http_hex_digit(int c)
{
	return wire_hex_digit(c);
}

char *
http_param_dup(h2o_req_t *req, const struct http_params *params, const char *name)
{
	h2o_iovec_t v = http_param(params, name);
	char *out;

	if (v.base == NULL)
		return NULL;
	out = h2o_mem_alloc_pool(&req->pool, v.len + 1);
	return wire_pct_decode(v.base, v.len, out) < 0 ? NULL : out;
}

/* The JSON 404 for a request no route or file answers. */
static void
router_not_found(h2o_req_t *req, size_t pathlen)
{
	int mlen = req->method.len > 16 ? 16 : (int)req->method.len;
	int plen = pathlen > 100 ? 100 : (int)pathlen;
	char msg[160];

	snprintf(msg, sizeof(msg), "no route for %.*s %.*s", mlen, req->method.base, plen,
	    req->path.base);
	http_send_error(req, err_http_status(ERR_NOT_FOUND), err_name(ERR_NOT_FOUND), NULL, msg);
}

static int
router_method_is(h2o_req_t *req, const char *method)
{
	return h2o_memis(req->method.base, req->method.len, method, strlen(method));
}

/* Appends method to the Allow list unless it is there already. */
static void
router_allow_add(char *allow, size_t size, const char *method)
{
	size_t mlen = strlen(method), used;
	const char *p = allow;

	while ((p = strstr(p, method)) != NULL) {
		if ((p == allow || p[-1] == ' ') && (p[mlen] == ',' || p[mlen] == '\0'))
			return;
		p += mlen;
	}
	used = strlen(allow);
	snprintf(allow + used, size - used, "%s%s", used ? ", " : "", method);
}

static int
router_on_req(h2o_handler_t *self, h2o_req_t *req)
{
	struct router_handler *h = (struct router_handler *)self;
	size_t len = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
	int is_head = router_method_is(req, "HEAD");
	int mlen = req->method.len > 16 ? 16 : (int)req->method.len;
	int plen = len > 100 ? 100 : (int)len;
	char allow[128] = "";
	char msg[320];

	for (const struct http_route *const *fam = router_families; *fam != NULL; fam++) {
		for (const struct http_route *r = *fam; r->method != NULL; r++) {
			struct http_params params;

			if (!http_route_match(r->pattern, req->path.base, len, &params))
				continue;
			if (router_method_is(req, r->method) ||
			    (is_head && strcmp(r->method, "GET") == 0)) {
				r->fn(h->srv, req, &params);
				return 0;
			}
			router_allow_add(allow, sizeof(allow), r->method);
			if (strcmp(r->method, "GET") == 0)
				router_allow_add(allow, sizeof(allow), "HEAD");
		}
	}
	if (allow[0] != '\0') {
		snprintf(msg, sizeof(msg), "%.*s is not allowed on %.*s (allowed: %s)",
		    mlen, req->method.base, plen, req->path.base, allow);
		h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ALLOW, NULL,
		    h2o_strdup(&req->pool, allow, SIZE_MAX).base, strlen(allow));
		http_send_error(req, 405, "method_not_allowed", NULL, msg);
		return 0;
	}
	/* the booking page's files are read with GET and HEAD; anything else
	 * without a route, and anything under /api/, ends here */
	if ((router_method_is(req, "GET") || is_head) &&
	    !(len >= 5 && memcmp(req->path.base, "/api/", 5) == 0) &&
	    !(len == 4 && memcmp(req->path.base, "/api", 4) == 0))
		return -1;
	router_not_found(req, len);
	return 0;
}

void
http_router_register(h2o_pathconf_t *pathconf, struct http_server *srv)
{
	struct router_handler *h = (struct router_handler *)h2o_create_handler(pathconf, sizeof(*h));

	h->super.on_req = router_on_req;
	h->srv = srv;
}

static int
notfound_on_req(h2o_handler_t *self, h2o_req_t *req)
{
	(void)self;
	router_not_found(req, req->query_at != SIZE_MAX ? req->query_at : req->path.len);
	return 0;
}

void
http_notfound_register(h2o_pathconf_t *pathconf)
{
	h2o_handler_t *h = h2o_create_handler(pathconf, sizeof(*h));

	h->on_req = notfound_on_req;
}
