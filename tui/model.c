/* model.c: JSON reads from db/ into plain structs (json-c). */
#include "tui/model.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "db/admin.h"
#include "db/job.h"
#include "db/notify.h"
#include "db/tzfile.h"

const char *
model_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

/* model_join: the strings of array member key (or the "name" member of
 * its objects) joined with ", ", as a new string. */
static char *
model_join_field(struct json_object *o, const char *key, const char *field, const char *sep)
{
	struct json_object *arr;
	size_t len = 1, n;
	char *out;

	if (!json_object_object_get_ex(o, key, &arr) || !json_object_is_type(arr, json_type_array))
		return xstrdup("");
	n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(arr, i);
		const char *s = json_object_is_type(it, json_type_object) ? model_str(it, field)
		    : json_object_get_string(it);
		len += strlen(s ? s : "") + strlen(sep);
	}
	out = xcalloc(len, 1);
	for (size_t i = 0, o_len = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(arr, i);
		const char *s = json_object_is_type(it, json_type_object) ? model_str(it, field)
		    : json_object_get_string(it);
		o_len += (size_t)snprintf(out + o_len, len - o_len, "%s%s", i ? sep : "", s ? s : "");
	}
	return out;
}

static char *
model_join(struct json_object *o, const char *key)
{
	return model_join_field(o, key, "name", ", ");
}

/* model_instant: an RFC 3339 string from the JSON as seconds (UTC). */
static int
model_instant(const char *s, int64_t *out)
{
	return tz_parse_rfc3339(s, out, NULL);
}

/* model_array: parse json and find its top-level array member key. */
static int
model_array(const char *json, const char *key, struct json_object **root,
    struct json_object **arr, struct err *e)
{
	*root = json_tokener_parse(json);
	if (*root == NULL || !json_object_object_get_ex(*root, key, arr) ||
	    !json_object_is_type(*arr, json_type_array)) {
		json_object_put(*root);
		*root = NULL;
		return err_set(e, ERR_INTERNAL, NULL, "the database answered without a '%s' list", key);
	}
	return 0;
}

int
model_rooms_parse(const char *json, struct model_rooms *out, struct err *e)
{
	struct json_object *root, *arr;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = model_array(json, "rooms", &root, &arr, e)) != 0)
		return rc;
	out->n = json_object_array_length(arr);
	out->v = xcalloc(out->n, sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++) {
		struct json_object *it = json_object_array_get_idx(arr, i), *cap;
		struct model_room *r = &out->v[i];

		r->id = xstrdup(model_str(it, "id"));
		r->name = xstrdup(model_str(it, "name"));
		r->description = xstrdup(model_str(it, "description"));
		r->tags = model_join(it, "tags");
		if (json_object_object_get_ex(it, "capacity", &cap) &&
		    json_object_is_type(cap, json_type_int))
			r->capacity = json_object_get_int(cap);
		snprintf(r->color, sizeof(r->color), "%s", model_str(it, "color"));
	}
	json_object_put(root);
	return 0;
}

void
model_rooms_free(struct model_rooms *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].id);
		free(r->v[i].name);
		free(r->v[i].description);
		free(r->v[i].tags);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int
model_bookings_from_rows(const PGresult *res, struct model_bookings *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (PQnfields(res) != DB_ADMIN_LIST_NCOLS)
		return err_set(e, ERR_INTERNAL, NULL, "the bookings list has %d columns, not %d",
		    PQnfields(res), DB_ADMIN_LIST_NCOLS);
	out->n = (size_t)PQntuples(res);
	out->v = xcalloc(out->n, sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++) {
		struct model_booking *b = &out->v[i];
		int r = (int)i;

		b->id = xstrdup(PQgetvalue(res, r, DB_ADMIN_LIST_ID));
		b->code = xstrdup(PQgetvalue(res, r, DB_ADMIN_LIST_CODE));
		b->status = xstrdup(PQgetvalue(res, r, DB_ADMIN_LIST_STATUS));
		b->room_id = xstrdup(PQgetvalue(res, r, DB_ADMIN_LIST_ROOM_ID));
		b->room_name = xstrdup(PQgetvalue(res, r, DB_ADMIN_LIST_ROOM_NAME));
		b->artist_name = xstrdup(PQgetvalue(res, r, DB_ADMIN_LIST_ARTIST));
		b->staff = xstrdup(PQgetvalue(res, r, DB_ADMIN_LIST_STAFF_NAMES));
		b->staff_ids = xstrdup(PQgetvalue(res, r, DB_ADMIN_LIST_STAFF_IDS));
		/* NULL reads as "" */
		b->sync_error = xstrdup(PQgetvalue(res, r, DB_ADMIN_LIST_SYNC_ERROR));
		b->start = db_int64(res, r, DB_ADMIN_LIST_START);
		b->end = db_int64(res, r, DB_ADMIN_LIST_END);
	}
	return 0;
}

