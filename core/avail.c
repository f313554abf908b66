#include "core/avail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/interval.h"
#include "core/quote.h"
#include "core/xalloc.h"

#define AVAIL_MINUTE 60
#define AVAIL_DAY 86400
#define AVAIL_QUARTER 900
/* Local days whose windows a search builds: its own and the next two. A
 * session of up to a day starting late on the eve of a spring-forward day
 * ends two local days later. */
#define AVAIL_WINDOW_DAYS 3
/* Seconds between offset probes while splitting a day at its zone changes:
 * no zone changes offset twice within half an hour. */
#define AVAIL_PROBE 1800
/* Offset changes one local day can hold, with room to spare. */
#define AVAIL_MAX_SEGS 8

static void *
avail_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	return q;
}

static int64_t
avail_floor_mod(int64_t a, int64_t m)
{
	int64_t r = a % m;

	return r < 0 ? r + m : r;
}

static int
avail_max3(int a, int b, int c)
{
	int m = a > b ? a : b;

	return m > c ? m : c;
}

static int
avail_empty(const char *s)
{
	return s == NULL || *s == '\0';
}

static int
avail_list_has(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* Every tag of need is in have. */
static int
avail_list_covers(const char *const *have, const char *const *need)
{
	for (; need && *need; need++)
		if (!avail_list_has(have, *need))
			return 0;
	return 1;
}

/* ---- local days ---- */

/* A stretch of a local day with one UTC offset. */
struct avail_seg {
	int64_t start, end;
	int off;
};

struct avail_day {
	int64_t dn;          /* days since 1970-01-01 of the local date */
	int wday;
	int64_t start, end;  /* the real instants the local day spans */
	struct avail_seg segs[AVAIL_MAX_SEGS];
	size_t nsegs;
};

/* Split [day->start, day->end) where the zone's offset changes. */
static void
avail_day_split(const struct tz *tz, struct avail_day *day)
{
	int64_t seg_start = day->start, at = day->start, last = day->end - 1;
	int off;

	day->nsegs = 0;
	if (day->end <= day->start)
		return;
	off = tz_utc_offset(tz, at);
	while (at < last) {
		int64_t probe = at + AVAIL_PROBE < last ? at + AVAIL_PROBE : last;
		if (tz_utc_offset(tz, probe) == off) {
			at = probe;
			continue;
		}
		/* the first instant with the new offset lies in (at, probe] */
		int64_t lo = at, hi = probe;
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;
			if (tz_utc_offset(tz, mid) == off)
				lo = mid;
			else
				hi = mid;
		}
		if (day->nsegs < AVAIL_MAX_SEGS - 1)
			day->segs[day->nsegs++] = (struct avail_seg){ seg_start, hi, off };
		seg_start = hi;
		off = tz_utc_offset(tz, hi);
		at = hi;
	}
	day->segs[day->nsegs++] = (struct avail_seg){ seg_start, day->end, off };
}

static void
avail_day_init(const struct tz *tz, int64_t dn, struct avail_day *day)
{
	int64_t year;
	int month, mday;

	tz_civil_from_days(dn, &year, &month, &mday);
	day->dn = dn;
	day->wday = tz_weekday(dn);
	if (tz_local_day_bounds(tz, (int)year, month, mday, &day->start, &day->end, NULL) != 0)
		day->start = day->end = 0;
	avail_day_split(tz, day);
}

static int
avail_rule_applies(const struct avail_rule *r, const struct avail_day *day)
{
	if (!(r->weekdays & (1u << day->wday)))
		return 0;
	if (r->has_from && day->dn < r->from_day)
		return 0;
	if (r->has_to && day->dn > r->to_day)
		return 0;
	return r->start_min < r->end_min;
}

/* Add to s every instant of day whose local clock reads within the rule's
 * hours: per stretch of one offset, wall time is the instant plus it. */
