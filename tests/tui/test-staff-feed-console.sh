#!/bin/sh
# test-staff-feed-console.sh: the setup screen's Staff section shows a
# staff member's calendar feed URL, in its webcal:// and https:// forms,
# with i, and Enter there rotates it through rotate-ics-token's run step:
# a new token stored and shown, the old one gone, an audit row naming the
# admin. A staff member sees their own URL with i, and cannot rotate it.
# Driven through tmux. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux -- "$@"

# form_text SESSION: what the form's box holds, its borders, blanks and
# line breaks gone, so a URL wrapped over three lines reads whole
form_text() {
	box_lines "$1" | tr -d ' \n'
}
# urls_shown SESSION TOKEN: both forms of the demo's URL for $id with TOKEN
urls_shown() {
	form_text "$1" | grep -qF "webcal://127.0.0.1:8080/api/calendar/ics/staff/$id.ics?token=$2" &&
		form_text "$1" | grep -qF "http://127.0.0.1:8080/api/calendar/ics/staff/$id.ics?token=$2"
}

sess=feed
console_setup $sess admin@redlight.test
key $sess l l
s "the Staff section lists the staff and offers i for the feed" \
	'wait_for $sess "Eli Engineer" && pane_text $sess | tail -1 | grep -q "i feed"'
key $sess i
s "i opens the calendar feed of the staff member under the cursor" 'wait_for $sess "Calendar feed of "'
name=$(pane_text $sess | sed -n 's/.*Calendar feed of \([A-Za-z ]*[a-z]\) ─.*/\1/p' | head -n 1)
id=$(sql "SELECT id FROM staff WHERE display_name = '$name'")
old=$(sql "SELECT ics_token FROM staff WHERE id = '$id'")
s "it shows their feed URL as webcal:// and as http:// ($name)" '[ -n "$id" ] && urls_shown $sess "$old"'
key $sess Enter
s "Enter makes a new token and says the old URL no longer works" \
	'wait_for $sess "the old one no longer works" && [ "$(sql "SELECT ics_token FROM staff WHERE id = '"'$id'"'")" != "$old" ]'
new=$(sql "SELECT ics_token FROM staff WHERE id = '$id'")
s "the form shows the new URL in both forms" 'urls_shown $sess "$new" && ! form_text $sess | grep -qF "$old"'
s "the rotation is audited as the admin's" '[ "$(sql "SELECT count(*) FROM audit_log a JOIN app_user u
	ON u.id = a.actor_user_id WHERE a.action = '"'ics_token_rotate'"' AND a.entity_id = '"'$id'"'
	AND u.email = '"'admin@redlight.test'"'")" = 1 ]'
key $sess Escape
s "Esc closes it, back on the staff list" 'wait_gone $sess "Calendar feed of" && wait_for $sess "Eli Engineer"'
key $sess l
key $sess i
s "i elsewhere says where the feed is" 'wait_for $sess "under Staff"'
key $sess q

sess=own
console_setup $sess engineer@redlight.test
id=$(sql "SELECT s.id FROM staff s JOIN app_user u ON u.id = s.user_id WHERE u.email = 'engineer@redlight.test'")
tok=$(sql "SELECT ics_token FROM staff WHERE id = '$id'")
key $sess i
s "a staff member's i shows their own feed URL, in both forms" \
	'wait_for $sess "Calendar feed of Eli Engineer" && urls_shown $sess "$tok" &&
	pane_text $sess | grep -q "an admin can give you a new one"'
key $sess Enter
s "and Enter closes it without a new token" \
	'wait_gone $sess "Calendar feed of" && [ "$(sql "SELECT ics_token FROM staff WHERE id = '"'$id'"'")" = "$tok" ]'
key $sess q
tui_done
