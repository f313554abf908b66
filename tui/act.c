/* act.c: forms whose Enter runs a command. */
#include "tui/act.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "db/admin.h"
#include "tui/argv.h"
#include "tui/form.h"

/* What a form acts on, kept with it. */
struct act {
	char codes[ACT_MAX_CODES][32];
	size_t n;
	char id[40];               /* a hold */
	int overriding;            /* the form asked for an override reason */
};

/* act_run: run the command, free the vector; the status. */
static int
act_run(struct ui *ui, struct tui_argv *a)
{
	int status = ui_run_cmd(ui, a->n, a->v);

	tui_argv_free(a);
	return status;
}

static struct act *
act_new(struct form *f)
{
	struct act *a = xcalloc(1, sizeof(*a));

	f->data = a;
	f->free_data = free;
	return a;
}

static int
act_is_admin(struct ui *ui)
{
	const struct db_actor *me = ui_actor(ui);

	return me != NULL && strcmp(me->role, "admin") == 0;
}

/* act_failed: after a command failed: the next step when the rules
 * refused and an admin may override (what: "approve RL-X"), else the
 * error at its field. Always FORM_KEEP. */
static enum form_result
act_failed(struct ui *ui, struct form *f, struct act *a, const char *what)
{
	struct err e = ui_cmd(ui)->last_err;

	if (strcmp(e.field, DB_ADMIN_OVERRIDE) == 0 && !a->overriding && act_is_admin(ui)) {
		a->overriding = 1;
		snprintf(f->title, sizeof(f->title), "%s anyway?", what);
		f->ntext = 0;
		f->text_warns = 1;
		form_text(f, "%s.", e.msg);
		form_text(f, "An admin may set them aside; the reason goes to the audit log.");
		form_text(f, "Enter with a reason does it; Esc leaves everything as it was.");
		f->focus = form_field(f, "Override reason", "reason", "", "why it is all right");
		ui_message(ui, 1, "%s", e.msg);
		return FORM_KEEP;
	}
	form_fail(f, &e);
	return FORM_KEEP;
}

/* act_title: "Approve RL-A" or "Approve 3 bookings (RL-A, RL-B, ...)". */
static void
act_title(struct form *f, const char *verb, const struct act *a)
{
	if (a->n == 1) {
		snprintf(f->title, sizeof(f->title), "%s %s", verb, a->codes[0]);
		return;
	}
	snprintf(f->title, sizeof(f->title), "%s %zu bookings", verb, a->n);
	form_text(f, "%s: %s%s%s%s", verb, a->codes[0], a->n > 1 ? ", " : "", a->codes[1],
	    a->n > 2 ? ", ..." : "");
}

static void
act_codes(struct act *a, const char *const *codes, size_t n)
{
	for (size_t i = 0; i < n && i < ACT_MAX_CODES; i++)
		snprintf(a->codes[a->n++], sizeof(a->codes[0]), "%s", codes[i]);
}

/* ---- approve and reject ---- */

static enum form_result
act_approve_submit(struct ui *ui, struct form *f)
{
	struct act *a = f->data;
	struct tui_argv v = { 0 };
	char what[64];

	tui_argv_push(&v, "approve");
	tui_argv_push(&v, "--note=%s", form_value(f, "note"));
	tui_argv_push(&v, "--message=%s", form_value(f, "message"));
	if (a->overriding) {
		tui_argv_push(&v, "--override");
		tui_argv_push(&v, "--reason=%s", form_value(f, "reason"));
	}
	tui_argv_push(&v, "--");
	for (size_t i = 0; i < a->n; i++)
		tui_argv_push(&v, "%s", a->codes[i]);
	if (act_run(ui, &v) == 0)
		return FORM_CLOSE;
	/* with several, some went through: the message line says which
	 * did not, and the list shows what is left */
	if (a->n > 1)
		return FORM_CLOSE;
	snprintf(what, sizeof(what), "Approve %s", a->codes[0]);
	return act_failed(ui, f, a, what);
}

void
act_approve(struct ui *ui, const char *const *codes, size_t n)
{
	struct form *f = form_new("Approve", act_approve_submit);
	struct act *a = act_new(f);

	act_codes(a, codes, n);
	act_title(f, "Approve", a);
	form_field(f, "Note", "note", "", "internal, optional");
	form_field(f, "Message", "message", "", "to the artist, optional");
	ui_push(ui, &view_form, f);
}

static enum form_result
act_reject_submit(struct ui *ui, struct form *f)
{
	struct act *a = f->data;
	struct tui_argv v = { 0 };

	tui_argv_push(&v, "reject");
	tui_argv_push(&v, "--message=%s", form_value(f, "message"));
	tui_argv_push(&v, "--note=%s", form_value(f, "note"));
	tui_argv_push(&v, "--");
	for (size_t i = 0; i < a->n; i++)
		tui_argv_push(&v, "%s", a->codes[i]);
	if (act_run(ui, &v) == 0)
		return FORM_CLOSE;
	if (a->n > 1 && strcmp(ui_cmd(ui)->last_err.field, "message") != 0)
		return FORM_CLOSE;
	form_fail(f, &ui_cmd(ui)->last_err);
	return FORM_KEEP;
}

