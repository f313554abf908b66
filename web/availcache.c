#include "web/availcache.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "db/avail.h"
#include "db/db.h"
#include "db/tzfile.h"
#include "web/waitlist.h"

/* How often one day is loaded again because a notice touched it while it
 * loaded; past that its waiters get what arrived (it is never kept), so a
 * day under constant change still answers. */
#define AC_MAX_RELOADS 3
/* A day loaded from PostgreSQL brings the days after it that are not
 * cached yet, up to a month in all, in the same query. */
#define AC_BATCH 31
/* How often one request goes back to the start because the studio's zone
 * changed under its load. */
#define AC_MAX_RESTARTS 2
/* Claim notices kept for the loads running (struct availcache's log). */
#define AC_LOG_MAX 256

/* ---- what is cached ---- */

/* A zone read from the system's zoneinfo. Shared by studios naming it, so
 * a settings change that keeps the zone reads no file. */
struct ac_zone {
	unsigned refs;
	struct tz *tz;
	char name[64];
};

/* The settings row and its zone. Every day holds the studio it was parsed
 * with (its data borrows the zone), so a settings change never pulls a
 * zone from under a day still in use. */
struct ac_studio {
	unsigned refs;
	struct studio_settings s;
	struct ac_zone *zone;
	uint64_t epoch;             /* the cache's epoch when its load began */
	uint64_t loaded_at;         /* uv_now */
};

enum ac_want {
	AC_WANT_SETTINGS,
	AC_WANT_DAY,
	AC_WANT_AT,
};

/* One request waiting, in its pool (web/waitlist.h). */
struct ac_waiter {
	struct waitlist_node node;  /* first: the list's and the pool's */
	struct http_server *srv;
	h2o_req_t *req;
	availcache_cb cb;
	void *arg;
	enum ac_want want;
	int year, month, day;
	int64_t instant;
	int restarts;
};

enum ac_state {
	AC_LOADING,
	AC_READY,
};

struct ac_day {
	struct ac_day *prev, *next; /* in the cache's list, most recent first */
	int linked;                 /* in the list (holds one reference) */
	unsigned refs;              /* the list, a running query, callbacks */
	enum ac_state state;
	int year, month, day;
	int64_t from, to;           /* avail_day_range: what the data covers */
	int64_t day_start, day_end;
	struct ac_studio *studio;
	struct avail_data *data;    /* NULL while loading; shared's */
	struct ac_shared *shared;   /* the load's data, shared by its days */
	struct ac_day *batch[AC_BATCH - 1]; /* the days loading with this one's */
	size_t nbatch;              /* query, a reference each */
	struct pgpool_query *q;     /* the running query, or NULL */
	struct waitlist waiters;
	uint64_t log_from;          /* its query's first claim notice (the cache's log) */
	int dirty;                  /* a notice touched it while it loaded */
	int reloads;
	uint64_t epoch;             /* the cache's epoch when the load began */
	uint64_t loaded_at;
	struct availcache *cache;
	/* built answers, most recently used first */
	struct availcache_answer *answers[AVAILCACHE_MAX_ANSWERS];
	size_t nanswers;
};

/* One load's parsed data, for every day of the load. Each day's range
 * lies inside it, and a search reads only its own day's range. */
struct ac_shared {
	unsigned refs;
	struct avail_data *data;
	/* the snapshot the load read by: a change notice whose transaction
	 * it saw is already in data */
	int has_snapshot;
	uint64_t xmin, xmax;
	uint64_t *xip;
	size_t nxip;
	/* the last claim notice (the cache's count) and what it did here */
	uint64_t stamp;
	int applied;
};

struct availcache {
	struct http_server *srv;
	struct ac_day *head, *tail;
	size_t ndays;               /* linked days, loading ones included */
	uint64_t loads;
	uint64_t claim_notices;     /* claim notices heard */
	uint64_t applied;           /* days updated from them in memory */

	/* Claim notices that touched a day while it loaded, for its load to
	 * apply to what arrives (those its snapshot did not see): entry i is
	 * notice log_base + i. Kept while any load runs; when full, the
	 * loading days load again instead. */
	struct ac_logged {
		struct avail_claim_change ch;
		uint64_t xid;
	} log[AC_LOG_MAX];
	size_t nlog;
	uint64_t log_base;
	unsigned inflight;          /* day queries running */

	/* Bumped whenever everything is dropped: a load that began in an
	 * older epoch may have missed a notice, so it is not kept. */
	uint64_t epoch;
	int listening;

	struct ac_studio *studio;   /* current, or NULL: load it */
	struct ac_zone *zone;       /* the last zone read, kept for reuse */
	struct waitlist studio_waiters;
	int studio_loading;         /* a settings query or zone read runs */
	int studio_dirty;           /* dropped while it loaded: load again */
	struct pgpool_query *studio_q;
	struct ac_zone_work *zone_work; /* the zone read in the thread pool */
	struct studio_settings pending; /* settings waiting for their zone */
	uint64_t pending_epoch;
};

/* A zone read off the loop: tz_load_system reads a small file, which the
 * loop must not wait for, so it runs in libuv's thread pool. */
struct ac_zone_work {
	uv_work_t work;
	struct availcache *cache;   /* NULL once the cache is gone */
	char name[64];
	struct tz *tz;
	struct err e;
	int rc;
};

