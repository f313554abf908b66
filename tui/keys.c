/* keys.c: the default keymap. */
#include "tui/keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define KEYS_CTRL(c) ((c) & 0x1f)

const struct keys_def keys_table[] = {
	{ KEYS_QUIT, "q", "quit", "quit the console", { L'q', L'Q', 0 }, { 0 } },
	{ KEYS_REFRESH, "r", "refresh", "reload this screen from the database",
	    { L'r', 0 }, { KEY_F(5), 0 } },
	{ KEYS_HELP, "?", "help", "show this list of keys (j/k scroll, other keys close it)",
	    { L'?', 0 }, { KEY_F(1), 0 } },
	{ KEYS_UP, "k, Up", NULL, "move the cursor up", { L'k', 0 }, { KEY_UP, 0 } },
	{ KEYS_DOWN, "j, Down", NULL, "move the cursor down", { L'j', 0 }, { KEY_DOWN, 0 } },
	{ KEYS_PAGE_UP, "PgUp", NULL, "move up one page", { 0 }, { KEY_PPAGE, 0 } },
	{ KEYS_PAGE_DOWN, "PgDn", NULL, "move down one page", { 0 }, { KEY_NPAGE, 0 } },
	{ KEYS_TOP, "g, Home", NULL, "go to the first row", { L'g', 0 }, { KEY_HOME, 0 } },
	{ KEYS_BOTTOM, "G, End", NULL, "go to the last row", { L'G', 0 }, { KEY_END, 0 } },
	{ KEYS_NEXT_VIEW, "Tab", "views", "next: day, queue, holds, bookings, audit, board, setup, jobs, payments, notifications",
	    { L'\t', 0 }, { 0 } },
	{ KEYS_PREV_VIEW, "S-Tab", NULL, "previous screen", { 0 }, { KEY_BTAB, 0 } },
	{ KEYS_VIEW_DAY, "1", NULL, "the day: rooms and today's bookings", { L'1', 0 }, { 0 } },
	{ KEYS_VIEW_QUEUE, "2", NULL, "the approval queue", { L'2', 0 }, { 0 } },
	{ KEYS_VIEW_HOLDS, "3", NULL, "the active holds", { L'3', 0 }, { 0 } },
	{ KEYS_VIEW_BOOKINGS, "4", NULL, "all bookings, filtered", { L'4', 0 }, { 0 } },
	{ KEYS_VIEW_AUDIT, "5", NULL, "the audit log", { L'5', 0 }, { 0 } },
	{ KEYS_VIEW_BOARD, "6", NULL, "the board: rooms or staff over time, by day or week",
	    { L'6', 0 }, { 0 } },
	{ KEYS_VIEW_SETUP, "7", NULL, "setup: rooms, services, staff, hours, buffers, settings",
	    { L'7', 0 }, { 0 } },
	{ KEYS_VIEW_JOBS, "8", NULL, "the job worker's jobs: failed, queued, skipped, done",
	    { L'8', 0 }, { 0 } },
	{ KEYS_VIEW_PAYMENTS, "9", NULL, "payments needing attention: failed, lapsing, due, action needed",
	    { L'9', 0 }, { 0 } },
	{ KEYS_VIEW_NOTIFICATIONS, "0", NULL, "the artists' messages: sent, failed with the error, skipped",
	    { L'0', 0 }, { 0 } },
	{ KEYS_OPEN, "Enter", "open", "open the booking under the cursor (setup: edit the row)",
	    { L'\r', L'\n', 0 }, { KEY_ENTER, 0 } },
	{ KEYS_BACK, "Esc", "back", "back to the list (booking screen)", { 0x1b, 0 }, { 0 } },
	{ KEYS_MARK, "Space", "mark", "mark or unmark a booking (queue: act on all marked)",
	    { L' ', 0 }, { 0 } },
	{ KEYS_APPROVE, "a", "approve", "approve the marked bookings, or the one under the cursor",
	    { L'a', 0 }, { 0 } },
	{ KEYS_REJECT, "x", "reject", "reject them, with a message to the artist", { L'x', 0 }, { 0 } },
	{ KEYS_CANCEL, "c", "cancel", "cancel the booking (shows the refund first); jobs: cancel the job (c twice)", { L'c', 0 }, { 0 } },
	{ KEYS_STAFF, "s", "staff", "assign the booking's staff (board: rooms or staff as rows)", { L's', 0 }, { 0 } },
	{ KEYS_SWAP, "w", "swap", "swap a staff member with another booking's (board: day or week)", { L'w', 0 }, { 0 } },
	{ KEYS_HOLD_NEW, "n", "new hold", "hold a room (asks room, start, duration)", { L'n', 0 }, { 0 } },
	{ KEYS_HOLD_EXTEND, "e", "extend", "give the hold more time", { L'e', 0 }, { 0 } },
	{ KEYS_HOLD_RELEASE, "d", "release", "release the hold now", { L'd', 0 }, { 0 } },
	{ KEYS_FILTER, "/", "filter", "filter the list (bookings, audit; notifications: failed only or all)", { L'/', 0 }, { 0 } },
	{ KEYS_LEFT, "h, Left", NULL, "board: the cursor back in time; setup: the section before", { L'h', 0 },
	    { KEY_LEFT, 0 } },
	{ KEYS_RIGHT, "l, Right", NULL, "board: the cursor on in time; setup: the next section", { L'l', 0 },
	    { KEY_RIGHT, 0 } },
	{ KEYS_PREV_DAY, "<", NULL, "board: the day before (the week before)", { L'<', 0 }, { 0 } },
	{ KEYS_NEXT_DAY, ">", NULL, "board: the day after (the week after)", { L'>', 0 }, { 0 } },
	{ KEYS_TODAY, "t", NULL, "board: back to today", { L't', 0 }, { 0 } },
	{ KEYS_JOB_RETRY, "R", "retry", "jobs: queue the failed or skipped job again; notifications: send the message again; booking screen and board: the booking's failed calendar sync", { L'R', 0 }, { 0 } },
	{ KEYS_REFUND, "f", "refund", "booking screen: refund part of its payment (admins; asks amount and reason)",
	    { L'f', 0 }, { 0 } },
	/* after approve, extend and release, which keys_action_of finds first */
	{ KEYS_SETUP_ADD, "a", "add", "setup: add a room, service, staff member, rule or exception",
	    { L'a', 0 }, { 0 } },
	{ KEYS_SETUP_EDIT, "e", "edit", "setup: edit the row under the cursor",
	    { L'e', 0 }, { 0 } },
	{ KEYS_SETUP_DELETE, "d", "delete", "setup: delete the weekly rule or exception under the cursor",
	    { L'd', 0 }, { 0 } },
	{ KEYS_SETUP_FEED, "i", "feed",
	    "setup: a calendar feed URL (admins: under Staff, the one at the cursor; Enter rotates it)",
	    { L'i', 0 }, { 0 } },
	{ KEYS_SETUP_CALENDAR, "c", "calendar",
	    "setup, Staff: connect the Google or Outlook calendar of the one at the cursor (admins)",
	    { L'c', 0 }, { 0 } },
	{ KEYS_REDRAW, "Ctrl-L", NULL, "redraw the screen", { KEYS_CTRL(L'l'), 0 }, { 0 } },
	{ KEYS_NONE, NULL, NULL, NULL, { 0 }, { 0 } },
};

/* keys_bound: k is one of d's keys. */
static int
keys_bound(const struct keys_def *d, const struct keys_press *k)
{
	for (int i = 0; i < 4; i++) {
		if (k->fkey && d->fkeys[i] != 0 && d->fkeys[i] == (int)k->ch)
			return 1;
		if (!k->fkey && d->chars[i] != 0 && (wint_t)d->chars[i] == k->ch)
			return 1;
	}
	return 0;
}

enum keys_action
keys_action_of(const struct keys_press *k)
{
	for (const struct keys_def *d = keys_table; d->action != KEYS_NONE; d++)
		if (keys_bound(d, k))
			return d->action;
	return KEYS_NONE;
}

enum keys_action
keys_action_among(const struct keys_press *k, const enum keys_action *actions)
{
	for (; *actions != KEYS_NONE; actions++) {
		const struct keys_def *d = keys_def_of(*actions);
		if (d != NULL && keys_bound(d, k))
			return *actions;
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
