#include "core/sbuf.h"

#include <stdarg.h>
#include <string.h>

#include "core/xalloc.h"

void
sbuf_add(struct sbuf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (b->len + n + 1 > cap)
			cap *= 2;
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sbuf_str(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void
sbuf_cat(struct sbuf *b, const char *first, ...)
{
	va_list ap;

	va_start(ap, first);
	for (const char *s = first; s != NULL; s = va_arg(ap, const char *))
		sbuf_str(b, s);
	va_end(ap);
}

char *
sbuf_detach(struct sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

size_t
sbuf_sink_write(char *data, size_t size, size_t nmemb, void *sink)
{
	struct sbuf_sink *b = sink;
	size_t n = size * nmemb;

	if (b->text.len + n > b->max) {
		b->over = 1;
		return 0;
	}
	sbuf_add(&b->text, data, n);
	return n;
}
