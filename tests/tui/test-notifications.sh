#!/bin/sh
# test-notifications.sh: the artists' messages seen by staff. An approval's
# email cannot be written (mail_dir is a file, not a directory): the worker
# tries every attempt and the message ends failed with the error;
# `redlight notifications [--failed] [--json]` shows it; the console's
# Notifications screen (9) shows it too, and R sends it again once
# mail_dir is fixed: it arrives, once. notification-resend's refusals;
# `redlight notify-test email` writes a test message, and notify-test sms
# without Twilio says what is missing. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux --admin -- "$@"
REDLIGHT_MAIL_DIR=$tmpd/mail
REDLIGHT_MAIL_FROM=studio@redlight.test
REDLIGHT_TEMPLATES_DIR=$top_srcdir/templates
REDLIGHT_WORKER_RETRY_BASE_MS=20
REDLIGHT_WORKER_RETRY_MAX_MS=40
export REDLIGHT_MAIL_DIR REDLIGHT_MAIL_FROM REDLIGHT_TEMPLATES_DIR \
	REDLIGHT_WORKER_RETRY_BASE_MS REDLIGHT_WORKER_RETRY_MAX_MS
unset REDLIGHT_SMTP_URL TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN TWILIO_FROM REDLIGHT_SECRET_KEY

wpid=
tui_cleanup_hook() {
	[ -n "$wpid" ] && kill -9 "$wpid" 2>/dev/null
}
"$REDLIGHT" worker 2>>"$tmpd/worker.log" &
wpid=$!

# --- a message that cannot go ------------------------------------------------

: >"$REDLIGHT_MAIL_DIR"
code=$(sql "SELECT code FROM booking WHERE status = 'awaiting_approval' AND user_id IS NOT NULL ORDER BY start_at LIMIT 1")
run approve "$code" --as "$ADMIN" --override --reason "the test approves whatever comes"
t "an admin approves the demo's $code while mail_dir is a file" '[ "$rc" -eq 0 ]'
nid=$(sql "SELECT id FROM notification WHERE template = 'approved' AND payload_json->>'code' = '$code'")
t "its approval message fails after every attempt, with the error" \
	'wait_sql "SELECT status || '"' '"' || (attempts > 1) || '"' '"' || (error LIKE '"'cannot %'"') FROM notification WHERE id = '"'$nid'"'" "failed true true"'
short=$(printf %.8s "$nid")
run notifications --failed
t "redlight notifications --failed lists it with its error" '[ "$rc" -eq 0 ] &&
	out_has "^ *$short  email  *approved  *failed  *[0-9]*  *$code .*cannot " && [ "$(printf "%s\n" "$out" | wc -l)" -eq 3 ]'
t "... and counts every status first" 'printf "%s\n" "$out" | head -1 | grep -q "^[0-9]* pending, [0-9]* sent, 1 failed, [0-9]* skipped, [0-9]* canceled$"'
run notifications --json
t "notifications --json is one JSON object: counts and the rows" '[ "$rc" -eq 0 ] && one_line "$out" &&
	printf "%s" "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); assert d[\"counts\"][\"failed\"] == 1; assert any(n[\"id\"] == \"$nid\" and n[\"status\"] == \"failed\" and n[\"recipient\"] for n in d[\"notifications\"])"'

# --- resend refusals -------------------------------------------------------------

run notification-resend "$short" --as artist@redlight.test
t "an artist may not resend (one line)" '[ "$rc" -ne 0 ] && one_line "$err"'
run notification-resend xyz --as "$ADMIN"
t "a malformed id is refused, naming the id" '[ "$rc" -ne 0 ] && err_has "named by its id" && one_line "$err"'
run notification-resend 00000000 --as "$ADMIN"
t "no such message says so" '[ "$rc" -ne 0 ] && err_has "no notification 00000000"'
sent=$(sql "SELECT id FROM notification WHERE status = 'skipped' OR status = 'sent' LIMIT 1")
if [ -n "$sent" ] && [ "$(sql "SELECT status FROM notification WHERE id = '$sent'")" = sent ]; then
	run notification-resend "$sent" --as "$ADMIN"
	t "a sent message is not sent again" '[ "$rc" -ne 0 ] && err_has "only a failed or skipped one"'
fi

# --- the console: 0, R ----------------------------------------------------------

rm -f "$REDLIGHT_MAIL_DIR"
mkdir "$REDLIGHT_MAIL_DIR"
sess=notes
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess $ADMIN redlight-demo
wait_for $sess "redlight"
key $sess 0
s "0 shows the Notifications screen with its counts" 'wait_match $sess "NOTIFICATIONS  [0-9]* pending, [0-9]* sent, 1 failed"'
key $sess /
s "/ keeps the failed ones only: the approval, with its error" 'wait_match $sess "^ > *$short  *email  *approved  *failed  .*cannot "'
s "the bottom line names R" 'pane_text $sess | tail -1 | grep -q "R retry"'
key $sess R
s "R sends it again: the command runs and says so" 'wait_for $sess "resending message $short (email approved): pending now"'
s "the worker delivers it: sent, audited" 'wait_sql "SELECT status FROM notification WHERE id = '"'$nid'"'" sent &&
	[ "$(sql "SELECT count(*) FROM audit_log WHERE action = '"'notification_resend'"' AND entity_id = '"'$nid'"'")" = 1 ]'
t "once: one .eml of the approval in mail_dir" '[ "$(ls "$REDLIGHT_MAIL_DIR" | grep -c "^$code-approved-.*\.eml$")" = 1 ]'
s "the screen no longer lists a failed message" 'wait_for $sess "no failed messages"'
key $sess q

# --- notify-test ------------------------------------------------------------------

run notify-test email --to ops@example.com
t "notify-test email writes a test message to mail_dir" '[ "$rc" -eq 0 ] && out_has "sent a test email to ops@example.com" &&
	grep -l "^To: <*ops@example.com" "$REDLIGHT_MAIL_DIR"/test-*.eml >/dev/null'
run notify-test sms --to +14165550100
t "notify-test sms without Twilio says which keys are missing (one line)" '[ "$rc" -ne 0 ] && err_has "SMS is not configured" && one_line "$err"'
run notify-test fax --to x
t "notify-test of another channel is a usage error" '[ "$rc" -eq 64 ] && err_has "email or sms"'
run notify-test email
t "notify-test without --to says so" '[ "$rc" -eq 64 ] && err_has "to"'

kill -TERM "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
wpid=
tui_done
