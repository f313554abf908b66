#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "core/validate.h"
#include "web/auth.h"
#include "web/body.h"
#include "web/http.h"
#include "web/idem.h"
#include "web/ratelimit.h"

/* Accounts and sessions (redlightd(8), "Routes"):
 *   POST /api/auth/register {email, password, name} -> 201 {user} + cookie
 *   POST /api/auth/login {email, password}          -> 200 {user} + cookie
 *   POST /api/auth/logout                           -> 204, cookie cleared
 *   GET  /api/auth/session                          -> 200 {user} or 401
 *   PUT  /api/me/phone {phone, sms_opt_in}          -> 200 {phone_set, sms_opt_in}
 *        the artist's phone for texts: E.164 after core/secret.c's reading
 *        ("" or null forgets it), sealed with secret_key before it reaches
 *        the database; opting in needs a phone (400 on sms_opt_in);
 *        500 config_error when the studio has no secret_key (phones
 *        cannot be kept).
 * Register and login share the "auth" rate limit per client address.
 * Register honours Idempotency-Key (a replay carries no cookie: the artist
 * then logs in). Login and logout ignore it: retrying either is harmless,
 * and a replayed login could not hand out its session cookie anyway. */

#define AUTH_WRONG "wrong email or password"

static const char authr_register_sql[] =
    "INSERT INTO app_user (email, password_hash, name, role) VALUES ($1, $2, $3, 'artist')"
    " ON CONFLICT (email) DO NOTHING RETURNING id, email, name, role";

static const char authr_login_sql[] =
    "SELECT u.id, u.email, u.name, u.role, coalesce(st.id::text, ''),"
    " coalesce(u.password_hash, '')"
    " FROM app_user u LEFT JOIN staff st ON st.user_id = u.id WHERE u.email = $1";

struct authr_state {
	struct http_server *srv;
	char email[VALIDATE_EMAIL_MAX + 1];
	char name[4 * VALIDATE_NAME_MAX + 1];
	const char *password;        /* borrowed from the parsed body */
	struct auth_actor actor;
};

/* The auth routes refuse a foreign Origin even without a session cookie:
 * a cross-site login would sign the artist into someone else's account. */
static int
authr_origin(struct http_server *srv, h2o_req_t *req)
{
	if (auth_origin_ok(req, srv->conf) && auth_origin_same(req, srv->conf) != 0)
		return 1;
	http_send_error(req, 403, "forbidden", NULL, "cross-site request refused");
	return 0;
}

/* {"user":{...}} of st's actor. */
static h2o_iovec_t
authr_user_body(h2o_req_t *req, const struct auth_actor *a)
{
	h2o_iovec_t user = auth_user_json(&req->pool, a);
	size_t size = user.len + 16;
	char *s = h2o_mem_alloc_pool(&req->pool, size);
	int len = snprintf(s, size, "{\"user\":%.*s}", (int)user.len, user.base);

	return h2o_iovec_init(s, (size_t)len);
}

static void
authr_actor_from_row(struct auth_actor *a, const PGresult *res, int with_staff)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->user_id, sizeof(a->user_id), "%s", PQgetvalue(res, 0, 0));
	snprintf(a->email, sizeof(a->email), "%s", PQgetvalue(res, 0, 1));
	snprintf(a->name, sizeof(a->name), "%s", PQgetvalue(res, 0, 2));
	snprintf(a->role, sizeof(a->role), "%s", PQgetvalue(res, 0, 3));
	if (with_staff)
		snprintf(a->staff_id, sizeof(a->staff_id), "%s", PQgetvalue(res, 0, 4));
}

/* Reads the fields every auth body has; answers and returns NULL on error. */
static struct authr_state *
authr_read(struct http_server *srv, h2o_req_t *req, int with_name)
{
	struct authr_state *st;
	struct json_object *body;
	const char *email, *password, *name = NULL;
	struct err e;

	if ((body = body_json(srv, req)) == NULL)
		return NULL;
	st = h2o_mem_alloc_pool(&req->pool, sizeof(*st));
	memset(st, 0, sizeof(*st));
	st->srv = srv;
	if (body_string(body, "email", BODY_REQUIRED, &email, &e) != 0 ||
	    body_string(body, "password", BODY_REQUIRED, &password, &e) != 0 ||
	    (with_name && body_string(body, "name", BODY_REQUIRED, &name, &e) != 0) ||
	    validate_email(email, st->email, sizeof(st->email), &e) != 0 ||
	    /* login checks the password it is given, whatever today's rule */
	    (with_name && validate_password(password, &e) != 0) ||
	    (with_name && validate_name(name, st->name, sizeof(st->name), &e) != 0)) {
		http_send_err(req, &e);
		return NULL;
	}
	st->password = password;
	return st;
}

