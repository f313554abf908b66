#include "db/db.h"
#include "db/migrations-data.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* The demo password is public on purpose: demo data only (README). */
#define DB_DEMO_PASSWORD "redlight-demo"

static const struct db_embedded *
db_seed_find(const char *name)
{
	for (const struct db_embedded *s = db_seeds; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

int
db_seed_demo(struct db *db, int *seeded, struct err *e)
{
	const struct db_embedded *seed = db_seed_find("demo");
	char hash[crypto_pwhash_STRBYTES];
	const char *params[1] = { hash };
	PGresult *res;
	int rc;

	if (seeded)
		*seeded = 0;
	if (seed == NULL)
		return err_set(e, ERR_INTERNAL, NULL, "the demo seed is not built in");
	if ((rc = db_password_hash(DB_DEMO_PASSWORD, hash, sizeof(hash), e)) != 0)
		return rc;
	if ((rc = db_begin(db, e)) != 0)
		return rc;
	/* Empty means no rooms and no users: a studio in use is never touched. */
	rc = db_exec(db, "SELECT (SELECT count(*) FROM room) + (SELECT count(*) FROM app_user)"
	    " FROM settings FOR UPDATE", 0, NULL, &res, e);
	if (rc != 0)
		goto fail;
	if (PQntuples(res) != 1 || atol(PQgetvalue(res, 0, 0)) > 0) {
		PQclear(res);
		db_rollback(db);
		return 0;
	}
	PQclear(res);
	rc = db_exec(db, "SELECT set_config('redlight.demo_hash', $1, true)", 1, params, NULL, e);
	if (rc != 0)
		goto fail;
	res = PQexec(db_conn(db), seed->sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		struct err inner;
		db_result_err(res, &inner);
		PQclear(res);
		rc = err_set(e, ERR_DB, NULL, "demo seed failed: %s", inner.msg);
		goto fail;
	}
	PQclear(res);
	if ((rc = db_commit(db, e)) != 0)
		goto fail;
	if (seeded)
		*seeded = 1;
	return 0;
fail:
	db_rollback(db);
	return rc;
}
