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

# tui_cleanup: the test's own extra cleanup (tui_cleanup_hook), the lock
# holder (locker_start), the tmux server (tui_start_tmux), then the
# database.
tui_cleanup() {
	if command -v tui_cleanup_hook >/dev/null 2>&1; then
		tui_cleanup_hook
	fi
	locker_stop
	if [ -n "${SOCK:-}" ]; then
		tmx kill-server >/dev/null 2>&1 || true
		# tmux leaves its socket file behind
		rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
		rm -rf "$tmpd"
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

# tui_open [--tmux] [--admin] [-- ARGS...]: the opening the suites share: a
# throwaway database (tui_start_pg ARGS), with --tmux a private tmux server
# (tui_start_tmux), then the schema migrated and the demo studio seeded (a
# failure bails out); with --admin, ADMIN, the demo admin's login, and
# REDLIGHT_PASSWORD, the demo's password, exported for the commands' --as.
tui_open() {
	open_tmux=
	open_admin=
	while [ $# -gt 0 ]; do
		case $1 in
		--tmux) open_tmux=1 ;;
		--admin) open_admin=1 ;;
		--) shift; break ;;
		*) break ;;
		esac
		shift
	done
	tui_start_pg "$@"
	[ -z "$open_tmux" ] || tui_start_tmux
	tui_demo
	if [ -n "$open_admin" ]; then
		ADMIN=admin@redlight.test
		REDLIGHT_PASSWORD=redlight-demo
		export REDLIGHT_PASSWORD
	fi
}

