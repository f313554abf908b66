/* pgpool.h: a few asynchronous PostgreSQL connections on a libuv loop.
 *
 * Each connection is a web/pgsock.c (non-blocking connect, one uv_poll_t);
 * queries go out with PQsendQueryPrepared and their results come back to a
 * callback on the loop thread. A pinned query may take its transaction's
 * BEGIN or COMMIT along in one pipeline (pgpool_pin_query_tx). The loop never blocks. Each connection
 * prepares a statement the first time it runs that SQL text (one more
 * round trip, once) and keeps it for as long as the connection lives, so
 * the server parses and plans it once per connection; a connection that
 * drops forgets its statements and its successor prepares them again. A
 * statement sent inside an aborted transaction, or past the first 256 on a
 * connection, goes out unnamed (PQsendQueryParams). A prepared statement
 * whose result type a migration changed fails once (0A000) and its
 * connection starts over without statements.
 *
 * A query runs on the first idle connection, or waits in a FIFO queue while
 * every live connection is busy or still connecting. A connection that
 * fails or drops is retried (pgsock: at once when it had been up, else with
 * exponential backoff and a little jitter) for as long as the pool lives,
 * so redlightd starts, and stays up, while Postgres is down; queries then
 * fail at once with ERR_DB instead of waiting for a server that is not
 * there.
 *
 * Like libuv: a call that fails never calls its callback; one that succeeds
 * calls it exactly once, later, unless the query is cancelled first.
 * Not thread-safe: use it from the loop thread only. */
#ifndef REDLIGHT_PGPOOL_H
#define REDLIGHT_PGPOOL_H

#include <libpq-fe.h>
#include <uv.h>

#include "core/err.h"

struct pgpool;
struct pgpool_query;

/* The result of one query. On success res is the statement's result
 * (PGRES_TUPLES_OK or PGRES_COMMAND_OK) and e is NULL; on failure res is
 * NULL and e says why: ERR_DB when the connection failed or dropped, or the
 * code db_result_err maps the server's error to (ERR_CONFLICT, ERR_INVALID,
 * ...). res and e are borrowed: the pool frees them when the callback
 * returns. */
typedef void (*pgpool_cb)(void *arg, const PGresult *res, const struct err *e);

/* pgpool_new: a pool of size connections to conninfo ("" or NULL: libpq's
 * PG* environment), which start connecting at once. The pool is the
 * caller's (pgpool_free). Cannot fail; out of memory aborts. */
struct pgpool *pgpool_new(uv_loop_t *loop, const char *conninfo, int size);

/* pgpool_free: disconnect and free. Queries still queued or running are
 * dropped without their callbacks. The uv handles close asynchronously: run
 * the loop once more before uv_loop_close. NULL is a no-op. */
void pgpool_free(struct pgpool *pool);

/* pgpool_query: run sql (one statement, $1.. placeholders) with nparams
 * text parameters (NULL entries are SQL NULL). sql and params are copied.
 * On success returns 0, *out (may be NULL) is a handle for pgpool_cancel
 * valid until the callback starts, and cb will run exactly once. Fails
 * with ERR_DB, and never calls cb, when no connection is up or connecting,
 * or when too many queries already wait. */
int pgpool_query(struct pgpool *pool, const char *sql, int nparams,
    const char *const *params, pgpool_cb cb, void *arg,
    struct pgpool_query **out, struct err *e);

/* pgpool_cancel: forget q's callback. A queued query is dropped; one
 * already sent runs to its end on the server and its result is discarded
 * (cancelling a running statement would need a blocking PQcancel). Never
 * call it once the callback has started. Cannot fail. */
void pgpool_cancel(struct pgpool_query *q);

/* ---- pinned connections: a run of queries on one connection ----
 *
 * A transaction spans several statements, so they must all reach one
 * connection: a pin takes the first connection its first query is sent
 * on and keeps it, away from other queries, until pgpool_pin_free. Its
 * queries run one at a time, in order: send the next from the callback of
 * the one before. A connection is never handed back to the pool inside a
 * transaction: whatever a pin (or a lone query) left open is rolled back
 * first. */

struct pgpool_pin;

/* pgpool_pin_new: a pin on pool, with no connection yet. The caller's
 * (pgpool_pin_free). Cannot fail; out of memory aborts. */
struct pgpool_pin *pgpool_pin_new(struct pgpool *pool);

/* pgpool_pin_query: pgpool_query on the pin's connection (the first one
 * free, for its first query). Also fails with ERR_DB, never calling cb,
 * once that connection dropped: what ran on it is gone with it. */
int pgpool_pin_query(struct pgpool_pin *pin, const char *sql, int nparams,
    const char *const *params, pgpool_cb cb, void *arg,
    struct pgpool_query **out, struct err *e);

/* Flags of pgpool_pin_query_tx. */
#define PGPOOL_BEGIN 1u  /* BEGIN first: the statement opens the pin's transaction */
#define PGPOOL_COMMIT 2u /* COMMIT after it: the statement closes the transaction */

/* A statement sent just before another in its pipeline (after its BEGIN),
 * whose callback gets its own result, with the same arg, just before the
 * other's callback runs (and not when that one was cancelled). sql and
 * params are copied. */
struct pgpool_pre {
	const char *sql;
	int nparams;
	const char *const *params;
	pgpool_cb cb;
};

/* pgpool_pin_query_tx: pgpool_pin_query with BEGIN before the statement,
 * pre (may be NULL) before it, and/or COMMIT after it, all sent at once
 * in libpq's pipeline mode: one round trip instead of up to four. The
 * callback gets the statement's result, or the first error: a BEGIN's,
 * the pre statement's (then the statement did not run), the statement's
 * (then nothing is committed: the transaction is left aborted, for
 * pgpool_pin_free to roll back), or the COMMIT's. flags 0 with pre NULL
 * is pgpool_pin_query. */
int pgpool_pin_query_tx(struct pgpool_pin *pin, unsigned flags, const struct pgpool_pre *pre,
    const char *sql, int nparams, const char *const *params, pgpool_cb cb, void *arg,
    struct pgpool_query **out, struct err *e);

/* pgpool_pin_free: give the connection back, after a ROLLBACK when a
 * transaction is open; a query still running (or queued) finishes first
 * and its callback still runs unless it was cancelled. NULL is a no-op.
 * Cannot fail. */
void pgpool_pin_free(struct pgpool_pin *pin);

/* pgpool_connected: how many connections are up now. Cannot fail. */
int pgpool_connected(const struct pgpool *pool);

#endif
