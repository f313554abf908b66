/* ui.h: the console's screen and its one event loop.
 *
 * A single thread runs a libuv loop that watches stdin (uv_poll on fd 0),
 * SIGWINCH, SIGINT, SIGTERM and SIGHUP (uv_signal), the database
 * connection's socket (uv_poll on PQsocket, after LISTEN redlight_changes),
 * while a read not waited for is out the socket of the second connection
 * such reads use (ui_read_start), and a one-second timer; no other thread touches the screen. The screen
 * is a stack of views: the top one gets the keys, all of them draw bottom
 * to top (so an overlay such as help draws over the view below it). The
 * ui draws the chrome: a title bar on the first line (with the number of
 * failed jobs while there are any), the tabs of the main
 * views on the second, a message line and the key line at the bottom;
 * views draw in the body between (ui_body), leaving its first row to the
 * tabs.
 *
 * Live: a change anywhere in the database (another console's approval, a
 * booking submitted on the web) arrives as a NOTIFY; once the event that
 * brought it is handled, every view on the stack gets change() and reloads,
 * with no key pressed. Holds expire without a notice, so views also get
 * tick() every second.
 *
 * Main views are kept: switching away parks the view as it is (its data,
 * cursor and filter; no leave), switching back shows it without reading
 * anything. After sign-in the main views not shown yet are entered in the
 * background, one per turn of the loop, and after a change each parked
 * view gets change() the same way (or when shown, if sooner): a view reads
 * once per change, never per key. A parked view gets no tick().
 *
 * Views never hold business logic: they read through db/ (tui/model.h)
 * and act through commands' run steps (tui/cmd.h, tui/setup.h). */
#ifndef REDLIGHT_UI_H
#define REDLIGHT_UI_H

#include <curses.h>

#include "db/db.h"
#include "tui/cmd.h"
#include "tui/keys.h"
#include "tui/model.h"

struct ui;

/* A view: one file, tui/view-NAME.c, exports one `const struct view
 * view_NAME` and keeps its state private. enter creates the state (it may
 * return NULL when the view has none) and leave frees it; resize says the
 * screen changed size (a draw follows); draw paints the view's part of the
 * screen (no refresh: the ui does that once); key handles one key press
 * while the view is on top. Any callback may be NULL. */
struct view {
	const char *name;
	/* actions the bottom line names while this view is on top, ending
	 * with KEYS_NONE; NULL shows status_text instead */
	const enum keys_action *status_keys;
	const char *status_text;
	void *(*enter)(struct ui *ui, void *arg);
	void (*leave)(struct ui *ui, void *state);
	void (*resize)(struct ui *ui, void *state);
	void (*draw)(struct ui *ui, void *state);
	void (*key)(struct ui *ui, void *state, const struct keys_press *k);
	/* change: the database changed (a NOTIFY, or a command this console
	 * ran): reload what is shown. tick: a second passed (countdowns, the
	 * date). Either may be NULL; neither needs to call ui_dirty when it
	 * changed nothing. */
	void (*change)(struct ui *ui, void *state);
	void (*tick)(struct ui *ui, void *state);
};

extern const struct view view_login;
extern const struct view view_day;
extern const struct view view_queue;
extern const struct view view_holds;
extern const struct view view_bookings;
extern const struct view view_audit;
extern const struct view view_board;
extern const struct view view_setup;
extern const struct view view_jobs;
extern const struct view view_payments;
extern const struct view view_notifications;
extern const struct view view_booking;   /* arg: a booking code (copied) */
extern const struct view view_help;
extern const struct view view_form;      /* arg: a struct form * (taken) */

/* What the chrome and the views draw with. With colours these are colour
 * pairs; without (has_colors() false, or NO_COLOR set) plain attributes. */
