/* fuzz-feedreq: what a staff calendar feed's request brings
 * (web/route-staff-feed.c): the query string searched for token
 * (wire_query_value), an If-None-Match list (wire_etag_match) and an
 * If-Modified-Since date (wire_http_date), all core/wire.c. The input is
 * split at its first two NUL bytes into the three. Besides crashes it
 * asserts that a value found lies inside the query and after "token",
 * that a list holding the tag itself always matches, and that a date
 * read is written back as the very same text. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ETAG "\"0123456789abcdef0123456789abcdef\""

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* copies of exactly their size, so ASan sees any read past the end */
	const uint8_t *nul1 = memchr(data, 0, size), *nul2;
	size_t qlen = nul1 ? (size_t)(nul1 - data) : size, rest = nul1 ? size - qlen - 1 : 0, hlen, dlen;
	char *q = malloc(qlen ? qlen : 1), *h, *d, *list;
	const char *v;
	size_t vlen;
	int64_t t;

	if (q == NULL)
		abort();
	memcpy(q, data, qlen);
	nul2 = nul1 ? memchr(nul1 + 1, 0, rest) : NULL;
	hlen = nul2 ? (size_t)(nul2 - nul1 - 1) : rest;
	dlen = nul2 ? rest - hlen - 1 : 0;
	h = malloc(hlen ? hlen : 1);
	d = malloc(dlen ? dlen : 1);
	list = malloc(hlen + sizeof(FUZZ_ETAG) + 2);
	if (h == NULL || d == NULL || list == NULL)
		abort();
	if (hlen)
		memcpy(h, nul1 + 1, hlen);
	if (dlen)
		memcpy(d, nul2 + 1, dlen);

	if (wire_query_value(q, qlen, "token", &v, &vlen)) {
		assert(v >= q && v + vlen <= q + qlen);
		assert(v - q >= 5 && memcmp(v - (vlen || v[-1] == '=' ? 6 : 5), "token", 5) == 0);
		assert(memchr(v, '&', vlen) == NULL);
	}
	(void)wire_etag_match(h, hlen, FUZZ_ETAG);
	/* the tag itself, then whatever came: always a match */
	memcpy(list, FUZZ_ETAG, sizeof(FUZZ_ETAG) - 1);
	list[sizeof(FUZZ_ETAG) - 1] = ',';
	if (hlen)
		memcpy(list + sizeof(FUZZ_ETAG), h, hlen);
	assert(wire_etag_match(list, sizeof(FUZZ_ETAG) + hlen, FUZZ_ETAG) == 1);
	if (wire_http_date(d, dlen, &t) == 0) {
		char back[WIRE_HTTP_DATE_SIZE];

		wire_http_date_format(t, back);
		/* a leap second (":60") is read as :59 */
		assert(memcmp(back, d, 23) == 0 && (memcmp(back + 23, d + 23, 2) == 0 || memcmp(d + 23, "60", 2) == 0));
	}
	free(q);
	free(h);
	free(d);
	free(list);
	return 0;
}
