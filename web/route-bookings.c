#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/code.h"
#include "core/payment.h"
#include "core/policy.h"
#include "core/pricing.h"
#include "db/booking.h"
#include "db/db.h"
#include "web/auth.h"
#include "web/availcache.h"
#include "web/body.h"
#include "web/http.h"
#include "web/idem.h"
#include "web/paywait.h"
#include "web/ratelimit.h"
#include "web/slot.h"

/* Bookings (redlightd(8), "Routes"):
 *   POST /api/bookings {hold_id?, room_id, service_items:[{service_id, qty}],
 *        start_at, end_at, notes?, staff_ids?}
 *        -> 201 {booking_id, code, status, start_at, end_at, room_id,
 *                staff_ids, quote:{subtotal_cents, fees_cents, taxes_cents,
 *                total_cents, deposit_cents, policy_summary},
 *                payment:{status, amount_due_now_cents, currency,
 *                client_secret, url, publishable_key, js_url} or null,
 *                client_secret: payment's, or null}
 *        or 409 slot_unavailable / hold_expired
 *        payment is null without Stripe keys or when nothing is due now;
 *        otherwise the answer waits, after the commit, for the worker's
 *        PaymentIntent (web/paywait.h, at most PAYWAIT_MS): client_secret
 *        is null when it came late or Stripe failed, and the page then asks
 *        url (GET /api/bookings/:id/payment). A replay under the same
 *        Idempotency-Key reads the payment as it is now.
 *   GET  /api/bookings/:id   (uuid or code) -> 200 booking_json (db/db.h);
 *                            404 unless the reader owns it or is staff
 *   GET  /api/me/bookings    -> 200 {upcoming:[...], past:[...]}
 *   POST /api/bookings/:id/cancel {reason?, dry_run?}
 *        -> 200 {status, refund_percent, refund_cents, summary[, dry_run]}
 *   POST /api/bookings/:id/reschedule {new_start_at, new_end_at, dry_run?}
 *        -> 200 {status, start_at, end_at, fee_cents, summary[, dry_run]}
 * Everything needs a login. The POSTs refuse a foreign Origin, take from the
 * "bookings" rate limit and honour Idempotency-Key. Prices come from the
 * catalogue (pricing_quote), never from the client; policies are weighed at
 * the moment of the request; Postgres decides who gets a contested time.
 *
 * service_items: the one item that is not an add-on is the main service
 * (none: the room-only service); its quantity is the session's length in
 * default durations, so a qty sent for it is ignored. The others are add-ons
 * with their qty (1 when absent). A service that needs an engineer gets the
 * staff_ids given, or the first staff member free for the session. */

/* Staff named on one booking, at most. */
#define BK_MAX_STAFF 4
/* A random code clashing with an existing one is drawn again this often. */
#define BK_CODE_TRIES 5
/* Longer references are neither uuids nor codes. */
#define BK_REF_MAX 64

struct bk_item {
	const char *service_id;
	int64_t qty;
};

struct bk_new {
	struct http_server *srv;
	char user_id[37];
	const char *hold_id;          /* borrowed from the body; NULL: none */
	const char *room_id;
	const char *notes;
	struct bk_item items[PRICING_MAX_LINES];
	size_t nitems;
	const char *staff[BK_MAX_STAFF + 1];   /* NULL-terminated */
	size_t nstaff;
	int64_t start, end;
	struct slot_fit fit;
	struct pricing_result price;
	/* what the quote was computed at, kept for a retry with another code */
	struct studio_settings settings;
	const char *picked[2];        /* the engineer slot_check picked */
	struct db_submit sub;
	struct db_submit_params params;
	int tries;
	/* the answer, waiting for its payment (bk_paid) */
	const char *answer;
	char booking_id[40];
	int64_t due;                  /* the quote's due now */
	char currency[8];
};

/* A reference to one booking, from the path: its uuid or its code. */
struct bk_ref {
	const char *uuid;             /* exactly one of the two is set */
	const char *code;
};

/* What a cancel or reschedule weighs (DB_BOOKING_CHANGE_SQL). */
struct bk_change {
	struct http_server *srv;
	char user_id[37];
	struct bk_ref ref;
	const char *reason;
	int dry_run;
	int64_t new_start, new_end;
	/* loaded */
	char id[37];
	char status[24];
	int64_t start, end;
	char room_id[37];
	char service_id[37];
	char staff_buf[BK_MAX_STAFF * 37 + 1];
	const char *staff[BK_MAX_STAFF + 1];
	int reschedule_count;
	int64_t paid_cents;
	struct policy quoted;         /* the policy stored with its quote */
	struct slot_fit fit;
	struct policy_result policy;
};

static int
bk_live(const char *status)
{
	return strcmp(status, "awaiting_approval") == 0 || strcmp(status, "confirmed") == 0;
}

