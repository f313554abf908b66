/* fuzz-cookie: the Cookie header as redlightd reads it for rl_session
 * (web/auth.c): core/wire.c's wire_cookie_next over the value, then, as
 * auth does, libsodium's base64url decoding of a 43-character value.
 * Besides crashes it asserts that every value found lies inside the
 * header, after "rl_session=", holds no ';' and ends in no blank, and
 * that the scan moves forward and ends at the header's end. */
#include <assert.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/wire.h"

#define FUZZ_COOKIE "rl_session"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so ASan sees any read past the end */
	char *h = malloc(size ? size : 1);
	const char *p, *end, *val, *last;
	size_t vlen, binlen, nl = strlen(FUZZ_COOKIE);
	unsigned char token[32];

	if (h == NULL || sodium_init() < 0)
		abort();
	memcpy(h, data, size);
	p = last = h;
	end = h + size;
	while (wire_cookie_next(&p, end, FUZZ_COOKIE, &val, &vlen)) {
		assert(val >= h + nl + 1 && val + vlen <= end && p >= val + vlen && p <= end);
		assert(memcmp(val - nl - 1, FUZZ_COOKIE "=", nl + 1) == 0);
		assert(memchr(val, ';', vlen) == NULL);
		assert(vlen == 0 || (val[vlen - 1] != ' ' && val[vlen - 1] != '\t'));
		assert(p > last || vlen == 0);
		last = p;
		if (vlen == 43)
			(void)sodium_base642bin(token, sizeof(token), val, vlen, NULL, &binlen, NULL,
			    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	}
	assert(p == end);
	free(h);
	return 0;
}
