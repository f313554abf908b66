/* argv.c (tui): see argv.h. */
#include "tui/argv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/xalloc.h"

void
tui_argv_push(struct tui_argv *a, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (a->n >= TUI_ARGV_MAX - 1)
		return;
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	a->v[a->n] = xcalloc(1, (size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(a->v[a->n], (size_t)len + 1, fmt, ap);
	va_end(ap);
	a->v[++a->n] = NULL;
}

void
tui_argv_free(struct tui_argv *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
	a->v[0] = NULL;
}
