/* view-setup.c: the studio's setup, screen 7: rooms, services, staff,
 * weekly hours, exceptions and blackouts, buffers and settings, one
 * section at a time (h and l, or the arrows, move between them), each a
 * list with a cursor. a adds, Enter or e edits, d deletes a weekly rule or
 * an exception; each opens a form whose Enter runs the setup command a
 * shell would (room-add, staff-edit, rule-add, settings-set, ...): it
 * fills the command's struct setup_cmd with the form's values and calls
 * its run step (tui/setup.h), so what the command refuses shows at the
 * field it names and nothing is written.
 *
 * An admin changes everything. A staff member sees and changes only their
 * own hours and exceptions (--staff SELF); rooms, services, buffers and
 * settings they may read, and the staff list (rates) is for an admin. */
#include <curses.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"
#include "tui/fmt.h"
#include "tui/form.h"
#include "tui/model.h"
#include "tui/model-setup.h"
#include "tui/setup.h"
#include "tui/table.h"
#include "tui/text.h"
#include "tui/ui.h"

enum view_setup_section {
	VS_ROOMS, VS_SERVICES, VS_STAFF, VS_HOURS, VS_EXCEPTIONS, VS_BUFFERS, VS_SETTINGS, VS_N
};

/* How a form's field reaches the command. */
enum view_setup_pass {
	VS_NO,          /* not in this form */
	VS_OPT,         /* the argument NAME (the option --NAME on the command line) */
	VS_POS,         /* a positional argument, in the order of the fields */
	VS_FLAG,        /* yes: NAME is "yes"; no or blank: absent */
	VS_FOR,         /* "studio", "room NAME" or "staff NAME": studio, room or staff */
	VS_PASSWORD,    /* the new account's password (struct setup_cmd) */
};

/* One field of a section's forms. name is what the setup functions of
 * db/functions/setup.sql call it in their errors (the err's field), so
 * a refusal lands here; col is the model's column that fills it in an
 * edit form (-1: none). */
struct view_setup_field {
	const char *label;
	const char *name;
	const char *hint;
	int col;
	enum view_setup_pass add, edit;
};

struct view_setup_def {
	const char *label;          /* on the section bar */
	const char *noun;           /* "room" */
	const char *nouns;          /* "rooms" */
	const struct setup_spec *add_cmd;   /* NULL: nothing to add */
	const struct setup_spec *edit_cmd;  /* NULL: nothing to edit */
	const struct setup_spec *del_cmd;   /* NULL: nothing to delete */
	int staff_own;              /* staff change their own (hours, exceptions) */
	const struct view_setup_field *fields;
};

/* A value the commands call "for": where the errors about it land. */
#define VIEW_SETUP_FOR_HINT "studio, room NAME or staff NAME"

static const struct view_setup_field view_setup_room_fields[] = {
	{ "Name", "name", "what everyone calls it", MODEL_SETUP_ROOM_NAME, VS_POS, VS_OPT },
	{ "Capacity", "capacity", "people", MODEL_SETUP_ROOM_CAPACITY, VS_OPT, VS_OPT },
	{ "Tags", "tags", "a,b: what services look for", MODEL_SETUP_ROOM_TAGS, VS_OPT, VS_OPT },
	{ "Equipment", "equipment", "a,b", MODEL_SETUP_ROOM_EQUIPMENT, VS_OPT, VS_OPT },
	{ "Colour", "color", "#rrggbb on the board", MODEL_SETUP_ROOM_COLOR, VS_OPT, VS_OPT },
	{ "Description", "description", "for the booking page", MODEL_SETUP_ROOM_DESCRIPTION, VS_OPT,
	    VS_OPT },
	{ "Active", "active", "yes or no (no: not bookable)", MODEL_SETUP_ROOM_ACTIVE, VS_NO, VS_OPT },
	{ NULL, NULL, NULL, 0, VS_NO, VS_NO },
};

static const struct view_setup_field view_setup_service_fields[] = {
	{ "Name", "name", "what artists book", MODEL_SETUP_SERVICE_NAME, VS_POS, VS_OPT },
	{ "Duration", "duration", "minutes, a multiple of 15", MODEL_SETUP_SERVICE_DURATION, VS_OPT,
	    VS_OPT },
	{ "Price", "price", "cents: 9000 is 90.00", MODEL_SETUP_SERVICE_PRICE, VS_OPT, VS_OPT },
	{ "Engineer", "engineer", "yes or no: needs an engineer", MODEL_SETUP_SERVICE_ENGINEER, VS_FLAG,
	    VS_OPT },
	{ "Skill", "skill", "the engineer's skill, or blank", MODEL_SETUP_SERVICE_SKILL, VS_OPT, VS_OPT },
	{ "Room tags", "room_tags", "a,b: the rooms it fits", MODEL_SETUP_SERVICE_ROOM_TAGS, VS_OPT,
	    VS_OPT },
	{ "Add-on", "addon", "yes or no", MODEL_SETUP_SERVICE_ADDON, VS_FLAG, VS_OPT },
	{ "Description", "description", "for the booking page", MODEL_SETUP_SERVICE_DESCRIPTION, VS_OPT,
	    VS_OPT },
	{ "Active", "active", "yes or no (no: not bookable)", MODEL_SETUP_SERVICE_ACTIVE, VS_NO, VS_OPT },
	{ NULL, NULL, NULL, 0, VS_NO, VS_NO },
};

static const struct view_setup_field view_setup_staff_fields[] = {
	{ "Email", "email", "they sign in with it", MODEL_SETUP_STAFF_EMAIL, VS_POS, VS_NO },
	{ "Name", "name", "as the board shows it", MODEL_SETUP_STAFF_NAME, VS_POS, VS_OPT },
	{ "Skills", "skills", "a,b: mixing,tracking", MODEL_SETUP_STAFF_SKILLS, VS_OPT, VS_OPT },
	{ "Rate", "rate", "cents an hour", MODEL_SETUP_STAFF_RATE, VS_OPT, VS_OPT },
	{ "Password", "password", "blank: cannot sign in yet", -1, VS_PASSWORD, VS_NO },
	{ "Active", "active", "yes or no (no: retired)", MODEL_SETUP_STAFF_ACTIVE, VS_NO, VS_OPT },
	{ NULL, NULL, NULL, 0, VS_NO, VS_NO },
};

static const struct view_setup_field view_setup_rule_fields[] = {
	{ "For", "target", VIEW_SETUP_FOR_HINT, -1, VS_FOR, VS_NO },
	{ "Days", "days", "mon,tue,... weekdays, weekends, daily", -1, VS_OPT, VS_NO },
	{ "From", "from", "HH:MM", -1, VS_OPT, VS_NO },
	{ "To", "to", "HH:MM (24:00: midnight)", -1, VS_OPT, VS_NO },
	{ "Effective from", "effective_from", "YYYY-MM-DD, blank: from now on", -1, VS_OPT, VS_NO },
	{ "Effective to", "effective_to", "YYYY-MM-DD, blank: for good", -1, VS_OPT, VS_NO },
	{ NULL, NULL, NULL, 0, VS_NO, VS_NO },
};

static const struct view_setup_field view_setup_exception_fields[] = {
	{ "For", "target", VIEW_SETUP_FOR_HINT, -1, VS_FOR, VS_NO },
	{ "Start", "start", "YYYY-MM-DD HH:MM (or a day)", -1, VS_OPT, VS_NO },
	{ "End", "end", "YYYY-MM-DD HH:MM (or a day)", -1, VS_OPT, VS_NO },
	{ "Reason", "reason", "time off, holiday, repairs", -1, VS_OPT, VS_NO },
	{ NULL, NULL, NULL, 0, VS_NO, VS_NO },
};

