#include "core/wire.h"

#include <stdio.h>
#include <string.h>

#include "core/tz.h"

int
wire_cookie_next(const char **p, const char *end, const char *name, const char **val,
    size_t *vlen)
{
	size_t namelen = strlen(name);
	const char *s = *p;

	while (s < end) {
		const char *semi, *eq, *v, *vend;

		while (s < end && (*s == ' ' || *s == '\t' || *s == ';'))
			s++;
		semi = memchr(s, ';', (size_t)(end - s));
		if (semi == NULL)
			semi = end;
		eq = memchr(s, '=', (size_t)(semi - s));
		if (eq != NULL && (size_t)(eq - s) == namelen && memcmp(s, name, namelen) == 0) {
			v = eq + 1;
			vend = semi;
			while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
				vend--;
			*val = v;
			*vlen = (size_t)(vend - v);
			*p = semi;
			return 1;
		}
		s = semi;
	}
	*p = end;
	return 0;
}

int
wire_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
wire_pct_decode(const char *in, size_t len, char *out)
{
	char *o = out;

	for (size_t i = 0; i < len; i++) {
		if (in[i] == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return -1;
			hi = wire_hex_digit((unsigned char)in[i + 1]);
			lo = wire_hex_digit((unsigned char)in[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else if (in[i] == '\0') {
			/* raw as much as encoded: the text would end early */
			return -1;
		} else {
			*o++ = in[i];
		}
	}
	*o = '\0';
	return (int)(o - out);
}

/* 1 when [s, s + len) is lower, ASCII letters of any case. */
static int
wire_is(const char *s, size_t len, const char *lower)
{
	if (len != strlen(lower))
		return 0;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != lower[i])
			return 0;
	}
	return 1;
}

const char *
wire_framing(const char *head, size_t len)
{
	const char *p = head, *end = head + len, *eol, *cl = NULL;
	size_t cllen = 0;
	int nte = 0;

	/* past the request line, then one header line at a time up to the
	 * empty line (picohttpparser takes a bare LF as a line end too) */
	if (p == NULL || (p = memchr(p, '\n', len)) == NULL)
		return NULL;
	for (p++; p < end && (eol = memchr(p, '\n', (size_t)(end - p))) != NULL; p = eol + 1) {
		const char *colon, *v, *ve = eol;

		if (ve > p && ve[-1] == '\r')
			ve--;
		if (ve == p)
			break;
		/* obs-fold: a proxy may join the lines where h2o does not */
		if (*p == ' ' || *p == '\t')
			return "a header line starts with a blank (obsolete line folding)";
		if ((colon = memchr(p, ':', (size_t)(ve - p))) == NULL)
			continue;
		for (v = colon + 1; v < ve && (*v == ' ' || *v == '\t'); v++)
			;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (wire_is(p, (size_t)(colon - p), "content-length")) {
			if (cl != NULL && (cllen != (size_t)(ve - v) || memcmp(v, cl, cllen) != 0))
				return "the request has two different Content-Length headers";
			cl = v;
			cllen = (size_t)(ve - v);
		} else if (wire_is(p, (size_t)(colon - p), "transfer-encoding")) {
			if (++nte > 1 || !wire_is(v, (size_t)(ve - v), "chunked"))
				return "the only Transfer-Encoding taken is one \"chunked\"";
		}
	}
	if (nte > 0 && cl != NULL)
		return "the request has both Content-Length and Transfer-Encoding";
	return NULL;
}

int
wire_query_value(const char *q, size_t len, const char *name, const char **val, size_t *vlen)
{
	size_t nlen = strlen(name);

	for (size_t i = 0; i <= len && len > 0;) {
		const char *amp = memchr(q + i, '&', len - i);
		size_t j = amp ? (size_t)(amp - q) : len;

		if (j - i >= nlen && memcmp(q + i, name, nlen) == 0 &&
		    (j - i == nlen || q[i + nlen] == '=')) {
			*val = j - i == nlen ? q + j : q + i + nlen + 1;
			*vlen = j - i == nlen ? 0 : j - i - nlen - 1;
			return 1;
		}
		i = j + 1;
	}
	return 0;
}

int
wire_etag_match(const char *h, size_t len, const char *etag)
{
	const char *p = h, *end = h + len;
	size_t elen = strlen(etag);

	while (p < end) {
		const char *q;

		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		if (p == end)
			break;
		if (*p == '*')
			return end - p == 1 || p[1] == ' ' || p[1] == '\t' || p[1] == ',';
		if (end - p >= 2 && p[0] == 'W' && p[1] == '/')
			p += 2;
		if (p == end || *p != '"' || (q = memchr(p + 1, '"', (size_t)(end - p - 1))) == NULL)
			return 0;
		q++;
		if ((size_t)(q - p) == elen && memcmp(p, etag, elen) == 0)
			return 1;
		p = q;
		if (p < end && *p != ',' && *p != ' ' && *p != '\t')
			return 0;
	}
	return 0;
}

/* n decimal digits at s, or -1. */
static int
wire_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
wire_http_date(const char *s, size_t len, int64_t *out)
{
	int wd = -1, mon = -1, day, year, hh, mm, ss;
	int64_t days;

	/* "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (len != WIRE_HTTP_DATE_SIZE - 1 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
	    s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25] != ' ' || memcmp(s + 26, "GMT", 3) != 0)
		return -1;
	for (int i = 0; i < 7; i++)
		if (memcmp(s, tz_weekday_abbr(i), 3) == 0)
			wd = i;
	for (int i = 1; i <= 12; i++)
		if (memcmp(s + 8, tz_month_abbr(i), 3) == 0)
			mon = i;
	day = wire_digits(s + 5, 2);
	year = wire_digits(s + 12, 4);
	hh = wire_digits(s + 17, 2);
	mm = wire_digits(s + 20, 2);
	ss = wire_digits(s + 23, 2);
	if (wd < 0 || mon < 0 || day < 1 || year < 1 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 ||
	    ss > 60)
		return -1;
	days = tz_days_from_civil(year, mon, day);
	{
		int64_t y;
		int m, d;

		/* the 31st of a short month is not a date */
		tz_civil_from_days(days, &y, &m, &d);
		if (y != year || m != mon || d != day || tz_weekday(days) != wd)
			return -1;
	}
	*out = days * 86400 + hh * 3600 + mm * 60 + (ss > 59 ? 59 : ss);
	return 0;
}

void
wire_http_date_format(int64_t t, char buf[WIRE_HTTP_DATE_SIZE])
{
	struct tz_fields f;

	tz_fields_of(t, &f);
	snprintf(buf, WIRE_HTTP_DATE_SIZE, "%s, %02d %s %04d %02d:%02d:%02d GMT", tz_weekday_abbr(f.weekday), f.day,
	    tz_month_abbr(f.month), (int)f.year, f.hour, f.minute, f.second);
}
