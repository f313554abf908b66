#!/bin/sh
# test-payments-console.sh: what staff see of the money that needs them:
# the console's Payments screen (9) and `redlight payments --attention`
# (one run step) list a flagged charge, an authorization about to lapse
# and a balance not charged yet, each with why, and nothing else; Enter
# opens the booking; the approval queue (2) shows how long the card
# authorization has left and flags it under a day; the settings form
# edits balance_charge_hours. The payment rows are written here as the
# worker writes them (tests/http/test-payments.sh makes them through
# Stripe's stand-in). Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --tmux --admin -- "$@"

waiting=$(sql "SELECT code FROM booking WHERE status = 'awaiting_approval' ORDER BY start_at LIMIT 1")
done_=$(sql "SELECT code FROM booking WHERE status = 'confirmed' ORDER BY start_at LIMIT 1")
# the awaiting booking's card is authorized and lapses in 5 hours; the
# confirmed one's deposit was captured, its balance is not charged yet,
# and a reschedule fee was declined (the artist was told)
sql "INSERT INTO payment (booking_id, purpose, amount_cents, currency, capture_method, status,
	authorized_cents, stripe_payment_intent_id, capture_before)
	SELECT id, 'due_now', 3750, 'CAD', 'manual', 'requires_capture', 3750, 'pi_lapsing',
	now() + interval '5 hours 30 minutes' FROM booking WHERE code = '$waiting'"
sql "INSERT INTO payment (booking_id, purpose, amount_cents, currency, capture_method, status,
	captured_cents, stripe_payment_intent_id)
	SELECT id, 'due_now', 4000, 'CAD', 'manual', 'succeeded', 4000, 'pi_paid' FROM booking WHERE code = '$done_'"
sql "INSERT INTO payment (booking_id, purpose, amount_cents, currency, capture_method, status)
	SELECT id, 'balance', 12000, 'CAD', 'automatic', 'pending' FROM booking WHERE code = '$done_'"
sql "INSERT INTO payment (booking_id, purpose, seq, amount_cents, currency, capture_method, status)
	SELECT id, 'fee', 2, 2500, 'CAD', 'automatic', 'failed' FROM booking WHERE code = '$done_'"
fee=$(sql "SELECT id FROM payment WHERE purpose = 'fee'")
sql "SELECT payment_flag('$fee', 'charging the reschedule fee failed', 'Your card was declined.')" >/dev/null

run payments --attention --json
t "payments --attention --json lists the three, each with why" '[ "$rc" -eq 0 ] && printf "%s" "$out" | python3 -c "
import json, sys
d = json.load(sys.stdin)[\"payments\"]
got = sorted((p[\"code\"], p[\"purpose\"], p[\"why\"]) for p in d)
assert got == sorted([(\"$waiting\", \"due_now\", \"lapsing\"), (\"$done_\", \"balance\", \"balance_due\"),
                      (\"$done_\", \"fee\", \"action_needed\")]), got"'
t "the flag enqueued the artist's payment action needed message" \
	'[ "$(sql "SELECT count(*) FROM job WHERE kind = '"'payment_action_needed'"'")" = 1 ]'
run payments --attention
t "payments --attention prints them as a table" '[ "$rc" -eq 0 ] && out_has "^$done_ .*charging the reschedule fee failed" &&
	out_has "^$waiting .*authorization lapses in 5 h"'
run queue
t "redlight queue flags the authorization lapsing within a day" '[ "$rc" -eq 0 ] &&
	out_has "^$waiting .* ! 5h [0-9]*m *\$" && out_has "^1 card authorization lapses within a day"'

sess=pay
console $sess
wait_for $sess "Sign in to the redlight console"
sign_in $sess $ADMIN redlight-demo
key $sess 9
s "9 shows the Payments screen with how many need attention" 'wait_match $sess "PAYMENTS  3 need attention" &&
	wait_for $sess "9 Payments"'
s "the declined fee: action needed, with the flag" 'wait_match $sess "$done_  *fee  *failed  *\\\$25\\.00  *action needed  *charging the reschedule fee"'
s "the lapsing authorization" 'wait_match $sess "$waiting  *due_now  *requires_capture  *\\\$37\\.50  *lapses soon  *authorization lapses in 5 h"'
s "the balance not charged yet" 'wait_match $sess "$done_  *balance  *pending  *\\\$120\\.00  *not charged"'
key $sess Enter
s "Enter opens the booking under the cursor" 'wait_match $sess "^ *RL-"'
key $sess Escape
key $sess 2
s "the queue (2) shows how long the card is held, flagged" 'wait_match $sess "CARD HELD" && wait_match $sess "$waiting .*! 5h [0-9]*m"'
key $sess q
run settings-set balance_charge_hours 72 --as "$ADMIN"
t "settings-set balance_charge_hours 72" '[ "$rc" -eq 0 ] && [ "$(sql "SELECT balance_charge_hours FROM settings")" = 72 ]'
run settings-set balance_charge_hours 9999 --as "$ADMIN"
t "  ...refused out of range, naming the setting" '[ "$rc" -ne 0 ] && err_has "balance_charge_hours"'
tui_done
