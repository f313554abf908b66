/* text.c: column widths of UTF-8 text. */
#include "tui/text.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* text_next: the byte length and column width of the character at s. */
static size_t
text_next(const char *s, size_t left, mbstate_t *st, int *cols)
{
	wchar_t wc;
	size_t n = mbrtowc(&wc, s, left, st);

	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		memset(st, 0, sizeof(*st));
		*cols = 1;
		return 1;
	}
	*cols = wcwidth(wc);
	if (*cols < 0)
		*cols = 1;
	return n;
}

int
text_width(const char *s)
{
	mbstate_t st;
	size_t left = strlen(s);
	int w = 0;

	memset(&st, 0, sizeof(st));
	while (left > 0) {
		int cols;
		size_t n = text_next(s, left, &st, &cols);
		w += cols;
		s += n;
		left -= n;
	}
	return w;
}

size_t
text_prefix(const char *s, int width)
{
	mbstate_t st;
	size_t left = strlen(s), o = 0;
	int w = 0;

	memset(&st, 0, sizeof(st));
	while (left > 0) {
		int cols;
		size_t n = text_next(s + o, left, &st, &cols);
		if (w + cols > width && o > 0)
			break;
		o += n;
		left -= n;
		w += cols;
	}
	return o;
}

void
text_fit(char *out, size_t outlen, const char *s, int width, int pad)
{
	/* the mark that says "cut here": an ellipsis where the locale can
	 * show one, else a tilde */
	const char *mark = MB_CUR_MAX > 1 ? "\xe2\x80\xa6" : "~";
	size_t marklen = strlen(mark);
	mbstate_t st;
	size_t left = strlen(s), o = 0;
	int w = 0, cut = text_width(s) > width;

	if (outlen == 0)
		return;
	memset(&st, 0, sizeof(st));
	while (left > 0) {
		int cols;
		size_t n = text_next(s, left, &st, &cols);
		if (w + cols > width - (cut ? 1 : 0) || o + n >= outlen)
			break;
		memcpy(out + o, s, n);
		o += n;
		w += cols;
		s += n;
		left -= n;
	}
	if (cut && width > 0 && o + marklen < outlen) {
		memcpy(out + o, mark, marklen);
		o += marklen;
		w++;
	}
	while (pad && w < width && o + 1 < outlen) {
		out[o++] = ' ';
		w++;
	}
	out[o] = '\0';
}

void
text_table(FILE *f, int ncols, const char *const *heads, const char *const *cells,
    size_t nrows, unsigned right_mask)
{
	int width[16] = { 0 };
	char buf[1024];

	if (ncols > 16)
		ncols = 16;
	for (int c = 0; c < ncols; c++) {
		width[c] = text_width(heads[c]);
		for (size_t r = 0; r < nrows; r++) {
			int w = text_width(cells[r * (size_t)ncols + (size_t)c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t r = 0; r <= nrows; r++) {
		const char *const *row = r == 0 ? heads : cells + (r - 1) * (size_t)ncols;
		for (int c = 0; c < ncols; c++) {
			const char *s = row[c];
			int last = c == ncols - 1, pad = width[c] - text_width(s);
			if (c > 0)
				fputs("  ", f);
			if ((right_mask >> c) & 1u) {
				fprintf(f, "%*s%s", pad, "", s);
			} else if (last) {
				fputs(s, f);
			} else {
				text_fit(buf, sizeof(buf), s, width[c], 1);
				fputs(buf, f);
			}
		}
		fputc('\n', f);
	}
}