static void
avail_add_rule(struct ivset *s, const struct avail_rule *r, const struct avail_day *day)
{
	int64_t midnight = day->dn * AVAIL_DAY;

	if (!avail_rule_applies(r, day))
		return;
	for (size_t i = 0; i < day->nsegs; i++) {
		const struct avail_seg *g = &day->segs[i];
		int64_t lo = midnight + (int64_t)r->start_min * AVAIL_MINUTE - g->off;
		int64_t hi = midnight + (int64_t)r->end_min * AVAIL_MINUTE - g->off;
		if (lo < g->start)
			lo = g->start;
		if (hi > g->end)
			hi = g->end;
		ivset_add(s, lo, hi);
	}
}

/* avail_rules_cover: whether the rules of (type, target) open t, on day. */
static int
avail_rules_cover(const struct avail_data *d, enum avail_target type, size_t target,
    const struct avail_day *day, int64_t t)
{
	struct ivset *s = ivset_new();
	int in;

	for (size_t i = 0; i < d->nrules; i++) {
		const struct avail_rule *r = &d->rules[i];
		if (r->type == type && (type == AVAIL_STUDIO || r->target == target))
			avail_add_rule(s, r, day);
	}
	in = ivset_contains(s, t, t + 1);
	ivset_free(s);
	return in;
}

int
avail_rules_open(const struct avail_data *d, enum avail_target type, size_t target, int64_t t)
{
	struct avail_day day;
	struct tz_local l;

	tz_to_local(d->tz, t, &l);
	avail_day_init(d->tz, tz_days_from_civil(l.year, l.month, l.day), &day);
	if (!avail_rules_cover(d, type, target, &day, t))
		return 0;
	return type == AVAIL_STUDIO || avail_rules_cover(d, AVAIL_STUDIO, 0, &day, t);
}

/* ---- the sets one request works on ---- */

struct avail_ctx {
	const struct avail_data *d;
	struct avail_day days[AVAIL_WINDOW_DAYS];
	size_t ndays;
	struct ivset **room_win;    /* per room: where sessions may lie; NULL: not wanted */
	struct ivset **staff_win;
	struct ivset **room_busy;   /* per room: live claims */
	struct ivset **staff_busy;
};

static int
avail_claim_live(int64_t expires_at, const char *owner, int64_t now, const char *ignore)
{
	if (expires_at != 0 && expires_at <= now)
		return 0;
	return avail_empty(ignore) || strcmp(owner, ignore) != 0;
}

static void
avail_check_index(size_t i, size_t n, const char *what)
{
	if (i >= n) {
		fprintf(stderr, "redlight: availability data names %s %zu of %zu\n", what, i, n);
		abort();
	}
}

/* Build windows for ndays local days from dn and the claims, for the rooms
 * and staff flagged in want_room and want_staff (either may be NULL: none). */
