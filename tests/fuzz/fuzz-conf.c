/* fuzz-conf: redlight.conf as conf_parse reads it (core/conf.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct conf c;
	struct err e;

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	conf_defaults(&c);
	conf_parse(&c, text, "fuzz.conf", &e);
	free(text);
	return 0;
}