int
model_booking_has_staff(const struct model_booking *b, const char *staff_id)
{
	size_t n = strlen(staff_id);

	for (const char *p = b->staff_ids; n > 0 && (p = strstr(p, staff_id)) != NULL; p += n)
		if ((p == b->staff_ids || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

void
model_bookings_free(struct model_bookings *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++) {
		struct model_booking *x = &b->v[i];
		free(x->id);
		free(x->code);
		free(x->status);
		free(x->room_id);
		free(x->room_name);
		free(x->artist_name);
		free(x->staff);
		free(x->staff_ids);
		free(x->sync_error);
	}
	free(b->v);
	memset(b, 0, sizeof(*b));
}

int
model_studio_parse(const char *json, struct model_studio *out, struct err *e)
{
	struct json_object *root, *s;

	memset(out, 0, sizeof(*out));
	root = json_tokener_parse(json);
	if (root == NULL || !json_object_object_get_ex(root, "settings", &s)) {
		json_object_put(root);
		return err_set(e, ERR_INTERNAL, NULL, "the database answered without settings");
	}
	snprintf(out->studio_name, sizeof(out->studio_name), "%s", model_str(s, "studio_name"));
	snprintf(out->timezone, sizeof(out->timezone), "%s", model_str(s, "timezone"));
	json_object_put(root);
	/* settings only price the totals shown: without them the console
	 * still works, and says less */
	out->has_settings = settings_from_json(json, &out->settings, NULL) == 0;
	return tz_load_system(out->timezone, &out->tz, e);
}

int
model_studio_load(struct db *db, struct model_studio *out, struct err *e)
{
	char *json;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = db_query_json(db, DB_SETTINGS_JSON_SQL, 0, NULL, &json, e)) != 0)
		return rc;
	rc = model_studio_parse(json, out, e);
	free(json);
	return rc;
}

void
model_studio_free(struct model_studio *s)
{
	if (s == NULL)
		return;
	tz_free(s->tz);
	s->tz = NULL;
}

void
model_today(const struct tz *tz, int64_t now, int *y, int *m, int *d)
{
	struct tz_local l;

	tz_to_local(tz, now, &l);
	*y = l.year;
	*m = l.month;
	*d = l.day;
}

void
model_local_time(const struct tz *tz, int64_t t, int y, int m, int d, char *out,
    size_t outlen)
{
	struct tz_local l;

	tz_to_local(tz, t, &l);
	if (l.year == y && l.month == m && l.day == d)
		snprintf(out, outlen, "%02d:%02d", l.hour, l.minute);
	else
		snprintf(out, outlen, "%02d-%02d %02d:%02d", l.month, l.day, l.hour, l.minute);
}

const char *
model_weekday_name(int y, int m, int d)
{
	static const char *const names[] = {
		"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
	};

	return names[tz_weekday(tz_days_from_civil(y, m, d))];
}

/* ---- the admin reads ---- */

static int64_t
model_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	return json_object_get_int64(v);
}

/* model_when: the instant member key of o, 0 when absent, null or bad. */
static int64_t
model_when(struct json_object *o, const char *key)
{
	int64_t t = 0;
	const char *s = model_str(o, key);

	if (s[0] != '\0' && model_instant(s, &t) != 0)
		t = 0;
	return t;
}

