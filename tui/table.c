/* table.c: a list with a cursor, as columns. */
#include "tui/table.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

#include "tui/text.h"

int
table_key(struct table *t, enum keys_action a)
{
	long n = (long)t->n, c = (long)t->cursor, page = t->rows > 1 ? t->rows - 1 : 1;

	switch (a) {
	case KEYS_UP:
		c--;
		break;
	case KEYS_DOWN:
		c++;
		break;
	case KEYS_PAGE_UP:
		c -= page;
		break;
	case KEYS_PAGE_DOWN:
		c += page;
		break;
	case KEYS_TOP:
		c = 0;
		break;
	case KEYS_BOTTOM:
		c = n - 1;
		break;
	default:
		return 0;
	}
	if (c >= n)
		c = n - 1;
	if (c < 0)
		c = 0;
	t->cursor = (size_t)c;
	return 1;
}

void
table_set_rows(struct table *t, size_t n)
{
	t->n = n;
	t->widths_ok = 0;
	if (t->cursor >= n)
		t->cursor = n ? n - 1 : 0;
	if (t->first > t->cursor)
		t->first = t->cursor;
}

void
table_draw(struct ui *ui, struct table *t, int y, int height, const struct table_col *cols,
    int ncols, const struct table_src *src)
{
	int w[TABLE_MAX_COLS], x[TABLE_MAX_COLS], has_marks = src->marked != NULL;

	if (ncols > TABLE_MAX_COLS)
		ncols = TABLE_MAX_COLS;
	if (height < 2)
		return;
	/* the rows' cells change only with table_set_rows: measured once */
	for (int c = 0; !t->widths_ok && c < ncols; c++) {
		int *tw = &t->widths[c];
		*tw = text_width(cols[c].head);
		for (size_t r = 0; cols[c].cap > 0 && r < t->n && *tw < cols[c].cap; r++) {
			int cw = text_width(src->cell(src->arg, r, c));
			if (cw > *tw)
				*tw = cw;
		}
		if (cols[c].cap > 0 && *tw > cols[c].cap)
			*tw = cols[c].cap;
	}
	t->widths_ok = 1;
	for (int c = 0; c < ncols; c++)
		w[c] = t->widths[c];
	x[0] = has_marks ? 5 : 3;
	for (int c = 1; c < ncols; c++)
		x[c] = x[c - 1] + w[c - 1] + 2;
	/* a column with no cap takes what is left; past the edge, columns
	 * are dropped */
	for (int c = 0; c < ncols; c++)
		if (cols[c].cap == 0 || x[c] + w[c] > COLS - 1)
			w[c] = COLS - 1 - x[c];

	attrset(ui_attr(ui, UI_HEADING));
	for (int c = 0; c < ncols; c++)
		if (w[c] > 0)
			ui_put(y, x[c], cols[c].head, w[c]);
	attrset(A_NORMAL);

	t->rows = height - 1;
	if (t->cursor < t->first)
		t->first = t->cursor;
	if (t->cursor >= t->first + (size_t)t->rows)
		t->first = t->cursor - (size_t)t->rows + 1;
	for (int r = 0; r < t->rows && t->first + (size_t)r < t->n; r++) {
		size_t i = t->first + (size_t)r;
		int row = y + 1 + r, sel = i == t->cursor;

		if (sel) {
			attrset(ui_attr(ui, UI_CURSOR));
			ui_put(row, 1, ">", COLS - 2);
		}
		if (has_marks && src->marked(src->arg, i)) {
			if (!sel)
				attrset(ui_attr(ui, UI_PENDING));
			ui_put(row, 3, "*", 1);
			if (!sel)
				attrset(A_NORMAL);
		}
		for (int c = 0; c < ncols; c++) {
			enum ui_style st = src->style ? src->style(src->arg, i, c) : UI_STYLE_COUNT;
			if (w[c] <= 0)
				break;
			if (!sel && st != UI_STYLE_COUNT)
				attrset(ui_attr(ui, st));
			ui_put(row, x[c], src->cell(src->arg, i, c), w[c]);
			if (!sel)
				attrset(A_NORMAL);
		}
		attrset(A_NORMAL);
	}
	if (t->first + (size_t)t->rows < t->n) {
		char more[48];
		snprintf(more, sizeof(more), "%zu more below", t->n - t->first - (size_t)t->rows);
		attrset(ui_attr(ui, UI_DIM));
		ui_put(y, COLS - 1 - text_width(more), more, text_width(more));
		attrset(A_NORMAL);
	}
}
