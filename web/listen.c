#include "web/listen.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/avail.h"
#include "core/tz.h"
#include "core/xalloc.h"
#include "web/availcache.h"
#include "web/catalogcache.h"
#include "web/events.h"
#include "web/feedcache.h"
#include "web/paywait.h"
#include "web/pgsock.h"
#include "web/sesscache.h"

/* A notice is {entity, id, room_id, from, to}: nothing nests. */
#define LISTEN_MAX_DEPTH 4

struct listener {
	struct http_server *srv;
	struct pgsock *sock;
	int listening;              /* 0 while LISTEN's results are not yet in */
	int ok;                     /* how many of LISTEN's results were successes */
	int ever_up;
};

/* Tell the cache and the subscribers that anything may have changed. */
static void
listen_resync(struct listener *l, int up)
{
	struct events_change ch = { .entity = "resync" };

	availcache_listening(l->srv->avail, up);
	sesscache_listening(l->srv->sessions, up);
	catalogcache_invalidate(l->srv->catalog);
	feedcache_drop(l->srv->feeds);
	/* a payment written meanwhile said so to nobody: its waiters look */
	if (up)
		paywait_notice(l->srv->paywait, NULL);
	if (l->srv->events != NULL)
		events_publish(l->srv->events, &ch);
}

/* The connection failed or dropped: whatever was cached may have missed
 * notices, so drop it; pgsock retries. */
