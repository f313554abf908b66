/* Suite "interval": core/interval.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/interval.h"
#include "tests/unit/suites.h"

/* 1 when s holds exactly the ranges in want (pairs of start, end). */
static int
ivset_is(const struct ivset *s, const int64_t *want, size_t nwant)
{
	if (ivset_count(s) != nwant / 2)
		return 0;
	for (size_t i = 0; i < nwant / 2; i++) {
		struct iv r = ivset_get(s, i);
		if (r.start != want[2 * i] || r.end != want[2 * i + 1])
			return 0;
	}
	return 1;
}

#define IVSET_IS(s, ...) \
	ivset_is((s), (const int64_t[]){ __VA_ARGS__ }, \
	    sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t))

static void
test_ivset_new_set_is_empty_and_free_null_is_harmless(void)
{
	struct ivset *s = ivset_new();

	CU_ASSERT_EQUAL(ivset_count(s), 0);
	CU_ASSERT_PTR_NULL(ivset_items(s));
	CU_ASSERT_FALSE(ivset_contains(s, 0, 1));
	ivset_free(s);
	ivset_free(NULL);
}

static void
test_ivset_add_coalesces_overlapping_ranges(void)
{
	struct ivset *s = ivset_new();

	ivset_add(s, 10, 20);
	ivset_add(s, 15, 30);
	CU_ASSERT_TRUE(IVSET_IS(s, 10, 30));
	ivset_add(s, 5, 12);
	CU_ASSERT_TRUE(IVSET_IS(s, 5, 30));
	ivset_add(s, 12, 14);
	CU_ASSERT_TRUE(IVSET_IS(s, 5, 30));
	ivset_free(s);
}

static void
test_ivset_add_joins_back_to_back_ranges(void)
{
	struct ivset *s = ivset_new();

	ivset_add(s, 9, 10);
	ivset_add(s, 10, 11);
	CU_ASSERT_TRUE(IVSET_IS(s, 9, 11));
	ivset_add(s, 8, 9);
	CU_ASSERT_TRUE(IVSET_IS(s, 8, 11));
	ivset_free(s);
}

static void
test_ivset_add_keeps_disjoint_ranges_sorted_whatever_the_order(void)
{
	struct ivset *s = ivset_new();

	ivset_add(s, 50, 60);
	ivset_add(s, 10, 20);
	ivset_add(s, 30, 40);
	ivset_add(s, 70, 80);
	CU_ASSERT_TRUE(IVSET_IS(s, 10, 20, 30, 40, 50, 60, 70, 80));
	ivset_add(s, 15, 55);
	CU_ASSERT_TRUE(IVSET_IS(s, 10, 60, 70, 80));
	ivset_free(s);
}

static void
test_ivset_ignores_empty_and_reversed_ranges(void)
{
	struct ivset *s = ivset_new();

	ivset_add(s, 5, 5);
	ivset_add(s, 9, 3);
	CU_ASSERT_EQUAL(ivset_count(s), 0);
	ivset_add(s, 0, 10);
	ivset_subtract(s, 4, 4);
	ivset_subtract(s, 8, 2);
	CU_ASSERT_TRUE(IVSET_IS(s, 0, 10));
	ivset_free(s);
}

static void
test_ivset_subtract_splits_a_range_in_two(void)
{
	struct ivset *s = ivset_new();

	ivset_add(s, 0, 100);
	ivset_subtract(s, 40, 60);
	CU_ASSERT_TRUE(IVSET_IS(s, 0, 40, 60, 100));
	ivset_free(s);
}

static void
test_ivset_subtract_trims_edges_and_drops_covered_ranges(void)
{
	struct ivset *s = ivset_new();

	ivset_add(s, 0, 10);
	ivset_add(s, 20, 30);
	ivset_add(s, 40, 50);
	ivset_add(s, 60, 70);
	ivset_subtract(s, 5, 45);
	CU_ASSERT_TRUE(IVSET_IS(s, 0, 5, 45, 50, 60, 70));
	ivset_subtract(s, 60, 70);
	CU_ASSERT_TRUE(IVSET_IS(s, 0, 5, 45, 50));
	ivset_subtract(s, -100, 100);
	CU_ASSERT_EQUAL(ivset_count(s), 0);
	ivset_free(s);
}

