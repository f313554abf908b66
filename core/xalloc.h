/* xalloc.h: memory that is there or the program stops. redlight and
 * redlightd take zeroed blocks and string copies from these: running out
 * of memory is not a case any caller can recover from, so it ends the
 * program with one line on stderr ("redlightd: out of memory") instead of
 * a NULL to check. */
#ifndef REDLIGHT_XALLOC_H
#define REDLIGHT_XALLOC_H

#include <stddef.h>

/* xcalloc: calloc that never returns NULL; asking for 0 bytes gives a
 * valid (1-byte) block. */
void *xcalloc(size_t nmemb, size_t size);

/* xstrdup: a copy of s from xcalloc. */
char *xstrdup(const char *s);

/* xrealloc: realloc that never returns NULL (size 0 keeps 1 byte). */
void *xrealloc(void *p, size_t size);

#endif
