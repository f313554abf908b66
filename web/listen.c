#include "web/listen.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "web/availcache.h"
#include "web/events.h"

/* libpq ignores connect_timeout for PQconnectPoll, so we keep our own. */
#define LISTEN_CONNECT_TIMEOUT_MS 5000
#define LISTEN_BACKOFF_MIN_MS 250
#define LISTEN_BACKOFF_MAX_MS 8000
/* A notice is {entity, id, room_id, from, to}: nothing nests. */
#define LISTEN_MAX_DEPTH 4

enum listen_state {
	LISTEN_DOWN,        /* waiting for the retry timer */
	LISTEN_CONNECTING,  /* PQconnectPoll in progress */
	LISTEN_STARTING,    /* LISTEN sent, its result not yet in */
	LISTEN_UP,          /* listening */
};

struct listener {
	struct http_server *srv;
	enum listen_state state;
	PGconn *pg;
	uv_poll_t *poll;            /* watches poll_fd; NULL when none */
	int poll_fd;
	int poll_events;
	uv_timer_t *timer;          /* connect timeout, then retry backoff */
	uint64_t backoff_ms;
	uint64_t rand;
	int ok;                     /* LISTEN's result was a success */
	int ever_up;
};

static void listen_start(struct listener *l);
static void listen_on_poll(uv_poll_t *h, int status, int events);

static void *
listen_xcalloc(size_t n)
{
	void *p = calloc(1, n);

	if (p == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	return p;
}

static void
listen_handle_free(uv_handle_t *h)
{
	free(h);
}

static void
listen_notice_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* xorshift64*: jitter for retry delays, not for anything secret. */
static uint64_t
listen_rand(struct listener *l)
{
	l->rand ^= l->rand >> 12;
	l->rand ^= l->rand << 25;
	l->rand ^= l->rand >> 27;
	return l->rand * 0x2545F4914F6CDD1DULL;
}

/* Tell the cache and the subscribers that anything may have changed. */
static void
listen_resync(struct listener *l, int up)
{
	struct events_change ch = { .entity = "resync" };

	availcache_listening(l->srv->avail, up);
	if (l->srv->events != NULL)
		events_publish(l->srv->events, &ch);
}

/* Watches the connection's current socket for events, replacing the poll
 * handle when libpq moved to another socket (it may, while connecting). */
static int
listen_watch(struct listener *l, int events)
{
	int fd = PQsocket(l->pg);

	if (l->poll != NULL && l->poll_fd != fd) {
		uv_poll_stop(l->poll);
		uv_close((uv_handle_t *)l->poll, listen_handle_free);
		l->poll = NULL;
	}
	if (fd < 0)
		return -1;
	if (l->poll == NULL) {
		l->poll = listen_xcalloc(sizeof(*l->poll));
		if (uv_poll_init(l->srv->loop, l->poll, fd) != 0) {
			free(l->poll);
			l->poll = NULL;
			return -1;
		}
		l->poll->data = l;
		l->poll_fd = fd;
		l->poll_events = 0;
	}
	if (events != l->poll_events) {
		if (uv_poll_start(l->poll, events, listen_on_poll) != 0)
			return -1;
		l->poll_events = events;
	}
	return 0;
}

static void
listen_unwatch(struct listener *l)
{
	if (l->poll == NULL)
		return;
	/* stop before PQfinish closes the socket */
	uv_poll_stop(l->poll);
	uv_close((uv_handle_t *)l->poll, listen_handle_free);
	l->poll = NULL;
}

static void
listen_on_retry(uv_timer_t *t)
{
	listen_start(t->data);
}

/* The connection failed or dropped: whatever was cached may have missed
 * notices, so drop it; then try again after a backoff. */
static void
listen_fail(struct listener *l, const char *msg)
{
	int was_up = l->state == LISTEN_UP;
	char reason[160];
	uint64_t delay;

	snprintf(reason, sizeof(reason), "%.*s", (int)strcspn(msg, "\n"), msg);
	listen_unwatch(l);
	uv_timer_stop(l->timer);
	PQfinish(l->pg);
	l->pg = NULL;
	l->state = LISTEN_DOWN;
	if (was_up) {
		fprintf(stderr, "redlightd: lost the change listener: %s; reconnecting\n",
		    reason[0] ? reason : "no reason given");
		l->backoff_ms = 0;
		delay = 0;
		listen_resync(l, 0);
	} else {
		/* once per run of failures: the pool reports the database itself */
		if (l->backoff_ms == 0)
			fprintf(stderr, "redlightd: the change listener cannot start: %s; retrying"
			    " (until it does, nothing is cached)\n", reason[0] ? reason : "no reason given");
		l->backoff_ms = l->backoff_ms ? l->backoff_ms * 2 : LISTEN_BACKOFF_MIN_MS;
		if (l->backoff_ms > LISTEN_BACKOFF_MAX_MS)
			l->backoff_ms = LISTEN_BACKOFF_MAX_MS;
		delay = l->backoff_ms + listen_rand(l) % (l->backoff_ms / 4 + 1);
	}
	uv_timer_start(l->timer, listen_on_retry, delay, 0);
}

static void
listen_on_connect_timeout(uv_timer_t *t)
{
	listen_fail(t->data, "timed out connecting to the database");
}

/* ---- notices ---- */

/* An instant of the payload: epoch seconds, or RFC 3339 text (what
 * json_build_object makes of a timestamptz). 0 when usable. */
static int
listen_instant(json_object *o, const char *name, int64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, name, &v) || v == NULL)
		return -1;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return *out >= TZ_MIN_INSTANT && *out <= TZ_MAX_INSTANT ? 0 : -1;
	}
	if (json_object_is_type(v, json_type_string))
		return tz_parse_rfc3339(json_object_get_string(v), out, NULL);
	return -1;
}

