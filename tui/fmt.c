/* fmt.c: money, times and countdowns as people read them. */
#include "tui/fmt.h"

#include <stdio.h>
#include <string.h>

static const char *const fmt_days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

void
fmt_money(int64_t cents, char *out, size_t len)
{
	char digits[32], grouped[48];
	uint64_t v = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	size_t n, o = 0;

	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)(v / 100));
	n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[o++] = ',';
		grouped[o++] = digits[i];
	}
	grouped[o] = '\0';
	snprintf(out, len, "%s$%s.%02u", cents < 0 ? "-" : "", grouped, (unsigned)(v % 100));
}

void
fmt_instant(const struct tz *tz, int64_t t, char *out, size_t len)
{
	struct tz_local l;

	tz_to_local(tz, t, &l);
	snprintf(out, len, "%04d-%02d-%02d %02d:%02d %s", l.year, l.month, l.day, l.hour, l.minute,
	    l.abbr);
}

/* fmt_span_any: the two spans; long says whether to write the year. */
static void
fmt_span_any(const struct tz *tz, int64_t start, int64_t end, int full, char *out, size_t len)
{
	struct tz_local a, b;
	char day[24], tail[40];

	tz_to_local(tz, start, &a);
	tz_to_local(tz, end, &b);
	if (full)
		snprintf(day, sizeof(day), "%s %04d-%02d-%02d", fmt_days[a.wday], a.year, a.month, a.day);
	else
		snprintf(day, sizeof(day), "%s %02d-%02d", fmt_days[a.wday], a.month, a.day);
	if (a.year == b.year && a.month == b.month && a.day == b.day)
		snprintf(tail, sizeof(tail), "%02d:%02d", b.hour, b.minute);
	else
		snprintf(tail, sizeof(tail), "%s %02d:%02d", fmt_days[b.wday], b.hour, b.minute);
	if (!full)
		snprintf(out, len, "%s %02d:%02d-%s", day, a.hour, a.minute, tail);
	else if (strcmp(a.abbr, b.abbr) == 0)
		snprintf(out, len, "%s %02d:%02d-%s %s", day, a.hour, a.minute, tail, a.abbr);
	else
		snprintf(out, len, "%s %02d:%02d %s-%s %s", day, a.hour, a.minute, a.abbr, tail, b.abbr);
}

void
fmt_span(const struct tz *tz, int64_t start, int64_t end, char *out, size_t len)
{
	fmt_span_any(tz, start, end, 1, out, len);
}

void
fmt_span_short(const struct tz *tz, int64_t start, int64_t end, char *out, size_t len)
{
	fmt_span_any(tz, start, end, 0, out, len);
}

void
fmt_countdown(int64_t secs, char *out, size_t len)
{
	if (secs <= 0)
		snprintf(out, len, "expired");
	else if (secs < 3600)
		snprintf(out, len, "%d:%02d", (int)(secs / 60), (int)(secs % 60));
	else
		snprintf(out, len, "%lld:%02d:%02d", (long long)(secs / 3600), (int)(secs % 3600 / 60),
		    (int)(secs % 60));
}

int
fmt_auth_left(int64_t now, int64_t before, char *out, size_t len)
{
	int64_t left = before - now;

	if (before == 0) {
		snprintf(out, len, "-");
		return 0;
	}
	if (left <= 0) {
		snprintf(out, len, "! lapsed");
		return 1;
	}
	if (left >= FMT_AUTH_FLAG_S) {
		snprintf(out, len, "%lldd %lldh", (long long)(left / 86400), (long long)(left % 86400 / 3600));
		return 0;
	}
	snprintf(out, len, "! %lldh %lldm", (long long)(left / 3600), (long long)(left % 3600 / 60));
	return 1;
}

void
fmt_ago(int64_t now, int64_t t, char *out, size_t len)
{
	int64_t d = now - t, a = d < 0 ? -d : d;
	const char *pre = d < 0 ? "in " : "", *post = d < 0 ? "" : " ago";

	if (a < 60)
		snprintf(out, len, "just now");
	else if (a < 3600)
		snprintf(out, len, "%s%lld min%s", pre, (long long)(a / 60), post);
	else if (a < 2 * 86400)
		snprintf(out, len, "%s%lld h%s", pre, (long long)(a / 3600), post);
	else
		snprintf(out, len, "%s%lld days%s", pre, (long long)(a / 86400), post);
}
