/* Suite "tz": core/tz.h. The zones come from the system's zoneinfo files
 * ($TZDIR or /usr/share/zoneinfo), read here with stdio and handed to
 * tz_parse, so core itself stays free of I/O. Expected instants were checked
 * against Python's zoneinfo. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "tests/unit/suites.h"

#define HOUR 3600
#define DAY 86400

static struct tz *toronto, *kolkata, *adelaide, *utc_file, *nuuk;
static unsigned char *toronto_bytes;
static size_t toronto_len;

static unsigned char *
read_zone_file(const char *name, size_t *len)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	unsigned char *buf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "# cannot open %s (install tzdata)\n", path);
		return NULL;
	}
	buf = malloc(1 << 20);
	*len = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	return buf;
}

static struct tz *
load_zone(const char *name)
{
	size_t len;
	unsigned char *buf = read_zone_file(name, &len);
	struct tz *tz = NULL;
	struct err e;

	if (buf == NULL)
		return NULL;
	if (tz_parse(buf, len, name, &tz, &e) != 0)
		fprintf(stderr, "# %s: %s\n", name, e.msg);
	free(buf);
	return tz;
}

static int
tz_suite_init(void)
{
	toronto = load_zone("America/Toronto");
	kolkata = load_zone("Asia/Kolkata");
	adelaide = load_zone("Australia/Adelaide");
	utc_file = load_zone("UTC");
	nuuk = load_zone("America/Nuuk");
	toronto_bytes = read_zone_file("America/Toronto", &toronto_len);
	return toronto && kolkata && adelaide && utc_file && nuuk && toronto_bytes ? 0 : -1;
}

static int
tz_suite_clean(void)
{
	tz_free(toronto);
	tz_free(kolkata);
	tz_free(adelaide);
	tz_free(utc_file);
	tz_free(nuuk);
	free(toronto_bytes);
	return 0;
}

/* The instant of a UTC wall-clock reading. */
static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	return tz_days_from_civil(y, mo, d) * DAY + h * HOUR + mi * 60 + s;
}

static int64_t
from_local(const struct tz *tz, int y, int mo, int d, int h, int mi, enum tz_pick pick)
{
	int64_t t = INT64_MIN;

	if (tz_from_local(tz, y, mo, d, h, mi, 0, pick, &t, NULL) != 0)
		return INT64_MIN;
	return t;
}

static int64_t
day_length(const struct tz *tz, int y, int mo, int d)
{
	int64_t start = 0, end = 0;

	if (tz_local_day_bounds(tz, y, mo, d, &start, &end, NULL) != 0)
		return -1;
	return end - start;
}

/* --- civil dates ------------------------------------------------------ */

static void
test_tz_civil_day_numbers_match_known_dates(void)
{
	CU_ASSERT_EQUAL(tz_days_from_civil(1970, 1, 1), 0);
	CU_ASSERT_EQUAL(tz_days_from_civil(1969, 12, 31), -1);
	CU_ASSERT_EQUAL(tz_days_from_civil(2000, 3, 1), 11017);
	CU_ASSERT_EQUAL(tz_days_from_civil(1, 1, 1), -719162);
	CU_ASSERT_EQUAL(utc(2027, 3, 14, 6, 0, 0), 1805004000);
	CU_ASSERT_EQUAL(tz_weekday(0), 4);               /* a Thursday */
	CU_ASSERT_EQUAL(tz_weekday(-1), 3);
	CU_ASSERT_EQUAL(tz_weekday(tz_days_from_civil(2027, 3, 14)), 0);  /* Sunday */
	CU_ASSERT_EQUAL(tz_weekday(tz_days_from_civil(1, 1, 1)), 1);      /* Monday */
}

static void
test_tz_civil_dates_round_trip_for_every_day_of_years_1_to_9999(void)
{
	int64_t day = tz_days_from_civil(1, 1, 1), bad = 0;

	for (int y = 1; y <= 9999; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= tz_days_in_month(y, m); d++, day++) {
				int64_t gy;
				int gm, gd;

				tz_civil_from_days(day, &gy, &gm, &gd);
				bad += tz_days_from_civil(y, m, d) != day || gy != y || gm != m ||
				    gd != d;
			}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(day, tz_days_from_civil(10000, 1, 1));
}

static void
test_tz_feb_29_exists_only_in_leap_years(void)
{
	int y = 0, m = 0, d = 0;
	struct err e;

	CU_ASSERT_TRUE(tz_date_valid(2028, 2, 29));
	CU_ASSERT_TRUE(tz_date_valid(2000, 2, 29));
	CU_ASSERT_FALSE(tz_date_valid(2027, 2, 29));
	CU_ASSERT_FALSE(tz_date_valid(2100, 2, 29));
	CU_ASSERT_EQUAL(tz_days_in_month(2028, 2), 29);
	CU_ASSERT_EQUAL(tz_days_in_month(1900, 2), 28);
	CU_ASSERT_EQUAL(tz_days_in_month(2027, 4), 30);
	CU_ASSERT_EQUAL(tz_days_in_month(2027, 13), 0);
	CU_ASSERT_EQUAL(tz_parse_date("2028-02-29", &y, &m, &d, NULL), 0);
	CU_ASSERT(y == 2028 && m == 2 && d == 29);
	err_clear(&e);
	CU_ASSERT_EQUAL(tz_parse_date("2027-02-29", &y, &m, &d, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "date");
	CU_ASSERT_EQUAL(tz_from_local(toronto, 2027, 2, 29, 12, 0, 0, TZ_EARLIER, &(int64_t){ 0 },
	    NULL), ERR_INVALID);
	CU_ASSERT_EQUAL(from_local(toronto, 2028, 2, 29, 12, 0, TZ_EARLIER),
	    utc(2028, 2, 29, 17, 0, 0));
}

static void
test_tz_parse_date_accepts_only_yyyy_mm_dd(void)
{
	static const char *const bad[] = {
		"", "2027-3-14", "2027-03-4", "27-03-14", "2027/03/14", "2027-03-14 ",
		" 2027-03-14", "2027-03-14T00:00", "+2027-03-14", "2027-00-10", "2027-13-01",
		"2027-04-31", "0000-01-01", "2027-03-1x", "20270314",
	};
	int y = 1, m = 2, d = 3;

	CU_ASSERT_EQUAL(tz_parse_date("2027-03-14", &y, &m, &d, NULL), 0);
	CU_ASSERT(y == 2027 && m == 3 && d == 14);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		y = m = d = -7;
		CU_ASSERT_EQUAL(tz_parse_date(bad[i], &y, &m, &d, NULL), ERR_INVALID);
		CU_ASSERT(y == -7 && m == -7 && d == -7);
	}
	CU_ASSERT_EQUAL(tz_parse_date(NULL, &y, &m, &d, NULL), ERR_INVALID);
}

