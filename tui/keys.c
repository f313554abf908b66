/* keys.c: the default keymap. */
#include "tui/keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define KEYS_CTRL(c) ((c) & 0x1f)

const struct keys_def keys_table[] = {
	{ KEYS_QUIT, "q", "quit", "quit the console", { L'q', L'Q', 0 }, { 0 } },
	{ KEYS_REFRESH, "r", "refresh", "reload rooms and bookings from the database",
	    { L'r', 0 }, { KEY_F(5), 0 } },
	{ KEYS_HELP, "?", "help", "show this list of keys (any key closes it)", { L'?', 0 }, { KEY_F(1), 0 } },
	{ KEYS_UP, "k, Up", NULL, "move the cursor up", { L'k', 0 }, { KEY_UP, 0 } },
	{ KEYS_DOWN, "j, Down", NULL, "move the cursor down", { L'j', 0 }, { KEY_DOWN, 0 } },
	{ KEYS_PAGE_UP, "PgUp", NULL, "move up one page", { 0 }, { KEY_PPAGE, 0 } },
	{ KEYS_PAGE_DOWN, "PgDn", NULL, "move down one page", { 0 }, { KEY_NPAGE, 0 } },
	{ KEYS_TOP, "g, Home", NULL, "go to the first booking", { L'g', 0 }, { KEY_HOME, 0 } },
	{ KEYS_BOTTOM, "G, End", NULL, "go to the last booking", { L'G', 0 }, { KEY_END, 0 } },
	{ KEYS_REDRAW, "Ctrl-L", NULL, "redraw the screen", { KEYS_CTRL(L'l'), 0 }, { 0 } },
	{ KEYS_NONE, NULL, NULL, NULL, { 0 }, { 0 } },
};

enum keys_action
keys_action_of(const struct keys_press *k)
{
	for (const struct keys_def *d = keys_table; d->action != KEYS_NONE; d++) {
		for (int i = 0; i < 4; i++) {
			if (k->fkey && d->fkeys[i] != 0 && d->fkeys[i] == (int)k->ch)
				return d->action;
			if (!k->fkey && d->chars[i] != 0 && (wint_t)d->chars[i] == k->ch)
				return d->action;
		}
	}
	return KEYS_NONE;
}

const struct keys_def *
keys_def_of(enum keys_action action)
{
	for (const struct keys_def *d = keys_table; d->action != KEYS_NONE; d++)
		if (d->action == action)
			return d;
	return NULL;
}

void
keys_first_name(const struct keys_def *d, char *out, size_t outlen)
{
	size_t n = strcspn(d->names, ",");

	snprintf(out, outlen, "%.*s", (int)n, d->names);
}
