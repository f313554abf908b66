#!/bin/sh
# test-sms.sh: the artists' texts (issue 13), end to end: a real redlightd
# with its worker, a real PostgreSQL and the Twilio stand-in
# (tests/standins/twilio.py: Twilio's Messages API, HTTP Basic, keeps
# what it takes, fails on request). An artist gives a phone and opts in
# (PUT /api/me/phone, the number sealed at rest); their booking's
# "submitted" and "approved" go by text as well as by email; an artist
# who did not opt in gets email only; Twilio failing for a while
# delivers each text once after it recovers. Prints TAP.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_begin sms
unset REDLIGHT_SMTP_URL REDLIGHT_MAIL_FROM REDLIGHT_MAIL_DIR REDLIGHT_TEMPLATES_DIR

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---- the Twilio stand-in ----
sid=AC0123456789abcdef0123456789abcdef
tw_port=$(free_port)
python3 "$top_srcdir/tests/standins/twilio.py" --listen "127.0.0.1:$tw_port" --account-sid "$sid" \
	--auth-token tw-s3cret --sender +14165550000 2>"$tmp/twilio.log" &
pids="$pids $!"
tw="http://127.0.0.1:$tw_port"
i=0
while ! curl -fs -o /dev/null "$tw/_standin/messages" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "the Twilio stand-in starts" curl -fs -o /dev/null "$tw/_standin/messages"
texts() { curl -fs "$tw/_standin/messages" >"$tmp/texts.json"; }
# wait_texts N: until the stand-in holds N texts (20 s at most)
wait_texts() {
	i=0
	while texts && [ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$tmp/texts.json")" -lt "$1" ] &&
		[ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$tmp/texts.json")" -eq "$1" ]
}
# text_ok PYTHON: the condition holds with t = the texts, oldest first
text_ok() {
	python3 -c "import json, sys
t = json.load(open(sys.argv[1]))['messages']  # in the order the stand-in took them
sys.exit(not ($1))" "$tmp/texts.json"
}
check_why() {
	[ -f "$tmp/headers" ] && echo "last answer: $(head -n 1 "$tmp/headers") $(head -c 400 "$tmp/body")"
	echo "texts: $(head -c 1500 "$tmp/texts.json" 2>/dev/null)"
	tail -n 5 "$tmp/main.log"
}

# ---- the server ----
key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
make_db
DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER_RETRY_BASE_MS=300 \
	REDLIGHT_WORKER_RETRY_MAX_MS=600 REDLIGHT_WORKER_TIMEOUT_MS=5000 \
	REDLIGHT_MAIL_DIR="$tmp/mail" REDLIGHT_MAIL_FROM=bookings@redlight.test \
	REDLIGHT_TEMPLATES_DIR="$top_srcdir/templates" REDLIGHT_SECRET_KEY=$key \
	TWILIO_ACCOUNT_SID=$sid TWILIO_AUTH_TOKEN=tw-s3cret TWILIO_FROM=+14165550000 TWILIO_API_BASE=$tw \
	start_main --healthy "$tmp/main.log" "redlightd starts with Twilio's settings and a secret_key"
week_day
t12=$(at 12:00) t14=$(at 14:00) t15=$(at 15:00) t17=$(at 17:00)
room_b=00000000-0000-4000-8000-0000000000a2

register() {
	http POST /api/auth/register -c "$tmp/$1.jar" -H 'Content-Type: application/json' \
		--data-binary "{\"email\":\"$1@example.com\",\"password\":\"correct horse\",\"name\":\"$2\"}"
}
as() {
	who=$1 m=$2 p=$3 d=$4
	http "$m" "$p" -b "$tmp/$who.jar" -H "Origin: $base" -H 'Content-Type: application/json' --data-binary "$d"
}
check "Zoë and Max register" test "$(register zoe 'Zoë Artist')$(register max 'Max Artist')" = 201201

# ---- the phone ----
status=$(as zoe PUT /api/me/phone '{"phone":"call me","sms_opt_in":true}')
check "a phone that is no number: 400 on phone" sh -c '[ "$1" = 400 ] && grep -q "\"field\": *\"phone\"" "$2/body"' - "$status" "$tmp"
status=$(as zoe PUT /api/me/phone '{"phone":"","sms_opt_in":true}')
check "texts without a phone: 400 on sms_opt_in" sh -c '[ "$1" = 400 ] && grep -q "\"field\": *\"sms_opt_in\"" "$2/body"' - "$status" "$tmp"
check "without a session: 401" test "$(http PUT /api/me/phone -H 'Content-Type: application/json' \
	--data-binary '{"phone":"4165550123","sms_opt_in":true}')" = 401
status=$(as zoe PUT /api/me/phone '{"phone":"(416) 555-0123","sms_opt_in":true}')
check "Zoë gives her phone and opts in: 200" sh -c '[ "$1" = 200 ] && grep -q "\"sms_opt_in\": *true" "$2/body"' - "$status" "$tmp"
check "the phone is sealed at rest: no digits of it in the row" test \
	"$(sql "SELECT position('5550123' IN encode(phone_enc, 'escape')) = 0 AND encode(phone_enc, 'escape') LIKE 'v1:%' FROM app_user WHERE email = 'zoe@example.com'")" = t
check "Max gives a phone but does not opt in: 200" test \
	"$(as max PUT /api/me/phone '{"phone":"+442079460000","sms_opt_in":false}')" = 200

