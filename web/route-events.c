#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/tz.h"
#include "web/events.h"
#include "web/http.h"
#include "web/ratelimit.h"

/* Availability changes for the booking page (web/events.h):
 *   GET /api/events[?room_id=UUID] -> 200 text/event-stream, open until the
 *   client leaves or the server stops. */

struct events_buf {
	char *base;
	size_t len, cap;
};

/* One open stream, in its request's pool. h2o calls proceed when the last
 * chunk is written and stop when the connection dies; the pool's dispose
 * hook takes the subscriber off the list when the request ends. */
struct events_sub {
	h2o_generator_t super;      /* first: h2o hands it back to the callbacks */
	struct events_sub *prev, *next;
	struct events *ev;          /* NULL once off the list */
	h2o_req_t *req;
	char room[40];              /* the room filter, or "" */
	const char *client;         /* ratelimit_client's, in the request's pool */
	h2o_socket_t *sock;         /* HTTP/1: watched for the client leaving, or NULL */
	struct events_buf pending;  /* queued, not yet handed to h2o */
	struct events_buf sending;  /* with h2o until proceed */
	int busy;                   /* a chunk is with h2o */
	int ending;                 /* end the stream at the next chance */
	int done;                   /* ended or stopped: no more h2o_send */
};

struct events {
	struct http_server *srv;
	struct events_sub *head;
	size_t n;
	uv_timer_t *ping;
	int closing;
};

static void
events_handle_free(uv_handle_t *h)
{
	free(h);
}

static void
events_buf_append(struct events_buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;
		while (cap < b->len + n)
			cap *= 2;
		if ((p = realloc(b->base, cap)) == NULL) {
			fputs("redlightd: out of memory\n", stderr);
			abort();
		}
		b->base = p;
		b->cap = cap;
	}
	memcpy(b->base + b->len, s, n);
	b->len += n;
}

static void
events_unlink(struct events_sub *s)
{
	struct events *ev = s->ev;

	if (ev == NULL)
		return;
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		ev->head = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	s->ev = NULL;
	ev->n--;
}

/* Hand h2o what is queued, or end the stream, unless h2o still holds a
 * chunk (then proceed comes back here). */
static void
events_flush(struct events_sub *s)
{
	struct events_buf t;
	h2o_iovec_t buf;

	if (s->busy || s->done)
		return;
	if (s->ending) {
		s->done = 1;
		events_unlink(s);
		h2o_send(s->req, NULL, 0, H2O_SEND_STATE_FINAL);
		return;
	}
	if (s->pending.len == 0)
		return;
	t = s->sending;
	s->sending = s->pending;
	s->pending = t;
	s->pending.len = 0;
	s->busy = 1;
	buf = h2o_iovec_init(s->sending.base, s->sending.len);
	h2o_send(s->req, &buf, 1, H2O_SEND_STATE_IN_PROGRESS);
}

static void
events_queue(struct events_sub *s, const char *text, size_t n)
{
	if (s->done || s->ending)
		return;
	if (s->pending.len + n > EVENTS_MAX_PENDING) {
		/* far behind: end it; its EventSource reconnects and refetches */
		s->ending = 1;
		s->pending.len = 0;
	} else {
		events_buf_append(&s->pending, text, n);
	}
	events_flush(s);
}

/* The process's one struct events, for events_on_read: a socket's
 * callback is handed the socket alone. */
static struct events *events_one;

/* h2o reads nothing while it answers, so a client that closed its stream
 * would hold its place until a ping failed to be written (two pings: the
 * first write still succeeds). Reading the socket meanwhile sees the end
 * at once, and the stream ends. Bytes from the client instead stop the
 * watch: they stay in the buffer for h2o, which must not grow. */
static void
events_on_read(h2o_socket_t *sock, const char *err)
{
	h2o_socket_read_stop(sock);
	if (err == NULL || events_one == NULL)
		return;
	for (struct events_sub *s = events_one->head; s != NULL; s = s->next)
		if (s->sock == sock) {
			s->ending = 1;
			s->pending.len = 0;
			events_flush(s);
			return;
		}
}

