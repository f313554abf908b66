/* ui.c: the console's event loop, view stack and chrome. */
#include "tui/ui.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <uv.h>

#include "tui/text.h"

#define UI_MAX_VIEWS 8
/* below this the chrome and the rows cannot fit; we say so instead */
#define UI_MIN_COLS 40
#define UI_MIN_LINES 10
/* this many "readable" wake-ups in a row without a key mean the terminal
 * is gone (a hung-up pty stays readable forever) */
#define UI_MAX_IDLE_WAKEUPS 50

struct ui_frame {
	const struct view *view;
	void *state;
};

struct ui {
	struct cmd_ctx *ctx;
	uv_loop_t loop;
	uv_poll_t input;
	uv_signal_t sigs[4];
	int nsigs;

	struct ui_frame stack[UI_MAX_VIEWS];
	int depth;

	int dirty;
	int quitting;
	int status;
	char quit_msg[256];

	char message[256];
	int message_error;
	int cursor_y, cursor_x;
	int idle_wakeups;

	attr_t styles[UI_STYLE_COUNT];

	int have_actor;
	struct db_actor actor;
	int have_studio;
	struct model_studio studio;
};

/* ---- session ---- */

struct cmd_ctx *
ui_cmd(struct ui *ui)
{
	return ui->ctx;
}

struct db *
ui_db(struct ui *ui)
{
	return ui->ctx->db;
}

const struct db_actor *
ui_actor(struct ui *ui)
{
	return ui->have_actor ? &ui->actor : NULL;
}

void
ui_set_actor(struct ui *ui, const struct db_actor *actor)
{
	ui->actor = *actor;
	ui->have_actor = 1;
	ui->dirty = 1;
}

const struct model_studio *
ui_studio(struct ui *ui)
{
	return ui->have_studio ? &ui->studio : NULL;
}

void
ui_set_studio(struct ui *ui, struct model_studio *s)
{
	model_studio_free(&ui->studio);
	ui->studio = *s;
	memset(s, 0, sizeof(*s));
	ui->have_studio = 1;
	ui->dirty = 1;
}

/* ---- views ---- */

void
ui_push(struct ui *ui, const struct view *view, void *arg)
{
	struct ui_frame *f;

	if (ui->depth == UI_MAX_VIEWS) {
		/* a bug in a view, not something a user can cause */
		ui_message(ui, 1, "too many views open");
		return;
	}
	f = &ui->stack[ui->depth++];
	f->view = view;
	f->state = NULL;
	if (view->enter != NULL)
		f->state = view->enter(ui, arg);
	ui->dirty = 1;
}

void
ui_pop(struct ui *ui)
{
	struct ui_frame *f;

	if (ui->depth == 0)
		return;
	f = &ui->stack[--ui->depth];
	if (f->view->leave != NULL)
		f->view->leave(ui, f->state);
	f->view = NULL;
	f->state = NULL;
	ui->dirty = 1;
}

void
ui_replace(struct ui *ui, const struct view *view, void *arg)
{
	ui_pop(ui);
	ui_push(ui, view, arg);
}

void
ui_quit(struct ui *ui, int status, const char *msg)
{
	if (ui->quitting)
		return;
	ui->quitting = 1;
	ui->status = status;
	snprintf(ui->quit_msg, sizeof(ui->quit_msg), "%s", msg ? msg : "");
	uv_stop(&ui->loop);
}

void
ui_message(struct ui *ui, int is_error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof(ui->message), fmt, ap);
	va_end(ap);
	ui->message_error = is_error;
	ui->dirty = 1;
}

void
ui_cursor(struct ui *ui, int y, int x)
{
	ui->cursor_y = y;
	ui->cursor_x = x;
}

void
ui_body(struct ui *ui, int *top, int *height)
{
	(void)ui;
	*top = 1;
	*height = LINES - 3 > 0 ? LINES - 3 : 0;
}

attr_t
ui_attr(struct ui *ui, enum ui_style style)
{
	return style < UI_STYLE_COUNT ? ui->styles[style] : A_NORMAL;
}

void
ui_put(int y, int x, const char *s, int width)
{
	char buf[1024];

	if (width <= 0)
		return;
	text_fit(buf, sizeof(buf), s, width, 1);
	mvaddstr(y, x, buf);
}

/* ---- drawing ---- */

