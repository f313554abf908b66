#!/usr/bin/env python3
"""paychaos.py: the money of many bookings while everything breaks.

  paychaos.py run SPEC > RUN.json
  paychaos.py verify SPEC RUN.json > CHECKS.json

run: SPEC's artists book SPEC's bookings over real HTTP (redlightd, its
worker off), pay each deposit at the Stripe stand-in as the page's
Stripe.js does (the publishable key and the client_secret), and then
each booking is approved, rejected, canceled, rescheduled (by its
artist, so the policy's fee applies) or has its authorization lapse, at
random and in random orders, by SPEC's threads. Meanwhile the stand-in
fails one call in five (SPEC's faults), duplicates and reorders its
webhooks, and SPEC's `redlight worker` processes are killed with SIGKILL
now and then and started again. Then the faults stop, the workers are
left to finish (a job that ran out of attempts is retried as staff do,
`redlight job-retry`), and the run prints what it did: bookings, the
actions that took, kills, retried jobs.

verify: compares, booking by booking, what the database and the
stand-in hold with what the stored quote and policy say (see CHECKS
below), and runs `redlight payments-check`; prints [{"name", "problems"}].

SPEC (JSON): {"base", "sbase", "pk", "sk", "redlight", "db", "workdir",
"env" (for the CLI and the workers), "bookings", "threads", "artists",
"workers", "kill_every": [MIN_S, MAX_S], "seed", "faults" (the stand-in's
/_standin/faults body), "settle_s" (how long the workers get to finish),
"slots": [{"room_id", "start_at", "end_at"}]}. Standard library only."""
import http.cookiejar
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PAY_KINDS = ("payment_intent", "capture_payment", "void_or_refund", "stripe_event", "refund_payment",
             "payment_check", "balance_charge", "reschedule_fee")
ADMIN = "admin@redlight.test"


def say(*a):
    print("paychaos:", *a, file=sys.stderr, flush=True)


class Http:
    """One artist's session with redlightd (a cookie jar)."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Content-Type": "application/json", "Origin": self.base})
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw or b"{}")
            except ValueError:
                return e.code, {"raw": raw[:200].decode("utf-8", "replace")}


def stripe(spec, method, path, form=None, key=None, tries=40):
    """A call to the stand-in, sent again while it answers 5xx (the
    injected faults answer before anything changes)."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    for _ in range(tries):
        req = urllib.request.Request(spec["sbase"] + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + (key or spec["sk"]))
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            body = json.loads(e.read() or b"{}")
            if e.code < 500:
                return e.code, body
        except OSError:
            pass
        time.sleep(0.05)
    return 0, {}


def control(spec, path, body=None):
    req = urllib.request.Request(spec["sbase"] + path, data=json.dumps(body).encode() if body is not None else None,
                                 method="POST" if body is not None else "GET")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def psql(spec, sql):
    out = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", spec["db"], "-c", sql],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def psql_json(spec, sql):
    return json.loads(psql(spec, sql) or "null")


def cli(spec, *args):
    env = dict(os.environ, **spec["env"])
    p = subprocess.run([spec["redlight"]] + list(args), capture_output=True, text=True, env=env,
                       cwd=spec["workdir"])
    return p.returncode, p.stdout + p.stderr


