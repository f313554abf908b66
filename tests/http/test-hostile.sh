#!/bin/sh
# test-hostile.sh: redlightd against what an attacker sends (issue 15):
# bodies that are not strict JSON or not UTF-8, text fields with control
# characters, ambiguous request framing (request smuggling), hostile static
# paths, what h2o refuses itself, the security headers, the caps on event
# streams and the rate limits of search, quote, booking detail and hold
# release. Each case must get a 4xx JSON answer (or, for the requests h2o
# refuses before any handler, the answer redlightd(8) documents), change
# nothing in the database, and leave the server answering a normal
# search. The cases are in tests/http/hostile.py (raw sockets, python3's
# standard library); this script makes the database, the artist and her
# booking and hold, and the servers. Prints TAP. Runs under
# tests/lib/with-pg (re-executing itself through it).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_begin hostile

make_db
DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER=0 REDLIGHT_MAX_BODY_BYTES=4096 \
	REDLIGHT_STATIC_DIR="$top_srcdir/web/static" \
	start_main --healthy "$tmp/main.log" "redlightd starts and connects"

room_b=00000000-0000-4000-8000-0000000000a2
week_day
jar=$tmp/ari.jar
status=$(http POST /api/auth/register -c "$jar" -H 'Content-Type: application/json' \
	--data-binary '{"email":"ari@example.com","password":"correct horse","name":"Ari"}')
check "an artist registers" test "$status" = 201
status=$(http POST /api/bookings -b "$jar" -H "Origin: $base" -H 'Content-Type: application/json' \
	--data-binary "{\"room_id\":\"$room_b\",\"start_at\":\"$(at 10:00)\",\"end_at\":\"$(at 11:00)\"}")
check "she books Studio B at 10:00 on $day" test "$status" = 201
booking=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["booking_id"])' "$tmp/body" 2>/dev/null)
status=$(http POST /api/holds -b "$jar" -H "Origin: $base" -H 'Content-Type: application/json' \
	--data-binary "{\"room_id\":\"$room_b\",\"start_at\":\"$(at 14:00)\",\"end_at\":\"$(at 15:00)\"}")
check "and holds 14:00" test "$status" = 201
hold=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["hold_id"])' "$tmp/body" 2>/dev/null)
cookie=$(awk '$6 == "rl_session" { print $7 }' "$jar")

# A second server with the caps and limits low enough to reach: 3 event
# streams in all, 2 per address, and a tenth of every rate limit (search
# 30 a minute, booking detail and hold release 12).
DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0.1 REDLIGHT_WORKER=0 REDLIGHT_MAX_EVENT_STREAMS=3 \
	REDLIGHT_MAX_EVENT_STREAMS_PER_CLIENT=2 \
	start_redlightd "$tmp/limited.log" --config "$tmp/empty.conf" --listen 127.0.0.1:0 || {
	not_ok "the limited redlightd starts" "$(cat "$tmp/limited.log")"
	echo "Bail out! the limited redlightd did not start"
	exit 1
}
limited=$base
base=$main
ok "a second redlightd with low caps starts ($limited)"

# Each value joined to its option with "=": the session token is base64url
# and starts with "-" once in 64, which argparse takes for an option.
python3 "$top_srcdir/tests/http/hostile.py" --first=$((n + 1)) --base="$main" --limited="$limited" \
	--db="$url" --cookie="$cookie" --booking="$booking" --hold="$hold" --day="$day" --room="$room_b" \
	--static="$top_srcdir/web/static" --log="$tmp/main.log" --log="$tmp/limited.log"