# ---- texts on submit and approve ----
status=$(as zoe POST /api/bookings "{\"room_id\":\"$room_b\",\"start_at\":\"$t12\",\"end_at\":\"$t14\"}")
check "Zoë books: 201" test "$status" = 201
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["booking_id"])' "$tmp/body")
code=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["code"])' "$tmp/body")
check "her booking has an email row and an SMS row" test \
	"$(sql "SELECT string_agg(channel || ' ' || template, ',' ORDER BY channel) FROM notification WHERE booking_id = '$id'")" = \
	"email submitted,sms submitted"
check "the stand-in receives \"submitted\" by text" wait_texts 1
check "to her number in E.164, from the studio's, naming the booking" text_ok "
t[0]['to'] == '+14165550123' and t[0]['from'] == '+14165550000' and '$code' in t[0]['body']"
check "both rows sent; the SMS row keeps Twilio's SID" test \
	"$(sql "SELECT string_agg(channel || ' ' || status || ' ' || coalesce(left(provider_ref, 2), '-'), ',' ORDER BY channel) FROM notification WHERE booking_id = '$id'")" = \
	"email sent -,sms sent SM"
out=$(cd "$tmp" && DATABASE_URL=$url REDLIGHT_PASSWORD=redlight-demo "$redlight" approve "$code" \
	--as admin@redlight.test 2>&1)
check "the admin approves ($out)" test "$(sql "SELECT status FROM booking WHERE id = '$id'")" = confirmed
check "the approval goes by text too" wait_texts 2
check "it is the approved message, to Zoë" text_ok "t[1]['to'] == '+14165550123' and '$code' in t[1]['body'] and t[1]['body'] != t[0]['body']"

status=$(as max POST /api/bookings "{\"room_id\":\"$room_b\",\"start_at\":\"$t15\",\"end_at\":\"$t17\"}")
max_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["booking_id"])' "$tmp/body")
check "Max books: 201" test "$status" = 201
i=0
while [ "$(sql "SELECT status FROM notification WHERE booking_id = '$max_id'")" != sent ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1)); done
check "Max, not opted in, gets the email and no text" sh -c '
[ "$(psql -XAtq "$1" -c "SELECT string_agg(channel || '\'' '\'' || status, '\'','\'') FROM notification WHERE booking_id = '\''$2'\''")" = "email sent" ]' \
	- "$url" "$max_id"
sleep 0.5
check "the stand-in still holds two texts" wait_texts 2

# ---- Twilio failing, then back ----
curl -fs -o /dev/null -X POST "$tw/_standin/faults" --data-binary '{"fail_rate": 1.0, "fail_status": 500}'
status=$(as zoe POST "/api/bookings/$id/reschedule" "{\"new_start_at\":\"$(at 18:00)\",\"new_end_at\":\"$(at 20:00)\"}")
check "Zoë moves her session while Twilio fails: 200" test "$status" = 200
sleep 2
check "the text waits, retried, with Twilio's error; the email went once" test \
	"$(sql "SELECT string_agg(channel || ' ' || status || ' ' || (attempts > 1) || ' ' || coalesce(error LIKE 'Twilio answered 500%', false), ',' ORDER BY channel) FROM notification WHERE booking_id = '$id' AND template = 'rescheduled'")" = \
	"email sent false false,sms pending true true"
curl -fs -o /dev/null -X POST "$tw/_standin/faults" --data-binary '{"fail_rate": 0.0}'
check "after Twilio recovers the text arrives" wait_texts 3
sleep 1.5
check "once: three texts in all, the last the reschedule" sh -c '
[ "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))[\"messages\"]))" "$1")" = 3 ]' - "$tmp/texts.json"
check "the row is sent" test \
	"$(sql "SELECT status FROM notification WHERE booking_id = '$id' AND template = 'rescheduled' AND channel = 'sms'")" = sent

# ---- forgetting the phone ----
check "Zoë forgets her phone: texts off" test "$(as zoe PUT /api/me/phone '{"phone":null,"sms_opt_in":false}')" = 200
check "the row holds no phone and no consent" test \
	"$(sql "SELECT (phone_enc IS NULL) || ' ' || sms_opt_in FROM app_user WHERE email = 'zoe@example.com'")" = "true false"

# ---- redlight notify-test sms ----
out=$(cd "$tmp" && DATABASE_URL=$url REDLIGHT_TEMPLATES_DIR="$top_srcdir/templates" REDLIGHT_SECRET_KEY=$key \
	TWILIO_ACCOUNT_SID=$sid TWILIO_AUTH_TOKEN=tw-s3cret TWILIO_FROM=+14165550000 TWILIO_API_BASE=$tw \
	"$redlight" notify-test sms --to "416-555-0142" 2>&1)
check "redlight notify-test sms sends a text through Twilio ($out)" sh -c 'echo "$1" | grep -q "Twilio message SM"' - "$out"
wait_texts 4
check "the stand-in has it, to the number in E.164" text_ok "
[x['to'] for x in t if 'test message' in x['body']] == ['+14165550142']"
out=$(cd "$tmp" && DATABASE_URL=$url REDLIGHT_TEMPLATES_DIR="$top_srcdir/templates" REDLIGHT_SECRET_KEY=$key \
	TWILIO_ACCOUNT_SID=$sid TWILIO_AUTH_TOKEN=wrong TWILIO_FROM=+14165550000 TWILIO_API_BASE=$tw \
	"$redlight" notify-test sms --to "416-555-0142" 2>&1)
rc=$?
check "with a wrong token: refused, saying Twilio's answer, in one line (exit $rc)" sh -c \
	'[ "$1" != 0 ] && echo "$2" | grep -q "Twilio answered 401" && [ "$(echo "$2" | wc -l)" = 1 ]' - "$rc" "$out"

echo "1..$n"