/* --- RFC 3339 ----------------------------------------------------------- */

static void
test_tz_formats_instants_as_rfc3339_utc(void)
{
	char buf[TZ_RFC3339_SIZE], small[20];

	CU_ASSERT_EQUAL(tz_format_utc(1805004000, buf, sizeof(buf), NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "2027-03-14T06:00:00Z");
	CU_ASSERT_EQUAL(tz_format_utc(0, buf, sizeof(buf), NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "1970-01-01T00:00:00Z");
	CU_ASSERT_EQUAL(tz_format_utc(-1, buf, sizeof(buf), NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "1969-12-31T23:59:59Z");
	CU_ASSERT_EQUAL(tz_format_utc(TZ_MAX_INSTANT, buf, sizeof(buf), NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "9999-12-31T23:59:59Z");
	CU_ASSERT_EQUAL(tz_format_utc(TZ_MIN_INSTANT, buf, sizeof(buf), NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "0001-01-01T00:00:00Z");
	CU_ASSERT_EQUAL(tz_format_utc(TZ_MAX_INSTANT + 1, buf, sizeof(buf), NULL), ERR_INVALID);
	CU_ASSERT_EQUAL(tz_format_utc(0, small, sizeof(small), NULL), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(small, "");
}

static void
test_tz_parses_rfc3339_with_z_or_an_offset(void)
{
	static const struct {
		const char *s;
		int64_t want;
	} good[] = {
		{ "2027-03-14T06:00:00Z", 1805004000 },
		{ "2027-03-14t06:00:00z", 1805004000 },
		{ "2027-03-14T02:00:00-04:00", 1805004000 },
		{ "2027-03-14T11:30:00+05:30", 1805004000 },
		{ "2027-03-14T06:00:00.000Z", 1805004000 },
		{ "2027-03-14T06:00:00.999999999+00:00", 1805004000 },
		{ "2027-03-14T06:00:00-00:00", 1805004000 },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1969-12-31T23:59:59Z", -1 },
		{ "2028-02-29T23:59:59Z", 1835481599 },
		{ "2027-01-01T00:30:00+01:00", 1798759800 },
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t t = 42;

		CU_ASSERT_EQUAL(tz_parse_rfc3339(good[i].s, &t, NULL), 0);
		CU_ASSERT_EQUAL(t, good[i].want);
		if (t != good[i].want)
			printf("# %s gave %lld\n", good[i].s, (long long)t);
	}
}

static void
test_tz_rfc3339_rejects_garbage_and_nonexistent_times(void)
{
	static const char *const bad[] = {
		"", "2027-03-14", "2027-03-14T06:00:00", "2027-03-14T06:00Z",
		"2027-03-14T06:00:00ZZ", "2027-03-14T06:00:00Z ", " 2027-03-14T06:00:00Z",
		"2027-03-14 06:00:00Z", "2027-03-14T6:00:00Z", "2027-02-29T00:00:00Z",
		"2027-04-31T00:00:00Z", "2027-13-01T00:00:00Z", "2027-03-14T24:00:00Z",
		"2027-03-14T06:60:00Z", "2027-03-14T06:00:60Z", "2027-03-14T06:00:00+5:30",
		"2027-03-14T06:00:00+05:30x", "2027-03-14T06:00:00+0530", "2027-03-14T06:00:00+24:00",
		"2027-03-14T06:00:00+05:60", "2027-03-14T06:00:00.Z", "2027-03-14T06:00:00,5Z",
		"2027-03-14T06:00:00.1234567890Z", "0000-01-01T00:00:00Z", "2027-03-14T06:00:00UTC",
		"2027-03-14T06:00:00+", "2027-03-14T06:00:00-05", "tomorrow",
		"0001-01-01T00:00:00+01:00",
	};
	struct err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t t = 42;

		err_clear(&e);
		CU_ASSERT_EQUAL(tz_parse_rfc3339(bad[i], &t, &e), ERR_INVALID);
		CU_ASSERT_EQUAL(t, 42);
		CU_ASSERT_STRING_EQUAL(e.field, "datetime");
		if (t != 42)
			printf("# accepted %s\n", bad[i]);
	}
	CU_ASSERT_EQUAL(tz_parse_rfc3339(NULL, &(int64_t){ 0 }, NULL), ERR_INVALID);
}

/* --- Toronto across daylight-saving changes --------------------------- */

static void
test_tz_spring_forward_day_has_23_hours(void)
{
	int64_t start, end;

	CU_ASSERT_EQUAL(tz_local_day_bounds(toronto, 2027, 3, 14, &start, &end, NULL), 0);
	CU_ASSERT_EQUAL(start, 1805000400);                /* 05:00Z, EST */
	CU_ASSERT_EQUAL(end, 1805083200);                  /* 04:00Z next day, EDT */
	CU_ASSERT_EQUAL(end - start, 23 * HOUR);
	CU_ASSERT_EQUAL(day_length(toronto, 2027, 3, 13), 24 * HOUR);
	CU_ASSERT_EQUAL(day_length(toronto, 2027, 3, 15), 24 * HOUR);
}

static void
test_tz_fall_back_day_has_25_hours(void)
{
	int64_t start, end;

	CU_ASSERT_EQUAL(tz_local_day_bounds(toronto, 2027, 11, 7, &start, &end, NULL), 0);
	CU_ASSERT_EQUAL(start, 1825560000);                /* 04:00Z, EDT */
	CU_ASSERT_EQUAL(end, 1825650000);                  /* 05:00Z next day, EST */
	CU_ASSERT_EQUAL(end - start, 25 * HOUR);
	CU_ASSERT_EQUAL(day_length(toronto, 2027, 11, 6), 24 * HOUR);
}

static void
test_tz_time_skipped_by_spring_forward_is_invalid(void)
{
	static const enum tz_pick picks[] = { TZ_STRICT, TZ_EARLIER, TZ_LATER };
	struct err e;

	for (size_t i = 0; i < sizeof(picks) / sizeof(picks[0]); i++) {
		int64_t t = 42;

		err_clear(&e);
		CU_ASSERT_EQUAL(tz_from_local(toronto, 2027, 3, 14, 2, 30, 0, picks[i], &t, &e),
		    ERR_INVALID);
		CU_ASSERT_EQUAL(t, 42);
		CU_ASSERT_STRING_EQUAL(e.field, "time");
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "02:30"));
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "does not exist"));
	}
	CU_ASSERT_EQUAL(from_local(toronto, 2027, 3, 14, 2, 0, TZ_EARLIER), INT64_MIN);
	/* the minutes either side of the gap exist */
	CU_ASSERT_EQUAL(tz_from_local(toronto, 2027, 3, 14, 1, 59, 59, TZ_STRICT,
	    &(int64_t){ 0 }, NULL), 0);
	CU_ASSERT_EQUAL(from_local(toronto, 2027, 3, 14, 3, 0, TZ_STRICT), utc(2027, 3, 14, 7, 0, 0));
	CU_ASSERT_EQUAL(from_local(toronto, 2027, 3, 14, 1, 0, TZ_STRICT), utc(2027, 3, 14, 6, 0, 0));
}

static void
test_tz_shift_forward_moves_a_skipped_time_past_the_gap(void)
{
	struct tz_local lt;
	int64_t t = from_local(toronto, 2027, 3, 14, 2, 30, TZ_SHIFT_FORWARD);

	CU_ASSERT_EQUAL(t, utc(2027, 3, 14, 7, 30, 0));
	tz_to_local(toronto, t, &lt);
	CU_ASSERT(lt.hour == 3 && lt.minute == 30 && lt.is_dst == 1);
	CU_ASSERT_EQUAL(from_local(toronto, 2027, 3, 14, 2, 0, TZ_SHIFT_FORWARD),
	    utc(2027, 3, 14, 7, 0, 0));
}

static void
test_tz_time_repeated_by_fall_back_picks_earlier_or_later(void)
{
	struct err e;

	CU_ASSERT_EQUAL(from_local(toronto, 2027, 11, 7, 1, 30, TZ_EARLIER), 1825565400);
	CU_ASSERT_EQUAL(from_local(toronto, 2027, 11, 7, 1, 30, TZ_EARLIER),
	    utc(2027, 11, 7, 5, 30, 0));
	CU_ASSERT_EQUAL(from_local(toronto, 2027, 11, 7, 1, 30, TZ_LATER),
	    utc(2027, 11, 7, 6, 30, 0));
	CU_ASSERT_EQUAL(from_local(toronto, 2027, 11, 7, 1, 30, TZ_SHIFT_FORWARD),
	    utc(2027, 11, 7, 5, 30, 0));
	err_clear(&e);
	CU_ASSERT_EQUAL(tz_from_local(toronto, 2027, 11, 7, 1, 30, 0, TZ_STRICT, &(int64_t){ 0 },
	    &e), ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "twice"));
	/* outside the repeated hour there is one answer whatever the pick */
	CU_ASSERT_EQUAL(from_local(toronto, 2027, 11, 7, 2, 0, TZ_EARLIER),
	    from_local(toronto, 2027, 11, 7, 2, 0, TZ_LATER));
	CU_ASSERT_EQUAL(from_local(toronto, 2027, 11, 7, 0, 59, TZ_EARLIER),
	    from_local(toronto, 2027, 11, 7, 0, 59, TZ_LATER));
}

