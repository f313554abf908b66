#include "web/pgpool.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "db/db.h"
#include "web/pgsock.h"

/* Queries that may wait per connection before new ones are refused. */
#define PGPOOL_QUEUE_PER_CONN 64

/* Statements prepared per connection: a table of PGPOOL_STMT_SLOTS, at
 * most half full, so that statements built at run time cannot grow it
 * without bound; past that, a new statement goes out unnamed. */
#define PGPOOL_STMT_SLOTS 512
#define PGPOOL_STMT_MAX (PGPOOL_STMT_SLOTS / 2)

/* One statement prepared on a connection, under the name "rl<id>". */
struct pgstmt {
	uint64_t hash;
	char *sql;                  /* NULL: a free slot */
	unsigned id;
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
	struct pgpool_pin *pin;     /* whose connection it must run on; NULL: any */
	unsigned flags;             /* PGPOOL_BEGIN, PGPOOL_COMMIT */
	/* a statement sent before it in the same pipeline, or pre_sql NULL */
	char *pre_sql;
	int pre_nparams;
	char **pre_params;
	pgpool_cb pre_cb;
};

/* What one round trip in pipeline mode sends, in order. */
enum pgpipe_op { PGPIPE_BEGIN, PGPIPE_PREPARE, PGPIPE_PRE, PGPIPE_STMT, PGPIPE_COMMIT };
#define PGPIPE_MAX_OPS 5

/* One connection of the pool: idle when up without a query, busy while
 * it runs q. */
struct pgconn {
	struct pgpool *pool;
	struct pgsock *sock;
	struct pgpool_query *q;     /* running query; NULL when idle */
	PGresult *res;              /* its first result, kept until the end */
	struct pgpool_pin *pin;     /* holding the connection, or NULL */
	struct pgstmt *stmts;       /* PGPOOL_STMT_SLOTS, once one is prepared */
	int nstmts;
	int preparing;              /* q's slot while its Prepare runs, else -1 */
	int named;                  /* q went out as a prepared statement */
	uint64_t prep_hash;
	/* q with flags: what its pipeline sent, and whose results come now */
	enum pgpipe_op pipe[PGPIPE_MAX_OPS];
	int npipe;                  /* 0: q went out alone */
	int pipe_at;
	const char *prep_sql;       /* the statement being prepared in it */
	PGresult *pre_res;          /* the pre statement's result or error */
	int pre_stale;              /* it failed as a stale prepared statement */
};

struct pgpool_pin {
	struct pgpool *pool;        /* NULL once the pool is gone */
	struct pgpool_pin *next_pin; /* in the pool's list of pins */
	struct pgconn *conn;        /* once its first query went out */
	struct pgpool_query *next;  /* waiting for conn to be idle */
	int lost;                   /* conn dropped under it */
	int freed;                  /* pgpool_pin_free was called */
};

struct pgpool {
	int size;
	struct pgconn *conns;
	struct pgpool_query *head, *tail;
	size_t queued;
	uv_timer_t *kick;           /* settles the queue outside callers' stacks */
	int up;                     /* 1 up, 0 down, -1 not yet known: for logging */
	struct pgpool_pin *pins;    /* every pin not yet freed */
};

static void pgpool_dispatch(struct pgpool *pool);

static void
pgpool_handle_free(uv_handle_t *h)
{
	free(h);
}

static void
pgpool_params_free(char **params, int n)
{
	for (int i = 0; i < n; i++)
		free(params[i]);
	free(params);
}

static void
pgpool_query_free(struct pgpool_query *q)
{
	if (q == NULL)
		return;
	pgpool_params_free(q->params, q->nparams);
	pgpool_params_free(q->pre_params, q->pre_nparams);
	free(q->pre_sql);
	free(q->sql);
	free(q);
}

static uint64_t
pgstmt_hash(const char *sql)
{
	uint64_t h = 14695981039346656037ULL;  /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)sql; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

/* The slot of sql in c's table: the one holding it, or the free one it
 * would go in; -1 when it is not there and the table is full. */
static int
pgconn_stmt_slot(struct pgconn *c, const char *sql, uint64_t h)
{
	unsigned i;

	if (c->stmts == NULL)
		c->stmts = xcalloc(PGPOOL_STMT_SLOTS, sizeof(*c->stmts));
	for (i = (unsigned)(h % PGPOOL_STMT_SLOTS); c->stmts[i].sql != NULL;
	    i = (i + 1) % PGPOOL_STMT_SLOTS)
		if (c->stmts[i].hash == h && strcmp(c->stmts[i].sql, sql) == 0)
			return (int)i;
	return c->nstmts < PGPOOL_STMT_MAX ? (int)i : -1;
}