static void ac_day_request(struct availcache *c, struct ac_studio *st, struct ac_waiter *w,
    h2o_req_t *req, int year, int month, int day, availcache_cb cb, void *arg, int restarts);
static void ac_studio_load(struct availcache *c);
static void ac_log_clear(struct availcache *c);

/* ---- waiters ---- */

static struct ac_waiter *
ac_waiters_pop(struct waitlist *l)
{
	return (struct ac_waiter *)waitlist_pop(l);
}

static struct ac_waiter *
ac_waiter_new(struct http_server *srv, h2o_req_t *req, availcache_cb cb, void *arg,
    enum ac_want want)
{
	struct ac_waiter *w = h2o_mem_alloc_shared(&req->pool, sizeof(*w), waitlist_dispose);

	memset(w, 0, sizeof(*w));
	w->srv = srv;
	w->req = req;
	w->cb = cb;
	w->arg = arg;
	w->want = want;
	return w;
}

static void
ac_fail(h2o_req_t *req, availcache_cb cb, void *arg, const struct err *e)
{
	cb(req, NULL, e, arg);
}

/* ---- zones and studios ---- */

static void
ac_zone_unref(struct ac_zone *z)
{
	if (z == NULL || --z->refs > 0)
		return;
	tz_free(z->tz);
	free(z);
}

static void
ac_studio_unref(struct ac_studio *st)
{
	if (st == NULL || --st->refs > 0)
		return;
	ac_zone_unref(st->zone);
	free(st);
}

static uint64_t
ac_now(const struct availcache *c)
{
	return uv_now(c->srv->loop);
}

/* The current studio when it can be trusted: loaded in this epoch (while
 * listening) and not too old. */
static struct ac_studio *
ac_studio_current(struct availcache *c)
{
	struct ac_studio *st = c->studio;

	if (st == NULL)
		return NULL;
	if (!c->listening || st->epoch != c->epoch ||
	    ac_now(c) - st->loaded_at > AVAILCACHE_MAX_AGE_MS) {
		c->studio = NULL;
		ac_studio_unref(st);
		return NULL;
	}
	return st;
}

/* Hand the waiter on once the studio is known. */
static void
ac_waiter_resume(struct availcache *c, struct ac_studio *st, struct ac_waiter *w)
{
	struct availcache_view v;
	struct tz_local lt;

	switch (w->want) {
	case AC_WANT_SETTINGS:
		memset(&v, 0, sizeof(v));
		v.settings = &st->s;
		v.tz = st->zone->tz;
		w->cb(w->req, &v, NULL, w->arg);
		break;
	case AC_WANT_AT:
		tz_to_local(st->zone->tz, w->instant, &lt);
		w->want = AC_WANT_DAY;
		w->year = lt.year;
		w->month = lt.month;
		w->day = lt.day;
		ac_day_request(c, st, w, w->req, w->year, w->month, w->day, w->cb, w->arg, w->restarts);
		break;
	case AC_WANT_DAY:
		ac_day_request(c, st, w, w->req, w->year, w->month, w->day, w->cb, w->arg, w->restarts);
		break;
	}
}

/* The settings and zone are in: keep them if nothing was dropped since the
 * load began, and serve everyone who waited for them. */
static void
ac_studio_ready(struct availcache *c, const struct studio_settings *s, struct ac_zone *zone,
    uint64_t epoch)
{
	struct ac_studio *st = xcalloc(1, sizeof(*st));
	struct waitlist waiting;
	struct ac_waiter *w;

	st->refs = 1;
	st->s = *s;
	st->zone = zone;
	zone->refs++;
	st->epoch = epoch;
	st->loaded_at = ac_now(c);
	c->studio_loading = 0;
	if (c->listening && epoch == c->epoch && !c->studio_dirty) {
		ac_studio_unref(c->studio);
		c->studio = st;
		st->refs++;
	}
	/* the list moves to a local head: waiters unlink against it */
	waitlist_take(&waiting, &c->studio_waiters);
	while ((w = ac_waiters_pop(&waiting)) != NULL)
		ac_waiter_resume(c, st, w);
	ac_studio_unref(st);
	/* someone came while it loaded after it was dropped: go again */
	if (c->studio_waiters.head != NULL && c->studio == NULL && !c->studio_loading)
		ac_studio_load(c);
}

static void
ac_studio_failed(struct availcache *c, const struct err *e)
{
	struct ac_waiter *w;

	c->studio_loading = 0;
	while ((w = ac_waiters_pop(&c->studio_waiters)) != NULL)
		w->cb(w->req, NULL, e, w->arg);
}

static void
ac_zone_work_run(uv_work_t *req)
{
	struct ac_zone_work *zw = req->data;

	/* a thread-pool thread: reads a file and parses it, touching nothing
	 * the loop owns */
	zw->rc = tz_load_system(zw->name, &zw->tz, &zw->e);
}

