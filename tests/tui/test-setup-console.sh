#!/bin/sh
# test-setup-console.sh: the console's setup screen (7) driven through
# tmux. As an admin: a room with a bad capacity refused at its field and
# nothing written, then added (listed, stored, audited); a negative price
# and an overlapping weekly rule refused at their fields; a setting
# refused, then changed; a staff member with a booking to come not
# deactivated, the message naming the booking; an exception added and
# deleted; a staff member added with a password that works; the biggest
# form at 80x24. As a staff member: their own hours added and listed, the
# rooms with the database refusing their changes. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux -- "$@"

# a weekday a few days ahead: the exception goes there
demo_day

# counts: what the setup commands write, one line: a refusal leaves it as it was.
counts() {
	sql "SELECT concat_ws('/', (SELECT count(*) FROM room), (SELECT count(*) FROM service),
	     (SELECT count(*) FROM schedule_rule), (SELECT count(*) FROM exception),
	     (SELECT md5(s::text) FROM settings s), (SELECT md5(string_agg(f::text, '' ORDER BY f.id)) FROM staff f),
	     (SELECT count(*) FROM audit_log))"
}

# under SESSION LABEL TEXT: the form's line right under the field LABEL
# holds TEXT (the error is shown next to the field it is about).
under() {
	pane_text "$1" | grep -A1 -- "│ $2  " | tail -n 1 | grep -qF -- "$3"
}

audit_by() {
	sql "SELECT count(*) FROM audit_log a JOIN app_user u ON u.id = a.actor_user_id
	     WHERE a.action = '$1' AND u.email = '$2'"
}

sess=setup
console_in $sess admin@redlight.test

key $sess 7
s "7 shows the setup screen: its sections, the rooms, and the keys that work here" \
	'wait_for $sess "SETUP" && wait_match $sess " Rooms  Services  Staff  Hours  Exceptions  Buffers  Settings" &&
	wait_match $sess "^ > Studio A  *8  *yes" && pane_text $sess | grep -q "7 Setup" &&
	pane_text $sess | tail -1 | grep -q "a add  Enter edit  h/l section"'

# --- rooms -------------------------------------------------------------------

before=$(counts)
key $sess a
s "a opens the form to add a room" 'wait_for $sess "Add a room" && wait_for $sess "people"'
type_text $sess "Studio C"
key $sess Tab
type_text $sess "-3"
key $sess Tab
type_text $sess "mixing,live"
key $sess Enter
s "a negative capacity is refused under the Capacity field" \
	'wait_for $sess "Capacity: -3 is negative; it must be 1 or more" &&
	under $sess Capacity "Capacity: -3 is negative"'
s "and nothing was written" '[ "$(counts)" = "$before" ] &&
	[ "$(sql "SELECT count(*) FROM room WHERE name = '"'Studio C'"'")" = 0 ]'
# the focus went to the field at fault
key $sess C-u
type_text $sess "6"
key $sess Enter
s "fixed, the room is added: in the database with its values" \
	'wait_sql "SELECT capacity || '"'/'"' || (SELECT string_agg(t, '"','"' ORDER BY t) FROM unnest(tags) t) || '"'/'"' || active FROM room WHERE name = '"'Studio C'"'" "6/live,mixing/true"'
s "with an audit row naming the admin" '[ "$(audit_by room_add admin@redlight.test)" = 1 ]'
s "the list shows it under the cursor and the message line says so" \
	'wait_match $sess "^ > Studio C  *6  *yes  *live,mixing" && pane_text $sess | grep -q "added room Studio C"'

# --- services ----------------------------------------------------------------

key $sess l
s "l goes on to the services" 'wait_match $sess "Recording session  *60  *\$90.00  *tracking"'
before=$(counts)
key $sess a
wait_for $sess "Add a service"
type_text $sess "Podcast"
key $sess Tab
type_text $sess "60"
key $sess Tab
type_text $sess "-500"
key $sess Enter
s "a negative price is refused under the Price field, nothing written" \
	'wait_for $sess "Price: -500 is negative; it must be 0 or more" && under $sess Price "Price: -500 is negative" &&
	[ "$(counts)" = "$before" ]'
key $sess Escape
wait_gone $sess "Add a service"

# --- staff: deactivating someone with a booking to come ----------------------------

