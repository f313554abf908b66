/* fuzz-framing: a raw HTTP/1 request head as redlightd's framing check
 * reads it (core/wire.c's wire_framing, RFC 9112 section 6.3). Besides
 * crashes it asserts that the answer depends only on the head: the same
 * bytes followed by an empty line and a body that repeats every header
 * (after the head's own end) get the same answer, and that adding a
 * second, different Content-Length right after the request line is always
 * refused. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the length of head's header block up to and including its empty line,
 * or 0 when it has none (as wire_framing reads lines) */
static size_t
fuzz_head_end(const char *h, size_t size)
{
	const char *p = memchr(h, '\n', size), *end = h + size, *eol;

	if (p == NULL)
		return 0;
	for (p++; p < end && (eol = memchr(p, '\n', (size_t)(end - p))) != NULL; p = eol + 1)
		if (eol == p || (eol == p + 1 && *p == '\r'))
			return (size_t)(eol + 1 - h);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char extra[] = "Content-Length: 1\r\nContent-Length: 2\r\n";
	char *h = malloc(size ? size : 1), *twice, *more, *nl;
	const char *why = NULL;
	size_t end, line;

	if (h == NULL)
		abort();
	memcpy(h, data, size);
	why = wire_framing(h, size);
	end = fuzz_head_end(h, size);
	if (end > 0) {
		/* what follows the head is a body, never read as headers */
		twice = malloc(end + size);
		memcpy(twice, h, end);
		memcpy(twice + end, h, size);
		assert(wire_framing(twice, end + size) == wire_framing(h, end));
		free(twice);
		/* two Content-Lengths first thing: refused, whatever follows
		 * (unless a folded line comes first, refused as well) */
		nl = memchr(h, '\n', size);
		line = (size_t)(nl + 1 - h);
		more = malloc(size + sizeof(extra) - 1);
		memcpy(more, h, line);
		memcpy(more + line, extra, sizeof(extra) - 1);
		memcpy(more + line + sizeof(extra) - 1, h + line, size - line);
		assert(wire_framing(more, size + sizeof(extra) - 1) != NULL);
		free(more);
	}
	(void)why;
	free(h);
	return 0;
}