static void
listen_on_down(void *arg, const char *reason, int failures)
{
	struct listener *l = arg;

	l->listening = 0;
	if (failures == 0) {
		fprintf(stderr, "redlightd: lost the change listener: %s; reconnecting\n", reason);
		listen_resync(l, 0);
	} else if (failures == 1) {
		/* once per run of failures: the pool reports the database itself */
		fprintf(stderr, "redlightd: the change listener cannot start: %s; retrying"
		    " (until it does, nothing is cached)\n", reason);
	}
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

/* A uuid of the payload (room_id, id): a uuid's characters only, or NULL. */
static const char *
listen_uuid(json_object *o, const char *name, char *buf, size_t size)
{
	json_object *v;
	const char *s;
	size_t n;

	if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	n = strlen(s);
	if (n == 0 || n >= size || strspn(s, "0123456789abcdefABCDEF-") != n)
		return NULL;
	memcpy(buf, s, n + 1);
	return buf;
}

/* What a notice changes, by its entity; any other entity (rules, rooms,
 * exceptions, settings...) may change what is free (drop the days it
 * touches, and tell the page), and one without a range may change the
 * catalogue too. */
static const struct {
	const char *entity;
	int drop;                 /* drop the cached days it touches */
	int publish;              /* tell the page's event streams */
	int catalog;              /* may change rooms or services as shown */
} listen_scopes[] = {
	/* a booking or hold changes availability only through its claims,
	 * whose own notices (below) update the cache in place; the page
	 * still hears of it */
	{ "booking", 0, 1, 0 },
	{ "hold", 0, 1, 0 },
	{ "claim", 0, 0, 0 },       /* listen_claim's */
	{ "calendar_sync", 0, 0, 0 }, /* a sync failing or recovering: the console's business */
	{ "job", 0, 0, 0 },         /* a job failing, retried or canceled: the console's too */
	{ "payment", 0, 0, 0 },     /* a booking's payment row (web/paywait.h) */
	{ "room_info", 0, 0, 1 },   /* what the page shows of a room, not availability */
	{ "staff_feed", 0, 0, 0 },  /* a staff calendar feed (web/feedcache.h) */
	{ "staff_token", 0, 0, 0 }, /* ... and its token */
};

/* listen_apply: drop what ch may have made stale and tell subscribers of
 * what may be free. A booking or hold notice without a range (none is
 * sent so) drops everything, as any unreadable notice does. */
static void
listen_apply(struct listener *l, const struct events_change *ch)
{
	int drop = 1, publish = 1, catalog = !ch->has_range;

	for (size_t i = 0; i < sizeof(listen_scopes) / sizeof(listen_scopes[0]); i++) {
		if (strcmp(ch->entity, listen_scopes[i].entity) == 0) {
			drop = listen_scopes[i].drop || (listen_scopes[i].publish && !ch->has_range);
			publish = listen_scopes[i].publish;
			catalog = listen_scopes[i].catalog;
		}
	}
	if (catalog)
		catalogcache_invalidate(l->srv->catalog);
	/* unreadable or without a range: anything may have changed */
	if (drop)
		availcache_invalidate(l->srv->avail, ch->has_range, ch->from, ch->to);
	if (publish && l->srv->events != NULL)
		events_publish(l->srv->events, ch);
}

/* A claim notice (db/functions/change-notify.sql, notify_claim): applied
 * to the cached days in place. One that does not read whole drops the
 * days of its range, or everything without one. */
static void
listen_claim(struct listener *l, json_object *o, const struct events_change *ch)
{
	struct avail_claim_change c;
	char kind[8], op[2];
	json_object *v;
	int64_t xid;

	memset(&c, 0, sizeof(c));
	if (!json_object_object_get_ex(o, "op", &v) || !json_object_is_type(v, json_type_string) ||
	    snprintf(op, sizeof(op), "%s", json_object_get_string(v)) != 1 ||
	    (op[0] != '+' && op[0] != '-') ||
	    listen_word(o, "kind", kind, sizeof(kind), NULL) == NULL ||
	    (strcmp(kind, "room") != 0 && strcmp(kind, "staff") != 0) ||
	    listen_uuid(o, "target", c.target_id, sizeof(c.target_id)) == NULL ||
	    listen_uuid(o, "owner", c.owner_id, sizeof(c.owner_id)) == NULL ||
	    !json_object_object_get_ex(o, "hold", &v) || !json_object_is_type(v, json_type_boolean) ||
	    !ch->has_range ||
	    !json_object_object_get_ex(o, "xid", &v) || !json_object_is_type(v, json_type_int) ||
	    (xid = json_object_get_int64(v)) <= 0) {
		availcache_invalidate(l->srv->avail, ch->has_range, ch->from, ch->to);
		return;
	}
	c.add = op[0] == '+';
	c.type = strcmp(kind, "room") == 0 ? AVAIL_ROOM : AVAIL_STAFF;
	json_object_object_get_ex(o, "hold", &v);
	c.hold = json_object_get_boolean(v);
	c.start = ch->from;
	c.end = ch->to;
	if (c.hold && listen_instant(o, "expires", &c.expires_at) != 0) {
		availcache_invalidate(l->srv->avail, 1, ch->from, ch->to);
		return;
	}
	availcache_claim(l->srv->avail, &c, (uint64_t)xid);
}

static void
listen_handle(struct listener *l, const char *payload)
{
	struct events_change ch = { .entity = "change" };
	struct json_tokener *tok = json_tokener_new_ex(LISTEN_MAX_DEPTH);
	json_object *o = NULL;
	char entity[32], room[40], id[40];
	const char *idp = NULL;
	size_t len = strlen(payload);

	if (tok != NULL) {
		o = json_tokener_parse_ex(tok, payload, (int)len);
		json_tokener_free(tok);
	}
	if (o != NULL && json_object_is_type(o, json_type_object)) {
		ch.entity = listen_word(o, "entity", entity, sizeof(entity), "change");
		ch.room_id = listen_uuid(o, "room_id", room, sizeof(room));
		idp = listen_uuid(o, "id", id, sizeof(id));
		ch.has_range = listen_instant(o, "from", &ch.from) == 0 &&
		    listen_instant(o, "to", &ch.to) == 0;
	}
	feedcache_notice(l->srv->feeds, ch.entity, idp, ch.has_range);
	if (strcmp(ch.entity, "payment") == 0 && idp != NULL)
		paywait_notice(l->srv->paywait, idp);
	if (o != NULL && strcmp(ch.entity, "claim") == 0)
		listen_claim(l, o, &ch);
	listen_apply(l, &ch);
	json_object_put(o);
}

static void
listen_drain(struct listener *l)
{
	PGnotify *n;

	while ((n = PQnotifies(pgsock_conn(l->sock))) != NULL) {
		if (strcmp(n->relname, LISTEN_CHANNEL) == 0)
			listen_handle(l, n->extra);
		else if (strcmp(n->relname, SESSCACHE_CHANNEL) == 0)
			sesscache_notice(l->srv->sessions, n->extra);
		PQfreemem(n);
	}
}

/* ---- the connection ---- */

/* Reads what arrived: LISTEN's result while starting, notices after. */
static void
listen_on_io(void *arg, int events)
{
	struct listener *l = arg;
	PGconn *pg = pgsock_conn(l->sock);
	int flush;

	if ((events & UV_READABLE) && !PQconsumeInput(pg)) {
		pgsock_fail(l->sock, NULL);
		return;
	}
	if ((flush = PQflush(pg)) < 0) {
		pgsock_fail(l->sock, NULL);
		return;
	}
	if (!l->listening) {
		while (!PQisBusy(pg)) {
			PGresult *r = PQgetResult(pg);
			if (r == NULL) {
				if (l->ok != 2) {
					pgsock_fail(l->sock, "LISTEN failed");
					return;
				}
				l->listening = 1;
				pgsock_established(l->sock);
				fprintf(stderr, "redlightd: %s changes on %s\n",
				    l->ever_up ? "listening again for" : "listening for", LISTEN_CHANNEL);
				l->ever_up = 1;
				/* from now on notices arrive: what is loaded can be kept */
				listen_resync(l, 1);
				break;
			}
			if (PQresultStatus(r) == PGRES_COMMAND_OK)
				l->ok++;
			PQclear(r);
		}
	}
	if (l->listening)
		listen_drain(l);
	if (PQstatus(pg) == CONNECTION_BAD) {
		pgsock_fail(l->sock, NULL);
		return;
	}
	pgsock_watch(l->sock, flush == 1 ? UV_READABLE | UV_WRITABLE : UV_READABLE);
}

static void
listen_on_up(void *arg)
{
	struct listener *l = arg;

	l->ok = 0;
	/* two statements, two results (listen_on_io counts them) */
	if (!PQsendQuery(pgsock_conn(l->sock), "LISTEN " LISTEN_CHANNEL "; LISTEN " SESSCACHE_CHANNEL)) {
		pgsock_fail(l->sock, NULL);
		return;
	}
	listen_on_io(l, 0);
}

static const struct pgsock_ops listen_ops = {
	.up = listen_on_up,
	.io = listen_on_io,
	.down = listen_on_down,
};

struct listener *
listen_new(struct http_server *srv)
{
	struct listener *l = xcalloc(1, sizeof(*l));

	l->srv = srv;
	/* it only ever reads: keepalives notice a server that vanished */
	l->sock = pgsock_new(srv->loop, srv->conf->database_url, "redlightd-listen",
	    PGSOCK_KEEPALIVE, &listen_ops, l);
	pgsock_start(l->sock);
	return l;
}

void
listen_free(struct listener *l)
{
	if (l == NULL)
		return;
	pgsock_free(l->sock);
	free(l);
}

int
listen_up(const struct listener *l)
{
	return l != NULL && l->listening;
}
