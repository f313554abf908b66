/* form.h: a small form drawn over a view (tui/view-form.c): a title,
 * lines of text (what the action will do, what the rules said), fields to
 * fill in and a submit callback, which runs a command's run step
 * (tui/cmd.h, tui/setup.h). A failure the
 * command pins on a field (struct err's field) is shown next to that
 * field, on the line under it; nothing was written.
 *
 * Keys: typing edits the focused field; Tab and the arrows move between
 * fields; Enter submits (a form without fields is a yes/no question: Enter
 * or y says yes); Esc closes without doing anything. */
#ifndef REDLIGHT_FORM_H
#define REDLIGHT_FORM_H

#include "core/err.h"

struct ui;

/* ten fields, a line of text and a three-line error still fit the 21
 * rows a form has at 80x24 */
#define FORM_MAX_FIELDS 10
#define FORM_MAX_TEXT 6
#define FORM_VALUE 256
/* a line of text: a consent URL (tui/view-setup.c) fits whole, wrapped */
#define FORM_TEXT 1024

struct form_field {
	char label[24];
	char name[24];             /* the command's name for it ("message"):
	                            * an error naming it lands here */
	char value[FORM_VALUE];
	char hint[64];             /* shown dim while the field is empty */
	int secret;                /* shown as stars (a password) */
};

enum form_result {
	FORM_KEEP,                 /* stay open (an error, or a next step) */
	FORM_CLOSE,                /* done: the form is closed and freed */
};

struct form {
	char title[120];
	char text[FORM_MAX_TEXT][FORM_TEXT];
	int ntext;
	int text_warns;            /* draw the text as a warning */
	struct form_field fields[FORM_MAX_FIELDS];
	int nfields;
	int focus;
	char error[200];
	int error_field;           /* the field the error is about, or -1 */
	enum form_result (*submit)(struct ui *ui, struct form *f);
	void *data;                /* the submitter's, freed with free_data */
	void (*free_data)(void *data);
};

/* form_new: an empty form titled title; the caller fills it and hands it
 * to ui_push(ui, &view_form, f), which takes it. Cannot fail (out of
 * memory aborts). */
struct form *form_new(const char *title, enum form_result (*submit)(struct ui *, struct form *));

/* form_field: add a field; returns its index, or -1 when full. */
int form_field(struct form *f, const char *label, const char *name, const char *value,
    const char *hint);

/* form_text: add a line of text (cut to fit; ignored when full). */
void form_text(struct form *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* form_value: the value of the field named name, "" when there is none. */
const char *form_value(const struct form *f, const char *name);

/* form_fail: show e (a command's ctx->last_err) under the field it names,
 * or under all the fields, and move the focus there. A message that starts
 * with the field's name ("price: ...", as the database words them) loses
 * it: the field's label stands in front instead. */
void form_fail(struct form *f, const struct err *e);

/* form_free: free f and its data. NULL is a no-op. */
void form_free(struct form *f);

#endif
