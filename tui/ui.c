/* ui.c: the console's event loop, view stack and chrome. */
#include "tui/ui.h"

#include <fcntl.h>
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <uv.h>

#include "core/xalloc.h"
#include "db/job.h"
#include "tui/text.h"

#define UI_MAX_VIEWS 8
/* below this the chrome and the rows cannot fit; we say so instead */
#define UI_MIN_COLS 40
#define UI_MIN_LINES 10
/* this many "readable" wake-ups in a row without a key mean the terminal
 * is gone (a hung-up pty stays readable forever) */
#define UI_MAX_IDLE_WAKEUPS 50
/* the clock views tick by (countdowns), in milliseconds */
#define UI_TICK_MS 1000
/* seconds between tries to get a lost database connection back */
#define UI_RECONNECT_S 5
/* reload rounds after one event: a reload can bring more notices */
#define UI_CHANGE_ROUNDS 3
/* how long after the last notice the main views not on screen reload
 * (one burst of notices, one reload each), in milliseconds */
#define UI_REFRESH_MS 40

/* The main views, in tab order: keys 1..9 (then 0) and Tab switch between them. */
static const struct {
	const struct view *view;
	const char *label;
} ui_tabs[] = {
	{ &view_day, "Day" },
	{ &view_queue, "Queue" },
	{ &view_holds, "Holds" },
	{ &view_bookings, "Bookings" },
	{ &view_audit, "Audit" },
	{ &view_board, "Board" },
	{ &view_setup, "Setup" },
	{ &view_jobs, "Jobs" },
	{ &view_payments, "Payments" },
	{ &view_notifications, "Notifications" },
};
#define UI_NTABS ((int)(sizeof(ui_tabs) / sizeof(ui_tabs[0])))

struct ui_frame {
	const struct view *view;
	void *state;
};

/* A main view not on screen, kept as it was left: switching back to it
 * draws what it has (a tab switch reads nothing). Once signed in, the
 * main views not shown yet load in the background, one at a time; a
 * change reloads each parked view once, in the background too
 * (ui_on_refresh), or when it is shown first. */
struct ui_parked {
	struct ui_frame f;        /* view NULL: never shown, or not kept */
	int stale;                /* the database changed since it loaded */
	int resized;              /* the screen changed size since */
};

/* A queued ui_read; owner NULL: dropped. */
struct ui_pending {
	const struct ui_read *r;
	void *owner;
};

#define UI_MAX_READS 16

struct ui {
	struct cmd_ctx *ctx;
	uv_loop_t loop;
	uv_poll_t input;
	uv_signal_t sigs[4];
	int nsigs;
	uv_timer_t timer;
	int timer_ok;
	uv_poll_t *pg;            /* the database socket; NULL while not watched */
	int pg_lost;              /* the connection dropped: the timer retries */
	int64_t pg_retry_at;
	int changed;              /* views reload when this event is done */

	struct ui_frame stack[UI_MAX_VIEWS];
	int depth;
	struct ui_parked parked[UI_NTABS];
	uv_timer_t refresh;       /* loads and reloads the parked views */
	int refresh_ok;
	int prefetch;             /* the main views not shown yet: 0 to load,
	                           * 1 loading, 2 loaded */

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
	struct tz **old_tz;       /* zones replaced by a new one (see ui_set_studio) */
	size_t nold_tz;
	long failed_jobs;         /* the header's count; -1 when unknown */

	struct db *reader;        /* the reads not waited for (ui_read_start) */
	uv_poll_t *reader_poll;   /* its socket, while open */
	struct ui_pending reads[UI_MAX_READS]; /* reads[0] is out when read_out */
	int nreads;
	int read_out;
	PGresult *read_res;       /* the out read's last result so far */

	int tty_fd;               /* the terminal, while stdout is the frame's file */
	int frame_fd;             /* a memory file a frame is drawn into; -1: none */
	char *frame;              /* the frame read back, to go out in one write */
	size_t frame_cap;
};

/* ---- session ---- */

/* ui_failed_set: the header's count; -1 when unknown. */
static void
ui_failed_set(struct ui *ui, long n)
{
	if (n != ui->failed_jobs)
		ui->dirty = 1;
	ui->failed_jobs = n;
}

static int
ui_failed_send(struct ui *ui, void *owner, PGconn *conn, struct err *e)
{
	(void)ui, (void)owner;
	if (PQsendQuery(conn, DB_JOB_FAILED_COUNT_SQL) == 0)
		return err_set(e, ERR_DB, NULL, "cannot send the failed jobs' count: %s",
		    PQerrorMessage(conn));
	return 0;
}

