#include "db/db.h"
#include "db/migrations-data.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One lock id for "migrations are running", so two processes migrating at
 * once take turns instead of racing on CREATE TABLE. */
#define DB_MIGRATE_LOCK "SELECT pg_advisory_lock(72656401)"
#define DB_MIGRATE_UNLOCK "SELECT pg_advisory_unlock(72656401)"

/* Hex SHA-256 of a migration's text (64 digits and a NUL). */
#define DB_CHECKSUM_LEN (2 * crypto_hash_sha256_BYTES + 1)

static void
db_sql_checksum(const struct db_embedded *m, char out[DB_CHECKSUM_LEN])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)m->sql, strlen(m->sql));
	sodium_bin2hex(out, DB_CHECKSUM_LEN, h, sizeof(h));
}

/* Runs one embedded file (migration or function family, what names it in
 * an error) and its record (record_sql with params) in one transaction:
 * both or neither. */
static int
db_apply_file(struct db *db, const struct db_embedded *m, const char *what,
    const char *record_sql, int nparams, const char *const *params, struct err *e)
{
	PGresult *res;
	int rc;

	if ((rc = db_begin(db, e)) != 0)
		return rc;
	/* simple-query protocol: a file holds many statements */
	res = PQexec(db_conn(db), m->sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		struct err inner;
		db_result_err(res, &inner);
		PQclear(res);
		db_rollback(db);
		return err_set(e, ERR_DB, NULL, "%s %s failed: %s", what, m->name, inner.msg);
	}
	PQclear(res);
	rc = db_exec(db, record_sql, nparams, params, NULL, e);
	if (rc == 0)
		rc = db_commit(db, e);
	if (rc != 0)
		db_rollback(db);
	return rc;
}

static int
db_migrate_one(struct db *db, const struct db_embedded *m, struct err *e)
{
	char num[16], sum[DB_CHECKSUM_LEN];
	const char *params[3] = { num, m->name, sum };

	snprintf(num, sizeof(num), "%d", m->number);
	db_sql_checksum(m, sum);
	return db_apply_file(db, m, "migration",
	    "INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)",
	    3, params, e);
}

/* The recorded checksum of family name in applied (name, checksum), or NULL. */
static const char *
db_family_recorded(const PGresult *applied, const char *name)
{
	for (int i = 0; i < PQntuples(applied); i++)
		if (strcmp(PQgetvalue(applied, i, 0), name) == 0)
			return PQgetvalue(applied, i, 1);
	return NULL;
}

