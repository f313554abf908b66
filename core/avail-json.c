/* The availability data as JSON: reading the document DB_AVAIL_JSON_SQL
 * builds (db/avail.h), and writing search results for the API. */
#include "core/avail.h"
#include "core/xalloc.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Minutes in a day: where a rule's day ends, and the longest buffer the
 * schema allows. */
#define AVAIL_DAY_MIN (24 * 60)

/* Everything avail_data_from_json allocates, freed in one go; and the
 * claims once avail_data_apply changes them (grown in place, not in the
 * arena, so a day under a stream of changes does not pile up copies). */
struct avail_arena {
	void **ptrs;
	size_t n, cap;
	struct avail_claim *claims;          /* NULL: d->claims is the arena's */
	size_t claims_cap;
	struct avail_staff_claim *staff_claims;
	size_t staff_claims_cap;
};

static void *
avail_arena_alloc(struct avail_arena *a, size_t nmemb, size_t size)
{
	void *p = xcalloc(nmemb, size);

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 32;
		a->ptrs = xrealloc(a->ptrs, a->cap * sizeof(*a->ptrs));
	}
	a->ptrs[a->n++] = p;
	return p;
}

static char *
avail_arena_strdup(struct avail_arena *a, const char *s)
{
	size_t len = strlen(s);
	char *p = avail_arena_alloc(a, len + 1, 1);

	memcpy(p, s, len + 1);
	return p;
}

void
avail_data_free(struct avail_data *d)
{
	if (d == NULL)
		return;
	if (d->mem) {
		for (size_t i = 0; i < d->mem->n; i++)
			free(d->mem->ptrs[i]);
		free(d->mem->ptrs);
		free(d->mem->claims);
		free(d->mem->staff_claims);
		free(d->mem);
	}
	free(d);
}

/* ---- reading ---- */

/* Where the parser is, for messages: "rooms[2]". */
struct avail_parse {
	struct avail_arena *mem;
	struct err *e;
	char at[48];
};

static int
avail_bad(struct avail_parse *p, const char *key, const char *what)
{
	return err_set(p->e, ERR_INVALID, NULL, "availability data: %s%s%s %s", p->at,
	    *p->at && *key ? "." : "", key, what);
}

static int
avail_get(struct avail_parse *p, json_object *o, const char *key, json_type type,
    json_object **v)
{
	if (!json_object_object_get_ex(o, key, v) || !json_object_is_type(*v, type))
		return avail_bad(p, key, type == json_type_int ? "is not an integer" :
		    type == json_type_string ? "is not a string" :
		    type == json_type_boolean ? "is not true or false" :
		    type == json_type_array ? "is not a list" : "is not an object");
	return 0;
}

static int
avail_get_int64(struct avail_parse *p, json_object *o, const char *key, int64_t *out)
{
	json_object *v;

	if (avail_get(p, o, key, json_type_int, &v) != 0)
		return ERR_INVALID;
	*out = json_object_get_int64(v);
	return 0;
}

/* An int field within lo..hi. */
static int
avail_get_int(struct avail_parse *p, json_object *o, const char *key, int lo, int hi, int *out)
{
	int64_t v;

	if (avail_get_int64(p, o, key, &v) != 0)
		return ERR_INVALID;
	if (v < lo || v > hi)
		return avail_bad(p, key, "is out of range");
	*out = (int)v;
	return 0;
}

static int
avail_get_bool(struct avail_parse *p, json_object *o, const char *key, int *out)
{
	json_object *v;

	if (avail_get(p, o, key, json_type_boolean, &v) != 0)
		return ERR_INVALID;
	*out = json_object_get_boolean(v) ? 1 : 0;
	return 0;
}

/* An optional boolean: absent or null gives dflt. */
static int
avail_opt_bool(struct avail_parse *p, json_object *o, const char *key, int dflt, int *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL) {
		*out = dflt;
		return 0;
	}
	return avail_get_bool(p, o, key, out);
}

/* A string or null (*out NULL). */
static int
avail_get_opt_str(struct avail_parse *p, json_object *o, const char *key, const char **out)
{
	json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return avail_bad(p, key, "is not a string");
	*out = json_object_get_string(v);
	return 0;
}