static void
ac_zone_work_done(uv_work_t *req, int status)
{
	struct ac_zone_work *zw = req->data;
	struct availcache *c = zw->cache;
	struct ac_zone *z;
	struct err e;

	if (c == NULL) {
		/* the cache went away while the file was read */
		tz_free(zw->tz);
		free(zw);
		return;
	}
	c->zone_work = NULL;
	if (status != 0 || zw->rc != 0) {
		if (status != 0)
			err_set(&e, ERR_INTERNAL, NULL, "reading the zone %s: %s", zw->name,
			    uv_strerror(status));
		else
			err_set(&e, ERR_CONFIG, "timezone", "the studio's zone: %s", zw->e.msg);
		fprintf(stderr, "redlightd: %s\n", e.msg);
		tz_free(zw->tz);
		free(zw);
		ac_studio_failed(c, &e);
		return;
	}
	z = xcalloc(1, sizeof(*z));
	z->refs = 1;
	z->tz = zw->tz;
	snprintf(z->name, sizeof(z->name), "%s", zw->name);
	free(zw);
	ac_zone_unref(c->zone);
	c->zone = z;
	ac_studio_ready(c, &c->pending, z, c->pending_epoch);
}

static void
ac_settings_done(void *arg, const PGresult *res, const struct err *e)
{
	struct availcache *c = arg;
	struct studio_settings s;
	struct ac_zone_work *zw;
	struct err bad;
	int rc;

	c->studio_q = NULL;
	if (e != NULL) {
		ac_studio_failed(c, e);
		return;
	}
	if (PQntuples(res) != 1 || PQnfields(res) != 1 || PQgetisnull(res, 0, 0)) {
		err_set(&bad, ERR_CONFIG, NULL, "the settings row is missing");
		ac_studio_failed(c, &bad);
		return;
	}
	if (settings_from_json(PQgetvalue(res, 0, 0), &s, &bad) != 0) {
		if (bad.code != ERR_CONFIG) {
			struct err cfg;
			err_set(&cfg, ERR_CONFIG, bad.field, "%s", bad.msg);
			bad = cfg;
		}
		ac_studio_failed(c, &bad);
		return;
	}
	if (c->zone != NULL && strcmp(c->zone->name, s.timezone) == 0) {
		ac_studio_ready(c, &s, c->zone, c->pending_epoch);
		return;
	}
	/* a new zone: read it off the loop, then finish */
	c->pending = s;
	zw = xcalloc(1, sizeof(*zw));
	zw->work.data = zw;
	zw->cache = c;
	snprintf(zw->name, sizeof(zw->name), "%s", s.timezone);
	if ((rc = uv_queue_work(c->srv->loop, &zw->work, ac_zone_work_run, ac_zone_work_done)) != 0) {
		free(zw);
		err_set(&bad, ERR_INTERNAL, NULL, "cannot read the zone: %s", uv_strerror(rc));
		ac_studio_failed(c, &bad);
		return;
	}
	c->zone_work = zw;
}

static void
ac_studio_load(struct availcache *c)
{
	struct err e;

	if (c->studio_loading)
		return;
	if (c->srv->db == NULL) {
		err_set(&e, ERR_DB, NULL, "the server is shutting down");
		ac_studio_failed(c, &e);
		return;
	}
	c->studio_loading = 1;
	c->studio_dirty = 0;
	c->pending_epoch = c->epoch;
	if (pgpool_query(c->srv->db, DB_SETTINGS_JSON_SQL, 0, NULL, ac_settings_done, c,
	    &c->studio_q, &e) != 0)
		ac_studio_failed(c, &e);
}

/* Queue w (made now when NULL) for the studio, and load it. */
static void
ac_wait_studio(struct availcache *c, struct ac_waiter *w)
{
	waitlist_push(&c->studio_waiters, &w->node);
	ac_studio_load(c);
}

/* ---- days ---- */

/* An answer is a reference-counted h2o chunk: the day holds one reference
 * and every request sending it another (availcache_answer_hold), so an
 * answer replaced or dropped while a request still sends it stays whole
 * until that request is done. */
static void
ac_answer_dispose(void *p)
{
	struct availcache_answer *a = p;

	free(a->body);
	free(a->gz);
}

static void
ac_answer_free(struct availcache_answer *a)
{
	if (a != NULL)
		h2o_mem_release_shared(a);
}

const char *
availcache_answer_gzip(const struct availcache_answer *ca, size_t *len)
{
	struct availcache_answer *a = (struct availcache_answer *)(uintptr_t)ca;

	if (!a->gz_tried) {
		/* once, set and never changed: requests sending it hold a */
		a->gz_tried = 1;
		a->gz = http_gzip(a->body, a->len, &a->gzlen);
		if (a->gz != NULL && a->gzlen >= a->len) {
			/* a short answer grows in gzip: sent plain */
			free(a->gz);
			a->gz = NULL;
		}
	}
	*len = a->gzlen;
	return a->gz;
}

void
availcache_answer_hold(h2o_req_t *req, const struct availcache_answer *a)
{
	h2o_mem_link_shared(&req->pool, (void *)(uintptr_t)a);
}

static void
ac_shared_unref(struct ac_shared *sh)
{
	if (sh == NULL || --sh->refs > 0)
		return;
	avail_data_free(sh->data);
	free(sh->xip);
	free(sh);
}

static void
ac_answers_drop(struct ac_day *d)
{
	for (size_t i = 0; i < d->nanswers; i++)
		ac_answer_free(d->answers[i]);
	d->nanswers = 0;
}

