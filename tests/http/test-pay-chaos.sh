#!/bin/sh
# test-pay-chaos.sh: the money of CHAOS_BOOKINGS bookings (80; tools/chaos
# payments N runs 1000 or N) approved, rejected, canceled and rescheduled at
# random, some authorizations lapsing, while the Stripe stand-in fails one
# call in five and duplicates and reorders its webhooks, and the job
# workers (`redlight worker`, four) are killed with SIGKILL every few
# seconds. tests/http/paychaos.py drives the run and reads the outcome;
# then, booking by booking: no double capture, no double refund, the
# due-now money, the balance and the reschedule fees exactly what the
# stored quote and policy say, to the cent, and `redlight payments-check`
# finds no difference. Real redlightd, real workers, real PostgreSQL.
# Prints TAP, with what the run did as diagnostics.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_need_zone

CHAOS_BOOKINGS=${CHAOS_BOOKINGS:-80}
CHAOS_THREADS=${CHAOS_THREADS:-12}
CHAOS_SEED=${CHAOS_SEED:-$(date +%s)}

http_begin paychaos
SK=sk_test_redlight_standin PK=pk_test_redlight_standin WH=whsec_redlight_standin
make_db
stripe_port
# redlightd takes the webhooks and serves the page's API; its own worker
# is off: the workers are the run's, so that they can be killed
DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER=0 STRIPE_SECRET_KEY=$SK \
	STRIPE_PUBLISHABLE_KEY=$PK STRIPE_WEBHOOK_SECRET=$WH STRIPE_API_BASE=$sbase \
	start_main --healthy "$tmp/main.log" "redlightd starts with Stripe keys and no worker"
start_stripe "$CHAOS_SEED"
check "the Stripe stand-in answers" curl -sf -o /dev/null "$sbase/_standin/state"

# The slots, from tomorrow on (so some sessions fall inside the balance's
# 48 hours and the 50 % tier), in a shuffled order:
# Studio B every hour 09:00 to 22:00, Studio C weekdays 09:00 to 17:00
# (neither has buffers), Studio A every other hour 10:00 to 20:00 (its
# buffers are 15 minutes); no clock change in the 80 days ahead.
python3 - "$CHAOS_BOOKINGS" "$CHAOS_THREADS" "$CHAOS_SEED" "$main" "$sbase" "$SK" "$PK" "$url" \
	"$redlight" "$tmp" "$WH" "${REDLIGHT_TEMPLATES_DIR:-$top_srcdir/templates}" > "$tmp/spec.json" <<'EOF'
import datetime, json, random, sys, zoneinfo
n, threads, seed = (int(x) for x in sys.argv[1:4])
base, sbase, sk, pk, db, redlight, tmp, wh, templates = sys.argv[4:13]
zone = zoneinfo.ZoneInfo("America/Toronto")
room_a, room_b, room_c = ("00000000-0000-4000-8000-0000000000a%d" % i for i in (1, 2, 3))
def utc(d, h):
    t = datetime.datetime(d.year, d.month, d.day, h, tzinfo=zone)
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
slots, day = [], datetime.date.today() + datetime.timedelta(days=1)
while len(slots) < n * 1.6 + 60 and day < datetime.date.today() + datetime.timedelta(days=85):
    hours = [(room_b, h) for h in range(9, 22)]
    if day.weekday() < 5:
        hours += [(room_c, h) for h in range(9, 17)]
    if day.weekday() != 6:
        hours += [(room_a, h) for h in range(10, 21, 2)]
    for room, h in sorted(hours, key=lambda x: (x[1], x[0])):
        slots.append({"room_id": room, "start_at": utc(day, h), "end_at": utc(day, h + 1)})
    day += datetime.timedelta(days=1)
# taken in an order of their own, so that near and far sessions mix
random.Random(seed).shuffle(slots)
env = {"DATABASE_URL": db, "STRIPE_SECRET_KEY": sk, "STRIPE_PUBLISHABLE_KEY": pk, "STRIPE_WEBHOOK_SECRET": wh,
       "STRIPE_API_BASE": sbase, "REDLIGHT_PASSWORD": "redlight-demo", "REDLIGHT_WORKER_RETRY_BASE_MS": "200",
       "REDLIGHT_WORKER_RETRY_MAX_MS": "2000", "REDLIGHT_WORKER_SWEEP_S": "2", "REDLIGHT_TEMPLATES_DIR": templates}
print(json.dumps({"base": base, "sbase": sbase, "sk": sk, "pk": pk, "db": db, "redlight": redlight,
                  "workdir": tmp, "env": env, "bookings": n, "threads": threads, "artists": 8, "workers": 4,
                  "kill_every": [4, 7], "seed": seed, "settle_s": 60 + n // 10,
                  "faults": {"fail_rate": 0.2, "webhook_duplicate_rate": 0.3, "webhook_reorder": True},
                  "slots": slots}))
