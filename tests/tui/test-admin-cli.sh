#!/bin/sh
# test-admin-cli.sh: the studio staff's commands from a shell (queue,
# approve, reject, booking, bookings filters, holds, staff, cancel, audit)
# against a throwaway database: their output, --json, exit statuses, what
# they write (bookings, jobs, audit rows) and what they refuse to write.
# Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --admin -- "$@"

ELI=engineer@redlight.test
ARTIST_ID=00000000-0000-4000-8000-000000000005
ELI_ID=00000000-0000-4000-8000-0000000000e1
PRIYA_ID=00000000-0000-4000-8000-0000000000e2
RENTAL_ID=00000000-0000-4000-8000-0000000000b2

# A studio day a few days ahead that is no holiday: every demo room is
# open 09:00-23:00 on it (Studio A 10:00-22:00), and it is inside the
# lead time and the horizon (tests/tui/lib.sh; this suite's own submit
# below takes the day and the staff).
demo_day

# local DAY HH:MM: the instant as SQL text, studio time.
local_at() {
	printf "(('%s'::date + time '%s') AT TIME ZONE 'America/Toronto')" "$1" "$2"
}

# submit CODE ROOM DAY FROM TO [STAFF_UUIDS]: a booking submitted as the
# web does it (booking_submit: awaiting approval, a job, a notice), for the
# room-only service, the artist's, quoted at the demo's rates.
submit() {
	a=$(local_at "$3" "$4")
	b=$(local_at "$3" "$5")
	staff=${6:-"{}"}
	sql "SELECT booking_id FROM booking_submit('$ARTIST_ID', NULL, (SELECT id FROM room WHERE name = '$2'),
	     $a, $b, tstzrange($a, $b, '[)'), 'test notes', '$staff',
	     json_build_array(json_build_object('service_id', '$RENTAL_ID', 'quantity',
	       (extract(epoch FROM $b - $a) / 3600)::int, 'unit_price_cents', 5000,
	       'total_cents', (extract(epoch FROM $b - $a) / 3600)::int * 5000))::jsonb,
	     jsonb_build_object('subtotal_cents', (extract(epoch FROM $b - $a) / 3600)::int * 5000, 'fees_cents', 0, 'tax_rate_bp', 1300, 'taxes_cents', ((extract(epoch FROM $b - $a) / 3600)::int * 5000 * 1300 + 5000) / 10000, 'total_cents', (extract(epoch FROM $b - $a) / 3600)::int * 5000 + ((extract(epoch FROM $b - $a) / 3600)::int * 5000 * 1300 + 5000) / 10000, 'deposit_percent', 25, 'deposit_cents', (((extract(epoch FROM $b - $a) / 3600)::int * 5000 + ((extract(epoch FROM $b - $a) / 3600)::int * 5000 * 1300 + 5000) / 10000) * 2500 + 5000) / 10000, 'currency', 'CAD', 'cancellation_tiers', (SELECT cancellation_tiers FROM settings), 'reschedule_free_min_hours', 24, 'reschedule_free_count', 1, 'reschedule_fee_cents', 2500),
	     '$1', 'web', '{}')" >/dev/null
}

status_of() {
	sql "SELECT status FROM booking WHERE code = '$1'"
}

audit_count() {
	sql "SELECT count(*) FROM audit_log a JOIN booking b ON b.id::text = a.entity_id
	     WHERE b.code = '$1' AND a.action = '$2'"
}

# --- help ------------------------------------------------------------------

run --help
t "--help lists the admin commands" '[ "$rc" = 0 ] && out_has "^  queue" && out_has "^  approve CODE" &&
	out_has "^  reject CODE" && out_has "^  holds" && out_has "^  hold ROOM" && out_has "^  hold-release" &&
	out_has "^  hold-extend" && out_has "^  booking CODE" && out_has "^  assign-staff" &&
	out_has "^  swap-staff" && out_has "^  cancel CODE" && out_has "^  audit"'

# --- missing or extra arguments: usage errors before any database work ------

