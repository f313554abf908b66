#!/bin/sh
# test-pay-expire.sh: with payments configured, a web booking whose deposit
# is never authorized (a declined card, an artist who walks away) is
# canceled by the worker's sweep once the hold's lifetime (hold_ttl_min)
# has passed since it was submitted, through the one cancel (its intent
# canceled at Stripe, the artist's canceled message), and its slot is free
# again; one whose deposit was authorized is left alone; with payments off
# nothing is canceled. The sweep's clock is tested by moving created_at
# back. Real redlightd, the Stripe stand-in, real PostgreSQL. Prints TAP.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_begin payexpire

SK=sk_test_redlight_standin PK=pk_test_redlight_standin WH=whsec_redlight_standin
ADMIN=admin@redlight.test
REDLIGHT_PASSWORD=redlight-demo
export REDLIGHT_PASSWORD

# sweeps: long enough for a few of the worker's 1 s sweeps.
sweeps() { sleep 3; }
room_b=00000000-0000-4000-8000-0000000000a2
nina=$tmp/nina.jar
# book START END: Nina asks for Studio B at START..END; sets status and id.
book() {
	status=$(http POST /api/bookings -b "$nina" -H "Origin: $base" -H 'Content-Type: application/json' \
		--data-binary "{\"room_id\":\"$room_b\",\"start_at\":\"$1\",\"end_at\":\"$2\"}")
	id=$(body_json 'print(d["booking_id"])')
}
# age ID: the booking was submitted two minutes ago (past a 1-minute hold).
age() { sql "UPDATE booking SET created_at = now() - interval '2 minutes' WHERE id = '$1'"; }
bstatus() { sql "SELECT status FROM booking WHERE id = '$1'"; }

make_db
sql "UPDATE settings SET hold_ttl_min = 1"
# the first free hours of Studio B a week or more ahead
day=$(sql "SELECT to_char(((now() + interval '8 days') AT TIME ZONE 'America/Toronto')::date, 'YYYY-MM-DD')")

# ---- payments off: nothing expected, nothing canceled ----
DATABASE_URL=$url REDLIGHT_STATIC_DIR=$top_srcdir/web/static REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER_SWEEP_S=1 \
	start_main --healthy "$tmp/off.log" "redlightd starts without Stripe keys (payments off)"
http POST /api/availability/search -H 'Content-Type: application/json' \
	--data-binary "{\"date\":\"$day\",\"duration_min\":60,\"room_id\":\"$room_b\"}" >/dev/null