static void
avail_ctx_build(struct avail_ctx *c, const struct avail_data *d, int64_t dn, size_t ndays,
    const unsigned char *want_room, const unsigned char *want_staff, int64_t now,
    const char *ignore)
{
	struct ivset *studio = ivset_new();

	memset(c, 0, sizeof(*c));
	c->d = d;
	c->ndays = ndays;
	for (size_t i = 0; i < ndays; i++)
		avail_day_init(d->tz, dn + (int64_t)i, &c->days[i]);
	c->room_win = xcalloc(d->nrooms, sizeof(*c->room_win));
	c->room_busy = xcalloc(d->nrooms, sizeof(*c->room_busy));
	c->staff_win = xcalloc(d->nstaff, sizeof(*c->staff_win));
	c->staff_busy = xcalloc(d->nstaff, sizeof(*c->staff_busy));
	for (size_t i = 0; i < d->nrooms; i++)
		if (want_room && want_room[i]) {
			c->room_win[i] = ivset_new();
			c->room_busy[i] = ivset_new();
		}
	for (size_t i = 0; i < d->nstaff; i++)
		if (want_staff && want_staff[i]) {
			c->staff_win[i] = ivset_new();
			c->staff_busy[i] = ivset_new();
		}

	for (size_t i = 0; i < d->nrules; i++) {
		const struct avail_rule *r = &d->rules[i];
		struct ivset *s = NULL;
		if (r->type == AVAIL_STUDIO) {
			s = studio;
		} else if (r->type == AVAIL_ROOM) {
			avail_check_index(r->target, d->nrooms, "room");
			s = c->room_win[r->target];
		} else {
			avail_check_index(r->target, d->nstaff, "staff member");
			s = c->staff_win[r->target];
		}
		for (size_t j = 0; s && j < ndays; j++)
			avail_add_rule(s, r, &c->days[j]);
	}
	for (size_t i = 0; i < d->nexceptions; i++) {
		const struct avail_exception *x = &d->exceptions[i];
		if (x->type == AVAIL_STUDIO) {
			ivset_subtract(studio, x->start, x->end);
			for (size_t j = 0; j < d->nstaff; j++)
				if (c->staff_win[j])
					ivset_subtract(c->staff_win[j], x->start, x->end);
		} else if (x->type == AVAIL_ROOM) {
			avail_check_index(x->target, d->nrooms, "room");
			if (c->room_win[x->target])
				ivset_subtract(c->room_win[x->target], x->start, x->end);
		} else {
			avail_check_index(x->target, d->nstaff, "staff member");
			if (c->staff_win[x->target])
				ivset_subtract(c->staff_win[x->target], x->start, x->end);
		}
	}
	for (size_t i = 0; i < d->nrooms; i++)
		if (c->room_win[i])
			ivset_intersect(c->room_win[i], studio);
	ivset_free(studio);

	for (size_t i = 0; i < d->nclaims; i++) {
		const struct avail_claim *k = &d->claims[i];
		avail_check_index(k->room, d->nrooms, "room");
		if (c->room_busy[k->room] && avail_claim_live(k->expires_at, k->owner_id, now, ignore))
			ivset_add(c->room_busy[k->room], k->start, k->end);
	}
	for (size_t i = 0; i < d->nstaff_claims; i++) {
		const struct avail_staff_claim *k = &d->staff_claims[i];
		avail_check_index(k->staff, d->nstaff, "staff member");
		if (c->staff_busy[k->staff] && avail_claim_live(0, k->owner_id, now, ignore))
			ivset_add(c->staff_busy[k->staff], k->start, k->end);
	}
}

static void
avail_ctx_free(struct avail_ctx *c)
{
	for (size_t i = 0; i < c->d->nrooms; i++) {
		ivset_free(c->room_win[i]);
		ivset_free(c->room_busy[i]);
	}
	for (size_t i = 0; i < c->d->nstaff; i++) {
		ivset_free(c->staff_win[i]);
		ivset_free(c->staff_busy[i]);
	}
	free(c->room_win);
	free(c->room_busy);
	free(c->staff_win);
	free(c->staff_busy);
}

/* ---- lookups ---- */

static const struct avail_room *
avail_find_room(const struct avail_data *d, const char *id)
{
	for (size_t i = 0; i < d->nrooms; i++)
		if (d->rooms[i].active && strcmp(d->rooms[i].id, id) == 0)
			return &d->rooms[i];
	return NULL;
}

static const struct avail_staff *
avail_find_staff(const struct avail_data *d, const char *id)
{
	for (size_t i = 0; i < d->nstaff; i++)
		if (d->staff[i].active && strcmp(d->staff[i].id, id) == 0)
			return &d->staff[i];
	return NULL;
}

/* The service a request names, or the room-only service when it names none. */
static int
avail_pick_service(const struct avail_data *d, const char *id, const struct avail_service **out,
    struct err *e)
{
	const struct avail_service *best = NULL;

	*out = NULL;
	if (!avail_empty(id)) {
		for (size_t i = 0; i < d->nservices; i++)
			if (strcmp(d->services[i].id, id) == 0)
				best = &d->services[i];
		if (best == NULL)
			return err_set(e, ERR_NOT_FOUND, "service_id", "no service %.40s", id);
		if (best->is_addon)
			return err_set(e, ERR_INVALID, "service_id",
			    "%s is an add-on; choose a main service", best->name);
		*out = best;
		return 0;
	}
	for (size_t i = 0; i < d->nservices; i++) {
		const struct avail_service *s = &d->services[i];
		if (s->is_addon || s->requires_engineer)
			continue;
		if (best == NULL || s->base_price_cents < best->base_price_cents)
			best = s;
	}
	if (best == NULL)
		return err_set(e, ERR_INVALID, "service_id",
		    "choose a service: the studio offers no room on its own");
	*out = best;
	return 0;
}

