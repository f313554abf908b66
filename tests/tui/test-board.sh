#!/bin/sh
# test-board.sh: the console's board (screen 6) driven through tmux: the
# rooms and the studio's zone, the demo's confirmed booking today and the
# one awaiting approval tomorrow in their cells under the right hour, a
# completed booking left out (only live bookings hold a room), a
# booking opened from the cursor, a failed calendar sync flagged live and
# cleared, a hold placed from the cursor (in the database and on the
# board), the staff rows and the week, and resizing to 80x24. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux -- "$@"

TOMORROW=$(sql "SELECT ((now() AT TIME ZONE 'America/Toronto')::date + 1)::text")

# cell_at SESSION ROW HOUR [OFFSET]: the character in the board's row
# named ROW (its first column, "Studio A") under the label of hour HOUR
# ("14") on the hour line, or OFFSET characters right of it (-1: the
# quarter hour before), counted in characters, not bytes. tmux drops
# trailing blanks, so a cell past a line's end is a blank.
cell_at() {
	pane_text "$1" | ROW=$2 HOUR=$3 OFF=${4:-0} perl -CSD -ne '
		chomp;
		if ($hours_next) { $col = index($_, $ENV{HOUR}); $hours_next = 0; }
		$hours_next = 1 if /^ BOARD  /;
		if (defined $col && $col >= 0 && /^[> ] \Q$ENV{ROW}\E( |$)/) {
			$_ .= " " x 200;
			print substr($_, $col + $ENV{OFF}, 1); exit;
		}'
}

# cell_is SESSION ROW HOUR GLYPH: wait (up to 5 s) until that cell shows
# GLYPH; a refresh redraws a moment after its key.
cell_is() {
	i=0
	while [ "$(cell_at "$1" "$2" "$3")" != "$4" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cell_at "$1" "$2" "$3")" = "$4" ]
}

# row_shown SESSION NAME: the board has a row named NAME.
row_shown() {
	pane_text "$1" | grep -q "^[> ] $2\( \|\$\)"
}

CONFIRMED=$(printf '\342\226\210')   # the full block
PENDING=$(printf '\342\226\222')     # the medium shade
BUFFER=$(printf '\302\267')          # the middle dot

sess=board
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess admin@redlight.test redlight-demo
s "an admin signs in; the tabs name the board as screen 6" 'wait_for $sess "Vocal Booth" &&
	wait_match $sess "5 Audit .*6 Board"'

key $sess 6
s "6 shows the board: today, the zone, the three rooms" 'wait_for $sess "BOARD  " &&
	wait_match $sess "BOARD  .*(today)  America/Toronto E[SD]T  by room" &&
	row_shown $sess "Studio A" && row_shown $sess "Studio B" && row_shown $sess "Vocal Booth"'
s "the bottom line shows the board's keys" 'pane_text $sess | tail -1 | grep -q "hjkl move  <> t day  Enter open  n hold"'
s "RL-DEMO-01 (confirmed, 14:00-16:00) fills Studio A at 14:00" '[ "$(cell_at $sess "Studio A" 14)" = "$CONFIRMED" ] &&
	[ "$(cell_at $sess "Studio A" 15)" = "$CONFIRMED" ]'
s "with its buffers shaded around it and free time after" '[ "$(cell_at $sess "Studio A" 14 -1)" = "$BUFFER" ] &&
	[ "$(cell_at $sess "Studio A" 16)" = "$BUFFER" ] && [ "$(cell_at $sess "Studio A" 17)" = " " ] &&
	[ "$(cell_at $sess "Studio B" 14)" = " " ]'

# only a live booking holds its room (core's state table): a completed one
# does not, though its status was once counted as live here
sql "UPDATE booking SET status = 'completed' WHERE code = 'RL-DEMO-01'" >/dev/null
key $sess r
s "a completed booking does not fill its room's cells" 'wait_for $sess "refreshed:" &&
	[ "$(cell_at $sess "Studio A" 14)" != "$CONFIRMED" ] && [ "$(cell_at $sess "Studio A" 15)" != "$CONFIRMED" ]'
