#!/bin/sh
# test-staff-feed.sh: the staff calendar feed (issue 14, item 1), end to
# end: a real redlightd with its worker writing the artists' mail to a
# directory, a real PostgreSQL, the demo studio. Each feed is read back
# with python3-icalendar (feedcheck.py): the events a staff member is on,
# their UTC times, UIDs equal to the artist's invite's, a canceled one as
# STATUS:CANCELLED (and gone after 30 days), the refresh hints; a repeat
# with the ETag or with If-Modified-Since is 304, a reschedule changes the
# ETag and moves Last-Modified later; approvals, cancels and rotations
# reach the feed through LISTEN; a wrong, rotated or foreign token, an
# unknown staff id, no token and a path that is not ID.ics are one and the
# same 404. `redlight rotate-ics-token` prints both URL forms, is for
# admins, and is audited. Prints TAP.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_begin feed
http_need_icalendar
unset REDLIGHT_SMTP_URL REDLIGHT_MAIL_FROM REDLIGHT_MAIL_DIR REDLIGHT_TEMPLATES_DIR

eli=00000000-0000-4000-8000-0000000000e1
priya=00000000-0000-4000-8000-0000000000e2
demo1=00000000-0000-4000-8000-0000000000c1
demo2=00000000-0000-4000-8000-0000000000c2
admin() { (cd "$tmp" && DATABASE_URL=$url REDLIGHT_PASSWORD=redlight-demo \
	REDLIGHT_MAIL_FROM=bookings@redlight.test "$redlight" "$@" --as admin@redlight.test); }