/* ---- POST /api/auth/register ---- */

static void
authr_register_session(struct http_server *srv, h2o_req_t *req, const struct err *e, void *arg)
{
	struct authr_state *st = arg;
	h2o_iovec_t body;

	(void)srv;
	if (e != NULL) {
		idem_send_err(req, e);
		return;
	}
	body = authr_user_body(req, &st->actor);
	idem_send_json(req, 201, body.base, body.len);
}

static void
authr_register_inserted(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct authr_state *st = arg;

	if (e != NULL) {
		idem_send_err(req, e);
		return;
	}
	if (PQntuples(res) != 1) {
		idem_send_error(req, 409, "email_taken", "email",
		    "an account with this email already exists; log in instead");
		return;
	}
	authr_actor_from_row(&st->actor, res, 0);
	auth_session_start(st->srv, req, st->actor.user_id, authr_register_session, st);
}

static void
authr_register_hashed(struct http_server *srv, h2o_req_t *req, const char *hash, void *arg)
{
	struct authr_state *st = arg;
	const char *params[3] = { st->email, hash, st->name };
	struct err e;

	if (hash == NULL) {
		err_set(&e, ERR_INTERNAL, NULL, "out of memory while hashing a password");
		idem_send_err(req, &e);
		return;
	}
	http_write(srv, req, authr_register_sql, 3, params, authr_register_inserted, st);
}

static void
authr_register_go(struct http_server *srv, h2o_req_t *req, void *arg)
{
	struct authr_state *st = arg;

	auth_password_hash(srv, req, st->password, authr_register_hashed, st);
}

static void
authr_register(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	struct authr_state *st;

	(void)params;
	if (!ratelimit_allow(srv, req, RATELIMIT_AUTH, NULL) || !authr_origin(srv, req))
		return;
	if ((st = authr_read(srv, req, 1)) == NULL)
		return;
	if (auth_password_busy()) {
		auth_send_busy(req);
		return;
	}
	idem_begin(srv, req, idem_scope(req, "POST /api/auth/register", NULL), authr_register_go, st);
}

/* ---- POST /api/auth/login ---- */

static void
authr_login_session(struct http_server *srv, h2o_req_t *req, const struct err *e, void *arg)
{
	struct authr_state *st = arg;
	h2o_iovec_t body;

	(void)srv;
	if (e != NULL) {
		http_send_err(req, e);
		return;
	}
	body = authr_user_body(req, &st->actor);
	http_send_json(req, 200, body.base, body.len);
}

static void
authr_login_verified(struct http_server *srv, h2o_req_t *req, int ok, void *arg)
{
	struct authr_state *st = arg;

	if (!ok) {
		http_send_error(req, 401, "unauthorized", NULL, AUTH_WRONG);
		return;
	}
	auth_session_start(srv, req, st->actor.user_id, authr_login_session, st);
}

static void
authr_login_found(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct authr_state *st = arg;
	const char *hash = NULL;

	if (e != NULL) {
		http_send_err(req, e);
		return;
	}
	/* an unknown email is checked against a dummy hash: as slow as a
	 * wrong password, so timing does not tell them apart */
	if (PQntuples(res) == 1) {
		authr_actor_from_row(&st->actor, res, 1);
		hash = PQgetvalue(res, 0, 5);
	}
	auth_password_verify(st->srv, req, hash, st->password, authr_login_verified, st);
}

static void
authr_login(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	struct authr_state *st;
	const char *qp[1];

	(void)params;
	if (!ratelimit_allow(srv, req, RATELIMIT_AUTH, NULL) || !authr_origin(srv, req))
		return;
	if ((st = authr_read(srv, req, 0)) == NULL)
		return;
	if (auth_password_busy()) {
		auth_send_busy(req);
		return;
	}
	qp[0] = st->email;
	http_query(srv, req, authr_login_sql, 1, qp, authr_login_found, st);
}

/* ---- POST /api/auth/logout ---- */

