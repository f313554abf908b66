#include "core/interval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ivset {
	struct iv *v;   /* sorted, disjoint, non-touching, non-empty */
	size_t n;
	size_t cap;
};

static void *
ivset_xrealloc(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size) {
		fputs("redlight: interval set too large\n", stderr);
		abort();
	}
	p = realloc(p, nmemb * size != 0 ? nmemb * size : 1);
	if (p == NULL) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	return p;
}

static void
ivset_reserve(struct ivset *s, size_t need)
{
	size_t cap;

	if (need <= s->cap)
		return;
	cap = s->cap ? s->cap : 8;
	while (cap < need)
		cap = cap > SIZE_MAX / 4 ? need : cap * 2;
	s->v = ivset_xrealloc(s->v, cap, sizeof(*s->v));
	s->cap = cap;
}

/* Take over a freshly built array, so set operations can build their result
 * beside the inputs and swap it in. */
static void
ivset_adopt(struct ivset *s, struct iv *v, size_t n, size_t cap)
{
	free(s->v);
	s->v = v;
	s->n = n;
	s->cap = cap;
}

/* The first index whose end is >= x (touching counts), or n. */
static size_t
ivset_first_end_ge(const struct ivset *s, int64_t x)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].end < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first index whose end is > x, or n. */
static size_t
ivset_first_end_gt(const struct ivset *s, int64_t x)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].end <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first index whose start is > x, or n. */
static size_t
ivset_first_start_gt(const struct ivset *s, int64_t x)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].start <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first index whose start is >= x, or n. */
static size_t
ivset_first_start_ge(const struct ivset *s, int64_t x)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].start < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Replace the ranges [i, j) with the k ranges in repl. */
static void
ivset_splice(struct ivset *s, size_t i, size_t j, const struct iv *repl, size_t k)
{
	size_t tail = s->n - j;

	if (k > j - i)
		ivset_reserve(s, s->n + (k - (j - i)));
	if (tail)
		memmove(s->v + i + k, s->v + j, tail * sizeof(*s->v));
	if (k)
		memcpy(s->v + i, repl, k * sizeof(*s->v));
	s->n = i + k + tail;
}

struct ivset *
ivset_new(void)
{
	struct ivset *s = ivset_xrealloc(NULL, 1, sizeof(*s));

	memset(s, 0, sizeof(*s));
	return s;
}

struct ivset *
ivset_dup(const struct ivset *s)
{
	struct ivset *d = ivset_new();

	ivset_reserve(d, s->n);
	if (s->n)
		memcpy(d->v, s->v, s->n * sizeof(*s->v));
	d->n = s->n;
	return d;
}

void
ivset_free(struct ivset *s)
{
	if (s == NULL)
		return;
	free(s->v);
	free(s);
}

void
ivset_clear(struct ivset *s)
{
	s->n = 0;
}

void
ivset_add(struct ivset *s, int64_t start, int64_t end)
{
	size_t i, j;
	struct iv m;

	if (end <= start)
		return;
	i = ivset_first_end_ge(s, start);
	j = ivset_first_start_gt(s, end);
	m.start = start;
	m.end = end;
	if (i < j) {
		if (s->v[i].start < m.start)
			m.start = s->v[i].start;
		if (s->v[j - 1].end > m.end)
			m.end = s->v[j - 1].end;
	}
	ivset_splice(s, i, j, &m, 1);
}

void
ivset_subtract(struct ivset *s, int64_t start, int64_t end)
{
	size_t i, j, k = 0;
	struct iv keep[2];

	if (end <= start)
		return;
	i = ivset_first_end_gt(s, start);
	j = ivset_first_start_ge(s, end);
	if (i >= j)
		return;
	if (s->v[i].start < start) {
		keep[k].start = s->v[i].start;
		keep[k].end = start;
		k++;
	}
	if (s->v[j - 1].end > end) {
		keep[k].start = end;
		keep[k].end = s->v[j - 1].end;
		k++;
	}
	ivset_splice(s, i, j, keep, k);
}

