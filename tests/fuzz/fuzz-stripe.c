/* fuzz-stripe: a Stripe webhook's Stripe-Signature header and body as
 * core/stripe.c's stripe_sig_verify reads them. The input's first line is
 * the header, the rest the body. Besides crashes it asserts the scheme's
 * properties: stripe_sig_header's signature of the body always verifies
 * (now and within the tolerance), never with another secret, outside the
 * tolerance, or for a body changed in one byte; and a fuzzed header that
 * fails says so in the error shape the webhook route answers with. */
#include <assert.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/stripe.h"

#define FUZZ_SECRET "whsec_fuzz"
#define FUZZ_NOW 1800000000
#define FUZZ_TOLERANCE 300

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen = nl != NULL ? (size_t)(nl - data) : size;
	size_t blen = nl != NULL ? size - hlen - 1 : 0;
	char *header = malloc(hlen + 1), sig[256];
	unsigned char *body = malloc(blen ? blen : 1);
	struct err e;

	if (header == NULL || body == NULL || sodium_init() < 0)
		abort();
	memcpy(header, data, hlen);
	header[hlen] = '\0';
	memcpy(body, nl != NULL ? nl + 1 : data, blen);
	if (stripe_sig_verify(header, body, blen, FUZZ_SECRET, FUZZ_NOW, FUZZ_TOLERANCE, &e) != 0)
		assert(e.code == ERR_INVALID && strcmp(e.field, "Stripe-Signature") == 0);
	/* a genuine signature of this body, made at a time the input picks */
	int64_t t = FUZZ_NOW - FUZZ_TOLERANCE + (hlen % (2 * FUZZ_TOLERANCE + 1));
	assert(stripe_sig_header(sig, sizeof(sig), body, blen, FUZZ_SECRET, t) == 0);
	assert(stripe_sig_verify(sig, body, blen, FUZZ_SECRET, FUZZ_NOW, FUZZ_TOLERANCE, NULL) == 0);
	assert(stripe_sig_verify(sig, body, blen, "whsec_other", FUZZ_NOW, FUZZ_TOLERANCE, NULL) != 0);
	assert(stripe_sig_verify(sig, body, blen, FUZZ_SECRET, t + FUZZ_TOLERANCE + 1, FUZZ_TOLERANCE,
	    NULL) != 0);
	if (blen > 0) {
		body[hlen % blen] ^= 1;
		assert(stripe_sig_verify(sig, body, blen, FUZZ_SECRET, FUZZ_NOW, FUZZ_TOLERANCE, NULL) != 0);
	}
	free(header);
	free(body);
	return 0;
}