enum ui_style {
	UI_TITLE,      /* the title bar */
	UI_KEYS,       /* the key line */
	UI_HEADING,    /* section headings and column titles */
	UI_CURSOR,     /* the selected row */
	UI_ERROR,      /* error messages */
	UI_DIM,        /* secondary text: canceled bookings, hints */
	UI_OK,         /* confirmed bookings */
	UI_PENDING,    /* bookings awaiting approval */
	UI_BOX,        /* overlays */
	UI_STYLE_COUNT
};

/* ui_run: take over the terminal, enter first (with arg) and run the loop
 * until a view calls ui_quit; then restore the terminal (and stdin's file
 * flags) and print the quit message, if any, on ctx->err. Returns the exit
 * status given to ui_quit. Fails (before touching the screen, with a line
 * on ctx->err) when the terminal cannot be used. */
int ui_run(struct cmd_ctx *ctx, const struct view *first, void *arg);

/* ui_quit: stop the loop after this callback; status is run's exit status
 * and msg (may be NULL) is printed after the screen is restored. */
void ui_quit(struct ui *ui, int status, const char *msg);

/* ui_push: put view on top (enter is called now). ui_pop: remove the top
 * view (leave is called now; the view must not touch its state after
 * calling ui_pop). ui_replace: pop then push, as one step. */
void ui_push(struct ui *ui, const struct view *view, void *arg);
void ui_pop(struct ui *ui);
void ui_replace(struct ui *ui, const struct view *view, void *arg);

/* ui_other_key: a key a main view has no use of its own for. The keys
 * every main view shares act: quit, help, and the switch between the main
 * views (1-8, Tab, Shift-Tab); any other printable key gets "that key does
 * nothing here", naming Esc when back is set (a view one goes back from). */
void ui_other_key(struct ui *ui, const struct keys_press *k, int back);

/* ui_changed: have every view reload when this event is done. */
void ui_changed(struct ui *ui);

/* ui_dirty: redraw everything when this event is done. ui_flush: redraw
 * now, for a view about to block (a database call) that wants its
 * "working..." message seen. */
void ui_dirty(struct ui *ui);
void ui_flush(struct ui *ui);

/* ui_message: one line above the key line until the next key press. An
 * error shows in UI_ERROR. */
