/* argv.h (tui): an argument vector built one string at a time, for a
 * view that runs a command through ui_run_cmd (the forms of act.c, the
 * setup screen): the strings are the vector's own and it stays
 * NULL-terminated. */
#ifndef REDLIGHT_TUI_ARGV_H
#define REDLIGHT_TUI_ARGV_H

/* Room for the longest: a bulk approval of ACT_MAX_CODES codes and its
 * options, or a setup form's every field as an option and a positional. */
#define TUI_ARGV_MAX 96

struct tui_argv {
	char *v[TUI_ARGV_MAX];
	int n;
};

/* tui_argv_push: append one string, formatted; past TUI_ARGV_MAX - 1 it
 * is dropped (the command then refuses what is missing). Out of memory
 * aborts. */
void tui_argv_push(struct tui_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* tui_argv_free: free the strings; a is empty again. */
void tui_argv_free(struct tui_argv *a);

#endif
