#!/bin/sh
# test-avail.sh: availability search, quotes, the public settings and the
# live updates (LISTEN invalidation, Server-Sent Events), over real HTTP
# against a real PostgreSQL. Makes a throwaway database, migrates and seeds
# the demo studio with the redlight binary, starts redlightd on a free port
# and checks its answers with curl, python3 and psql. Prints TAP. Runs
# under tests/lib/with-pg (re-executing itself through it).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_need_zone
http_begin avail

# error_is STATUS GOT CODE FIELD: the last answer is STATUS with a JSON error
# of CODE naming FIELD ("" for none).
error_is() {
	[ "$2" = "$1" ] && body_json "
e = d['error']
sys.exit(not (e['code'] == sys.argv[1] and e.get('field', '') == sys.argv[2] and e['message']))" \
		"$3" "$4"
}

# now_ms: the wall clock in milliseconds.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wait_for MS COMMAND...: run COMMAND until it succeeds, for MS
# milliseconds at most (changes reach the cache asynchronously).
wait_for() {
	deadline=$(( $(now_ms) + $1 ))
	shift
	while ! "$@"; do
		[ "$(now_ms)" -ge "$deadline" ] && return 1
		sleep 0.02
	done
	return 0
}

# The demo studio (db/seed/demo.sql).
room_a=00000000-0000-4000-8000-0000000000a1     # 10-22 Mon-Sat, 15 min buffers, tracking
room_b=00000000-0000-4000-8000-0000000000a2     # 09-23 daily, no buffers
booth=00000000-0000-4000-8000-0000000000a3      # 09-18 Mon-Fri
rec=00000000-0000-4000-8000-0000000000b1        # Recording session, 60 min, 90.00, engineer (tracking)
rental=00000000-0000-4000-8000-0000000000b2     # Room rental, 60 min, 50.00
backline=00000000-0000-4000-8000-0000000000b4   # Backline rental, add-on, 25.00
eli=00000000-0000-4000-8000-0000000000e1        # tracking, 10-19 Mon-Fri

# Wednesdays at least three days out (past the lead time, inside the
# horizon), none of them the Christmas blackout: day, daym two weeks later
# (loaded with day: a load brings the month after its day), and day2 and
# day3 five and ten weeks later (each outside the month loaded before it).
days=$(python3 -c '
import datetime, zoneinfo
d = datetime.datetime.now(zoneinfo.ZoneInfo("America/Toronto")).date() + datetime.timedelta(days=3)
while True:
    out = [d + datetime.timedelta(weeks=w) for w in (0, 2, 5, 10)]
    if d.weekday() == 2 and all((x.month, x.day) != (12, 25) for x in out):
        break
    d += datetime.timedelta(days=1)
print(" ".join(x.isoformat() for x in out))')
set -- $days
day=$1 daym=$2 day2=$3 day3=$4

# ---- the database and a running redlightd ----
make_db --tests
DATABASE_URL=$url REDLIGHT_STATIC_DIR=$top_srcdir/web/static REDLIGHT_LOG_FORMAT=json \
	start_main "$tmp/redlightd.log" "redlightd starts and prints its address"
check "redlightd listens for changes" \
	wait_for 10000 grep -q '^redlightd: listening for changes on redlight_changes$' "$tmp/redlightd.log"

# An event stream open from the start, for the heartbeat at the end.
started=$(date +%s)
curl -sN "$base/api/events" > "$tmp/sse-long.out" 2>/dev/null &
sse_long=$!
pids="$pids $sse_long"

# ---- search: good input ----
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":\"$rental\"}")
check "a room-rental search answers 200 with slots" sh -c \
	'test "$1" = 200 && test "$2" = application/json' - "$status" "$(header content-type)"
check "room-rental slots lie inside each room's hours, on quarter hours, at 50.00 without staff" body_json "
hours = {sys.argv[1]: (600, 1320), sys.argv[2]: (540, 1380), sys.argv[3]: (540, 1080)}
s = d['slots']
assert len(s) > 0
for x in s:
    lo, hi = hours[x['room_id']]
    a, b = local(x['start_at']), local(x['end_at'])
    assert a.date().isoformat() == sys.argv[4]
    assert lo <= minutes(x['start_at']) and minutes(x['end_at']) <= hi and b > a
    assert a.minute % 15 == 0 and a.second == 0
    assert (b - a).total_seconds() == 3600
    assert x['price_cents'] == 5000 and x['staff_ids'] == []
