#include "core/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define TZ_DAY 86400
#define TZ_HOUR 3600

/* RFC 8536 bounds UT offsets to -89999..93599, so a wall-clock time maps to
 * instants no further than this from the same reading taken as UTC. */
#define TZ_MAX_ABS_OFFSET 93599
#define TZ_SEARCH_WINDOW (TZ_MAX_ABS_OFFSET + TZ_HOUR)

/* A POSIX TZ string names its zone by 3 or more characters; more than this
 * is not a real zone. */
#define TZ_ABBR_MAX 15

/* The rule time when a POSIX TZ string gives none: 02:00 local. */
#define TZ_RULE_DEFAULT_TIME (2 * TZ_HOUR)

struct tz_type {
	int32_t utoff;               /* seconds east of UTC */
	int isdst;
	char abbr[TZ_ABBR_MAX + 1];
};

enum tz_rdate_kind {
	TZ_RDATE_JULIAN,   /* Jn: day 1..365, February 29 never counted */
	TZ_RDATE_ZERO,     /* n: day 0..365, February 29 counted */
	TZ_RDATE_MWD,      /* Mm.w.d: weekday d of week w (5 = last) of month m */
};

struct tz_rdate {
	enum tz_rdate_kind kind;
	int n;             /* Jn or n */
	int month, week, wday;
	int32_t secs;      /* local time of day of the change, may pass 24 h */
};

struct tz_rule {
	struct tz_type std;
	struct tz_type dst;
	int has_dst;
	struct tz_rdate start;  /* into DST, in standard local time */
	struct tz_rdate end;    /* out of DST, in DST local time */
};

struct tz {
	char *name;
	int64_t *trans;           /* ascending */
	unsigned char *trans_type;
	size_t ntrans;
	struct tz_type *types;    /* types[0] also rules before trans[0] */
	size_t ntypes;
	int has_rule;             /* the footer rules past the last transition */
	struct tz_rule rule;
};

/* --- memory ----------------------------------------------------------- */

static void
tz_set_abbr(char *dst, const char *src, size_t n)
{
	if (n > TZ_ABBR_MAX)
		n = TZ_ABBR_MAX;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* --- civil dates ------------------------------------------------------ */

static int64_t
tz_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t
tz_days_from_civil(int64_t year, int month, int day)
{
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
tz_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);

	if (year)
		*year = yoe + era * 400 + (m <= 2);
	if (month)
		*month = m;
	if (day)
		*day = d;
}

int
tz_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday. */
	int64_t w = (days + 4) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

void
tz_fields_of(int64_t t, struct tz_fields *out)
{
	int64_t days = tz_floor_div(t, TZ_DAY), secs = t - days * TZ_DAY;

	tz_civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (int)(secs / 3600);
	out->minute = (int)(secs / 60 % 60);
	out->second = (int)(secs % 60);
	out->weekday = tz_weekday(days);
}

const char *
tz_weekday_abbr(int weekday)
{
	static const char names[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

	return weekday >= 0 && weekday < 7 ? names[weekday] : "";
}

const char *
tz_month_abbr(int month)
{
	static const char names[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
		"Nov", "Dec" };

	return month >= 1 && month <= 12 ? names[month - 1] : "";
}

int
tz_is_leap_year(int64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
tz_days_in_month(int64_t year, int month)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && tz_is_leap_year(year))
		return 29;
	return dim[month - 1];
}

int
tz_date_valid(int year, int month, int day)
{
	return year >= 1 && year <= 9999 && day >= 1 && day <= tz_days_in_month(year, month);
}

/* --- POSIX TZ rules --------------------------------------------------- */

/* The local instant (seconds since the epoch, as if local were UTC) at which
 * the rule date d falls in year. */
