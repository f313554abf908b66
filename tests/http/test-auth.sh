#!/bin/sh
# test-auth.sh: accounts, sessions, the same-origin rule, Idempotency-Key,
# rate limits and hostile bodies, over real HTTP against a real PostgreSQL.
# Makes a throwaway database, migrates and seeds it with the redlight
# binary, starts redlightd instances on free ports and checks their
# answers with curl, python3 and psql. Prints TAP. Runs under
# tests/lib/with-pg (re-executing itself through it).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_begin auth

# cookie: the rl_session value the last response set, or nothing.
cookie() {
	header set-cookie | sed -n 's/^rl_session=\([^;]*\);.*/\1/p'
}

# ---- the database ----
make_db

# ---- the main redlightd: limits high enough never to get in the way ----
DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=1000 \
	start_main --healthy "$tmp/main.log" "redlightd starts and connects"

# ---- register ----
status=$(post /api/auth/register '{"email":"  Nina.Singer@Example.COM ","password":"correct horse","name":" Zoë Keating "}')
check "register answers 201" test "$status" = 201
check "register returns the new artist, email lower-cased and name trimmed" body_json '
u = d["user"]
sys.exit(not (set(d) == {"user"} and u["email"] == "nina.singer@example.com" and u["name"] == "Zoë Keating"
    and u["role"] == "artist" and len(u["id"]) == 36))'
nina_id=$(body_json 'print(d["user"]["id"])')
nina=$(cookie)
setcookie=$(header set-cookie)
check "register sets a 43-character base64url session cookie" sh -c \
	'printf "%s" "$1" | grep -Eq "^[A-Za-z0-9_-]{43}$"' - "$nina"
check "the cookie is HttpOnly, SameSite=Lax, Path=/, 30 days, and not Secure over plain HTTP" \
	test "$setcookie" = "rl_session=$nina; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000"
check "the password is stored as an argon2id hash" test \
	"$(sql "SELECT password_hash LIKE '\$argon2id\$%' FROM app_user WHERE email = 'nina.singer@example.com'")" = t
token_hash=$(python3 -c 'import base64, hashlib, sys
t = sys.argv[1]
print(hashlib.sha256(base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))).hexdigest())' "$nina" 2>/dev/null)
check "the session row holds the token's SHA-256, never the token, expiring in 30 days" test \
	"$(sql "SELECT count(*) FROM session WHERE user_id = '$nina_id' AND token_hash = '\\x$token_hash'::bytea
		AND expires_at BETWEEN now() + interval '29 days 23 hours' AND now() + interval '30 days 1 hour'")" = 1
check "no session row holds the token itself" test \
	"$(sql "SELECT count(*) FROM session WHERE encode(token_hash, 'escape') LIKE '%$nina%'")" = 0

status=$(post /api/auth/register '{"email":"NINA.SINGER@example.com","password":"another password","name":"Impostor"}')
check "registering the same email again (any case) is 409 email_taken" is_error "$status" 409 email_taken email
check "and creates no second account" test \
	"$(sql "SELECT count(*) FROM app_user WHERE email = 'nina.singer@example.com'")" = 1

status=$(post /api/auth/register '{"email":"not-an-email","password":"0123456789","name":"A"}')
check "a malformed email is 400 invalid naming email" is_error "$status" 400 invalid email
status=$(post /api/auth/register '{"email":"ari@localhost","password":"0123456789","name":"A"}')
check "an email without a dotted domain is 400 naming email" is_error "$status" 400 invalid email
status=$(post /api/auth/register '{"email":"short@example.com","password":"123456789","name":"A"}')
check "a 9-character password is 400 naming password" is_error "$status" 400 invalid password
check "the message says 10 to 128 characters" message_has "10 to 128 characters"
long=$(python3 -c 'print("x" * 129)')
status=$(post /api/auth/register "{\"email\":\"long@example.com\",\"password\":\"$long\",\"name\":\"A\"}")
check "a 129-character password is 400 naming password" is_error "$status" 400 invalid password
status=$(post /api/auth/register '{"email":"noname@example.com","password":"0123456789"}')
check "a missing name is 400 'name is required'" sh -c \
	'[ "$1" = ok ] && python3 -c "import json, sys
