#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/idem.h"
#include "web/ratelimit.h"

/* Where a request keeps its key's state (h2o's environment list). */
#define IDEM_ENV "redlight.idem"
#define IDEM_HASH_PARAM_LEN (2 + 2 * crypto_hash_sha256_BYTES + 1) /* "\x" hex NUL */

/* Claim the key, or read what it holds, in one statement. The upsert takes
 * a new key, or an old one whose row expired or whose request died; when
 * it takes nothing the second branch reads the row that stopped it. If
 * that row was written after this statement's snapshot the result is
 * empty, and the key counts as running. */
static const char idem_claim_sql[] =
    "WITH claim AS ("
    " INSERT INTO idempotency_key AS k (scope, key, request_hash) VALUES ($1, $2, $3::bytea)"
    " ON CONFLICT (scope, key) DO UPDATE"
    "  SET request_hash = EXCLUDED.request_hash, status_code = NULL, response_body = NULL,"
    "      created_at = now()"
    "  WHERE k.created_at < now() - make_interval(hours => $4::int)"
    "     OR (k.status_code IS NULL AND k.created_at < now() - make_interval(secs => $5::int))"
    " RETURNING 1)"
    " SELECT 'new', NULL::int, NULL::text FROM claim"
    " UNION ALL"
    " SELECT CASE WHEN k.request_hash <> $3::bytea THEN 'reused'"
    "             WHEN k.status_code IS NULL THEN 'running' ELSE 'done' END,"
    "        k.status_code, k.response_body"
    " FROM idempotency_key k"
    " WHERE k.scope = $1 AND k.key = $2 AND NOT EXISTS (SELECT 1 FROM claim)";

static const char idem_store_sql[] =
    "UPDATE idempotency_key SET status_code = $3::int, response_body = $4"
    " WHERE scope = $1 AND key = $2 AND status_code IS NULL";

static const char idem_release_sql[] =
    "DELETE FROM idempotency_key WHERE scope = $1 AND key = $2 AND status_code IS NULL";

struct idem_state {
	struct http_server *srv;
	char *scope;
	char *key;
	char hash[IDEM_HASH_PARAM_LEN];
	int claimed;        /* the key is ours and not yet answered */
	idem_cb proceed;
	void *arg;
};

/* An answer on its way into Postgres. Heap memory: the store finishes
 * even when the client has left and its pool is gone. */
struct idem_store {
	h2o_req_t *req;              /* NULL once the client left */
	struct idem_link *link;
	int status;
	size_t len;
	char body[];
};

/* In the request's pool: tells the store when the request is gone. */
struct idem_link {
	struct idem_store *store;
};

static struct idem_state *
idem_find(h2o_req_t *req)
{
	for (size_t i = 0; i + 1 < req->env.size; i += 2)
		if (h2o_memis(req->env.entries[i].base, req->env.entries[i].len, H2O_STRLIT(IDEM_ENV)))
			return (struct idem_state *)req->env.entries[i + 1].base;
	return NULL;
}

const char *
idem_scope(h2o_req_t *req, const char *route, const char *user_id)
{
	const char *who = user_id != NULL && user_id[0] != '\0' ? user_id : ratelimit_client(req);
	size_t size = strlen(route) + strlen(who) + 8;
	char *s = h2o_mem_alloc_pool(&req->pool, size);

	snprintf(s, size, "%s %s:%s", route, user_id != NULL && user_id[0] != '\0' ? "user" : "ip",
	    who);
	return s;
}

/* 1 when the key is one we take: 1..IDEM_KEY_MAX printable ASCII. */
static int
idem_key_ok(h2o_iovec_t v)
{
	if (v.len == 0 || v.len > IDEM_KEY_MAX)
		return 0;
	for (size_t i = 0; i < v.len; i++)
		if ((unsigned char)v.base[i] < 0x20 || (unsigned char)v.base[i] > 0x7e)
			return 0;
	return 1;
}

