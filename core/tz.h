/* tz.h: time zones, civil dates and RFC 3339, without the C library's
 * clock or zone functions.
 *
 * An instant is int64_t seconds since 1970-01-01T00:00:00Z, leap seconds
 * not counted (POSIX time, like Postgres's timestamptz). A struct tz is one
 * IANA zone parsed from TZif bytes (RFC 8536, versions 1 to 4): the table of
 * transitions, then the POSIX TZ rule in the footer for instants past the
 * last transition. Reading the bytes from /usr/share/zoneinfo is db/'s job
 * (db/tzfile.h, tz_load_system), so everything here is pure.
 *
 * Instants and dates are supported from 0001-01-01 to 9999-12-31;
 * conversions outside that range clamp or fail as each function says. */
#ifndef REDLIGHT_TZ_H
#define REDLIGHT_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* The supported instants: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z. */
#define TZ_MIN_INSTANT INT64_C(-62135596800)
#define TZ_MAX_INSTANT INT64_C(253402300799)

/* Room for "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define TZ_RFC3339_SIZE 21

struct tz;

/* A wall-clock reading of an instant in a zone. */
struct tz_local {
	int year;
	int month;       /* 1-12 */
	int day;         /* 1-31 */
	int hour;        /* 0-23 */
	int minute;      /* 0-59 */
	int second;      /* 0-59 */
	int wday;        /* 0 = Sunday .. 6 = Saturday */
	int utc_offset;  /* seconds east of UTC: -18000 for EST */
	int is_dst;      /* 1 when daylight-saving time is in effect */
	char abbr[16];   /* "EST", "EDT", "+0530"; truncated past 15 bytes */
};

/* How tz_from_local resolves a wall-clock time that the zone shows twice
 * (fall back) or never (spring forward). */
enum tz_pick {
	TZ_STRICT,         /* ambiguous or nonexistent: ERR_INVALID */
	TZ_EARLIER,        /* ambiguous: the first occurrence; nonexistent: ERR_INVALID */
	TZ_LATER,          /* ambiguous: the second occurrence; nonexistent: ERR_INVALID */
	TZ_SHIFT_FORWARD,  /* ambiguous: the first occurrence; nonexistent: as far
	                    * past the gap's end as the time is past its start
	                    * (02:30 in a 02:00-03:00 gap gives 03:30) */
};

/* --- zones ------------------------------------------------------------ */

/* tz_parse: parse TZif bytes (buf, len; borrowed) into a zone named name
 * (copied; NULL gives ""). Uses the 64-bit data of version 2+ files and
 * the footer rule past the last transition. On success *out is the
 * caller's (tz_free). Fails with ERR_INVALID and a message saying what is
 * malformed (bad magic, truncated data, counts out of range, unsorted
 * transitions, a bad footer rule, leap-second data, which we do not
 * support); *out is then untouched. */
int tz_parse(const unsigned char *buf, size_t len, const char *name, struct tz **out,
    struct err *e);

/* tz_from_posix: a zone from a POSIX TZ string alone, such as
 * "EST5EDT,M3.2.0,M11.1.0", "<+0530>-5:30" or "CET-1CEST,M3.5.0,M10.5.0/3"
 * (the same grammar as a TZif footer, with RFC 8536's extensions: hours up
 * to 167 and negative in rule times). Rules may use Jn, n and Mm.w.d dates
 * with optional /time; a DST name without rules gets the US rules
 * (M3.2.0,M11.1.0). *out is the caller's (tz_free). Fails with ERR_INVALID
 * naming what is wrong. */
int tz_from_posix(const char *spec, const char *name, struct tz **out, struct err *e);

/* tz_new_utc: the UTC zone (name "UTC"), the caller's (tz_free). Cannot
 * fail. */
struct tz *tz_new_utc(void);

/* tz_free: free tz. NULL is a no-op. */
void tz_free(struct tz *tz);

/* tz_name: the name given at parse, borrowed from tz. Never NULL. */
const char *tz_name(const struct tz *tz);

/* --- conversions ------------------------------------------------------ */

/* tz_to_local: the wall clock in tz at instant utc. Instants outside
 * TZ_MIN_INSTANT..TZ_MAX_INSTANT are clamped into it. Cannot fail. */
void tz_to_local(const struct tz *tz, int64_t utc, struct tz_local *out);

/* tz_utc_offset: seconds east of UTC in tz at instant utc (clamped as
 * above). Cannot fail. */