static int
avail_get_id(struct avail_parse *p, json_object *o, const char *key, char out[AVAIL_ID_SIZE])
{
	json_object *v;
	const char *s;

	if (avail_get(p, o, key, json_type_string, &v) != 0)
		return ERR_INVALID;
	s = json_object_get_string(v);
	if (strlen(s) >= AVAIL_ID_SIZE)
		return avail_bad(p, key, "is too long for an id");
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int
avail_get_name(struct avail_parse *p, json_object *o, const char *key, char out[AVAIL_NAME_SIZE])
{
	json_object *v;

	if (avail_get(p, o, key, json_type_string, &v) != 0)
		return ERR_INVALID;
	snprintf(out, AVAIL_NAME_SIZE, "%s", json_object_get_string(v));
	return 0;
}

/* A list of strings, NULL-terminated in the arena. */
static int
avail_get_strs(struct avail_parse *p, json_object *o, const char *key, const char *const **out)
{
	json_object *v;
	const char **list;
	size_t n;

	if (avail_get(p, o, key, json_type_array, &v) != 0)
		return ERR_INVALID;
	n = json_object_array_length(v);
	list = avail_arena_alloc(p->mem, n + 1, sizeof(*list));
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(v, i);
		if (!json_object_is_type(s, json_type_string))
			return avail_bad(p, key, "is not a list of strings");
		list[i] = avail_arena_strdup(p->mem, json_object_get_string(s));
	}
	list[n] = NULL;
	*out = list;
	return 0;
}

static int
avail_get_date(struct avail_parse *p, json_object *o, const char *key, int *has, int64_t *day)
{
	const char *s;
	int y, m, d;

	*has = 0;
	if (avail_get_opt_str(p, o, key, &s) != 0)
		return ERR_INVALID;
	if (s == NULL)
		return 0;
	if (tz_parse_date(s, &y, &m, &d, NULL) != 0)
		return avail_bad(p, key, "is not a YYYY-MM-DD date");
	*has = 1;
	*day = tz_days_from_civil(y, m, d);
	return 0;
}

/* The array under key, its length in *n (a missing key is an error). */
static int
avail_get_list(struct avail_parse *p, json_object *root, const char *key, json_object **arr,
    size_t *n)
{
	*p->at = '\0';
	if (avail_get(p, root, key, json_type_array, arr) != 0)
		return ERR_INVALID;
	*n = json_object_array_length(*arr);
	return 0;
}

static void
avail_at(struct avail_parse *p, const char *key, size_t i)
{
	snprintf(p->at, sizeof(p->at), "%s[%zu]", key, i);
}

/* The index of the record whose id (its first member) is id, among n of
 * size stride at base. */
static int
avail_find_id(const char *id, const void *base, size_t n, size_t stride, size_t *out)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp((const char *)base + i * stride, id) == 0) {
			*out = i;
			return 1;
		}
	return 0;
}

/* A target: "studio" (id ignored), or "room"/"staff" with an id resolved to
 * an index. *found is 0 when the id names no loaded room or staff member. */
static int
avail_get_target(struct avail_parse *p, json_object *o, const struct avail_data *d,
    enum avail_target *type, size_t *target, int *found)
{
	json_object *v;
	const char *t, *id;

	*found = 1;
	*target = 0;
	if (avail_get(p, o, "target_type", json_type_string, &v) != 0)
		return ERR_INVALID;
	t = json_object_get_string(v);
	if (strcmp(t, "studio") == 0) {
		*type = AVAIL_STUDIO;
		return 0;
	}
	if (strcmp(t, "room") != 0 && strcmp(t, "staff") != 0)
		return avail_bad(p, "target_type", "is not studio, room or staff");
	if (avail_get(p, o, "target_id", json_type_string, &v) != 0)
		return ERR_INVALID;
	id = json_object_get_string(v);
	if (*t == 'r') {
		*type = AVAIL_ROOM;
		*found = avail_find_id(id, d->rooms, d->nrooms, sizeof(*d->rooms), target);
	} else {
		*type = AVAIL_STAFF;
		*found = avail_find_id(id, d->staff, d->nstaff, sizeof(*d->staff), target);
	}
	return 0;
}

