#!/bin/sh
# test-jobs.sh: the job worker seen by staff. The demo's effect: after
# `redlight seed demo` and an approval, `redlight worker` runs the jobs and
# `redlight jobs` shows them done or skipped with their reasons; jobs,
# job-retry and job-cancel from a shell (and their errors); then the
# console's Jobs screen (8): a failed job with its error, the count of
# failed jobs in the header of every screen, and R retrying it. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux --admin -- "$@"

wpid=
tui_cleanup_hook() {
	[ -n "$wpid" ] && kill -9 "$wpid" 2>/dev/null
}
start_worker() {
	"$REDLIGHT" worker 2>>"$tmpd/worker.log" &
	wpid=$!
}
stop_worker() {
	kill -TERM "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	wpid=
}

# --- the demo: approve, and the worker runs what it enqueued ---------------

code=$(sql "SELECT code FROM booking WHERE status = 'awaiting_approval' ORDER BY start_at LIMIT 1")
run approve "$code" --as "$ADMIN" --override --reason "the test approves whatever comes"
t "an admin approves the demo's $code" '[ "$rc" -eq 0 ]'
t "the approval enqueued its effects" \
	'[ "$(sql "SELECT count(*) FROM job WHERE payload->>'"'code'"' = '"'$code'"' AND status = '"'queued'"'")" -eq 3 ]'
start_worker
# (every job due: a reminder waits for its day, 24 hours before the session)
t "the worker runs every job of the demo" 'wait_sql "SELECT count(*) FROM job WHERE status = '"'running'"' OR (status = '"'queued'"' AND run_at <= now())" 0'
run jobs
t "redlight jobs shows the approval's payment skipped, with the reason" \
	'[ "$rc" -eq 0 ] && out_has "capture_payment  *skipped  *1/8  *$code .*payments are not configured (no Stripe account"'
t "... its email and calendar skipped, with theirs" \
	'out_has "email_approved  *skipped  *1/8  *$code .*email is not configured" &&
	 out_has "calendar_sync  *skipped  *1/8  *$code .*calendars are not configured"'
# (the one queued, if any, is the approval's reminder, due 24 hours before
# the session: the demo's request is tomorrow at 11:00, so from 11:00 on
# it is less than a day away and gets none)
reminders=$(sql "SELECT count(*) FROM booking WHERE code = '$code' AND start_at - reminder_lead() > now()")
t "... and counts every status on its first line" 'printf "%s\n" "$out" | head -1 | grep -q "^$reminders queued, 0 running, 0 failed, [0-9]* skipped, [0-9]* done, 0 canceled$"'

# --- a job of a kind nobody knows fails, loudly -------------------------------

sql "INSERT INTO job (kind, payload) VALUES ('bogus_kind', '{}')"
t "an unknown kind fails at once" 'wait_sql "SELECT status || '"' '"' || attempts FROM job WHERE kind = '"'bogus_kind'"'" "failed 1"'
id=$(sql "SELECT id FROM job WHERE kind = 'bogus_kind'")
t "the worker said so on stderr" 'grep -q "job $id (bogus_kind) failed after 1 attempt: unknown job kind bogus_kind" "$tmpd/worker.log"'
run jobs --failed
t "jobs --failed lists only it, with its error" '[ "$rc" -eq 0 ] && out_has "^ *$id  bogus_kind  failed  1/8  *-  .*unknown job kind bogus_kind" &&
	[ "$(printf "%s\n" "$out" | wc -l)" -eq 3 ]'
run jobs --failed --json
t "jobs --failed --json is one JSON object with the counts" '[ "$rc" -eq 0 ] && one_line "$out" &&
	printf "%s" "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); assert d[\"counts\"][\"failed\"] == 1 and d[\"jobs\"][0][\"last_error\"] == \"unknown job kind bogus_kind\""'
run job-retry 12x --as "$ADMIN"
t "job-retry with a bad id is a usage error naming it" '[ "$rc" -eq 64 ] && err_has "a job id is a number" && one_line "$err"'
run job-retry 999999 --as "$ADMIN"
t "job-retry of no such job says so" '[ "$rc" -ne 0 ] && err_has "no job 999999" && one_line "$err"'
done_id=$(sql "SELECT min(id) FROM job WHERE status = 'skipped'")
run job-cancel "$done_id" --as "$ADMIN"
t "job-cancel of a skipped job is refused, naming its status" '[ "$rc" -ne 0 ] && err_has "job $done_id is skipped; only a queued or failed job can be canceled"'
run job-retry "$done_id" --as engineer@redlight.test
t "staff may retry a skipped job (it is skipped again)" '[ "$rc" -eq 0 ] && out_has "^retried job $done_id: queued now$" &&
	wait_sql "SELECT status || '"' '"' || attempts FROM job WHERE id = $done_id" "skipped 2"'
run jobs --json
t "jobs --json lists every job" '[ "$rc" -eq 0 ] && printf "%s" "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); assert len(d[\"jobs\"]) >= 4"'

# --- the console ----------------------------------------------------------------

sess=jobs
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess $ADMIN redlight-demo
s "the header of the first screen counts the failed job" 'wait_match $sess "^ redlight | .* | 1 failed job "'
key $sess 8
s "8 shows the Jobs screen with its counts" 'wait_match $sess "JOBS  $reminders queued, 0 running, 1 failed, [0-9]* skipped, [0-9]* done" &&
	wait_for $sess "8 Jobs"'
s "the failed job is on top, with its error" 'wait_match $sess "^ > *$id  *bogus_kind  *failed  *1/8  .*unknown job kind bogus_kind"'
s "the bottom line names the keys" 'pane_text $sess | tail -1 | grep -q "R retry  c cancel"'
key $sess R
s "R retries it: the command runs and says so" 'wait_for $sess "retried job $id: queued now"'
s "the worker ran it again (and it failed again)" 'wait_sql "SELECT status || '"' '"' || attempts FROM job WHERE id = $id" "failed 2" &&
	[ "$(sql "SELECT count(*) FROM audit_log WHERE action = '"'job_retry'"' AND entity_id = '"'$id'"'")" = 1 ]'
s "the screen shows the second attempt" 'wait_match $sess "^ > *$id  *bogus_kind  *failed  *2/9"'
key $sess c
s "c asks to be pressed again" 'wait_for $sess "c again cancels job $id (bogus_kind)"'
key $sess c
s "c again cancels it, and the header count goes" 'wait_sql "SELECT status FROM job WHERE id = $id" canceled &&
	wait_gone $sess "failed job"'
sql "INSERT INTO job (kind) VALUES ('another_bogus_kind')"
key $sess 1
s "a job failing elsewhere shows in the header of another screen, with no key pressed" 'wait_match $sess "^ redlight | .* | 1 failed job "'
key $sess q
stop_worker
t "the worker stops on SIGTERM and says so" 'tail -n 1 "$tmpd/worker.log" | grep -q "^redlight worker: stopped$"'
tui_done
