#!/bin/sh
# test-calendar-console.sh: the setup screen's Staff section connects a
# staff member's Google calendar with c: the window shows their
# connections, asks which calendar, and shows the consent URL
# (calendar-connect's run step: the right client_id, redirect_uri and a
# state whose hash is stored) and the redirect URI to register. Following
# that URL through the calendars stand-in's consent to redlightd's
# callback, redlightd's worker trades the code, and c again says
# "connected". Outlook, with no Microsoft credentials, says which keys are
# missing, under the field, and nothing is stored. On the booking screen,
# R runs a session's failed calendar job again (Google refused the event
# once): the event is made and the flag goes. Real redlightd, the
# stand-in (tests/standins/calendars.py), tmux. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux -- "$@"

cport=$(free_port)
cbase=http://127.0.0.1:$cport
mport=$(free_port)
ctmp=$(mktemp -d "${TMPDIR:-/tmp}/rl-tui-cal.XXXXXX")
: >"$ctmp/empty.conf"
pids=
tui_cleanup_hook() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$ctmp"
}
# Google's configuration only (Microsoft's keys left out on purpose), for
# redlightd and for the console (the tmux server passes its environment on)
GOOGLE_CLIENT_ID=gid.apps.googleusercontent.com GOOGLE_CLIENT_SECRET=gsecret
GOOGLE_AUTH_URL=$cbase/o/oauth2/v2/auth GOOGLE_TOKEN_URL=$cbase/token GOOGLE_API_BASE=$cbase
REDLIGHT_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
REDLIGHT_CALENDAR_REDIRECT_BASE=http://127.0.0.1:$mport
REDLIGHT_TEMPLATES_DIR=$top_srcdir/templates REDLIGHT_MAIL_DIR=$ctmp
export GOOGLE_CLIENT_ID GOOGLE_CLIENT_SECRET GOOGLE_AUTH_URL GOOGLE_TOKEN_URL GOOGLE_API_BASE \
	REDLIGHT_SECRET_KEY REDLIGHT_CALENDAR_REDIRECT_BASE REDLIGHT_TEMPLATES_DIR REDLIGHT_MAIL_DIR
unset MICROSOFT_CLIENT_ID MICROSOFT_CLIENT_SECRET MICROSOFT_LOGIN_BASE MICROSOFT_GRAPH_BASE
python3 "$top_srcdir/tests/standins/calendars.py" --listen "127.0.0.1:$cport" \
	--client "google:$GOOGLE_CLIENT_ID:$GOOGLE_CLIENT_SECRET" 2>"$ctmp/standin.log" &
pids="$pids $!"
(cd "$ctmp" && REDLIGHT_RATE_LIMIT_SCALE=0 exec "$top_builddir/redlightd" --config "$ctmp/empty.conf" \
	--listen "127.0.0.1:$mport") 2>"$ctmp/redlightd.log" &
