/* view-help.c: the help overlay: every key of the keymap, drawn in a box
 * over the view below. When the list is longer than the box, j/k, the
 * arrows, PgUp/PgDn and Space scroll it; any other key closes it. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/ui.h"

/* the widest the box gets, and the column the descriptions start at */
#define VIEW_HELP_WIDTH 76
#define VIEW_HELP_NAMES 10

struct view_help {
	int first;       /* the first key row shown */
	int shown;       /* rows that fit, from the last draw */
	int n;           /* rows in the table */
};

static void *
view_help_enter(struct ui *ui, void *arg)
{
	struct view_help *h = xcalloc(1, sizeof(*h));

	(void)ui;
	(void)arg;
	for (const struct keys_def *d = keys_table; d->action != KEYS_NONE; d++)
		h->n++;
	return h;
}

static void
view_help_leave(struct ui *ui, void *state)
{
	(void)ui;
	free(state);
}

static void
view_help_draw(struct ui *ui, void *state)
{
	struct view_help *hs = state;
	int top, height, w = VIEW_HELP_WIDTH, h, y0, x0;

	ui_body(ui, &top, &height);
	if (w > COLS - 2)
		w = COLS - 2;
	h = hs->n + 4;
	if (h > height)
		h = height;
	y0 = top + (height - h) / 2;
	x0 = (COLS - w) / 2;
	hs->shown = h - 4 > 0 ? h - 4 : 0;
	if (hs->first > hs->n - hs->shown)
		hs->first = hs->n - hs->shown > 0 ? hs->n - hs->shown : 0;

	attrset(ui_attr(ui, UI_BOX));
	for (int y = y0; y < y0 + h; y++)
		ui_put(y, x0, "", w);
	mvhline(y0, x0 + 1, ACS_HLINE, w - 2);
	mvhline(y0 + h - 1, x0 + 1, ACS_HLINE, w - 2);
	mvvline(y0 + 1, x0, ACS_VLINE, h - 2);
	mvvline(y0 + 1, x0 + w - 1, ACS_VLINE, h - 2);
	mvaddch(y0, x0, ACS_ULCORNER);
	mvaddch(y0, x0 + w - 1, ACS_URCORNER);
	mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
	mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
	attrset(ui_attr(ui, UI_HEADING));
	ui_put(y0, x0 + 2, " Keys ", 6);
	attrset(A_NORMAL);
	if (hs->shown < hs->n) {
		char more[48];
		snprintf(more, sizeof(more), " %d-%d of %d, j/k scroll ", hs->first + 1,
		    hs->first + hs->shown, hs->n);
		attrset(ui_attr(ui, UI_DIM));
		ui_put(y0 + h - 1, x0 + w - 2 - (int)strlen(more), more, (int)strlen(more));
		attrset(A_NORMAL);
	}

	int y = y0 + 2, i = 0;
	for (const struct keys_def *d = keys_table; d->action != KEYS_NONE && y < y0 + h - 2; d++, i++) {
		if (i < hs->first)
			continue;
		attrset(ui_attr(ui, UI_HEADING));
		ui_put(y, x0 + 3, d->names, VIEW_HELP_NAMES);
		attrset(A_NORMAL);
		ui_put(y, x0 + 4 + VIEW_HELP_NAMES, d->help, w - 6 - VIEW_HELP_NAMES);
		y++;
	}
}

static void
view_help_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_help *h = state;
	int scrolls = h->shown < h->n, page = h->shown > 1 ? h->shown - 1 : 1;

	switch (scrolls ? keys_action_of(k) : KEYS_NONE) {
	case KEYS_DOWN:
		h->first++;
		return;
	case KEYS_UP:
		h->first = h->first > 0 ? h->first - 1 : 0;
		return;
	case KEYS_PAGE_DOWN:
	case KEYS_MARK:
		h->first += page;
		return;
	case KEYS_PAGE_UP:
		h->first = h->first > page ? h->first - page : 0;
		return;
	default:
		ui_pop(ui);
		return;
	}
}

const struct view view_help = {
	.name = "help",
	.status_keys = NULL,
	.status_text = "j/k scroll  any other key closes this help",
	.enter = view_help_enter,
	.leave = view_help_leave,
	.resize = NULL,
	.draw = view_help_draw,
	.key = view_help_key,
};