sys.exit(json.load(open(sys.argv[1]))[\"error\"][\"message\"] != \"name is required\")" "$2"' \
	- "$(is_error "$status" 400 invalid name && echo ok)" "$tmp/body"
status=$(post /api/auth/register '{"email":5,"password":"0123456789","name":"A"}')
check "an email that is a number is 400 'email must be a string'" sh -c \
	'[ "$1" = ok ] && python3 -c "import json, sys
sys.exit(json.load(open(sys.argv[1]))[\"error\"][\"message\"] != \"email must be a string\")" "$2"' \
	- "$(is_error "$status" 400 invalid email && echo ok)" "$tmp/body"
status=$(post /api/auth/register '{"email":null,"password":"0123456789","name":"A"}')
check "a null email is 400 naming email" is_error "$status" 400 invalid email
status=$(post /api/auth/register '{"email":"nul@example.com","password":"0123456789","name":"A\u0000B"}')
check "a string holding NUL is 400 naming the field" is_error "$status" 400 invalid name
status=$(post /api/auth/register '{"email":"ctl@example.com","password":"0123456789","name":"\u001b[31mred"}')
check "a name with control characters is 400 naming name" is_error "$status" 400 invalid name
status=$(post /api/auth/register '{"email":"x@example.com","password":"0123456789","name":"A"')
check "a truncated JSON body is 400 invalid_json" is_error "$status" 400 invalid_json
status=$(post /api/auth/register "{'email':}")
check "malformed JSON is 400 invalid_json" is_error "$status" 400 invalid_json
status=$(post /api/auth/register '{"email":"x@example.com","password":"0123456789","name":"A",}')
check "a trailing comma is 400 invalid_json" is_error "$status" 400 invalid_json
status=$(post /api/auth/register '{"email":"x@example.com","password":"0123456789","name":"A"} {}')
check "a second document after the first is 400 invalid_json" is_error "$status" 400 invalid_json
status=$(post /api/auth/register '["x@example.com","0123456789","A"]')
check "a JSON array instead of an object is 400 invalid_json" is_error "$status" 400 invalid_json
status=$(post /api/auth/register '')
check "an empty body is 400 invalid_json" is_error "$status" 400 invalid_json
status=$(http POST /api/auth/register -H 'Content-Type: application/json' --data-binary @/dev/null)
check "no body at all is 400 invalid_json" is_error "$status" 400 invalid_json
printf '{"email":"bad@example.com","password":"0123456789","name":"\377\376"}' > "$tmp/latin1.json"
status=$(http POST /api/auth/register -H 'Content-Type: application/json' --data-binary @"$tmp/latin1.json")
check "a body that is not UTF-8 is 400 invalid_json" is_error "$status" 400 invalid_json
status=$(http POST /api/auth/register -H 'Content-Type: text/plain' \
	--data-binary '{"email":"tp@example.com","password":"0123456789","name":"A"}')
check "a body sent as text/plain is 415 unsupported_media_type" is_error "$status" 415 unsupported_media_type
status=$(http POST /api/auth/register --data-urlencode 'email=form@example.com')
check "a form post is 415 unsupported_media_type" is_error "$status" 415 unsupported_media_type
status=$(post /api/auth/register '{"email":"cs@example.com","password":"0123456789","name":"Charset"}' \
	-H 'Content-Type: Application/JSON; charset=utf-8')
check "Content-Type application/json with a charset parameter is taken" test "$status" = 201
python3 -c 'print("[" * 10000)' > "$tmp/deep.json"
status=$(http POST /api/auth/register -H 'Content-Type: application/json' --data-binary @"$tmp/deep.json")
check "10000 nested '[' are 400 invalid_json" is_error "$status" 400 invalid_json
check "the message names the depth limit" message_has "nested deeper than 8"
# exactly 8 levels (the object and 7 arrays) is within the limit: read,
# then refused for what it says, not for its depth
status=$(post /api/auth/register '{"email":[[[[[[[1]]]]]]],"password":"0123456789","name":"Deep"}')
check "a body nested exactly 8 levels is read: 400 for its email, not its depth" \
	sh -c '[ "$1" = 400 ] && ! grep -q "nested deeper" "$2" && grep -q "email" "$2"' - "$status" "$tmp/body"
python3 -c 'print("{\"email\":" + "{\"a\":" * 5000 + "1" + "}" * 5000 + "}")' > "$tmp/deep2.json"
status=$(http POST /api/auth/register -H 'Content-Type: application/json' --data-binary @"$tmp/deep2.json")
check "5000 nested objects inside a field are 400 invalid_json" is_error "$status" 400 invalid_json
python3 -c 'print("{\"email\":\"big@example.com\",\"password\":\"0123456789\",\"name\":\"" + "n" * 70000 + "\"}")' \
	> "$tmp/big.json"
status=$(http POST /api/auth/register -H 'Content-Type: application/json' --data-binary @"$tmp/big.json")
check "a body over max_body_bytes (65536) is 413" test "$status" = 413
check "none of the bad registrations created an account" test \
	"$(sql "SELECT count(*) FROM app_user WHERE role = 'artist'")" = 3

# ---- login ----
status=$(post /api/auth/login '{"email":"Artist@Redlight.Test","password":"redlight-demo"}')
check "login with the right password answers 200" test "$status" = 200
check "login returns the account" body_json '
sys.exit(d != {"user": {"id": "00000000-0000-4000-8000-000000000005", "email": "artist@redlight.test",
    "name": "Ari Artist", "role": "artist"}})'
ari=$(cookie)
check "login sets a new session cookie" sh -c 'printf "%s" "$1" | grep -Eq "^[A-Za-z0-9_-]{43}$"' - "$ari"

# the first unknown email also makes the dummy hash: time a later one
post /api/auth/login '{"email":"nobody@redlight.test","password":"warm up"}' >/dev/null
start=$(date +%s%N)
status=$(post /api/auth/login '{"email":"artist@redlight.test","password":"wrong password"}')
t_wrong=$(( $(date +%s%N) - start ))
check "a wrong password is 401 'wrong email or password'" sh -c \
	'[ "$1" = 401 ] && python3 -c "import json, sys
sys.exit(json.load(open(sys.argv[1])) != {\"error\": {\"code\": \"unauthorized\", \"message\": \"wrong email or password\"}})" "$2"' \
	- "$status" "$tmp/body"
check "a wrong password sets no cookie" test -z "$(header set-cookie)"
cp "$tmp/body" "$tmp/wrong.body"
start=$(date +%s%N)
status=$(post /api/auth/login '{"email":"nobody@redlight.test","password":"wrong password"}')
t_unknown=$(( $(date +%s%N) - start ))
check "an unknown email is 401 with exactly the same body" sh -c \
	'[ "$1" = 401 ] && cmp -s "$2" "$3"' - "$status" "$tmp/body" "$tmp/wrong.body"
# argon2id takes tens of milliseconds; a lookup alone takes one or two.
# The fastest of three of each: a busy machine only ever adds time, so
# one slow wrong-password answer cannot fail the check.
login_ns() {
	start=$(date +%s%N)
	post /api/auth/login "$1" >/dev/null
	echo $(( $(date +%s%N) - start ))
}
for _ in 1 2; do
	t=$(login_ns '{"email":"artist@redlight.test","password":"wrong password"}')
	[ "$t" -lt "$t_wrong" ] && t_wrong=$t
	t=$(login_ns '{"email":"nobody@redlight.test","password":"wrong password"}')
	[ "$t" -lt "$t_unknown" ] && t_unknown=$t
done
check "an unknown email takes as long as a wrong password (a dummy hash is checked)" \
	test "$t_unknown" -gt $((t_wrong / 3))
status=$(post /api/auth/login '{"email":"artist@redlight.test"}')
check "a login without a password is 400 naming password" is_error "$status" 400 invalid password
status=$(post /api/auth/login '{"email":"artist@redlight.test","password":["redlight-demo"]}')
check "a password that is not a string is 400 naming password" is_error "$status" 400 invalid password

# ---- session ----
status=$(http GET /api/auth/session -H "Cookie: rl_session=$ari")
check "GET /api/auth/session with the cookie is 200 with the account" sh -c \
	'[ "$1" = 200 ] && python3 -c "import json, sys
sys.exit(json.load(open(sys.argv[1]))[\"user\"][\"email\"] != \"artist@redlight.test\")" "$2"' \
	- "$status" "$tmp/body"
status=$(http GET /api/auth/session -H "Cookie: theme=dark; rl_session=$nina; lang=en")
check "the cookie is found among others" sh -c \
	'[ "$1" = 200 ] && python3 -c "import json, sys
sys.exit(json.load(open(sys.argv[1]))[\"user\"][\"name\"] != \"Zoë Keating\")" "$2"' \
	- "$status" "$tmp/body"
status=$(http GET /api/auth/session)
check "GET /api/auth/session without a cookie is 401" is_error "$status" 401 unauthorized
status=$(http GET /api/auth/session -H "Cookie: rl_session=AAAA${ari#????}")
check "a forged session token is 401" is_error "$status" 401 unauthorized
status=$(http GET /api/auth/session -H "Cookie: rl_session=not-base64!")
check "a malformed session cookie is 401" is_error "$status" 401 unauthorized
sql "UPDATE session SET expires_at = now() - interval '1 second' WHERE user_id = '$nina_id'" >/dev/null
status=$(http GET /api/auth/session -H "Cookie: rl_session=$nina")
check "an expired session is 401" is_error "$status" 401 unauthorized

# ---- the same-origin rule ----
status=$(http POST /api/auth/logout -H "Cookie: rl_session=$ari" -H 'Origin: http://evil.example')
check "a POST with our cookie from a foreign Origin is 403 forbidden" sh -c \
	'[ "$1" = 403 ] && python3 -c "import json, sys
sys.exit(json.load(open(sys.argv[1])) != {\"error\": {\"code\": \"forbidden\", \"message\": \"cross-site request refused\"}})" "$2"' \
	- "$status" "$tmp/body"
status=$(http POST /api/auth/logout -H "Cookie: rl_session=$ari" -H 'Origin: null')
check "Origin: null is refused" is_error "$status" 403 forbidden
status=$(http POST /api/auth/logout -H "Cookie: rl_session=$ari" \
	-H "Origin: ${main%:*}:1")
check "our host on another port is refused" is_error "$status" 403 forbidden
status=$(http POST /api/auth/logout -H "Cookie: rl_session=$ari")
check "a POST with our cookie and neither Origin nor Referer is 403" is_error "$status" 403 forbidden
status=$(http POST /api/auth/logout -H "Cookie: rl_session=$ari" -H 'Referer: http://evil.example/page')
check "a foreign Referer (no Origin) is 403" is_error "$status" 403 forbidden
status=$(http GET /api/auth/session -H "Cookie: rl_session=$ari")
check "the refused logouts left the session alone" test "$status" = 200
status=$(post /api/auth/login '{"email":"artist@redlight.test","password":"redlight-demo"}' \
	-H 'Origin: https://evil.example')
check "a cross-site login is refused even without a cookie (login CSRF)" is_error "$status" 403 forbidden
status=$(post /api/auth/login '{"email":"artist@redlight.test","password":"redlight-demo"}' \
	-H "Cookie: rl_session=$ari" -H "Referer: $main/book?room=a")
check "a same-origin Referer (no Origin) with the cookie is accepted" test "$status" = 200
ari2=$(cookie)
status=$(post /api/auth/login '{"email":"artist@redlight.test","password":"redlight-demo"}' \
	-H "Cookie: rl_session=$ari" -H "Origin: $(echo "$main" | sed 's/^http:/HTTP:/')")
check "the Origin's scheme compares without case" test "$status" = 200

# ---- logout ----
status=$(http POST /api/auth/logout -H "Cookie: rl_session=$ari" -H "Origin: $main")
check "a same-origin logout is 204" test "$status" = 204
check "logout clears the cookie" test "$(header set-cookie)" = \
	"rl_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"
check "the 204 has no body" test ! -s "$tmp/body"
status=$(http GET /api/auth/session -H "Cookie: rl_session=$ari")
check "after logout the old cookie is 401" is_error "$status" 401 unauthorized
status=$(http GET /api/auth/session -H "Cookie: rl_session=$ari2")
check "the artist's other session still works" test "$status" = 200
token_hash=$(python3 -c 'import base64, hashlib, sys
t = sys.argv[1]
print(hashlib.sha256(base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))).hexdigest())' "$ari")
check "the logged-out session row is gone" test \
	"$(sql "SELECT count(*) FROM session WHERE token_hash = '\\x$token_hash'::bytea")" = 0
status=$(http POST /api/auth/logout)
check "logout without a session is 204 too" test "$status" = 204

# ---- Idempotency-Key ----
reg='{"email":"idem@example.com","password":"0123456789","name":"Idem Potent"}'
status=$(post /api/auth/register "$reg" -H 'Idempotency-Key: reg-1')
check "register with an Idempotency-Key answers 201" test "$status" = 201
cp "$tmp/body" "$tmp/first.body"
check "the first answer is not marked replayed" test -z "$(header idempotent-replayed)"
status=$(post /api/auth/register "$reg" -H 'Idempotency-Key: reg-1')
check "the same key and body replay 201" test "$status" = 201
check "with the same body" cmp -s "$tmp/body" "$tmp/first.body"
check "marked Idempotent-Replayed: true" test "$(header idempotent-replayed)" = true
check "a replay sets no cookie" test -z "$(header set-cookie)"
check "only one account was created" test "$(sql "SELECT count(*) FROM app_user WHERE email = 'idem@example.com'")" = 1
status=$(post /api/auth/register '{"email":"idem2@example.com","password":"0123456789","name":"Other"}' \
	-H 'Idempotency-Key: reg-1')
check "the same key with another body is 422 idempotency_key_reused" \
	is_error "$status" 422 idempotency_key_reused
check "and creates nothing" test "$(sql "SELECT count(*) FROM app_user WHERE email = 'idem2@example.com'")" = 0
status=$(post /api/auth/register "$reg" -H 'Idempotency-Key: reg-2')
check "a new key with a taken email is 409 email_taken" is_error "$status" 409 email_taken email
status=$(post /api/auth/register "$reg" -H 'Idempotency-Key: reg-2')
check "the stored 409 is replayed" sh -c '[ "$1" = 409 ] && [ "$2" = true ]' - "$status" \
	"$(header idempotent-replayed)"
status=$(post /api/auth/register "$reg" -H "Idempotency-Key: $(python3 -c 'print("k" * 256)')")
check "a 256-character key is 400 naming Idempotency-Key" is_error "$status" 400 invalid Idempotency-Key
status=$(post /api/auth/register "$reg" -H "Idempotency-Key: $(printf 'a\tb')")
check "a key with a control character is 400" is_error "$status" 400 invalid Idempotency-Key
status=$(post /api/auth/register '{"email":"idem3@example.com","password":"0123456789","name":"Three"}' \
	-H "Idempotency-Key: $(python3 -c 'print("k" * 255)')")
check "a 255-character key is taken" test "$status" = 201

# the same key sent five times at once: one account, one answer for all
reg4='{"email":"idem4@example.com","password":"0123456789","name":"Four"}'
dups=
for i in 1 2 3 4 5; do
	curl -s -o "$tmp/dup$i.body" -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
		-H 'Idempotency-Key: reg-4' --data-binary "$reg4" \
		"$main/api/auth/register" >"$tmp/dup$i.status" &
	dups="$dups $!"
done
# shellcheck disable=SC2086
wait $dups
check "five concurrent requests with one key all answer 201" test \
	"$(cat "$tmp"/dup?.status | sort -u)" = 201
check "with the same body" sh -c 'for f in "$1"/dup?.body; do cmp -s "$f" "$1/dup1.body" || exit 1; done' - "$tmp"
check "and one account was created" test \
	"$(sql "SELECT count(*) FROM app_user WHERE email = 'idem4@example.com'")" = 1
sql "UPDATE idempotency_key SET created_at = now() - interval '25 hours' WHERE key = 'reg-1'" >/dev/null
status=$(post /api/auth/register '{"email":"idem5@example.com","password":"0123456789","name":"Five"}' \
	-H 'Idempotency-Key: reg-1')
check "a key older than 24 hours starts afresh" test "$status" = 201
check "the key's row now holds the new answer" test \
	"$(sql "SELECT status_code || ' ' || (response_body::json->'user'->>'email') FROM idempotency_key WHERE key = 'reg-1'")" \
	= "201 idem5@example.com"
status=$(post /api/auth/register "$reg" -H 'Idempotency-Key: reg-6' \
	-H 'Origin: http://evil.example')
check "a refused request stores nothing under its key" sh -c \
	'[ "$1" = 403 ] && [ "$2" = 0 ]' - "$status" "$(sql "SELECT count(*) FROM idempotency_key WHERE key = 'reg-6'")"

# ---- the loop never waits for argon2id ----
# Eight logins keep the hashing threads busy; /healthz, sent just after
# them, must answer before even the first login does. Were the hashing on
# the loop, the loop would be stuck in one hash or another by then, and
# that login would be answered first.
python3 - "${main#http://}" >"$tmp/concurrency.out" 2>&1 <<'EOF'
import socket, sys, threading, time
host, port = sys.argv[1].rsplit(":", 1)
done = {}
def req(name, data):
    s = socket.create_connection((host, int(port)), timeout=30)
    s.sendall(data)
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    done[name] = time.monotonic()
    s.close()
body = b'{"email":"artist@redlight.test","password":"redlight-demo"}'
login = (b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)) + body
threads = [threading.Thread(target=req, args=("login%d" % i, login)) for i in range(8)]
for t in threads:
    t.start()
time.sleep(0.02)
h = threading.Thread(target=req, args=("health", b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
h.start()
for t in threads + [h]:
    t.join()
first_login = min(v for k, v in done.items() if k.startswith("login"))
print("healthz %.1f ms before the first login" % ((first_login - done["health"]) * 1000))
sys.exit(0 if len(done) == 9 and done["health"] < first_login else 1)
EOF
rc=$?
check "/healthz answers while eight logins are hashing" test "$rc" -eq 0
[ "$rc" -eq 0 ] || cat "$tmp/concurrency.out" | sed 's/^/# /'

# clients that hang up while their password is being hashed (h2o's HTTP/1
# stops reading while it handles a request, so it notices only when it
# writes the answer)
python3 - "${main#http://}" <<'EOF'
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
body = b'{"email":"artist@redlight.test","password":"redlight-demo"}'
for i in range(6):
    s = socket.create_connection((host, int(port)), timeout=5)
    s.sendall(b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body)
    s.close()
EOF
sleep 1
check "redlightd survives clients that hang up while their password is hashed" sh -c \
	'kill -0 "$1" && [ "$(curl -s -o /dev/null -w "%{http_code}" "$2/healthz")" = 200 ]' - "$main_pid" "$main"

# ---- rate limits ----
if DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0.2 \
	start_redlightd "$tmp/limited.log" --config "$tmp/empty.conf" --listen 127.0.0.1:0 && wait_health; then
	# auth allows 10 a minute; scaled by 0.2, two
	s1=$(post /api/auth/login '{"email":"artist@redlight.test","password":"wrong password"}')
	s2=$(post /api/auth/login '{"email":"artist@redlight.test","password":"wrong password"}')
	s3=$(post /api/auth/login '{"email":"artist@redlight.test","password":"redlight-demo"}')
	check "with rate_limit_scale 0.2 two logins pass" test "$s1 $s2" = "401 401"
	check "and the third is 429 rate_limited" is_error "$s3" 429 rate_limited
	retry=$(header retry-after)
	check "with Retry-After in whole seconds (1..30)" sh -c \
		'printf "%s" "$1" | grep -Eq "^[0-9]+$" && [ "$1" -ge 1 ] && [ "$1" -le 30 ]' - "$retry"
	check "the refusal set no cookie" test -z "$(header set-cookie)"
	s4=$(post /api/auth/register '{"email":"rl@example.com","password":"0123456789","name":"RL"}')
	check "register shares the auth limit" is_error "$s4" 429 rate_limited
	s5=$(http GET /api/auth/session)
	check "GET /api/auth/session is not limited" test "$s5" = 401
	stop_pid=$pid
	kill "$stop_pid" 2>/dev/null
	wait "$stop_pid" 2>/dev/null
else
	not_ok "redlightd starts with rate_limit_scale 0.2" "$(cat "$tmp/limited.log")"
fi

# ---- public_url: Secure cookies and its origin ----
if DATABASE_URL=$url REDLIGHT_PUBLIC_URL=https://Book.Example.test REDLIGHT_RATE_LIMIT_SCALE=0 \
	start_redlightd "$tmp/public.log" --config "$tmp/empty.conf" --listen 127.0.0.1:0 && wait_health; then
	status=$(post /api/auth/login '{"email":"artist@redlight.test","password":"redlight-demo"}' \
		-H 'Origin: https://book.example.test:443')
	check "with public_url set its origin may log in" test "$status" = 200
	pc=$(cookie)
	check "and the cookie is Secure" sh -c 'case "$1" in *"; Secure") exit 0;; esac; exit 1' - \
		"$(header set-cookie)"
	status=$(http POST /api/auth/logout -H "Cookie: rl_session=$pc" -H "Origin: $base")
	check "the server's own address is not our origin once public_url is set" is_error "$status" 403 forbidden
	status=$(http POST /api/auth/logout -H "Cookie: rl_session=$pc" -H 'Origin: http://book.example.test')
	check "nor is public_url's host over http" is_error "$status" 403 forbidden
	status=$(http POST /api/auth/logout -H "Cookie: rl_session=$pc" -H 'Origin: https://book.example.test')
	check "public_url's origin may log out" test "$status" = 204
	limited=0
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		[ "$(post /api/auth/login '{"email":1}')" = 429 ] && limited=$((limited + 1))
	done
	check "rate_limit_scale 0 turns the limits off" test "$limited" -eq 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
else
	not_ok "redlightd starts with public_url" "$(cat "$tmp/public.log")"
fi

REDLIGHT_RATE_LIMIT_SCALE=fast timeout 10 "$redlightd" --config "$tmp/empty.conf" \
	--listen 127.0.0.1:0 >/dev/null 2>"$tmp/err"
rc=$?
check "a bad REDLIGHT_RATE_LIMIT_SCALE stops redlightd, naming it" sh -c \
	'[ "$1" -ne 0 ] && [ "$1" -ne 124 ] && grep -q "REDLIGHT_RATE_LIMIT_SCALE: rate_limit_scale" "$2"' \
	- "$rc" "$tmp/err"

# ---- after all that ----
base=$main
status=$(http GET /healthz)
check "redlightd still serves /healthz after all the bad input" sh -c \
	'kill -0 "$1" && [ "$2" = 200 ]' - "$main_pid" "$status"
check "no request was answered 500" sh -c '! grep -q "\"status\":500" "$1"' - "$tmp/main.log"
kill -TERM "$main_pid"
wait "$main_pid"
rc=$?
pids=
check "redlightd stops cleanly (status 0)" test "$rc" -eq 0
check "no redlightd logged a sanitizer report" sh -c \
	'! cat "$@" 2>/dev/null | grep -Eq "AddressSanitizer|runtime error:|LeakSanitizer"' \
	- "$tmp/main.log" "$tmp/limited.log" "$tmp/public.log"

echo "1..$n"
