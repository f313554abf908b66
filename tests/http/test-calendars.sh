#!/bin/sh
# test-calendars.sh: staff calendars on Google Calendar and Microsoft Graph,
# against the local stand-in (tests/standins/calendars.py): an admin
# connects two staff members' calendars (redlight calendar-connect, the
# consent, redlightd's callback, the worker's code exchange); then approve,
# reschedule, reassign and cancel leave exactly one event per booking and
# provider, on the right calendar at the right times, while the stand-in
# fails the first attempts (500, 429 and 403 rate limits with Retry-After,
# 401, an event gone behind our back) and while workers are killed with
# kill -9 after the provider wrote the event and before our commit. A
# refused refresh token asks for a reconnect, which mends the calendar.
# Real redlightd, real `redlight worker` processes, real PostgreSQL. TAP.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_begin cal
mkdir "$tmp/mail"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
cport=$(free_port)
cbase=http://127.0.0.1:$cport
mport=$(free_port)
REDLIGHT_PASSWORD=redlight-demo
# the calendars' configuration, for redlightd, the workers and the CLI
GOOGLE_CLIENT_ID=gid.apps.googleusercontent.com GOOGLE_CLIENT_SECRET=gsecret
GOOGLE_AUTH_URL=$cbase/o/oauth2/v2/auth GOOGLE_TOKEN_URL=$cbase/token GOOGLE_API_BASE=$cbase
MICROSOFT_CLIENT_ID=00000000-0000-4000-8000-00000000aaaa MICROSOFT_CLIENT_SECRET=msecret
MICROSOFT_LOGIN_BASE=$cbase MICROSOFT_GRAPH_BASE=$cbase
REDLIGHT_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
REDLIGHT_CALENDAR_REDIRECT_BASE=http://127.0.0.1:$mport
REDLIGHT_WORKER_RETRY_BASE_MS=200 REDLIGHT_WORKER_RETRY_MAX_MS=1000 REDLIGHT_WORKER_TIMEOUT_MS=10000
REDLIGHT_TEMPLATES_DIR=$top_srcdir/templates REDLIGHT_MAIL_DIR=$tmp/mail
export REDLIGHT_PASSWORD GOOGLE_CLIENT_ID GOOGLE_CLIENT_SECRET GOOGLE_AUTH_URL GOOGLE_TOKEN_URL \
	GOOGLE_API_BASE MICROSOFT_CLIENT_ID MICROSOFT_CLIENT_SECRET MICROSOFT_LOGIN_BASE \
	MICROSOFT_GRAPH_BASE REDLIGHT_SECRET_KEY REDLIGHT_CALENDAR_REDIRECT_BASE \
	REDLIGHT_WORKER_RETRY_BASE_MS REDLIGHT_WORKER_RETRY_MAX_MS REDLIGHT_WORKER_TIMEOUT_MS \
	REDLIGHT_TEMPLATES_DIR REDLIGHT_MAIL_DIR

check_why() {
	echo "last answer: $(head -c 300 "$tmp/body" 2>/dev/null)"
	echo "events: $(curl -s "$cbase/_standin/state" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["events"]))' | head -c 1500)"
	echo "sync: $(sql "SELECT string_agg(provider || ' ' || action || ' ' || status || ' ' || coalesce(error, ''), '; ' ORDER BY id) FROM calendar_sync_attempt" | tail -c 1200)"
	tail -n 4 "$tmp"/worker*.log 2>/dev/null
}
# the prologue's wait_sql, 20 s unless told: the workers' leases lapse
WAIT_SQL_S=20
# rl ARGS: the CLI on the suite's database, output in $tmp/rl.out.
rl() { (cd "$tmp" && DATABASE_URL=$url "$redlight" "$@") >"$tmp/rl.out" 2>&1; }
ctl() { curl -s -o /dev/null -X POST -d "$2" "$cbase/_standin/$1"; }
faults() { ctl faults "{\"rules\": [$1]}"; }
# start_worker N: `redlight worker` number N in the background; sets wpid.
start_worker() {
	(cd "$tmp" && DATABASE_URL=$url exec "$redlight" worker) 2>"$tmp/worker$1.log" &
	wpid=$!
	pids="$pids $wpid"
}
kill9() { kill -KILL "$1" 2>/dev/null; wait "$1" 2>/dev/null; pids=$(echo " $pids " | sed "s/ $1 / /"); }

