#!/usr/bin/env python3
"""bench-bookings.py BASE CONNECTIONS DAYS PLAN: the plan of tools/bench's
booking submission, made before the clock starts; tools/bench-bookings.c
books it. Each connection's artist (bench0@example.com and on) logs in
and searches its share of the DAYS days (POST /api/availability/search,
one-hour sessions, as the booking page finds its hours); the plan keeps
the hours offered in Studio B and the Vocal Booth (no buffers), without
overlap, each with how full its day is when it is booked (its place among
the day's offered hours, 0 to 1), so every request of the timed run is a
real booking. PLAN gets, for each connection, "conn COOKIE" and then one
"slot ROOM START END FILL" per hour in the order they are to be booked.
Prints "plan: N hours for C connections from START to END" (the first
start and the last end, for the check that the bookings counted exist).
The searches run in one thread per connection, as the driver in Python
that timed the bookings before did."""
import datetime
import http.client
import json
import os
import sys
import threading
import urllib.parse

base, conns, ndays, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
u = urllib.parse.urlsplit(base)
rooms = {"00000000-0000-4000-8000-0000000000a2", "00000000-0000-4000-8000-0000000000a3"}
first = datetime.date.today() + datetime.timedelta(days=4)
days = [first + datetime.timedelta(days=i) for i in range(ndays)]


def fail(what):
    sys.stdout.write(what + "\n")
    sys.stdout.flush()
    os._exit(1)


def free_hours(c, day):
    """The hours a search offers on day in the two rooms, without overlap."""
    c.request("POST", "/api/availability/search", body=json.dumps(
        {"date": day.isoformat(), "duration_min": 60}),
        headers={"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        fail("the search for %s answered %d: %s" % (day, r.status, body[:300]))
    out, last_end = [], {}
    for s in sorted(json.loads(body)["slots"], key=lambda s: (s["room_id"], s["start_at"])):
        room = s["room_id"]
        if room in rooms and s["start_at"] >= last_end.get(room, ""):
            out.append((room, s["start_at"], s["end_at"]))
            last_end[room] = s["end_at"]
    return out


plans = [None] * conns


def prepare(i):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.request("POST", "/api/auth/login", body=json.dumps(
        {"email": "bench%d@example.com" % i, "password": "redlight-demo"}),
        headers={"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    cookie = (r.getheader("Set-Cookie") or "").split(";")[0]
    if r.status != 200 or not cookie:
        fail("bench%d's login answered %d without a session" % (i, r.status))
    slots = []
    for day in days[i::conns]:
        offered = free_hours(c, day)
        # how full the day is when each booking is made: its place among the day's
        slots.extend(s + (k / len(offered),) for k, s in enumerate(offered))
    c.close()
    plans[i] = (cookie, slots)


threads = [threading.Thread(target=prepare, args=(i,)) for i in range(conns)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if any(p is None for p in plans):
    fail("a connection's plan is missing")
with open(path, "w") as f:
    for cookie, slots in plans:
        f.write("conn %s\n" % cookie)
        for room, s, e, fill in slots:
            f.write("slot %s %s %s %r\n" % (room, s, e, fill))
starts = [s[1] for p in plans for s in p[1]]
ends = [s[2] for p in plans for s in p[1]]
if not starts:
    fail("no search offered an hour")
print("plan: %d hours for %d connections from %s to %s" % (len(starts), conns, min(starts), max(ends)))
