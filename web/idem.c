#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/idem.h"
#include "web/ratelimit.h"

/* Where a request keeps its key's state (h2o's environment list). */
#define IDEM_ENV "redlight.idem"
#define IDEM_HASH_PARAM_LEN (2 + 2 * crypto_hash_sha256_BYTES + 1) /* "\x" hex NUL */

/* What the key holds, if anything younger than IDEM_KEEP_HOURS: whether
 * it was this request, and its answer. */
static const char idem_lookup_sql[] =
    "SELECT k.request_hash = $3::bytea, k.status_code, k.response_body FROM idempotency_key k"
    " WHERE k.scope = $1 AND k.key = $2 AND k.created_at >= now() - make_interval(hours => $4::int)";

/* The answer under the key, taking the row of an expired key. RL409 on
 * Idempotency-Key: a younger answer is there, which this statement waited
 * for when its transaction was still running (the primary key), so a
 * concurrent duplicate's answer wins over this one; the COMMIT sent with
 * it then commits nothing. */
static const char idem_store_sql[] =
    "SELECT idempotency_answer_store($1, $2, $3::bytea, $4::int, $5, $6::int)";

struct idem_state {
	struct http_server *srv;
	h2o_req_t *req;
	char *scope;
	char *key;
	char hash[IDEM_HASH_PARAM_LEN];
	char hours[16];
	int answering;              /* proceed ran: the answer goes under the key */
	int looked;                 /* the key's lookup found no answer */
	/* what the lookup sent with the first write found: an answer (1),
	 * an error (-1), or nothing yet (0); its status and body */
	int found;
	int found_same;             /* it answered this very request */
	int found_status;
	h2o_iovec_t found_body;
	idem_cb proceed;
	idem_then_cb then;          /* NULL: the answer goes as it is */
	void *arg;
	struct pgpool_pin *pin;     /* the key's open transaction; NULL: none */
	struct pgpool_query *q;     /* our statement under way, on the pin or not */
	/* the route's statement in the transaction */
	const char *sql;
	int nparams;
	const char **params;
	http_query_cb cb;
	void *cbarg;
	/* the answer on its way under the key */
	int status;
	const char *body;
	size_t len;
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

/* The key's transaction ends: ROLLBACK unless it committed (pgpool does
 * it before the connection serves anyone else). */
static void
idem_let_go(struct idem_state *st)
{
	pgpool_pin_free(st->pin);
	st->pin = NULL;
}

/* The client left: nothing of ours may call back into the request, and a
 * transaction that did not commit never will. */
static void
idem_dispose(void *p)
{
	struct idem_state *st = p;

	if (st->q != NULL) {
		pgpool_cancel(st->q);
		st->q = NULL;
	}
	idem_let_go(st);
}

/* Runs sql for st, in the key's transaction when one is open (with flags:
 * PGPOOL_BEGIN opens it, PGPOOL_COMMIT closes it, in the same round trip),
 * calling cb exactly once (before returning when it cannot be sent). */
static void
idem_sql_tx(struct idem_state *st, unsigned flags, const struct pgpool_pre *pre, const char *sql,
    int nparams, const char *const *params, pgpool_cb cb)
{
	struct err e;
	int rc;

	if (st->srv->db == NULL) {
		err_set(&e, ERR_DB, NULL, "the server is shutting down");
		rc = ERR_DB;
	} else if (st->pin != NULL) {
		rc = pgpool_pin_query_tx(st->pin, flags, pre, sql, nparams, params, cb, st, &st->q, &e);
	} else {
		rc = pgpool_query(st->srv->db, sql, nparams, params, cb, st, &st->q, &e);
	}
	if (rc != 0)
		cb(st, NULL, &e);
}

static void
idem_sql(struct idem_state *st, const char *sql, int nparams, const char *const *params,
    pgpool_cb cb)
{
	idem_sql_tx(st, 0, NULL, sql, nparams, params, cb);
}

/* The answer to the client: the route's then when it gave one (st may be
 * NULL: none), else as it is. */
static void
idem_deliver(h2o_req_t *req, const struct idem_state *st, int status, const char *json, size_t len,
    int replayed)
{
	if (st != NULL && st->then != NULL)
		st->then(req, status, json, len, replayed, st->arg);
	else
		http_send_json(req, status, json, len);
}

/* ---- the key's first look ---- */

/* A stored answer, sent again and marked so. */
static void
idem_replay(h2o_req_t *req, const struct idem_state *st, int status, const char *json, size_t len)
{
	h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("idempotent-replayed"), 0,
	    NULL, H2O_STRLIT("true"));
	idem_deliver(req, st, status, json, len, 1);
}

static void
idem_send_reused(h2o_req_t *req)
{
	http_send_error(req, 422, "idempotency_key_reused", "Idempotency-Key",
	    "this Idempotency-Key was already used for a different request");
}

