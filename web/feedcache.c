#include "web/feedcache.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "db/feed.h"
#include "web/cacheload.h"
#include "web/waitlist.h"

/* A token's length: 32 bytes as hex. */
#define FC_TOKEN_LEN (DB_FEED_TOKEN_SIZE - 1)
#define FC_ID_LEN (FEEDCACHE_ID_SIZE - 1)

/* One request waiting, in its pool (web/waitlist.h): first for the
 * tokens, then, when its token is right, for its feed. */
struct fc_waiter {
	struct waitlist_node node;  /* first: the list's and the pool's */
	h2o_req_t *req;
	feedcache_cb cb;
	void *arg;
	char id[FEEDCACHE_ID_SIZE]; /* lower-cased; "" when not a uuid's length */
	unsigned char token[FC_TOKEN_LEN];
	size_t tlen;
};

struct fc_token {
	char id[FEEDCACHE_ID_SIZE];
	unsigned char token[FC_TOKEN_LEN];
};

/* One staff member's feed; the entry stays once made (one per staff
 * member whose right token was shown), what it holds comes and goes. */
struct fc_feed {
	struct fc_feed *next;
	struct feedcache *c;
	char id[FEEDCACHE_ID_SIZE];
	struct feed_doc doc;        /* doc.text NULL when nothing is kept */
	int64_t modified;
	uint64_t loaded_at;         /* uv_now */
	struct feed_doc pending;    /* built, waiting for its Last-Modified */
	struct cacheload load;      /* its rows, then its Last-Modified */
	struct waitlist waiters;
};

struct feedcache {
	struct http_server *srv;
	struct fc_token *tokens;    /* NULL when none are kept */
	size_t ntokens;
	uint64_t tokens_at;
	struct cacheload tload;
	struct waitlist token_waiters;
	struct fc_feed *feeds;
};

static const struct err *
fc_not_found(void)
{
	static struct err nf;

	if (nf.code == 0)
		err_set(&nf, ERR_NOT_FOUND, NULL, "no such feed");
	return &nf;
}

/* ---- feeds ---- */

static void
fc_doc_clear(struct feed_doc *d)
{
	free(d->text);
	memset(d, 0, sizeof(*d));
}

static void
fc_feed_drop(struct fc_feed *f)
{
	f->load.epoch++;
	fc_doc_clear(&f->doc);
}

/* Pops every waiter of f and answers it with d (and modified), or e. */
static void
fc_feed_answer(struct fc_feed *f, const struct feed_doc *d, int64_t modified, const struct err *e)
{
	struct feedcache_view v = { 0 };
	struct fc_waiter *w;

	if (d != NULL) {
		v.text = d->text;
		v.len = d->len;
		v.etag = d->etag;
		v.modified = modified;
	}
	while ((w = (struct fc_waiter *)waitlist_pop(&f->waiters)) != NULL)
		w->cb(w->req, d != NULL ? &v : NULL, d != NULL ? NULL : e, w->arg);
}

static void fc_feed_load(struct fc_feed *f);

/* The build is done and its Last-Modified known: keep it when no notice
 * can have been missed since its load was sent, and answer. */
static void
fc_feed_finish(struct fc_feed *f, int64_t modified)
{
	struct feed_doc d = f->pending;

	memset(&f->pending, 0, sizeof(f->pending));
	if (cacheload_keep(&f->load, f->c->srv)) {
		fc_doc_clear(&f->doc);
		f->doc = d;
		f->modified = modified;
		f->loaded_at = uv_now(f->c->srv->loop);
		fc_feed_answer(f, &f->doc, f->modified, NULL);
		return;
	}
	fc_feed_answer(f, &d, modified, NULL);
	fc_doc_clear(&d);
}

static void
fc_feed_fail(struct fc_feed *f, const struct err *e)
{
	fc_doc_clear(&f->pending);
	fc_feed_answer(f, NULL, 0, e);
}

