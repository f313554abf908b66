#!/bin/sh
# test-race.sh: no double booking under concurrent requests
# (ARCHITECTURE.md, "Rules in SQL, rules in C"). Over real HTTP against a real PostgreSQL: (a) 50 artists book
# the same slot at once, and hold another at once: exactly one of each
# wins; (b) a randomized run of concurrent holds, bookings, cancels,
# reschedules and releases over a few slots in two rooms, with engineers
# shared between them, ends with SQL checks that no room and no staff
# member is claimed twice at any instant and that every booking answered
# 201 exists. The clients are tests/http/race.py (python3's standard
# library). Prints TAP, with the outcome counts as diagnostics. Runs under
# tests/lib/with-pg (re-executing itself through it).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

. "$top_srcdir/tests/lib/http-prologue.sh"
. "$top_srcdir/tests/http/claims.sh"

race="python3 $top_srcdir/tests/http/race.py"

# Sizes: the randomized run makes RACE_REQUESTS requests on RACE_THREADS
# threads for RACE_USERS of the artists.
RACE_ARTISTS=50
RACE_USERS=20
RACE_THREADS=${RACE_THREADS:-24}
RACE_REQUESTS=${RACE_REQUESTS:-1200}
RACE_REQUESTS2=${RACE_REQUESTS2:-400}
RACE_SEED=${RACE_SEED:-20271107}

http_begin race

# check_why: what $why says. The races' failures are about counts and
# rows, not one answer, so each check sets $why to what explains it.
check_why() { printf '%s' "${why:-}"; }
# json_ok FILE PYTHON-CONDITION: with d = FILE's JSON.
json_ok() {
	python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not ($2))" "$1" 2>/dev/null
}

make_db
DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER=0 REDLIGHT_LOG_FORMAT=text \
	start_main --healthy "$tmp/server.log" "redlightd starts"

room_a=00000000-0000-4000-8000-0000000000a1
room_b=00000000-0000-4000-8000-0000000000a2
recording=00000000-0000-4000-8000-0000000000b1
rental=00000000-0000-4000-8000-0000000000b2
mixing=00000000-0000-4000-8000-0000000000b3

# Two Tuesdays to Thursdays a week or more ahead, not around Christmas:
# (a) races on the first, (b) on the second.
days=$(sql "SELECT string_agg(d::text, ' ' ORDER BY d) FROM (SELECT t::date AS d FROM generate_series(
	(now() AT TIME ZONE 'America/Toronto')::date + 7, (now() AT TIME ZONE 'America/Toronto')::date + 30,
	'1 day') AS g(t)) x WHERE extract(dow FROM d) IN (2, 3, 4) AND to_char(d, 'MM-DD') NOT BETWEEN '12-24' AND '12-26'")
