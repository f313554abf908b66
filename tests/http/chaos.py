#!/usr/bin/env python3
"""chaos.py: bookings, cancels and reschedules while everything breaks.

  chaos.py REDLIGHTD CONFIG LOG SPEC

Runs redlightd itself (tests/http/crash.py's Server, on one port for the
whole run, with the caller's environment), registers SPEC's artists
(tests/http/race.py) and runs SPEC's threads for SPEC's seconds. Each
thread books free-looking hours of SPEC's slots as one of the artists,
and cancels and reschedules the bookings it made; every request carries
its own Idempotency-Key, and one that got no answer (a reset connection,
a refused one, a 503 while the database is away) is sent again with the
same key and body until it gets one. Meanwhile, at the moments SPEC
names, redlightd is killed with SIGKILL and started again, and
PostgreSQL is restarted (SPEC's pg_restart command). Some answers are
asked for again with their key at once (while the faults go on), and
after the run every key is sent once more.

SPEC (JSON): {"seconds", "threads", "seed", "artists", "slots": [{"room_id",
"start_at", "end_at"}], "events": [[SECONDS, "kill" | "pg"], ...],
"pg_restart": [ARGV...]}.

Prints one JSON document: "requests" (every keyed request: its key,
method, path, body, the answer it finally got and how many sends it took),
"replays" (each later send of a key with what it got), "bookings" (what
the client was told last about each booking it created: status, start_at,
end_at), "artists" (their user ids), "events" (what happened when) and
"counts". Checking is the caller's (tests/http/test-chaos.sh). Standard
library only."""
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402
import race  # noqa: E402

# how long one request may go unanswered, across every fault, before the
# run gives up on it (recorded as status 0)
ANSWER_DEADLINE = 60