static void
ui_failed_done(struct ui *ui, void *owner, const PGresult *res, const struct err *e)
{
	long n;

	(void)owner, (void)e;
	if (res == NULL || db_job_failed_recv(res, &n, NULL) != 0)
		n = -1;
	ui_failed_set(ui, n);
}

static const struct ui_read ui_failed_read = { ui_failed_send, ui_failed_done };

/* ui_failed_load: the failed jobs' count for the header, not waited for
 * (read now when that cannot be). Jobs fail with a notice, so it is
 * asked again on every change. */
static void
ui_failed_load(struct ui *ui)
{
	struct err e;
	long n;

	if (ui->ctx->db == NULL || !ui->have_actor) {
		ui_failed_set(ui, -1);
		return;
	}
	err_clear(&e);
	if (ui_read_start(ui, &ui_failed_read, ui, &e) == 0)
		return;
	if (db_job_failed_count(ui->ctx->db, &n, NULL) != 0)
		n = -1;
	ui_failed_set(ui, n);
}

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
	/* the commands the keys run act as this user */
	ui->ctx->actor = *actor;
	ui->ctx->have_actor = 1;
	ui->dirty = 1;
	ui_failed_load(ui);
}

const struct model_studio *
ui_studio(struct ui *ui)
{
	return ui->have_studio ? &ui->studio : NULL;
}

const struct model_studio *
ui_studio_need(struct ui *ui)
{
	struct model_studio st;
	struct err e;

	if (ui->have_studio)
		return &ui->studio;
	err_clear(&e);
	if (model_studio_load(ui_db(ui), &st, &e) != 0) {
		ui_message(ui, 1, "cannot load the studio: %s", e.msg);
		return NULL;
	}
	ui_set_studio(ui, &st);
	return &ui->studio;
}

