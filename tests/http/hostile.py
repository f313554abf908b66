#!/usr/bin/env python3
"""hostile.py: the cases of tests/http/test-hostile.sh (standard library only).

  hostile.py --first N --base URL --limited URL --db URL --cookie C
             --booking ID --hold ID --day YYYY-MM-DD --room ID --static DIR
             [--log FILE]...

Sends each hostile request over a raw socket to --base (the --limited
server has low caps and rate limits), checks the answer, that the database
did not change (a fingerprint of every table a request could write, taken
with psql) and that a normal search still answers. Prints TAP lines
numbered from N and the plan ("1..LAST") at the end; the logs given must
hold no sanitizer report.
"""
import argparse
import json
import re
import socket
import subprocess
import sys
import time
import urllib.parse

A = None
N = 0
SEARCH = None

# Every table a request could write.
FINGERPRINT = """
SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
  SELECT 'b' || b::text AS t FROM booking b
  UNION ALL SELECT 'bs' || x::text FROM booking_service x
  UNION ALL SELECT 'bt' || x::text FROM booking_staff x
  UNION ALL SELECT 'h' || x::text FROM hold x
  UNION ALL SELECT 'c' || x::text FROM room_claim x
  UNION ALL SELECT 'u' || x::text FROM app_user x
  UNION ALL SELECT 'j' || x::text FROM job x
  UNION ALL SELECT 'a' || x::text FROM audit_log x
  UNION ALL SELECT 'i' || x::text FROM idempotency_key x
  UNION ALL SELECT 'p' || x::text FROM payment x
  UNION ALL SELECT 'r' || x::text FROM refund x
  UNION ALL SELECT 's' || x::text FROM session x) f
"""


def tap(ok, name, why=""):
    global N
    N += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (N, name))
    if not ok and why:
        for line in str(why).splitlines()[:12]:
            print("# " + line)
    sys.stdout.flush()
    return ok


def fingerprint():
    p = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", A.db, "-c", FINGERPRINT],
                       capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else "psql failed: " + p.stderr


class Answer:
    """One parsed answer, what came after it, and whether the server closed."""

    def __init__(self, raw, closed):
        self.raw, self.closed = raw, closed
        self.status, self.reason, self.headers, self.body, self.rest = None, "", {}, b"", b""
        head, sep, tail = raw.partition(b"\r\n\r\n")
        if not sep:
            self.rest = raw
            return
        lines = head.decode("latin1").split("\r\n")
        m = re.match(r"HTTP/1\.[01] (\d{3}) ?(.*)", lines[0])
        if not m:
            self.rest = raw
            return
        self.status, self.reason = int(m.group(1)), m.group(2)
        for line in lines[1:]:
            k, _, v = line.partition(":")
            self.headers.setdefault(k.strip().lower(), []).append(v.strip())
        n = int(self.header("content-length") or 0)
        self.body, self.rest = tail[:n], tail[n:]

    def header(self, name):
        v = self.headers.get(name)
        return v[0] if v else None

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def __str__(self):
        return "answer: %s %s %s%s" % (self.status, self.reason, self.body[:300],
                                       " + %d more bytes" % len(self.rest) if self.rest else "")


def exchange(url, data, wait=3.0, settle=None):
    """Sends data on a new connection; reads until the server closes, or
    until wait seconds pass (settle: until that long after the first
    answer is whole, for the cases that must see nothing more)."""
    u = urllib.parse.urlsplit(url)
    s = socket.create_connection((u.hostname, u.port), timeout=wait)
    got, closed = b"", False
    try:
        s.sendall(data)
    except OSError:
        pass
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            s.settimeout(max(0.05, deadline - time.monotonic()))
            b = s.recv(65536)
            if not b:
                closed = True
                break
            got += b
            if settle is not None and Answer(got, False).status is not None:
                deadline = min(deadline, time.monotonic() + settle)
    except (socket.timeout, ConnectionResetError):
        closed = closed or False
    finally:
        s.close()
    return Answer(got, closed)


def request(method, path, body=None, headers=None, url=None, close=True, ctype="application/json"):
    u = urllib.parse.urlsplit(url or A.base)
    h = {"Host": u.netloc}
    if body is not None:
        if isinstance(body, str):
            body = body.encode()
        h["Content-Type"] = ctype
        h["Content-Length"] = str(len(body))
    if close:
        h["Connection"] = "close"
    h.update(headers or {})
    head = "%s %s HTTP/1.1\r\n" % (method, path) + "".join("%s: %s\r\n" % kv for kv in h.items()) + "\r\n"
    return exchange(url or A.base, head.encode("latin1") + (body or b""))