static int64_t
tz_rdate_local(int64_t year, const struct tz_rdate *d)
{
	int64_t jan1 = tz_days_from_civil(year, 1, 1), days;

	switch (d->kind) {
	case TZ_RDATE_JULIAN:
		days = jan1 + d->n - 1 + (tz_is_leap_year(year) && d->n >= 60);
		break;
	case TZ_RDATE_ZERO:
		days = jan1 + d->n;
		break;
	default: {
		int64_t first = tz_days_from_civil(year, d->month, 1);
		int dim = tz_days_in_month(year, d->month);
		int mday = 1 + (d->wday - tz_weekday(first) + 7) % 7 + (d->week - 1) * 7;

		while (mday > dim)
			mday -= 7;
		days = first + mday - 1;
		break;
	}
	}
	return days * TZ_DAY + d->secs;
}

struct tz_edge {
	int64_t at;     /* UTC */
	int into_dst;
};

/* The rule's changes in years y0..y0+n-1, sorted; on a tie the change out of
 * DST sorts first, so a rule that ends and restarts DST at the same instant
 * (all-year DST) stays in DST. Returns how many were written (2n). */
static size_t
tz_rule_edges(const struct tz_rule *r, int64_t y0, int n, struct tz_edge *out)
{
	size_t k = 0;

	for (int i = 0; i < n; i++) {
		out[k].at = tz_rdate_local(y0 + i, &r->start) - r->std.utoff;
		out[k++].into_dst = 1;
		out[k].at = tz_rdate_local(y0 + i, &r->end) - r->dst.utoff;
		out[k++].into_dst = 0;
	}
	/* Insertion sort: a handful of items. */
	for (size_t i = 1; i < k; i++) {
		struct tz_edge x = out[i];
		size_t j = i;

		while (j > 0 && (out[j - 1].at > x.at ||
		    (out[j - 1].at == x.at && out[j - 1].into_dst && !x.into_dst))) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = x;
	}
	return k;
}

#define TZ_EDGE_YEARS 4

static int64_t
tz_year_of(int64_t t)
{
	int64_t y;

	tz_civil_from_days(tz_floor_div(t, TZ_DAY), &y, NULL, NULL);
	return y;
}

static const struct tz_type *
tz_rule_type_at(const struct tz_rule *r, int64_t t)
{
	struct tz_edge edges[2 * TZ_EDGE_YEARS];
	size_t n;
	const struct tz_type *cur = &r->std;

	if (!r->has_dst)
		return &r->std;
	/* Two years back: a rule time may reach up to a week past its date. */
	n = tz_rule_edges(r, tz_year_of(t) - 2, TZ_EDGE_YEARS, edges);
	for (size_t i = 0; i < n && edges[i].at <= t; i++)
		cur = edges[i].into_dst ? &r->dst : &r->std;
	return cur;
}

/* The first change of the rule strictly after t, or INT64_MAX. */
static int64_t
tz_rule_next(const struct tz_rule *r, int64_t t)
{
	struct tz_edge edges[2 * TZ_EDGE_YEARS];
	size_t n;

	if (!r->has_dst)
		return INT64_MAX;
	n = tz_rule_edges(r, tz_year_of(t) - 1, TZ_EDGE_YEARS, edges);
	for (size_t i = 0; i < n; i++)
		if (edges[i].at > t)
			return edges[i].at;
	return INT64_MAX;
}

/* POSIX TZ string parsing.  p walks the string; each helper returns 0 or -1. */

static int
tz_posix_num(const char **p, int min, int max, int *out)
{
	const char *s = *p;
	int v = 0, nd = 0;

	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		s++;
		if (++nd > 4)
			return -1;
	}
	if (nd == 0 || v < min || v > max)
		return -1;
	*p = s;
	*out = v;
	return 0;
}