assert {x['room_id'] for x in s} == set(hours)
assert [x['start_at'] for x in s] == sorted(x['start_at'] for x in s)
" "$room_a" "$room_b" "$booth" "$day"
check "room B offers every quarter hour from 09:00 to 22:00" body_json "
starts = [minutes(x['start_at']) for x in d['slots'] if x['room_id'] == sys.argv[1]]
sys.exit(starts != list(range(540, 1321, 15)))" "$room_b"

status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":120,\"service_id\":\"$rec\"}")
check "a two-hour recording session is offered in Studio A only, 10:00 to 19:00, with Eli, at 180.00" sh -c '
	test "$1" = 200' - "$status"
check "recording slots: every quarter hour from 10:00 to 17:00, each listing exactly Eli" body_json "
s = d['slots']
assert [minutes(x['start_at']) for x in s] == list(range(600, 17 * 60 + 1, 15))
for x in s:
    assert x['room_id'] == sys.argv[1] and x['staff_ids'] == [sys.argv[2]]
    assert x['price_cents'] == 18000
    assert (local(x['end_at']) - local(x['start_at'])).total_seconds() == 7200
" "$room_a" "$eli"

status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":30}")
check "without a service the search prices the room-only service, raised to its hour" sh -c '
	test "$1" = 200' - "$status"
check "room-only slots last an hour at 50.00" body_json "
s = d['slots']
assert s and all(x['price_cents'] == 5000 and
    (local(x['end_at']) - local(x['start_at'])).total_seconds() == 3600 for x in s)"

status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"room_id\":\"$booth\",\"staff_skill\":\"mastering\"}")
check "a skill asked for limits the slots to staff who have it (Priya, from 12:00)" sh -c '
	test "$1" = 200' - "$status"
check "mastering slots in the booth: 12:00 to 17:00, each with Priya only" body_json "
s = d['slots']
assert [minutes(x['start_at']) for x in s] == list(range(720, 17 * 60 + 1, 15))
assert all(x['room_id'] == sys.argv[1] and x['staff_ids'] == ['00000000-0000-4000-8000-0000000000e2'] for x in s)
" "$booth"

# ---- search: bad input, each a JSON error naming the field ----
status=$(post /api/availability/search '{"date": "2027-01-06", "duration_min": 60,')
check "malformed JSON is 400 invalid_json" error_is 400 "$status" invalid_json body
status=$(post /api/availability/search '{"duration_min": 60}')
check "a missing date is 400 naming date" error_is 400 "$status" invalid date
status=$(post /api/availability/search '{"date": "2027-02-30", "duration_min": 60}')
check "a date that does not exist (2027-02-30) is 400 naming date" error_is 400 "$status" invalid date
status=$(post /api/availability/search '{"date": "06/01/2027", "duration_min": 60}')
check "a date in another shape is 400 naming date" error_is 400 "$status" invalid date
status=$(post /api/availability/search '{"date": 20270106, "duration_min": 60}')
check "a date that is a number is 400 naming date" error_is 400 "$status" invalid date
status=$(post /api/availability/search "{\"date\":\"$day\"}")
check "a missing duration is 400 naming duration_min" error_is 400 "$status" invalid duration_min
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":\"60\"}")
check "a duration that is a string is 400 invalid naming duration_min" error_is 400 "$status" invalid duration_min
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60.5}")
check "a duration with a fraction is 400 invalid naming duration_min" error_is 400 "$status" invalid duration_min
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":0}")
check "a duration of 0 is 400 invalid_duration" error_is 400 "$status" invalid_duration duration_min
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":525600}")
check "a duration of a year is 400 invalid_duration" error_is 400 "$status" invalid_duration duration_min
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":-60}")
check "a negative duration is 400 invalid_duration" error_is 400 "$status" invalid_duration duration_min
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":90,\"service_id\":\"$rec\"}")
check "90 minutes of a 60-minute service is 400 invalid_duration" error_is 400 "$status" invalid_duration duration_min
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":\"00000000-0000-4000-8000-00000000dead\"}")
check "an unknown service is 404 naming service_id" error_is 404 "$status" not_found service_id
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":\"$backline\"}")
check "an add-on as the service is 400 naming service_id" error_is 400 "$status" invalid service_id
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"room_id\":\"nope\"}")
check "an unknown room is 404 naming room_id" error_is 404 "$status" not_found room_id
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":7}")
check "a service_id that is a number is 400 naming service_id" error_is 400 "$status" invalid service_id
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"room_id\":[\"$room_a\"]}")
check "a room_id that is an array is 400 naming room_id" error_is 400 "$status" invalid room_id
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"staff_skill\":\"$(printf '%0100d' 0)\"}")
check "a 100-character skill is 400 naming staff_skill" error_is 400 "$status" invalid staff_skill
status=$(post /api/availability/search '["date", "duration_min"]')
check "a body that is not an object is 400 invalid_json" error_is 400 "$status" invalid_json body
python3 -c 'import sys; sys.stdout.write("{\"date\":" + "[" * 5000 + "]" * 5000 + ",\"duration_min\":60}")' > "$tmp/deep.json"
status=$(http POST /api/availability/search -H 'Content-Type: application/json' --data-binary @"$tmp/deep.json")
check "JSON nested 5000 deep is 400 invalid_json" error_is 400 "$status" invalid_json date
python3 -c 'import sys; sys.stdout.write("{\"date\":\"2027-01-06\",\"duration_min\":60,\"pad\":\"" + "x" * 70000 + "\"}")' > "$tmp/big.json"
status=$(http POST /api/availability/search -H 'Content-Type: application/json' --data-binary @"$tmp/big.json")
check "a body over the limit is 413" test "$status" = 413
status=$(http POST /api/availability/search -H 'Content-Type: text/plain' --data-binary "{\"date\":\"$day\",\"duration_min\":60}")
check "a body that is not application/json is 415" test "$status" = 415
status=$(http GET /api/availability/search)
check "GET on the search is 405" test "$status" = 405