day_a=$(echo "$days" | cut -d' ' -f1)
day_b=$(echo "$days" | cut -d' ' -f2)
# at DAY HH:MM: studio-local time as RFC 3339 UTC. The days are Tuesdays
# to Thursdays, when Toronto's clocks never change, so each is its local
# midnight (asked of Postgres once) plus the wall-clock time.
midnight_a=$(sql "SELECT extract(epoch FROM '$day_a'::date::timestamp AT TIME ZONE 'America/Toronto')::bigint")
midnight_b=$(sql "SELECT extract(epoch FROM '$day_b'::date::timestamp AT TIME ZONE 'America/Toronto')::bigint")
at() {
	if [ "$1" = "$day_a" ]; then m=$midnight_a; else m=$midnight_b; fi
	h=${2%%:*} mi=${2#*:}
	date -u -d "@$((m + ${h#0} * 3600 + ${mi#0} * 60))" +%Y-%m-%dT%H:%M:%SZ
}

why="$(tail -n 5 "$tmp/server.log" 2>/dev/null)"
t0=$(date +%s)
check "$RACE_ARTISTS artists register" \
	$race register "$base" racer "$RACE_ARTISTS" "$tmp/artists"
echo "# registering took $(( $(date +%s) - t0 )) s"
# the bound is on the races; registering is argon2id's time, not theirs
started=$(date +%s)

# ---- (a) fifty at once for one slot ----
s10=$(at "$day_a" 10:00) s11=$(at "$day_a" 11:00)
$race same-slot "$base" "$tmp/artists" "$room_b" "$s10" "$s11" "$tmp/a.ids" > "$tmp/a.json" 2>"$tmp/a.err"
echo "# 50 bookings of one slot: $(cat "$tmp/a.json")"
why="$(cat "$tmp/a.err" "$tmp/a.json")"
check "50 concurrent bookings of one slot: exactly one 201, 49 are 409 slot_unavailable" \
	json_ok "$tmp/a.json" 'd == {"201": 1, "409 slot_unavailable": 49}'
winner=$(cat "$tmp/a.ids" 2>/dev/null)
why=
check "the one booking exists, live, and is the only one of that slot" test \
	"$(sql "SELECT string_agg(id::text, ',') FROM booking WHERE room_id = '$room_b' AND blocked && tstzrange('$s10', '$s11')
		AND booking_is_live(status)")" = "$winner"

s13=$(at "$day_a" 13:00) s14=$(at "$day_a" 14:00)
cat > "$tmp/hold-race.py" <<'EOF'
import json, sys, threading
sys.path.insert(0, sys.argv[1])
import race
users = race.load_users(sys.argv[3])
barrier = threading.Barrier(len(users))
out = [None] * len(users)
def go(i):
    c = race.Client(sys.argv[2])
    c.request("GET", "/healthz")
    barrier.wait()
    status, doc, _ = c.request("POST", "/api/holds", {"room_id": sys.argv[4], "start_at": sys.argv[5],
                                                     "end_at": sys.argv[6]}, users[i][1])
    out[i] = "%d %s" % (status, doc.get("error", {}).get("code", "") if isinstance(doc, dict) else "")
race.run_threads(len(users), go)
counts = {}
for k in out:
    counts[k.strip()] = counts.get(k.strip(), 0) + 1
print(json.dumps(counts, sort_keys=True))
EOF
python3 "$tmp/hold-race.py" "$top_srcdir/tests/http" "$base" "$tmp/artists" "$room_b" "$s13" "$s14" \
	> "$tmp/h.json" 2>"$tmp/h.err"
echo "# 50 holds of one slot: $(cat "$tmp/h.json")"
why="$(cat "$tmp/h.err" "$tmp/h.json")"
check "50 concurrent holds of one slot: exactly one 201, 49 are 409 slot_unavailable" \
	json_ok "$tmp/h.json" 'd == {"201": 1, "409 slot_unavailable": 49}'
why=
check "one active hold claims it" test \
	"$(sql "SELECT count(*) FROM hold WHERE room_id = '$room_b' AND status = 'active' AND start_at = '$s13'")" = 1

echo "# the races of one slot took $(( $(date +%s) - started )) s"

# ---- (b) a randomized mix ----
# Studio B: room rental of one or two hours and mixing (Eli or Priya, 15
# minutes' teardown); Studio A: recording (Eli only on weekdays, 15
# minutes' setup and teardown), so the rooms compete for Eli.
python3 - "$midnight_b" "$RACE_THREADS" "$RACE_REQUESTS" "$RACE_SEED" "$room_a" "$room_b" \
	"$recording" "$rental" "$mixing" > "$tmp/spec.json" <<'EOF'
import json, sys, time
midnight, threads, requests, seed = (int(x) for x in sys.argv[1:5])
room_a, room_b, recording, rental, mixing = sys.argv[5:10]
def at(hm):
    h, m = hm.split(":")
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(midnight + int(h) * 3600 + int(m) * 60))
def slot(room, service, start, end, length):
    return {"room_id": room, "service_id": service, "start_at": at(start), "end_at": at(end), "length": length}
