#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/avail.h"
#include "core/payment.h"
#include "core/pricing.h"
#include "core/tz.h"
#include "web/availcache.h"
#include "web/body.h"
#include "web/http.h"
#include "web/ratelimit.h"
#include "web/route-avail.h"

/* Availability, prices and the studio's public settings (redlightd(8),
 * "Routes"), all answered from the day cache
 * (web/availcache.h), so a search costs no query once its day is loaded:
 *   POST /api/availability/search {date, duration_min, service_id?, room_id?,
 *        staff_skill?} -> 200 {slots:[{start_at,end_at,start_local,end_local,
 *        room_id,price_cents,staff_ids}]}
 *   POST /api/quote {room_id, service_id, start_at, duration_min, staff_ids?,
 *        addons?:[{service_id, qty}]} -> 200 {subtotal_cents, fees_cents,
 *        taxes_cents, total_cents, deposit_cents, currency, duration_min,
 *        lines:[...], policy_summary}
 *   GET  /api/settings/public -> 200 {studio_name, timezone, now_local,
 *        hold_ttl_min, currency, lead_time_min, horizon_days, policy_summary}
 * start_local, end_local and now_local (the studio's wall clock as the
 * answer is made) are the studio's local times with their offset
 * (RFC 3339, "2026-11-26T10:00:00-05:00"): the booking page shows them
 * without loading the browser's time zone data, which costs a cold page
 * tens of milliseconds.
 * Bad input is 400 naming the field; a duration the service cannot take is
 * 400 "invalid_duration"; an unknown service, room or staff member is 404.
 * None of them changes anything, so none takes an Idempotency-Key or a
 * rate limit. */

/* Ids are uuids; skills are short words. Longer strings are refused
 * before they reach the engine's fixed-size messages. */
#define ROUTE_AVAIL_MAX_ID 64
#define ROUTE_AVAIL_MAX_STAFF 8
#define ROUTE_AVAIL_MAX_QTY 99

