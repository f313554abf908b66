#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/wire.h"
#include "web/auth.h"
#include "web/ratelimit.h"
#include "web/sesscache.h"
#include "web/slot.h"

/* Where a request keeps its resolved actor (h2o's environment list). */
#define AUTH_ACTOR_ENV "redlight.actor"
#define AUTH_TOKEN_B64_LEN 43     /* 32 bytes, base64url without padding */
#define AUTH_HASH_PARAM_LEN (2 + 2 * crypto_hash_sha256_BYTES + 1) /* "\x" hex NUL */
#define AUTH_USER_AGENT_MAX 256
#define AUTH_ORIGIN_MAX 320

static const char auth_lookup_sql[] =
    "SELECT u.id, u.email, u.name, u.role, coalesce(st.id::text, ''),"
    " floor(extract(epoch FROM s.expires_at))::bigint"
    " FROM session s JOIN app_user u ON u.id = s.user_id"
    " LEFT JOIN staff st ON st.user_id = u.id"
    " WHERE s.token_hash = $1::bytea AND s.expires_at > now()";

/* One statement: the new session, and the account's expired ones gone. */
static const char auth_session_insert_sql[] =
    "WITH expired AS (DELETE FROM session WHERE user_id = $2::uuid AND expires_at <= now())"
    " INSERT INTO session (token_hash, user_id, expires_at, user_agent, ip)"
    " VALUES ($1::bytea, $2::uuid, now() + make_interval(days => $3::int), $4, $5::inet)";

static const char auth_session_delete_sql[] =
    "DELETE FROM session WHERE token_hash = $1::bytea";

static void
auth_sodium(void)
{
	if (sodium_init() < 0) {
		fputs("redlightd: libsodium failed to initialise\n", stderr);
		abort();
	}
}

/* ---- the cookie ---- */

/* Finds our cookie in req's Cookie headers. Returns 1 with token filled
 * when one decodes to AUTH_TOKEN_BYTES; 0 otherwise. *present (may be
 * NULL) is 1 when any rl_session cookie came, valid or not. */
static int
auth_cookie_token(h2o_req_t *req, unsigned char token[AUTH_TOKEN_BYTES], int *present)
{
	ssize_t i = -1;

	if (present != NULL)
		*present = 0;
	while ((i = h2o_find_header(&req->headers, H2O_TOKEN_COOKIE, i)) != -1) {
		h2o_iovec_t v = req->headers.entries[i].value;
		const char *p = v.base, *val;
		size_t vlen, binlen;

		while (wire_cookie_next(&p, v.base + v.len, AUTH_COOKIE, &val, &vlen)) {
			if (present != NULL)
				*present = 1;
			if (vlen == AUTH_TOKEN_B64_LEN &&
			    sodium_base642bin(token, AUTH_TOKEN_BYTES, val, AUTH_TOKEN_B64_LEN, NULL,
			    &binlen, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
			    binlen == AUTH_TOKEN_BYTES)
				return 1;
		}
	}
	return 0;
}

/* The bytea literal of a token's SHA-256 (h), as Postgres reads text. */
static void
auth_hash_param(const unsigned char h[crypto_hash_sha256_BYTES], char out[AUTH_HASH_PARAM_LEN])
{
	out[0] = '\\';
	out[1] = 'x';
	sodium_bin2hex(out + 2, AUTH_HASH_PARAM_LEN - 2, h, crypto_hash_sha256_BYTES);
}

/* The token's SHA-256 (what session.token_hash holds) into h and its
 * bytea literal into out; the token is wiped. */
static void
auth_token_hash(unsigned char token[AUTH_TOKEN_BYTES], unsigned char h[crypto_hash_sha256_BYTES],
    char out[AUTH_HASH_PARAM_LEN])
{
	crypto_hash_sha256(h, token, AUTH_TOKEN_BYTES);
	sodium_memzero(token, AUTH_TOKEN_BYTES);
	auth_hash_param(h, out);
}

static int
auth_cookie_secure(h2o_req_t *req, const struct conf *c)
{
	return strncmp(c->public_url, "https://", 8) == 0 ||
	    (req->scheme != NULL && req->scheme == &H2O_URL_SCHEME_HTTPS);
}

/* Adds Set-Cookie: rl_session=VALUE with our attributes. */
static void
auth_set_cookie(h2o_req_t *req, const struct conf *c, const char *value, long max_age)
{
	size_t size = strlen(value) + 128;
	char *s = h2o_mem_alloc_pool(&req->pool, size);
	int len = snprintf(s, size, "%s=%s; HttpOnly; SameSite=Lax; Path=/; Max-Age=%ld%s",
	    AUTH_COOKIE, value, max_age, auth_cookie_secure(req, c) ? "; Secure" : "");

	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_SET_COOKIE, NULL, s, (size_t)len);
}