static void
ac_day_unref(struct ac_day *d)
{
	if (--d->refs > 0)
		return;
	ac_answers_drop(d);
	ac_shared_unref(d->shared);
	ac_studio_unref(d->studio);
	free(d);
}

static void
ac_day_link(struct availcache *c, struct ac_day *d)
{
	d->prev = NULL;
	d->next = c->head;
	if (c->head != NULL)
		c->head->prev = d;
	else
		c->tail = d;
	c->head = d;
	d->linked = 1;
	d->refs++;
	c->ndays++;
}

static void
ac_day_unlink(struct availcache *c, struct ac_day *d)
{
	if (!d->linked)
		return;
	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		c->head = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	else
		c->tail = d->prev;
	d->prev = d->next = NULL;
	d->linked = 0;
	c->ndays--;
	ac_day_unref(d);
}

static void
ac_day_touch(struct availcache *c, struct ac_day *d)
{
	if (c->head == d)
		return;
	d->refs++;
	ac_day_unlink(c, d);
	ac_day_link(c, d);
	d->refs--;
}

/* Keep at most AVAILCACHE_MAX_DAYS: drop the least recently used ready
 * days. Days still loading stay (their waiters need them); the pool's
 * queue limit bounds how many can load at once. */
static void
ac_evict(struct availcache *c)
{
	struct ac_day *d = c->tail;

	while (c->ndays > AVAILCACHE_MAX_DAYS && d != NULL) {
		struct ac_day *prev = d->prev;
		if (d->state == AC_READY)
			ac_day_unlink(c, d);
		d = prev;
	}
}

static void
ac_day_serve(struct ac_day *d, h2o_req_t *req, availcache_cb cb, void *arg)
{
	struct availcache_view v;

	v.data = d->data;
	v.settings = &d->studio->s;
	v.tz = d->studio->zone->tz;
	v.year = d->year;
	v.month = d->month;
	v.day = d->day;
	v.day_entry = d;
	d->refs++;
	cb(req, &v, NULL, arg);
	ac_day_unref(d);
}

/* ---- answers ---- */

/* Move answer i to the front: the most recently used. */
static void
ac_answer_front(struct ac_day *d, size_t i)
{
	struct availcache_answer *a = d->answers[i];

	memmove(&d->answers[1], &d->answers[0], i * sizeof(d->answers[0]));
	d->answers[0] = a;
}

const struct availcache_answer *
availcache_answer_find(const struct availcache_view *v, const char *key, int64_t now)
{
	struct ac_day *d = v->day_entry;

	if (d == NULL)
		return NULL;
	for (size_t i = 0; i < d->nanswers; i++) {
		struct availcache_answer *a = d->answers[i];
		if (strcmp(a->key, key) != 0)
			continue;
		/* a clock stepped back could show what its built_at hid */
		if (now < a->built_at || now >= a->valid_until)
			return NULL;
		ac_answer_front(d, i);
		return a;
	}
	return NULL;
}

const struct availcache_answer *
availcache_answer_keep(const struct availcache_view *v, const char *key, char *body,
    size_t len, int64_t now, int64_t valid_until)
{
	struct ac_day *d = v->day_entry;
	struct availcache_answer *a;
	size_t i;

	if (d == NULL || strlen(key) >= AVAILCACHE_MAX_KEY) {
		fprintf(stderr, "redlightd: an answer kept without its day or with a %zu-byte key\n",
		    strlen(key));
		abort();
	}
	for (i = 0; i < d->nanswers && strcmp(d->answers[i]->key, key) != 0; i++)
		;
	if (i == d->nanswers) {
		if (d->nanswers == AVAILCACHE_MAX_ANSWERS)
			i = --d->nanswers;      /* the least recently used goes */
		else
			d->answers[i] = NULL;
		d->nanswers++;
	}
	/* a new chunk, never the old one rewritten: requests may still send it */
	ac_answer_free(d->answers[i]);
	a = d->answers[i] = h2o_mem_alloc_shared(NULL, sizeof(*a), ac_answer_dispose);
	memset(a, 0, sizeof(*a));
	snprintf(a->key, sizeof(a->key), "%s", key);
	a->body = body;
	a->len = len;
	a->built_at = now;
	a->valid_until = valid_until;
	ac_answer_front(d, i);
	return a;
}

static void ac_day_done(void *arg, const PGresult *res, const struct err *e);

/* pg_current_snapshot's text, "xmin:xmax:xip,xip,..." (xip may be empty),
 * into sh; left without one (every claim notice then drops the days it
 * touches) when it does not read. */
static void
ac_snapshot_parse(struct ac_shared *sh, const char *s)
{
	unsigned long long x;
	const char *p = s;
	char *end;
	size_t n = 0, cap;

	if (sscanf(p, "%llu:", &x) != 1)
		return;
	sh->xmin = x;
	if ((p = strchr(p, ':')) == NULL || sscanf(p + 1, "%llu:", &x) != 1)
		return;
	sh->xmax = x;
	if ((p = strchr(p + 1, ':')) == NULL)
		return;
	p++;
	cap = 1;
	for (const char *q = p; *q; q++)
		cap += *q == ',';
	sh->xip = xcalloc(cap, sizeof(*sh->xip));
	while (*p != '\0') {
		x = strtoull(p, &end, 10);
		if (end == p || n == cap) {
			free(sh->xip);
			sh->xip = NULL;
			return;
		}
		sh->xip[n++] = x;
		p = *end == ',' ? end + 1 : end;
		if (*end != ',' && *end != '\0') {
			free(sh->xip);
			sh->xip = NULL;
			return;
		}
	}
	sh->nxip = n;
	sh->has_snapshot = 1;
}

