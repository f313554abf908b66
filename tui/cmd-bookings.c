/* cmd-bookings.c: `redlight bookings [filters] [--json]`: the bookings of
 * one studio-local day (today by default), or those a filter picks. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bstate.h"
#include "core/xalloc.h"
#include "db/admin.h"
#include "tui/cmd.h"
#include "tui/fmt.h"
#include "tui/model.h"
#include "tui/text.h"

#define CMD_BOOKINGS_COLS 6

/* cmd_bookings_day: the local day s ("YYYY-MM-DD") as [start, end). */
static int
cmd_bookings_day(const struct tz *tz, const char *s, const char *field, int64_t *start,
    int64_t *end, struct err *e)
{
	int y, m, d;

	if (tz_parse_date(s, &y, &m, &d, NULL) != 0 ||
	    tz_local_day_bounds(tz, y, m, d, start, end, NULL) != 0)
		return err_set(e, ERR_INVALID, field, "--%s wants an existing day as YYYY-MM-DD, not '%.40s'",
		    field, s);
	return 0;
}

int
cmd_bookings_resolve(struct db *db, const struct tz *tz, int64_t now,
    const struct cmd_bookings_filter *f, struct cmd_bookings_params *p, struct err *e)
{
	enum booking_status st;
	char name[128];
	int64_t a, b, from = 0, to = 0;
	int has_from = 0, has_to = 0, rc;

	memset(p, 0, sizeof(*p));
	if (f->date != NULL && (f->from != NULL || f->to != NULL))
		return err_set(e, ERR_INVALID, "date", "--date is one day: give it, or --from and --to");
	if (f->status != NULL && booking_status_parse(f->status, &st) != 0)
		return err_set(e, ERR_INVALID, "status", "unknown status '%.40s' (awaiting_approval, "
		    "confirmed, rejected, canceled, completed)", f->status);
	p->v[0] = f->status;
	if (f->date != NULL) {
		if ((rc = cmd_bookings_day(tz, f->date, "date", &from, &to, e)) != 0)
			return rc;
		has_from = has_to = 1;
		p->is_day = 1;
		tz_parse_date(f->date, &p->y, &p->m, &p->d, NULL);
	}
	if (f->from != NULL) {
		if ((rc = cmd_bookings_day(tz, f->from, "from", &from, &b, e)) != 0)
			return rc;
		has_from = 1;
	}
	if (f->to != NULL) {
		/* --to names the last day shown, whole */
		if ((rc = cmd_bookings_day(tz, f->to, "to", &a, &to, e)) != 0)
			return rc;
		has_to = 1;
	}
	if (has_from && has_to && to <= from)
		return err_set(e, ERR_INVALID, "to", "--to is before --from");
	if (f->date == NULL && f->from == NULL && f->to == NULL && f->status == NULL &&
	    f->room == NULL && f->staff == NULL && f->search == NULL) {
		/* no filter at all: today, as the console's first screen */
		model_today(tz, now, &p->y, &p->m, &p->d);
		if (tz_local_day_bounds(tz, p->y, p->m, p->d, &from, &to, e) != 0)
			return ERR_INTERNAL;
		has_from = has_to = 1;
		p->is_day = 1;
	}
	if (f->room != NULL) {
		if ((rc = db_admin_room_resolve(db, f->room, p->room_id, name, sizeof(name), e)) != 0)
			return rc;
		p->v[1] = p->room_id;
	}
	if (f->staff != NULL) {
		if ((rc = db_admin_staff_resolve(db, f->staff, p->staff_id, name, sizeof(name), e)) != 0)
			return rc;
		p->v[2] = p->staff_id;
	}
	if (has_from) {
		tz_format_utc(from, p->from, sizeof(p->from), NULL);
		p->v[3] = p->from;
	}
	if (has_to) {
		tz_format_utc(to, p->to, sizeof(p->to), NULL);
		p->v[4] = p->to;
	}
	p->v[5] = f->search != NULL && f->search[0] != '\0' ? f->search : NULL;
	return 0;
}

static void
cmd_bookings_table(struct cmd_ctx *ctx, const struct model_studio *st,
    const struct model_bookings *b, const struct cmd_bookings_params *p)
{
	static const char *const heads[CMD_BOOKINGS_COLS] = {
		"TIME", "STATUS", "ROOM", "ARTIST", "STAFF", "CODE",
	};
	const char **cells;
	char (*times)[48];

	if (p->is_day)
		fprintf(ctx->out, "%s %04d-%02d-%02d (%s)\n", model_weekday_name(p->y, p->m, p->d),
		    p->y, p->m, p->d, st->timezone);
	if (b->n == 0) {
		fputs("no bookings\n", ctx->out);
		return;
	}
	cells = xcalloc(b->n * CMD_BOOKINGS_COLS, sizeof(*cells));
	times = xcalloc(b->n, sizeof(*times));
	for (size_t i = 0; i < b->n; i++) {
		const struct model_booking *x = &b->v[i];
		const char **row = cells + i * CMD_BOOKINGS_COLS;

		if (p->is_day) {
			char from[16], to[16];
			model_local_time(st->tz, x->start, p->y, p->m, p->d, from, sizeof(from));
			model_local_time(st->tz, x->end, p->y, p->m, p->d, to, sizeof(to));
			snprintf(times[i], sizeof(times[i]), "%s-%s", from, to);
		} else {
			fmt_span_short(st->tz, x->start, x->end, times[i], sizeof(times[i]));
		}
		row[0] = times[i];
		row[1] = x->status;
		row[2] = x->room_name;
		row[3] = x->artist_name[0] ? x->artist_name : "-";
		row[4] = x->staff[0] ? x->staff : "-";
		row[5] = x->code;
	}
	text_table(ctx->out, CMD_BOOKINGS_COLS, heads, cells, b->n, 0);
	free(cells);
	free(times);
}