/* ---- the actor ---- */

struct auth_lookup {
	struct http_server *srv;
	auth_cb cb;
	void *arg;
	unsigned char hash[crypto_hash_sha256_BYTES];
	uint64_t epoch;             /* the session cache's, when the lookup went */
};

/* 1 when this request resolved its actor already; *out may be NULL then. */
static int
auth_cached(h2o_req_t *req, const struct auth_actor **out)
{
	for (size_t i = 0; i + 1 < req->env.size; i += 2)
		if (h2o_memis(req->env.entries[i].base, req->env.entries[i].len,
		    H2O_STRLIT(AUTH_ACTOR_ENV))) {
			*out = (const struct auth_actor *)req->env.entries[i + 1].base;
			return 1;
		}
	return 0;
}

static void
auth_cache(h2o_req_t *req, const struct auth_actor *a)
{
	h2o_vector_reserve(&req->pool, &req->env, req->env.size + 2);
	req->env.entries[req->env.size++] = h2o_iovec_init(H2O_STRLIT(AUTH_ACTOR_ENV));
	req->env.entries[req->env.size++] = h2o_iovec_init((const char *)a, a ? sizeof(*a) : 0);
}

static void
auth_lookup_done(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct auth_lookup *st = arg;
	struct auth_actor *a = NULL;

	if (e != NULL) {
		http_send_err(req, e);
		return;
	}
	if (PQntuples(res) == 1 && PQnfields(res) == 6) {
		a = h2o_mem_alloc_pool(&req->pool, sizeof(*a));
		snprintf(a->user_id, sizeof(a->user_id), "%s", PQgetvalue(res, 0, 0));
		snprintf(a->email, sizeof(a->email), "%s", PQgetvalue(res, 0, 1));
		snprintf(a->name, sizeof(a->name), "%s", PQgetvalue(res, 0, 2));
		snprintf(a->role, sizeof(a->role), "%s", PQgetvalue(res, 0, 3));
		snprintf(a->staff_id, sizeof(a->staff_id), "%s", PQgetvalue(res, 0, 4));
		sesscache_put(st->srv->sessions, st->epoch, st->hash, a,
		    strtoll(PQgetvalue(res, 0, 5), NULL, 10));
	}
	auth_cache(req, a);
	st->cb(st->srv, req, a, st->arg);
}

void
auth_actor(struct http_server *srv, h2o_req_t *req, auth_cb cb, void *arg)
{
	unsigned char token[AUTH_TOKEN_BYTES];
	char hash[AUTH_HASH_PARAM_LEN];
	const char *params[1] = { hash };
	const struct auth_actor *cached;
	struct auth_actor known;
	struct auth_lookup *st;

	if (auth_cached(req, &cached)) {
		cb(srv, req, cached, arg);
		return;
	}
	auth_sodium();
	if (!auth_cookie_token(req, token, NULL)) {
		auth_cache(req, NULL);
		cb(srv, req, NULL, arg);
		return;
	}
	st = h2o_mem_alloc_pool(&req->pool, sizeof(*st));
	auth_token_hash(token, st->hash, hash);
	/* a session this process knows: no query (web/sesscache.h) */
	if (sesscache_get(srv->sessions, st->hash, slot_now(), &known)) {
		struct auth_actor *a = h2o_mem_alloc_pool(&req->pool, sizeof(*a));

		*a = known;
		auth_cache(req, a);
		cb(srv, req, a, arg);
		return;
	}
	st->srv = srv;
	st->cb = cb;
	st->arg = arg;
	st->epoch = sesscache_epoch(srv->sessions);
	http_query(srv, req, auth_lookup_sql, 1, params, auth_lookup_done, st);
}