int tz_utc_offset(const struct tz *tz, int64_t utc);

/* tz_from_local: the instant at which tz's wall clock reads
 * year-month-day hour:minute:second, into *out. pick resolves times shown
 * twice or never (enum tz_pick). Fails with ERR_INVALID (field "date" or
 * "time") for a date that does not exist (Feb 30, month 13, year outside
 * 1..9999), a time out of range (hour 24, second 60), a time skipped by a
 * daylight-saving change unless pick is TZ_SHIFT_FORWARD, and an ambiguous
 * time when pick is TZ_STRICT; *out is then untouched. */
int tz_from_local(const struct tz *tz, int year, int month, int day, int hour,
    int minute, int second, enum tz_pick pick, int64_t *out, struct err *e);

/* tz_local_day_bounds: the instants at which local day year-month-day
 * begins (*start) and the next local day begins (*end), so *end - *start is
 * 82800 on a spring-forward day and 90000 on a fall-back day in Toronto.
 * When midnight itself is skipped the day begins at the transition; when it
 * happens twice, at the first; a day skipped whole (Samoa's 2011-12-30) has
 * *start == *end. Either pointer may be NULL. Fails with
 * ERR_INVALID for a date that does not exist. */
int tz_local_day_bounds(const struct tz *tz, int year, int month, int day, int64_t *start,
    int64_t *end, struct err *e);

/* --- civil dates (proleptic Gregorian; all pure, none can fail) ------- */

/* tz_days_from_civil: days since 1970-01-01 of year-month-day (Howard
 * Hinnant's algorithm). month and day must be valid; use tz_date_valid. */
int64_t tz_days_from_civil(int64_t year, int month, int day);

/* tz_civil_from_days: the date days after 1970-01-01 (negative: before).
 * Any pointer may be NULL. */
void tz_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

/* tz_weekday: 0 = Sunday .. 6 = Saturday for days since 1970-01-01. */
int tz_weekday(int64_t days);

/* The civil fields of an instant (UTC, or a local time already offset). */
struct tz_fields {
	int64_t year;
	int month, day, hour, minute, second;
	int weekday;                  /* 0 = Sunday .. 6 = Saturday */
};

/* tz_fields_of: the date, time of day and weekday t seconds after
 * 1970-01-01T00:00 (negative: before) into *out. Cannot fail. */
void tz_fields_of(int64_t t, struct tz_fields *out);

/* tz_weekday_abbr, tz_month_abbr: "Sun".."Sat" for 0..6 and "Jan".."Dec"
 * for 1..12, as mail and HTTP dates write them; "" out of range. Static
 * strings; cannot fail. */
const char *tz_weekday_abbr(int weekday);
const char *tz_month_abbr(int month);

/* tz_is_leap_year: 1 when year has a February 29, else 0. */
int tz_is_leap_year(int64_t year);

/* tz_days_in_month: 28..31, or 0 when month is not 1..12. */
int tz_days_in_month(int64_t year, int month);

/* tz_date_valid: 1 when year-month-day exists and year is 1..9999, else 0. */
int tz_date_valid(int year, int month, int day);

/* --- text ------------------------------------------------------------- */

/* tz_parse_date: parse exactly "YYYY-MM-DD" (a studio-local day) into
 * *year, *month, *day. Fails with ERR_INVALID (field "date") for any other
 * shape, trailing text, or a date that does not exist (2027-02-29); the
 * outputs are then untouched. */
int tz_parse_date(const char *s, int *year, int *month, int *day, struct err *e);

/* tz_format_utc: write utc as "2027-03-14T06:00:00Z" into buf (len >=
 * TZ_RFC3339_SIZE), NUL-terminated. Fails with ERR_INVALID when buf is too
 * small (buf then holds "" if len > 0) or utc is outside
 * TZ_MIN_INSTANT..TZ_MAX_INSTANT. */
int tz_format_utc(int64_t utc, char *buf, size_t len, struct err *e);

/* tz_parse_rfc3339: parse an RFC 3339 date-time into *out:
 * "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)". 'T' and 'Z' may be
 * lower case; a fraction is accepted (browsers send ".000") and dropped,
 * keeping the whole second. Strict otherwise: no missing fields, no
 * surrounding space, no trailing text, no leap second 60, the date must
 * exist. Fails with ERR_INVALID (field "datetime"); *out is then
 * untouched. */
int tz_parse_rfc3339(const char *s, int64_t *out, struct err *e);

#endif