static int
tz_posix_name(const char **p, struct tz_type *t)
{
	const char *s = *p, *b;

	if (*s == '<') {
		b = ++s;
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '+' || *s == '-')
			s++;
		if (*s != '>' || s - b < 3)
			return -1;
		tz_set_abbr(t->abbr, b, (size_t)(s - b));
		*p = s + 1;
		return 0;
	}
	b = s;
	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
		s++;
	if (s - b < 3)
		return -1;
	tz_set_abbr(t->abbr, b, (size_t)(s - b));
	*p = s;
	return 0;
}

/* [+-]hh[:mm[:ss]] with hh up to maxh; *secs keeps the written sign. */
static int
tz_posix_hms(const char **p, int maxh, int32_t *secs)
{
	const char *s = *p;
	int sign = 1, h, m = 0, sec = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (tz_posix_num(&s, 0, maxh, &h) != 0)
		return -1;
	if (*s == ':') {
		s++;
		if (tz_posix_num(&s, 0, 59, &m) != 0)
			return -1;
		if (*s == ':') {
			s++;
			if (tz_posix_num(&s, 0, 59, &sec) != 0)
				return -1;
		}
	}
	*secs = sign * (h * TZ_HOUR + m * 60 + sec);
	*p = s;
	return 0;
}

static int
tz_posix_rdate(const char **p, struct tz_rdate *d)
{
	const char *s = *p;

	memset(d, 0, sizeof(*d));
	if (*s == 'J') {
		s++;
		d->kind = TZ_RDATE_JULIAN;
		if (tz_posix_num(&s, 1, 365, &d->n) != 0)
			return -1;
	} else if (*s == 'M') {
		s++;
		d->kind = TZ_RDATE_MWD;
		if (tz_posix_num(&s, 1, 12, &d->month) != 0 || *s++ != '.' ||
		    tz_posix_num(&s, 1, 5, &d->week) != 0 || *s++ != '.' ||
		    tz_posix_num(&s, 0, 6, &d->wday) != 0)
			return -1;
	} else {
		d->kind = TZ_RDATE_ZERO;
		if (tz_posix_num(&s, 0, 365, &d->n) != 0)
			return -1;
	}
	d->secs = TZ_RULE_DEFAULT_TIME;
	if (*s == '/') {
		s++;
		/* RFC 8536 3.3.1: hours may be signed and reach 167. */
		if (tz_posix_hms(&s, 167, &d->secs) != 0)
			return -1;
	}
	*p = s;
	return 0;
}

static int
tz_posix_parse(const char *spec, struct tz_rule *r)
{
	const char *s = spec;
	int32_t off;

	memset(r, 0, sizeof(*r));
	if (tz_posix_name(&s, &r->std) != 0 || tz_posix_hms(&s, 24, &off) != 0)
		return -1;
	/* POSIX offsets count hours west of Greenwich. */
	r->std.utoff = -off;
	if (*s == '\0')
		return 0;
	if (tz_posix_name(&s, &r->dst) != 0)
		return -1;
	r->has_dst = 1;
	r->dst.isdst = 1;
	r->dst.utoff = r->std.utoff + TZ_HOUR;
	if (*s != ',' && *s != '\0') {
		if (tz_posix_hms(&s, 24, &off) != 0)
			return -1;
		r->dst.utoff = -off;
	}
	if (*s == '\0') {
		/* No rule given: POSIX leaves it to us; use the US rules, as
		 * glibc does. */
		s = ",M3.2.0,M11.1.0";
	}
	if (*s++ != ',' || tz_posix_rdate(&s, &r->start) != 0 || *s++ != ',' ||
	    tz_posix_rdate(&s, &r->end) != 0 || *s != '\0')
		return -1;
	return 0;
}

/* --- zone lookup ------------------------------------------------------ */

