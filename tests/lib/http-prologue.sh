# Sourced by the tests/http suites after they set top_srcdir and
# top_builddir: everything the suites share, so that each keeps only its
# own tests. Sourcing it re-executes the suite under tests/lib/with-pg
# (once), fails the suite at once, in TAP, when a tool it drives is
# missing, and clears the caller's redlight configuration; the rest are
# functions: http_begin (temp dir and cleanup), make_db, start_main, the
# TAP counters and the curl, JSON and SQL helpers.
if [ -z "${RL_HTTP_WITH_PG:-}" ]; then
	RL_HTTP_WITH_PG=1
	export RL_HTTP_WITH_PG
	exec "$top_srcdir/tests/lib/with-pg" sh "$0" "$@"
fi

for tool in curl python3 psql; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..1"; echo "not ok 1 - $tool is missing: install it (tools/check does)"
		exit 0
	fi
done

redlightd=$top_builddir/redlightd
redlight=$top_builddir/redlight
# The suites name their own configuration: nothing from the caller's shell.
unset REDLIGHT_CONF REDLIGHT_LISTEN REDLIGHT_STATIC_DIR REDLIGHT_PUBLIC_URL \
	REDLIGHT_WORKER REDLIGHT_WORKER_TIMEOUT_MS REDLIGHT_WORKER_RETRY_BASE_MS \
	REDLIGHT_WORKER_RETRY_MAX_MS REDLIGHT_MAX_BODY_BYTES REDLIGHT_DB_POOL REDLIGHT_HTTP_PROCESSES REDLIGHT_LOG_FORMAT \
	REDLIGHT_RATE_LIMIT_SCALE REDLIGHT_MAX_EVENT_STREAMS REDLIGHT_MAX_EVENT_STREAMS_PER_CLIENT DATABASE_URL \
	TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN TWILIO_FROM TWILIO_API_BASE REDLIGHT_SECRET_KEY \
	GOOGLE_CLIENT_ID GOOGLE_CLIENT_SECRET MICROSOFT_CLIENT_ID MICROSOFT_CLIENT_SECRET \
	REDLIGHT_CALENDAR_REDIRECT_BASE

# http_need_zone: suites that check local times with python3 need its
# zoneinfo to read America/Toronto; without it, one failing test and out.
http_need_zone() {
	python3 -c 'import zoneinfo; zoneinfo.ZoneInfo("America/Toronto")' 2>/dev/null && return 0
	echo "1..1"; echo "not ok 1 - python3 cannot read the America/Toronto zone (install tzdata)"
	exit 0
}

# http_need_icalendar: sets ical_py, a python3 that imports icalendar
# (Debian's python3-icalendar is for Debian's python3, which a python3
# earlier on PATH, pyenv or a venv, may not see); without one, one failing
# test and out.
http_need_icalendar() {
	ical_py=
	for p in python3 /usr/bin/python3; do
		if "$p" -c 'import icalendar' 2>/dev/null; then ical_py=$p; return 0; fi
	done
	echo "1..1"; echo "not ok 1 - python3-icalendar is missing (tools/check installs it)"
	exit 0
}

# http_begin NAME: make the suite's temp dir $tmp (rl-NAME.XXXXXX, holding
# an empty config, empty.conf) and see that whatever exit, even on INT or
# TERM, kills and reaps every process in $pids, drops the database in
# $url and removes $tmp. NAME also names the database make_db creates,
# so a leftover one says which suite left it.
http_begin() {
	suite=$1
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/rl-$suite.XXXXXX")
	pids=
	url=
	trap cleanup EXIT
	# exit, so that the EXIT trap cleans up after a signal too
	trap 'exit 1' INT TERM
	: > "$tmp/empty.conf"
}
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	if [ -n "$url" ]; then
		dropdb --if-exists --force "$(basename "${url%%\?*}")" 2>/dev/null
	fi
	rm -rf "$tmp"
}

# ---- TAP ----
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
# not_ok NAME [DIAGNOSTIC]: a failed test, DIAGNOSTIC shown as # lines.
not_ok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/# /'; fi
}
# check NAME COMMAND...: one test, passing when COMMAND succeeds; on
# failure it shows what check_why prints.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "$(check_why)"; fi
}
# check_why: the last answer, status line and body, which is what most
# failures are about (nothing before the first); a suite whose tests are
# not about one answer defines its own after sourcing this.
check_why() {
	[ -f "$tmp/headers" ] || return 0
	echo "last answer: $(tr -d '\r' < "$tmp/headers" 2>/dev/null | head -n 1) $(head -c 600 "$tmp/body" 2>/dev/null)"
}