key $sess l
s "l goes on to the staff" 'wait_match $sess "^ > Eli Engineer  *engineer@redlight.test  *\$60.00"'
key $sess j
wait_match $sess "^ > Priya Producer"
before=$(counts)
key $sess Enter
s "Enter edits the staff member, filled in" 'wait_for $sess "Edit staff member Priya Producer" &&
	wait_for $sess "mixing,mastering,production"'
key $sess Up
key $sess C-u
type_text $sess "no"
key $sess Enter
s "deactivating someone assigned to a booking to come is refused, naming the booking" \
	'wait_for $sess "Active: Priya Producer is still assigned to RL-DEMO-02" &&
	under $sess Active "RL-DEMO-02" && [ "$(counts)" = "$before" ] &&
	[ "$(sql "SELECT active FROM staff WHERE display_name = '"'Priya Producer'"'")" = t ]'
key $sess Escape
wait_gone $sess "Edit staff member"

key $sess a
s "a asks for a new staff member's email, name, skills, rate and password" \
	'wait_for $sess "Add a staff member" && wait_for $sess "blank: cannot sign in yet"'
type_text $sess "nina@redlight.test"
key $sess Tab
type_text $sess "Nina Newhire"
key $sess Tab
type_text $sess "mixing"
key $sess Tab
type_text $sess "4000"
key $sess Tab
type_text $sess "s3cret-pass"
s "the password shows as stars" 'wait_match $sess "│ Password  *\*\{11\}  " && ! pane_text $sess | grep -q "s3cret"'
key $sess Enter
s "the staff member is added with their account, and listed" \
	'wait_sql "SELECT s.hourly_rate_cents || '"'/'"' || array_to_string(s.skills, '"','"') || '"'/'"' || u.role FROM staff s JOIN app_user u ON u.id = s.user_id WHERE u.email = '"'nina@redlight.test'"'" "4000/mixing/staff" &&
	[ "$(audit_by staff_add admin@redlight.test)" = 1 ] &&
	wait_match $sess "^ > Nina Newhire  *nina@redlight.test  *\$40.00  *yes  *mixing"'
REDLIGHT_PASSWORD=s3cret-pass "$REDLIGHT" rule-add --staff SELF --days sun --from 10:00 --to 11:00 \
	--as nina@redlight.test >/dev/null 2>&1 </dev/null
s "and signs in with the password typed in the form" \
	'[ "$(audit_by rule_add nina@redlight.test)" = 1 ]'

# --- weekly hours ------------------------------------------------------------

key $sess l
s "l goes on to the weekly hours" 'wait_for $sess "8 weekly rules, studio time (America/Toronto)" &&
	wait_match $sess "studio  *mon,tue,wed,thu,fri,sat,sun  *09:00-23:00  *always" &&
	pane_text $sess | tail -1 | grep -q "a add  d delete  h/l section"'
before=$(counts)
key $sess a
s "a asks for whom (the studio unless told), the days and the hours" 'wait_for $sess "Add a weekly rule" &&
	wait_match $sess "│ For  *studio  " && wait_for $sess "mon,tue,... weekdays, weekends, daily"'
key $sess C-u
type_text $sess "room Studio B"
key $sess Tab
type_text $sess "mon,tue"
key $sess Tab
type_text $sess "10:00"
key $sess Tab
type_text $sess "12:00"
key $sess Enter
s "a rule overlapping another is refused under the Days field, nothing written" \
	'wait_for $sess "Days: overlaps rule" && under $sess Days "overlaps rule" && [ "$(counts)" = "$before" ]'
# the focus is on Days, the field at fault; For is above it
key $sess Up
key $sess C-u
type_text $sess "room Studio Z"
key $sess Enter
s "an unknown room is refused under the For field" 'wait_for $sess "For: room: no room is called" &&
	under $sess For "no room is called" && [ "$(counts)" = "$before" ]'
key $sess Escape
wait_gone $sess "Add a weekly rule"

# --- exceptions --------------------------------------------------------------

key $sess l
s "l goes on to the exceptions" 'wait_for $sess "Closed for Christmas"'
key $sess a
wait_for $sess "Add an exception"
key $sess Tab
type_text $sess "$DAY 10:00"
key $sess Tab
type_text $sess "$DAY 12:00"
key $sess Tab
type_text $sess "Console blackout"
key $sess Enter
s "an exception is added: stored, audited, listed" \
	'wait_sql "SELECT count(*) FROM exception WHERE reason = '"'Console blackout'"' AND target_type = '"'studio'"'" 1 &&
	[ "$(audit_by exception_add admin@redlight.test)" = 1 ] && wait_for $sess "Console blackout" &&
	wait_for $sess "$DAY 10:00"'