static const struct tz_type *
tz_type_at(const struct tz *tz, int64_t t)
{
	size_t lo, hi;

	if (tz->ntrans == 0 || t >= tz->trans[tz->ntrans - 1]) {
		if (tz->has_rule)
			return tz_rule_type_at(&tz->rule, t);
		if (tz->ntrans == 0)
			return &tz->types[0];
		return &tz->types[tz->trans_type[tz->ntrans - 1]];
	}
	if (t < tz->trans[0])
		return &tz->types[0];
	/* The last transition at or before t. */
	lo = 0;
	hi = tz->ntrans - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;
		if (tz->trans[mid] <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	return &tz->types[tz->trans_type[lo]];
}

/* The first instant after t at which the zone may change, or INT64_MAX. */
static int64_t
tz_next_change(const struct tz *tz, int64_t t)
{
	size_t lo, hi;

	if (tz->ntrans == 0 || t >= tz->trans[tz->ntrans - 1])
		return tz->has_rule ? tz_rule_next(&tz->rule, t) : INT64_MAX;
	lo = 0;
	hi = tz->ntrans - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->trans[mid] > t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return tz->trans[lo];
}

static int64_t
tz_clamp(int64_t t)
{
	if (t < TZ_MIN_INSTANT)
		return TZ_MIN_INSTANT;
	if (t > TZ_MAX_INSTANT)
		return TZ_MAX_INSTANT;
	return t;
}

int
tz_utc_offset(const struct tz *tz, int64_t utc)
{
	return tz_type_at(tz, tz_clamp(utc))->utoff;
}

void
tz_to_local(const struct tz *tz, int64_t utc, struct tz_local *out)
{
	const struct tz_type *ty;
	int64_t t = tz_clamp(utc), local, days, secs, year;

	ty = tz_type_at(tz, t);
	local = t + ty->utoff;
	days = tz_floor_div(local, TZ_DAY);
	secs = local - days * TZ_DAY;
	tz_civil_from_days(days, &year, &out->month, &out->day);
	out->year = (int)year;
	out->hour = (int)(secs / TZ_HOUR);
	out->minute = (int)(secs / 60 % 60);
	out->second = (int)(secs % 60);
	out->wday = tz_weekday(days);
	out->utc_offset = ty->utoff;
	out->is_dst = ty->isdst;
	memcpy(out->abbr, ty->abbr, sizeof(out->abbr));
}

/* Every instant at which the wall clock reads local (seconds since the
 * epoch as if local were UTC), in order, and the first gap that skips it. */
struct tz_resolution {
	int64_t cand[4];
	int ncand;
	int in_gap;
	int64_t gap_at;       /* the transition that skips local */
	int64_t gap_shifted;  /* local read with the offset before the gap */
};

static void
tz_resolve(const struct tz *tz, int64_t local, struct tz_resolution *r)
{
	int64_t t = local - TZ_SEARCH_WINDOW, hi = local + TZ_SEARCH_WINDOW;
	int32_t off = tz_type_at(tz, t)->utoff;

	memset(r, 0, sizeof(*r));
	/* Walk the zone's periods across the window; a bound on the steps
	 * guards against data with absurdly many changes in two days. */
	for (int step = 0; step < 256; step++) {
		int64_t next = tz_next_change(tz, t), c = local - off;
		int32_t noff;

		if (c >= t && c < next && r->ncand < 4)
			r->cand[r->ncand++] = c;
		if (next > hi)
			break;
		noff = tz_type_at(tz, next)->utoff;
		if (!r->in_gap && local - off >= next && local - noff < next) {
			r->in_gap = 1;
			r->gap_at = next;
			r->gap_shifted = local - off;
		}
		t = next;
		off = noff;
	}
}

int
tz_from_local(const struct tz *tz, int year, int month, int day, int hour,
    int minute, int second, enum tz_pick pick, int64_t *out, struct err *e)
{
	struct tz_resolution r;
	int64_t local, res;

	if (!tz_date_valid(year, month, day))
		return err_set(e, ERR_INVALID, "date", "%04d-%02d-%02d is not a date", year,
		    month, day);
	if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
		return err_set(e, ERR_INVALID, "time", "%02d:%02d:%02d is not a time of day",
		    hour, minute, second);
	local = tz_days_from_civil(year, month, day) * TZ_DAY + hour * TZ_HOUR +
	    minute * 60 + second;
	tz_resolve(tz, local, &r);
	if (r.ncand == 0) {
		if (pick != TZ_SHIFT_FORWARD || !r.in_gap)
			return err_set(e, ERR_INVALID, "time",
			    "%04d-%02d-%02d %02d:%02d does not exist in %s: the clocks skip it",
			    year, month, day, hour, minute, tz_name(tz));
		res = r.gap_shifted;
	} else if (r.ncand > 1 && pick == TZ_STRICT) {
		return err_set(e, ERR_INVALID, "time",
		    "%04d-%02d-%02d %02d:%02d happens twice in %s: the clocks go back",
		    year, month, day, hour, minute, tz_name(tz));
	} else {
		res = pick == TZ_LATER ? r.cand[r.ncand - 1] : r.cand[0];
	}
	if (res < TZ_MIN_INSTANT || res > TZ_MAX_INSTANT)
		return err_set(e, ERR_INVALID, "date", "%04d-%02d-%02d is out of range", year,
		    month, day);
	*out = res;
	return 0;
}

/* The first instant of local day days (since the epoch). */
static int64_t
tz_day_start(const struct tz *tz, int64_t days)
{
	struct tz_resolution r;

	tz_resolve(tz, days * TZ_DAY, &r);
	if (r.ncand > 0)
		return r.cand[0];
	if (r.in_gap)
		return r.gap_at;
	/* Unreachable with valid data: a skipped time always has a gap. */
	return days * TZ_DAY - tz_type_at(tz, days * TZ_DAY)->utoff;
}

int
tz_local_day_bounds(const struct tz *tz, int year, int month, int day, int64_t *start,
    int64_t *end, struct err *e)
{
	int64_t days;

	if (!tz_date_valid(year, month, day))
		return err_set(e, ERR_INVALID, "date", "%04d-%02d-%02d is not a date", year,
		    month, day);
	days = tz_days_from_civil(year, month, day);
	if (start)
		*start = tz_day_start(tz, days);
	if (end)
		*end = tz_day_start(tz, days + 1);
	return 0;
}

/* --- zones ------------------------------------------------------------ */

static struct tz *
tz_alloc(const char *name)
{
	struct tz *tz = xcalloc(1, sizeof(*tz));

	tz->name = xstrdup(name ? name : "");
	return tz;
}

void
tz_free(struct tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->name);
	free(tz->trans);
	free(tz->trans_type);
	free(tz->types);
	free(tz);
}

