/* interval.h: sets of half-open [start, end) ranges of int64 instants.
 *
 * A struct ivset holds its ranges sorted, disjoint and coalesced: after any
 * operation no two ranges overlap or touch ([9,10) and [10,11) become
 * [9,11)), and none is empty. The availability engine builds working
 * windows with ivset_add and takes claims out with ivset_subtract, so ranges
 * live in one growable array: lookups are binary searches and an edit moves
 * at most the tail of the array.
 *
 * A range with end <= start is empty; operations ignore it rather than fail.
 * No operation can fail: out of memory aborts with a message. */
#ifndef REDLIGHT_INTERVAL_H
#define REDLIGHT_INTERVAL_H

#include <stddef.h>
#include <stdint.h>

struct iv {
	int64_t start;  /* inclusive */
	int64_t end;    /* exclusive; always > start inside a set */
};

struct ivset;

/* ivset_new: an empty set, the caller's (ivset_free). Cannot fail. */
struct ivset *ivset_new(void);

/* ivset_dup: a copy of s, the caller's (ivset_free). Cannot fail. */
struct ivset *ivset_dup(const struct ivset *s);

/* ivset_free: free s and its ranges. NULL is a no-op. */
void ivset_free(struct ivset *s);

/* ivset_clear: make s empty, keeping its memory for reuse. Cannot fail. */
void ivset_clear(struct ivset *s);

/* ivset_add: s becomes s ∪ [start, end). Ranges it overlaps or touches
 * merge into one. Empty ranges are ignored. Cannot fail. */
void ivset_add(struct ivset *s, int64_t start, int64_t end);

/* ivset_subtract: s becomes s \ [start, end). A range that strictly contains
 * [start, end) splits in two. Empty ranges are ignored. Cannot fail. */
void ivset_subtract(struct ivset *s, int64_t start, int64_t end);

/* ivset_clip: s becomes s ∩ [start, end); an empty range empties s.
 * Cannot fail. */
void ivset_clip(struct ivset *s, int64_t start, int64_t end);

/* ivset_add_set: s becomes s ∪ other, in place. other is borrowed and may
 * be s. Cannot fail. */
void ivset_add_set(struct ivset *s, const struct ivset *other);

/* ivset_subtract_set: s becomes s \ other, in place, in one pass over both.
 * other is borrowed and may be s (which empties s). Cannot fail. */
void ivset_subtract_set(struct ivset *s, const struct ivset *other);

/* ivset_intersect: s becomes s ∩ other, in place, in one pass over both.
 * other is borrowed and may be s (no change). To keep s, intersect an
 * ivset_dup of it. Cannot fail. */
void ivset_intersect(struct ivset *s, const struct ivset *other);

/* ivset_contains: 1 when [start, end) lies wholly inside one range of s,
 * else 0. An empty or reversed range gives 0, so a malformed request never
 * passes for free time. Cannot fail. */
int ivset_contains(const struct ivset *s, int64_t start, int64_t end);

/* ivset_overlaps: 1 when [start, end) shares at least one instant with s,
 * else 0 (always 0 for an empty range). Back-to-back ranges do not
 * overlap. Cannot fail. */
int ivset_overlaps(const struct ivset *s, int64_t start, int64_t end);

/* ivset_count: how many disjoint ranges s holds. Cannot fail. */
size_t ivset_count(const struct ivset *s);

/* ivset_get: the i-th range in ascending order; i must be below
 * ivset_count(s) (a larger i aborts: it is a bug in the caller). */
struct iv ivset_get(const struct ivset *s, size_t i);

/* ivset_items: the ranges as a borrowed array of ivset_count(s) items (NULL
 * when empty), valid until the next change to s. Cannot fail. */
const struct iv *ivset_items(const struct ivset *s);

#endif