/* Reads the path's :id into ref; 0 when it can name a booking. */
static int
bk_ref_read(h2o_req_t *req, const struct http_params *params, struct bk_ref *ref)
{
	char *s = http_param_dup(req, params, "id");

	ref->uuid = ref->code = NULL;
	if (s == NULL || s[0] == '\0' || strlen(s) > BK_REF_MAX)
		return -1;
	if (slot_uuid_valid(s)) {
		ref->uuid = s;
		return 0;
	}
	/* codes are upper case; an artist may type one in lower case */
	for (char *p = s; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	ref->code = s;
	return 0;
}

static void
bk_not_found(h2o_req_t *req)
{
	http_send_error(req, 404, "not_found", NULL, "no such booking");
}

/* A reference that cannot name a booking: 401 for nobody, else 404, as
 * for a booking that exists and is someone else's. */
static void
bk_absent(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor, void *arg)
{
	(void)srv;
	(void)actor;
	(void)arg;
	bk_not_found(req);
}

/* ---- POST /api/bookings ---- */

static void bk_submit(h2o_req_t *req, struct bk_new *st);

static const char bk_hold_status_sql[] =
    "SELECT status FROM hold WHERE id = $1::uuid AND user_id = $2::uuid";

/* booking_submit says a hold that is no longer active has expired; one
 * that became a booking or was let go deserves its own words. */
static void
bk_hold_gone(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	const struct err *expired = arg;
	const char *status = e == NULL && PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "";

	if (strcmp(status, "converted") == 0)
		idem_send_error(req, 409, "state_changed", "hold_id",
		    "this hold has already become a booking; see your bookings");
	else if (strcmp(status, "released") == 0)
		idem_send_error(req, 409, "state_changed", "hold_id",
		    "this hold was released; choose the time again");
	else
		slot_send_err(req, expired);
}

static void
bk_submitted(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct bk_new *st = arg;
	struct json_object *o, *q, *staff;
	char start[TZ_RFC3339_SIZE], end[TZ_RFC3339_SIZE];

	if (e != NULL) {
		if (e->code == ERR_INVALID && strcmp(e->field, "booking_code_key") == 0 &&
		    st->tries < BK_CODE_TRIES) {
			bk_submit(req, st);
			return;
		}
		if (e->reason == ERR_REASON_HOLD_EXPIRED) {
			struct err *copy = h2o_mem_alloc_pool(&req->pool, sizeof(*copy));
			const char *params[2] = { st->hold_id, st->user_id };

			*copy = *e;
			http_query(st->srv, req, bk_hold_status_sql, 2, params, bk_hold_gone, copy);
			return;
		}
		slot_send_db_err(req, e, &st->fit);
		return;
	}
	slot_utc(st->start, start);
	slot_utc(st->end, end);
	o = slot_json_new();
	slot_json_str(o, "booking_id", PQgetvalue(res, 0, 0));
	slot_json_str(o, "code", PQgetvalue(res, 0, 1));
	slot_json_str(o, "status", PQgetvalue(res, 0, 2));
	slot_json_str(o, "room_id", st->room_id);
	slot_json_str(o, "start_at", start);
	slot_json_str(o, "end_at", end);
	staff = json_object_new_array();
	if (st->nstaff > 0) {
		for (size_t i = 0; i < st->nstaff; i++)
			json_object_array_add(staff, json_object_new_string(st->staff[i]));
	} else if (st->fit.staff_id[0] != '\0') {
		json_object_array_add(staff, json_object_new_string(st->fit.staff_id));
	}
	json_object_object_add(o, "staff_ids", staff);
	q = slot_json_new();
	slot_json_int(q, "subtotal_cents", st->price.quote.subtotal_cents);
	slot_json_int(q, "fees_cents", st->price.quote.fees_cents);
	slot_json_int(q, "taxes_cents", st->price.quote.taxes_cents);
	slot_json_int(q, "total_cents", st->price.quote.total_cents);
	slot_json_int(q, "deposit_cents", st->price.quote.deposit_cents);
	slot_json_int(q, "tax_rate_bp", st->settings.rates.tax_rate_bp);
	slot_json_int(q, "deposit_percent", st->settings.rates.deposit_percent);
	slot_json_str(q, "currency", st->settings.currency);
	slot_json_str(q, "policy_summary", st->price.policy_summary);
	json_object_object_add(o, "quote", q);
	slot_send_json(req, 201, o);
}

static void
bk_submit(h2o_req_t *req, struct bk_new *st)
{
	struct err e;

	st->tries++;
	if (db_submit_prepare(&st->sub, &st->params, &e) != 0) {
		slot_send_err(req, &e);
		return;
	}
	slot_write(st->srv, req, DB_BOOKING_SUBMIT_SQL, DB_BOOKING_SUBMIT_NPARAMS, st->params.params,
	    bk_submitted, st);
}

/* Splits the items into the main service (NULL: room-only) and add-ons,
 * by the catalogue in d. */
static int
bk_split_items(const struct avail_data *d, const struct bk_new *st, const char **main_id,
    struct pricing_addon *addons, size_t *naddons, struct err *e)
{
	*main_id = NULL;
	*naddons = 0;
	for (size_t i = 0; i < st->nitems; i++) {
		const struct avail_service *svc = NULL;

		for (size_t k = 0; k < d->nservices; k++)
			if (strcmp(d->services[k].id, st->items[i].service_id) == 0)
				svc = &d->services[k];
		if (svc == NULL)
			return err_set(e, ERR_NOT_FOUND, "service_items", "no service %.40s",
			    st->items[i].service_id);
		if (svc->is_addon) {
			addons[*naddons].service_id = svc->id;
			addons[*naddons].quantity = (int)st->items[i].qty;
			(*naddons)++;
		} else if (*main_id != NULL) {
			return err_set(e, ERR_INVALID, "service_items",
			    "choose one main service; %s and the other are both main services", svc->name);
		} else {
			*main_id = svc->id;
		}
	}
	return 0;
}

static void
bk_checked(h2o_req_t *req, const struct availcache_view *v, const struct err *e, void *arg)
{
	struct bk_new *st = arg;
	struct pricing_addon addons[PRICING_MAX_LINES];
	const char *main_id;
	size_t naddons;
	struct slot_want w;
	struct err why;

	if (e != NULL) {
		slot_send_err(req, e);
		return;
	}
	if (bk_split_items(v->data, st, &main_id, addons, &naddons, &why) != 0) {
		slot_send_err(req, &why);
		return;
	}
	memset(&w, 0, sizeof(w));
	w.room_id = st->room_id;
	w.service_id = main_id;
	w.staff_ids = st->nstaff > 0 ? st->staff : NULL;
	w.start = st->start;
	w.end = st->end;
	w.now = slot_now();
	w.ignore_owner_id = st->hold_id;
	if (slot_check(v->data, &w, &st->fit, &why) != 0 ||
	    pricing_quote(v->data, v->settings, main_id, (int)((st->end - st->start) / 60), addons,
	    naddons, &st->price, &why) != 0) {
		slot_send_err(req, &why);
		return;
	}
	/* the quote is stored with the booking: every later read is this */
	st->settings = *v->settings;
	st->picked[0] = st->fit.staff_id[0] != '\0' ? st->fit.staff_id : NULL;
	st->picked[1] = NULL;
	st->sub.user_id = st->user_id;
	st->sub.hold_id = st->hold_id;
	st->sub.room_id = st->room_id;
	st->sub.start = st->start;
	st->sub.end = st->end;
	st->sub.blocked_from = st->fit.blocked_from;
	st->sub.blocked_until = st->fit.blocked_until;
	st->sub.notes = st->notes;
	st->sub.staff_ids = st->nstaff > 0 ? st->staff : st->picked;
	st->sub.lines = st->price.lines;
	st->sub.nlines = st->price.nlines;
	st->sub.quote = &st->price.quote;
	st->sub.settings = &st->settings;
	st->sub.source = "web";
	bk_submit(req, st);
}

/* The payment part of a booking's answer (see the header comment), from
 * the due-now row paywait read (res; NULL or no row: none yet). */
static struct json_object *
bk_payment_json(const struct http_server *srv, const char *booking_id, const PGresult *res,
    int64_t due, const char *currency)
{
	struct json_object *p = slot_json_new();
	int row = res != NULL && PQntuples(res) == 1 && !PQgetisnull(res, 0, PAYWAIT_COL_STATUS);
	char url[128];

	snprintf(url, sizeof(url), "/api/bookings/%s/payment", booking_id);
	slot_json_str(p, "status", row ? PQgetvalue(res, 0, PAYWAIT_COL_STATUS) : "pending");
	slot_json_int(p, "amount_due_now_cents", row ? strtoll(PQgetvalue(res, 0, PAYWAIT_COL_AMOUNT), NULL, 10) : due);
	slot_json_str(p, "currency", row ? PQgetvalue(res, 0, PAYWAIT_COL_CURRENCY) : currency);
	if (row && !PQgetisnull(res, 0, PAYWAIT_COL_SECRET))
		slot_json_str(p, "client_secret", PQgetvalue(res, 0, PAYWAIT_COL_SECRET));
	else
		json_object_object_add(p, "client_secret", NULL);
	slot_json_str(p, "url", url);
	slot_json_str(p, "publishable_key", srv->conf->stripe_publishable_key);
	slot_json_str(p, "js_url", srv->conf->stripe_js_url);
	return p;
}

/* bk_finish: the answer st->answer with payment (NULL: null) added, and
 * its client_secret at the top as well, where the API contract puts it
 * beside booking_id (null when there is none yet or nothing to pay). */
static void
bk_finish(h2o_req_t *req, const char *answer, struct json_object *payment)
{
	struct json_object *o = json_tokener_parse(answer), *secret = NULL;
	const char *s;
	size_t len;

	if (payment != NULL && json_object_object_get_ex(payment, "client_secret", &secret))
		json_object_get(secret);
	json_object_object_add(o, "client_secret", secret);
	json_object_object_add(o, "payment", payment);
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	/* straight out: what is stored under the key stays the booking's own */
	http_send_json(req, 201, s, len);
	json_object_put(o);
}

/* bk_finish_none: the answer (len bytes of the stored JSON object, as
 * json-c wrote it) when nothing is to be paid now: client_secret and
 * payment null, added to its text without parsing it again, as a
 * booking's hot path with payments off. */
static void
bk_finish_none(h2o_req_t *req, const char *answer, size_t len)
{
	static const char tail[] = "\"client_secret\":null,\"payment\":null}";
	size_t n;
	char *buf;

	if (len < 2 || answer[len - 1] != '}') {
		/* not an object: as stored (a booking's answer always is one) */
		http_send_json(req, 201, answer, len);
		return;
	}
	n = len + sizeof(tail) - 1;
	buf = h2o_mem_alloc_pool(&req->pool, n);
	memcpy(buf, answer, len - 1);
	/* a comma unless the object was empty */
	buf[len - 1] = answer[len - 2] == '{' ? ' ' : ',';
	memcpy(buf + len, tail, sizeof(tail) - 1);
	http_send_json(req, 201, buf, n);
}

/* The quote's lower-case currency and what is due now, from an answer. */
static int64_t
bk_due_now(struct json_object *o, char *currency, size_t size)
{
	struct json_object *q, *v;
	int64_t total = 0, deposit = 0;
	int percent = 0;

	currency[0] = '\0';
	if (!json_object_object_get_ex(o, "quote", &q))
		return 0;
	if (json_object_object_get_ex(q, "total_cents", &v))
		total = json_object_get_int64(v);
	if (json_object_object_get_ex(q, "deposit_cents", &v))
		deposit = json_object_get_int64(v);
	if (json_object_object_get_ex(q, "deposit_percent", &v))
		percent = json_object_get_int(v);
	if (json_object_object_get_ex(q, "currency", &v)) {
		snprintf(currency, size, "%s", json_object_get_string(v));
		for (char *c = currency; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
	}
	return payment_due_now(total, percent, deposit);
}

static void
bk_paid(h2o_req_t *req, const PGresult *res, void *arg)
{
	struct bk_new *st = arg;

	bk_finish(req, st->answer, bk_payment_json(st->srv, st->booking_id, res, st->due, st->currency));
}

/* idem's then for POST /api/bookings: a booking made (or replayed) waits
 * for its PaymentIntent when payments are on and something is due now. */
static void
bk_answer(h2o_req_t *req, int status, const char *json, size_t len, int replayed, void *arg)
{
	struct bk_new *st = arg;
	struct json_object *o, *id;

	(void)replayed;
	if (status == 201 && !conf_payments_on(st->srv->conf)) {
		bk_finish_none(req, json, len);
		return;
	}
	o = status == 201 ? json_tokener_parse(json) : NULL;
	if (o == NULL || !json_object_object_get_ex(o, "booking_id", &id) ||
	    !slot_uuid_valid(json_object_get_string(id))) {
		json_object_put(o);
		http_send_json(req, status, json, len);
		return;
	}
	snprintf(st->booking_id, sizeof(st->booking_id), "%s", json_object_get_string(id));
	st->due = bk_due_now(o, st->currency, sizeof(st->currency));
	json_object_put(o);
	if (st->due <= 0) {
		bk_finish_none(req, json, len);
		return;
	}
	st->answer = h2o_strdup(&req->pool, json, len).base;
	paywait_start(st->srv->paywait, st->srv, req, st->booking_id, bk_paid, st);
}

static void
bk_post_go(struct http_server *srv, h2o_req_t *req, void *arg)
{
	struct bk_new *st = arg;

	availcache_at(srv, req, st->start, bk_checked, st);
}

/* Reads service_items into st. */
static int
bk_read_items(struct json_object *body, struct bk_new *st, struct err *e)
{
	struct json_object *arr;
	size_t n;
	int rc;

	if ((rc = body_array(body, "service_items", BODY_OPTIONAL, &arr, e)) < 0)
		return rc;
	if (arr == NULL)
		return 0;
	n = json_object_array_length(arr);
	if (n > PRICING_MAX_LINES)
		return err_set(e, ERR_INVALID, "service_items", "service_items takes at most %d items",
		    PRICING_MAX_LINES);
	for (size_t i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(arr, i);
		struct err inner;

		if (!json_object_is_type(it, json_type_object))
			return err_set(e, ERR_INVALID, "service_items",
			    "service_items must hold objects like {\"service_id\":..., \"qty\":1}");
		st->items[i].qty = 1;
		if (body_string(it, "service_id", BODY_REQUIRED, &st->items[i].service_id, &inner) < 0 ||
		    body_int(it, "qty", BODY_OPTIONAL, 1, 99, &st->items[i].qty, &inner) < 0)
			return err_set(e, ERR_INVALID, "service_items", "service_items[%zu]: %s", i,
			    inner.msg);
		for (size_t k = 0; k < i; k++)
			if (strcmp(st->items[k].service_id, st->items[i].service_id) == 0)
				return err_set(e, ERR_INVALID, "service_items",
				    "service_items lists %.40s twice; give it one qty", st->items[i].service_id);
	}
	st->nitems = n;
	return 0;
}

/* Reads staff_ids into st. */
static int
bk_read_staff(struct json_object *body, struct bk_new *st, struct err *e)
{
	struct json_object *arr;
	size_t n;
	int rc;

	if ((rc = body_array(body, "staff_ids", BODY_OPTIONAL, &arr, e)) < 0)
		return rc;
	if (arr == NULL)
		return 0;
	n = json_object_array_length(arr);
	if (n > BK_MAX_STAFF)
		return err_set(e, ERR_INVALID, "staff_ids", "staff_ids takes at most %d staff members",
		    BK_MAX_STAFF);
	for (size_t i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(it, json_type_string) ||
		    strlen(json_object_get_string(it)) != (size_t)json_object_get_string_len(it))
			return err_set(e, ERR_INVALID, "staff_ids", "staff_ids must be a list of ids");
		st->staff[i] = json_object_get_string(it);
		for (size_t k = 0; k < i; k++)
			if (strcmp(st->staff[k], st->staff[i]) == 0)
				return err_set(e, ERR_INVALID, "staff_ids", "staff_ids names %.40s twice",
				    st->staff[i]);
	}
	st->staff[n] = NULL;
	st->nstaff = n;
	return 0;
}

static void
bk_post_actor(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor,
    void *arg)
{
	struct bk_new *st;
	struct json_object *body;
	struct err e;

	(void)arg;
	if (!ratelimit_allow(srv, req, RATELIMIT_BOOKINGS, actor->user_id))
		return;
	if ((body = body_json(srv, req)) == NULL)
		return;
	st = h2o_mem_alloc_pool(&req->pool, sizeof(*st));
	memset(st, 0, sizeof(*st));
	st->srv = srv;
	snprintf(st->user_id, sizeof(st->user_id), "%s", actor->user_id);
	if (body_string(body, "hold_id", BODY_OPTIONAL, &st->hold_id, &e) < 0 ||
	    body_string(body, "room_id", BODY_REQUIRED, &st->room_id, &e) < 0 ||
	    bk_read_items(body, st, &e) != 0 ||
	    slot_instant(body, "start_at", &st->start, &e) != 0 ||
	    slot_instant(body, "end_at", &st->end, &e) != 0 ||
	    slot_text(body, "notes", SLOT_NOTES_MAX, &st->notes, &e) != 0 ||
	    bk_read_staff(body, st, &e) != 0) {
		http_send_err(req, &e);
		return;
	}
	if (st->end <= st->start) {
		err_set(&e, ERR_INVALID, "end_at", "end_at must be after start_at");
		http_send_err(req, &e);
		return;
	}
	if (st->hold_id != NULL && !slot_uuid_valid(st->hold_id)) {
		http_send_error(req, 404, "not_found", "hold_id", "no such hold");
		return;
	}
	idem_begin_then(srv, req, idem_scope(req, "POST /api/bookings", actor->user_id), bk_post_go, bk_answer,
	    st);
}

static void
bk_post(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	if (!auth_origin_check(req, srv->conf))
		return;
	auth_require(srv, req, bk_post_actor, NULL);
}

/* ---- GET /api/bookings/:id ---- */

static void
bk_get_read(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	(void)arg;
	if (e != NULL) {
		/* a code that is not one, or any other refusal of the id: no such booking */
		if (e->code == ERR_INVALID)
			bk_not_found(req);
		else
			http_send_err(req, e);
		return;
	}
	if (PQntuples(res) != 1) {
		bk_not_found(req);
		return;
	}
	http_send_json(req, 200, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
}

static void
bk_get_actor(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor, void *arg)
{
	struct bk_ref *ref = arg;
	int staff = strcmp(actor->role, "staff") == 0 || strcmp(actor->role, "admin") == 0;
	const char *params[4] = { ref->uuid, ref->code, actor->user_id, staff ? "true" : "false" };

	http_query(srv, req, DB_BOOKING_JSON_SQL, 4, params, bk_get_read, NULL);
}

static void
bk_get(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	struct bk_ref *ref = h2o_mem_alloc_pool(&req->pool, sizeof(*ref));

	if (!ratelimit_allow(srv, req, RATELIMIT_READS, NULL))
		return;
	if (bk_ref_read(req, params, ref) != 0) {
		auth_require(srv, req, bk_absent, NULL);
		return;
	}
	auth_require(srv, req, bk_get_actor, ref);
}

/* ---- GET /api/me/bookings ---- */

static void
bk_mine_actor(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor, void *arg)
{
	const char *params[1] = { actor->user_id };

	(void)arg;
	http_query_json(srv, req, DB_MY_BOOKINGS_JSON_SQL, 1, params);
}

static void
bk_mine(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	auth_require(srv, req, bk_mine_actor, NULL);
}

/* ---- changes to one booking: the shared front half ---- */

typedef void (*bk_change_fn)(h2o_req_t *req, struct bk_change *st);

struct bk_change_go {
	struct bk_change *st;
	bk_change_fn next;
};

/* Splits the comma-separated staff ids into st->staff. */
static void
bk_change_staff(struct bk_change *st, const char *csv)
{
	size_t n = 0;
	char *p;

	snprintf(st->staff_buf, sizeof(st->staff_buf), "%s", csv);
	p = st->staff_buf;
	while (*p != '\0' && n < BK_MAX_STAFF) {
		char *comma = strchr(p, ',');
		st->staff[n++] = p;
		if (comma == NULL)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	st->staff[n] = NULL;
}

static void
bk_change_loaded(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct bk_change_go *go = arg;
	struct bk_change *st = go->st;
	struct err why;

	if (e != NULL) {
		slot_send_err(req, e);
		return;
	}
	if (PQntuples(res) != 1) {
		idem_send_error(req, 404, "not_found", NULL, "no such booking");
		return;
	}
	snprintf(st->id, sizeof(st->id), "%s", PQgetvalue(res, 0, 0));
	snprintf(st->status, sizeof(st->status), "%s", PQgetvalue(res, 0, 1));
	st->start = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	st->end = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	snprintf(st->room_id, sizeof(st->room_id), "%s", PQgetvalue(res, 0, 4));
	snprintf(st->service_id, sizeof(st->service_id), "%s", PQgetvalue(res, 0, 5));
	bk_change_staff(st, PQgetvalue(res, 0, 6));
	st->reschedule_count = atoi(PQgetvalue(res, 0, 7));
	st->paid_cents = strtoll(PQgetvalue(res, 0, 8), NULL, 10);
	if (policy_from_json(PQgetvalue(res, 0, 9), &st->quoted, &why) != 0) {
		slot_send_err(req, &why);
		return;
	}
	if (!bk_live(st->status)) {
		err_set(&why, ERR_CHANGED, "status", "the booking is %s; it can no longer be changed",
		    strcmp(st->status, "awaiting_approval") == 0 ? "awaiting approval" : st->status);
		slot_send_err(req, &why);
		return;
	}
	go->next(req, st);
}

/* Loads the booking st->ref names (its owner's), then calls next. */
static void
bk_change_load(struct http_server *srv, h2o_req_t *req, void *arg)
{
	struct bk_change_go *go = arg;
	const char *params[3] = { go->st->ref.uuid, go->st->ref.code, go->st->user_id };

	http_query(srv, req, DB_BOOKING_CHANGE_SQL, 3, params, bk_change_loaded, go);
}

/* The checks every change makes before its own: login, rate limit, body
 * (optional when allow_empty), the booking's reference. NULL when req has
 * been answered; *body is NULL for an empty body. */
static struct bk_change *
bk_change_new(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor,
    struct bk_ref *ref, int allow_empty, struct json_object **body)
{
	struct bk_change *st;
	struct err e;

	*body = NULL;
	if (!ratelimit_allow(srv, req, RATELIMIT_BOOKINGS, actor->user_id))
		return NULL;
	if (!(allow_empty && (req->entity.base == NULL || req->entity.len == 0)) &&
	    (*body = body_json(srv, req)) == NULL)
		return NULL;
	st = h2o_mem_alloc_pool(&req->pool, sizeof(*st));
	memset(st, 0, sizeof(*st));
	st->srv = srv;
	snprintf(st->user_id, sizeof(st->user_id), "%s", actor->user_id);
	st->ref = *ref;
	if (*body != NULL && body_bool(*body, "dry_run", BODY_OPTIONAL, &st->dry_run, &e) < 0) {
		http_send_err(req, &e);
		return NULL;
	}
	return st;
}

static void
bk_change_begin(struct http_server *srv, h2o_req_t *req, struct bk_change *st,
    const char *route, bk_change_fn next)
{
	struct bk_change_go *go = h2o_mem_alloc_pool(&req->pool, sizeof(*go));

	go->st = st;
	go->next = next;
	idem_begin(srv, req, idem_scope(req, route, st->user_id), bk_change_load, go);
}

/* The route front for a change: origin, reference, login. */
static void
bk_change_route(struct http_server *srv, h2o_req_t *req, const struct http_params *params,
    auth_cb cb)
{
	struct bk_ref *ref = h2o_mem_alloc_pool(&req->pool, sizeof(*ref));

	if (!auth_origin_check(req, srv->conf))
		return;
	if (bk_ref_read(req, params, ref) != 0) {
		auth_require(srv, req, bk_absent, NULL);
		return;
	}
	auth_require(srv, req, cb, ref);
}

/* ---- POST /api/bookings/:id/cancel ---- */

static void
bk_cancel_answer(h2o_req_t *req, struct bk_change *st, const char *status)
{
	struct json_object *o = slot_json_new();

	slot_json_str(o, "booking_id", st->id);
	slot_json_str(o, "status", status);
	slot_json_int(o, "refund_percent", st->policy.refund_percent);
	slot_json_int(o, "refund_cents", st->policy.refund_cents);
	slot_json_int(o, "paid_cents", st->paid_cents);
	slot_json_str(o, "summary", st->policy.summary);
	if (st->dry_run)
		slot_json_bool(o, "dry_run", 1);
	slot_send_json(req, 200, o);
}

static void
bk_canceled(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct bk_change *st = arg;

	if (e != NULL) {
		slot_send_err(req, e);
		return;
	}
	bk_cancel_answer(req, st, PQgetvalue(res, 0, 0));
}

/* The refund, by the policy the booking stored with its quote (never
 * today's settings), and the cancel through the path staff take too. */
static void
bk_cancel_next(h2o_req_t *req, struct bk_change *st)
{
	struct db_cancel_params p;
	struct db_cancel c;
	struct err why;

	if (policy_cancel(&st->quoted, slot_now(), st->start, st->paid_cents, &st->policy, &why) != 0) {
		slot_send_err(req, &why);
		return;
	}
	if (st->dry_run) {
		bk_cancel_answer(req, st, st->status);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.booking_id = st->id;
	c.actor_id = st->user_id;
	c.kind = DB_ACTOR_ARTIST;
	c.reason = st->reason;
	c.seen_status = st->status;
	c.refund = &st->policy;
	if (db_cancel_prepare(&c, &p, &why) != 0) {
		slot_send_err(req, &why);
		return;
	}
	slot_write(st->srv, req, DB_BOOKING_CANCEL_SQL, DB_BOOKING_CANCEL_NPARAMS, p.params,
	    bk_canceled, st);
}

static void
bk_cancel_actor(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor,
    void *arg)
{
	struct json_object *body;
	struct bk_change *st;
	struct err e;

	if ((st = bk_change_new(srv, req, actor, arg, 1, &body)) == NULL)
		return;
	/* how long a reason may be is booking_reason_max() (0012), which
	 * refuses a longer one naming the field */
	if (body != NULL && slot_text(body, "reason", SIZE_MAX, &st->reason, &e) != 0) {
		http_send_err(req, &e);
		return;
	}
	bk_change_begin(srv, req, st, "POST /api/bookings/cancel", bk_cancel_next);
}

static void
bk_cancel(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	bk_change_route(srv, req, params, bk_cancel_actor);
}

/* ---- POST /api/bookings/:id/reschedule ---- */

static void
bk_reschedule_answer(h2o_req_t *req, struct bk_change *st, const char *status,
    const char *start, const char *end)
{
	struct json_object *o = slot_json_new();

	slot_json_str(o, "booking_id", st->id);
	slot_json_str(o, "status", status);
	slot_json_str(o, "start_at", start);
	slot_json_str(o, "end_at", end);
	slot_json_int(o, "fee_cents", st->policy.fee_cents);
	slot_json_str(o, "summary", st->policy.summary);
	if (st->dry_run)
		slot_json_bool(o, "dry_run", 1);
	slot_send_json(req, 200, o);
}

static void
bk_rescheduled(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct bk_change *st = arg;

	if (e != NULL && e->code == ERR_CONFLICT) {
		struct err conflict;

		slot_conflict_words(e, &st->fit, &conflict);
		if (strcmp(conflict.field, "start_at") == 0)
			snprintf(conflict.field, sizeof(conflict.field), "new_start_at");
		slot_send_err(req, &conflict);
		return;
	}
	if (e != NULL) {
		slot_send_err(req, e);
		return;
	}
	bk_reschedule_answer(req, st, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
	    PQgetvalue(res, 0, 2));
}

static void
bk_reschedule_checked(h2o_req_t *req, const struct availcache_view *v, const struct err *e,
    void *arg)
{
	struct bk_change *st = arg;
	char start[TZ_RFC3339_SIZE], end[TZ_RFC3339_SIZE];
	struct db_reschedule_params p;
	struct db_reschedule m;
	struct slot_want w;
	struct err why;
	int64_t now = slot_now();

	if (e != NULL) {
		slot_send_err(req, e);
		return;
	}
	/* the policy first: once the session started nothing else matters */
	if (db_reschedule_weigh(DB_ACTOR_ARTIST, &st->quoted, now, st->start, st->reschedule_count,
	    &st->policy, &why) != 0) {
		slot_send_err(req, &why);
		return;
	}
	memset(&w, 0, sizeof(w));
	w.room_id = st->room_id;
	w.service_id = st->service_id;
	/* the booking keeps its staff; one without (made by staff) is checked
	 * for an engineer being free, as a new booking would be */
	w.staff_ids = st->staff[0] != NULL ? st->staff : NULL;
	w.start = st->new_start;
	w.end = st->new_end;
	w.now = now;
	w.ignore_owner_id = st->id;
	if (slot_check(v->data, &w, &st->fit, &why) != 0) {
		/* the engine names its own fields; the artist sent new_* ones */
		if (strcmp(why.field, "start_at") == 0)
			snprintf(why.field, sizeof(why.field), "new_start_at");
		else if (strcmp(why.field, "end_at") == 0)
			snprintf(why.field, sizeof(why.field), "new_end_at");
		slot_send_err(req, &why);
		return;
	}
	slot_utc(st->new_start, start);
	slot_utc(st->new_end, end);
	if (st->dry_run) {
		bk_reschedule_answer(req, st, st->status, start, end);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.booking_id = st->id;
	m.actor_id = st->user_id;
	m.kind = DB_ACTOR_ARTIST;
	m.seen_status = st->status;
	m.start = st->new_start;
	m.end = st->new_end;
	m.blocked_from = st->fit.blocked_from;
	m.blocked_until = st->fit.blocked_until;
	m.fee_cents = st->policy.fee_cents;
	if (db_reschedule_prepare(&m, &p, &why) != 0) {
		slot_send_err(req, &why);
		return;
	}
	slot_write(st->srv, req, DB_BOOKING_RESCHEDULE_SQL, DB_BOOKING_RESCHEDULE_NPARAMS, p.params,
	    bk_rescheduled, st);
}

static void
bk_reschedule_next(h2o_req_t *req, struct bk_change *st)
{
	struct err e;

	if (st->new_end - st->new_start != st->end - st->start) {
		err_set(&e, ERR_INVALID, "new_end_at",
		    "a reschedule keeps the session's length of %lld minutes",
		    (long long)((st->end - st->start) / 60));
		slot_send_err(req, &e);
		return;
	}
	if (st->new_start == st->start) {
		err_set(&e, ERR_INVALID, "new_start_at", "the booking is already at that time");
		slot_send_err(req, &e);
		return;
	}
	availcache_at(st->srv, req, st->new_start, bk_reschedule_checked, st);
}

static void
bk_reschedule_actor(struct http_server *srv, h2o_req_t *req, const struct auth_actor *actor,
    void *arg)
{
	struct json_object *body;
	struct bk_change *st;
	struct err e;

	if ((st = bk_change_new(srv, req, actor, arg, 0, &body)) == NULL)
		return;
	if (slot_instant(body, "new_start_at", &st->new_start, &e) != 0 ||
	    slot_instant(body, "new_end_at", &st->new_end, &e) != 0) {
		http_send_err(req, &e);
		return;
	}
	if (st->new_end <= st->new_start) {
		err_set(&e, ERR_INVALID, "new_end_at", "new_end_at must be after new_start_at");
		http_send_err(req, &e);
		return;
	}
	bk_change_begin(srv, req, st, "POST /api/bookings/reschedule", bk_reschedule_next);
}

static void
bk_reschedule(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	bk_change_route(srv, req, params, bk_reschedule_actor);
}

const struct http_route http_routes_bookings[] = {
	{ "POST", "/api/bookings", bk_post },
	{ "GET", "/api/bookings/:id", bk_get },
	{ "POST", "/api/bookings/:id/cancel", bk_cancel },
	{ "POST", "/api/bookings/:id/reschedule", bk_reschedule },
	{ "GET", "/api/me/bookings", bk_mine },
	{ NULL, NULL, NULL },
};
