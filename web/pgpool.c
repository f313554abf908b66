#include "web/pgpool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"

/* libpq ignores connect_timeout for PQconnectPoll, so we keep our own. */
#define PGPOOL_CONNECT_TIMEOUT_MS 5000
#define PGPOOL_BACKOFF_MIN_MS 250
#define PGPOOL_BACKOFF_MAX_MS 8000
/* Queries that may wait per connection before new ones are refused. */
#define PGPOOL_QUEUE_PER_CONN 64

enum pgconn_state {
	PGCONN_DOWN,        /* waiting for the retry timer */
	PGCONN_CONNECTING,  /* PQconnectPoll in progress */
	PGCONN_IDLE,        /* up, no query */
	PGCONN_BUSY,        /* up, running c->q */
};

struct pgpool_query {
	struct pgpool_query *next;  /* in the pool's queue */
	struct pgpool *pool;
	int queued;                 /* 1 while in the queue, 0 once sent */
	pgpool_cb cb;               /* NULL once cancelled */
	void *arg;
	char *sql;
	int nparams;
	char **params;              /* nparams entries, NULL = SQL NULL */
};

struct pgconn {
	struct pgpool *pool;
	enum pgconn_state state;
	PGconn *pg;
	uv_poll_t *poll;            /* watches poll_fd; NULL when none */
	int poll_fd;
	int poll_events;
	uv_timer_t *timer;          /* connect timeout, then retry backoff */
	uint64_t backoff_ms;
	struct pgpool_query *q;     /* running query (PGCONN_BUSY) */
	PGresult *res;              /* its first result, kept until the end */
};

struct pgpool {
	uv_loop_t *loop;
	char *conninfo;
	int size;
	struct pgconn *conns;
	struct pgpool_query *head, *tail;
	size_t queued;
	uv_timer_t *kick;           /* settles the queue outside callers' stacks */
	int up;                     /* 1 up, 0 down, -1 not yet known: for logging */
	uint64_t rand;
};

static void pgconn_start(struct pgconn *c);
static void pgconn_on_poll(uv_poll_t *h, int status, int events);
static void pgpool_dispatch(struct pgpool *pool);

static void *
pgpool_xmalloc(size_t n)
{
	void *p = calloc(1, n);

	if (p == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	return p;
}

static char *
pgpool_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = pgpool_xmalloc(n);

	memcpy(p, s, n);
	return p;
}

static void
pgpool_handle_free(uv_handle_t *h)
{
	free(h);
}

static void
pgpool_notice_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void
pgpool_query_free(struct pgpool_query *q)
{
	if (q == NULL)
		return;
	for (int i = 0; i < q->nparams; i++)
		free(q->params[i]);
	free(q->params);
	free(q->sql);
	free(q);
}

/* Runs q's callback (unless cancelled) and frees q. res may be NULL with
 * e set, or a result whose status says whether the statement failed. */
static void
pgpool_deliver(struct pgpool_query *q, const PGresult *res, const struct err *e)
{
	if (q->cb != NULL) {
		ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
		struct err mapped;

		if (res != NULL && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)) {
			q->cb(q->arg, res, NULL);
		} else {
			if (res != NULL) {
				db_result_err(res, &mapped);
				e = &mapped;
			}
			q->cb(q->arg, NULL, e);
		}
	}
	pgpool_query_free(q);
}

/* xorshift64*: jitter for retry delays, not for anything secret. */
static uint64_t
pgpool_rand(struct pgpool *pool)
{
	pool->rand ^= pool->rand >> 12;
	pool->rand ^= pool->rand << 25;
	pool->rand ^= pool->rand >> 27;
	return pool->rand * 0x2545F4914F6CDD1DULL;
}

static int
pgpool_live(const struct pgpool *pool)
{
	int n = 0;

	for (int i = 0; i < pool->size; i++)
		if (pool->conns[i].state != PGCONN_DOWN)
			n++;
	return n;
}