static void
ui_styles(struct ui *ui)
{
	static const struct {
		short fg, bg;
		attr_t extra;   /* added to the colour pair */
		attr_t mono;    /* used alone without colours */
	} def[UI_STYLE_COUNT] = {
		[UI_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD },
		[UI_KEYS] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[UI_HEADING] = { -1, -1, A_BOLD, A_BOLD | A_UNDERLINE },
		[UI_CURSOR] = { -1, -1, A_REVERSE, A_REVERSE },
		[UI_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD },
		[UI_DIM] = { -1, -1, A_DIM, A_DIM },
		[UI_OK] = { COLOR_GREEN, -1, 0, A_NORMAL },
		[UI_PENDING] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
		[UI_BOX] = { -1, -1, 0, A_NORMAL },
	};
	const char *no_color = getenv("NO_COLOR");
	int colors = has_colors() && (no_color == NULL || no_color[0] == '\0');

	if (colors && start_color() == ERR)
		colors = 0;
	if (colors && use_default_colors() == ERR) {
		/* no "default" colour: fall back to white on black */
		assume_default_colors(COLOR_WHITE, COLOR_BLACK);
	}
	for (int s = 0; s < UI_STYLE_COUNT; s++) {
		if (!colors) {
			ui->styles[s] = def[s].mono;
		} else if (def[s].fg == -1 && def[s].bg == -1) {
			ui->styles[s] = def[s].extra;
		} else {
			init_pair((short)(s + 1), def[s].fg, def[s].bg);
			ui->styles[s] = COLOR_PAIR(s + 1) | def[s].extra;
		}
	}
}

static void
ui_draw_title(struct ui *ui)
{
	char left[512], right[512];
	int rw;

	if (ui->have_studio)
		snprintf(left, sizeof(left), " redlight | %s (%s)", ui->studio.studio_name,
		    ui->studio.timezone);
	else
		snprintf(left, sizeof(left), " redlight");
	if (ui->have_actor) {
		snprintf(right, sizeof(right), "%s <%s> %s ", ui->actor.name, ui->actor.email,
		    ui->actor.role);
		/* on a narrow screen the studio keeps its room; the address goes */
		if (text_width(left) + 1 + text_width(right) > COLS)
			snprintf(right, sizeof(right), "%s (%s) ", ui->actor.name, ui->actor.role);
	} else {
		snprintf(right, sizeof(right), "not signed in ");
	}
	attrset(ui_attr(ui, UI_TITLE));
	rw = text_width(right);
	if (rw > COLS / 2)
		rw = COLS / 2;
	ui_put(0, 0, left, COLS - rw - 1);
	ui_put(0, COLS - rw - 1, " ", 1);
	ui_put(0, COLS - rw, right, rw);
	attrset(A_NORMAL);
}

static void
ui_draw_keys(struct ui *ui)
{
	const struct view *v = ui->depth ? ui->stack[ui->depth - 1].view : NULL;
	char line[512];
	size_t o = 0;

	line[0] = '\0';
	if (v != NULL && v->status_keys != NULL) {
		for (const enum keys_action *a = v->status_keys; *a != KEYS_NONE; a++) {
			const struct keys_def *d = keys_def_of(*a);
			char name[16];
			if (d == NULL || d->label == NULL)
				continue;
			keys_first_name(d, name, sizeof(name));
			o += (size_t)snprintf(line + o, sizeof(line) - o, "%s%s %s",
			    o ? "  " : " ", name, d->label);
			if (o >= sizeof(line))
				break;
		}
	} else if (v != NULL && v->status_text != NULL) {
		snprintf(line, sizeof(line), " %s", v->status_text);
	}
	attrset(ui_attr(ui, UI_KEYS));
	ui_put(LINES - 1, 0, line, COLS);
	attrset(A_NORMAL);
}

static void
ui_draw(struct ui *ui)
{
	ui->dirty = 0;
	ui->cursor_y = -1;
	erase();
	if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES) {
		char msg[64];
		ui_put(0, 0, "terminal too small", COLS);
		snprintf(msg, sizeof(msg), "%dx%d, needs %dx%d", COLS, LINES, UI_MIN_COLS,
		    UI_MIN_LINES);
		ui_put(1, 0, msg, COLS);
		curs_set(0);
		refresh();
		return;
	}
	ui_draw_title(ui);
	for (int i = 0; i < ui->depth; i++)
		if (ui->stack[i].view->draw != NULL)
			ui->stack[i].view->draw(ui, ui->stack[i].state);
	attrset(ui->message_error ? ui_attr(ui, UI_ERROR) : A_NORMAL);
	ui_put(LINES - 2, 0, ui->message, COLS);
	attrset(A_NORMAL);
	ui_draw_keys(ui);
	if (ui->cursor_y >= 0) {
		curs_set(1);
		move(ui->cursor_y, ui->cursor_x);
	} else {
		curs_set(0);
		move(LINES - 1, COLS - 1);
	}
	refresh();
}

void
ui_dirty(struct ui *ui)
{
	ui->dirty = 1;
}

void
ui_flush(struct ui *ui)
{
	ui_draw(ui);
}

/* ---- events ---- */

static void
ui_resize(struct ui *ui)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    is_term_resized(ws.ws_row, ws.ws_col))
		resizeterm(ws.ws_row, ws.ws_col);
	for (int i = 0; i < ui->depth; i++)
		if (ui->stack[i].view->resize != NULL)
			ui->stack[i].view->resize(ui, ui->stack[i].state);
	clearok(curscr, TRUE);
	ui->dirty = 1;
}