/* The request's fingerprint: method, path with query, body. */
static void
idem_request_hash(h2o_req_t *req, char out[IDEM_HASH_PARAM_LEN])
{
	crypto_hash_sha256_state s;
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, (const unsigned char *)req->method.base, req->method.len);
	crypto_hash_sha256_update(&s, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&s, (const unsigned char *)req->path.base, req->path.len);
	crypto_hash_sha256_update(&s, (const unsigned char *)"\n", 1);
	if (req->entity.base != NULL)
		crypto_hash_sha256_update(&s, (const unsigned char *)req->entity.base, req->entity.len);
	crypto_hash_sha256_final(&s, h);
	out[0] = '\\';
	out[1] = 'x';
	sodium_bin2hex(out + 2, IDEM_HASH_PARAM_LEN - 2, h, sizeof(h));
}

static void
idem_replay(h2o_req_t *req, const PGresult *res)
{
	int status = atoi(PQgetvalue(res, 0, 1));

	h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("idempotent-replayed"), 0,
	    NULL, H2O_STRLIT("true"));
	http_send_json(req, status, PQgetvalue(res, 0, 2), (size_t)PQgetlength(res, 0, 2));
}

static void
idem_claim_done(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct idem_state *st = arg;
	const char *outcome;

	if (e != NULL) {
		http_send_err(req, e);
		return;
	}
	outcome = PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "running";
	if (strcmp(outcome, "new") == 0) {
		st->claimed = 1;
		st->proceed(st->srv, req, st->arg);
	} else if (strcmp(outcome, "reused") == 0) {
		http_send_error(req, 422, "idempotency_key_reused", "Idempotency-Key",
		    "this Idempotency-Key was already used for a different request");
	} else if (strcmp(outcome, "done") == 0) {
		idem_replay(req, res);
	} else {
		http_send_error(req, 409, "request_in_progress", "Idempotency-Key",
		    "a request with this Idempotency-Key is still running; retry shortly");
	}
}

void
idem_begin(struct http_server *srv, h2o_req_t *req, const char *scope, idem_cb proceed,
    void *arg)
{
	ssize_t i = h2o_find_header_by_str(&req->headers, H2O_STRLIT("idempotency-key"), -1);
	char hours[16], secs[16];
	const char *params[5];
	struct idem_state *st;
	h2o_iovec_t key;

	if (i < 0) {
		proceed(srv, req, arg);
		return;
	}
	key = req->headers.entries[i].value;
	if (!idem_key_ok(key)) {
		http_send_error(req, 400, "invalid", "Idempotency-Key",
		    "Idempotency-Key must be 1 to 255 printable ASCII characters");
		return;
	}
	if (sodium_init() < 0) {
		fputs("redlightd: libsodium failed to initialise\n", stderr);
		abort();
	}
	st = h2o_mem_alloc_pool(&req->pool, sizeof(*st));
	st->srv = srv;
	st->scope = h2o_strdup(&req->pool, scope, SIZE_MAX).base;
	st->key = h2o_strdup(&req->pool, key.base, key.len).base;
	st->claimed = 0;
	st->proceed = proceed;
	st->arg = arg;
	idem_request_hash(req, st->hash);
	h2o_vector_reserve(&req->pool, &req->env, req->env.size + 2);
	req->env.entries[req->env.size++] = h2o_iovec_init(H2O_STRLIT(IDEM_ENV));
	req->env.entries[req->env.size++] = h2o_iovec_init((const char *)st, sizeof(*st));

	snprintf(hours, sizeof(hours), "%d", IDEM_KEEP_HOURS);
	snprintf(secs, sizeof(secs), "%d", IDEM_STALE_SECONDS);
	params[0] = st->scope;
	params[1] = st->key;
	params[2] = st->hash;
	params[3] = hours;
	params[4] = secs;
	http_query(srv, req, idem_claim_sql, 5, params, idem_claim_done, st);
}

static void
idem_link_dispose(void *p)
{
	struct idem_link *link = p;

	if (link->store != NULL) {
		link->store->req = NULL;
		link->store->link = NULL;
	}
}