static void
authr_send_no_content(h2o_req_t *req)
{
	static h2o_generator_t generator = { NULL, NULL };

	req->res.status = 204;
	req->res.reason = "No Content";
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
	    H2O_STRLIT("no-store"));
	h2o_start_response(req, &generator);
	h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
}

static void
authr_logout_done(struct http_server *srv, h2o_req_t *req, const struct err *e, void *arg)
{
	(void)srv;
	(void)arg;
	if (e != NULL) {
		http_send_err(req, e);
		return;
	}
	authr_send_no_content(req);
}

static void
authr_logout(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	if (!authr_origin(srv, req))
		return;
	auth_session_end(srv, req, authr_logout_done, NULL);
}

/* ---- GET /api/auth/session ---- */

static void
authr_session_got(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor,
    void *arg)
{
	h2o_iovec_t body;

	(void)srv;
	(void)arg;
	if (actor == NULL) {
		http_send_error(req, 401, "unauthorized", NULL, "not logged in");
		return;
	}
	body = authr_user_body(req, actor);
	http_send_json(req, 200, body.base, body.len);
}

static void
authr_session(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	auth_actor(srv, req, authr_session_got, NULL);
}

/* ---- PUT /api/me/phone ---- */

/* The calling code a phone number without one is read in: the studio's
 * artists are North American (the demo's zone is America/Toronto); an
 * international number is given with its "+". */
#define AUTHR_PHONE_COUNTRY "1"

static void
authr_phone_done(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	(void)arg;
	if (e != NULL) {
		http_send_err(req, e);
		return;
	}
	http_send_json(req, 200, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
}

struct authr_phone {
	char *sealed;             /* in req's pool; "" forgets the phone */
	int opt_in;
};

static void
authr_phone_actor(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor, void *arg)
{
	struct authr_phone *ph = arg;
	const char *params[3] = { actor->user_id, ph->sealed, ph->opt_in ? "true" : "false" };

	http_write(srv, req, "SELECT user_set_phone($1::uuid, $2, $3::boolean)::text", 3, params, authr_phone_done,
	    NULL);
}

static void
authr_phone(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	struct authr_phone *ph = h2o_mem_alloc_pool(&req->pool, sizeof(*ph));
	unsigned char key[SECRET_KEY_BYTES], nonce[SECRET_NONCE_BYTES];
	struct json_object *body, *v;
	const char *phone = NULL;
	char e164[20];
	struct err e;

	(void)params;
	if (!auth_origin_check(req, srv->conf) || (body = body_json(srv, req)) == NULL)
		return;
	ph->opt_in = 0;
	ph->sealed = "";
	if ((json_object_object_get_ex(body, "phone", &v) && v != NULL &&
	    body_string(body, "phone", BODY_OPTIONAL, &phone, &e) != 0) ||
	    body_bool(body, "sms_opt_in", BODY_REQUIRED, &ph->opt_in, &e) != 0) {
		http_send_err(req, &e);
		return;
	}
	if (phone != NULL && phone[0] != '\0') {
		if (secret_phone_e164(phone, AUTHR_PHONE_COUNTRY, e164, sizeof(e164), &e) != 0) {
			http_send_err(req, &e);
			return;
		}
		if (srv->conf->secret_key[0] == '\0' || secret_key_parse(srv->conf->secret_key, key, &e) != 0) {
			http_send_error(req, err_http_status(ERR_CONFIG), err_name(ERR_CONFIG), "phone",
			    "this studio cannot keep phone numbers (no secret_key in its configuration)");
			return;
		}
		randombytes_buf(nonce, sizeof(nonce));
		{
			char *sealed = secret_seal(e164, strlen(e164), key, nonce);
			ph->sealed = h2o_mem_alloc_pool(&req->pool, strlen(sealed) + 1);
			memcpy(ph->sealed, sealed, strlen(sealed) + 1);
			free(sealed);
		}
		sodium_memzero(key, sizeof(key));
	}
	auth_require(srv, req, authr_phone_actor, ph);
}

const struct http_route http_routes_auth[] = {
	{ "POST", "/api/auth/register", authr_register },
	{ "POST", "/api/auth/login", authr_login },
	{ "POST", "/api/auth/logout", authr_logout },
	{ "GET", "/api/auth/session", authr_session },
	{ "PUT", "/api/me/phone", authr_phone },
	{ NULL, NULL, NULL },
};