static void
fc_seen_done(void *arg, const PGresult *res, const struct err *e)
{
	struct fc_feed *f = arg;
	struct err bad;

	f->load.q = NULL;
	if (e != NULL) {
		fc_feed_fail(f, e);
		return;
	}
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		err_set(&bad, ERR_INTERNAL, NULL, "staff_feed_seen returned %d rows", PQntuples(res));
		fc_feed_fail(f, &bad);
		return;
	}
	fc_feed_finish(f, strtoll(PQgetvalue(res, 0, 0), NULL, 10));
}

static const char *
fc_cell(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static int64_t
fc_int(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static void
fc_rows_done(void *arg, const PGresult *res, const struct err *e)
{
	struct fc_feed *f = arg;
	struct feed_item *items;
	const char *old_etag;
	char name[300];
	struct err err;
	size_t n = 0;
	int rows;

	switch (cacheload_landed(&f->load, e, &f->waiters)) {
	case CACHELOAD_FAILED:
		fc_feed_fail(f, e);
		return;
	case CACHELOAD_AGAIN:
		fc_feed_load(f);
		return;
	case CACHELOAD_READ:
		break;
	}
	rows = PQntuples(res);
	if (rows == 0) {
		/* deactivated since its token was read */
		fc_feed_fail(f, fc_not_found());
		return;
	}
	items = xcalloc((size_t)rows, sizeof(*items));
	for (int r = 0; r < rows; r++) {
		struct feed_item *it = &items[n];

		if ((it->booking_id = fc_cell(res, r, DB_FEED_COL_BOOKING)) == NULL)
			continue;
		it->code = fc_cell(res, r, DB_FEED_COL_CODE);
		it->canceled = strcmp(PQgetvalue(res, r, DB_FEED_COL_CANCELED), "t") == 0;
		it->start = fc_int(res, r, DB_FEED_COL_START);
		it->end = fc_int(res, r, DB_FEED_COL_END);
		it->changed = fc_int(res, r, DB_FEED_COL_CHANGED);
		it->sequence = (int)fc_int(res, r, DB_FEED_COL_SEQUENCE);
		it->room_name = fc_cell(res, r, DB_FEED_COL_ROOM);
		it->artist_name = fc_cell(res, r, DB_FEED_COL_ARTIST);
		it->services = fc_cell(res, r, DB_FEED_COL_SERVICES);
		n++;
	}
	snprintf(name, sizeof(name), "%s at %s", PQgetvalue(res, 0, DB_FEED_COL_STAFF),
	    PQgetvalue(res, 0, DB_FEED_COL_STUDIO));
	err_clear(&err);
	fc_doc_clear(&f->pending);
	if (feed_render(name, f->c->srv->conf->mail_from, items, n, &f->pending, &err) != 0) {
		free(items);
		fc_feed_fail(f, &err);
		return;
	}
	free(items);
	old_etag = fc_cell(res, 0, DB_FEED_COL_ETAG);
	if (old_etag != NULL && strcmp(old_etag, f->pending.etag) == 0) {
		fc_feed_finish(f, fc_int(res, 0, DB_FEED_COL_MODIFIED));
		return;
	}
	/* new bytes: a later Last-Modified, agreed with every other instance */
	{
		const char *params[2] = { f->id, f->pending.etag };

		if (f->c->srv->db == NULL ||
		    pgpool_query(f->c->srv->db, DB_FEED_SEEN_SQL, 2, params, fc_seen_done, f, &f->load.q,
		    &err) != 0) {
			if (f->c->srv->db == NULL)
				err_set(&err, ERR_DB, NULL, "the server is shutting down");
			f->load.q = NULL;
			fc_feed_fail(f, &err);
		}
	}
}

static void
fc_feed_load(struct fc_feed *f)
{
	const char *params[1] = { f->id };
	struct err e;

	if (cacheload_send(&f->load, f->c->srv, DB_FEED_ROWS_SQL, 1, params, fc_rows_done, f, &e) != 0)
		fc_feed_fail(f, &e);
}

static struct fc_feed *
fc_feed_find(struct feedcache *c, const char *id, int make)
{
	struct fc_feed *f;

	for (f = c->feeds; f != NULL; f = f->next)
		if (strcmp(f->id, id) == 0)
			return f;
	if (!make)
		return NULL;
	f = xcalloc(1, sizeof(*f));
	f->c = c;
	snprintf(f->id, sizeof(f->id), "%s", id);
	f->next = c->feeds;
	c->feeds = f;
	return f;
}

/* w's token was right: its feed, now or when loaded. */
static void
fc_feed_get(struct feedcache *c, struct fc_waiter *w)
{
	struct fc_feed *f = fc_feed_find(c, w->id, 1);
	struct feedcache_view v;

	if (f->doc.text != NULL && uv_now(c->srv->loop) - f->loaded_at >= FEEDCACHE_MAX_AGE_MS)
		fc_feed_drop(f);
	if (f->doc.text != NULL) {
		v.text = f->doc.text;
		v.len = f->doc.len;
		v.etag = f->doc.etag;
		v.modified = f->modified;
		w->cb(w->req, &v, NULL, w->arg);
		return;
	}
	if (cacheload_wait(&f->load, &f->waiters, &w->node))
		fc_feed_load(f);
}

/* ---- tokens ---- */

/* 1 when w's id and token are a staff member's, in time that depends on
 * neither: every entry is compared, ids and tokens with sodium_memcmp,
 * and a request naming nobody compares its token with one that never
 * matches. */
static int
fc_token_ok(const struct fc_token *t, size_t n, const struct fc_waiter *w)
{
	unsigned char want[FC_TOKEN_LEN];
	int found = 0;

	memset(want, 0xff, sizeof(want));   /* no hex digit: matches nothing */
	for (size_t i = 0; i < n; i++) {
		int same = sodium_memcmp(t[i].id, w->id, FC_ID_LEN) == 0;

		found |= same;
		if (same)
			memcpy(want, t[i].token, sizeof(want));
	}
	return (sodium_memcmp(want, w->token, sizeof(want)) == 0) & found & (w->tlen == FC_TOKEN_LEN) &
	    (w->id[0] != '\0');
}

/* Answers (or sends on to their feed) every token waiter with tokens t. */
static void
fc_tokens_answer(struct feedcache *c, const struct fc_token *t, size_t n, const struct err *e)
{
	struct waitlist ready = { NULL, NULL };
	struct fc_waiter *w;

	/* a waiter may join the list it came off, on its feed: take them all first */
	waitlist_take(&ready, &c->token_waiters);
	while ((w = (struct fc_waiter *)waitlist_pop(&ready)) != NULL) {
		if (e != NULL)
			w->cb(w->req, NULL, e, w->arg);
		else if (!fc_token_ok(t, n, w))
			w->cb(w->req, NULL, fc_not_found(), w->arg);
		else
			fc_feed_get(c, w);
	}
}

static void fc_tokens_load(struct feedcache *c);

static void
fc_tokens_done(void *arg, const PGresult *res, const struct err *e)
{
	struct feedcache *c = arg;
	struct fc_token *t;
	size_t n = 0;
	int rows;

	switch (cacheload_landed(&c->tload, e, &c->token_waiters)) {
	case CACHELOAD_FAILED:
		fc_tokens_answer(c, NULL, 0, e);
		return;
	case CACHELOAD_AGAIN:
		fc_tokens_load(c);
		return;
	case CACHELOAD_READ:
		break;
	}
	rows = PQntuples(res);
	t = xcalloc(rows > 0 ? (size_t)rows : 1, sizeof(*t));
	for (int r = 0; r < rows; r++) {
		if (PQgetlength(res, r, 0) != FC_ID_LEN || PQgetlength(res, r, 1) != FC_TOKEN_LEN)
			continue;
		memcpy(t[n].id, PQgetvalue(res, r, 0), FEEDCACHE_ID_SIZE);
		memcpy(t[n].token, PQgetvalue(res, r, 1), FC_TOKEN_LEN);
		n++;
	}
	if (cacheload_keep(&c->tload, c->srv)) {
		free(c->tokens);
		c->tokens = t;
		c->ntokens = n;
		c->tokens_at = uv_now(c->srv->loop);
		fc_tokens_answer(c, c->tokens, c->ntokens, NULL);
		return;
	}
	fc_tokens_answer(c, t, n, NULL);
	free(t);
}

static void
fc_tokens_load(struct feedcache *c)
{
	struct err e;

	if (cacheload_send(&c->tload, c->srv, DB_FEED_TOKENS_SQL, 0, NULL, fc_tokens_done, c, &e) != 0)
		fc_tokens_answer(c, NULL, 0, &e);
}

static void
fc_tokens_drop(struct feedcache *c)
{
	c->tload.epoch++;
	free(c->tokens);
	c->tokens = NULL;
	c->ntokens = 0;
}

void
feedcache_get(struct http_server *srv, h2o_req_t *req, const char *staff_id, const char *token,
    size_t tlen, feedcache_cb cb, void *arg)
{
	struct feedcache *c = srv->feeds;
	struct fc_waiter *w;
	size_t idlen = strlen(staff_id);
	struct err e;

	if (c == NULL) {
		err_set(&e, ERR_DB, NULL, "the server is shutting down");
		cb(req, NULL, &e, arg);
		return;
	}
	w = h2o_mem_alloc_shared(&req->pool, sizeof(*w), waitlist_dispose);
	memset(w, 0, sizeof(*w));
	w->req = req;
	w->cb = cb;
	w->arg = arg;
	if (idlen == FC_ID_LEN)
		for (size_t i = 0; i < idlen; i++)
			w->id[i] = staff_id[i] >= 'A' && staff_id[i] <= 'Z' ? (char)(staff_id[i] - 'A' + 'a') :
			    staff_id[i];
	memcpy(w->token, token, tlen < FC_TOKEN_LEN ? tlen : FC_TOKEN_LEN);
	w->tlen = tlen;
	if (c->tokens != NULL && uv_now(srv->loop) - c->tokens_at >= FEEDCACHE_MAX_AGE_MS)
		fc_tokens_drop(c);
	if (c->tokens != NULL) {
		if (!fc_token_ok(c->tokens, c->ntokens, w))
			cb(req, NULL, fc_not_found(), arg);
		else
			fc_feed_get(c, w);
		return;
	}
	if (cacheload_wait(&c->tload, &c->token_waiters, &w->node))
		fc_tokens_load(c);
}

struct feedcache *
feedcache_new(struct http_server *srv)
{
	struct feedcache *c = xcalloc(1, sizeof(*c));

	c->srv = srv;
	return c;
}

void
feedcache_free(struct feedcache *c)
{
	struct fc_feed *f, *next;

	if (c == NULL)
		return;
	cacheload_forget(&c->tload, &c->token_waiters);
	for (f = c->feeds; f != NULL; f = next) {
		next = f->next;
		cacheload_forget(&f->load, &f->waiters);
		fc_doc_clear(&f->doc);
		fc_doc_clear(&f->pending);
		free(f);
	}
	free(c->tokens);
	free(c);
}

void
feedcache_drop(struct feedcache *c)
{
	if (c == NULL)
		return;
	fc_tokens_drop(c);
	for (struct fc_feed *f = c->feeds; f != NULL; f = f->next)
		fc_feed_drop(f);
}

/* The rangeless notices about what a feed shows: room names, the studio's
 * name, staff added, renamed or deactivated, service names. */
static const char *const fc_catalog_entities[] = { "room", "room_info", "settings", "staff", "service" };

void
feedcache_notice(struct feedcache *c, const char *entity, const char *id, int has_range)
{
	struct fc_feed *f;

	if (c == NULL || entity == NULL)
		return;
	if (strcmp(entity, "staff_feed") == 0 || strcmp(entity, "staff_token") == 0) {
		if (strcmp(entity, "staff_token") == 0 || id == NULL)
			fc_tokens_drop(c);
		if (id == NULL) {
			feedcache_drop(c);
			return;
		}
		if ((f = fc_feed_find(c, id, 0)) != NULL)
			fc_feed_drop(f);
		return;
	}
	if (has_range)
		return;
	for (size_t i = 0; i < sizeof(fc_catalog_entities) / sizeof(fc_catalog_entities[0]); i++)
		if (strcmp(entity, fc_catalog_entities[i]) == 0)
			feedcache_drop(c);
}