void
ui_set_studio(struct ui *ui, struct model_studio *s)
{
	if (ui->have_studio && strcmp(ui->studio.timezone, s->timezone) == 0) {
		/* the same zone: views keep borrowing the one loaded */
		model_studio_free(s);
		s->tz = ui->studio.tz;
	} else if (ui->have_studio && ui->studio.tz != NULL) {
		/* a parked view may still draw with the old zone until it
		 * reloads: it is freed at the end */
		ui->old_tz = xrealloc(ui->old_tz, (ui->nold_tz + 1) * sizeof(*ui->old_tz));
		ui->old_tz[ui->nold_tz++] = ui->studio.tz;
	}
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

/* ---- the main views ---- */

/* ui_tab_of: the tab index of the bottom view, -1 when it is none. */
static int
ui_tab_of(struct ui *ui)
{
	for (int i = 0; ui->depth > 0 && i < UI_NTABS; i++)
		if (ui->stack[0].view == ui_tabs[i].view)
			return i;
	return -1;
}

/* ui_unpark: main view i as it was parked, on the stack's bottom, brought
 * up to date first; 0 when it was not parked. */
static int
ui_unpark(struct ui *ui, int i)
{
	struct ui_parked *p = &ui->parked[i];
	struct ui_frame *f;

	if (p->f.view == NULL || ui->depth != 0)
		return 0;
	f = &ui->stack[ui->depth++];
	*f = p->f;
	if (p->resized && f->view->resize != NULL)
		f->view->resize(ui, f->state);
	if (p->stale && f->view->change != NULL)
		f->view->change(ui, f->state);
	memset(p, 0, sizeof(*p));
	ui->dirty = 1;
	return 1;
}

/* ui_park_all_leave: leave every parked view (the end of the loop). */
static void
ui_park_all_leave(struct ui *ui)
{
	for (int i = 0; i < UI_NTABS; i++) {
		struct ui_parked *p = &ui->parked[i];
		if (p->f.view != NULL && p->f.view->leave != NULL)
			p->f.view->leave(ui, p->f.state);
		memset(p, 0, sizeof(*p));
	}
}

static void
ui_show_tab(struct ui *ui, int i)
{
	int was;

	i = (i % UI_NTABS + UI_NTABS) % UI_NTABS;
	if (ui->depth == 1 && ui_tab_of(ui) == i)
		return;
	while (ui->depth > 1)
		ui_pop(ui);
	/* the main view shown is kept as it is, not left */
	if ((was = ui_tab_of(ui)) >= 0 && ui->parked[was].f.view == NULL) {
		ui->parked[was].f = ui->stack[0];
		ui->parked[was].stale = ui->parked[was].resized = 0;
		ui->stack[0].view = NULL;
		ui->stack[0].state = NULL;
		ui->depth = 0;
		ui->dirty = 1;
	}
	while (ui->depth > 0)
		ui_pop(ui);
	if (!ui_unpark(ui, i))
		ui_push(ui, ui_tabs[i].view, NULL);
}

/* the keys every main view shares; 1 when k was one (and acted on) */
static int
ui_main_key(struct ui *ui, const struct keys_press *k)
{
	enum keys_action a = keys_action_of(k);
	int tab = ui_tab_of(ui);

	switch (a) {
	case KEYS_QUIT:
		ui_quit(ui, 0, NULL);
		return 1;
	case KEYS_HELP:
		ui_push(ui, &view_help, NULL);
		return 1;
	case KEYS_VIEW_DAY:
	case KEYS_VIEW_QUEUE:
	case KEYS_VIEW_HOLDS:
	case KEYS_VIEW_BOOKINGS:
	case KEYS_VIEW_AUDIT:
	case KEYS_VIEW_BOARD:
	case KEYS_VIEW_SETUP:
	case KEYS_VIEW_JOBS:
	case KEYS_VIEW_PAYMENTS:
	case KEYS_VIEW_NOTIFICATIONS:
		ui_show_tab(ui, (int)(a - KEYS_VIEW_DAY));
		return 1;
	case KEYS_NEXT_VIEW:
		ui_show_tab(ui, tab + 1);
		return 1;
	case KEYS_PREV_VIEW:
		ui_show_tab(ui, tab < 0 ? 0 : tab - 1);
		return 1;
	default:
		return 0;
	}
}

void
ui_other_key(struct ui *ui, const struct keys_press *k, int back)
{
	if (ui_main_key(ui, k) || k->fkey || k->ch < 0x20)
		return;
	ui_message(ui, 0, "that key does nothing here; %s? lists the keys",
	    back ? "Esc goes back, " : "");
}

static void
ui_draw_tabs(struct ui *ui)
{
	int tab = ui_tab_of(ui), x = 1;

	if (tab < 0)
		return;
	for (int i = 0; i < UI_NTABS && x < COLS - 1; i++) {
		char label[32];
		int w;
		snprintf(label, sizeof(label), " %d %s ", (i + 1) % 10, ui_tabs[i].label);
		w = text_width(label);
		if (x + w > COLS - 1)
			w = COLS - 1 - x;
		attrset(i == tab ? ui_attr(ui, UI_CURSOR) | A_BOLD : ui_attr(ui, UI_DIM));
		ui_put(1, x, label, w);
		x += w + 1;
	}
	attrset(A_NORMAL);
}

void
ui_changed(struct ui *ui)
{
	ui->changed = 1;
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
	size_t o;
	int rw;

	if (ui->have_studio)
		o = (size_t)snprintf(left, sizeof(left), " redlight | %s (%s)", ui->studio.studio_name,
		    ui->studio.timezone);
	else
		o = (size_t)snprintf(left, sizeof(left), " redlight");
	/* failed jobs need someone to look: shown while there are any */
	if (ui->have_actor && ui->failed_jobs > 0 && o < sizeof(left))
		snprintf(left + o, sizeof(left) - o, " | %ld failed job%s", ui->failed_jobs,
		    ui->failed_jobs == 1 ? "" : "s");
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

/* ---- one frame, one write ----
 *
 * ncurses (6.4) writes after every line doupdate changes, and curs_set
 * writes at once: a frame would leave in tens of small writes, each a
 * packet over SSH. While a frame is drawn, stdout (the descriptor ncurses
 * writes to) is a memory file instead; then the frame goes to the
 * terminal in one write. Without the memory file, frames go out as
 * ncurses writes them. */

static void
ui_frame_open(struct ui *ui)
{
	ui->tty_fd = ui->frame_fd = -1;
	if ((ui->frame_fd = memfd_create("redlight-frame", MFD_CLOEXEC)) < 0)
		return;
	if ((ui->tty_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)) < 0) {
		close(ui->frame_fd);
		ui->frame_fd = -1;
	}
}

static void
ui_frame_close(struct ui *ui)
{
	if (ui->frame_fd >= 0)
		close(ui->frame_fd);
	if (ui->tty_fd >= 0)
		close(ui->tty_fd);
	ui->tty_fd = ui->frame_fd = -1;
	free(ui->frame);
	ui->frame = NULL;
}

static void
ui_frame_begin(struct ui *ui)
{
	if (ui->frame_fd >= 0 && dup2(ui->frame_fd, STDOUT_FILENO) < 0)
		ui_frame_close(ui);
}

/* ui_frame_write: all of n bytes to the terminal; stdin's non-blocking
 * flag is often the terminal's own, so a full terminal is waited for. */
static void
ui_frame_write(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pf = { fd, POLLOUT, 0 };
			poll(&pf, 1, 1000);
		} else if (!(w < 0 && errno == EINTR)) {
			return;
		}
	}
}

