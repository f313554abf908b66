#!/bin/sh
# test-page.sh: the booking page's HTML as redlightd serves it, with its
# boot data (web/page.c): the settings, rooms and services, and for
# /availability the first search, each the same as the API's answer; the
# defaults the page itself picks; bad queries; escaping for a script
# element; the catalogue cache following LISTEN; no boot data when the
# database is away. Over real HTTP against a real PostgreSQL, like
# test-avail.sh. Prints TAP. Runs under tests/lib/with-pg.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_need_zone
http_begin page

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wait_for MS COMMAND...: run COMMAND until it succeeds, for MS ms at most.
wait_for() {
	deadline=$(( $(now_ms) + $1 ))
	shift
	while ! "$@"; do
		[ "$(now_ms)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
	return 0
}

# boot PYTHON [ARG...]: run PYTHON over the last body (an HTML page) with
# html = its text, b = its boot data (None without), sys.argv[1:] = ARGs.
# The boot element must be one, and JSON.
boot() {
	py=$1
	shift
	python3 -c "import json, re, sys
html = open(sys.argv[1], encoding='utf-8').read()
m = re.findall(r'<script id=\"rl-boot\" type=\"application/json\">(.*?)</script>', html, re.S)
assert len(m) <= 1
b = json.loads(m[0]) if m else None
sys.argv = sys.argv[:1] + sys.argv[2:]
$py" "$tmp/body" "$@"
}
# save NAME: keep the last body as $tmp/NAME.
save() { cp "$tmp/body" "$tmp/$1"; }
# page PATH: GET the page; prints the status.
page() { http GET "$1"; }

room_a=00000000-0000-4000-8000-0000000000a1
room_b=00000000-0000-4000-8000-0000000000a2
rec=00000000-0000-4000-8000-0000000000b1        # Recording session
rental=00000000-0000-4000-8000-0000000000b2
backline=00000000-0000-4000-8000-0000000000b4   # an add-on

# a Wednesday at least three days out, not Christmas; and today, the studio's
set -- $(python3 -c '
import datetime, zoneinfo
t = datetime.datetime.now(zoneinfo.ZoneInfo("America/Toronto")).date()
d = t + datetime.timedelta(days=3)
while d.weekday() != 2 or (d.month, d.day) == (12, 25):
    d += datetime.timedelta(days=1)
print(d.isoformat(), t.isoformat())')
day=$1 today=$2

make_db
DATABASE_URL=$url REDLIGHT_STATIC_DIR=$top_srcdir/web/static \
	start_main "$tmp/redlightd.log" "redlightd starts and prints its address"
check "redlightd listens for changes" \
	wait_for 10000 grep -q '^redlightd: listening for changes on redlight_changes$' "$tmp/redlightd.log"

# the page's default service: the first main one with an engineer, in
# GET /api/services's order
http GET /api/services >/dev/null
dflt=$(body_json "
m = [s for s in d['services'] if not s['is_addon']]
print(([s for s in m if s['requires_engineer']] or m)[0]['id'])")

# ---- a bookmarked search ----
status=$(page "/availability?date=$day&svc=$rec&dur=120")
save bookmarked
check "GET /availability?date&svc&dur is 200 HTML, never stored" sh -c '
	test "$1" = 200 && case "$2" in text/html*) :;; *) exit 1;; esac && test "$3" = no-store' - \
	"$status" "$(header content-type)" "$(header cache-control)"
check "the page carries boot data: settings, rooms, services, a fresh generated_at and the search asked for" boot "
import time
assert b is not None
assert abs(b['generated_at'] - time.time() * 1000) < 60000
assert b['settings']['timezone'] == 'America/Toronto' and b['settings']['studio_name']
assert len(b['rooms']['rooms']) == 3 and b['services']['services']
q = b['search']['query']
assert q == {'date': sys.argv[1], 'duration_min': 120, 'service_id': sys.argv[2]}, q
assert list(q) == ['date', 'duration_min', 'service_id'], list(q)
assert len(b['search']['answer']['slots']) > 0
" "$day" "$rec"
check "the boot data's markers sit in the page's head, before its first script" boot "
i = html.index('<script id=\"rl-boot\"')
assert i < html.index('<script>') < html.index('</head>')
assert '<!--rl-boot-->' not in html
"
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":120,\"service_id\":\"$rec\"}")
save searched
check "its slots are those POST /api/availability/search answers for the same query" sh -c '
	test "$1" = 200 && python3 -c "import json, re, sys
