/* view-login.c: the sign-in form. Only staff and admins may use the
 * console; three failed tries end it. */
#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/text.h"
#include "tui/ui.h"

/* failed sign-ins before the console gives up */
#define VIEW_LOGIN_TRIES 3
#define VIEW_LOGIN_FIELD 256

enum { LOGIN_EMAIL, LOGIN_PASSWORD };

struct view_login {
	char email[VIEW_LOGIN_FIELD];
	char password[VIEW_LOGIN_FIELD];
	int field;
	int failures;
	char error[160];
};

static void *
view_login_enter(struct ui *ui, void *arg)
{
	struct view_login *l = xcalloc(1, sizeof(*l));

	(void)ui;
	(void)arg;
	return l;
}

static void
view_login_leave(struct ui *ui, void *state)
{
	struct view_login *l = state;

	(void)ui;
	explicit_bzero(l->password, sizeof(l->password));
	free(l);
}

static void
view_login_draw(struct ui *ui, void *state)
{
	struct view_login *l = state;
	int top, height, w = 44, x, y, fx, fw;

	ui_body(ui, &top, &height);
	if (w > COLS - 2)
		w = COLS - 2;
	x = (COLS - w) / 2;
	y = top + (height > 12 ? (height - 9) / 3 : 1);
	fx = x + 10;
	fw = w - 10;

	attrset(ui_attr(ui, UI_HEADING));
	ui_put(y, x, "Sign in to the redlight console", w);
	attrset(A_NORMAL);
	ui_put(y + 2, x, "Email", 10);
	ui_put(y + 3, x, "Password", 10);
	attrset(A_UNDERLINE);
	/* the end of a long address stays in view while typing it */
	{
		int ew = text_width(l->email);
		const char *shown = l->email;
		while (ew >= fw && *shown != '\0') {
			shown++;
			while ((*shown & 0xc0) == 0x80)
				shown++;
			ew = text_width(shown);
		}
		ui_put(y + 2, fx, shown, fw);
		/* the password is never echoed, not even as stars */
		ui_put(y + 3, fx, "", fw);
		if (l->field == LOGIN_EMAIL)
			ui_cursor(ui, y + 2, fx + ew);
		else
			ui_cursor(ui, y + 3, fx);
	}
	attrset(A_NORMAL);
	if (l->error[0] != '\0') {
		attrset(ui_attr(ui, UI_ERROR));
		ui_put(y + 5, x, l->error, COLS - x);
		attrset(A_NORMAL);
	}
	attrset(ui_attr(ui, UI_DIM));
	ui_put(y + 7, x, "The console is for studio staff and admins.", COLS - x);
	attrset(A_NORMAL);
}

/* view_login_fail: count a failed try; the third ends the console. */
static void
view_login_fail(struct ui *ui, struct view_login *l, const char *why)
{
	int left;

	l->failures++;
	left = VIEW_LOGIN_TRIES - l->failures;
	if (left <= 0) {
		char msg[200];
		snprintf(msg, sizeof(msg), "redlight: %s; giving up after %d tries", why,
		    VIEW_LOGIN_TRIES);
		ui_quit(ui, err_exit_status(ERR_AUTH), msg);
		return;
	}
	snprintf(l->error, sizeof(l->error), "%s (%d %s left)", why, left,
	    left == 1 ? "try" : "tries");
}

static void
view_login_submit(struct ui *ui, struct view_login *l)
{
	struct db_actor actor;
	struct err e;
	char email[VIEW_LOGIN_FIELD];
	size_t a, b;
	int rc;

	/* a pasted address often brings spaces along */
	a = strspn(l->email, " \t");
	b = strlen(l->email);
	while (b > a && (l->email[b - 1] == ' ' || l->email[b - 1] == '\t'))
		b--;
	snprintf(email, sizeof(email), "%.*s", (int)(b - a), l->email + a);

	l->error[0] = '\0';
	ui_message(ui, 0, "signing in...");
	ui_flush(ui);
	err_clear(&e);
	memset(&actor, 0, sizeof(actor));
	rc = db_login(ui_db(ui), email, l->password, &actor, &e);
	explicit_bzero(l->password, sizeof(l->password));
	ui_message(ui, 0, "%s", "");
	if (rc == ERR_AUTH) {
		view_login_fail(ui, l, "wrong email or password");
		return;
	}
	if (rc != 0) {
		/* the database failed: not the user's fault, so not a try */
		snprintf(l->error, sizeof(l->error), "%s", e.msg[0] ? e.msg : err_name(rc));
		return;
	}
	if (strcmp(actor.role, "staff") != 0 && strcmp(actor.role, "admin") != 0) {
		l->field = LOGIN_EMAIL;
		view_login_fail(ui, l,
		    "this console is for studio staff; artists book on the web page");
		return;
	}
	ui_set_actor(ui, &actor);
	ui_replace(ui, &view_day, NULL);
}

/* view_login_type: append character ch to the current field. */
static void
view_login_type(struct view_login *l, wint_t ch)
{
	char *f = l->field == LOGIN_EMAIL ? l->email : l->password;
	size_t len = strlen(f), n;
	char mb[MB_LEN_MAX];
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(mb, (wchar_t)ch, &st);
	if (n == (size_t)-1 || len + n >= VIEW_LOGIN_FIELD)
		return;
	memcpy(f + len, mb, n);
	f[len + n] = '\0';
}

/* view_login_erase: remove the last character (not byte) of the field. */
static void
view_login_erase(struct view_login *l)
{
	char *f = l->field == LOGIN_EMAIL ? l->email : l->password;
	size_t len = strlen(f);

	while (len > 0 && (f[len - 1] & 0xc0) == 0x80)
		len--;
	if (len > 0)
		len--;
	f[len] = '\0';
}

static void
view_login_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_login *l = state;

	if (k->fkey) {
		switch (k->ch) {
		case KEY_ENTER:
			goto enter;
		case KEY_BACKSPACE:
			view_login_erase(l);
			return;
		case KEY_DOWN:
			l->field = LOGIN_PASSWORD;
			return;
		case KEY_UP:
		case KEY_BTAB:
			l->field = LOGIN_EMAIL;
			return;
		default:
			return;
		}
	}
	switch (k->ch) {
	case L'\r':
	case L'\n':
		goto enter;
	case L'\t':
		l->field = l->field == LOGIN_EMAIL ? LOGIN_PASSWORD : LOGIN_EMAIL;
		return;
	case 0x7f:
	case 0x08:
		view_login_erase(l);
		return;
	case 0x15: /* Ctrl-U, as in a shell: clear the field */
		if (l->field == LOGIN_EMAIL)
			l->email[0] = '\0';
		else
			explicit_bzero(l->password, sizeof(l->password));
		return;
	case 0x1b: /* Esc */
		ui_quit(ui, 0, NULL);
		return;
	default:
		if (k->ch >= 0x20)
			view_login_type(l, k->ch);
		return;
	}
enter:
	if (l->field == LOGIN_EMAIL) {
		if (l->email[0] != '\0')
			l->field = LOGIN_PASSWORD;
		return;
	}
	if (l->email[0] == '\0') {
		l->field = LOGIN_EMAIL;
		return;
	}
	view_login_submit(ui, l);
}

const struct view view_login = {
	.name = "login",
	.status_keys = NULL,
	.status_text = "Enter next field / sign in  Tab switch field  Esc quit",
	.enter = view_login_enter,
	.leave = view_login_leave,
	.resize = NULL,
	.draw = view_login_draw,
	.key = view_login_key,
};
