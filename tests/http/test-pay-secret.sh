#!/bin/sh
# test-pay-secret.sh: POST /api/bookings answers with the PaymentIntent's
# client_secret. With payments off its payment is null and the page may
# not use the Payment Request API; with Stripe configured the answer waits
# (after the commit, off the loop) for the worker's intent and carries a
# client_secret that the Stripe stand-in confirms, and the page may use the
# Payment Request API with Stripe; a replay under the same Idempotency-Key
# reads the secret again (none is stored with the key); with the stand-in
# failing, the answer comes within the wait with client_secret null and the
# payment's URL, where the secret appears once Stripe is back; a client that
# leaves while its booking waits, and a server stopped meanwhile, hurt
# nothing. Real redlightd with its worker, the Stripe stand-in, real
# PostgreSQL. Prints TAP.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_begin paysecret

SK=sk_test_redlight_standin PK=pk_test_redlight_standin WH=whsec_redlight_standin
room_b=00000000-0000-4000-8000-0000000000a2
nina=$tmp/nina.jar
# book HH:MM [CURL-ARGS]: Nina asks for an hour of Studio B at HH:MM on
# $day (at most 10 s: never a hung request); sets status and id.
book() {
	t=$1
	shift
	status=$(http POST /api/bookings -b "$nina" -H "Origin: $base" -H 'Content-Type: application/json' \
		--max-time 10 --data-binary "{\"room_id\":\"$room_b\",\"start_at\":\"$(at "$t")\",\"end_at\":\"$(at_plus "$t")\"}" "$@")
	id=$(body_json 'print(d["booking_id"])')
}
at_plus() { sql "SELECT json_utc(('$day'::date + time '$1' + interval '1 hour') AT TIME ZONE 'America/Toronto')"; }
faults() { curl -s -o /dev/null -X POST "$sbase/_standin/faults" --data-binary "$1"; }
# secret_ok: the last answer's payment has a client_secret of an intent
# that still wants its card
secret_ok() {
	body_json "p = d['payment']
sys.exit(not (p['client_secret'].startswith('pi_') and '_secret_' in p['client_secret']
	and p['status'] == 'requires_payment_method' and p['url'] == '/api/bookings/%s/payment' % d['booking_id']
	and d['client_secret'] == p['client_secret']))"
}

make_db
week_day
static=$top_srcdir/web/static

# ---- payments off: no wait, payment null ----
DATABASE_URL=$url REDLIGHT_STATIC_DIR=$static REDLIGHT_RATE_LIMIT_SCALE=0 \
	start_main --healthy "$tmp/off.log" "redlightd starts without Stripe keys (payments off)"
status=$(http POST /api/auth/register -c "$nina" -H 'Content-Type: application/json' \
	--data-binary '{"email":"nina@example.com","password":"correct horse","name":"Nina Singer"}')
check "artist Nina registers" test "$status" = 201
book 09:00
check "with payments off a booking answers 201 with payment null" eval \
	'[ "$status" = 201 ] && body_json "sys.exit(not (\"payment\" in d and d[\"payment\"] is None and \"client_secret\" in d and d[\"client_secret\"] is None and d[\"quote\"][\"deposit_cents\"] > 0))"'
http GET / >/dev/null
check "... and the page's Permissions-Policy turns the Payment Request API off" \
	test "$(header Permissions-Policy | grep -o 'payment=[^,]*')" = "payment=()"
http GET /healthz >/dev/null
check "... on every answer" test "$(header Permissions-Policy | grep -o 'payment=[^,]*')" = "payment=()"
check "redlightd stops" stop "$main_pid"

# ---- payments on ----
stripe_port
# a retry comes after 0.5 to 2 s, so a Stripe failing for the whole wait
# uses a few of a job's 8 attempts
DATABASE_URL=$url REDLIGHT_STATIC_DIR=$static REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER_RETRY_BASE_MS=1000 REDLIGHT_WORKER_RETRY_MAX_MS=2000 \
	STRIPE_SECRET_KEY=$SK STRIPE_PUBLISHABLE_KEY=$PK STRIPE_WEBHOOK_SECRET=$WH STRIPE_API_BASE=$sbase \
	STRIPE_JS_URL=$sbase/v3/ \
	start_main --healthy "$tmp/main.log" "redlightd starts with Stripe keys"
start_stripe 7
check "the Stripe stand-in answers" curl -sf -o /dev/null "$sbase/_standin/state"

http GET / >/dev/null
pp=$(header Permissions-Policy)
check "with payments on the Permissions-Policy lets the page and stripe_js_url's origin use the Payment Request API" \
	test "$(printf '%s\n' "$pp" | grep -o 'payment=([^)]*)')" = "payment=(self \"$sbase\")"
check "... and still turns the devices off" sh -c 'printf "%s\n" "$1" | grep -q "camera=()" && printf "%s\n" "$1" | grep -q "microphone=()"' - "$pp"

book 10:00
id1=$id
check "a booking answers 201 with its payment's client_secret, waited for after the commit" \
	eval '[ "$status" = 201 ] && secret_ok'
