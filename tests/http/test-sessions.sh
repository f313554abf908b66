#!/bin/sh
# test-sessions.sh: sessions kept in memory by redlightd (web/sesscache.h)
# stay true across processes. Two redlightd on one database: a session
# used on both is refused by the other as soon as it is logged out through
# one, deleted in SQL, or expired; an account's change reaches both; a
# process whose listening connection drops forgets what it kept. Prints
# TAP. Runs under tests/lib/with-pg (re-executing itself through it).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_begin sessions

make_db

# listening LOG: the redlightd writing LOG listens for changes (only then
# does it keep sessions).
listening() {
	i=0
	while [ $i -lt 100 ]; do
		grep -q 'listening for changes' "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=1000 \
	start_main --healthy "$tmp/a.log" "redlightd A starts"
a=$main
check "A listens for changes" listening "$tmp/a.log"
if DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=1000 \
	start_redlightd "$tmp/b.log" --config "$tmp/empty.conf" --listen 127.0.0.1:0 &&
	listening "$tmp/b.log"; then
	ok "redlightd B starts on the same database ($base)"
else
	not_ok "redlightd B starts on the same database" "$(cat "$tmp/b.log")"
	echo "Bail out! the second redlightd did not start"
	exit 1
fi
b=$base

# on SERVER COOKIE: the status of GET /api/auth/session at SERVER.
on() {
	base=$1
	http GET /api/auth/session -H "Cookie: rl_session=$2"
}
# login: a new session of the demo artist, through A; prints its cookie.
login() {
	base=$a
	post /api/auth/login '{"email":"artist@redlight.test","password":"redlight-demo"}' >/dev/null
	header set-cookie | sed -n 's/^rl_session=\([^;]*\);.*/\1/p'
}
# refused SERVER COOKIE: SERVER answers 401 for the cookie within 2 s (a
# notice's delivery).
refused() {
	i=0
	while [ $i -lt 20 ]; do
		[ "$(on "$1" "$2")" = 401 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# both_accept COOKIE: A and B both answer 200 for it.
both_accept() {
	[ "$(on "$a" "$1")" = 200 ] && [ "$(on "$b" "$1")" = 200 ]
}
hash_of() {
	python3 -c 'import base64, hashlib, sys
t = sys.argv[1]
print(hashlib.sha256(base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))).hexdigest())' "$1"
}

# ---- a logout through one reaches the other ----
s1=$(login)
check "a session works on A and on B" both_accept "$s1"
check "and again (now from memory)" both_accept "$s1"
base=$a
status=$(http POST /api/auth/logout -H "Cookie: rl_session=$s1" -H "Origin: $a")
check "logging out through A is 204" test "$status" = 204
check "A refuses the cookie at once" test "$(on "$a" "$s1")" = 401
check "B refuses it too, within a notice's delivery" refused "$b" "$s1"

# ---- a session deleted in SQL ----
s2=$(login)
check "a second session works on both" both_accept "$s2"
sql "DELETE FROM session WHERE token_hash = '\\x$(hash_of "$s2")'::bytea" >/dev/null
check "deleted in SQL, A refuses it" refused "$a" "$s2"
check "and B refuses it" refused "$b" "$s2"

# ---- expiry, checked from memory ----
s3=$(login)
sql "UPDATE session SET expires_at = now() + interval '2 seconds'
	WHERE token_hash = '\\x$(hash_of "$s3")'::bytea" >/dev/null
sleep 0.3
check "a session about to expire still works on both" both_accept "$s3"
sleep 2
check "once expired, A refuses it" test "$(on "$a" "$s3")" = 401
check "and B refuses it" test "$(on "$b" "$s3")" = 401

# ---- an account's change ----
s4=$(login)
check "a fourth session works on both" both_accept "$s4"
sql "UPDATE app_user SET name = 'Renamed Artist' WHERE email = 'artist@redlight.test'" >/dev/null
renamed() {
	i=0
	while [ $i -lt 20 ]; do
		on "$1" "$s4" >/dev/null
		body_json 'sys.exit(d["user"]["name"] != "Renamed Artist")' && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
check "the account's new name reaches A" renamed "$a"
check "and B" renamed "$b"

# ---- what is kept is kept in memory, and dropped with the listener ----
# With the trigger off nothing tells B; B's answer comes from memory.
sql "ALTER TABLE session DISABLE TRIGGER session_gone_notify;
	DELETE FROM session WHERE token_hash = '\\x$(hash_of "$s4")'::bytea;
	ALTER TABLE session ENABLE TRIGGER session_gone_notify" >/dev/null
check "B answers a known session from memory, without a query" test "$(on "$b" "$s4")" = 200
sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	WHERE datname = current_database() AND application_name = 'redlightd-listen'" >/dev/null
check "when its listening connection drops, B forgets what it kept" refused "$b" "$s4"
check "and A too" refused "$a" "$s4"
check "B listens again" sh -c 'i=0; while [ $i -lt 100 ]; do
	grep -q "listening again for changes" "$1" && exit 0; sleep 0.1; i=$((i + 1)); done; exit 1' - "$tmp/b.log"
s5=$(login)
check "after that a new session works on both" both_accept "$s5"
base=$b
status=$(http POST /api/auth/logout -H "Cookie: rl_session=$s5" -H "Origin: $b")
check "logging out through B is 204" test "$status" = 204
check "A refuses that cookie within a notice's delivery" refused "$a" "$s5"

echo "1..$n"
