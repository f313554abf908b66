#!/bin/sh
# test-console-kept.sh: the console's main screens are kept, driven
# through tmux with 60 bookings to come: a screen switched away from and
# back keeps its place; switching screens reads nothing from the
# database (the console under strace, its sends to the server counted
# while keys switch screens); a change made with the CLI while the
# bookings list is not shown is there when it is shown, with no key to
# reload it; the board's day/week toggle draws the week it has loaded,
# reading nothing. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux -- "$@"
tui_need_strace

# 60 sessions in Studio B, hourly (book_hourly)
book_hourly KEPT 60
TODAY=$(sql "SELECT (now() AT TIME ZONE 'America/Toronto')::date")
N=$(sql "SELECT count(*) FROM booking WHERE end_at > (SELECT (now() AT TIME ZONE 'America/Toronto')::date
	AT TIME ZONE 'America/Toronto')")

# sends SINCE: the console's sends to the database after SINCE (strace's
# clock, seconds); the terminal is written, never sent to
sends() {
	awk -v a="$1" '$2 + 0 >= a + 0 && $3 ~ /^sendto\(/' "$tmpd/trace" | wc -l
}

sess=kept
CONSOLE_WRAP="strace -f -y -ttt -e trace=sendto -o '$tmpd/trace' "
console_in $sess admin@redlight.test
key $sess 4
s "4 shows the bookings to come, RL-DEMO-02 awaiting approval" 'wait_for $sess "BOOKINGS  $N from $TODAY" &&
	wait_match $sess "RL-DEMO-02 *awaiting_approval" >/dev/null'
FIRST=$(cursor_code $sess)
key $sess j
key $sess j
key $sess j
wait_match $sess '^ >.*RL-KEPT-' >/dev/null
AT=$(cursor_code $sess)
s "j moves the cursor" '[ -n "$AT" ] && [ "$AT" != "$FIRST" ]'
key $sess 6
wait_for $sess "BOARD"
key $sess 4
s "back on the list, the cursor is where it was" 'wait_for $sess "BOOKINGS  $N" && [ "$(cursor_code $sess)" = "$AT" ]'

# the other screens have loaded in the background by now; switching reads
# nothing
sleep 2
since=$(date +%s.%N)
for k in 1 4 6 2 4 3 5 4; do
	key $sess $k
	sleep 0.2
done
s "switching screens back and forth reads nothing from the database" 'wait_for $sess "BOOKINGS  $N" &&
	[ "$(sends 0)" -gt 0 ] && [ "$(sends "$since")" -eq 0 ]'

# a change with the CLI while the board is shown: the kept list has it
REDLIGHT_PASSWORD=redlight-demo
export REDLIGHT_PASSWORD
key $sess 6
wait_for $sess "BOARD"
run reject RL-DEMO-02 --message "the room is double booked" --as admin@redlight.test
s "the CLI rejects RL-DEMO-02" '[ "$rc" -eq 0 ] || { echo "$err" | diag; false; }'
sleep 1
key $sess 4
s "the list, not shown then, shows it rejected with no key to reload it" \
	'wait_match $sess "RL-DEMO-02 *rejected" >/dev/null && [ "$(cursor_code $sess)" = "$AT" ]'

# the board's day/week toggle draws the week it has loaded
key $sess 6
wait_for $sess "BOARD"
sleep 1
since=$(date +%s.%N)
key $sess w
s "w shows the week of the day shown" 'wait_for $sess "week of"'
key $sess w
s "w again shows the day" 'wait_gone $sess "week of" && wait_for $sess "by room"'
s "the toggle reads nothing from the database" '[ "$(sends "$since")" -eq 0 ]'
key $sess q
wait_dead $sess
s "q quits with status 0" '[ "$(dead_status $sess)" = 0 ]'

tui_done