struct auth_require_state {
	auth_cb cb;
	void *arg;
};

static void
auth_require_done(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor,
    void *arg)
{
	struct auth_require_state *st = arg;

	if (actor == NULL) {
		http_send_error(req, 401, "unauthorized", NULL, "log in first");
		return;
	}
	st->cb(srv, req, actor, st->arg);
}

void
auth_require(struct http_server *srv, h2o_req_t *req, auth_cb cb, void *arg)
{
	struct auth_require_state *st = h2o_mem_alloc_pool(&req->pool, sizeof(*st));

	st->cb = cb;
	st->arg = arg;
	auth_actor(srv, req, auth_require_done, st);
}

h2o_iovec_t
auth_user_json(h2o_mem_pool_t *pool, const struct auth_actor *a)
{
	/* json-c rather than http_json_quote: names are UTF-8, kept as such */
	struct json_object *o = json_object_new_object();
	const char *s;
	size_t len;
	h2o_iovec_t out;

	if (o == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	json_object_object_add(o, "id", json_object_new_string(a->user_id));
	json_object_object_add(o, "email", json_object_new_string(a->email));
	json_object_object_add(o, "name", json_object_new_string(a->name));
	json_object_object_add(o, "role", json_object_new_string(a->role));
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
	    &len);
	out = h2o_strdup(pool, s, len);
	json_object_put(o);
	return out;
}

/* ---- cross-site requests ---- */

/* Writes "scheme://host:port" of an http(s) URL or origin (s, len bytes)
 * into out: scheme and host lower-cased, the default port made explicit.
 * Returns 0, or -1 when s is not one. */
static int
auth_origin_norm(const char *s, size_t len, char *out, size_t outlen)
{
	const char *end = s + len, *p, *aend, *hend, *port = NULL;
	long portn;
	size_t o;
	int https, n;

	if (len >= 7 && h2o_lcstris(s, 7, H2O_STRLIT("http://"))) {
		https = 0;
		p = s + 7;
	} else if (len >= 8 && h2o_lcstris(s, 8, H2O_STRLIT("https://"))) {
		https = 1;
		p = s + 8;
	} else {
		return -1;
	}
	for (aend = p; aend < end && *aend != '/' && *aend != '?' && *aend != '#'; aend++)
		if ((unsigned char)*aend <= ' ' || *aend == '@' || (unsigned char)*aend >= 0x7f)
			return -1;
	if (aend == p)
		return -1;
	if (*p == '[') {
		hend = memchr(p, ']', (size_t)(aend - p));
		if (hend == NULL)
			return -1;
		hend++;
		if (hend < aend) {
			if (*hend != ':')
				return -1;
			port = hend + 1;
		}
	} else {
		hend = memchr(p, ':', (size_t)(aend - p));
		if (hend != NULL)
			port = hend + 1;
		else
			hend = aend;
	}
	if (hend == p)
		return -1;
	portn = https ? 443 : 80;
	if (port != NULL && port < aend) {
		portn = 0;
		for (const char *q = port; q < aend; q++) {
			if (*q < '0' || *q > '9')
				return -1;
			portn = portn * 10 + (*q - '0');
			if (portn > 65535)
				return -1;
		}
	}
	n = snprintf(out, outlen, "%s://", https ? "https" : "http");
	o = (size_t)n;
	if (o + (size_t)(hend - p) + 8 > outlen)
		return -1;
	for (const char *q = p; q < hend; q++)
		out[o++] = (char)(*q >= 'A' && *q <= 'Z' ? *q - 'A' + 'a' : *q);
	snprintf(out + o, outlen - o, ":%ld", portn);
	return 0;
}

