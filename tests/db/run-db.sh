#!/bin/sh
# The database suite against a throwaway database (TAP on stdout).
: "${top_srcdir:=.}" "${top_builddir:=.}"
if [ -z "${RL_WITH_PG:-}" ]; then
	RL_WITH_PG=1 exec "$top_srcdir/tests/lib/with-pg" "$0" "$@"
fi
url=$("$top_srcdir/tests/lib/pg-test-db" db) || { echo "1..1"; echo "not ok 1 - could not create a test database"; exit 1; }
db=${url##*/}; db=${db%%\?*}
trap 'dropdb --if-exists "$db" >/dev/null 2>&1' EXIT INT TERM
TEST_DATABASE_URL=$url "$top_builddir/tests/db/dbtest"
