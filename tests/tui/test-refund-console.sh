#!/bin/sh
# test-refund-console.sh: the booking screen's money and its refund form.
# The screen lists every payment row of a booking (due now, balance) with
# its amounts and Stripe ids; f opens a form whose Enter runs refund's run
# step: an admin refunds part of a captured deposit, the worker carries it
# to the Stripe stand-in (tests/standins/stripe.py), which records that
# amount, and the screen shows it refunded; more than is refundable is
# refused under the amount with nothing written; without Stripe keys the
# console says payments are not configured. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux --admin -- "$@"
SK=sk_test_redlight_standin PK=pk_test_redlight_standin

sport=$(free_port)
sbase=http://127.0.0.1:$sport
python3 "$top_srcdir/tests/standins/stripe.py" --listen "127.0.0.1:$sport" --seed 12 \
	2>"$tmpd/stripe.log" &
standin=$!
worker=
tui_cleanup_hook() {
	[ -z "$worker" ] || kill "$worker" 2>/dev/null
	kill "$standin" 2>/dev/null
	wait 2>/dev/null
}
i=0
until curl -s -o /dev/null "$sbase/_standin/state" || [ $i -gt 100 ]; do sleep 0.05; i=$((i + 1)); done

# a confirmed booking whose $40.00 deposit was captured at the stand-in
# (a real PaymentIntent and charge there) and whose balance is pending
code=$(sql "SELECT code FROM booking WHERE status = 'confirmed' ORDER BY start_at LIMIT 1")
pi_json=$(curl -s -u "$SK:" "$sbase/v1/payment_intents" -d amount=4000 -d currency=cad \
	-d payment_method=pm_card_visa -d confirm=true)
pi=$(printf '%s' "$pi_json" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
ch=$(printf '%s' "$pi_json" | python3 -c 'import json, sys; print(json.load(sys.stdin)["latest_charge"])')
t "the stand-in captured the deposit" '[ -n "$pi" ] && [ -n "$ch" ] && [ "$ch" != None ]'
sql "DELETE FROM job" >/dev/null
sql "INSERT INTO payment (booking_id, purpose, amount_cents, currency, capture_method, status,
	captured_cents, stripe_payment_intent_id, stripe_charge_id, stripe_customer_id)
	SELECT id, 'due_now', 4000, 'CAD', 'automatic', 'succeeded', 4000, '$pi', '$ch', 'cus_refund_test'
	FROM booking WHERE code = '$code'"
sql "INSERT INTO payment (booking_id, purpose, amount_cents, currency, capture_method, status)
	SELECT id, 'balance', 12000, 'CAD', 'automatic', 'pending' FROM booking WHERE code = '$code'"

run booking "$code"
t "redlight booking lists the due-now row with its Stripe ids" '[ "$rc" -eq 0 ] &&
	out_has "^Payment *due now succeeded: authorized \\\$0.00, captured \\\$40.00, refunded \\\$0.00, owed" &&
	out_has "Stripe $pi, cus_refund_test, $ch"'
t "  ...and the balance row" 'out_has "balance pending: authorized \\\$0.00, captured \\\$0.00, refunded \\\$0.00, owed \\\$120.00"'
run booking "$code" --json
t "booking --json: payments has both rows, due_now first, with the charge" '[ "$rc" -eq 0 ] && printf "%s" "$out" | python3 -c "
import json, sys
d = json.load(sys.stdin)[\"payments\"]
assert [p[\"purpose\"] for p in d] == [\"due_now\", \"balance\"], d
assert d[0][\"stripe_charge_id\"] == \"$ch\" and d[0][\"captured_cents\"] == 4000, d
assert d[1][\"owed_cents\"] == 12000, d"'

# the worker that carries refunds to the stand-in
(DATABASE_URL=$DATABASE_URL STRIPE_SECRET_KEY=$SK STRIPE_PUBLISHABLE_KEY=$PK STRIPE_API_BASE=$sbase \
	exec "$REDLIGHT" worker >"$tmpd/worker.log" 2>&1) &
worker=$!

sess=refund
CONSOLE_WRAP="env STRIPE_SECRET_KEY=$SK STRIPE_PUBLISHABLE_KEY=$PK STRIPE_API_BASE=$sbase "
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess $ADMIN redlight-demo
key $sess 9
wait_match $sess "$code  *balance"
key $sess Enter
s "the booking screen lists the due-now payment with its Stripe ids" \
	'wait_for $sess "due now succeeded: authorized \$0.00, captured \$40.00, refunded \$0.00" &&
	wait_for $sess "Stripe $pi, cus_refund_test, $ch"'
s "  ...and the balance row" 'wait_for $sess "balance pending: authorized \$0.00, captured \$0.00, refunded \$0.00, owed \$120.00"'
s "the bottom line offers f refund" 'pane_text $sess | tail -1 | grep -q "f refund"'
key $sess f
s "f opens the refund form with what is left" 'wait_for $sess "Refund part of $code" &&
	wait_for $sess "Captured \$40.00, refunded or refunding \$0.00: at most \$40.00 is left."'
type_text $sess "40.01"
key $sess Tab
type_text $sess "Too much"
key $sess Enter
s "more than is refundable is refused under the amount" 'wait_match $sess "only 4000 cents are refundable" &&
	pane_text $sess | grep -A1 "Amount" | grep -q "only 4000 cents are refundable"'
t "  ...with nothing written" '[ "$(sql "SELECT count(*) FROM refund")" = 0 ] &&
	[ "$(sql "SELECT count(*) FROM audit_log WHERE action = '"'refund'"'")" = 0 ]'
key $sess BSpace BSpace BSpace BSpace BSpace
type_text $sess "12.5"
key $sess Enter
s "an amount of 12.5 is asked for" 'wait_match $sess "refund of \$12.50"'
t "the worker makes it at the stand-in" 'wait_sql "SELECT status = '"'succeeded'"' AND stripe_refund_id LIKE '"'re_%'"' FROM refund" t'
t "  ...which records a refund of 1250 on the charge" '[ "$(curl -s -u "$SK:" "$sbase/v1/charges/$ch" |
	python3 -c "import json, sys; print(json.load(sys.stdin)[\"amount_refunded\"])")" = 1250 ]'
t "  ...with the reason in the audit log" '[ "$(sql "SELECT count(*) FROM audit_log WHERE action = '"'refund'"'
	AND reason = '"'Too much'"' AND (diff_json->>'"'amount_cents'"')::int = 1250")" = 1 ]'
key $sess r
s "the booking screen shows \$12.50 refunded" 'wait_for $sess "captured \$40.00, refunded \$12.50"'
key $sess q

# staff who are not admins: the database refuses, nothing is written
sess=staff
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess engineer@redlight.test redlight-demo
key $sess 9
wait_match $sess "$code  *due_now"
key $sess Enter
wait_for $sess "due now succeeded"
key $sess f
wait_for $sess "Refund part of $code"
type_text $sess "1"
key $sess Tab
type_text $sess "Goodwill"
key $sess Enter
s "an engineer's refund is refused in the form (the database's RL403)" 'wait_match $sess "│ only .* may do that"'
t "  ...with nothing written" '[ "$(sql "SELECT count(*) FROM refund")" = 1 ]'
key $sess Escape q

# without Stripe keys the console says so and opens no form
sess=nokeys
CONSOLE_WRAP=
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess $ADMIN redlight-demo
key $sess 9
wait_match $sess "$code  *balance"
key $sess Enter
wait_for $sess "due now succeeded"
key $sess f
s "without keys f says payments are not configured" 'wait_for $sess "payments are not configured"'
key $sess q
tui_done