/* Copies a short word of the payload ([a-z_]) into buf, or def. */
static const char *
listen_word(json_object *o, const char *name, char *buf, size_t size, const char *def)
{
	json_object *v;
	const char *s;
	size_t n;

	if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
		return def;
	s = json_object_get_string(v);
	n = strlen(s);
	if (n == 0 || n >= size || strspn(s, "abcdefghijklmnopqrstuvwxyz_") != n)
		return def;
	memcpy(buf, s, n + 1);
	return buf;
}

/* A room id of the payload: a uuid's characters only, or NULL. */
static const char *
listen_room(json_object *o, char *buf, size_t size)
{
	json_object *v;
	const char *s;
	size_t n;

	if (!json_object_object_get_ex(o, "room_id", &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	n = strlen(s);
	if (n == 0 || n >= size || strspn(s, "0123456789abcdefABCDEF-") != n)
		return NULL;
	memcpy(buf, s, n + 1);
	return buf;
}

static void
listen_handle(struct listener *l, const char *payload)
{
	struct events_change ch = { .entity = "change" };
	struct json_tokener *tok = json_tokener_new_ex(LISTEN_MAX_DEPTH);
	json_object *o = NULL;
	char entity[32], room[40];
	size_t len = strlen(payload);

	if (tok != NULL) {
		o = json_tokener_parse_ex(tok, payload, (int)len);
		json_tokener_free(tok);
	}
	if (o != NULL && json_object_is_type(o, json_type_object)) {
		ch.entity = listen_word(o, "entity", entity, sizeof(entity), "change");
		ch.room_id = listen_room(o, room, sizeof(room));
		ch.has_range = listen_instant(o, "from", &ch.from) == 0 &&
		    listen_instant(o, "to", &ch.to) == 0;
	}
	/* a calendar sync failing or recovering frees or takes no time */
	if (strcmp(ch.entity, "calendar_sync") == 0) {
		json_object_put(o);
		return;
	}
	/* unreadable or without a range: anything may have changed */
	availcache_invalidate(l->srv->avail, ch.has_range, ch.from, ch.to);
	if (l->srv->events != NULL)
		events_publish(l->srv->events, &ch);
	json_object_put(o);
}

static void
listen_drain(struct listener *l)
{
	PGnotify *n;

	while ((n = PQnotifies(l->pg)) != NULL) {
		if (strcmp(n->relname, LISTEN_CHANNEL) == 0)
			listen_handle(l, n->extra);
		PQfreemem(n);
	}
}

/* ---- the connection ---- */

/* Reads what arrived: LISTEN's result while starting, notices after. */
static void
listen_read(struct listener *l, int events)
{
	int flush;

	if ((events & UV_READABLE) && !PQconsumeInput(l->pg)) {
		listen_fail(l, PQerrorMessage(l->pg));
		return;
	}
	if ((flush = PQflush(l->pg)) < 0) {
		listen_fail(l, PQerrorMessage(l->pg));
		return;
	}
	if (l->state == LISTEN_STARTING) {
		while (!PQisBusy(l->pg)) {
			PGresult *r = PQgetResult(l->pg);
			if (r == NULL) {
				if (!l->ok) {
					listen_fail(l, "LISTEN failed");
					return;
				}
				l->state = LISTEN_UP;
				l->backoff_ms = 0;
				fprintf(stderr, "redlightd: %s changes on %s\n",
				    l->ever_up ? "listening again for" : "listening for", LISTEN_CHANNEL);
				l->ever_up = 1;
				/* from now on notices arrive: what is loaded can be kept */
				listen_resync(l, 1);
				break;
			}
			if (PQresultStatus(r) == PGRES_COMMAND_OK)
				l->ok = 1;
			PQclear(r);
		}
	}
	if (l->state == LISTEN_UP)
		listen_drain(l);
	if (PQstatus(l->pg) == CONNECTION_BAD) {
		listen_fail(l, PQerrorMessage(l->pg));
		return;
	}
	if (listen_watch(l, flush == 1 ? UV_READABLE | UV_WRITABLE : UV_READABLE) != 0)
		listen_fail(l, "cannot watch the database socket");
}

static void
listen_ready(struct listener *l)
{
	uv_timer_stop(l->timer);
	if (PQsetnonblocking(l->pg, 1) != 0) {
		listen_fail(l, PQerrorMessage(l->pg));
		return;
	}
	PQsetNoticeProcessor(l->pg, listen_notice_quiet, NULL);
	l->ok = 0;
	if (!PQsendQuery(l->pg, "LISTEN " LISTEN_CHANNEL)) {
		listen_fail(l, PQerrorMessage(l->pg));
		return;
	}
	l->state = LISTEN_STARTING;
	listen_read(l, 0);
}

static void
listen_continue_connect(struct listener *l)
{
	switch (PQconnectPoll(l->pg)) {
	case PGRES_POLLING_READING:
		if (listen_watch(l, UV_READABLE) != 0)
			listen_fail(l, "cannot watch the database socket");
		break;
	case PGRES_POLLING_WRITING:
		if (listen_watch(l, UV_WRITABLE) != 0)
			listen_fail(l, "cannot watch the database socket");
		break;
	case PGRES_POLLING_OK:
		listen_ready(l);
		break;
	default:
		listen_fail(l, PQerrorMessage(l->pg));
		break;
	}
}

static void
listen_start(struct listener *l)
{
	/* TCP keepalives first, so a conninfo that sets its own wins; they
	 * notice a server that vanished without closing the socket, which a
	 * connection that only ever reads would otherwise wait on forever */
	const char *const keys[] = { "keepalives", "keepalives_idle", "keepalives_interval",
		"keepalives_count", "dbname", "client_encoding", "fallback_application_name", NULL };
	const char *const values[] = { "1", "30", "10", "3", l->srv->conf->database_url,
		"UTF8", "redlightd-listen", NULL };

	l->pg = PQconnectStartParams(keys, values, 1);
	if (l->pg == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	l->state = LISTEN_CONNECTING;
	if (PQstatus(l->pg) == CONNECTION_BAD) {
		listen_fail(l, PQerrorMessage(l->pg));
		return;
	}
	uv_timer_start(l->timer, listen_on_connect_timeout, LISTEN_CONNECT_TIMEOUT_MS, 0);
	/* libpq: before the first PQconnectPoll, behave as if it asked to write */
	if (listen_watch(l, UV_WRITABLE) != 0)
		listen_fail(l, "cannot watch the database socket");
}

static void
listen_on_poll(uv_poll_t *h, int status, int events)
{
	struct listener *l = h->data;

	if (status < 0)
		events = UV_READABLE | UV_WRITABLE;
	switch (l->state) {
	case LISTEN_CONNECTING:
		listen_continue_connect(l);
		break;
	case LISTEN_STARTING:
	case LISTEN_UP:
		listen_read(l, events);
		break;
	case LISTEN_DOWN:
		break;
	}
}

struct listener *
listen_new(struct http_server *srv)
{
	struct listener *l = listen_xcalloc(sizeof(*l));

	l->srv = srv;
	l->state = LISTEN_DOWN;
	l->rand = uv_hrtime() | 1;
	l->timer = listen_xcalloc(sizeof(*l->timer));
	uv_timer_init(srv->loop, l->timer);
	l->timer->data = l;
	listen_start(l);
	return l;
}

void
listen_free(struct listener *l)
{
	if (l == NULL)
		return;
	listen_unwatch(l);
	uv_timer_stop(l->timer);
	uv_close((uv_handle_t *)l->timer, listen_handle_free);
	PQfinish(l->pg);
	free(l);
}

int
listen_up(const struct listener *l)
{
	return l != NULL && l->state == LISTEN_UP;
}