static void
events_on_proceed(h2o_generator_t *self, h2o_req_t *req)
{
	struct events_sub *s = (struct events_sub *)self;

	(void)req;
	s->busy = 0;
	s->sending.len = 0;
	events_flush(s);
}

static void
events_on_stop(h2o_generator_t *self, h2o_req_t *req)
{
	struct events_sub *s = (struct events_sub *)self;

	(void)req;
	s->done = 1;
	events_unlink(s);
}

static void
events_sub_dispose(void *p)
{
	struct events_sub *s = p;

	events_unlink(s);
	free(s->pending.base);
	free(s->sending.base);
	s->pending.base = s->sending.base = NULL;
}

static void
events_on_ping(uv_timer_t *t)
{
	struct events *ev = t->data;
	static const char ping[] = ": ping\n\n";

	for (struct events_sub *s = ev->head, *next; s != NULL; s = next) {
		next = s->next;
		events_queue(s, ping, sizeof(ping) - 1);
	}
}

struct events *
events_new(struct http_server *srv)
{
	struct events *ev = calloc(1, sizeof(*ev));

	if (ev == NULL || (ev->ping = calloc(1, sizeof(*ev->ping))) == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	ev->srv = srv;
	uv_timer_init(srv->loop, ev->ping);
	ev->ping->data = ev;
	uv_timer_start(ev->ping, events_on_ping, EVENTS_PING_MS, EVENTS_PING_MS);
	/* the ping alone must not keep a stopping loop alive */
	uv_unref((uv_handle_t *)ev->ping);
	events_one = ev;
	return ev;
}

void
events_free(struct events *ev)
{
	if (ev == NULL)
		return;
	if (events_one == ev)
		events_one = NULL;
	while (ev->head != NULL)
		events_unlink(ev->head);
	uv_timer_stop(ev->ping);
	uv_close((uv_handle_t *)ev->ping, events_handle_free);
	free(ev);
}

size_t
events_count(const struct events *ev)
{
	return ev != NULL ? ev->n : 0;
}

void
events_shutdown(struct events *ev)
{
	if (ev == NULL)
		return;
	ev->closing = 1;
	for (struct events_sub *s = ev->head, *next; s != NULL; s = next) {
		next = s->next;
		s->ending = 1;
		events_flush(s);
	}
}

/* "null" or the instant as a JSON string. */
static void
events_instant(char *buf, size_t size, int ok, int64_t t)
{
	char tmp[TZ_RFC3339_SIZE];

	if (ok && tz_format_utc(t, tmp, sizeof(tmp), NULL) == 0)
		snprintf(buf, size, "\"%s\"", tmp);
	else
		snprintf(buf, size, "null");
}

void
events_publish(struct events *ev, const struct events_change *ch)
{
	char from[TZ_RFC3339_SIZE + 2], to[TZ_RFC3339_SIZE + 2], room[48], text[320];
	int n;

	if (ev == NULL || ev->head == NULL)
		return;
	/* the listener checked entity ([a-z_]) and room_id (uuid characters),
	 * so neither needs escaping */
	if (ch->room_id != NULL)
		snprintf(room, sizeof(room), "\"%.40s\"", ch->room_id);
	else
		snprintf(room, sizeof(room), "null");
	events_instant(from, sizeof(from), ch->has_range, ch->from);
	events_instant(to, sizeof(to), ch->has_range, ch->to);
	n = snprintf(text, sizeof(text),
	    "event: availability\ndata: {\"room_id\":%s,\"from\":%s,\"to\":%s,\"entity\":\"%.32s\"}\n\n",
	    room, from, to, ch->entity ? ch->entity : "change");
	if (n < 0 || (size_t)n >= sizeof(text))
		return;
	for (struct events_sub *s = ev->head, *next; s != NULL; s = next) {
		next = s->next;
		if (s->room[0] != '\0' && ch->room_id != NULL && strcasecmp(s->room, ch->room_id) != 0)
			continue;
		events_queue(s, text, (size_t)n);
	}
}

/* The room_id of the query string into room ("" when absent). -1 when it
 * is there but not a uuid's characters. */
static int
events_room_param(h2o_req_t *req, char *room, size_t size)
{
	const char *q, *end;

	room[0] = '\0';
	if (req->query_at == SIZE_MAX)
		return 0;
	q = req->path.base + req->query_at + 1;
	end = req->path.base + req->path.len;
	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *stop = amp ? amp : end;
		if ((size_t)(stop - q) >= 8 && memcmp(q, "room_id=", 8) == 0) {
			size_t n = (size_t)(stop - q) - 8;
			if (n == 0 || n >= size)
				return -1;
			for (size_t i = 0; i < n; i++) {
				char c = q[8 + i];
				if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
				    (c >= 'A' && c <= 'F') || c == '-'))
					return -1;
				room[i] = c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
			}
			room[n] = '\0';
			return 0;
		}
		q = stop + 1;
	}
	return 0;
}

