/* keys.h: the console's actions and the keys bound to them (calcurse's
 * keys.c). A view maps a key press to an action with keys_action_of and
 * names the actions it honours on the bottom line; `?` lists the table.
 *
 * Adding a key: add the action to enum keys_action, its row to keys_table
 * in keys.c (keys, bottom-line label, help text), handle it in the views
 * where it works and list it in man/redlight.1 (KEYS). */
#ifndef REDLIGHT_KEYS_H
#define REDLIGHT_KEYS_H

#include <wchar.h>

/* One key press: a character (fkey 0) or an ncurses KEY_* code (fkey 1). */
struct keys_press {
	wint_t ch;
	int fkey;
};

enum keys_action {
	KEYS_NONE = 0,
	KEYS_QUIT,
	KEYS_REFRESH,
	KEYS_HELP,
	KEYS_UP,
	KEYS_DOWN,
	KEYS_PAGE_UP,
	KEYS_PAGE_DOWN,
	KEYS_TOP,
	KEYS_BOTTOM,
	KEYS_REDRAW,
	KEYS_NEXT_VIEW,
	KEYS_PREV_VIEW,
	KEYS_VIEW_DAY,          /* KEYS_VIEW_DAY..KEYS_VIEW_NOTIFICATIONS in tab order */
	KEYS_VIEW_QUEUE,
	KEYS_VIEW_HOLDS,
	KEYS_VIEW_BOOKINGS,
	KEYS_VIEW_AUDIT,
	KEYS_VIEW_BOARD,
	KEYS_VIEW_SETUP,
	KEYS_VIEW_JOBS,
	KEYS_VIEW_PAYMENTS,
	KEYS_VIEW_NOTIFICATIONS,
	KEYS_OPEN,
	KEYS_BACK,
	KEYS_MARK,
	KEYS_APPROVE,
	KEYS_REJECT,
	KEYS_CANCEL,
	KEYS_STAFF,
	KEYS_SWAP,
	KEYS_HOLD_NEW,
	KEYS_HOLD_EXTEND,
	KEYS_HOLD_RELEASE,
	KEYS_FILTER,
	KEYS_LEFT,
	KEYS_RIGHT,
	KEYS_PREV_DAY,
	KEYS_NEXT_DAY,
	KEYS_TODAY,
	KEYS_JOB_RETRY,
	KEYS_REFUND,
	KEYS_SETUP_ADD,         /* the setup screen's a, e, d: the same keys as */
	KEYS_SETUP_EDIT,        /* approve, extend and release elsewhere, told */
	KEYS_SETUP_DELETE,      /* apart by keys_action_among */
	KEYS_SETUP_FEED,        /* setup, staff: the calendar feed's URL */
	KEYS_SETUP_CALENDAR,    /* setup, staff: connect Google or Outlook */
	KEYS_COUNT
};

struct keys_def {
	enum keys_action action;
	const char *names;       /* how help spells the keys: "j, Down" */
	const char *label;       /* the bottom line: "quit"; NULL = help only */
	const char *help;        /* one line for the help overlay */
	wchar_t chars[4];        /* characters bound to it, 0-terminated */
	int fkeys[4];            /* KEY_* codes bound to it, 0-terminated */
};

/* keys_table: one row per action in help order, ending with KEYS_NONE. */
extern const struct keys_def keys_table[];

/* keys_action_of: the action bound to k, KEYS_NONE when none. Cannot fail. */
enum keys_action keys_action_of(const struct keys_press *k);

/* keys_action_among: the action bound to k among actions (a list ending
 * with KEYS_NONE), KEYS_NONE when none of them is. For a view whose keys
 * mean something of their own where another action has the same key (a
 * adds on the setup screen and approves elsewhere). Cannot fail. */
enum keys_action keys_action_among(const struct keys_press *k, const enum keys_action *actions);

/* keys_def_of: the table row of action, NULL for KEYS_NONE. */
const struct keys_def *keys_def_of(enum keys_action action);

/* keys_first_name: the first key of a row ("j" of "j, Down") into out. */
void keys_first_name(const struct keys_def *d, char *out, size_t outlen);

#endif
