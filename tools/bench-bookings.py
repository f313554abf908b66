#!/usr/bin/env python3
"""bench-bookings.py BASE SECONDS CONNECTIONS DAYS: successful POST
/api/bookings per second on distinct free hours (Studio B and the Vocal
Booth, no buffers; one artist per connection, each request with its own
Idempotency-Key as the booking page sends), for SECONDS. Prints
"bookings: N created in S s, R/s (E other answers)". Used by tools/bench."""
import datetime
import http.client
import json
import sys
import threading
import time
import urllib.parse
import uuid
import zoneinfo

base, seconds, conns, ndays = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
u = urllib.parse.urlsplit(base)
zone = zoneinfo.ZoneInfo("America/Toronto")
rooms = ["00000000-0000-4000-8000-0000000000a2", "00000000-0000-4000-8000-0000000000a3"]
fmt = "%Y-%m-%dT%H:%M:%SZ"
slots = []
day = datetime.date.today() + datetime.timedelta(days=4)
for _ in range(ndays):
    if not (day.month == 12 and 24 <= day.day <= 26):
        for h in range(10, 17):
            for room in rooms:
                s = datetime.datetime(day.year, day.month, day.day, h, tzinfo=zone)
                e = s + datetime.timedelta(hours=1)
                slots.append((room, s.astimezone(datetime.timezone.utc).strftime(fmt),
                              e.astimezone(datetime.timezone.utc).strftime(fmt)))
    day += datetime.timedelta(days=1)
lock = threading.Lock()
counts = {"ok": 0, "other": 0}
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
    barrier.wait()
    while time.monotonic() < stop:
        with lock:
            if not slots:
                return
            room, s, e = slots.pop()
        h = dict(hdr)
        h["Idempotency-Key"] = str(uuid.uuid4())
        c.request("POST", "/api/bookings", body=json.dumps(
            {"room_id": room, "start_at": s, "end_at": e}), headers=h)
        r = c.getresponse()
        r.read()
        with lock:
            counts["ok" if r.status == 201 else "other"] += 1


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
