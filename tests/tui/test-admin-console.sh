#!/bin/sh
# test-admin-console.sh: the console's admin screens driven through tmux:
# approve from the queue, reject two at once with a message (and not
# without one), a booking from the web arriving without a keypress, a hold
# placed from the holds screen (and a bad time refused at its field), a
# hold running out on screen, resizing to 80x24 and back. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux -- "$@"

ARTIST_ID=00000000-0000-4000-8000-000000000005

demo_day   # DAY, and submit CODE ROOM FROM TO (tests/tui/lib.sh)

status_of() {
	sql "SELECT status FROM booking WHERE code = '$1'"
}

# oldest first: the queue shows them newest first, TST-R2 on top
submit TST-A1 'Studio B' 15:00 16:00
submit TST-R1 'Studio B' 17:00 18:00
submit TST-R2 'Vocal Booth' 10:00 11:00

sess=adm
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess admin@redlight.test redlight-demo
s "an admin signs in and sees the tabs of the screens" 'wait_for $sess "Vocal Booth" &&
	wait_match $sess "1 Day .*2 Queue .*3 Holds .*4 Bookings .*5 Audit"'

# --- approve from the queue --------------------------------------------------

key $sess 2
s "2 shows the approval queue, newest first, with the top one in full" 'wait_for $sess "APPROVAL QUEUE  4 awaiting approval" &&
	pane_text $sess | grep -q "^ >   TST-R2" && wait_for $sess "When      " && wait_for $sess "(America/Toronto)"'
s "the bottom line shows the queue's keys" 'pane_text $sess | tail -1 | grep -q "a approve  x reject  Space mark  Enter open"'
key $sess j j
s "j moves down to the oldest web booking" 'wait_match $sess "^ >   TST-A1"'
key $sess a
s "a asks for a note and a message" 'wait_for $sess "Approve TST-A1" && wait_for $sess "to the artist, optional"'
type_text $sess "Internal: regular"
key $sess Tab
type_text $sess "See you Thursday"
key $sess Enter
s "Enter approves: the database shows it confirmed, as the admin" \
	'wait_sql "SELECT b.status || '"'/'"' || u.email || '"'/'"' || b.artist_message FROM booking b JOIN app_user u ON u.id = b.approved_by WHERE b.code = '"'TST-A1'"'" "confirmed/admin@redlight.test/See you Thursday"'
s "the console says so and the queue drops it" 'wait_for $sess "approved TST-A1" && wait_gone $sess "TST-A1  " &&
	wait_for $sess "APPROVAL QUEUE  3 awaiting approval"'
s "its jobs and its audit row were written with it" \
	'[ "$(sql "SELECT string_agg(kind, '"','"' ORDER BY id) FROM job WHERE payload->>'"'code'"' = '"'TST-A1'"'")" = capture_payment,email_approved,calendar_sync ] &&
	[ "$(sql "SELECT count(*) FROM audit_log WHERE action = '"'approve'"'")" = 1 ]'

# --- reject two at once --------------------------------------------------------

key $sess g
wait_match $sess "^ >   TST-R2"
key $sess Space Space
s "Space marks two bookings" 'wait_for $sess "2 marked" && pane_text $sess | grep -q "^   \* TST-R2" &&
	pane_text $sess | grep -q "^   \* TST-R1" && pane_text $sess | grep -q "^ >   RL-DEMO-02"'
key $sess x
s "x asks for the message to the artist" 'wait_for $sess "Reject 2 bookings" && wait_for $sess "to the artist: why (required)"'
key $sess Enter
s "an empty message is refused at its field, nothing written" 'wait_for $sess "Message: a rejection needs a message to the artist" &&
	[ "$(status_of TST-R1)/$(status_of TST-R2)" = awaiting_approval/awaiting_approval ] &&
	[ "$(sql "SELECT count(*) FROM audit_log WHERE action = '"'reject'"'")" = 0 ]'
type_text $sess "The studio is closed that week"
key $sess Enter
s "with a message both are rejected, each with an audit row" \
	'wait_sql "SELECT string_agg(code || '"'='"' || status, '"','"' ORDER BY code) FROM booking WHERE code IN ('"'TST-R1'"', '"'TST-R2'"')" "TST-R1=rejected,TST-R2=rejected" &&
	wait_sql "SELECT count(*) || '"'/'"' || min(reason) FROM audit_log WHERE action = '"'reject'"'" "2/The studio is closed that week"'