status=$(http GET /healthz)
check "after all that, redlightd still answers /healthz" test "$status" = 200
status=$(post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":\"$rental\"}")
check "and still searches" sh -c 'test "$1" = 200' - "$status"
check "the same slots as before" body_json "sys.exit(len(d['slots']) == 0)"

# ---- compression: only for a client that asks, the same document ----
cp "$tmp/body" "$tmp/plain"
check "a search without Accept-Encoding is sent plain, saying it varies" sh -c '
	tr -d "\r" < "$1" | grep -qi "^vary: accept-encoding" &&
	! tr -d "\r" < "$1" | grep -qi "^content-encoding"' - "$tmp/headers"
post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":\"$rental\"}" \
	-H 'Accept-Encoding: gzip' >/dev/null
check "with Accept-Encoding: gzip the same search is gzip, saying it varies" sh -c '
	test "$1" = gzip && test "$2" = Accept-Encoding' - "$(header content-encoding)" "$(header vary)"
check "and unpacks to the plain answer byte for byte" sh -c 'gzip -dc < "$1" | cmp -s - "$2"' - \
	"$tmp/body" "$tmp/plain"
status=$(http GET / -H 'Accept-Encoding: gzip')
check "the booking page is gzip for a client that asks" sh -c '
	test "$1" = 200 && test "$2" = gzip && gzip -dc < "$3" | grep -q "</html>"' - \
	"$status" "$(header content-encoding)" "$tmp/body"
status=$(http GET /)
check "and plain for one that does not" sh -c '
	test "$1" = 200 && test -z "$2" && grep -q "</html>" "$3"' - \
	"$status" "$(header content-encoding)" "$tmp/body"

# ---- quotes ----
quote_body="{\"room_id\":\"$room_a\",\"service_id\":\"$rec\",\"start_at\":\"${day}T15:00:00Z\",\"duration_min\":120,\"addons\":[{\"service_id\":\"$backline\",\"qty\":1}]}"
status=$(post /api/quote "$quote_body")
check "a quote for a two-hour recording session with backline answers 200" test "$status" = 200
check "the quote is 180.00 + 25.00, 13% tax, 25% deposit, in CAD, to the cent" body_json "
assert d['subtotal_cents'] == 20500 and d['fees_cents'] == 0
assert d['taxes_cents'] == 2665 and d['total_cents'] == 23165
assert d['deposit_cents'] == 5791 and d['currency'] == 'CAD'
assert d['lines'] == [
    {'service_id': sys.argv[1], 'name': 'Recording session', 'quantity': 2,
     'unit_price_cents': 9000, 'total_cents': 18000},
    {'service_id': sys.argv[2], 'name': 'Backline rental', 'quantity': 1,
     'unit_price_cents': 2500, 'total_cents': 2500}]
