/* view-form.c: the form overlay (tui/form.h): fields to fill in over the
 * view below, and the command that runs on Enter. */
#include <curses.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/xalloc.h"
#include "tui/form.h"
#include "tui/text.h"
#include "tui/ui.h"

/* the widest the box gets, and the label column */
#define VIEW_FORM_WIDTH 74
#define VIEW_FORM_LABEL 16
/* the most lines an error may take (a long one, naming bookings, wraps) */
#define VIEW_FORM_ERROR_LINES 3

struct form *
form_new(const char *title, enum form_result (*submit)(struct ui *, struct form *))
{
	struct form *f = xcalloc(1, sizeof(*f));

	snprintf(f->title, sizeof(f->title), "%s", title);
	f->submit = submit;
	f->error_field = -1;
	return f;
}

int
form_field(struct form *f, const char *label, const char *name, const char *value,
    const char *hint)
{
	struct form_field *x;

	if (f->nfields == FORM_MAX_FIELDS)
		return -1;
	x = &f->fields[f->nfields];
	snprintf(x->label, sizeof(x->label), "%s", label);
	snprintf(x->name, sizeof(x->name), "%s", name);
	snprintf(x->value, sizeof(x->value), "%s", value ? value : "");
	snprintf(x->hint, sizeof(x->hint), "%s", hint ? hint : "");
	return f->nfields++;
}

void
form_text(struct form *f, const char *fmt, ...)
{
	va_list ap;

	if (f->ntext == FORM_MAX_TEXT)
		return;
	va_start(ap, fmt);
	vsnprintf(f->text[f->ntext++], sizeof(f->text[0]), fmt, ap);
	va_end(ap);
}

