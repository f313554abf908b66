#!/bin/sh
# test-one-path.sh: each transition made through the CLI on one booking
# (or hold) and through the console on its twin writes the same rows: the
# same status, the same jobs in the same order, the same audit entries
# (action, actor, reason and the diff's keys). Where the web offers a
# transition (an artist's hold and its release, cancel, reschedule), the
# real redlightd makes it through the JSON API on a third twin, as the
# artist, and leaves the same rows as the studio's path but for who acted.
# And the studio's reschedule (admin, staff) runs the transaction the
# artist's does. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux --admin -- "$@"

demo_day   # DAY, and submit CODE ROOM FROM TO (tests/tui/lib.sh)

# --- redlightd, for the web's leg, signed in as the demo artist -----------------

wtmp=$(mktemp -d "${TMPDIR:-/tmp}/rl-one-path.XXXXXX")
wpid=
tui_cleanup_hook() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null && wait "$wpid" 2>/dev/null
	rm -rf "$wtmp"
}
: > "$wtmp/empty.conf"
REDLIGHT_WORKER=0 REDLIGHT_RATE_LIMIT_SCALE=0 \
	"$top_builddir/redlightd" --config "$wtmp/empty.conf" --listen 127.0.0.1:0 2>"$wtmp/d.log" &
wpid=$!
base=
i=0
while [ -z "$base" ] && [ $i -lt 200 ] && kill -0 "$wpid" 2>/dev/null; do
	sleep 0.05
	base=$(sed -n 's/^redlightd: listening on \(https*:.*\)$/\1/p' "$wtmp/d.log")
	i=$((i + 1))
done
[ -n "$base" ] || { echo "Bail out! redlightd did not start: $(tail -n 3 "$wtmp/d.log")"; exit 1; }
jar=$wtmp/artist.jar
# web METHOD PATH [JSON]: as the signed-in artist, from our own origin;
# prints the status, the body lands in $wtmp/body.
web() {
	curl -s -o "$wtmp/body" -w '%{http_code}' -X "$1" -b "$jar" -c "$jar" -H "Origin: $base" \
		-H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$base$2"
}
[ "$(web POST /api/auth/login '{"email":"artist@redlight.test","password":"redlight-demo"}')" = 200 ] || {
	echo "Bail out! the demo artist cannot sign in: $(cat "$wtmp/body")"
	exit 1
}
# local_utc HH:MM: that studio-local time of DAY, as RFC 3339 UTC.
local_utc() {
	sql "SELECT json_utc(('$DAY'::date + time '$1') AT TIME ZONE 'America/Toronto')"
}

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

# signed_in SESSION EMAIL: a console signed in as EMAIL, on its first screen
signed_in() {
	sess=$1
	console "$1"
	wait_for "$1" "Sign in to the redlight console"
	sign_in "$1" "$2" redlight-demo
	wait_for "$1" "1 Day"
}

signed_in one admin@redlight.test
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

# the approval's notice reloads the queue: wait for TST-KA to leave it,
# so the reload does not move the cursor under the walk below
i=0
while pane_text $sess | grep -q "^ [> ]   TST-KA" && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
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

# --- the web's leg: the artist holds and releases; cancel ------------------------

# acts ID ENTITY: the audit rows of one hold or booking, as trail has them
# but without who acted (the artist on the web, the studio elsewhere) and
# without the studio's extension, which the web does not offer.
acts() {
	sql "SELECT coalesce(string_agg(a.action || ':' || coalesce(a.reason, '') || ':' ||
	      coalesce((SELECT string_agg(k, '+' ORDER BY k) FROM jsonb_object_keys(a.diff_json) k), ''),
	    ',' ORDER BY a.id), '') FROM audit_log a
	  WHERE a.entity = '$2' AND a.entity_id = '$1' AND a.action <> 'extend'"
}
# by ID: who acted on a hold or booking, in order.
by() {
	sql "SELECT string_agg(u.email, ',' ORDER BY a.id) FROM audit_log a JOIN app_user u ON u.id = a.actor_user_id
	  WHERE a.entity_id = '$1'"
}
status=$(web POST /api/holds "{\"room_id\":\"$(sql "SELECT id FROM room WHERE name = 'Studio A'")\",\"start_at\":\"$(local_utc 17:00)\",\"end_at\":\"$(local_utc 18:00)\"}")
WHOLD=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("hold_id", ""))' "$wtmp/body" 2>/dev/null)
t "the web: the artist holds Studio A (201)" '[ "$status" = 201 ] && [ -n "$WHOLD" ]'
status=$(web DELETE "/api/holds/$WHOLD")
t "the web: the artist releases it (204), and it claims the room no more" \
	'[ "$status" = 204 ] && [ "$(sql "SELECT h.status || '"' '"' || (SELECT count(*) FROM room_claim c WHERE c.hold_id = h.id) FROM hold h WHERE h.id = '"'$WHOLD'"'")" = "released 0" ]'