pids="$pids $!"
i=0
until { curl -s -o /dev/null "$cbase/_standin/state" && grep -q "listening on" "$ctmp/redlightd.log"; } ||
	[ $i -gt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
t "the calendar stand-in and redlightd answer" \
	'curl -sf -o /dev/null "$cbase/_standin/state" && grep -q "listening on" "$ctmp/redlightd.log"'

# box_text SESSION: the window's lines, borders and trailing blanks gone,
# joined; box_joined SESSION: the same, the margin gone too, so a URL
# wrapped over several lines reads whole
box_text() {
	box_lines "$1" | sed 's/ *$//' | tr -d '\n'
}
box_joined() {
	box_lines "$1" | sed 's/^ //; s/ *$//' | tr -d '\n'
}

sess=cal
console_setup $sess admin@redlight.test
key $sess l l
s "the Staff section offers c for calendars" \
	'wait_for $sess "Eli Engineer" && pane_text $sess | tail -1 | grep -q "c calendar"'
key $sess c
s "c opens the calendars of the staff member under the cursor" 'wait_for $sess "Calendars of "'
name=$(pane_text $sess | sed -n 's/.*Calendars of \([A-Za-z ]*[a-z]\) ─.*/\1/p' | head -n 1)
id=$(sql "SELECT id FROM staff WHERE display_name = '$name'")
s "it says neither calendar is connected ($name)" \
	'[ -n "$id" ] && box_text $sess | grep -qF "Google: not connected. Outlook: not connected."'
type_text $sess yahoo
key $sess Enter
s "another calendar is refused under the field" 'wait_for $sess "google or outlook" &&
	box_text $sess | grep -q "Calendar:.*google or outlook"'
key $sess C-u
type_text $sess outlook
key $sess Enter
s "Outlook without Microsoft's keys says which keys are missing" \
	'wait_for $sess "microsoft_client_id and" && box_text $sess | grep -qF "microsoft_client_secret in redlight.conf"'
s "... and stores nothing" '[ "$(sql "SELECT count(*) FROM calendar_connection")" = 0 ]'
key $sess C-u
type_text $sess google
key $sess Enter
s "google shows the consent address to open" 'wait_for $sess "valid 15 minutes"'
box_joined $sess >"$ctmp/box"
python3 - "$ctmp/box" "$cbase" >"$ctmp/url" <<'PY'
import re, sys
m = re.search(r"(" + re.escape(sys.argv[2]) + r"/o/oauth2/v2/auth\?\S+?)It comes back", open(sys.argv[1]).read())
print(m.group(1) if m else "")
PY
url=$(cat "$ctmp/url")
s "the URL asks Google for this client, with our redirect URI" 'python3 -c "
import sys, urllib.parse
q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(sys.argv[1]).query))
sys.exit(not (q[\"client_id\"] == sys.argv[2] and q[\"redirect_uri\"] == sys.argv[3]
              and q[\"code_challenge_method\"] == \"S256\" and len(q[\"state\"]) >= 43))
" "$url" "$GOOGLE_CLIENT_ID" "$REDLIGHT_CALENDAR_REDIRECT_BASE/api/integrations/google/oauth"'
state=$(python3 -c 'import sys, urllib.parse
print(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(sys.argv[1]).query)).get("state", ""))' "$url")
s "its state is the one stored (as its hash) for $name, pending" '[ -n "$state" ] &&
	[ "$(sql "SELECT status FROM calendar_connection WHERE staff_id = '"'$id'"' AND provider = '"'google'"'
	AND state_hash = encode(sha256(convert_to('"'$state'"', '"'UTF8'"')), '"'hex'"')")" = pending ]'
s "the window shows the redirect URI to register" \
	'box_joined $sess | grep -qF "must list:$REDLIGHT_CALENDAR_REDIRECT_BASE/api/integrations/google/oauth"'
s "and the status: waiting for the consent" 'box_text $sess | grep -qF "Google: waiting for the consent."'
key $sess Enter
s "Enter closes it" 'wait_gone $sess "valid 15 minutes" && wait_for $sess "Eli Engineer"'

# the staff member follows the URL: the stand-in consents, back to redlightd
cb=$(curl -s -o /dev/null -w '%{redirect_url}' "$url&login_hint=eli-g")
status=$(curl -s -o "$ctmp/body" -w '%{http_code}' "$cb")
t "the consent comes back to redlightd's callback: 200" '[ "$status" = 200 ]'
t "redlightd's worker trades the code: connected" \
	'wait_sql "SELECT status FROM calendar_connection WHERE staff_id = '"'$id'"'" connected'
key $sess c
s "c again shows Google connected" 'wait_for $sess "Calendars of $name" &&
	box_text $sess | grep -qF "Google: connected. Outlook: not connected."'
key $sess Escape
s "Esc closes it" 'wait_gone $sess "Calendars of"'
key $sess l
key $sess c
s "c elsewhere says where it works" 'wait_for $sess "c connects a staff member"'

# ---- R on the booking screen: a failed calendar job runs again ----
# Google refuses the event of a session approved for Eli once (a 400: not
# worth retrying), so its calendar job fails; R runs it again and the
# event is made
ctl() { curl -s -o /dev/null -X POST -d "$2" "$cbase/_standin/$1"; }
events() { curl -s "$cbase/_standin/state" | python3 -c 'import json, sys
s = json.load(sys.stdin)
print(sum(1 for e in s["events"].get("google", {}).get("eli-g", {}).values()
          if "RL-CAL-01" in (e.get("summary") or "") and e.get("status") != "cancelled"))'; }
ctl faults '{"rules": [{"match": "POST /calendar/v3", "status": 400, "count": 1}]}'
REDLIGHT_PASSWORD=redlight-demo
export REDLIGHT_PASSWORD
demo_day
submit RL-CAL-01 'Vocal Booth' 10:00 11:00
run assign-staff RL-CAL-01 eli --override --reason "calendar test" --as admin@redlight.test
t "Eli is assigned to RL-CAL-01" '[ "$rc" = 0 ]'
run approve RL-CAL-01 --as admin@redlight.test
t "and it is approved" '[ "$rc" = 0 ]'
t "Google refusing the event, the session's calendar job fails" \
	'wait_sql "SELECT status FROM job WHERE kind = '"'calendar_sync'"' AND payload->>'"'code'"' = '"'RL-CAL-01'"'" failed &&
	[ "$(events)" = 0 ]'
key $sess 4
wait_for $sess "BOOKINGS"
list_filter $sess 5 RL-CAL-01
wait_match $sess "^ > .*RL-CAL-01"
key $sess Enter
s "the booking screen says its sync failed" 'wait_for $sess "SYNC FAILED: google:"'
key $sess R
s "R queues its failed calendar job again" 'wait_match $sess "RL-CAL-01: calendar job [0-9]* .*again"'
t "the worker runs it: the event is in Eli's calendar, the sync synced" \
	'wait_sql "SELECT booking_sync_error(id) IS NULL FROM booking WHERE code = '"'RL-CAL-01'"'" t && [ "$(events)" = 1 ]'
s "and the flag is gone from the booking screen" 'wait_gone $sess "SYNC FAILED"'
key $sess q
tui_done
