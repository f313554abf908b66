/* view-audit.c: the audit log, newest first: who changed what, when, and
 * why; the change itself (its diff) under the list. / filters by entity
 * (booking, hold, a code, an id), actor email and a start. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "db/admin.h"
#include "tui/fmt.h"
#include "tui/form.h"
#include "tui/table.h"
#include "tui/text.h"
#include "tui/ui.h"

/* the newest entries the screen shows */
#define VIEW_AUDIT_LIMIT 500

enum { A_TIME, A_ACTOR, A_ACTION, A_WHAT, A_REASON, A_N };

struct view_audit_filter {
	char entity[64], actor[128], since[32];
};

struct view_audit {
	struct view_audit_filter f;
	struct model_audits a;
	struct table t;
	int loaded;
	struct ui_load ld;
	char cell[160];
	struct ui *ui;
};

static const enum keys_action view_audit_status[] = {
	KEYS_FILTER, KEYS_NEXT_VIEW, KEYS_REFRESH, KEYS_HELP, KEYS_QUIT, KEYS_NONE,
};

/* view_audit_cmd: the audit command for filter f, its start read in the
 * studio's zone as the console has it (NULL: the command reads it). */
static struct cmd_read
view_audit_cmd(const struct view_audit_filter *f, const struct model_studio *st)
{
	return (struct cmd_read){
		.entity = f->entity[0] ? f->entity : NULL, .actor = f->actor[0] ? f->actor : NULL,
		.since = f->since[0] ? f->since : NULL, .since_tz = st != NULL ? st->tz : NULL,
		.limit = VIEW_AUDIT_LIMIT,
	};
}

/* view_audit_set: a (taken) as the rows shown. */
static void
view_audit_set(struct view_audit *v, struct model_audits *a)
{
	long long at = -1;

	/* the cursor stays on its entry as new ones arrive above it */
	if (v->t.cursor < v->a.n && v->t.cursor > 0)
		at = v->a.v[v->t.cursor].id;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].id == at)
			v->t.cursor = i;
	model_audits_free(&v->a);
	v->a = *a;
	memset(a, 0, sizeof(*a));
	table_set_rows(&v->t, v->a.n);
	v->loaded = 1;
}

static int
view_audit_json(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct model_audits a;
	int rc;

	(void)ui;
	if ((rc = model_audits_parse(json, &a, e)) == 0)
		view_audit_set(owner, &a);
	return rc;
}

static void
view_audit_args(void *owner, struct cmd_read *c)
{
	const struct view_audit *v = owner;

	*c = view_audit_cmd(&v->f, ui_studio(v->ui));
}

static void
view_audit_take(struct ui *ui, void *owner, int say)
{
	struct view_audit *v = owner;

	if (say)
		ui_message(ui, 0, "refreshed: %zu entr%s", v->a.n, v->a.n == 1 ? "y" : "ies");
}

/* the audit command's own run step, not waited for */
static const struct ui_load_part view_audit_parts[] = {
	{ .run = cmd_audit_run, .args = view_audit_args, .json = view_audit_json },
};
static const struct ui_load_spec view_audit_load = {
	view_audit_parts, 1, "the audit log", 0, view_audit_take, NULL,
};

static void *
view_audit_enter(struct ui *ui, void *arg)
{
	struct view_audit *v = xcalloc(1, sizeof(*v));

	(void)arg;
	v->ui = ui;
	ui_load_init(&v->ld, &view_audit_load, v);
	ui_load(ui, &v->ld, 0);
	return v;
}

static void
view_audit_leave(struct ui *ui, void *state)
{
	struct view_audit *v = state;

	ui_load_drop(ui, &v->ld);
	model_audits_free(&v->a);
	free(v);
}

static const char *
view_audit_cell(void *arg, size_t row, int col)
{
	struct view_audit *v = arg;
	const struct model_audit *x = &v->a.v[row];
	const struct model_studio *st = ui_studio_need(v->ui);

	switch (col) {
	case A_TIME:
		if (st == NULL)
			return "";
		fmt_instant(st->tz, x->at, v->cell, sizeof(v->cell));
		/* the zone is in the heading */
		v->cell[16] = '\0';
		return v->cell;
	case A_ACTOR:
		return x->actor_name[0] ? x->actor_name : "-";
	case A_ACTION:
		return x->action;
	case A_WHAT:
		snprintf(v->cell, sizeof(v->cell), "%s %s", x->entity, x->label);
		return v->cell;
	default:
		return x->reason[0] ? x->reason : "";
	}
}

