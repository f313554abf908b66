#!/usr/bin/env python3
"""crash.py: requests killed mid-flight and retried with the same key.

  crash.py REDLIGHTD CONFIG DATABASE-URL LOG ROUNDS HOLD-EVERY SEED

Runs redlightd itself (with the caller's environment), logs in as the demo
artist, and makes ROUNDS requests, each with its own Idempotency-Key and
its own free hour in Studio B: POST /api/holds every HOLD-EVERY rounds,
POST /api/bookings otherwise. Each request is sent on a raw socket and
redlightd is killed with SIGKILL at a random moment of it (from at once
to a little after a request of its kind usually takes, so some kills land
before the change, some inside its transaction and some after the answer
went). Whatever answer reached the socket before the kill is the first
answer. redlightd is started again and the request retried with the same
key and body, twice.

Prints one JSON document: the rounds, each with what the database holds
for its hour and the answers, and the counts of where the kills landed.
Checking is the caller's (tests/http/test-crash.sh). Standard library
only."""
import datetime
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import zoneinfo

ROOM_B = "00000000-0000-4000-8000-0000000000a2"
ZONE = zoneinfo.ZoneInfo("America/Toronto")


def sql(url, query):
    out = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", url, "-c", query],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


class Server:
    """redlightd, started (and killed) by the caller, with the caller's
    environment, its stderr appended to log. On a free port; with
    keep_port, every start after the first listens where the first did, so
    clients need not learn a new address."""

    def __init__(self, binary, config, log, keep_port=False):
        self.binary, self.config, self.log = binary, config, log
        self.keep_port = keep_port
        self.proc = None
        self.host, self.port = None, None

    def start(self):
        mark = os.path.getsize(self.log) if os.path.exists(self.log) else 0
        listen = "127.0.0.1:%d" % (self.port if self.keep_port and self.port else 0)
        with open(self.log, "ab") as err:
            self.proc = subprocess.Popen([self.binary, "--config", self.config,
                                          "--listen", listen],
                                         stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(self.log, "rb") as f:
                f.seek(mark)
                m = re.search(rb"listening on http://([0-9.]+):([0-9]+)", f.read())
            if m:
                self.host, self.port = m.group(1).decode(), int(m.group(2))
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        raise SystemExit("redlightd did not start; see " + self.log)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()


def raw_request(method, path, headers, body):
    head = "%s %s HTTP/1.1\r\nConnection: close\r\n" % (method, path)
    head += "".join("%s: %s\r\n" % kv for kv in headers.items())
    head += "Content-Length: %d\r\n\r\n" % len(body)
    return head.encode() + body


def parse_response(data):
    """(status, body) of a complete HTTP/1.1 answer in data, else None."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = data[:end].decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = data[end + 4:end + 4 + length]
    if len(body) < length:
        return None
    return status, body.decode()


def killed_request(srv, method, path, headers, body, delay):
    """Sends the request, kills redlightd after delay seconds, and returns
    the answer that reached the socket before, or None."""
    s = socket.create_connection((srv.host, srv.port), timeout=10)
    headers = dict(headers, Host="%s:%d" % (srv.host, srv.port))
    s.sendall(raw_request(method, path, headers, body))
    time.sleep(delay)
    srv.kill()
    data = b""
    s.settimeout(2)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    return parse_response(data)


def request(srv, method, path, headers, body):
    """(status, body, replayed) of one request; a 503 while the pool
    connects is tried again."""
    for _ in range(50):
        c = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        text = r.read().decode()
        replayed = r.getheader("Idempotent-Replayed") == "true"
        c.close()
        if r.status != 503:
            return r.status, text, replayed
        time.sleep(0.05)
    return r.status, text, replayed


def free_hours(count):
    """count free hours in Studio B, a week ahead and on, Tuesday to
    Thursday (no clock change), 10:00 to 18:00 local, as UTC strings."""
    out = []
    day = datetime.date.today() + datetime.timedelta(days=7)
    while len(out) < count:
        if day.weekday() in (1, 2, 3) and not (day.month == 12 and 24 <= day.day <= 26):
            for h in range(10, 18):
                start = datetime.datetime(day.year, day.month, day.day, h, tzinfo=ZONE)
                end = start + datetime.timedelta(hours=1)
                fmt = "%Y-%m-%dT%H:%M:%SZ"
                out.append((start.astimezone(datetime.timezone.utc).strftime(fmt),
                            end.astimezone(datetime.timezone.utc).strftime(fmt)))
        day += datetime.timedelta(days=1)
    return out[:count]


def main():
    binary, config, url, log, rounds, hold_every, seed = sys.argv[1:8]
    rounds, hold_every = int(rounds), int(hold_every)
    rng = random.Random(int(seed))
    srv = Server(binary, config, log)
    srv.start()
    try:
        warm = 5
        hours = free_hours(rounds + 2 * warm)
        kinds = ["/api/holds" if (i + 1) % hold_every == 0 else "/api/bookings"
                 for i in range(rounds)]
        # how long a request of each kind takes on a ready redlightd (as
        # in the rounds): the median of a few unkilled ones
        took = {}
        for path in ("/api/bookings", "/api/holds"):
            times = []
            for _ in range(warm):
                start, end = hours.pop()
                ready(srv, start)
                t0 = time.monotonic()
                status, text, _ = request(srv, "POST", path, headers(srv, cookie_of(srv)),
                                          body_of(start, end))
                times.append(time.monotonic() - t0)
                if status != 201:
                    raise SystemExit("a warm-up %s answered %d: %s" % (path, status, text))
            took[path] = sorted(times)[warm // 2]
        result = {"rounds": [], "took_ms": {k: round(v * 1000, 2) for k, v in took.items()}}
        for i in range(rounds):
            path = kinds[i]
            start, end = hours[i]
            key = "crash-%d" % i
            body = body_of(start, end)
            h = headers(srv, cookie_of(srv))
            h["Idempotency-Key"] = key
            ready(srv, start)
            delay = rng.uniform(0, 1.5 * took[path])
            first = killed_request(srv, "POST", path, h, body.encode(), delay)
            srv.start()
            h["Origin"] = "http://%s:%d" % (srv.host, srv.port)
            retry = request(srv, "POST", path, h, body)
            again = request(srv, "POST", path, h, body)
            table = "hold" if path == "/api/holds" else "booking"
            live = "status = 'active'" if table == "hold" else \
                "status IN ('awaiting_approval', 'confirmed')"
            rows = sql(url, "SELECT coalesce(string_agg(id::text, ','), '') FROM %s"
                       " WHERE room_id = '%s' AND start_at = '%s' AND %s"
                       % (table, ROOM_B, start, live))
            stored = sql(url, "SELECT count(*) FROM idempotency_key WHERE key = '%s'" % key)
            result["rounds"].append({
                "path": path, "key": key, "start_at": start, "delay_ms": round(delay * 1000, 2),
                "first": first, "retry": retry, "again": again,
                "ids": [x for x in rows.split(",") if x], "stored": int(stored),
            })
        json.dump(result, sys.stdout, indent=1)
    finally:
        srv.stop()


def ready(srv, start):
    """Waits for srv's database pool, and loads the day of start into its
    availability cache, so that what the kill interrupts is the request."""
    for _ in range(200):
        c = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
        c.request("GET", "/healthz")
        r = c.getresponse()
        r.read()
        c.close()
        if r.status == 200:
            break
        time.sleep(0.02)
    day = datetime.datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).astimezone(ZONE).date()
    request(srv, "POST", "/api/availability/search", {"Content-Type": "application/json"},
            json.dumps({"date": day.isoformat(), "duration_min": 60}))


_cookies = {}


def cookie_of(srv):
    """The demo artist's session cookie (sessions live in Postgres, so one
    login serves every redlightd started after it)."""
    if "c" not in _cookies:
        c = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
        c.request("POST", "/api/auth/login",
                  body=json.dumps({"email": "artist@redlight.test", "password": "redlight-demo"}),
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        m = re.search(r"rl_session=([^;]+)", r.getheader("Set-Cookie") or "")
        if not m:
            raise SystemExit("login set no cookie")
        _cookies["c"] = m.group(1)
    return _cookies["c"]


def headers(srv, cookie):
    return {"Content-Type": "application/json", "Cookie": "rl_session=" + cookie,
            "Origin": "http://%s:%d" % (srv.host, srv.port)}


def body_of(start, end):
    return json.dumps({"room_id": ROOM_B, "start_at": start, "end_at": end})


if __name__ == "__main__":
    main()