static int64_t
route_avail_now(void)
{
	struct timespec ts;

	/* the wall clock: lead times and hold expiries are instants */
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

/* Answers e, with field renamed from `from` to `to` when both are given.
 * The duration rule's errors carry ERR_REASON_DURATION, which core/err.c's
 * table names "invalid_duration"; a duration that is missing or not an
 * integer stays "invalid", like any other malformed field. */
static void
route_avail_send_err(h2o_req_t *req, const struct err *e, const char *from, const char *to)
{
	struct err copy = *e;

	if (from != NULL && strcmp(copy.field, from) == 0)
		snprintf(copy.field, sizeof(copy.field), "%s", to);
	http_send_err(req, &copy);
}

/* An optional id-like string: absent, null and "" give NULL. */
static int
route_avail_opt_str(struct json_object *body, const char *name, const char **out, struct err *e)
{
	int rc = body_string(body, name, BODY_OPTIONAL, out, e);

	if (rc < 0)
		return rc;
	if (rc == 1 || (*out != NULL && (*out)[0] == '\0')) {
		*out = NULL;
		return 0;
	}
	if (strlen(*out) > ROUTE_AVAIL_MAX_ID)
		return err_set(e, ERR_INVALID, name, "%s is longer than %d characters", name,
		    ROUTE_AVAIL_MAX_ID);
	return 0;
}

static int
route_avail_req_str(struct json_object *body, const char *name, const char **out, struct err *e)
{
	int rc = body_string(body, name, BODY_REQUIRED, out, e);

	if (rc < 0)
		return rc;
	if ((*out)[0] == '\0')
		return err_set(e, ERR_INVALID, name, "%s must not be empty", name);
	if (strlen(*out) > ROUTE_AVAIL_MAX_ID)
		return err_set(e, ERR_INVALID, name, "%s is longer than %d characters", name,
		    ROUTE_AVAIL_MAX_ID);
	return 0;
}

/* duration_min: an integer (ERR_INVALID "invalid" otherwise), then 1 to a
 * day ("invalid_duration"). */
static int
route_avail_duration(struct json_object *body, int *out, struct err *e)
{
	int64_t v = 0;
	int rc = body_int(body, "duration_min", BODY_REQUIRED, INT64_MIN, INT64_MAX, &v, e);

	if (rc < 0)
		return rc;
	if (v < 1 || v > AVAIL_MAX_DURATION_MIN) {
		/* the type was right: this is the duration rule's error */
		err_set_reason(e, ERR_INVALID, ERR_REASON_DURATION, "duration_min",
		    "%lld minutes is not between 1 and %d", (long long)v,
		    AVAIL_MAX_DURATION_MIN);
		return ERR_INVALID;
	}
	*out = (int)v;
	return 0;
}

/* ---- POST /api/availability/search ---- */

struct search_state {
	struct avail_query q;       /* strings borrowed from the parsed body */
};

/* The key naming the whole query on its day (the date is the day's).
 * Unambiguous: only an answer is kept, and a service or room id in an
 * answer is one of the day's (no "|" in them); the free-form skill comes
 * last. */
static void
search_key(const struct avail_query *q, char *buf, size_t size)
{
	snprintf(buf, size, "%d|%s|%s|%s", q->duration_min,
	    q->service_id != NULL ? q->service_id : "", q->room_id != NULL ? q->room_id : "",
	    q->staff_skill != NULL ? q->staff_skill : "");
}

/* The answer is built once per day and query and kept with the day
 * until a notice drops the day or the clock could change it; every later
 * search sends the kept bytes. */
int
route_avail_search_answer(const struct availcache_view *v, struct avail_query *q, int64_t now,
    const struct availcache_answer **out, struct err *e)
{
	const struct availcache_answer *a;
	struct avail_slot *slots = NULL;
	char key[AVAILCACHE_MAX_KEY];
	size_t n = 0;
	char *json;
	int rc;

	q->now = now;
	search_key(q, key, sizeof(key));
	if ((a = availcache_answer_find(v, key, now)) == NULL) {
		if ((rc = avail_search(v->data, q, &slots, &n, e)) != 0)
			return rc;
		json = avail_slots_json(v->data, slots, n);
		free(slots);
		a = availcache_answer_keep(v, key, json, strlen(json), now,
		    avail_search_valid_until(v->data, q));
	}
	*out = a;
	return 0;
}

static void
search_done(h2o_req_t *req, const struct availcache_view *v, const struct err *e, void *arg)
{
	struct search_state *st = arg;
	const struct availcache_answer *a;
	const char *gz;
	size_t gzlen = 0;
	struct err err;

	if (e != NULL) {
		route_avail_send_err(req, e, NULL, NULL);
		return;
	}
	if (route_avail_search_answer(v, &st->q, route_avail_now(), &a, &err) != 0) {
		route_avail_send_err(req, &err, NULL, NULL);
		return;
	}
	availcache_answer_hold(req, a);
	gz = http_accepts_gzip(req) ? availcache_answer_gzip(a, &gzlen) : NULL;
	http_send_json_gz(req, a->body, a->len, gz, gzlen);
}

static void
search_route(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	struct json_object *body;
	struct search_state *st;
	const char *date = NULL;
	struct err e;

	(void)params;
	if (!ratelimit_allow(srv, req, RATELIMIT_SEARCH, NULL) || (body = body_json(srv, req)) == NULL)
		return;
	st = h2o_mem_alloc_pool(&req->pool, sizeof(*st));
	memset(st, 0, sizeof(*st));
	if (body_string(body, "date", BODY_REQUIRED, &date, &e) < 0 ||
	    tz_parse_date(date, &st->q.year, &st->q.month, &st->q.day, &e) != 0 ||
	    route_avail_duration(body, &st->q.duration_min, &e) != 0 ||
	    route_avail_opt_str(body, "service_id", &st->q.service_id, &e) != 0 ||
	    route_avail_opt_str(body, "room_id", &st->q.room_id, &e) != 0 ||
	    route_avail_opt_str(body, "staff_skill", &st->q.staff_skill, &e) != 0) {
		route_avail_send_err(req, &e, NULL, NULL);
		return;
	}
	availcache_day(srv, req, st->q.year, st->q.month, st->q.day, search_done, st);
}

/* ---- POST /api/quote ---- */

struct quote_state {
	const char *room_id;
	const char *service_id;
	int64_t start_at;
	int duration_min;
	const char *staff_ids[ROUTE_AVAIL_MAX_STAFF];
	size_t nstaff;
	struct pricing_addon addons[PRICING_MAX_LINES];
	size_t naddons;
};

static int
quote_read_staff(struct json_object *body, struct quote_state *st, struct err *e)
{
	struct json_object *arr;
	int rc = body_array(body, "staff_ids", BODY_OPTIONAL, &arr, e);
	size_t n;

	if (rc != 0)
		return rc < 0 ? rc : 0;
	n = json_object_array_length(arr);
	if (n > ROUTE_AVAIL_MAX_STAFF)
		return err_set(e, ERR_INVALID, "staff_ids", "at most %d staff members",
		    ROUTE_AVAIL_MAX_STAFF);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		const char *s;
		if (!json_object_is_type(v, json_type_string))
			return err_set(e, ERR_INVALID, "staff_ids", "staff_ids must be an array of ids");
		s = json_object_get_string(v);
		if (s[0] == '\0' || strlen(s) > ROUTE_AVAIL_MAX_ID ||
		    strlen(s) != (size_t)json_object_get_string_len(v))
			return err_set(e, ERR_INVALID, "staff_ids", "staff_ids must be an array of ids");
		st->staff_ids[st->nstaff++] = s;
	}
	return 0;
}

