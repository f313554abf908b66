/* text.h: fitting UTF-8 text into terminal columns, for the command-line
 * tables and the console alike. Widths follow the current locale (LC_CTYPE);
 * bytes that do not decode count as one column each. */
#ifndef REDLIGHT_TEXT_H
#define REDLIGHT_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* text_width: the columns s takes on a terminal. Cannot fail. */
int text_width(const char *s);

/* text_fit: copy s into out (outlen bytes), cut to at most width columns
 * (the last column then shows that it was cut) and, when pad is set,
 * padded with spaces to exactly width columns. Never splits a character.
 * Cannot fail; out is always NUL-terminated. */
void text_fit(char *out, size_t outlen, const char *s, int width, int pad);

/* text_prefix: the bytes of the longest start of s, whole characters,
 * that fits width columns (at least one character when s is not empty, so
 * a caller stepping through s always moves). Cannot fail. */
size_t text_prefix(const char *s, int width);

/* text_table: print rows of ncols cells under heads, each column padded to
 * its widest cell and two spaces apart; a column whose bit is set in
 * right_mask is aligned right. cells holds nrows * ncols borrowed strings,
 * row by row. The last column is not padded. Cannot fail (write errors
 * show in ferror(f)). */
void text_table(FILE *f, int ncols, const char *const *heads, const char *const *cells,
    size_t nrows, unsigned right_mask);

#endif
