/* bench-engine: the availability engine alone, in process, for tools/bench.
 *
 *   bench-engine YYYY-MM-DD DURATION_MIN [ITERATIONS]
 *
 * Loads the local day from $DATABASE_URL once (the query redlightd's cache
 * runs on a miss), then times avail_data_from_json (a cache fill),
 * avail_search (every search) and avail_slots_json (every answer) over
 * ITERATIONS runs (default 2000) and prints one line per step in
 * microseconds. Built by tools/bench against the bench build's libraries;
 * not installed. Exit status 1 on any failure, with the reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/avail.h"
#include "core/tz.h"
#include "db/avail.h"
#include "db/db.h"
#include "db/tzfile.h"

static double
bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
bench_fail(const char *what, const struct err *e)
{
	fprintf(stderr, "bench-engine: %s: %s\n", what, e->msg);
	return 1;
}

int
main(int argc, char **argv)
{
	const char *url = getenv("DATABASE_URL");
	char zone[64] = "", from_s[TZ_RFC3339_SIZE], to_s[TZ_RFC3339_SIZE];
	const char *params[2] = { from_s, to_s };
	struct avail_data *data = NULL;
	struct avail_query q;
	struct tz *tz = NULL;
	struct db *db = NULL;
	char *settings = NULL, *json = NULL;
	int64_t from, to;
	int iterations = 2000;
	size_t nslots = 0, jsonlen = 0;
	double t0, t_parse, t_search, t_json;
	struct err e;
	struct timespec now;

	if (argc < 3 || argc > 4) {
		fputs("usage: bench-engine YYYY-MM-DD DURATION_MIN [ITERATIONS]\n", stderr);
		return 2;
	}
	memset(&q, 0, sizeof(q));
	if (tz_parse_date(argv[1], &q.year, &q.month, &q.day, &e) != 0)
		return bench_fail("date", &e);
	q.duration_min = atoi(argv[2]);
	if (argc == 4 && (iterations = atoi(argv[3])) < 1)
		iterations = 1;

	if (db_open(url, &db, &e) != 0)
		return bench_fail("database", &e);
	if (db_query_json(db, "SELECT timezone FROM settings WHERE id = 1", 0, NULL, &settings, &e) != 0)
		return bench_fail("settings", &e);
	snprintf(zone, sizeof(zone), "%s", settings);
	if (tz_load_system(zone, &tz, &e) != 0)
		return bench_fail("zone", &e);
	if (avail_day_range(tz, q.year, q.month, q.day, &from, &to, &e) != 0 ||
	    tz_format_utc(from, from_s, sizeof(from_s), &e) != 0 ||
	    tz_format_utc(to, to_s, sizeof(to_s), &e) != 0)
		return bench_fail("range", &e);
	if (db_query_json(db, DB_AVAIL_JSON_SQL, 2, params, &json, &e) != 0)
		return bench_fail("day", &e);

	/* a cache fill: parse the day's document */
	t0 = bench_now_us();
	for (int i = 0; i < iterations / 10 + 1; i++) {
		avail_data_free(data);
		data = NULL;
		if (avail_data_from_json(json, tz, &data, &e) != 0)
			return bench_fail("parse", &e);
	}
	t_parse = (bench_now_us() - t0) / (iterations / 10 + 1);

	clock_gettime(CLOCK_REALTIME, &now);
	q.now = (int64_t)now.tv_sec;
	t_search = t_json = 0;
	for (int i = 0; i < iterations; i++) {
		struct avail_slot *slots;
		char *out;

		t0 = bench_now_us();
		if (avail_search(data, &q, &slots, &nslots, &e) != 0)
			return bench_fail("search", &e);
		t_search += bench_now_us() - t0;
		t0 = bench_now_us();
		out = avail_slots_json(data, slots, nslots);
		t_json += bench_now_us() - t0;
		jsonlen = strlen(out);
		free(out);
		free(slots);
	}
	printf("engine: day document %zu bytes, %zu room claims; parse %.1f us (once per cache fill)\n",
	    strlen(json), data->nclaims, t_parse);
	printf("engine: avail_search %.1f us + avail_slots_json %.1f us per search (%zu slots, %zu bytes)\n",
	    t_search / iterations, t_json / iterations, nslots, jsonlen);
	avail_data_free(data);
	tz_free(tz);
	free(json);
	free(settings);
	db_close(db);
	return 0;
}