# json EXPR: evaluate the Python expression EXPR with j bound to the JSON
# of the last run's stdout; prints the result (or the error).
json() {
	printf '%s' "$out" | python3 -c 'import json, sys; j = json.load(sys.stdin); print('"$1"')' 2>&1
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- the console through tmux ----------------------------------------------

# tui_start_tmux: skip the test (TAP plan 1..0) without tmux; otherwise a
# private tmux server (SOCK), a temporary directory for the consoles'
# stderr (tmpd), and WAIT, how long one screen may take to show what we
# wait for, in seconds. tui_cleanup stops and removes them.
tui_start_tmux() {
	if ! command -v tmux >/dev/null 2>&1; then
		echo "1..1"; echo "not ok 1 - tmux is missing: install the Debian package tmux"
		exit 0
	fi
	WAIT=${RL_TUI_WAIT:-15}
	tmpd=$(mktemp -d "${TMPDIR:-/tmp}/rl-tui-console.XXXXXX")
	SOCK=rltest-$$
}

tmx() {
	tmux -L "$SOCK" -f /dev/null "$@"
}

# console NAME: start redlight's console in a detached 100x30 session;
# the pane stays after the program ends so its exit status can be read,
# and what it says on stderr lands in $tmpd/NAME.err (tmux draws over the
# pane once it is dead). CONSOLE_WRAP, when set, is a command line (quoted
# for sh, ending in a blank) that runs the console, as strace does.
console() {
	tmx start-server \; set-option -g remain-on-exit on \; \
		new-session -d -s "$1" -x 100 -y 30 \
		-e "DATABASE_URL=$DATABASE_URL" -e "LANG=C.UTF-8" -e "LC_ALL=" \
		-e "ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0" \
		"exec ${CONSOLE_WRAP:-}'$REDLIGHT' 2>'$tmpd/$1.err'"
}

# stderr_of NAME: what the console NAME printed on stderr.
stderr_of() {
	cat "$tmpd/$1.err" 2>/dev/null
}

pane_text() {
	tmx capture-pane -p -t "$1"
}

# wait_for SESSION TEXT: poll the screen until it shows TEXT (a fixed
# string) or WAIT seconds pass.
wait_for() {
	deadline=$(($(date +%s) + WAIT))
	while ! pane_text "$1" | grep -qF -- "$2"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# wait_match SESSION REGEX: wait_for with a basic regular expression.
wait_match() {
	deadline=$(($(date +%s) + WAIT))
	while ! pane_text "$1" | grep -q -- "$2"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# wait_gone SESSION TEXT: poll until the screen no longer shows TEXT.
wait_gone() {
	deadline=$(($(date +%s) + WAIT))
	while pane_text "$1" | grep -qF -- "$2"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# wait_sql QUERY EXPECTED: poll the database until QUERY answers EXPECTED
# or WAIT seconds pass.
wait_sql() {
	deadline=$(($(date +%s) + WAIT))
	while [ "$(sql "$1")" != "$2" ]; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# wait_dead SESSION: poll until the program in the pane has exited and tmux
# knows its exit status. tmux marks a pane dead when its pty closes, before
# it reaps the child, and now and then misses the SIGCHLD altogether
# (tmux/tmux#311, #4841): a dead pane without a status gets the server a
# SIGCHLD of its own so it reaps.
wait_dead() {
	deadline=$(($(date +%s) + WAIT))
	while :; do
		state=$(tmx display-message -p -t "$1" '#{pane_dead}:#{pane_dead_status}#{pane_dead_signal}')
		case $state in
		1:?*) return 0 ;;
		1:) kill -CHLD "$(tmx display-message -p '#{pid}')" 2>/dev/null ;;
		esac
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

dead_status() {
	tmx display-message -p -t "$1" '#{pane_dead_status}'
}

# type_text SESSION TEXT: type TEXT literally; key SESSION KEY...: press keys
# by tmux's names (Enter, Tab, C-u, Up).
type_text() {
	# -- so text that starts with a dash ("-3") is typed, not an option
	tmx send-keys -t "$1" -l -- "$2"
}
key() {
	s=$1
	shift
	tmx send-keys -t "$s" "$@"
}

# sign_in SESSION EMAIL PASSWORD: fill both fields from an empty email
# field and submit.
sign_in() {
	key "$1" C-u
	type_text "$1" "$2"
	key "$1" Enter
	type_text "$1" "$3"
	key "$1" Enter
}

# console_in SESSION EMAIL: console SESSION signed in as EMAIL (the
# demo's password), on its first screen.
console_in() {
	console "$1"
	wait_for "$1" "Sign in to the redlight console"
	sign_in "$1" "$2" redlight-demo
	wait_for "$1" "Vocal Booth"
}

# console_setup SESSION EMAIL: console_in, then the setup screen.
console_setup() {
	console_in "$1" "$2"
	key "$1" 7
	wait_for "$1" "SETUP"
}

# box_lines SESSION: the lines inside a form's box, its borders gone.
box_lines() {
	pane_text "$1" | sed -n 's/^[^│]*│\(.*\)│[^│]*$/\1/p'
}

# s DESCRIPTION CONDITION: t, but a failure shows the screen of the session
# named by $sess and what it printed on stderr.
s() {
	if eval "$2"; then
		ok "$1"
	else
		not_ok "$1"
		diag "screen of '$sess':"
		pane_text "$sess" 2>&1 | diag
		diag "its stderr:"
		stderr_of "$sess" | diag
	fi
}

tui_done() {
	echo "1..$tap_n"
	exit $tap_failed
}

# demo_day: sets DAY to a weekday a few days ahead, no holiday, inside every
# rule of the demo studio; then submit CODE ROOM FROM TO books the demo
# artist a one-hour rental on DAY as the web submits it (booking_submit,
# with the quote the web would store; it tells listeners).
demo_day() {
	DAY=$(sql "SELECT d::date FROM generate_series((now() AT TIME ZONE 'America/Toronto')::date + 3,
		(now() AT TIME ZONE 'America/Toronto')::date + 12, interval '1 day') d
		WHERE to_char(d, 'MM-DD') <> '12-25' AND extract(dow FROM d) BETWEEN 1 AND 5 LIMIT 1")
}
submit() {
	a="(('$DAY'::date + time '$3') AT TIME ZONE 'America/Toronto')"
	b="(('$DAY'::date + time '$4') AT TIME ZONE 'America/Toronto')"
	sql "SELECT booking_id FROM booking_submit('00000000-0000-4000-8000-000000000005', NULL,
	     (SELECT id FROM room WHERE name = '$2'), $a, $b, tstzrange($a, $b, '[)'), 'from the web', '{}',
	     json_build_array(json_build_object('service_id', '00000000-0000-4000-8000-0000000000b2', 'quantity', 1,
	       'unit_price_cents', 5000, 'total_cents', 5000))::jsonb,
	     jsonb_build_object('subtotal_cents', 5000, 'fees_cents', 0, 'tax_rate_bp', 1300, 'taxes_cents', 650,
	       'total_cents', 5650, 'deposit_percent', 25, 'deposit_cents', 1413, 'currency', 'CAD',
	       'cancellation_tiers', (SELECT cancellation_tiers FROM settings), 'reschedule_free_min_hours', 24,
	       'reschedule_free_count', 1, 'reschedule_fee_cents', 2500), '$1', 'web', '{}')" >/dev/null
}

# tui_need_strace: bail out without strace (the suites that count the
# console's system calls).
tui_need_strace() {
	command -v strace >/dev/null 2>&1 || {
		echo "Bail out! strace is missing: install the Debian package strace"
		exit 1
	}
}

# book_hourly PREFIX N: N confirmed sessions of the demo artist in Studio
# B, RL-PREFIX-000 on, hourly at five past from the day after tomorrow (a
# start no demo booking shares, so a list's order is the start's),
# written directly.
book_hourly() {
	sql "INSERT INTO booking (code, user_id, room_id, status, start_at, end_at, blocked, approved_at)
	     SELECT 'RL-$1-' || lpad(i::text, 3, '0'), '00000000-0000-4000-8000-000000000005',
	            '00000000-0000-4000-8000-0000000000a2', 'confirmed', t, t + interval '30 min',
	            tstzrange(t, t + interval '30 min', '[)'), now()
	       FROM (SELECT i, date_trunc('day', now()) + interval '2 days 5 min' + i * interval '1 hour' AS t
	               FROM generate_series(0, $2 - 1) i) s" >/dev/null
}

# eventually CONDITION: poll until the shell CONDITION holds or WAIT
# seconds pass.
eventually() {
	deadline=$(($(date +%s) + WAIT))
	until eval "$1"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# locker_start: a psql session on the test database that reads its
# commands from a pipe held open (lock_sql SQL writes to it), to hold
# locks while the console reads; what it prints goes to $tmpd/locker.out.
# locker_stop ends it (the cleanup does).
locker_start() {
	mkfifo "$tmpd/locker"
	psql -XAtq -v ON_ERROR_STOP=1 -d "$DATABASE_URL" <"$tmpd/locker" >"$tmpd/locker.out" 2>&1 &
	locker=$!
	exec 9>"$tmpd/locker"
}
lock_sql() {
	printf '%s\n' "$1" >&9
}
locker_stop() {
	[ -n "${locker:-}" ] || return 0
	exec 9>&-
	kill "$locker" 2>/dev/null
	wait "$locker" 2>/dev/null
	locker=
}

# lock_waits: how many sessions wait for a lock in the test database (the
# console's reads behind the locker's locks).
lock_waits() {
	sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
	     AND wait_event_type = 'Lock'"
}

# filter_form SESSION TITLE TABS TEXT: / opens a screen's filter form,
# which shows TITLE; TABS presses of Tab reach a field, TEXT is typed
# there and Enter applies it.
filter_form() {
	key "$1" /
	wait_for "$1" "$2"
	i=0
	while [ "$i" -lt "$3" ]; do
		key "$1" Tab
		i=$((i + 1))
	done
	type_text "$1" "$4"
	key "$1" Enter
}

# list_filter SESSION TABS TEXT: filter_form on the bookings list (TABS:
# 1 Room, 5 Search).
list_filter() {
	filter_form "$1" Search "$2" "$3"
}

# cursor_code SESSION: the booking code on the cursor's row of a list.
cursor_code() {
	pane_text "$1" | grep '^ >' | grep -o 'RL-[A-Z]*-[0-9]*'
}

# tui_demo: migrate the test database and load the demo studio, or bail out.
tui_demo() {
	"$REDLIGHT" migrate >/dev/null && "$REDLIGHT" seed demo >/dev/null || {
		echo "Bail out! redlight migrate / seed demo failed"
		exit 1
	}
}
