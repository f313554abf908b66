/* table.h: a list with a cursor, drawn as aligned columns, for the
 * queue, holds, bookings and audit screens. The cursor row is drawn in
 * UI_CURSOR with a '>' (for terminals without reverse video); marked rows
 * show '*'. */
#ifndef REDLIGHT_TABLE_H
#define REDLIGHT_TABLE_H

#include <stddef.h>

#include "tui/ui.h"

#define TABLE_MAX_COLS 12

struct table_col {
	const char *head;
	int cap;                 /* the widest it gets; 0: what is left */
};

struct table {
	size_t n;                /* rows */
	size_t cursor;
	size_t first;            /* the first row on screen */
	int rows;                /* rows that fit, from the last draw */
	int widths_ok;           /* widths[] is measured for these rows */
	int widths[TABLE_MAX_COLS]; /* each column's widest cell (to its cap) */
};

/* The cells and looks of one table, asked row by row. */
struct table_src {
	const char *(*cell)(void *arg, size_t row, int col);
	int (*marked)(void *arg, size_t row);                  /* may be NULL */
	enum ui_style (*style)(void *arg, size_t row, int col); /* may be NULL;
	                                                         * UI_STYLE_COUNT: plain */
	void *arg;
};

/* table_key: move the cursor for a navigation action (up, down, page,
 * top, bottom). Returns 1 when a was one, else 0. */
int table_key(struct table *t, enum keys_action a);

/* table_set_rows: the table now has n rows (its cells may all have
 * changed: the columns are measured again at the next draw); the cursor
 * stays in range. */
void table_set_rows(struct table *t, size_t n);

/* table_draw: the column heads on row y and the rows that fit below, at
 * most height lines in all, over the screen's width. Only the rows on
 * screen are asked for their cells, but for the columns' widths, which
 * are measured over every row once after each table_set_rows. */
void table_draw(struct ui *ui, struct table *t, int y, int height, const struct table_col *cols,
    int ncols, const struct table_src *src);

#endif