usage_ok=1
for args in "queue extra" "holds --frob" "booking" "booking A B" "approve --note" "reject" \
	"hold Studio" "hold-release" "hold-extend abcd" "assign-staff RL-DEMO-02" \
	"swap-staff RL-DEMO-02 eli" "cancel" "audit --limit 0" "audit --limit many"; do
	# shellcheck disable=SC2086 # the words are the arguments
	run $args
	if [ "$rc" != 64 ] || [ -n "$out" ] || ! one_line "$err" || ! err_has "usage: redlight"; then
		usage_ok=0
		diag "redlight $args:"
		explain
	fi
done
t "every admin command answers a bad command line with one usage line, status 64" '[ "$usage_ok" = 1 ]'

# --- the queue ---------------------------------------------------------------

submit TST-Q1 'Studio B' "$DAY" 15:00 17:00
submit TST-Q2 'Studio B' "$DAY" 18:00 19:00
submit TST-Q3 'Vocal Booth' "$DAY" 10:00 11:00

run queue --json
codes=$(json '" ".join(b["code"] for b in j["bookings"])')
t "queue --json lists what awaits approval, newest first" '[ "$rc" = 0 ] &&
	[ "$codes" = "TST-Q3 TST-Q2 TST-Q1 RL-DEMO-02" ]'
t "queue --json carries services and the subtotal" \
	'[ "$(json "[b[\"subtotal_cents\"] for b in j[\"bookings\"] if b[\"code\"] == \"TST-Q1\"][0]")" = 10000 ]'
run queue
t "queue prints a table with studio-local times (no card held: no payments here)" '[ "$rc" = 0 ] && out_has "^4 awaiting approval" &&
	out_has "^TST-Q1 .*15:00-17:00  Studio B  *Ari Artist  *\$100.00  -$"'

run booking TST-Q1
t "booking CODE shows it in full, in studio time with the zone" '[ "$rc" = 0 ] &&
	out_has "^TST-Q1  awaiting approval" && out_has "^When      .* 15:00-17:00 E[SD]T (America/Toronto)$" &&
	out_has "^Services  Room rental  2 x \$50.00 = \$100.00$" && out_has "^Total     \$100.00 + tax \$13.00 (13.00%) = \$113.00 CAD"'
run booking tst-q1 --json
t "booking --json finds the code whatever its case" '[ "$rc" = 0 ] && [ "$(json "j[\"booking\"][\"code\"]")" = TST-Q1 ]'
run booking NOPE-1
t "booking with an unknown code: one line, status 3" '[ "$rc" = 3 ] && [ -z "$out" ] && one_line "$err" &&
	err_has "no booking has the code"'

# --- approve: who may, and what it writes ------------------------------------

run approve
t "approve without a code: usage, 64" '[ "$rc" = 64 ] && one_line "$err"'
run approve TST-Q1
t "approve without --as: usage, 64, nothing written" '[ "$rc" = 64 ] && one_line "$err" && err_has "--as EMAIL" &&
	[ "$(status_of TST-Q1)" = awaiting_approval ]'
run approve TST-Q1 --override --as "$ADMIN"
t "--override without --reason: usage, 64" '[ "$rc" = 64 ] && err_has "needs --reason"'
out=$(REDLIGHT_PASSWORD=wrong "$REDLIGHT" approve TST-Q1 --as "$ADMIN" 2>"$tmp_err"); rc=$?; err=$(cat "$tmp_err")
t "a wrong password: one line, status 5, nothing written" '[ "$rc" = 5 ] && one_line "$err" &&
	err_has "wrong email or password" && [ "$(status_of TST-Q1)" = awaiting_approval ]'
run approve TST-Q1 --as artist@redlight.test
t "an artist may not act" '[ "$rc" = 5 ] && one_line "$err" && err_has "artist account"'
run approve TST-Q1 --as "$ELI"
t "staff may not approve: one line, status 5" '[ "$rc" = 5 ] && one_line "$err" &&
	err_has "only an admin may approve" && [ "$(status_of TST-Q1)" = awaiting_approval ]'
run approve NOPE-1 --as "$ADMIN"
t "approve an unknown code: status 3" '[ "$rc" = 3 ] && one_line "$err" && err_has NOPE-1'

