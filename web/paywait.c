/* paywait.c: see paywait.h. */
#include "web/paywait.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "web/waitlist.h"

struct paywait {
	struct http_server *srv;
	struct waitlist list;       /* in arrival order, so by deadline */
	uv_timer_t *timer;
};

/* One request's wait, in its pool; the node first (waitlist_dispose). */
struct paywait_req {
	struct waitlist_node node;
	struct paywait *pw;
	struct http_server *srv;
	h2o_req_t *req;
	char booking_id[40];
	uint64_t deadline;          /* uv_now() */
	int reading;                /* a read is under way */
	int again;                  /* a notice came during it: read again */
	int last;                   /* answer with the next read, whatever it says */
	paywait_cb cb;
	void *arg;
};

static const char paywait_sql[] =
    "SELECT p.status, p.amount_cents, lower(p.currency), " PAYWAIT_SECRET_SQL
    " FROM payment p WHERE p.booking_id = $1::uuid AND p.purpose = 'due_now'";

static void paywait_read(struct paywait_req *w);

/* The intent exists: its row left "pending". */
static int
paywait_ready(const PGresult *res)
{
	return PQntuples(res) == 1 && !PQgetisnull(res, 0, PAYWAIT_COL_STATUS) &&
	    strcmp(PQgetvalue(res, 0, PAYWAIT_COL_STATUS), "pending") != 0;
}

static void
paywait_read_done(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct paywait_req *w = arg;

	w->reading = 0;
	if (e == NULL && !paywait_ready(res) && !w->last) {
		if (w->again) {
			w->again = 0;
			paywait_read(w);
		}
		return;
	}
	waitlist_unlink(&w->node);
	w->cb(req, e == NULL ? res : NULL, w->arg);
}

static void
paywait_read(struct paywait_req *w)
{
	const char *params[1] = { w->booking_id };

	w->reading = 1;
	http_query(w->srv, w->req, paywait_sql, 1, params, paywait_read_done, w);
}

/* w reads now, or again as soon as its read under way is back. */
static void
paywait_poke(struct paywait_req *w)
{
	if (w->reading)
		w->again = 1;
	else
		paywait_read(w);
}

/* The timer for the earliest deadline still to come; none without one. */
static void paywait_arm(struct paywait *pw);

static void
paywait_on_timer(uv_timer_t *t)
{
	struct paywait *pw = t->data;
	uint64_t now = uv_now(pw->srv->loop);
	struct waitlist_node *n, *next;

	for (n = pw->list.head; n != NULL; n = next) {
		struct paywait_req *w = (struct paywait_req *)n;

		next = n->next;
		if (w->last || w->deadline > now)
			continue;
		w->last = 1;
		paywait_poke(w);
	}
	paywait_arm(pw);
}

static void
paywait_arm(struct paywait *pw)
{
	uint64_t now = uv_now(pw->srv->loop), first = 0;
	int any = 0;

	for (struct waitlist_node *n = pw->list.head; n != NULL; n = n->next) {
		struct paywait_req *w = (struct paywait_req *)n;

		if (w->last)
			continue;
		if (!any || w->deadline < first)
			first = w->deadline;
		any = 1;
	}
	if (!any) {
		uv_timer_stop(pw->timer);
		return;
	}
	uv_timer_start(pw->timer, paywait_on_timer, first > now ? first - now : 0, 0);
}

struct paywait *
paywait_new(struct http_server *srv)
{
	struct paywait *pw = xcalloc(1, sizeof(*pw));

	pw->srv = srv;
	pw->timer = xcalloc(1, sizeof(*pw->timer));
	uv_timer_init(srv->loop, pw->timer);
	pw->timer->data = pw;
	return pw;
}

static void
paywait_timer_free(uv_handle_t *h)
{
	free(h);
}

void
paywait_free(struct paywait *pw)
{
	if (pw == NULL)
		return;
	while (waitlist_pop(&pw->list) != NULL)
		;
	uv_timer_stop(pw->timer);
	uv_close((uv_handle_t *)pw->timer, paywait_timer_free);
	free(pw);
}

void
paywait_start(struct paywait *pw, struct http_server *srv, h2o_req_t *req, const char *booking_id,
    paywait_cb cb, void *arg)
{
	struct paywait_req *w = h2o_mem_alloc_shared(&req->pool, sizeof(*w), waitlist_dispose);

	memset(w, 0, sizeof(*w));
	w->pw = pw;
	w->srv = srv;
	w->req = req;
	snprintf(w->booking_id, sizeof(w->booking_id), "%s", booking_id);
	w->cb = cb;
	w->arg = arg;
	if (pw == NULL || srv->stopping) {
		w->last = 1;
	} else {
		/* on the list before the first read: a notice between the two
		 * makes it read again rather than being missed */
		w->deadline = uv_now(srv->loop) + PAYWAIT_MS;
		waitlist_push(&pw->list, &w->node);
		if (!uv_is_active((uv_handle_t *)pw->timer))
			paywait_arm(pw);
	}
	paywait_read(w);
}

/* Every waiter of booking_id (NULL: all of them) reads again; with last,
 * for the last time. */
static void
paywait_poke_all(struct paywait *pw, const char *booking_id, int last)
{
	struct waitlist_node *n, *next;

	if (pw == NULL)
		return;
	for (n = pw->list.head; n != NULL; n = next) {
		struct paywait_req *w = (struct paywait_req *)n;

		next = n->next;
		if (booking_id != NULL && strcmp(w->booking_id, booking_id) != 0)
			continue;
		w->last |= last;
		paywait_poke(w);
	}
}

void
paywait_notice(struct paywait *pw, const char *booking_id)
{
	paywait_poke_all(pw, booking_id, 0);
}

void
paywait_shutdown(struct paywait *pw)
{
	paywait_poke_all(pw, NULL, 1);
	if (pw != NULL)
		uv_timer_stop(pw->timer);
}