def artist():
    return {"Cookie": "rl_session=" + A.cookie, "Origin": A.base}


def search_ok(url=None):
    r = request("POST", "/api/availability/search", SEARCH, url=url)
    return r.status == 200 and isinstance(r.json(), dict) and "slots" in r.json(), r


SECURITY = ("x-content-type-options", "referrer-policy", "permissions-policy", "content-security-policy")


def json_error(r, status, code=None, field=None):
    d = r.json()
    if r.status != status or not isinstance(d, dict) or set(d) != {"error"}:
        return False
    e = d["error"]
    if not (isinstance(e.get("message"), str) and e["message"] and isinstance(e.get("code"), str)):
        return False
    if code is not None and e["code"] != code:
        return False
    if field is not None and e.get("field") != field:
        return False
    return (r.header("content-type") or "").startswith("application/json") and \
        all(r.header(h) for h in SECURITY)


def case(name, answer, want, before=None):
    """One hostile case: the answer is as wanted, nothing changed, and a
    normal search still answers. want(answer) -> bool."""
    ok = want(answer)
    after = fingerprint()
    same = before is None or after == before
    alive, sr = search_ok()
    why = [str(answer)]
    if not same:
        why.append("the database changed")
    if not alive:
        why.append("then a normal search got " + str(sr))
    return tap(ok and same and alive, name, "\n".join(why))


def cases_strict_json(fp):
    cancel = "/api/bookings/%s/cancel" % A.booking
    bad = [
        (b'{"reason":"x","x":NaN}', "x", "NaN"),
        (b'{"reason":"x","x":Infinity}', "x", "Infinity"),
        (b'{"reason":"x","x":-Infinity}', "x", "-Infinity"),
        (b'{"reason":"x","dry_run":1.}', "dry_run", "1."),
        (b'{"reason":"x","n":01}', "n", "a leading zero"),
        (b'{"reason":"x","n":+1}', "n", "+1"),
        (b'{"reason":"a\x01b"}', "reason", "a raw control character"),
        (b'{"reason":"a\tb"}', "reason", "a raw tab"),
        (b'{"reason":"a\nb"}', "reason", "a raw line feed"),
        (b'{"reason":"x"} trailing', "body", "bytes after the document"),
        (b'{"reason":"x"}{"reason":"y"}', "body", "a second document"),
        (b'{"reason":"\xc0\xaf"}', "reason", "an overlong UTF-8 form"),
        (b'{"reason":"\xe0\x80\xaf"}', "reason", "an overlong three-byte form"),
        (b'{"reason":"\xed\xa0\x80"}', "reason", "an encoded surrogate"),
        (b'{"reason":"\xf4\x90\x80\x80"}', "reason", "a code point past U+10FFFF"),
        (b'{"reason":"\xff"}', "reason", "a byte that is never UTF-8"),
        (b'{"reason":"\\ud800"}', "reason", "an escaped lone surrogate"),
        (b'{"reason":"x",}', "body", "a trailing comma"),
        (b"{'reason':'x'}", "body", "single quotes"),
        (b'{"reason":"x" /* c */}', "body", "a comment"),
        (b'\xef\xbb\xbf{"reason":"x"}', "body", "a byte order mark"),
        (b'{"reason":"x","reason":"y"}', "body", "a name given twice"),
        (b'{"reason":"x"', "body", "a truncated document"),
        (b'[' * 20 + b']' * 20, "body", "nesting past the limit"),
    ]
    # escaped or not JSON's to refuse, but no text a field takes
    text = [
        (b'{"reason":"\\u001b[2J"}', "reason", "an escaped terminal escape"),
        (b'{"reason":"\\u0000"}', "reason", "an escaped NUL"),
        (b'{"reason":"ok\\rno"}', "reason", "a lone carriage return"),
        (b'{"reason":"\xc2\x9b"}', "reason", "a C1 control character"),
        (b'{"reason":"\x7f"}', "reason", "a DEL"),
    ]
    for code, cases in (("invalid_json", bad), ("invalid", text)):
        for body, field, what in cases:
            r = request("POST", cancel, body, artist())
            case("a cancel with %s is 400 %s naming %s" % (what, code, field), r,
                 lambda r, c=code, f=field: json_error(r, 400, c, f), fp)
    others = [
        ("POST", "/api/availability/search", b'{"date":"\xed\xa0\x80","duration_min":60}', None,
         "invalid_json", "date", "a search date that is an encoded surrogate"),
        ("POST", "/api/availability/search", b'{"date":"%s","duration_min":60,"staff_skill":"a\\nb"}'
         % A.day.encode(), None, "invalid", "staff_skill", "a search skill holding a line feed"),
        ("POST", "/api/availability/search", b'{"date":"%s","duration_min":6e1}' % A.day.encode(), None,
         "invalid", "duration_min", "a search duration with an exponent"),
        ("POST", "/api/quote", b'{"room_id":"x","start_at":NaN}', None, "invalid_json", "start_at",
         "a quote with NaN"),
        ("POST", "/api/auth/register", b'{"email":"e@example.com","password":"correct horse","name":"\xc0\xae"}',
         None, "invalid_json", "name", "a registration whose name is overlong UTF-8"),
        ("POST", "/api/auth/register", b'{"email":"e@example.com","password":"correct\\thorse!","name":"E"}',
         None, "invalid", "password", "a registration whose password holds a tab"),
        ("POST", "/api/holds", b'{"room_id":"%s\\n","start_at":"x","end_at":"y"}' % A.room.encode(),
         artist(), "invalid", "room_id", "a hold whose room_id holds a line feed"),
        ("POST", "/api/bookings", b'{"room_id":"%s","start_at":"x","end_at":"y","notes":"a\xe2\x80"}'
         % A.room.encode(), artist(), "invalid_json", "notes", "a booking whose notes end mid-character"),
    ]
    for method, path, body, hdrs, code, field, what in others:
        r = request(method, path, body, hdrs)
        case("%s is 400 %s naming %s" % (what, code, field), r,
             lambda r, c=code, f=field: json_error(r, 400, c, f), fp)
    r = request("POST", cancel, b'{"reason":"two\\nlines,\\r\\nand\\ta tab","dry_run":true}', artist())
    tap(r.status == 200, "a dry-run cancel whose reason has line breaks and a tab is taken", str(r))


