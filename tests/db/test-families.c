/* The function families (db/functions/, applied by db/migrate.c after the
 * migrations): no migration after the landed ones defines a function, every
 * function in the database is defined in exactly one family file, a changed
 * family (and only it) is applied again on the next migrate, an unchanged
 * one is not, and one that fails names itself and leaves nothing behind.
 * Runs in dbtest after the db suite (test-db.c), on the same database. */
#include <CUnit/CUnit.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/migrations-data.h"

static struct db *fdb;

/* The migrations written before the families (0022) that keep the
 * CREATE FUNCTION statements they shipped with. Any other migration,
 * whatever its number, must not define a function: its definition goes in
 * its family file (tools/sql-families where NAME, tools/sql-families check). */
static const int families_landed_with_functions[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 0
};

static int
families_suite_open(void)
{
	struct err e;

	if (db_open(getenv("TEST_DATABASE_URL"), &fdb, &e) != 0) {
		fprintf(stderr, "# %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int
families_suite_close(void)
{
	db_close(fdb);
	return 0;
}

/* fq: the first column of the first row of sql as text ("" when none). */
static const char *
fq(const char *sql, const char *param)
{
	static char buf[256];
	PGresult *res;
	struct err e;

	buf[0] = '\0';
	if (db_exec(fdb, sql, param ? 1 : 0, param ? &param : NULL, &res, &e) != 0) {
		fprintf(stderr, "# %s: %s\n", sql, e.msg);
		return "(error)";
	}
	if (PQntuples(res) > 0)
		snprintf(buf, sizeof(buf), "%s", PQgetisnull(res, 0, 0) ? "(null)" : PQgetvalue(res, 0, 0));
	PQclear(res);
	return buf;
}

/* How many times sql matches the extended, case-blind regex pattern. */
static int
families_matches(const char *pattern, const char *sql)
{
	regex_t re;
	regmatch_t m;
	int n = 0;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_ICASE) != 0)
		return -1;
	while (regexec(&re, sql, 1, &m, 0) == 0) {
		n++;
		sql += m.rm_eo;
	}
	regfree(&re);
	return n;
}

static void
test_no_migration_but_the_landed_ones_defines_a_function(void)
{
	const char *create = "create[[:space:]]+(or[[:space:]]+replace[[:space:]]+)?function";
	int bad = 0, landed;

	CU_ASSERT_EQUAL(families_matches(create, "-- none\nCREATE  OR\nREPLACE function f() x"), 1);
	for (const struct db_embedded *m = db_migrations; m->name; m++) {
		landed = 0;
		for (const int *n = families_landed_with_functions; *n; n++)
			landed |= *n == m->number;
		if (!landed && families_matches(create, m->sql) != 0) {
			fprintf(stderr, "# migration %s defines a function: move its definition into"
			    " its family in db/functions/ (tools/sql-families check)\n", m->name);
			bad++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_every_function_is_defined_in_exactly_one_family(void)
{
	PGresult *res;
	struct err e;
	char pattern[256];
	int found, bad = 0;

	/* the database's own functions: not those of its extensions */
	if (db_exec(fdb, "SELECT p.proname FROM pg_proc p"
	    " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
	    " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
	    " AND d.objid = p.oid AND d.deptype = 'e') ORDER BY 1", 0, NULL, &res, &e) != 0) {
		CU_FAIL("the function list could not be read");
		return;
	}
	CU_ASSERT(PQntuples(res) > 50);
	for (int i = 0; i < PQntuples(res); i++) {
		snprintf(pattern, sizeof(pattern), "create[[:space:]]+or[[:space:]]+replace[[:space:]]+"
		    "function[[:space:]]+(public\\.)?%s[[:space:]]*\\(", PQgetvalue(res, i, 0));
		found = 0;
		for (const struct db_embedded *f = db_families; f->name; f++)
			found += families_matches(pattern, f->sql);
		if (found != 1) {
			fprintf(stderr, "# function %s is defined in %d family files, not one\n",
			    PQgetvalue(res, i, 0), found);
			bad++;
		}
	}
	PQclear(res);
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_families_are_in_file_name_order_and_all_recorded(void)
{
	long n = 0;
	char sql[128];

	for (const struct db_embedded *f = db_families; f->name; f++, n++)
		if (f[1].name)
			CU_ASSERT(strcmp(f->name, f[1].name) < 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) = %ld FROM schema_function_family", n);
	CU_ASSERT_STRING_EQUAL(fq(sql, NULL), "t");
}

/* A copy of the embedded families with the one named name's text replaced
 * by sql (the caller frees the copy; sql stays the caller's). */
static struct db_embedded *
families_with(const char *name, const char *sql)
{
	size_t n = 0;
	struct db_embedded *copy;

	while (db_families[n].name)
		n++;
	copy = calloc(n + 1, sizeof(*copy));
	memcpy(copy, db_families, (n + 1) * sizeof(*copy));
	for (size_t i = 0; i < n; i++)
		if (strcmp(copy[i].name, name) == 0)
			copy[i].sql = sql;
	return copy;
}

static const char families_applied_at[] =
    "SELECT string_agg(name || ' ' || applied_at::text || ' ' || checksum, ',' ORDER BY name)"
    " FROM schema_function_family WHERE name <> 'helpers'";

static void
test_a_changed_or_new_family_alone_is_applied_and_an_unchanged_one_is_not(void)
{
	const char *helpers = NULL, *comment =
	    "\nCOMMENT ON FUNCTION json_utc(timestamptz) IS 'applied again';\n";
	char *changed, others[4096], sum[80];
	struct db_embedded *copy;
	struct err e;
	int applied = -1;

	for (const struct db_embedded *f = db_families; f->name; f++)
		if (strcmp(f->name, "helpers") == 0)
			helpers = f->sql;
	CU_ASSERT_PTR_NOT_NULL_FATAL(helpers);
	/* unchanged: nothing runs */
	CU_ASSERT_EQUAL(db_families_apply(fdb, db_families, &applied, &e), 0);
	CU_ASSERT_EQUAL(applied, 0);
	snprintf(others, sizeof(others), "%s", fq(families_applied_at, NULL));
	snprintf(sum, sizeof(sum), "%s", fq("SELECT checksum FROM schema_function_family"
	    " WHERE name = 'helpers'", NULL));

	changed = malloc(strlen(helpers) + strlen(comment) + 1);
	strcpy(changed, helpers);
	strcat(changed, comment);
	copy = families_with("helpers", changed);
	CU_ASSERT_EQUAL(db_families_apply(fdb, copy, &applied, &e), 0);
	CU_ASSERT_EQUAL(applied, 1);
	CU_ASSERT_STRING_EQUAL(fq("SELECT obj_description('json_utc(timestamptz)'::regprocedure)",
	    NULL), "applied again");
	CU_ASSERT_STRING_NOT_EQUAL(fq("SELECT checksum FROM schema_function_family"
	    " WHERE name = 'helpers'", NULL), sum);
	CU_ASSERT_STRING_EQUAL(fq(families_applied_at, NULL), others);
	/* the same text again: recorded, so not applied again */
	CU_ASSERT_EQUAL(db_families_apply(fdb, copy, &applied, &e), 0);
	CU_ASSERT_EQUAL(applied, 0);

	/* back to the embedded text, as the next migrate does */
	CU_ASSERT_EQUAL(db_migrate_counted(fdb, NULL, &applied, &e), 0);
	CU_ASSERT_EQUAL(applied, 1);
	CU_ASSERT_STRING_EQUAL(fq("SELECT checksum FROM schema_function_family"
	    " WHERE name = 'helpers'", NULL), sum);
	CU_ASSERT_STRING_EQUAL(fq(families_applied_at, NULL), others);
	fq("COMMENT ON FUNCTION json_utc(timestamptz) IS NULL", NULL);
	/* a family the database has no record of (a new file) is applied */
	fq("DELETE FROM schema_function_family WHERE name = 'helpers'", NULL);
	CU_ASSERT_EQUAL(db_migrate_counted(fdb, NULL, &applied, &e), 0);
	CU_ASSERT_EQUAL(applied, 1);
	CU_ASSERT_STRING_EQUAL(fq("SELECT checksum FROM schema_function_family"
	    " WHERE name = 'helpers'", NULL), sum);
	free(copy);
	free(changed);
}

static void
test_a_failing_family_is_named_and_leaves_nothing_behind(void)
{
	const char *broken =
	    "CREATE OR REPLACE FUNCTION public.json_utc(t timestamp with time zone)\n"
	    " RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'half-applied' $$;\n"
	    "SELECT no_such_column FROM app_user;\n";
	struct db_embedded *copy = families_with("helpers", broken);
	char sum[80];
	struct err e;
	int applied = -1;

	snprintf(sum, sizeof(sum), "%s", fq("SELECT checksum FROM schema_function_family"
	    " WHERE name = 'helpers'", NULL));
	err_clear(&e);
	CU_ASSERT_EQUAL(db_families_apply(fdb, copy, &applied, &e), ERR_DB);
	CU_ASSERT_EQUAL(applied, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "function family helpers failed: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "no_such_column"));
	CU_ASSERT_STRING_EQUAL(fq("SELECT json_utc('2030-01-02 03:04:05Z')", NULL),
	    "2030-01-02T03:04:05Z");
	CU_ASSERT_STRING_EQUAL(fq("SELECT checksum FROM schema_function_family"
	    " WHERE name = 'helpers'", NULL), sum);
	free(copy);
}

void
test_families_suite_add(void)
{
	CU_pSuite s = CU_add_suite("families", families_suite_open, families_suite_close);

	CU_add_test(s, "no migration but the landed ones defines a function", test_no_migration_but_the_landed_ones_defines_a_function);
	CU_add_test(s, "every function is defined in exactly one family", test_every_function_is_defined_in_exactly_one_family);
	CU_add_test(s, "families are in file-name order and all recorded", test_families_are_in_file_name_order_and_all_recorded);
	CU_add_test(s, "a changed or new family alone is applied and an unchanged one is not", test_a_changed_or_new_family_alone_is_applied_and_an_unchanged_one_is_not);
	CU_add_test(s, "a failing family is named and leaves nothing behind", test_a_failing_family_is_named_and_leaves_nothing_behind);
}