sql "UPDATE booking SET status = 'confirmed' WHERE code = 'RL-DEMO-01'" >/dev/null
key $sess r
s "confirmed again, it fills them, matched to its room by id" 'wait_for $sess "refreshed:" &&
	cell_is $sess "Studio A" 14 "$CONFIRMED" && [ "$(cell_at $sess "Studio B" 14)" = " " ]'

# the cursor to Studio A at 14:00: first row, first cell, ten half hours on
key $sess k k k g
key $sess l l l l l l l l l l
s "on the booking the cursor says what it is" 'wait_for $sess "RL-DEMO-01 confirmed 14:00-16:00"'
key $sess Enter
s "Enter opens the booking" 'wait_for $sess "RL-DEMO-01" && wait_gone $sess "BOARD  "'
key $sess Escape
s "Esc goes back to the board" 'wait_for $sess "BOARD  "'

# a calendar sync that failed (as the worker records it: a job run out of
# attempts) is flagged on the board without a keypress, and cleared by a
# later sync that worked
DEMO01=$(sql "SELECT id FROM booking WHERE code = 'RL-DEMO-01'")
sql "INSERT INTO job (kind, payload) VALUES ('calendar_sync', jsonb_build_object('booking_id', '$DEMO01'::uuid));
	UPDATE job SET status = 'failed', attempts = 8, last_error = 'google: 401 invalid credentials'
	 WHERE kind = 'calendar_sync' AND payload->>'booking_id' = '$DEMO01'" >/dev/null
s "a failed calendar sync flags the booking live: s in its cells, the reason under the cursor" \
	'wait_for $sess "CALENDAR SYNC FAILED: google: 401 invalid" &&
	[ "$(cell_at $sess "Studio A" 14)" = s ] && [ "$(cell_at $sess "Studio A" 15)" = s ] &&
	pane_text $sess | grep -q "s sync failed"'
# its Stripe payment, as the worker records it (authorized, then captured)
sql "INSERT INTO payment (booking_id, amount_cents, currency, capture_method, status,
	 stripe_payment_intent_id, stripe_customer_id, authorized_cents, captured_cents)
	VALUES ('$DEMO01', 4238, 'CAD', 'manual', 'succeeded', 'pi_board_test', 'cus_board_test', 4238, 4238)" >/dev/null
key $sess Enter
s "the booking screen says so too" 'wait_for $sess "SYNC FAILED: google: 401 invalid credentials" && wait_gone $sess "BOARD  "'
s "the booking screen shows its payment: the amounts and the Stripe ids" \
	'wait_for $sess "authorized \$42.38, captured \$42.38, refunded \$0.00" && wait_for $sess "Stripe pi_board_test, cus_board_test"'
key $sess Escape
sql "INSERT INTO job (kind, payload) VALUES ('calendar_sync', jsonb_build_object('booking_id', '$DEMO01'::uuid));
	UPDATE job SET status = 'done' WHERE kind = 'calendar_sync' AND status = 'queued'
	 AND payload->>'booking_id' = '$DEMO01'" >/dev/null
s "a later sync that worked clears the flag" 'wait_for $sess "BOARD  " && wait_gone $sess "SYNC FAILED" &&
	[ "$(cell_at $sess "Studio A" 14)" = "$CONFIRMED" ]'

key $sess ">"
s "> shows tomorrow" 'wait_for $sess "$TOMORROW" && wait_gone $sess "(today)"'
s "RL-DEMO-02 (awaiting approval, 11:00-13:00) shades Studio B at 11:00" \
	'[ "$(cell_at $sess "Studio B" 11)" = "$PENDING" ] && [ "$(cell_at $sess "Studio B" 12)" = "$PENDING" ] &&
	[ "$(cell_at $sess "Studio A" 11)" != "$PENDING" ]'