deposit=$(sql "SELECT deposit_cents FROM booking_quote WHERE booking_id = '$id1'")
check "... the deposit due now, its currency, the publishable key and Stripe.js's address" body_json \
	"p = d['payment']; sys.exit(not (p['amount_due_now_cents'] == $deposit and p['currency'] == 'cad'
		and p['publishable_key'] == '$PK' and p['js_url'] == '$sbase/v3/'))"
cs=$(body_json 'print(d["payment"]["client_secret"])')
check "... the same secret as the payment's row" test "$cs" = "$(sql "SELECT client_secret FROM payment WHERE booking_id = '$id1'")"
st=$(curl -s -o "$tmp/body" -w '%{http_code}' -u "$PK:" "$sbase/v1/payment_intents/${cs%%_secret_*}/confirm" \
	--data-urlencode "client_secret=$cs" --data-urlencode "payment_method=pm_card_visa")
check "the stand-in confirms the intent with the publishable key and that secret" \
	eval '[ "$st" = 200 ] && body_json "sys.exit(d[\"status\"] != \"requires_capture\")"'

# ---- an Idempotency-Key: the secret is read again, never stored ----
book 11:00 -H 'Idempotency-Key: nina-11'
id2=$id
check "a booking with an Idempotency-Key answers with its client_secret" eval '[ "$status" = 201 ] && secret_ok'
cs2=$(body_json 'print(d["payment"]["client_secret"])')
check "... which is not stored with the key's answer" test \
	"$(sql "SELECT count(*) FROM idempotency_key WHERE key = 'nina-11' AND response_body NOT LIKE '%secret%'")" = 1
book 11:00 -H 'Idempotency-Key: nina-11'
check "the replay answers the same booking, replayed, with the client_secret read again" \
	eval '[ "$status" = 201 ] && [ "$id" = "$id2" ] && [ "$(header Idempotent-Replayed)" = true ] && secret_ok &&
		body_json "sys.exit(d[\"payment\"][\"client_secret\"] != sys.argv[1])" "$cs2"'
check "... and no second booking was made" test "$(sql "SELECT count(*) FROM booking WHERE start_at = '$(at 11:00)'")" = 1

# ---- Stripe failing: the answer comes without the secret ----
faults '{"fail_rate": 1.0}'
book 12:00 -H 'Idempotency-Key: nina-12'
id3=$id
check "with the stand-in failing every call, the booking still answers 201 within the wait" test "$status" = 201
check "... with client_secret null, status pending and the payment's URL" body_json \
	"p = d['payment']; sys.exit(not (p['client_secret'] is None and d['client_secret'] is None and p['status'] == 'pending'
		and p['url'] == '/api/bookings/$id3/payment' and p['amount_due_now_cents'] > 0))"
check "... while the worker is still trying" test \
	"$(sql "SELECT count(*) FROM job WHERE kind = 'payment_intent' AND payload->>'booking_id' = '$id3' AND status IN ('queued', 'running')")" = 1
# a client that leaves while its booking waits
st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -X POST "$base/api/bookings" -b "$nina" -H "Origin: $base" \
	-H 'Content-Type: application/json' --data-binary "{\"room_id\":\"$room_b\",\"start_at\":\"$(at 13:00)\",\"end_at\":\"$(at_plus 13:00)\"}")
check "a client that leaves while its booking waits for the intent gets nothing" test "$st" = 000
check "... its booking was made all the same" test "$(sql "SELECT count(*) FROM booking WHERE start_at = '$(at 13:00)'")" = 1
sleep 4
check "... and once the wait is over redlightd is still up and answering" \
	eval 'kill -0 "$main_pid" && [ "$(http GET /healthz)" = 200 ]'
faults '{"fail_rate": 0.0}'
check "once the stand-in is back the worker makes the intent" \
	wait_sql "SELECT client_secret IS NOT NULL FROM payment WHERE booking_id = '$id3'"
status=$(http GET "/api/bookings/$id3/payment" -b "$nina")
check "... and GET on the payment's URL gives the client_secret" \
	body_json "sys.exit(not (d['client_secret'].startswith('pi_') and d['status'] == 'requires_payment_method'))"
book 12:00 -H 'Idempotency-Key: nina-12'
check "a replay of the booking answered without it now carries the client_secret" \
	eval '[ "$status" = 201 ] && [ "$id" = "$id3" ] && secret_ok'

# ---- stopping while a booking waits ----
faults '{"fail_rate": 1.0}'
(book 14:00; echo "$status" > "$tmp/late.status"; cp "$tmp/body" "$tmp/late.body") &
late=$!
wait_sql "SELECT count(*) = 1 FROM booking WHERE start_at = '$(at 14:00)'" 5 >/dev/null
sleep 0.3
stop "$main_pid"
rc=$?
wait "$late"
check "redlightd stopped (SIGTERM) while a booking waited for its intent exits 0" test "$rc" = 0
check "... and the waiting booking got its answer first: 201, client_secret null" \
	sh -c '[ "$(cat "$1/late.status")" = 201 ] && python3 -c "import json, sys
sys.exit(json.load(open(sys.argv[1]))[\"payment\"][\"client_secret\"] is not None)" "$1/late.body"' - "$tmp"
check "redlightd's log shows no error" sh -c '! grep -Ei "abort|assert|sanitizer|segv" "$1"' - "$tmp/main.log"

echo "1..$n"