static void
model_detail_fill(struct json_object *it, struct model_detail *b)
{
	struct json_object *arr, *q;

	b->id = xstrdup(model_str(it, "id"));
	b->code = xstrdup(model_str(it, "code"));
	b->status = xstrdup(model_str(it, "status"));
	b->room_id = xstrdup(model_str(it, "room_id"));
	b->room_name = xstrdup(model_str(it, "room_name"));
	b->source = xstrdup(model_str(it, "source"));
	b->notes = xstrdup(model_str(it, "notes"));
	b->artist_name = xstrdup(model_str(it, "artist_name"));
	b->artist_email = xstrdup(model_str(it, "artist_email"));
	b->staff = model_join(it, "staff");
	b->approved_by = xstrdup(model_str(it, "approved_by"));
	b->approval_note = xstrdup(model_str(it, "approval_note"));
	b->artist_message = xstrdup(model_str(it, "artist_message"));
	b->sync_error = xstrdup(model_str(it, "sync_error"));
	b->start = model_when(it, "start_at");
	b->end = model_when(it, "end_at");
	b->created = model_when(it, "created_at");
	b->approved_at = model_when(it, "approved_at");
	b->subtotal_cents = model_int(it, "subtotal_cents");
	b->paid_cents = model_int(it, "paid_cents");
	b->authorized_cents = model_int(it, "authorized_cents");
	b->capture_before = model_when(it, "capture_before");
	if (json_object_object_get_ex(it, "quote", &q) && json_object_is_type(q, json_type_object)) {
		struct json_object *bf;
		b->has_quote = 1;
		b->quote_backfilled = json_object_object_get_ex(q, "backfilled", &bf) &&
		    json_object_get_boolean(bf);
		b->subtotal_cents = model_int(q, "subtotal_cents");
		b->fees_cents = model_int(q, "fees_cents");
		b->tax_rate_bp = (int)model_int(q, "tax_rate_bp");
		b->taxes_cents = model_int(q, "taxes_cents");
		b->total_cents = model_int(q, "total_cents");
		b->deposit_percent = (int)model_int(q, "deposit_percent");
		b->deposit_cents = model_int(q, "deposit_cents");
		snprintf(b->currency, sizeof(b->currency), "%s", model_str(q, "currency"));
	}
	if (json_object_object_get_ex(it, "services", &arr) && json_object_is_type(arr, json_type_array)) {
		b->nlines = json_object_array_length(arr);
		b->lines = xcalloc(b->nlines, sizeof(*b->lines));
		for (size_t i = 0; i < b->nlines; i++) {
			struct json_object *l = json_object_array_get_idx(arr, i), *v;
			b->lines[i].name = xstrdup(model_str(l, "name"));
			b->lines[i].quantity = (int)model_int(l, "quantity");
			b->lines[i].unit_price_cents = model_int(l, "unit_price_cents");
			b->lines[i].total_cents = model_int(l, "total_cents");
			b->lines[i].is_addon = json_object_object_get_ex(l, "is_addon", &v) &&
			    json_object_get_boolean(v);
		}
	}
}

/* model_detail_payments: payment_row_json's objects in arr into b's
 * pays (at most MODEL_MAX_PAYS). */
static void
model_detail_payments(struct json_object *arr, struct model_detail *b)
{
	size_t n = json_object_array_length(arr);

	for (size_t i = 0; i < n && b->npays < MODEL_MAX_PAYS; i++) {
		struct json_object *p = json_object_array_get_idx(arr, i), *refs;
		struct model_pay *y = &b->pays[b->npays++];

		snprintf(y->purpose, sizeof(y->purpose), "%s", model_str(p, "purpose"));
		snprintf(y->status, sizeof(y->status), "%s", model_str(p, "status"));
		snprintf(y->intent, sizeof(y->intent), "%s", model_str(p, "stripe_payment_intent_id"));
		snprintf(y->customer, sizeof(y->customer), "%s", model_str(p, "stripe_customer_id"));
		snprintf(y->charge, sizeof(y->charge), "%s", model_str(p, "stripe_charge_id"));
		snprintf(y->attention, sizeof(y->attention), "%s", model_str(p, "attention"));
		y->amount = model_int(p, "amount_cents");
		y->authorized = model_int(p, "authorized_cents");
		y->captured = model_int(p, "captured_cents");
		y->refunded = model_int(p, "refunded_cents");
		y->owed = model_int(p, "owed_cents");
		if (json_object_object_get_ex(p, "refunds", &refs) && json_object_is_type(refs, json_type_array))
			for (size_t k = 0; k < json_object_array_length(refs); k++) {
				struct json_object *r = json_object_array_get_idx(refs, k);
				if (strcmp(model_str(r, "status"), "pending") == 0)
					y->refunding += model_int(r, "amount_cents");
			}
	}
}

