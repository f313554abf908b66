#include "db/db.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* the statements db_exec_stmt has prepared on this connection, by name;
 * a new connection is a new struct db, so it starts empty */
#define DB_STMT_MAX 16

struct db {
	PGconn *conn;
	const char *stmt[DB_STMT_MAX];
	size_t nstmt;
};

static void
db_notice_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int
db_open(const char *conninfo, struct db **out, struct err *e)
{
	PGconn *conn = PQconnectdb(conninfo ? conninfo : "");

	*out = NULL;
	if (conn == NULL)
		return err_set(e, ERR_DB, NULL, "cannot connect to the database: out of memory");
	if (PQstatus(conn) != CONNECTION_OK) {
		char msg[160];
		/* libpq's message may span lines; keep the first for one clear line */
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(conn));
		msg[strcspn(msg, "\n")] = '\0';
		PQfinish(conn);
		return err_set(e, ERR_DB, NULL, "cannot connect to the database: %s", msg);
	}
	PQsetNoticeProcessor(conn, db_notice_quiet, NULL);
	struct db *db = xcalloc(1, sizeof(*db));
	db->conn = conn;
	*out = db;
	return 0;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	PQfinish(db->conn);
	free(db);
}

PGconn *
db_conn(struct db *db)
{
	return db->conn;
}

/* Which claim an exclusion violation hit: the room or a staff member. */
static void
db_conflict_message(const char *constraint, struct err *e)
{
	if (strcmp(constraint, "booking_staff_no_overlap") == 0)
		err_set(e, ERR_CONFLICT, "staff_ids",
		    "a staff member is already assigned to an overlapping booking");
	else
		err_set(e, ERR_CONFLICT, "start_at",
		    "the room is already claimed for part of that time");
}

int
db_result_err(const PGresult *res, struct err *e)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *column = res ? PQresultErrorField(res, PG_DIAG_COLUMN_NAME) : NULL;

	if (state == NULL)
		return err_set(e, ERR_DB, NULL, "database error: %s",
		    primary ? primary : "no answer from the server");
	/* our own functions raise class RL: RL400, RL403, RL404, RL409 */
	if (strncmp(state, "RL", 2) == 0) {
		int code = strcmp(state, "RL404") == 0 ? ERR_NOT_FOUND :
		    strcmp(state, "RL403") == 0 ? ERR_FORBIDDEN :
		    strcmp(state, "RL409") == 0 ? ERR_CHANGED : ERR_INVALID;
		/* every hold a function finds no longer active it reports as
		 * RL409 on hold_id: the API's hold_expired */
		int reason = code == ERR_CHANGED && column != NULL && strcmp(column, "hold_id") == 0 ?
		    ERR_REASON_HOLD_EXPIRED : ERR_REASON_NONE;
		return err_set_reason(e, code, reason, column, "%s", primary ? primary : state);
	}
	if (strcmp(state, "23P01") == 0) {
		db_conflict_message(constraint ? constraint : "", e);
		return ERR_CONFLICT;
	}
	if (strcmp(state, "23505") == 0)
		return err_set(e, ERR_INVALID, constraint ? constraint : NULL,
		    "already exists (%s)", constraint ? constraint : "unique");
	if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0 ||
	    strcmp(state, "23503") == 0 || strncmp(state, "22", 2) == 0)
		return err_set(e, ERR_INVALID, column ? column : constraint,
		    "%s", primary ? primary : "invalid value");
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return err_set(e, ERR_CHANGED, NULL, "the data changed at the same time; try again");
	return err_set(e, ERR_DB, NULL, "database error: %s", primary ? primary : state);
}

/* db_done: hand a statement's result to the caller (res non-NULL) or clear
 * it; a failed statement is cleared and its error returned */
static int
db_done(struct db *db, PGresult *r, PGresult **res, struct err *e)
{
	ExecStatusType st = PQresultStatus(r);

	if (res)
		*res = NULL;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		int code;
		if (r == NULL || PQstatus(db->conn) == CONNECTION_BAD)
			code = err_set(e, ERR_DB, NULL, "lost the database connection");
		else
			code = db_result_err(r, e);
		PQclear(r);
		return code;
	}
	if (res)
		*res = r;
	else
		PQclear(r);
	return 0;
}

int
db_exec(struct db *db, const char *sql, int nparams, const char *const *params,
    PGresult **res, struct err *e)
{
	return db_done(db, PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0), res, e);
}

int
db_exec_stmt(struct db *db, const char *name, const char *sql, int nparams,
    const char *const *params, PGresult **res, struct err *e)
{
	size_t i;

	for (i = 0; i < db->nstmt && strcmp(db->stmt[i], name) != 0; i++)
		;
	if (i == db->nstmt) {
		if (db->nstmt == DB_STMT_MAX)
			return db_exec(db, sql, nparams, params, res, e);
		int rc = db_done(db, PQprepare(db->conn, name, sql, nparams, NULL), NULL, e);
		if (rc != 0) {
			if (res)
				*res = NULL;
			return rc;
		}
		db->stmt[db->nstmt++] = name;
	}
	return db_done(db, PQexecPrepared(db->conn, name, nparams, params, NULL, NULL, 0), res, e);
}

int
db_begin(struct db *db, struct err *e)
{
	return db_exec(db, "BEGIN", 0, NULL, NULL, e);
}

int
db_commit(struct db *db, struct err *e)
{
	return db_exec(db, "COMMIT", 0, NULL, NULL, e);
}

void
db_rollback(struct db *db)
{
	PQclear(PQexec(db->conn, "ROLLBACK"));
}

int64_t
db_int64(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

int
db_blank(const char *s)
{
	for (; s != NULL && *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

int
db_ping(struct db *db, struct err *e)
{
	return db_exec(db, "SELECT 1", 0, NULL, NULL, e);
}

int
db_result_json(const PGresult *res, char **json, struct err *e)
{
	*json = NULL;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return db_result_err(res, e);
	if (PQntuples(res) != 1 || PQnfields(res) != 1 || PQgetisnull(res, 0, 0))
		return err_set(e, ERR_INTERNAL, NULL, "a JSON read returned %d rows of %d columns%s",
		    PQntuples(res), PQnfields(res),
		    PQntuples(res) == 1 && PQnfields(res) == 1 ? ", a NULL" : "");
	*json = strdup(PQgetvalue(res, 0, 0));
	if (*json == NULL) {
		fputs("redlight: out of memory\n", stderr);
		abort();
	}
	return 0;
}

int
db_query_json(struct db *db, const char *sql, int nparams,
    const char *const *params, char **json, struct err *e)
{
	PGresult *res;
	int rc = db_exec(db, sql, nparams, params, &res, e);

	*json = NULL;
	if (rc != 0)
		return rc;
	rc = db_result_json(res, json, e);
	PQclear(res);
	return rc;
}
