#include "db/db.h"
#include "db/migrations-data.h"

#include <stdio.h>
#include <stdlib.h>

/* One lock id for "migrations are running", so two processes migrating at
 * once take turns instead of racing on CREATE TABLE. */
#define DB_MIGRATE_LOCK "SELECT pg_advisory_lock(72656401)"
#define DB_MIGRATE_UNLOCK "SELECT pg_advisory_unlock(72656401)"

static int
db_migrate_one(struct db *db, const struct db_embedded *m, struct err *e)
{
	char num[16];
	const char *params[2] = { num, m->name };
	PGresult *res;
	int rc;

	snprintf(num, sizeof(num), "%d", m->number);
	if ((rc = db_begin(db, e)) != 0)
		return rc;
	/* simple-query protocol: a migration file holds many statements */
	res = PQexec(db_conn(db), m->sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		struct err inner;
		db_result_err(res, &inner);
		PQclear(res);
		db_rollback(db);
		return err_set(e, ERR_DB, NULL, "migration %s failed: %s", m->name, inner.msg);
	}
	PQclear(res);
	rc = db_exec(db, "INSERT INTO schema_migration (version, name) VALUES ($1, $2)",
	    2, params, NULL, e);
	if (rc == 0)
		rc = db_commit(db, e);
	if (rc != 0)
		db_rollback(db);
	return rc;
}

int
db_schema_version(struct db *db, int *version, struct err *e)
{
	PGresult *res;
	int rc = db_exec(db,
	    "SELECT CASE WHEN to_regclass('schema_migration') IS NULL THEN 0 "
	    "ELSE (SELECT coalesce(max(version), 0) FROM schema_migration) END",
	    0, NULL, &res, e);

	*version = 0;
	if (rc != 0)
		return rc;
	*version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* Whether migration number is recorded in schema_migration. */
static int
db_migration_applied(const PGresult *applied, int number)
{
	for (int i = 0; i < PQntuples(applied); i++)
		if (atoi(PQgetvalue(applied, i, 0)) == number)
			return 1;
	return 0;
}

int
db_migrate(struct db *db, int *applied, struct err *e)
{
	PGresult *done = NULL;
	int rc, n = 0;

	if (applied)
		*applied = 0;
	if ((rc = db_exec(db, DB_MIGRATE_LOCK, 0, NULL, NULL, e)) != 0)
		return rc;
	rc = db_exec(db,
	    "CREATE TABLE IF NOT EXISTS schema_migration ("
	    " version int PRIMARY KEY, name text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now())",
	    0, NULL, NULL, e);
	/* every migration without its row, in order: not just those above the
	 * highest, so one that arrived late (merged beside a later number) runs */
	if (rc == 0)
		rc = db_exec(db, "SELECT version FROM schema_migration", 0, NULL, &done, e);
	for (const struct db_embedded *m = db_migrations; rc == 0 && m->name; m++) {
		if (db_migration_applied(done, m->number))
			continue;
		rc = db_migrate_one(db, m, e);
		if (rc == 0)
			n++;
	}
	PQclear(done);
	db_exec(db, DB_MIGRATE_UNLOCK, 0, NULL, NULL, NULL);
	if (applied)
		*applied = n;
	return rc;
}