static int
quote_read_addons(struct json_object *body, struct quote_state *st, struct err *e)
{
	struct json_object *arr;
	int rc = body_array(body, "addons", BODY_OPTIONAL, &arr, e);
	size_t n;

	if (rc != 0)
		return rc < 0 ? rc : 0;
	n = json_object_array_length(arr);
	if (n > PRICING_MAX_LINES - 1)
		return err_set(e, ERR_INVALID, "addons", "at most %d add-ons", PRICING_MAX_LINES - 1);
	for (size_t i = 0; i < n; i++) {
		struct json_object *item = json_object_array_get_idx(arr, i);
		const char *id = NULL;
		int64_t qty = 1;
		struct err ie;

		if (!json_object_is_type(item, json_type_object))
			return err_set(e, ERR_INVALID, "addons",
			    "addons must be an array of {service_id, qty}");
		if (route_avail_req_str(item, "service_id", &id, &ie) != 0 ||
		    body_int(item, "qty", BODY_OPTIONAL, 1, ROUTE_AVAIL_MAX_QTY, &qty, &ie) < 0)
			return err_set(e, ERR_INVALID, "addons", "add-on %zu: %s", i + 1, ie.msg);
		st->addons[st->naddons].service_id = id;
		st->addons[st->naddons].quantity = (int)qty;
		st->naddons++;
	}
	return 0;
}

static int
quote_known_room(const struct avail_data *d, const char *id)
{
	for (size_t i = 0; i < d->nrooms; i++)
		if (d->rooms[i].active && strcmp(d->rooms[i].id, id) == 0)
			return 1;
	return 0;
}

static int
quote_known_staff(const struct avail_data *d, const char *id)
{
	for (size_t i = 0; i < d->nstaff; i++)
		if (d->staff[i].active && strcmp(d->staff[i].id, id) == 0)
			return 1;
	return 0;
}

static void
route_avail_send_obj(h2o_req_t *req, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	http_send_json(req, 200, s, strlen(s));
	json_object_put(o);
}

static void
quote_done(h2o_req_t *req, const struct availcache_view *v, const struct err *e, void *arg)
{
	struct quote_state *st = arg;
	struct pricing_result r;
	json_object *o, *lines;
	struct err err;

	if (e != NULL) {
		route_avail_send_err(req, e, NULL, NULL);
		return;
	}
	if (!quote_known_room(v->data, st->room_id)) {
		http_send_error(req, 404, "not_found", "room_id", "no such room");
		return;
	}
	for (size_t i = 0; i < st->nstaff; i++)
		if (!quote_known_staff(v->data, st->staff_ids[i])) {
			http_send_error(req, 404, "not_found", "staff_ids", "no such staff member");
			return;
		}
	if (pricing_quote(v->data, v->settings, st->service_id, st->duration_min, st->addons,
	    st->naddons, &r, &err) != 0) {
		route_avail_send_err(req, &err, "service_items", "addons");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "subtotal_cents", json_object_new_int64(r.quote.subtotal_cents));
	json_object_object_add(o, "fees_cents", json_object_new_int64(r.quote.fees_cents));
	json_object_object_add(o, "taxes_cents", json_object_new_int64(r.quote.taxes_cents));
	json_object_object_add(o, "total_cents", json_object_new_int64(r.quote.total_cents));
	json_object_object_add(o, "deposit_cents", json_object_new_int64(r.quote.deposit_cents));
	json_object_object_add(o, "currency", json_object_new_string(v->settings->currency));
	/* what was priced: the request raised to the service's default */
	for (size_t i = 0; i < v->data->nservices; i++)
		if (strcmp(v->data->services[i].id, r.lines[0].service_id) == 0)
			json_object_object_add(o, "duration_min", json_object_new_int(
			    r.lines[0].quantity * v->data->services[i].default_duration_min));
	lines = json_object_new_array();
	for (size_t i = 0; i < r.nlines; i++) {
		json_object *l = json_object_new_object();
		json_object_object_add(l, "service_id", json_object_new_string(r.lines[i].service_id));
		json_object_object_add(l, "name", json_object_new_string(r.lines[i].name));
		json_object_object_add(l, "quantity", json_object_new_int(r.lines[i].quantity));
		json_object_object_add(l, "unit_price_cents", json_object_new_int64(r.lines[i].unit_price_cents));
		json_object_object_add(l, "total_cents", json_object_new_int64(r.lines[i].total_cents));
		json_object_array_add(lines, l);
	}
	json_object_object_add(o, "lines", lines);
	json_object_object_add(o, "policy_summary", json_object_new_string(r.policy_summary));
	route_avail_send_obj(req, o);
}