static void
ui_key(struct ui *ui, const struct keys_press *k)
{
	struct ui_frame *top;

	if (k->fkey && k->ch == KEY_RESIZE) {
		ui_resize(ui);
		return;
	}
	if (keys_action_of(k) == KEYS_REDRAW) {
		clearok(curscr, TRUE);
		ui->dirty = 1;
		return;
	}
	ui->message[0] = '\0';
	ui->dirty = 1;
	if (ui->depth == 0)
		return;
	top = &ui->stack[ui->depth - 1];
	if (top->view->key != NULL)
		top->view->key(ui, top->state, k);
}

/* ui_drain: hand every key ncurses has to the views, then redraw once. */
static void
ui_drain(struct ui *ui, int woke_readable)
{
	int got = 0, r;
	wint_t ch;

	while (!ui->quitting && (r = get_wch(&ch)) != ERR) {
		struct keys_press k = { ch, r == KEY_CODE_YES };
		got = 1;
		ui_key(ui, &k);
	}
	if (woke_readable) {
		ui->idle_wakeups = got ? 0 : ui->idle_wakeups + 1;
		if (ui->idle_wakeups >= UI_MAX_IDLE_WAKEUPS)
			ui_quit(ui, err_exit_status(ERR_IO), "redlight: the terminal went away");
	}
	if (ui->dirty && !ui->quitting)
		ui_draw(ui);
}

static void
ui_on_input(uv_poll_t *h, int status, int events)
{
	struct ui *ui = h->data;

	if (status < 0) {
		ui_quit(ui, err_exit_status(ERR_IO), "redlight: cannot read the terminal");
		return;
	}
	ui_drain(ui, (events & UV_READABLE) != 0);
}

static void
ui_on_signal(uv_signal_t *h, int signum)
{
	struct ui *ui = h->data;

	if (signum == SIGWINCH) {
		ui_resize(ui);
		/* resizeterm queued a KEY_RESIZE; eat it with any other keys */
		ui_drain(ui, 0);
		return;
	}
	ui_quit(ui, 128 + signum, NULL);
}

static void
ui_on_close(uv_handle_t *h)
{
	(void)h;
}

int
ui_run(struct cmd_ctx *ctx, const struct view *first, void *arg)
{
	static const int signums[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP };
	struct ui *ui;
	SCREEN *scr;
	int stdin_flags, status, rc, loop_ok = 0, input_ok = 0;

	stdin_flags = fcntl(STDIN_FILENO, F_GETFL);
	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		const char *term = getenv("TERM");
		fprintf(ctx->err, "redlight: cannot use the terminal '%s'\n", term ? term : "");
		return err_exit_status(ERR_IO);
	}
	ui = calloc(1, sizeof(*ui));
	if (ui == NULL) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	ui->ctx = ctx;
	ui->cursor_y = -1;

	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	ui_styles(ui);

	rc = uv_loop_init(&ui->loop);
	if (rc == 0) {
		loop_ok = 1;
		rc = uv_poll_init(&ui->loop, &ui->input, STDIN_FILENO);
	}
	if (rc == 0) {
		input_ok = 1;
		ui->input.data = ui;
		rc = uv_poll_start(&ui->input, UV_READABLE, ui_on_input);
	}
	for (size_t i = 0; rc == 0 && i < sizeof(signums) / sizeof(signums[0]); i++) {
		rc = uv_signal_init(&ui->loop, &ui->sigs[i]);
		if (rc != 0)
			break;
		ui->nsigs++;
		ui->sigs[i].data = ui;
		rc = uv_signal_start(&ui->sigs[i], ui_on_signal, signums[i]);
	}
	if (rc != 0) {
		snprintf(ui->quit_msg, sizeof(ui->quit_msg), "redlight: cannot watch the terminal: %s",
		    uv_strerror(rc));
		ui->status = err_exit_status(ERR_IO);
	} else {
		ui_push(ui, first, arg);
		/* keys typed before the loop started are waiting in ncurses */
		ui_drain(ui, 0);
		if (!ui->quitting)
			ui_draw(ui);
		if (!ui->quitting)
			uv_run(&ui->loop, UV_RUN_DEFAULT);
	}

	while (ui->depth > 0)
		ui_pop(ui);
	endwin();
	delscreen(scr);

	if (input_ok)
		uv_close((uv_handle_t *)&ui->input, ui_on_close);
	for (int i = 0; i < ui->nsigs; i++)
		uv_close((uv_handle_t *)&ui->sigs[i], ui_on_close);
	if (loop_ok) {
		/* handles are freed only after their close callbacks ran */
		uv_run(&ui->loop, UV_RUN_DEFAULT);
		uv_loop_close(&ui->loop);
	}
	/* uv_poll_init made stdin non-blocking, and the shell shares it */
	if (stdin_flags != -1)
		fcntl(STDIN_FILENO, F_SETFL, stdin_flags);

	if (ui->quit_msg[0] != '\0')
		fprintf(ctx->err, "%s\n", ui->quit_msg);
	status = ui->status;
	model_studio_free(&ui->studio);
	free(ui);
	return status;
}