void
act_reject(struct ui *ui, const char *const *codes, size_t n)
{
	struct form *f = form_new("Reject", act_reject_submit);
	struct act *a = act_new(f);

	act_codes(a, codes, n);
	act_title(f, "Reject", a);
	form_field(f, "Message", "message", "", "to the artist: why (required)");
	form_field(f, "Note", "note", "", "internal, optional");
	ui_push(ui, &view_form, f);
}

/* ---- cancel ---- */

static enum form_result
act_cancel_submit(struct ui *ui, struct form *f)
{
	struct act *a = f->data;
	struct tui_argv v = { 0 };

	tui_argv_push(&v, "cancel");
	tui_argv_push(&v, "--reason=%s", form_value(f, "reason"));
	tui_argv_push(&v, "--");
	tui_argv_push(&v, "%s", a->codes[0]);
	if (act_run(ui, &v) == 0)
		return FORM_CLOSE;
	form_fail(f, &ui_cmd(ui)->last_err);
	return FORM_KEEP;
}

void
act_cancel(struct ui *ui, const char *code)
{
	char out[1024], *line, *save = NULL;
	char c[32], *argv[] = { (char *)"cancel", (char *)"--dry-run", (char *)"--", c, NULL };
	struct form *f;
	struct act *a;

	snprintf(c, sizeof(c), "%s", code);
	/* the policy result first: cancel --dry-run writes nothing */
	if (ui_run_cmd_capture(ui, 4, argv, out, sizeof(out)) != 0)
		return;
	f = form_new("Cancel", act_cancel_submit);
	a = act_new(f);
	act_codes(a, (const char *const[]){ code }, 1);
	snprintf(f->title, sizeof(f->title), "Cancel %s?", code);
	for (line = out; line != NULL && *line != '\0'; line = save) {
		save = strchr(line, '\n');
		if (save != NULL)
			*save++ = '\0';
		if (strncmp(line, "dry run:", 8) != 0)
			form_text(f, "%s", line);
	}
	form_field(f, "Reason", "reason", "", "why (required, for the audit log)");
	ui_push(ui, &view_form, f);
}

/* ---- staff ---- */

static enum form_result
act_staff_submit(struct ui *ui, struct form *f)
{
	struct act *a = f->data;
	struct tui_argv v = { 0 };
	char list[FORM_VALUE], *s, *save = NULL, what[64];
	struct err e;

	tui_argv_push(&v, "assign-staff");
	if (a->overriding) {
		tui_argv_push(&v, "--override");
		tui_argv_push(&v, "--reason=%s", form_value(f, "reason"));
	}
	tui_argv_push(&v, "--");
	tui_argv_push(&v, "%s", a->codes[0]);
	snprintf(list, sizeof(list), "%s", form_value(f, "staff"));
	for (s = list; s != NULL; s = save) {
		save = strchr(s, ',');
		if (save != NULL)
			*save++ = '\0';
		while (*s == ' ')
			s++;
		size_t n = strlen(s);
		while (n > 0 && s[n - 1] == ' ')
			s[--n] = '\0';
		if (n > 0)
			tui_argv_push(&v, "%s", s);
	}
	if (act_run(ui, &v) == 0)
		return FORM_CLOSE;
	e = ui_cmd(ui)->last_err;
	/* outside someone's hours: an admin may confirm with a reason */
	if (strcmp(e.field, DB_ADMIN_OVERRIDE) == 0) {
		snprintf(what, sizeof(what), "Staff %s", a->codes[0]);
		return act_failed(ui, f, a, what);
	}
	/* a busy staff member is this field's business too */
	if (strcmp(e.field, "staff_ids") == 0 || e.field[0] == '\0')
		snprintf(e.field, sizeof(e.field), "staff");
	form_fail(f, &e);
	return FORM_KEEP;
}

void
act_staff(struct ui *ui, const char *code, const char *staff)
{
	struct form *f = form_new("Staff", act_staff_submit);
	struct act *a = act_new(f);

	act_codes(a, (const char *const[]){ code }, 1);
	snprintf(f->title, sizeof(f->title), "Staff of %s", code);
	form_text(f, "Names, first names or emails, separated by commas.");
	form_field(f, "Staff", "staff", staff, "Eli Engineer, sam@...");
	ui_push(ui, &view_form, f);
}