static void
idem_store_done(void *arg, const PGresult *res, const struct err *e)
{
	struct idem_store *store = arg;
	h2o_req_t *req = store->req;

	(void)res;
	if (e != NULL)
		fprintf(stderr, "redlightd: request %s: cannot store the answer to an Idempotency-Key: %s\n",
		    req != NULL ? http_request_id(req) : "(gone)", e->msg);
	if (req != NULL) {
		store->link->store = NULL;
		http_send_json(req, store->status, store->body, store->len);
	}
	free(store);
}

static void
idem_release_done(void *arg, const PGresult *res, const struct err *e)
{
	(void)arg;
	(void)res;
	(void)e;
}

/* The request's claimed key, now being answered: NULL when there is none. */
static struct idem_state *
idem_answering(h2o_req_t *req)
{
	struct idem_state *st = idem_find(req);

	if (st == NULL || !st->claimed)
		return NULL;
	st->claimed = 0;
	if (st->srv->db == NULL)
		return NULL;
	return st;
}

/* Frees the key for a retry: the answer is a server failure. */
static void
idem_release(struct idem_state *st)
{
	const char *params[2] = { st->scope, st->key };

	/* nothing waits on this (pgpool_query copies the parameters); if it
	 * fails the key frees itself after IDEM_STALE_SECONDS */
	(void)pgpool_query(st->srv->db, idem_release_sql, 2, params, idem_release_done, NULL, NULL,
	    NULL);
}

void
idem_send_json(h2o_req_t *req, int status, const char *json, size_t len)
{
	struct idem_state *st = idem_answering(req);
	struct idem_store *store;
	struct idem_link *link;
	const char *params[4];
	char code[16];
	struct err e;

	if (st == NULL) {
		http_send_json(req, status, json, len);
		return;
	}
	if (status >= 500) {
		idem_release(st);
		http_send_json(req, status, json, len);
		return;
	}
	store = malloc(sizeof(*store) + len + 1);
	if (store == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	store->req = req;
	store->status = status;
	store->len = len;
	memcpy(store->body, json, len);
	store->body[len] = '\0';
	link = h2o_mem_alloc_shared(&req->pool, sizeof(*link), idem_link_dispose);
	link->store = store;
	store->link = link;
	snprintf(code, sizeof(code), "%d", status);
	params[0] = st->scope;
	params[1] = st->key;
	params[2] = code;
	params[3] = store->body;
	if (pgpool_query(st->srv->db, idem_store_sql, 4, params, idem_store_done, store, NULL, &e) != 0) {
		fprintf(stderr, "redlightd: request %s: cannot store the answer to an Idempotency-Key: %s\n",
		    http_request_id(req), e.msg);
		link->store = NULL;
		free(store);
		http_send_json(req, status, json, len);
	}
}

void
idem_send_error(h2o_req_t *req, int status, const char *code, const char *field,
    const char *message)
{
	/* the shape http_send_error writes */
	h2o_iovec_t qcode = http_json_quote(&req->pool, code, strlen(code));
	h2o_iovec_t qmsg = http_json_quote(&req->pool, message, strlen(message));
	h2o_iovec_t qfield = { NULL, 0 };
	size_t size;
	char *body;
	int len;

	if (field != NULL && field[0] != '\0')
		qfield = http_json_quote(&req->pool, field, strlen(field));
	size = qcode.len + qmsg.len + qfield.len + 64;
	body = h2o_mem_alloc_pool(&req->pool, size);
	len = snprintf(body, size, "{\"error\":{\"code\":%s,\"message\":%s%s%s}}", qcode.base,
	    qmsg.base, qfield.base ? ",\"field\":" : "", qfield.base ? qfield.base : "");
	idem_send_json(req, status, body, (size_t)len);
}

void
idem_send_err(h2o_req_t *req, const struct err *e)
{
	int status = err_http_status(e->code);
	struct idem_state *st;

	if (status >= 500) {
		/* never stored; http_send_err logs it and hides the details */
		if ((st = idem_answering(req)) != NULL)
			idem_release(st);
		http_send_err(req, e);
		return;
	}
	idem_send_error(req, status, err_name(e->code), e->field, e->msg);
}