static void
test_tz_two_hour_session_from_0030_on_fall_back_day_ends_at_0130_est(void)
{
	int64_t start = from_local(toronto, 2027, 11, 7, 0, 30, TZ_STRICT);
	struct tz_local lt;

	CU_ASSERT_EQUAL(start, utc(2027, 11, 7, 4, 30, 0));
	tz_to_local(toronto, start + 2 * HOUR, &lt);
	CU_ASSERT_EQUAL(start + 2 * HOUR, utc(2027, 11, 7, 6, 30, 0));
	CU_ASSERT(lt.year == 2027 && lt.month == 11 && lt.day == 7);
	CU_ASSERT(lt.hour == 1 && lt.minute == 30 && lt.second == 0);
	CU_ASSERT_EQUAL(lt.utc_offset, -5 * HOUR);
	CU_ASSERT_EQUAL(lt.is_dst, 0);
	CU_ASSERT_STRING_EQUAL(lt.abbr, "EST");
}

static void
test_tz_to_local_reports_offset_dst_abbreviation_and_weekday(void)
{
	struct tz_local lt;

	tz_to_local(toronto, utc(2027, 7, 1, 16, 45, 7), &lt);
	CU_ASSERT(lt.year == 2027 && lt.month == 7 && lt.day == 1);
	CU_ASSERT(lt.hour == 12 && lt.minute == 45 && lt.second == 7);
	CU_ASSERT_EQUAL(lt.wday, 4);
	CU_ASSERT_EQUAL(lt.utc_offset, -4 * HOUR);
	CU_ASSERT_EQUAL(lt.is_dst, 1);
	CU_ASSERT_STRING_EQUAL(lt.abbr, "EDT");
	tz_to_local(toronto, utc(2027, 1, 1, 4, 59, 59), &lt);
	CU_ASSERT(lt.year == 2026 && lt.month == 12 && lt.day == 31 && lt.hour == 23);
	CU_ASSERT_EQUAL(lt.wday, 4);
	CU_ASSERT_STRING_EQUAL(lt.abbr, "EST");
	CU_ASSERT_EQUAL(tz_utc_offset(toronto, utc(2027, 3, 14, 6, 59, 59)), -5 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(toronto, utc(2027, 3, 14, 7, 0, 0)), -4 * HOUR);
	CU_ASSERT_STRING_EQUAL(tz_name(toronto), "America/Toronto");
}

static void
test_tz_history_before_1970_comes_from_the_table(void)
{
	struct tz_local lt;

	/* 1945: Eastern War Time; 1880: local mean time (-5:17:32). */
	tz_to_local(toronto, utc(1945, 1, 1, 12, 0, 0), &lt);
	CU_ASSERT_STRING_EQUAL(lt.abbr, "EWT");
	CU_ASSERT_EQUAL(lt.utc_offset, -4 * HOUR);
	tz_to_local(toronto, utc(1880, 1, 1, 12, 0, 0), &lt);
	CU_ASSERT_STRING_EQUAL(lt.abbr, "LMT");
	CU_ASSERT_EQUAL(lt.utc_offset, -(5 * HOUR + 17 * 60 + 32));
}

