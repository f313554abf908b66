#include <string.h>

#include "web/http.h"

/* GET /healthz: is redlightd up, and does Postgres answer? Load balancers
 * and tools/run poll it. The server itself stays up either way. */

#define HEALTH_OK "{\"status\":\"ok\",\"database\":\"ok\"}"
#define HEALTH_DEGRADED "{\"status\":\"degraded\",\"database\":\"unavailable\"}"

static void
health_done(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	(void)res;
	(void)arg;
	if (e != NULL)
		http_send_json(req, 503, HEALTH_DEGRADED, strlen(HEALTH_DEGRADED));
	else
		http_send_json(req, 200, HEALTH_OK, strlen(HEALTH_OK));
}

static void
health_get(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	http_query(srv, req, "SELECT 1", 0, NULL, health_done, NULL);
}

const struct http_route http_routes_health[] = {
	{ "GET", "/healthz", health_get },
	{ NULL, NULL, NULL },
};