static void
test_ivset_subtracting_a_back_to_back_range_changes_nothing(void)
{
	struct ivset *s = ivset_new();

	ivset_add(s, 10, 20);
	ivset_subtract(s, 20, 30);
	ivset_subtract(s, 0, 10);
	CU_ASSERT_TRUE(IVSET_IS(s, 10, 20));
	ivset_free(s);
}

static void
test_ivset_back_to_back_ranges_do_not_overlap(void)
{
	struct ivset *s = ivset_new();

	ivset_add(s, 10, 20);
	CU_ASSERT_FALSE(ivset_overlaps(s, 20, 30));
	CU_ASSERT_FALSE(ivset_overlaps(s, 0, 10));
	CU_ASSERT_TRUE(ivset_overlaps(s, 19, 30));
	CU_ASSERT_TRUE(ivset_overlaps(s, 0, 11));
	CU_ASSERT_TRUE(ivset_overlaps(s, 12, 13));
	CU_ASSERT_FALSE(ivset_overlaps(s, 15, 15));
	ivset_free(s);
}

static void
test_ivset_contains_only_ranges_wholly_inside_one_range(void)
{
	struct ivset *s = ivset_new();

	ivset_add(s, 10, 20);
	ivset_add(s, 30, 40);
	CU_ASSERT_TRUE(ivset_contains(s, 10, 20));
	CU_ASSERT_TRUE(ivset_contains(s, 12, 18));
	CU_ASSERT_TRUE(ivset_contains(s, 30, 40));
	CU_ASSERT_FALSE(ivset_contains(s, 15, 35));
	CU_ASSERT_FALSE(ivset_contains(s, 9, 12));
	CU_ASSERT_FALSE(ivset_contains(s, 18, 21));
	CU_ASSERT_FALSE(ivset_contains(s, 20, 30));
	CU_ASSERT_FALSE(ivset_contains(s, 41, 42));
	CU_ASSERT_FALSE(ivset_contains(s, 15, 15));
	CU_ASSERT_FALSE(ivset_contains(s, 18, 12));
	ivset_free(s);
}

static void
test_ivset_intersect_keeps_only_common_time(void)
{
	struct ivset *a = ivset_new(), *b = ivset_new();

	ivset_add(a, 0, 10);
	ivset_add(a, 20, 30);
	ivset_add(a, 40, 50);
	ivset_add(b, 5, 25);
	ivset_add(b, 28, 45);
	ivset_intersect(a, b);
	CU_ASSERT_TRUE(IVSET_IS(a, 5, 10, 20, 25, 28, 30, 40, 45));
	CU_ASSERT_TRUE(IVSET_IS(b, 5, 25, 28, 45));
	ivset_intersect(a, a);
	CU_ASSERT_TRUE(IVSET_IS(a, 5, 10, 20, 25, 28, 30, 40, 45));
	ivset_free(a);
	ivset_free(b);
}

static void
test_ivset_intersect_of_back_to_back_sets_is_empty(void)
{
	struct ivset *a = ivset_new(), *b = ivset_new();

	ivset_add(a, 0, 10);
	ivset_add(b, 10, 20);
	ivset_intersect(a, b);
	CU_ASSERT_EQUAL(ivset_count(a), 0);
	ivset_add(a, 0, 10);
	ivset_clear(b);
	ivset_intersect(a, b);
	CU_ASSERT_EQUAL(ivset_count(a), 0);
	ivset_free(a);
	ivset_free(b);
}

static void
test_ivset_subtract_set_takes_claims_out_of_working_windows(void)
{
	struct ivset *work = ivset_new(), *claims = ivset_new();

	/* 09:00-13:00 and 14:00-18:00, in minutes of the day. */
	ivset_add(work, 540, 780);
	ivset_add(work, 840, 1080);
	ivset_add(claims, 600, 660);    /* 10:00-11:00 */
	ivset_add(claims, 760, 860);    /* across the lunch break */
	ivset_add(claims, 1080, 1200);  /* back to back with closing */
	ivset_subtract_set(work, claims);
	CU_ASSERT_TRUE(IVSET_IS(work, 540, 600, 660, 760, 860, 1080));
	ivset_subtract_set(work, work);
	CU_ASSERT_EQUAL(ivset_count(work), 0);
	ivset_free(work);
	ivset_free(claims);
}

