#include "web/pgsock.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* libpq ignores connect_timeout for PQconnectPoll, so we keep our own. */
#define PGSOCK_CONNECT_TIMEOUT_MS 5000
#define PGSOCK_BACKOFF_MIN_MS 250
#define PGSOCK_BACKOFF_MAX_MS 8000

struct pgsock {
	uv_loop_t *loop;
	char *conninfo;
	char *appname;
	int flags;
	const struct pgsock_ops *ops;
	void *arg;
	enum pgsock_state state;
	PGconn *pg;
	uv_poll_t *poll;            /* watches poll_fd; NULL when none */
	int poll_fd;
	int poll_events;
	uv_timer_t *timer;          /* connect timeout, then retry backoff */
	int established;            /* the owner said so, since the last connect */
	int failures;               /* attempts failed in a row */
	uint64_t backoff_ms;
	uint64_t rand;
};

static void pgsock_on_poll(uv_poll_t *h, int status, int events);

static void
pgsock_handle_free(uv_handle_t *h)
{
	free(h);
}

static void
pgsock_notice_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* xorshift64*: jitter for retry delays, not for anything secret. */
static uint64_t
pgsock_rand(struct pgsock *s)
{
	s->rand ^= s->rand >> 12;
	s->rand ^= s->rand << 25;
	s->rand ^= s->rand >> 27;
	return s->rand * 0x2545F4914F6CDD1DULL;
}

static void
pgsock_unwatch(struct pgsock *s)
{
	if (s->poll == NULL)
		return;
	/* stop before PQfinish closes the socket: libuv must not poll a
	 * closed (or reused) descriptor */
	uv_poll_stop(s->poll);
	uv_close((uv_handle_t *)s->poll, pgsock_handle_free);
	s->poll = NULL;
}

/* pgsock_watch without failing: replaces the poll handle when libpq moved
 * to another socket (it may, while connecting). 0, or -1 when there is no
 * socket or libuv refuses it. */
static int
pgsock_watch_fd(struct pgsock *s, int events)
{
	int fd = PQsocket(s->pg);

	if (s->poll != NULL && s->poll_fd != fd)
		pgsock_unwatch(s);
	if (fd < 0)
		return -1;
	if (s->poll == NULL) {
		s->poll = xcalloc(1, sizeof(*s->poll));
		if (uv_poll_init(s->loop, s->poll, fd) != 0) {
			free(s->poll);
			s->poll = NULL;
			return -1;
		}
		s->poll->data = s;
		s->poll_fd = fd;
		s->poll_events = 0;
	}
	if (events != s->poll_events) {
		if (uv_poll_start(s->poll, events, pgsock_on_poll) != 0)
			return -1;
		s->poll_events = events;
	}
	return 0;
}

int
pgsock_watch(struct pgsock *s, int events)
{
	if (pgsock_watch_fd(s, events) != 0) {
		pgsock_fail(s, "cannot watch the database socket");
		return -1;
	}
	return 0;
}

static void
pgsock_on_retry(uv_timer_t *t)
{
	pgsock_start(t->data);
}

void
pgsock_fail(struct pgsock *s, const char *msg)
{
	char reason[160];
	uint64_t delay;

	if (s->state == PGSOCK_DOWN)
		return;
	/* msg may be libpq's, which PQfinish frees */
	if (msg == NULL)
		msg = PQerrorMessage(s->pg);
	snprintf(reason, sizeof(reason), "%.*s", (int)strcspn(msg, "\n"), msg);
	pgsock_unwatch(s);
	uv_timer_stop(s->timer);
	PQfinish(s->pg);
	s->pg = NULL;
	s->state = PGSOCK_DOWN;

	if (s->established) {
		s->established = 0;
		s->failures = 0;
		s->backoff_ms = 0;
		delay = 0;
	} else {
		s->failures++;
		s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : PGSOCK_BACKOFF_MIN_MS;
		if (s->backoff_ms > PGSOCK_BACKOFF_MAX_MS)
			s->backoff_ms = PGSOCK_BACKOFF_MAX_MS;
		delay = s->backoff_ms + pgsock_rand(s) % (s->backoff_ms / 4 + 1);
	}
	uv_timer_start(s->timer, pgsock_on_retry, delay, 0);
	s->ops->down(s->arg, reason[0] ? reason : "no reason given", s->failures);
}

