#!/bin/sh
# test-one-path.sh: each transition made through the CLI on one booking
# (or hold) and through the console on its twin writes the same rows: the
# same status, the same jobs in the same order, the same audit entries
# (action, actor, reason and the diff's keys). And the studio's reschedule
# (admin, staff) runs the transaction the artist's does. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_start_pg "$@"
tui_start_tmux

"$REDLIGHT" migrate >/dev/null && "$REDLIGHT" seed demo >/dev/null || {
	echo "Bail out! redlight migrate / seed demo failed"
	exit 1
}

ARTIST_ID=00000000-0000-4000-8000-000000000005
REDLIGHT_PASSWORD=redlight-demo
export REDLIGHT_PASSWORD

demo_day   # DAY, and submit CODE ROOM FROM TO (tests/tui/lib.sh)

# trail CODE: the booking's status, its jobs in order, and its audit rows
# (action, actor, reason, the diff's keys), with nothing that differs
# between twins (ids, codes, times). The jobs that triggers add on the side
# (the submission's, the reminder, the payment intent) are left out: their
# own suites (test-notify, test-payments) test them.
trail() {
	sql "SELECT b.status || ' | ' ||
	  coalesce((SELECT string_agg(j.kind, ',' ORDER BY j.id) FROM job j
	    WHERE j.payload->>'booking_id' = b.id::text
	      AND j.kind NOT IN ('booking_submitted', 'booking_reminder', 'payment_intent')), '') || ' | ' ||
	  coalesce((SELECT string_agg(a.action || ':' || coalesce(u.email, 'system') || ':' ||
	      coalesce(a.reason, '') || ':' ||
	      coalesce((SELECT string_agg(k, '+' ORDER BY k) FROM jsonb_object_keys(a.diff_json) k), ''),
	    ',' ORDER BY a.id) FROM audit_log a LEFT JOIN app_user u ON u.id = a.actor_user_id
	    WHERE a.entity = 'booking' AND a.entity_id = b.id::text), '')
	  FROM booking b WHERE b.code = '$1'"
}

# hold_trail ID: a hold's status and its audit rows, as trail.
hold_trail() {
	sql "SELECT h.status || ' | ' || (extract(epoch FROM h.expires_at - h.created_at) / 60)::int || ' | ' ||
	  coalesce((SELECT string_agg(a.action || ':' || u.email || ':' ||
	      coalesce((SELECT string_agg(k, '+' ORDER BY k) FROM jsonb_object_keys(a.diff_json) k), ''),
	    ',' ORDER BY a.id) FROM audit_log a JOIN app_user u ON u.id = a.actor_user_id
	    WHERE a.entity = 'hold' AND a.entity_id = h.id::text), '')
	  FROM hold h WHERE h.id = '$1'"
}

# agree WHAT A B: two trails, the CLI's and the console's, are the same
# and say something.
agree() {
	if [ -n "$2" ] && [ "$2" = "$3" ]; then
		ok "$1: the CLI and the console leave the same rows ($2)"
	else
		not_ok "$1: the CLI and the console leave the same rows"
		diag "cli:     $2"
		diag "console: $3"
	fi
}

# same WHAT A B: agree on the trails of two bookings.
same() {
	agree "$1" "$(trail "$2")" "$(trail "$3")"
}

submit TST-CA 'Studio B' 10:00 11:00
submit TST-KA 'Studio B' 12:00 13:00
submit TST-CR 'Vocal Booth' 10:00 11:00
submit TST-KR 'Vocal Booth' 12:00 13:00

# --- through the CLI ----------------------------------------------------------

"$REDLIGHT" approve TST-CA --message "See you" --as admin@redlight.test >/dev/null 2>&1 </dev/null
"$REDLIGHT" reject TST-CR --message "Closed that week" --as admin@redlight.test >/dev/null 2>&1 </dev/null
"$REDLIGHT" hold 'Studio A' "$DAY 10:00" 2h --expires 30 --as admin@redlight.test >/dev/null 2>&1 </dev/null
CHOLD=$(sql "SELECT id FROM hold ORDER BY created_at LIMIT 1")
"$REDLIGHT" hold-extend "$CHOLD" 15 --as admin@redlight.test >/dev/null 2>&1 </dev/null
"$REDLIGHT" hold-release "$CHOLD" --as admin@redlight.test >/dev/null 2>&1 </dev/null

# --- through the console, on the twins ----------------------------------------

sess=one
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess admin@redlight.test redlight-demo
wait_for $sess "1 Day"
key $sess 2
wait_for $sess "APPROVAL QUEUE"
# the queue is newest first: TST-KR, TST-KA?, ... find each by moving
i=0
while ! pane_text $sess | grep -q "^ >   TST-KA" && [ $i -lt 10 ]; do key $sess j; sleep 0.2; i=$((i + 1)); done
key $sess a
wait_for $sess "Approve TST-KA"
key $sess Tab
type_text $sess "See you"
key $sess Enter
wait_sql "SELECT status FROM booking WHERE code = 'TST-KA'" confirmed
same "approve" TST-CA TST-KA