WACTS=$(acts "$WHOLD" hold) CACTS=$(acts "$CHOLD" hold)
if [ -n "$WACTS" ] && [ "$WACTS" = "$CACTS" ] && [ "$(by "$WHOLD")" = "artist@redlight.test,artist@redlight.test" ]; then
	ok "hold, release: the web (as the artist) and the CLI leave the same rows ($WACTS)"
else
	not_ok "hold, release: the web (as the artist) and the CLI leave the same rows"
	diag "web: $WACTS by $(by "$WHOLD")"
	diag "cli: $CACTS"
fi

# cancel of a confirmed booking: the artist on the web, an admin in the CLI
submit TST-CX 'Vocal Booth' 14:00 15:00
submit TST-WX 'Vocal Booth' 16:00 17:00
"$REDLIGHT" approve TST-CX TST-WX --as admin@redlight.test >/dev/null 2>&1 </dev/null
"$REDLIGHT" cancel TST-CX --reason "Band split" --as admin@redlight.test >/dev/null 2>&1 </dev/null
status=$(web POST /api/bookings/TST-WX/cancel '{"reason":"Band split"}')
t "the web: the artist cancels a confirmed booking (200)" '[ "$status" = 200 ]'
# trail_anon CODE: trail, with whoever acted named ACTOR
trail_anon() {
	trail "$1" | sed 's/:[a-z]*@redlight\.test:/:ACTOR:/g'
}
WX=$(trail_anon TST-WX) CX=$(trail_anon TST-CX)
case $WX in
*",void_or_refund,email_canceled,calendar_remove | "*) fx=1 ;;
*) fx= ;;
esac
if [ -n "$fx" ] && [ "$WX" = "$CX" ] && [ "$(by "$(sql "SELECT id FROM booking WHERE code = 'TST-WX'")")" = "admin@redlight.test,artist@redlight.test" ]; then
	ok "cancel: the web (as the artist) and the CLI (as an admin) leave the same rows, jobs from core's table ($WX)"
else
	not_ok "cancel: the web (as the artist) and the CLI (as an admin) leave the same rows"
	diag "web: $WX"
	diag "cli: $CX"
fi

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
# the artist's path: the web's reschedule, through redlightd
status=$(web POST /api/bookings/TST-KA/reschedule "{\"new_start_at\":\"$(local_utc 17:00)\",\"new_end_at\":\"$(local_utc 18:00)\"}")
t "the web: the artist moves their confirmed booking (200)" '[ "$status" = 200 ]'
t "the artist's move on the web enqueues the same jobs and writes the same audit row, by the artist" \
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

# --- who may set the rules aside is the database's to say ----------------------

# a staff member's hold outside the studio's hours: the console offers the
# override as to anyone, and the database refuses it in the form
signed_in staff engineer@redlight.test
key $sess 3
wait_for $sess "HOLDS"
key $sess n
wait_for $sess "Hold a room"
type_text $sess "Studio B"
key $sess Tab
type_text $sess "$DAY 03:00"
key $sess Tab
type_text $sess "1h"
key $sess Enter
s_over=$(wait_for $sess "anyway?" && echo yes)
type_text $sess "the band is in town"
key $sess Enter
t "a staff member's override is offered, and refused by the database in the form; nothing is held" \
	'[ "$s_over" = yes ] && wait_for $sess "only an admin may set the booking rules aside" &&
	[ "$(sql "SELECT count(*) FROM hold WHERE created_by = (SELECT id FROM app_user WHERE email = '"'engineer@redlight.test'"')")" = 0 ]'
key $sess Escape
key $sess q

tui_done