const char *
form_value(const struct form *f, const char *name)
{
	for (int i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return "";
}

void
form_fail(struct form *f, const struct err *e)
{
	const char *msg = e->msg[0] ? e->msg : err_name(e->code);
	size_t n = strlen(e->field);

	f->error_field = -1;
	for (int i = 0; n > 0 && i < f->nfields; i++) {
		if (strcmp(f->fields[i].name, e->field) == 0) {
			f->error_field = i;
			f->focus = i;
		}
	}
	if (f->error_field >= 0 && strncmp(msg, e->field, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
		msg += n + 2;
	snprintf(f->error, sizeof(f->error), "%s", msg);
}

void
form_free(struct form *f)
{
	if (f == NULL)
		return;
	if (f->free_data != NULL)
		f->free_data(f->data);
	/* a password typed into it does not linger in freed memory */
	explicit_bzero(f, sizeof(*f));
	free(f);
}

static void *
view_form_enter(struct ui *ui, void *arg)
{
	(void)ui;
	return arg;
}

static void
view_form_leave(struct ui *ui, void *state)
{
	(void)ui;
	form_free(state);
}

/* view_form_tail: the end of s that fits width columns (what is being
 * typed stays in view). */
static const char *
view_form_tail(const char *s, int width)
{
	while (text_width(s) >= width && *s != '\0') {
		s++;
		while ((*s & 0xc0) == 0x80)
			s++;
	}
	return s;
}

/* view_form_wrap_one: s broken at spaces to width columns, into out (at
 * most max lines; what does not fit is dropped); returns how many. */
static int
view_form_wrap_one(const char *s, int width, char (*out)[200], int max)
{
	int n = 0;

	while (*s != '\0' && n < max) {
		size_t fit = text_prefix(s, width), cut = fit;
		if (s[fit] != '\0') {
			/* back to the last space that fits, if there is one */
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = fit;
		}
		snprintf(out[n++], sizeof(out[0]), "%.*s", (int)cut, s);
		s += cut;
		while (*s == ' ')
			s++;
	}
	return n;
}

/* view_form_wrap: the form's text lines broken at spaces to width
 * columns, into out (at most max lines); returns how many. */
static int
view_form_wrap(const struct form *f, int width, char (*out)[200], int max)
{
	int n = 0;

	for (int i = 0; i < f->ntext && n < max; i++)
		n += view_form_wrap_one(f->text[i], width, out + n, max - n);
	return n;
}

/* view_form_stars: as many stars as value has characters, into out. */
static void
view_form_stars(const char *value, char *out, size_t outlen)
{
	size_t o = 0;

	for (const char *p = value; *p != '\0' && o + 1 < outlen; p++)
		if ((*p & 0xc0) != 0x80)
			out[o++] = '*';
	out[o] = '\0';
}

/* view_form_draw_error: the error's lines from row y, under the fields
 * at x; returns the row after them. */
static int
view_form_draw_error(struct ui *ui, char (*lines)[200], int n, int y, int x, int w, int last)
{
	attrset(ui_attr(ui, UI_ERROR));
	for (int i = 0; i < n && y < last; i++, y++)
		ui_put(y, x, lines[i], w);
	attrset(A_NORMAL);
	return y;
}

static void
view_form_draw(struct ui *ui, void *state)
{
	struct form *f = state;
	int top, height, w = VIEW_FORM_WIDTH, h, y0, x0, y, fx, fw, ntext, nerr = 0;
	char text[FORM_MAX_TEXT * 3][200], err[VIEW_FORM_ERROR_LINES][200];

	ui_body(ui, &top, &height);
	if (w > COLS - 2)
		w = COLS - 2;
	ntext = view_form_wrap(f, w - 4, text, FORM_MAX_TEXT * 3);
	if (f->error[0] != '\0') {
		char line[240];
		snprintf(line, sizeof(line), "%s%s%s", f->error_field >= 0 ? f->fields[f->error_field].label : "",
		    f->error_field >= 0 ? ": " : "", f->error);
		nerr = view_form_wrap_one(line, w - 4, err, VIEW_FORM_ERROR_LINES);
	}
	h = 2 + ntext + (ntext ? 1 : 0) + f->nfields + nerr + 1;
	if (h > height)
		h = height;
	y0 = top + (height - h) / 3;
	x0 = (COLS - w) / 2;
	fx = x0 + 2 + VIEW_FORM_LABEL;
	fw = w - VIEW_FORM_LABEL - 4;

	attrset(ui_attr(ui, UI_BOX));
	for (y = y0; y < y0 + h; y++)
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
	{
		char title[160];
		snprintf(title, sizeof(title), " %s ", f->title);
		ui_put(y0, x0 + 2, title, text_width(title) < w - 4 ? text_width(title) : w - 4);
	}
	attrset(A_NORMAL);

	y = y0 + 1;
	for (int i = 0; i < ntext && y < y0 + h - 1; i++, y++) {
		attrset(f->text_warns ? ui_attr(ui, UI_PENDING) : A_NORMAL);
		ui_put(y, x0 + 2, text[i], w - 4);
	}
	attrset(A_NORMAL);
	if (ntext)
		y++;
	for (int i = 0; i < f->nfields && y < y0 + h - 1; i++, y++) {
		const struct form_field *x = &f->fields[i];
		char stars[FORM_VALUE];
		const char *shown;

		view_form_stars(x->value, stars, sizeof(stars));
		shown = view_form_tail(x->secret ? stars : x->value, fw);
		attrset(i == f->error_field ? ui_attr(ui, UI_ERROR) : ui_attr(ui, UI_HEADING));
		ui_put(y, x0 + 2, x->label, VIEW_FORM_LABEL - 1);
		attrset(A_UNDERLINE);
		ui_put(y, fx, shown, fw);
		/* the hint shows until something is typed, a placeholder */
		if (x->value[0] == '\0' && x->hint[0] != '\0') {
			attrset(A_UNDERLINE | ui_attr(ui, UI_DIM));
			ui_put(y, fx, x->hint, fw);
		}
		attrset(A_NORMAL);
		if (i == f->focus)
			ui_cursor(ui, y, fx + text_width(shown));
		/* the error goes right under the field it is about */
		if (i == f->error_field)
			y = view_form_draw_error(ui, err, nerr, y + 1, x0 + 2, w - 4, y0 + h - 1) - 1;
	}
	if (f->error_field < 0)
		view_form_draw_error(ui, err, nerr, y, x0 + 2, w - 4, y0 + h - 1);
}

static void
view_form_type(struct form *f, wint_t ch)
{
	char *v = f->fields[f->focus].value;
	size_t len = strlen(v), n;
	char mb[MB_LEN_MAX];
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(mb, (wchar_t)ch, &st);
	if (n == (size_t)-1 || len + n >= FORM_VALUE)
		return;
	memcpy(v + len, mb, n);
	v[len + n] = '\0';
}

static void
view_form_erase(struct form *f)
{
	char *v = f->fields[f->focus].value;
	size_t len = strlen(v);

	while (len > 0 && (v[len - 1] & 0xc0) == 0x80)
		len--;
	if (len > 0)
		len--;
	v[len] = '\0';
}

static void
view_form_submit(struct ui *ui, struct form *f)
{
	f->error[0] = '\0';
	f->error_field = -1;
	if (f->submit == NULL || f->submit(ui, f) == FORM_CLOSE)
		ui_pop(ui);
}

static void
view_form_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct form *f = state;
	int n = f->nfields;

	if (k->fkey) {
		switch (k->ch) {
		case KEY_ENTER:
			view_form_submit(ui, f);
			return;
		case KEY_BACKSPACE:
			if (n)
				view_form_erase(f);
			return;
		case KEY_DOWN:
			if (n)
				f->focus = (f->focus + 1) % n;
			return;
		case KEY_UP:
		case KEY_BTAB:
			if (n)
				f->focus = (f->focus + n - 1) % n;
			return;
		default:
			return;
		}
	}
	switch (k->ch) {
	case L'\r':
	case L'\n':
		view_form_submit(ui, f);
		return;
	case 0x1b:
		ui_message(ui, 0, "nothing was changed");
		ui_pop(ui);
		return;
	case L'\t':
		if (n)
			f->focus = (f->focus + 1) % n;
		return;
	case 0x7f:
	case 0x08:
		if (n)
			view_form_erase(f);
		return;
	case 0x15: /* Ctrl-U clears the field, as in a shell */
		if (n)
			f->fields[f->focus].value[0] = '\0';
		return;
	default:
		if (n == 0 && (k->ch == L'y' || k->ch == L'Y')) {
			view_form_submit(ui, f);
		} else if (n == 0 && (k->ch == L'n' || k->ch == L'N')) {
			ui_message(ui, 0, "nothing was changed");
			ui_pop(ui);
		} else if (n > 0 && k->ch >= 0x20) {
			view_form_type(f, k->ch);
		}
		return;
	}
}

const struct view view_form = {
	.name = "form",
	.status_keys = NULL,
	.status_text = "Enter do it  Tab next field  Ctrl-U clear  Esc cancel",
	.enter = view_form_enter,
	.leave = view_form_leave,
	.resize = NULL,
	.draw = view_form_draw,
	.key = view_form_key,
	.change = NULL,
	.tick = NULL,
};
