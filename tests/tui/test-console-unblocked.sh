#!/bin/sh
# test-console-unblocked.sh: the console does not wait for its reads of
# the bookings list, driven through tmux with 60 bookings to come. A psql
# session holds the booking table locked (ACCESS EXCLUSIVE, in an open
# transaction that also adds a booking), so the list's read blocks in the
# server: r says the list is refreshing at once, the cursor still moves
# and screens still switch while the read waits, and once the lock goes
# the new booking is in the list with no other key. The board's r waits
# its turn on the same connection, the board still answering keys.
# Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux -- "$@"

book_hourly WAIT 60
TODAY=$(sql "SELECT (now() AT TIME ZONE 'America/Toronto')::date")
N=$(sql "SELECT count(*) FROM booking WHERE end_at > (SELECT (now() AT TIME ZONE 'America/Toronto')::date
	AT TIME ZONE 'America/Toronto')")

locker_start

# waiting: the console's reads that wait for the lock (its list read)
waiting() {
	sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
	     AND wait_event_type = 'Lock' AND query LIKE 'SELECT b.id, b.code, b.status%'"
}

sess=unblocked
console_in $sess admin@redlight.test
key $sess 4
s "4 shows the bookings to come" 'wait_for $sess "BOOKINGS  $N from $TODAY"'
# the other screens load in the background first
sleep 2

cat >&9 <<EOF
BEGIN;
LOCK TABLE booking IN ACCESS EXCLUSIVE MODE;
INSERT INTO booking (code, user_id, room_id, status, start_at, end_at, blocked, approved_at)
SELECT 'RL-LATE-000', '00000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-0000000000a3',
       'confirmed', t, t + interval '30 min', tstzrange(t, t + interval '30 min', '[)'), now()
  FROM (SELECT date_trunc('day', now()) + interval '2 days 10 min' AS t) s;
SELECT 'locked';
EOF
s "a psql session holds the booking table" 'eventually "grep -q locked \"\$tmpd/locker.out\""'

key $sess r
s "r answers at once: the list says it is refreshing" 'wait_for $sess "BOOKINGS  $N from $TODAY  (refreshing...)"'
s "the list's read waits for the lock in the server" 'eventually "[ \$(waiting) -eq 1 ]"'
FIRST=$(cursor_code $sess)
key $sess j
key $sess j
s "j moves the cursor while the read waits" '[ -n "$FIRST" ] &&
	eventually "[ \"\$(cursor_code \$sess)\" != \"\$FIRST\" ]"'
AT=$(cursor_code $sess)
key $sess 6
s "6 switches to the board while the read waits" 'wait_for $sess "BOARD"'
key $sess 4
s "4 shows the list again, still refreshing, the cursor kept" 'wait_for $sess "(refreshing...)" &&
	[ "$(cursor_code $sess)" = "$AT" ] && [ "$(waiting)" -eq 1 ]'

# the board's reload waits its turn behind the list's
key $sess 6
wait_for $sess "BOARD"
key $sess r
s "r on the board answers at once: it is refreshing too" 'wait_match $sess "BOARD.*(refreshing\.\.\.)" >/dev/null'
key $sess w
s "w shows the board's week while its read waits" 'wait_match $sess "BOARD  week of.*(refreshing\.\.\.)" >/dev/null &&
	[ "$(waiting)" -eq 1 ]'
key $sess w
wait_gone $sess "week of"

echo "COMMIT;" >&9
M=$((N + 1))
s "once the lock goes the board is refreshed, with no key" 'wait_gone $sess "(refreshing...)" &&
	wait_match $sess "refreshed: [0-9]* bookings*, [0-9]* holds*" >/dev/null'
key $sess 4
s "and the list has the new booking, the cursor kept" 'wait_for $sess "BOOKINGS  $M from $TODAY" &&
	! pane_text $sess | grep -qF "(refreshing...)" && [ "$(cursor_code $sess)" = "$AT" ]'
key $sess q
wait_dead $sess
s "q quits with status 0" '[ "$(dead_status $sess)" = 0 ]'

tui_done
