/* sbuf.h: a growing NUL-terminated string, for code that builds text of
 * unknown length (messages, templates, answers read off the network).
 * Start from `struct sbuf b = SBUF_INIT;`. Growing never fails: out of
 * memory ends the program (core/xalloc.h). b.s is NULL until something is
 * added; sbuf_detach hands the text over. */
#ifndef REDLIGHT_SBUF_H
#define REDLIGHT_SBUF_H

#include <stddef.h>

struct sbuf {
	char *s;
	size_t len, cap;
};

#define SBUF_INIT { NULL, 0, 0 }

/* sbuf_add: append n bytes of p (which need not be NUL-terminated). */
void sbuf_add(struct sbuf *b, const char *p, size_t n);

/* sbuf_str: append the string s. */
void sbuf_str(struct sbuf *b, const char *s);

/* sbuf_cat: append the strings given, up to a NULL
 * (sbuf_cat(b, "a", s, "\r\n", (const char *)NULL)). */
void sbuf_cat(struct sbuf *b, const char *first, ...);

/* sbuf_detach: the text (never NULL: "" when nothing was added), the
 * caller's to free(); b is empty again. */
char *sbuf_detach(struct sbuf *b);

/* A text read off the network, up to max bytes: sbuf_sink_write is a
 * libcurl write callback (CURLOPT_WRITEFUNCTION, with the sink as
 * CURLOPT_WRITEDATA) that keeps what comes and refuses (returns 0, over
 * set) what would pass max. */
struct sbuf_sink {
	struct sbuf text;
	size_t max;
	int over;
};

size_t sbuf_sink_write(char *data, size_t size, size_t nmemb, void *sink);

#endif