/* Answers from the key's row; 0 when it has none. */
static int
idem_answer_from(const struct idem_state *st, const PGresult *res)
{
	if (PQntuples(res) != 1)
		return 0;
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		idem_send_reused(st->req);
	else
		idem_replay(st->req, st, atoi(PQgetvalue(res, 0, 1)), PQgetvalue(res, 0, 2),
		    (size_t)PQgetlength(res, 0, 2));
	return 1;
}

/* The lookup sent with the first write, in its transaction: what it
 * found is kept for idem_ran (res is gone after this). */
static void
idem_pre_looked(void *arg, const PGresult *res, const struct err *e)
{
	struct idem_state *st = arg;

	if (e != NULL) {
		st->found = -1;
		return;
	}
	if (PQntuples(res) != 1) {
		st->looked = 1;
		return;
	}
	st->found = 1;
	st->found_same = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	st->found_status = atoi(PQgetvalue(res, 0, 1));
	st->found_body = h2o_strdup(&st->req->pool, PQgetvalue(res, 0, 2),
	    (size_t)PQgetlength(res, 0, 2));
}

static void
idem_lookup(struct idem_state *st, pgpool_cb cb)
{
	const char *params[4] = { st->scope, st->key, st->hash, st->hours };

	idem_sql(st, idem_lookup_sql, 4, params, cb);
}

void
idem_begin(struct http_server *srv, h2o_req_t *req, const char *scope, idem_cb proceed,
    void *arg)
{
	idem_begin_then(srv, req, scope, proceed, NULL, arg);
}

void
idem_begin_then(struct http_server *srv, h2o_req_t *req, const char *scope, idem_cb proceed,
    idem_then_cb then, void *arg)
{
	ssize_t i = h2o_find_header_by_str(&req->headers, H2O_STRLIT("idempotency-key"), -1);
	struct idem_state *st;
	h2o_iovec_t key = { NULL, 0 };

	if (i < 0 && then == NULL) {
		proceed(srv, req, arg);
		return;
	}
	if (i >= 0) {
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
	}
	st = h2o_mem_alloc_shared(&req->pool, sizeof(*st), idem_dispose);
	memset(st, 0, sizeof(*st));
	st->srv = srv;
	st->req = req;
	st->proceed = proceed;
	st->then = then;
	st->arg = arg;
	h2o_vector_reserve(&req->pool, &req->env, req->env.size + 2);
	req->env.entries[req->env.size++] = h2o_iovec_init(H2O_STRLIT(IDEM_ENV));
	req->env.entries[req->env.size++] = h2o_iovec_init((const char *)st, sizeof(*st));
	if (i < 0) {
		/* no key: nothing is stored, and the answer still goes through then */
		proceed(srv, req, arg);
		return;
	}
	st->scope = h2o_strdup(&req->pool, scope, SIZE_MAX).base;
	st->key = h2o_strdup(&req->pool, key.base, key.len).base;
	idem_request_hash(req, st->hash);
	snprintf(st->hours, sizeof(st->hours), "%d", IDEM_KEEP_HOURS);
	/* the key is looked up with the first write, or before the answer
	 * when there is none (a replay wins either way) */
	st->answering = 1;
	proceed(srv, req, arg);
}

/* ---- the route's statements, in the key's transaction ---- */

static void
idem_ran(void *arg, const PGresult *res, const struct err *e)
{
	struct idem_state *st = arg;

	st->q = NULL;
	if (st->found == 1) {
		/* answered before: undo this run, give that answer */
		idem_let_go(st);
		st->answering = 0;
		if (!st->found_same) {
			idem_send_reused(st->req);
			return;
		}
		idem_replay(st->req, st, st->found_status, st->found_body.base, st->found_body.len);
		return;
	}
	st->found = 0;
	/* a failed statement spoils the transaction: what the route does
	 * next (a retry, a read, its answer) starts afresh */
	if (e != NULL)
		idem_let_go(st);
	st->cb(st->req, res, e, st->cbarg);
}

int
idem_query(h2o_req_t *req, int write, const char *sql, int nparams, const char *const *params,
    http_query_cb cb, void *arg)
{
	struct idem_state *st = idem_find(req);

	if (st == NULL || !st->answering || st->srv->db == NULL || (st->pin == NULL && !write))
		return 0;
	st->sql = h2o_strdup(&req->pool, sql, SIZE_MAX).base;
	st->nparams = nparams;
	st->params = http_params_dup(&req->pool, nparams, params);
	st->cb = cb;
	st->cbarg = arg;
	if (st->pin != NULL) {
		idem_sql(st, st->sql, st->nparams, st->params, idem_ran);
	} else {
		/* the transaction opens with its first statement, and the key's
		 * lookup goes before it: one round trip */
		const char *lp[4] = { st->scope, st->key, st->hash, st->hours };
		struct pgpool_pre look = { idem_lookup_sql, 4, lp, idem_pre_looked };

		st->pin = pgpool_pin_new(st->srv->db);
		idem_sql_tx(st, PGPOOL_BEGIN, st->looked ? NULL : &look, st->sql, st->nparams,
		    st->params, idem_ran);
	}
	return 1;
}