class Run:
    def __init__(self, srv, spec):
        self.srv, self.spec = srv, spec
        self.base = "http://%s:%d" % (srv.host, srv.port)
        self.lock = threading.Lock()
        self.requests, self.replays, self.events = [], [], []
        self.bookings = {}
        self.stop = threading.Event()
        self.failed = []
        self.t0 = time.monotonic()

    def now(self):
        return round(time.monotonic() - self.t0, 3)

    def keyed(self, client, cookie, method, path, body, key):
        """The first answer to the keyed request: (status, raw, replayed,
        sends). A send with no answer or a 503 (not stored: the database
        was away) is a send the client never saw answered: again, same
        key, same body."""
        headers = {"Cookie": "rl_session=" + cookie, "Idempotency-Key": key}
        deadline = time.monotonic() + ANSWER_DEADLINE
        sends = 0
        while True:
            sends += 1
            status, raw, got = client.send(method, path, body, headers, tries=1)
            if status not in (0, 503) or time.monotonic() > deadline:
                return status, raw.decode("utf-8", "replace"), \
                    got.get("idempotent-replayed") == "true", sends
            time.sleep(0.02)

    def change(self, client, cookie, method, path, body, rng):
        key = str(uuid.uuid4())
        status, raw, replayed, sends = self.keyed(client, cookie, method, path, body, key)
        entry = {"key": key, "cookie": cookie, "method": method, "path": path, "body": body,
                 "status": status, "answer": raw, "replayed": replayed, "sends": sends,
                 "at": self.now()}
        with self.lock:
            self.requests.append(entry)
        # now and then, the same request again at once: a client that
        # retried although its answer came
        if rng.random() < 0.15:
            self.replay(client, entry, "during")
        try:
            doc = json.loads(raw)
        except ValueError:
            doc = None
        return status, doc

    def replay(self, client, entry, when):
        status, raw, replayed, sends = self.keyed(client, entry["cookie"], entry["method"],
                                                  entry["path"], entry["body"], entry["key"])
        with self.lock:
            self.replays.append({"key": entry["key"], "when": when, "status": status,
                                 "answer": raw, "replayed": replayed, "sends": sends})

    def told(self, bid, doc):
        """What an answer said about booking bid (a cancel's says only
        its status)."""
        with self.lock:
            b = self.bookings.setdefault(bid, {})
            b.update({k: doc[k] for k in ("status", "start_at", "end_at") if k in doc})

    def guarded(self, fn, *args):
        """Runs fn in a thread; what it raises ends the whole run."""
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001: reported, not hidden
            import traceback
            self.failed.append("".join(traceback.format_exception(e)))
            self.stop.set()

    def worker(self, t, users):
        rng = random.Random(self.spec["seed"] * 1000 + t)
        client = race.Client(self.base)
        uid, cookie = users[t % len(users)]
        slots = self.spec["slots"]
        mine = {}   # this thread's live bookings, with their start: only it changes them
        while not self.stop.is_set():
            r = rng.random()
            if r < 0.5 or not mine:
                s = rng.choice(slots)
                status, doc = self.change(client, cookie, "POST", "/api/bookings", {
                    "room_id": s["room_id"], "start_at": s["start_at"], "end_at": s["end_at"]}, rng)
                if status == 201:
                    self.told(doc["booking_id"], doc)
                    mine[doc["booking_id"]] = doc["start_at"]
            elif r < 0.75:
                bid = rng.choice(sorted(mine))
                # moving a booking onto its own time is a documented 400
                s = rng.choice([s for s in slots if s["start_at"] != mine[bid]])
                status, doc = self.change(client, cookie, "POST",
                                          "/api/bookings/%s/reschedule" % bid,
                                          {"new_start_at": s["start_at"],
                                           "new_end_at": s["end_at"]}, rng)
                if status == 200:
                    self.told(bid, doc)
                    mine[bid] = doc["start_at"]
            else:
                bid = rng.choice(sorted(mine))
                status, doc = self.change(client, cookie, "POST", "/api/bookings/%s/cancel" % bid,
                                          {"reason": "chaos"}, rng)
                if status == 200:
                    self.told(bid, doc)
                    del mine[bid]

    def faults(self):
        for at, what in sorted(self.spec["events"]):
            while self.now() < at:
                if self.stop.wait(0.01):
                    return
            if what == "kill":
                self.srv.kill()
                self.events.append({"at": self.now(), "what": "redlightd killed"})
                self.srv.start()
                self.events.append({"at": self.now(), "what": "redlightd listening again"})
            else:
                subprocess.run(self.spec["pg_restart"], check=True)
                self.events.append({"at": self.now(), "what": "PostgreSQL restarted"})


def main():
    binary, config, log, spec_path = sys.argv[1:5]
    spec = json.load(open(spec_path))
    srv = crash.Server(binary, config, log, keep_port=True)
    srv.start()
    try:
        base = "http://%s:%d" % (srv.host, srv.port)
        users_file = spec_path + ".users"
        race.register(base, "chaos", spec["artists"], users_file)
        users = race.load_users(users_file)
        run = Run(srv, spec)
        threads = [threading.Thread(target=run.guarded, args=(run.worker, t, users))
                   for t in range(spec["threads"])]
        faults = threading.Thread(target=run.guarded, args=(run.faults,))
        for t in threads:
            t.start()
        faults.start()
        run.stop.wait(spec["seconds"])
        run.stop.set()
        for t in threads + [faults]:
            t.join()
        if run.failed:
            raise SystemExit("a thread failed:\n" + run.failed[0])
        # every key once more, now that the faults are over
        todo = list(run.requests)

        def again(_):
            client = race.Client(base)
            while True:
                with run.lock:
                    if not todo:
                        return
                    entry = todo.pop()
                run.replay(client, entry, "after")
        race.run_threads(spec["threads"], again)
        counts = {}
        for e in run.requests:
            op = e["path"].rsplit("/", 1)[-1] if e["path"] != "/api/bookings" else "book"
            k = "%s %d" % (op, e["status"])
            counts[k] = counts.get(k, 0) + 1
        json.dump({"requests": run.requests, "replays": run.replays, "bookings": run.bookings,
                   "artists": [u for u, _ in users], "events": run.events, "counts": counts},
                  sys.stdout, indent=1)
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