/* Whether sh's load saw transaction xid's changes: it had committed when
 * the snapshot was taken (below xmin, or below xmax and not running).
 * Notices come only from committed transactions. */
static int
ac_snapshot_saw(const struct ac_shared *sh, uint64_t xid)
{
	if (xid < sh->xmin)
		return 1;
	if (xid >= sh->xmax)
		return 0;
	for (size_t i = 0; i < sh->nxip; i++)
		if (sh->xip[i] == xid)
			return 0;
	return 1;
}

static int
ac_day_send(struct availcache *c, struct ac_day *d, struct err *e)
{
	char a[TZ_RFC3339_SIZE], b[TZ_RFC3339_SIZE];
	const char *params[2] = { a, b };

	if (c->srv->db == NULL)
		return err_set(e, ERR_DB, NULL, "the server is shutting down");
	if (tz_format_utc(d->from, a, sizeof(a), NULL) != 0 ||
	    tz_format_utc(d->nbatch > 0 ? d->batch[d->nbatch - 1]->to : d->to, b, sizeof(b), NULL) != 0)
		return err_set(e, ERR_INVALID, "date", "that date is out of range");
	d->dirty = 0;
	d->epoch = c->epoch;
	for (size_t i = 0; i < d->nbatch; i++) {
		d->batch[i]->dirty = 0;
		d->batch[i]->epoch = c->epoch;
	}
	if (pgpool_query(c->srv->db, DB_AVAIL_SNAPSHOT_JSON_SQL, 2, params, ac_day_done, d, &d->q, e) != 0)
		return e->code;
	d->refs++;          /* the query's */
	if (c->inflight++ == 0)
		ac_log_clear(c);
	d->log_from = c->log_base + c->nlog;
	c->loads++;
	return 0;
}

static void
ac_day_fail_all(struct ac_day *d, const struct err *e)
{
	struct ac_waiter *w;

	while ((w = ac_waiters_pop(&d->waiters)) != NULL)
		w->cb(w->req, NULL, e, w->arg);
}

/* The zone changed under the load: everyone waiting starts over, from
 * the settings. */
static void
ac_day_restart_all(struct availcache *c, struct ac_day *d, const struct err *why)
{
	struct ac_waiter *w;

	while ((w = ac_waiters_pop(&d->waiters)) != NULL) {
		if (++w->restarts > AC_MAX_RESTARTS) {
			w->cb(w->req, NULL, why, w->arg);
			continue;
		}
		ac_wait_studio(c, w);
	}
}

/* Whether d could offer a slot at all: yesterday to past the horizon.
 * Other days are served but not kept, so a client walking through the
 * calendar of 1970 cannot push the busy days out. */
static int
ac_day_bookable(const struct ac_day *d)
{
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec;
	return d->day_end > now - 86400 &&
	    d->day_start < now + ((int64_t)d->studio->s.horizon_days + 1) * 86400;
}

/* Let go of the days loading with d's query (its references to them). */
static void
ac_batch_release(struct ac_day *d)
{
	size_t n = d->nbatch;

	d->nbatch = 0;
	for (size_t i = 0; i < n; i++)
		ac_day_unref(d->batch[i]);
}

/* d's load failed: d and the days loading with it fail their waiters (or
 * start them over from the settings when restart) and are dropped. */
static void
ac_batch_fail(struct availcache *c, struct ac_day *d, const struct err *e, int restart)
{
	for (size_t i = 0; i <= d->nbatch; i++) {
		struct ac_day *x = i == 0 ? d : d->batch[i - 1];
		ac_day_unlink(c, x);
		if (restart)
			ac_day_restart_all(c, x, e);
		else
			ac_day_fail_all(x, e);
	}
	ac_batch_release(d);
}

/* Before a reload: let the days loading with d that nobody waits for go
 * (a busy studio's notices would otherwise keep a month reloading for one
 * day's search). */
static void
ac_batch_trim(struct availcache *c, struct ac_day *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nbatch; i++) {
		struct ac_day *x = d->batch[i];
		if (x->linked && x->waiters.head != NULL) {
			d->batch[n++] = x;
			continue;
		}
		ac_day_unlink(c, x);
		ac_day_unref(x);
	}
	d->nbatch = n;
}

static int
ac_batch_dirty(const struct ac_day *d)
{
	for (size_t i = 0; i < d->nbatch; i++)
		if (d->batch[i]->dirty)
			return 1;
	return d->dirty;
}

/* Ask again for d's batch (its query has finished). */
static void
ac_batch_reload(struct availcache *c, struct ac_day *d)
{
	struct err bad;

	d->reloads++;
	ac_batch_trim(c, d);
	ac_day_unref(d);    /* the finished query's */
	if (ac_day_send(c, d, &bad) != 0) {
		d->refs++;
		ac_batch_fail(c, d, &bad, 0);
		ac_day_unref(d);
	}
}