assert '48 hours' in d['policy_summary'] and 'refund' in d['policy_summary']
" "$rec" "$backline"
status=$(post /api/quote "{\"room_id\":\"$room_b\",\"service_id\":\"$rental\",\"start_at\":\"${day}T15:00:00.000+00:00\",\"duration_min\":180,\"staff_ids\":[\"$eli\"],\"addons\":[{\"service_id\":\"$backline\",\"qty\":2}]}")
check "a quote with staff, an offset start and two backlines: 150.00 + 50.00 plus tax" sh -c '
	test "$1" = 200' - "$status"
check "its numbers" body_json "
assert d['subtotal_cents'] == 20000 and d['taxes_cents'] == 2600 and d['total_cents'] == 22600
assert d['deposit_cents'] == 5650 and d['lines'][1]['quantity'] == 2"
status=$(post /api/quote "{\"room_id\":\"00000000-0000-4000-8000-00000000dead\",\"service_id\":\"$rec\",\"start_at\":\"${day}T15:00:00Z\",\"duration_min\":120}")
check "a quote for an unknown room is 404 naming room_id" error_is 404 "$status" not_found room_id
status=$(post /api/quote "{\"room_id\":\"$room_a\",\"service_id\":\"$rec\",\"start_at\":\"${day}T15:00:00Z\",\"duration_min\":120,\"staff_ids\":[\"00000000-0000-4000-8000-00000000dead\"]}")
check "a quote naming an unknown engineer is 404 naming staff_ids" error_is 404 "$status" not_found staff_ids
status=$(post /api/quote "{\"room_id\":\"$room_a\",\"service_id\":\"$rec\",\"start_at\":\"${day}T15:00:00Z\",\"duration_min\":120,\"addons\":[{\"service_id\":\"00000000-0000-4000-8000-00000000dead\"}]}")
check "a quote with an unknown add-on is 404 naming addons" error_is 404 "$status" not_found addons
status=$(post /api/quote "{\"room_id\":\"$room_a\",\"service_id\":\"$rec\",\"start_at\":\"${day}T15:00:00Z\",\"duration_min\":120,\"addons\":[{\"service_id\":\"$rental\"}]}")
check "a main service as an add-on is 400 naming addons" error_is 400 "$status" invalid addons
status=$(post /api/quote "{\"room_id\":\"$room_a\",\"service_id\":\"$rec\",\"start_at\":\"${day}T15:00:00Z\",\"duration_min\":120,\"addons\":[{\"service_id\":\"$backline\",\"qty\":0}]}")
check "an add-on quantity of 0 is 400 naming addons" error_is 400 "$status" invalid addons
status=$(post /api/quote "{\"room_id\":\"$room_a\",\"service_id\":\"$rec\",\"start_at\":\"tomorrow at 3\",\"duration_min\":120}")
check "a start_at that is not RFC 3339 is 400 naming start_at" error_is 400 "$status" invalid start_at
status=$(post /api/quote "{\"room_id\":\"$room_a\",\"service_id\":\"$rec\",\"start_at\":\"${day}T15:00:00Z\",\"duration_min\":90}")
check "a quote for 90 minutes of a 60-minute service is 400 invalid_duration" \
	error_is 400 "$status" invalid_duration duration_min
status=$(post /api/quote "{\"service_id\":\"$rec\",\"start_at\":\"${day}T15:00:00Z\",\"duration_min\":60}")
check "a quote without room_id is 400 naming room_id" error_is 400 "$status" invalid room_id
status=$(post /api/quote "{\"room_id\":\"$room_a\",\"service_id\":\"$rec\",\"start_at\":\"${day}T15:00:00Z\",\"duration_min\":60,\"staff_ids\":\"$eli\"}")
check "staff_ids that is not an array is 400 naming staff_ids" error_is 400 "$status" invalid staff_ids

# ---- the public settings ----
status=$(http GET /api/settings/public)
check "GET /api/settings/public answers 200" test "$status" = 200
check "it names the studio, zone, hold time, currency and policy" body_json "
assert d['studio_name'] == 'Redlight Demo Studios' and d['timezone'] == 'America/Toronto'
assert d['hold_ttl_min'] == 15 and d['currency'] == 'CAD'
assert 'refund' in d['policy_summary'] and 'Reschedule' in d['policy_summary']"