# staffing from the booking screen: RL-DEMO-02 starts at 11:00, before
# Priya's hours (12:00), and Sam has no hours here at all, so adding him
# asks the admin to confirm, with a reason for the audit log
DEMO02=$(sql "SELECT id FROM booking WHERE code = 'RL-DEMO-02'")
sql "DELETE FROM schedule_rule WHERE target_id = (SELECT id FROM staff WHERE display_name = 'Sam Assistant')" >/dev/null
key $sess j g
key $sess l l l l
s "the cursor is on RL-DEMO-02" 'wait_for $sess "RL-DEMO-02 awaiting approval 11:00-13:00"'
key $sess Enter
wait_match $sess "^ *BOOKING *$" >/dev/null && wait_gone $sess "loading..."
key $sess s
s "s on the booking asks for its staff, filled in" 'wait_for $sess "Staff of RL-DEMO-02" && wait_for $sess "Priya Producer"'
type_text $sess ", sam"
key $sess Enter
s "staff outside their hours need an override: the rule and a reason field, nothing written" \
	'wait_for $sess "Staff RL-DEMO-02 anyway?" && wait_for $sess "Priya Producer is not working then" &&
	wait_for $sess "Override reason" &&
	[ "$(sql "SELECT count(*) FROM booking_staff WHERE booking_id = '"'$DEMO02'"'")" = 1 ]'
type_text $sess "mix starts early for this client"
key $sess Enter
s "with a reason both are on the booking, the override in the audit log" \
	'wait_sql "SELECT count(*) FROM booking_staff WHERE booking_id = '"'$DEMO02'"'" 2 &&
	[ "$(sql "SELECT reason FROM audit_log WHERE action = '"'assign_staff'"' AND entity_id = '"'$DEMO02'"'")" = "mix starts early for this client" ] &&
	wait_for $sess "Priya Producer, Sam Assistant"'
key $sess Escape
s "Esc goes back to the board" 'wait_for $sess "BOARD  "'
key $sess k

# a hold from the cursor: Studio B, 15:00 tomorrow, one hour
key $sess j g
key $sess l l l l l l l l l l l l
s "the cursor is on Studio B at 15:00, free" 'wait_for $sess "Studio B 15:00  free (n holds it)"'
key $sess n
s "n opens the hold form with the room and the start filled in" 'wait_for $sess "Hold a room" &&
	wait_for $sess "Studio B" && wait_for $sess "$TOMORROW 15:00"'
type_text $sess "1h"
key $sess Enter
s "Enter places the hold: a hold row for Studio B at 15:00 for an hour" \
	'wait_sql "SELECT count(*) FROM hold h JOIN room r ON r.id = h.room_id WHERE h.status = '"'active'"'
	  AND r.name = '"'Studio B'"' AND h.start_at = ('"'$TOMORROW 15:00'"'::timestamp AT TIME ZONE '"'America/Toronto'"')
	  AND h.end_at - h.start_at = interval '"'1 hour'"'" 1'
s "the board shows it in Studio B at 15:00 with its expiry under the cursor" 'wait_for $sess "BOARD  " &&
	wait_match $sess "hold [0-9a-f]\{8\} 15:00-16:00 .*expires" && [ "$(cell_at $sess "Studio B" 15)" = h ]'

key $sess s
s "s shows staff as rows" 'wait_for $sess "by staff" && row_shown $sess "Eli Engineer"'
key $sess s w
s "w shows the week of the room under the cursor" 'wait_match $sess "BOARD  week of .*Studio B" &&
	[ "$(pane_text $sess | grep -c "^[> ] \(Mon\|Tue\|Wed\|Thu\|Fri\|Sat\|Sun\) [0-9]")" = 7 ]'
key $sess w t
s "w again shows one day, t today" 'wait_match $sess "BOARD  .*(today)"'

tmx resize-window -t $sess -x 80 -y 24
s "at 80x24 the board is redrawn to fit, keys on the bottom line" 'wait_for $sess "BOARD  " &&
	[ "$(pane_text $sess | wc -l)" = 24 ] && pane_text $sess | tail -1 | grep -q "hjkl move" &&
	row_shown $sess "Vocal Booth" && [ "$(cell_at $sess "Studio A" 14)" = "$CONFIRMED" ]'
tmx resize-window -t $sess -x 100 -y 30
s "and back at 100x30" 'wait_for $sess "BOARD  " && [ "$(pane_text $sess | wc -l)" = 30 ]'

key $sess q
s "q quits cleanly" 'wait_dead $sess && [ "$(dead_status $sess)" = 0 ]'

tui_done
