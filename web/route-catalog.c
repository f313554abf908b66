#include "web/catalogcache.h"
#include "web/http.h"

/* The studio's public catalogue: rooms and services, as Postgres shapes
 * them (db/catalog.c), sent verbatim from the catalogue cache
 * (web/catalogcache.h), which the booking page's boot data shares. */

static void
catalog_rooms_done(h2o_req_t *req, const struct catalogcache_view *v, const struct err *e,
    void *arg)
{
	(void)arg;
	if (e != NULL)
		http_send_err(req, e);
	else
		http_send_json(req, 200, v->rooms, v->rooms_len);
}

static void
catalog_services_done(h2o_req_t *req, const struct catalogcache_view *v, const struct err *e,
    void *arg)
{
	(void)arg;
	if (e != NULL)
		http_send_err(req, e);
	else
		http_send_json(req, 200, v->services, v->services_len);
}

static void
catalog_rooms(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	catalogcache_get(srv, req, catalog_rooms_done, NULL);
}

static void
catalog_services(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	catalogcache_get(srv, req, catalog_services_done, NULL);
}

const struct http_route http_routes_catalog[] = {
	{ "GET", "/api/rooms", catalog_rooms },
	{ "GET", "/api/services", catalog_services },
	{ NULL, NULL, NULL },
};