slots = [slot(room_b, rental, "%d:00" % h, "%d:00" % (h + 1), 60) for h in range(10, 22)]
slots += [slot(room_b, rental, "10:30", "12:30", 120), slot(room_b, rental, "12:00", "14:00", 120)]
slots += [slot(room_b, mixing, a, b, 120) for a, b in (("13:00", "15:00"), ("15:00", "17:00"), ("16:00", "18:00"))]
slots += [slot(room_a, recording, "%d:00" % h, "%d:00" % (h + 1), 60) for h in range(10, 18)]
# spare times that only reschedules aim at, so some moves find room
for room, service, start, end, length in ((room_b, rental, "9:00", "10:00", 60),
        (room_b, rental, "22:00", "23:00", 60), (room_b, rental, "19:00", "21:00", 120),
        (room_a, recording, "18:00", "19:00", 60)):
    slots.append(dict(slot(room, service, start, end, length), spare=True))
print(json.dumps({"threads": threads, "requests": requests, "seed": seed, "slots": slots}))
EOF
head -n "$RACE_USERS" "$tmp/artists" > "$tmp/users"
# A second redlightd on the same database takes a smaller run of its own
# at the same time, other artists, another seed: both caches must follow
# every change, whichever process made it.
sed -n "$((RACE_USERS + 1)),$((RACE_USERS * 2))p" "$tmp/artists" > "$tmp/users2"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["requests"] = int(sys.argv[2]); d["seed"] += 1; d["threads"] = 8
print(json.dumps(d))' "$tmp/spec.json" "$RACE_REQUESTS2" > "$tmp/spec2.json"
DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER=0 REDLIGHT_LOG_FORMAT=text \
	start_redlightd "$tmp/server2.log" --config "$tmp/empty.conf" --listen 127.0.0.1:0
second=$base
base=$main
listening() { grep -q 'listening for changes' "$1"; }
check "a second redlightd on the same database listens for changes" \
	wait_until listening "$tmp/server2.log"

# the searches of day_b compared across servers
cat > "$tmp/queries.json" <<QUERIES
[{"date": "$day_b", "duration_min": 60},
 {"date": "$day_b", "duration_min": 60, "service_id": "$rental"},
 {"date": "$day_b", "duration_min": 120, "service_id": "$rental"},
 {"date": "$day_b", "duration_min": 120, "service_id": "$mixing"},
 {"date": "$day_b", "duration_min": 60, "service_id": "$recording"},
 {"date": "$day_b", "duration_min": 60, "service_id": "$recording", "room_id": "$room_a"}]
QUERIES
# answers BASE OUT: every query's answer from BASE, as one JSON list
answers() {
	python3 -c 'import json, sys, urllib.request
out = []
for q in json.load(open(sys.argv[2])):
    r = urllib.request.Request(sys.argv[1] + "/api/availability/search", json.dumps(q).encode(),
                               {"Content-Type": "application/json"})
    out.append(json.load(urllib.request.urlopen(r, timeout=10)))
print(json.dumps(out, sort_keys=True))' "$1" "$tmp/queries.json" > "$2"
}
warm() { answers "$main" "$tmp/warm1.json" && answers "$second" "$tmp/warm2.json"; }
check "both servers cache day_b's searches before the run" warm

# While both run, the one table only a day's load reads (exception) is
# locked: a booking or hold that dropped its cached day instead of
# updating it would wait for the lock, and the run would time out.
lock_table exception 45
locked() { table_locked exception; }
check "the table only day loads read is locked for the run" wait_until locked

echo "# randomized run: $RACE_REQUESTS requests, $RACE_THREADS threads, $RACE_USERS artists, seed $RACE_SEED;"
echo "# and $RACE_REQUESTS2 more through the second redlightd"
t0=$(date +%s)
$race mixed "$second" "$tmp/users2" "$tmp/spec2.json" "$tmp/b2.ids" > "$tmp/b2.json" 2>"$tmp/b2.err" &
mixed2=$!
$race mixed "$base" "$tmp/users" "$tmp/spec.json" "$tmp/b.ids" > "$tmp/b.json" 2>"$tmp/b.err"
wait "$mixed2"
t1=$(date +%s)
check "the lock held through the run (no request waited for a day to load)" locked
sql "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'rl-lock-exception'" >/dev/null
wait "$locker"
python3 -c 'import json, sys
for k, v in sorted(json.load(open(sys.argv[1])).items()):
    print("#   %-40s %d" % (k, v))' "$tmp/b.json" 2>/dev/null
