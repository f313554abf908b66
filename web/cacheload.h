/* cacheload.h: one cached thing's load from PostgreSQL, as redlightd's
 * caches of the catalogue (web/catalogcache.c) and of the staff feeds and
 * their tokens (web/feedcache.c) make it: one asynchronous query at a time,
 * and what it brings kept only when no change notice can have been missed
 * since it was sent.
 *
 * A cache bumps epoch whenever it drops what the load is for (a notice,
 * the listener going up or down). A load sent under one epoch and answered
 * under another may predate the change: while requests still wait it is
 * sent again, up to CACHELOAD_MAX_RELOADS times in a row; past that its
 * waiters get what arrived and it is not kept. Everything runs on the loop
 * thread. */
#ifndef REDLIGHT_CACHELOAD_H
#define REDLIGHT_CACHELOAD_H

#include <stdint.h>

#include "web/http.h"
#include "web/pgpool.h"
#include "web/waitlist.h"

#define CACHELOAD_MAX_RELOADS 3

struct cacheload {
	struct pgpool_query *q;     /* the query under way, or NULL */
	uint64_t epoch;             /* bumped by every drop (the cache's) */
	uint64_t q_epoch;           /* the epoch when the load was sent */
	int q_keep;                 /* the listener was up when it was sent */
	int reloads;                /* loads sent again in a row */
};

/* What to do with a load's answer (cacheload_landed). */
enum cacheload_next {
	CACHELOAD_READ,     /* read res: the answer to keep or hand out */
	CACHELOAD_FAILED,   /* answer every waiter with the query's error */
	CACHELOAD_AGAIN     /* a notice arrived meanwhile: send the load again */
};

/* cacheload_send: send the load, sql with nparams text parameters through
 * srv->db, cb(arg) to get its answer, noting the epoch and whether the
 * listener is up. 0, or a negative ERR_* code with e filled (the server is
 * shutting down, or the pool's error) and nothing under way. */
int cacheload_send(struct cacheload *l, struct http_server *srv, const char *sql, int nparams,
    const char *const *params, pgpool_cb cb, void *arg, struct err *e);

/* cacheload_landed: the load's answer arrived (e its error, or NULL), with
 * waiters still waiting for it: nothing is under way any more; what to do
 * next. Cannot fail. */
enum cacheload_next cacheload_landed(struct cacheload *l, const struct err *e,
    const struct waitlist *waiters);

/* cacheload_wait: n joins waiters, the requests waiting for this load;
 * 1 when no load is under way (the caller sends it), else 0. Cannot fail. */
int cacheload_wait(const struct cacheload *l, struct waitlist *waiters, struct waitlist_node *n);

/* cacheload_forget: every waiter off the list (their callbacks never run)
 * and the query under way, if any, canceled. For freeing the cache. */
void cacheload_forget(struct cacheload *l, struct waitlist *waiters);

/* cacheload_keep: 1 when what the load brought may be kept (the listener
 * was up when it was sent and still is, and nothing was dropped since),
 * else 0. Cannot fail. */
int cacheload_keep(const struct cacheload *l, const struct http_server *srv);

#endif
