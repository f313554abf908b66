#!/bin/sh
# test-bookings.sh: holds, bookings, an artist's list, cancellations and
# reschedules, over real HTTP against a real PostgreSQL. Makes a throwaway
# database, migrates and seeds the demo studio with the redlight binary,
# starts redlightd on a free port, registers artists with curl cookie jars,
# and checks the answers with curl, python3 and psql. Prints TAP. Runs
# under tests/lib/with-pg (re-executing itself through it).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_begin book

# from ORIGIN JAR METHOD PATH [JSON [CURL-ARGS...]]: a request with the
# cookies of JAR and that Origin; with a JSON that is not "", a JSON body.
# Prints the status.
from() {
	o=$1 jar=$2 m=$3 p=$4
	shift 4
	d=${1:-}
	[ $# -gt 0 ] && shift
	if [ -n "$d" ]; then
		http "$m" "$p" -b "$jar" -H "Origin: $o" -H 'Content-Type: application/json' \
			--data-binary "$d" "$@"
	else
		http "$m" "$p" -b "$jar" -H "Origin: $o" "$@"
	fi
}
# as JAR METHOD PATH [JSON [CURL-ARGS...]]: from our own origin.
as() {
	from "$base" "$@"
}
# py EXPR: print EXPR evaluated with d = the last body as JSON.
py() {
	python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
print($1)" "$tmp/body" 2>/dev/null
}
# body_ok PYTHON-CONDITION: the last body parses and the condition holds.
body_ok() {
	python3 -c "import json, sys, re
d = json.load(open(sys.argv[1]))
sys.exit(not ($1))" "$tmp/body" 2>/dev/null
}

# ---- the database and the server ----
make_db
DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER=0 \
	start_main --healthy "$tmp/main.log" "redlightd starts and connects"

room_a=00000000-0000-4000-8000-0000000000a1
room_b=00000000-0000-4000-8000-0000000000a2
booth=00000000-0000-4000-8000-0000000000a3
recording=00000000-0000-4000-8000-0000000000b1
rental=00000000-0000-4000-8000-0000000000b2
mixing=00000000-0000-4000-8000-0000000000b3
backline=00000000-0000-4000-8000-0000000000b4
eli=00000000-0000-4000-8000-0000000000e1
sam=00000000-0000-4000-8000-0000000000e3

week_day
check "the test day is a Tuesday to Thursday a week ahead ($day)" test -n "$day"

# ---- artists ----
# register JAR EMAIL NAME: a new artist, its session in JAR.
register() {
	http POST /api/auth/register -c "$1" -H 'Content-Type: application/json' \
		--data-binary "{\"email\":\"$2\",\"password\":\"correct horse\",\"name\":\"$3\"}"
}
nina=$tmp/nina.jar
omar=$tmp/omar.jar
staff=$tmp/staff.jar
check "artist Nina registers" test "$(register "$nina" nina@example.com 'Nina Singer')" = 201
nina_id=$(py 'd["user"]["id"]')
check "artist Omar registers" test "$(register "$omar" omar@example.com 'Omar Drummer')" = 201
status=$(http POST /api/auth/login -c "$staff" -H 'Content-Type: application/json' \
	--data-binary '{"email":"engineer@redlight.test","password":"redlight-demo"}')
check "the engineer logs in" test "$status" = 200

# ---- finding a slot ----
t10=$(at 10:00) t11=$(at 11:00) t1030=$(at 10:30) t1130=$(at 11:30)
status=$(http POST /api/availability/search -H 'Content-Type: application/json' \
	--data-binary "{\"date\":\"$day\",\"duration_min\":60,\"room_id\":\"$room_b\"}")
check "a search offers Studio B at 10:00-11:00 that day" body_ok \
	"any(s['start_at'] == '$t10' and s['end_at'] == '$t11' and s['room_id'] == '$room_b' for s in d['slots'])"

# ---- holds ----
status=$(as "$nina" POST /api/holds "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\"}")
check "Nina holds Studio B 10:00-11:00: 201" test "$status" = 201
check "the hold answers hold_id and expires_at (RFC 3339 Z, 15 minutes ahead)" body_ok "
set(d) == {'hold_id', 'expires_at'} and len(d['hold_id']) == 36 and
re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', d['expires_at']) is not None"
hold=$(py 'd["hold_id"]')
expires=$(py 'd["expires_at"]')
check "the hold expires after the studio's hold_ttl_min (15 minutes)" test \
	"$(sql "SELECT '$expires'::timestamptz BETWEEN now() + interval '14 minutes' AND now() + interval '16 minutes'")" = t
check "the hold is an active row that claims the room" test \
	"$(sql "SELECT count(*) FROM hold h JOIN room_claim c ON c.hold_id = h.id
		WHERE h.id = '$hold' AND h.status = 'active' AND h.user_id = '$nina_id'
		AND c.during = tstzrange('$t10', '$t11', '[)')")" = 1

status=$(as "$omar" POST /api/holds "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\"}")
check "Omar cannot hold the same time: 409 slot_unavailable" is_error "$status" 409 slot_unavailable
check "the message names the room" message_has "Studio B"
status=$(as "$omar" POST /api/holds "{\"room_id\":\"$room_b\",\"start_at\":\"$t1030\",\"end_at\":\"$t1130\"}")
check "nor an overlapping one: 409" is_error "$status" 409 slot_unavailable
status=$(as "$omar" POST /api/bookings "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\"}")
check "nor book it: 409 slot_unavailable" is_error "$status" 409 slot_unavailable
status=$(as "$omar" POST /api/bookings \
	"{\"hold_id\":\"$hold\",\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\"}")
check "nor book it with Nina's hold_id: 404 naming hold_id" is_error "$status" 404 not_found hold_id
status=$(as "$omar" DELETE "/api/holds/$hold")
check "nor release Nina's hold: 404" is_error "$status" 404 not_found
check "nothing of Omar's was written" test \
	"$(sql "SELECT (SELECT count(*) FROM booking b JOIN app_user u ON u.id = b.user_id WHERE u.email = 'omar@example.com')
		+ (SELECT count(*) FROM hold h JOIN app_user u ON u.id = h.user_id WHERE u.email = 'omar@example.com')")" = 0

# ---- booking from the hold ----
status=$(as "$nina" POST /api/bookings "{\"hold_id\":\"$hold\",\"room_id\":\"$room_b\",
	\"service_items\":[{\"service_id\":\"$rental\",\"qty\":1}],\"start_at\":\"$t10\",\"end_at\":\"$t11\",
	\"notes\":\"Vocals for \\\"Red Light\\\", take 3\"}")
check "Nina books with her hold: 201" test "$status" = 201
check "the answer: booking_id, an RL- code, awaiting_approval and the catalogue's quote" body_ok "
len(d['booking_id']) == 36 and re.fullmatch(r'RL-[A-Z0-9]{8}', d['code']) and d['status'] == 'awaiting_approval'
and d['quote']['subtotal_cents'] == 5000 and d['quote']['taxes_cents'] == 650
and d['quote']['total_cents'] == 5650 and d['quote']['deposit_cents'] == 1413
and d['start_at'] == '$t10' and d['end_at'] == '$t11' and d['staff_ids'] == []"
b1=$(py 'd["booking_id"]')
b1code=$(py 'd["code"]')
check "the hold is converted and no longer claims the room" test \
	"$(sql "SELECT h.status || ' ' || (SELECT count(*) FROM room_claim WHERE hold_id = h.id) FROM hold h WHERE id = '$hold'")" = "converted 0"
check "the booking claims the room, awaiting approval, with one line of 5000" test \
	"$(sql "SELECT b.status || ' ' || (SELECT count(*) FROM room_claim WHERE booking_id = b.id)
		|| ' ' || (SELECT string_agg(quantity || 'x' || unit_price_cents || '=' || total_cents, ',') FROM booking_service WHERE booking_id = b.id)
		FROM booking b WHERE id = '$b1' AND user_id = '$nina_id'")" = "awaiting_approval 1 1x5000=5000"
check "a booking_submitted job was enqueued with it" test \
	"$(sql "SELECT count(*) FROM job WHERE kind = 'booking_submitted' AND payload->>'booking_id' = '$b1'")" = 1
status=$(as "$nina" POST /api/bookings "{\"hold_id\":\"$hold\",\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\"}")
check "the converted hold cannot be used twice: 409 state_changed naming hold_id" \
	is_error "$status" 409 state_changed hold_id
check "the message says the hold already became a booking" message_has "already become a booking"

# ---- a booking without a hold; an engineer's service ----
t12=$(at 12:00) t14=$(at 14:00) t15=$(at 15:00) t16=$(at 16:00) t17=$(at 17:00)
status=$(as "$nina" POST /api/bookings "{\"room_id\":\"$room_b\",\"start_at\":\"$t12\",\"end_at\":\"$t14\"}")
check "a booking without a hold on a free time: 201, room only, two hours at 5000" sh -c \
	'[ "$1" = 201 ] && [ "$2" = 10000 ]' - "$status" "$(py 'd["quote"]["subtotal_cents"]')"
b2=$(py 'd["booking_id"]')
status=$(as "$nina" POST /api/bookings "{\"room_id\":\"$room_b\",\"service_items\":[{\"service_id\":\"$mixing\",\"qty\":1},
	{\"service_id\":\"$backline\",\"qty\":2}],\"start_at\":\"$t15\",\"end_at\":\"$t17\"}")
check "mixing with two backline add-ons: 201, 15000 + 2 x 2500" sh -c \
	'[ "$1" = 201 ] && [ "$2" = 20000 ]' - "$status" "$(py 'd["quote"]["subtotal_cents"]')"
b3=$(py 'd["booking_id"]')
check "the engineer's service got Eli, the first engineer free" body_ok "d['staff_ids'] == ['$eli']"
check "Eli is assigned in the database" test \
	"$(sql "SELECT string_agg(staff_id::text, ',') FROM booking_staff WHERE booking_id = '$b3' AND live")" = "$eli"
status=$(as "$nina" POST /api/bookings "{\"room_id\":\"$room_b\",\"service_items\":[{\"service_id\":\"$mixing\"}],
	\"start_at\":\"$(at 19:00)\",\"end_at\":\"$(at 21:00)\",\"staff_ids\":[\"$sam\"]}")
check "an engineer without the skill is 400 naming staff_ids" is_error "$status" 400 invalid staff_ids
status=$(as "$nina" POST /api/bookings "{\"room_id\":\"$room_b\",\"service_items\":[{\"service_id\":\"$mixing\"},
	{\"service_id\":\"$rental\"}],\"start_at\":\"$(at 19:00)\",\"end_at\":\"$(at 21:00)\"}")
check "two main services are 400 naming service_items" is_error "$status" 400 invalid service_items

# ---- reading ----
status=$(as "$nina" GET "/api/bookings/$b3")
check "the owner reads her booking: 200" test "$status" = 200
check "the detail has the room, times, services, staff and totals" body_ok "
d['id'] == '$b3' and d['status'] == 'awaiting_approval' and d['room'] == {'id': '$room_b', 'name': 'Studio B'}
and d['start_at'] == '$t15' and d['end_at'] == '$t17'
and [(s['service_id'], s['quantity'], s['total_cents']) for s in d['services']] == [('$mixing', 1, 15000), ('$backline', 2, 5000)]
and [s['id'] for s in d['staff']] == ['$eli'] and d['totals']['subtotal_cents'] == 20000
and d['totals']['total_cents'] == 22600 and d['paid_cents'] == 0 and d['created_at'].endswith('Z')"
status=$(as "$nina" GET "/api/bookings/$b1")
check "the notes come back as written" body_ok "d['notes'] == 'Vocals for \"Red Light\", take 3'"
lower=$(printf '%s' "$b1code" | tr 'A-Z' 'a-z')
status=$(as "$nina" GET "/api/bookings/$lower")
check "a booking is found by its code too, in any case" sh -c '[ "$1" = 200 ] && [ "$2" = "$3" ]' - \
	"$status" "$(py 'd["id"]')" "$b1"
status=$(as "$omar" GET "/api/bookings/$b3")
check "another artist gets 404, not 403" is_error "$status" 404 not_found
status=$(as "$omar" GET "/api/bookings/$b1code")
check "by code as well" is_error "$status" 404 not_found
status=$(http GET "/api/bookings/$b3")
check "nobody logged in gets 401" is_error "$status" 401 unauthorized
status=$(as "$staff" GET "/api/bookings/$b3")
check "staff read any booking: 200" test "$status" = 200
status=$(as "$nina" GET "/api/bookings/00000000-0000-4000-8000-000000000000")
check "an unknown id is 404" is_error "$status" 404 not_found
status=$(as "$nina" GET "/api/bookings/%27%3B%20DROP%20TABLE%20booking%3B")
check "a nonsense id is 404" is_error "$status" 404 not_found

status=$(as "$nina" GET /api/me/bookings)
check "GET /api/me/bookings: 200 with Nina's three upcoming, soonest first" body_ok "
[b['id'] for b in d['upcoming']] == ['$b1', '$b2', '$b3'] and d['past'] == []"
status=$(as "$omar" GET /api/me/bookings)
check "Omar has none" body_ok "d == {'upcoming': [], 'past': []}"
status=$(http GET /api/me/bookings)
check "without a login: 401" is_error "$status" 401 unauthorized

# ---- cancel ----
sql "INSERT INTO payment (booking_id, amount_cents, status, captured_at) VALUES ('$b2', 11300, 'succeeded', now())" >/dev/null
status=$(as "$nina" POST "/api/bookings/$b2/cancel" '{"dry_run":true}')
check "a dry run shows a full refund of what was paid, more than 48 hours ahead" body_ok "
d['dry_run'] is True and d['refund_percent'] == 100 and d['refund_cents'] == 11300 and d['summary']
and d['status'] == 'awaiting_approval'"
check "and writes nothing" test \
	"$(sql "SELECT status || ' ' || (SELECT count(*) FROM job WHERE payload->>'booking_id' = '$b2' AND kind NOT IN ('booking_submitted','payment_intent')) FROM booking WHERE id = '$b2'")" = "awaiting_approval 0"

# ---- money as quoted: the studio changes its prices, tax and policy ----
b3code=$(sql "SELECT code FROM booking WHERE id = '$b3'")
as "$nina" GET "/api/bookings/$b3" >/dev/null; cp "$tmp/body" "$tmp/b3.before"
cli_json() { DATABASE_URL=$url "$redlight" booking "$1" --json; }
cli_json "$b3code" >"$tmp/b3.cli.before" 2>&1
check "the booking stores its quote: 13% of 20000, the demo's policy in words" body_ok "
d['quote']['tax_rate_bp'] == 1300 and d['quote']['taxes_cents'] == 2600 and d['quote']['currency'] == 'CAD'
and d['quote']['deposit_percent'] == 25 and d['quote']['policy']['summary'].startswith('Cancel 48 hours')
and d['quote']['policy']['cancellation_tiers'][0] == {'min_hours_before': 48, 'refund_percent': 100}"
sql "UPDATE settings SET tax_rate_bp = 2000, fee_cents = 1234, deposit_percent = 100, currency = 'USD',
	cancellation_tiers = '[{\"min_hours_before\":0,\"refund_percent\":0}]'" >/dev/null
sql "UPDATE service SET base_price_cents = base_price_cents * 2" >/dev/null
as "$nina" GET "/api/bookings/$b3" >/dev/null
check "after the change the API detail reads exactly as before" cmp -s "$tmp/b3.before" "$tmp/body"
cli_json "$b3code" >"$tmp/b3.cli.after" 2>&1
check "and so does redlight booking --json" sh -c 'cmp -s "$1" "$2" && grep -q "\"tax_rate_bp\" *: *1300" "$2"' - \
	"$tmp/b3.cli.before" "$tmp/b3.cli.after"
check "the CLI's words are the stored quote's, not today's rates" sh -c \
	'DATABASE_URL=$1 "$2" booking "$3" | grep -q "^Total.*tax \$26.00 (13.00%) = \$226.00 CAD"' - "$url" "$redlight" "$b3code"
status=$(as "$nina" POST "/api/bookings/$b2/cancel" '{"dry_run":true}')
check "the refund still follows the policy the artist acknowledged: 100% of 11300" body_ok "
d['refund_percent'] == 100 and d['refund_cents'] == 11300"
sql "UPDATE settings SET tax_rate_bp = 1300, fee_cents = 0, deposit_percent = 25, currency = 'CAD',
	cancellation_tiers = DEFAULT" >/dev/null
sql "UPDATE service SET base_price_cents = base_price_cents / 2" >/dev/null
status=$(as "$omar" POST "/api/bookings/$b2/cancel" '{}')
check "Omar cannot cancel Nina's booking: 404" is_error "$status" 404 not_found
status=$(from http://evil.example "$nina" POST "/api/bookings/$b2/cancel")
check "a cross-site cancel with the cookie is 403" is_error "$status" 403 forbidden
status=$(as "$nina" POST "/api/bookings/$b2/cancel" '{"reason":"Singer has a cold"}')
check "cancel: 200 canceled with the refund" body_ok "
d['status'] == 'canceled' and d['refund_percent'] == 100 and d['refund_cents'] == 11300 and 'dry_run' not in d"
check "the booking is canceled, its claim gone, core's jobs for cancel enqueued" test \
	"$(sql "SELECT b.status || ' ' || (SELECT count(*) FROM room_claim WHERE booking_id = b.id)
		|| ' ' || (SELECT string_agg(kind, ',' ORDER BY id) FROM job WHERE payload->>'booking_id' = '$b2'
		AND kind <> 'booking_submitted' AND payload->>'reason' = 'Singer has a cold')
		FROM booking b WHERE id = '$b2'")" = "canceled 0 void_or_refund,email_canceled"

# the same cancel by the studio from the CLI leaves the same jobs and audit
status=$(as "$nina" POST /api/bookings "{\"room_id\":\"$room_a\",\"start_at\":\"$t12\",\"end_at\":\"$(at 14:00)\"}")
bx=$(py 'd["booking_id"]')
bxcode=$(py 'd["code"]')
sql "INSERT INTO payment (booking_id, amount_cents, status, captured_at) VALUES ('$bx', 11300, 'succeeded', now())" >/dev/null
check "an admin cancels a like booking with redlight cancel" sh -c \
	'DATABASE_URL=$1 REDLIGHT_PASSWORD=redlight-demo "$2" cancel "$3" --reason "Singer has a cold" --as admin@redlight.test >/dev/null' \
	- "$url" "$redlight" "$bxcode"
# trace ID: its jobs and audit rows, less what names the booking or the actor
trace() {
	sql "SELECT (SELECT string_agg(kind || ' ' || (payload - 'booking_id' - 'code')::text, '; ' ORDER BY id)
		FROM job WHERE payload->>'booking_id' = '$1' AND kind <> 'booking_submitted') || ' | '
		|| (SELECT string_agg(action || ' ' || reason || ' ' || (diff_json - 'code')::text, '; ' ORDER BY id)
		FROM audit_log WHERE entity_id = '$1')"
}
check "the artist's web cancel and the admin's CLI cancel leave the same jobs and audit rows" sh -c \
	'[ -n "$1" ] && [ "$1" = "$2" ]' - "$(trace "$b2")" "$(trace "$bx")"
status=$(as "$omar" POST /api/holds "{\"room_id\":\"$room_b\",\"start_at\":\"$t12\",\"end_at\":\"$(at 13:00)\"}")
check "the canceled time is free again: Omar holds it" test "$status" = 201
omar_hold=$(py 'd["hold_id"]')
status=$(as "$omar" DELETE "/api/holds/$omar_hold")
check "and releases it: 204" test "$status" = 204
check "the released hold no longer claims the room" test \
	"$(sql "SELECT h.status || ' ' || (SELECT count(*) FROM room_claim WHERE hold_id = h.id) FROM hold h WHERE id = '$omar_hold'")" = "released 0"
status=$(as "$omar" DELETE "/api/holds/$omar_hold")
check "releasing it again is 409 state_changed, as from the CLI" is_error "$status" 409 state_changed hold_id
check "placing and releasing wrote the audit rows redlight hold and hold-release write" test \
	"$(sql "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE entity = 'hold' AND entity_id = '$omar_hold'
		AND actor_user_id = (SELECT id FROM app_user WHERE email = 'omar@example.com')")" = "hold,release"
status=$(as "$nina" POST "/api/bookings/$b2/cancel")
check "canceling twice is 409 state_changed" is_error "$status" 409 state_changed status

# the tiers apply at the moment of the request: 30 hours ahead is 50%
status=$(as "$nina" POST /api/bookings "{\"room_id\":\"$booth\",\"start_at\":\"$t10\",\"end_at\":\"$t11\"}")
check "a booking in the Vocal Booth: 201" test "$status" = 201
b4=$(py 'd["booking_id"]')
sql "UPDATE booking SET start_at = date_trunc('hour', now()) + interval '30 hours',
	end_at = date_trunc('hour', now()) + interval '31 hours',
	blocked = tstzrange(date_trunc('hour', now()) + interval '30 hours', date_trunc('hour', now()) + interval '31 hours', '[)')
	WHERE id = '$b4'" >/dev/null
status=$(as "$nina" POST "/api/bookings/$b4/cancel" '{"dry_run":true}')
check "about 30 hours ahead a cancel refunds 50%" body_ok "d['refund_percent'] == 50"
sql "UPDATE booking SET start_at = now() - interval '1 hour', end_at = now() + interval '1 hour',
	blocked = tstzrange(now() - interval '1 hour', now() + interval '1 hour', '[)') WHERE id = '$b4'" >/dev/null
status=$(as "$nina" POST "/api/bookings/$b4/cancel" '{}')
check "a session under way cannot be canceled: 409" is_error "$status" 409 state_changed
status=$(as "$nina" GET /api/me/bookings)
check "a session under way is listed with the upcoming ones" body_ok "'$b4' in [b['id'] for b in d['upcoming']]"

# ---- reschedule ----
t19=$(at 19:00) t20=$(at 20:00)
status=$(as "$nina" POST "/api/bookings/$b1/reschedule" "{\"new_start_at\":\"$t19\",\"new_end_at\":\"$t20\",\"dry_run\":true}")
check "a reschedule dry run: the first move more than 24 hours ahead is free" body_ok "
d['dry_run'] is True and d['fee_cents'] == 0 and d['start_at'] == '$t19'"
check "and moves nothing" test "$(sql "SELECT start_at = '$t10' AND reschedule_count = 0 FROM booking WHERE id = '$b1'")" = t
status=$(as "$nina" POST "/api/bookings/$b1/reschedule" "{\"new_start_at\":\"$t19\",\"new_end_at\":\"$t20\"}")
check "reschedule to a free time: 200 with the new times and no fee" body_ok "
d['status'] == 'awaiting_approval' and d['start_at'] == '$t19' and d['end_at'] == '$t20' and d['fee_cents'] == 0"
check "the booking moved and counts one reschedule" test \
	"$(sql "SELECT start_at = '$t19' AND end_at = '$t20' AND reschedule_count = 1
		AND (SELECT during FROM room_claim WHERE booking_id = '$b1') = tstzrange('$t19', '$t20', '[)')
		FROM booking WHERE id = '$b1'")" = t
check "a booking_rescheduled job was enqueued" test \
	"$(sql "SELECT count(*) FROM job WHERE kind = 'booking_rescheduled' AND payload->>'booking_id' = '$b1'")" = 1
status=$(as "$omar" POST /api/holds "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\"}")
check "the old time is free: Omar holds it" test "$status" = 201
status=$(as "$omar" POST /api/holds "{\"room_id\":\"$room_b\",\"start_at\":\"$t19\",\"end_at\":\"$t20\"}")
check "the new time is taken: 409" is_error "$status" 409 slot_unavailable
status=$(as "$nina" POST "/api/bookings/$b1/reschedule" "{\"new_start_at\":\"$t15\",\"new_end_at\":\"$t16\"}")
check "rescheduling onto a taken time is 409 slot_unavailable" is_error "$status" 409 slot_unavailable
check "and nothing moved" test \
	"$(sql "SELECT start_at = '$t19' AND reschedule_count = 1 FROM booking WHERE id = '$b1'")" = t
status=$(as "$nina" POST "/api/bookings/$b1/reschedule" "{\"new_start_at\":\"$t10\",\"new_end_at\":\"$t11\"}")
check "rescheduling onto Omar's hold is 409 too" is_error "$status" 409 slot_unavailable
status=$(as "$nina" POST "/api/bookings/$b1/reschedule" "{\"new_start_at\":\"$(at 21:00)\",\"new_end_at\":\"$(at 22:00)\",\"dry_run\":true}")
check "a second move costs the reschedule fee (2500)" body_ok "d['fee_cents'] == 2500"
status=$(as "$nina" POST "/api/bookings/$b1/reschedule" "{\"new_start_at\":\"$(at 21:00)\",\"new_end_at\":\"$(at 23:00)\"}")
check "a reschedule that changes the length is 400 naming new_end_at" is_error "$status" 400 invalid new_end_at
status=$(as "$nina" POST "/api/bookings/$b1/reschedule" "{\"new_start_at\":\"$(at 23:00)\",\"new_end_at\":\"$(at 23:59)\"}")
check "... or 59 minutes instead of 60" is_error "$status" 400 invalid new_end_at
status=$(as "$nina" POST "/api/bookings/$b1/reschedule" "{\"new_start_at\":\"$(at 23:00)\",\"new_end_at\":\"$(sql "SELECT json_utc(('$day'::date + 1 + time '00:00') AT TIME ZONE 'America/Toronto')")\"}")
check "rescheduling outside opening hours is 409 slot_unavailable naming new_start_at" \
	is_error "$status" 409 slot_unavailable new_start_at
status=$(as "$nina" POST "/api/bookings/$b1/reschedule" '{"new_start_at":"tomorrow","new_end_at":"later"}')
check "a malformed new_start_at is 400 naming it" is_error "$status" 400 invalid new_start_at
status=$(as "$nina" POST "/api/bookings/$b2/reschedule" "{\"new_start_at\":\"$(at 21:00)\",\"new_end_at\":\"$(at 23:00)\"}")
check "a canceled booking cannot be rescheduled: 409" is_error "$status" 409 state_changed

# ---- an expired hold ----
t2030=$(at 20:30) t2130=$(at 21:30)
status=$(as "$nina" POST /api/holds "{\"room_id\":\"$room_b\",\"start_at\":\"$t2030\",\"end_at\":\"$t2130\"}")
check "Nina holds 20:30-21:30" test "$status" = 201
hold2=$(py 'd["hold_id"]')
sql "UPDATE hold SET expires_at = now() - interval '1 second' WHERE id = '$hold2'" >/dev/null
status=$(as "$omar" POST /api/holds "{\"room_id\":\"$room_b\",\"start_at\":\"$t2030\",\"end_at\":\"$t2130\"}")
check "an expired hold blocks nobody, swept or not: Omar holds the time" test "$status" = 201
status=$(as "$nina" POST /api/bookings "{\"hold_id\":\"$hold2\",\"room_id\":\"$room_b\",\"start_at\":\"$t2030\",\"end_at\":\"$t2130\"}")
check "booking with the expired hold is 409 hold_expired naming hold_id" is_error "$status" 409 hold_expired hold_id
check "the message says the hold expired" message_has "expired"
check "nothing was booked" test "$(sql "SELECT count(*) FROM booking WHERE start_at = '$t2030'")" = 0

# ---- Idempotency-Key ----
t21=$(at 21:30) t22=$(at 22:30)
req="{\"room_id\":\"$room_b\",\"start_at\":\"$t21\",\"end_at\":\"$t22\"}"
sql "UPDATE hold SET status = 'released' WHERE user_id = (SELECT id FROM app_user WHERE email = 'omar@example.com')" >/dev/null
status=$(as "$nina" POST /api/bookings "$req" -H 'Idempotency-Key: book-1')
check "a booking with an Idempotency-Key: 201" test "$status" = 201
cp "$tmp/body" "$tmp/first.body"
status=$(as "$nina" POST /api/bookings "$req" -H 'Idempotency-Key: book-1')
check "the same key and body replay the same booking" sh -c \
	'[ "$1" = 201 ] && [ "$2" = true ] && cmp -s "$3" "$4"' - "$status" "$(header idempotent-replayed)" \
	"$tmp/body" "$tmp/first.body"
check "one row in the database" test "$(sql "SELECT count(*) FROM booking WHERE start_at = '$t21'")" = 1
status=$(as "$nina" POST /api/bookings "{\"room_id\":\"$room_b\",\"start_at\":\"$t20\",\"end_at\":\"$t21\"}" \
	-H 'Idempotency-Key: book-1')
check "the same key with another body is 422" is_error "$status" 422 idempotency_key_reused
status=$(as "$omar" POST /api/bookings "$req" -H 'Idempotency-Key: book-1')
check "another artist's same key is his own: the time is taken, 409" is_error "$status" 409 slot_unavailable
status=$(as "$omar" POST /api/bookings "$req" -H 'Idempotency-Key: book-1')
check "and his stored 409 is replayed" sh -c '[ "$1" = 409 ] && [ "$2" = true ]' - "$status" \
	"$(header idempotent-replayed)"
status=$(as "$nina" POST "/api/bookings/$b3/cancel" '{"dry_run":true}' -H 'Idempotency-Key: c-1')
status=$(as "$nina" POST "/api/bookings/$b1/cancel" '{"dry_run":true}' -H 'Idempotency-Key: c-1')
check "one cancel key on another booking's path is 422" is_error "$status" 422 idempotency_key_reused

# ---- bad input: 4xx naming the field, nothing written, still serving ----
before=$(sql "SELECT (SELECT count(*) FROM booking) || '/' || (SELECT count(*) FROM hold)")
bad() { # WANT-STATUS CODE FIELD JSON DESCRIPTION [PATH]
	status=$(as "$nina" POST "${6:-/api/bookings}" "$4")
	check "$5" is_error "$status" "$1" "$2" "$3"
}
bad 400 invalid_json "" "{\"room_id\":" "a truncated body is 400 invalid_json"
bad 400 invalid_json "" "[1,2]" "an array body is 400 invalid_json"
bad 400 invalid room_id "{\"room_id\":7,\"start_at\":\"$t10\",\"end_at\":\"$t11\"}" "a numeric room_id is 400 naming room_id"
bad 400 invalid room_id "{\"start_at\":\"$t10\",\"end_at\":\"$t11\"}" "a missing room_id is 400 naming it"
bad 400 invalid start_at "{\"room_id\":\"$room_b\",\"start_at\":1800000000,\"end_at\":\"$t11\"}" "a numeric start_at is 400 naming it"
bad 400 invalid service_items "{\"room_id\":\"$room_b\",\"service_items\":{\"service_id\":\"$rental\"},\"start_at\":\"$t10\",\"end_at\":\"$t11\"}" \
	"service_items that is not an array is 400"
bad 400 invalid service_items "{\"room_id\":\"$room_b\",\"service_items\":[{\"service_id\":\"$rental\",\"qty\":\"1\"}],\"start_at\":\"$t10\",\"end_at\":\"$t11\"}" \
	"a qty that is a string is 400 naming service_items"
bad 400 invalid service_items "{\"room_id\":\"$room_b\",\"service_items\":[{\"service_id\":\"$backline\",\"qty\":0}],\"start_at\":\"$t10\",\"end_at\":\"$t11\"}" \
	"a qty of 0 is 400"
bad 400 invalid staff_ids "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\",\"staff_ids\":\"$eli\"}" \
	"staff_ids that is not a list is 400"
bad 404 not_found room_id "{\"room_id\":\"00000000-0000-4000-8000-0000000000ff\",\"start_at\":\"$t10\",\"end_at\":\"$t11\"}" \
	"an unknown room is 404 naming room_id"
bad 404 not_found room_id "{\"room_id\":\"studio-b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\"}" \
	"a room id that is no uuid is 404 too"
bad 404 not_found service_items "{\"room_id\":\"$room_b\",\"service_items\":[{\"service_id\":\"00000000-0000-4000-8000-0000000000ff\"}],\"start_at\":\"$t10\",\"end_at\":\"$t11\"}" \
	"an unknown service is 404 naming service_items"
bad 404 not_found staff_ids "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\",\"staff_ids\":[\"00000000-0000-4000-8000-0000000000ff\"]}" \
	"an unknown staff member is 404 naming staff_ids"
bad 404 not_found hold_id "{\"hold_id\":\"x\",\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\"}" \
	"a hold_id that is no uuid is 404"
bad 400 invalid start_at "{\"room_id\":\"$room_b\",\"start_at\":\"2027-02-30T15:00:00Z\",\"end_at\":\"2027-02-30T16:00:00Z\"}" \
	"February 30 is 400 naming start_at"
bad 400 invalid end_at "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"2027-13-01T00:00:00Z\"}" \
	"month 13 is 400 naming end_at"
bad 400 invalid start_at "{\"room_id\":\"$room_b\",\"start_at\":\"${t10%Z}\",\"end_at\":\"$t11\"}" \
	"an instant without a zone is 400"
bad 400 invalid end_at "{\"room_id\":\"$room_b\",\"start_at\":\"$t11\",\"end_at\":\"$t10\"}" \
	"an end before the start is 400 naming end_at"
bad 400 invalid end_at "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t10\"}" \
	"a zero-length session is 400 naming end_at"
year=$(sql "SELECT json_utc('$t10'::timestamptz + interval '1 year')")
bad 400 invalid_duration duration_min "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$year\"}" \
	"a year-long session is 400 invalid_duration"
bad 400 invalid_duration duration_min "{\"room_id\":\"$room_b\",\"start_at\":\"$(at 09:00)\",\"end_at\":\"$(at 09:45)\"}" \
	"45 minutes of a 60-minute service is 400 invalid_duration"
bad 400 invalid_duration duration_min "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$(sql "SELECT json_utc('$t11'::timestamptz + interval '30 seconds')")\"}" \
	"a length that is not whole minutes is 400"
bad 400 invalid start_at "{\"room_id\":\"$room_b\",\"start_at\":\"$(at 09:07)\",\"end_at\":\"$(at 10:07)\"}" \
	"a start off the quarter hour is 400 naming start_at"
long=$(python3 -c 'print("n" * 2001)')
bad 400 invalid notes "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\",\"notes\":\"$long\"}" \
	"notes of 2001 characters are 400 naming notes"
bad 400 invalid notes "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\",\"notes\":\"\\u001b[2J\"}" \
	"notes with a terminal escape are 400"
bad 400 invalid notes "{\"room_id\":\"$room_b\",\"start_at\":\"$t10\",\"end_at\":\"$t11\",\"notes\":[\"a\"]}" \
	"notes that are not a string are 400"
python3 -c 'print("{\"room_id\":" + "[" * 5000 + "]" * 5000 + "}")' > "$tmp/deep.json"
status=$(http POST /api/bookings -b "$nina" -H "Origin: $base" -H 'Content-Type: application/json' --data-binary @"$tmp/deep.json")
check "deeply nested JSON is 400 invalid_json" is_error "$status" 400 invalid_json
python3 -c 'print("{\"notes\":\"" + "n" * 70000 + "\"}")' > "$tmp/big.json"
status=$(http POST /api/bookings -b "$nina" -H "Origin: $base" -H 'Content-Type: application/json' --data-binary @"$tmp/big.json")
check "an oversized body is 413" test "$status" = 413
status=$(http POST /api/bookings -b "$nina" -H "Origin: $base" -H 'Content-Type: text/plain' --data-binary "$req")
check "a text/plain body is 415" is_error "$status" 415 unsupported_media_type

bad 400 invalid start_at "{\"room_id\":\"$room_b\",\"start_at\":\"soon\",\"end_at\":\"$t11\"}" \
	"a hold with a malformed start_at is 400 naming it" /api/holds
bad 400 invalid end_at "{\"room_id\":\"$room_b\",\"start_at\":\"$t11\",\"end_at\":\"$t10\"}" \
	"a hold ending before it starts is 400 naming end_at" /api/holds
bad 404 not_found room_id "{\"room_id\":\"00000000-0000-4000-8000-0000000000ff\",\"start_at\":\"$t10\",\"end_at\":\"$t11\"}" \
	"a hold of an unknown room is 404" /api/holds
bad 409 slot_unavailable start_at "{\"room_id\":\"$room_b\",\"start_at\":\"$(at 07:00)\",\"end_at\":\"$(at 08:00)\"}" \
	"a hold before opening hours is 409 slot_unavailable" /api/holds
soon=$(sql "SELECT json_utc(date_trunc('hour', now()) + interval '1 hour')")
soon_end=$(sql "SELECT json_utc(date_trunc('hour', now()) + interval '2 hours')")
bad 409 slot_unavailable start_at "{\"room_id\":\"$room_b\",\"start_at\":\"$soon\",\"end_at\":\"$soon_end\"}" \
	"a hold inside the 2-hour lead time is 409 slot_unavailable" /api/holds
check "the message says why" message_has "lead time"
far=$(sql "SELECT json_utc(date_trunc('day', now()) + interval '120 days' + interval '15 hours')")
far_end=$(sql "SELECT json_utc(date_trunc('day', now()) + interval '120 days' + interval '16 hours')")
bad 409 slot_unavailable start_at "{\"room_id\":\"$room_b\",\"start_at\":\"$far\",\"end_at\":\"$far_end\"}" \
	"a booking past the 90-day horizon is 409 slot_unavailable"
check "the message names the horizon" message_has "horizon"
bad 400 invalid staff_ids "{\"room_id\":\"$room_a\",\"service_items\":[{\"service_id\":\"$recording\"}],\"start_at\":\"$t10\",\"end_at\":\"$t11\",\"staff_ids\":[\"$eli\",\"$eli\"]}" \
	"naming a staff member twice is 400"
check "none of the bad requests wrote anything" test \
	"$(sql "SELECT (SELECT count(*) FROM booking) || '/' || (SELECT count(*) FROM hold)")" = "$before"
check "the server is still serving" test "$(http GET /healthz)" = 200

# ---- logins and other sites ----
status=$(http POST /api/bookings -H "Origin: $base" -H 'Content-Type: application/json' --data-binary "$req")
check "a booking without a login is 401" is_error "$status" 401 unauthorized
status=$(http POST /api/holds -H "Origin: $base" -H 'Content-Type: application/json' --data-binary "$req")
check "a hold without a login is 401" is_error "$status" 401 unauthorized
status=$(from http://evil.example "$nina" POST /api/bookings "$req")
check "a cross-site booking with the cookie is 403" is_error "$status" 403 forbidden
status=$(from http://evil.example "$nina" POST /api/holds "$req")
check "a cross-site hold with the cookie is 403" is_error "$status" 403 forbidden
status=$(http POST /api/bookings -b "$nina" -H 'Content-Type: application/json' --data-binary "$req")
check "a cookie POST with neither Origin nor Referer is 403" is_error "$status" 403 forbidden
status=$(from http://evil.example "$nina" DELETE "/api/holds/$hold")
check "a cross-site hold release is 403" is_error "$status" 403 forbidden

# ---- rate limits ----
if DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0.1 REDLIGHT_WORKER=0 \
	start_redlightd "$tmp/limited.log" --config "$tmp/empty.conf" --listen 127.0.0.1:0 && wait_health; then
	for i in 1 2 3; do
		as "$nina" POST /api/holds '{}' >/dev/null
	done
	status=$(as "$nina" POST /api/holds '{}')
	check "the fourth hold in a minute at scale 0.1 (3 a minute) is 429" sh -c \
		'[ "$1" = 429 ] && [ "$2" -ge 1 ]' - "$status" "$(header retry-after)"
	for i in 1 2; do
		as "$nina" POST /api/bookings '{}' >/dev/null
	done
	status=$(as "$nina" POST /api/bookings '{}')
	check "the third booking in a minute at scale 0.1 (2 a minute) is 429" is_error "$status" 429 rate_limited
	status=$(as "$nina" POST "/api/bookings/$b3/cancel" '{"dry_run":true}')
	check "changes to a booking share the bookings limit" is_error "$status" 429 rate_limited
else
	not_ok "a rate-limited redlightd starts" "$(cat "$tmp/limited.log")"
fi
base=$main

if grep -E 'ERROR|AddressSanitizer|runtime error' "$tmp/main.log" >/dev/null; then
	not_ok "redlightd logged no errors" "$(grep -E 'ERROR|AddressSanitizer|runtime error' "$tmp/main.log" | head -n 5)"
else
	ok "redlightd logged no errors"
fi

echo "1..$n"
