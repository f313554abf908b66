# tests/tui/lib.sh: what the tui tests share; sourced, not run.
#
# tui_start_pg "$@" re-executes the test through tests/lib/with-pg unless
# the PG* variables already reach a server, then makes a throwaway database
# (DATABASE_URL, DB_NAME) that is dropped when the test exits. TAP helpers
# count the tests; tui_done prints the plan last.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
export top_srcdir top_builddir
REDLIGHT=${REDLIGHT:-$top_builddir/redlight}

tap_n=0
tap_failed=0

tui_start_pg() {
	if [ -z "${PGHOST:-}" ] || ! psql -XAtqc 'select 1' >/dev/null 2>&1; then
		if [ -n "${RL_TUI_REEXEC:-}" ]; then
			echo "Bail out! no PostgreSQL server even through tests/lib/with-pg"
			exit 1
		fi
		RL_TUI_REEXEC=1 exec "$top_srcdir/tests/lib/with-pg" sh "$0" "$@"
	fi
	unset DATABASE_URL
	if [ ! -x "$REDLIGHT" ]; then
		echo "Bail out! $REDLIGHT is not built"
		exit 1
	fi
	DATABASE_URL=$("$top_srcdir/tests/lib/pg-test-db" tui) || {
		echo "Bail out! cannot create a test database"
		exit 1
	}
	DB_NAME=$(basename "${DATABASE_URL%%\?*}")
	export DATABASE_URL DB_NAME
	tmp_err=$(mktemp "${TMPDIR:-/tmp}/rl-tui-err.XXXXXX")
	trap 'tui_cleanup' EXIT
	trap 'exit 1' INT TERM HUP
}

# tui_cleanup: the test's own extra cleanup (tui_cleanup_hook), then the
# database.
tui_cleanup() {
	if command -v tui_cleanup_hook >/dev/null 2>&1; then
		tui_cleanup_hook
	fi
	if [ -n "${DB_NAME:-}" ]; then
		dropdb --if-exists "$DB_NAME" >/dev/null 2>&1 || true
	fi
	rm -f "${tmp_err:-}"
}

# sql: run SQL on the test database, unaligned, tuples only.
sql() {
	psql -XAtq -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -c "$1"
}

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=1
	echo "not ok $tap_n - $1"
}

# diag: the rest of the arguments, or stdin, as TAP comments.
diag() {
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | sed 's/^/# /'
	else
		sed 's/^/# /'
	fi
}

# t DESCRIPTION CONDITION: one test, passing when the shell code CONDITION
# (run by eval) succeeds; a failure shows what the last run printed.
t() {
	if eval "$2"; then
		ok "$1"
	else
		not_ok "$1"
		explain
	fi
}

# out_has / err_has PATTERN: the last run's stdout / stderr has a line
# matching the basic regular expression PATTERN.
out_has() {
	printf '%s\n' "$out" | grep -q -- "$1"
}
err_has() {
	printf '%s\n' "$err" | grep -q -- "$1"
}

# one_line TEXT: TEXT is exactly one non-empty line.
one_line() {
	[ -n "$1" ] && [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ]
}

# run ARGS...: run redlight, keeping stdout in $out, stderr in $err and
# the exit status in $rc.
run() {
	out=$("$REDLIGHT" "$@" 2>"$tmp_err")
	rc=$?
	err=$(cat "$tmp_err")
}

# explain: after a failed check, show what the last run printed.
explain() {
	diag "exit status: $rc" "stdout:" "$out" "stderr:" "$err"
}

tui_done() {
	echo "1..$tap_n"
	exit $tap_failed
}
