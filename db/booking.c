#include "db/booking.h"

#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/code.h"
#include "core/xalloc.h"
#include "db/admin.h"

/* Codes are random; a clash with an existing code is retried this often. */
#define DB_CODE_TRIES 5

static const char *const db_actor_kind_names[] = {
	[DB_ACTOR_ARTIST] = "artist",
	[DB_ACTOR_STAFF] = "staff",
	[DB_ACTOR_ADMIN] = "admin",
	[DB_ACTOR_SYSTEM] = "system",
};

const char *
db_actor_kind_name(enum db_actor_kind k)
{
	if ((unsigned)k >= sizeof(db_actor_kind_names) / sizeof(db_actor_kind_names[0]))
		return "artist";
	return db_actor_kind_names[k];
}

enum db_actor_kind
db_actor_kind_of(const struct db_actor *a)
{
	if (strcmp(a->role, "admin") == 0)
		return DB_ACTOR_ADMIN;
	if (strcmp(a->role, "staff") == 0)
		return DB_ACTOR_STAFF;
	return DB_ACTOR_ARTIST;
}

int
db_booking_effects(const char *from, enum booking_event ev, char *buf, size_t len, struct err *e)
{
	enum booking_status st;
	unsigned fx = 0;
	size_t o = 0;
	int rc;

	if (booking_status_parse(from, &st) != 0)
		return err_set(e, ERR_INTERNAL, "status", "unknown booking status '%s'", from);
	if ((rc = booking_transition(st, ev, NULL, &fx, e)) != 0)
		return rc;
	o += (size_t)snprintf(buf + o, len - o, "{");
	for (unsigned bit = 1; bit != 0 && bit <= BOOKING_FX_ALL; bit <<= 1) {
		const char *name = (fx & bit) ? booking_fx_name(bit) : NULL;
		if (name != NULL && o < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o > 1 ? "," : "", name);
	}
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, "}");
	if (o >= len)
		return err_set(e, ERR_INTERNAL, NULL, "too many side effects");
	return 0;
}

/* db_booking_utc: t as RFC 3339 into buf. */
static int
db_booking_utc(int64_t t, char buf[TZ_RFC3339_SIZE], const char *field, struct err *e)
{
	if (tz_format_utc(t, buf, TZ_RFC3339_SIZE, NULL) != 0)
		return err_set(e, ERR_INVALID, field, "that time is out of range");
	return 0;
}

int
db_range_format(int64_t start, int64_t end, int64_t from, int64_t until, struct db_range_text *t,
    struct err *e)
{
	int rc;

	if ((rc = db_booking_utc(start, t->start, "start_at", e)) != 0 ||
	    (rc = db_booking_utc(end, t->end, "end_at", e)) != 0 ||
	    (rc = db_booking_utc(from ? from : start, t->from, "start_at", e)) != 0)
		return rc;
	return db_booking_utc(until ? until : end, t->until, "end_at", e);
}

/* db_booking_copy_json: o as plain JSON text into buf, dropping o. */
static int
db_booking_copy_json(json_object *o, char *buf, size_t len, const char *field, struct err *e)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	int w = snprintf(buf, len, "%s", s);

	json_object_put(o);
	if (w < 0 || (size_t)w >= len)
		return err_set(e, ERR_INVALID, field, "the %s is too long", field);
	return 0;
}

/* ---- submit ---- */

const char DB_BOOKING_SUBMIT_SQL[] =
    "SELECT s.booking_id, s.code, s.status FROM booking_submit($1::uuid, $2::uuid, $3::uuid,"
    " $4::timestamptz, $5::timestamptz, tstzrange($6::timestamptz, $7::timestamptz, '[)'),"
    " $8, $9::uuid[], $10::jsonb, $11::jsonb, $12, $13, $14::text[]) s";

