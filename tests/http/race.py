#!/usr/bin/env python3
"""race.py: concurrent clients for tests/http/test-race.sh (standard library only).

  race.py register BASE PREFIX N OUT
      register N artists PREFIX-0@example.com.. and write their session
      cookies, one per line, to OUT.
  race.py same-slot BASE COOKIES ROOM START END OUT
      every artist in COOKIES posts the same booking at once (threads
      released together by a barrier); prints {"status": count, ...} and
      writes the booking ids answered 201 to OUT.
  race.py mixed BASE COOKIES SPEC OUT
      a randomized run of holds, bookings, cancels, reschedules and releases
      over the slots of SPEC (JSON: {"threads", "requests", "seed", "slots":
      [{"room_id", "service_id", "start_at", "end_at", "length", "spare"?}]};
      spare slots are only rescheduled to); prints the
      outcome counts per operation as JSON and writes "user_id booking_id"
      of every 201 booking to OUT.
"""
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

TIMEOUT = 30


class Client:
    """One keep-alive connection, reopened when the server closes it."""

    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port, self.origin = u.hostname, u.port, base
        self.conn = None

    def request(self, method, path, body=None, cookie=None):
        """(status, parsed JSON body or None, Set-Cookie); status 0 when
        no answer came on two tries."""
        headers = {}
        if cookie:
            headers["Cookie"] = "rl_session=" + cookie
        status, raw, got = self.send(method, path, body, headers)
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = None
        return status, doc, got.get("set-cookie", "")

    def send(self, method, path, body=None, headers=None, tries=2):
        """(status, raw body bytes, {lower-case header name: value}) of one
        request with body (JSON-encoded unless None) and headers added to
        Origin and Content-Type; a connection the server closed or reset
        is opened again, up to tries times in all; (0, b"", {}) when no
        answer came."""
        h = {"Origin": self.origin}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        for attempt in range(tries):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
                self.conn.request(method, path, body=data, headers=h)
                r = self.conn.getresponse()
                raw = r.read()
                got = {k.lower(): v for k, v in r.getheaders()}
                if got.get("connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, raw, got
            except (http.client.HTTPException, ConnectionError, OSError):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
        return 0, b"", {}


def run_threads(n, target):
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def register(base, prefix, n, out):
    cookies = [None] * n
    users = [None] * n
    lock = threading.Lock()
    todo = list(range(n))

    def worker(_):
        c = Client(base)
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop()
            body = {"email": "%s-%d@example.com" % (prefix, i), "password": "correct horse",
                    "name": "Racer %d" % i}
            for _ in range(50):
                status, doc, setc = c.request("POST", "/api/auth/register", body)
                if status != 503:
                    break
                time.sleep(0.1)
            if status != 201:
                raise SystemExit("register %d: %s %s" % (i, status, doc))
            cookies[i] = setc.split(";", 1)[0].split("=", 1)[1]
            users[i] = doc["user"]["id"]

    run_threads(min(8, n), worker)
    with open(out, "w") as f:
        for u, c in zip(users, cookies):
            f.write("%s %s\n" % (u, c))


def load_users(path):
    with open(path) as f:
        return [tuple(line.split()) for line in f if line.strip()]


def same_slot(base, cookies, room, start, end, out):
    users = load_users(cookies)
    barrier = threading.Barrier(len(users))
    results = [None] * len(users)
    body = {"room_id": room, "start_at": start, "end_at": end}

    def worker(i):
        c = Client(base)
        # open the connection first, so the barrier releases requests, not handshakes
        c.request("GET", "/healthz")
        barrier.wait()
        status, doc, _ = c.request("POST", "/api/bookings", body, users[i][1])
        code = doc.get("error", {}).get("code") if isinstance(doc, dict) else None
        results[i] = (status, code, doc.get("booking_id") if isinstance(doc, dict) else None)

    run_threads(len(users), worker)
    counts = {}
    for status, code, _ in results:
        key = "%d %s" % (status, code or "")
        counts[key.strip()] = counts.get(key.strip(), 0) + 1
    with open(out, "w") as f:
        for status, _, bid in results:
            if status == 201:
                f.write(bid + "\n")
    print(json.dumps(counts, sort_keys=True))


def mixed(base, cookies, spec_path, out):
    users = load_users(cookies)
    spec = json.load(open(spec_path))
    slots = spec["slots"]
    # spare slots are only where reschedules move to
    targets = [s for s in slots if not s.get("spare")]
    rng_seed = spec.get("seed", 1)
    total = spec["requests"]
    lock = threading.Lock()
    state = {"left": total}
    holds = {u: [] for u, _ in users}      # user -> [(hold_id, slot)]
    bookings = {u: [] for u, _ in users}   # user -> [(booking_id, slot)]
    created = []                           # (user, booking_id)
    counts = {}

    def count(op, status, doc):
        code = doc.get("error", {}).get("code") if isinstance(doc, dict) and "error" in doc else ""
        if code and os.environ.get("RACE_DEBUG"):
            sys.stderr.write("%s %d %s\n" % (op, status, json.dumps(doc)))
        key = "%s %d%s" % (op, status, " " + code if code else "")
        with lock:
            counts[key] = counts.get(key, 0) + 1

    def worker(t):
        rng = random.Random(rng_seed * 1000 + t)
        c = Client(base)
        while True:
            with lock:
                if state["left"] <= 0:
                    return
                state["left"] -= 1
            uid, cookie = users[rng.randrange(len(users))]
            r = rng.random()
            with lock:
                my_holds = list(holds[uid])
                my_bookings = list(bookings[uid])
            # an operation on nothing becomes a hold: every turn is a request
            if (0.65 <= r < 0.92 and not my_bookings) or (r >= 0.92 and not my_holds):
                r = 0.0
            if r < 0.30:
                s = rng.choice(targets)
                body = {"room_id": s["room_id"], "start_at": s["start_at"], "end_at": s["end_at"]}
                if s.get("service_id"):
                    body["service_id"] = s["service_id"]
                status, doc, _ = c.request("POST", "/api/holds", body, cookie)
                count("hold", status, doc)
                if status == 201:
                    with lock:
                        holds[uid].append((doc["hold_id"], s))
            elif r < 0.65:
                if my_holds and rng.random() < 0.6:
                    hid, s = rng.choice(my_holds)
                    op = "book-hold"
                else:
                    hid, s = None, rng.choice(targets)
                    op = "book"
                body = {"room_id": s["room_id"], "start_at": s["start_at"], "end_at": s["end_at"]}
                if s.get("service_id"):
                    body["service_items"] = [{"service_id": s["service_id"], "qty": 1}]
                if hid:
                    body["hold_id"] = hid
                status, doc, _ = c.request("POST", "/api/bookings", body, cookie)
                count(op, status, doc)
                with lock:
                    if hid and (hid, s) in holds[uid] and status in (201, 409):
                        holds[uid].remove((hid, s))
                    if status == 201:
                        bookings[uid].append((doc["booking_id"], s))
                        created.append((uid, doc["booking_id"]))
            elif r < 0.78:
                bid, s = rng.choice(my_bookings)
                status, doc, _ = c.request("POST", "/api/bookings/%s/cancel" % bid,
                                           {"dry_run": rng.random() < 0.2}, cookie)
                count("cancel", status, doc)
                if status == 200 and doc.get("status") == "canceled":
                    with lock:
                        if (bid, s) in bookings[uid]:
                            bookings[uid].remove((bid, s))
            elif r < 0.92:
                bid, s = rng.choice(my_bookings)
                same = [x for x in slots if x["room_id"] == s["room_id"] and x is not s and
                        x.get("service_id") == s.get("service_id") and x["length"] == s["length"]]
                if not same:
                    # nowhere of the same shape to move to: moving a booking
                    # onto its own time is a documented 400, so ask for a
                    # dry run of a cancel instead
                    status, doc, _ = c.request("POST", "/api/bookings/%s/cancel" % bid,
                                               {"dry_run": True}, cookie)
                    count("cancel", status, doc)
                    continue
                n = rng.choice(same)
                status, doc, _ = c.request("POST", "/api/bookings/%s/reschedule" % bid,
                                           {"new_start_at": n["start_at"], "new_end_at": n["end_at"]},
                                           cookie)
                count("reschedule", status, doc)
                if status == 200:
                    with lock:
                        if (bid, s) in bookings[uid]:
                            bookings[uid].remove((bid, s))
                            bookings[uid].append((bid, n))
            else:
                hid, s = rng.choice(my_holds)
                status, doc, _ = c.request("DELETE", "/api/holds/%s" % hid, None, cookie)
                count("release", status, doc)
                with lock:
                    if (hid, s) in holds[uid]:
                        holds[uid].remove((hid, s))

    run_threads(spec["threads"], worker)
    with open(out, "w") as f:
        for uid, bid in created:
            f.write("%s %s\n" % (uid, bid))
    print(json.dumps(counts, sort_keys=True))


def main(argv):
    if len(argv) >= 6 and argv[1] == "register":
        register(argv[2], argv[3], int(argv[4]), argv[5])
    elif len(argv) == 8 and argv[1] == "same-slot":
        same_slot(*argv[2:8])
    elif len(argv) == 6 and argv[1] == "mixed":
        mixed(*argv[2:6])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