/* 1 when req has been refused for the caps: all streams, or this client's. */
static int
events_refuse(struct http_server *srv, h2o_req_t *req, const struct events *ev, const char *client)
{
	const char *msg = NULL;
	size_t mine = 0;

	if (ev->n >= (size_t)srv->conf->max_event_streams) {
		msg = "too many open event streams; try again later";
	} else {
		for (const struct events_sub *s = ev->head; s != NULL; s = s->next)
			mine += strcmp(s->client, client) == 0;
		if (mine >= (size_t)srv->conf->max_event_streams_per_client)
			msg = "too many open event streams from your address; close some first";
	}
	if (msg == NULL)
		return 0;
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_RETRY_AFTER, NULL,
	    H2O_STRLIT(EVENTS_RETRY_AFTER));
	http_send_error(req, 429, "rate_limited", NULL, msg);
	return 1;
}

static void
events_route(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	static h2o_generator_t head_generator = { NULL, NULL };
	struct events *ev = srv->events;
	struct events_sub *s;
	char room[40];
	const char *client = ratelimit_client(req);
	static const char hello[] = "retry: 3000\n: connected\n\n";

	(void)params;
	if (events_room_param(req, room, sizeof(room)) != 0) {
		http_send_error(req, 400, "invalid", "room_id", "room_id must be a room's id");
		return;
	}
	if (ev == NULL || ev->closing || srv->stopping) {
		http_send_error(req, 503, "unavailable", NULL, "the server is stopping");
		return;
	}
	if (events_refuse(srv, req, ev, client))
		return;
	req->res.status = 200;
	req->res.reason = "OK";
	/* a stream: gzip would hold events back in its window */
	req->compress_hint = H2O_COMPRESS_HINT_DISABLE;
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
	    H2O_STRLIT("text/event-stream; charset=utf-8"));
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
	    H2O_STRLIT("no-cache"));
	/* nginx and friends must pass each event on at once */
	h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-accel-buffering"), 0,
	    NULL, H2O_STRLIT("no"));
	if (h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"))) {
		h2o_start_response(req, &head_generator);
		h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
		return;
	}

	s = h2o_mem_alloc_shared(&req->pool, sizeof(*s), events_sub_dispose);
	memset(s, 0, sizeof(*s));
	s->super.proceed = events_on_proceed;
	s->super.stop = events_on_stop;
	s->req = req;
	memcpy(s->room, room, sizeof(room));
	s->client = client;
	s->ev = ev;
	s->next = ev->head;
	if (ev->head != NULL)
		ev->head->prev = s;
	ev->head = s;
	ev->n++;
	h2o_start_response(req, &s->super);
	events_queue(s, hello, sizeof(hello) - 1);
	if (req->version < 0x200 && req->conn->callbacks->get_socket != NULL &&
	    (s->sock = req->conn->callbacks->get_socket(req->conn)) != NULL)
		h2o_socket_read_start(s->sock, events_on_read);
}

const struct http_route http_routes_events[] = {
	{ "GET", "/api/events", events_route },
	{ NULL, NULL, NULL },
};