/* Every instant from..to by step converts to local and back to itself. */
static int
round_trip_failures(const struct tz *tz, int64_t from, int64_t to, int64_t step)
{
	int failures = 0;

	for (int64_t t = from; t < to; t += step) {
		struct tz_local lt, back;
		int64_t early = 0, late = 0;

		tz_to_local(tz, t, &lt);
		if (tz_from_local(tz, lt.year, lt.month, lt.day, lt.hour, lt.minute, lt.second,
		    TZ_EARLIER, &early, NULL) != 0 ||
		    tz_from_local(tz, lt.year, lt.month, lt.day, lt.hour, lt.minute, lt.second,
		    TZ_LATER, &late, NULL) != 0 || (t != early && t != late) || early > late) {
			if (failures++ < 3)
				printf("# %s: %lld does not round-trip\n", tz_name(tz), (long long)t);
			continue;
		}
		tz_to_local(tz, early == t ? late : early, &back);
		failures += back.hour != lt.hour || back.minute != lt.minute || back.day != lt.day;
		failures += lt.wday != tz_weekday(tz_days_from_civil(lt.year, lt.month, lt.day));
	}
	return failures;
}

static void
test_tz_every_quarter_hour_of_2027_round_trips_in_toronto(void)
{
	CU_ASSERT_EQUAL(round_trip_failures(toronto, utc(2027, 1, 1, 0, 0, 0),
	    utc(2028, 1, 1, 0, 0, 0), 900), 0);
}

static void
test_tz_every_quarter_hour_round_trips_past_2037(void)
{
	CU_ASSERT_EQUAL(round_trip_failures(toronto, utc(2040, 1, 1, 0, 0, 0),
	    utc(2041, 1, 1, 0, 0, 0), 900), 0);
	CU_ASSERT_EQUAL(round_trip_failures(adelaide, utc(2045, 1, 1, 0, 0, 0),
	    utc(2046, 1, 1, 0, 0, 0), 900), 0);
}

/* --- the footer rule --------------------------------------------------- */

static void
test_tz_footer_rule_governs_dates_past_2037(void)
{
	struct tz_local lt;
	int64_t t = 42;

	CU_ASSERT_EQUAL(tz_local_day_bounds(toronto, 2040, 3, 11, &t, NULL, NULL), 0);
	CU_ASSERT_EQUAL(t, 2215054800);
	CU_ASSERT_EQUAL(day_length(toronto, 2040, 3, 11), 23 * HOUR);
	CU_ASSERT_EQUAL(day_length(toronto, 2040, 11, 4), 25 * HOUR);
	CU_ASSERT_EQUAL(from_local(toronto, 2040, 3, 11, 2, 30, TZ_EARLIER), INT64_MIN);
	CU_ASSERT_EQUAL(day_length(toronto, 2100, 3, 14), 23 * HOUR);
	CU_ASSERT_EQUAL(day_length(toronto, 9999, 11, 7), 25 * HOUR);
	tz_to_local(toronto, utc(2400, 7, 4, 16, 0, 0), &lt);
	CU_ASSERT_STRING_EQUAL(lt.abbr, "EDT");
	CU_ASSERT_EQUAL(lt.hour, 12);
}

/* The footer rule and the table zic wrote must agree wherever both speak. */
static int
offset_disagreements(const struct tz *table, const char *rule, int from_year, int to_year)
{
	struct tz *footer = NULL;
	int bad = 0;

	if (tz_from_posix(rule, "footer", &footer, NULL) != 0)
		return -1;
	for (int64_t t = utc(from_year, 1, 1, 0, 0, 0); t < utc(to_year, 1, 1, 0, 0, 0); t += 1800)
		bad += tz_utc_offset(table, t) != tz_utc_offset(footer, t);
	tz_free(footer);
	return bad;
}

static void
test_tz_footer_rule_matches_the_transition_table_2008_to_2037(void)
{
	CU_ASSERT_EQUAL(offset_disagreements(toronto, "EST5EDT,M3.2.0,M11.1.0", 2008, 2037), 0);
	CU_ASSERT_EQUAL(offset_disagreements(adelaide, "ACST-9:30ACDT,M10.1.0,M4.1.0/3", 2009,
	    2037), 0);
	/* and a wrong rule is noticed */
	CU_ASSERT_NOT_EQUAL(offset_disagreements(toronto, "EST5EDT,M3.1.0,M11.1.0", 2008, 2037), 0);
}

static void
test_tz_version_3_footer_with_negative_rule_time(void)
{
	/* America/Nuuk: <-02>2<-01>,M3.5.0/-1,M10.5.0/0; both changes at 01:00Z. */
	CU_ASSERT_EQUAL(tz_utc_offset(nuuk, 1901149199), -2 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(nuuk, 1901149200), -1 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(nuuk, 1919293199), -1 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(nuuk, 1919293200), -2 * HOUR);
	/* the spring gap is 23:00-24:00 on the Saturday */
	CU_ASSERT_EQUAL(from_local(nuuk, 2030, 3, 30, 23, 30, TZ_EARLIER), INT64_MIN);
	CU_ASSERT_EQUAL(day_length(nuuk, 2030, 3, 30), 23 * HOUR);
}

