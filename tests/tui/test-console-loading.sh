#!/bin/sh
# test-console-loading.sh: no key waits for a read, driven through tmux
# with 60 bookings to come. A psql session holds the tables the screens
# read locked (ACCESS EXCLUSIVE, in an open transaction) from before
# sign-in: the day screen shows at once, saying it is loading, and so
# does every other screen switched to while their first reads wait in
# the server; once the locks go each fills in with no key. Then, with the
# booking table locked again: the board moves to another week, the day
# screen's r reads its day again and the bookings list takes a filter,
# each answered at once (a filter that does not resolve still shows its
# error under its field) and the booking screen opens, each filling in
# when the lock goes; and with the audit log locked, the audit log's
# filter likewise. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux -- "$@"

book_hourly LOAD 60
TODAY=$(sql "SELECT (now() AT TIME ZONE 'America/Toronto')::date")
NEXT_MONDAY=$(sql "SELECT (date_trunc('week', now() AT TIME ZONE 'America/Toronto') + interval '7 days')::date")
N=$(sql "SELECT count(*) FROM booking WHERE end_at > (SELECT (now() AT TIME ZONE 'America/Toronto')::date
	AT TIME ZONE 'America/Toronto')")
locker_start

# locked MARK: the locker has printed MARK (its locks are taken)
locked() {
	eventually "grep -q '^$1\$' \"\$tmpd/locker.out\""
}

lock_sql "BEGIN;
LOCK TABLE booking, hold, audit_log, job, payment, notification, service IN ACCESS EXCLUSIVE MODE;
SELECT 'first';"
s "a psql session holds the tables the screens read" 'locked first'

sess=loading
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess admin@redlight.test redlight-demo
s "signed in, the day screen shows at once, loading" 'wait_for $sess "BOOKINGS  (loading...)"'
s "its reads wait for the locks in the server" 'eventually "[ \$(lock_waits) -ge 1 ]"'

# shows KEY HEADING: KEY draws its screen, HEADING and "loading..." in one
# frame, while the reads wait
shows() {
	key $sess "$1"
	wait_for $sess "$2" && wait_for $sess "loading..." && [ "$(lock_waits)" -ge 1 ]
}
s "2 shows the queue at once, loading" 'shows 2 "APPROVAL QUEUE  0"'
s "3 shows the holds at once, loading" 'shows 3 "HOLDS  0 active"'
s "4 shows the bookings list at once, loading" 'shows 4 "BOOKINGS  0 from $TODAY"'
s "5 shows the audit log at once, loading" 'shows 5 "AUDIT LOG  0"'
s "6 shows the board at once, loading" 'shows 6 "hjkl move"'
s "7 shows the setup at once, loading" 'shows 7 "SETUP"'
s "8 shows the jobs at once, loading" 'shows 8 "JOBS  0 queued"'
s "9 shows the payments at once, loading" 'shows 9 "PAYMENTS  0"'
s "0 shows the notifications at once, loading" 'shows 0 "NOTIFICATIONS  0 pending"'
s "1 shows the day again, still loading" 'shows 1 "BOOKINGS  (loading...)"'

lock_sql "COMMIT;"
s "once the locks go the day fills in with no key" 'wait_gone $sess "loading..." &&
	wait_match $sess "(today)  [0-9]* booking" >/dev/null && wait_for $sess "Vocal Booth"'
# filled: KEY HEADING: KEY shows its screen filled in
filled() {
	key $sess "$1"
	wait_match $sess "$2" >/dev/null && ! pane_text $sess | grep -qF "loading..."
}
s "and so did every other screen" 'filled 2 "RL-DEMO-02" && filled 3 "^ *HOLDS  [0-9]* active" &&
	filled 4 "BOOKINGS  $N from $TODAY" && filled 5 "AUDIT LOG  [0-9]* entr" && filled 6 "BOARD  .*by room" &&
	filled 7 "Vocal Booth" && filled 8 "JOBS  [0-9]* queued" && filled 9 "PAYMENTS  [0-9]" &&
	filled 0 "NOTIFICATIONS  [0-9]* pending"'

# the board's next week, with the booking table locked
key $sess 6
wait_for $sess "by room"
key $sess w
s "w shows this week's board from what it has" 'wait_for $sess "week of" && ! pane_text $sess | grep -qF "(loading...)"'
lock_sql "BEGIN; LOCK TABLE booking IN ACCESS EXCLUSIVE MODE; SELECT 'board';"
locked board
key $sess ">"
s "> shows the next week at once, loading" 'wait_match $sess "BOARD  week of $NEXT_MONDAY.*(loading\.\.\.)" >/dev/null &&
	eventually "[ \$(lock_waits) -ge 1 ]"'
lock_sql "COMMIT;"
s "once the lock goes the next week is in" 'wait_gone $sess "(loading...)" &&
	wait_match $sess "BOARD  week of $NEXT_MONDAY" >/dev/null'

