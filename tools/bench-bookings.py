#!/usr/bin/env python3
"""bench-bookings.py BASE SECONDS CONNECTIONS DAYS: successful POST
/api/bookings per second on distinct free hours (Studio B and the Vocal
Booth, no buffers; one artist per connection, each request with its own
Idempotency-Key as the booking page sends), for SECONDS. The hours come
from POST /api/availability/search, as the booking page finds them: each
connection searches its share of the DAYS days (one-hour sessions) before
the clock starts and books only hours the search offered, one after
another without overlap, so every request is a real booking. Prints
"bookings: N created in S s, R/s (E other answers)", then whether the rate
holds: bookings/s in the first and the last third of the run, and the mean
time of a booking made while its day (both rooms) was at most a third
full against one made when it was more than two thirds full. Used by
tools/bench."""
import datetime
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse
import uuid

base, seconds, conns, ndays = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
u = urllib.parse.urlsplit(base)
rooms = {"00000000-0000-4000-8000-0000000000a2", "00000000-0000-4000-8000-0000000000a3"}
first = datetime.date.today() + datetime.timedelta(days=4)
days = [first + datetime.timedelta(days=i) for i in range(ndays)]


def free_hours(c, day):
    """The hours a search offers on day in the two rooms, without overlap."""
    c.request("POST", "/api/availability/search", body=json.dumps(
        {"date": day.isoformat(), "duration_min": 60}),
        headers={"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        sys.stdout.write("the search for %s answered %d: %s\n" % (day, r.status, body[:300]))
        sys.stdout.flush()
        os._exit(1)
    out, last_end = [], {}
    for s in sorted(json.loads(body)["slots"], key=lambda s: (s["room_id"], s["start_at"])):
        room = s["room_id"]
        if room in rooms and s["start_at"] >= last_end.get(room, ""):
            out.append((room, s["start_at"], s["end_at"]))
            last_end[room] = s["end_at"]
    return out


lock = threading.Lock()
counts = {"ok": 0, "other": 0}
done = []      # (when it was answered, seconds it took, how full its day was)
stop = time.monotonic() + seconds


def worker(i):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.request("POST", "/api/auth/login", body=json.dumps(
        {"email": "bench%d@example.com" % i, "password": "redlight-demo"}),
        headers={"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    cookie = (r.getheader("Set-Cookie") or "").split(";")[0]
    hdr = {"Content-Type": "application/json", "Cookie": cookie, "Origin": base}
    slots = []
    for day in days[i::conns]:
        offered = free_hours(c, day)
        # how full the day is when each booking is made: its place among the day's
        slots.extend(s + (k / len(offered),) for k, s in enumerate(offered))
    slots.reverse()
    barrier.wait()
    while time.monotonic() < stop:
        if not slots:
            return
        room, s, e, fill = slots.pop()
        h = dict(hdr)
        h["Idempotency-Key"] = str(uuid.uuid4())
        t = time.monotonic()
        c.request("POST", "/api/bookings", body=json.dumps(
            {"room_id": room, "start_at": s, "end_at": e}), headers=h)
        r = c.getresponse()
        r.read()
        now = time.monotonic()
        with lock:
            counts["ok" if r.status == 201 else "other"] += 1
            if r.status == 201:
                done.append((now, now - t, fill))


barrier = threading.Barrier(conns + 1)
threads = [threading.Thread(target=worker, args=(i,)) for i in range(conns)]
for t in threads:
    t.start()
barrier.wait()
t0 = time.monotonic()
stop = t0 + seconds
for t in threads:
    t.join()
took = time.monotonic() - t0
print("bookings: %d created in %.1f s, %.1f/s (%d other answers)"
      % (counts["ok"], took, counts["ok"] / took, counts["other"]))
third = took / 3
early = sum(1 for d in done if d[0] - t0 < third)
late = sum(1 for d in done if d[0] - t0 >= 2 * third)


def mean_ms(xs):
    return 1000 * sum(xs) / len(xs) if xs else float("nan")


print("bookings over the run: %.1f/s in the first third, %.1f/s in the last;"
      " %.1f ms each while their day was at most a third full, %.1f ms past two thirds"
      % (early / third, late / third, mean_ms([d[1] for d in done if d[2] <= 1 / 3]),
         mean_ms([d[1] for d in done if d[2] > 2 / 3])))
