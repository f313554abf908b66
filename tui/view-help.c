/* view-help.c: the help overlay: every key of the keymap, drawn in a box
 * over the view below. Any key closes it. */
#include <curses.h>
#include <stdio.h>

#include "tui/ui.h"

static void
view_help_draw(struct ui *ui, void *state)
{
	int top, height, n = 0, w = 64, h, y0, x0;

	(void)state;
	for (const struct keys_def *d = keys_table; d->action != KEYS_NONE; d++)
		n++;
	ui_body(ui, &top, &height);
	if (w > COLS - 2)
		w = COLS - 2;
	h = n + 4;
	if (h > height)
		h = height;
	y0 = top + (height - h) / 2;
	x0 = (COLS - w) / 2;

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

	int y = y0 + 2;
	for (const struct keys_def *d = keys_table; d->action != KEYS_NONE && y < y0 + h - 1; d++, y++) {
		attrset(ui_attr(ui, UI_HEADING));
		ui_put(y, x0 + 3, d->names, 10);
		attrset(A_NORMAL);
		ui_put(y, x0 + 15, d->help, w - 17);
	}
}

static void
view_help_key(struct ui *ui, void *state, const struct keys_press *k)
{
	(void)state;
	(void)k;
	ui_pop(ui);
}

const struct view view_help = {
	.name = "help",
	.status_keys = NULL,
	.status_text = "any key closes this help",
	.enter = NULL,
	.leave = NULL,
	.resize = NULL,
	.draw = view_help_draw,
	.key = view_help_key,
};