static void
ui_frame_end(struct ui *ui)
{
	off_t len;

	if (ui->frame_fd < 0)
		return;
	len = lseek(ui->frame_fd, 0, SEEK_CUR);
	if (dup2(ui->tty_fd, STDOUT_FILENO) < 0 || len < 0) {
		ui_frame_close(ui);
		return;
	}
	if ((size_t)len > ui->frame_cap) {
		ui->frame_cap = (size_t)len * 2;
		ui->frame = xrealloc(ui->frame, ui->frame_cap);
	}
	if (len > 0 && pread(ui->frame_fd, ui->frame, (size_t)len, 0) == (ssize_t)len)
		ui_frame_write(STDOUT_FILENO, ui->frame, (size_t)len);
	if (ftruncate(ui->frame_fd, 0) != 0 || lseek(ui->frame_fd, 0, SEEK_SET) != 0)
		ui_frame_close(ui);
}

/* ui_update: the frame drawn into stdscr, to the terminal at once. */
static void
ui_update(struct ui *ui, int cursor)
{
	ui_frame_begin(ui);
	curs_set(cursor);
	wnoutrefresh(stdscr);
	doupdate();
	ui_frame_end(ui);
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
		ui_update(ui, 0);
		return;
	}
	ui_draw_title(ui);
	ui_draw_tabs(ui);
	for (int i = 0; i < ui->depth; i++)
		if (ui->stack[i].view->draw != NULL)
			ui->stack[i].view->draw(ui, ui->stack[i].state);
	attrset(ui->message_error ? ui_attr(ui, UI_ERROR) : A_NORMAL);
	ui_put(LINES - 2, 0, ui->message, COLS);
	attrset(A_NORMAL);
	ui_draw_keys(ui);
	if (ui->cursor_y >= 0)
		move(ui->cursor_y, ui->cursor_x);
	else
		move(LINES - 1, COLS - 1);
	ui_update(ui, ui->cursor_y >= 0);
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
	for (int i = 0; i < UI_NTABS; i++)
		ui->parked[i].resized = 1;
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

/* ---- reads not waited for ---- */

static void ui_read_next(struct ui *ui);
static void ui_after_event(struct ui *ui);

static void
ui_on_reader_close(uv_handle_t *h)
{
	free(h);
}

/* ui_reader_close: drop the second connection (it broke, or the console
 * ends); the next read opens it again. */
static void
ui_reader_close(struct ui *ui)
{
	if (ui->reader_poll != NULL) {
		uv_poll_stop(ui->reader_poll);
		uv_close((uv_handle_t *)ui->reader_poll, ui_on_reader_close);
		ui->reader_poll = NULL;
	}
	PQclear(ui->read_res);
	ui->read_res = NULL;
	db_close(ui->reader);
	ui->reader = NULL;
	ui->read_out = 0;
}

/* ui_read_pop: reads[0] is done: give done its answer (unless dropped). */
static void
ui_read_pop(struct ui *ui, const PGresult *res, const struct err *e)
{
	struct ui_pending p = ui->reads[0];

	ui->read_out = 0;
	memmove(&ui->reads[0], &ui->reads[1], (size_t)(ui->nreads - 1) * sizeof(ui->reads[0]));
	ui->nreads--;
	if (p.owner != NULL) {
		p.r->done(ui, p.owner, res, e);
		ui->dirty = 1;
	}
}