static void
test_ivset_add_set_merges_and_coalesces(void)
{
	struct ivset *a = ivset_new(), *b = ivset_new();

	ivset_add(a, 0, 10);
	ivset_add(a, 30, 40);
	ivset_add(b, 10, 20);
	ivset_add(b, 25, 30);
	ivset_add(b, 50, 60);
	ivset_add_set(a, b);
	CU_ASSERT_TRUE(IVSET_IS(a, 0, 20, 25, 40, 50, 60));
	ivset_add_set(a, a);
	CU_ASSERT_TRUE(IVSET_IS(a, 0, 20, 25, 40, 50, 60));
	ivset_free(a);
	ivset_free(b);
}

static void
test_ivset_clip_keeps_only_the_window(void)
{
	struct ivset *s = ivset_new();

	ivset_add(s, 0, 10);
	ivset_add(s, 20, 30);
	ivset_add(s, 40, 50);
	ivset_clip(s, 5, 45);
	CU_ASSERT_TRUE(IVSET_IS(s, 5, 10, 20, 30, 40, 45));
	ivset_clip(s, 30, 30);
	CU_ASSERT_EQUAL(ivset_count(s), 0);
	ivset_add(s, INT64_MIN, INT64_MAX);
	ivset_clip(s, -5, 5);
	CU_ASSERT_TRUE(IVSET_IS(s, -5, 5));
	ivset_free(s);
}

static void
test_ivset_dup_is_independent_and_clear_empties(void)
{
	struct ivset *s = ivset_new(), *d;

	ivset_add(s, 1, 2);
	ivset_add(s, 5, 9);
	d = ivset_dup(s);
	ivset_subtract(s, 0, 100);
	CU_ASSERT_EQUAL(ivset_count(s), 0);
	CU_ASSERT_TRUE(IVSET_IS(d, 1, 2, 5, 9));
	CU_ASSERT_EQUAL(ivset_items(d)[1].end, 9);
	ivset_clear(d);
	CU_ASSERT_EQUAL(ivset_count(d), 0);
	ivset_add(d, 3, 4);
	CU_ASSERT_TRUE(IVSET_IS(d, 3, 4));
	ivset_free(s);
	ivset_free(d);
}

/* A model: one flag per unit of [0, MODEL_N). Random operations on both must
 * agree, and the set must stay sorted, disjoint, non-touching and non-empty. */
#define MODEL_N 160

static uint64_t model_seed = 0x9e3779b97f4a7c15u;

static unsigned
model_next(unsigned below)
{
	model_seed = model_seed * 6364136223846793005u + 1442695040888963407u;
	return (unsigned)(model_seed >> 33) % below;
}

static void
model_apply(unsigned char *m, int op, int64_t a, int64_t b)
{
	for (int64_t x = a; x < b; x++)
		m[x] = op == 0 ? 1 : op == 1 ? 0 : m[x];
}

static int
model_matches(const struct ivset *s, const unsigned char *m)
{
	unsigned char got[MODEL_N];
	size_t n = ivset_count(s);

	memset(got, 0, sizeof(got));
	for (size_t i = 0; i < n; i++) {
		struct iv r = ivset_get(s, i);

		if (r.start >= r.end || r.start < 0 || r.end > MODEL_N)
			return 0;
		if (i > 0 && ivset_get(s, i - 1).end >= r.start)
			return 0;
		for (int64_t x = r.start; x < r.end; x++)
			got[x] = 1;
	}
	return memcmp(got, m, sizeof(got)) == 0;
}

