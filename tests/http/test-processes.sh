#!/bin/sh
# test-processes.sh: redlightd with http_processes = 2 (redlight.conf(5)):
# two processes serve one port, both answer, one runs the worker, a change
# made anywhere reaches both processes' caches, the rate limits are one
# table for both, a process that dies leaves the other serving, a port
# already taken is refused, and a stop (or the first process's death)
# ends them all. Over real HTTP against a real PostgreSQL; prints TAP.
# Runs under tests/lib/with-pg (re-executing itself through it).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"

http_begin processes
make_db
why=
# what a failure is about: $why, and the end of the first server's log
check_why() { printf '%s\n' "${why:-}"; tail -n 5 "$tmp/server.log" 2>/dev/null; }

# children PID: the processes whose parent is PID.
children() { ps -o pid= --ppid "$1" | tr -d ' ' | sort | tr '\n' ' '; }
# answered_by N: which processes answered N /healthz, each on a new
# connection, as "1 2" (sorted, once each).
answered_by() {
	python3 -c 'import json, sys, urllib.request
seen = set()
for _ in range(int(sys.argv[2])):
    seen.add(json.load(urllib.request.urlopen(sys.argv[1] + "/healthz", timeout=5))["process"])
print(" ".join(str(p) for p in sorted(seen)))' "$base" "$1"
}

# the rate limits at 0.02: searches 6 a minute per address
DATABASE_URL=$url REDLIGHT_HTTP_PROCESSES=2 REDLIGHT_RATE_LIMIT_SCALE=0.02 REDLIGHT_LOG_FORMAT=text \
	REDLIGHT_TEMPLATES_DIR=$top_srcdir/templates REDLIGHT_MAIL_DIR=$tmp/mail \
	start_main --healthy "$tmp/server.log" "redlightd starts with http_processes = 2"
first=$pid
check "it says so: HTTP processes 1 and 2 of 2 serve, the address told once" sh -c '
	grep -q "HTTP process 1 of 2" "$1" && grep -q "HTTP process 2 of 2" "$1" &&
	[ "$(grep -c "listening on" "$1")" = 1 ]' - "$tmp/server.log"
second=$(children "$first" | tr -d ' ')
check "the first process has started one other ($second)" sh -c '[ -n "$1" ] && kill -0 "$1"' - "$second"
check "only the first runs the worker" test "$(grep -c "worker: running as" "$tmp/server.log")" = 1
seen=$(answered_by 40)
check "both processes answer on the one port (40 connections: $seen)" test "$seen" = "1 2"
status=$(http GET /healthz)
check "/healthz names the process and how many serve" body_json \
	'sys.exit(not (d["status"] == "ok" and d["database"] == "ok" and d["process"] in (1, 2) and d["processes"] == 2))'

# ---- a change reaches both caches ----
week_day
rental=00000000-0000-4000-8000-0000000000b2
room_b=00000000-0000-4000-8000-0000000000a2
t13=$(at 13:00)
cat > "$tmp/search.py" <<'EOF'
import json, sys, urllib.request
# every answer of N searches on new connections: does one offer the slot?
base, day, service, room, start, n = sys.argv[1:7]
offered = set()
for _ in range(int(n)):
    r = urllib.request.Request(base + "/api/availability/search", json.dumps(
        {"date": day, "duration_min": 60, "service_id": service}).encode(),
        {"Content-Type": "application/json"})
    d = json.load(urllib.request.urlopen(r, timeout=5))
    offered.add(any(s["start_at"] == start and s["room_id"] == room for s in d["slots"]))
print(" ".join(sorted(str(x) for x in offered)))
EOF
searches() { python3 "$tmp/search.py" "$base" "$day" "$rental" "$room_b" "$t13" 20; }
# the limits would refuse twenty searches: this part runs with them off
DATABASE_URL=$url REDLIGHT_HTTP_PROCESSES=2 REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_LOG_FORMAT=text \
	REDLIGHT_WORKER=0 start_redlightd "$tmp/free.log" --config "$tmp/empty.conf" --listen 127.0.0.1:0