static int
avail_parse_rooms(struct avail_parse *p, json_object *root, struct avail_data *d)
{
	json_object *arr;
	struct avail_room *rooms;
	size_t n;

	if (avail_get_list(p, root, "rooms", &arr, &n) != 0)
		return ERR_INVALID;
	rooms = avail_arena_alloc(p->mem, n, sizeof(*rooms));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct avail_room *r = &rooms[i];
		avail_at(p, "rooms", i);
		if (!json_object_is_type(o, json_type_object))
			return avail_bad(p, "", "is not an object");
		if (avail_get_id(p, o, "id", r->id) || avail_get_name(p, o, "name", r->name) ||
		    avail_get_strs(p, o, "tags", &r->tags) ||
		    avail_opt_bool(p, o, "active", 1, &r->active) ||
		    avail_get_int(p, o, "buffer_before_min", 0, AVAIL_DAY_MIN, &r->buffer_before_min) ||
		    avail_get_int(p, o, "buffer_after_min", 0, AVAIL_DAY_MIN, &r->buffer_after_min))
			return ERR_INVALID;
	}
	d->rooms = rooms;
	d->nrooms = n;
	return 0;
}

static int
avail_parse_staff(struct avail_parse *p, json_object *root, struct avail_data *d)
{
	json_object *arr;
	struct avail_staff *staff;
	size_t n;

	if (avail_get_list(p, root, "staff", &arr, &n) != 0)
		return ERR_INVALID;
	staff = avail_arena_alloc(p->mem, n, sizeof(*staff));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct avail_staff *s = &staff[i];
		avail_at(p, "staff", i);
		if (!json_object_is_type(o, json_type_object))
			return avail_bad(p, "", "is not an object");
		if (avail_get_id(p, o, "id", s->id) || avail_get_name(p, o, "name", s->name) ||
		    avail_get_strs(p, o, "skills", &s->skills) ||
		    avail_opt_bool(p, o, "active", 1, &s->active) ||
		    avail_get_int(p, o, "buffer_before_min", 0, AVAIL_DAY_MIN, &s->buffer_before_min) ||
		    avail_get_int(p, o, "buffer_after_min", 0, AVAIL_DAY_MIN, &s->buffer_after_min))
			return ERR_INVALID;
	}
	d->staff = staff;
	d->nstaff = n;
	return 0;
}

static int
avail_parse_services(struct avail_parse *p, json_object *root, struct avail_data *d)
{
	json_object *arr;
	struct avail_service *svcs;
	size_t n;

	if (avail_get_list(p, root, "services", &arr, &n) != 0)
		return ERR_INVALID;
	svcs = avail_arena_alloc(p->mem, n, sizeof(*svcs));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct avail_service *s = &svcs[i];
		const char *skill;
		avail_at(p, "services", i);
		if (!json_object_is_type(o, json_type_object))
			return avail_bad(p, "", "is not an object");
		if (avail_get_id(p, o, "id", s->id) || avail_get_name(p, o, "name", s->name) ||
		    avail_get_int(p, o, "default_duration_min", 1, 1000000, &s->default_duration_min) ||
		    avail_get_int64(p, o, "base_price_cents", &s->base_price_cents) ||
		    avail_get_bool(p, o, "requires_engineer", &s->requires_engineer) ||
		    avail_get_opt_str(p, o, "staff_skill_required", &skill) ||
		    avail_get_strs(p, o, "room_tags", &s->room_tags) ||
		    avail_get_bool(p, o, "is_addon", &s->is_addon) ||
		    avail_get_int(p, o, "buffer_before_min", 0, AVAIL_DAY_MIN, &s->buffer_before_min) ||
		    avail_get_int(p, o, "buffer_after_min", 0, AVAIL_DAY_MIN, &s->buffer_after_min))
			return ERR_INVALID;
		if (s->base_price_cents < 0)
			return avail_bad(p, "base_price_cents", "is negative");
		s->staff_skill_required = skill && *skill ? avail_arena_strdup(p->mem, skill) : NULL;
	}
	d->services = svcs;
	d->nservices = n;
	return 0;
}