/* Forget the logged claim notices (no load needs them). */
static void
ac_log_clear(struct availcache *c)
{
	c->log_base += c->nlog;
	c->nlog = 0;
}

/* Apply to sh the claim notices logged since d's query began that its
 * snapshot did not see. Nonzero when one cannot be applied exactly (or
 * was lost to a full log): then load again. */
static int
ac_log_apply(struct availcache *c, const struct ac_day *d, struct ac_shared *sh)
{
	if (d->log_from < c->log_base)
		return -1;
	for (uint64_t i = d->log_from - c->log_base; i < c->nlog; i++) {
		const struct ac_logged *l = &c->log[i];
		if (!sh->has_snapshot)
			return -1;
		if (!ac_snapshot_saw(sh, l->xid) && avail_data_apply(sh->data, &l->ch) < 0)
			return -1;
	}
	return 0;
}

/* x's data arrived: serve whoever waits, keep it if nothing may have
 * changed it since its load began. */
static void
ac_day_ready(struct availcache *c, struct ac_day *x, struct ac_shared *sh)
{
	struct ac_waiter *w;
	int keep;

	x->shared = sh;
	sh->refs++;
	x->data = sh->data;
	x->state = AC_READY;
	x->loaded_at = ac_now(c);
	keep = x->linked && !x->dirty && c->listening && x->epoch == c->epoch &&
	    c->studio == x->studio && ac_day_bookable(x);
	x->refs++;
	while ((w = ac_waiters_pop(&x->waiters)) != NULL)
		ac_day_serve(x, w->req, w->cb, w->arg);
	if (!keep)
		ac_day_unlink(c, x);
	ac_day_unref(x);
}

static void
ac_day_done(void *arg, const PGresult *res, const struct err *e)
{
	struct ac_day *d = arg;
	struct availcache *c = d->cache;
	struct avail_data *data = NULL;
	struct ac_shared *sh;
	struct err bad;

	d->q = NULL;
	c->inflight--;      /* the log stays until the next notice or load */
	if (e != NULL) {
		ac_batch_fail(c, d, e, 0);
		ac_day_unref(d);
		return;
	}
	/* a notice touched a day while it loaded: what came may be from
	 * before the change, so ask again (a few times at most) */
	if (ac_batch_dirty(d) && d->reloads < AC_MAX_RELOADS && d->linked) {
		ac_batch_reload(c, d);
		return;
	}
	if (PQntuples(res) != 1 || PQnfields(res) != 2 || PQgetisnull(res, 0, 0)) {
		err_set(&bad, ERR_INTERNAL, NULL, "the availability read returned no document");
		ac_batch_fail(c, d, &bad, 0);
		ac_day_unref(d);
		return;
	}
	if (avail_data_from_json(PQgetvalue(res, 0, 0), d->studio->zone->tz, &data, &bad) != 0) {
		if (bad.code == ERR_CONFIG && c->studio == d->studio) {
			/* the studio moved to another zone: reload the settings */
			c->studio = NULL;
			ac_studio_unref(d->studio);
		}
		ac_batch_fail(c, d, &bad, bad.code == ERR_CONFIG);
		ac_day_unref(d);
		return;
	}
	sh = xcalloc(1, sizeof(*sh));
	sh->data = data;
	sh->refs = 1;       /* ours, for the loop below */
	if (!PQgetisnull(res, 0, 1))
		ac_snapshot_parse(sh, PQgetvalue(res, 0, 1));
	/* the claims that changed while it loaded and it did not see */
	if (ac_log_apply(c, d, sh) != 0) {
		if (d->reloads < AC_MAX_RELOADS && d->linked) {
			ac_shared_unref(sh);
			ac_batch_reload(c, d);
			return;
		}
		/* served to whoever waits, as it came, and not kept */
		for (size_t i = 0; i <= d->nbatch; i++)
			(i == 0 ? d : d->batch[i - 1])->dirty = 1;
	}
	for (size_t i = 0; i <= d->nbatch; i++)
		ac_day_ready(c, i == 0 ? d : d->batch[i - 1], sh);
	ac_shared_unref(sh);
	ac_batch_release(d);
	ac_day_unref(d);    /* the query's */
	ac_evict(c);
}

static struct ac_day *
ac_day_find(struct availcache *c, int year, int month, int day)
{
	for (struct ac_day *d = c->head; d != NULL; d = d->next)
		if (d->year == year && d->month == month && d->day == day)
			return d;
	return NULL;
}

/* A day entry for y-m-d in st's zone, loading, not linked, with one
 * reference (the caller's); NULL with e set when the date does not
 * exist. */
static struct ac_day *
ac_day_new(struct availcache *c, struct ac_studio *st, int year, int month, int day,
    struct err *e)
{
	struct ac_day *d = xcalloc(1, sizeof(*d));

	d->refs = 1;
	d->cache = c;
	d->state = AC_LOADING;
	d->year = year;
	d->month = month;
	d->day = day;
	d->studio = st;
	st->refs++;
	if (avail_day_range(st->zone->tz, year, month, day, &d->from, &d->to, e) != 0 ||
	    tz_local_day_bounds(st->zone->tz, year, month, day, &d->day_start, &d->day_end, e) != 0) {
		ac_day_unref(d);
		return NULL;
	}
	return d;
}

