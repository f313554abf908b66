/* fmt.h: how the console and the command tables write money, studio-local
 * times and countdowns, so both say the same thing the same way. Every
 * function cannot fail; out is always NUL-terminated (cut when short). */
#ifndef REDLIGHT_FMT_H
#define REDLIGHT_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "core/tz.h"

/* fmt_money: cents as "$1,234.50" ("-$5.00" below zero). */
void fmt_money(int64_t cents, char *out, size_t len);

/* fmt_instant: t in tz as "2027-03-16 11:00 EDT". */
void fmt_instant(const struct tz *tz, int64_t t, char *out, size_t len);

/* fmt_span: [start, end) in tz as "Tue 2027-03-16 11:00-13:00 EDT"; a span
 * ending on another local day gives that day too ("... 23:00-Wed 01:00
 * EDT"), and one crossing a change of offset names both zones. */
void fmt_span(const struct tz *tz, int64_t start, int64_t end, char *out, size_t len);

/* fmt_span_short: the same for a table cell, "Tue 03-16 11:00-13:00". */
void fmt_span_short(const struct tz *tz, int64_t start, int64_t end, char *out, size_t len);

/* fmt_countdown: seconds left as "4:59", "1:02:03", or "expired" at 0 or
 * below. */
void fmt_countdown(int64_t secs, char *out, size_t len);

/* An authorization this close to Stripe's capture_before is flagged. */
#define FMT_AUTH_FLAG_S (24 * 3600)

/* fmt_auth_left: how long a card authorization lasts from now until
 * before (its capture_before): "-" without one (before 0), "6d 23h",
 * "! 5h 12m" under FMT_AUTH_FLAG_S, "! lapsed" once past. Returns 1 when
 * flagged (under a day, or past), else 0. */
int fmt_auth_left(int64_t now, int64_t before, char *out, size_t len);

/* fmt_ago: how long before now t was: "just now", "5 min ago",
 * "3 h ago", "2 days ago" (or "in 5 min" for the future). */
void fmt_ago(int64_t now, int64_t t, char *out, size_t len);

#endif