# ---- freshness: writes reach the cache through LISTEN, and browsers through SSE ----
curl -sN -D "$tmp/sse-headers" "$base/api/events" > "$tmp/sse.out" 2>/dev/null &
sse_all=$!
curl -sN "$base/api/events?room_id=$room_a" > "$tmp/sse-a.out" 2>/dev/null &
sse_a=$!
pids="$pids $sse_all $sse_a"
wait_for 5000 grep -q '^: connected' "$tmp/sse.out"
wait_for 5000 grep -q '^: connected' "$tmp/sse-a.out"
check "GET /api/events is text/event-stream, not cached" sh -c '
	tr -d "\r" < "$1" | grep -qi "^content-type: text/event-stream" &&
	tr -d "\r" < "$1" | grep -qi "^cache-control: no-cache"' - "$tmp/sse-headers"

# the 14:00 hour in room B, searched (and so cached) first
post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":\"$rental\",\"room_id\":\"$room_b\"}" >/dev/null
slot=$(body_json "
for x in d['slots']:
    if minutes(x['start_at']) == 14 * 60:
        print(x['start_at'], x['end_at'])")
set -- $slot
slot_start=${1:-} slot_end=${2:-}
check "room B's 14:00 hour is on offer before the booking" test -n "$slot_start"

# room_b_overlaps FROM TO: a search offers room B somewhere in [FROM, TO)
room_b_overlaps() {
	post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":\"$rental\",\"room_id\":\"$room_b\"}" >/dev/null
	body_json "
a, b = local(sys.argv[1]), local(sys.argv[2])
sys.exit(not any(local(x['start_at']) < b and local(x['end_at']) > a for x in d['slots']))" "$1" "$2"
}
room_b_taken() { ! room_b_overlaps "$@"; }

sql "SELECT booking_id FROM booking_submit(NULL, NULL, '$room_b', '$slot_start', '$slot_end',
	tstzrange('$slot_start', '$slot_end', '[)'), 'test booking', NULL, '[]'::jsonb,
	'{\"subtotal_cents\":0,\"fees_cents\":0,\"tax_rate_bp\":0,\"taxes_cents\":0,\"total_cents\":0,\"deposit_percent\":0,\"deposit_cents\":0,\"currency\":\"CAD\",\"cancellation_tiers\":[{\"min_hours_before\":0,\"refund_percent\":0}],\"reschedule_free_min_hours\":0,\"reschedule_free_count\":0,\"reschedule_fee_cents\":0}'::jsonb, 'RL-TEST-0001', 'admin', '{}')" \
	>"$tmp/booked" 2>&1
booked_at=$(now_ms)
# sse_has FILE ENTITY ROOM: FILE holds an availability event for ENTITY in ROOM ("null": none)
sse_has() {
	python3 -c '
import json, sys
text = open(sys.argv[1]).read()
for block in text.split("\n\n"):
    lines = block.split("\n")
    if "event: availability" not in lines:
        continue
    for l in lines:
        if l.startswith("data: "):
            d = json.loads(l[6:])
            if d["entity"] == sys.argv[2] and (d["room_id"] or "null") == sys.argv[3]:
                sys.exit(0)
sys.exit(1)' "$@"
}
# grep, not python: its start-up alone can take half a second here
if wait_for 1000 grep -q "\"room_id\":\"$room_b\",.*\"entity\":\"booking\"" "$tmp/sse.out"; then
	ok "an SSE client hears of the booking within a second ($(( $(now_ms) - booked_at )) ms)"
else
	not_ok "an SSE client hears of the booking within a second" "$(cat "$tmp/sse.out")"
fi
check "it is an availability event naming room B and the booking" sse_has "$tmp/sse.out" booking "$room_b"
check "the event carries the room and the booked range in RFC 3339" python3 -c '
import json, sys
for block in open(sys.argv[1]).read().split("\n\n"):
    for l in block.split("\n"):
        if l.startswith("data: ") and "booking" in l:
            d = json.loads(l[6:])
            sys.exit(not (d["room_id"] == sys.argv[2] and d["from"] == sys.argv[3] and d["to"] == sys.argv[4]))
sys.exit(1)' "$tmp/sse.out" "$room_b" "$slot_start" "$slot_end"
check "the next search no longer offers the booked hour (LISTEN invalidation)" \
	wait_for 3000 room_b_taken "$slot_start" "$slot_end"