/* Add to d's load the days after it that no entry holds yet and that are
 * worth keeping, up to AC_BATCH days in all: one query then serves a
 * month walked day by day. */
static void
ac_day_gather(struct availcache *c, struct ac_day *d)
{
	int64_t dn = tz_days_from_civil(d->year, d->month, d->day);
	struct err e;

	if (!c->listening || !ac_day_bookable(d))
		return;   /* it would not be kept */
	while (d->nbatch < AC_BATCH - 1) {
		int64_t y;
		int m, dd;
		struct ac_day *x;

		tz_civil_from_days(dn + 1 + (int64_t)d->nbatch, &y, &m, &dd);
		if (ac_day_find(c, (int)y, m, dd) != NULL ||
		    (x = ac_day_new(c, d->studio, (int)y, m, dd, &e)) == NULL)
			return;
		if (!ac_day_bookable(x)) {
			ac_day_unref(x);
			return;
		}
		ac_day_link(c, x);
		d->batch[d->nbatch++] = x;   /* x's reference from ac_day_new */
	}
}

/* Serve the day now when it is cached, join its load when one runs, or
 * start one. w is the request's waiter when it already has one. */
static void
ac_day_request(struct availcache *c, struct ac_studio *st, struct ac_waiter *w,
    h2o_req_t *req, int year, int month, int day, availcache_cb cb, void *arg, int restarts)
{
	struct ac_day *d = ac_day_find(c, year, month, day);
	struct err e;

	if (d != NULL && d->state == AC_READY &&
	    (d->studio != st || ac_now(c) - d->loaded_at > AVAILCACHE_MAX_AGE_MS)) {
		ac_day_unlink(c, d);
		d = NULL;
	}
	if (d != NULL && d->state == AC_LOADING && d->studio != st)
		d = NULL;   /* loads with another zone: let it finish alone */
	if (d != NULL && d->state == AC_READY) {
		ac_day_touch(c, d);
		ac_day_serve(d, req, cb, arg);
		return;
	}
	if (w == NULL) {
		w = ac_waiter_new(c->srv, req, cb, arg, AC_WANT_DAY);
		w->year = year;
		w->month = month;
		w->day = day;
	}
	w->restarts = restarts;
	if (d != NULL) {
		waitlist_push(&d->waiters, &w->node);
		return;
	}
	/* ours, until it is linked */
	if ((d = ac_day_new(c, st, year, month, day, &e)) == NULL) {
		ac_fail(req, cb, arg, &e);
		return;
	}
	ac_day_gather(c, d);
	if (ac_day_send(c, d, &e) != 0) {
		for (size_t i = 0; i < d->nbatch; i++)
			ac_day_unlink(c, d->batch[i]);
		ac_batch_release(d);
		ac_day_unref(d);
		ac_fail(req, cb, arg, &e);
		return;
	}
	ac_day_link(c, d);
	waitlist_push(&d->waiters, &w->node);
	ac_day_unref(d);
	ac_evict(c);
}

/* ---- the public face ---- */

static int
ac_ready_to_serve(struct http_server *srv, h2o_req_t *req, availcache_cb cb, void *arg)
{
	struct err e;

	if (srv->avail == NULL || srv->db == NULL) {
		err_set(&e, ERR_DB, NULL, "the server is shutting down");
		ac_fail(req, cb, arg, &e);
		return 0;
	}
	return 1;
}

void
availcache_day(struct http_server *srv, h2o_req_t *req, int y, int m, int d,
    availcache_cb cb, void *arg)
{
	struct availcache *c = srv->avail;
	struct ac_studio *st;
	struct ac_waiter *w;
	struct err e;

	if (!tz_date_valid(y, m, d)) {
		err_set(&e, ERR_INVALID, "date", "%04d-%02d-%02d is not a date", y, m, d);
		ac_fail(req, cb, arg, &e);
		return;
	}
	if (!ac_ready_to_serve(srv, req, cb, arg))
		return;
	if ((st = ac_studio_current(c)) != NULL) {
		ac_day_request(c, st, NULL, req, y, m, d, cb, arg, 0);
		return;
	}
	w = ac_waiter_new(srv, req, cb, arg, AC_WANT_DAY);
	w->year = y;
	w->month = m;
	w->day = d;
	ac_wait_studio(c, w);
}

void
availcache_at(struct http_server *srv, h2o_req_t *req, int64_t instant,
    availcache_cb cb, void *arg)
{
	struct availcache *c = srv->avail;
	struct ac_studio *st;
	struct ac_waiter *w;
	struct tz_local lt;
	struct err e;

	if (instant < TZ_MIN_INSTANT + 2 * 86400 || instant > TZ_MAX_INSTANT - 3 * 86400) {
		err_set(&e, ERR_INVALID, "start_at", "that instant is out of range");
		ac_fail(req, cb, arg, &e);
		return;
	}
	if (!ac_ready_to_serve(srv, req, cb, arg))
		return;
	if ((st = ac_studio_current(c)) != NULL) {
		tz_to_local(st->zone->tz, instant, &lt);
		ac_day_request(c, st, NULL, req, lt.year, lt.month, lt.day, cb, arg, 0);
		return;
	}
	w = ac_waiter_new(srv, req, cb, arg, AC_WANT_AT);
	w->instant = instant;
	ac_wait_studio(c, w);
}