static int
avail_parse_rules(struct avail_parse *p, json_object *root, struct avail_data *d)
{
	json_object *arr, *wd;
	struct avail_rule *rules;
	size_t n, kept = 0;

	if (avail_get_list(p, root, "rules", &arr, &n) != 0)
		return ERR_INVALID;
	rules = avail_arena_alloc(p->mem, n, sizeof(*rules));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct avail_rule *r = &rules[kept];
		int found;
		avail_at(p, "rules", i);
		if (!json_object_is_type(o, json_type_object))
			return avail_bad(p, "", "is not an object");
		memset(r, 0, sizeof(*r));
		if (avail_get_target(p, o, d, &r->type, &r->target, &found) ||
		    avail_get(p, o, "weekdays", json_type_array, &wd) ||
		    avail_get_int(p, o, "start_min", 0, AVAIL_DAY_MIN - 1, &r->start_min) ||
		    avail_get_int(p, o, "end_min", 1, AVAIL_DAY_MIN, &r->end_min) ||
		    avail_get_date(p, o, "effective_from", &r->has_from, &r->from_day) ||
		    avail_get_date(p, o, "effective_to", &r->has_to, &r->to_day))
			return ERR_INVALID;
		for (size_t j = 0; j < json_object_array_length(wd); j++) {
			json_object *w = json_object_array_get_idx(wd, j);
			int64_t v = json_object_get_int64(w);
			if (!json_object_is_type(w, json_type_int) || v < 0 || v > 6)
				return avail_bad(p, "weekdays", "is not a list of 0 (Sunday) to 6");
			r->weekdays |= 1u << v;
		}
		if (r->start_min >= r->end_min)
			return avail_bad(p, "end_min", "is not after start_min");
		if (found)
			kept++;
	}
	d->rules = rules;
	d->nrules = kept;
	return 0;
}

static int
avail_parse_exceptions(struct avail_parse *p, json_object *root, struct avail_data *d)
{
	json_object *arr;
	struct avail_exception *xs;
	size_t n, kept = 0;

	if (avail_get_list(p, root, "exceptions", &arr, &n) != 0)
		return ERR_INVALID;
	xs = avail_arena_alloc(p->mem, n, sizeof(*xs));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct avail_exception *x = &xs[kept];
		const char *reason;
		int found;
		avail_at(p, "exceptions", i);
		if (!json_object_is_type(o, json_type_object))
			return avail_bad(p, "", "is not an object");
		if (avail_get_target(p, o, d, &x->type, &x->target, &found) ||
		    avail_get_int64(p, o, "start", &x->start) ||
		    avail_get_int64(p, o, "end", &x->end) ||
		    avail_get_opt_str(p, o, "reason", &reason))
			return ERR_INVALID;
		x->reason = reason && *reason ? avail_arena_strdup(p->mem, reason) : NULL;
		if (found)
			kept++;
	}
	d->exceptions = xs;
	d->nexceptions = kept;
	return 0;
}

static int
avail_parse_claims(struct avail_parse *p, json_object *root, struct avail_data *d)
{
	json_object *arr, *v;
	struct avail_claim *cs;
	size_t n, kept = 0;

	if (avail_get_list(p, root, "room_claims", &arr, &n) != 0)
		return ERR_INVALID;
	cs = avail_arena_alloc(p->mem, n, sizeof(*cs));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct avail_claim *c = &cs[kept];
		char room[AVAIL_ID_SIZE];
		const char *booking, *hold;
		avail_at(p, "room_claims", i);
		if (!json_object_is_type(o, json_type_object))
			return avail_bad(p, "", "is not an object");
		if (avail_get_id(p, o, "room_id", room) ||
		    avail_get_int64(p, o, "start", &c->start) ||
		    avail_get_int64(p, o, "end", &c->end) ||
		    avail_get_opt_str(p, o, "booking_id", &booking) ||
		    avail_get_opt_str(p, o, "hold_id", &hold))
			return ERR_INVALID;
		c->expires_at = 0;
		if (hold) {
			if (avail_get_int64(p, o, "hold_expires_at", &c->expires_at) != 0)
				return ERR_INVALID;
			if (c->expires_at == 0)
				c->expires_at = -1;  /* 0 means "not a hold"; 1970 is long past anyway */
		}
		const char *owner = booking ? booking : hold ? hold : "";
		if (strlen(owner) >= AVAIL_ID_SIZE)
			return avail_bad(p, booking ? "booking_id" : "hold_id", "is too long for an id");
		memcpy(c->owner_id, owner, strlen(owner) + 1);
		if (avail_find_id(room, d->rooms, d->nrooms, sizeof(*d->rooms), &c->room))
			kept++;
	}
	d->claims = cs;
	d->nclaims = kept;

	if (avail_get_list(p, root, "staff_claims", &arr, &n) != 0)
		return ERR_INVALID;
	struct avail_staff_claim *ss = avail_arena_alloc(p->mem, n, sizeof(*ss));
	kept = 0;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct avail_staff_claim *c = &ss[kept];
		char staff[AVAIL_ID_SIZE];
		avail_at(p, "staff_claims", i);
		if (!json_object_is_type(o, json_type_object))
			return avail_bad(p, "", "is not an object");
		if (avail_get_id(p, o, "staff_id", staff) ||
		    avail_get_int64(p, o, "start", &c->start) ||
		    avail_get_int64(p, o, "end", &c->end))
			return ERR_INVALID;
		*c->owner_id = '\0';
		if (json_object_object_get_ex(o, "booking_id", &v) && v &&
		    avail_get_id(p, o, "booking_id", c->owner_id) != 0)
			return ERR_INVALID;
		if (avail_find_id(staff, d->staff, d->nstaff, sizeof(*d->staff), &c->staff))
			kept++;
	}
	d->staff_claims = ss;
	d->nstaff_claims = kept;
	return 0;
}

