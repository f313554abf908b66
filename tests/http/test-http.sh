#!/bin/sh
# test-http.sh: redlightd against a real PostgreSQL, over real HTTP. Makes a
# throwaway database, migrates and seeds it with the redlight binary, starts
# redlightd on a free port and checks its answers with curl and python3.
# Prints TAP. Runs under tests/lib/with-pg (re-executing itself through it).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_begin http

# ---- the database: migrated and seeded by the redlight binary ----
make_db --tests
rooms_db=$(psql -XAtq "$url" -c "SELECT name FROM room WHERE active" | LC_ALL=C sort)
services_db=$(psql -XAtq "$url" -c "SELECT count(*) FROM service WHERE active")
check "the demo studio has three rooms" test "$(printf '%s\n' "$rooms_db" | grep -c .)" -eq 3

# ---- a running redlightd ----
DATABASE_URL=$url REDLIGHT_STATIC_DIR=$top_srcdir/web/static REDLIGHT_LOG_FORMAT=json \
	start_main "$tmp/redlightd.log" "redlightd starts and prints its address"
port=${base##*:}

check "GET /healthz answers 200 once Postgres is connected" wait_health 200
check "GET /healthz says the server and the database are ok" \
	body_json 'sys.exit(d != {"status": "ok", "database": "ok", "process": 1, "processes": 1})'
check "GET /healthz is application/json" test "$(header content-type)" = application/json

status=$(http GET /api/rooms)
check "GET /api/rooms answers 200 with JSON" \
	test "$status" = 200 -a "$(header content-type)" = application/json
rooms_api=$(python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["rooms"]:
    print(r["name"])' "$tmp/body" 2>/dev/null | LC_ALL=C sort)
if [ -n "$rooms_db" ] && [ "$rooms_api" = "$rooms_db" ]; then
	ok "GET /api/rooms lists exactly the active rooms in the database"
else
	not_ok "GET /api/rooms lists exactly the active rooms in the database" \
		"database: $(echo $rooms_db)
api:      $(echo $rooms_api)"
fi
check "every room carries id, capacity, tags and equipment" body_json '
sys.exit(not all(set(("id", "capacity", "tags", "equipment")) <= set(r) for r in d["rooms"]))'

status=$(http GET /api/services)
check "GET /api/services answers 200 with every active service" sh -c '
	test "$1" = 200 && python3 -c "import json, sys
sys.exit(len(json.load(open(sys.argv[1]))[\"services\"]) != int(sys.argv[2]) or int(sys.argv[2]) == 0)" "$2" "$3"' \
	- "$status" "$tmp/body" "$services_db"

status=$(http GET /x)
check "an unknown path is 404" test "$status" = 404
check "the 404 is the JSON error shape naming the route" \
	body_json 'sys.exit(d != {"error": {"code": "not_found", "message": "no route for GET /x"}})'
status=$(http GET /api/nope)
check "an unknown path under /api/ is a JSON 404" sh -c \
	'test "$1" = 404 && test "$2" = application/json' - "$status" "$(header content-type)"

status=$(http POST /healthz)
check "a known path with the wrong method is 405" test "$status" = 405
check "the 405 names the allowed methods in Allow" test "$(header allow)" = "GET, HEAD"
check "the 405 is the JSON error shape" body_json '
sys.exit(d["error"]["code"] != "method_not_allowed" or not d["error"]["message"])'

# curl cannot tell a HEAD answer that wrongly carries a body: read the raw bytes
check "HEAD /healthz answers 200 without a body" python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
head, sep, rest = data.partition(b"\r\n\r\n")
sys.exit(not (head.startswith(b"HTTP/1.1 200") and sep and rest == b""))' "$port"

# same_page PAGE: PAGE is index.html with its boot data at the marker
# (test-page.sh checks what the boot data holds)
same_page() {
	python3 -c 'import re, sys
page = open(sys.argv[1], "rb").read()
html = open(sys.argv[2], "rb").read()
boot = re.compile(rb"<script id=\"rl-boot\" type=\"application/json\">[^<]*</script>")
sys.exit(len(boot.findall(page)) != 1 or boot.sub(b"<!--rl-boot-->", page) != html)' "$1" "$top_srcdir/web/static/index.html"
}
status=$(http GET /)
check "GET / serves the booking page from the static directory, with its boot data" sh -c \
	'test "$1" = 200 && case "$3" in text/html*) ;; *) exit 1;; esac' \
	- "$status" "$tmp/body" "$(header content-type)"
check "... the page is index.html with the boot data at its marker" same_page "$tmp/body"
status=$(http GET /receipt/RL-ABCDEFGH)
check "GET /receipt/CODE serves the same page (it routes in the browser)" sh -c \
	'test "$1" = 200' - "$status"
check "... index.html with the boot data at its marker" same_page "$tmp/body"

http GET /healthz >/dev/null
check "every answer carries a random X-Request-Id" sh -c \
	'echo "$1" | grep -Eq "^[0-9a-f]{16}$"' - "$(header x-request-id)"
http GET /healthz -H 'X-Request-Id: client-id.42' >/dev/null
check "a sane incoming X-Request-Id is kept" test "$(header x-request-id)" = client-id.42
http GET /healthz -H 'X-Request-Id: bad id"<script>' >/dev/null
check "an insane incoming X-Request-Id is replaced" sh -c \
	'echo "$1" | grep -Eq "^[0-9a-f]{16}$"' - "$(header x-request-id)"

# One access-log line per request: send requests with known ids, then find
# each id on exactly one JSON line with the fields redlightd(8) lists.
for i in 1 2 3 4 5; do
	case $i in
	1) http GET /healthz -H "X-Request-Id: log-test-$i" ;;
	2) http GET /api/rooms -H "X-Request-Id: log-test-$i" ;;
	3) http GET /missing -H "X-Request-Id: log-test-$i" ;;
	4) http DELETE /api/rooms -H "X-Request-Id: log-test-$i" ;;
	5) http GET '/api/services?token=secret' -H "X-Request-Id: log-test-$i" ;;
	esac >/dev/null