int
pgpool_connected(const struct pgpool *pool)
{
	int n = 0;

	for (int i = 0; i < pool->size; i++)
		if (pool->conns[i].state == PGCONN_IDLE || pool->conns[i].state == PGCONN_BUSY)
			n++;
	return n;
}

static void
pgpool_on_kick(uv_timer_t *t)
{
	struct pgpool *pool = t->data;
	struct err e;

	if (pgpool_live(pool) > 0) {
		pgpool_dispatch(pool);
		return;
	}
	err_set(&e, ERR_DB, NULL, "the database is unavailable");
	while (pool->head != NULL) {
		struct pgpool_query *q = pool->head;
		pool->head = q->next;
		if (pool->head == NULL)
			pool->tail = NULL;
		pool->queued--;
		q->queued = 0;
		pgpool_deliver(q, NULL, &e);
	}
}

static void
pgpool_schedule_kick(struct pgpool *pool)
{
	uv_timer_start(pool->kick, pgpool_on_kick, 0, 0);
}

/* Watches the connection's current socket for events, replacing the poll
 * handle when libpq moved to another socket (it may, while connecting).
 * Returns 0, or -1 when there is no socket or libuv refuses it. */
static int
pgconn_watch(struct pgconn *c, int events)
{
	int fd = PQsocket(c->pg);

	if (c->poll != NULL && c->poll_fd != fd) {
		uv_poll_stop(c->poll);
		uv_close((uv_handle_t *)c->poll, pgpool_handle_free);
		c->poll = NULL;
	}
	if (fd < 0)
		return -1;
	if (c->poll == NULL) {
		c->poll = pgpool_xmalloc(sizeof(*c->poll));
		if (uv_poll_init(c->pool->loop, c->poll, fd) != 0) {
			free(c->poll);
			c->poll = NULL;
			return -1;
		}
		c->poll->data = c;
		c->poll_fd = fd;
		c->poll_events = 0;
	}
	if (events != c->poll_events) {
		if (uv_poll_start(c->poll, events, pgconn_on_poll) != 0)
			return -1;
		c->poll_events = events;
	}
	return 0;
}

static void
pgconn_unwatch(struct pgconn *c)
{
	if (c->poll == NULL)
		return;
	/* stop before PQfinish closes the socket: libuv must not poll a
	 * closed (or reused) descriptor */
	uv_poll_stop(c->poll);
	uv_close((uv_handle_t *)c->poll, pgpool_handle_free);
	c->poll = NULL;
}

static void
pgconn_on_retry(uv_timer_t *t)
{
	pgconn_start(t->data);
}

/* The connection failed or dropped: fail its running query, close it and
 * try again after a backoff. msg is libpq's (possibly multi-line) reason. */
static void
pgconn_fail(struct pgconn *c, const char *msg)
{
	struct pgpool *pool = c->pool;
	struct pgpool_query *q = c->q;
	int was_up = c->state == PGCONN_IDLE || c->state == PGCONN_BUSY;
	char reason[160];
	uint64_t delay;

	/* msg may be libpq's, which PQfinish frees */
	snprintf(reason, sizeof(reason), "%.*s", (int)strcspn(msg, "\n"), msg);
	c->q = NULL;
	PQclear(c->res);
	c->res = NULL;
	pgconn_unwatch(c);
	uv_timer_stop(c->timer);
	PQfinish(c->pg);
	c->pg = NULL;
	c->state = PGCONN_DOWN;

	/* a connection that was up retries at once (the server may only have
	 * dropped it); one that cannot connect backs off, up to a ceiling */
	if (was_up) {
		c->backoff_ms = 0;
		delay = 0;
	} else {
		c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : PGPOOL_BACKOFF_MIN_MS;
		if (c->backoff_ms > PGPOOL_BACKOFF_MAX_MS)
			c->backoff_ms = PGPOOL_BACKOFF_MAX_MS;
		delay = c->backoff_ms + pgpool_rand(pool) % (c->backoff_ms / 4 + 1);
	}
	uv_timer_start(c->timer, pgconn_on_retry, delay, 0);

	if (pgpool_live(pool) == 0) {
		if (pool->up != 0) {
			fprintf(stderr, "redlightd: database unavailable: %s; retrying\n",
			    reason[0] ? reason : "no reason given");
			pool->up = 0;
		}
		if (pool->head != NULL)
			pgpool_schedule_kick(pool);
	}
	if (q != NULL) {
		struct err e;
		err_set(&e, ERR_DB, NULL, "lost the database connection");
		pgpool_deliver(q, NULL, &e);
	}
}