/* Forgets every statement: the connection they lived on is gone. */
static void
pgconn_stmts_clear(struct pgconn *c)
{
	if (c->stmts != NULL)
		for (int i = 0; i < PGPOOL_STMT_SLOTS; i++)
			free(c->stmts[i].sql);
	free(c->stmts);
	c->stmts = NULL;
	c->nstmts = 0;
	c->preparing = -1;
	c->npipe = 0;
	PQclear(c->pre_res);
	c->pre_res = NULL;
	c->pre_stale = 0;
}

static void
pgstmt_name(char *buf, size_t len, unsigned id)
{
	snprintf(buf, len, "rl%u", id);
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

/* Up and running nothing (pinned or not). */
static int
pgconn_quiet(const struct pgconn *c)
{
	return pgsock_state(c->sock) == PGSOCK_UP && c->q == NULL;
}

/* Free for any query: quiet and nobody's. */
static int
pgconn_idle(const struct pgconn *c)
{
	return pgconn_quiet(c) && c->pin == NULL;
}

static void
pgpool_pin_unlink(struct pgpool_pin *pin)
{
	if (pin->pool == NULL)
		return;
	for (struct pgpool_pin **pp = &pin->pool->pins; *pp != NULL; pp = &(*pp)->next_pin)
		if (*pp == pin) {
			*pp = pin->next_pin;
			break;
		}
}

/* The pin lets go of its connection; a freed pin is gone after this. */
static void
pgpool_pin_detach(struct pgpool_pin *pin)
{
	if (pin->conn != NULL)
		pin->conn->pin = NULL;
	pin->conn = NULL;
	if (pin->freed) {
		pgpool_pin_unlink(pin);
		free(pin);
	}
}

/* Connections up or connecting: those a query may wait for. */
static int
pgpool_live(const struct pgpool *pool)
{
	int n = 0;

	for (int i = 0; i < pool->size; i++)
		if (pgsock_state(pool->conns[i].sock) != PGSOCK_DOWN)
			n++;
	return n;
}

int
pgpool_connected(const struct pgpool *pool)
{
	int n = 0;

	for (int i = 0; i < pool->size; i++)
		if (pgsock_state(pool->conns[i].sock) == PGSOCK_UP)
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

/* The connection failed or dropped, and pgsock has closed it and
 * scheduled the retry: fail its running query; when no connection is left
 * to wait for, say so once and fail what waits. */
static void
pgconn_on_down(void *arg, const char *reason, int failures)
{
	struct pgconn *c = arg;
	struct pgpool *pool = c->pool;
	struct pgpool_query *q = c->q;

	(void)failures;
	c->q = NULL;
	PQclear(c->res);
	c->res = NULL;
	pgconn_stmts_clear(c);
	if (c->pin != NULL) {
		struct pgpool_pin *pin = c->pin;
		struct pgpool_query *waiting = pin->next;
		struct err lost;

		pin->lost = 1;
		pin->next = NULL;
		pgpool_pin_detach(pin);
		if (waiting != NULL) {
			err_set(&lost, ERR_DB, NULL, "lost the database connection");
			pgpool_deliver(waiting, NULL, &lost);
		}
	}
	if (pgpool_live(pool) == 0) {
		if (pool->up != 0) {
			fprintf(stderr, "redlightd: database unavailable: %s; retrying\n", reason);
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
pgconn_on_up(void *arg)
{
	struct pgconn *c = arg;
	struct pgpool *pool = c->pool;

	pgsock_established(c->sock);
	if (pgsock_watch(c->sock, UV_READABLE) != 0)
		return;
	if (pool->up != 1) {
		fprintf(stderr, "redlightd: %s the database\n",
		    pool->up == 0 ? "reconnected to" : "connected to");
		pool->up = 1;
	}
	pgpool_dispatch(pool);
}

static void
pgconn_drain_notifies(PGconn *pg)
{
	PGnotify *n;

	while ((n = PQnotifies(pg)) != NULL)
		PQfreemem(n);
}

/* A prepared statement whose result type a migration changed. */
static int
pgres_stale(const PGresult *res)
{
	return res != NULL && PQresultStatus(res) == PGRES_FATAL_ERROR &&
	    PQresultErrorField(res, PG_DIAG_SQLSTATE) != NULL &&
	    strcmp(PQresultErrorField(res, PG_DIAG_SQLSTATE), "0A000") == 0;
}

static void
pgconn_finish_query(struct pgconn *c)
{
	struct pgpool_query *q = c->q;
	PGresult *res = c->res;
	struct err e;

	/* A statement prepared before a migration changed what it returns
	 * fails ("cached plan must not change result type", 0A000) for as
	 * long as it lives: start the connection over, without statements. */
	int stale = (c->named && pgres_stale(res)) || c->pre_stale;

	c->q = NULL;
	c->res = NULL;
	c->pre_stale = 0;
	err_set(&e, ERR_DB, NULL, "the database sent no result");
	pgpool_deliver(q, res, res ? NULL : &e);
	PQclear(res);
	if (stale || PQstatus(pgsock_conn(c->sock)) == CONNECTION_BAD) {
		pgsock_fail(c->sock, stale ? "a prepared statement's result type changed" : NULL);
		return;
	}
	if (c->pin != NULL && c->pin->freed && c->pin->next == NULL && c->q == NULL)
		pgpool_pin_detach(c->pin);
	if (pgsock_watch(c->sock, UV_READABLE) != 0)
		return;
	pgpool_dispatch(c->pool);
}

static void pgconn_busy_io(struct pgconn *c, int events);

/* q's Prepare is done: when it worked, remember the statement and send q
 * under its name, and return 1; when it failed, return 0 and q finishes
 * with the Prepare's error, as it would have when sent unnamed. */
static int
pgconn_prepared(struct pgconn *c)
{
	struct pgpool_query *q = c->q;
	PGconn *pg = pgsock_conn(c->sock);
	struct pgstmt *st = &c->stmts[c->preparing];
	char name[16];

	c->preparing = -1;
	if (c->res == NULL || PQresultStatus(c->res) != PGRES_COMMAND_OK)
		return 0;
	PQclear(c->res);
	c->res = NULL;
	st->hash = c->prep_hash;
	st->sql = xstrdup(q->sql);
	st->id = (unsigned)c->nstmts++;
	pgstmt_name(name, sizeof(name), st->id);
	c->named = 1;
	if (!PQsendQueryPrepared(pg, name, q->nparams, (const char *const *)q->params,
	    NULL, NULL, 0)) {
		pgsock_fail(c->sock, NULL);
		return 1;
	}
	pgconn_busy_io(c, 0);
	return 1;
}

/* Reads what arrived and sends what libpq holds: PQflush's answer (1 when
 * some is left to send), or -1 when the connection failed (then failed). */
static int
pgconn_pump(struct pgconn *c, int events)
{
	PGconn *pg = pgsock_conn(c->sock);
	int flush;

	if (((events & UV_READABLE) && !PQconsumeInput(pg)) || (flush = PQflush(pg)) < 0) {
		pgsock_fail(c->sock, NULL);
		return -1;
	}
	return flush;
}

/* Keeps r as the query's result when want, or when it is the first
 * error (an error wins over what came before); else frees it. */
static void
pgconn_keep(struct pgconn *c, PGresult *r, int want)
{
	if (PQresultStatus(r) == PGRES_FATAL_ERROR ?
	    c->res == NULL || PQresultStatus(c->res) != PGRES_FATAL_ERROR : want) {
		PQclear(c->res);
		c->res = r;
	} else {
		PQclear(r);
	}
}

/* More is to come: wait for it (and for room to send, when flush is 1),
 * unless the connection broke. */
static void
pgconn_wait_more(struct pgconn *c, int flush)
{
	if (PQstatus(pgsock_conn(c->sock)) == CONNECTION_BAD) {
		pgsock_fail(c->sock, NULL);
		return;
	}
	pgsock_watch(c->sock, flush == 1 ? UV_READABLE | UV_WRITABLE : UV_READABLE);
}

/* Input and output for the running query: send what libpq still holds,
 * read what arrived, and finish when the last result is in. */
static void
pgconn_busy_io(struct pgconn *c, int events)
{
	PGconn *pg = pgsock_conn(c->sock);
	int flush;

	if ((flush = pgconn_pump(c, events)) < 0)
		return;
	if (flush == 1) {
		pgsock_watch(c->sock, UV_READABLE | UV_WRITABLE);
		return;
	}
	while (!PQisBusy(pg)) {
		PGresult *r = PQgetResult(pg);
		if (r == NULL) {
			pgconn_drain_notifies(pg);
			if (c->preparing >= 0 && pgconn_prepared(c))
				return;
			pgconn_finish_query(c);
			return;
		}
		/* the first result, unless a later one failed: that one */
		pgconn_keep(c, r, c->res == NULL);
	}
	pgconn_wait_more(c, 0);
}

/* q's Prepare, sent in its pipeline, worked: the statement is known. */
static void
pgconn_pipe_prepared(struct pgconn *c)
{
	struct pgstmt *st = &c->stmts[c->preparing];

	st->hash = c->prep_hash;
	st->sql = xstrdup(c->prep_sql);
	st->id = (unsigned)c->nstmts++;
	c->preparing = -1;
}

/* The pre statement's callback, with its result or error, before q's. */
static void
pgconn_pre_deliver(struct pgconn *c)
{
	struct pgpool_query *q = c->q;
	PGresult *r = c->pre_res;
	struct err mapped;

	c->pre_res = NULL;
	if (q->pre_cb != NULL && q->cb != NULL) {
		if (r != NULL && (PQresultStatus(r) == PGRES_TUPLES_OK ||
		    PQresultStatus(r) == PGRES_COMMAND_OK)) {
			q->pre_cb(q->arg, r, NULL);
		} else {
			if (r != NULL && PQresultStatus(r) == PGRES_FATAL_ERROR)
				db_result_err(r, &mapped);
			else
				err_set(&mapped, ERR_DB, NULL, "the database sent no result");
			q->pre_cb(q->arg, NULL, &mapped);
		}
	}
	PQclear(r);
}

/* Input and output for a query sent in one pipeline with its BEGIN, its
 * pre statement or its COMMIT: each operation's results end with a NULL,
 * the whole with the sync. The query's answer is its statement's result,
 * or the first error of any of them (a COMMIT's included); the pre
 * statement's is kept apart for its own callback. */
static void
pgconn_pipe_io(struct pgconn *c, int events)
{
	PGconn *pg = pgsock_conn(c->sock);
	int flush;

	if ((flush = pgconn_pump(c, events)) < 0)
		return;
	while (!PQisBusy(pg)) {
		PGresult *r = PQgetResult(pg);
		ExecStatusType st;
		enum pgpipe_op op;

		if (r == NULL) {
			if (++c->pipe_at > c->npipe) {
				/* nothing more is coming: should not happen */
				pgsock_fail(c->sock, "a pipeline ended without its sync");
				return;
			}
			continue;
		}
		st = PQresultStatus(r);
		if (st == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			c->npipe = 0;
			c->preparing = -1;
			if (!PQexitPipelineMode(pg)) {
				pgsock_fail(c->sock, NULL);
				return;
			}
			pgconn_drain_notifies(pg);
			if (c->q->pre_sql != NULL)
				pgconn_pre_deliver(c);
			pgconn_finish_query(c);
			return;
		}
		op = c->pipe_at < c->npipe ? c->pipe[c->pipe_at] : PGPIPE_STMT;
		if (op == PGPIPE_PREPARE && st == PGRES_COMMAND_OK && c->preparing >= 0)
			pgconn_pipe_prepared(c);
		if (op == PGPIPE_PRE && c->pre_res == NULL) {
			/* the pre statement's own answer, kept apart */
			c->pre_res = r;
			c->pre_stale = pgres_stale(r);
			continue;
		}
		pgconn_keep(c, r, op == PGPIPE_STMT && c->res == NULL);
	}
	pgconn_wait_more(c, flush);
}

static void
pgconn_on_io(void *arg, int events)
{
	struct pgconn *c = arg;
	PGconn *pg = pgsock_conn(c->sock);

	if (c->q != NULL && c->npipe > 0) {
		pgconn_pipe_io(c, events);
		return;
	}
	if (c->q != NULL) {
		pgconn_busy_io(c, events);
		return;
	}
	/* an idle connection reads only to notice the server leaving */
	if (!PQconsumeInput(pg) || PQstatus(pg) == CONNECTION_BAD) {
		pgsock_fail(c->sock, NULL);
		return;
	}
	pgconn_drain_notifies(pg);
}

static const struct pgsock_ops pgconn_ops = {
	.up = pgconn_on_up,
	.io = pgconn_on_io,
	.down = pgconn_on_down,
};

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
static int
pgconn_send_stmt(struct pgconn *c, struct pgpool_query *q)
{
	PGconn *pg = pgsock_conn(c->sock);
	uint64_t h = pgstmt_hash(q->sql);
	int slot = pgconn_stmt_slot(c, q->sql, h);
	char name[16];

	c->preparing = -1;
	c->named = 0;
	/* no room, or an aborted transaction that refuses a Prepare: unnamed */
	if (slot < 0 || (c->stmts[slot].sql == NULL &&
	    PQtransactionStatus(pg) == PQTRANS_INERROR))
		return PQsendQueryParams(pg, q->sql, q->nparams, NULL,
		    (const char *const *)q->params, NULL, NULL, 0);
	if (c->stmts[slot].sql != NULL) {
		c->named = 1;
		pgstmt_name(name, sizeof(name), c->stmts[slot].id);
		return PQsendQueryPrepared(pg, name, q->nparams,
		    (const char *const *)q->params, NULL, NULL, 0);
	}
	pgstmt_name(name, sizeof(name), (unsigned)c->nstmts);
	if (!PQsendPrepare(pg, name, q->sql, 0, NULL))
		return 0;
	c->preparing = slot;
	c->prep_hash = h;
	return 1;
}

/* Queues one statement of a pipeline as op: by its name when c knows it;
 * else prepared in the same pipeline when may_prepare and there is room
 * (one Prepare per pipeline: its name is the next one); else unnamed. */
static int
pgconn_pipe_stmt(struct pgconn *c, enum pgpipe_op op, const char *sql, int nparams,
    char **params, int may_prepare)
{
	PGconn *pg = pgsock_conn(c->sock);
	uint64_t h = pgstmt_hash(sql);
	int slot = pgconn_stmt_slot(c, sql, h);
	char name[16];
	int named = 0;

	if (slot >= 0 && c->stmts[slot].sql != NULL) {
		pgstmt_name(name, sizeof(name), c->stmts[slot].id);
		named = 1;
	} else if (slot >= 0 && may_prepare && c->preparing < 0) {
		pgstmt_name(name, sizeof(name), (unsigned)c->nstmts);
		if (!PQsendPrepare(pg, name, sql, 0, NULL))
			return 0;
		c->pipe[c->npipe++] = PGPIPE_PREPARE;
		c->preparing = slot;
		c->prep_hash = h;
		c->prep_sql = sql;
		named = 1;
	}
	if (op == PGPIPE_STMT)
		c->named = named;
	if (!(named ? PQsendQueryPrepared(pg, name, nparams, (const char *const *)params, NULL, NULL, 0) :
	    PQsendQueryParams(pg, sql, nparams, NULL, (const char *const *)params, NULL, NULL, 0)))
		return 0;
	c->pipe[c->npipe++] = op;
	return 1;
}

/* Sends q with its BEGIN before it, its pre statement, and/or its COMMIT
 * after it, in one pipeline: one round trip. An unknown statement is
 * prepared in it too (the pre statement only when q's is known). */
static int
pgconn_send_pipeline(struct pgconn *c, struct pgpool_query *q)
{
	PGconn *pg = pgsock_conn(c->sock);
	/* an aborted transaction refuses a Prepare */
	int may_prepare = (q->flags & PGPOOL_BEGIN) || PQtransactionStatus(pg) != PQTRANS_INERROR;
	int slot = pgconn_stmt_slot(c, q->sql, pgstmt_hash(q->sql));
	/* one Prepare per pipeline: q's own first, the pre statement's later */
	int known = slot >= 0 && c->stmts[slot].sql != NULL;

	c->preparing = -1;
	c->named = 0;
	c->npipe = 0;
	c->pipe_at = 0;
	if (!PQenterPipelineMode(pg))
		return 0;
	if ((q->flags & PGPOOL_BEGIN) && !PQsendQueryParams(pg, "BEGIN", 0, NULL, NULL, NULL, NULL, 0))
		return 0;
	if (q->flags & PGPOOL_BEGIN)
		c->pipe[c->npipe++] = PGPIPE_BEGIN;
	if (q->pre_sql != NULL &&
	    !pgconn_pipe_stmt(c, PGPIPE_PRE, q->pre_sql, q->pre_nparams, q->pre_params,
	    may_prepare && known))
		return 0;
	if (!pgconn_pipe_stmt(c, PGPIPE_STMT, q->sql, q->nparams, q->params, may_prepare))
		return 0;
	if ((q->flags & PGPOOL_COMMIT) && !PQsendQueryParams(pg, "COMMIT", 0, NULL, NULL, NULL, NULL, 0))
		return 0;
	if (q->flags & PGPOOL_COMMIT)
		c->pipe[c->npipe++] = PGPIPE_COMMIT;
	return PQpipelineSync(pg);
}

static void
pgconn_send(struct pgconn *c, struct pgpool_query *q)
{
	PGconn *pg = pgsock_conn(c->sock);

	int piped = q->flags != 0 || q->pre_sql != NULL;

	if (!(piped ? pgconn_send_pipeline(c, q) : pgconn_send_stmt(c, q))) {
		c->npipe = 0;
		c->preparing = -1;
		/* a pipeline half sent cannot be taken back: start over */
		if (piped && PQpipelineStatus(pg) != PQ_PIPELINE_OFF) {
			pgpool_push_front(c->pool, q);
			pgsock_fail(c->sock, NULL);
			pgpool_schedule_kick(c->pool);
			return;
		}
		if (PQstatus(pg) == CONNECTION_BAD) {
			pgpool_push_front(c->pool, q);
			pgsock_fail(c->sock, NULL);
			pgpool_schedule_kick(c->pool);
		} else {
			/* the query itself was refused (too many parameters, ...) */
			struct err e;
			int len = (int)strcspn(PQerrorMessage(pg), "\n");
			err_set(&e, ERR_INTERNAL, NULL, "%.*s", len, PQerrorMessage(pg));
			pgpool_deliver(q, NULL, &e);
		}
		return;
	}
	c->q = q;
	if (c->npipe > 0)
		pgconn_pipe_io(c, 0);
	else
		pgconn_busy_io(c, 0);
}

static struct pgpool_query *
pgpool_query_new(struct pgpool *pool, const char *sql, int nparams, const char *const *params,
    pgpool_cb cb, void *arg)
{
	struct pgpool_query *q = xcalloc(1, sizeof(*q));

	q->pool = pool;
	q->cb = cb;
	q->arg = arg;
	q->sql = xstrdup(sql);
	q->nparams = nparams;
	if (nparams > 0) {
		q->params = xcalloc(1, sizeof(*q->params) * (size_t)nparams);
		for (int i = 0; i < nparams; i++)
			q->params[i] = params[i] ? xstrdup(params[i]) : NULL;
	}
	return q;
}

/* What a quiet connection does next, before the queue: the query its pin
 * has waiting, or, when nobody holds it and a transaction was left open
 * on it, a ROLLBACK. 1 when it got something to do. */
static int
pgconn_own_work(struct pgconn *c)
{
	struct pgpool_query *q;

	if (c->pin != NULL) {
		if ((q = c->pin->next) == NULL)
			return 1;       /* held: not for the queue */
		c->pin->next = NULL;
		q->queued = 0;
		pgconn_send(c, q);
		return 1;
	}
	if (PQtransactionStatus(pgsock_conn(c->sock)) == PQTRANS_IDLE)
		return 0;
	pgconn_send(c, pgpool_query_new(c->pool, "ROLLBACK", 0, NULL, NULL, NULL));
	return 1;
}

static void
pgpool_dispatch(struct pgpool *pool)
{
	for (int i = 0; i < pool->size; i++) {
		struct pgconn *c = &pool->conns[i];
		struct pgpool_query *q;

		if (!pgconn_quiet(c) || pgconn_own_work(c) || pool->head == NULL)
			continue;
		q = pool->head;
		pool->head = q->next;
		if (pool->head == NULL)
			pool->tail = NULL;
		pool->queued--;
		q->queued = 0;
		q->next = NULL;
		if (q->pin != NULL) {
			c->pin = q->pin;
			q->pin->conn = c;
		}
		pgconn_send(c, q);
	}
}

struct pgpool *
pgpool_new(uv_loop_t *loop, const char *conninfo, int size)
{
	struct pgpool *pool = xcalloc(1, sizeof(*pool));

	if (size < 1)
		size = 1;
	pool->size = size;
	pool->up = -1;
	pool->kick = xcalloc(1, sizeof(*pool->kick));
	uv_timer_init(loop, pool->kick);
	pool->kick->data = pool;
	pool->conns = xcalloc(1, sizeof(*pool->conns) * (size_t)size);
	for (int i = 0; i < size; i++) {
		struct pgconn *c = &pool->conns[i];
		c->pool = pool;
		c->preparing = -1;
		c->sock = pgsock_new(loop, conninfo, "redlightd", 0, &pgconn_ops, c);
	}
	/* start once all exist: one that fails at once counts the others */
	for (int i = 0; i < size; i++)
		pgsock_start(pool->conns[i].sock);
	return pool;
}

void
pgpool_free(struct pgpool *pool)
{
	if (pool == NULL)
		return;
	for (struct pgpool_pin *pin = pool->pins; pin != NULL; pin = pin->next_pin) {
		pin->pool = NULL;
		pin->conn = NULL;
		pgpool_query_free(pin->next);
		pin->next = NULL;
	}
	for (int i = 0; i < pool->size; i++) {
		struct pgconn *c = &pool->conns[i];
		pgsock_free(c->sock);
		pgconn_stmts_clear(c);
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
	q = pgpool_query_new(pool, sql, nparams, params, cb, arg);
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
		if (pgconn_idle(&pool->conns[i])) {
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
	if (q->pin != NULL && q->pin->next == q) {
		q->pin->next = NULL;
		pgpool_query_free(q);
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

struct pgpool_pin *
pgpool_pin_new(struct pgpool *pool)
{
	struct pgpool_pin *pin = xcalloc(1, sizeof(*pin));

	pin->pool = pool;
	pin->next_pin = pool->pins;
	pool->pins = pin;
	return pin;
}

int
pgpool_pin_query(struct pgpool_pin *pin, const char *sql, int nparams,
    const char *const *params, pgpool_cb cb, void *arg,
    struct pgpool_query **out, struct err *e)
{
	return pgpool_pin_query_tx(pin, 0, NULL, sql, nparams, params, cb, arg, out, e);
}

static void
pgpool_query_pre(struct pgpool_query *q, const struct pgpool_pre *pre)
{
	if (pre == NULL)
		return;
	q->pre_sql = xstrdup(pre->sql);
	q->pre_nparams = pre->nparams;
	q->pre_cb = pre->cb;
	if (pre->nparams > 0) {
		q->pre_params = xcalloc(1, sizeof(*q->pre_params) * (size_t)pre->nparams);
		for (int i = 0; i < pre->nparams; i++)
			q->pre_params[i] = pre->params[i] ? xstrdup(pre->params[i]) : NULL;
	}
}

int
pgpool_pin_query_tx(struct pgpool_pin *pin, unsigned flags, const struct pgpool_pre *pre,
    const char *sql, int nparams, const char *const *params, pgpool_cb cb, void *arg,
    struct pgpool_query **out, struct err *e)
{
	struct pgpool_query *q;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (pin->lost || pin->pool == NULL)
		return err_set(e, ERR_DB, NULL, "lost the database connection");
	if (pin->conn == NULL) {
		/* the first: whichever connection is free first */
		if ((rc = pgpool_query(pin->pool, sql, nparams, params, cb, arg, &q, e)) != 0)
			return rc;
		q->pin = pin;
		q->flags = flags;
		pgpool_query_pre(q, pre);
	} else {
		q = pgpool_query_new(pin->pool, sql, nparams, params, cb, arg);
		q->pin = pin;
		q->flags = flags;
		pgpool_query_pre(q, pre);
		q->queued = 1;
		pin->next = q;
		pgpool_schedule_kick(pin->pool);
	}
	if (out != NULL)
		*out = q;
	return 0;
}

void
pgpool_pin_free(struct pgpool_pin *pin)
{
	if (pin == NULL)
		return;
	pin->freed = 1;
	if (pin->pool == NULL) {
		free(pin);
		return;
	}
	if (pin->conn == NULL) {
		/* its first query, if still queued, may run anywhere now; the
		 * dispatch rolls back whatever it leaves open */
		for (struct pgpool_query *q = pin->pool->head; q != NULL; q = q->next)
			if (q->pin == pin)
				q->pin = NULL;
		pgpool_pin_detach(pin);
		return;
	}
	if (pin->conn->q == NULL && pin->next == NULL) {
		struct pgpool *pool = pin->pool;

		pgpool_pin_detach(pin);
		pgpool_schedule_kick(pool);
	}
	/* else pgconn_finish_query lets go once its queries are done */
}