check "the hour after it is still on offer" body_json "
sys.exit(not any(x['start_at'] == sys.argv[1] for x in d['slots']))" "$slot_end"
sleep 0.2
check "a client following room A only did not hear of room B's booking" sh -c '
	grep -q "^: connected" "$1" && ! grep -q "event: availability" "$1"' - "$tmp/sse-a.out"

# a schedule rule changed by SQL (0003_notify.sql's triggers)
room_b_late() { room_b_overlaps "${day}T17:00:00Z" "${day}T23:59:00Z"; }
check "room B is on offer in the evening before its rule changes" room_b_late
sql "UPDATE schedule_rule SET end_time = '12:00' WHERE target_type = 'room' AND target_id = '$room_b'"
room_b_closes_at_noon() {
	post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":\"$rental\",\"room_id\":\"$room_b\"}" >/dev/null
	body_json "
s = d['slots']
sys.exit(not (s and all(minutes(x['end_at']) <= 720 for x in s)))"
}
check "after a rule change by SQL, room B closes at noon in the next search" \
	wait_for 3000 room_b_closes_at_noon
both_heard_rule() { sse_has "$tmp/sse.out" schedule_rule null && sse_has "$tmp/sse-a.out" schedule_rule null; }
check "every stream, room A's too, hears of the rule change" wait_for 1000 both_heard_rule