class Workers:
    """spec's `redlight worker` processes, killed with SIGKILL at random."""

    def __init__(self, spec, rng):
        self.spec, self.rng = spec, rng
        self.env = dict(os.environ, **spec["env"])
        self.procs = [self.start(i) for i in range(spec["workers"])]
        time.sleep(0.5)
        for i, p in enumerate(self.procs):
            if p.poll() is not None:
                with open(os.path.join(spec["workdir"], "worker%d.log" % i)) as f:
                    raise SystemExit("redlight worker did not start: " + f.read()[-400:])
        self.kills = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.killer, daemon=True)

    def start(self, i):
        log = open(os.path.join(self.spec["workdir"], "worker%d.log" % i), "a")
        return subprocess.Popen([self.spec["redlight"], "worker"], env=self.env, cwd=self.spec["workdir"],
                                stdout=log, stderr=log)

    def killer(self):
        lo, hi = self.spec["kill_every"]
        while not self.stop.wait(self.rng.uniform(lo, hi)):
            i = self.rng.randrange(len(self.procs))
            self.procs[i].send_signal(signal.SIGKILL)
            self.procs[i].wait()
            self.kills += 1
            self.procs[i] = self.start(i)

    def end(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


class Run:
    def __init__(self, spec):
        self.spec = spec
        self.rng = random.Random(spec["seed"])
        self.lock = threading.Lock()
        self.slots = list(spec["slots"])
        self.bookings = []
        self.counts = {}
        self.errors = []

    def count(self, what):
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + 1

    def take_slot(self, near=None):
        with self.lock:
            if not self.slots:
                return None
            return self.slots.pop(0 if near is None else self.rng.randrange(min(len(self.slots), near)))

    def artists(self):
        out = []
        for i in range(self.spec["artists"]):
            h = Http(self.spec["base"])
            st, body = h.call("POST", "/api/auth/register", {
                "email": "payer%d-%d@example.com" % (i, self.spec["seed"] % 100000),
                "password": "correct horse battery", "name": "Payer %d" % i})
            if st != 201:
                raise SystemExit("cannot register an artist: %s %s" % (st, body))
            out.append(h)
        return out

    def book(self, h):
        for _ in range(20):
            s = self.take_slot()
            if s is None:
                return None
            st, body = h.call("POST", "/api/bookings", {"room_id": s["room_id"], "start_at": s["start_at"],
                                                        "end_at": s["end_at"]})
            self.count("book %d" % st)
            if st == 201:
                return body
        return None

    def pay(self, h, b, patience=90):
        """The page's card step: the client_secret once the worker made
        the intent, then confirm with the publishable key."""
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            st, body = h.call("GET", "/api/bookings/%s/payment" % b["id"])
            cs = body.get("client_secret") if st == 200 else None
            if cs:
                pi = cs.split("_secret_")[0]
                b["intent"] = pi
                st, ans = stripe(self.spec, "POST", "/v1/payment_intents/%s/confirm" % pi,
                                 {"client_secret": cs, "payment_method": "pm_card_visa"}, key=self.spec["pk"])
                self.count("confirm %d" % st)
                b["paid"] = st == 200 and ans.get("status") == "requires_capture"
                return
            time.sleep(0.2)
        self.count("no client_secret in time")
        b["no_secret"] = True

    def reschedule(self, h, b):
        for _ in range(5):
            s = self.take_slot(near=40)
            if s is None:
                return
            st, body = h.call("POST", "/api/bookings/%s/reschedule" % b["id"],
                              {"new_start_at": s["start_at"], "new_end_at": s["end_at"]})
            self.count("reschedule %d" % st)
            if st == 200:
                b["actions"].append("reschedule fee %d" % body.get("fee_cents", -1))
                return

    def act(self, h, b, what):
        if what == "approve":
            rc, out = cli(self.spec, "approve", b["code"], "--as", ADMIN)
        elif what == "reject":
            rc, out = cli(self.spec, "reject", b["code"], "--message", "The room is taken", "--as", ADMIN)
        elif what == "cancel":
            st, body = h.call("POST", "/api/bookings/%s/cancel" % b["id"], {"reason": "chaos"})
            rc, out = (0 if st == 200 else st), json.dumps(body)
        elif what == "lapse":
            try:
                rc = 0 if b.get("intent") and control(self.spec, "/_standin/lapse/" + b["intent"], {}) else 1
            except urllib.error.HTTPError:
                rc = 1
        else:
            return self.reschedule(h, b)
        self.count("%s %s" % (what, "ok" if rc == 0 else "refused"))
        if rc == 0:
            b["actions"].append(what)

    PLANS = [
        ["approve"], ["approve", "cancel"], ["approve", "reschedule", "cancel"], ["approve", "reschedule"],
        ["reject"], ["cancel"], ["reschedule", "approve"], ["reschedule", "reject"],
        ["reschedule", "reschedule", "approve", "cancel"], ["lapse", "approve"], ["lapse", "reject"],
        ["approve", "pay-later"], ["reject", "pay-later"],
    ]

    def one(self, h, rng):
        b = self.book(h)
        if b is None:
            return
        b = {"id": b["booking_id"], "code": b["code"], "actions": [], "paid": False}
        plan = list(rng.choice(self.PLANS))
        late = "pay-later" in plan
        if late:
            plan.remove("pay-later")
            self.act(h, b, plan.pop(0))
        # after a rejection the page may find nothing to pay
        self.pay(h, b, 3 if late and "reject" in b["actions"] else 90)
        for what in plan:
            if what == "lapse":
                time.sleep(rng.uniform(0, 0.5))
            self.act(h, b, what)
        with self.lock:
            self.bookings.append(b)

    def load(self):
        artists = self.artists()
        left = [self.spec["bookings"]]

        def thread(k):
            rng = random.Random(self.spec["seed"] * 1000 + k)
            while True:
                with self.lock:
                    if left[0] <= 0:
                        return
                    left[0] -= 1
                try:
                    self.one(rng.choice(artists), rng)
                except Exception as e:  # a broken run says so, and goes on
                    with self.lock:
                        self.errors.append(repr(e))
        ts = [threading.Thread(target=thread, args=(k,)) for k in range(self.spec["threads"])]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    def pending(self):
        return int(psql(self.spec, "SELECT count(*) FROM job WHERE kind IN (%s) AND status IN ('queued','running')"
                        % ",".join("'%s'" % k for k in PAY_KINDS)))

    def settle(self, workers):
        """No more faults: every payment job ends; one that ran out of
        attempts is retried as staff would (job-retry)."""
        control(self.spec, "/_standin/faults", {"fail_rate": 0, "timeout_rate": 0})
        retried = 0
        deadline = time.monotonic() + self.spec["settle_s"]
        while time.monotonic() < deadline:
            failed = psql(self.spec, "SELECT coalesce(string_agg(id::text, ' '), '') FROM job WHERE kind IN (%s)"
                          " AND status = 'failed'" % ",".join("'%s'" % k for k in PAY_KINDS)).split()
            for j in failed:
                cli(self.spec, "job-retry", j, "--as", ADMIN)
                retried += 1
            received = psql(self.spec, "SELECT count(*) FROM webhook_event WHERE status = 'received'")
            if not failed and self.pending() == 0 and received == "0":
                time.sleep(2.5)   # one more sweep: a balance that just came due
                if self.pending() == 0:
                    return retried, True
            time.sleep(0.5)
        return retried, False


def run(spec):
    r = Run(spec)
    control(spec, "/_standin/faults", spec["faults"])
    workers = Workers(spec, random.Random(spec["seed"] + 7))
    workers.thread.start()
    t0 = time.monotonic()
    r.load()
    load_s = time.monotonic() - t0
    workers.stop.set()
    workers.thread.join()
    retried, settled = r.settle(workers)
    workers.end()
    print(json.dumps({"bookings": r.bookings, "counts": r.counts, "errors": r.errors, "kills": workers.kills,
                      "retried": retried, "settled": settled, "load_s": round(load_s, 1),
                      "settle_s": round(time.monotonic() - t0 - load_s, 1)}))


# ---- CHECKS ----

def half_up(cents, percent):
    return (cents * percent * 100 + 5000) // 10000


def tier(tiers, notice_s):
    for t in sorted(tiers, key=lambda t: -t["min_hours_before"]):
        if notice_s >= t["min_hours_before"] * 3600:
            return t["refund_percent"]
    return 0


def verify(spec, run_doc):
    ids = [b["id"] for b in run_doc["bookings"]]
    made = {b["id"]: b for b in run_doc["bookings"]}
    rows = psql_json(spec, """
SELECT coalesce(json_agg(x), '[]') FROM (
 SELECT b.id, b.code, b.status, b.approved_at IS NOT NULL AS approved, extract(epoch FROM b.start_at)::bigint AS start,
   q.total_cents, q.deposit_percent, q.deposit_cents, q.cancellation_tiers AS tiers,
   q.reschedule_free_min_hours AS free_h, q.reschedule_free_count AS free_n, q.reschedule_fee_cents AS fee,
   booking_cancel_percent(b.id) AS cancel_pct,
   (SELECT extract(epoch FROM a.created_at)::bigint FROM audit_log a WHERE a.entity_id = b.id::text
     AND a.action = 'cancel' ORDER BY a.id DESC LIMIT 1) AS canceled_at,
   (SELECT coalesce(json_agg(json_build_object('at', extract(epoch FROM a.created_at),
       'old', extract(epoch FROM (a.diff_json->'start_at'->>0)::timestamptz), 'fee', (a.diff_json->>'fee_cents')::bigint,
       'by', a.diff_json->>'by') ORDER BY a.id), '[]')
     FROM audit_log a WHERE a.entity_id = b.id::text AND a.action = 'reschedule') AS moves,
   (SELECT coalesce(json_agg(json_build_object('id', p.id, 'purpose', p.purpose, 'seq', p.seq, 'status', p.status,
       'amount', p.amount_cents, 'captured', p.captured_cents, 'intent', p.stripe_payment_intent_id,
       'refunds', (SELECT coalesce(json_agg(json_build_object('amount', r.amount_cents, 'status', r.status,
          'kind', r.kind, 'percent', r.percent, 'stripe', r.stripe_refund_id)), '[]') FROM refund r
          WHERE r.payment_id = p.id)) ORDER BY p.created_at), '[]')
     FROM payment p WHERE p.booking_id = b.id) AS payments
 FROM booking b JOIN booking_quote q ON q.booking_id = b.id
 WHERE b.id = ANY('{%s}'::uuid[])) x""" % ",".join(ids))
    objs = control(spec, "/_standin/state")["objects"]
    pis, refunds = {}, {}
    for o in objs.values():
        if o.get("object") == "payment_intent":
            pis.setdefault(o["metadata"].get("booking_id"), []).append(o)
        elif o.get("object") == "refund":
            refunds.setdefault(o["payment_intent"], []).append(o)
    now = time.time()
    checks = {k: [] for k in ("every booking's due-now money is what its quote and policy say, to the cent",
                              "every balance is the quote's total less its deposit, charged when due, refunded by the tier",
                              "every reschedule fee is the policy's, charged once per charged move",
                              "no double capture: what Stripe received per booking is what we recorded",
                              "no double refund: what Stripe refunded per booking is what we recorded",
                              "every booking the run made was checked")}
    names = list(checks)
    if len(rows) != len(ids) or not ids:
        checks[names[5]].append("%d bookings made, %d found" % (len(ids), len(rows)))
    for b in rows:
        tag = "%s (%s, %s)" % (b["code"], b["status"], " ".join(made[b["id"]]["actions"]))
        pays = b["payments"]
        due_rows = [p for p in pays if p["purpose"] == "due_now"]
        unwound = b["status"] == "rejected" or (b["status"] == "canceled" and not b["approved"])
        canceled_confirmed = b["status"] == "canceled" and b["approved"]
        pct = None
        if canceled_confirmed:
            pct = tier(b["tiers"], b["start"] - b["canceled_at"])
            near = any(abs(b["start"] - b["canceled_at"] - t["min_hours_before"] * 3600) < 5 for t in b["tiers"])
            if pct != b["cancel_pct"] and not near:
                checks[names[0]].append("%s: canceled %d s ahead: the tiers say %d %%, recorded %s"
                                        % (tag, b["start"] - b["canceled_at"], pct, b["cancel_pct"]))
            pct = b["cancel_pct"]

        def net(p):
            return p["captured"] - sum(r["amount"] for r in p["refunds"] if r["status"] == "succeeded")

        def refunded(p):
            return sum(r["amount"] for r in p["refunds"] if r["status"] == "succeeded")
        # the deposit (or the whole total when the deposit is 0 %)
        due = b["total_cents"] if b["deposit_percent"] == 0 else b["deposit_cents"]
        if len(due_rows) > 1:
            checks[names[0]].append("%s: %d due-now rows" % (tag, len(due_rows)))
        d = due_rows[0] if due_rows else {"captured": 0, "refunds": [], "amount": due, "status": "none"}
        paid = made[b["id"]]["paid"]
        want_cap = due if b["approved"] and paid else 0
        if d["captured"] != want_cap:
            checks[names[0]].append("%s: captured %d, the quote's due now is %d (paid %s)" % (tag, d["captured"], want_cap, paid))
        want_ref = d["captured"] if unwound else half_up(d["captured"], pct) if canceled_confirmed else 0
        if refunded(d) != want_ref:
            checks[names[0]].append("%s: refunded %d of %d, want %d (%s %%)" % (tag, refunded(d), d["captured"], want_ref, pct))
        if b["approved"] and not paid:
            # The page waited in vain only if the faults kept its intent
            # from being made: its job's runs failed or lost their lease
            # (killed workers), and after its last attempt it waited for
            # staff. Then nothing may be captured (want_cap above is 0).
            faults = psql(spec, "SELECT count(*) FROM job j JOIN job_attempt a ON a.job_id = j.id"
                          " WHERE j.kind = 'payment_intent' AND j.payload->>'booking_id' = '%s'"
                          " AND a.outcome IN ('failed', 'lost')" % b["id"])
            if not made[b["id"]].get("no_secret"):
                checks[names[0]].append("%s: approved but its card was never confirmed" % tag)
            elif int(faults or 0) == 0:
                checks[names[0]].append("%s: no client_secret in time, yet its intent's job never "
                                        "failed nor lost its lease" % tag)
        # the balance
        bal_rows = [p for p in pays if p["purpose"] == "balance"]
        left = b["total_cents"] - b["deposit_cents"]
        for p in bal_rows:
            if p["captured"] not in (0, left) or p["amount"] != left:
                checks[names[1]].append("%s: balance %d captured of %d, the quote leaves %d" % (tag, p["captured"], p["amount"], left))
            if p["status"] not in ("succeeded", "canceled"):
                checks[names[1]].append("%s: balance left %s" % (tag, p["status"]))
            want = half_up(p["captured"], pct) if canceled_confirmed else p["captured"] if unwound else 0
            if refunded(p) != want:
                checks[names[1]].append("%s: balance refunded %d, want %d" % (tag, refunded(p), want))
        if (b["status"] in ("confirmed", "completed") and b["deposit_percent"] > 0 and left > 0 and paid
                and b["start"] > now and b["start"] < now + 48 * 3600 - 120 and not any(p["captured"] == left for p in bal_rows)):
            checks[names[1]].append("%s: starts in %.1f h and its balance %d was not charged" % (tag, (b["start"] - now) / 3600, left))
        # the fees: recompute each artist move's fee from the stored policy
        count, want_fees = 0, []
        for m in b["moves"]:
            if m["by"] != "artist":
                continue
            free = m["old"] - m["at"] >= b["free_h"] * 3600 and count < b["free_n"]
            near = abs(m["old"] - m["at"] - b["free_h"] * 3600) < 5
            fee = 0 if free else b["fee"]
            if m["fee"] != fee and not near:
                checks[names[2]].append("%s: move %d was charged %d, the policy says %d" % (tag, count + 1, m["fee"], fee))
            count += 1
            if m["fee"] > 0:
                want_fees.append((count, m["fee"]))
        fee_rows = sorted((p for p in pays if p["purpose"] == "fee"), key=lambda p: p["seq"])
        if [(p["seq"], p["amount"]) for p in fee_rows] != want_fees:
            checks[names[2]].append("%s: fee rows %s, moves charged %s" % (tag, [(p["seq"], p["amount"]) for p in fee_rows], want_fees))
        for p in fee_rows:
            ok = net(p) == 0 if unwound else (p["captured"] == p["amount"] and refunded(p) == 0)
            if not ok:
                checks[names[2]].append("%s: fee %d: captured %d, refunded %d (%s)" % (tag, p["seq"], p["captured"], refunded(p), p["status"]))
        # Stripe's side
        at_stripe = pis.get(b["id"], [])
        recv = sum(o["amount_received"] for o in at_stripe)
        if recv != sum(p["captured"] for p in pays):
            checks[names[3]].append("%s: Stripe received %d over %d intents, we recorded %d" % (tag, recv, len(at_stripe), sum(p["captured"] for p in pays)))
        ref = sum(r["amount"] for o in at_stripe for r in refunds.get(o["id"], []))
        if ref != sum(refunded(p) for p in pays):
            checks[names[4]].append("%s: Stripe refunded %d, we recorded %d" % (tag, ref, sum(refunded(p) for p in pays)))
    rc, out = cli(spec, "payments-check")
    checks["payments-check reports no difference"] = [] if rc == 0 and "no difference" in out else [out[-600:]]
    return [{"name": k, "problems": v[:8], "count": len(v)} for k, v in checks.items()]


def main():
    spec = json.load(open(sys.argv[2]))
    if sys.argv[1] == "run":
        run(spec)
    else:
        print(json.dumps(verify(spec, json.load(open(sys.argv[3])))))


if __name__ == "__main__":
    main()