/* A staff member qualifies for svc and the skill asked (may be NULL). */
static int
avail_staff_qualifies(const struct avail_staff *s, const struct avail_service *svc,
    const char *skill)
{
	if (!s->active)
		return 0;
	if (!avail_empty(svc->staff_skill_required) &&
	    !avail_list_has(s->skills, svc->staff_skill_required))
		return 0;
	return avail_empty(skill) || avail_list_has(s->skills, skill);
}

/* ---- search ---- */

struct avail_out {
	struct avail_slot *slots;
	size_t n, cap;
	size_t *offs;       /* each slot's first staff index in idx */
	size_t *idx;
	size_t nidx, capidx;
};

static void
avail_out_push(struct avail_out *o, const struct avail_slot *s, const size_t *staff)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 64;
		o->slots = avail_xrealloc(o->slots, o->cap * sizeof(*o->slots));
		o->offs = avail_xrealloc(o->offs, o->cap * sizeof(*o->offs));
	}
	if (o->nidx + s->nstaff > o->capidx) {
		while (o->nidx + s->nstaff > o->capidx)
			o->capidx = o->capidx ? o->capidx * 2 : 64;
		o->idx = avail_xrealloc(o->idx, o->capidx * sizeof(*o->idx));
	}
	o->slots[o->n] = *s;
	o->offs[o->n] = o->nidx;
	if (s->nstaff)
		memcpy(o->idx + o->nidx, staff, s->nstaff * sizeof(*staff));
	o->nidx += s->nstaff;
	o->n++;
}

/* One block: the slots, then every slot's staff indexes. */
static struct avail_slot *
avail_out_detach(struct avail_out *o)
{
	struct avail_slot *blk = NULL;

	if (o->n) {
		blk = avail_xrealloc(NULL, o->n * sizeof(*blk) + o->nidx * sizeof(size_t));
		size_t *idx = (size_t *)(void *)(blk + o->n);
		memcpy(blk, o->slots, o->n * sizeof(*blk));
		if (o->nidx)
			memcpy(idx, o->idx, o->nidx * sizeof(size_t));
		for (size_t i = 0; i < o->n; i++)
			blk[i].staff = blk[i].nstaff ? idx + o->offs[i] : NULL;
	}
	free(o->slots);
	free(o->offs);
	free(o->idx);
	return blk;
}

/* The setup and teardown, in seconds, of a session in room for svc with the
 * staff member st (NULL: none): the largest of their buffers. */
static void
avail_buffers(const struct avail_room *room, const struct avail_service *svc,
    const struct avail_staff *st, int64_t *before, int64_t *after)
{
	*before = (int64_t)avail_max3(room->buffer_before_min, svc->buffer_before_min,
	    st ? st->buffer_before_min : 0) * AVAIL_MINUTE;
	*after = (int64_t)avail_max3(room->buffer_after_min, svc->buffer_after_min,
	    st ? st->buffer_after_min : 0) * AVAIL_MINUTE;
}

static int
avail_duration(const struct avail_service *svc, int requested, int *minutes, int *units,
    struct err *e)
{
	int dur;

	if (requested < 1 || requested > AVAIL_MAX_DURATION_MIN)
		return err_set_reason(e, ERR_INVALID, ERR_REASON_DURATION, "duration_min",
		    "%d minutes is not between 1 and %d", requested,
		    AVAIL_MAX_DURATION_MIN);
	dur = requested > svc->default_duration_min ? requested : svc->default_duration_min;
	if (quote_session_units(dur, svc->default_duration_min, AVAIL_MAX_DURATION_MIN, units, e) != 0)
		return ERR_INVALID;
	*minutes = dur;
	return 0;
}