done
i=0
while ! grep -q '"log-test-5"' "$tmp/redlightd.log" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
logcheck=$(python3 - "$tmp/redlightd.log" <<'EOF'
import json, re, sys
want = {
    "log-test-1": ("GET", "/healthz", 200),
    "log-test-2": ("GET", "/api/rooms", 200),
    "log-test-3": ("GET", "/missing", 404),
    "log-test-4": ("DELETE", "/api/rooms", 405),
    "log-test-5": ("GET", "/api/services", 200),
}
seen = {}
for line in open(sys.argv[1]):
    if not line.startswith("{"):
        continue
    d = json.loads(line)
    if d.get("request_id") in want:
        seen.setdefault(d["request_id"], []).append(d)
for rid, (method, path, status) in want.items():
    lines = seen.get(rid, [])
    if len(lines) != 1:
        print("%s: %d lines" % (rid, len(lines)))
        continue
    d = lines[0]
    if (d["method"], d["path"], d["status"]) != (method, path, status):
        print("%s: %r" % (rid, d))
    if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", d["time"]):
        print("%s: time %r" % (rid, d["time"]))
    if not isinstance(d["bytes"], int) or d["bytes"] <= 0:
        print("%s: bytes %r" % (rid, d["bytes"]))
    if not isinstance(d["duration_ms"], (int, float)) or d["duration_ms"] < 0:
        print("%s: duration_ms %r" % (rid, d["duration_ms"]))
    if d["remote"] != "127.0.0.1":
        print("%s: remote %r" % (rid, d["remote"]))
EOF
)
if [ -z "$logcheck" ]; then
	ok "each request gets one JSON access-log line with time, id, method, path, status, bytes, duration, remote"
else
	not_ok "each request gets one JSON access-log line with time, id, method, path, status, bytes, duration, remote" \
		"$logcheck"
fi
check "the access log leaves query strings (tokens) out" sh -c '! grep -q secret "$1"' - "$tmp/redlightd.log"

