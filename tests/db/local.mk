## tests/db: the db/ layer against a real throwaway PostgreSQL.
check_PROGRAMS += tests/db/dbtest
tests_db_dbtest_SOURCES = tests/db/test-db.c tests/db/test-job.c tests/db/test-families.c
tests_db_dbtest_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(PQ_CFLAGS) $(JSONC_CFLAGS)
tests_db_dbtest_LDADD = $(TAP_LIBS) $(WORKER_LIBS)
TESTS += tests/db/run-db.sh tests/db/test-sql-families.sh
EXTRA_DIST += tests/db/run-db.sh tests/db/test-sql-families.sh
