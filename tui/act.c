/* act.c: forms whose Enter runs a command. */
#include "tui/act.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "db/admin.h"
#include "db/calendar.h"
#include "db/job.h"
#include "db/payment.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/form.h"

/* What a form acts on, kept with it. */
struct act {
	char codes[ACT_MAX_CODES][32];
	size_t n;
	char id[40];               /* a hold */
	int overriding;            /* the form asked for an override reason */
};

static struct act *
act_new(struct form *f)
{
	struct act *a = xcalloc(1, sizeof(*a));

	f->data = a;
	f->free_data = free;
	return a;
}

/* act_failed: after a command failed: the next step when the rules
 * refused and an admin may override (what: "approve RL-X"), else the
 * error at its field. Whether this user may override is the database's
 * to say: the override's own run shows its refusal. Always FORM_KEEP. */
static enum form_result
act_failed(struct ui *ui, struct form *f, struct act *a, const char *what)
{
	struct err e = ui_cmd(ui)->last_err;

	if (e.msg[0] == '\0')
		snprintf(e.msg, sizeof(e.msg), "%s", err_name(e.code));

	if (strcmp(e.field, DB_ADMIN_OVERRIDE) == 0 && !a->overriding) {
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

/* act_join: append line to msg ("approved A; approved B"). */
static void
act_join(char *msg, size_t len, const char *line)
{
	size_t o = strlen(msg);

	/* cut when full: the message line is one line anyway */
	if (o + 2 < len && snprintf(msg + o, len - o, "%s%s", o ? "; " : "", line) < 0)
		msg[o] = '\0';
}

/* act_done: what a run said, on the message line; every view reloads. */
static void
act_done(struct ui *ui, int is_error, const char *msg)
{
	ui_message(ui, is_error, "%s", msg);
	ui_changed(ui);
}

/* act_fail: a run's error on the message line, about what (a code, or
 * NULL); e is kept for the form. */
static void
act_fail(struct ui *ui, const char *what, const struct err *e, const char *hint)
{
	char line[512];

	ui_cmd(ui)->last_err = *e;
	cmd_err_about(what, e, hint, line, sizeof(line));
	act_done(ui, 1, line);
}

/* act_form_failed: a one-booking form's run failed: e on the message
 * line about code, and under the field it names. Always FORM_KEEP. */
static enum form_result
act_form_failed(struct ui *ui, struct form *f, const char *code, const struct err *e)
{
	act_fail(ui, code, e, NULL);
	form_fail(f, e);
	return FORM_KEEP;
}

/* ---- approve and reject ---- */

/* act_decide: run approve or reject for every code; the message line
 * says what each did, or the failures when some failed. The status of the
 * first failure, 0 when none; its error is ui_cmd(ui)->last_err. */
static int
act_decide(struct ui *ui, struct act *a, const struct cmd_decide *c, int approve)
{
	char ok[512] = "", bad[512] = "", line[512];
	int status = 0;

	for (size_t i = 0; i < a->n; i++) {
		struct db_decide_result out;
		struct err e;

		err_clear(&e);
		if ((approve ? cmd_approve_run : cmd_reject_run)(ui_cmd(ui), c, a->codes[i], &out, &e) != 0) {
			if (status == 0) {
				status = 1;
				ui_cmd(ui)->last_err = e;
			}
			cmd_err_about(a->codes[i], &e, approve && strcmp(e.field, DB_ADMIN_OVERRIDE) == 0
			    ? " (an admin may approve it anyway with --override --reason TEXT)" : NULL,
			    line, sizeof(line));
			act_join(bad, sizeof(bad), line);
			/* a missing message is the same for every code */
			if (!approve && strcmp(e.field, "message") == 0)
				break;
			continue;
		}
		if (approve)
			cmd_approve_say(&out, c, line, sizeof(line));
		else
			snprintf(line, sizeof(line), "rejected %s", out.code);
		act_join(ok, sizeof(ok), line);
	}
	act_done(ui, status != 0, status != 0 ? bad : ok);
	return status;
}

static enum form_result
act_approve_submit(struct ui *ui, struct form *f)
{
	struct act *a = f->data;
	struct cmd_decide c = {
		.note = form_value(f, "note"), .message = form_value(f, "message"),
		.reason = a->overriding ? form_value(f, "reason") : NULL,
	};
	char what[64];

	if (act_decide(ui, a, &c, 1) == 0)
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
	const struct cmd_decide c = { .note = form_value(f, "note"), .message = form_value(f, "message") };

	if (act_decide(ui, a, &c, 0) == 0)
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
	const struct cmd_cancel c = { .code = a->codes[0], .reason = form_value(f, "reason") };
	struct cmd_cancel_result r;
	struct err e;
	char msg[64];

	err_clear(&e);
	if (cmd_cancel_run(ui_cmd(ui), &c, &r, &e) != 0)
		return act_form_failed(ui, f, a->codes[0], &e);
	snprintf(msg, sizeof(msg), "canceled %s", r.c.booking.code);
	act_done(ui, 0, msg);
	return FORM_CLOSE;
}

void
act_cancel(struct ui *ui, const char *code)
{
	/* the policy result first: a dry run writes nothing */
	const struct cmd_cancel c = { .code = code, .dry_run = 1 };
	struct cmd_cancel_result r;
	char lines[3][CMD_LINE];
	struct form *f;
	struct act *a;
	struct err e;
	int n;

	err_clear(&e);
	if (cmd_cancel_run(ui_cmd(ui), &c, &r, &e) != 0) {
		act_fail(ui, code, &e, NULL);
		return;
	}
	f = form_new("Cancel", act_cancel_submit);
	a = act_new(f);
	act_codes(a, (const char *const[]){ code }, 1);
	snprintf(f->title, sizeof(f->title), "Cancel %s?", code);
	n = cmd_cancel_lines(&r, lines);
	for (int i = 0; i < n; i++)
		form_text(f, "%s", lines[i]);
	form_field(f, "Reason", "reason", "", "why (required, for the audit log)");
	ui_push(ui, &view_form, f);
}

/* ---- staff ---- */

static enum form_result
act_staff_submit(struct ui *ui, struct form *f)
{
	struct act *a = f->data;
	struct cmd_assign_staff c = {
		.code = a->codes[0], .reason = a->overriding ? form_value(f, "reason") : NULL,
	};
	struct cmd_staff_result r;
	char list[FORM_VALUE], *s, *save = NULL, what[64], msg[CMD_LINE * 2];
	struct err e;

	snprintf(list, sizeof(list), "%s", form_value(f, "staff"));
	for (s = list; s != NULL && c.n < DB_ADMIN_MAX_STAFF; s = save) {
		save = strchr(s, ',');
		if (save != NULL)
			*save++ = '\0';
		while (*s == ' ')
			s++;
		size_t n = strlen(s);
		while (n > 0 && s[n - 1] == ' ')
			s[--n] = '\0';
		if (n > 0)
			c.staff[c.n++] = s;
	}
	err_clear(&e);
	r.code[0] = '\0';
	if (c.n == 0)
		err_set(&e, ERR_INVALID, "staff", "name at least one staff member");
	else if (cmd_assign_staff_run(ui_cmd(ui), &c, &r, &e) == 0) {
		cmd_assign_staff_say(&r, &c, msg, sizeof(msg));
		act_done(ui, 0, msg);
		return FORM_CLOSE;
	}
	act_fail(ui, r.code[0] != '\0' && strcmp(e.field, "staff") != 0 ? r.code : NULL, &e,
	    strcmp(e.field, DB_ADMIN_OVERRIDE) == 0
	    ? " (an admin may assign them anyway with --override --reason TEXT)" : NULL);
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
	const struct cmd_swap_staff c = {
		.code_a = a->codes[0], .staff_a = form_value(f, "mine"),
		.code_b = form_value(f, "code"), .staff_b = form_value(f, "theirs"),
	};
	struct cmd_swap_result r;
	char msg[CMD_LINE];
	struct err e;

	err_clear(&e);
	if (cmd_swap_staff_run(ui_cmd(ui), &c, &r, &e) == 0) {
		cmd_swap_staff_say(&r, msg, sizeof(msg));
		act_done(ui, 0, msg);
		return FORM_CLOSE;
	}
	act_fail(ui, NULL, &e, NULL);
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
	const char *expires = form_value(f, "expires");
	const struct cmd_hold c = {
		.room = form_value(f, "room"), .start = form_value(f, "start"),
		.duration = form_value(f, "duration"), .expires = expires[0] ? expires : NULL,
		.reason = a->overriding ? form_value(f, "reason") : NULL,
	};
	struct cmd_hold_placed r;
	char msg[CMD_LINE * 2];
	struct err e;

	err_clear(&e);
	if (cmd_hold_run(ui_cmd(ui), &c, &r, &e) == 0) {
		cmd_hold_say(&r, msg, sizeof(msg));
		act_done(ui, 0, msg);
		return FORM_CLOSE;
	}
	act_fail(ui, r.room_name[0] ? r.room_name : NULL, &e, strcmp(e.field, DB_ADMIN_OVERRIDE) == 0
	    ? " (an admin may hold it anyway with --override --reason TEXT)" : NULL);
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
	const struct cmd_hold_act c = { .id = a->id, .minutes = form_value(f, "minutes") };
	struct cmd_hold_result r;
	struct err e;
	char msg[CMD_LINE];

	err_clear(&e);
	if (cmd_hold_extend_run(ui_cmd(ui), &c, &r, &e) == 0) {
		cmd_hold_act_say(&r, 1, msg, sizeof(msg));
		act_done(ui, 0, msg);
		return FORM_CLOSE;
	}
	act_fail(ui, NULL, &e, NULL);
	form_fail(f, &e);
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
	const struct cmd_hold_act c = { .id = a->id };
	struct cmd_hold_result r;
	struct err e;
	char msg[CMD_LINE];

	err_clear(&e);
	if (cmd_hold_release_run(ui_cmd(ui), &c, &r, &e) == 0) {
		cmd_hold_act_say(&r, 0, msg, sizeof(msg));
		act_done(ui, 0, msg);
		return FORM_CLOSE;
	}
	act_fail(ui, NULL, &e, NULL);
	form_fail(f, &e);
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

/* ---- a failed calendar sync ---- */

void
act_sync_retry(struct ui *ui, const char *code)
{
	char status[CMD_JOB_STATUS], line[256];
	long long id;
	struct err e;

	err_clear(&e);
	if (db_calendar_failed_job(ui_db(ui), code, &id, &e) != 0 ||
	    cmd_job_act_run(ui_cmd(ui), db_job_retry, id, status, &e) != 0) {
		act_fail(ui, code, &e, NULL);
		return;
	}
	snprintf(line, sizeof(line), "%s: calendar job %lld %s again", code, id, status);
	act_done(ui, 0, line);
}

/* ---- refund ---- */

static enum form_result
act_refund_submit(struct ui *ui, struct form *f)
{
	struct act *a = f->data;
	const struct cmd_refund c = {
		.code = a->codes[0], .amount = form_value(f, "amount"), .reason = form_value(f, "reason"),
	};
	struct db_refunds r;
	char money[24], msg[CMD_LINE];
	struct err e;

	err_clear(&e);
	if (cmd_refund_run(ui_cmd(ui), &c, &r, &e) != 0)
		return act_form_failed(ui, f, a->codes[0], &e);
	fmt_money(r.amount_cents, money, sizeof(money));
	snprintf(msg, sizeof(msg), "%s: refund of %s %s (%zu payment%s; the worker asks Stripe)", a->codes[0],
	    money, r.n > 0 ? r.v[0].status : "pending", r.total, r.total == 1 ? "" : "s");
	act_done(ui, 0, msg);
	return FORM_CLOSE;
}

void
act_refund(struct ui *ui, const char *code, int64_t captured, int64_t refunded)
{
	char a_[24], b_[24], c_[24];
	struct form *f;
	struct act *a;
	struct err e;

	err_clear(&e);
	if (cmd_refund_ready(ui_cmd(ui), &e) != 0) {
		act_fail(ui, NULL, &e, NULL);
		return;
	}
	f = form_new("Refund", act_refund_submit);
	a = act_new(f);
	act_codes(a, (const char *const[]){ code }, 1);
	snprintf(f->title, sizeof(f->title), "Refund part of %s's payments", code);
	fmt_money(captured, a_, sizeof(a_));
	fmt_money(refunded, b_, sizeof(b_));
	fmt_money(captured - refunded > 0 ? captured - refunded : 0, c_, sizeof(c_));
	form_text(f, "Captured %s, refunded or refunding %s: at most %s is left.", a_, b_, c_);
	form_field(f, "Amount", "amount", "", "dollars: 25 or 25.50");
	form_field(f, "Reason", "reason", "", "why (required, for the audit log)");
	ui_push(ui, &view_form, f);
}