echo "# the randomized run took $((t1 - t0)) s"
why="$(cat "$tmp/b.err")"
check "the randomized run made all $RACE_REQUESTS requests" \
	json_ok "$tmp/b.json" "sum(d.values()) == $RACE_REQUESTS"
why="$(cat "$tmp/b.json")"
check "no request failed with a server error or a dropped connection" \
	json_ok "$tmp/b.json" 'not any(k.split()[1][0] in "05" for k in d)'
# two threads of one artist can move the same booking at once; the later one
# may then ask to move it to where the first just put it: a documented 400
check "every answer was one the API documents" \
	json_ok "$tmp/b.json" 'all(" ".join(k.split()[1:]) in {"200", "201", "204", "404 not_found", "409 slot_unavailable", "409 state_changed", "409 hold_expired"} or k == "reschedule 400 invalid" for k in d)'
check "holds, bookings from holds and without, cancels, reschedules and releases all succeeded at least once" \
	json_ok "$tmp/b.json" 'all(d.get(k, 0) > 0 for k in ("hold 201", "book 201", "book-hold 201", "cancel 200", "reschedule 200", "release 204"))'
check "and the contention was real: holds and bookings were refused as taken" \
	json_ok "$tmp/b.json" 'd.get("hold 409 slot_unavailable", 0) > 0 and d.get("book 409 slot_unavailable", 0) > 0'
why=

why="$(cat "$tmp/b2.err" "$tmp/b2.json")"
check "the second server's run made all $RACE_REQUESTS2 requests, none failing" \
	json_ok "$tmp/b2.json" "sum(d.values()) == $RACE_REQUESTS2 and not any(k.split()[1][0] in '05' for k in d)"
why=

# Holds expiring: time passes without a write. Two active holds are set
# to expire in two seconds (a write, whose notices carry the new expiry),
# then the clock does the rest. Expiries are kept rounded up to the whole
# second, so the comparison waits until the clock's whole second is past
# the latest rounded expiry: otherwise an answer built just before that
# second and one built just after it differ, and rightly.
expiry=$(sql "WITH h AS (UPDATE hold SET expires_at = clock_timestamp() + interval '2 seconds'
	WHERE id IN (SELECT id FROM hold WHERE status = 'active' AND start_at >= '$(at "$day_b" 00:00)' LIMIT 2)
	RETURNING expires_at) SELECT coalesce(max(ceil(extract(epoch FROM expires_at)))::bigint, 0) FROM h")
past_expiry() { [ "$(date +%s)" -gt "${expiry:-0}" ]; }
wait_until past_expiry
# what a fresh process loads now, against what both kept through the run
DATABASE_URL=$url REDLIGHT_RATE_LIMIT_SCALE=0 REDLIGHT_WORKER=0 REDLIGHT_LOG_FORMAT=text \
	start_redlightd "$tmp/server3.log" --config "$tmp/empty.conf" --listen 127.0.0.1:0
fresh=$base
base=$main
answers "$fresh" "$tmp/fresh.json"
answers "$main" "$tmp/kept1.json"
answers "$second" "$tmp/kept2.json"
why="$(diff "$tmp/fresh.json" "$tmp/kept1.json" | head -c 4000)"
check "after the run, the first server's cached searches equal a fresh load" cmp -s "$tmp/fresh.json" "$tmp/kept1.json"
why="$(diff "$tmp/fresh.json" "$tmp/kept2.json" | head -c 4000)"
check "and so do the second server's" cmp -s "$tmp/fresh.json" "$tmp/kept2.json"
why=
check "and the run changed them (the comparison is not of unchanged days)" sh -c '
	! cmp -s "$1" "$2" && grep -q start_at "$2"' - "$tmp/warm1.json" "$tmp/fresh.json"