static int
avail_parse_root(struct avail_parse *p, json_object *root, const struct tz *tz,
    struct avail_data *d)
{
	json_object *settings, *v;
	const char *zone;

	if (!json_object_is_type(root, json_type_object))
		return err_set(p->e, ERR_INVALID, NULL, "availability data is not a JSON object");
	if (avail_get(p, root, "settings", json_type_object, &settings) != 0)
		return ERR_INVALID;
	snprintf(p->at, sizeof(p->at), "settings");
	if (avail_get(p, settings, "timezone", json_type_string, &v) != 0 ||
	    avail_get_int(p, settings, "lead_time_min", 0, 1000000, &d->lead_time_min) != 0 ||
	    avail_get_int(p, settings, "horizon_days", 1, 100000, &d->horizon_days) != 0)
		return ERR_INVALID;
	zone = json_object_get_string(v);
	if (strcmp(zone, tz_name(tz)) != 0)
		return err_set(p->e, ERR_CONFIG, NULL,
		    "the studio's time zone is %.40s but %.40s is loaded", zone, tz_name(tz));
	snprintf(d->timezone, sizeof(d->timezone), "%s", zone);
	d->tz = tz;
	*p->at = '\0';
	if (avail_get_int64(p, root, "from", &d->from) != 0 ||
	    avail_get_int64(p, root, "to", &d->to) != 0)
		return ERR_INVALID;
	/* rooms and staff first: the rest name them */
	if (avail_parse_rooms(p, root, d) || avail_parse_staff(p, root, d) ||
	    avail_parse_services(p, root, d) || avail_parse_rules(p, root, d) ||
	    avail_parse_exceptions(p, root, d) || avail_parse_claims(p, root, d))
		return ERR_INVALID;
	return 0;
}

int
avail_data_from_json(const char *json, const struct tz *tz, struct avail_data **out,
    struct err *e)
{
	struct avail_data *d;
	struct avail_parse p = { .e = e };
	json_object *root;
	int rc;

	*out = NULL;
	root = json ? json_tokener_parse(json) : NULL;
	if (root == NULL)
		return err_set(e, ERR_INVALID, NULL, "availability data is not JSON");
	d = xcalloc(1, sizeof(*d));
	d->mem = xcalloc(1, sizeof(*d->mem));
	p.mem = d->mem;
	rc = avail_parse_root(&p, root, tz, d);
	json_object_put(root);
	if (rc != 0) {
		avail_data_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

/* ---- writing ----
 * The answer is written straight into one buffer: a json-c tree costs an
 * object (and its hash table) per slot and per value, most of the time of
 * an answer. */

struct avail_out {
	char *p;
	size_t len, cap;
};

static char *
avail_out_room(struct avail_out *o, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		while (o->len + n + 1 > o->cap)
			o->cap = o->cap ? o->cap * 2 : 256;
		o->p = xrealloc(o->p, o->cap);
	}
	return o->p + o->len;
}

static void
avail_out_put(struct avail_out *o, const char *s, size_t n)
{
	memcpy(avail_out_room(o, n), s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

#define avail_out_lit(o, lit) avail_out_put((o), (lit), sizeof(lit) - 1)

/* A JSON string: quotes, backslashes and control characters escaped. */
static void
avail_out_str(struct avail_out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);
	char *w = avail_out_room(o, 6 * n + 2), *start = w;

	*w++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			*w++ = '\\';
			*w++ = (char)c;
		} else if (c < 0x20) {
			memcpy(w, "\\u00", 4);
			w[4] = hex[c >> 4];
			w[5] = hex[c & 15];
			w += 6;
		} else {
			*w++ = (char)c;
		}
	}
	*w++ = '"';
	o->len += (size_t)(w - start);
	o->p[o->len] = '\0';
}