/* ---- the answer, stored under the key ---- */

/* The request's key, now being answered: NULL when there is none. */
static struct idem_state *
idem_answering(h2o_req_t *req)
{
	struct idem_state *st = idem_find(req);

	if (st == NULL || !st->answering)
		return NULL;
	st->answering = 0;
	if (st->srv->db == NULL) {
		idem_let_go(st);
		return NULL;
	}
	return st;
}

static void
idem_send_own(struct idem_state *st)
{
	idem_deliver(st->req, st, st->status, st->body, st->len, 0);
}

/* A server failure: nothing was stored and nothing changed. */
static void
idem_send_failure(struct idem_state *st, const char *what, const struct err *e)
{
	struct err fail;

	idem_let_go(st);
	err_set(&fail, ERR_DB, NULL, "%s: %s", what, e != NULL ? e->msg : "no answer");
	http_send_err(st->req, &fail);
}

/* After losing the key to a concurrent duplicate: its answer. */
static void
idem_looked_again(void *arg, const PGresult *res, const struct err *e)
{
	struct idem_state *st = arg;

	st->q = NULL;
	if (e != NULL || !idem_answer_from(st, res))
		idem_send_failure(st, "a concurrent request with this Idempotency-Key vanished", e);
}

/* The answer was stored, and with it the change committed (the COMMIT
 * went in the same round trip), or neither. */
static void
idem_stored(void *arg, const PGresult *res, const struct err *e)
{
	struct idem_state *st = arg;

	(void)res;
	st->q = NULL;
	if (e != NULL && e->code == ERR_CHANGED && strcmp(e->field, "Idempotency-Key") == 0) {
		/* a concurrent duplicate answered first: its answer, not ours */
		idem_let_go(st);
		idem_lookup(st, idem_looked_again);
		return;
	}
	if (e != NULL) {
		/* Even when nothing changed, the answer is not sent: a retry
		 * with the key, run afresh, could answer otherwise (a slot
		 * taken now is free then), and the key promises one answer.
		 * The 503 is one the client never keeps. */
		idem_send_failure(st, st->pin != NULL ?
		    "the change and its Idempotency-Key did not commit" :
		    "cannot store the answer to an Idempotency-Key", e);
		return;
	}
	idem_let_go(st);
	idem_send_own(st);
}

static void idem_store(struct idem_state *st);
static void idem_looked_then_store(void *arg, const PGresult *res, const struct err *e);

void
idem_send_json(h2o_req_t *req, int status, const char *json, size_t len)
{
	struct idem_state *st = idem_answering(req);

	if (st == NULL) {
		idem_deliver(req, idem_find(req), status, json, len, 0);
		return;
	}
	if (status >= 500) {
		/* never stored; a change made on the way is undone */
		idem_let_go(st);
		idem_deliver(req, st, status, json, len, 0);
		return;
	}
	st->status = status;
	st->body = h2o_strdup(&req->pool, json, len).base;
	st->len = len;
	if (!st->looked) {
		/* nothing was written, so the key was not looked up yet */
		idem_lookup(st, idem_looked_then_store);
		return;
	}
	idem_store(st);
}

static void
idem_store(struct idem_state *st)
{
	const char *params[6];
	char code[16];

	snprintf(code, sizeof(code), "%d", st->status);
	params[0] = st->scope;
	params[1] = st->key;
	params[2] = st->hash;
	params[3] = code;
	params[4] = st->body;
	params[5] = st->hours;
	idem_sql_tx(st, st->pin != NULL ? PGPOOL_COMMIT : 0, NULL, idem_store_sql, 6, params,
	    idem_stored);
}

/* The key's lookup before an answer that wrote nothing: a stored answer
 * wins over this one. */
static void
idem_looked_then_store(void *arg, const PGresult *res, const struct err *e)
{
	struct idem_state *st = arg;

	st->q = NULL;
	if (e != NULL) {
		idem_send_failure(st, "cannot look up the Idempotency-Key", e);
		return;
	}
	if (idem_answer_from(st, res)) {
		idem_let_go(st);
		return;
	}
	st->looked = 1;
	idem_store(st);
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
			idem_let_go(st);
		http_send_err(req, e);
		return;
	}
	idem_send_error(req, status, err_name(e->code), e->field, e->msg);
}