void
availcache_settings(struct http_server *srv, h2o_req_t *req, availcache_cb cb, void *arg)
{
	struct availcache *c = srv->avail;
	struct availcache_view v;
	struct ac_studio *st;

	if (!ac_ready_to_serve(srv, req, cb, arg))
		return;
	if ((st = ac_studio_current(c)) != NULL) {
		memset(&v, 0, sizeof(v));
		v.settings = &st->s;
		v.tz = st->zone->tz;
		st->refs++;
		cb(req, &v, NULL, arg);
		ac_studio_unref(st);
		return;
	}
	ac_wait_studio(c, ac_waiter_new(srv, req, cb, arg, AC_WANT_SETTINGS));
}

struct availcache *
availcache_new(struct http_server *srv)
{
	struct availcache *c = xcalloc(1, sizeof(*c));

	c->srv = srv;
	return c;
}

/* Drop every ready day whose range overlaps [from, to) (every one when
 * all), and mark loading ones to load again. */
static void
ac_drop(struct availcache *c, int all, int64_t from, int64_t to)
{
	struct ac_day *d = c->head;

	while (d != NULL) {
		struct ac_day *next = d->next;
		if (all || (from < d->to && to > d->from)) {
			if (d->state == AC_LOADING)
				d->dirty = 1;
			else
				ac_day_unlink(c, d);
		}
		d = next;
	}
}

static void
ac_drop_all(struct availcache *c)
{
	c->epoch++;
	ac_drop(c, 1, 0, 0);
	if (c->studio != NULL) {
		ac_studio_unref(c->studio);
		c->studio = NULL;
	}
	if (c->studio_loading)
		c->studio_dirty = 1;
}

void
availcache_listening(struct availcache *c, int up)
{
	if (c == NULL)
		return;
	c->listening = up != 0;
	ac_drop_all(c);
}

void
availcache_invalidate(struct availcache *c, int has_range, int64_t from, int64_t to)
{
	if (c == NULL)
		return;
	if (!has_range) {
		ac_drop_all(c);
		return;
	}
	/* an empty or reversed range still names an instant */
	if (to <= from)
		to = from + 1;
	ac_drop(c, 0, from, to);
}

void
availcache_claim(struct availcache *c, const struct avail_claim_change *ch, uint64_t xid)
{
	struct ac_day *d;
	uint64_t stamp;
	int64_t to;

	if (c == NULL)
		return;
	stamp = ++c->claim_notices;
	to = ch->end > ch->start ? ch->end : ch->start + 1;
	/* kept for the loads running, whose snapshot may predate it */
	if (c->inflight == 0) {
		ac_log_clear(c);
	} else {
		if (c->nlog == AC_LOG_MAX) {
			/* too many while they load: they load again */
			for (d = c->head; d != NULL; d = d->next)
				if (d->state == AC_LOADING)
					d->dirty = 1;
			ac_log_clear(c);
		} else {
			c->log[c->nlog].ch = *ch;
			c->log[c->nlog].xid = xid;
			c->nlog++;
		}
	}
	d = c->head;
	while (d != NULL) {
		struct ac_day *next = d->next;
		struct ac_shared *sh = d->shared;
		if (!(ch->start < d->to && to > d->from)) {
			d = next;
			continue;
		}
		if (d->state == AC_LOADING) {
			/* its load applies the log to what arrives */
			d = next;
			continue;
		}
		/* each load's data once, whichever of its days comes first */
		if (sh->stamp != stamp) {
			sh->stamp = stamp;
			if (!sh->has_snapshot)
				sh->applied = -1;
			else if (ac_snapshot_saw(sh, xid))
				sh->applied = 0;
			else
				sh->applied = avail_data_apply(sh->data, ch);
		}
		if (sh->applied < 0) {
			ac_day_unlink(c, d);
		} else if (sh->applied > 0) {
			/* built again on the next request that asks */
			ac_answers_drop(d);
			c->applied++;
		}
		d = next;
	}
}

void
availcache_stats(const struct availcache *c, size_t *days, uint64_t *loads)
{
	size_t n = 0;

	for (const struct ac_day *d = c ? c->head : NULL; d != NULL; d = d->next)
		if (d->state == AC_READY)
			n++;
	if (days != NULL)
		*days = n;
	if (loads != NULL)
		*loads = c ? c->loads : 0;
}

static void
ac_waiters_forget(struct waitlist *l)
{
	while (ac_waiters_pop(l) != NULL)
		;
}

void
availcache_free(struct availcache *c)
{
	if (c == NULL)
		return;
	while (c->head != NULL) {
		struct ac_day *d = c->head;
		ac_waiters_forget(&d->waiters);
		if (d->q != NULL) {
			pgpool_cancel(d->q);
			d->q = NULL;
			c->inflight--;
			d->refs--;
			ac_batch_release(d);
		}
		ac_day_unlink(c, d);
	}
	ac_waiters_forget(&c->studio_waiters);
	if (c->studio_q != NULL)
		pgpool_cancel(c->studio_q);
	if (c->zone_work != NULL)
		c->zone_work->cache = NULL;
	ac_studio_unref(c->studio);
	ac_zone_unref(c->zone);
	free(c);
}