static void
avail_out_int(struct avail_out *o, int64_t v)
{
	char buf[24];

	avail_out_put(o, buf, (size_t)snprintf(buf, sizeof(buf), "%lld", (long long)v));
}

/* An instant as "2027-03-14T06:00:00Z" (a bare number if out of range). */
static void
avail_out_instant(struct avail_out *o, int64_t t)
{
	char buf[TZ_RFC3339_SIZE];

	if (tz_format_utc(t, buf, sizeof(buf), NULL) != 0)
		avail_out_int(o, t);
	else
		avail_out_str(o, buf);
}

/* two digits of v (0-99) at p; the next byte */
static char *
avail_put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* By hand, not snprintf: two of these per slot were most of an answer. */
void
avail_format_local(const struct tz *tz, int64_t t, char *buf, size_t len)
{
	struct tz_local l;
	char tmp[AVAIL_LOCAL_SIZE], *p = tmp;
	int off;
	size_t n;

	if (len == 0)
		return;
	tz_to_local(tz, t, &l);
	off = l.utc_offset < 0 ? -l.utc_offset : l.utc_offset;
	if (l.year < 0 || l.year > 9999) {
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", l.year, l.month,
		    l.day, l.hour, l.minute, l.second, l.utc_offset < 0 ? '-' : '+', off / 3600,
		    off / 60 % 60);
		return;
	}
	p = avail_put2(p, l.year / 100);
	p = avail_put2(p, l.year % 100);
	*p++ = '-';
	p = avail_put2(p, l.month);
	*p++ = '-';
	p = avail_put2(p, l.day);
	*p++ = 'T';
	p = avail_put2(p, l.hour);
	*p++ = ':';
	p = avail_put2(p, l.minute);
	*p++ = ':';
	p = avail_put2(p, l.second);
	*p++ = l.utc_offset < 0 ? '-' : '+';
	p = avail_put2(p, off / 3600);
	*p++ = ':';
	p = avail_put2(p, off / 60 % 60);
	n = (size_t)(p - tmp) < len - 1 ? (size_t)(p - tmp) : len - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
}

static void
avail_out_local(struct avail_out *o, const struct tz *tz, int64_t t)
{
	char buf[AVAIL_LOCAL_SIZE];

	avail_format_local(tz, t, buf, sizeof(buf));
	avail_out_str(o, buf);
}

char *
avail_slots_json(const struct avail_data *d, const struct avail_slot *slots, size_t n)
{
	struct avail_out o = { 0 };

	avail_out_room(&o, 32 + n * 256);
	avail_out_lit(&o, "{\"slots\":[");
	for (size_t i = 0; i < n; i++) {
		const struct avail_slot *sl = &slots[i];
		if (i)
			avail_out_lit(&o, ",");
		avail_out_lit(&o, "{\"start_at\":");
		avail_out_instant(&o, sl->start);
		avail_out_lit(&o, ",\"end_at\":");
		avail_out_instant(&o, sl->end);
		if (d->tz != NULL) {
			avail_out_lit(&o, ",\"start_local\":");
			avail_out_local(&o, d->tz, sl->start);
			avail_out_lit(&o, ",\"end_local\":");
			avail_out_local(&o, d->tz, sl->end);
		}
		avail_out_lit(&o, ",\"room_id\":");
		avail_out_str(&o, d->rooms[sl->room].id);
		avail_out_lit(&o, ",\"price_cents\":");
		avail_out_int(&o, sl->price_cents);
		avail_out_lit(&o, ",\"staff_ids\":[");
		for (size_t k = 0; k < sl->nstaff; k++) {
			if (k)
				avail_out_lit(&o, ",");
			avail_out_str(&o, d->staff[sl->staff[k]].id);
		}
		avail_out_lit(&o, "]}");
	}
	avail_out_lit(&o, "]}");
	return o.p;
}