# the day screen's r, a booking for today added under the lock
key $sess 1
wait_match $sess "(today)  [0-9]* booking" >/dev/null
D=$(pane_text $sess | sed -n 's/.*(today)  \([0-9]*\) booking.*/\1/p' | head -n 1)
lock_sql "BEGIN; LOCK TABLE booking IN ACCESS EXCLUSIVE MODE;
INSERT INTO booking (code, user_id, room_id, status, start_at, end_at, blocked, approved_at)
SELECT 'RL-LATE-001', '00000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-0000000000a3',
       'confirmed', t, t + interval '10 min', tstzrange(t, t + interval '10 min', '[)'), now()
  FROM (SELECT (date_trunc('day', now() AT TIME ZONE 'America/Toronto') + interval '23 hours 45 min')
               AT TIME ZONE 'America/Toronto' AS t) s;
SELECT 'day';"
locked day
key $sess r
s "r on the day answers at once: it is refreshing" 'wait_for $sess "(today)  $D booking" &&
	wait_for $sess "(refreshing...)" && eventually "[ \$(lock_waits) -ge 1 ]"'
key $sess 4
s "4 switches to the list while the day's read waits" 'wait_for $sess "BOOKINGS  $N from $TODAY"'
key $sess 1
lock_sql "COMMIT;"
s "once the lock goes the day has the new booking" 'wait_gone $sess "(refreshing...)" &&
	wait_for $sess "(today)  $((D + 1)) booking" && wait_for $sess "refreshed: "'

# the bookings list's filter, with the booking table locked
key $sess 4
wait_for $sess "BOOKINGS  $((N + 1)) from $TODAY"
lock_sql "BEGIN; LOCK TABLE booking IN ACCESS EXCLUSIVE MODE; SELECT 'list';"
locked list
list_filter $sess 1 "No Such Room"
s "a room that is not one is refused under its field at once" 'wait_for $sess "Search" &&
	box_lines $sess | grep -q "unknown room .No Such Room."'
key $sess Escape
wait_gone $sess "Search"
list_filter $sess 5 RL-LOAD-00
s "a filter that resolves closes the form at once, the rows loading" 'wait_gone $sess "Search" &&
	wait_for $sess "BOOKINGS  0 from $TODAY, \"RL-LOAD-00\"  (refreshing...)" && wait_for $sess "loading..." &&
	eventually "[ \$(lock_waits) -ge 1 ]"'
key $sess 2
s "2 switches to the queue while the rows wait" 'wait_for $sess "APPROVAL QUEUE"'
key $sess 4
lock_sql "COMMIT;"
s "once the lock goes the filter's ten rows are in" 'wait_for $sess "BOOKINGS  10 from $TODAY, \"RL-LOAD-00\"" &&
	! pane_text $sess | grep -qF "refreshing" && wait_match $sess "^ >.*RL-LOAD-000" >/dev/null'

# the booking screen, opened while the booking table is locked
lock_sql "BEGIN; LOCK TABLE booking IN ACCESS EXCLUSIVE MODE; SELECT 'booking';"
locked booking
key $sess Enter
s "Enter opens the booking screen at once, loading" 'wait_match $sess "^ *BOOKING *$" >/dev/null && wait_for $sess "loading..." &&
	eventually "[ \$(lock_waits) -ge 1 ]"'
lock_sql "COMMIT;"
s "once the lock goes it shows the booking in full" 'wait_gone $sess "loading..." &&
	wait_match $sess "RL-LOAD-000 *confirmed" >/dev/null'
key $sess Escape
wait_for $sess "BOOKINGS  10"

# the audit log's filter, with the audit log locked: ten entries about
# bookings among others
sql "INSERT INTO audit_log (actor_user_id, action, entity, entity_id, reason, diff_json)
SELECT '00000000-0000-4000-8000-000000000001', 'approve', 'booking', id::text, NULL, '{}'
  FROM booking WHERE code LIKE 'RL-LOAD-00%';
INSERT INTO audit_log (actor_user_id, action, entity, entity_id, reason, diff_json)
VALUES ('00000000-0000-4000-8000-000000000001', 'settings_set', 'settings', '1', NULL, '{}')" >/dev/null
key $sess 5
wait_match $sess "AUDIT LOG  [0-9]* entr" >/dev/null
lock_sql "BEGIN; LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE; SELECT 'audit';"
locked audit
# the fields: 0 Entity, 1 Actor, 2 Since
filter_form $sess "Filter the audit log" 2 "2026-13-45"
s "a start that is not a day is refused under its field at once" 'wait_for $sess "Filter the audit log" &&
	box_lines $sess | grep -q "2026-13-45 is not a date"'
key $sess Escape
wait_gone $sess "Filter the audit log"
filter_form $sess "Filter the audit log" 0 booking
s "a filter closes the form at once, the rows loading" 'wait_gone $sess "Filter the audit log" &&
	wait_for $sess "AUDIT LOG  0 entries, newest first (America/Toronto), booking" && wait_for $sess "loading..." &&
	eventually "[ \$(lock_waits) -ge 1 ]"'
key $sess 2
s "2 switches to the queue while the rows wait" 'wait_for $sess "APPROVAL QUEUE"'
key $sess 5
lock_sql "COMMIT;"
s "once the lock goes the filter's ten rows are in" 'wait_for $sess "AUDIT LOG  10 entries, newest first (America/Toronto), booking" &&
	! pane_text $sess | grep -qF "loading..." && ! pane_text $sess | grep -qF "settings_set"'

key $sess q
wait_dead $sess
s "q quits with status 0" '[ "$(dead_status $sess)" = 0 ]'

tui_done
