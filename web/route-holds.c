#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/hold.h"
#include "web/auth.h"
#include "web/availcache.h"
#include "web/body.h"
#include "web/http.h"
#include "web/idem.h"
#include "web/ratelimit.h"
#include "web/slot.h"

/* Holds (redlightd(8); ARCHITECTURE.md, "Rules in SQL, rules in C"):
 *   POST   /api/holds {room_id, start_at, end_at, service_id?}
 *                        -> 201 {hold_id, expires_at}
 *   DELETE /api/holds/:id -> 204; 404 for a hold that is not the
 *                        artist's, 409 state_changed for one no longer active
 * Both need a login and honour Idempotency-Key; placing one takes from the
 * "holds" rate limit. A hold claims the session widened by its buffers in
 * room_claim, for the studio's hold_ttl_min, so nobody else can hold or
 * book that time until it expires (an expired hold stops blocking at once,
 * swept or not), is released, or becomes its owner's booking. A service
 * that needs an engineer is checked with one, as the booking will be; the
 * hold itself claims no staff member. Placing and releasing run the same
 * SQL functions as `redlight hold` and `hold-release` (db/hold.h), as
 * the artist: the same rows and audit entries. */

struct holds_state {
	struct http_server *srv;
	char user_id[37];
	const char *room_id;          /* borrowed from the body (the request's) */
	const char *service_id;
	int64_t start, end;
	struct slot_fit fit;
};

/* ---- POST /api/holds ---- */

static void
holds_placed(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct holds_state *st = arg;
	struct json_object *o;

	if (e != NULL) {
		slot_send_db_err(req, e, &st->fit);
		return;
	}
	o = slot_json_new();
	slot_json_str(o, "hold_id", PQgetvalue(res, 0, 0));
	slot_json_str(o, "expires_at", PQgetvalue(res, 0, 2));
	slot_send_json(req, 201, o);
}

static void
holds_checked(h2o_req_t *req, const struct availcache_view *v, const struct err *e, void *arg)
{
	struct holds_state *st = arg;
	struct slot_want w;
	struct db_hold_place h;
	struct db_hold_place_params p;
	struct err why;

	if (e != NULL) {
		slot_send_err(req, e);
		return;
	}
	memset(&w, 0, sizeof(w));
	w.room_id = st->room_id;
	w.service_id = st->service_id;
	w.start = st->start;
	w.end = st->end;
	w.now = slot_now();
	if (slot_check(v->data, &w, &st->fit, &why) != 0) {
		slot_send_err(req, &why);
		return;
	}
	/* the hold the studio's staff place too, as its artist */
	memset(&h, 0, sizeof(h));
	h.actor_id = st->user_id;
	h.kind = DB_ACTOR_ARTIST;
	h.room_id = st->room_id;
	h.start = st->start;
	h.end = st->end;
	h.blocked_from = st->fit.blocked_from;
	h.blocked_until = st->fit.blocked_until;
	if (db_hold_place_prepare(&h, &p, &why) != 0) {
		slot_send_err(req, &why);
		return;
	}
	slot_write(st->srv, req, DB_HOLD_PLACE_SQL, DB_HOLD_PLACE_NPARAMS, p.params, holds_placed, st);
}

static void
holds_go(struct http_server *srv, h2o_req_t *req, void *arg)
{
	struct holds_state *st = arg;

	availcache_at(srv, req, st->start, holds_checked, st);
}

static void
holds_post_actor(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor,
    void *arg)
{
	struct holds_state *st;
	struct json_object *body;
	struct err e;

	(void)arg;
	if (!ratelimit_allow(srv, req, RATELIMIT_HOLDS, actor->user_id))
		return;
	if ((body = body_json(srv, req)) == NULL)
		return;
	st = h2o_mem_alloc_pool(&req->pool, sizeof(*st));
	memset(st, 0, sizeof(*st));
	st->srv = srv;
	snprintf(st->user_id, sizeof(st->user_id), "%s", actor->user_id);
	if (body_string(body, "room_id", BODY_REQUIRED, &st->room_id, &e) < 0 ||
	    body_string(body, "service_id", BODY_OPTIONAL, &st->service_id, &e) < 0 ||
	    slot_instant(body, "start_at", &st->start, &e) != 0 ||
	    slot_instant(body, "end_at", &st->end, &e) != 0) {
		http_send_err(req, &e);
		return;
	}
	if (st->end <= st->start) {
		err_set(&e, ERR_INVALID, "end_at", "end_at must be after start_at");
		http_send_err(req, &e);
		return;
	}
	idem_begin(srv, req, idem_scope(req, "POST /api/holds", actor->user_id), holds_go, st);
}

static void
holds_post(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	if (!auth_origin_check(req, srv->conf))
		return;
	auth_require(srv, req, holds_post_actor, NULL);
}

/* ---- DELETE /api/holds/:id ---- */

struct holds_release {
	char user_id[37];
	char *hold_id;
};

static void
holds_released(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	(void)res;
	(void)arg;
	/* a hold no longer active is a state change here, not an expiry to
	 * choose the time again for: the same answer as from the CLI */
	if (e != NULL) {
		idem_send_err(req, e);
		return;
	}
	idem_send_json(req, 204, "", 0);
}

static void
holds_release_go(struct http_server *srv, h2o_req_t *req, void *arg)
{
	struct holds_release *st = arg;
	const struct db_hold_change c = {
		.hold_id = st->hold_id, .actor_id = st->user_id, .kind = DB_ACTOR_ARTIST,
	};
	struct db_hold_change_params p;

	db_hold_change_prepare(&c, &p);
	slot_write(srv, req, DB_HOLD_RELEASE_SQL, DB_HOLD_RELEASE_NPARAMS, p.params, holds_released, st);
}

static void
holds_delete_actor(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor,
    void *arg)
{
	struct holds_release *st = h2o_mem_alloc_pool(&req->pool, sizeof(*st));

	st->hold_id = arg;
	snprintf(st->user_id, sizeof(st->user_id), "%s", actor->user_id);
	if (!slot_uuid_valid(st->hold_id)) {
		http_send_error(req, 404, "not_found", "hold_id", "no such hold");
		return;
	}
	idem_begin(srv, req, idem_scope(req, "DELETE /api/holds", actor->user_id),
	    holds_release_go, st);
}

static void
holds_delete(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	char *id = http_param_dup(req, params, "id");

	if (!auth_origin_check(req, srv->conf) || !ratelimit_allow(srv, req, RATELIMIT_READS, NULL))
		return;
	auth_require(srv, req, holds_delete_actor, id);
}

const struct http_route http_routes_holds[] = {
	{ "POST", "/api/holds", holds_post },
	{ "DELETE", "/api/holds/:id", holds_delete },
	{ NULL, NULL, NULL },
};