static void
pgconn_on_connect_timeout(uv_timer_t *t)
{
	pgconn_fail(t->data, "timed out connecting to the database");
}

static void
pgconn_ready(struct pgconn *c)
{
	struct pgpool *pool = c->pool;

	uv_timer_stop(c->timer);
	if (PQsetnonblocking(c->pg, 1) != 0) {
		pgconn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	PQsetNoticeProcessor(c->pg, pgpool_notice_quiet, NULL);
	c->state = PGCONN_IDLE;
	c->backoff_ms = 0;
	if (pgconn_watch(c, UV_READABLE) != 0) {
		pgconn_fail(c, "cannot watch the database socket");
		return;
	}
	if (pool->up != 1) {
		fprintf(stderr, "redlightd: %s the database\n",
		    pool->up == 0 ? "reconnected to" : "connected to");
		pool->up = 1;
	}
	pgpool_dispatch(pool);
}

static void
pgconn_continue_connect(struct pgconn *c)
{
	switch (PQconnectPoll(c->pg)) {
	case PGRES_POLLING_READING:
		if (pgconn_watch(c, UV_READABLE) != 0)
			pgconn_fail(c, "cannot watch the database socket");
		break;
	case PGRES_POLLING_WRITING:
		if (pgconn_watch(c, UV_WRITABLE) != 0)
			pgconn_fail(c, "cannot watch the database socket");
		break;
	case PGRES_POLLING_OK:
		pgconn_ready(c);
		break;
	default:
		pgconn_fail(c, PQerrorMessage(c->pg));
		break;
	}
}

static void
pgconn_start(struct pgconn *c)
{
	/* client_encoding: the API speaks UTF-8 whatever the server's default;
	 * an empty dbname leaves everything to conninfo and PG* variables */
	const char *const keys[] = { "dbname", "client_encoding", "fallback_application_name", NULL };
	const char *const values[] = { c->pool->conninfo, "UTF8", "redlightd", NULL };

	c->pg = PQconnectStartParams(keys, values, 1);
	if (c->pg == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		c->state = PGCONN_CONNECTING;
		pgconn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	c->state = PGCONN_CONNECTING;
	uv_timer_start(c->timer, pgconn_on_connect_timeout, PGPOOL_CONNECT_TIMEOUT_MS, 0);
	/* libpq: before the first PQconnectPoll, behave as if it asked to write */
	if (pgconn_watch(c, UV_WRITABLE) != 0)
		pgconn_fail(c, "cannot watch the database socket");
}

static void
pgconn_drain_notifies(struct pgconn *c)
{
	PGnotify *n;

	while ((n = PQnotifies(c->pg)) != NULL)
		PQfreemem(n);
}

static void
pgconn_finish_query(struct pgconn *c)
{
	struct pgpool_query *q = c->q;
	PGresult *res = c->res;
	struct err e;

	c->q = NULL;
	c->res = NULL;
	c->state = PGCONN_IDLE;
	err_set(&e, ERR_DB, NULL, "the database sent no result");
	pgpool_deliver(q, res, res ? NULL : &e);
	PQclear(res);
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		pgconn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	if (pgconn_watch(c, UV_READABLE) != 0) {
		pgconn_fail(c, "cannot watch the database socket");
		return;
	}
	pgpool_dispatch(c->pool);
}

/* Input and output for the running query: send what libpq still holds,
 * read what arrived, and finish when the last result is in. */
static void
pgconn_busy_io(struct pgconn *c, int events)
{
	int flush;

	if ((events & UV_READABLE) && !PQconsumeInput(c->pg)) {
		pgconn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	if ((flush = PQflush(c->pg)) < 0) {
		pgconn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	if (flush == 1) {
		if (pgconn_watch(c, UV_READABLE | UV_WRITABLE) != 0)
			pgconn_fail(c, "cannot watch the database socket");
		return;
	}
	while (!PQisBusy(c->pg)) {
		PGresult *r = PQgetResult(c->pg);
		if (r == NULL) {
			pgconn_drain_notifies(c);
			pgconn_finish_query(c);
			return;
		}
		if (c->res == NULL)
			c->res = r;
		else
			PQclear(r);
	}
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		pgconn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	if (pgconn_watch(c, UV_READABLE) != 0)
		pgconn_fail(c, "cannot watch the database socket");
}

static void
pgconn_on_poll(uv_poll_t *h, int status, int events)
{
	struct pgconn *c = h->data;

	/* on a socket error let libpq find out what happened */
	if (status < 0)
		events = UV_READABLE | UV_WRITABLE;
	switch (c->state) {
	case PGCONN_CONNECTING:
		pgconn_continue_connect(c);
		break;
	case PGCONN_IDLE:
		/* an idle connection reads only to notice the server leaving */
		if (!PQconsumeInput(c->pg) || PQstatus(c->pg) == CONNECTION_BAD) {
			pgconn_fail(c, PQerrorMessage(c->pg));
			return;
		}
		pgconn_drain_notifies(c);
		break;
	case PGCONN_BUSY:
		pgconn_busy_io(c, events);
		break;
	case PGCONN_DOWN:
		break;
	}
}

static void
pgpool_push_front(struct pgpool *pool, struct pgpool_query *q)
{
	q->next = pool->head;
	pool->head = q;
	if (pool->tail == NULL)
		pool->tail = q;
	q->queued = 1;
	pool->queued++;
}

/* Sends q on idle connection c. A query that cannot be sent because the
 * connection broke goes back to the front of the queue. */
static void
pgconn_send(struct pgconn *c, struct pgpool_query *q)
{
	if (!PQsendQueryParams(c->pg, q->sql, q->nparams, NULL,
	    (const char *const *)q->params, NULL, NULL, 0)) {
		if (PQstatus(c->pg) == CONNECTION_BAD) {
			pgpool_push_front(c->pool, q);
			pgconn_fail(c, PQerrorMessage(c->pg));
			pgpool_schedule_kick(c->pool);
		} else {
			/* the query itself was refused (too many parameters, ...) */
			struct err e;
			int len = (int)strcspn(PQerrorMessage(c->pg), "\n");
			err_set(&e, ERR_INTERNAL, NULL, "%.*s", len, PQerrorMessage(c->pg));
			pgpool_deliver(q, NULL, &e);
		}
		return;
	}
	c->q = q;
	c->state = PGCONN_BUSY;
	pgconn_busy_io(c, 0);
}

static void
pgpool_dispatch(struct pgpool *pool)
{
	for (int i = 0; i < pool->size && pool->head != NULL; i++) {
		struct pgconn *c = &pool->conns[i];
		struct pgpool_query *q;

		if (c->state != PGCONN_IDLE)
			continue;
		q = pool->head;
		pool->head = q->next;
		if (pool->head == NULL)
			pool->tail = NULL;
		pool->queued--;
		q->queued = 0;
		q->next = NULL;
		pgconn_send(c, q);
	}
}

struct pgpool *
pgpool_new(uv_loop_t *loop, const char *conninfo, int size)
{
	struct pgpool *pool = pgpool_xmalloc(sizeof(*pool));

	if (size < 1)
		size = 1;
	pool->loop = loop;
	pool->conninfo = pgpool_xstrdup(conninfo ? conninfo : "");
	pool->size = size;
	pool->up = -1;
	pool->rand = uv_hrtime() | 1;
	pool->kick = pgpool_xmalloc(sizeof(*pool->kick));
	uv_timer_init(loop, pool->kick);
	pool->kick->data = pool;
	pool->conns = pgpool_xmalloc(sizeof(*pool->conns) * (size_t)size);
	for (int i = 0; i < size; i++) {
		struct pgconn *c = &pool->conns[i];
		c->pool = pool;
		c->state = PGCONN_DOWN;
		c->timer = pgpool_xmalloc(sizeof(*c->timer));
		uv_timer_init(loop, c->timer);
		c->timer->data = c;
	}
	for (int i = 0; i < size; i++)
		pgconn_start(&pool->conns[i]);
	return pool;
}

void
pgpool_free(struct pgpool *pool)
{
	if (pool == NULL)
		return;
	for (int i = 0; i < pool->size; i++) {
		struct pgconn *c = &pool->conns[i];
		pgconn_unwatch(c);
		uv_timer_stop(c->timer);
		uv_close((uv_handle_t *)c->timer, pgpool_handle_free);
		PQfinish(c->pg);
		PQclear(c->res);
		pgpool_query_free(c->q);
	}
	while (pool->head != NULL) {
		struct pgpool_query *q = pool->head;
		pool->head = q->next;
		pgpool_query_free(q);
	}
	uv_timer_stop(pool->kick);
	uv_close((uv_handle_t *)pool->kick, pgpool_handle_free);
	free(pool->conns);
	free(pool->conninfo);
	free(pool);
}

int
pgpool_query(struct pgpool *pool, const char *sql, int nparams,
    const char *const *params, pgpool_cb cb, void *arg,
    struct pgpool_query **out, struct err *e)
{
	struct pgpool_query *q;

	if (out != NULL)
		*out = NULL;
	if (pgpool_live(pool) == 0)
		return err_set(e, ERR_DB, NULL, "the database is unavailable");
	if (pool->queued >= (size_t)pool->size * PGPOOL_QUEUE_PER_CONN)
		return err_set(e, ERR_DB, NULL, "too many queries are waiting for the database");
	q = pgpool_xmalloc(sizeof(*q));
	q->pool = pool;
	q->cb = cb;
	q->arg = arg;
	q->sql = pgpool_xstrdup(sql);
	q->nparams = nparams;
	if (nparams > 0) {
		q->params = pgpool_xmalloc(sizeof(*q->params) * (size_t)nparams);
		for (int i = 0; i < nparams; i++)
			q->params[i] = params[i] ? pgpool_xstrdup(params[i]) : NULL;
	}
	if (pool->tail != NULL)
		pool->tail->next = q;
	else
		pool->head = q;
	pool->tail = q;
	q->queued = 1;
	pool->queued++;
	if (out != NULL)
		*out = q;
	/* Send now when a connection is idle. Whatever goes wrong while
	 * sending is delivered later, from the loop, never from this call. */
	for (int i = 0; i < pool->size; i++)
		if (pool->conns[i].state == PGCONN_IDLE) {
			pgpool_schedule_kick(pool);
			break;
		}
	return 0;
}

void
pgpool_cancel(struct pgpool_query *q)
{
	struct pgpool *pool = q->pool;

	if (!q->queued) {
		q->cb = NULL;
		return;
	}
	for (struct pgpool_query **pp = &pool->head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp != q)
			continue;
		*pp = q->next;
		if (pool->tail == q) {
			pool->tail = NULL;
			for (struct pgpool_query *p = pool->head; p != NULL; p = p->next)
				pool->tail = p;
		}
		break;
	}
	pool->queued--;
	pgpool_query_free(q);
}