# ---- the database drops the pool's connections: redlightd reconnects ----
pool_pids() {
	psql -XAtq "$url" -c "SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'redlightd'"
}
old_pids=$(pool_pids)
psql -XAtq "$url" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	WHERE datname = current_database() AND application_name = 'redlightd'" >/dev/null
# as many connections as before, none of the killed ones, and a read works
pool_back() {
	new_pids=$(pool_pids)
	[ "$(echo $new_pids | wc -w)" -ge "$(echo $old_pids | wc -w)" ] || return 1
	for p in $new_pids; do
		case " $(echo $old_pids) " in *" $p "*) return 1 ;; esac
	done
	[ "$(http GET /api/rooms)" = 200 ]
}
wait_pool_back() {
	i=0
	while [ $i -lt 100 ]; do
		pool_back && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
check "after the database kills its connections, redlightd reconnects and reads again" \
	wait_pool_back

# ---- startup errors: one clear line, non-zero exit ----
printf 'listen = 127.0.0.1:0\n# a comment\nthis line is wrong\n' > "$tmp/bad.conf"
(cd "$tmp" && timeout 10 "$redlightd" --config bad.conf) >/dev/null 2>"$tmp/err"
rc=$?
check "a malformed config line stops redlightd with a non-zero exit" test "$rc" -ne 0 -a "$rc" -ne 124
check "the message names the file and line" grep -q '^redlightd: bad.conf:3: expected key = value$' "$tmp/err"

printf 'lisen = 127.0.0.1:0\n' > "$tmp/typo.conf"
(cd "$tmp" && timeout 10 "$redlightd" --config typo.conf) >/dev/null 2>"$tmp/err"
rc=$?
check "an unknown config key stops redlightd, naming the key" sh -c \
	'test "$1" -ne 0 -a "$1" -ne 124 && grep -q "typo.conf:1: unknown key .lisen." "$2"' - "$rc" "$tmp/err"

(cd "$tmp" && timeout 10 "$redlightd" --config "$tmp/empty.conf" --listen 127.0.0.1:$port) \
	>/dev/null 2>"$tmp/err"
rc=$?
check "a port in use stops a second redlightd with a non-zero exit" test "$rc" -ne 0 -a "$rc" -ne 124
check "the message says the address is in use" \
	grep -q "^redlightd: cannot listen on 127.0.0.1:$port: address already in use$" "$tmp/err"

(cd "$tmp" && timeout 10 "$redlightd" --config "$tmp/empty.conf" --listen nonsense) \
	>/dev/null 2>"$tmp/err"
rc=$?
check "an unparseable --listen stops redlightd with one line" sh -c \
	'test "$1" -ne 0 -a "$1" -ne 124 && test "$(wc -l < "$2")" -eq 1 && grep -q "ADDR:PORT" "$2"' \
	- "$rc" "$tmp/err"

(cd "$tmp" && timeout 10 "$redlightd" --no-such-option) >/dev/null 2>"$tmp/err"
rc=$?
check "an unknown option is a usage error (exit 2)" sh -c \
	'test "$1" -eq 2 && grep -q "unknown option --no-such-option" "$2"' - "$rc" "$tmp/err"

# ---- a database that does not exist: up, but unavailable ----
case $url in
*\?*) nodb_url="${url%%\?*}_missing?${url#*\?}" ;;
*) nodb_url="${url}_missing" ;;
esac
if DATABASE_URL=$nodb_url start_redlightd "$tmp/nodb.log" \
	--config "$tmp/empty.conf" --listen 127.0.0.1:0; then
	nodb_pid=$pid
	check "without its database /healthz answers 503" wait_health 503
	check "the 503 says the database is unavailable" \
		body_json 'sys.exit(d.get("database") != "unavailable")'
	status=$(http GET /api/rooms)
	check "an API read without the database is a JSON 503" sh -c \
		'test "$1" = 503 && python3 -c "import json, sys
sys.exit(json.load(open(sys.argv[1]))[\"error\"][\"code\"] != \"database_unavailable\")" "$2"' \
		- "$status" "$tmp/body"
	sleep 1
	status=$(http GET /healthz)
	check "redlightd keeps running and retrying without its database" sh -c \
		'kill -0 "$1" && test "$2" = 503 && grep -q "database unavailable: .*does not exist" "$3"' \
		- "$nodb_pid" "$status" "$tmp/nodb.log"
	stop "$nodb_pid"
	check "SIGTERM stops it with status 0" test $? -eq 0
else
	not_ok "redlightd starts without its database" "$(cat "$tmp/nodb.log")"
fi

# ---- a graceful stop ----
stop "$main_pid"
rc=$?
check "SIGTERM stops redlightd with status 0" test "$rc" -eq 0
check "redlightd says it stopped" grep -q '^redlightd: stopped$' "$tmp/redlightd.log"

echo "1..$n"