static const struct view_setup_field view_setup_buffer_fields[] = {
	{ "Before", "before", "minutes of setup", MODEL_SETUP_BUFFER_BEFORE, VS_NO, VS_OPT },
	{ "After", "after", "minutes of teardown", MODEL_SETUP_BUFFER_AFTER, VS_NO, VS_OPT },
	{ NULL, NULL, NULL, 0, VS_NO, VS_NO },
};

static const struct view_setup_def view_setup_defs[VS_N] = {
	[VS_ROOMS] = { "Rooms", "room", "rooms", &cmd_room_add_spec, &cmd_room_edit_spec, NULL, 0,
	    view_setup_room_fields },
	[VS_SERVICES] = { "Services", "service", "services", &cmd_service_add_spec,
	    &cmd_service_edit_spec, NULL, 0, view_setup_service_fields },
	[VS_STAFF] = { "Staff", "staff member", "staff", &cmd_staff_add_spec, &cmd_staff_edit_spec,
	    NULL, 0, view_setup_staff_fields },
	[VS_HOURS] = { "Hours", "weekly rule", "weekly rules", &cmd_rule_add_spec, NULL,
	    &cmd_rule_del_spec, 1, view_setup_rule_fields },
	[VS_EXCEPTIONS] = { "Exceptions", "exception", "exceptions", &cmd_exception_add_spec, NULL,
	    &cmd_exception_del_spec, 1, view_setup_exception_fields },
	[VS_BUFFERS] = { "Buffers", "buffer", "buffers", NULL, &cmd_buffer_set_spec, NULL, 0,
	    view_setup_buffer_fields },
	[VS_SETTINGS] = { "Settings", "setting", "settings", NULL, &cmd_settings_set_spec, NULL, 0, NULL },
};

/* The settings in the order shown, each with a label for its form and
 * the format settings-set takes. Keys the database has and this does not
 * show after them, read-only. */
static const struct {
	const char *key, *label, *about, *hint;
	int editable;
} view_setup_settings[] = {
	{ "studio_name", "Studio name", "the name on the title bar and the web", "text", 1 },
	{ "timezone", "Time zone", "studio time for hours and bookings", "IANA name: America/Toronto", 1 },
	{ "lead_time_min", "Lead time", "minutes between booking and session", "minutes, 0 or more", 1 },
	{ "horizon_days", "Horizon", "days ahead artists may book", "days, a whole number", 1 },
	{ "hold_ttl_min", "Hold time", "minutes a hold keeps a room", "minutes, a whole number", 1 },
	{ "tax_rate_bp", "Tax", "tax in basis points (1300 is 13%)", "basis points, a whole number", 1 },
	{ "fee_cents", "Booking fee", "fee on every booking", "cents, 0 or more", 1 },
	{ "deposit_percent", "Deposit", "share paid when booking", "percent, a whole number", 1 },
	{ "cancellation_tiers", "Refund tiers", "hours before:refund % when canceling",
	    "hours:percent,... 48:100,24:50,0:0", 1 },
	{ "reschedule_free_min_hours", "Free until", "hours before a free reschedule", "hours, 0 or more",
	    1 },
	{ "reschedule_free_count", "Free moves", "free reschedules per booking", "a whole number", 1 },
	{ "reschedule_fee_cents", "Reschedule fee", "fee for one that is not free", "cents, 0 or more",
	    1 },
	{ "approval_mode", "Approval", "manual: staff approve every request", "manual or auto", 1 },
	{ "capture_mode", "Capture", "when a card is charged", "manual or automatic", 1 },
	{ "reject_action", "On rejection", "what a rejection does to a payment", "cancel or refund", 1 },
	{ "balance_charge_hours", "Balance due", "hours before the session the balance is charged",
	    "hours, 0 (never) to 8784", 1 },
	{ "address", "Address", "where sessions happen, in every message", "one line, 300 characters", 1 },
	{ "policies_url", "Policies URL", "the studio's policies, linked in messages", "https://... or empty", 1 },
	{ "currency", "Currency", "fixed when the studio was set up", "", 0 },
};
#define VIEW_SETUP_NSETTINGS (sizeof(view_setup_settings) / sizeof(view_setup_settings[0]))

struct view_setup {
	struct ui *ui;
	struct model_setup m;
	int loaded;
	int section;
	struct table t[VS_N];
	size_t *set_rows;           /* the settings' rows in the order shown */
	size_t nset;
	char select[FORM_VALUE];    /* after an add: the name to put the cursor on */
	struct ui_load ld;
	char *catalog, *rules;      /* the load's first two answers, until the third */
	char cell[256];
};

/* What a form acts on, kept with it. */
struct view_setup_form {
	struct view_setup *v;       /* the screen below (it outlives the form) */
	int section;
	int edit;
	char target[64];            /* edit: the id (buffers: of the scope) */
	char scope[16];             /* buffers: room, service, staff */
	const struct view_setup_field *spec[FORM_MAX_FIELDS];
	char orig[FORM_MAX_FIELDS][FORM_VALUE];
};

/* The bottom line: the keys that work in this section, for this user. */
static char view_setup_keyline[160];

static int
view_setup_admin(struct ui *ui)
{
	const struct db_actor *me = ui_actor(ui);

	return me != NULL && strcmp(me->role, "admin") == 0;
}

/* view_setup_own: a staff member's staff id, "" for an admin or someone
 * without a staff record. */
static const char *
view_setup_own(struct ui *ui)
{
	const struct db_actor *me = ui_actor(ui);

	return me != NULL && !view_setup_admin(ui) ? me->staff_id : "";
}

/* view_setup_no_record: a staff account without a staff record, in a
 * section of one's own (hours, exceptions): there is nothing of theirs to
 * show. Who may change what is the database's to say: every form runs
 * its command and shows the refusal under the field it names. */
static int
view_setup_no_record(struct ui *ui, int section)
{
	return view_setup_defs[section].staff_own && !view_setup_admin(ui) && view_setup_own(ui)[0] == '\0';
}

/* view_setup_hidden: the section is not for this user to see at all. */
static int
view_setup_hidden(struct ui *ui, int section)
{
	return !view_setup_admin(ui) && section == VS_STAFF;
}

static const struct model_setup_table *
view_setup_table(struct view_setup *v, int section)
{
	switch (section) {
	case VS_ROOMS:
		return &v->m.rooms;
	case VS_SERVICES:
		return &v->m.services;
	case VS_STAFF:
		return &v->m.staff;
	case VS_HOURS:
		return &v->m.rules;
	case VS_EXCEPTIONS:
		return &v->m.exceptions;
	case VS_BUFFERS:
		return &v->m.buffers;
	default:
		return &v->m.settings;
	}
}

/* view_setup_rows: how many rows section shows. */
static size_t
view_setup_rows(struct view_setup *v, int section)
{
	if (view_setup_hidden(v->ui, section))
		return 0;
	if (section == VS_HOURS || section == VS_EXCEPTIONS) {
		/* a staff account without a staff record has no hours of its own */
		if (!view_setup_admin(v->ui) && view_setup_own(v->ui)[0] == '\0')
			return 0;
	}
	return section == VS_SETTINGS ? v->nset : view_setup_table(v, section)->n;
}

