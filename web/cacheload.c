#include "web/cacheload.h"

#include "web/listen.h"

int
cacheload_send(struct cacheload *l, struct http_server *srv, const char *sql, int nparams,
    const char *const *params, pgpool_cb cb, void *arg, struct err *e)
{
	int rc;

	if (srv->db == NULL) {
		l->reloads = 0;
		return err_set(e, ERR_DB, NULL, "the server is shutting down");
	}
	l->q_epoch = l->epoch;
	l->q_keep = listen_up(srv->listen);
	if ((rc = pgpool_query(srv->db, sql, nparams, params, cb, arg, &l->q, e)) != 0) {
		l->q = NULL;
		l->reloads = 0;
	}
	return rc;
}

enum cacheload_next
cacheload_landed(struct cacheload *l, const struct err *e, const struct waitlist *waiters)
{
	l->q = NULL;
	/* a notice arrived while it loaded: what came may predate the change */
	if (e == NULL && l->q_epoch != l->epoch && l->reloads < CACHELOAD_MAX_RELOADS &&
	    waiters->head != NULL) {
		l->reloads++;
		return CACHELOAD_AGAIN;
	}
	l->reloads = 0;
	return e != NULL ? CACHELOAD_FAILED : CACHELOAD_READ;
}

int
cacheload_keep(const struct cacheload *l, const struct http_server *srv)
{
	return l->q_keep && l->q_epoch == l->epoch && listen_up(srv->listen);
}

int
cacheload_wait(const struct cacheload *l, struct waitlist *waiters, struct waitlist_node *n)
{
	waitlist_push(waiters, n);
	return l->q == NULL;
}

void
cacheload_forget(struct cacheload *l, struct waitlist *waiters)
{
	while (waitlist_pop(waiters) != NULL)
		;
	if (l->q != NULL)
		pgpool_cancel(l->q);
	l->q = NULL;
}