run approve TST-Q1 --note "regular client" --message "See you then" --as "$ADMIN" --json
t "approve --json says confirmed" '[ "$rc" = 0 ] &&
	[ "$(json "[(b[\"code\"], b[\"status\"], b[\"overridden\"]) for b in j[\"bookings\"]]")" = "[('"'TST-Q1'"', '"'confirmed'"', None)]" ]'
t "the booking is confirmed, approved by the admin, with note and message" \
	'[ "$(sql "SELECT b.status || '"'|'"' || u.email || '"'|'"' || b.approval_note || '"'|'"' || b.artist_message
	   FROM booking b JOIN app_user u ON u.id = b.approved_by WHERE b.code = '"'TST-Q1'"'")" = "confirmed|$ADMIN|regular client|See you then" ]'
jobs=$(sql "SELECT string_agg(kind, ',' ORDER BY id) FROM job WHERE payload->>'code' = 'TST-Q1'")
t "approval enqueued capture_payment, email_approved and calendar_sync" '[ "$jobs" = capture_payment,email_approved,calendar_sync ]'
t "and one audit row naming the admin" '[ "$(audit_count TST-Q1 approve)" = 1 ] &&
	[ "$(sql "SELECT u.email FROM audit_log a JOIN app_user u ON u.id = a.actor_user_id WHERE a.action = '"'approve'"'")" = "$ADMIN" ]'

run approve TST-Q1 --as "$ADMIN"
t "approving it again says who did it first, status 4, writes nothing" '[ "$rc" = 4 ] && one_line "$err" &&
	err_has "TST-Q1 was already approved by Dana Admin at " && [ "$(audit_count TST-Q1 approve)" = 1 ] &&
	[ "$(sql "SELECT count(*) FROM job WHERE payload->>'"'code'"' = '"'TST-Q1'"'")" = 3 ]'

# --- reject ---------------------------------------------------------------------

run reject TST-Q2 --as "$ADMIN"
t "reject without --message: one line, 64, nothing written" '[ "$rc" = 64 ] && one_line "$err" &&
	err_has "needs --message" && [ "$(status_of TST-Q2)" = awaiting_approval ] && [ "$(audit_count TST-Q2 reject)" = 0 ]'
run reject TST-Q2 --message "   " --as "$ADMIN"
t "reject with a blank message: one line, status 2, nothing written" '[ "$rc" = 2 ] && one_line "$err" &&
	err_has "needs a message to the artist" && [ "$(status_of TST-Q2)" = awaiting_approval ]'
run reject TST-Q2 TST-Q3 --message "The room is being rebuilt" --note "tell Sam" --as "$ADMIN" --json
t "reject two at once: --json lists both rejected" '[ "$rc" = 0 ] &&
	[ "$(json "\" \".join(b[\"code\"] + \"=\" + b[\"status\"] for b in j[\"bookings\"])")" = "TST-Q2=rejected TST-Q3=rejected" ]'
t "both are rejected, each with an audit row carrying the message" '[ "$(status_of TST-Q2)" = rejected ] &&
	[ "$(status_of TST-Q3)" = rejected ] && [ "$(audit_count TST-Q2 reject)" = 1 ] && [ "$(audit_count TST-Q3 reject)" = 1 ] &&
	[ "$(sql "SELECT DISTINCT reason FROM audit_log WHERE action = '"'reject'"'")" = "The room is being rebuilt" ]'
jobs=$(sql "SELECT string_agg(kind, ',' ORDER BY id) FROM job WHERE payload->>'code' = 'TST-Q2'")
t "rejection enqueued void_or_refund and email_rejected, and freed the room" '[ "$jobs" = void_or_refund,email_rejected ] &&
	[ "$(sql "SELECT count(*) FROM room_claim c JOIN booking b ON b.id = c.booking_id WHERE b.code IN ('"'TST-Q2'"', '"'TST-Q3'"')")" = 0 ]'
run reject TST-Q1 --message "too late" --as "$ADMIN"
t "rejecting an approved booking says so, status 4" '[ "$rc" = 4 ] && one_line "$err" &&
	err_has "TST-Q1 was already approved by Dana Admin" && [ "$(status_of TST-Q1)" = confirmed ]'

# --- bookings filters -------------------------------------------------------------

run bookings --status rejected --json
t "bookings --status rejected --json" '[ "$rc" = 0 ] &&
	[ "$(json "\" \".join(b[\"code\"] for b in j[\"bookings\"])")" = "TST-Q3 TST-Q2" ]'
run bookings --room "studio b" --from "$DAY" --to "$DAY" --search q1
t "bookings --room --from --to --search" '[ "$rc" = 0 ] && out_has "TST-Q1$" && ! out_has TST-Q2'
run bookings --search ari --status confirmed --json
t "bookings --search finds the artist's name" '[ "$rc" = 0 ] && json "[b[\"code\"] for b in j[\"bookings\"]]" | grep -q TST-Q1'
run bookings --status frobbed
t "bookings with an unknown status: 64, one line" '[ "$rc" = 64 ] && one_line "$err" && err_has "unknown status"'
run bookings --room "Studio Q"
t "bookings with an unknown room: status 3, the rooms named" '[ "$rc" = 3 ] && one_line "$err" &&
	err_has "unknown room '"'Studio Q'"' (rooms: Studio A, Studio B, Vocal Booth)"'
run bookings --date "$DAY" --from "$DAY"
t "bookings --date with --from: 64" '[ "$rc" = 64 ] && one_line "$err"'
run bookings --from "$DAY" --to 2020-01-01
t "bookings --to before --from: 64" '[ "$rc" = 64 ] && one_line "$err"'

# --- holds ---------------------------------------------------------------------------

run holds
t "holds with none says so" '[ "$rc" = 0 ] && [ "$out" = "no active holds" ]'
run hold "Studio A" "$DAY 14:00" 2h --as "$ADMIN" --json
HOLD=$(json 'j["hold"]["id"]')
t "hold ROOM START DURATION --json" '[ "$rc" = 0 ] && [ "$(json "j[\"hold\"][\"room_name\"]")" = "Studio A" ] &&
	[ "$(sql "SELECT status FROM hold WHERE id = '"'$HOLD'"'")" = active ]'
t "the hold is studio time: 14:00 local for two hours" '[ "$(sql "SELECT to_char(start_at AT TIME ZONE '"'America/Toronto'"', '"'HH24:MI'"') ||
	'"'-'"' || to_char(end_at AT TIME ZONE '"'America/Toronto'"', '"'HH24:MI'"') FROM hold WHERE id = '"'$HOLD'"'")" = 14:00-16:00 ]'
run holds --json
t "holds --json lists it" '[ "$rc" = 0 ] && [ "$(json "[h[\"id\"] for h in j[\"holds\"]]")" = "['"'$HOLD'"']" ]'
run holds
t "holds shows its short id and the time left" '[ "$rc" = 0 ] && out_has "^$(printf %.8s "$HOLD")  Studio A .* 1[45]:[0-9][0-9]  Dana Admin$"'

run hold "Studio A" "$DAY 15:00" 2h --as "$ADMIN"
t "a conflicting hold is refused with a clear line, status 4" '[ "$rc" = 4 ] && [ -z "$out" ] && one_line "$err" &&
	err_has "Studio A is taken at that time" && [ "$(sql "SELECT count(*) FROM hold")" = 1 ]'
run hold "Studio A" "$DAY 15:00" 2h --override --reason "try" --as "$ADMIN"
t "no override puts a room in two places: Postgres says who holds it" '[ "$rc" = 4 ] && one_line "$err" &&
	err_has "Studio A is already held then (a hold until " && [ "$(sql "SELECT count(*) FROM hold")" = 1 ]'
run hold "Studio Q" "$DAY 15:00" 2h --as "$ADMIN"
t "hold in an unknown room: status 3, one line" '[ "$rc" = 3 ] && one_line "$err" && err_has "unknown room"'
run hold "Studio A" "$DAY 25:00" 2h --as "$ADMIN"
t "hold at a time that is not one: 64, one line" '[ "$rc" = 64 ] && one_line "$err" && err_has "not a time of day"'
run hold "Studio A" "2027-03-14 02:30" 1h --as "$ADMIN"
t "hold at a time the clocks skip says so" '[ "$rc" = 64 ] && one_line "$err" &&
	err_has "2027-03-14 02:30 does not exist in America/Toronto"'
run hold "Studio A" "2027-11-07 01:30" 1h --as "$ADMIN"
t "hold at a time shown twice asks for the offset" '[ "$rc" = 64 ] && one_line "$err" && err_has "happens twice" &&
	err_has "-04:00 or ...-05:00"'
run hold "Studio A" "tomorrow" 1h --as "$ADMIN"
t "hold with a start that is no time: 64" '[ "$rc" = 64 ] && err_has "is not a time"'
run hold "Studio A" "$DAY 12:00" 2x --as "$ADMIN"
t "hold with a bad duration: 64" '[ "$rc" = 64 ] && one_line "$err" && err_has "not a duration"'
run hold "Studio A" "$DAY 12:00"
t "hold without a duration: 64" '[ "$rc" = 64 ] && one_line "$err"'
t "none of the refused holds was written" '[ "$(sql "SELECT count(*) FROM hold")" = 1 ]'

old_exp=$(sql "SELECT extract(epoch FROM expires_at)::bigint FROM hold WHERE id = '$HOLD'")
run hold-extend "$(printf %.8s "$HOLD")" 30 --as "$ADMIN" --json
new_exp=$(sql "SELECT extract(epoch FROM expires_at)::bigint FROM hold WHERE id = '$HOLD'")
t "hold-extend ID 30 pushes the expiry 30 minutes" '[ "$rc" = 0 ] && [ "$((new_exp - old_exp))" = 1800 ] &&
	[ "$(json "j[\"hold\"][\"id\"]")" = "$HOLD" ]'
run hold-extend "$HOLD" soon --as "$ADMIN"
t "hold-extend with bad minutes: 64" '[ "$rc" = 64 ] && one_line "$err"'
run hold-extend "$HOLD" 30 --as "$ELI"
t "staff may not extend a hold someone else placed" '[ "$rc" = 5 ] && one_line "$err" && err_has "only the holds they placed"'
run hold-release "$HOLD" --as "$ADMIN" --json
t "hold-release frees it" '[ "$rc" = 0 ] && [ "$(json "j[\"hold\"][\"status\"]")" = released ] &&
	[ "$(sql "SELECT status FROM hold WHERE id = '"'$HOLD'"'")" = released ] &&
	[ "$(sql "SELECT count(*) FROM room_claim WHERE hold_id = '"'$HOLD'"'")" = 0 ]'
run hold-release "$HOLD" --as "$ADMIN"
t "releasing it again: status 4, one line" '[ "$rc" = 4 ] && one_line "$err" && err_has "released already"'
run hold-release 0000dead --as "$ADMIN"
t "hold-release with an unknown id: status 3" '[ "$rc" = 3 ] && one_line "$err"'
t "hold, extend and release are in the audit log" '[ "$(sql "SELECT string_agg(action, '"','"' ORDER BY id) FROM audit_log WHERE entity = '"'hold'"' AND entity_id = '"'$HOLD'"'")" = hold,extend,release ]'

# --- overrides -------------------------------------------------------------------------

submit TST-EARLY 'Studio B' "$DAY" 06:00 08:00
run approve TST-EARLY --as "$ADMIN"
t "a booking outside working hours does not fit: status 4, the rule and the way out" '[ "$rc" = 4 ] && one_line "$err" &&
	err_has "TST-EARLY no longer fits: that time is outside working hours for Studio B" && err_has "--override --reason" &&
	[ "$(status_of TST-EARLY)" = awaiting_approval ]'
run approve TST-EARLY --override --reason "client flies in at 5" --as "$ADMIN" --json
t "with --override --reason it is confirmed" '[ "$rc" = 0 ] && [ "$(status_of TST-EARLY)" = confirmed ] &&
	json "j[\"bookings\"][0][\"overridden\"]" | grep -q "outside working hours"'
t "the override is in the audit log with its reason and the rule" \
	'[ "$(sql "SELECT a.reason || '"'|'"' || (a.diff_json->'"'override'"'->>'"'rule'"') FROM audit_log a JOIN booking b ON b.id::text = a.entity_id WHERE b.code = '"'TST-EARLY'"'")" = "client flies in at 5|that time is outside working hours for Studio B" ]'
run hold "Vocal Booth" "$DAY 07:00" 1h --as "$ADMIN"
t "a hold outside working hours is refused" '[ "$rc" = 4 ] && err_has "outside working hours" && err_has "--override"'
run hold "Vocal Booth" "$DAY 07:00" 1h --override --reason "voice-over at dawn" --as "$ELI"
t "staff may not override" '[ "$rc" = 5 ] && one_line "$err"'
run hold "Vocal Booth" "$DAY 07:00" 1h --override --reason "voice-over at dawn" --as "$ADMIN" --json
t "an admin holds it with --override --reason, recorded" '[ "$rc" = 0 ] &&
	[ "$(sql "SELECT reason FROM audit_log WHERE action = '"'hold'"' ORDER BY id DESC LIMIT 1")" = "voice-over at dawn" ]'

# --- staff ------------------------------------------------------------------------------

# Priya and Sam work DAY from 09:00 to 23:00 (their weekly hours leave
# some weekdays out), so only the staff's other sessions stand in the way
sql "INSERT INTO schedule_rule (target_type, target_id, byweekday, start_time, end_time, timezone,
	effective_from, effective_to)
     SELECT 'staff', s.id, ARRAY[extract(dow FROM '$DAY'::date)::int], '09:00', '23:00',
	'America/Toronto', '$DAY', '$DAY'
       FROM staff s WHERE s.display_name IN ('Priya Producer', 'Sam Assistant')" >/dev/null
submit TST-S1 'Studio A' "$DAY" 11:00 13:00 "{$ELI_ID}"
submit TST-S2 'Vocal Booth' "$DAY" 12:00 13:00 "{$PRIYA_ID}"
run assign-staff TST-S2 eli --as "$ADMIN"
t "Postgres refuses one engineer in two places, and we say where" '[ "$rc" = 4 ] && one_line "$err" &&
	err_has "Eli Engineer is already on TST-S1 at that time" &&
	[ "$(sql "SELECT string_agg(staff_id::text, '"','"') FROM booking_staff bs JOIN booking b ON b.id = bs.booking_id WHERE b.code = '"'TST-S2'"'")" = "$PRIYA_ID" ]'
run assign-staff TST-S2 "Nobody Atall" --as "$ADMIN"
t "assign-staff with an unknown name: status 3" '[ "$rc" = 3 ] && one_line "$err" && err_has "unknown staff member"'
run assign-staff TST-S2 "Sam Assistant" --as "$ELI"
t "staff may not assign staff" '[ "$rc" = 5 ] && one_line "$err"'
run assign-staff TST-S2 priya "sam assistant" --as "$ADMIN" --json
t "assign-staff by first name and full name" '[ "$rc" = 0 ] &&
	[ "$(json "\",\".join(s[\"name\"] for s in j[\"booking\"][\"staff\"])")" = "Priya Producer,Sam Assistant" ] &&
	[ "$(audit_count TST-S2 assign_staff)" = 1 ]'
# Eli works weekdays 10:00-19:00: an evening session is past his hours
submit TST-S3 'Studio A' "$DAY" 19:30 20:30
run assign-staff TST-S3 eli --as "$ADMIN"
t "assigning someone outside their working hours is refused, with the way out" '[ "$rc" = 4 ] && one_line "$err" &&
	err_has "TST-S3: Eli Engineer is not working then" && err_has "--override --reason" &&
	[ "$(sql "SELECT count(*) FROM booking_staff bs JOIN booking b ON b.id = bs.booking_id WHERE b.code = '"'TST-S3'"'")" = 0 ] &&
	[ "$(audit_count TST-S3 assign_staff)" = 0 ]'
sql "INSERT INTO exception (target_type, target_id, start_at, end_at, reason)
     VALUES ('staff', '$PRIYA_ID', $(local_at "$DAY" 19:00), $(local_at "$DAY" 22:00), 'dentist')" >/dev/null
run assign-staff TST-S3 priya --as "$ADMIN"
t "and someone on time off" '[ "$rc" = 4 ] && err_has "Priya Producer is not working then"'
run assign-staff TST-S3 eli --override --as "$ADMIN"
t "--override without --reason: 64" '[ "$rc" = 64 ] && one_line "$err" && err_has "--reason"'
run assign-staff TST-S3 eli --override --reason "Eli stays late for this band" --as "$ADMIN" --json
t "with --override --reason the admin assigns them, the rule named" '[ "$rc" = 0 ] &&
	json "j[\"booking\"][\"overridden\"]" | grep -q "Eli Engineer is not working then" &&
	[ "$(sql "SELECT s.display_name FROM booking_staff bs JOIN booking b ON b.id = bs.booking_id JOIN staff s ON s.id = bs.staff_id WHERE b.code = '"'TST-S3'"'")" = "Eli Engineer" ]'
t "the override is in the audit log with its reason and the rule" \
	'[ "$(sql "SELECT a.reason || '"'|'"' || (a.diff_json->'"'override'"'->>'"'rule'"') FROM audit_log a JOIN booking b ON b.id::text = a.entity_id WHERE b.code = '"'TST-S3'"' AND a.action = '"'assign_staff'"'")" = "Eli stays late for this band|Eli Engineer is not working then" ]'
run swap-staff TST-S1 eli TST-S2 priya --as "$ADMIN" --json
t "swap-staff trades engineers between overlapping sessions" '[ "$rc" = 0 ] &&
	[ "$(json "[(b[\"code\"], b[\"joined\"]) for b in j[\"bookings\"]]")" = "[('"'TST-S2'"', '"'Eli Engineer'"'), ('"'TST-S1'"', '"'Priya Producer'"')]" ] &&
	[ "$(sql "SELECT string_agg(b.code || '"'='"' || s.display_name, '"','"' ORDER BY b.code, s.display_name) FROM booking_staff bs
	   JOIN booking b ON b.id = bs.booking_id JOIN staff s ON s.id = bs.staff_id WHERE b.code LIKE '"'TST-S_'"'")" = "TST-S1=Priya Producer,TST-S2=Eli Engineer,TST-S2=Sam Assistant,TST-S3=Eli Engineer" ]'

# --- cancel -------------------------------------------------------------------------------

submit TST-C1 'Studio B' "$DAY" 20:00 22:00
"$REDLIGHT" approve TST-C1 --as "$ADMIN" >/dev/null 2>&1
sql "INSERT INTO payment (booking_id, amount_cents, status, captured_at)
     SELECT id, 10000, 'succeeded', now() FROM booking WHERE code = 'TST-C1'" >/dev/null
before=$(sql "SELECT (SELECT count(*) FROM job) || '/' || (SELECT count(*) FROM audit_log)")
run cancel TST-C1 --dry-run
t "cancel --dry-run shows the policy's refund" '[ "$rc" = 0 ] && out_has "^TST-C1 (confirmed, Studio B, " &&
	out_has "^policy: canceling now refunds 100% of the \$100.00 paid: \$100.00 back$" &&
	out_has "^dry run: nothing was changed$"'
run cancel TST-C1 --dry-run --json
t "cancel --dry-run --json gives the refund in cents" '[ "$rc" = 0 ] &&
	[ "$(json "(j[\"policy\"][\"refund_percent\"], j[\"policy\"][\"refund_cents\"], j[\"dry_run\"], j[\"booking\"][\"status\"])")" = "(100, 10000, True, '"'confirmed'"')" ]'
t "and writes nothing" '[ "$(status_of TST-C1)" = confirmed ] &&
	[ "$(sql "SELECT (SELECT count(*) FROM job) || '"'/'"' || (SELECT count(*) FROM audit_log)")" = "$before" ]'
run cancel TST-C1 --as "$ADMIN"
t "cancel without --reason: 64, nothing written" '[ "$rc" = 64 ] && one_line "$err" && [ "$(status_of TST-C1)" = confirmed ]'
run cancel TST-C1 --reason "artist is ill" --as "$ELI"
t "staff may cancel only their own bookings" '[ "$rc" = 5 ] && one_line "$err" && [ "$(status_of TST-C1)" = confirmed ]'
run cancel TST-C1 --reason "artist is ill" --as "$ADMIN"
t "cancel prints the policy result and cancels" '[ "$rc" = 0 ] && out_has "refunds 100%" && out_has "^canceled TST-C1$" &&
	[ "$(status_of TST-C1)" = canceled ]'
cancel_jobs=$(sql "SELECT string_agg(kind || ':' || (payload->>'refund_cents'), ',' ORDER BY id) FROM job
	WHERE payload->>'code' = 'TST-C1' AND payload ? 'refund_cents'")
t "cancel enqueued the refund, the email and the calendar removal" \
	'[ "$cancel_jobs" = "void_or_refund:10000,email_canceled:10000,calendar_remove:10000" ]'
run cancel TST-C1 --reason again --as "$ADMIN"
t "canceling it again: status 4, one line" '[ "$rc" = 4 ] && one_line "$err"'

# --- audit ---------------------------------------------------------------------------------

run audit --entity TST-C1 --json
t "audit --entity CODE --json" '[ "$rc" = 0 ] &&
	[ "$(json "\",\".join(a[\"action\"] + \":\" + a[\"label\"] for a in j[\"audit\"])")" = "cancel:TST-C1,approve:TST-C1" ]'
run audit --entity hold --actor "$ADMIN"
t "audit --entity hold --actor EMAIL" '[ "$rc" = 0 ] && out_has "Dana Admin  release  hold " && ! out_has booking'
run audit --actor "$ELI" --json
t "audit --actor someone who did nothing: empty" '[ "$rc" = 0 ] && [ "$(json "len(j[\"audit\"])")" = 0 ]'
run audit --since "$(sql "SELECT (now() AT TIME ZONE 'America/Toronto')::date")"
t "audit --since today lists today's entries" '[ "$rc" = 0 ] && out_has "^TIME  *ACTOR  *ACTION  *WHAT  *REASON$" &&
	out_has "cancel  *booking TST-C1  *artist is ill$"'
run audit --since 2027-02-30
t "audit --since a day that does not exist: 64" '[ "$rc" = 64 ] && one_line "$err"'

# --- a race: two approvals of one booking at once -----------------------------------------------

race_dir=$(mktemp -d "${TMPDIR:-/tmp}/rl-race.XXXXXX")
for n in 1 2 3; do
	submit "TST-R$n" 'Studio B' "$DAY" "$(printf %02d:00 $((n + 8)))" "$(printf %02d:00 $((n + 9)))"
	"$REDLIGHT" approve "TST-R$n" --as "$ADMIN" >"$race_dir/a$n.out" 2>"$race_dir/a$n.err" &
	pa=$!
	"$REDLIGHT" approve "TST-R$n" --as "$ADMIN" >"$race_dir/b$n.out" 2>"$race_dir/b$n.err" &
	pb=$!
	wait $pa; ra=$?
	wait $pb; rb=$?
	echo "$ra $rb" >"$race_dir/rc$n"
done
race_ok=1
for n in 1 2 3; do
	set -- $(cat "$race_dir/rc$n")
	if [ "$1" = 0 ] && [ "$2" != 0 ]; then loser=b; elif [ "$2" = 0 ] && [ "$1" != 0 ]; then loser=a; else
		race_ok=0; diag "race $n: exit statuses $1 and $2"; continue; fi
	if ! grep -qE "already approved by Dana Admin|the booking changed" "$race_dir/$loser$n.err" ||
	    [ "$(wc -l <"$race_dir/$loser$n.err")" != 1 ]; then
		race_ok=0; diag "race $n: the loser said:"; diag <"$race_dir/$loser$n.err"
	fi
	[ "$(status_of "TST-R$n")" = confirmed ] && [ "$(audit_count "TST-R$n" approve)" = 1 ] &&
		[ "$(sql "SELECT count(*) FROM job WHERE payload->>'code' = 'TST-R$n' AND kind = 'capture_payment'")" = 1 ] ||
		{ race_ok=0; diag "race $n: not exactly one approval recorded"; }
done
rm -rf "$race_dir"
t "two approvals at once: one wins, the other is told, one audit row and one capture each time" '[ "$race_ok" = 1 ]'

tui_done