int
avail_search(const struct avail_data *d, const struct avail_query *q,
    struct avail_slot **out, size_t *n, struct err *e)
{
	const struct avail_service *svc;
	const struct avail_room *only = NULL;
	unsigned char *want_room, *want_staff;
	size_t *offer, nqual = 0;
	struct avail_out o = { 0 };
	struct avail_ctx c;
	int64_t dn, earliest, horizon, len;
	int minutes = 0, units = 0, need_staff, rc;

	*out = NULL;
	*n = 0;
	if (!tz_date_valid(q->year, q->month, q->day))
		return err_set(e, ERR_INVALID, "date", "%04d-%02d-%02d is not a date", q->year,
		    q->month, q->day);
	if ((rc = avail_pick_service(d, q->service_id, &svc, e)) != 0)
		return rc;
	if (!avail_empty(q->room_id) && (only = avail_find_room(d, q->room_id)) == NULL)
		return err_set(e, ERR_NOT_FOUND, "room_id", "no room %.40s", q->room_id);
	if ((rc = avail_duration(svc, q->duration_min, &minutes, &units, e)) != 0)
		return rc;

	need_staff = svc->requires_engineer || !avail_empty(q->staff_skill);
	want_room = xcalloc(d->nrooms, 1);
	want_staff = xcalloc(d->nstaff, 1);
	offer = xcalloc(d->nstaff, sizeof(*offer));
	for (size_t i = 0; i < d->nrooms; i++)
		want_room[i] = d->rooms[i].active && (only == NULL || only == &d->rooms[i]) &&
		    avail_list_covers(d->rooms[i].tags, svc->room_tags);
	for (size_t i = 0; need_staff && i < d->nstaff; i++)
		if (avail_staff_qualifies(&d->staff[i], svc, q->staff_skill)) {
			want_staff[i] = 1;
			nqual++;
		}

	dn = tz_days_from_civil(q->year, q->month, q->day);
	earliest = q->now + (int64_t)d->lead_time_min * AVAIL_MINUTE;
	horizon = q->now + (int64_t)d->horizon_days * AVAIL_DAY;
	len = (int64_t)minutes * AVAIL_MINUTE;
	/* a skill nobody has: no slots, not an error */
	if (need_staff && nqual == 0)
		goto none;
	avail_ctx_build(&c, d, dn, AVAIL_WINDOW_DAYS, want_room, want_staff, q->now, NULL);

	const struct avail_day *day = &c.days[0];
	for (size_t g = 0; g < day->nsegs; g++) {
		const struct avail_seg *seg = &day->segs[g];
		int64_t t = seg->start, r = avail_floor_mod(t + seg->off, AVAIL_QUARTER);
		if (r)
			t += AVAIL_QUARTER - r;
		for (; t < seg->end; t += AVAIL_QUARTER) {
			if (t < earliest)
				continue;
			if (t >= horizon)
				goto done;
			for (size_t ri = 0; ri < d->nrooms; ri++) {
				const struct avail_room *room = &d->rooms[ri];
				struct avail_slot s = { .start = t, .end = t + len, .room = ri,
				    .price_cents = svc->base_price_cents * units };
				if (!want_room[ri] || !ivset_contains(c.room_win[ri], s.start, s.end))
					continue;
				int64_t b, a;
				if (!need_staff) {
					avail_buffers(room, svc, NULL, &b, &a);
					if (!ivset_overlaps(c.room_busy[ri], s.start - b, s.end + a))
						avail_out_push(&o, &s, NULL);
					continue;
				}
				for (size_t k = 0; k < d->nstaff; k++) {
					if (!want_staff[k] || !ivset_contains(c.staff_win[k], s.start, s.end))
						continue;
					avail_buffers(room, svc, &d->staff[k], &b, &a);
					if (ivset_overlaps(c.room_busy[ri], s.start - b, s.end + a) ||
					    ivset_overlaps(c.staff_busy[k], s.start - b, s.end + a))
						continue;
					offer[s.nstaff++] = k;
				}
				if (s.nstaff)
					avail_out_push(&o, &s, offer);
			}
		}
	}
done:
	avail_ctx_free(&c);
none:
	free(want_room);
	free(want_staff);
	free(offer);
	*n = o.n;
	*out = avail_out_detach(&o);
	return 0;
}