EOF

echo "# $CHAOS_BOOKINGS bookings, $CHAOS_THREADS threads, seed $CHAOS_SEED (CHAOS_SEED repeats the choices)"
if python3 "$top_srcdir/tests/http/paychaos.py" run "$tmp/spec.json" >"$tmp/run.json" 2>"$tmp/run.err"; then
	ok "the chaos run ended"
else
	not_ok "the chaos run ended" "$(tail -n 20 "$tmp/run.err")"
	echo "1..$n"
	exit 0
fi
# run_check NAME PYTHON: a check over d, the run's JSON: what PYTHON
# prints is the failure.
run_check() {
	why=$(python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$2" "$tmp/run.json" 2>&1)
	check "$1" test -z "$why"
}
check_why() { printf '%s' "${why:-}"; }
python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
print('# load %s s, settle %s s; workers killed %d times; %d payment jobs retried by staff after the faults'
      % (d['load_s'], d['settle_s'], d['kills'], d['retried']))
for k, v in sorted(d['counts'].items()): print('#   %-28s %d' % (k, v))" "$tmp/run.json"

sql "SELECT '#   ' || rpad(k, 28) || ' ' || v FROM (
	SELECT 'due now captured' AS k, count(*) FILTER (WHERE purpose = 'due_now' AND captured_cents > 0) AS v FROM payment
	UNION ALL SELECT 're-authorized after a lapse', count(*) FILTER (WHERE purpose = 'due_now' AND attempts > 0) FROM payment
	UNION ALL SELECT 'balances charged', count(*) FILTER (WHERE purpose = 'balance' AND captured_cents > 0) FROM payment
	UNION ALL SELECT 'fees charged', count(*) FILTER (WHERE purpose = 'fee' AND captured_cents > 0) FROM payment
	UNION ALL SELECT 'refunds ' || kind || ' ' || percent || ' %', count(*) FROM refund GROUP BY kind, percent) x ORDER BY k"

run_check "all $CHAOS_BOOKINGS bookings were made and paid, without a broken request" \
	"b = d['bookings']
if d['errors']: print(d['errors'][:5])
if len(b) != $CHAOS_BOOKINGS: print(len(b), 'bookings made')
if sum(x['paid'] for x in b) < 0.8 * len(b): print(sum(x['paid'] for x in b), 'paid')"
run_check "the faults were felt: workers killed, calls failed, webhooks sent twice" \
	"import urllib.request
s = json.load(urllib.request.urlopen('$sbase/_standin/webhooks'))['deliveries']
ev = [x['event'] for x in s]
if d['kills'] < 2: print('killed', d['kills'])
if len(ev) == len(set(ev)): print('no webhook was sent twice')"
run_check "every kind of change happened: approvals, rejections, cancels, charged moves, lapses" \
	"a = ' '.join(' '.join(x['actions']) for x in d['bookings'])
for w in ('approve', 'reject', 'cancel', 'reschedule fee 0', 'reschedule fee 2500', 'lapse'):
    if w not in a: print('no', w)"
run_check "every payment job ended once the faults stopped" "if not d['settled']: print('still running')"
why=$(sql "SELECT string_agg(j.kind || ' ' || j.status, ', ') FROM job j WHERE j.kind IN ('payment_intent',
	'capture_payment','void_or_refund','stripe_event','refund_payment','payment_check','balance_charge',
	'reschedule_fee') AND j.status NOT IN ('done')")
check "  ...all done" test -z "$why"
why=$(sql "SELECT string_agg(b.code || ' ' || p.purpose || ': ' || p.attention, '; ') FROM payment p
	JOIN booking b ON b.id = p.booking_id WHERE p.attention IS NOT NULL")
check "no payment is left flagged" test -z "$why"

python3 "$top_srcdir/tests/http/paychaos.py" verify "$tmp/spec.json" "$tmp/run.json" >"$tmp/checks.json" 2>"$tmp/verify.err"
if [ ! -s "$tmp/checks.json" ]; then
	not_ok "the checks ran" "$(tail -n 20 "$tmp/verify.err")"
else
	count=$(python3 -c "import json, sys; print(len(json.load(open(sys.argv[1]))))" "$tmp/checks.json")
	i=0
	while [ $i -lt "$count" ]; do
		name=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[$i]['name'])" "$tmp/checks.json")
		why=$(python3 -c "import json, sys
c = json.load(open(sys.argv[1]))[$i]
if c['problems']: print('%d problems, the first:' % c['count']); print('\n'.join(c['problems']))" "$tmp/checks.json")
		check "$name" test -z "$why"
		i=$((i + 1))
	done
fi
echo "1..$n"