token() { sql "SELECT ics_token FROM staff WHERE id = '$1'"; }
# feed STAFF TOKEN [CURL-ARGS...]: GET the feed; prints the status (curl
# leaves the body file alone when there is no body: it goes first)
feed() { s=$1 t=$2; shift 2; rm -f "$tmp/body"; http GET "/api/calendar/ics/staff/$s.ics?token=$t" "$@"; }
# parsed: the last body as feedcheck.py reads it, into $tmp/feed.json
parsed() { "$ical_py" "$top_srcdir/tests/http/feedcheck.py" "$tmp/body" "$@" >"$tmp/feed.json" 2>"$tmp/feed.err"; }
# feed_ok PYTHON: the condition holds with f = the parsed feed
feed_ok() {
	python3 -c "import json, sys
f = json.load(open(sys.argv[1]))
ev = {e['uid'].split('@')[0]: e for e in f['events']}
sys.exit(not ($1))" "$tmp/feed.json"
}
check_why() {
	echo "last answer: $(tr -d '\r' < "$tmp/headers" 2>/dev/null | head -n 1)"
	echo "feed: $(head -c 1500 "$tmp/feed.json" 2>/dev/null) $(cat "$tmp/feed.err" 2>/dev/null)"
}
# until_feed STAFF TOKEN PYTHON: GET the feed until PYTHON holds (10 s):
# the change arrives through LISTEN, after its commit
until_feed() {
	i=0
	while [ $i -lt 100 ]; do
		[ "$(feed "$1" "$2")" = 200 ] && parsed && feed_ok "$3" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

make_db
# RL-DEMO-01 is the demo's session today, 14:00 to 16:00 Toronto time, and
# an admin cannot move a session that has started: from 14:00 Toronto the
# reschedule below was refused. The suite gives it week_day's day, 10:00
# to 12:00, before anything reads it.
week_day
sql "UPDATE booking SET start_at = '$(at 10:00)', end_at = '$(at 12:00)',
	blocked = tstzrange('$(at 09:45)', '$(at 12:15)', '[)') WHERE id = '$demo1'" >/dev/null
mkdir -p "$tmp/mail"
start_feed_main() {
	DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_MAIL_FROM=bookings@redlight.test \
		REDLIGHT_MAIL_DIR="$tmp/mail" REDLIGHT_TEMPLATES_DIR="$top_srcdir/templates" \
		start_main --healthy "$@"
}
start_feed_main "$tmp/main.log" "redlightd starts with its worker writing mail to a directory"

# ---- a feed, read as a calendar reads it ----
tok_eli=$(token $eli)
check "every staff member has a 64-hex-digit feed token after the migration" \
	test "$(sql "SELECT count(*) FROM staff WHERE ics_token !~ '^[0-9a-f]{64}\$'")" = 0
st=$(feed $eli "$tok_eli")
check "Eli's feed answers 200 (status $st)" test "$st" = 200
check "as text/calendar; charset=utf-8" test "$(header Content-Type)" = "text/calendar; charset=utf-8"
etag1=$(header ETag) lm1=$(header Last-Modified)
check "with a strong ETag ($etag1)" sh -c 'echo "$1" | grep -Eq "^\"[0-9a-f]{32}\"$"' - "$etag1"
check "and a Last-Modified in HTTP's date form ($lm1)" sh -c \
	'echo "$1" | grep -Eq "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$"' - "$lm1"
check "and a Cache-Control that has clients revalidate ($(header Cache-Control))" \
	test "$(header Cache-Control)" = "private, no-cache"
check "python3-icalendar reads it" parsed
check "METHOD:PUBLISH, REFRESH-INTERVAL;VALUE=DURATION:PT15M, X-PUBLISHED-TTL:PT15M" feed_ok \
	"f['method'] == 'PUBLISH' and f['refresh'] == 'PT15M' and f['refresh_params'].get('VALUE') == 'DURATION' and f['ttl'] == 'PT15M'"
check "the raw text carries the refresh lines as written" sh -c \
	'tr -d "\r" < "$1" | grep -qx "REFRESH-INTERVAL;VALUE=DURATION:PT15M" && tr -d "\r" < "$1" | grep -qx "X-PUBLISHED-TTL:PT15M"' \
	- "$tmp/body"
check "its lines end in CRLF" sh -c '[ "$(grep -c "$(printf "\r")\$" "$1")" = "$(wc -l < "$1")" ]' - "$tmp/body"
check "named for Eli at the studio" feed_ok "f['name'].startswith('Eli Engineer at ')"
start1=$(sql "SELECT json_utc(start_at) FROM booking WHERE id = '$demo1'")
end1=$(sql "SELECT json_utc(end_at) FROM booking WHERE id = '$demo1'")
check "Eli's one confirmed booking, RL-DEMO-01, at its UTC times ($start1)" feed_ok \
	"len(f['events']) == 1 and ev['$demo1']['start'] == '$start1' and ev['$demo1']['end'] == '$end1' and ev['$demo1']['status'] == 'CONFIRMED' and 'RL-DEMO-01' in ev['$demo1']['summary'] and ev['$demo1']['location'] == 'Studio A'"
check "its UID is the invite's form, BOOKING_ID@the mail domain" feed_ok \
	"ev['$demo1']['uid'] == '$demo1@redlight.test'"
len=$(wc -c < "$tmp/body")
st=$(http HEAD "/api/calendar/ics/staff/$eli.ics?token=$tok_eli" -I)
check "HEAD answers 200 with the same ETag and length, and no body" sh -c \
	'[ "$1" = 200 ] && [ "$2" = "$3" ] && [ "$4" = "$5" ] && ! grep -q VCALENDAR "$6"' - "$st" "$(header ETag)" \
	"$etag1" "$(header Content-Length)" "$len" "$tmp/body"

# ---- awaiting approval is not in a feed; approved, it is, with the invite's UID ----
tok_priya=$(token $priya)
feed $priya "$tok_priya" >/dev/null
parsed
check "Priya's feed leaves out RL-DEMO-02, still awaiting approval" feed_ok "len(f['events']) == 0"
# (Priya starts at noon: the demo's booking needs the override)
out=$(admin approve RL-DEMO-02 --override --reason "the feed test" 2>&1)
check "an admin approves RL-DEMO-02 ($out)" test "$(sql "SELECT status FROM booking WHERE id = '$demo2'")" = confirmed
check "Priya's feed shows it at once (LISTEN): confirmed" until_feed $priya "$tok_priya" \
	"ev.get('$demo2', {}).get('status') == 'CONFIRMED'"
i=0
while [ -z "$(ls "$tmp/mail" | grep -i 'RL-DEMO-02-approved')" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
eml=$tmp/mail/$(ls "$tmp/mail" | grep -i 'RL-DEMO-02-approved' | head -n 1)
feed $priya "$tok_priya" >/dev/null
parsed "$eml"
check "its UID equals the UID of the invite the artist was mailed" feed_ok \
	"f['invites'] == [ev['$demo2']['uid']] and ev['$demo2']['uid'] == '$demo2@redlight.test'"
check "and so does its SEQUENCE" feed_ok \
	"ev['$demo2']['sequence'] == $(sql "SELECT ics_sequence FROM booking WHERE id = '$demo2'")"
check "Eli's feed does not show Priya's booking" sh -c \
	'feed() { curl -s "$1/api/calendar/ics/staff/$2.ics?token=$3"; }; ! feed "$1" "$2" "$3" | grep -q "$4"' \
	- "$main" $eli "$tok_eli" "$demo2"

# ---- a cancel stays as STATUS:CANCELLED for 30 days ----
out=$(admin cancel RL-DEMO-02 --reason "the artist is ill" 2>&1 | tr "\n" " ")
check "an admin cancels RL-DEMO-02 ($out)" test "$(sql "SELECT status FROM booking WHERE id = '$demo2'")" = canceled
check "Priya's feed keeps it, as STATUS:CANCELLED with the same UID" until_feed $priya "$tok_priya" \
	"ev.get('$demo2', {}).get('status') == 'CANCELLED' and ev['$demo2']['uid'] == '$demo2@redlight.test'"
sql "UPDATE booking SET updated_at = now() - interval '31 days' WHERE id = '$demo2';
	SELECT staff_feed_notify('$priya')" >/dev/null
check "canceled more than 30 days ago, it is gone" until_feed $priya "$tok_priya" "len(f['events']) == 0"

# ---- conditional GETs ----
feed $eli "$tok_eli" >/dev/null
etag1=$(header ETag) lm1=$(header Last-Modified)
st=$(feed $eli "$tok_eli" -H "If-None-Match: $etag1")
check "a repeat with If-None-Match: the ETag is 304 (status $st)" test "$st" = 304
check "with no body, and the ETag and Last-Modified again" sh -c \
	'[ ! -s "$1" ] && [ "$2" = "$3" ] && [ "$4" = "$5" ]' - "$tmp/body" "$(header ETag)" "$etag1" \
	"$(header Last-Modified)" "$lm1"
st=$(feed $eli "$tok_eli" -H "If-None-Match: \"0123\", W/$etag1")
check "a list holding its weak form is 304 too (status $st)" test "$st" = 304
st=$(feed $eli "$tok_eli" -H "If-None-Match: *")
check "If-None-Match: * is 304 (status $st)" test "$st" = 304
st=$(feed $eli "$tok_eli" -H "If-Modified-Since: $lm1")
check "a repeat with If-Modified-Since: the Last-Modified is 304 (status $st)" test "$st" = 304
before=$(python3 -c 'import email.utils, sys
t = email.utils.parsedate_to_datetime(sys.argv[1]).timestamp() - 1
print(email.utils.formatdate(t, usegmt=True))' "$lm1")
st=$(feed $eli "$tok_eli" -H "If-Modified-Since: $before")
check "If-Modified-Since a second earlier is 200 (status $st)" test "$st" = 200
st=$(feed $eli "$tok_eli" -H 'If-None-Match: "0123"' -H "If-Modified-Since: $lm1")
check "If-None-Match not matching wins over a matching If-Modified-Since: 200 (status $st)" test "$st" = 200
st=$(feed $eli "$tok_eli" -H "If-Modified-Since: yesterday")
check "an If-Modified-Since that is no date is ignored: 200 (status $st)" test "$st" = 200

# ---- a reschedule: new ETag, later Last-Modified, new times ----
week_day
out=$(admin reschedule RL-DEMO-01 "$day 14:00" 2>&1)
new_start=$(sql "SELECT json_utc(start_at) FROM booking WHERE id = '$demo1'")
check "an admin reschedules RL-DEMO-01 to $day 14:00 ($out)" test "$new_start" = "$(at 14:00)"
check "Eli's feed moves it" until_feed $eli "$tok_eli" "ev['$demo1']['start'] == '$new_start'"
etag2=$(header ETag) lm2=$(header Last-Modified)
check "with a new ETag ($etag1 then $etag2)" test "$etag2" != "$etag1"
check "and a later Last-Modified ($lm1 then $lm2)" python3 -c 'import email.utils, sys
a, b = (email.utils.parsedate_to_datetime(x) for x in sys.argv[1:])
sys.exit(not b > a)' "$lm1" "$lm2"
st=$(feed $eli "$tok_eli" -H "If-None-Match: $etag1")
check "the old ETag gets the whole feed (status $st)" test "$st" = 200
st=$(feed $eli "$tok_eli" -H "If-Modified-Since: $lm1")
check "so does the old Last-Modified (status $st)" test "$st" = 200
st=$(feed $eli "$tok_eli" -H "If-None-Match: $etag2")
check "the new ETag is 304 (status $st)" test "$st" = 304
stop "$main_pid"
start_feed_main "$tmp/main2.log" "redlightd starts again"
feed $eli "$tok_eli" >/dev/null
check "after a restart the same feed has the same ETag and Last-Modified" sh -c \
	'[ "$1" = "$2" ] && [ "$3" = "$4" ]' - "$(header ETag)" "$etag2" "$(header Last-Modified)" "$lm2"

# ---- one 404 for everything wrong ----
bad_tok=$(printf '%s' "$tok_eli" | tr '0-9a-f' '1-9a-f0')
# nf NAME PATH-AND-QUERY: GET it into $tmp/nf-NAME.{body,headers}; prints the status
nf() {
	curl -s -o "$tmp/nf-$1.body" -D "$tmp/nf-$1.headers" -w '%{http_code}' "$main$2"
}
# the headers that could tell two 404s apart: all but Date and X-Request-Id
nf_heads() { tr -d '\r' < "$tmp/nf-$1.headers" | grep -viE '^(date|x-request-id):' ; }
unknown=$(sql "SELECT gen_random_uuid()")
for c in "wrong:/api/calendar/ics/staff/$eli.ics?token=$bad_tok" \
	"foreign:/api/calendar/ics/staff/$eli.ics?token=$tok_priya" \
	"unknown:/api/calendar/ics/staff/$unknown.ics?token=$tok_eli" \
	"none:/api/calendar/ics/staff/$eli.ics" \
	"short:/api/calendar/ics/staff/$eli.ics?token=abc" \
	"notuuid:/api/calendar/ics/staff/eli.ics?token=$tok_eli" \
	"noics:/api/calendar/ics/staff/$eli?token=$tok_eli"; do
	name=${c%%:*}
	st=$(nf "$name" "${c#*:}")
	check "a $name token or id is 404 (status $st)" test "$st" = 404
done
out=$(admin rotate-ics-token "Eli Engineer" 2>&1)
check "redlight rotate-ics-token prints the webcal:// and https:// URLs" sh -c \
	'echo "$1" | grep -qx "webcal://${2#http://}/api/calendar/ics/staff/$3.ics?token=$4" &&
	 echo "$1" | grep -qx "$2/api/calendar/ics/staff/$3.ics?token=$4"' - "$out" "http://127.0.0.1:8080" $eli "$(token $eli)"
st=$(nf rotated "/api/calendar/ics/staff/$eli.ics?token=$tok_eli")
check "the rotated token is 404 at once (status $st)" test "$st" = 404
for name in foreign unknown none short notuuid noics rotated; do
	check "the $name 404's body is byte for byte the wrong token's" cmp -s "$tmp/nf-wrong.body" "$tmp/nf-$name.body"
	check "and so are its headers, but for Date and X-Request-Id" sh -c \
		'[ "$(cat "$1")" = "$(cat "$2")" ]' - "$(nf_heads wrong >"$tmp/h1"; echo "$tmp/h1")" \
		"$(nf_heads "$name" >"$tmp/h2"; echo "$tmp/h2")"
done
check "the 404 is the JSON error not_found, naming nothing" python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not (d == {"error": {"code": "not_found", "message": "no such feed"}}))' "$tmp/nf-wrong.body"
tok_eli=$(token $eli)
st=$(feed $eli "$tok_eli")
check "the new token works (status $st)" test "$st" = 200
check "rotating is audited, without the token" test "$(sql "SELECT count(*) FROM audit_log
	WHERE action = 'ics_token_rotate' AND entity_id = '$eli' AND diff_json::text NOT LIKE '%$tok_eli%'")" = 1
out=$(cd "$tmp" && DATABASE_URL=$url REDLIGHT_PASSWORD=redlight-demo "$redlight" rotate-ics-token Priya \
	--as engineer@redlight.test 2>&1)
rc=$?
check "a staff member may not rotate a token (exit $rc: $out)" sh -c \
	'[ "$1" != 0 ] && [ "$2" = "$3" ]' - "$rc" "$(token $priya)" "$tok_priya"
out=$(admin rotate-ics-token nobody 2>&1)
rc=$?
check "an unknown staff member is an error naming them (exit $rc: $out)" sh -c \
	'[ "$1" != 0 ] && echo "$2" | grep -q nobody' - "$rc" "$out"
out=$(admin rotate-ics-token Priya --json 2>&1)
check "--json gives both URLs" python3 -c 'import json, sys
f = json.loads(sys.argv[1])["feed"]
sys.exit(not (f["webcal_url"].startswith("webcal://") and f["https_url"].startswith("http") and f["staff_id"] == sys.argv[2]))' \
	"$out" $priya

check "redlightd logged no error" sh -c '! grep -qiE "internal error|assert|sanitizer" "$1" "$2"' - \
	"$tmp/main.log" "$tmp/main2.log"
echo "1..$n"
