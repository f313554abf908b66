#!/bin/sh
# test-crash.sh: a request killed mid-flight and retried with the same
# Idempotency-Key (web/idem.h). tests/http/crash.py runs redlightd itself,
# kills it with SIGKILL at a random moment of each request (bookings, and
# every fourth round a hold), starts it again and retries with the same
# key and body. For every round: exactly one live booking (or hold) holds
# its hour, the retry answers 201 with the first answer when the first
# reached the client, and with the row that exists when it did not, and a
# second retry replays the same answer. Prints TAP, with where the kills
# landed as diagnostics. Runs under tests/lib/with-pg.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
http_need_zone

CRASH_ROUNDS=${CRASH_ROUNDS:-48}
CRASH_SEED=${CRASH_SEED:-$(date +%s)}

http_begin crash
check_why() { printf '%s' "${why:-}"; }
make_db

echo "# seed $CRASH_SEED (CRASH_SEED=$CRASH_SEED repeats the kill moments)"
why=
if DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER=0 REDLIGHT_LOG_FORMAT=text \
	python3 "$top_srcdir/tests/http/crash.py" "$redlightd" "$tmp/empty.conf" "$url" \
	"$tmp/server.log" "$CRASH_ROUNDS" 4 "$CRASH_SEED" >"$tmp/crash.json" 2>"$tmp/crash.err"; then
	ok "$CRASH_ROUNDS requests killed mid-flight and retried"
else
	not_ok "$CRASH_ROUNDS requests killed mid-flight and retried" \
		"$(tail -n 20 "$tmp/crash.err"; tail -n 5 "$tmp/server.log")"
	echo "1..$n"
	exit 0
fi

# crash_check NAME PYTHON-CONDITION: one test over the rounds r, with why
# listing the rounds for which the condition fails.
crash_check() {
	why=$(python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
bad = [r for r in d['rounds'] if not ($2)]
for r in bad[:5]:
    print(json.dumps(r))
sys.exit(1 if bad else 0)" "$tmp/crash.json")
	check "$1" test -z "$why"
}

crash_check "every round left exactly one live row for its hour" 'len(r["ids"]) == 1'
crash_check "and one stored answer under its key" 'r["stored"] == 1'
crash_check "every retry answered 201" 'r["retry"][0] == 201'
crash_check "a retry after an answer that reached the client gets that answer, marked replayed" \
	'r["first"] is None or (r["retry"][0] == r["first"][0] and r["retry"][1] == r["first"][1] and r["retry"][2])'
crash_check "a retry after an answer that did not reach the client names the row that exists" \
	'r["first"] is not None or json.loads(r["retry"][1])["booking_id" if r["path"] == "/api/bookings" else "hold_id"] == r["ids"][0]'
crash_check "a second retry replays the same answer" \
	'r["again"][0] == r["retry"][0] and r["again"][1] == r["retry"][1] and r["again"][2]'

python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
rs = d['rounds']
got = sum(1 for r in rs if r['first'] is not None)
replayed = sum(1 for r in rs if r['first'] is None and r['retry'][2])
fresh = sum(1 for r in rs if r['first'] is None and not r['retry'][2])
print('# first request took up to %s ms; of %d kills: %d after the answer reached the client,'
      ' %d after the change committed but before its answer arrived (the retry replayed it),'
      ' %d before anything committed (the retry ran it)' % (d['took_ms'], len(rs), got, replayed, fresh))" \
	"$tmp/crash.json"
echo "1..$n"
