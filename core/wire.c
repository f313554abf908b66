#include "core/wire.h"

#include <string.h>

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