const char *
tz_name(const struct tz *tz)
{
	return tz->name;
}

struct tz *
tz_new_utc(void)
{
	struct tz *tz = tz_alloc("UTC");

	tz->types = xcalloc(1, sizeof(*tz->types));
	tz->ntypes = 1;
	tz_set_abbr(tz->types[0].abbr, "UTC", 3);
	return tz;
}

int
tz_from_posix(const char *spec, const char *name, struct tz **out, struct err *e)
{
	struct tz_rule rule;
	struct tz *tz;

	if (spec == NULL || tz_posix_parse(spec, &rule) != 0)
		return err_set(e, ERR_INVALID, "time_zone", "'%.60s' is not a POSIX TZ rule",
		    spec ? spec : "");
	tz = tz_alloc(name);
	tz->types = xcalloc(1, sizeof(*tz->types));
	tz->types[0] = rule.std;
	tz->ntypes = 1;
	tz->has_rule = 1;
	tz->rule = rule;
	*out = tz;
	return 0;
}

/* TZif reading (RFC 8536). */

struct tzif_header {
	int version;      /* 1, 2, 3 or 4 */
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

#define TZIF_HEADER_LEN 44

static uint32_t
tzif_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t
tzif_i64(const unsigned char *p)
{
	uint64_t v = (uint64_t)tzif_u32(p) << 32 | tzif_u32(p + 4);

	/* Two's complement without relying on implementation-defined casts. */
	if (v <= INT64_MAX)
		return (int64_t)v;
	return -(int64_t)(~v) - 1;
}

static int64_t
tzif_i32(const unsigned char *p)
{
	uint32_t v = tzif_u32(p);

	return v <= INT32_MAX ? (int64_t)v : (int64_t)v - INT64_C(4294967296);
}

static int
tzif_read_header(const unsigned char *p, size_t avail, struct tzif_header *h)
{
	if (avail < TZIF_HEADER_LEN || memcmp(p, "TZif", 4) != 0)
		return -1;
	switch (p[4]) {
	case 0: h->version = 1; break;
	case '2': h->version = 2; break;
	case '3': h->version = 3; break;
	case '4': h->version = 4; break;
	default: return -1;
	}
	h->isutcnt = tzif_u32(p + 20);
	h->isstdcnt = tzif_u32(p + 24);
	h->leapcnt = tzif_u32(p + 28);
	h->timecnt = tzif_u32(p + 32);
	h->typecnt = tzif_u32(p + 36);
	h->charcnt = tzif_u32(p + 40);
	return 0;
}

/* The data block's size for times of tsize bytes (4 or 8). */
static uint64_t
tzif_block_len(const struct tzif_header *h, unsigned tsize)
{
	return (uint64_t)h->timecnt * tsize + h->timecnt + (uint64_t)h->typecnt * 6 +
	    h->charcnt + (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

static int
tzif_fail(struct err *e, const char *name, const char *why)
{
	return err_set(e, ERR_INVALID, "time_zone", "time zone data for '%.40s' is malformed: %s",
	    name ? name : "", why);
}

/* Fill tz from one data block (p points just past its header). */
static int
tzif_read_block(struct tz *tz, const struct tzif_header *h, const unsigned char *p,
    unsigned tsize, const char **why)
{
	const unsigned char *types = p + (size_t)h->timecnt * (tsize + 1);
	const unsigned char *chars = types + (size_t)h->typecnt * 6;

	if (h->typecnt == 0 || h->typecnt > 256) {
		*why = "no or too many local time types";
		return -1;
	}
	if (h->charcnt == 0) {
		*why = "no time zone abbreviations";
		return -1;
	}
	if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
	    (h->isutcnt != 0 && h->isutcnt != h->typecnt)) {
		*why = "indicator counts do not match the type count";
		return -1;
	}
	if (h->leapcnt != 0) {
		*why = "leap-second data is not supported";
		return -1;
	}
	tz->ntrans = h->timecnt;
	tz->trans = xcalloc(h->timecnt, sizeof(*tz->trans));
	tz->trans_type = xcalloc(h->timecnt, 1);
	for (size_t i = 0; i < h->timecnt; i++) {
		const unsigned char *q = p + i * tsize;

		tz->trans[i] = tsize == 8 ? tzif_i64(q) : tzif_i32(q);
		if (i > 0 && tz->trans[i] <= tz->trans[i - 1]) {
			*why = "transition times are not ascending";
			return -1;
		}
		tz->trans_type[i] = p[(size_t)h->timecnt * tsize + i];
		if (tz->trans_type[i] >= h->typecnt) {
			*why = "a transition names a missing local time type";
			return -1;
		}
	}
	tz->ntypes = h->typecnt;
	tz->types = xcalloc(h->typecnt, sizeof(*tz->types));
	for (size_t i = 0; i < h->typecnt; i++) {
		const unsigned char *q = types + i * 6;
		int64_t off = tzif_i32(q);
		const char *abbr;
		size_t idx = q[5], n;

		if (off < -89999 || off > 93599) {
			*why = "a UT offset is out of range";
			return -1;
		}
		if (q[4] > 1) {
			*why = "a DST indicator is not 0 or 1";
			return -1;
		}
		if (idx >= h->charcnt) {
			*why = "an abbreviation index is out of range";
			return -1;
		}
		abbr = (const char *)chars + idx;
		n = strnlen(abbr, h->charcnt - idx);
		if (n == h->charcnt - idx) {
			*why = "an abbreviation is not terminated";
			return -1;
		}
		tz->types[i].utoff = (int32_t)off;
		tz->types[i].isdst = q[4];
		tz_set_abbr(tz->types[i].abbr, abbr, n);
	}
	return 0;
}

int
tz_parse(const unsigned char *buf, size_t len, const char *name, struct tz **out,
    struct err *e)
{
	struct tzif_header h1, h2;
	const unsigned char *p = buf;
	size_t avail = len;
	uint64_t blen;
	const char *why = NULL;
	struct tz *tz;

	if (buf == NULL || tzif_read_header(p, avail, &h1) != 0)
		return tzif_fail(e, name, "not TZif data");
	blen = tzif_block_len(&h1, 4);
	if (blen > avail - TZIF_HEADER_LEN)
		return tzif_fail(e, name, "truncated");
	tz = tz_alloc(name);
	if (h1.version == 1) {
		if (tzif_read_block(tz, &h1, p + TZIF_HEADER_LEN, 4, &why) != 0)
			goto fail;
		*out = tz;
		return 0;
	}
	/* Version 2+: skip the 32-bit block, read the 64-bit one and the
	 * footer that rules past the last transition. */
	p += TZIF_HEADER_LEN + blen;
	avail -= TZIF_HEADER_LEN + blen;
	if (tzif_read_header(p, avail, &h2) != 0 || h2.version < 2) {
		why = "the version 2 header is missing";
		goto fail;
	}
	blen = tzif_block_len(&h2, 8);
	if (blen > avail - TZIF_HEADER_LEN) {
		why = "truncated";
		goto fail;
	}
	if (tzif_read_block(tz, &h2, p + TZIF_HEADER_LEN, 8, &why) != 0)
		goto fail;
	p += TZIF_HEADER_LEN + blen;
	avail -= TZIF_HEADER_LEN + blen;
	{
		const unsigned char *nl;
		char footer[128];
		size_t flen;

		if (avail < 2 || p[0] != '\n' ||
		    (nl = memchr(p + 1, '\n', avail - 1)) == NULL) {
			why = "the footer is missing";
			goto fail;
		}
		flen = (size_t)(nl - (p + 1));
		if (flen >= sizeof(footer) || memchr(p + 1, '\0', flen) != NULL ||
		    (size_t)(nl - p) + 1 != avail) {
			why = "the footer is malformed";
			goto fail;
		}
		memcpy(footer, p + 1, flen);
		footer[flen] = '\0';
		/* An empty footer means no rule: the last type lasts forever. */
		if (flen > 0) {
			if (tz_posix_parse(footer, &tz->rule) != 0) {
				why = "the footer TZ rule is malformed";
				goto fail;
			}
			tz->has_rule = 1;
		}
	}
	*out = tz;
	return 0;
fail:
	tz_free(tz);
	return tzif_fail(e, name, why);
}

/* --- text ------------------------------------------------------------- */

/* Exactly n ASCII digits at s. */
static int
tz_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "YYYY-MM-DD" at s, without looking past it. */
static int
tz_scan_date(const char *s, int *y, int *m, int *d)
{
	if (tz_digits(s, 4, y) != 0 || s[4] != '-' || tz_digits(s + 5, 2, m) != 0 ||
	    s[7] != '-' || tz_digits(s + 8, 2, d) != 0)
		return -1;
	return 0;
}

int
tz_parse_date(const char *s, int *year, int *month, int *day, struct err *e)
{
	int y, m, d;

	if (s == NULL || tz_scan_date(s, &y, &m, &d) != 0 || s[10] != '\0')
		return err_set(e, ERR_INVALID, "date", "'%.40s' is not a date (YYYY-MM-DD)",
		    s ? s : "");
	if (!tz_date_valid(y, m, d))
		return err_set(e, ERR_INVALID, "date", "%s does not exist", s);
	*year = y;
	*month = m;
	*day = d;
	return 0;
}

/* two digits of v (0-99) at p */
static void
tz_put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

int
tz_format_utc(int64_t utc, char *buf, size_t len, struct err *e)
{
	int64_t days, secs, year;
	int month, day;

	if (buf == NULL || len < TZ_RFC3339_SIZE) {
		if (buf && len > 0)
			buf[0] = '\0';
		return err_set(e, ERR_INVALID, NULL, "buffer too small for a timestamp");
	}
	if (utc < TZ_MIN_INSTANT || utc > TZ_MAX_INSTANT) {
		buf[0] = '\0';
		return err_set(e, ERR_INVALID, NULL, "instant %lld is out of range",
		    (long long)utc);
	}
	days = tz_floor_div(utc, TZ_DAY);
	secs = utc - days * TZ_DAY;
	tz_civil_from_days(days, &year, &month, &day);
	/* by hand, not snprintf: every slot of a search answer has two */
	tz_put2(buf, (int)(year / 100));
	tz_put2(buf + 2, (int)(year % 100));
	buf[4] = '-';
	tz_put2(buf + 5, month);
	buf[7] = '-';
	tz_put2(buf + 8, day);
	buf[10] = 'T';
	tz_put2(buf + 11, (int)(secs / TZ_HOUR));
	buf[13] = ':';
	tz_put2(buf + 14, (int)(secs / 60 % 60));
	buf[16] = ':';
	tz_put2(buf + 17, (int)(secs % 60));
	buf[19] = 'Z';
	buf[20] = '\0';
	return 0;
}

int
tz_parse_rfc3339(const char *s, int64_t *out, struct err *e)
{
	int y, mo, d, h, mi, sec, oh, om, off = 0;
	const char *p;
	int64_t t;

	if (s == NULL || tz_scan_date(s, &y, &mo, &d) != 0 || (s[10] != 'T' && s[10] != 't') ||
	    tz_digits(s + 11, 2, &h) != 0 || s[13] != ':' || tz_digits(s + 14, 2, &mi) != 0 ||
	    s[16] != ':' || tz_digits(s + 17, 2, &sec) != 0)
		goto bad;
	p = s + 19;
	if (*p == '.') {
		const char *f = ++p;

		while (*p >= '0' && *p <= '9')
			p++;
		if (p == f || p - f > 9)
			goto bad;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		if (tz_digits(p + 1, 2, &oh) != 0 || p[3] != ':' || tz_digits(p + 4, 2, &om) != 0 ||
		    oh > 23 || om > 59)
			goto bad;
		off = (oh * TZ_HOUR + om * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		goto bad;
	}
	if (*p != '\0')
		goto bad;
	if (!tz_date_valid(y, mo, d))
		return err_set(e, ERR_INVALID, "datetime", "%04d-%02d-%02d does not exist", y, mo, d);
	if (h > 23 || mi > 59 || sec > 59)
		return err_set(e, ERR_INVALID, "datetime", "%02d:%02d:%02d is not a time of day",
		    h, mi, sec);
	t = tz_days_from_civil(y, mo, d) * TZ_DAY + h * TZ_HOUR + mi * 60 + sec - off;
	if (t < TZ_MIN_INSTANT || t > TZ_MAX_INSTANT)
		return err_set(e, ERR_INVALID, "datetime", "'%.40s' is out of range", s);
	*out = t;
	return 0;
bad:
	return err_set(e, ERR_INVALID, "datetime",
	    "'%.40s' is not an RFC 3339 timestamp such as 2027-03-14T06:00:00Z", s ? s : "");
}