/* The first candidate start of day at or after at (aligned as in
 * avail_search), or INT64_MAX when there is none. */
static int64_t
avail_next_start(const struct avail_day *day, int64_t at)
{
	for (size_t g = 0; g < day->nsegs; g++) {
		const struct avail_seg *seg = &day->segs[g];
		int64_t t = seg->start > at ? seg->start : at;
		int64_t r = avail_floor_mod(t + seg->off, AVAIL_QUARTER);

		if (r)
			t += AVAIL_QUARTER - r;
		if (t < seg->end)
			return t;
	}
	return INT64_MAX;
}

int64_t
avail_search_valid_until(const struct avail_data *d, const struct avail_query *q)
{
	int64_t lead = (int64_t)d->lead_time_min * AVAIL_MINUTE;
	int64_t ahead = (int64_t)d->horizon_days * AVAIL_DAY;
	int64_t until = INT64_MAX, t;
	struct avail_day day;

	if (!tz_date_valid(q->year, q->month, q->day))
		return until;
	avail_day_init(d->tz, tz_days_from_civil(q->year, q->month, q->day), &day);
	/* the first start still shown drops out once now + lead passes it */
	if ((t = avail_next_start(&day, q->now + lead)) != INT64_MAX && t - lead + 1 < until)
		until = t - lead + 1;
	/* the first start past the horizon comes in once now + ahead passes it */
	if ((t = avail_next_start(&day, q->now + ahead)) != INT64_MAX && t - ahead + 1 < until)
		until = t - ahead + 1;
	for (size_t i = 0; i < d->nclaims; i++) {
		int64_t x = d->claims[i].expires_at;
		if (x != 0 && x > q->now && x < until)
			until = x;
	}
	return until;
}

/* ---- one exact booking ---- */

/* Why [start, end) is not in room's window: a blackout, or the hours. */
static int
avail_closed(const struct avail_data *d, size_t room, int64_t start, int64_t end, struct err *e)
{
	for (size_t i = 0; i < d->nexceptions; i++) {
		const struct avail_exception *x = &d->exceptions[i];
		if (x->start >= end || x->end <= start)
			continue;
		if (x->type == AVAIL_STUDIO || (x->type == AVAIL_ROOM && x->target == room))
			return err_set(e, ERR_CONFLICT, "start_at", "%s is closed then%s%s%s",
			    x->type == AVAIL_STUDIO ? "the studio" : d->rooms[room].name,
			    avail_empty(x->reason) ? "" : " (", avail_empty(x->reason) ? "" : x->reason,
			    avail_empty(x->reason) ? "" : ")");
	}
	return err_set(e, ERR_CONFLICT, "start_at", "that time is outside working hours for %s",
	    d->rooms[room].name);
}

static int64_t
avail_local_dn(const struct tz *tz, int64_t t)
{
	struct tz_local l;

	tz_to_local(tz, t, &l);
	return tz_days_from_civil(l.year, l.month, l.day);
}

/* The part of a booking every check needs: its room and service (the
 * room-only one when none is named), the staff it names (all of them in
 * d), the widest buffers among them and whether one of the staff has the
 * service's skill. */
struct avail_prep {
	const struct avail_room *room;
	const struct avail_service *svc;
	int before, after;         /* minutes */
	int has_skill;
	int64_t from, until;       /* the session widened by the buffers */
};

static int
avail_prep(const struct avail_data *d, const struct avail_booking *b, struct avail_prep *p,
    struct err *e)
{
	int rc;