# events CODE: the live events of the booking whose title has CODE, one
# line each, "FAMILY ACCOUNT START END" (UTC, Z), sorted.
events() {
	curl -s "$cbase/_standin/state" | python3 -c '
import json, sys
s, code = json.load(sys.stdin), sys.argv[1]
out = []
for fam, accounts in s["events"].items():
    for acct, evs in accounts.items():
        for e in evs.values():
            title = e.get("summary") or e.get("subject") or ""
            if code not in title or e.get("status") == "cancelled":
                continue
            t = [e[k]["dateTime"] for k in ("start", "end")]
            t = [x if x.endswith("Z") else x[:19] + "Z" for x in t]
            out.append("%s %s %s %s" % (fam, acct, t[0], t[1]))
print("\n".join(sorted(out)))' "$1"
}
# want_events CODE STAFF-PREFIX: the booking's events are exactly one on
# STAFF-PREFIX's Google account and one on their Microsoft account, at the
# booking's times.
want_events() {
	s=$(sql "SELECT json_utc(start_at) || ' ' || json_utc(end_at) FROM booking WHERE code = '$1'")
	[ "$(events "$1")" = "$(printf 'google %s-g %s\ngraph %s-m %s' "$2" "$s" "$2" "$s")" ]
}
wait_events() {
	i=0
	while [ $i -lt $((${3:-20} * 10)) ]; do
		want_events "$1" "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
no_events() { [ -z "$(events "$1")" ]; }
wait_no_events() {
	i=0
	while [ $i -lt 200 ]; do no_events "$1" && return 0; sleep 0.1; i=$((i + 1)); done
	return 1
}

# ---- the servers ----
make_db
python3 "$top_srcdir/tests/standins/calendars.py" --listen "127.0.0.1:$cport" \
	--client "google:$GOOGLE_CLIENT_ID:$GOOGLE_CLIENT_SECRET" \
	--client "microsoft:$MICROSOFT_CLIENT_ID:$MICROSOFT_CLIENT_SECRET" 2>"$tmp/standin.log" &
pids="$pids $!"
i=0
until curl -s -o /dev/null "$cbase/_standin/state" || [ $i -gt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "the calendar stand-in answers" curl -sf -o /dev/null "$cbase/_standin/state"
if ! DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER=0 \
	start_redlightd "$tmp/main.log" --config "$tmp/empty.conf" --listen "127.0.0.1:$mport"; then
	not_ok "redlightd starts" "$(cat "$tmp/main.log")"
	echo "Bail out! redlightd did not start"
	exit 1
fi
ok "redlightd starts on $base, its worker off (the workers run apart, to be killed)"
start_worker 1
w1=$wpid

# ---- connecting ----
# connect STAFF PROVIDER ACCOUNT: calendar-connect, then the consent (the
# stand-in consents at once as ACCOUNT) and redlightd's callback; prints
# the callback's status, its page in $tmp/body, its URL in $tmp/callback.
connect() {
	rl calendar-connect "$1" "$2" --as admin@redlight.test --json || { cat "$tmp/rl.out"; return 1; }
	u=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$tmp/rl.out")
	curl -s -o /dev/null -w '%{redirect_url}' "$u&login_hint=$3" >"$tmp/callback"
	curl -s -o "$tmp/body" -w '%{http_code}' "$(cat "$tmp/callback")"
}
connected() {
	wait_sql "SELECT count(*) = $1 FROM calendar_connection WHERE status = 'connected'"
}
rl calendar-connect eli google
check "calendar-connect needs an admin to act (no --as: a usage error)" test "$?" = 64
rl calendar-connect eli yahoo --as admin@redlight.test
check "a calendar other than google or outlook is refused, naming it" grep -q "google or outlook" "$tmp/rl.out"
rl calendar-connect eli google --as engineer@redlight.test
check "staff may not connect calendars (admins only)" grep -q "only an admin" "$tmp/rl.out"
status=$(connect eli google eli-g)
check "Eli's Google consent comes back to the callback: 200, connecting" \
	sh -c '[ "$1" = 200 ] && grep -q "Connecting the calendar of Eli Engineer" "$2"' - "$status" "$tmp/body"
rl calendar-connect eli google --as admin@redlight.test --json
check "the consent URL asks Google for offline access to calendar.events with PKCE S256" python3 -c '
import json, sys, urllib.parse
d = json.load(open(sys.argv[1]))
u = urllib.parse.urlsplit(d["url"])
q = dict(urllib.parse.parse_qsl(u.query))
ok = (u.path == "/o/oauth2/v2/auth" and q["access_type"] == "offline" and q["prompt"] == "consent"
      and q["scope"] == "https://www.googleapis.com/auth/calendar.events" and q["code_challenge_method"] == "S256"
      and len(q["code_challenge"]) == 43 and len(q["state"]) >= 43 and q["response_type"] == "code"
      and q["redirect_uri"] == sys.argv[2] + "/api/integrations/google/oauth" and d["redirect_uri"] == q["redirect_uri"])
sys.exit(not ok)' "$tmp/rl.out" "$REDLIGHT_CALENDAR_REDIRECT_BASE"
check "the state is kept only as its hash" test "$(sql "SELECT count(*) FROM calendar_connection
	WHERE state_hash ~ '^[0-9a-f]{64}\$'")" = 1
status=$(connect eli google eli-g)
check "connecting again replaces the pending link" test "$status" = 200
status=$(curl -s -o "$tmp/body" -w '%{http_code}' "$(cat "$tmp/callback")")
check "the same callback again is 404 (the state is single use)" \
	sh -c '[ "$1" = 404 ] && grep -q "expired" "$2"' - "$status" "$tmp/body"
status=$(http GET "/api/integrations/google/oauth?code=x&state=forged")
check "a forged state is 404" test "$status" = 404
status=$(http GET "/api/integrations/google/oauth")
check "no code and no state is 400" test "$status" = 400
status=$(connect eli outlook eli-m)
check "Eli's Outlook consent (Microsoft's authorize endpoint) comes back: 200" test "$status" = 200
status=$(connect priya google priya-g)
status2=$(connect priya outlook priya-m)
check "Priya's Google and Outlook consents come back" test "$status $status2" = "200 200"
if connected 4; then
	ok "the worker trades the four codes: four connections connected"
else
	not_ok "the worker trades the four codes: four connections connected" "$(check_why)"
	echo "Bail out! no calendar connected"
	exit 1
fi
check "their refresh tokens are sealed at rest (v1:...), the codes and verifiers gone" test \
	"$(sql "SELECT count(*) FROM calendar_connection WHERE refresh_token_sealed LIKE 'v1:%'
		AND refresh_token_sealed NOT LIKE '%1//0%' AND code_sealed IS NULL AND verifier_sealed IS NULL")" = 4
ctl consent '{"deny": true}'
status=$(connect priya google priya-g)
check "a refused consent is said on the page and fails that connection" \
	sh -c '[ "$1" = 200 ] && grep -q "not given" "$2"' - "$status" "$tmp/body"
check "... with the reason" test "$(sql "SELECT status || ': ' || error FROM calendar_connection
	WHERE provider = 'google' AND staff_id = '00000000-0000-4000-8000-0000000000e2'")" = \
	"failed: the consent was not given: access_denied"
status=$(connect priya google priya-g)
check "and connecting again mends it" connected 4

# ---- a booking ----
week_day
room_b=00000000-0000-4000-8000-0000000000a2
eli=00000000-0000-4000-8000-0000000000e1
priya=00000000-0000-4000-8000-0000000000e2
nina=$tmp/nina.jar
http POST /api/auth/register -c "$nina" -H 'Content-Type: application/json' \
	--data-binary '{"email":"nina@example.com","password":"correct horse","name":"Nina Singer"}' >/dev/null
# book HH:MM HH:MM STAFF-ID: Nina books Studio B on $day; sets code.
book() {
	http POST /api/bookings -b "$nina" -H "Origin: $base" -H 'Content-Type: application/json' \
		--data-binary "{\"room_id\":\"$room_b\",\"start_at\":\"$(at "$1")\",\"end_at\":\"$(at "$2")\",\"staff_ids\":[\"$3\"]}" >/dev/null
	code=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["code"])' "$tmp/body" 2>/dev/null)
}
book 12:00 14:00 "$eli"
c1=$code
check "Nina books a session with Eli ($c1), awaiting approval" test \
	"$(sql "SELECT status FROM booking WHERE code = '$c1'")" = awaiting_approval
sleep 1
check "nothing reaches a calendar before the approval" no_events "$c1"

# ---- approve: created, through a 500 and a 429 ----
faults '{"match": "POST /calendar/v3", "status": 500, "count": 1},
	{"match": "POST /v1.0/me/events", "status": 429, "retry_after": 1, "count": 1}'
t0=$(date +%s)
rl approve "$c1" --as admin@redlight.test
check "the admin approves $c1" test "$(sql "SELECT status FROM booking WHERE code = '$c1'")" = confirmed
check "within a minute the session is on Eli's Google and Outlook calendars, once each, at its times" \
	wait_events "$c1" eli 60
echo "# approved to both calendars in $(($(date +%s) - t0)) s"
check "the Google event's id is ours (the booking's and Eli's hex digits)" test \
	"$(sql "SELECT external_event_id = replace(b.id::text, '-', '') || replace('$eli', '-', '')
		FROM calendar_sync cs JOIN booking b ON b.id = cs.booking_id WHERE b.code = '$c1' AND provider = 'google'")" = t
check "every attempt is recorded: Google's 500, Graph's create after waiting out its 429, Google's retry" test \
	"$(sql "SELECT string_agg(a.provider || ' ' || a.action || ' ' || a.status || ' ' || coalesce(a.http_status::text, '-'), ', ' ORDER BY a.id)
		FROM calendar_sync_attempt a JOIN booking b ON b.id = a.booking_id WHERE b.code = '$c1'")" = \
	"google create failed 500, outlook create synced 201, google create synced 200"
check "both rows synced, the board's flag clear" test \
	"$(sql "SELECT string_agg(cs.status, ',') || ' ' || (booking_sync_error(b.id) IS NULL) FROM calendar_sync cs
		JOIN booking b ON b.id = cs.booking_id WHERE b.code = '$c1' GROUP BY b.id")" = "synced,synced true"

# ---- reschedule: updated, through a 401, a 403 rate limit and a vanished event ----
graph_id=$(sql "SELECT external_event_id FROM calendar_sync cs JOIN booking b ON b.id = cs.booking_id WHERE b.code = '$c1' AND provider = 'outlook'")
faults '{"match": "PATCH /calendar/v3", "status": 401, "count": 1},
	{"match": "PATCH /v1.0/me/events", "status": 403, "reason": "rateLimitExceeded", "retry_after": 1, "count": 1},
	{"match": "PATCH /v1.0/me/events", "status": 503, "count": 1}'
rl reschedule "$c1" "$day 15:00" --as admin@redlight.test
check "the admin moves $c1 to 15:00" test "$(sql "SELECT admin_local(start_at) FROM booking WHERE code = '$c1'")" = "$day 15:00"
check "both events move to the new times, still one each" wait_events "$c1" eli
check "Google's 401 refreshed the token and tried again; Graph waited out its 403 rate limit, and its 503 was retried" test \
	"$(sql "SELECT string_agg(a.provider || ' ' || a.action || ' ' || a.status || ' ' || coalesce(a.http_status::text, '-'), ', ' ORDER BY a.id)
		FROM calendar_sync_attempt a JOIN booking b ON b.id = a.booking_id WHERE b.code = '$c1' AND a.action = 'update'")" = \
	"google update synced 200, outlook update failed 503, outlook update synced 200"
ctl forget "{\"id\": \"$graph_id\"}"
rl reschedule "$c1" "$day 16:00" --as admin@redlight.test
check "an event deleted behind our back (404 on update) is made again at the new time" wait_events "$c1" eli

# ---- reassign: off Eli's calendars, onto Priya's ----
faults '{"match": "DELETE /calendar/v3", "status": 500, "count": 1}'
rl assign-staff "$c1" priya --as admin@redlight.test
check "the admin gives $c1 to Priya" test "$(sql "SELECT string_agg(staff_id::text, ',') FROM booking_staff bs
	JOIN booking b ON b.id = bs.booking_id WHERE b.code = '$c1'")" = "$priya"
check "the events leave Eli's calendars and are on Priya's, once each" wait_events "$c1" priya

# ---- cancel: deleted, one already gone ----
pid_graph=$(sql "SELECT external_event_id FROM calendar_sync cs JOIN booking b ON b.id = cs.booking_id
	WHERE b.code = '$c1' AND provider = 'outlook' AND staff_id = '$priya'")
ctl forget "{\"id\": \"$pid_graph\"}"
faults '{"match": "DELETE /calendar/v3", "status": 503, "count": 1}'
rl cancel "$c1" --reason "the band split" --as admin@redlight.test
check "the admin cancels $c1" test "$(sql "SELECT status FROM booking WHERE code = '$c1'")" = canceled
check "its events are gone from every calendar (a 404 on delete counts as done)" wait_no_events "$c1"
check "every row is in step: no event ids left, nothing failed" wait_sql \
	"SELECT bool_and(external_event_id IS NULL AND cs.status = 'synced') AND count(*) = 4 FROM calendar_sync cs
		JOIN booking b ON b.id = cs.booking_id WHERE b.code = '$c1'"

# ---- kill -9 between the provider's answer and our commit ----
# Worker 1 makes the Google event of one booking while the stand-in holds
# the answer; worker 2 the Graph event of another. Both are killed once
# the provider has written; the worker after them must not make second
# events.
book 10:00 11:00 "$eli"
c2=$code
book 12:00 13:00 "$priya"
c3=$code
check "two more bookings, one with Eli ($c2) and one with Priya ($c3)" test -n "$c2" -a -n "$c3"
faults '{"match": "POST /calendar/v3", "after_write_delay_ms": 8000, "count": 1},
	{"match": "POST /v1.0/me/events", "after_write_delay_ms": 8000, "count": 1}'
rl approve "$c2" --as admin@redlight.test
# events_of CODE FAMILY: how many events of CODE that family holds
events_of() { events "$1" | grep -c "^$2 "; }
wait_for() { i=0; while [ $i -lt 200 ]; do [ "$("$@")" = 1 ] && return 0; sleep 0.1; i=$((i + 1)); done; return 1; }
check "worker 1 is held in Google's answer for $c2 after the event was written" wait_for events_of "$c2" google
start_worker 2
w2=$wpid
rl approve "$c3" --as admin@redlight.test
check "worker 2 is held in Graph's answer for $c3 after the event was written" wait_for events_of "$c3" graph
kill9 "$w1"
kill9 "$w2"
check "both workers are killed before recording those events" test \
	"$(sql "SELECT count(*) FROM calendar_sync cs JOIN booking b ON b.id = cs.booking_id
		WHERE ((b.code = '$c2' AND provider = 'google') OR (b.code = '$c3' AND provider = 'outlook'))
		AND external_event_id IS NOT NULL")" = 0
start_worker 3
check "a new worker takes the jobs over once their leases lapse: exactly one event each" \
	wait_events "$c2" eli 45
check "... for the Graph booking too" wait_events "$c3" priya 10
check "Google's retry met its own id (409) and updated; Graph's reused the transactionId" wait_sql \
	"SELECT count(*) = 4 FROM calendar_sync WHERE status = 'synced' AND external_event_id IS NOT NULL
		AND booking_id IN (SELECT id FROM booking WHERE code IN ('$c2', '$c3'))"

# ---- a refused refresh token: reconnect needed, then mended ----
ctl revoke '{"account": "priya-g"}'
rl reschedule "$c3" "$day 13:00" --as admin@redlight.test
check "Priya's refused Google token marks her connection reconnect_needed" wait_sql \
	"SELECT status = 'reconnect_needed' AND error LIKE 'reconnect needed%' FROM calendar_connection
		WHERE staff_id = '$priya' AND provider = 'google'"
check "the failure shows where staff look (booking_sync_error)" wait_sql \
	"SELECT booking_sync_error(id) LIKE 'google: reconnect needed%' FROM booking WHERE code = '$c3'"
rl booking "$c3"
check "redlight booking shows SYNC FAILED" grep -q "SYNC FAILED: google: reconnect needed" "$tmp/rl.out"
rl calendar-status
check "redlight calendar-status lists the connection and the failed sync" sh -c \
	'grep -q "Priya Producer.*google.*reconnect_needed" "$1" && grep -q "sync failed: $2" "$1"' - "$tmp/rl.out" "$c3"
has_event() { events "$1" | grep -q "^$2 $3 $(sql "SELECT json_utc(start_at) FROM booking WHERE code = '$1'")"; }
wait_event() { i=0; while [ $i -lt 100 ]; do has_event "$@" && return 0; sleep 0.1; i=$((i + 1)); done; return 1; }
check "the Outlook event moved meanwhile" wait_event "$c3" graph priya-m
lacks_event() { ! has_event "$@"; }
check "the Google one could not move" lacks_event "$c3" google priya-g
t0=$(date +%s)
status=$(connect priya google priya-g)
echo "# reconnected in $(($(date +%s) - t0)) s: $status"
check "reconnecting her account queues her sessions again: the event moves to the new time" \
	wait_events "$c3" priya 20
check "the connection is connected again, the booking's flag clear" wait_sql \
	"SELECT booking_sync_error(id) IS NULL FROM booking WHERE code = '$c3'"

# ---- without credentials ----
stop "$wpid" >/dev/null
check "without a Google or Microsoft account, calendar-connect says calendars are off" sh -c \
	'cd "$1" && ! env -u GOOGLE_CLIENT_ID DATABASE_URL="$2" "$3" calendar-connect eli google --as admin@redlight.test \
		2>"$1/off.out" && grep -q "Google calendars are not configured" "$1/off.out"' - "$tmp" "$url" "$redlight"
(cd "$tmp" && exec env -u GOOGLE_CLIENT_ID -u MICROSOFT_CLIENT_ID DATABASE_URL="$url" "$redlight" worker) \
	2>"$tmp/worker-off.log" &
wpid=$!
pids="$pids $wpid"
job=$(sql "INSERT INTO job (kind, payload) SELECT 'calendar_sync', jsonb_build_object('booking_id', id)
	FROM booking WHERE code = '$c2' RETURNING id")
check "... and a worker without them finishes calendar jobs skipped, saying why" wait_sql \
	"SELECT status = 'skipped' AND reason LIKE 'calendars are not configured%' FROM job WHERE id = $job"
stop "$wpid" >/dev/null

echo "1..$n"