/* view_setup_model_row: the model's row of a shown row (settings are
 * shown in an order of their own). */
static size_t
view_setup_model_row(struct view_setup *v, int section, size_t row)
{
	if (section == VS_SETTINGS)
		return row < v->nset ? v->set_rows[row] : (size_t)-1;
	return row;
}

static const char *
view_setup_get(struct view_setup *v, int section, size_t row, int col)
{
	return model_setup_cell(view_setup_table(v, section), view_setup_model_row(v, section, row),
	    (size_t)col);
}

/* view_setup_key_of: what identifies a row across reloads: its id, a
 * buffer's target, a setting's key. */
static const char *
view_setup_key_of(struct view_setup *v, int section, size_t row)
{
	if (section == VS_BUFFERS)
		return view_setup_get(v, section, row, MODEL_SETUP_BUFFER_TARGET_ID);
	return view_setup_get(v, section, row, 0);
}

/* view_setup_setting: the settings table's index of key, -1 when none. */
static int
view_setup_setting(const char *key)
{
	for (size_t i = 0; i < VIEW_SETUP_NSETTINGS; i++)
		if (strcmp(view_setup_settings[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* view_setup_order: the settings rows in the order shown. */
static void
view_setup_order(struct view_setup *v)
{
	const struct model_setup_table *t = &v->m.settings;

	free(v->set_rows);
	v->set_rows = xcalloc(t->n ? t->n : 1, sizeof(*v->set_rows));
	v->nset = 0;
	for (size_t i = 0; i < VIEW_SETUP_NSETTINGS; i++)
		for (size_t r = 0; r < t->n; r++)
			if (strcmp(model_setup_cell(t, r, MODEL_SETUP_SETTING_KEY), view_setup_settings[i].key) == 0)
				v->set_rows[v->nset++] = r;
	for (size_t r = 0; r < t->n; r++)
		if (view_setup_setting(model_setup_cell(t, r, MODEL_SETUP_SETTING_KEY)) < 0)
			v->set_rows[v->nset++] = r;
}

/* view_setup_set: m (taken) as every section, all or nothing; the
 * cursors stay on the rows they were on. */
static void
view_setup_set(struct view_setup *v, struct model_setup *m)
{
	char at[VS_N][64];

	for (int s = 0; s < VS_N; s++)
		snprintf(at[s], sizeof(at[s]), "%s",
		    v->t[s].cursor < v->t[s].n ? view_setup_key_of(v, s, v->t[s].cursor) : "");
	model_setup_free(&v->m);
	v->m = *m;
	memset(m, 0, sizeof(*m));
	view_setup_order(v);
	v->loaded = 1;
	for (int s = 0; s < VS_N; s++) {
		size_t n = view_setup_rows(v, s);
		table_set_rows(&v->t[s], n);
		for (size_t r = 0; at[s][0] != '\0' && r < n; r++)
			if (strcmp(view_setup_key_of(v, s, r), at[s]) == 0)
				v->t[s].cursor = r;
	}
	if (v->select[0] != '\0') {
		/* the name column is the second in rooms, services and staff */
		for (size_t r = 0; r < view_setup_rows(v, v->section); r++)
			if (strcasecmp(view_setup_get(v, v->section, r, 1), v->select) == 0)
				v->t[v->section].cursor = r;
		v->select[0] = '\0';
	}
}

/* The load: the catalog (rooms, services, staff, buffers), the rules and
 * exceptions (a staff member's own) and the settings, three reads not
 * waited for; the sections change when the third comes. */
static int
view_setup_catalog_run(struct cmd_ctx *ctx, const struct cmd_read *c, char **json, struct err *e)
{
	(void)c;
	return cmd_read_query(ctx, DB_SETUP_CATALOG_JSON_SQL, 0, NULL, json, e);
}

static void
view_setup_rules_args(void *owner, struct cmd_read *c)
{
	struct view_setup *v = owner;
	const char *own = view_setup_own(v->ui);

	/* the rules command's arguments: one staff member's, or all */
	if (own[0] != '\0')
		c->target_type = "staff", c->target = own;
}

static void
view_setup_fail(struct ui *ui, void *owner, int say, const struct err *e)
{
	struct view_setup *v = owner;

	(void)ui, (void)say, (void)e;
	free(v->catalog);
	free(v->rules);
	v->catalog = v->rules = NULL;
}

static int
view_setup_catalog_json(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct view_setup *v = owner;

	(void)ui, (void)e;
	view_setup_fail(ui, v, 0, NULL);
	v->catalog = xstrdup(json);
	return 0;
}

static int
view_setup_rules_json(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct view_setup *v = owner;

	(void)ui, (void)e;
	free(v->rules);
	v->rules = xstrdup(json);
	return 0;
}

static int
view_setup_settings_json(struct ui *ui, void *owner, const char *json, struct err *e)
{
	struct view_setup *v = owner;
	struct model_setup m;
	int rc;

	if (v->catalog == NULL || v->rules == NULL)
		rc = err_set(e, ERR_INTERNAL, NULL, "the setup's reads came out of order");
	else if ((rc = model_setup_parse(v->catalog, v->rules, json, &m, e)) == 0)
		view_setup_set(v, &m);
	view_setup_fail(ui, v, 0, NULL);
	return rc;
}

static void
view_setup_take(struct ui *ui, void *owner, int say)
{
	(void)owner;
	if (say)
		ui_message(ui, 0, "refreshed the setup");
}

static const struct ui_load_part view_setup_parts[] = {
	{ .run = view_setup_catalog_run, .json = view_setup_catalog_json },
	{ .run = cmd_rules_run, .args = view_setup_rules_args, .json = view_setup_rules_json },
	{ .run = cmd_settings_run, .json = view_setup_settings_json },
};
static const struct ui_load_spec view_setup_load = {
	view_setup_parts, 3, "the setup", 0, view_setup_take, view_setup_fail,
};

static void *
view_setup_enter(struct ui *ui, void *arg)
{
	struct view_setup *v = xcalloc(1, sizeof(*v));

	(void)arg;
	v->ui = ui;
	/* staff come for their own hours */
	v->section = view_setup_admin(ui) ? VS_ROOMS : VS_HOURS;
	ui_load_init(&v->ld, &view_setup_load, v);
	ui_load(ui, &v->ld, 0);
	return v;
}

static void
view_setup_leave(struct ui *ui, void *state)
{
	struct view_setup *v = state;

	ui_load_drop(ui, &v->ld);
	view_setup_fail(ui, v, 0, NULL);
	model_setup_free(&v->m);
	free(v->set_rows);
	free(v);
}

/* ---- drawing ---- */

/* view_setup_money: cents as money, "-" when there are none. */
static const char *
view_setup_money(struct view_setup *v, const char *cents)
{
	if (cents[0] == '\0')
		return "-";
	fmt_money(strtoll(cents, NULL, 10), v->cell, sizeof(v->cell));
	return v->cell;
}

/* view_setup_for: who a rule or exception is for: "studio", "room
 * Studio A", "staff Eli Engineer". */
static const char *
view_setup_for(struct view_setup *v, int section, size_t row, int type_col, int name_col)
{
	const char *type = view_setup_get(v, section, row, type_col);

	if (strcmp(type, "studio") == 0)
		return "studio";
	snprintf(v->cell, sizeof(v->cell), "%s %s", type, view_setup_get(v, section, row, name_col));
	return v->cell;
}

static const char *
view_setup_cell(void *arg, size_t row, int col)
{
	struct view_setup *v = arg;
	int s = v->section;
	const char *x;

#define G(c) view_setup_get(v, s, row, (c))
	switch (s) {
	case VS_ROOMS: {
		static const int cols[] = { MODEL_SETUP_ROOM_NAME, MODEL_SETUP_ROOM_CAPACITY,
			MODEL_SETUP_ROOM_ACTIVE, MODEL_SETUP_ROOM_TAGS, MODEL_SETUP_ROOM_EQUIPMENT };
		x = G(cols[col]);
		return x[0] ? x : "-";
	}
	case VS_SERVICES:
		switch (col) {
		case 0:
			return G(MODEL_SETUP_SERVICE_NAME);
		case 1:
			return G(MODEL_SETUP_SERVICE_DURATION);
		case 2:
			return view_setup_money(v, G(MODEL_SETUP_SERVICE_PRICE));
		case 3:
			if (strcmp(G(MODEL_SETUP_SERVICE_ENGINEER), "yes") != 0)
				return "-";
			x = G(MODEL_SETUP_SERVICE_SKILL);
			return x[0] ? x : "yes";
		case 4:
			x = G(MODEL_SETUP_SERVICE_ROOM_TAGS);
			return x[0] ? x : "-";
		case 5:
			return G(MODEL_SETUP_SERVICE_ADDON);
		default:
			return G(MODEL_SETUP_SERVICE_ACTIVE);
		}
	case VS_STAFF:
		switch (col) {
		case 0:
			return G(MODEL_SETUP_STAFF_NAME);
		case 1:
			return G(MODEL_SETUP_STAFF_EMAIL);
		case 2:
			return view_setup_money(v, G(MODEL_SETUP_STAFF_RATE));
		case 3:
			return G(MODEL_SETUP_STAFF_ACTIVE);
		default:
			x = G(MODEL_SETUP_STAFF_SKILLS);
			return x[0] ? x : "-";
		}
	case VS_HOURS:
		switch (col) {
		case 0:
			return view_setup_for(v, s, row, MODEL_SETUP_RULE_TARGET_TYPE,
			    MODEL_SETUP_RULE_TARGET_NAME);
		case 1:
			return G(MODEL_SETUP_RULE_DAYS);
		case 2:
			snprintf(v->cell, sizeof(v->cell), "%s-%s", G(MODEL_SETUP_RULE_FROM), G(MODEL_SETUP_RULE_TO));
			return v->cell;
		default:
			if (!G(MODEL_SETUP_RULE_EFFECTIVE_FROM)[0] && !G(MODEL_SETUP_RULE_EFFECTIVE_TO)[0])
				return "always";
			snprintf(v->cell, sizeof(v->cell), "%s..%s", G(MODEL_SETUP_RULE_EFFECTIVE_FROM),
			    G(MODEL_SETUP_RULE_EFFECTIVE_TO));
			return v->cell;
		}
	case VS_EXCEPTIONS:
		switch (col) {
		case 0:
			return view_setup_for(v, s, row, MODEL_SETUP_EXCEPTION_TARGET_TYPE,
			    MODEL_SETUP_EXCEPTION_TARGET_NAME);
		case 1:
			return G(MODEL_SETUP_EXCEPTION_START);
		case 2:
			return G(MODEL_SETUP_EXCEPTION_END);
		default:
			x = G(MODEL_SETUP_EXCEPTION_REASON);
			return x[0] ? x : "-";
		}
	case VS_BUFFERS:
		switch (col) {
		case 0:
			return G(MODEL_SETUP_BUFFER_SCOPE);
		case 1:
			return G(MODEL_SETUP_BUFFER_NAME);
		case 2:
			return G(MODEL_SETUP_BUFFER_BEFORE);
		case 3:
			return G(MODEL_SETUP_BUFFER_AFTER);
		default:
			return strcmp(G(MODEL_SETUP_BUFFER_ACTIVE), "yes") == 0 ? "" : "inactive";
		}
	default: {
		int k = view_setup_setting(G(MODEL_SETUP_SETTING_KEY));
		switch (col) {
		case 0:
			return G(MODEL_SETUP_SETTING_KEY);
		case 1:
			return G(MODEL_SETUP_SETTING_VALUE);
		default:
			return k >= 0 ? view_setup_settings[k].about : "read-only";
		}
	}
	}
#undef G
}

static enum ui_style
view_setup_style(void *arg, size_t row, int col)
{
	struct view_setup *v = arg;
	int s = v->section, active = -1;

	(void)col;
	if (s == VS_ROOMS)
		active = MODEL_SETUP_ROOM_ACTIVE;
	else if (s == VS_SERVICES)
		active = MODEL_SETUP_SERVICE_ACTIVE;
	else if (s == VS_STAFF)
		active = MODEL_SETUP_STAFF_ACTIVE;
	else if (s == VS_BUFFERS)
		active = MODEL_SETUP_BUFFER_ACTIVE;
	/* what is retired shows dim */
	if (active >= 0 && strcmp(view_setup_get(v, s, row, active), "no") == 0)
		return UI_DIM;
	return UI_STYLE_COUNT;
}

/* view_setup_keys: the bottom line for the section on screen. */
static void
view_setup_keys(struct view_setup *v)
{
	const struct view_setup_def *d = &view_setup_defs[v->section];
	size_t o = 0;

	view_setup_keyline[0] = '\0';
	if (d->add_cmd != NULL)
		o += (size_t)snprintf(view_setup_keyline + o, sizeof(view_setup_keyline) - o, "a add  ");
	if (d->edit_cmd != NULL)
		o += (size_t)snprintf(view_setup_keyline + o, sizeof(view_setup_keyline) - o, "Enter edit  ");
	if (d->del_cmd != NULL)
		o += (size_t)snprintf(view_setup_keyline + o, sizeof(view_setup_keyline) - o, "d delete  ");
	if (v->section == VS_STAFF)
		o += (size_t)snprintf(view_setup_keyline + o, sizeof(view_setup_keyline) - o, "i feed  c calendar  ");
	snprintf(view_setup_keyline + o, sizeof(view_setup_keyline) - o,
	    "h/l section  Tab views  r refresh  ? help  q quit");
}

/* view_setup_note: the line under the section bar. */
static void
view_setup_note(struct ui *ui, struct view_setup *v, char *out, size_t len)
{
	const struct view_setup_def *d = &view_setup_defs[v->section];
	const struct model_studio *st = ui_studio_need(ui);
	size_t n = view_setup_rows(v, v->section);

	if (!v->loaded) {
		snprintf(out, len, "%s", ui_load_says(&v->ld, 0, ""));
	} else if (view_setup_hidden(ui, v->section)) {
		snprintf(out, len, "The staff list is for an admin.");
	} else if (view_setup_no_record(ui, v->section)) {
		snprintf(out, len, "You have no staff record, so no hours of your own; an admin can add one.");
	} else if (v->section == VS_HOURS || v->section == VS_EXCEPTIONS) {
		snprintf(out, len, "%s%zu %s%s, studio time%s%s%s", view_setup_admin(ui) ? "" : "your ", n,
		    n == 1 ? d->noun : d->nouns, v->section == VS_EXCEPTIONS ? " not yet over" : "",
		    st ? " (" : "", st ? st->timezone : "", st ? ")" : "");
	} else if (v->section == VS_SETTINGS) {
		snprintf(out, len, "%zu settings; Enter changes the one at the cursor", n);
	} else if (v->section == VS_BUFFERS) {
		snprintf(out, len, "minutes kept free before and after a session; Enter changes them");
	} else {
		size_t off = 0;
		for (size_t r = 0; r < n; r++)
			off += view_setup_style(v, r, 0) == UI_DIM;
		if (off > 0)
			snprintf(out, len, "%zu %s, %zu inactive (dim)", n, n == 1 ? d->noun : d->nouns, off);
		else
			snprintf(out, len, "%zu %s", n, n == 1 ? d->noun : d->nouns);
	}
}

static void
view_setup_draw(struct ui *ui, void *state)
{
	static const struct table_col rooms[] = {
		{ "NAME", 20 }, { "CAP", 4 }, { "ACTIVE", 6 }, { "TAGS", 22 }, { "EQUIPMENT", 0 },
	};
	static const struct table_col services[] = {
		{ "NAME", 20 }, { "MIN", 4 }, { "PRICE", 10 }, { "ENGINEER", 10 }, { "ROOM TAGS", 14 },
		{ "ADD-ON", 6 }, { "ACTIVE", 6 },
	};
	static const struct table_col staff[] = {
		{ "NAME", 18 }, { "EMAIL", 26 }, { "RATE/H", 9 }, { "ACTIVE", 6 }, { "SKILLS", 0 },
	};
	static const struct table_col hours[] = {
		{ "FOR", 24 }, { "DAYS", 27 }, { "HOURS", 11 }, { "EFFECTIVE", 0 },
	};
	static const struct table_col exceptions[] = {
		{ "FOR", 24 }, { "FROM", 16 }, { "TO", 16 }, { "REASON", 0 },
	};
	static const struct table_col buffers[] = {
		{ "KIND", 7 }, { "NAME", 22 }, { "BEFORE", 6 }, { "AFTER", 6 }, { "", 0 },
	};
	static const struct table_col settings[] = {
		{ "SETTING", 25 }, { "VALUE", 22 }, { "ABOUT", 0 },
	};
	static const struct {
		const struct table_col *cols;
		int n;
	} layout[VS_N] = {
		[VS_ROOMS] = { rooms, 5 }, [VS_SERVICES] = { services, 7 }, [VS_STAFF] = { staff, 5 },
		[VS_HOURS] = { hours, 4 }, [VS_EXCEPTIONS] = { exceptions, 4 },
		[VS_BUFFERS] = { buffers, 5 }, [VS_SETTINGS] = { settings, 3 },
	};
	struct view_setup *v = state;
	struct table_src src = { view_setup_cell, NULL, view_setup_style, v };
	int top, height, x = 1;
	char note[200];

	ui_body(ui, &top, &height);
	view_setup_keys(v);
	attrset(ui_attr(ui, UI_HEADING));
	ui_put(top + 1, x, "SETUP", 5);
	x += 7;
	for (int s = 0; s < VS_N && x < COLS - 1; s++) {
		char label[24];
		int w;
		snprintf(label, sizeof(label), " %s ", view_setup_defs[s].label);
		w = text_width(label);
		if (x + w > COLS - 1)
			w = COLS - 1 - x;
		attrset(s == v->section ? ui_attr(ui, UI_CURSOR) | A_BOLD : A_NORMAL);
		ui_put(top + 1, x, label, w);
		x += w;
	}
	attrset(A_NORMAL);

	view_setup_note(ui, v, note, sizeof(note));
	attrset(ui_attr(ui, UI_DIM));
	ui_put(top + 2, 1, note, COLS - 2);
	attrset(A_NORMAL);
	if (view_setup_rows(v, v->section) == 0) {
		const struct view_setup_def *d = &view_setup_defs[v->section];
		if (v->loaded && !view_setup_hidden(ui, v->section) && !view_setup_no_record(ui, v->section)) {
			snprintf(note, sizeof(note), "no %s yet%s", d->nouns,
			    d->add_cmd ? "; a adds one" : "");
			attrset(ui_attr(ui, UI_DIM));
			ui_put(top + 4, 3, note, COLS - 4);
			attrset(A_NORMAL);
		}
		return;
	}
	table_draw(ui, &v->t[v->section], top + 3, height - 3, layout[v->section].cols,
	    layout[v->section].n, &src);
}

/* ---- forms ---- */

/* view_setup_refuse: a form error that is the form's own (how "For" or a
 * yes/no is written), at field; FORM_KEEP. */
static enum form_result
view_setup_refuse(struct form *f, const char *field, const char *msg)
{
	struct err e;

	err_set(&e, ERR_INVALID, field, "%s", msg);
	form_fail(f, &e);
	return FORM_KEEP;
}

/* view_setup_for_arg: the For field as the command's argument (studio,
 * room or staff) into args. Returns 0, or -1 when it is not written as
 * one. */
static int
view_setup_for_arg(struct json_object *args, const char *value)
{
	char word[16];
	size_t n;

	while (*value == ' ')
		value++;
	n = strcspn(value, " ");
	snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n : sizeof(word) - 1), value);
	value += n;
	while (*value == ' ')
		value++;
	if (strcasecmp(word, "studio") == 0 && *value == '\0')
		json_object_object_add(args, "studio", json_object_new_string("yes"));
	else if (strcasecmp(word, "room") == 0 || strcasecmp(word, "staff") == 0)
		json_object_object_add(args, strcasecmp(word, "room") == 0 ? "room" : "staff",
		    json_object_new_string(value));
	else
		return -1;
	return 0;
}

/* view_setup_yes: a yes/no field as a flag: 1 yes, 0 no or blank, -1
 * neither (the words setup_bool takes). */
static int
view_setup_yes(const char *s)
{
	static const char *const yes[] = { "yes", "y", "true", "on", "1" };
	static const char *const no[] = { "no", "n", "false", "off", "0", "" };

	while (*s == ' ')
		s++;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -1;
}

/* view_setup_run: run c (its args freed after) as the signed-in user:
 * its message, or its error at the field it names (errors about who a
 * rule or exception is for name room, staff or target; the form calls
 * that field For). Every view reloads. FORM_CLOSE or FORM_KEEP. */
static enum form_result
view_setup_run(struct ui *ui, struct form *f, struct setup_cmd *c)
{
	struct setup_result r;
	char line[CMD_LINE];
	struct err e;
	int rc;

	err_clear(&e);
	rc = setup_run(ui_cmd(ui), c, &r, &e);
	setup_cmd_done(c);
	ui_changed(ui);
	if (rc == 0) {
		ui_message(ui, 0, "%s", setup_message(&r));
		setup_result_done(&r);
		return FORM_CLOSE;
	}
	if (r.early)
		snprintf(line, sizeof(line), "%s", e.msg);
	else
		setup_error(&e, line, sizeof(line));
	ui_message(ui, 1, "%s", line);
	ui_cmd(ui)->last_err = e;
	if (strcmp(e.field, "room") == 0 || strcmp(e.field, "staff") == 0) {
		for (int i = 0; i < f->nfields; i++)
			if (strcmp(f->fields[i].name, "target") == 0)
				snprintf(e.field, sizeof(e.field), "target");
	}
	form_fail(f, &e);
	return FORM_KEEP;
}

/* view_setup_arg: args' key is value. */
static void
view_setup_arg(struct json_object *args, const char *key, const char *value)
{
	json_object_object_add(args, key, json_object_new_string(value));
}

static enum form_result
view_setup_submit(struct ui *ui, struct form *f)
{
	struct view_setup_form *sf = f->data;
	const struct view_setup_def *d = &view_setup_defs[sf->section];
	struct setup_cmd c = { .spec = sf->edit ? d->edit_cmd : d->add_cmd };
	int changed = 0, npos = 0;

	c.args = json_object_new_object();
	if (sf->section == VS_SETTINGS) {
		char tiers[FORM_VALUE * 2];
		const char *value = f->fields[0].value;
		if (strcmp(value, sf->orig[0]) == 0) {
			ui_message(ui, 0, "nothing was changed");
			setup_cmd_done(&c);
			return FORM_CLOSE;
		}
		if (strcmp(sf->target, "cancellation_tiers") == 0 &&
		    model_setup_tiers_json(value, tiers, sizeof(tiers)) == 0)
			value = tiers;
		c.target = sf->target;
		view_setup_arg(c.args, "value", value);
		return view_setup_run(ui, f, &c);
	}
	if (sf->section == VS_BUFFERS)
		view_setup_arg(c.args, sf->scope, sf->target);
	if ((sf->section == VS_HOURS || sf->section == VS_EXCEPTIONS) && !view_setup_admin(ui))
		view_setup_arg(c.args, "staff", "SELF");
	if (sf->edit && c.spec->npos > 0 && strcmp(c.spec->pos[npos++], SETUP_TARGET) == 0)
		c.target = sf->target;
	for (int i = 0; i < f->nfields; i++) {
		const struct view_setup_field *x = sf->spec[i];
		const char *value = f->fields[i].value;
		enum view_setup_pass how = sf->edit ? x->edit : x->add;
		int yes;

		/* an edit sends what changed; an add what was filled in, and its
		 * names even blank, for the command to say they are needed */
		if (sf->edit ? strcmp(value, sf->orig[i]) == 0 : (value[0] == '\0' && how != VS_POS))
			continue;
		changed = 1;
		switch (how) {
		case VS_OPT:
			view_setup_arg(c.args, x->name, value);
			break;
		case VS_POS:
			if (npos < c.spec->npos && strcmp(c.spec->pos[npos], SETUP_TARGET) == 0)
				c.target = value;
			else if (npos < c.spec->npos)
				view_setup_arg(c.args, c.spec->pos[npos], value);
			npos++;
			break;
		case VS_FLAG:
			if ((yes = view_setup_yes(value)) < 0) {
				setup_cmd_done(&c);
				return view_setup_refuse(f, x->name, "say yes or no");
			}
			if (yes)
				view_setup_arg(c.args, x->name, "yes");
			break;
		case VS_FOR:
			if (view_setup_for_arg(c.args, value) != 0) {
				setup_cmd_done(&c);
				return view_setup_refuse(f, x->name, "say studio, room NAME or staff NAME");
			}
			break;
		case VS_PASSWORD:
			c.new_password = value;
			break;
		default:
			break;
		}
	}
	if (sf->edit && !changed) {
		ui_message(ui, 0, "nothing was changed");
		setup_cmd_done(&c);
		return FORM_CLOSE;
	}
	if (view_setup_run(ui, f, &c) != FORM_CLOSE)
		return FORM_KEEP;
	if (!sf->edit && (sf->section == VS_ROOMS || sf->section == VS_SERVICES || sf->section == VS_STAFF))
		snprintf(sf->v->select, sizeof(sf->v->select), "%s", form_value(f, "name"));
	return FORM_CLOSE;
}

static struct form *
view_setup_form_new(struct view_setup *v, int section, int edit, const char *title)
{
	struct form *f = form_new(title, view_setup_submit);
	struct view_setup_form *sf = xcalloc(1, sizeof(*sf));

	sf->v = v;
	sf->section = section;
	sf->edit = edit;
	f->data = sf;
	f->free_data = free;
	return f;
}

/* view_setup_fields: the section's fields for an add (row ignored) or an
 * edit of row, filled with its values. */
static void
view_setup_fields(struct view_setup *v, struct form *f, size_t row)
{
	struct view_setup_form *sf = f->data;
	const struct view_setup_field *x = view_setup_defs[sf->section].fields;
	int admin = view_setup_admin(v->ui);

	for (; x->label != NULL; x++) {
		enum view_setup_pass how = sf->edit ? x->edit : x->add;
		const char *value = "";
		int i;

		if (how == VS_NO || (how == VS_FOR && !admin))
			continue;
		if (sf->edit && x->col >= 0)
			value = view_setup_get(v, sf->section, row, x->col);
		else if (how == VS_FOR)
			value = "studio";
		if ((i = form_field(f, x->label, x->name, value, x->hint)) < 0)
			break;
		f->fields[i].secret = how == VS_PASSWORD;
		sf->spec[i] = x;
		snprintf(sf->orig[i], sizeof(sf->orig[i]), "%s", value);
	}
}

static void
view_setup_add(struct ui *ui, struct view_setup *v)
{
	const struct view_setup_def *d = &view_setup_defs[v->section];
	const struct model_studio *st = ui_studio_need(ui);
	struct form *f;
	char title[64];

	snprintf(title, sizeof(title), "Add %s %s", strchr("aeiou", d->noun[0]) ? "an" : "a", d->noun);
	f = view_setup_form_new(v, v->section, 0, title);
	if (v->section == VS_HOURS || v->section == VS_EXCEPTIONS) {
		if (view_setup_admin(ui))
			form_text(f, "For the studio, a room or a staff member; times are studio time (%s).",
			    st ? st->timezone : "the studio's zone");
		else
			form_text(f, "Your own %s; times are studio time (%s).",
			    v->section == VS_HOURS ? "working hours" : "time off",
			    st ? st->timezone : "the studio's zone");
	} else if (v->section == VS_STAFF) {
		form_text(f, "A staff account signs in with this email and password.");
	}
	view_setup_fields(v, f, 0);
	ui_push(ui, &view_form, f);
}

static void
view_setup_edit(struct ui *ui, struct view_setup *v)
{
	const struct view_setup_def *d = &view_setup_defs[v->section];
	size_t row = v->t[v->section].cursor;
	struct view_setup_form *sf;
	struct form *f;
	char title[120];

	if (v->section == VS_SETTINGS) {
		const char *key = view_setup_get(v, VS_SETTINGS, row, MODEL_SETUP_SETTING_KEY);
		int k = view_setup_setting(key);
		if (k < 0 || !view_setup_settings[k].editable) {
			ui_message(ui, 0, "%s cannot be changed here", key);
			return;
		}
		snprintf(title, sizeof(title), "Setting %s", key);
		f = view_setup_form_new(v, VS_SETTINGS, 1, title);
		sf = f->data;
		snprintf(sf->target, sizeof(sf->target), "%s", key);
		form_text(f, "%s: %s.", view_setup_settings[k].label, view_setup_settings[k].about);
		/* the value is filled in, so the field's hint does not show */
		form_text(f, "Format: %s.", view_setup_settings[k].hint);
		form_field(f, view_setup_settings[k].label, key,
		    view_setup_get(v, VS_SETTINGS, row, MODEL_SETUP_SETTING_VALUE), view_setup_settings[k].hint);
		snprintf(sf->orig[0], sizeof(sf->orig[0]), "%s", f->fields[0].value);
		ui_push(ui, &view_form, f);
		return;
	}
	if (v->section == VS_BUFFERS) {
		snprintf(title, sizeof(title), "Buffers of %s %s",
		    view_setup_get(v, VS_BUFFERS, row, MODEL_SETUP_BUFFER_SCOPE),
		    view_setup_get(v, VS_BUFFERS, row, MODEL_SETUP_BUFFER_NAME));
		f = view_setup_form_new(v, VS_BUFFERS, 1, title);
		sf = f->data;
		snprintf(sf->scope, sizeof(sf->scope), "%s",
		    view_setup_get(v, VS_BUFFERS, row, MODEL_SETUP_BUFFER_SCOPE));
		snprintf(sf->target, sizeof(sf->target), "%s",
		    view_setup_get(v, VS_BUFFERS, row, MODEL_SETUP_BUFFER_TARGET_ID));
		form_text(f, "Time kept free around its sessions, in minutes.");
		view_setup_fields(v, f, row);
		ui_push(ui, &view_form, f);
		return;
	}
	snprintf(title, sizeof(title), "Edit %s %s", d->noun, view_setup_get(v, v->section, row, 1));
	f = view_setup_form_new(v, v->section, 1, title);
	sf = f->data;
	snprintf(sf->target, sizeof(sf->target), "%s", view_setup_get(v, v->section, row, 0));
	if (v->section == VS_STAFF)
		form_text(f, "%s; active no is refused while they have bookings to come.",
		    view_setup_get(v, VS_STAFF, row, MODEL_SETUP_STAFF_EMAIL));
	view_setup_fields(v, f, row);
	ui_push(ui, &view_form, f);
}

/* view_setup_delete_submit: the delete form's yes. */
static enum form_result
view_setup_delete_submit(struct ui *ui, struct form *f)
{
	struct view_setup_form *sf = f->data;
	struct setup_cmd c = { .spec = view_setup_defs[sf->section].del_cmd, .target = sf->target };

	c.args = json_object_new_object();
	return view_setup_run(ui, f, &c);
}

static void
view_setup_delete(struct ui *ui, struct view_setup *v)
{
	const struct view_setup_def *d = &view_setup_defs[v->section];
	size_t row = v->t[v->section].cursor;
	struct view_setup_form *sf;
	struct form *f;
	char title[64];

	snprintf(title, sizeof(title), "Delete %s %.8s?", d->noun, view_setup_get(v, v->section, row, 0));
	f = view_setup_form_new(v, v->section, 0, title);
	f->submit = view_setup_delete_submit;
	sf = f->data;
	snprintf(sf->target, sizeof(sf->target), "%s", view_setup_get(v, v->section, row, 0));
	if (v->section == VS_HOURS)
		form_text(f, "%s: %s %s-%s.", view_setup_cell(v, row, 0),
		    view_setup_get(v, VS_HOURS, row, MODEL_SETUP_RULE_DAYS),
		    view_setup_get(v, VS_HOURS, row, MODEL_SETUP_RULE_FROM),
		    view_setup_get(v, VS_HOURS, row, MODEL_SETUP_RULE_TO));
	else
		form_text(f, "%s: %s to %s.", view_setup_cell(v, row, 0),
		    view_setup_get(v, VS_EXCEPTIONS, row, MODEL_SETUP_EXCEPTION_START),
		    view_setup_get(v, VS_EXCEPTIONS, row, MODEL_SETUP_EXCEPTION_END));
	form_text(f, "Enter or y deletes it; Esc or n keeps it.");
	ui_push(ui, &view_form, f);
}

/* ---- a staff member's calendar feed ---- */

/* view_setup_feed_text: the form's text for the feed's URLs u. */
static void
view_setup_feed_text(struct form *f, const struct cmd_feed_urls *u, int rotated, int admin)
{
	f->ntext = 0;
	form_text(f, "%sSubscribe in Apple Calendar (File, New Calendar Subscription):",
	    rotated ? "New URL; the old one no longer works. " : "");
	form_text(f, "%s", u->webcal);
	form_text(f, "or add it by URL in Google Calendar or Outlook:");
	form_text(f, "%s", u->https);
	if (admin)
		form_text(f, "Enter or y makes a new URL (the old one stops working); Esc closes.");
	else
		form_text(f, "Keep it to yourself; an admin can give you a new one. Enter or Esc closes.");
}

/* view_setup_feed_submit: the feed form's yes: rotate-ics-token's run step. */
static enum form_result
view_setup_feed_submit(struct ui *ui, struct form *f)
{
	struct view_setup_form *sf = f->data;
	struct cmd_rotate_ics_token c = { .staff = sf->target };
	struct cmd_feed_urls u;
	struct err e;

	if (!view_setup_admin(ui))
		return FORM_CLOSE;
	err_clear(&e);
	if (cmd_rotate_ics_token_run(ui_cmd(ui), &c, &u, &e) != 0) {
		ui_message(ui, 1, "%s", e.msg);
		form_fail(f, &e);
		return FORM_KEEP;
	}
	view_setup_feed_text(f, &u, 1, 1);
	ui_message(ui, 0, "a new calendar feed URL for %s", u.name);
	return FORM_KEEP;
}

/* view_setup_feed: the feed form of staff member id: an admin's for
 * anyone (the staff row under the cursor), a staff member's for their own. */
static void
view_setup_feed(struct ui *ui, struct view_setup *v, const char *id)
{
	struct view_setup_form *sf;
	struct cmd_feed_urls u;
	struct form *f;
	char title[160];
	struct err e;

	err_clear(&e);
	if (cmd_feed_show_run(ui_cmd(ui), id, &u, &e) != 0) {
		ui_message(ui, 1, "%s", e.msg);
		return;
	}
	snprintf(title, sizeof(title), "Calendar feed of %s", u.name);
	f = view_setup_form_new(v, VS_STAFF, 0, title);
	f->submit = view_setup_feed_submit;
	sf = f->data;
	snprintf(sf->target, sizeof(sf->target), "%s", id);
	view_setup_feed_text(f, &u, 0, view_setup_admin(ui));
	ui_push(ui, &view_form, f);
}

/* ---- a staff member's Google or Outlook calendar ---- */

/* view_setup_calendar_word: a connection's status as the window says it. */
static const char *
view_setup_calendar_word(const char *status)
{
	if (strcmp(status, "reconnect_needed") == 0)
		return "reconnect needed";
	if (strcmp(status, "pending") == 0 || strcmp(status, "exchanging") == 0)
		return "waiting for the consent";
	return status;
}

/* view_setup_calendar_status: staff member id's connections, one line
 * ("Google: connected. Outlook: failed (why)."), as calendar-status's run
 * step reads them. */
static int
view_setup_calendar_status(struct ui *ui, const char *id, char *out, size_t len, struct err *e)
{
	static const char *const providers[2] = { "google", "outlook" };
	static const char *const names[2] = { "Google", "Outlook" };
	struct cmd_read c = { 0 };
	struct json_object *d, *a = NULL;
	char *json = NULL;
	size_t o = 0;

	if (cmd_calendar_status_run(ui_cmd(ui), &c, &json, e) != 0)
		return -1;
	d = json_tokener_parse(json);
	free(json);
	if (d != NULL)
		json_object_object_get_ex(d, "connections", &a);
	out[0] = '\0';
	for (int p = 0; p < 2; p++) {
		const char *word = "not connected", *why = "";
		for (size_t i = 0; a != NULL && i < json_object_array_length(a); i++) {
			struct json_object *x = json_object_array_get_idx(a, i);
			if (strcmp(model_str(x, "staff_id"), id) == 0 &&
			    strcmp(model_str(x, "provider"), providers[p]) == 0) {
				word = view_setup_calendar_word(model_str(x, "status"));
				why = model_str(x, "error");
			}
		}
		if (o < len)
			o += (size_t)snprintf(out + o, len - o, "%s%s: %s%s%s%s.", p ? " " : "", names[p], word,
			    why[0] ? " (" : "", why, why[0] ? ")" : "");
	}
	json_object_put(d);
	return 0;
}

/* view_setup_calendar_submit: the calendar form's Enter: calendar-connect's
 * run step for the calendar typed; the form then shows the consent URL. */
static enum form_result
view_setup_calendar_submit(struct ui *ui, struct form *f)
{
	struct view_setup_form *sf = f->data;
	struct cmd_calendar_connect c = { .staff = sf->target, .provider = form_value(f, "provider") };
	struct cmd_calendar_connect_result r;
	char status[FORM_TEXT];
	struct err e;

	if (f->nfields == 0)
		return FORM_CLOSE;
	err_clear(&e);
	if (cmd_calendar_connect_run(ui_cmd(ui), &c, &r, &e) != 0) {
		cmd_calendar_connect_free(&r);
		ui_message(ui, 1, "%s", e.msg);
		form_fail(f, &e);
		return FORM_KEEP;
	}
	f->nfields = 0;
	f->error[0] = '\0';
	f->error_field = -1;
	f->ntext = 0;
	form_text(f, "%s opens this address (valid 15 minutes) and allows redlight to manage the %s "
	    "calendar's events:", r.staff_name, strcmp(r.provider, "google") == 0 ? "Google" : "Outlook");
	form_text(f, "%s", r.url);
	form_text(f, "It comes back to this redirect URI, which the app registered with %s must list:",
	    strcmp(r.provider, "google") == 0 ? "Google" : "Microsoft");
	form_text(f, "%s", r.redirect_uri);
	if (view_setup_calendar_status(ui, r.staff_id, status, sizeof(status), &e) == 0)
		form_text(f, "%s", status);
	form_text(f, "Enter or Esc closes; c again shows whether it connected.");
	ui_message(ui, 0, "the %s consent address for %s", r.provider, r.staff_name);
	cmd_calendar_connect_free(&r);
	return FORM_KEEP;
}

/* view_setup_calendar: the calendar form of staff member id (an admin's):
 * its connections, and which calendar to connect. */
static void
view_setup_calendar(struct ui *ui, struct view_setup *v, const char *id, const char *name)
{
	struct view_setup_form *sf;
	char title[160], status[FORM_TEXT];
	struct form *f;
	struct err e;

	err_clear(&e);
	if (view_setup_calendar_status(ui, id, status, sizeof(status), &e) != 0) {
		ui_message(ui, 1, "%s", e.msg);
		return;
	}
	snprintf(title, sizeof(title), "Calendars of %s", name);
	f = view_setup_form_new(v, VS_STAFF, 0, title);
	f->submit = view_setup_calendar_submit;
	sf = f->data;
	snprintf(sf->target, sizeof(sf->target), "%s", id);
	form_text(f, "%s", status);
	form_text(f, "Type google or outlook; Enter makes the address that connects it (Esc closes).");
	form_field(f, "Calendar", "provider", "", "google or outlook");
	ui_push(ui, &view_form, f);
}

/* ---- keys ---- */

static const enum keys_action view_setup_actions[] = {
	KEYS_UP, KEYS_DOWN, KEYS_PAGE_UP, KEYS_PAGE_DOWN, KEYS_TOP, KEYS_BOTTOM, KEYS_LEFT, KEYS_RIGHT,
	KEYS_OPEN, KEYS_SETUP_ADD, KEYS_SETUP_EDIT, KEYS_SETUP_DELETE, KEYS_SETUP_FEED, KEYS_SETUP_CALENDAR,
	KEYS_REFRESH, KEYS_NONE,
};

static void
view_setup_key(struct ui *ui, void *state, const struct keys_press *k)
{
	struct view_setup *v = state;
	const struct view_setup_def *d = &view_setup_defs[v->section];
	enum keys_action a = keys_action_among(k, view_setup_actions);
	int have_row = v->t[v->section].cursor < view_setup_rows(v, v->section);

	if (table_key(&v->t[v->section], a))
		return;
	switch (a) {
	case KEYS_LEFT:
	case KEYS_RIGHT:
		v->section = (v->section + (a == KEYS_RIGHT ? 1 : VS_N - 1)) % VS_N;
		return;
	case KEYS_REFRESH:
		ui_load(ui, &v->ld, 1);
		return;
	case KEYS_SETUP_ADD:
	case KEYS_SETUP_EDIT:
	case KEYS_OPEN:
	case KEYS_SETUP_DELETE:
		break;
	case KEYS_SETUP_CALENDAR:
		if (!view_setup_admin(ui)) {
			ui_message(ui, 1, "only an admin connects calendars");
			return;
		}
		break;
	case KEYS_SETUP_FEED:
		/* staff see their own, wherever they are */
		if (v->loaded && !view_setup_admin(ui)) {
			if (view_setup_own(ui)[0])
				view_setup_feed(ui, v, view_setup_own(ui));
			else
				ui_message(ui, 1, "you have no staff record, so no calendar feed");
			return;
		}
		break;
	default:
		ui_other_key(ui, k, 0);
		return;
	}
	if (!v->loaded)
		return;
	if (view_setup_no_record(ui, v->section)) {
		ui_message(ui, 1, "you have no staff record; an admin can give you one");
		return;
	}
	if (a == KEYS_SETUP_ADD) {
		if (d->add_cmd == NULL)
			ui_message(ui, 0, "%s are not added: Enter changes the one at the cursor", d->nouns);
		else
			view_setup_add(ui, v);
		return;
	}
	if (!have_row) {
		ui_message(ui, 0, "no %s under the cursor", d->noun);
		return;
	}
	if (a == KEYS_SETUP_FEED) {
		if (v->section == VS_STAFF)
			view_setup_feed(ui, v,
			    view_setup_get(v, VS_STAFF, v->t[VS_STAFF].cursor, MODEL_SETUP_STAFF_ID));
		else
			ui_message(ui, 0, "i shows a staff member's calendar feed: under Staff");
		return;
	}
	if (a == KEYS_SETUP_CALENDAR) {
		size_t row = v->t[VS_STAFF].cursor;
		if (v->section == VS_STAFF)
			view_setup_calendar(ui, v, view_setup_get(v, VS_STAFF, row, MODEL_SETUP_STAFF_ID),
			    view_setup_get(v, VS_STAFF, row, MODEL_SETUP_STAFF_NAME));
		else
			ui_message(ui, 0, "c connects a staff member's Google or Outlook calendar: under Staff");
		return;
	}
	if (a == KEYS_SETUP_DELETE) {
		if (d->del_cmd == NULL)
			ui_message(ui, 0, "%s are not deleted: Enter, then Active no, retires one", d->nouns);
		else
			view_setup_delete(ui, v);
		return;
	}
	if (d->edit_cmd == NULL)
		ui_message(ui, 0, "a %s is not edited: add the new one (a), then delete this one (d)", d->noun);
	else
		view_setup_edit(ui, v);
}

static void
view_setup_change(struct ui *ui, void *state)
{
	struct view_setup *v = state;

	ui_load(ui, &v->ld, 0);
}

const struct view view_setup = {
	.name = "setup",
	.status_keys = NULL,
	.status_text = view_setup_keyline,
	.enter = view_setup_enter,
	.leave = view_setup_leave,
	.resize = NULL,
	.draw = view_setup_draw,
	.key = view_setup_key,
	.change = view_setup_change,
	.tick = NULL,
};
