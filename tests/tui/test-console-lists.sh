#!/bin/sh
# test-console-lists.sh: the console's bookings list (screen 4) with 300
# bookings to come, driven through tmux: the list draws only the rows on
# screen, so the right ones must show as the cursor moves by line, by page
# and to either end, in the order `redlight bookings` lists them; and a
# key is drawn in one write(2) to the terminal (the console run under
# strace, its writes to the terminal timed against the key). Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux -- "$@"
tui_need_strace

# 300 sessions in Studio B, hourly (book_hourly)
book_hourly LIST 300

# the list as the bookings command gives it, from today: codes, in order
TODAY=$(sql "SELECT (now() AT TIME ZONE 'America/Toronto')::date")
run bookings --from "$TODAY" --to 2100-01-01
CODES=$(printf '%s\n' "$out" | grep -o 'RL-[A-Z]*-[0-9]*')
N=$(printf '%s\n' "$CODES" | wc -l)
# code_at I: the I-th code (from 0)
code_at() {
	printf '%s\n' "$CODES" | sed -n "$(($1 + 1))p"
}
# top_code SESSION: the code on the first row shown
top_code() {
	pane_text "$1" | grep '^ [ >] .*RL-[A-Z]*-[0-9]' | head -n 1 | grep -o 'RL-[A-Z]*-[0-9]*'
}
# cursor_is SESSION I: wait until the cursor is on the I-th code
cursor_is() {
	want=$(code_at "$2")
	i=0
	while [ "$(cursor_code "$1")" != "$want" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cursor_code "$1")" = "$want" ]
}

t "redlight bookings lists the 300 and the demo's" '[ "$N" -gt 300 ]'

sess=lists
# the console under strace: each of its writes to the terminal, timed
CONSOLE_WRAP="strace -f -y -ttt -e trace=write -o '$tmpd/trace' "
console_in $sess admin@redlight.test
key $sess 4
s "4 shows every booking to come, the first under the cursor" 'wait_for $sess "BOOKINGS  $N from $TODAY" &&
	cursor_is $sess 0 && [ "$(top_code $sess)" = "$(code_at 0)" ]'
ROWS=$(pane_text $sess | grep -c '^ [ >] .*RL-[A-Z]*-[0-9]')
s "the list shows what fits and says how many more are below" '[ "$ROWS" -gt 10 ] &&
	pane_text $sess | grep -q "$((N - ROWS)) more below"'

# a page is the rows shown less one: the last row shown becomes the first
key $sess j
s "j moves the cursor down one row" 'cursor_is $sess 1 && [ "$(top_code $sess)" = "$(code_at 0)" ]'
key $sess NPage
s "PgDn moves it a page down, the list still from its first row" 'cursor_is $sess $((1 + ROWS - 1)) &&
	[ "$(top_code $sess)" = "$(code_at 1)" ]'
key $sess NPage
s "PgDn again scrolls: the cursor on the last row shown" 'cursor_is $sess $((1 + 2 * (ROWS - 1))) &&
	[ "$(top_code $sess)" = "$(code_at $((1 + 2 * (ROWS - 1) - ROWS + 1)))" ]'
key $sess PPage
s "PgUp moves it a page up, the rows shown stay" 'cursor_is $sess $((1 + ROWS - 1)) &&
	[ "$(top_code $sess)" = "$(code_at $((1 + 2 * (ROWS - 1) - ROWS + 1)))" ]'
key $sess k
s "k moves it up one row" 'cursor_is $sess $((ROWS - 1))'
key $sess G
s "G goes to the last booking, the last page shown" 'cursor_is $sess $((N - 1)) &&
	[ "$(top_code $sess)" = "$(code_at $((N - ROWS)))" ] && ! pane_text $sess | grep -q "more below"'
key $sess g
s "g goes back to the first" 'cursor_is $sess 0 && [ "$(top_code $sess)" = "$(code_at 0)" ]'

# one key, one write: quiet first, then j, timed by the same clock as strace
sleep 0.5
before=$(date +%s.%N)
key $sess j
cursor_is $sess 1
sleep 0.5
after=$(date +%s.%N)
key $sess q
wait_dead $sess
WRITES=$(awk -v a="$before" -v b="$after" '$2 + 0 >= a + 0 && $2 + 0 < b + 0 && $3 ~ /^write\([0-9]+<\/dev\/(pts\/|tty)/' \
	"$tmpd/trace" | wc -l)
s "a key reaches the terminal in one write" '[ "$WRITES" -eq 1 ] || { grep -c "" "$tmpd/trace" | diag; false; }'
s "q quits with status 0 and nothing on stderr" '[ "$(dead_status $sess)" = 0 ] && [ -z "$(stderr_of $sess | grep -v "^+++\|^---")" ]'

tui_done