# A claim taken while its day loads: the day's load is held up by the
# lock, a booking of room B is written meanwhile (directly: the API would
# wait for the same load), and its notice, kept for the load, is applied
# to what the load brings unless the load's snapshot saw the booking
# (here it does: a statement takes its snapshot once it has its locks; a
# commit between the two is applied, which only a race shows): either
# way the day must equal a fresh load, and be kept.
day_c=$(sql "SELECT ('$day_b'::date + 35)::text")
lock_table exception 20
wait_until locked
sed -i "s/$day_b/$day_c/g" "$tmp/queries.json"
answers "$main" "$tmp/loading1.json" 2>"$tmp/loading1.err" &
loading=$!
pids="$pids $loading"
sleep 0.5
sql "INSERT INTO booking (code, user_id, room_id, status, start_at, end_at, blocked, approved_at)
	SELECT 'RL-LOADING', id, '$room_b', 'confirmed', t, t + interval '2 hours', tstzrange(t, t + interval '2 hours', '[)'), now()
	  FROM app_user, LATERAL (SELECT ('$day_c'::date + time '13:00') AT TIME ZONE 'America/Toronto' AS t) x
	 WHERE email = 'artist@redlight.test'" >/dev/null
sleep 0.3
sql "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'rl-lock-exception'" >/dev/null
wait "$locker"
wait "$loading"
answers "$main" "$tmp/loaded1.json"
answers "$fresh" "$tmp/fresh-c.json"
why="$(cat "$tmp/loading1.err"; diff "$tmp/fresh-c.json" "$tmp/loaded1.json" | head -c 600)"
check "a booking made while its day loaded: the answers kept equal a fresh load" \
	cmp -s "$tmp/fresh-c.json" "$tmp/loaded1.json"
check "and so did the answers the waiting search got" cmp -s "$tmp/fresh-c.json" "$tmp/loading1.json"
why=

check_claims
check "every engineer's session has its one engineer" test "$(sql "
	SELECT count(*) FROM booking b JOIN booking_service bs ON bs.booking_id = b.id
	WHERE bs.service_id IN ('$recording', '$mixing')
	AND (SELECT count(*) FROM booking_staff s WHERE s.booking_id = b.id) <> 1")" = 0
cat "$tmp/b.ids" "$tmp/b2.ids" > "$tmp/all.ids"
created=$(wc -l < "$tmp/all.ids" | tr -d ' ')
values=$(sed "s/^\([^ ]*\) \([^ ]*\)$/('\1'::uuid,'\2'::uuid)/" "$tmp/all.ids" | paste -sd, -)
check "every booking answered 201 ($created) exists, its artist's, with its submitted job" test \
	"$created" -gt 0 -a "$(sql "SELECT count(*) FROM (VALUES $values) v(u, b) JOIN booking k ON k.id = v.b AND k.user_id = v.u
	WHERE EXISTS (SELECT 1 FROM job j WHERE j.kind = 'booking_submitted' AND j.payload->>'booking_id' = k.id::text)")" = "$created"
check "and no booking exists that was not answered 201" test \
	"$(sql "SELECT count(*) FROM booking b JOIN app_user u ON u.id = b.user_id WHERE u.email LIKE 'racer-%'
		AND b.start_at >= '$(at "$day_b" 00:00)'")" = "$created"
check "every converted hold became a booking with its room and time" test "$(sql "
	SELECT count(*) FROM hold h WHERE h.status = 'converted' AND h.start_at >= '$(at "$day_b" 00:00)' AND NOT EXISTS
	(SELECT 1 FROM booking b WHERE b.user_id = h.user_id AND b.room_id = h.room_id)")" = 0

elapsed=$(( $(date +%s) - started ))
check "the races ran within 60 seconds ($elapsed s)" test "$elapsed" -lt 60
if grep -E 'AddressSanitizer|runtime error' "$tmp/server.log" >/dev/null; then
	not_ok "redlightd reported no memory errors" "$(grep -E 'AddressSanitizer|runtime error' "$tmp/server.log" | head -n 5)"
else
	ok "redlightd reported no memory errors"
fi
check "redlightd is still serving" curl -sf "$base/healthz" -o /dev/null

echo "1..$n"