def smuggle(name, head, fp, want_status=400, code="bad_framing"):
    """A request whose framing is ambiguous, followed by a second request
    on the same connection: one JSON refusal, the connection closed, and
    the second request never answered."""
    second = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    r = exchange(A.base, head + second, wait=3.0, settle=1.0)
    case(name, r, lambda r: json_error(r, want_status, code) and r.closed and
         (r.header("connection") or "").lower() == "close" and b"HTTP/1.1" not in r.rest, fp)


def cases_framing(fp):
    post = (b"POST /api/availability/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
    body = b'{"date":"%s","duration_min":60}' % A.day.encode()
    smuggle("two different Content-Length headers: 400 bad_framing, closed, the rest never answered",
            post + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(body), len(body) + 36) + body, fp)
    smuggle("the same, the longer one first",
            post + b"Content-Length: 5\r\nContent-Length: %d\r\n\r\n" % len(body) + body, fp)
    smuggle("Content-Length with Transfer-Encoding: chunked: 400 bad_framing, closed",
            post + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % len(body) + body +
            b"\r\n0\r\n\r\n", fp)
    smuggle("Transfer-Encoding first, then Content-Length: the same",
            post + b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n%x\r\n" % len(body) + body +
            b"\r\n0\r\n\r\n", fp)
    smuggle("two Transfer-Encoding headers: 400 bad_framing, closed",
            post + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % len(body) +
            body + b"\r\n0\r\n\r\n", fp)
    smuggle("a Content-Length folded over two lines: 400 bad_framing, closed",
            post + b"Content-Length: %d\r\n 0\r\n\r\n" % len(body) + body, fp)
    smuggle("Transfer-Encoding: gzip is h2o's 400 in the JSON shape, closed",
            post + b"Transfer-Encoding: gzip\r\n\r\n" + body, fp, 400, "bad_request")
    smuggle("a Content-Length that is no number is h2o's 400 in the JSON shape, closed",
            post + b"Content-Length: 1x\r\n\r\n" + body, fp, 400, "bad_request")
    smuggle("a broken chunk size is h2o's 400 in the JSON shape, closed",
            post + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body, fp, 400, "bad_request")
    smuggle("a Content-Length past max_body_bytes is h2o's 413 in the JSON shape, closed",
            post + b"Content-Length: 99999999\r\n\r\n", fp, 413, "too_large")
    r = exchange(A.base, post + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(body), len(body)) +
                 body + b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    second = Answer(r.rest, r.closed)
    tap(r.status == 200 and second.status == 200, "the same Content-Length twice is one request; "
        "the next on the connection is answered", str(r))
    big = b'{"reason":"' + b"x" * 5000 + b'"}'
    smuggle("a chunked body past max_body_bytes is h2o's 413 in the JSON shape, closed",
            post + b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % len(big) + big + b"\r\n0\r\n\r\n",
            fp, 413, "too_large")


