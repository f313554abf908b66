#!/bin/sh
# test-console.sh: the ncurses console, driven through tmux like a person
# at a terminal: sign-in, the main screen, keys, help, resizing, quitting
# and its exit status. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux -- "$@"
# a second booking today so the cursor has somewhere to go
sql "INSERT INTO booking (code, room_id, status, start_at, end_at, blocked, source)
     SELECT 'TST-EVE', id, 'awaiting_approval', (t + time '18:00') AT TIME ZONE 'America/Toronto',
            (t + time '19:00') AT TIME ZONE 'America/Toronto',
            tstzrange((t + time '18:00') AT TIME ZONE 'America/Toronto', (t + time '19:00') AT TIME ZONE 'America/Toronto', '[)'),
            'admin'
       FROM room, (SELECT (now() AT TIME ZONE 'America/Toronto')::date AS t) d
      WHERE name = 'Studio B'" >/dev/null

# --- one session from sign-in to quit ---------------------------------------

sess=main
console $sess
s "the console opens on the sign-in form" 'wait_for $sess "Sign in to the redlight console"'

sign_in $sess admin@redlight.test not-the-password
s "a wrong password says so and lets them retry" 'wait_for $sess "wrong email or password (2 tries left)"'
s "the password is never echoed" '! pane_text $sess | grep -q "not-the-password"'

key $sess Tab
sign_in $sess artist@redlight.test redlight-demo
s "an artist is refused" 'wait_for $sess "this console is for studio staff"'

sign_in $sess admin@redlight.test redlight-demo
s "an admin signs in and sees the rooms" 'wait_for $sess "Vocal Booth" && wait_for $sess "Studio A" &&
	wait_for $sess "Studio B"'
s "the title bar names the studio, its zone and the user" \
	'pane_text $sess | head -1 | grep -q "Redlight Demo Studios (America/Toronto).*Dana Admin"'
s "today's bookings show at studio-local times" 'pane_text $sess | grep -q "14:00-16:00  *confirmed .*RL-DEMO-01" &&
	pane_text $sess | grep -q "18:00-19:00  *awaiting_approval .*TST-EVE"'
s "tomorrow's booking is not on today's list" '! pane_text $sess | grep -q RL-DEMO-02'
s "the bottom line shows the keys that work here" 'pane_text $sess | tail -1 | grep -q "q quit  r refresh  ? help"'

s "the cursor starts on the first booking" 'pane_text $sess | grep -q "^ > 14:00-16:00"'
key $sess j
s "j moves the cursor down" 'wait_for $sess " > 18:00-19:00"'
key $sess Up
s "the Up arrow moves it back up" 'wait_for $sess " > 14:00-16:00"'

key $sess '?'
s "? shows every key in a help overlay" 'wait_for $sess "quit the console" &&
	wait_for $sess "reload this screen from the database" && wait_for $sess "move the cursor down"'
key $sess x
s "any key closes the help" 'wait_gone $sess "quit the console"'

sql "UPDATE room SET name = 'Studio C' WHERE name = 'Studio B'" >/dev/null
key $sess r
s "r reloads from the database" 'wait_for $sess "Studio C" && wait_for $sess "refreshed: 3 rooms, 2 bookings"'

tmx resize-window -t $sess -x 80 -y 24
s "after resizing to 80x24 the screen is redrawn to fit" 'wait_for $sess "Vocal Booth" &&
	[ "$(pane_text $sess | wc -l)" = 24 ] && pane_text $sess | tail -1 | grep -q "q quit  r refresh  ? help" &&
	pane_text $sess | grep -q "^ > 14:00-16:00"'
tmx resize-window -t $sess -x 30 -y 8
s "a screen too small says so instead of drawing" 'wait_for $sess "too small"'
tmx resize-window -t $sess -x 80 -y 24
s "growing again draws it all back" 'wait_for $sess "q quit  r refresh  ? help"'

key $sess q
s "q quits with exit status 0 and nothing on stderr" 'wait_dead $sess && [ "$(dead_status $sess)" = 0 ] &&
	[ -z "$(stderr_of $sess)" ]'

# --- three failed sign-ins end the console ------------------------------------

sess=tries
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess admin@redlight.test wrong-1
wait_for $sess "(2 tries left)"
key $sess C-u
type_text $sess wrong-2
key $sess Enter
wait_for $sess "(1 try left)"
key $sess C-u
type_text $sess wrong-3
key $sess Enter
s "the third failed sign-in ends the console, non-zero" 'wait_dead $sess && [ "$(dead_status $sess)" != 0 ] &&
	[ "$(dead_status $sess)" != "" ]'
s "and says why on stderr once the screen is restored" \
	'[ "$(stderr_of $sess)" = "redlight: wrong email or password; giving up after 3 tries" ]'

# --- staff may use it too ------------------------------------------------------

sess=staff
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess engineer@redlight.test redlight-demo
s "a staff member signs in" 'wait_for $sess "Eli Engineer <engineer@redlight.test> staff"'
s "their own sessions are starred and counted on the day" 'wait_match $sess "2 bookings, 1 yours (\*)" &&
	pane_text $sess | grep -q "^ >\*14:00-16:00  *confirmed .*RL-DEMO-01"'
key $sess 6
s "the board opens on their own row, by staff" 'wait_match $sess "BOARD  .*by staff" &&
	pane_text $sess | grep -q "^> Eli Engineer"'
key $sess q
s "and quits with status 0" 'wait_dead $sess && [ "$(dead_status $sess)" = 0 ]'

tui_done