/* ---- claims changed in place ---- */

/* own (NULL: none yet), or a larger copy in its place, with room for
 * n + 1 elements of size bytes and holding the n at cur (own itself, or
 * the arena's array the load made). */
static void *
avail_own(void *own, size_t *cap, const void *cur, size_t n, size_t size)
{
	void *p;

	if (own != NULL && n < *cap)
		return own;
	*cap = n * 2 + 8;
	p = xcalloc(*cap, size);
	if (n > 0)
		memcpy(p, cur, n * size);
	free(own);
	return p;
}

/* ch to d's room claims; room is its room's index in d. */
static int
avail_apply_room(struct avail_data *d, const struct avail_claim_change *ch, size_t room)
{
	/* as avail_parse_claims reads a hold's expiry */
	int64_t expires = !ch->hold ? 0 : ch->expires_at == 0 ? -1 : ch->expires_at;
	struct avail_claim *cs;
	size_t i;

	for (i = 0; i < d->nclaims; i++) {
		const struct avail_claim *k = &d->claims[i];
		if (k->room == room && k->start == ch->start && k->end == ch->end &&
		    k->expires_at == expires && strcmp(k->owner_id, ch->owner_id) == 0)
			break;
	}
	if (ch->add == (i < d->nclaims))
		return -1;      /* taken twice, or released without being held */
	cs = d->mem->claims = avail_own(d->mem->claims, &d->mem->claims_cap, d->claims,
	    d->nclaims, sizeof(*cs));
	d->claims = cs;
	if (!ch->add) {
		memmove(&cs[i], &cs[i + 1], (--d->nclaims - i) * sizeof(*cs));
		return 1;
	}
	cs[i] = (struct avail_claim){ .room = room, .start = ch->start, .end = ch->end,
	    .expires_at = expires };
	memcpy(cs[i].owner_id, ch->owner_id, sizeof(cs[i].owner_id));
	d->nclaims++;
	return 1;
}

static int
avail_apply_staff(struct avail_data *d, const struct avail_claim_change *ch, size_t staff)
{
	struct avail_staff_claim *ss;
	size_t i;

	for (i = 0; i < d->nstaff_claims; i++) {
		const struct avail_staff_claim *k = &d->staff_claims[i];
		if (k->staff == staff && k->start == ch->start && k->end == ch->end &&
		    strcmp(k->owner_id, ch->owner_id) == 0)
			break;
	}
	if (ch->add == (i < d->nstaff_claims))
		return -1;
	ss = d->mem->staff_claims = avail_own(d->mem->staff_claims, &d->mem->staff_claims_cap,
	    d->staff_claims, d->nstaff_claims, sizeof(*ss));
	d->staff_claims = ss;
	if (!ch->add) {
		memmove(&ss[i], &ss[i + 1], (--d->nstaff_claims - i) * sizeof(*ss));
		return 1;
	}
	ss[i] = (struct avail_staff_claim){ .staff = staff, .start = ch->start, .end = ch->end };
	memcpy(ss[i].owner_id, ch->owner_id, sizeof(ss[i].owner_id));
	d->nstaff_claims++;
	return 1;
}

int
avail_data_apply(struct avail_data *d, const struct avail_claim_change *ch)
{
	size_t at;

	if (d->mem == NULL) {
		fprintf(stderr, "redlight: avail_data_apply on data not made by avail_data_from_json\n");
		abort();
	}
	/* what the load would not have read: outside its range, or a room or
	 * staff member it does not hold (inactive) */
	if (!(ch->start < d->to && ch->end > d->from))
		return 0;
	if (ch->type == AVAIL_ROOM) {
		if (!avail_find_id(ch->target_id, d->rooms, d->nrooms, sizeof(*d->rooms), &at))
			return 0;
		return avail_apply_room(d, ch, at);
	}
	if (ch->type == AVAIL_STAFF) {
		if (!avail_find_id(ch->target_id, d->staff, d->nstaff, sizeof(*d->staff), &at))
			return 0;
		return avail_apply_staff(d, ch, at);
	}
	return -1;
}