void ui_message(struct ui *ui, int is_error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ui_cursor: show the terminal cursor at (y, x) after this draw (text
 * entry); by default it is hidden. Call from draw. */
void ui_cursor(struct ui *ui, int y, int x);

/* ui_body: the rows views may draw on: first row *top, *height rows, full
 * width COLS. A main view leaves row *top to the tabs. */
void ui_body(struct ui *ui, int *top, int *height);

/* ui_attr: the attributes for style. Cannot fail. */
attr_t ui_attr(struct ui *ui, enum ui_style style);

/* ui_put: draw s at (y, x) cut and padded to width columns. */
void ui_put(int y, int x, const char *s, int width);

/* The session: the command context (database, configuration), the
 * signed-in user and the studio (name, zone). All borrowed. */
struct cmd_ctx *ui_cmd(struct ui *ui);
struct db *ui_db(struct ui *ui);
const struct db_actor *ui_actor(struct ui *ui);   /* NULL before sign-in */
void ui_set_actor(struct ui *ui, const struct db_actor *actor);
/* ui_studio: NULL until a view loaded it. ui_set_studio takes s over (the
 * ui frees it with model_studio_free at the end) and empties *s. The
 * zone (tz) stays valid until the end: a set with the same zone keeps the
 * one loaded, so what views borrowed from it (avail data) stays good. */
const struct model_studio *ui_studio(struct ui *ui);
/* ui_studio_need: ui_studio, loading it first when no view has (an error
 * goes to the message line and gives NULL). */
const struct model_studio *ui_studio_need(struct ui *ui);
void ui_set_studio(struct ui *ui, struct model_studio *s);

/* A read the console does not wait for, on a second connection of its own
 * that only these reads use (opened on first use): send puts one query on
 * conn (PQsendQuery*, e.g. a command's send step, cmd_bookings_send);
 * done gets its last result (res NULL with e when sending failed or the
 * connection broke) and may change the view's data; a frame follows. Keys
 * are answered from what the views have while a read is out: the console
 * watches the connection's socket beside the terminal. */
struct ui_read {
	int (*send)(struct ui *ui, void *owner, PGconn *conn, struct err *e);
	void (*done)(struct ui *ui, void *owner, const PGresult *res, const struct err *e);
};
/* ui_read_start: queue r for owner; reads go one at a time, in order. A
 * read asked while the same owner's is queued and not sent yet is that
 * one. Fails (ERR_DB) when the second connection cannot be had: the
 * caller then reads as it would without it. */
int ui_read_start(struct ui *ui, const struct ui_read *r, void *owner, struct err *e);
/* What a view keeps of its reads not waited for: out while one is on its
 * way (the view says "refreshing"), announce when r asked for it (the
 * view says what it read), and the view's loads counted (gen) against
 * the one a read went out for (sent_gen: the view sets it in its send),
 * so that a read overtaken by a load is thrown away. */
struct ui_reading {
	int out;
	int announce;
	unsigned gen, sent_gen;
};
/* ui_reading_start: ui_read_start for owner, noted in rd (announce: r
 * asked). Returns 0 when the read is on its way; otherwise the caller
 * reads now, waiting, then calls ui_reading_end. */
int ui_reading_start(struct ui *ui, struct ui_reading *rd, const struct ui_read *r, void *owner,
    int announce);
/* ui_reading_end: the read ended (in done, or read at once): returns
 * whether r asked for it (say what it read). */
int ui_reading_end(struct ui_reading *rd);
/* ui_read_drop: owner goes away: its reads are forgotten (one already out
 * is read to its end and thrown away). */
void ui_read_drop(struct ui *ui, void *owner);

/* A view's load not waited for, in parts read one after the other on the
 * second connection; the view shows what it had until every part came.
 * A part is a read's run step (run, its arguments from args, which may be
 * NULL: none), sent with cmd_ctx.send_to, its answer to json; or a send
 * and a receive step of its own (run NULL: a command's send step, e.g.
 * cmd_bookings_send, and its receive step). json and recv keep what the
 * part brought aside (0, or the load fails); once every part has come,
 * take shows it (say: r asked, say what was read). When a part fails,
 * the ui says "cannot load WHAT: ..." if r asked (or always, with loud),
 * and fail (may be NULL) drops what the parts kept. take may be NULL. */
struct ui_load_part {
	cmd_read_run_fn run;
	void (*args)(void *owner, struct cmd_read *c);
	int (*json)(struct ui *ui, void *owner, const char *json, struct err *e);
	int (*send)(struct ui *ui, void *owner, PGconn *conn, struct err *e);
	int (*recv)(struct ui *ui, void *owner, const PGresult *res, struct err *e);
};
struct ui_load_spec {
	const struct ui_load_part *parts;
	int nparts;
	const char *what;         /* "the queue" */
	int loud;
	void (*take)(struct ui *ui, void *owner, int say);
	void (*fail)(struct ui *ui, void *owner, int say, const struct err *e);
};
/* What a view keeps of its load: rd.out while one is on its way (the
 * view says "loading..." or "refreshing..."). */
struct ui_load {
	const struct ui_load_spec *spec;
	void *owner;
	struct ui_reading rd;     /* gen: the loads asked */
	int next;                 /* the part to send next */
};
void ui_load_init(struct ui_load *l, const struct ui_load_spec *spec, void *owner);
/* ui_load: load again (announce: r asked), not waited for; a load out
 * or queued is overtaken (its parts are read again). When the second
 * connection cannot be had, the parts are read now, waiting. */
void ui_load(struct ui *ui, struct ui_load *l, int announce);
/* ui_load_says: what a view with nothing to show says: empty once it
 * loaded, else that its load is on its way or did not come. */
const char *ui_load_says(const struct ui_load *l, int loaded, const char *empty);
/* ui_load_drop: the view goes away (ui_read_drop). */
void ui_load_drop(struct ui *ui, struct ui_load *l);

#endif