/* The quote as booking_submit's p_quote reads it. */
static int
db_submit_quote(const struct db_submit *s, char *buf, size_t len, struct err *e)
{
	const struct studio_settings *st = s->settings;
	char tiers[POLICY_MAX_TIERS * 64 + 4], summary[400];
	json_object *o = json_object_new_object();
	int rc;

	if ((rc = policy_tiers_json(&st->policy, tiers, sizeof(tiers), e)) != 0) {
		json_object_put(o);
		return rc;
	}
	policy_summary(&st->policy, summary, sizeof(summary));
	json_object_object_add(o, "subtotal_cents", json_object_new_int64(s->quote->subtotal_cents));
	json_object_object_add(o, "fees_cents", json_object_new_int64(s->quote->fees_cents));
	json_object_object_add(o, "tax_rate_bp", json_object_new_int(st->rates.tax_rate_bp));
	json_object_object_add(o, "taxes_cents", json_object_new_int64(s->quote->taxes_cents));
	json_object_object_add(o, "total_cents", json_object_new_int64(s->quote->total_cents));
	json_object_object_add(o, "deposit_percent", json_object_new_int(st->rates.deposit_percent));
	json_object_object_add(o, "deposit_cents", json_object_new_int64(s->quote->deposit_cents));
	json_object_object_add(o, "currency", json_object_new_string(st->currency));
	json_object_object_add(o, "cancellation_tiers", json_tokener_parse(tiers));
	json_object_object_add(o, "reschedule_free_min_hours",
	    json_object_new_int(st->policy.reschedule_free_min_hours));
	json_object_object_add(o, "reschedule_free_count",
	    json_object_new_int(st->policy.reschedule_free_count));
	json_object_object_add(o, "reschedule_fee_cents",
	    json_object_new_int64(st->policy.reschedule_fee_cents));
	json_object_object_add(o, "policy_summary", json_object_new_string(summary));
	return db_booking_copy_json(o, buf, len, "quote", e);
}

/* The quoted lines as booking_submit's p_items reads them. */
static int
db_submit_items(const struct db_submit *s, char *buf, size_t len, struct err *e)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < s->nlines; i++) {
		const struct quote_line *l = &s->lines[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "service_id", json_object_new_string(l->service_id));
		json_object_object_add(o, "name", json_object_new_string(l->name));
		json_object_object_add(o, "quantity", json_object_new_int(l->quantity));
		json_object_object_add(o, "unit_price_cents", json_object_new_int64(l->unit_price_cents));
		json_object_object_add(o, "total_cents", json_object_new_int64(l->total_cents));
		json_object_array_add(a, o);
	}
	return db_booking_copy_json(a, buf, len, "service_items", e);
}

/* ids as a uuid[] literal in buf. */
static int
db_booking_uuids(const char *const *ids, char *buf, size_t len, struct err *e)
{
	size_t o = (size_t)snprintf(buf, len, "{");

	for (size_t i = 0; ids != NULL && ids[i] != NULL && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "", ids[i]);
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, "}");
	if (o >= len)
		return err_set(e, ERR_INVALID, "staff_ids", "too many staff members");
	return 0;
}

int
db_submit_prepare(const struct db_submit *s, struct db_submit_params *p, struct err *e)
{
	unsigned char rnd[BOOKING_CODE_RANDOM_BYTES];
	int rc;

	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, NULL, "libsodium failed to initialise");
	if ((rc = db_range_format(s->start, s->end, s->blocked_from, s->blocked_until, &p->at, e)) != 0 ||
	    (rc = db_booking_uuids(s->staff_ids, p->staff, sizeof(p->staff), e)) != 0 ||
	    (rc = db_submit_items(s, p->items, sizeof(p->items), e)) != 0 ||
	    (rc = db_submit_quote(s, p->quote, sizeof(p->quote), e)) != 0 ||
	    (rc = db_booking_effects("awaiting_approval", BOOKING_EV_APPROVE, p->effects,
	    sizeof(p->effects), e)) != 0)
		return rc;
	randombytes_buf(rnd, sizeof(rnd));
	booking_code_format(rnd, p->code, sizeof(p->code));
	p->params[0] = s->user_id;
	p->params[1] = s->hold_id;
	p->params[2] = s->room_id;
	p->params[3] = p->at.start;
	p->params[4] = p->at.end;
	p->params[5] = p->at.from;
	p->params[6] = p->at.until;
	p->params[7] = s->notes ? s->notes : "";
	p->params[8] = p->staff;
	p->params[9] = p->items;
	p->params[10] = p->quote;
	p->params[11] = p->code;
	p->params[12] = s->source ? s->source : "web";
	p->params[13] = p->effects;
	return 0;
}

/* The catalogue's lines for items, priced now, into lines. */
static int
db_booking_lines(struct db *db, const struct db_booking_new *b, struct quote_line *lines,
    struct err *e)
{
	for (size_t i = 0; i < b->nitems; i++) {
		const char *params[1] = { b->items[i].service_id };
		PGresult *res;
		int rc;

		if ((rc = db_exec(db, "SELECT id, name, base_price_cents FROM service"
		    " WHERE id = $1::uuid AND active", 1, params, &res, e)) != 0)
			return rc;
		if (PQntuples(res) != 1) {
			PQclear(res);
			return err_set(e, ERR_NOT_FOUND, "service_items", "no service %.40s",
			    b->items[i].service_id);
		}
		memset(&lines[i], 0, sizeof(lines[i]));
		snprintf(lines[i].service_id, sizeof(lines[i].service_id), "%s", PQgetvalue(res, 0, 0));
		snprintf(lines[i].name, sizeof(lines[i].name), "%s", PQgetvalue(res, 0, 1));
		lines[i].unit_price_cents = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
		lines[i].quantity = b->items[i].quantity;
		PQclear(res);
	}
	return 0;
}