# a blackout of room A by SQL: only the days it touches reload
room_a_evening_free() {
	post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":\"$rental\",\"room_id\":\"$room_a\"}" >/dev/null
	body_json "
s = d['slots']
sys.exit(not any(minutes(x['start_at']) >= 18 * 60 for x in s))"
}
check "room A is free in the evening before the blackout" room_a_evening_free
evening=$(python3 -c '
import datetime, sys, zoneinfo
t = datetime.datetime.fromisoformat(sys.argv[1] + "T18:00:00").replace(tzinfo=zoneinfo.ZoneInfo("America/Toronto"))
print(t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$day")
sql "INSERT INTO exception (target_type, target_id, start_at, end_at, reason)
	VALUES ('room', '$room_a', '$evening', '$evening'::timestamptz + interval '6 hours', 'test')"
room_a_evening_closed() { ! room_a_evening_free; }
check "after a blackout by SQL, room A offers nothing from 18:00" wait_for 3000 room_a_evening_closed
check "room A's SSE stream hears of its blackout" wait_for 1000 sse_has "$tmp/sse-a.out" exception "$room_a"

sql "UPDATE settings SET hold_ttl_min = 20"
settings_20() { [ "$(http GET /api/settings/public)" = 200 ] && body_json "sys.exit(d['hold_ttl_min'] != 20)"; }
check "a settings change by SQL shows in /api/settings/public" wait_for 3000 settings_20

# ---- the listener's connection dies: it comes back, and nothing stale is kept ----
sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	WHERE application_name = 'redlightd-listen'" >/dev/null
check "the listener notices its connection was killed" \
	wait_for 5000 grep -q '^redlightd: lost the change listener' "$tmp/redlightd.log"
check "and listens again" \
	wait_for 5000 grep -q '^redlightd: listening again for changes on redlight_changes$' "$tmp/redlightd.log"
check "event streams are told to resync (they may have missed changes)" \
	wait_for 1000 sse_has "$tmp/sse.out" resync null
sql "UPDATE settings SET hold_ttl_min = 25"
settings_25() { [ "$(http GET /api/settings/public)" = 200 ] && body_json "sys.exit(d['hold_ttl_min'] != 25)"; }
check "a change after the reconnect reaches the cache" wait_for 3000 settings_25

# ---- no_blocking: a day stuck behind a lock holds up nobody else ----
post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":\"$rental\"}" >/dev/null
lock_table room_claim 6
locked() { table_locked room_claim; }
wait_for 5000 locked
# two requests for a day not yet loaded: one gives up, one waits it out
curl -s -o "$tmp/stuck.body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	--data-binary "{\"date\":\"$day2\",\"duration_min\":60}" "$base/api/availability/search" \
	> "$tmp/stuck.status" 2>/dev/null &
stuck=$!
curl -s -m 0.3 -o /dev/null -X POST -H 'Content-Type: application/json' \
	--data-binary "{\"date\":\"$day2\",\"duration_min\":60}" "$base/api/availability/search" \
	2>/dev/null
# quick COMMAND...: COMMAND prints 200 within 1.5 s (the lock holds for 6).
quick() {
	t0=$(now_ms)
	s=$("$@")
	[ $(( $(now_ms) - t0 )) -lt 1500 ] && [ "$s" = 200 ]
}
check "no_blocking: /healthz answers at once while a day waits on a lock" quick http GET /healthz
check "no_blocking: a cached day answers at once meanwhile" \
	quick post /api/availability/search "{\"date\":\"$day\",\"duration_min\":60,\"service_id\":\"$rental\"}"
check "no_blocking: the settings answer at once meanwhile" quick http GET /api/settings/public
check "no_blocking: a day never asked for, two weeks after a loaded one, answers at once (a month loads in one query)" \
	quick post /api/availability/search "{\"date\":\"$daym\",\"duration_min\":60,\"service_id\":\"$rental\"}"
still_waiting() { kill -0 "$stuck" 2>/dev/null; }
check "the stuck search is still waiting for its day" still_waiting
wait "$locker"
wait "$stuck"
check "once the lock goes, the search that waited gets its slots" sh -c '
	test "$(cat "$1")" = 200 && python3 -c "import json, sys
sys.exit(not json.load(open(sys.argv[1]))[\"slots\"])" "$2"' - "$tmp/stuck.status" "$tmp/stuck.body"
status=$(post /api/availability/search "{\"date\":\"$day3\",\"duration_min\":60}")
check "and the server goes on serving new days" sh -c 'test "$1" = 200' - "$status"

# ---- the heartbeat ----
elapsed=$(( $(date +%s) - started ))
if [ "$elapsed" -lt 17 ]; then
	sleep $((17 - elapsed))
fi
check "an open stream gets a ': ping' comment every 15 seconds" grep -q '^: ping$' "$tmp/sse-long.out"
check "the long stream heard the changes too" grep -q '"entity":"booking"' "$tmp/sse-long.out"

# ---- a subscriber that stops reading is ended, not buffered forever ----
# (after the heartbeat: the flood may end the other streams too)
# 100000 notices of ~120 bytes: far more than the socket buffers and the
# per-subscriber limit hold
slow=$(python3 - "$base" "$url" <<'EOF'
import socket, subprocess, sys, time
host, port = sys.argv[1].rsplit("/", 1)[1].rsplit(":", 1)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect((host, int(port)))
s.sendall(b"GET /api/events HTTP/1.1\r\nHost: test\r\n\r\n")
time.sleep(0.3)
subprocess.run(["psql", "-XAtq", sys.argv[2], "-c",
    "SELECT count(pg_notify('redlight_changes', json_build_object('entity', 'booking', 'id', i,"
    " 'room_id', NULL, 'from', 1800000000 + i, 'to', 1800000100 + i)::text))"
    " FROM generate_series(1, 100000) i"], check=True, stdout=subprocess.DEVNULL)
time.sleep(1)
s.settimeout(3)
data = b""
while not data.endswith(b"\r\n0\r\n\r\n"):
    try:
        b = s.recv(65536)
    except socket.timeout:
        break
    if not b:
        break
    data += b
print(len(data), "ended" if data.endswith(b"\r\n0\r\n\r\n") else "open")
EOF
)
check "a subscriber far behind is ended with a clean end of stream ($slow)" sh -c '
	set -- $1
	test "$2" = ended && test "$1" -lt 12000000' - "$slow"
check "and the server goes on answering" test "$(http GET /healthz)" = 200

# ---- a stop with streams open ----
t0=$(date +%s)
stop "$main_pid"
rc=$?
check "SIGTERM stops redlightd with status 0 although event streams are open" test "$rc" -eq 0
check "it did not wait out the grace period for them" test $(( $(date +%s) - t0 )) -lt 5
sse_ended() { ! kill -0 "$sse_all" 2>/dev/null && ! kill -0 "$sse_a" 2>/dev/null && ! kill -0 "$sse_long" 2>/dev/null; }
check "the event streams were ended, not cut" wait_for 3000 sse_ended
wait "$sse_all"
check "curl saw the stream end cleanly" test $? -eq 0
# a sanitizer build (tools/check) reports to stderr, into the log
check "the server log holds no sanitizer report" sh -c \
	'! grep -Eq "ERROR: (Address|Leak)Sanitizer|runtime error:" "$1"' - "$tmp/redlightd.log"

echo "1..$n"