static void
test_tz_posix_julian_and_zero_based_days(void)
{
	struct tz *j = NULL, *n = NULL;

	CU_ASSERT_EQUAL_FATAL(tz_from_posix("XST5XDT,J60,J300", "J", &j, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(tz_from_posix("XST5XDT,59,300", "n", &n, NULL), 0);
	/* Jn never counts Feb 29: J60 is March 1 in any year. */
	CU_ASSERT_EQUAL(tz_utc_offset(j, utc(2028, 3, 1, 6, 59, 59)), -5 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(j, utc(2028, 3, 1, 7, 0, 0)), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(j, utc(2027, 3, 1, 7, 0, 0)), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(j, utc(2027, 10, 27, 5, 59, 59)), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(j, utc(2027, 10, 27, 6, 0, 0)), -5 * HOUR);
	/* n counts from 0 and counts Feb 29: day 59 is Feb 29 in 2028 and
	 * March 1 in 2027. */
	CU_ASSERT_EQUAL(tz_utc_offset(n, utc(2028, 2, 29, 6, 59, 59)), -5 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(n, utc(2028, 2, 29, 7, 0, 0)), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(n, utc(2027, 2, 28, 23, 0, 0)), -5 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(n, utc(2027, 3, 1, 7, 0, 0)), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(n, utc(2028, 10, 27, 6, 0, 0)), -5 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(n, utc(2028, 10, 27, 5, 59, 59)), -4 * HOUR);
	tz_free(j);
	tz_free(n);
}

static void
test_tz_posix_explicit_times_and_dst_offsets(void)
{
	struct tz *cet = NULL, *lhi = NULL;
	struct tz_local lt;

	CU_ASSERT_EQUAL_FATAL(tz_from_posix("CET-1CEST,M3.5.0,M10.5.0/3", "CET", &cet, NULL), 0);
	CU_ASSERT_EQUAL(tz_utc_offset(cet, utc(2027, 3, 28, 0, 59, 59)), 1 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(cet, utc(2027, 3, 28, 1, 0, 0)), 2 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(cet, utc(2027, 10, 31, 0, 59, 59)), 2 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(cet, utc(2027, 10, 31, 1, 0, 0)), 1 * HOUR);
	/* Lord Howe moves its clocks by half an hour. */
	CU_ASSERT_EQUAL_FATAL(tz_from_posix("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", "LHI", &lhi,
	    NULL), 0);
	tz_to_local(lhi, utc(2027, 1, 15, 0, 0, 0), &lt);
	CU_ASSERT_EQUAL(lt.utc_offset, 11 * HOUR);
	CU_ASSERT_STRING_EQUAL(lt.abbr, "+11");
	tz_to_local(lhi, utc(2027, 7, 15, 0, 0, 0), &lt);
	CU_ASSERT_EQUAL(lt.utc_offset, 10 * HOUR + 1800);
	CU_ASSERT_STRING_EQUAL(lt.abbr, "+1030");
	CU_ASSERT_EQUAL(from_local(lhi, 2027, 10, 3, 2, 15, TZ_EARLIER), INT64_MIN);
	CU_ASSERT_EQUAL(from_local(lhi, 2027, 10, 3, 2, 15, TZ_SHIFT_FORWARD),
	    utc(2027, 10, 2, 15, 45, 0));
	CU_ASSERT_EQUAL(day_length(lhi, 2027, 10, 3), 23 * HOUR + 1800);
	tz_free(cet);
	tz_free(lhi);
}

static void
test_tz_posix_all_year_dst_stays_in_dst(void)
{
	struct tz *z = NULL;

	CU_ASSERT_EQUAL_FATAL(tz_from_posix("EST5EDT,0/0,J365/25", "dst", &z, NULL), 0);
	CU_ASSERT_EQUAL(tz_utc_offset(z, utc(2027, 1, 1, 4, 59, 59)), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(z, utc(2027, 1, 1, 5, 0, 0)), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_utc_offset(z, utc(2027, 7, 1, 0, 0, 0)), -4 * HOUR);
	CU_ASSERT_EQUAL(day_length(z, 2027, 1, 1), 24 * HOUR);
	tz_free(z);
}

static void
test_tz_posix_rules_that_are_malformed_are_rejected(void)
{
	static const char *const bad[] = {
		"", "EST", "E5", "EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0",
		"EST5EDT,M3.6.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0", "EST5EDT,M3.2.0,M11.1.0x",
		"EST25", "EST5EDT,J0,J300", "EST5EDT,366,300", "EST5EDT,M3.2.0/168,M11.1.0",
		"<AB>5", "<EST5", "EST5EDT,M3.2.0,,M11.1.0", "EST5:60",
	};
	struct tz *z;
	struct err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		z = NULL;
		err_clear(&e);
		CU_ASSERT_EQUAL(tz_from_posix(bad[i], "x", &z, &e), ERR_INVALID);
		CU_ASSERT_PTR_NULL(z);
		if (z != NULL) {
			printf("# accepted %s\n", bad[i]);
			tz_free(z);
		}
	}
	/* a DST name without rules takes the US rules */
	z = NULL;
	CU_ASSERT_EQUAL_FATAL(tz_from_posix("EST5EDT", "us", &z, NULL), 0);
	CU_ASSERT_EQUAL(day_length(z, 2027, 3, 14), 23 * HOUR);
	tz_free(z);
}

/* --- other zones -------------------------------------------------------- */

static void
test_tz_utc_zone_has_no_offset_and_24_hour_days(void)
{
	struct tz *mem = tz_new_utc();
	const struct tz *zones[2] = { utc_file, mem };

	for (int i = 0; i < 2; i++) {
		struct tz_local lt;

		tz_to_local(zones[i], 0, &lt);
		CU_ASSERT(lt.year == 1970 && lt.month == 1 && lt.day == 1 && lt.hour == 0);
		CU_ASSERT_EQUAL(lt.wday, 4);
		CU_ASSERT_EQUAL(lt.utc_offset, 0);
		CU_ASSERT_EQUAL(lt.is_dst, 0);
		CU_ASSERT_STRING_EQUAL(lt.abbr, "UTC");
		CU_ASSERT_EQUAL(day_length(zones[i], 2027, 3, 14), 24 * HOUR);
		CU_ASSERT_EQUAL(day_length(zones[i], 2027, 11, 7), 24 * HOUR);
		CU_ASSERT_EQUAL(from_local(zones[i], 2045, 6, 1, 12, 0, TZ_STRICT),
		    utc(2045, 6, 1, 12, 0, 0));
	}
	CU_ASSERT_STRING_EQUAL(tz_name(mem), "UTC");
	tz_free(mem);
	tz_free(NULL);
}

static void
test_tz_kolkata_is_five_and_a_half_hours_ahead(void)
{
	struct tz_local lt;
	int64_t start, end;

	tz_to_local(kolkata, utc(2027, 1, 15, 12, 0, 0), &lt);
	CU_ASSERT(lt.hour == 17 && lt.minute == 30 && lt.day == 15);
	CU_ASSERT_EQUAL(lt.wday, 5);
	CU_ASSERT_EQUAL(lt.utc_offset, 5 * HOUR + 1800);
	CU_ASSERT_STRING_EQUAL(lt.abbr, "IST");
	CU_ASSERT_EQUAL(tz_local_day_bounds(kolkata, 2027, 1, 15, &start, &end, NULL), 0);
	CU_ASSERT_EQUAL(start, utc(2027, 1, 14, 18, 30, 0));
	CU_ASSERT_EQUAL(end - start, 24 * HOUR);
	CU_ASSERT_EQUAL(from_local(kolkata, 2050, 6, 1, 9, 15, TZ_STRICT),
	    utc(2050, 6, 1, 3, 45, 0));
}

static void
test_tz_adelaide_half_hour_zone_has_southern_summer_time(void)
{
	struct tz_local lt;
	int64_t start, end;

	tz_to_local(adelaide, utc(2027, 1, 15, 0, 0, 0), &lt);
	CU_ASSERT_EQUAL(lt.utc_offset, 10 * HOUR + 1800);
	CU_ASSERT_STRING_EQUAL(lt.abbr, "ACDT");
	CU_ASSERT_EQUAL(lt.is_dst, 1);
	tz_to_local(adelaide, utc(2027, 7, 15, 0, 0, 0), &lt);
	CU_ASSERT_EQUAL(lt.utc_offset, 9 * HOUR + 1800);
	CU_ASSERT_STRING_EQUAL(lt.abbr, "ACST");
	CU_ASSERT_EQUAL(tz_local_day_bounds(adelaide, 2027, 4, 4, &start, &end, NULL), 0);
	CU_ASSERT(start == 1806759000 && end == 1806849000);
	CU_ASSERT_EQUAL(tz_local_day_bounds(adelaide, 2027, 10, 3, &start, &end, NULL), 0);
	CU_ASSERT(start == 1822487400 && end == 1822570200);
	/* past the table, from the footer */
	CU_ASSERT_EQUAL(tz_local_day_bounds(adelaide, 2045, 4, 2, &start, &end, NULL), 0);
	CU_ASSERT(start == 2374666200 && end == 2374756200);
	CU_ASSERT_EQUAL(tz_local_day_bounds(adelaide, 2045, 10, 1, &start, &end, NULL), 0);
	CU_ASSERT(start == 2390394600 && end == 2390477400);
}

static void
test_tz_invalid_dates_and_times_are_rejected(void)
{
	struct err e;
	int64_t t = 42;

	err_clear(&e);
	CU_ASSERT_EQUAL(tz_from_local(toronto, 2027, 2, 30, 9, 0, 0, TZ_EARLIER, &t, &e),
	    ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "date");
	CU_ASSERT_EQUAL(tz_from_local(toronto, 2027, 13, 1, 9, 0, 0, TZ_EARLIER, &t, NULL),
	    ERR_INVALID);
	CU_ASSERT_EQUAL(tz_from_local(toronto, 2027, 0, 1, 9, 0, 0, TZ_EARLIER, &t, NULL),
	    ERR_INVALID);
	CU_ASSERT_EQUAL(tz_from_local(toronto, 2027, 4, 31, 9, 0, 0, TZ_EARLIER, &t, NULL),
	    ERR_INVALID);
	CU_ASSERT_EQUAL(tz_from_local(toronto, 10000, 1, 1, 9, 0, 0, TZ_EARLIER, &t, NULL),
	    ERR_INVALID);
	err_clear(&e);
	CU_ASSERT_EQUAL(tz_from_local(toronto, 2027, 3, 1, 24, 0, 0, TZ_EARLIER, &t, &e),
	    ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "time");
	CU_ASSERT_EQUAL(tz_from_local(toronto, 2027, 3, 1, 9, 60, 0, TZ_EARLIER, &t, NULL),
	    ERR_INVALID);
	CU_ASSERT_EQUAL(tz_from_local(toronto, 2027, 3, 1, 9, 0, -1, TZ_EARLIER, &t, NULL),
	    ERR_INVALID);
	CU_ASSERT_EQUAL(t, 42);
	CU_ASSERT_EQUAL(tz_local_day_bounds(toronto, 2027, 2, 29, &t, NULL, NULL), ERR_INVALID);
	CU_ASSERT_EQUAL(t, 42);
}

static void
test_tz_to_local_clamps_instants_out_of_range(void)
{
	struct tz_local lt;

	tz_to_local(utc_file, INT64_MAX, &lt);
	CU_ASSERT(lt.year == 9999 && lt.month == 12 && lt.day == 31 && lt.second == 59);
	tz_to_local(kolkata, INT64_MIN, &lt);
	CU_ASSERT(lt.year == 1 && lt.month == 1 && lt.day == 1);
	CU_ASSERT_EQUAL(tz_utc_offset(toronto, INT64_MAX), -5 * HOUR);
}

/* --- TZif bytes -------------------------------------------------------- */

/* A small TZif file: two types, AAA (+1:00) and BBB (+1:30, DST). */
struct tzif_spec {
	char version;                  /* 0, '2', '3' */
	size_t ntrans;
	const int64_t *times;
	const unsigned char *idx;
	size_t ntypes;
	const int32_t *utoff;
	const unsigned char *isdst;
	const unsigned char *abbrind;
	const char *chars;
	size_t charcnt;
	uint32_t leapcnt;
	const char *footer;            /* version 2+ only */
};

static size_t
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

static size_t
tzif_block(const struct tzif_spec *s, unsigned char *p, unsigned tsize)
{
	size_t n = 0;

	memcpy(p, "TZif", 4);
	p[4] = (unsigned char)s->version;
	memset(p + 5, 0, 15);
	n = 20;
	n += put32(p + n, 0);
	n += put32(p + n, 0);
	n += put32(p + n, s->leapcnt);
	n += put32(p + n, (uint32_t)s->ntrans);
	n += put32(p + n, (uint32_t)s->ntypes);
	n += put32(p + n, (uint32_t)s->charcnt);
	for (size_t i = 0; i < s->ntrans; i++) {
		if (tsize == 8)
			n += put32(p + n, (uint32_t)((uint64_t)s->times[i] >> 32));
		n += put32(p + n, (uint32_t)(uint64_t)s->times[i]);
	}
	for (size_t i = 0; i < s->ntrans; i++)
		p[n++] = s->idx[i];
	for (size_t i = 0; i < s->ntypes; i++) {
		n += put32(p + n, (uint32_t)s->utoff[i]);
		p[n++] = s->isdst[i];
		p[n++] = s->abbrind[i];
	}
	memcpy(p + n, s->chars, s->charcnt);
	n += s->charcnt;
	memset(p + n, 0, s->leapcnt * (tsize + 4));
	n += s->leapcnt * (tsize + 4);
	return n;
}

static size_t
tzif_build(const struct tzif_spec *s, unsigned char *p)
{
	size_t n = tzif_block(s, p, 4);

	if (s->version == 0)
		return n;
	n += tzif_block(s, p + n, 8);
	n += (size_t)snprintf((char *)p + n, 200, "\n%s\n", s->footer ? s->footer : "");
	return n;
}

static const int64_t spec_times[] = { 1000000000, 1100000000 };
static const unsigned char spec_idx[] = { 1, 0 };
static const int32_t spec_utoff[] = { 3600, 5400 };
static const unsigned char spec_isdst[] = { 0, 1 };
static const unsigned char spec_abbrind[] = { 0, 4 };

static struct tzif_spec
spec_base(char version)
{
	struct tzif_spec s = {
		version, 2, spec_times, spec_idx, 2, spec_utoff, spec_isdst, spec_abbrind,
		"AAA\0BBB", 8, 0, "AAA-1BBB-1:30,M3.5.0,M10.5.0/3",
	};
	return s;
}

static int
spec_parse(const struct tzif_spec *s, struct tz **out, struct err *e)
{
	unsigned char buf[1024];
	size_t n = tzif_build(s, buf);

	return tz_parse(buf, n, "Test/Zone", out, e);
}

static void
test_tz_parses_version_1_data_without_footer(void)
{
	struct tzif_spec s = spec_base(0);
	struct tz *z = NULL;
	struct tz_local lt;

	CU_ASSERT_EQUAL_FATAL(spec_parse(&s, &z, NULL), 0);
	CU_ASSERT_EQUAL(tz_utc_offset(z, 999999999), 3600);
	tz_to_local(z, 1000000000, &lt);
	CU_ASSERT_EQUAL(lt.utc_offset, 5400);
	CU_ASSERT_EQUAL(lt.is_dst, 1);
	CU_ASSERT_STRING_EQUAL(lt.abbr, "BBB");
	CU_ASSERT_EQUAL(tz_utc_offset(z, 1099999999), 5400);
	CU_ASSERT_EQUAL(tz_utc_offset(z, 1100000000), 3600);
	/* no footer: the last type lasts forever */
	CU_ASSERT_EQUAL(tz_utc_offset(z, utc(2030, 7, 1, 0, 0, 0)), 3600);
	CU_ASSERT_STRING_EQUAL(tz_name(z), "Test/Zone");
	tz_free(z);
}

static void
test_tz_parses_version_2_and_3_data_with_footer(void)
{
	for (int v = 0; v < 2; v++) {
		struct tzif_spec s = spec_base(v == 0 ? '2' : '3');
		struct tz *z = NULL;

		CU_ASSERT_EQUAL_FATAL(spec_parse(&s, &z, NULL), 0);
		CU_ASSERT_EQUAL(tz_utc_offset(z, 1000000000), 5400);
		CU_ASSERT_EQUAL(tz_utc_offset(z, 1100000000), 3600);
		CU_ASSERT_EQUAL(tz_utc_offset(z, utc(2030, 7, 1, 0, 0, 0)), 5400);
		CU_ASSERT_EQUAL(tz_utc_offset(z, utc(2030, 12, 1, 0, 0, 0)), 3600);
		tz_free(z);
	}
}

static void
test_tz_two_changes_within_a_day_resolve_against_the_right_one(void)
{
	/* AAA (+0) and BBB (+1, DST): fall back at b1, spring forward 20 h
	 * later, and an empty footer (the last type lasts). */
	const int64_t times[] = { utc(2001, 1, 1, 0, 0, 0), utc(2001, 6, 10, 0, 0, 0),
		utc(2001, 6, 10, 20, 0, 0) };
	const unsigned char idx[] = { 1, 0, 1 };
	const int32_t utoff[] = { 0, 3600 };
	struct tzif_spec s = spec_base('2');
	struct tz *z = NULL;

	s.ntrans = 3;
	s.times = times;
	s.idx = idx;
	s.utoff = utoff;
	s.footer = "";
	CU_ASSERT_EQUAL_FATAL(spec_parse(&s, &z, NULL), 0);
	CU_ASSERT_EQUAL(from_local(z, 2001, 6, 10, 0, 30, TZ_EARLIER), utc(2001, 6, 9, 23, 30, 0));
	CU_ASSERT_EQUAL(from_local(z, 2001, 6, 10, 0, 30, TZ_LATER), utc(2001, 6, 10, 0, 30, 0));
	CU_ASSERT_EQUAL(from_local(z, 2001, 6, 10, 20, 30, TZ_EARLIER), INT64_MIN);
	CU_ASSERT_EQUAL(from_local(z, 2001, 6, 10, 20, 30, TZ_SHIFT_FORWARD),
	    utc(2001, 6, 10, 20, 30, 0));
	CU_ASSERT_EQUAL(tz_utc_offset(z, utc(2030, 1, 1, 0, 0, 0)), 3600);
	tz_free(z);
}

static void
test_tz_day_whose_midnight_is_skipped_starts_at_the_change(void)
{
	struct tz *z = NULL;
	int64_t start, end;

	/* Chile's rule: clocks jump from 24:00 Saturday to 01:00 Sunday. */
	CU_ASSERT_EQUAL_FATAL(tz_from_posix("<-04>4<-03>,M9.1.6/24,M4.1.6/24", "cl", &z, NULL), 0);
	CU_ASSERT_EQUAL(tz_local_day_bounds(z, 2027, 9, 5, &start, &end, NULL), 0);
	CU_ASSERT_EQUAL(start, utc(2027, 9, 5, 4, 0, 0));
	CU_ASSERT_EQUAL(end - start, 23 * HOUR);
	CU_ASSERT_EQUAL(from_local(z, 2027, 9, 5, 0, 0, TZ_STRICT), INT64_MIN);
	tz_free(z);
	/* a gap from 23:30 to 00:30: the day begins at 00:30, the change */
	CU_ASSERT_EQUAL_FATAL(tz_from_posix("<-04>4<-03>,M9.1.6/23:30,M4.1.6/24", "x", &z, NULL),
	    0);
	CU_ASSERT_EQUAL(tz_local_day_bounds(z, 2027, 9, 5, &start, &end, NULL), 0);
	CU_ASSERT_EQUAL(start, utc(2027, 9, 5, 3, 30, 0));
	CU_ASSERT_EQUAL(end, utc(2027, 9, 6, 3, 0, 0));
	CU_ASSERT_EQUAL(day_length(z, 2027, 9, 4), 23 * HOUR + 1800);
	tz_free(z);
}

static void
test_tz_rejects_malformed_tzif_bytes(void)
{
	static const int64_t unsorted[] = { 1100000000, 1000000000 };
	static const unsigned char bad_idx[] = { 1, 5 };
	static const int32_t bad_utoff[] = { 3600, 100000 };
	static const unsigned char bad_isdst[] = { 0, 2 };
	static const unsigned char bad_abbrind[] = { 0, 8 };
	struct tzif_spec s;
	struct tz *z = NULL;
	struct err e;
	int accepted = 0;

#define EXPECT_REJECTED(mutate) do { \
		s = spec_base('2'); \
		mutate; \
		z = NULL; \
		err_clear(&e); \
		CU_ASSERT_EQUAL(spec_parse(&s, &z, &e), ERR_INVALID); \
		CU_ASSERT_PTR_NULL(z); \
		CU_ASSERT_STRING_EQUAL(e.field, "time_zone"); \
		tz_free(z); \
	} while (0)

	EXPECT_REJECTED(s.times = unsorted);
	EXPECT_REJECTED(s.idx = bad_idx);
	EXPECT_REJECTED(s.utoff = bad_utoff);
	EXPECT_REJECTED(s.isdst = bad_isdst);
	EXPECT_REJECTED(s.abbrind = bad_abbrind);
	EXPECT_REJECTED(s.chars = "AAA!BBB!");
	EXPECT_REJECTED(s.ntypes = 0);
	EXPECT_REJECTED(s.ntypes = 0; s.ntrans = 0);
	EXPECT_REJECTED(s.charcnt = 0);
	EXPECT_REJECTED(s.leapcnt = 1);
	EXPECT_REJECTED(s.footer = "AAA-1BBB,M3.5.0");
	EXPECT_REJECTED(s.footer = "garbage");
	EXPECT_REJECTED(s.version = '9');
#undef EXPECT_REJECTED

	CU_ASSERT_EQUAL(tz_parse(NULL, 0, "x", &z, NULL), ERR_INVALID);
	CU_ASSERT_EQUAL(tz_parse((const unsigned char *)"", 0, "x", &z, NULL), ERR_INVALID);
	CU_ASSERT_EQUAL(tz_parse((const unsigned char *)"# not a zone\n", 13, "x", &z, NULL),
	    ERR_INVALID);

	/* the real file parses, and every truncation of it is refused */
	CU_ASSERT_EQUAL_FATAL(tz_parse(toronto_bytes, toronto_len, "t", &z, NULL), 0);
	tz_free(z);
	for (size_t len = 0; len < toronto_len; len++) {
		z = NULL;
		if (tz_parse(toronto_bytes, len, "t", &z, NULL) != ERR_INVALID || z != NULL) {
			accepted++;
			tz_free(z);
		}
	}
	CU_ASSERT_EQUAL(accepted, 0);
	{
		unsigned char *copy = malloc(toronto_len + 1);

		CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
		memcpy(copy, toronto_bytes, toronto_len);
		copy[toronto_len] = 'x';
		z = NULL;
		CU_ASSERT_EQUAL(tz_parse(copy, toronto_len + 1, "t", &z, NULL), ERR_INVALID);
		copy[0] = 'X';
		CU_ASSERT_EQUAL(tz_parse(copy, toronto_len, "t", &z, NULL), ERR_INVALID);
		copy[0] = 'T';
		/* "EST5EDT,M3.2.0,M11.1.0\n" becomes "EST5EDT,X3.2.0,M11.1.0\n" */
		CU_ASSERT_EQUAL(copy[toronto_len - 15], 'M');
		copy[toronto_len - 15] = 'X';
		CU_ASSERT_EQUAL(tz_parse(copy, toronto_len, "t", &z, NULL), ERR_INVALID);
		copy[toronto_len - 15] = 'M';
		/* the footer must open with a newline */
		CU_ASSERT_EQUAL(copy[toronto_len - 24], '\n');
		copy[toronto_len - 24] = ' ';
		CU_ASSERT_EQUAL(tz_parse(copy, toronto_len, "t", &z, NULL), ERR_INVALID);
		free(copy);
	}
}