key $sess g
i=0
while ! pane_text $sess | grep -q "^ >   TST-KR" && [ $i -lt 10 ]; do key $sess j; sleep 0.2; i=$((i + 1)); done
key $sess x
wait_for $sess "Reject TST-KR"
type_text $sess "Closed that week"
key $sess Enter
wait_sql "SELECT status FROM booking WHERE code = 'TST-KR'" rejected
same "reject" TST-CR TST-KR

key $sess 3
wait_for $sess "HOLDS"
key $sess n
wait_for $sess "Hold a room"
type_text $sess "Studio A"
key $sess Tab
type_text $sess "$DAY 14:00"
key $sess Tab
type_text $sess "2h"
key $sess Tab
type_text $sess "30"
key $sess Enter
wait_sql "SELECT count(*) FROM hold WHERE status = 'active'" 1
KHOLD=$(sql "SELECT id FROM hold WHERE status = 'active'")
wait_for $sess "HOLDS  1 active"
key $sess e
wait_for $sess "Extend hold"
key $sess C-u
type_text $sess 15
key $sess Enter
wait_sql "SELECT count(*) FROM audit_log WHERE action = 'extend' AND entity_id = '$KHOLD'" 1
key $sess d
wait_for $sess "Release hold"
key $sess Enter
wait_sql "SELECT status FROM hold WHERE id = '$KHOLD'" released
agree "hold, extend, release" "$(hold_trail "$CHOLD")" "$(hold_trail "$KHOLD")"
key $sess q

# --- reschedule: one transaction whoever moves the booking ----------------------

run reschedule TST-CA "$DAY 15:00" --dry-run --as admin@redlight.test
t "reschedule --dry-run says where it would go and changes nothing" \
	'[ "$rc" = 0 ] && out_has "would move TST-CA to" &&
	[ "$(sql "SELECT to_char(start_at AT TIME ZONE '"'America/Toronto'"', '"'HH24:MI'"') FROM booking WHERE code = '"'TST-CA'"'")" = 10:00 ]'
run reschedule TST-CA "$DAY 15:00" --as admin@redlight.test --json
t "an admin moves a confirmed booking: new time, no fee, the artist's count untouched" \
	'[ "$rc" = 0 ] && printf "%s" "$out" | python3 -c "import json,sys; j=json.load(sys.stdin); assert j[\"booking\"][\"status\"]==\"confirmed\" and j[\"fee_cents\"]==0" &&
	[ "$(sql "SELECT to_char(start_at AT TIME ZONE '"'America/Toronto'"', '"'HH24:MI'"') || '"'/'"' || to_char(end_at AT TIME ZONE '"'America/Toronto'"', '"'HH24:MI'"') || '"'/'"' || reschedule_count FROM booking WHERE code = '"'TST-CA'"'")" = 15:00/16:00/0 ]'
t "its jobs come from core's table (calendar_sync for a confirmed booking) and its audit row names the admin" \
	'[ "$(trail TST-CA)" = "confirmed | capture_payment,email_approved,calendar_sync,calendar_sync,booking_rescheduled | approve:admin@redlight.test::code+message+note+status,reschedule:admin@redlight.test::by+code+end_at+fee_cents+start_at" ]'
# the artist's path: the same function as the artist's kind, as redlightd sends it
sql "SELECT status FROM booking_move((SELECT id FROM booking WHERE code = 'TST-KA'), '$ARTIST_ID', 'artist', 'confirmed',
	('$DAY'::date + time '17:00') AT TIME ZONE 'America/Toronto', ('$DAY'::date + time '18:00') AT TIME ZONE 'America/Toronto',
	tstzrange(('$DAY'::date + time '17:00') AT TIME ZONE 'America/Toronto', ('$DAY'::date + time '18:00') AT TIME ZONE 'America/Toronto', '[)'),
	0, '{calendar_sync}')" >/dev/null
t "the artist's move enqueues the same jobs and writes the same audit row, by the artist" \
	'[ "$(trail TST-KA)" = "confirmed | capture_payment,email_approved,calendar_sync,calendar_sync,booking_rescheduled | approve:admin@redlight.test::code+message+note+status,reschedule:artist@redlight.test::by+code+end_at+fee_cents+start_at" ] &&
	[ "$(sql "SELECT reschedule_count FROM booking WHERE code = '"'TST-KA'"'")" = 1 ]'
run reschedule TST-CA "$DAY 15:00" --as admin@redlight.test
t "the same time again is refused naming start" '[ "$rc" = 64 ] && err_has "already at that time"'
run reschedule TST-CA "$DAY 17:00" --as admin@redlight.test
t "a time another booking holds is refused, nothing written" \
	'[ "$rc" != 0 ] && [ "$(sql "SELECT count(*) FROM audit_log WHERE action = '"'reschedule'"'")" = 2 ]'
run reschedule TST-CR "$DAY 15:00" --as admin@redlight.test
t "a rejected booking cannot move" '[ "$rc" = 4 ] && err_has "rejected"'
run reschedule TST-CA "$DAY 20:00" --as engineer@redlight.test
t "staff may move only the bookings they are assigned to (the database says so)" \
	'[ "$rc" = 5 ] && err_has "assigned to" && [ "$(sql "SELECT count(*) FROM audit_log WHERE action = '"'reschedule'"'")" = 2 ]'

tui_done