# ---- the database and the server ----
# make_db [--tests]: a throwaway database for the suite in $url, migrated
# and seeded with the demo studio by the redlight binary. Without a
# database it bails out; a failed migrate or seed bails out too, unless
# --tests makes them two tests of their own (for the suites that test
# the redlight binary's part as well).
make_db() {
	if ! url=$("$top_srcdir/tests/lib/pg-test-db" "$suite"); then
		url=
		echo "Bail out! cannot create a test database"
		exit 1
	fi
	if [ "${1:-}" = --tests ]; then
		check "redlight migrate applies the schema" \
			sh -c 'cd "$1" && DATABASE_URL="$2" "$3" migrate >"$1/migrate.out" 2>&1' - "$tmp" "$url" "$redlight"
		check "redlight seed demo loads the demo studio" \
			sh -c 'cd "$1" && DATABASE_URL="$2" "$3" seed demo >"$1/seed.out" 2>&1' - "$tmp" "$url" "$redlight"
	elif ! (cd "$tmp" && DATABASE_URL=$url "$redlight" migrate && DATABASE_URL=$url "$redlight" seed demo) \
		>"$tmp/setup.out" 2>&1; then
		echo "Bail out! cannot migrate and seed: $(tail -n 3 "$tmp/setup.out")"
		exit 1
	fi
}