void
suite_tz(void)
{
	CU_pSuite s = CU_add_suite("tz", tz_suite_init, tz_suite_clean);

	UNIT_TEST(s, test_tz_civil_day_numbers_match_known_dates);
	UNIT_TEST(s, test_tz_civil_dates_round_trip_for_every_day_of_years_1_to_9999);
	UNIT_TEST(s, test_tz_feb_29_exists_only_in_leap_years);
	UNIT_TEST(s, test_tz_parse_date_accepts_only_yyyy_mm_dd);
	UNIT_TEST(s, test_tz_formats_instants_as_rfc3339_utc);
	UNIT_TEST(s, test_tz_parses_rfc3339_with_z_or_an_offset);
	UNIT_TEST(s, test_tz_rfc3339_rejects_garbage_and_nonexistent_times);
	UNIT_TEST(s, test_tz_spring_forward_day_has_23_hours);
	UNIT_TEST(s, test_tz_fall_back_day_has_25_hours);
	UNIT_TEST(s, test_tz_time_skipped_by_spring_forward_is_invalid);
	UNIT_TEST(s, test_tz_shift_forward_moves_a_skipped_time_past_the_gap);
	UNIT_TEST(s, test_tz_time_repeated_by_fall_back_picks_earlier_or_later);
	UNIT_TEST(s, test_tz_two_hour_session_from_0030_on_fall_back_day_ends_at_0130_est);
	UNIT_TEST(s, test_tz_to_local_reports_offset_dst_abbreviation_and_weekday);
	UNIT_TEST(s, test_tz_history_before_1970_comes_from_the_table);
	UNIT_TEST(s, test_tz_every_quarter_hour_of_2027_round_trips_in_toronto);
	UNIT_TEST(s, test_tz_every_quarter_hour_round_trips_past_2037);
	UNIT_TEST(s, test_tz_footer_rule_governs_dates_past_2037);
	UNIT_TEST(s, test_tz_footer_rule_matches_the_transition_table_2008_to_2037);
	UNIT_TEST(s, test_tz_version_3_footer_with_negative_rule_time);
	UNIT_TEST(s, test_tz_posix_julian_and_zero_based_days);
	UNIT_TEST(s, test_tz_posix_explicit_times_and_dst_offsets);
	UNIT_TEST(s, test_tz_posix_all_year_dst_stays_in_dst);
	UNIT_TEST(s, test_tz_posix_rules_that_are_malformed_are_rejected);
	UNIT_TEST(s, test_tz_utc_zone_has_no_offset_and_24_hour_days);
	UNIT_TEST(s, test_tz_kolkata_is_five_and_a_half_hours_ahead);
	UNIT_TEST(s, test_tz_adelaide_half_hour_zone_has_southern_summer_time);
	UNIT_TEST(s, test_tz_invalid_dates_and_times_are_rejected);
	UNIT_TEST(s, test_tz_to_local_clamps_instants_out_of_range);
	UNIT_TEST(s, test_tz_parses_version_1_data_without_footer);
	UNIT_TEST(s, test_tz_parses_version_2_and_3_data_with_footer);
	UNIT_TEST(s, test_tz_two_changes_within_a_day_resolve_against_the_right_one);
	UNIT_TEST(s, test_tz_day_whose_midnight_is_skipped_starts_at_the_change);
	UNIT_TEST(s, test_tz_rejects_malformed_tzif_bytes);
}