static void
quote_route(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	struct json_object *body;
	struct quote_state *st;
	const char *start = NULL;
	struct err e;

	(void)params;
	if (!ratelimit_allow(srv, req, RATELIMIT_SEARCH, NULL) || (body = body_json(srv, req)) == NULL)
		return;
	st = h2o_mem_alloc_pool(&req->pool, sizeof(*st));
	memset(st, 0, sizeof(*st));
	if (route_avail_req_str(body, "room_id", &st->room_id, &e) != 0 ||
	    route_avail_req_str(body, "service_id", &st->service_id, &e) != 0 ||
	    body_string(body, "start_at", BODY_REQUIRED, &start, &e) < 0) {
		route_avail_send_err(req, &e, NULL, NULL);
		return;
	}
	if (tz_parse_rfc3339(start, &st->start_at, &e) != 0) {
		http_send_error(req, 400, "invalid", "start_at",
		    "start_at must be an RFC 3339 date-time, like 2027-01-04T15:00:00Z");
		return;
	}
	if (route_avail_duration(body, &st->duration_min, &e) != 0 ||
	    quote_read_staff(body, st, &e) != 0 ||
	    quote_read_addons(body, st, &e) != 0) {
		route_avail_send_err(req, &e, NULL, NULL);
		return;
	}
	availcache_at(srv, req, st->start_at, quote_done, st);
}

/* ---- GET /api/settings/public ---- */

char *
route_avail_settings_json(const struct availcache_view *v, int64_t now, int payments)
{
	const struct studio_settings *s = v->settings;
	char summary[400], local[AVAIL_LOCAL_SIZE], *out;
	json_object *o;

	policy_summary(&s->policy, summary, sizeof(summary));
	o = json_object_new_object();
	json_object_object_add(o, "studio_name", json_object_new_string(s->studio_name));
	json_object_object_add(o, "timezone", json_object_new_string(s->timezone));
	avail_format_local(v->tz, now, local, sizeof(local));
	json_object_object_add(o, "now_local", json_object_new_string(local));
	json_object_object_add(o, "hold_ttl_min", json_object_new_int(s->hold_ttl_min));
	json_object_object_add(o, "currency", json_object_new_string(s->currency));
	json_object_object_add(o, "lead_time_min", json_object_new_int(s->lead_time_min));
	json_object_object_add(o, "horizon_days", json_object_new_int(s->horizon_days));
	json_object_object_add(o, "policy_summary", json_object_new_string(summary));
	json_object_object_add(o, "payments", json_object_new_boolean(payments));
	json_object_object_add(o, "payment_note", json_object_new_string(!payments ? PAYMENT_NOTE_OFF :
	    strcmp(s->approval_mode, "auto") == 0 ? PAYMENT_NOTE_AUTO : PAYMENT_NOTE_ON));
	out = strdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (out == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	return out;
}

static void
settings_done(h2o_req_t *req, const struct availcache_view *v, const struct err *e, void *arg)
{
	struct http_server *srv = arg;
	char *json;

	if (e != NULL) {
		http_send_err(req, e);
		return;
	}
	json = route_avail_settings_json(v, route_avail_now(), conf_payments_on(srv->conf));
	http_send_json(req, 200, json, strlen(json));
	free(json);
}

static void
settings_route(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	availcache_settings(srv, req, settings_done, srv);
}

const struct http_route http_routes_avail[] = {
	{ "POST", "/api/availability/search", search_route },
	{ "POST", "/api/quote", quote_route },
	{ "GET", "/api/settings/public", settings_route },
	{ NULL, NULL, NULL },
};