# start_redlightd LOG ARGS...: start redlightd in the background with the
# environment given, wait for its "listening on" line; sets pid and base.
start_redlightd() {
	log=$1
	shift
	(cd "$tmp" && exec "$redlightd" "$@") 2>"$log" &
	pid=$!
	pids="$pids $pid"
	base=
	i=0
	while [ $i -lt 200 ]; do
		base=$(sed -n 's/^redlightd: listening on \(https*:.*\)$/\1/p' "$log")
		[ -n "$base" ] && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# start_main [--healthy] LOG NAME: start the suite's main redlightd with
# the environment given, on a free port with an empty config, as the test
# NAME; with --healthy it must also answer /healthz with 200. Sets
# main_pid and main (and pid and base). Every later test needs it, so when
# it does not start the test fails with LOG and the suite bails out.
start_main() {
	healthy=
	if [ "$1" = --healthy ]; then
		healthy=1
		shift
	fi
	if ! start_redlightd "$1" --config "$tmp/empty.conf" --listen 127.0.0.1:0 ||
		{ [ -n "$healthy" ] && ! wait_health; }; then
		not_ok "$2" "$(cat "$1")"
		echo "Bail out! redlightd did not start"
		exit 1
	fi
	main_pid=$pid
	main=$base
	ok "$2 ($base)"
}

# wait_until COMMAND...: run COMMAND until it succeeds, 10 s at most.
wait_until() {
	i=0
	while ! "$@"; do
		[ $i -ge 200 ] && return 1
		sleep 0.05
		i=$((i + 1))
	done
}
# wait_health [STATUS]: poll /healthz until it answers STATUS, 200 unless
# given (10 s at most).
wait_health() {
	i=0
	while [ $i -lt 100 ]; do
		[ "$(http GET /healthz)" = "${1:-200}" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stop PID: SIGTERM, then its exit status (124 when it did not stop).
stop() {
	pids=$(echo " $pids " | sed "s/ $1 / /")
	kill -TERM "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1"
		wait "$1" 2>/dev/null
		return 124
	fi
	wait "$1"
}

# ---- the Stripe stand-in (tests/standins/stripe.py) ----
# stripe_port: a free port for the stand-in; sets sport and sbase (what
# redlightd's STRIPE_API_BASE names before the stand-in starts).
stripe_port() {
	sport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	sbase=http://127.0.0.1:$sport
}
# start_stripe SEED: the stand-in on $sport, signing its webhooks with $WH
# for $main's /api/webhooks/stripe, its log in $tmp/stripe.log; waits (5 s
# at most) until it answers.
start_stripe() {
	python3 "$top_srcdir/tests/standins/stripe.py" --listen "127.0.0.1:$sport" \
		--webhook-url "$main/api/webhooks/stripe" --webhook-secret "$WH" --seed "$1" 2>"$tmp/stripe.log" &
	pids="$pids $!"
	i=0
	until curl -s -o /dev/null "$sbase/_standin/state" || [ $i -gt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

# sql STATEMENT: run it on the suite's database; prints the rows unaligned.
sql() { psql -XAtq -v ON_ERROR_STOP=1 "$url" -c "$1"; }
# wait_sql QUERY [SECONDS]: until QUERY prints t (SECONDS, else
# $WAIT_SQL_S, else 15 s).
wait_sql() {
	i=0
	while [ $i -lt $((${2:-${WAIT_SQL_S:-15}} * 10)) ]; do
		[ "$(sql "$1")" = t ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# lock_table TABLE SECONDS: hold an ACCESS EXCLUSIVE lock on TABLE for
# SECONDS from a psql in the background (application_name rl-lock-TABLE,
# for pg_cancel_backend to end it sooner); sets locker.
lock_table() {
	PGAPPNAME=rl-lock-$1 psql -XAtq "$url" -c "BEGIN" -c "LOCK TABLE $1 IN ACCESS EXCLUSIVE MODE" \
		-c "SELECT pg_sleep($2)" -c "COMMIT" >/dev/null 2>&1 &
	locker=$!
	pids="$pids $locker"
}
# table_locked TABLE: lock_table's lock on TABLE is granted.
table_locked() {
	[ "$(sql "SELECT count(*) FROM pg_locks WHERE relation = '$1'::regclass
		AND mode = 'AccessExclusiveLock' AND granted")" = 1 ]
}

# week_day: sets day to a Tuesday, Wednesday or Thursday a week or more
# ahead in the demo studio (Studio B 09:00-23:00, Eli 10:00-19:00, Priya
# 12:00-22:00), never Christmas; then at HH:MM is that studio-local time
# of the day, as RFC 3339 UTC.
week_day() {
	day=$(sql "SELECT d FROM generate_series((now() AT TIME ZONE 'America/Toronto')::date + 7,
		(now() AT TIME ZONE 'America/Toronto')::date + 20, '1 day') AS g(t), LATERAL (SELECT t::date AS d) x
		WHERE extract(dow FROM d) IN (2, 3, 4) AND to_char(d, 'MM-DD') NOT BETWEEN '12-24' AND '12-26'
		ORDER BY d LIMIT 1")
}
at() {
	sql "SELECT json_utc(('$day'::date + time '$1') AT TIME ZONE 'America/Toronto')"
}

# ---- requests and answers ----
# http METHOD PATH [CURL-ARGS...]: prints the status; the body lands in
# $tmp/body and the headers in $tmp/headers.
http() {
	m=$1 p=$2
	shift 2
	curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' -X "$m" "$@" "$base$p"
}
# post PATH JSON [CURL-ARGS...]: a JSON POST; prints the status.
post() {
	p=$1 d=$2
	shift 2
	http POST "$p" -H 'Content-Type: application/json' --data-binary "$d" "$@"
}
# header NAME: the last response's header NAME (any case), or nothing.
header() {
	tr -d '\r' < "$tmp/headers" | sed -n "s/^$1: *//Ip" | head -n 1
}
# body_json PYTHON [ARG...]: run PYTHON with d = the last body parsed as
# JSON, sys.argv[1:] = the ARGs, local(RFC3339) = a studio-local datetime
# and minutes(RFC3339) = minutes into the local day; fails when the body is
# not JSON or PYTHON fails.
body_json() {
	py=$1
	shift
	python3 -c "import json, sys
def local(s):
    import datetime, zoneinfo
    tz = zoneinfo.ZoneInfo('America/Toronto')
    return datetime.datetime.fromisoformat(s.replace('Z', '+00:00')).astimezone(tz)
def minutes(s):
    t = local(s)
    return t.hour * 60 + t.minute
d = json.load(open(sys.argv[1]))
sys.argv = sys.argv[:1] + sys.argv[2:]
$py" "$tmp/body" "$@" 2>/dev/null
}
# is_error STATUS WANT-STATUS CODE [FIELD]: the answer has that status and
# the error shape with that code (and field).
is_error() {
	[ "$1" = "$2" ] || return 1
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
e = d["error"]
ok = set(d) == {"error"} and e["code"] == sys.argv[2] and isinstance(e["message"], str) and e["message"]
if len(sys.argv) > 3:
    ok = ok and e.get("field") == sys.argv[3]
sys.exit(not ok)' "$tmp/body" "$3" ${4:+"$4"} 2>/dev/null
}
# message_has TEXT: the error message contains TEXT.
message_has() {
	python3 -c 'import json, sys
sys.exit(sys.argv[2] not in json.load(open(sys.argv[1]))["error"]["message"])' "$tmp/body" "$1" 2>/dev/null
}
