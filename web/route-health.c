#include <string.h>

#include "web/http.h"

/* GET /healthz: is redlightd up, and does Postgres answer? Load balancers
 * and tools/run poll it. The server itself stays up either way. */

/* The answer names the HTTP process that gave it (1 to processes), for
 * an operator checking that every process of http_processes serves. */
static void
health_done(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct http_server *srv = arg;
	char *body = h2o_mem_alloc_pool(&req->pool, 128);
	int len;

	(void)res;
	len = snprintf(body, 128, "{\"status\":\"%s\",\"database\":\"%s\",\"process\":%d,"
	    "\"processes\":%d}", e != NULL ? "degraded" : "ok", e != NULL ? "unavailable" : "ok",
	    srv->process, srv->processes);
	http_send_json(req, e != NULL ? 503 : 200, body, (size_t)len);
}

static void
health_get(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	http_query(srv, req, "SELECT 1", 0, NULL, health_done, srv);
}

const struct http_route http_routes_health[] = {
	{ "GET", "/healthz", health_get },
	{ NULL, NULL, NULL },
};