set -- $(python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
out = []
for x in d['slots']:
    if not out or x['start_at'] >= out[-1][1]:
        out.append((x['start_at'], x['end_at']))
print(' '.join(a + ' ' + b for a, b in out[:3]))" "$tmp/body")
s1=$1 e1=$2 s2=$3 e2=$4 s3=$5 e3=$6
status=$(http POST /api/auth/register -c "$nina" -H 'Content-Type: application/json' \
	--data-binary '{"email":"nina@example.com","password":"correct horse","name":"Nina Singer"}')
check "artist Nina registers" test "$status" = 201
book "$s3" "$e3"
check "Nina books $s3 with payments off" test "$status" = 201
id0=$id
age "$id0"
sweeps
check "payments off: past the hold's lifetime it still awaits approval" test "$(bstatus "$id0")" = awaiting_approval
stop "$main_pid"
st=$?
check "redlightd stops" test "$st" = 0

# ---- payments on ----
stripe_port
DATABASE_URL=$url REDLIGHT_STATIC_DIR=$top_srcdir/web/static REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER_SWEEP_S=1 \
	REDLIGHT_WORKER_RETRY_BASE_MS=200 REDLIGHT_WORKER_RETRY_MAX_MS=1000 \
	STRIPE_SECRET_KEY=$SK STRIPE_PUBLISHABLE_KEY=$PK STRIPE_WEBHOOK_SECRET=$WH STRIPE_API_BASE=$sbase \
	start_main --healthy "$tmp/main.log" "redlightd starts with Stripe keys (payments on)"
start_stripe 12
check "payments on: the booking that never had a payment row is canceled by the system" \
	wait_sql "SELECT status = 'canceled' FROM booking WHERE id = '$id0'"

# pay ID PM: the page's step: wait for the intent, then confirm it with the
# publishable key and client_secret, as Stripe.js does; prints the status.
pay() {
	wait_sql "SELECT EXISTS (SELECT 1 FROM payment WHERE booking_id = '$1' AND client_secret IS NOT NULL)" || return 1
	cs=$(sql "SELECT client_secret FROM payment WHERE booking_id = '$1'")
	pi=${cs%%_secret_*}
	curl -s -o "$tmp/body" -w '%{http_code}' -u "$PK:" "$sbase/v1/payment_intents/$pi/confirm" \
		--data-urlencode "client_secret=$cs" --data-urlencode "payment_method=$2"
}

book "$s1" "$e1"
check "Nina books $s1" test "$status" = 201
ida=$id
check "... her card is declined (402 from Stripe)" test "$(pay "$ida" pm_card_chargeDeclined)" = 402
intent=$(sql "SELECT stripe_payment_intent_id FROM payment WHERE booking_id = '$ida'")
book "$s2" "$e2"
check "Nina books $s2" test "$status" = 201
idb=$id
check "... her card is authorized" sh -c '[ "$1" = 200 ]' - "$(pay "$idb" pm_card_visa)"
check "... which the worker records (requires_capture)" \
	wait_sql "SELECT status = 'requires_capture' FROM payment WHERE booking_id = '$idb'"
sweeps
check "right after the decline the booking still awaits approval" test "$(bstatus "$ida")" = awaiting_approval
book "$s1" "$e1"
check "... and holds its slot: booking it again is a conflict (409)" test "$status" = 409

age "$ida"
age "$idb"
check "past the hold's lifetime the sweep cancels the unpaid booking" \
	wait_sql "SELECT status = 'canceled' FROM booking WHERE id = '$ida'"
check "... as the system, saying why" test "$(sql "SELECT count(*) FROM audit_log WHERE entity = 'booking'
	AND entity_id = '$ida' AND action = 'cancel' AND actor_user_id IS NULL
	AND reason = 'the deposit was not authorized within 1 minute'")" = 1
check "... its intent is canceled at Stripe (void_or_refund)" \
	wait_sql "SELECT status = 'canceled' FROM payment WHERE booking_id = '$ida'"
curl -s -o "$tmp/body" -u "$SK:" "$sbase/v1/payment_intents/$intent"
check "... at the stand-in too" test "$(body_json 'print(d["status"])')" = canceled
check "... and Nina is owed the canceled message" \
	wait_sql "SELECT EXISTS (SELECT 1 FROM notification WHERE booking_id = '$ida' AND template = 'canceled')"
book "$s1" "$e1"
check "the slot is free again: Nina books it (201)" test "$status" = 201
sweeps
check "the booking whose deposit was authorized still awaits approval" test "$(bstatus "$idb")" = awaiting_approval
check "... its authorization untouched" test "$(sql "SELECT status FROM payment WHERE booking_id = '$idb'")" = requires_capture
book "$s3" "$e3"
check "Nina books $s3 again and pays nothing" test "$status" = 201
idc=$id
codec=$(body_json 'print(d["code"])')
check "the admin approves it before the hold lapses (the deposit stays owed)" sh -c \
	'cd "$1" && DATABASE_URL=$2 STRIPE_SECRET_KEY=$3 STRIPE_PUBLISHABLE_KEY=$4 STRIPE_API_BASE=$5 \
	"$6" approve "$7" --as "$8" >/dev/null' - "$tmp" "$url" "$SK" "$PK" "$sbase" "$redlight" "$codec" "$ADMIN"
age "$idc"
sweeps
check "... an approved booking is never canceled by the sweep" test "$(bstatus "$idc")" = confirmed
check "exactly one system cancel each, however many sweeps" test \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'cancel' AND actor_user_id IS NULL")" = 2


echo "1..$n"