	memset(p, 0, sizeof(*p));
	if (avail_empty(b->room_id) || (p->room = avail_find_room(d, b->room_id)) == NULL)
		return err_set(e, ERR_NOT_FOUND, "room_id", "no room %.40s",
		    b->room_id ? b->room_id : "");
	if ((rc = avail_pick_service(d, b->service_id, &p->svc, e)) != 0)
		return rc;
	p->before = avail_max3(p->room->buffer_before_min, p->svc->buffer_before_min, 0);
	p->after = avail_max3(p->room->buffer_after_min, p->svc->buffer_after_min, 0);
	for (const char *const *id = b->staff_ids; id && *id; id++) {
		const struct avail_staff *st = avail_find_staff(d, *id);
		if (st == NULL)
			return err_set(e, ERR_NOT_FOUND, "staff_ids", "no staff member %.40s", *id);
		p->before = avail_max3(p->before, st->buffer_before_min, 0);
		p->after = avail_max3(p->after, st->buffer_after_min, 0);
		if (avail_staff_qualifies(st, p->svc, NULL))
			p->has_skill = 1;
	}
	p->from = b->start - (int64_t)p->before * AVAIL_MINUTE;
	p->until = b->end + (int64_t)p->after * AVAIL_MINUTE;
	return 0;
}

/* avail_skill_missing: the error for a service that needs an engineer
 * none of the booking's staff can be. */
static int
avail_skill_missing(const struct avail_service *svc, struct err *e)
{
	return err_set(e, ERR_INVALID, "staff_ids", "%s needs an engineer%s%s", svc->name,
	    avail_empty(svc->staff_skill_required) ? "" : " skilled in ",
	    avail_empty(svc->staff_skill_required) ? "" : svc->staff_skill_required);
}

/* avail_staff_fit: whether each staff member b names works all of b's
 * session and (when busy) is free over p's widened range, by c (built for
 * them). */
static int
avail_staff_fit(const struct avail_ctx *c, const struct avail_data *d,
    const struct avail_booking *b, const struct avail_prep *p, int busy, struct err *e)
{
	for (const char *const *id = b->staff_ids; id && *id; id++) {
		size_t k = (size_t)(avail_find_staff(d, *id) - d->staff);
		if (!ivset_contains(c->staff_win[k], b->start, b->end))
			return err_set(e, ERR_CONFLICT, "staff_ids", "%s is not working then", d->staff[k].name);
		if (busy && ivset_overlaps(c->staff_busy[k], p->from, p->until))
			return err_set(e, ERR_CONFLICT, "staff_ids", "%s is not free then", d->staff[k].name);
	}
	return 0;
}

/* avail_ctx_for: the windows of b's days for its room (when want_room)
 * and its staff. */
static void
avail_ctx_for(struct avail_ctx *c, const struct avail_data *d, const struct avail_booking *b,
    const struct avail_prep *p, int want_room, int64_t now, unsigned char **rooms,
    unsigned char **staff)
{
	int64_t dn0 = avail_local_dn(d->tz, b->start), dn1 = avail_local_dn(d->tz, b->end - 1);

	if (dn1 < dn0 || dn1 - dn0 >= AVAIL_WINDOW_DAYS)
		dn1 = dn0 + AVAIL_WINDOW_DAYS - 1;
	*rooms = xcalloc(d->nrooms, 1);
	*staff = xcalloc(d->nstaff, 1);
	if (want_room)
		(*rooms)[p->room - d->rooms] = 1;
	for (const char *const *id = b->staff_ids; id && *id; id++)
		(*staff)[avail_find_staff(d, *id) - d->staff] = 1;
	avail_ctx_build(c, d, dn0, (size_t)(dn1 - dn0 + 1), *rooms, *staff, now, b->ignore_owner_id);
}

