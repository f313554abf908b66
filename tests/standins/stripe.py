#!/usr/bin/env python3
"""stripe.py: a local stand-in for the part of Stripe's API redlight uses.

Our machines reach no outside service, and Stripe's own emulator cannot be
installed here, so the tests and the demo talk to this server instead. It
speaks the protocol as Stripe documents it (not as our client happens to
call it): form-encoded requests with bracketed keys, JSON answers in
Stripe's shapes, Stripe's error objects and statuses, Idempotency-Key
semantics, PaymentIntent states, customers, refunds, capture_before, test
payment methods, and signed webhooks. It keeps state (in memory, and in a
JSON file with --state so a demo survives a restart) and fails on request.

    stripe.py [--listen 127.0.0.1:12111] [--secret-key sk_test_...]
              [--publishable-key pk_test_...] [--webhook-url URL]
              [--webhook-secret whsec_...] [--state FILE] [--seed N]

API (https://api.stripe.com's paths; Authorization: Bearer SECRET_KEY, or
HTTP Basic with the key as the user; the publishable key only where Stripe
allows it, to confirm an intent with its client_secret):
    POST /v1/customers, GET /v1/customers/ID
    POST /v1/payment_intents, GET|POST /v1/payment_intents/ID,
    POST /v1/payment_intents/ID/confirm | /capture | /cancel
    POST /v1/refunds, GET /v1/refunds/ID, GET /v1/charges/ID
    GET /v1/events/ID, GET /v1/payment_methods?customer=ID&type=card

Stripe.js (the browser's side; see STRIPE_JS below): GET /v3/ is a
stand-in for https://js.stripe.com/v3/ (Stripe, elements, the payment
Element, confirmPayment), whose card form is the frame
/v3/elements-inner-payment.html on this origin; the frame confirms with the
publishable key and the intent's client_secret.

Test payment methods: pm_card_visa (and tok_visa) succeed;
pm_card_chargeDeclined / pm_card_visa_chargeDeclined decline
(generic_decline); pm_card_chargeDeclinedInsufficientFunds declines with
insufficient_funds. Each use of a pm_card_* alias makes a new pm_ id, as at
Stripe; with a customer and setup_future_usage=off_session it is attached
to the customer for later off-session charges.

Control (not Stripe's; for tests), JSON in and out:
    POST /_standin/faults {"fail_rate": 0.2, "fail_status": 500,
        "timeout_rate": 0, "timeout_s": 30, "webhook_duplicate_rate": 0,
        "webhook_reorder": false, "webhook_delay_ms": 0}
        calls answered 500 (or fail_status) before the API starts executing,
        so nothing changes and nothing is stored under the call's
        Idempotency-Key (Stripe saves no result for a request that never
        started), or held past the client's timeout; webhooks sent twice,
        out of order, late. Missing keys keep their value; {} reads them.
    POST /_standin/fail-next {"status": 500, "count": 1}
    POST /_standin/lapse/PI_ID   an authorization lapses now (canceled,
        cancellation_reason "automatic", as Stripe does after ~7 days)
    POST /_standin/clock {"advance_s": N}   move the stand-in's clock; then
        every authorization past its capture_before lapses (as /expire)
    POST /_standin/expire        every authorization past its card's
        capture_before lapses now, as Stripe's own sweep does
    POST /_standin/decline {"customer": ID} or {"payment_method": ID}
        [, "decline_code": "insufficient_funds"]: the saved card (every
        card of the customer) declines from now on, off-session too
        ({"decline_code": null} makes it good again)
    GET  /_standin/state         every object
    POST /_standin/reset         forget everything
    GET  /_standin/webhooks      deliveries made: event id, type, status
"""
import argparse
import hashlib
import hmac
import http.server
import json
import os
import random
import re
import secrets
import socketserver
import sys
import threading
import time
import urllib.parse
import urllib.request

API_VERSION = "2024-06-20"
AUTH_WINDOW_S = 7 * 24 * 3600   # an online card authorization lasts about 7 days

TEST_CARDS = {
    "pm_card_visa": ("visa", "4242", None),
    "tok_visa": ("visa", "4242", None),
    "pm_card_mastercard": ("mastercard", "4444", None),
    "pm_card_chargeDeclined": ("visa", "0002", "generic_decline"),
    "pm_card_visa_chargeDeclined": ("visa", "0002", "generic_decline"),
    "pm_card_chargeDeclinedInsufficientFunds": ("visa", "9995", "insufficient_funds"),
}
DECLINE_MESSAGES = {
    "generic_decline": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
}


class StripeError(Exception):
    def __init__(self, status, etype, message, code=None, param=None, decline_code=None, extra=None):
        super().__init__(message)
        self.status = status
        body = {"type": etype, "message": message}
        if code:
            body["code"] = code
        if param:
            body["param"] = param
        if decline_code:
            body["decline_code"] = decline_code
        if extra:
            body.update(extra)
        self.body = {"error": body}


def parse_form(raw):
    """Stripe's form encoding: a=1&metadata[k]=v&items[0][price]=x&t[]=y
    into nested dicts, and lists where a key is [] or a number."""
    bad = lambda key: StripeError(400, "invalid_request_error", "Invalid parameter name: %s" % key, param=key)
    out = {}
    for key, value in urllib.parse.parse_qsl(raw, keep_blank_values=True):
        m = re.fullmatch(r"([^\[\]]+)((?:\[[^\[\]]*\])*)", key)
        if not m:
            raise bad(key)
        parts = [m.group(1)] + re.findall(r"\[([^\[\]]*)\]", m.group(2))
        node = out
        for i, p in enumerate(parts):
            last = i == len(parts) - 1
            nxt = None if last else parts[i + 1]
            fresh = [] if nxt is not None and (nxt == "" or nxt.isdigit()) else {}
            if isinstance(node, list):
                if p == "":
                    node.append(value if last else fresh)
                    node = node[-1]
                    continue
                if not p.isdigit():
                    raise bad(key)
                idx = int(p)
                while len(node) <= idx:
                    node.append(None)
                if last:
                    node[idx] = value
                else:
                    if not isinstance(node[idx], (dict, list)):
                        node[idx] = fresh
                    node = node[idx]
            else:
                if p == "" and i > 0:
                    raise bad(key)
                if last:
                    node[p] = value
                else:
                    if not isinstance(node.get(p), (dict, list)):
                        node[p] = fresh
                    node = node[p]
    return out


