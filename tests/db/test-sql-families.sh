#!/bin/sh
# tools/sql-families against a copy of the tree's SQL (TAP on stdout):
# `where` names the family file of a function and fails on an unknown one;
# `check` names a function that a migration redefines behind the families'
# back and one that no family defines, and exits non-zero; one a migration
# after the families drops is counted, not reported.
: "${top_srcdir:=.}"
if [ -z "${RL_WITH_PG:-}" ]; then
	RL_WITH_PG=1 exec "$top_srcdir/tests/lib/with-pg" "$0" "$@"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sql-families.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/tools" "$tmp/tests/lib" "$tmp/db"
cp "$top_srcdir/tools/sql-families" "$tmp/tools/"
cp "$top_srcdir/tests/lib/with-pg" "$tmp/tests/lib/"
cp -R "$top_srcdir/db/migrations" "$top_srcdir/db/functions" "$tmp/db/"
tool=$tmp/tools/sql-families
n=0
t() { # name, condition
	n=$((n + 1))
	if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
echo "1..5"

out=$("$tool" where json_utc)
t "where names the family file and line of a function" \
	'printf "%s\n" "$out" | grep -qx "db/functions/helpers.sql:[0-9]*"'
"$tool" where no_such_function >/dev/null 2>"$tmp/err"; rc=$?
t "where fails on a function no family defines" \
	'[ "$rc" = 1 ] && grep -q "no_such_function: not defined in any family file" "$tmp/err"'

# what a branch's migration numbered below the families would bring
cat > "$tmp/db/migrations/0020_redefines.sql" <<'SQL'
CREATE OR REPLACE FUNCTION json_utc(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT 'redefined' $$;
CREATE FUNCTION brand_new() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION brand_gone() RETURNS int LANGUAGE sql AS 'SELECT 2';
SQL
printf 'DROP FUNCTION brand_gone();\n' > "$tmp/db/migrations/0999_drops.sql"
out=$("$tool" check 2>&1); rc=$?
t "check names a function a migration redefines, with the difference" \
	'[ "$rc" = 1 ] && printf "%s\n" "$out" | grep -q "^differs: json_utc(timestamp with time zone): .*db/functions/helpers.sql:" &&
	printf "%s\n" "$out" | grep -qxF -e "-AS \$function\$ SELECT '"'redefined'"' \$function\$"'
t "check names a function no family defines" \
	'printf "%s\n" "$out" | grep -q "^missing: brand_new(): no family file defines it"'
t "check counts a function a later migration drops and does not report it" \
	'! printf "%s\n" "$out" | grep -q "brand_gone" &&
	printf "%s\n" "$out" | grep -q "^[0-9]* functions after the migrations up to 0022, [1-9][0-9]* dropped by later ones,"'