static void
ui_on_reader(uv_poll_t *h, int status, int events)
{
	struct ui *ui = h->data;
	PGconn *conn = db_conn(ui->reader);
	PGresult *res;
	struct err e;

	(void)events;
	err_clear(&e);
	if (status < 0 || PQconsumeInput(conn) == 0) {
		err_set(&e, ERR_DB, NULL, "the read broke off: %s", PQerrorMessage(conn));
		ui_reader_close(ui);
		if (ui->nreads > 0)
			ui_read_pop(ui, NULL, &e);
		ui_read_next(ui);
		ui_after_event(ui);
		return;
	}
	while (ui->read_out && !PQisBusy(conn)) {
		if ((res = PQgetResult(conn)) != NULL) {
			PQclear(ui->read_res);
			ui->read_res = res;
			continue;
		}
		/* the read's end: its last result is the answer */
		uv_poll_stop(ui->reader_poll);
		res = ui->read_res;
		ui->read_res = NULL;
		if (res == NULL)
			err_set(&e, ERR_DB, NULL, "the read gave no result");
		ui_read_pop(ui, res, &e);
		PQclear(res);
		ui_read_next(ui);
	}
	ui_after_event(ui);
}

/* ui_reader_open: the second connection, as the first was opened. */
static int
ui_reader_open(struct ui *ui, struct err *e)
{
	int rc, fd;

	if (ui->reader != NULL)
		return 0;
	if ((rc = cmd_open_db(ui->ctx, e)) != 0 ||
	    (rc = db_open(ui->ctx->conf.database_url, &ui->reader, e)) != 0)
		return rc;
	ui->reader_poll = xcalloc(1, sizeof(*ui->reader_poll));
	if ((fd = PQsocket(db_conn(ui->reader))) < 0 ||
	    uv_poll_init(&ui->loop, ui->reader_poll, fd) != 0) {
		free(ui->reader_poll);
		ui->reader_poll = NULL;
		db_close(ui->reader);
		ui->reader = NULL;
		return err_set(e, ERR_DB, NULL, "cannot watch the second database connection");
	}
	ui->reader_poll->data = ui;
	return 0;
}

/* ui_read_next: send the next queued read when none is out. */
static void
ui_read_next(struct ui *ui)
{
	struct err e;

	while (!ui->read_out && ui->nreads > 0) {
		struct ui_pending *p = &ui->reads[0];

		err_clear(&e);
		if (p->owner == NULL) {
			ui_read_pop(ui, NULL, NULL);
			continue;
		}
		if (ui_reader_open(ui, &e) != 0 || p->r->send(ui, p->owner, db_conn(ui->reader), &e) != 0) {
			ui_read_pop(ui, NULL, &e);
			continue;
		}
		ui->read_out = 1;
		uv_poll_start(ui->reader_poll, UV_READABLE, ui_on_reader);
	}
}

int
ui_read_start(struct ui *ui, const struct ui_read *r, void *owner, struct err *e)
{
	int rc;

	for (int i = ui->read_out; i < ui->nreads; i++)
		if (ui->reads[i].owner == owner && ui->reads[i].r == r)
			return 0;
	if (ui->nreads == UI_MAX_READS)
		return err_set(e, ERR_DB, NULL, "too many reads out");
	if ((rc = ui_reader_open(ui, e)) != 0)
		return rc;
	ui->reads[ui->nreads++] = (struct ui_pending){ r, owner };
	ui_read_next(ui);
	return 0;
}

int
ui_reading_start(struct ui *ui, struct ui_reading *rd, const struct ui_read *r, void *owner,
    int announce)
{
	struct err e;

	err_clear(&e);
	rd->announce |= announce;
	if (ui_read_start(ui, r, owner, &e) != 0)
		return -1;
	rd->out = 1;
	return 0;
}

int
ui_reading_end(struct ui_reading *rd)
{
	int announce = rd->announce;

	rd->out = rd->announce = 0;
	return announce;
}

void
ui_read_drop(struct ui *ui, void *owner)
{
	for (int i = 0; i < ui->nreads; i++)
		if (ui->reads[i].owner == owner)
			ui->reads[i].owner = NULL;
}

/* ---- loads in parts ---- */

static const struct ui_read ui_load_read;

/* ui_load_part_send: part i of l's load, on conn. */
static int
ui_load_part_send(struct ui *ui, struct ui_load *l, int i, PGconn *conn, struct err *e)
{
	const struct ui_load_part *p = &l->spec->parts[i];
	struct cmd_ctx *ctx = ui_cmd(ui);
	struct cmd_read c;
	char *json = NULL;
	int rc;

	if (p->run == NULL)
		return p->send(ui, l->owner, conn, e);
	memset(&c, 0, sizeof(c));
	if (p->args != NULL)
		p->args(l->owner, &c);
	ctx->send_to = conn;
	rc = p->run(ctx, &c, &json, e);
	ctx->send_to = NULL;
	free(json);
	return rc;
}