int
model_details_parse(const char *json, struct model_details *out, struct err *e)
{
	struct json_object *root, *arr, *one;
	int rc;

	memset(out, 0, sizeof(*out));
	root = json_tokener_parse(json);
	if (root != NULL && json_object_object_get_ex(root, "booking", &one)) {
		if (one != NULL && json_object_is_type(one, json_type_object)) {
			out->n = 1;
			out->v = xcalloc(1, sizeof(*out->v));
			model_detail_fill(one, &out->v[0]);
			if (json_object_object_get_ex(root, "payments", &arr) &&
			    json_object_is_type(arr, json_type_array))
				model_detail_payments(arr, &out->v[0]);
		}
		json_object_put(root);
		return 0;
	}
	json_object_put(root);
	if ((rc = model_array(json, "bookings", &root, &arr, e)) != 0)
		return rc;
	out->n = json_object_array_length(arr);
	out->v = xcalloc(out->n, sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++)
		model_detail_fill(json_object_array_get_idx(arr, i), &out->v[i]);
	json_object_put(root);
	return 0;
}

void
model_details_free(struct model_details *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		struct model_detail *b = &d->v[i];
		char *strs[] = {
			b->id, b->code, b->status, b->room_id, b->room_name, b->source, b->notes,
			b->artist_name, b->artist_email, b->staff, b->approved_by, b->approval_note,
			b->artist_message, b->sync_error,
		};
		for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			free(strs[k]);
		for (size_t k = 0; k < b->nlines; k++)
			free(b->lines[k].name);
		free(b->lines);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

int
model_holds_parse(const char *json, struct model_holds *out, struct err *e)
{
	struct json_object *root, *arr;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = model_array(json, "holds", &root, &arr, e)) != 0)
		return rc;
	out->n = json_object_array_length(arr);
	out->v = xcalloc(out->n, sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++) {
		struct json_object *it = json_object_array_get_idx(arr, i);
		struct model_hold *h = &out->v[i];
		h->id = xstrdup(model_str(it, "id"));
		h->room_id = xstrdup(model_str(it, "room_id"));
		h->room_name = xstrdup(model_str(it, "room_name"));
		h->created_by = xstrdup(model_str(it, "created_by"));
		h->artist_name = xstrdup(model_str(it, "artist_name"));
		h->start = model_when(it, "start_at");
		h->end = model_when(it, "end_at");
		h->expires_at = model_when(it, "expires_at");
		h->created = model_when(it, "created_at");
	}
	json_object_put(root);
	return 0;
}

void
model_holds_free(struct model_holds *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].id);
		free(h->v[i].room_id);
		free(h->v[i].room_name);
		free(h->v[i].created_by);
		free(h->v[i].artist_name);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

int
model_audits_parse(const char *json, struct model_audits *out, struct err *e)
{
	struct json_object *root, *arr;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = model_array(json, "audit", &root, &arr, e)) != 0)
		return rc;
	out->n = json_object_array_length(arr);
	out->v = xcalloc(out->n, sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++) {
		struct json_object *it = json_object_array_get_idx(arr, i), *diff;
		struct model_audit *a = &out->v[i];
		a->id = (long long)model_int(it, "id");
		a->at = model_when(it, "created_at");
		a->actor_name = xstrdup(model_str(it, "actor_name"));
		a->actor_email = xstrdup(model_str(it, "actor_email"));
		a->action = xstrdup(model_str(it, "action"));
		a->entity = xstrdup(model_str(it, "entity"));
		a->entity_id = xstrdup(model_str(it, "entity_id"));
		a->label = xstrdup(model_str(it, "label"));
		a->reason = xstrdup(model_str(it, "reason"));
		a->diff = xstrdup(json_object_object_get_ex(it, "diff", &diff) && diff != NULL
		    ? json_object_to_json_string_ext(diff, JSON_C_TO_STRING_PLAIN) : "{}");
	}
	json_object_put(root);
	return 0;
}

