#!/bin/sh
# test-chaos.sh: concurrent bookings, cancels and reschedules while
# redlightd is killed with SIGKILL twice (and started again) and
# PostgreSQL is restarted once (issue 15). tests/http/chaos.py runs the
# clients: CHAOS_THREADS threads as CHAOS_ARTISTS artists over real HTTP,
# every request with its own Idempotency-Key and sent again with it until
# it is answered; some answers asked for again at once, and every key once
# more at the end. Then:
#   no double claim (room_claim, live bookings and holds, staff);
#   no acknowledged booking lost: every booking answered 201 exists, in
#   the status and at the time of the last change acknowledged to it, and
#   none exists that was not answered;
#   every retry of an answered key got that answer, byte for byte, marked
#   Idempotent-Replayed.
# Runs on a private PostgreSQL cluster of its own (RL_PG_PRIVATE=1
# tests/lib/with-pg), since it restarts it. CHAOS_SECONDS (30) is how long
# the load runs; every 30 s of it holds a kill, a PostgreSQL restart and a
# kill; tools/chaos runs it longer. Prints TAP, with the outcome counts
# and when the faults landed as diagnostics.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

RL_PG_PRIVATE=1
export RL_PG_PRIVATE
. "$top_srcdir/tests/lib/http-prologue.sh"
. "$top_srcdir/tests/http/claims.sh"
http_need_zone

CHAOS_SECONDS=${CHAOS_SECONDS:-30}
CHAOS_THREADS=${CHAOS_THREADS:-12}
CHAOS_ARTISTS=${CHAOS_ARTISTS:-6}
CHAOS_SEED=${CHAOS_SEED:-$(date +%s)}

http_begin chaos
check_why() { printf '%s' "${why:-}"; }
make_db

room_b=00000000-0000-4000-8000-0000000000a2
room_c=00000000-0000-4000-8000-0000000000a3
# The slots: one-hour sessions 10:00 to 17:00 in Studio B and Studio C on
# the first two Tuesdays to Thursdays a week or more ahead (no clock
# change, not around Christmas); fewer than the threads will ask for, so
# that bookings and reschedules collide. The faults: per 30 s of load, a
# kill at 6 s, a PostgreSQL restart at 14 s and a kill at 22 s.
python3 - "$CHAOS_SECONDS" "$CHAOS_THREADS" "$CHAOS_ARTISTS" "$CHAOS_SEED" "$room_b" "$room_c" \
	"$top_srcdir/tests/lib/pg-restart" > "$tmp/spec.json" <<'EOF'
import datetime, json, sys, zoneinfo
seconds, threads, artists, seed = (int(x) for x in sys.argv[1:5])
rooms, restart = sys.argv[5:7], sys.argv[7]
zone = zoneinfo.ZoneInfo("America/Toronto")
days, day = [], datetime.date.today() + datetime.timedelta(days=7)
while len(days) < 2:
    if day.weekday() in (1, 2, 3) and not (day.month == 12 and 24 <= day.day <= 26):
        days.append(day)
    day += datetime.timedelta(days=1)
def utc(d, h):
    t = datetime.datetime(d.year, d.month, d.day, h, tzinfo=zone)
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
slots = [{"room_id": r, "start_at": utc(d, h), "end_at": utc(d, h + 1)}
         for d in days for r in rooms for h in range(10, 17)]