def to_int(params, name, required=False, minimum=None):
    if name not in params:
        if required:
            raise StripeError(400, "invalid_request_error", "Missing required param: %s." % name,
                              code="parameter_missing", param=name)
        return None
    v = params[name]
    try:
        n = int(v)
        if str(n) != v.strip():
            raise ValueError
    except (TypeError, ValueError, AttributeError):
        raise StripeError(400, "invalid_request_error", "Invalid integer: %s" % v,
                          code="parameter_invalid_integer", param=name)
    if minimum is not None and n < minimum:
        raise StripeError(400, "invalid_request_error",
                          "This value must be greater than or equal to %d." % minimum,
                          code="parameter_invalid_integer", param=name)
    return n


def to_bool(params, name, default=False):
    if name not in params:
        return default
    v = params[name]
    if v in ("true", "false"):
        return v == "true"
    raise StripeError(400, "invalid_request_error", "Invalid boolean: %s" % v, param=name)


class Standin:
    def __init__(self, args):
        self.args = args
        self.lock = threading.RLock()
        self.rng = random.Random(args.seed)
        self.clock_offset = 0
        self.faults = {"fail_rate": 0.0, "fail_status": 500, "timeout_rate": 0.0, "timeout_s": 30,
                       "webhook_duplicate_rate": 0.0, "webhook_reorder": False, "webhook_delay_ms": 0}
        self.fail_next = []
        self.reset()
        self.load()
        self.queue = []
        self.queue_cv = threading.Condition()
        threading.Thread(target=self.deliverer, daemon=True).start()

    # ---- state ----
    def reset(self):
        self.objects = {}      # id -> object (customers, intents, charges, refunds, events, pms)
        self.idem = {}         # (api key, idempotency key) -> (params hash, status, body)
        self.deliveries = []

    def load(self):
        if not self.args.state or not os.path.exists(self.args.state):
            return
        with open(self.args.state) as f:
            data = json.load(f)
        self.objects = data.get("objects", {})
        self.idem = {tuple(k.split("\n", 1)): tuple(v) for k, v in data.get("idem", {}).items()}

    def save(self):
        if not self.args.state:
            return
        tmp = self.args.state + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"objects": self.objects,
                       "idem": {"\n".join(k): list(v) for k, v in self.idem.items()}}, f)
        os.replace(tmp, self.args.state)

    def now(self):
        return int(time.time()) + self.clock_offset

    def new_id(self, prefix):
        return prefix + "_" + secrets.token_hex(12)

    def get(self, oid, kind, param="id"):
        o = self.objects.get(oid)
        if o is None or o.get("object") != kind:
            raise StripeError(404, "invalid_request_error", "No such %s: '%s'" % (kind, oid),
                              code="resource_missing", param=param)
        return o

    # ---- events and webhooks ----
    def event(self, etype, obj, request_key=None):
        ev = {"id": self.new_id("evt"), "object": "event", "api_version": API_VERSION,
              "created": self.now(), "type": etype, "livemode": False, "pending_webhooks": 1,
              "data": {"object": json.loads(json.dumps(obj))},
              "request": {"id": self.new_id("req"), "idempotency_key": request_key}}
        self.objects[ev["id"]] = ev
        if self.args.webhook_url:
            copies = 2 if self.rng.random() < self.faults["webhook_duplicate_rate"] else 1
            with self.queue_cv:
                for _ in range(copies):
                    self.queue.append(ev["id"])
                self.queue_cv.notify()
        return ev

    def sign(self, payload, ts):
        mac = hmac.new(self.args.webhook_secret.encode(), b"%d." % ts + payload, hashlib.sha256).hexdigest()
        return "t=%d,v1=%s" % (ts, mac)

    def deliverer(self):
        while True:
            with self.queue_cv:
                while not self.queue:
                    self.queue_cv.wait()
                if self.faults["webhook_reorder"] and len(self.queue) > 1:
                    i = self.rng.randrange(len(self.queue))
                else:
                    i = 0
                evid = self.queue.pop(i)
            delay = self.faults["webhook_delay_ms"]
            if delay:
                time.sleep(delay / 1000.0)
            self.deliver(evid, attempt=1)

    def deliver(self, evid, attempt):
        with self.lock:
            ev = self.objects.get(evid)
        if ev is None:
            return
        payload = json.dumps(ev).encode()
        ts = int(time.time())   # signed when sent: the real clock, even when /clock moved ours
        req = urllib.request.Request(self.args.webhook_url, data=payload, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": self.sign(payload, ts)})
        status = 0
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        except OSError:
            status = 0
        with self.lock:
            self.deliveries.append({"event": evid, "type": ev["type"], "status": status, "attempt": attempt})
        if not 200 <= status < 300 and attempt < 5:
            # Stripe retries for days with backoff; the stand-in, for seconds
            t = threading.Timer(0.5 * 2 ** (attempt - 1), self.deliver, (evid, attempt + 1))
            t.daemon = True
            t.start()

    # ---- objects ----
    def charge_for(self, pi):
        return self.objects.get(pi.get("latest_charge") or "")

    def payment_method(self, alias, customer):
        if alias in TEST_CARDS:
            brand, last4, decline = TEST_CARDS[alias]
            pm = {"id": self.new_id("pm"), "object": "payment_method", "type": "card", "created": self.now(),
                  "customer": None, "livemode": False, "metadata": {},
                  "card": {"brand": brand, "last4": last4, "exp_month": 12, "exp_year": 2034,
                           "funding": "credit", "country": "US"},
                  "_decline": decline}
            self.objects[pm["id"]] = pm
            return pm
        pm = self.objects.get(alias)
        if pm is None or pm.get("object") != "payment_method":
            raise StripeError(404, "invalid_request_error", "No such PaymentMethod: '%s'" % alias,
                              code="resource_missing", param="payment_method")
        if customer and pm.get("customer") not in (None, customer):
            raise StripeError(400, "invalid_request_error",
                              "The provided PaymentMethod belongs to another customer.", param="payment_method")
        return pm

    def public(self, o):
        return {k: v for k, v in o.items() if not k.startswith("_")}

    def pi_view(self, pi):
        out = self.public(pi)
        if pi.get("latest_charge"):
            ch = self.objects[pi["latest_charge"]]
            out["latest_charge"] = ch["id"]
        return out

    def create_customer(self, p):
        c = {"id": self.new_id("cus"), "object": "customer", "created": self.now(), "livemode": False,
             "email": p.get("email"), "name": p.get("name"), "phone": p.get("phone"),
             "metadata": p.get("metadata", {}) or {}}
        self.objects[c["id"]] = c
        return c

    def create_pi(self, p, key):
        amount = to_int(p, "amount", required=True, minimum=50)
        currency = p.get("currency")
        if not currency:
            raise StripeError(400, "invalid_request_error", "Missing required param: currency.",
                              code="parameter_missing", param="currency")
        capture = p.get("capture_method", "automatic")
        if capture not in ("automatic", "automatic_async", "manual"):
            raise StripeError(400, "invalid_request_error", "Invalid capture_method: %s" % capture,
                              param="capture_method")
        customer = p.get("customer")
        if customer:
            self.get(customer, "customer", "customer")
        sfu = p.get("setup_future_usage")
        if sfu not in (None, "on_session", "off_session"):
            raise StripeError(400, "invalid_request_error", "Invalid setup_future_usage", param="setup_future_usage")
        if sfu and not customer:
            raise StripeError(400, "invalid_request_error",
                              "setup_future_usage requires a customer.", param="setup_future_usage")
        pi = {"id": self.new_id("pi"), "object": "payment_intent", "amount": amount,
              "amount_capturable": 0, "amount_received": 0, "currency": currency.lower(),
              "capture_method": "automatic" if capture == "automatic_async" else capture,
              "confirmation_method": "automatic", "created": self.now(), "customer": customer,
              "description": p.get("description"), "livemode": False, "metadata": p.get("metadata", {}) or {},
              "payment_method": None, "payment_method_types": p.get("payment_method_types") or ["card"],
              "setup_future_usage": sfu, "status": "requires_payment_method",
              "last_payment_error": None, "latest_charge": None, "canceled_at": None,
              "cancellation_reason": None, "receipt_email": p.get("receipt_email"),
              "statement_descriptor": p.get("statement_descriptor")}
        pi["client_secret"] = pi["id"] + "_secret_" + secrets.token_hex(12)
        self.objects[pi["id"]] = pi
        if p.get("payment_method"):
            pm = self.payment_method(p["payment_method"], customer)
            pi["payment_method"] = pm["id"]
            pi["status"] = "requires_confirmation"
        self.event("payment_intent.created", self.pi_view(pi), key)
        if to_bool(p, "confirm"):
            self.confirm_pi(pi, {"off_session": p.get("off_session", "false")}, key)
        return pi

    def confirm_pi(self, pi, p, key):
        if pi["status"] not in ("requires_payment_method", "requires_confirmation"):
            raise StripeError(400, "invalid_request_error",
                              "This PaymentIntent's status is %s, but it must be requires_payment_method "
                              "or requires_confirmation to be confirmed." % pi["status"],
                              code="payment_intent_unexpected_state", extra={"payment_intent": self.pi_view(pi)})
        if p.get("payment_method"):
            pm = self.payment_method(p["payment_method"], pi["customer"])
            pi["payment_method"] = pm["id"]
        if not pi["payment_method"]:
            raise StripeError(400, "invalid_request_error",
                              "You cannot confirm this PaymentIntent because it's missing a payment method.",
                              code="payment_intent_unexpected_state", param="payment_method")
        pm = self.objects[pi["payment_method"]]
        decline = pm.get("_decline")
        if decline:
            err = {"type": "card_error", "code": "card_declined", "decline_code": decline,
                   "message": DECLINE_MESSAGES[decline], "payment_method": self.public(pm)}
            pi["status"] = "requires_payment_method"
            pi["last_payment_error"] = err
            pi["payment_method"] = None
            self.event("payment_intent.payment_failed", self.pi_view(pi), key)
            raise StripeError(402, "card_error", err["message"], code="card_declined", decline_code=decline,
                              extra={"payment_intent": self.pi_view(pi)})
        if pi["setup_future_usage"] and pi["customer"] and pm.get("customer") is None:
            pm["customer"] = pi["customer"]
        ch = {"id": self.new_id("ch"), "object": "charge", "amount": pi["amount"], "amount_captured": 0,
              "amount_refunded": 0, "captured": False, "refunded": False, "currency": pi["currency"],
              "created": self.now(), "customer": pi["customer"], "payment_intent": pi["id"],
              "payment_method": pm["id"], "paid": True, "status": "succeeded", "livemode": False,
              "metadata": dict(pi["metadata"]),
              "payment_method_details": {"type": "card", "card": dict(pm["card"])}}
        self.objects[ch["id"]] = ch
        pi["latest_charge"] = ch["id"]
        pi["last_payment_error"] = None
        if pi["capture_method"] == "manual":
            ch["payment_method_details"]["card"]["capture_before"] = self.now() + AUTH_WINDOW_S
            pi["status"] = "requires_capture"
            pi["amount_capturable"] = pi["amount"]
            self.event("payment_intent.amount_capturable_updated", self.pi_view(pi), key)
        else:
            self.capture_charge(pi, ch, pi["amount"])
            self.event("payment_intent.succeeded", self.pi_view(pi), key)
        return pi

    def capture_charge(self, pi, ch, amount):
        ch["captured"] = True
        ch["amount_captured"] = amount
        pi["amount_received"] = amount
        pi["amount_capturable"] = 0
        pi["status"] = "succeeded"

    def capture_pi(self, pi, p, key):
        if pi["status"] != "requires_capture":
            raise StripeError(400, "invalid_request_error",
                              "This PaymentIntent could not be captured because it has a status of %s. "
                              "Only a PaymentIntent with one of the following statuses may be captured: "
                              "requires_capture." % pi["status"],
                              code="payment_intent_unexpected_state", extra={"payment_intent": self.pi_view(pi)})
        amount = to_int(p, "amount_to_capture", minimum=1)
        if amount is None:
            amount = pi["amount_capturable"]
        if amount > pi["amount_capturable"]:
            raise StripeError(400, "invalid_request_error",
                              "The amount to capture (%d) is greater than the amount capturable (%d)."
                              % (amount, pi["amount_capturable"]),
                              code="amount_too_large", param="amount_to_capture")
        ch = self.charge_for(pi)
        self.capture_charge(pi, ch, amount)
        if amount < pi["amount"]:
            # the uncaptured rest is released, as a refund of that part
            ch["amount_refunded"] = pi["amount"] - amount
        self.event("payment_intent.succeeded", self.pi_view(pi), key)
        return pi

    def cancel_pi(self, pi, reason, key):
        if pi["status"] in ("succeeded", "canceled"):
            raise StripeError(400, "invalid_request_error",
                              "You cannot cancel this PaymentIntent because it has a status of %s. Only a "
                              "PaymentIntent with one of the following statuses may be canceled: "
                              "requires_payment_method, requires_capture, requires_confirmation, "
                              "requires_action, processing." % pi["status"],
                              code="payment_intent_unexpected_state", extra={"payment_intent": self.pi_view(pi)})
        if reason not in (None, "duplicate", "fraudulent", "requested_by_customer", "abandoned", "automatic"):
            raise StripeError(400, "invalid_request_error", "Invalid cancellation_reason: %s" % reason,
                              param="cancellation_reason")
        pi["status"] = "canceled"
        pi["canceled_at"] = self.now()
        pi["cancellation_reason"] = reason
        pi["amount_capturable"] = 0
        ch = self.charge_for(pi)
        if ch is not None and not ch["captured"]:
            ch["amount_refunded"] = ch["amount"]
            ch["refunded"] = True
        self.event("payment_intent.canceled", self.pi_view(pi), key)
        return pi

    def create_refund(self, p, key):
        pid = p.get("payment_intent")
        chid = p.get("charge")
        if not pid and not chid:
            raise StripeError(400, "invalid_request_error", "One of charge or payment_intent is required.",
                              code="parameter_missing", param="payment_intent")
        if pid:
            pi = self.get(pid, "payment_intent", "payment_intent")
            ch = self.charge_for(pi)
        else:
            ch = self.get(chid, "charge", "charge")
            pi = self.objects.get(ch["payment_intent"])
        if ch is None or not ch["captured"]:
            raise StripeError(400, "invalid_request_error",
                              "This PaymentIntent does not have a successful charge to refund.",
                              code="charge_not_refundable" if ch is None else "charge_not_captured",
                              param="payment_intent")
        refundable = ch["amount_captured"] - ch["amount_refunded"]
        amount = to_int(p, "amount", minimum=1)
        if amount is None:
            amount = refundable
        if refundable <= 0:
            raise StripeError(400, "invalid_request_error", "Charge %s has already been refunded." % ch["id"],
                              code="charge_already_refunded", param="payment_intent")
        if amount > refundable:
            raise StripeError(400, "invalid_request_error",
                              "Refund amount ($%.2f) is greater than unrefunded amount on charge ($%.2f)"
                              % (amount / 100.0, refundable / 100.0), param="amount")
        reason = p.get("reason")
        if reason not in (None, "duplicate", "fraudulent", "requested_by_customer"):
            raise StripeError(400, "invalid_request_error", "Invalid reason: %s" % reason, param="reason")
        re = {"id": self.new_id("re"), "object": "refund", "amount": amount, "charge": ch["id"],
              "currency": ch["currency"], "created": self.now(), "payment_intent": ch["payment_intent"],
              "reason": reason, "status": "succeeded", "metadata": p.get("metadata", {}) or {}}
        self.objects[re["id"]] = re
        ch["amount_refunded"] += amount
        ch["refunded"] = ch["amount_refunded"] >= ch["amount_captured"]
        self.event("charge.refunded", self.public(ch), key)
        self.event("refund.created", re, key)
        return re

    # ---- control: cards and authorizations that go bad (kept apart) ----
    def expire_authorizations(self):
        """Every authorization whose charge's capture_before has passed
        lapses (canceled, cancellation_reason automatic); their ids."""
        lapsed = []
        for pi in list(self.objects.values()):
            if pi.get("object") != "payment_intent" or pi["status"] != "requires_capture":
                continue
            ch = self.charge_for(pi)
            before = ch and ch["payment_method_details"]["card"].get("capture_before")
            if before is not None and before <= self.now():
                self.cancel_pi(pi, "automatic", None)
                lapsed.append(pi["id"])
        return lapsed

    def control_cards(self, method, path, req):
        """/_standin/expire and /_standin/decline: (status, body), or None
        for a path that is not theirs."""
        if path == "/_standin/expire" and method == "POST":
            return 200, {"lapsed": self.expire_authorizations()}
        if path == "/_standin/decline" and method == "POST":
            code = req.get("decline_code", "generic_decline")
            if code is not None and code not in DECLINE_MESSAGES:
                return 400, {"error": "decline_code is one of %s or null" % sorted(DECLINE_MESSAGES)}
            pms = [o for o in self.objects.values() if o.get("object") == "payment_method" and
                   ((req.get("customer") and o.get("customer") == req["customer"]) or
                    o["id"] == req.get("payment_method"))]
            if not pms:
                return 404, {"error": "no card of that customer or payment method"}
            for pm in pms:
                pm["_decline"] = code
            return 200, {"declining": [pm["id"] for pm in pms], "decline_code": code}
        return None

    def lapse(self, pid):
        pi = self.get(pid, "payment_intent")
        if pi["status"] != "requires_capture":
            raise StripeError(400, "invalid_request_error", "only an uncaptured authorization can lapse")
        return self.cancel_pi(pi, "automatic", None)

    # ---- dispatch ----
    def api(self, method, path, params, key):
        parts = [p for p in path.split("/") if p][1:]  # drop "v1"
        if method == "POST" and parts == ["customers"]:
            return self.create_customer(params)
        if method == "GET" and len(parts) == 2 and parts[0] == "customers":
            return self.get(parts[1], "customer")
        if method == "POST" and parts == ["payment_intents"]:
            return self.pi_view(self.create_pi(params, key))
        if len(parts) >= 2 and parts[0] == "payment_intents":
            pi = self.get(parts[1], "payment_intent", "intent")
            if method == "GET" and len(parts) == 2:
                return self.pi_view(pi)
            if method == "POST" and len(parts) == 2:
                if pi["status"] in ("succeeded", "canceled", "requires_capture"):
                    raise StripeError(400, "invalid_request_error",
                                      "This PaymentIntent's status is %s and it cannot be updated." % pi["status"],
                                      code="payment_intent_unexpected_state")
                if "amount" in params:
                    pi["amount"] = to_int(params, "amount", minimum=50)
                if "metadata" in params:
                    pi["metadata"].update(params["metadata"] or {})
                if "payment_method" in params:
                    pi["payment_method"] = self.payment_method(params["payment_method"], pi["customer"])["id"]
                    pi["status"] = "requires_confirmation"
                return self.pi_view(pi)
            if method == "POST" and len(parts) == 3 and parts[2] == "confirm":
                return self.pi_view(self.confirm_pi(pi, params, key))
            if method == "POST" and len(parts) == 3 and parts[2] == "capture":
                return self.pi_view(self.capture_pi(pi, params, key))
            if method == "POST" and len(parts) == 3 and parts[2] == "cancel":
                return self.pi_view(self.cancel_pi(pi, params.get("cancellation_reason"), key))
        if method == "POST" and parts == ["refunds"]:
            return self.create_refund(params, key)
        if method == "GET" and len(parts) == 2 and parts[0] == "refunds":
            return self.get(parts[1], "refund")
        if method == "GET" and len(parts) == 2 and parts[0] == "charges":
            return self.public(self.get(parts[1], "charge"))
        if method == "GET" and len(parts) == 2 and parts[0] == "events":
            return self.get(parts[1], "event")
        if method == "GET" and parts == ["payment_methods"]:
            cus = params.get("customer")
            data = [self.public(o) for o in self.objects.values()
                    if o.get("object") == "payment_method" and (cus is None or o.get("customer") == cus)]
            return {"object": "list", "url": "/v1/payment_methods", "has_more": False, "data": data}
        raise StripeError(404, "invalid_request_error", "Unrecognized request URL (%s: %s)." % (method, path))


# ---- Stripe.js (the browser's side), served at /v3/ -------------------------
# The part of Stripe.js's documented API the booking page uses, so the page's
# card step runs in a real browser against this stand-in: Stripe(key),
# stripe.elements({clientSecret, appearance}), elements.create('payment'),
# element.mount(selector), element.on('ready'|'change', fn),
# stripe.confirmPayment({elements, redirect: 'if_required'}) resolving
# {paymentIntent} or {error: {type, code, decline_code, message}}. As at
# Stripe, the card form lives in a frame of this server's origin
# (/v3/elements-inner-payment.html): the page never sees a card number. The
# frame confirms the intent itself, POST /v1/payment_intents/ID/confirm with
# the publishable key and the client_secret, naming the test card's
# payment method (4242 4242 4242 4242 pm_card_visa, 4000 0000 0000 0002
# pm_card_chargeDeclined, 4000 0000 0000 9995
# pm_card_chargeDeclinedInsufficientFunds); other numbers are refused in the
# form, as Stripe's test mode refuses real cards.
STRIPE_JS = r"""/* Stripe.js stand-in (tests/standins/stripe.py) */
(function () {
'use strict';
var ORIGIN = new URL(document.currentScript.src).origin, seq = 0;
function integration(msg) { var e = new Error(msg); e.name = 'IntegrationError'; return e; }
function Stripe(key) {
	if (!(this instanceof Stripe)) return new Stripe(key);
	if (typeof key !== 'string' || key.indexOf('pk_') !== 0)
		throw integration('Invalid API Key provided: ' + key + ' (a publishable key starts with pk_)');
	this._key = key;
}
Stripe.prototype.elements = function (o) {
	o = o || {};
	if (typeof o.clientSecret !== 'string' || o.clientSecret.indexOf('_secret_') < 0)
		throw integration('elements(): clientSecret must be a PaymentIntent client_secret');
	return new Elements(this, o);
};
function Elements(stripe, o) { this._stripe = stripe; this._o = o; this._el = null; }
Elements.prototype.create = function (type) {
	if (type !== 'payment') throw integration('create(): this stand-in has the payment Element only, not ' + type);
	if (this._el) throw integration('create(): this Elements group already has a payment Element');
	return (this._el = new PaymentElement(this));
};
Elements.prototype.getElement = function (type) { return type === 'payment' ? this._el : null; };
function PaymentElement(els) { this._els = els; this._frame = null; this._on = {}; this._calls = {}; }
PaymentElement.prototype.on = function (ev, fn) { (this._on[ev] = this._on[ev] || []).push(fn); return this; };
PaymentElement.prototype._emit = function (ev, x) { (this._on[ev] || []).forEach(function (fn) { fn(x); }); };
PaymentElement.prototype.mount = function (target) {
	var node = typeof target === 'string' ? document.querySelector(target) : target, self = this;
	if (!node) throw integration('mount(): no element matches ' + target);
	var f = document.createElement('iframe'), o = this._els._o;
	f.name = '__privateStripeFrame' + (++seq);
	f.title = 'Secure payment input frame';
	f.setAttribute('frameborder', '0');
	f.setAttribute('scrolling', 'no');
	f.src = ORIGIN + '/v3/elements-inner-payment.html#' + encodeURIComponent(JSON.stringify({
		key: this._els._stripe._key, clientSecret: o.clientSecret, appearance: o.appearance || {},
		parent: location.origin }));
	f.style.border = '0'; f.style.width = '100%'; f.style.height = '12rem'; f.style.display = 'block';
	window.addEventListener('message', function (ev) {
		if (ev.origin !== ORIGIN || ev.source !== f.contentWindow || !ev.data || ev.data.stripeStandin !== 1) return;
		var d = ev.data;
		if (d.type === 'ready') self._emit('ready', { elementType: 'payment' });
		else if (d.type === 'change') self._emit('change', { elementType: 'payment', complete: d.complete, empty: d.empty });
		else if (d.type === 'height') f.style.height = d.px + 'px';
		else if (d.type === 'result' && self._calls[d.id]) { self._calls[d.id](d.result); delete self._calls[d.id]; }
	});
	node.appendChild(f);
	this._frame = f;
};
PaymentElement.prototype._ask = function (type) {
	var f = this._frame, self = this, id = ++seq;
	if (!f) return Promise.resolve({ error: { type: 'validation_error', message: 'The payment Element is not mounted.' } });
	return new Promise(function (resolve) {
		self._calls[id] = resolve;
		f.contentWindow.postMessage({ stripeStandin: 1, type: type, id: id }, ORIGIN);
	});
};
Elements.prototype.submit = function () { return this._el ? this._el._ask('submit') : Promise.resolve({ error: { type: 'validation_error', message: 'No payment Element.' } }); };
Stripe.prototype.confirmPayment = function (o) {
	o = o || {};
	if (!o.elements || !o.elements._el) return Promise.reject(integration('confirmPayment(): pass the elements that hold a mounted payment Element'));
	if (o.elements._stripe !== this) return Promise.reject(integration('confirmPayment(): these elements belong to another Stripe instance'));
	if (o.redirect !== 'if_required' && !(o.confirmParams && o.confirmParams.return_url))
		return Promise.reject(integration('confirmPayment(): confirmParams.return_url is required unless redirect is if_required'));
	return o.elements._el._ask('confirm');
};
window.Stripe = Stripe;
})();
"""

ELEMENTS_INNER = r"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Secure payment input frame</title>
<style>
body { margin: 0; font: 16px/1.4 var(--font, system-ui, sans-serif); color: var(--text, #1b1b1f); }
label { display: block; font-size: .9rem; margin: .4rem 0 .15rem; }
input { font: inherit; width: 100%; box-sizing: border-box; padding: .55rem .6rem; border: 1px solid #8a8a93;
	border-radius: var(--radius, 4px); background: #fff; color: inherit; }
input:focus { outline: 3px solid var(--primary, #0b57d0); outline-offset: 1px; }
input[aria-invalid=true] { border-color: #b0001a; }
.row { display: flex; gap: .6rem; } .row > div { flex: 1; }
.err { color: #b0001a; font-size: .9rem; min-height: 1.2rem; margin: .3rem 0 0; }
.by { color: #52525b; font-size: .8rem; margin: .3rem 0 0; }
</style></head><body>
<form novalidate>
<label for="n">Card number</label>
<input id="n" name="cardnumber" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" aria-describedby="e">
<div class="row"><div><label for="x">Expiration date</label>
<input id="x" name="exp-date" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" aria-describedby="e"></div>
<div><label for="c">Security code</label>
<input id="c" name="cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" aria-describedby="e"></div></div>
<p class="err" id="e" role="alert"></p>
<p class="by">Stripe stand-in (test mode): test cards only.</p>
</form>
<script>
'use strict';
const cfg = JSON.parse(decodeURIComponent(location.hash.slice(1)));
const v = (cfg.appearance && cfg.appearance.variables) || {};
for (const [k, css] of [['colorPrimary', '--primary'], ['colorText', '--text'], ['fontFamily', '--font'], ['borderRadius', '--radius']])
	if (typeof v[k] === 'string') document.body.style.setProperty(css, v[k]);
const CARDS = { '4242424242424242': 'pm_card_visa', '4000000000000002': 'pm_card_chargeDeclined',
	'4000000000009995': 'pm_card_chargeDeclinedInsufficientFunds' };
const $ = id => document.getElementById(id), n = $('n'), x = $('x'), c = $('c'), e = $('e');
const say = (type, m) => parent.postMessage(Object.assign({ stripeStandin: 1, type }, m || {}), cfg.parent);
const digits = s => s.replace(/\D/g, '');
function luhn(d) {
	let sum = 0;
	for (let i = 0; i < d.length; i++) {
		let k = +d[d.length - 1 - i];
		if (i % 2) { k *= 2; if (k > 9) k -= 9; }
		sum += k;
	}
	return d.length >= 12 && sum % 10 === 0;
}
/* check: the first problem as Stripe words it ({code, message, field}), or null */
function check() {
	const d = digits(n.value), m = /^\s*(\d\d)\s*\/?\s*(\d\d)\s*$/.exec(x.value), now = new Date();
	if (!d) return { code: 'incomplete_number', message: 'Your card number is incomplete.', field: n };
	if (!luhn(d)) return { code: 'invalid_number', message: 'Your card number is invalid.', field: n };
	if (!CARDS[d]) return { code: 'invalid_number', message: 'Your card number is not a test card: in test mode use 4242 4242 4242 4242 (or 4000 0000 0000 0002, 4000 0000 0000 9995).', field: n };
	if (!m) return { code: 'incomplete_expiry', message: "Your card's expiration date is incomplete.", field: x };
	const mm = +m[1], yy = 2000 + +m[2];
	if (mm < 1 || mm > 12) return { code: 'invalid_expiry_month', message: "Your card's expiration month is invalid.", field: x };
	if (yy < now.getFullYear() || (yy === now.getFullYear() && mm < now.getMonth() + 1))
		return { code: 'invalid_expiry_year_past', message: "Your card's expiration year is in the past.", field: x };
	if (!/^\d{3,4}$/.test(c.value.trim())) return { code: 'incomplete_cvc', message: "Your card's security code is incomplete.", field: c };
	return null;
}
function show(p) {
	for (const f of [n, x, c]) f.setAttribute('aria-invalid', String(!!p && p.field === f));
	e.textContent = p ? p.message : '';
}
for (const f of [n, x, c]) f.addEventListener('input', () => {
	show(null);
	say('change', { complete: !check(), empty: !(n.value || x.value || c.value) });
});
document.querySelector('form').addEventListener('submit', ev => ev.preventDefault());
async function confirm() {
	const p = check();
	if (p) {
		show(p);
		return { error: { type: 'validation_error', code: p.code, message: p.message } };
	}
	const pi = cfg.clientSecret.split('_secret_')[0];
	const body = new URLSearchParams({ client_secret: cfg.clientSecret, payment_method: CARDS[digits(n.value)] });
	let r, j;
	try {
		r = await fetch('/v1/payment_intents/' + encodeURIComponent(pi) + '/confirm', { method: 'POST', body,
			headers: { Authorization: 'Bearer ' + cfg.key, 'Content-Type': 'application/x-www-form-urlencoded' } });
		j = await r.json();
	} catch (err) {
		return { error: { type: 'api_connection_error', message: 'We could not reach Stripe. Check your connection and try again.' } };
	}
	if (r.ok) return { paymentIntent: { id: j.id, object: 'payment_intent', status: j.status, amount: j.amount, currency: j.currency,
		capture_method: j.capture_method, client_secret: cfg.clientSecret } };
	const er = j.error || { type: 'api_error', message: 'An unknown error occurred.' };
	return { error: { type: er.type, code: er.code, decline_code: er.decline_code, message: er.message,
		payment_intent: er.payment_intent && { id: er.payment_intent.id, status: er.payment_intent.status } } };
}
window.addEventListener('message', async ev => {
	if (ev.origin !== cfg.parent || ev.source !== parent || !ev.data || ev.data.stripeStandin !== 1) return;
	const d = ev.data, p = d.type === 'confirm' ? null : check();
	if (p) show(p);
	const result = d.type === 'confirm' ? await confirm()
		: p ? { error: { type: 'validation_error', code: p.code, message: p.message } } : {};
	say('result', { id: d.id, result });
});
say('height', { px: document.documentElement.scrollHeight + 4 });
say('ready');
</script></body></html>
"""


def stripe_js_asset(path):
    """The browser-side files at /v3/: (content type, bytes), or None."""
    if path in ("/v3", "/v3/"):
        return "application/javascript; charset=utf-8", STRIPE_JS.encode()
    if path == "/v3/elements-inner-payment.html":
        return "text/html; charset=utf-8", ELEMENTS_INNER.encode()
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "stripe-standin/1"

    def log_message(self, fmt, *args):
        if self.server.standin.args.verbose:
            sys.stderr.write("stripe-standin: " + fmt % args + "\n")

    def send_json(self, status, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", "req_" + secrets.token_hex(8))
        self.send_header("Stripe-Version", API_VERSION)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def send_stripe_js(self, path):
        asset = stripe_js_asset(path)
        if asset is None:
            return self.send_json(404, {"error": {"type": "invalid_request_error",
                                                  "message": "No such Stripe.js file: %s" % path}})
        ctype, body = asset
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def api_key(self, st):
        auth = self.headers.get("Authorization", "")
        key = None
        if auth.startswith("Bearer "):
            key = auth[7:].strip()
        elif auth.startswith("Basic "):
            import base64
            try:
                key = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
            except (ValueError, UnicodeDecodeError):
                key = None
        return key

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def handle_any(self, method):
        st = self.server.standin
        url = urllib.parse.urlsplit(self.path)
        raw = self.body()
        if url.path.startswith("/_standin/"):
            return self.control(method, url.path, raw)
        if method == "GET" and url.path.startswith("/v3"):
            return self.send_stripe_js(url.path)
        try:
            params = parse_form(url.query if method == "GET" else raw.decode("utf-8"))
        except StripeError as e:
            return self.send_json(e.status, e.body)
        except UnicodeDecodeError:
            return self.send_json(400, {"error": {"type": "invalid_request_error", "message": "Invalid UTF-8"}})
        key = self.api_key(st)
        publishable_ok = (method == "POST" and url.path.endswith("/confirm")
                          and key == st.args.publishable_key and "client_secret" in params)
        if key != st.args.secret_key and not publishable_ok:
            return self.send_json(401, {"error": {
                "type": "invalid_request_error",
                "message": "Invalid API Key provided: %s" % ((key or "")[:8] + "****" if key else "(none)")}})
        if publishable_ok:
            pid = url.path.split("/")[3]
            with st.lock:
                pi = st.objects.get(pid)
                if pi is None or pi.get("client_secret") != params.get("client_secret"):
                    return self.send_json(404, {"error": {"type": "invalid_request_error",
                                                          "code": "resource_missing",
                                                          "message": "No such payment_intent: '%s'" % pid}})
            params.pop("client_secret", None)
        with st.lock:
            if st.fail_next:
                status = st.fail_next.pop(0)
                return self.send_json(status, {"error": {"type": "api_error",
                                                         "message": "An unknown error occurred (injected)."}})
            roll = st.rng.random()
            if roll < st.faults["timeout_rate"]:
                timeout = st.faults["timeout_s"]
            else:
                timeout = 0
                if roll < st.faults["timeout_rate"] + st.faults["fail_rate"]:
                    return self.send_json(st.faults["fail_status"], {"error": {
                        "type": "api_error", "message": "An unknown error occurred (injected)."}})
        if timeout:
            time.sleep(timeout)   # the client gives up first; nothing changed
            self.close_connection = True
            return
        idem_key = self.headers.get("Idempotency-Key")
        if idem_key is not None and len(idem_key) > 255:
            return self.send_json(400, {"error": {"type": "invalid_request_error",
                                                  "message": "Idempotency-Key is too long (255 at most)."}})
        with st.lock:
            if method == "POST" and idem_key:
                fingerprint = hashlib.sha256((url.path + "\n" + json.dumps(params, sort_keys=True)).encode()).hexdigest()
                seen = st.idem.get((key, idem_key))
                if seen is not None:
                    if seen[0] != fingerprint:
                        return self.send_json(400, {"error": {
                            "type": "idempotency_error",
                            "message": "Keys for idempotent requests can only be used with the same parameters "
                                       "they were first used with. Try using a key other than '%s' if you meant "
                                       "to execute a different request." % idem_key}})
                    return self.send_json(seen[1], seen[2], {"Idempotent-Replayed": "true",
                                                              "Idempotency-Key": idem_key})
            try:
                status, obj = 200, st.api(method, url.path, params, idem_key)
            except StripeError as e:
                status, obj = e.status, e.body
            if method == "POST" and idem_key:
                st.idem[(key, idem_key)] = (fingerprint, status, obj)
            st.save()
        extra = {"Idempotency-Key": idem_key} if idem_key else None
        self.send_json(status, obj, extra)

    def control(self, method, path, raw):
        st = self.server.standin
        try:
            req = json.loads(raw) if raw else {}
        except ValueError:
            return self.send_json(400, {"error": "body is not JSON"})
        with st.lock:
            if path == "/_standin/faults" and method == "POST":
                for k, v in req.items():
                    if k not in st.faults:
                        return self.send_json(400, {"error": "unknown fault %s" % k})
                    st.faults[k] = v
                return self.send_json(200, st.faults)
            if path == "/_standin/fail-next" and method == "POST":
                st.fail_next.extend([int(req.get("status", 500))] * int(req.get("count", 1)))
                return self.send_json(200, {"pending": len(st.fail_next)})
            if path.startswith("/_standin/lapse/") and method == "POST":
                try:
                    pi = st.lapse(path.rsplit("/", 1)[1])
                except StripeError as e:
                    return self.send_json(e.status, e.body)
                st.save()
                return self.send_json(200, st.pi_view(pi))
            if path == "/_standin/clock" and method == "POST":
                st.clock_offset += int(req.get("advance_s", 0))
                lapsed = st.expire_authorizations()
                st.save()
                return self.send_json(200, {"now": st.now(), "lapsed": lapsed})
            answer = st.control_cards(method, path, req)
            if answer is not None:
                st.save()
                return self.send_json(*answer)
            if path == "/_standin/state" and method == "GET":
                return self.send_json(200, {"objects": st.objects})
            if path == "/_standin/webhooks" and method == "GET":
                return self.send_json(200, {"deliveries": st.deliveries})
            if path == "/_standin/reset" and method == "POST":
                st.reset()
                st.save()
                return self.send_json(200, {"reset": True})
        return self.send_json(404, {"error": "no control %s %s" % (method, path)})


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description="a local stand-in for Stripe's API (tests and the demo)")
    ap.add_argument("--listen", default="127.0.0.1:12111")
    ap.add_argument("--secret-key", default="sk_test_redlight_standin")
    ap.add_argument("--publishable-key", default="pk_test_redlight_standin")
    ap.add_argument("--webhook-url", default="")
    ap.add_argument("--webhook-secret", default="whsec_redlight_standin")
    ap.add_argument("--state", default="")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    host, _, port = args.listen.rpartition(":")
    srv = Server((host, int(port)), Handler)
    srv.standin = Standin(args)
    print("stripe-standin: listening on http://%s:%d" % srv.server_address, file=sys.stderr, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