static enum form_result
act_swap_submit(struct ui *ui, struct form *f)
{
	struct act *a = f->data;
	struct tui_argv v = { 0 };
	struct err e;

	tui_argv_push(&v, "swap-staff");
	tui_argv_push(&v, "--");
	tui_argv_push(&v, "%s", a->codes[0]);
	tui_argv_push(&v, "%s", form_value(f, "mine"));
	tui_argv_push(&v, "%s", form_value(f, "code"));
	tui_argv_push(&v, "%s", form_value(f, "theirs"));
	if (act_run(ui, &v) == 0)
		return FORM_CLOSE;
	e = ui_cmd(ui)->last_err;
	if (strcmp(e.field, "staff_ids") == 0)
		snprintf(e.field, sizeof(e.field), "theirs");
	form_fail(f, &e);
	return FORM_KEEP;
}

void
act_swap(struct ui *ui, const char *code)
{
	struct form *f = form_new("Swap", act_swap_submit);
	struct act *a = act_new(f);

	act_codes(a, (const char *const[]){ code }, 1);
	snprintf(f->title, sizeof(f->title), "Swap staff between %s and another booking", code);
	form_field(f, "Staff here", "mine", "", "who leaves this booking");
	form_field(f, "Other booking", "code", "", "RL-...");
	form_field(f, "Their staff", "theirs", "", "who comes here from it");
	ui_push(ui, &view_form, f);
}

/* ---- holds ---- */

static enum form_result
act_hold_submit(struct ui *ui, struct form *f)
{
	struct act *a = f->data;
	struct tui_argv v = { 0 };
	const char *expires = form_value(f, "expires");

	tui_argv_push(&v, "hold");
	if (expires[0] != '\0')
		tui_argv_push(&v, "--expires=%s", expires);
	if (a->overriding) {
		tui_argv_push(&v, "--override");
		tui_argv_push(&v, "--reason=%s", form_value(f, "reason"));
	}
	tui_argv_push(&v, "--");
	tui_argv_push(&v, "%s", form_value(f, "room"));
	tui_argv_push(&v, "%s", form_value(f, "start"));
	tui_argv_push(&v, "%s", form_value(f, "duration"));
	if (act_run(ui, &v) == 0)
		return FORM_CLOSE;
	return act_failed(ui, f, a, "Hold the room");
}

void
act_hold_new(struct ui *ui)
{
	act_hold_new_at(ui, "", "");
}

void
act_hold_new_at(struct ui *ui, const char *room, const char *start)
{
	struct form *f = form_new("Hold a room", act_hold_submit);
	int duration;

	act_new(f);
	form_text(f, "Times are studio time (%s).", ui_studio(ui) ? ui_studio(ui)->timezone : "local");
	form_field(f, "Room", "room", room, "Studio A");
	form_field(f, "Start", "start", start, "YYYY-MM-DD HH:MM");
	duration = form_field(f, "Duration", "duration", "", "2h, 90m");
	form_field(f, "Expires in", "expires", "", "minutes (the studio's default)");
	if (room[0] != '\0' && start[0] != '\0' && duration >= 0)
		f->focus = duration;
	ui_push(ui, &view_form, f);
}

static enum form_result
act_extend_submit(struct ui *ui, struct form *f)
{
	struct act *a = f->data;
	struct tui_argv v = { 0 };

	tui_argv_push(&v, "hold-extend");
	tui_argv_push(&v, "--");
	tui_argv_push(&v, "%s", a->id);
	tui_argv_push(&v, "%s", form_value(f, "minutes"));
	if (act_run(ui, &v) == 0)
		return FORM_CLOSE;
	form_fail(f, &ui_cmd(ui)->last_err);
	return FORM_KEEP;
}

void
act_hold_extend(struct ui *ui, const char *id, const char *what)
{
	struct form *f = form_new("Extend", act_extend_submit);
	struct act *a = act_new(f);

	snprintf(a->id, sizeof(a->id), "%s", id);
	snprintf(f->title, sizeof(f->title), "Extend hold %.8s", id);
	form_text(f, "%s", what);
	form_field(f, "Minutes", "minutes", "15", "to add");
	ui_push(ui, &view_form, f);
}

static enum form_result
act_release_submit(struct ui *ui, struct form *f)
{
	struct act *a = f->data;
	struct tui_argv v = { 0 };

	tui_argv_push(&v, "hold-release");
	tui_argv_push(&v, "--");
	tui_argv_push(&v, "%s", a->id);
	if (act_run(ui, &v) == 0)
		return FORM_CLOSE;
	form_fail(f, &ui_cmd(ui)->last_err);
	return FORM_KEEP;
}

void
act_hold_release(struct ui *ui, const char *id, const char *what)
{
	struct form *f = form_new("Release", act_release_submit);
	struct act *a = act_new(f);

	snprintf(a->id, sizeof(a->id), "%s", id);
	snprintf(f->title, sizeof(f->title), "Release hold %.8s?", id);
	form_text(f, "%s", what);
	form_text(f, "y or Enter releases it now; n or Esc keeps it.");
	ui_push(ui, &view_form, f);
}
