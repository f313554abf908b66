#include "web/http.h"
#include "web/idem.h"

/* Lives in the request's pool: when the client leaves before the answer,
 * h2o clears the pool and query_dispose detaches the pending query, so the
 * result never reaches a request that is gone. */
struct query_state {
	h2o_req_t *req;
	struct pgpool_query *q;   /* NULL once the result arrived */
	http_query_cb cb;
	void *arg;
};

static void
query_dispose(void *p)
{
	struct query_state *st = p;

	if (st->q != NULL) {
		pgpool_cancel(st->q);
		st->q = NULL;
	}
}

static void
query_done(void *arg, const PGresult *res, const struct err *e)
{
	struct query_state *st = arg;

	st->q = NULL;
	st->cb(st->req, res, e, st->arg);
}

/* Sends sql on the pool for req, outside any transaction. */
static void
query_send(struct http_server *srv, h2o_req_t *req, const char *sql, int nparams,
    const char *const *params, http_query_cb cb, void *arg)
{
	struct query_state *st;
	struct err e;

	if (srv->db == NULL) {
		err_set(&e, ERR_DB, NULL, "the server is shutting down");
		cb(req, NULL, &e, arg);
		return;
	}
	st = h2o_mem_alloc_shared(&req->pool, sizeof(*st), query_dispose);
	st->req = req;
	st->q = NULL;
	st->cb = cb;
	st->arg = arg;
	if (pgpool_query(srv->db, sql, nparams, params, query_done, st, &st->q, &e) != 0)
		cb(req, NULL, &e, arg);
}

void
http_query(struct http_server *srv, h2o_req_t *req, const char *sql, int nparams,
    const char *const *params, http_query_cb cb, void *arg)
{
	if (!idem_query(req, 0, sql, nparams, params, cb, arg))
		query_send(srv, req, sql, nparams, params, cb, arg);
}

const char **
http_params_dup(h2o_mem_pool_t *pool, int n, const char *const *params)
{
	const char **out = h2o_mem_alloc_pool(pool, sizeof(*out) * (size_t)(n > 0 ? n : 1));

	for (int i = 0; i < n; i++)
		out[i] = params[i] != NULL ? h2o_strdup(pool, params[i], SIZE_MAX).base : NULL;
	return out;
}

void
http_write(struct http_server *srv, h2o_req_t *req, const char *sql, int nparams,
    const char *const *params, http_query_cb cb, void *arg)
{
	if (!idem_query(req, 1, sql, nparams, params, cb, arg))
		query_send(srv, req, sql, nparams, params, cb, arg);
}

static void
query_json_done(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct err bad;

	(void)arg;
	if (e != NULL) {
		http_send_err(req, e);
		return;
	}
	if (PQntuples(res) != 1 || PQnfields(res) != 1 || PQgetisnull(res, 0, 0)) {
		err_set(&bad, ERR_INTERNAL, NULL, "a JSON read returned %d rows of %d columns",
		    PQntuples(res), PQnfields(res));
		http_send_err(req, &bad);
		return;
	}
	http_send_json(req, 200, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
}

void
http_query_json(struct http_server *srv, h2o_req_t *req, const char *sql, int nparams,
    const char *const *params)
{
	http_query(srv, req, sql, nparams, params, query_json_done, NULL);
}
