/* pgsock.h: one PostgreSQL connection on a libuv loop that keeps itself up.
 *
 * What web/pgpool.c (the query connections) and web/listen.c (the LISTEN
 * connection) share: a non-blocking connect (PQconnectStartParams, then
 * PQconnectPoll driven by the socket) under our own timeout, since libpq
 * ignores connect_timeout there; one uv_poll_t on PQsocket, replaced when
 * libpq moves to another socket while connecting; and, when the
 * connection fails or drops, PQfinish (after the poll is stopped) and a
 * retry on a timer. A connection that was up retries at once, as the
 * server may only have dropped it; one that cannot connect backs off
 * exponentially, with a little jitter, up to a ceiling.
 *
 * The owner decides what the connection is for: it hears when the
 * connection is made (up), each socket event after that (io) and each
 * failure (down), and it says when the connection counts as up for the
 * backoff (pgsock_established). It uses the PGconn between up and down.
 * The loop never blocks. Not thread-safe: use it from the loop thread. */
#ifndef REDLIGHT_PGSOCK_H
#define REDLIGHT_PGSOCK_H

#include <libpq-fe.h>
#include <uv.h>

struct pgsock;

enum pgsock_state {
	PGSOCK_DOWN,        /* closed, waiting for the retry timer */
	PGSOCK_CONNECTING,  /* PQconnectPoll in progress */
	PGSOCK_UP,          /* connected: the owner's */
};

/* Flags for pgsock_new. */
/* TCP keepalives, for a connection that only ever reads: without them a
 * server that vanished without closing the socket goes unnoticed. */
#define PGSOCK_KEEPALIVE 1

/* What the owner hears, each with the arg given to pgsock_new. Every one
 * may call pgsock_fail (or pgsock_watch, which may fail); none may call
 * pgsock_free.
 *
 * up: connected, in non-blocking mode, server notices silenced; nothing
 * is watched yet: the owner sends what it wants and calls pgsock_watch.
 * io: the socket is ready for events (UV_READABLE, UV_WRITABLE), or both
 * when it reported an error, so that libpq finds out what happened.
 * down: the connection failed or dropped and is closed; the retry is
 * already scheduled. reason is the first line of why (never empty),
 * borrowed for the call. failures is 0 when the connection had been
 * established (it is retried at once), else how many attempts in a row
 * have failed since it last was, this one included. */
struct pgsock_ops {
	void (*up)(void *arg);
	void (*io)(void *arg, int events);
	void (*down)(void *arg, const char *reason, int failures);
};

/* pgsock_new: a connection to conninfo ("" or NULL: libpq's PG*
 * environment), which always asks for client_encoding UTF8 and names
 * itself appname unless conninfo sets application_name. flags: 0 or
 * PGSOCK_KEEPALIVE. conninfo and appname are copied; ops is borrowed and
 * must outlive s. It does not connect until pgsock_start. The caller's
 * (pgsock_free). Cannot fail; out of memory aborts. */
struct pgsock *pgsock_new(uv_loop_t *loop, const char *conninfo,
    const char *appname, int flags, const struct pgsock_ops *ops, void *arg);

/* pgsock_start: begin connecting, once, after pgsock_new; from then on s
 * keeps reconnecting until pgsock_free. A connection that fails at once
 * calls down before this returns. Cannot fail. */
void pgsock_start(struct pgsock *s);

/* pgsock_free: close the connection and its handles, without calling the
 * owner. The uv handles close asynchronously: run the loop once more
 * before uv_loop_close. NULL is a no-op. */
void pgsock_free(struct pgsock *s);

/* pgsock_conn: the libpq connection, borrowed; NULL while down. Cannot
 * fail. */
PGconn *pgsock_conn(const struct pgsock *s);

/* pgsock_state: where the connection is. Cannot fail. */
enum pgsock_state pgsock_state(const struct pgsock *s);

/* pgsock_watch: while up, call io when the socket is ready for events
 * (UV_READABLE and/or UV_WRITABLE), instead of what was watched before.
 * Returns 0; or, when the socket cannot be watched, fails the connection
 * (down runs before this returns) and returns -1. */
int pgsock_watch(struct pgsock *s, int events);

/* pgsock_established: the owner counts the connection as up (connected,
 * and whatever it set up in place): the backoff starts over, and a
 * failure from now on retries at once. Cannot fail. */
void pgsock_established(struct pgsock *s);

/* pgsock_fail: the connection failed or dropped: close it, schedule the
 * retry and call down. msg says why (only its first line is kept); NULL
 * takes libpq's own error message. A no-op while down. Cannot fail. */
void pgsock_fail(struct pgsock *s, const char *msg);

#endif