void
pgsock_established(struct pgsock *s)
{
	s->established = 1;
	s->failures = 0;
	s->backoff_ms = 0;
}

static void
pgsock_on_connect_timeout(uv_timer_t *t)
{
	pgsock_fail(t->data, "timed out connecting to the database");
}

static void
pgsock_ready(struct pgsock *s)
{
	uv_timer_stop(s->timer);
	if (PQsetnonblocking(s->pg, 1) != 0) {
		pgsock_fail(s, NULL);
		return;
	}
	PQsetNoticeProcessor(s->pg, pgsock_notice_quiet, NULL);
	s->state = PGSOCK_UP;
	s->ops->up(s->arg);
}

static void
pgsock_continue_connect(struct pgsock *s)
{
	switch (PQconnectPoll(s->pg)) {
	case PGRES_POLLING_READING:
		pgsock_watch(s, UV_READABLE);
		break;
	case PGRES_POLLING_WRITING:
		pgsock_watch(s, UV_WRITABLE);
		break;
	case PGRES_POLLING_OK:
		pgsock_ready(s);
		break;
	default:
		pgsock_fail(s, NULL);
		break;
	}
}

void
pgsock_start(struct pgsock *s)
{
	/* keepalives first, so a conninfo that sets its own wins; client_encoding
	 * after it: we speak UTF-8 whatever the server's default. An empty
	 * dbname leaves everything to conninfo and PG* variables. */
	const char *keys[8], *values[8];
	int n = 0;

	if (s->flags & PGSOCK_KEEPALIVE) {
		keys[n] = "keepalives", values[n++] = "1";
		keys[n] = "keepalives_idle", values[n++] = "30";
		keys[n] = "keepalives_interval", values[n++] = "10";
		keys[n] = "keepalives_count", values[n++] = "3";
	}
	keys[n] = "dbname", values[n++] = s->conninfo;
	keys[n] = "client_encoding", values[n++] = "UTF8";
	keys[n] = "fallback_application_name", values[n++] = s->appname;
	keys[n] = NULL, values[n] = NULL;

	s->pg = PQconnectStartParams(keys, values, 1);
	if (s->pg == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	s->state = PGSOCK_CONNECTING;
	if (PQstatus(s->pg) == CONNECTION_BAD) {
		pgsock_fail(s, NULL);
		return;
	}
	uv_timer_start(s->timer, pgsock_on_connect_timeout, PGSOCK_CONNECT_TIMEOUT_MS, 0);
	/* libpq: before the first PQconnectPoll, behave as if it asked to write */
	pgsock_watch(s, UV_WRITABLE);
}

static void
pgsock_on_poll(uv_poll_t *h, int status, int events)
{
	struct pgsock *s = h->data;

	switch (s->state) {
	case PGSOCK_CONNECTING:
		pgsock_continue_connect(s);
		break;
	case PGSOCK_UP:
		/* on a socket error let libpq find out what happened */
		s->ops->io(s->arg, status < 0 ? UV_READABLE | UV_WRITABLE : events);
		break;
	case PGSOCK_DOWN:
		break;
	}
}

struct pgsock *
pgsock_new(uv_loop_t *loop, const char *conninfo, const char *appname,
    int flags, const struct pgsock_ops *ops, void *arg)
{
	struct pgsock *s = xcalloc(1, sizeof(*s));

	s->loop = loop;
	s->conninfo = xstrdup(conninfo ? conninfo : "");
	s->appname = xstrdup(appname);
	s->flags = flags;
	s->ops = ops;
	s->arg = arg;
	s->state = PGSOCK_DOWN;
	/* the address too: sockets made in the same tick jitter apart */
	s->rand = (uv_hrtime() ^ (uint64_t)(uintptr_t)s) | 1;
	s->timer = xcalloc(1, sizeof(*s->timer));
	uv_timer_init(loop, s->timer);
	s->timer->data = s;
	return s;
}

void
pgsock_free(struct pgsock *s)
{
	if (s == NULL)
		return;
	pgsock_unwatch(s);
	uv_timer_stop(s->timer);
	uv_close((uv_handle_t *)s->timer, pgsock_handle_free);
	PQfinish(s->pg);
	free(s->appname);
	free(s->conninfo);
	free(s);
}

PGconn *
pgsock_conn(const struct pgsock *s)
{
	return s->pg;
}

enum pgsock_state
pgsock_state(const struct pgsock *s)
{
	return s->state;
}