int
db_families_apply(struct db *db, const struct db_embedded *families, int *applied, struct err *e)
{
	PGresult *done;
	char sum[DB_CHECKSUM_LEN];
	const char *params[2] = { NULL, sum }, *was;
	int rc, n = 0;

	if (applied)
		*applied = 0;
	if ((rc = db_exec(db, "SELECT name, checksum FROM schema_function_family",
	    0, NULL, &done, e)) != 0)
		return rc;
	for (const struct db_embedded *f = families; rc == 0 && f->name; f++) {
		db_sql_checksum(f, sum);
		if ((was = db_family_recorded(done, f->name)) && strcmp(was, sum) == 0)
			continue;
		params[0] = f->name;
		rc = db_apply_file(db, f, "function family",
		    "INSERT INTO schema_function_family (name, checksum) VALUES ($1, $2)"
		    " ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()",
		    2, params, e);
		if (rc == 0)
			n++;
	}
	PQclear(done);
	if (applied)
		*applied = n;
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

/* The row of migration number in applied (version, checksum), or -1. */
static int
db_migration_row(const PGresult *applied, int number)
{
	for (int i = 0; i < PQntuples(applied); i++)
		if (atoi(PQgetvalue(applied, i, 0)) == number)
			return i;
	return -1;
}

/* Compares every landed migration with its recorded checksum. With
 * record set, one that has none (landed before checksums) gets it now. */
static int
db_migrations_check(struct db *db, const PGresult *applied, int record, struct err *e)
{
	char num[16], sum[DB_CHECKSUM_LEN];
	const char *params[2] = { num, sum };
	int row, rc;

	for (const struct db_embedded *m = db_migrations; m->name; m++) {
		if ((row = db_migration_row(applied, m->number)) < 0)
			continue;
		db_sql_checksum(m, sum);
		if (PQgetisnull(applied, row, 1)) {
			snprintf(num, sizeof(num), "%d", m->number);
			if (record && (rc = db_exec(db, "UPDATE schema_migration SET checksum = $2"
			    " WHERE version = $1::int AND checksum IS NULL", 2, params, NULL, e)) != 0)
				return rc;
			continue;
		}
		if (strcmp(PQgetvalue(applied, row, 1), sum) != 0)
			return err_set(e, ERR_CHANGED, NULL,
			    "migration %s changed after it was applied (checksum %.8s, now %.8s): "
			    "restore it; changes go in a new migration",
			    m->name, PQgetvalue(applied, row, 1), sum);
	}
	return 0;
}

static const char db_applied_sql[] =
    "SELECT version, checksum FROM schema_migration";

int
db_migrations_verify(struct db *db, struct err *e)
{
	PGresult *applied;
	int rc = db_exec(db,
	    "SELECT to_regclass('schema_migration') IS NOT NULL AND EXISTS (SELECT 1 FROM"
	    " information_schema.columns WHERE table_name = 'schema_migration'"
	    " AND column_name = 'checksum' AND table_schema = current_schema())",
	    0, NULL, &applied, e);

	if (rc != 0)
		return rc;
	rc = strcmp(PQgetvalue(applied, 0, 0), "t") == 0;
	PQclear(applied);
	if (!rc)
		return 0;   /* never migrated, or not since checksums: nothing recorded */
	if ((rc = db_exec(db, db_applied_sql, 0, NULL, &applied, e)) != 0)
		return rc;
	rc = db_migrations_check(db, applied, 0, e);
	PQclear(applied);
	return rc;
}

int
db_migrate(struct db *db, int *applied, struct err *e)
{
	return db_migrate_counted(db, applied, NULL, e);
}

int
db_migrate_counted(struct db *db, int *applied, int *families, struct err *e)
{
	PGresult *done = NULL;
	int rc, n = 0;

	if (applied)
		*applied = 0;
	if (families)
		*families = 0;
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, NULL, "libsodium failed to initialise");
	if ((rc = db_exec(db, DB_MIGRATE_LOCK, 0, NULL, NULL, e)) != 0)
		return rc;
	rc = db_exec(db,
	    "CREATE TABLE IF NOT EXISTS schema_migration ("
	    " version int PRIMARY KEY, name text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now())",
	    0, NULL, NULL, e);
	/* SHA-256 of each migration's text, hex; NULL for those that landed
	 * before checksums, until this run records them */
	if (rc == 0)
		rc = db_exec(db, "ALTER TABLE schema_migration ADD COLUMN IF NOT EXISTS checksum text",
		    0, NULL, NULL, e);
	if (rc == 0)
		rc = db_exec(db, db_applied_sql, 0, NULL, &done, e);
	/* landed ones first: a changed one stops everything */
	if (rc == 0)
		rc = db_migrations_check(db, done, 1, e);
	/* every migration without its row, in order: not just those above the
	 * highest, so one that arrived late (merged beside a later number) runs */
	for (const struct db_embedded *m = db_migrations; rc == 0 && m->name; m++) {
		if (db_migration_row(done, m->number) >= 0)
			continue;
		rc = db_migrate_one(db, m, e);
		if (rc == 0)
			n++;
	}
	PQclear(done);
	/* then every function family whose text is new or changed */
	if (rc == 0)
		rc = db_families_apply(db, db_families, families, e);
	db_exec(db, DB_MIGRATE_UNLOCK, 0, NULL, NULL, NULL);
	if (applied)
		*applied = n;
	return rc;
}
