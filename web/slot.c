#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/body.h"
#include "web/idem.h"
#include "web/slot.h"

int64_t
slot_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int
slot_uuid_valid(const char *s)
{
	static const char hex[] = "0123456789abcdefABCDEF";

	if (s == NULL || strlen(s) != 36)
		return 0;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (s[i] == '\0' || strchr(hex, s[i]) == NULL) {
			return 0;
		}
	}
	return 1;
}

int
slot_instant(struct json_object *obj, const char *name, int64_t *out, struct err *e)
{
	const char *s;
	int rc;

	if ((rc = body_string(obj, name, BODY_REQUIRED, &s, e)) < 0)
		return rc;
	if (tz_parse_rfc3339(s, out, NULL) != 0)
		return err_set(e, ERR_INVALID, name,
		    "%s must be an RFC 3339 date-time that exists, like 2027-03-14T18:00:00Z", name);
	return 0;
}

int
slot_text(struct json_object *obj, const char *name, size_t max_chars, const char **out,
    struct err *e)
{
	size_t chars = 0;
	int rc;

	if ((rc = body_text(obj, name, BODY_OPTIONAL, out, &chars, e)) < 0)
		return rc;
	if (chars > max_chars)
		return err_set(e, ERR_INVALID, name, "%s must be at most %zu characters", name, max_chars);
	return 0;
}

void
slot_utc(int64_t utc, char buf[TZ_RFC3339_SIZE])
{
	if (tz_format_utc(utc, buf, TZ_RFC3339_SIZE, NULL) != 0)
		buf[0] = '\0';
}

static const struct avail_service *
slot_service(const struct avail_data *d, const char *id)
{
	if (id == NULL || id[0] == '\0')
		return NULL;
	for (size_t i = 0; i < d->nservices; i++)
		if (strcmp(d->services[i].id, id) == 0)
			return &d->services[i];
	return NULL;
}

/* One engine check of w with staff instead of w's. */
static int
slot_engine(const struct avail_data *d, const struct slot_want *w, const char *const *staff,
    int64_t *from, int64_t *until, struct err *e)
{
	struct avail_booking b = {
		.room_id = w->room_id, .service_id = w->service_id, .staff_ids = staff,
		.start = w->start, .end = w->end, .ignore_owner_id = w->ignore_owner_id,
	};

	return avail_check_booking(d, &b, w->now, from, until, e);
}

/* Checks w with staff, against d and, when d saw a claim in the way,
 * against bare (d without claims). */
static int
slot_check_with(const struct avail_data *d, const struct avail_data *bare,
    const struct slot_want *w, const char *const *staff, struct slot_fit *fit, struct err *e)
{
	struct err why;
	int rc;

	rc = slot_engine(d, w, staff, &fit->blocked_from, &fit->blocked_until, e);
	if (rc != ERR_CONFLICT)
		return rc;
	if ((rc = slot_engine(bare, w, staff, NULL, NULL, &why)) != 0) {
		if (e != NULL)
			*e = why;
		return rc;
	}
	if (e != NULL)
		fit->taken = *e;
	else
		err_set(&fit->taken, ERR_CONFLICT, "start_at", "that time is taken");
	return 0;
}

/* Nobody could take the session even ignoring claims: the best reason. */
static int
slot_no_engineer(const struct avail_data *bare, const struct slot_want *w,
    const struct avail_service *svc, struct err *e)
{
	struct err first, why;
	int have_first = 0, staff_closed = 0, rc;

	err_clear(&first);
	for (size_t k = 0; k < bare->nstaff; k++) {
		const char *ids[2] = { bare->staff[k].id, NULL };

		rc = slot_engine(bare, w, ids, NULL, NULL, &why);
		if (rc == 0)
			continue;
		/* a reason about the room or the time holds for every engineer */
		if (strcmp(why.field, "staff_ids") != 0) {
			if (e != NULL)
				*e = why;
			return rc;
		}
		if (rc == ERR_CONFLICT)
			staff_closed = 1;
		else if (!have_first) {
			first = why;
			have_first = 1;
		}
	}
	if (staff_closed)
		return err_set(e, ERR_CONFLICT, "staff_ids",
		    "no engineer for %s is working at that time", svc->name);
	if (have_first) {
		if (e != NULL)
			*e = first;
		return first.code;
	}
	/* no staff at all: the engine says what the service needs */
	rc = slot_engine(bare, w, NULL, NULL, NULL, e);
	return rc != 0 ? rc : err_set(e, ERR_INTERNAL, NULL, "no staff, yet the check passed");
}

int
slot_check(const struct avail_data *d, const struct slot_want *w, struct slot_fit *fit,
    struct err *e)
{
	struct avail_data bare = *d;
	const struct avail_service *svc = slot_service(d, w->service_id);
	size_t fallback = SIZE_MAX;
	struct err fallback_why;
	int64_t fb_from = 0, fb_until = 0;

	memset(fit, 0, sizeof(*fit));
	bare.claims = NULL;
	bare.nclaims = 0;
	bare.staff_claims = NULL;
	bare.nstaff_claims = 0;
	for (size_t i = 0; i < d->nrooms; i++)
		if (w->room_id != NULL && strcmp(d->rooms[i].id, w->room_id) == 0)
			snprintf(fit->room_name, sizeof(fit->room_name), "%s", d->rooms[i].name);