int
cmd_bookings_parse(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_bookings *out)
{
	const char *json_flag = NULL;
	struct cmd_bookings_filter *f = &out->filter;
	const struct cmd_opt opts[] = {
		{ "json", 0, &json_flag },
		{ "date", 1, &f->date },
		{ "status", 1, &f->status },
		{ "room", 1, &f->room },
		{ "staff", 1, &f->staff },
		{ "from", 1, &f->from },
		{ "to", 1, &f->to },
		{ "search", 1, &f->search },
		{ NULL, 0, NULL },
	};
	char *rest[1];
	int nrest, rc, y, m, d;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_parse(ctx, argc, argv, opts, rest, 0, &nrest)) != 0)
		return rc;
	/* what can be judged without the database is a usage error */
	if (f->date != NULL && tz_parse_date(f->date, &y, &m, &d, NULL) != 0)
		return cmd_field_error(ctx, "date", "--date wants an existing day as YYYY-MM-DD, not '%s'",
		    f->date);
	out->json = json_flag != NULL;
	/* the table shows the list's columns; --json every booking in full */
	out->list = !out->json;
	return 0;
}

/* cmd_bookings_sql: what c reads: the list's rows, or every booking in full. */
static const char *
cmd_bookings_sql(const struct cmd_bookings *c)
{
	return c->list ? DB_ADMIN_BOOKINGS_LIST_SQL : DB_ADMIN_BOOKINGS_JSON_SQL;
}

int
cmd_bookings_recv(const struct cmd_bookings *c, const PGresult *res, struct cmd_bookings_out *out,
    struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return db_result_err(res, e);
	if (c->list)
		return model_bookings_from_rows(res, &out->b, e);
	if (PQntuples(res) != 1 || PQnfields(res) != 1)
		return err_set(e, ERR_INTERNAL, NULL, "the bookings read gave no JSON");
	out->json = xstrdup(PQgetvalue(res, 0, 0));
	return 0;
}

void
cmd_bookings_out_free(struct cmd_bookings_out *out)
{
	free(out->json);
	model_bookings_free(&out->b);
	memset(out, 0, sizeof(*out));
}

int
cmd_bookings_send(struct cmd_ctx *ctx, const struct cmd_bookings *c, const struct tz *tz, int64_t now,
    struct cmd_bookings_params *p, PGconn *conn, struct err *e)
{
	int rc;

	if ((rc = cmd_open_db(ctx, e)) != 0 ||
	    (rc = cmd_bookings_resolve(ctx->db, tz, now, &c->filter, p, e)) != 0)
		return rc;
	if (PQsendQueryParams(conn, cmd_bookings_sql(c), 6, NULL, p->v, NULL, NULL, 0) == 0)
		return err_set(e, ERR_DB, NULL, "cannot send the bookings read: %s", PQerrorMessage(conn));
	return 0;
}

int
cmd_bookings_list_send(struct cmd_ctx *ctx, const struct cmd_bookings_filter *f, const struct tz *tz,
    PGconn *conn, struct err *e)
{
	const struct cmd_bookings c = { .filter = *f, .list = 1 };
	struct cmd_bookings_params p;

	return cmd_bookings_send(ctx, &c, tz, (int64_t)time(NULL), &p, conn, e);
}

int
cmd_bookings_list_recv(const PGresult *res, struct model_bookings *b, struct err *e)
{
	const struct cmd_bookings c = { .list = 1 };
	struct cmd_bookings_out out;
	int rc;

	if ((rc = cmd_bookings_recv(&c, res, &out, e)) == 0)
		*b = out.b;
	return rc;
}

int
cmd_bookings_run(struct cmd_ctx *ctx, const struct cmd_bookings *c, const struct tz *tz,
    int64_t now, struct cmd_bookings_params *p, struct cmd_bookings_out *out, struct err *e)
{
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cmd_open_db(ctx, e)) != 0 ||
	    (rc = cmd_bookings_resolve(ctx->db, tz, now, &c->filter, p, e)) != 0 ||
	    (rc = db_exec(ctx->db, cmd_bookings_sql(c), 6, p->v, &res, e)) != 0)
		return rc;
	rc = cmd_bookings_recv(c, res, out, e);
	PQclear(res);
	return rc;
}

static int
cmd_bookings_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_bookings_params p;
	struct cmd_bookings c;
	struct model_studio st;
	struct cmd_bookings_out out;
	struct err e;
	int rc;

	if ((rc = cmd_bookings_parse(ctx, argc, argv, &c)) != 0 || (rc = cmd_db(ctx)) != 0)
		return rc;
	err_clear(&e);
	if (model_studio_load(ctx->db, &st, &e) != 0)
		return cmd_fail(ctx, &e);
	rc = cmd_bookings_run(ctx, &c, st.tz, (int64_t)time(NULL), &p, &out, &e);
	if (rc != 0) {
		model_studio_free(&st);
		return rc == ERR_INVALID ? cmd_field_error(ctx, e.field, "%s", e.msg) : cmd_fail(ctx, &e);
	}
	if (c.json)
		fprintf(ctx->out, "%s\n", out.json);
	else
		cmd_bookings_table(ctx, &st, &out.b, &p);
	cmd_bookings_out_free(&out);
	model_studio_free(&st);
	return 0;
}

const struct cmd_entry cmd_bookings_entry = {
	.name = "bookings",
	.usage = "[--date D | --from D --to D] [--status S] [--room R] [--staff S] [--search TEXT] [--json]",
	.summary = "bookings of a day (default today), or as filtered",
	.exec = cmd_bookings_exec,
	.flags = 0,
};