s "and the queue is down to the demo's booking" 'wait_for $sess "APPROVAL QUEUE  1 awaiting approval" &&
	! pane_text $sess | grep -q "TST-R[12]  " && pane_text $sess | grep -q "rejected TST-R2; rejected TST-R1"'

# --- live: a booking from the web arrives without a keypress -------------------------

submit TST-LIVE 'Studio B' 19:00 20:00
s "a booking submitted on the web shows up in the queue by itself" 'wait_for $sess "TST-LIVE" &&
	wait_for $sess "APPROVAL QUEUE  2 awaiting approval"'
REDLIGHT_PASSWORD=redlight-demo "$REDLIGHT" approve TST-LIVE --as admin@redlight.test >/dev/null 2>&1 </dev/null
s "another console's approval takes it off the queue by itself" 'wait_gone $sess "TST-LIVE" &&
	wait_for $sess "APPROVAL QUEUE  1 awaiting approval"'

# --- holds -----------------------------------------------------------------------------

key $sess 3
s "3 shows the holds" 'wait_for $sess "HOLDS  0 active" && pane_text $sess | tail -1 | grep -q "n new hold  e extend  d release"'
key $sess n
s "n asks for room, start, duration and expiry" 'wait_for $sess "Hold a room" && wait_for $sess "YYYY-MM-DD HH:MM"'
type_text $sess "Studio A"
key $sess Tab
type_text $sess "$DAY 25:00"
key $sess Tab
type_text $sess "2h"
key $sess Enter
s "a time that is not one is refused at the Start field, nothing written" 'wait_for $sess "Start: 25:00 is not a time of day" &&
	[ "$(sql "SELECT count(*) FROM hold")" = 0 ]'
key $sess C-u
type_text $sess "$DAY 14:00"
key $sess Enter
s "a good one places the hold: in the database and on the screen with its countdown" \
	'wait_sql "SELECT count(*) FROM hold WHERE status = '"'active'"'" 1 && wait_for $sess "HOLDS  1 active" &&
	wait_match $sess "^ > [0-9a-f]\{8\}  Studio A .*14:00-16:00  1[45]:[0-9][0-9]  Dana Admin"'
HOLD=$(sql "SELECT id FROM hold")
# the clock moves: make the hold end in three seconds, as if its time ran out
sql "UPDATE hold SET expires_at = clock_timestamp() + interval '3 seconds' WHERE id = '$HOLD';
     SELECT notify_change('hold', id::text, room_id, blocked) FROM hold WHERE id = '$HOLD'" >/dev/null
s "the countdown runs and the expired hold leaves the screen by itself" 'wait_match $sess " 0:0[0-5] " &&
	wait_for $sess "HOLDS  0 active"'

# --- resizing ----------------------------------------------------------------------------

key $sess 2
wait_for $sess "APPROVAL QUEUE"
tmx resize-window -t $sess -x 80 -y 24
s "at 80x24 the queue is redrawn to fit, keys on the bottom line" 'wait_for $sess "APPROVAL QUEUE" &&
	[ "$(pane_text $sess | wc -l)" = 24 ] && pane_text $sess | tail -1 | grep -q "a approve  x reject" &&
	pane_text $sess | grep -q "RL-DEMO-02"'
key $sess Tab
s "Tab goes on to the holds at 80x24" 'wait_for $sess "HOLDS  0 active"'
tmx resize-window -t $sess -x 100 -y 30
s "and back at 100x30 it is all redrawn" 'wait_for $sess "HOLDS  0 active" && [ "$(pane_text $sess | wc -l)" = 30 ]'

key $sess 5
s "5 shows the audit log with the console's actions" 'wait_for $sess "AUDIT LOG" && wait_for $sess "reject   booking TST-R1" &&
	wait_for $sess "approve  booking TST-A1"'

key $sess q
s "q quits with status 0 and nothing on stderr" 'wait_dead $sess && [ "$(dead_status $sess)" = 0 ] &&
	[ -z "$(stderr_of $sess)" ]'

tui_done