	if (w->staff_ids != NULL || svc == NULL || !svc->requires_engineer)
		return slot_check_with(d, &bare, w, w->staff_ids, fit, e);

	for (size_t k = 0; k < d->nstaff; k++) {
		const char *ids[2] = { d->staff[k].id, NULL };
		int64_t from, until;
		struct err why;
		int rc = slot_engine(d, w, ids, &from, &until, &why);

		if (rc == 0) {
			snprintf(fit->staff_id, sizeof(fit->staff_id), "%s", ids[0]);
			fit->blocked_from = from;
			fit->blocked_until = until;
			return 0;
		}
		if (rc == ERR_CONFLICT && fallback == SIZE_MAX &&
		    slot_engine(&bare, w, ids, NULL, NULL, NULL) == 0) {
			fallback = k;
			fallback_why = why;
			fb_from = from;
			fb_until = until;
		}
	}
	if (fallback != SIZE_MAX) {
		snprintf(fit->staff_id, sizeof(fit->staff_id), "%s", d->staff[fallback].id);
		fit->blocked_from = fb_from;
		fit->blocked_until = fb_until;
		fit->taken = fallback_why;
		/* the cache saw every engineer busy: say so if Postgres agrees */
		if (strcmp(fallback_why.field, "staff_ids") == 0)
			err_set(&fit->taken, ERR_CONFLICT, "staff_ids",
			    "no engineer for %s is free at that time", svc->name);
		return 0;
	}
	return slot_no_engineer(&bare, w, svc, e);
}

void
slot_send_err(h2o_req_t *req, const struct err *e)
{
	/* a claim refused is this family's slot_unavailable; the rest, with
	 * their reasons (invalid_duration, hold_expired), come from
	 * core/err.c's table */
	if (e->code == ERR_CONFLICT)
		idem_send_error(req, 409, "slot_unavailable", e->field, e->msg);
	else if (e->reason != ERR_REASON_NONE && err_api_status(e) < 500)
		idem_send_error(req, err_api_status(e), err_api_name(e), e->field, e->msg);
	else
		idem_send_err(req, e);
}

void
slot_conflict_words(const struct err *e, const struct slot_fit *fit, struct err *out)
{
	*out = *e;
	if (fit->taken.code == ERR_CONFLICT && strcmp(fit->taken.field, e->field) == 0)
		*out = fit->taken;
	else if (fit->room_name[0] != '\0' && strcmp(e->field, "start_at") == 0)
		err_set(out, ERR_CONFLICT, "start_at", "%s is taken at that time", fit->room_name);
}

void
slot_send_db_err(h2o_req_t *req, const struct err *e, const struct slot_fit *fit)
{
	struct err conflict;

	if (e->code != ERR_CONFLICT) {
		slot_send_err(req, e);
		return;
	}
	slot_conflict_words(e, fit, &conflict);
	slot_send_err(req, &conflict);
}

struct slot_write_state {
	struct http_server *srv;
	const char *sql;
	int nparams;
	const char **params;
	http_query_cb cb;
	void *arg;
	int tries;
};

static void
slot_write_done(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct slot_write_state *w = arg;

	/* our own functions' state changes name a column; a deadlock or a
	 * serialization failure names none */
	if (e != NULL && e->code == ERR_CHANGED && e->field[0] == '\0' &&
	    w->tries < SLOT_WRITE_TRIES) {
		w->tries++;
		http_write(w->srv, req, w->sql, w->nparams, w->params, slot_write_done, w);
		return;
	}
	w->cb(req, res, e, w->arg);
}

void
slot_write(struct http_server *srv, h2o_req_t *req, const char *sql, int nparams,
    const char *const *params, http_query_cb cb, void *arg)
{
	struct slot_write_state *w = h2o_mem_alloc_pool(&req->pool, sizeof(*w));

	w->srv = srv;
	w->sql = sql;
	w->nparams = nparams;
	w->params = http_params_dup(&req->pool, nparams, params);
	w->cb = cb;
	w->arg = arg;
	w->tries = 1;
	http_write(srv, req, sql, nparams, w->params, slot_write_done, w);
}

void
slot_random(void *buf, size_t len)
{
	if (sodium_init() < 0) {
		fputs("redlightd: libsodium failed to initialise\n", stderr);
		abort();
	}
	randombytes_buf(buf, len);
}

static void
slot_oom(void)
{
	fputs("redlightd: out of memory\n", stderr);
	abort();
}

struct json_object *
slot_json_new(void)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		slot_oom();
	return o;
}

static void
slot_json_add(struct json_object *obj, const char *key, struct json_object *v)
{
	if (v == NULL || json_object_object_add(obj, key, v) != 0)
		slot_oom();
}

void
slot_json_str(struct json_object *obj, const char *key, const char *value)
{
	slot_json_add(obj, key, json_object_new_string(value));
}

void
slot_json_int(struct json_object *obj, const char *key, int64_t value)
{
	slot_json_add(obj, key, json_object_new_int64(value));
}

void
slot_json_bool(struct json_object *obj, const char *key, int value)
{
	slot_json_add(obj, key, json_object_new_boolean(value != 0));
}

void
slot_send_json(h2o_req_t *req, int status, struct json_object *obj)
{
	size_t len;
	const char *s = json_object_to_json_string_length(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	if (s == NULL)
		slot_oom();
	idem_send_json(req, status, s, len);
	json_object_put(obj);
}