int
avail_check_booking(const struct avail_data *d, const struct avail_booking *b, int64_t now,
    int64_t *blocked_from, int64_t *blocked_until, struct err *e)
{
	struct avail_prep p;
	unsigned char *want_room = NULL, *want_staff = NULL;
	struct avail_ctx c;
	size_t ri;
	int minutes, units, rc;

	if ((rc = avail_prep(d, b, &p, e)) != 0)
		return rc;
	ri = (size_t)(p.room - d->rooms);
	if (blocked_from)
		*blocked_from = p.from;
	if (blocked_until)
		*blocked_until = p.until;

	if (b->end <= b->start)
		return err_set(e, ERR_INVALID, "end_at", "the session must end after it starts");
	if ((b->end - b->start) % AVAIL_MINUTE != 0 ||
	    b->end - b->start > (int64_t)AVAIL_MAX_DURATION_MIN * AVAIL_MINUTE)
		return err_set_reason(e, ERR_INVALID, ERR_REASON_DURATION, "duration_min",
		    "a session lasts whole minutes, at most %d", AVAIL_MAX_DURATION_MIN);
	minutes = (int)((b->end - b->start) / AVAIL_MINUTE);
	if (quote_session_units(minutes, p.svc->default_duration_min, AVAIL_MAX_DURATION_MIN,
	    &units, e) != 0)
		return ERR_INVALID;
	if (!avail_list_covers(p.room->tags, p.svc->room_tags))
		return err_set(e, ERR_INVALID, "room_id", "%s is not set up for %s", p.room->name,
		    p.svc->name);
	if (p.svc->requires_engineer && !p.has_skill)
		return avail_skill_missing(p.svc, e);
	if (avail_floor_mod(b->start + tz_utc_offset(d->tz, b->start), AVAIL_QUARTER) != 0)
		return err_set(e, ERR_INVALID, "start_at", "sessions start on the quarter hour");
	if (b->start < now + (int64_t)d->lead_time_min * AVAIL_MINUTE)
		return err_set(e, ERR_CONFLICT, "start_at",
		    "that start is inside the lead time: book at least %d minutes ahead", d->lead_time_min);
	if (b->start >= now + (int64_t)d->horizon_days * AVAIL_DAY)
		return err_set(e, ERR_CONFLICT, "start_at",
		    "that start is past the booking horizon of %d days", d->horizon_days);

	avail_ctx_for(&c, d, b, &p, 1, now, &want_room, &want_staff);
	rc = 0;
	if (!ivset_contains(c.room_win[ri], b->start, b->end))
		rc = avail_closed(d, ri, b->start, b->end, e);
	else if (ivset_overlaps(c.room_busy[ri], p.from, p.until))
		rc = err_set(e, ERR_CONFLICT, "start_at", "%s is taken at that time", p.room->name);
	if (rc == 0)
		rc = avail_staff_fit(&c, d, b, &p, 1, e);
	avail_ctx_free(&c);
	free(want_room);
	free(want_staff);
	return rc;
}

int
avail_check_staff(const struct avail_data *d, const struct avail_booking *b, int64_t now,
    struct err *e)
{
	struct avail_prep p;
	unsigned char *want_room = NULL, *want_staff = NULL;
	struct avail_ctx c;
	int rc;

	if ((rc = avail_prep(d, b, &p, e)) != 0)
		return rc;
	if (b->end <= b->start)
		return err_set(e, ERR_INVALID, "end_at", "the session must end after it starts");
	if (b->staff_ids == NULL || b->staff_ids[0] == NULL)
		return 0;
	if (p.svc->requires_engineer && !p.has_skill)
		return avail_skill_missing(p.svc, e);
	avail_ctx_for(&c, d, b, &p, 0, now, &want_room, &want_staff);
	rc = avail_staff_fit(&c, d, b, &p, 0, e);
	avail_ctx_free(&c);
	free(want_room);
	free(want_staff);
	return rc;
}

int
avail_check(const struct avail_data *d, const char *room_id, const char *service_id,
    const char *const *staff_ids, int64_t start, int64_t end, int64_t now,
    int64_t *blocked_from, int64_t *blocked_until, struct err *e)
{
	struct avail_booking b = {
		.room_id = room_id, .service_id = service_id, .staff_ids = staff_ids,
		.start = start, .end = end, .ignore_owner_id = NULL,
	};

	return avail_check_booking(d, &b, now, blocked_from, blocked_until, e);
}

int
avail_day_range(const struct tz *tz, int year, int month, int day, int64_t *from,
    int64_t *to, struct err *e)
{
	int64_t start, end;
	int rc = tz_local_day_bounds(tz, year, month, day, &start, &end, e);

	if (rc != 0)
		return rc;
	*from = start - AVAIL_DAY;
	*to = end + 2 * AVAIL_DAY;
	return 0;
}
