/* xalloc.c: see xalloc.h. */
#include "core/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *
xalloc_check(void *p)
{
	if (p == NULL) {
		fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
		abort();
	}
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	return xalloc_check(calloc(nmemb ? nmemb : 1, size ? size : 1));
}

void *
xrealloc(void *p, size_t size)
{
	return xalloc_check(realloc(p, size ? size : 1));
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xcalloc(n, 1);

	memcpy(p, s, n);
	return p;
}