html = open(sys.argv[1]).read()
b = json.loads(re.search(r\"<script id=\\\"rl-boot\\\" type=\\\"application/json\\\">(.*?)</script>\", html, re.S).group(1))
sys.exit(b[\"search\"][\"answer\"] != json.load(open(sys.argv[2])))" "$2" "$3"' - \
	"$status" "$tmp/bookmarked" "$tmp/searched"

# same_as KEY PATH: the bookmarked page's boot KEY equals GET PATH's answer
# (settings less now_local, the wall clock as each was made).
same_as() {
	[ "$(http GET "$2")" = 200 ] && python3 -c "import json, re, sys
html = open(sys.argv[1]).read()
b = json.loads(re.search(r'<script id=\"rl-boot\" type=\"application/json\">(.*?)</script>', html, re.S).group(1))[sys.argv[3]]
a = json.load(open(sys.argv[2]))
for x in (a, b):
    x.pop('now_local', None)
sys.exit(a != b)" "$tmp/bookmarked" "$tmp/body" "$1"
}
check "its settings are GET /api/settings/public's" same_as settings /api/settings/public
check "its rooms are GET /api/rooms's" same_as rooms /api/rooms
check "its services are GET /api/services's" same_as services /api/services

# ---- the defaults the page picks ----
status=$(page /availability)
check "GET /availability without a query carries today's search with the page's defaults" sh -c '
	test "$1" = 200' - "$status"
check "... today in the studio's zone, the first main service with an engineer, two hours" boot "
assert b['search']['query'] == {'date': sys.argv[1], 'duration_min': 120, 'service_id': sys.argv[2]}, b['search']['query']
" "$today" "$dflt"
save bare
post /api/availability/search "{\"date\":\"$today\",\"duration_min\":120,\"service_id\":\"$dflt\"}" >/dev/null
check "... whose answer is the API's for that query" sh -c 'python3 -c "import json, re, sys
html = open(sys.argv[1]).read()
b = json.loads(re.search(r\"<script id=\\\"rl-boot\\\" type=\\\"application/json\\\">(.*?)</script>\", html, re.S).group(1))
sys.exit(b[\"search\"][\"answer\"] != json.load(open(sys.argv[2])))" "$1" "$2"' - "$tmp/bare" "$tmp/body"

page "/availability?date=$day&svc=$rental&dur=90&room=$room_b" >/dev/null
check "a duration the service cannot take becomes two hours; a room is kept" boot "
assert b['search']['query'] == {'date': sys.argv[1], 'duration_min': 120, 'service_id': sys.argv[2], 'room_id': sys.argv[3]}
assert {s['room_id'] for s in b['search']['answer']['slots']} == {sys.argv[3]}
" "$day" "$rental" "$room_b"
page "/availability?date=$day&svc=no-such-service&dur=240&room=no-such-room&skill=mixing" >/dev/null
check "an unknown service or room falls back as on the page; a skill is kept" boot "
assert b['search']['query'] == {'date': sys.argv[1], 'duration_min': 240, 'service_id': sys.argv[2], 'staff_skill': 'mixing'}, b['search']['query']
" "$day" "$dflt"
page "/availability?svc=$backline&date=$day&dur=60" >/dev/null
save addon
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":\"$backline\"}")
check "an add-on named by the address is searched as the page does: a search exactly when the API answers one" sh -c '
	python3 -c "import json, re, sys
html = open(sys.argv[1]).read()
b = json.loads(re.search(r\"<script id=\\\"rl-boot\\\" type=\\\"application/json\\\">(.*?)</script>\", html, re.S).group(1))
if sys.argv[3] == \"200\":
    sys.exit(b[\"search\"][\"answer\"] != json.load(open(sys.argv[2])))
sys.exit(\"search\" in b or not sys.argv[3].startswith(\"4\"))" "$1" "$2" "$3"' - "$tmp/addon" "$tmp/body" "$status"

# ---- bad queries: the page, without a search ----
for q in "date=2027-02-30&svc=$rec&dur=120" "date=%3Cb%3E&dur=120" "date=$day&skill=$(printf 'x%.0s' $(seq 70))"; do
	status=$(page "/availability?$q")
	check "GET /availability?$(echo "$q" | cut -c1-40) is 200 with boot data but no search" sh -c '
		test "$1" = 200' - "$status"
	check "... no search" boot "assert b is not None and 'search' not in b and b['rooms']['rooms']"
done
status=$(page "/availability?date=$day&svc=$rec&dur=120&date=2027-02-30")
check "the first of two values counts, as in URLSearchParams" boot "assert b['search']['query']['date'] == sys.argv[1]" "$day"

# ---- the other addresses: boot data without a search ----
for p in / /index.html /book /me/bookings /receipt/ABC123 /me/signin; do
	status=$(page "$p")
	check "GET $p is 200 HTML with boot data and no search" sh -c '
		test "$1" = 200 && test "$2" = no-store' - "$status" "$(header cache-control)"
	check "... no search" boot "assert b is not None and 'search' not in b and b['settings'] and b['services']"
done
status=$(http HEAD "/availability?date=$day&svc=$rec&dur=120" -I)
check "HEAD /availability is 200 with no body" sh -c 'test "$1" = 200 && ! grep -q "<html" "$2"' - "$status" "$tmp/body"
status=$(http GET /sw.js)
check "other files are still served as they are" sh -c 'test "$1" = 200 && grep -q rl-boot "$2"' - "$status" "$tmp/body"
for f in account.js book.js; do
	status=$(http GET "/$f")
	check "GET /$f serves a module the page imports (export function init), as JavaScript" sh -c '
		test "$1" = 200 && grep -q "^export function init" "$2" && expr "$3" : "application/javascript" >/dev/null' - \
		"$status" "$tmp/body" "$(header content-type)"
done
# the page gzipped: its head and boot data packed per answer, the rest once
# at load; gzip -d checks the trailer's CRC and length
http GET "/availability?date=$day&svc=$rec&dur=120" >/dev/null
sed 's#<script id="rl-boot"[^<]*</script>##' "$tmp/body" >"$tmp/plain"
status=$(http GET "/availability?date=$day&svc=$rec&dur=120" -H 'Accept-Encoding: gzip')
check "the page with its boot data goes out gzip to a client that asks, saying it varies" sh -c '
	test "$1" = 200 && test "$2" = gzip && test "$3" = Accept-Encoding' - "$status" "$(header content-encoding)" "$(header vary)"
check "... and unpacks whole (CRC and length checked) to the plain page, boot data aside" sh -c '
	gzip -dc <"$1" >"$1.html" && sed "s#<script id=\"rl-boot\"[^<]*</script>##" "$1.html" | cmp -s - "$2" &&
	grep -q "\"search\"" "$1.html"' - "$tmp/body" "$tmp/plain"

# ---- GET /api/rooms keeps its shape ----
status=$(http GET /api/rooms)
check "GET /api/rooms is {rooms:[{id,name,description,capacity,tags,equipment,color}]}, the active rooms by name" sh -c '
	test "$1" = 200 && python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == [\"rooms\"]
for r in d[\"rooms\"]:
    assert list(r) == [\"id\", \"name\", \"description\", \"capacity\", \"tags\", \"equipment\", \"color\"], list(r)
names = [r[\"name\"] for r in d[\"rooms\"]]
assert names == sorted(names) and len(names) == 3" "$2"' - "$status" "$tmp/body"

# ---- the cache follows LISTEN ----
# has_room NAME: the next page load's boot data names a room NAME.
has_room() {
	[ "$(page /me/bookings)" = 200 ] && boot "assert sys.argv[1] in [r['name'] for r in b['rooms']['rooms']]" "$1" 2>/dev/null
}
sql "UPDATE room SET name = 'Studio Renamed' WHERE id = '$room_a'"
check "after a room is renamed in SQL the next page loads show the new name (LISTEN drops the cache)" \
	wait_for 5000 has_room 'Studio Renamed'
status=$(http GET /api/rooms)
check "... and GET /api/rooms names it as well" sh -c 'test "$1" = 200 && grep -q "Studio Renamed" "$2"' - "$status" "$tmp/body"
# what only the page shows of a room (not availability) is a notice too
has_description() {
	[ "$(page /me/bookings)" = 200 ] &&
		boot "assert sys.argv[1] in [r['description'] for r in b['rooms']['rooms']]" "$1" 2>/dev/null
}
sql "UPDATE room SET description = 'Now with a Steinway' WHERE id = '$room_a'"
check "a room's new description shows on the next page loads (room_info notice)" \
	wait_for 5000 has_description 'Now with a Steinway'

# ---- escaping for a script element ----
evil='</script><script>alert(1)</script><!-- '$(printf '\342\200\250\342\200\251')' end'
sql "UPDATE room SET name = \$n\$$evil\$n\$ WHERE id = '$room_b'"
check "a room named </script><script>... reaches the boot data (after the notice)" \
	wait_for 5000 has_room "$evil"
check "... escaped: no </script> or <!-- of its own, U+2028 and U+2029 as \\u escapes" boot "
raw = re.search(r'<script id=\"rl-boot\" type=\"application/json\">(.*?)</script>', html, re.S).group(1)
assert '<' not in raw and '\u2028' not in raw and '\u2029' not in raw
assert r'\u003c/script>\u003cscript>alert(1)\u003c/script>\u003c!-- \u2028\u2029 end' in raw
"
check "... and the page has exactly one </script> per <script>" boot "
assert html.count('<script') == html.count('</script>') == 3, (html.count('<script'), html.count('</script>'))
"
page "/availability?date=$day&svc=$rental&dur=120&skill=%3C/script%3E%3Cscript%3Ealert(2)" >/dev/null
check "a query value in the boot data is escaped too" boot "
assert html.count('<script') == html.count('</script>')
assert b['search']['query']['staff_skill'] == '</script><script>alert(2)'
"

# ---- without the database: the page, without boot data ----
DATABASE_URL='postgresql://nobody@127.0.0.1:1/none?connect_timeout=1' REDLIGHT_STATIC_DIR=$top_srcdir/web/static \
	start_redlightd "$tmp/down.log" --config "$tmp/empty.conf" --listen 127.0.0.1:0 || true
down=$base
status=$(page "/availability?date=$day&svc=$rec&dur=120")
check "with the database away, /availability is still 200 HTML, without boot data" sh -c '
	test "$1" = 200 && grep -q "<main" "$2" && ! grep -q "rl-boot\"" "$2"' - "$status" "$tmp/body"
check "... nor a leftover marker" sh -c '! grep -q "<!--rl-boot-->" "$1"' - "$tmp/body"
base=$main

echo "1..$n"