/* ui_load_part_recv: part i's result, to the view. */
static int
ui_load_part_recv(struct ui *ui, struct ui_load *l, int i, const PGresult *res, struct err *e)
{
	const struct ui_load_part *p = &l->spec->parts[i];
	char *json;
	int rc;

	if (p->run == NULL)
		return p->recv(ui, l->owner, res, e);
	if ((rc = cmd_read_recv(res, &json, e)) == 0)
		rc = p->json(ui, l->owner, json, e);
	free(json);
	return rc;
}

/* ui_load_took: every part came. */
static void
ui_load_took(struct ui *ui, struct ui_load *l)
{
	int say = ui_reading_end(&l->rd);

	if (l->spec->take != NULL)
		l->spec->take(ui, l->owner, say);
}

/* ui_load_failed: a part failed: said when r asked. */
static void
ui_load_failed(struct ui *ui, struct ui_load *l, const struct err *e)
{
	int say = ui_reading_end(&l->rd);

	if (say || l->spec->loud)
		ui_message(ui, 1, "cannot load %s: %s", l->spec->what,
		    e->msg[0] ? e->msg : err_name(e->code));
	if (l->spec->fail != NULL)
		l->spec->fail(ui, l->owner, say, e);
}

static int
ui_load_send(struct ui *ui, void *owner, PGconn *conn, struct err *e)
{
	struct ui_load *l = owner;

	/* a load asked since the parts so far went out starts again */
	if (l->next == 0 || l->rd.sent_gen != l->rd.gen) {
		l->next = 0;
		l->rd.sent_gen = l->rd.gen;
	}
	return ui_load_part_send(ui, l, l->next, conn, e);
}

static void
ui_load_done(struct ui *ui, void *owner, const PGresult *res, const struct err *e)
{
	struct ui_load *l = owner;
	struct err e2;

	err_clear(&e2);
	/* overtaken: the load asked since is queued */
	if (res != NULL && l->rd.sent_gen != l->rd.gen) {
		l->next = 0;
		return;
	}
	if (res == NULL) {
		e2 = *e;
	} else if (ui_load_part_recv(ui, l, l->next, res, &e2) == 0) {
		if (++l->next < l->spec->nparts && ui_read_start(ui, &ui_load_read, l, &e2) == 0)
			return;
		if (l->next == l->spec->nparts) {
			l->next = 0;
			ui_load_took(ui, l);
			return;
		}
	}
	l->next = 0;
	ui_load_failed(ui, l, &e2);
}

static const struct ui_read ui_load_read = { ui_load_send, ui_load_done };

/* ui_load_now: every part read on the console's own connection, waiting. */
static int
ui_load_now(struct ui *ui, struct ui_load *l, struct err *e)
{
	PGresult *res, *last;
	PGconn *conn;
	int rc;

	if ((rc = cmd_open_db(ui_cmd(ui), e)) != 0)
		return rc;
	conn = db_conn(ui_db(ui));
	for (int i = 0; i < l->spec->nparts; i++) {
		if ((rc = ui_load_part_send(ui, l, i, conn, e)) != 0)
			return rc;
		last = NULL;
		while ((res = PQgetResult(conn)) != NULL) {
			PQclear(last);
			last = res;
		}
		if (last == NULL)
			return err_set(e, ERR_DB, NULL, "the read gave no result");
		rc = ui_load_part_recv(ui, l, i, last, e);
		PQclear(last);
		if (rc != 0)
			return rc;
	}
	return 0;
}

void
ui_load_init(struct ui_load *l, const struct ui_load_spec *spec, void *owner)
{
	memset(l, 0, sizeof(*l));
	l->spec = spec;
	l->owner = owner;
}

void
ui_load(struct ui *ui, struct ui_load *l, int announce)
{
	struct err e;

	l->rd.gen++;
	if (ui_reading_start(ui, &l->rd, &ui_load_read, l, announce) == 0)
		return;
	err_clear(&e);
	l->next = 0;
	if (ui_load_now(ui, l, &e) != 0)
		ui_load_failed(ui, l, &e);
	else
		ui_load_took(ui, l);
}

const char *
ui_load_says(const struct ui_load *l, int loaded, const char *empty)
{
	if (loaded)
		return empty;
	return l->rd.out ? "loading..." : "not loaded (r to retry)";
}

void
ui_load_drop(struct ui *ui, struct ui_load *l)
{
	ui_read_drop(ui, l);
}

/* ---- the database's notices ---- */

static void ui_pg_start(struct ui *ui);
static void ui_on_refresh(uv_timer_t *h);