EXC=$(sql "SELECT left(id::text, 8) FROM exception WHERE reason = 'Console blackout'")
# its row: the exceptions are listed by start
n=$(sql "SELECT count(*) FROM exception WHERE end_at > now() AND start_at < (SELECT start_at FROM exception WHERE reason = 'Console blackout')")
key $sess g
while [ "$n" -gt 0 ]; do key $sess j; n=$((n - 1)); done
s "the cursor is on it" 'wait_match $sess "^ > studio .*Console blackout"'
key $sess d
s "d asks before deleting it" 'wait_for $sess "Delete exception $EXC?"'
key $sess y
s "y deletes it: gone from the database and the list, audited" \
	'wait_sql "SELECT count(*) FROM exception WHERE reason = '"'Console blackout'"'" 0 &&
	wait_gone $sess "Console blackout" && [ "$(audit_by exception_del admin@redlight.test)" = 1 ] &&
	wait_for $sess "deleted exception $EXC"'

# --- settings ----------------------------------------------------------------

key $sess l l
s "the settings, one a row" 'wait_match $sess "^ > studio_name " && wait_match $sess "lead_time_min  *120" &&
	wait_match $sess "cancellation_tiers  *48:100,24:50,0:0"'
key $sess j j
wait_match $sess "^ > lead_time_min"
before=$(counts)
key $sess Enter
s "Enter edits that one setting, with its format" 'wait_for $sess "Setting lead_time_min" &&
	wait_match $sess "Lead time  *120" && wait_for $sess "Format: minutes, 0 or more."'
key $sess C-u
type_text $sess "-5"
key $sess Enter
s "a negative lead time is refused under its field, nothing written" \
	'wait_for $sess "Lead time: -5 is negative; it must be 0 or more" && under $sess "Lead time" "-5 is negative" &&
	[ "$(counts)" = "$before" ]'
key $sess C-u
type_text $sess "90"
key $sess Enter
s "90 is stored and audited, and the list shows it" \
	'wait_sql "SELECT lead_time_min FROM settings" 90 && [ "$(audit_by settings_set admin@redlight.test)" = 1 ] &&
	wait_match $sess "lead_time_min  *90" && pane_text $sess | grep -q "lead_time_min = 90 (was 120)"'
# the studio's address and policies URL (0018), just above currency
key $sess G
key $sess k
s "the policies URL is a setting of its own" 'wait_match $sess "^ > policies_url"'
key $sess Enter
s "Enter edits it, with its format" 'wait_for $sess "Setting policies_url" && wait_for $sess "Format: https://... or empty."'
key $sess C-u
type_text $sess "javascript:alert(1)"
key $sess Enter
s "a URL that is no http(s) one is refused under its field" \
	'wait_for $sess "is not an http:// or https:// URL" && under $sess "Policies URL" "is not an http"'
key $sess C-u
type_text $sess "https://studio.example/policies"
key $sess Enter
s "an https URL is stored and shown" 'wait_sql "SELECT policies_url FROM settings" "https://studio.example/policies" &&
	wait_match $sess "policies_url  *https://studio.exampl"'
key $sess k
key $sess Enter
key $sess C-u
type_text $sess "12 Queen St W, Toronto"
key $sess Enter
s "the address is set from its form" 'wait_sql "SELECT address FROM settings" "12 Queen St W, Toronto"'
key $sess G
key $sess k
# balance_charge_hours (0017) after reject_action, then address and
# policies_url
for i in 1 2 3 4 5 6 7 8 9; do key $sess k; done
s "the cursor goes up to the refund tiers" 'wait_match $sess "^ > cancellation_tiers"'
key $sess Enter
s "the refund tiers are edited written short, the format shown" \
	'wait_for $sess "Setting cancellation_tiers" && wait_match $sess "Refund tiers  *48:100,24:50,0:0" &&
	wait_for $sess "Format: hours:percent,... 48:100,24:50,0:0."'
key $sess C-u
type_text $sess "72:100,0:10"
key $sess Enter
s "tiers written short are stored as the policy's JSON" \
	'wait_sql "SELECT cancellation_tiers::text FROM settings" "[{\"refund_percent\": 100, \"min_hours_before\": 72}, {\"refund_percent\": 10, \"min_hours_before\": 0}]" &&
	wait_match $sess "cancellation_tiers  *72:100,0:10"'