events = []
for c in range(max(1, seconds // 30)):
    events += [[30 * c + 6, "kill"], [30 * c + 14, "pg"], [30 * c + 22, "kill"]]
print(json.dumps({"seconds": seconds, "threads": threads, "artists": artists, "seed": seed,
                  "slots": slots, "events": events, "pg_restart": [restart]}))
EOF
kills=$(python3 -c 'import json, sys; print(sum(e[1] == "kill" for e in json.load(open(sys.argv[1]))["events"]))' "$tmp/spec.json")
restarts=$(python3 -c 'import json, sys; print(sum(e[1] == "pg" for e in json.load(open(sys.argv[1]))["events"]))' "$tmp/spec.json")

echo "# $CHAOS_SECONDS s, $CHAOS_THREADS threads, $CHAOS_ARTISTS artists, seed $CHAOS_SEED (CHAOS_SEED repeats the choices)"
why=
if DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER=0 REDLIGHT_LOG_FORMAT=text \
	python3 "$top_srcdir/tests/http/chaos.py" "$redlightd" "$tmp/empty.conf" "$tmp/server.log" \
	"$tmp/spec.json" >"$tmp/chaos.json" 2>"$tmp/chaos.err"; then
	ok "the chaos run ended"
else
	not_ok "the chaos run ended" "$(tail -n 20 "$tmp/chaos.err"; tail -n 5 "$tmp/server.log")"
	echo "1..$n"
	exit 0
fi

# chaos_json PYTHON: run PYTHON with d = the run's JSON; what it prints
# becomes $why, and it fails the check by exiting non-zero.
chaos_json() {
	why=$(python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$1" "$tmp/chaos.json" 2>&1)
}
chaos_check() {
	chaos_json "$2"
	check "$1" test -z "$why"
}

chaos_json 'for e in d["events"]: print("# %6.2f s  %s" % (e["at"], e["what"]))
for k, v in sorted(d["counts"].items()): print("#   %-28s %d" % (k, v))
rs = d["requests"]
print("# %d requests; %d sent more than once (up to %d sends), %d of whose answers were replays of a change that committed before its answer was lost"
      % (len(rs), sum(r["sends"] > 1 for r in rs), max([r["sends"] for r in rs] or [0]),
         sum(r["sends"] > 1 and r["replayed"] for r in rs)))'
echo "$why"

chaos_check "redlightd was killed $kills times and PostgreSQL restarted $restarts times during the load" \
	"w = [e['what'] for e in d['events']]
if w.count('redlightd killed') != $kills or w.count('PostgreSQL restarted') != $restarts: print(w)"
chaos_check "the faults were felt: some requests got no answer and were sent again with their key" \
	'if not any(r["sends"] > 1 for r in d["requests"]): print("no request was sent twice")'
chaos_check "every request was answered in the end, none with a server error" \
	'for r in d["requests"]:
    if not 200 <= r["status"] < 500: print(r["method"], r["path"], r["status"], r["answer"][:200])'
chaos_check "every answer is one the API documents for the request" \
	'ok = {"book": {201, 409}, "reschedule": {200, 409}, "cancel": {200}}
for r in d["requests"]:
    op = "book" if r["path"] == "/api/bookings" else r["path"].rsplit("/", 1)[-1]
    code = json.loads(r["answer"]).get("error", {}).get("code") if r["status"] >= 400 else None
    if r["status"] not in ok[op] or code not in (None, "slot_unavailable"):
        print(r["method"], r["path"], r["status"], r["answer"][:200])'
chaos_check "bookings, reschedules and cancels all succeeded, and bookings collided" \
	'c = d["counts"]
if not all(c.get(k) for k in ("book 201", "book 409", "reschedule 200", "cancel 200")): print(c)'
chaos_check "every retry of an answered key got its first answer, byte for byte, marked Idempotent-Replayed" \
	'first = {r["key"]: r for r in d["requests"]}
for p in d["replays"]:
    f = first[p["key"]]
    if (p["status"], p["answer"], p["replayed"]) != (f["status"], f["answer"], True):
        print(p["when"], f["method"], f["path"], f["status"], f["answer"][:120], "then", p["status"], p["answer"][:120], p["replayed"])'
chaos_check "and every key was asked again, during the faults and after them" \
	'w = [p["when"] for p in d["replays"]]
if w.count("after") != len(d["requests"]) or not w.count("during"): print(len(d["requests"]), w.count("after"), w.count("during"))'

# what the client was told last, as a table of the database's
python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
print('CREATE TABLE chaos_told (id uuid, status text, s text, e text);')
print('INSERT INTO chaos_told VALUES ' + ','.join(\"('%s', '%s', '%s', '%s')\" % (k, v['status'], v['start_at'], v['end_at'])
      for k, v in d['bookings'].items()) + ';')
print('CREATE TABLE chaos_artist (id uuid);')
print('INSERT INTO chaos_artist VALUES ' + ','.join(\"('%s')\" % u for u in d['artists']) + ';')
" "$tmp/chaos.json" > "$tmp/told.sql"
psql -XAtq -v ON_ERROR_STOP=1 "$url" -f "$tmp/told.sql" >/dev/null
told=$(sql "SELECT count(*) FROM chaos_told")
why=$(sql "SELECT v.id || ' told ' || v.status || ' ' || v.s || ' ' || v.e || ', is '
		|| coalesce(b.status::text || ' ' || json_utc(b.start_at) || ' ' || json_utc(b.end_at), 'missing')
	FROM chaos_told v LEFT JOIN booking b ON b.id = v.id
	WHERE b.id IS NULL OR b.status::text <> v.status OR json_utc(b.start_at) <> v.s OR json_utc(b.end_at) <> v.e
	   OR b.user_id NOT IN (SELECT id FROM chaos_artist) LIMIT 5" 2>&1)
check "every booking answered 201 ($told) exists, in the status and at the time the last answer said" \
	test "$told" -gt 0 -a -z "$why"
why=
check "and no booking of the artists exists that was not answered 201" test "$(sql "
	SELECT count(*) FROM booking WHERE user_id IN (SELECT id FROM chaos_artist)")" = "$told"
python3 -c "import csv, json, sys
w = csv.writer(open(sys.argv[2], 'w', newline=''))
for r in json.load(open(sys.argv[1]))['requests']:
    w.writerow([r['key'], r['status'], r['answer']])" "$tmp/chaos.json" "$tmp/answers.csv"
sql "CREATE TABLE chaos_answer (key text, status int, answer text)"
psql -XAtq -v ON_ERROR_STOP=1 "$url" -c "\\copy chaos_answer FROM '$tmp/answers.csv' CSV" >/dev/null
why=$(sql "SELECT a.key || ': got ' || a.status || ' ' || left(a.answer, 100) || ', stored '
		|| coalesce(k.status_code || ' ' || left(k.response_body, 100), 'nothing')
	FROM chaos_answer a LEFT JOIN idempotency_key k ON k.key = a.key
	WHERE k.key IS NULL OR k.status_code <> a.status
	   OR (k.response_body <> a.answer AND k.response_body::jsonb <> a.answer::jsonb - 'payment' - 'client_secret')
	   OR (SELECT count(*) FROM idempotency_key x WHERE x.key = a.key) <> 1 LIMIT 5" 2>&1)
# a booking's answer adds its payment and client_secret, read after the commit: never stored
check "every key holds one stored answer, the one its client got (less a booking's payment)" \
	test "$(sql "SELECT count(*) FROM chaos_answer")" -gt 0 -a -z "$why"
why=
check_claims

# An answer whose key could not be stored (PostgreSQL gone between the
# decision and the store) used to be sent anyway, unstored, and a retry
# then ran afresh and could answer otherwise: a 409 first, a 201 later.
# A trigger refusing the store stands in for PostgreSQL going away.
DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER=0 REDLIGHT_LOG_FORMAT=text \
	start_main --healthy "$tmp/server2.log" "redlightd starts again after the run"
cookie=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['requests'][0]['cookie'])" "$tmp/chaos.json")
taken=$(sql "SELECT json_build_object('room_id', room_id, 'start_at', json_utc(start_at),
	'end_at', json_utc(end_at)) FROM booking WHERE booking_is_live(status)
	AND user_id IN (SELECT id FROM chaos_artist) LIMIT 1")
sql "CREATE FUNCTION chaos_refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$
	BEGIN IF NEW.key LIKE 'refuse-%' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END \$\$;
	CREATE TRIGGER chaos_refuse BEFORE INSERT ON idempotency_key FOR EACH ROW EXECUTE FUNCTION chaos_refuse()"
keyed_post() {
	post /api/bookings "$taken" -H "Cookie: rl_session=$cookie" -H "Origin: $base" -H "Idempotency-Key: refuse-1"
}
# keyed_check NAME STATUS REPLAYED: the keyed post answers STATUS, with
# Idempotent-Replayed: REPLAYED (or none when empty).
keyed_check() {
	got=$(keyed_post)
	replayed=$(header Idempotent-Replayed)
	why="answered $got, replayed '$replayed': $(head -c 300 "$tmp/body")"
	check "$1" test "$got" = "$2" -a "$replayed" = "$3"
}
keyed_check "a keyed answer that cannot be stored is 503, not sent unstored" 503 ""
check "and says database_unavailable" is_error 503 503 database_unavailable
sql "DROP TRIGGER chaos_refuse ON idempotency_key"
keyed_check "the retry runs afresh: 409 slot_unavailable, not a replay" 409 ""
first=$(cat "$tmp/body")
keyed_check "and it is the answer kept: the next retry replays it" 409 true
check "byte for byte" test "$first" = "$(cat "$tmp/body")"
why=

# A migration that changes what a prepared statement returns (here the
# session lookup's columns): each pooled connection fails it at most once
# and starts over without its statements, instead of failing it for good.
sql "ALTER TABLE app_user ALTER COLUMN name TYPE varchar(300)"
statuses=
for _ in $(seq 12); do
	statuses="$statuses $(http GET /api/me/bookings -H "Cookie: rl_session=$cookie")"
done
why="answered:$statuses"
check "after a migration changes a prepared statement's result type, requests succeed again" \
	sh -c 'case "$1" in *" 200 200 200") exit 0 ;; *) exit 1 ;; esac' - "$statuses"
why=

if cat "$tmp/server.log" "$tmp/server2.log" | grep -E 'AddressSanitizer|runtime error' >/dev/null; then
	not_ok "redlightd reported no memory errors" \
		"$(cat "$tmp/server.log" "$tmp/server2.log" | grep -E 'AddressSanitizer|runtime error' | head -n 5)"
else
	ok "redlightd reported no memory errors"
fi
echo "1..$n"
