#include "db/db.h"
#include "web/http.h"

/* The studio's public catalogue: rooms and services, as Postgres shapes
 * them (db/catalog.c), sent verbatim. */

static void
catalog_rooms(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	http_query_json(srv, req, DB_ROOMS_JSON_SQL, 0, NULL);
}

static void
catalog_services(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	http_query_json(srv, req, DB_SERVICES_JSON_SQL, 0, NULL);
}

const struct http_route http_routes_catalog[] = {
	{ "GET", "/api/rooms", catalog_rooms },
	{ "GET", "/api/services", catalog_services },
	{ NULL, NULL, NULL },
};