static void
view_audit_draw(struct ui *ui, void *state)
{
	static const struct table_col cols[A_N] = {
		{ "TIME", 16 }, { "ACTOR", 14 }, { "ACTION", 12 }, { "WHAT", 20 }, { "REASON", 0 },
	};
	struct view_audit *v = state;
	struct table_src src = { view_audit_cell, NULL, NULL, v };
	const struct view_audit_filter *f = &v->f;
	const struct model_studio *st = ui_studio_need(ui);
	int top, height, listh, y;
	char head[512];

	ui_body(ui, &top, &height);
	snprintf(head, sizeof(head), "AUDIT LOG  %zu entr%s, newest first%s%s%s%s%s%s%s%s%s", v->a.n,
	    v->a.n == 1 ? "y" : "ies", st ? " (" : "", st ? st->timezone : "", st ? ")" : "",
	    f->entity[0] ? ", " : "", f->entity, f->actor[0] ? ", by " : "", f->actor,
	    f->since[0] ? ", since " : "", f->since);
	attrset(ui_attr(ui, UI_HEADING));
	ui_put(top + 1, 1, head, COLS - 2);
	attrset(A_NORMAL);
	if (v->a.n == 0) {
		attrset(ui_attr(ui, UI_DIM));
		ui_put(top + 3, 3, ui_load_says(&v->ld, v->loaded, "no entries"), COLS - 4);
		attrset(A_NORMAL);
		return;
	}
	/* the list, then the selected change in full */
	listh = height - 6;
	if (listh < 3)
		listh = 3;
	table_draw(ui, &v->t, top + 2, listh, cols, A_N, &src);
	y = top + 2 + listh;
	if (y + 1 < top + height) {
		const struct model_audit *x = &v->a.v[v->t.cursor];
		char line[512];
		attrset(ui_attr(ui, UI_DIM));
		mvhline(y, 1, ACS_HLINE, COLS - 2);
		attrset(A_NORMAL);
		snprintf(line, sizeof(line), "%s by %s <%s>: %s", x->action,
		    x->actor_name[0] ? x->actor_name : "nobody", x->actor_email, x->diff);
		/* the diff wraps over the rows left */
		size_t len = strlen(line), o = 0;
		for (int r = y + 1; r < top + height && o < len; r++) {
			char part[512];
			size_t n = text_prefix(line + o, COLS - 4);
			snprintf(part, sizeof(part), "%.*s", (int)n, line + o);
			ui_put(r, 3, part, COLS - 4);
			o += n;
		}
	}
}

static enum form_result
view_audit_filter_submit(struct ui *ui, struct form *f)
{
	struct view_audit *v = f->data;
	struct view_audit_filter nf;
	const struct model_studio *st;
	int64_t t;
	struct err e;

	memset(&nf, 0, sizeof(nf));
	snprintf(nf.entity, sizeof(nf.entity), "%s", form_value(f, "entity"));
	snprintf(nf.actor, sizeof(nf.actor), "%s", form_value(f, "actor"));
	snprintf(nf.since, sizeof(nf.since), "%s", form_value(f, "since"));
	err_clear(&e);
	/* the start is all a filter can get wrong: refused under its field
	 * now, from the zone the console has, so the read need not be
	 * waited for (an entity or actor that matches nothing is no rows) */
	if (nf.since[0] != '\0') {
		if ((st = ui_studio_need(ui)) == NULL)
			return FORM_KEEP;  /* ui_studio_need said why */
		if (cmd_parse_when(st->tz, nf.since, 1, &t, &e) != 0) {
			snprintf(e.field, sizeof(e.field), "since");
			form_fail(f, &e);
			return FORM_KEEP;
		}
	}
	/* the new filter's rows, not waited for: until they come the list
	 * says it is loading, not the old filter's rows under the new
	 * heading; a read out or queued for the old filter is overtaken */
	v->f = nf;
	v->t.cursor = 0;
	model_audits_free(&v->a);
	table_set_rows(&v->t, 0);
	v->loaded = 0;
	ui_load(ui, &v->ld, 1);
	return FORM_CLOSE;
}

static void
view_audit_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_audit *v = state;
	enum keys_action a = keys_action_of(k);

	if (table_key(&v->t, a))
		return;
	switch (a) {
	case KEYS_REFRESH:
		ui_load(ui, &v->ld, 1);
		return;
	case KEYS_FILTER: {
		struct form *f = form_new("Filter the audit log", view_audit_filter_submit);
		f->data = v;
		form_text(f, "Empty fields filter nothing.");
		form_field(f, "Entity", "entity", v->f.entity, "booking, hold, a code or an id");
		form_field(f, "Actor", "actor", v->f.actor, "an email");
		form_field(f, "Since", "since", v->f.since, "YYYY-MM-DD [HH:MM]");
		ui_push(ui, &view_form, f);
		return;
	}
	default:
		ui_other_key(ui, k, 0);
		return;
	}
}

static void
view_audit_change(struct ui *ui, void *state)
{
	struct view_audit *v = state;

	ui_load(ui, &v->ld, 0);
}

const struct view view_audit = {
	.name = "audit",
	.status_keys = view_audit_status,
	.status_text = NULL,
	.enter = view_audit_enter,
	.leave = view_audit_leave,
	.resize = NULL,
	.draw = view_audit_draw,
	.key = view_audit_key,
	.change = view_audit_change,
	.tick = NULL,
};