int
db_booking_insert(struct db *db, const struct db_booking_new *b,
    char id[37], char code[16], struct err *e)
{
	struct quote_line lines[PRICING_MAX_LINES];
	struct studio_settings settings;
	struct db_submit_params *p;
	struct quote q;
	int64_t start, end, from = 0, until = 0;
	int rc = 0;

	if (b->nitems > PRICING_MAX_LINES)
		return err_set(e, ERR_INVALID, "service_items", "at most %d items", PRICING_MAX_LINES);
	if (tz_parse_rfc3339(b->start_at, &start, e) != 0 || tz_parse_rfc3339(b->end_at, &end, e) != 0 ||
	    (b->blocked_from && tz_parse_rfc3339(b->blocked_from, &from, e) != 0) ||
	    (b->blocked_until && tz_parse_rfc3339(b->blocked_until, &until, e) != 0))
		return ERR_INVALID;
	if ((rc = db_admin_settings(db, &settings, e)) != 0 ||
	    (rc = db_booking_lines(db, b, lines, e)) != 0 ||
	    (rc = quote_compute(lines, b->nitems, &settings.rates, &q, e)) != 0)
		return rc;
	const struct db_submit s = {
		.user_id = b->user_id, .room_id = b->room_id, .start = start, .end = end,
		.blocked_from = from, .blocked_until = until, .notes = b->notes,
		.staff_ids = b->staff_ids, .lines = lines, .nlines = b->nitems, .quote = &q,
		.settings = &settings, .source = b->source,
	};
	p = xcalloc(1, sizeof(*p));
	for (int tries = 0; tries < DB_CODE_TRIES; tries++) {
		struct err inner;
		PGresult *res;

		err_clear(&inner);
		if ((rc = db_submit_prepare(&s, p, &inner)) == 0 &&
		    (rc = db_exec(db, DB_BOOKING_SUBMIT_SQL, DB_BOOKING_SUBMIT_NPARAMS, p->params, &res,
		    &inner)) == 0) {
			snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
			snprintf(code, 16, "%s", PQgetvalue(res, 0, 1));
			PQclear(res);
			free(p);
			return 0;
		}
		if (!(rc == ERR_INVALID && strcmp(inner.field, "booking_code_key") == 0)) {
			if (e)
				*e = inner;
			free(p);
			return rc;
		}
	}
	free(p);
	return err_set(e, ERR_INTERNAL, NULL, "could not find a free booking code");
}

/* ---- cancel ---- */

const char DB_BOOKING_CANCEL_SQL[] =
    "SELECT booking_cancel($1::uuid, $2::uuid, $3, $4, $5, $6::int, $7::bigint, $8::text[])";

int
db_cancel_prepare(const struct db_cancel *c, struct db_cancel_params *p, struct err *e)
{
	int rc;

	if ((rc = db_booking_effects(c->seen_status, BOOKING_EV_CANCEL, p->effects,
	    sizeof(p->effects), e)) != 0)
		return rc;
	snprintf(p->pct, sizeof(p->pct), "%d", c->refund->refund_percent);
	snprintf(p->cents, sizeof(p->cents), "%lld", (long long)c->refund->refund_cents);
	p->params[0] = c->booking_id;
	p->params[1] = c->actor_id;
	p->params[2] = db_actor_kind_name(c->kind);
	p->params[3] = c->reason;
	p->params[4] = c->seen_status;
	p->params[5] = p->pct;
	p->params[6] = p->cents;
	p->params[7] = p->effects;
	return 0;
}

int
db_booking_cancel(struct db *db, const struct db_cancel_req *in, int64_t now,
    struct db_cancel_result *out, struct err *e)
{
	struct db_cancel_result c;
	struct db_cancel_params p;
	int rc;

	if (!in->dry_run && in->kind != DB_ACTOR_ARTIST && db_blank(in->reason))
		return err_set(e, ERR_INVALID, "reason", "a cancellation needs a reason");
	if ((rc = db_admin_cancel_preview(db, in->code, now, &c, e)) != 0)
		return rc;
	if (!in->dry_run) {
		const struct db_cancel x = {
			.booking_id = c.booking.id, .actor_id = in->actor_id, .kind = in->kind,
			.reason = in->reason, .seen_status = c.booking.status, .refund = &c.policy,
		};
		if ((rc = db_cancel_prepare(&x, &p, e)) != 0 ||
		    (rc = db_exec(db, DB_BOOKING_CANCEL_SQL, DB_BOOKING_CANCEL_NPARAMS, p.params, NULL, e)) != 0)
			return rc;
	}
	if (out)
		*out = c;
	return 0;
}