# --- 80x24 -------------------------------------------------------------------

key $sess h h h h h
tmx resize-window -t $sess -x 80 -y 24
s "at 80x24 the setup screen fits: sections, the services, the keys" 'wait_match $sess " Rooms  Services " &&
	[ "$(pane_text $sess | wc -l)" = 24 ] && wait_match $sess "^ > Mixing  *120  *\$150.00" &&
	pane_text $sess | tail -1 | grep -q "a add  Enter edit  h/l section"'
key $sess Enter
wait_for $sess "Edit service Mixing"
key $sess Tab
key $sess C-u
type_text $sess "50"
key $sess Enter
s "at 80x24 the biggest form fits with its error: every field and the box's bottom" \
	'wait_for $sess "Duration: 50 minutes is not a multiple of 15" && under $sess Duration "not a multiple of 15" &&
	for f in Name Duration Price Engineer Skill "Room tags" Add-on Description Active; do
		pane_text $sess | grep -q "│ $f  " || exit 1; done &&
	pane_text $sess | grep -q "└" && pane_text $sess | tail -1 | grep -q "Enter do it"'
key $sess Escape
tmx resize-window -t $sess -x 100 -y 30
s "and back at 100x30 it is all redrawn" 'wait_gone $sess "Edit service" && [ "$(pane_text $sess | wc -l)" = 30 ] &&
	wait_match $sess "^ > Mixing"'

key $sess q
s "q quits with status 0 and nothing on stderr" 'wait_dead $sess && [ "$(dead_status $sess)" = 0 ] &&
	[ -z "$(stderr_of $sess)" ]'

# --- a staff member ----------------------------------------------------------

sess=eli
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess engineer@redlight.test redlight-demo
wait_for $sess "Vocal Booth"
key $sess 7
s "a staff member starts on their own hours, only theirs" 'wait_for $sess "your 1 weekly rule, studio time" &&
	wait_match $sess "^ > staff Eli Engineer  *mon,tue,wed,thu,fri  *10:00-19:00" && ! pane_text $sess | grep -q "Priya"'
before=$(sql "SELECT count(*) FROM schedule_rule")
key $sess a
s "a opens the form for their own hours, without asking for whom" 'wait_for $sess "Add a weekly rule" &&
	wait_for $sess "Your own working hours" && ! pane_text $sess | grep -q "│ For  "'
type_text $sess "sat"
key $sess Tab
type_text $sess "10:00"
key $sess Tab
type_text $sess "14:00"
key $sess Enter
s "their hours are added as theirs, audited as theirs, and listed" \
	'wait_sql "SELECT count(*) FROM schedule_rule r JOIN staff s ON s.id = r.target_id WHERE s.display_name = '"'Eli Engineer'"' AND r.byweekday = '"'{6}'"' AND r.start_time = '"'10:00'"'" 1 &&
	[ "$(audit_by rule_add engineer@redlight.test)" = 1 ] && wait_match $sess "staff Eli Engineer  *sat  *10:00-14:00" &&
	wait_for $sess "your 2 weekly rules"'
key $sess h
s "the staff list is for an admin" 'wait_for $sess "The staff list is for an admin." && ! pane_text $sess | grep -q "Priya"'
key $sess h h
s "the rooms are shown with the keys every user has: the database decides" \
	'wait_match $sess "^ > Studio A" && ! pane_text $sess | grep -q "Read-only" &&
	pane_text $sess | tail -1 | grep -q "^ a add  Enter edit  h/l section"'
before=$(counts)
key $sess a
s "a on the rooms opens the form, as for anyone" 'wait_for $sess "Add a room"'
type_text $sess "Studio Z"
key $sess Enter
s "its Enter runs room-add, and the database's refusal shows in the form; nothing is written" \
	'wait_for $sess "only an admin may" && wait_for $sess "Add a room" && [ "$(counts)" = "$before" ] &&
	[ "$(sql "SELECT count(*) FROM room WHERE name = '"'Studio Z'"'")" = 0 ]'
key $sess Escape
wait_gone $sess "Add a room"
key $sess q
s "q quits with status 0 and nothing on stderr" 'wait_dead $sess && [ "$(dead_status $sess)" = 0 ] &&
	[ -z "$(stderr_of $sess)" ]'

tui_done
