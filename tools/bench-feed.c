/* bench-feed: how long a staff calendar feed takes to build, in process,
 * for tools/bench.
 *
 *   bench-feed [EVENTS [RUNS]]
 *
 * Builds the feed of EVENTS bookings (default 1000: about what an
 * engineer booked three times a day has in the feed's 360-day window)
 * with core/feed.c, as redlightd does on a cache miss, RUNS times
 * (default 50), and prints the median and the slowest build in
 * milliseconds, the median CPU time (which a machine busy with other work
 * inflates less) and the feed's size. Built by tools/bench against the
 * bench build's core library; not installed. Exit status 1 on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/feed.h"

/* clock's time in milliseconds: the wall clock, or the CPU this process
 * used (what a build costs on a machine that is busy with other work) */
static double
bench_now_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	int events = argc > 1 ? atoi(argv[1]) : 1000, runs = argc > 2 ? atoi(argv[2]) : 50;
	struct feed_item *items;
	char (*ids)[37], (*codes)[16];
	double *ms, *cpu;
	size_t len = 0;
	struct err e;

	if (events < 1 || runs < 1) {
		fputs("usage: bench-feed [EVENTS [RUNS]]\n", stderr);
		return 2;
	}
	items = calloc((size_t)events, sizeof(*items));
	ids = calloc((size_t)events, sizeof(*ids));
	codes = calloc((size_t)events, sizeof(*codes));
	ms = calloc((size_t)runs, sizeof(*ms));
	cpu = calloc((size_t)runs, sizeof(*cpu));
	if (items == NULL || ids == NULL || codes == NULL || ms == NULL || cpu == NULL)
		return 1;
	for (int i = 0; i < events; i++) {
		snprintf(ids[i], sizeof(ids[i]), "00000000-0000-4000-8000-%012d", i);
		snprintf(codes[i], sizeof(codes[i]), "RL-%04d-%04d", i / 10000, i % 10000);
		items[i].booking_id = ids[i];
		items[i].code = codes[i];
		items[i].canceled = i % 17 == 0;
		items[i].start = 1800000000 + (int64_t)i * 8 * 3600;
		items[i].end = items[i].start + 2 * 3600;
		items[i].changed = 1799000000 + i;
		items[i].sequence = i % 4;
		items[i].room_name = i % 2 ? "Studio A" : "Vocal Booth";
		items[i].artist_name = i % 5 ? "Ari Artist" : NULL;
		items[i].services = "Recording session, Mixing";
	}
	for (int r = 0; r < runs; r++) {
		struct feed_doc d;
		double t0 = bench_now_ms(CLOCK_MONOTONIC), c0 = bench_now_ms(CLOCK_PROCESS_CPUTIME_ID);

		err_clear(&e);
		if (feed_render("Eli Engineer at Redlight", "bookings@redlight.test", items, (size_t)events, &d,
		    &e) != 0) {
			fprintf(stderr, "bench-feed: %s\n", e.msg);
			return 1;
		}
		ms[r] = bench_now_ms(CLOCK_MONOTONIC) - t0;
		cpu[r] = bench_now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		len = d.len;
		free(d.text);
	}
	qsort(ms, (size_t)runs, sizeof(*ms), bench_cmp);
	qsort(cpu, (size_t)runs, sizeof(*cpu), bench_cmp);
	printf("feed build: %d events, %zu bytes: median %.2f ms, slowest %.2f ms; CPU median %.2f ms"
	    " (%d runs, core/feed.c in process)\n", events, len, ms[runs / 2], ms[runs - 1], cpu[runs / 2], runs);
	free(items);
	free(ids);
	free(codes);
	free(ms);
	free(cpu);
	return 0;
}
