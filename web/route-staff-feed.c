#include <string.h>

#include "core/wire.h"
#include "web/feedcache.h"
#include "web/http.h"

/* GET /api/calendar/ics/staff/STAFF_ID.ics?token=TOKEN: a staff member's
 * calendar feed, from the feed cache (web/feedcache.h), with a strong
 * ETag and a Last-Modified, and 304 for a conditional GET that has it
 * already (RFC 9110 section 13.1: If-None-Match when present, else
 * If-Modified-Since). Whatever is wrong (an unknown id, a wrong, rotated
 * or missing token, a path that is not ID.ics) is the same 404. */

#define FEED_SUFFIX ".ics"
/* subscribers must ask again, but may keep what they have meanwhile */
#define FEED_CACHE_CONTROL "private, no-cache"

static void
feed_not_found(h2o_req_t *req)
{
	http_send_error(req, 404, "not_found", NULL, "no such feed");
}

/* 1 when req's conditional headers say the client has v already. */
static int
feed_fresh(h2o_req_t *req, const struct feedcache_view *v)
{
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH, -1);
	int64_t since;

	if (i != -1) {
		const h2o_iovec_t *h = &req->headers.entries[i].value;
		return wire_etag_match(h->base, h->len, v->etag);
	}
	i = h2o_find_header(&req->headers, H2O_TOKEN_IF_MODIFIED_SINCE, -1);
	if (i != -1) {
		const h2o_iovec_t *h = &req->headers.entries[i].value;
		return wire_http_date(h->base, h->len, &since) == 0 && v->modified <= since;
	}
	return 0;
}

static void
feed_done(h2o_req_t *req, const struct feedcache_view *v, const struct err *e, void *arg)
{
	char *modified;
	h2o_iovec_t body;

	(void)arg;
	if (e != NULL) {
		if (e->code == ERR_NOT_FOUND)
			feed_not_found(req);
		else
			http_send_err(req, e);
		return;
	}
	modified = h2o_mem_alloc_pool(&req->pool, WIRE_HTTP_DATE_SIZE);
	wire_http_date_format(v->modified, modified);
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ETAG, NULL,
	    h2o_strdup(&req->pool, v->etag, SIZE_MAX).base, strlen(v->etag));
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_LAST_MODIFIED, NULL, modified,
	    strlen(modified));
	if (feed_fresh(req, v)) {
		http_send_cached(req, 304, NULL, FEED_CACHE_CONTROL, NULL, 0);
		return;
	}
	body = h2o_strdup(&req->pool, v->text, v->len);
	http_send_cached(req, 200, "text/calendar; charset=utf-8", FEED_CACHE_CONTROL, &body, 1);
}

static void
feed_staff(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	/* the router takes the segment whole: ":id.ics" is one parameter */
	char *file = http_param_dup(req, params, "id.ics");
	const char *token = "";
	size_t flen, tlen = 0;

	if (req->query_at != SIZE_MAX &&
	    !wire_query_value(req->path.base + req->query_at + 1, req->path.len - req->query_at - 1, "token",
	    &token, &tlen))
		token = "";
	if (file == NULL || (flen = strlen(file)) <= strlen(FEED_SUFFIX) ||
	    strcmp(file + flen - strlen(FEED_SUFFIX), FEED_SUFFIX) != 0) {
		feed_not_found(req);
		return;
	}
	file[flen - strlen(FEED_SUFFIX)] = '\0';
	/* a bad id goes through the same token check as a wrong token */
	feedcache_get(srv, req, file, token, tlen, feed_done, NULL);
}

const struct http_route http_routes_staff_feed[] = {
	{ "GET", "/api/calendar/ics/staff/:id.ics", feed_staff },
	{ NULL, NULL, NULL },
};