/* Our own origin, normalised: conf.public_url's, else the request's. */
static int
auth_origin_expected(h2o_req_t *req, const struct conf *c, char *out, size_t outlen)
{
	char self[AUTH_ORIGIN_MAX];
	int n;

	if (c->public_url[0] != '\0')
		return auth_origin_norm(c->public_url, strlen(c->public_url), out, outlen);
	if (req->authority.len == 0)
		return -1;
	n = snprintf(self, sizeof(self), "%s://%.*s",
	    req->scheme == &H2O_URL_SCHEME_HTTPS ? "https" : "http",
	    (int)(req->authority.len > 256 ? 256 : req->authority.len), req->authority.base);
	if (n < 0 || (size_t)n >= sizeof(self))
		return -1;
	return auth_origin_norm(self, (size_t)n, out, outlen);
}

int
auth_origin_same(h2o_req_t *req, const struct conf *c)
{
	char want[AUTH_ORIGIN_MAX], got[AUTH_ORIGIN_MAX];
	/* h2o 2.2 has no token for Origin; header names arrive lower-cased */
	ssize_t i = h2o_find_header_by_str(&req->headers, H2O_STRLIT("origin"), -1);
	h2o_iovec_t v;

	if (i < 0)
		i = h2o_find_header(&req->headers, H2O_TOKEN_REFERER, -1);
	if (i < 0)
		return -1;
	v = req->headers.entries[i].value;
	if (auth_origin_norm(v.base, v.len, got, sizeof(got)) != 0)
		return 0;
	if (auth_origin_expected(req, c, want, sizeof(want)) != 0)
		return 0;
	return strcmp(want, got) == 0;
}

int
auth_origin_ok(h2o_req_t *req, const struct conf *c)
{
	unsigned char token[AUTH_TOKEN_BYTES];
	int present;

	if (h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET")) ||
	    h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD")) ||
	    h2o_memis(req->method.base, req->method.len, H2O_STRLIT("OPTIONS")))
		return 1;
	auth_cookie_token(req, token, &present);
	sodium_memzero(token, sizeof(token));
	if (!present)
		return 1;
	return auth_origin_same(req, c) == 1;
}

int
auth_origin_check(h2o_req_t *req, const struct conf *c)
{
	if (auth_origin_ok(req, c))
		return 1;
	http_send_error(req, 403, "forbidden", NULL, "cross-site request refused");
	return 0;
}

/* ---- sessions ---- */

struct auth_session_op {
	struct http_server *srv;
	auth_session_cb cb;
	void *arg;
	char *cookie;           /* the value to set on success */
	long max_age;
};

static void
auth_session_done(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct auth_session_op *op = arg;

	(void)res;
	if (e == NULL)
		auth_set_cookie(req, op->srv->conf, op->cookie, op->max_age);
	op->cb(op->srv, req, e, op->arg);
}

/* The User-Agent as kept with a session: printable ASCII only (Postgres
 * refuses text that is not UTF-8), cut at AUTH_USER_AGENT_MAX. NULL when
 * the request has none. */
static const char *
auth_user_agent(h2o_req_t *req)
{
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_USER_AGENT, -1);
	h2o_iovec_t v;
	size_t n;
	char *out;

	if (i < 0)
		return NULL;
	v = req->headers.entries[i].value;
	n = v.len > AUTH_USER_AGENT_MAX ? AUTH_USER_AGENT_MAX : v.len;
	out = h2o_mem_alloc_pool(&req->pool, n + 1);
	for (size_t k = 0; k < n; k++) {
		unsigned char ch = (unsigned char)v.base[k];
		out[k] = (char)(ch >= 0x20 && ch < 0x7f ? ch : '?');
	}
	out[n] = '\0';
	return out;
}

