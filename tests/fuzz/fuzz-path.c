/* fuzz-path: a booking's id or code as it arrives in a path
 * (/api/bookings/:id): core/wire.c's wire_pct_decode, as
 * web/router.c's http_param_dup calls it, then the code check
 * (core/code.c) on it upper-cased, as web/route-bookings.c does. Besides
 * crashes it asserts that decoding never yields a NUL before its end nor
 * grows the text, that every byte's %XX form decodes back to it, and that
 * a code made by booking_code_format from the first 8 bytes is valid. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/code.h"
#include "core/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char *in = malloc(size ? size : 1), *out = malloc(size + 1), *enc, *back;
	char code[BOOKING_CODE_LEN + 1];
	int n, m;

	if (in == NULL || out == NULL)
		abort();
	memcpy(in, data, size);
	n = wire_pct_decode(in, size, out);
	if (n >= 0) {
		assert((size_t)n <= size && strlen(out) == (size_t)n);
		for (char *p = out; *p != '\0'; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		if (booking_code_valid(out))
			assert(n == BOOKING_CODE_LEN && memcmp(out, "RL-", 3) == 0);
	}
	/* every byte as %XX: decodes back, unless it holds a NUL */
	enc = malloc(3 * size + 1);
	back = malloc(3 * size + 1);
	for (size_t i = 0; i < size; i++) {
		enc[3 * i] = '%';
		enc[3 * i + 1] = hex[(unsigned char)in[i] >> 4];
		enc[3 * i + 2] = hex[(unsigned char)in[i] & 15];
	}
	m = wire_pct_decode(enc, 3 * size, back);
	if (memchr(in, '\0', size) != NULL)
		assert(m == -1);
	else
		assert(m == (int)size && memcmp(back, in, size) == 0);
	if (size >= BOOKING_CODE_RANDOM_BYTES) {
		assert(booking_code_format(data, code, sizeof(code)) == 0);
		assert(booking_code_valid(code));
	}
	free(enc);
	free(back);
	free(in);
	free(out);
	return 0;
}