void
model_audits_free(struct model_audits *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n; i++) {
		struct model_audit *x = &a->v[i];
		free(x->actor_name);
		free(x->actor_email);
		free(x->action);
		free(x->entity);
		free(x->entity_id);
		free(x->label);
		free(x->reason);
		free(x->diff);
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* ---- jobs ---- */

int
model_jobs_parse(const char *json, struct model_jobs *out, struct err *e)
{
	struct json_object *root, *arr, *counts;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = model_array(json, "jobs", &root, &arr, e)) != 0)
		return rc;
	if (json_object_object_get_ex(root, "counts", &counts)) {
		out->queued = (long)model_int(counts, "queued");
		out->running = (long)model_int(counts, "running");
		out->failed = (long)model_int(counts, "failed");
		out->skipped = (long)model_int(counts, "skipped");
		out->done = (long)model_int(counts, "done");
		out->canceled = (long)model_int(counts, "canceled");
	}
	out->n = json_object_array_length(arr);
	out->v = xcalloc(out->n, sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++) {
		struct json_object *it = json_object_array_get_idx(arr, i);
		struct model_job *j = &out->v[i];
		j->id = (long long)model_int(it, "id");
		j->kind = xstrdup(model_str(it, "kind"));
		j->status = xstrdup(model_str(it, "status"));
		j->attempts = (int)model_int(it, "attempts");
		j->max_attempts = (int)model_int(it, "max_attempts");
		j->booking_code = xstrdup(model_str(it, "booking_code"));
		j->worker = xstrdup(model_str(it, "worker"));
		j->last_error = xstrdup(model_str(it, "last_error"));
		j->reason = xstrdup(model_str(it, "reason"));
		j->created = model_when(it, "created_at");
		j->run_at = model_when(it, "run_at");
		j->finished = model_when(it, "finished_at");
	}
	json_object_put(root);
	return 0;
}

void
model_jobs_free(struct model_jobs *j)
{
	if (j == NULL)
		return;
	for (size_t i = 0; i < j->n; i++) {
		free(j->v[i].kind);
		free(j->v[i].status);
		free(j->v[i].booking_code);
		free(j->v[i].worker);
		free(j->v[i].last_error);
		free(j->v[i].reason);
	}
	free(j->v);
	memset(j, 0, sizeof(*j));
}

const char *
model_job_note(const struct model_job *j)
{
	if (strcmp(j->status, "skipped") == 0 || strcmp(j->status, "canceled") == 0)
		return j->reason;
	/* a job done after a failure is fine now */
	return strcmp(j->status, "done") == 0 ? "" : j->last_error;
}

int
model_notifications_parse(const char *json, struct model_notifications *out, struct err *e)
{
	struct json_object *root, *arr, *counts;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = model_array(json, "notifications", &root, &arr, e)) != 0)
		return rc;
	if (json_object_object_get_ex(root, "counts", &counts)) {
		out->pending = (long)model_int(counts, "pending");
		out->sent = (long)model_int(counts, "sent");
		out->failed = (long)model_int(counts, "failed");
		out->skipped = (long)model_int(counts, "skipped");
		out->canceled = (long)model_int(counts, "canceled");
	}
	out->n = json_object_array_length(arr);
	out->v = xcalloc(out->n, sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++) {
		struct json_object *it = json_object_array_get_idx(arr, i);
		struct model_notification *m = &out->v[i];
		snprintf(m->id, sizeof(m->id), "%s", model_str(it, "id"));
		m->channel = xstrdup(model_str(it, "channel"));
		m->template_name = xstrdup(model_str(it, "template"));
		m->status = xstrdup(model_str(it, "status"));
		m->attempts = (int)model_int(it, "attempts");
		m->booking_code = xstrdup(model_str(it, "booking_code"));
		m->recipient = xstrdup(model_str(it, "recipient"));
		m->error = xstrdup(model_str(it, "error"));
		m->created = model_when(it, "created_at");
		m->sent = model_when(it, "sent_at");
	}
	json_object_put(root);
	return 0;
}

void
model_notifications_free(struct model_notifications *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->n; i++) {
		free(n->v[i].channel);
		free(n->v[i].template_name);
		free(n->v[i].status);
		free(n->v[i].booking_code);
		free(n->v[i].recipient);
		free(n->v[i].error);
	}
	free(n->v);
	memset(n, 0, sizeof(*n));
}