void
auth_session_start(struct http_server *srv, h2o_req_t *req, const char *user_id,
    auth_session_cb cb, void *arg)
{
	unsigned char token[AUTH_TOKEN_BYTES], h[crypto_hash_sha256_BYTES];
	char hash[AUTH_HASH_PARAM_LEN], days[16];
	const char *client = ratelimit_client(req);
	const char *params[5];
	struct auth_session_op *op = h2o_mem_alloc_pool(&req->pool, sizeof(*op));

	auth_sodium();
	randombytes_buf(token, sizeof(token));
	op->srv = srv;
	op->cb = cb;
	op->arg = arg;
	op->cookie = h2o_mem_alloc_pool(&req->pool, AUTH_TOKEN_B64_LEN + 1);
	sodium_bin2base64(op->cookie, AUTH_TOKEN_B64_LEN + 1, token, sizeof(token),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	op->max_age = (long)AUTH_SESSION_DAYS * 86400;
	auth_token_hash(token, h, hash);
	snprintf(days, sizeof(days), "%d", AUTH_SESSION_DAYS);
	params[0] = hash;
	params[1] = user_id;
	params[2] = days;
	params[3] = auth_user_agent(req);
	params[4] = strcmp(client, "-") == 0 ? NULL : client;
	http_query(srv, req, auth_session_insert_sql, 5, params, auth_session_done, op);
}

void
auth_session_end(struct http_server *srv, h2o_req_t *req, auth_session_cb cb, void *arg)
{
	unsigned char token[AUTH_TOKEN_BYTES], h[crypto_hash_sha256_BYTES];
	char hash[AUTH_HASH_PARAM_LEN];
	const char *params[1] = { hash };
	struct auth_session_op *op = h2o_mem_alloc_pool(&req->pool, sizeof(*op));

	auth_sodium();
	op->srv = srv;
	op->cb = cb;
	op->arg = arg;
	op->cookie = "";
	op->max_age = 0;
	if (!auth_cookie_token(req, token, NULL)) {
		auth_session_done(req, NULL, NULL, op);
		return;
	}
	auth_token_hash(token, h, hash);
	/* this process refuses it at once; the others when the notice comes */
	sesscache_drop(srv->sessions, h);
	http_query(srv, req, auth_session_delete_sql, 1, params, auth_session_done, op);
}

/* ---- passwords on the thread pool ---- */

/* One hash or check. Heap memory, not the request's pool: the thread may
 * still be hashing when the client leaves and h2o frees the pool. */
struct auth_pw_work {
	uv_work_t uv;
	struct http_server *srv;
	h2o_req_t *req;
	struct auth_pw_link *link;  /* NULL once the client left (orphaned) */
	int verify;
	int dummy;                  /* verify against the dummy hash */
	char *password;
	char hash[crypto_pwhash_STRBYTES];
	int ok;                     /* the thread's result */
	auth_hash_cb hash_cb;
	auth_verify_cb verify_cb;
	void *arg;
};

/* In the request's pool: tells the work when the request is gone. */
struct auth_pw_link {
	struct auth_pw_work *w;
};

static unsigned auth_pw_pending;
static uv_once_t auth_dummy_once = UV_ONCE_INIT;
static char auth_dummy_hash[crypto_pwhash_STRBYTES];

/* On a pool thread, once: a hash of a random password nobody knows. */
static void
auth_dummy_init(void)
{
	unsigned char rnd[24];
	char pw[2 * sizeof(rnd) + 1];

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(pw, sizeof(pw), rnd, sizeof(rnd));
	if (crypto_pwhash_str(auth_dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		auth_dummy_hash[0] = '\0';
}

static void
auth_pw_link_dispose(void *p)
{
	struct auth_pw_link *link = p;

	if (link->w != NULL) {
		link->w->link = NULL;
		link->w->req = NULL;
	}
}

/* On a pool thread: touches only the work's own fields. */
static void
auth_pw_run(uv_work_t *uv)
{
	struct auth_pw_work *w = uv->data;
	size_t plen = strlen(w->password);

	if (!w->verify) {
		w->ok = crypto_pwhash_str(w->hash, w->password, plen, crypto_pwhash_OPSLIMIT_INTERACTIVE,
		    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
		return;
	}
	if (w->dummy) {
		uv_once(&auth_dummy_once, auth_dummy_init);
		/* the work is the point; the answer is no either way */
		int rc = crypto_pwhash_str_verify(auth_dummy_hash, w->password, plen);

		(void)rc;
		w->ok = 0;
		return;
	}
	w->ok = crypto_pwhash_str_verify(w->hash, w->password, plen) == 0;
}

static void
auth_pw_free(struct auth_pw_work *w)
{
	sodium_memzero(w->password, strlen(w->password));
	free(w->password);
	sodium_memzero(w->hash, sizeof(w->hash));
	free(w);
}

/* On the loop, after the thread finished. */
static void
auth_pw_after(uv_work_t *uv, int status)
{
	struct auth_pw_work *w = uv->data;
	h2o_req_t *req = w->req;

	(void)status;
	auth_pw_pending--;
	if (w->link == NULL) {
		/* the client left: nobody to tell */
		auth_pw_free(w);
		return;
	}
	w->link->w = NULL;
	if (w->verify)
		w->verify_cb(w->srv, req, w->ok, w->arg);
	else
		w->hash_cb(w->srv, req, w->ok ? w->hash : NULL, w->arg);
	auth_pw_free(w);
}

static void
auth_pw_queue(struct http_server *srv, h2o_req_t *req, struct auth_pw_work *w, const char *password)
{
	struct auth_pw_link *link = h2o_mem_alloc_shared(&req->pool, sizeof(*link),
	    auth_pw_link_dispose);
	size_t plen = strlen(password);

	auth_sodium();
	w->password = malloc(plen + 1);
	if (w->password == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	memcpy(w->password, password, plen + 1);
	w->srv = srv;
	w->req = req;
	w->link = link;
	link->w = w;
	w->uv.data = w;
	auth_pw_pending++;
	/* fails only for a NULL callback */
	uv_queue_work(srv->loop, &w->uv, auth_pw_run, auth_pw_after);
}

static struct auth_pw_work *
auth_pw_new(void)
{
	struct auth_pw_work *w = calloc(1, sizeof(*w));

	if (w == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	return w;
}

int
auth_password_busy(void)
{
	return auth_pw_pending >= AUTH_PASSWORD_QUEUE_MAX;
}

void
auth_send_busy(h2o_req_t *req)
{
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_RETRY_AFTER, NULL, H2O_STRLIT("1"));
	http_send_error(req, 503, "busy", NULL, "the server is busy; try again shortly");
}

void
auth_password_hash(struct http_server *srv, h2o_req_t *req, const char *password,
    auth_hash_cb cb, void *arg)
{
	struct auth_pw_work *w = auth_pw_new();

	w->hash_cb = cb;
	w->arg = arg;
	auth_pw_queue(srv, req, w, password);
}

void
auth_password_verify(struct http_server *srv, h2o_req_t *req, const char *hash,
    const char *password, auth_verify_cb cb, void *arg)
{
	struct auth_pw_work *w = auth_pw_new();

	w->verify = 1;
	w->verify_cb = cb;
	w->arg = arg;
	/* a hash too long for the buffer is not one of ours: fail as unknown */
	if (hash == NULL || hash[0] == '\0' || strlen(hash) >= sizeof(w->hash))
		w->dummy = 1;
	else
		memcpy(w->hash, hash, strlen(hash) + 1);
	auth_pw_queue(srv, req, w, password);
}