static void
ui_on_pg_close(uv_handle_t *h)
{
	free(h);
}

static void
ui_pg_stop(struct ui *ui)
{
	if (ui->pg == NULL)
		return;
	uv_poll_stop(ui->pg);
	uv_close((uv_handle_t *)ui->pg, ui_on_pg_close);
	ui->pg = NULL;
}

/* ui_pg_lost: the connection dropped: say so and try again later. */
static void
ui_pg_lost(struct ui *ui)
{
	ui_pg_stop(ui);
	ui->pg_lost = 1;
	ui->pg_retry_at = (int64_t)uv_now(&ui->loop) + UI_RECONNECT_S * 1000;
	ui_message(ui, 1, "lost the database connection; trying again every %d s", UI_RECONNECT_S);
}

/* ui_pg_drain: take every notice libpq holds (a synchronous query may
 * have read them off the socket). Returns 1 when there was one. */
static int
ui_pg_drain(struct ui *ui)
{
	PGconn *conn = ui->ctx->db ? db_conn(ui->ctx->db) : NULL;
	PGnotify *n;
	int got = 0;

	while (conn != NULL && (n = PQnotifies(conn)) != NULL) {
		got = 1;
		PQfreemem(n);
	}
	return got;
}

/* ui_refresh_later: the parked views are out of date: reload them soon,
 * after the last of a burst of notices. */
static void
ui_refresh_later(struct ui *ui)
{
	int any = 0;

	for (int i = 0; i < UI_NTABS; i++)
		if (ui->parked[i].f.view != NULL)
			any = ui->parked[i].stale = 1;
	if (any && ui->refresh_ok)
		uv_timer_start(&ui->refresh, ui_on_refresh, UI_REFRESH_MS, 0);
}

/* ui_after_event: reload the views if the database changed, then redraw
 * once if anything asked for it. */
static void
ui_after_event(struct ui *ui)
{
	for (int round = 0; round < UI_CHANGE_ROUNDS && !ui->quitting; round++) {
		if (ui_pg_drain(ui))
			ui->changed = 1;
		if (!ui->changed)
			break;
		ui->changed = 0;
		ui_failed_load(ui);
		for (int i = 0; i < ui->depth; i++)
			if (ui->stack[i].view->change != NULL)
				ui->stack[i].view->change(ui, ui->stack[i].state);
		ui_refresh_later(ui);
		ui->dirty = 1;
	}
	if (ui->dirty && !ui->quitting)
		ui_draw(ui);
	if (ui->prefetch == 0 && ui_tab_of(ui) >= 0 && ui->refresh_ok && !ui->quitting) {
		/* signed in: the other main views load after this frame */
		ui->prefetch = 1;
		uv_timer_start(&ui->refresh, ui_on_refresh, UI_REFRESH_MS, 0);
	}
}

/* ui_on_refresh: reload one stale parked view; the next one after the
 * loop has looked at the keys again. */
static void
ui_on_refresh(uv_timer_t *h)
{
	struct ui *ui = h->data;
	char message[sizeof(ui->message)];
	int message_error = ui->message_error, shown = ui_tab_of(ui), i;
	struct ui_parked *p = NULL;

	for (i = 0; i < UI_NTABS && p == NULL; i++)
		if (ui->parked[i].f.view != NULL && ui->parked[i].stale)
			p = &ui->parked[i];
	for (i = 0; i < UI_NTABS && p == NULL && ui->prefetch == 1 && shown >= 0; i++)
		if (ui->parked[i].f.view == NULL && i != shown)
			p = &ui->parked[i];
	if (p == NULL) {
		if (shown >= 0)
			ui->prefetch = 2;
		ui_after_event(ui);
		return;
	}
	/* what a view not on screen says is not the line's (it says it
	 * again when shown and retried) */
	snprintf(message, sizeof(message), "%s", ui->message);
	if (p->f.view == NULL) {
		p->f.view = ui_tabs[p - ui->parked].view;
		p->f.state = p->f.view->enter != NULL ? p->f.view->enter(ui, NULL) : NULL;
	} else if (p->f.view->change != NULL) {
		p->f.view->change(ui, p->f.state);
	}
	p->stale = p->resized = 0;
	snprintf(ui->message, sizeof(ui->message), "%s", message);
	ui->message_error = message_error;
	uv_timer_start(&ui->refresh, ui_on_refresh, 0, 0);
	ui_after_event(ui);
}