def cases_h2o(fp):
    """Refused by h2o before any handler, in its fixed text: redlightd(8)
    lists them. A 400 with Connection: close, then the server answers."""
    plain = [
        ("more than 100 header lines", b"GET /healthz HTTP/1.1\r\nHost: x\r\n" +
         b"".join(b"X-A%d: 1\r\n" % i for i in range(120)) + b"\r\n"),
        ("a control character in the request line", b"GET\x01 / HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("an unknown HTTP version", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n"),
        ("a control character in a cookie", b"GET /api/me HTTP/1.1\r\nHost: x\r\nCookie: rl_session=a\x01b\r\n\r\n"),
        ("a raw NUL in the path", b"GET /index.html\x00.js HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("a TLS hello on the plain port", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40),
    ]
    for what, data in plain:
        r = exchange(A.base, data)
        case("%s: h2o's own 400, connection closed" % what, r,
             lambda r: r.status == 400 and r.closed, fp)


def cases_static(fp):
    for path in ["/index.html%00.js", "/sw.js%00.html", "/index.html%00", "/%2e%2e/%2e%2e/etc/passwd",
                 "/..%2f..%2fetc%2fpasswd", "/a/../index.html", "/..", "/static%5cindex.html",
                 "/a\\b", "/receipt/RL-1%00", "/api/bookings/%00", "/availability/%2e%2e/x",
                 "/index.html%5c", "/api/calendar/ics/staff/%00.ics?token=0",
                 "/api/calendar/ics/staff/..%2f..%2fx.ics?token=0",
                 "/api/calendar/ics/staff/00000000-0000-4000-8000-0000000000e1.ics?token=" + "f" * 6000,
                 "/api/calendar/ics/staff/00000000-0000-4000-8000-0000000000e1.ics?token=%00&token=%ff"]:
        r = request("GET", path)
        shown = path if len(path) < 120 else "%s... (%d bytes)" % (path[:100], len(path))
        case("GET %s is a JSON 404" % shown, r, lambda r: json_error(r, 404, "not_found"), fp)
    r = request("GET", "/sw.js")
    tap(r.status == 200 and (r.header("content-type") or "").startswith("application/javascript"),
        "GET /sw.js still serves the script", str(r))


def cases_headers():
    r = request("GET", "/")
    csp = r.header("content-security-policy") or ""
    page = open(A.static + "/index.html", "rb").read()
    import base64
    import hashlib
    want = ["'sha256-%s'" % base64.b64encode(hashlib.sha256(m.group(2)).digest()).decode()
            for m in re.finditer(rb"<(script|style)>(.*?)</\1>", page, re.S)]
    tap(r.status == 200 and all(w in csp for w in want) and "'unsafe-inline'" not in csp,
        "the page's policy allows its inline scripts and style by hash, and nothing inline else", csp)
    tap(all(d in csp for d in ("default-src 'none'", "connect-src 'self'", "frame-ancestors 'none'",
                               "base-uri 'none'")), "... with connect-src 'self' and frame-ancestors 'none'", csp)
    script = re.search(r"script-src([^;]*)", csp)
    tap(script is not None and script.group(1).startswith(" 'self' 'sha256-") and "http" not in script.group(1)
        and "frame-src" not in csp and "connect-src 'self';" in csp,
        "... and, without Stripe keys, no script but its inline ones and its own modules ('self': account.js, "
        "book.js), no frame, requests to its own origin only", csp)
    for path in ["/", "/availability", "/sw.js", "/api/rooms", "/api/nothing", "/healthz", "/index.html%00.js"]:
        r = request("GET", path)
        ok = (r.header("x-content-type-options") == "nosniff" and r.header("referrer-policy") == "same-origin"
              and "camera=()" in (r.header("permissions-policy") or "")
              and "frame-ancestors 'none'" in (r.header("content-security-policy") or ""))
        tap(ok, "GET %s (%s) carries nosniff, Referrer-Policy, Permissions-Policy and a CSP" % (path, r.status),
            str(r.headers))
    r = request("GET", "/api/rooms")
    tap((r.header("content-security-policy") or "").startswith("default-src 'none'"),
        "an API answer's policy loads nothing", str(r.headers))
    r = request("POST", "/api/rooms", b"{}")
    tap(r.status == 405 and all(r.header(h) for h in SECURITY), "a 405 carries them too", str(r))


def stream(url, source="127.0.0.1"):
    """Opens GET /api/events from the address source; the socket (left
    open) and the answer's head, or the whole answer when refused."""
    u = urllib.parse.urlsplit(url)
    s = socket.create_connection((u.hostname, u.port), timeout=3, source_address=(source, 0))
    s.sendall(b"GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n")
    got = b""
    while True:
        a = Answer(got, False)
        if a.status == 200 or (a.status is not None and len(a.body) >= int(a.header("content-length") or 0)):
            return s, a
        b = s.recv(4096)
        if not b:
            return s, Answer(got, True)
        got += b


def cases_limits():
    open_ = []
    try:
        for i in range(2):
            s, r = stream(A.limited)
            open_.append(s)
            tap(r.status == 200, "event stream %d from one address opens" % (i + 1), str(r))
        s, r = stream(A.limited)
        open_.append(s)
        tap(json_error(r, 429, "rate_limited") and (r.header("retry-after") or "").isdigit(),
            "a third from the same address is 429 rate_limited with Retry-After", str(r))
        # other addresses: all of 127.0.0.0/8 is the loopback
        try:
            s, r = stream(A.limited, "127.0.0.2")
            open_.append(s)
            tap(r.status == 200, "another address still opens one", str(r))
            s, r = stream(A.limited, "127.0.0.3")
            open_.append(s)
            tap(json_error(r, 429, "rate_limited") and r.header("retry-after"),
                "past the total of 3, a new address gets 429 too", str(r))
        except OSError as e:
            tap(False, "another loopback address can connect", e)
    finally:
        for s in open_:
            s.close()

    def burst(name, method, path, body, hdrs, allowed):
        statuses = []
        for _ in range(allowed + 1):
            r = request(method, path, body, hdrs, url=A.limited)
            statuses.append(r.status)
        ok = 429 not in statuses[:allowed] and json_error(r, 429, "rate_limited") and \
            (r.header("retry-after") or "").isdigit()
        tap(ok, "%s: %d pass, the next is 429 with Retry-After" % (name, allowed),
            "statuses %s; %s" % (statuses, r))
    lim = {"Cookie": "rl_session=" + A.cookie, "Origin": A.limited}
    burst("search at scale 0.1 (30 a minute)", "POST", "/api/availability/search", SEARCH, None, 30)
    tap(request("POST", "/api/quote", b"{}", url=A.limited).status == 429,
        "quote shares the search limit", "")
    burst("booking detail at scale 0.1 (12 a minute)", "GET", "/api/bookings/%s" % A.booking, None, lim, 12)
    r = request("DELETE", "/api/holds/%s" % A.hold, None, lim, url=A.limited)
    tap(json_error(r, 429, "rate_limited"), "hold release shares that limit", str(r))
    alive, r = search_ok()
    tap(alive, "the main server, without limits, still searches", str(r))
    # redlightd watches a stream's socket for its client leaving
    deadline = time.monotonic() + 3
    while True:
        s, r = stream(A.limited)
        s.close()
        if r.status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    tap(r.status == 200, "once the streams are closed, the address opens one again at once", str(r))


def main():
    global A, N, SEARCH
    p = argparse.ArgumentParser()
    for k in ("base", "limited", "db", "cookie", "booking", "hold", "day", "room", "static"):
        p.add_argument("--" + k, required=True)
    p.add_argument("--first", type=int, default=1)
    p.add_argument("--log", action="append", default=[])
    A = p.parse_args()
    N = A.first - 1
    SEARCH = json.dumps({"date": A.day, "duration_min": 60}).encode()
    fp = fingerprint()
    alive, r = search_ok()
    tap(alive, "a normal search answers before the hostile requests", str(r))
    cases_strict_json(fp)
    cases_framing(fp)
    cases_h2o(fp)
    cases_static(fp)
    cases_headers()
    tap(fingerprint() == fp, "after every hostile request the database is as it was")
    cases_limits()
    for log in A.log:
        text = open(log, errors="replace").read()
        bad = [l for l in text.splitlines() if re.search(r"AddressSanitizer|runtime error|LeakSanitizer", l)]
        tap(not bad, "%s holds no sanitizer report" % log.rsplit("/", 1)[-1], "\n".join(bad[:5]))
    print("1..%d" % N)


if __name__ == "__main__":
    main()