static void
test_ivset_agrees_with_a_bitmap_under_random_operations(void)
{
	struct ivset *s = ivset_new(), *o = ivset_new();
	unsigned char m[MODEL_N], mo[MODEL_N];
	int bad = 0;

	memset(m, 0, sizeof(m));
	for (int step = 0; step < 20000 && !bad; step++) {
		int op = (int)model_next(6);
		int64_t a = model_next(MODEL_N), b = a + model_next(24);

		if (b > MODEL_N)
			b = MODEL_N;
		if (op == 0 || op == 1) {
			if (op == 0)
				ivset_add(s, a, b);
			else
				ivset_subtract(s, a, b);
			model_apply(m, op, a, b);
		} else if (op == 2) {
			int want = b > a;

			for (int64_t x = a; x < b; x++)
				want &= m[x];
			bad |= ivset_contains(s, a, b) != want;
		} else {
			/* Set operations against a random other set. */
			ivset_clear(o);
			memset(mo, 0, sizeof(mo));
			for (int k = (int)model_next(6); k > 0; k--) {
				int64_t c = model_next(MODEL_N), d = c + model_next(30);

				if (d > MODEL_N)
					d = MODEL_N;
				ivset_add(o, c, d);
				model_apply(mo, 0, c, d);
			}
			bad |= !model_matches(o, mo);
			if (op == 3)
				ivset_intersect(s, o);
			else if (op == 4)
				ivset_subtract_set(s, o);
			else
				ivset_add_set(s, o);
			for (int x = 0; x < MODEL_N; x++)
				m[x] = op == 3 ? (m[x] && mo[x]) : op == 4 ? (m[x] && !mo[x])
				    : (m[x] || mo[x]);
		}
		bad |= !model_matches(s, m);
		if (bad)
			printf("# model mismatch at step %d (op %d, %lld..%lld)\n", step, op,
			    (long long)a, (long long)b);
	}
	CU_ASSERT_FALSE(bad);
	ivset_free(s);
	ivset_free(o);
}

static void
test_ivset_handles_many_ranges(void)
{
	struct ivset *s = ivset_new();

	/* 10000 quarter-hour slots with gaps, then one add bridging them all. */
	for (int64_t i = 9999; i >= 0; i--)
		ivset_add(s, i * 1800, i * 1800 + 900);
	CU_ASSERT_EQUAL(ivset_count(s), 10000);
	CU_ASSERT_TRUE(ivset_contains(s, 1800 * 5000, 1800 * 5000 + 900));
	CU_ASSERT_FALSE(ivset_contains(s, 1800 * 5000, 1800 * 5000 + 901));
	ivset_add(s, 0, 1800 * 10000);
	CU_ASSERT_TRUE(IVSET_IS(s, 0, 18000000));
	ivset_free(s);
}

void
suite_interval(void)
{
	CU_pSuite s = CU_add_suite("interval", NULL, NULL);

	UNIT_TEST(s, test_ivset_new_set_is_empty_and_free_null_is_harmless);
	UNIT_TEST(s, test_ivset_add_coalesces_overlapping_ranges);
	UNIT_TEST(s, test_ivset_add_joins_back_to_back_ranges);
	UNIT_TEST(s, test_ivset_add_keeps_disjoint_ranges_sorted_whatever_the_order);
	UNIT_TEST(s, test_ivset_ignores_empty_and_reversed_ranges);
	UNIT_TEST(s, test_ivset_subtract_splits_a_range_in_two);
	UNIT_TEST(s, test_ivset_subtract_trims_edges_and_drops_covered_ranges);
	UNIT_TEST(s, test_ivset_subtracting_a_back_to_back_range_changes_nothing);
	UNIT_TEST(s, test_ivset_back_to_back_ranges_do_not_overlap);
	UNIT_TEST(s, test_ivset_contains_only_ranges_wholly_inside_one_range);
	UNIT_TEST(s, test_ivset_intersect_keeps_only_common_time);
	UNIT_TEST(s, test_ivset_intersect_of_back_to_back_sets_is_empty);
	UNIT_TEST(s, test_ivset_subtract_set_takes_claims_out_of_working_windows);
	UNIT_TEST(s, test_ivset_add_set_merges_and_coalesces);
	UNIT_TEST(s, test_ivset_clip_keeps_only_the_window);
	UNIT_TEST(s, test_ivset_dup_is_independent_and_clear_empties);
	UNIT_TEST(s, test_ivset_agrees_with_a_bitmap_under_random_operations);
	UNIT_TEST(s, test_ivset_handles_many_ranges);
}
