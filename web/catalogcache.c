#include "web/catalogcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "db/db.h"
#include "web/cacheload.h"
#include "web/waitlist.h"

/* One request waiting, in its pool (web/waitlist.h). */
struct cc_waiter {
	struct waitlist_node node;  /* first: the list's and the pool's */
	h2o_req_t *req;
	catalogcache_cb cb;
	void *arg;
};

struct cc_entry {
	char *rooms, *services;
	size_t rooms_len, services_len;
	json_object *rooms_obj, *services_obj;
	uint64_t loaded_at;         /* uv_now */
};

struct catalogcache {
	struct http_server *srv;
	char *sql;                  /* both reads, one row of two cells */
	struct cc_entry *entry;     /* NULL when nothing is kept */
	struct cacheload load;      /* its epoch bumped by every invalidation */
	struct waitlist waiters;
};

static void
cc_entry_free(struct cc_entry *en)
{
	if (en == NULL)
		return;
	free(en->rooms);
	free(en->services);
	json_object_put(en->rooms_obj);
	json_object_put(en->services_obj);
	free(en);
}

/* The array named key of the JSON document s, or NULL. The caller's. */
static json_object *
cc_parse(const char *s, const char *key)
{
	json_object *o = json_tokener_parse(s), *arr = NULL;

	if (o != NULL && json_object_object_get_ex(o, key, &arr) &&
	    json_object_is_type(arr, json_type_array))
		json_object_get(arr);
	else
		arr = NULL;
	json_object_put(o);
	return arr;
}

static void
cc_view(const struct cc_entry *en, struct catalogcache_view *v)
{
	v->rooms = en->rooms;
	v->rooms_len = en->rooms_len;
	v->services = en->services;
	v->services_len = en->services_len;
	v->room_list = en->rooms_obj;
	v->service_list = en->services_obj;
}

/* Pops every waiter and answers it with en, or with e when en is NULL. */
static void
cc_answer_all(struct catalogcache *c, const struct cc_entry *en, const struct err *e)
{
	struct catalogcache_view v;
	struct cc_waiter *w;

	if (en != NULL)
		cc_view(en, &v);
	while ((w = (struct cc_waiter *)waitlist_pop(&c->waiters)) != NULL)
		w->cb(w->req, en != NULL ? &v : NULL, en != NULL ? NULL : e, w->arg);
}

static void cc_load(struct catalogcache *c);

static void
cc_done(void *arg, const PGresult *res, const struct err *e)
{
	struct catalogcache *c = arg;
	struct cc_entry *en;
	struct err bad;

	switch (cacheload_landed(&c->load, e, &c->waiters)) {
	case CACHELOAD_FAILED:
		cc_answer_all(c, NULL, e);
		return;
	case CACHELOAD_AGAIN:
		cc_load(c);
		return;
	case CACHELOAD_READ:
		break;
	}
	if (PQntuples(res) != 1 || PQnfields(res) != 2 || PQgetisnull(res, 0, 0) ||
	    PQgetisnull(res, 0, 1)) {
		err_set(&bad, ERR_INTERNAL, NULL, "the catalogue read returned %d rows of %d columns",
		    PQntuples(res), PQnfields(res));
		cc_answer_all(c, NULL, &bad);
		return;
	}
	en = xcalloc(1, sizeof(*en));
	en->rooms_len = (size_t)PQgetlength(res, 0, 0);
	en->services_len = (size_t)PQgetlength(res, 0, 1);
	en->rooms = strdup(PQgetvalue(res, 0, 0));
	en->services = strdup(PQgetvalue(res, 0, 1));
	if (en->rooms == NULL || en->services == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	en->rooms_obj = cc_parse(en->rooms, "rooms");
	en->services_obj = cc_parse(en->services, "services");
	en->loaded_at = uv_now(c->srv->loop);
	if (en->rooms_obj == NULL || en->services_obj == NULL) {
		cc_entry_free(en);
		err_set(&bad, ERR_INTERNAL, NULL, "the catalogue read is not the JSON expected");
		cc_answer_all(c, NULL, &bad);
		return;
	}
	/* kept only when no notice can have been missed since it was sent */
	if (cacheload_keep(&c->load, c->srv)) {
		cc_entry_free(c->entry);
		c->entry = en;
		cc_answer_all(c, en, NULL);
		return;
	}
	cc_answer_all(c, en, NULL);
	cc_entry_free(en);
}

/* Sends the load; when it cannot be sent, answers every waiter with why. */
static void
cc_load(struct catalogcache *c)
{
	struct err e;

	if (cacheload_send(&c->load, c->srv, c->sql, 0, NULL, cc_done, c, &e) != 0)
		cc_answer_all(c, NULL, &e);
}

void
catalogcache_get(struct http_server *srv, h2o_req_t *req, catalogcache_cb cb, void *arg)
{
	struct catalogcache *c = srv->catalog;
	struct catalogcache_view v;
	struct cc_waiter *w;
	struct err e;

	if (c == NULL) {
		err_set(&e, ERR_DB, NULL, "the server is shutting down");
		cb(req, NULL, &e, arg);
		return;
	}
	if (c->entry != NULL &&
	    uv_now(srv->loop) - c->entry->loaded_at >= CATALOGCACHE_MAX_AGE_MS) {
		cc_entry_free(c->entry);
		c->entry = NULL;
	}
	if (c->entry != NULL) {
		cc_view(c->entry, &v);
		cb(req, &v, NULL, arg);
		return;
	}
	w = h2o_mem_alloc_shared(&req->pool, sizeof(*w), waitlist_dispose);
	memset(w, 0, sizeof(*w));
	w->req = req;
	w->cb = cb;
	w->arg = arg;
	if (cacheload_wait(&c->load, &c->waiters, &w->node))
		cc_load(c);
}

struct catalogcache *
catalogcache_new(struct http_server *srv)
{
	struct catalogcache *c = xcalloc(1, sizeof(*c));
	size_t n = strlen(DB_ROOMS_JSON_SQL) + strlen(DB_SERVICES_JSON_SQL) + 16;

	c->srv = srv;
	c->sql = xcalloc(1, n);
	snprintf(c->sql, n, "SELECT (%s), (%s)", DB_ROOMS_JSON_SQL, DB_SERVICES_JSON_SQL);
	return c;
}

void
catalogcache_free(struct catalogcache *c)
{
	if (c == NULL)
		return;
	cacheload_forget(&c->load, &c->waiters);
	cc_entry_free(c->entry);
	free(c->sql);
	free(c);
}

void
catalogcache_invalidate(struct catalogcache *c)
{
	if (c == NULL)
		return;
	c->load.epoch++;
	cc_entry_free(c->entry);
	c->entry = NULL;
}