static void
ui_on_pg(uv_poll_t *h, int status, int events)
{
	struct ui *ui = h->data;
	PGconn *conn = db_conn(ui->ctx->db);

	(void)events;
	if (status < 0 || PQconsumeInput(conn) == 0 || PQstatus(conn) == CONNECTION_BAD)
		ui_pg_lost(ui);
	ui_after_event(ui);
}

/* ui_pg_start: LISTEN on the command context's connection and watch its
 * socket. Without a database (or when LISTEN fails) the console still
 * works; it only stops being live, and says so. */
static void
ui_pg_start(struct ui *ui)
{
	struct err e;
	int fd;

	if (ui->ctx->db == NULL || ui->pg != NULL)
		return;
	err_clear(&e);
	if (db_exec(ui->ctx->db, "LISTEN redlight_changes", 0, NULL, NULL, &e) != 0 ||
	    (fd = PQsocket(db_conn(ui->ctx->db))) < 0) {
		ui_message(ui, 1, "not live: %s", e.msg[0] ? e.msg : "no database socket");
		return;
	}
	ui->pg = xcalloc(1, sizeof(*ui->pg));
	/* libpq keeps its socket non-blocking already: uv_poll_init's
	 * switch to non-blocking changes nothing for it */
	if (uv_poll_init(&ui->loop, ui->pg, fd) != 0) {
		free(ui->pg);
		ui->pg = NULL;
		ui_message(ui, 1, "not live: cannot watch the database socket");
		return;
	}
	ui->pg->data = ui;
	uv_poll_start(ui->pg, UV_READABLE, ui_on_pg);
}

/* ui_pg_retry: try to get the connection back; then reload everything,
 * since notices sent meanwhile are lost. */
static void
ui_pg_retry(struct ui *ui)
{
	PGconn *conn = db_conn(ui->ctx->db);

	if ((int64_t)uv_now(&ui->loop) < ui->pg_retry_at)
		return;
	PQreset(conn);
	if (PQstatus(conn) != CONNECTION_OK) {
		ui->pg_retry_at = (int64_t)uv_now(&ui->loop) + UI_RECONNECT_S * 1000;
		return;
	}
	ui->pg_lost = 0;
	ui_pg_start(ui);
	ui_message(ui, 0, "reconnected to the database");
	ui->changed = 1;
}

static void
ui_on_tick(uv_timer_t *h)
{
	struct ui *ui = h->data;

	for (int i = 0; i < ui->depth; i++)
		if (ui->stack[i].view->tick != NULL)
			ui->stack[i].view->tick(ui, ui->stack[i].state);
	if (ui->pg_lost)
		ui_pg_retry(ui);
	else if (ui->pg != NULL && PQstatus(db_conn(ui->ctx->db)) == CONNECTION_BAD)
		ui_pg_lost(ui);
	ui_after_event(ui);
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
	ui_after_event(ui);
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
	ui = xcalloc(1, sizeof(*ui));
	ui->ctx = ctx;
	ui->cursor_y = -1;
	ui->failed_jobs = -1;
	ui_frame_open(ui);

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
	if (rc == 0 && (rc = uv_timer_init(&ui->loop, &ui->refresh)) == 0) {
		ui->refresh_ok = 1;
		ui->refresh.data = ui;
	}
	if (rc == 0 && (rc = uv_timer_init(&ui->loop, &ui->timer)) == 0) {
		ui->timer_ok = 1;
		ui->timer.data = ui;
		rc = uv_timer_start(&ui->timer, ui_on_tick, UI_TICK_MS, UI_TICK_MS);
	}
	if (rc != 0) {
		snprintf(ui->quit_msg, sizeof(ui->quit_msg), "redlight: cannot watch the terminal: %s",
		    uv_strerror(rc));
		ui->status = err_exit_status(ERR_IO);
	} else {
		ui_pg_start(ui);
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
	ui_park_all_leave(ui);
	endwin();
	delscreen(scr);
	ui_frame_close(ui);

	if (input_ok)
		uv_close((uv_handle_t *)&ui->input, ui_on_close);
	if (ui->timer_ok)
		uv_close((uv_handle_t *)&ui->timer, ui_on_close);
	if (ui->refresh_ok)
		uv_close((uv_handle_t *)&ui->refresh, ui_on_close);
	ui_pg_stop(ui);
	ui_reader_close(ui);
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
	for (size_t i = 0; i < ui->nold_tz; i++)
		tz_free(ui->old_tz[i]);
	free(ui->old_tz);
	free(ui);
	return status;
}