/* ---- reschedule ---- */

const char DB_BOOKING_RESCHEDULE_SQL[] =
    "SELECT m.status, json_utc(m.start_at), json_utc(m.end_at) FROM booking_move($1::uuid,"
    " $2::uuid, $3, $4, $5::timestamptz, $6::timestamptz,"
    " tstzrange($7::timestamptz, $8::timestamptz, '[)'), $9::bigint, $10::text[]) m";

int
db_reschedule_prepare(const struct db_reschedule *r, struct db_reschedule_params *p,
    struct err *e)
{
	int rc;

	if ((rc = db_booking_effects(r->seen_status, BOOKING_EV_RESCHEDULE, p->effects,
	    sizeof(p->effects), e)) != 0 ||
	    (rc = db_range_format(r->start, r->end, r->blocked_from, r->blocked_until, &p->at, e)) != 0)
		return rc;
	snprintf(p->fee, sizeof(p->fee), "%lld", (long long)r->fee_cents);
	p->params[0] = r->booking_id;
	p->params[1] = r->actor_id;
	p->params[2] = db_actor_kind_name(r->kind);
	p->params[3] = r->seen_status;
	p->params[4] = p->at.start;
	p->params[5] = p->at.end;
	p->params[6] = p->at.from;
	p->params[7] = p->at.until;
	p->params[8] = p->fee;
	p->params[9] = p->effects;
	return 0;
}

int
db_reschedule_weigh(enum db_actor_kind kind, const struct policy *policy, int64_t now,
    int64_t start, int count, struct policy_result *out, struct err *e)
{
	if (kind == DB_ACTOR_ARTIST)
		return policy_reschedule(policy, now, start, count, out, e);
	memset(out, 0, sizeof(*out));
	if (now >= start)
		return err_set(e, ERR_CHANGED, "status",
		    "the session has already started; it can no longer be rescheduled");
	snprintf(out->summary, sizeof(out->summary), "moved by the studio: no fee");
	return 0;
}

int
db_booking_reschedule(struct db *db, const struct tz *tz, const struct db_reschedule_req *in,
    int64_t now, struct db_reschedule_result *out, struct err *e)
{
	struct db_admin_booking b;
	struct db_reschedule_result r;
	struct db_reschedule_params p;
	int64_t from = 0, until = 0;
	PGresult *res;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = db_admin_booking_find(db, in->code, &b, e)) != 0)
		return rc;
	if (!b.has_policy && in->kind == DB_ACTOR_ARTIST)
		return err_set(e, ERR_CONFIG, "policy", "%s has no stored policy to weigh", b.code);
	enum booking_status st;
	if (booking_status_parse(b.status, &st) != 0 || !booking_status_is_live(st))
		return err_set(e, ERR_CHANGED, "status", "%s is %s; it can no longer be rescheduled",
		    b.code, b.status);
	if (in->start == b.start)
		return err_set(e, ERR_INVALID, "start", "%s is already at that time", b.code);
	snprintf(r.id, sizeof(r.id), "%s", b.id);
	snprintf(r.code, sizeof(r.code), "%s", b.code);
	snprintf(r.status, sizeof(r.status), "%s", b.status);
	r.old_start = b.start;
	r.old_end = b.end;
	r.start = in->start;
	r.end = in->start + (b.end - b.start);
	if ((rc = db_reschedule_weigh(in->kind, &b.policy, now, b.start, b.reschedule_count, &r.fee,
	    e)) != 0)
		return rc;
	if ((rc = db_admin_booking_fit(db, tz, &b, r.start, r.end, now, &from, &until, e)) != 0) {
		if (e != NULL && (strcmp(e->field, "start_at") == 0 || strcmp(e->field, "end_at") == 0))
			snprintf(e->field, sizeof(e->field), "start");
		return rc;
	}
	if (!in->dry_run) {
		const struct db_reschedule m = {
			.booking_id = b.id, .actor_id = in->actor_id, .kind = in->kind,
			.seen_status = b.status, .start = r.start, .end = r.end,
			.blocked_from = from, .blocked_until = until, .fee_cents = r.fee.fee_cents,
		};
		if ((rc = db_reschedule_prepare(&m, &p, e)) != 0 ||
		    (rc = db_exec(db, DB_BOOKING_RESCHEDULE_SQL, DB_BOOKING_RESCHEDULE_NPARAMS, p.params,
		    &res, e)) != 0)
			return rc;
		snprintf(r.status, sizeof(r.status), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	if (out)
		*out = r;
	return 0;
}