void
ivset_clip(struct ivset *s, int64_t start, int64_t end)
{
	if (end <= start) {
		s->n = 0;
		return;
	}
	/* No range holds INT64_MAX itself (ends are exclusive), so these two
	 * cuts leave exactly [start, end). */
	ivset_subtract(s, INT64_MIN, start);
	ivset_subtract(s, end, INT64_MAX);
}

void
ivset_add_set(struct ivset *s, const struct ivset *other)
{
	size_t i = 0, j = 0, n = 0, cap;
	struct iv *out;

	if (s == other || other->n == 0)
		return;
	cap = s->n + other->n;
	out = ivset_xrealloc(NULL, cap, sizeof(*out));
	while (i < s->n || j < other->n) {
		struct iv next;

		if (j >= other->n || (i < s->n && s->v[i].start <= other->v[j].start))
			next = s->v[i++];
		else
			next = other->v[j++];
		if (n > 0 && next.start <= out[n - 1].end) {
			if (next.end > out[n - 1].end)
				out[n - 1].end = next.end;
		} else {
			out[n++] = next;
		}
	}
	ivset_adopt(s, out, n, cap);
}

void
ivset_subtract_set(struct ivset *s, const struct ivset *other)
{
	size_t j = 0, n = 0, cap;
	struct iv *out;

	if (s == other) {
		s->n = 0;
		return;
	}
	if (s->n == 0 || other->n == 0)
		return;
	/* Each cut adds at most one piece. */
	cap = s->n + other->n;
	out = ivset_xrealloc(NULL, cap, sizeof(*out));
	for (size_t i = 0; i < s->n; i++) {
		int64_t cur = s->v[i].start, end = s->v[i].end;

		while (j < other->n && other->v[j].end <= cur)
			j++;
		for (size_t k = j; k < other->n && other->v[k].start < end; k++) {
			if (other->v[k].start > cur) {
				out[n].start = cur;
				out[n].end = other->v[k].start;
				n++;
			}
			if (other->v[k].end > cur)
				cur = other->v[k].end;
			if (cur >= end)
				break;
		}
		if (cur < end) {
			out[n].start = cur;
			out[n].end = end;
			n++;
		}
	}
	ivset_adopt(s, out, n, cap);
}

void
ivset_intersect(struct ivset *s, const struct ivset *other)
{
	size_t i = 0, j = 0, n = 0, cap;
	struct iv *out;

	if (s == other)
		return;
	if (s->n == 0 || other->n == 0) {
		s->n = 0;
		return;
	}
	cap = s->n + other->n;
	out = ivset_xrealloc(NULL, cap, sizeof(*out));
	while (i < s->n && j < other->n) {
		int64_t lo = s->v[i].start > other->v[j].start ? s->v[i].start : other->v[j].start;
		int64_t hi = s->v[i].end < other->v[j].end ? s->v[i].end : other->v[j].end;

		/* Pieces never touch: two pieces are always separated by a gap
		 * of s or of other, both of which are coalesced. */
		if (lo < hi) {
			out[n].start = lo;
			out[n].end = hi;
			n++;
		}
		if (s->v[i].end < other->v[j].end)
			i++;
		else
			j++;
	}
	ivset_adopt(s, out, n, cap);
}

int
ivset_contains(const struct ivset *s, int64_t start, int64_t end)
{
	size_t i;

	if (end <= start)
		return 0;
	i = ivset_first_start_gt(s, start);
	if (i == 0)
		return 0;
	return s->v[i - 1].end >= end;
}

int
ivset_overlaps(const struct ivset *s, int64_t start, int64_t end)
{
	size_t i;

	if (end <= start)
		return 0;
	i = ivset_first_end_gt(s, start);
	return i < s->n && s->v[i].start < end;
}

size_t
ivset_count(const struct ivset *s)
{
	return s->n;
}

struct iv
ivset_get(const struct ivset *s, size_t i)
{
	if (i >= s->n) {
		fprintf(stderr, "redlight: ivset_get(%zu) past the %zu ranges\n", i, s->n);
		abort();
	}
	return s->v[i];
}

const struct iv *
ivset_items(const struct ivset *s)
{
	return s->n ? s->v : NULL;
}