free_pid=$pid
wait_health
offered=$(searches)
check "before: every search, on both processes, offers Studio B at 13:00 ($offered)" test "$offered" = True
sql "INSERT INTO booking (code, user_id, room_id, status, start_at, end_at, blocked, approved_at)
	SELECT 'RL-PROCS', id, '$room_b', 'confirmed', '$t13', '$t13'::timestamptz + interval '1 hour',
	       tstzrange('$t13', '$t13'::timestamptz + interval '1 hour', '[)'), now()
	  FROM app_user WHERE email = 'artist@redlight.test'" >/dev/null
gone() { [ "$(searches)" = False ]; }
check "after a booking written in SQL, no search on either process offers it" wait_until gone
stop "$free_pid" >/dev/null
base=$main

# ---- one rate-limit table ----
cat > "$tmp/limit.py" <<'EOF'
import json, sys, urllib.error, urllib.request
# twelve searches on new connections: their statuses, counted
base, day = sys.argv[1:3]
counts = {}
for _ in range(12):
    r = urllib.request.Request(base + "/api/availability/search", json.dumps(
        {"date": day, "duration_min": 60}).encode(), {"Content-Type": "application/json"})
    try:
        status = urllib.request.urlopen(r, timeout=5).status
    except urllib.error.HTTPError as e:
        status = e.code
    counts[status] = counts.get(status, 0) + 1
print(json.dumps(counts, sort_keys=True))
EOF
limits=$(python3 "$tmp/limit.py" "$main" "$day")
check "the limit is one for both processes: of 12 searches, 6 pass and 6 are 429 ($limits)" \
	test "$limits" = '{"200": 6, "429": 6}'

# ---- a process that dies ----
kill -KILL "$second"
ended() { grep -q "HTTP process 2 (pid $second) was killed by signal 9; the others serve on" "$tmp/server.log"; }
check "the first process tells of the other's death" wait_until ended
seen=$(answered_by 20)
check "and serves every connection alone ($seen)" test "$seen" = 1
check "and the dead one was reaped (no zombie left)" test -z "$(children "$first")"

# ---- a port already taken ----
port=${main##*:}
DATABASE_URL=$url REDLIGHT_HTTP_PROCESSES=2 "$redlightd" --config "$tmp/empty.conf" \
	--listen "127.0.0.1:$port" >"$tmp/taken.out" 2>&1
rc=$?
why="$(cat "$tmp/taken.out")"
check "a second redlightd on the same port exits 1, saying it cannot listen" sh -c \
	'[ "$1" = 1 ] && grep -q "cannot listen on 127.0.0.1:$2: address already in use" "$3"' - \
	"$rc" "$port" "$tmp/taken.out"
why=

# ---- a stop ends them all ----
DATABASE_URL=$url REDLIGHT_HTTP_PROCESSES=2 REDLIGHT_LOG_FORMAT=text REDLIGHT_WORKER=0 \
	start_redlightd "$tmp/stop.log" --config "$tmp/empty.conf" --listen 127.0.0.1:0
other=$(children "$pid" | tr -d ' ')
stop "$pid"
rc=$?
check "SIGTERM to the first process stops both, exit 0" sh -c \
	'[ "$1" = 0 ] && ! kill -0 "$2" 2>/dev/null && grep -q "HTTP process 2: SIGTERM: stopping" "$3" &&
	grep -q "redlightd: stopped" "$3"' - "$rc" "$other" "$tmp/stop.log"

DATABASE_URL=$url REDLIGHT_HTTP_PROCESSES=2 REDLIGHT_LOG_FORMAT=text REDLIGHT_WORKER=0 \
	start_redlightd "$tmp/orphan.log" --config "$tmp/empty.conf" --listen 127.0.0.1:0
other=$(children "$pid" | tr -d ' ')
kill -KILL "$pid"
wait "$pid" 2>/dev/null
# gone, or a zombie nobody reaps (a container's first process may not)
orphan_gone() { [ -n "$other" ] && ! ps -o stat= -p "$other" | grep -qv Z; }
check "when the first process is killed, the other ends too" wait_until orphan_gone

stop "$first" >/dev/null
echo "1..$n"
