#!/usr/bin/env python3
"""test-stripe-standin.py: the Stripe stand-in speaks Stripe's protocol as
Stripe documents it (tests/standins/stripe.py), so that tests of our client
against it mean something. Prints TAP.

Runs the stand-in on a free port with a webhook receiver of its own that
checks every delivery's Stripe-Signature the way Stripe documents it
(HMAC-SHA256 over "t.body" with the endpoint secret)."""
import hashlib
import hmac
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tap import free_port, ok, plan, wait_port  # noqa: E402

SK, PK, WHSEC = "sk_test_t", "pk_test_t", "whsec_t"


events = []
bad_signatures = []


class Receiver(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        sig = dict(kv.split("=", 1) for kv in self.headers.get("Stripe-Signature", "").split(","))
        mac = hmac.new(WHSEC.encode(), sig.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
        if hmac.compare_digest(mac, sig.get("v1", "")) and abs(time.time() - int(sig["t"])) < 300:
            events.append(json.loads(body))
            self.send_response(200)
        else:
            bad_signatures.append(self.headers.get("Stripe-Signature"))
            self.send_response(400)
        self.send_header("Content-Length", "0")
        self.end_headers()


def call(base, method, path, params=None, key=SK, idem=None):
    data = urllib.parse.urlencode(params or {}).encode() if method == "POST" else None
    url = base + path + ("?" + urllib.parse.urlencode(params) if method == "GET" and params else "")
    req = urllib.request.Request(url, data=data, method=method)
    if key:
        req.add_header("Authorization", "Bearer " + key)
    if idem:
        req.add_header("Idempotency-Key", idem)
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read()), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read()), dict(e.headers)


def control(base, path, obj=None, method="POST"):
    req = urllib.request.Request(base + path, data=json.dumps(obj or {}).encode() if method == "POST" else None,
                                 method=method)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def main():
    rport, sport = free_port(), free_port()
    recv = http.server.ThreadingHTTPServer(("127.0.0.1", rport), Receiver)
    threading.Thread(target=recv.serve_forever, daemon=True).start()
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "stripe.py"), "--listen", "127.0.0.1:%d" % sport,
                             "--secret-key", SK, "--publishable-key", PK, "--webhook-secret", WHSEC,
                             "--webhook-url", "http://127.0.0.1:%d/hook" % rport, "--seed", "1"],
                            stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d" % sport
    try:
        if wait_port(sport):
            run(base)
            run_publishable(base)
        else:
            ok(False, "the stand-in starts")
    finally:
        proc.terminate()
        proc.wait()
    plan()


def run(base):
    st, body, _ = call(base, "POST", "/v1/customers", {"email": "a@example.com"}, key="sk_test_wrong")
    ok(st == 401 and body["error"]["type"] == "invalid_request_error", "a wrong secret key is 401", body)
    st, body, _ = call(base, "POST", "/v1/customers", {"email": "a@example.com"}, key=None)
    ok(st == 401, "no key is 401", body)

    st, cus, _ = call(base, "POST", "/v1/customers", {"email": "a@example.com", "name": "A",
                                                      "metadata[user_id]": "u1"})
    ok(st == 200 and cus["id"].startswith("cus_") and cus["metadata"] == {"user_id": "u1"},
       "a customer is made, metadata from bracketed keys", cus)

    st, body, _ = call(base, "POST", "/v1/payment_intents", {"currency": "cad"})
    ok(st == 400 and body["error"].get("param") == "amount" and body["error"].get("code") == "parameter_missing",
       "a PaymentIntent without amount is 400 naming it", body)

    pi_params = {"amount": "5000", "currency": "cad", "capture_method": "manual", "customer": cus["id"],
                 "setup_future_usage": "off_session", "metadata[booking_id]": "b1"}
    st, pi, _ = call(base, "POST", "/v1/payment_intents", pi_params, idem="b1-authorize")
    ok(st == 200 and pi["status"] == "requires_payment_method" and pi["client_secret"].startswith(pi["id"]),
       "a manual-capture intent awaits a payment method, with its client_secret", pi)
    st, again, hdr = call(base, "POST", "/v1/payment_intents", pi_params, idem="b1-authorize")
    ok(st == 200 and again["id"] == pi["id"] and hdr.get("Idempotent-Replayed") == "true",
       "the same Idempotency-Key and parameters replay the first answer", (st, again.get("id"), hdr))
    st, body, _ = call(base, "POST", "/v1/payment_intents", dict(pi_params, amount="6000"), idem="b1-authorize")
    ok(st == 400 and body["error"]["type"] == "idempotency_error",
       "the same key with other parameters is an idempotency_error", body)

    st, body, _ = call(base, "POST", "/v1/payment_intents/%s/confirm" % pi["id"],
                       {"payment_method": "pm_card_visa", "client_secret": "wrong"}, key=PK)
    ok(st == 404, "confirming with the publishable key and a wrong client_secret is refused", body)
    st, conf, _ = call(base, "POST", "/v1/payment_intents/%s/confirm" % pi["id"],
                       {"payment_method": "pm_card_visa", "client_secret": pi["client_secret"]}, key=PK)
    ok(st == 200 and conf["status"] == "requires_capture" and conf["amount_capturable"] == 5000,
       "confirmed with a test card (publishable key + client_secret): requires_capture", conf)
    st, ch, _ = call(base, "GET", "/v1/charges/" + conf["latest_charge"])
    cb = ch.get("payment_method_details", {}).get("card", {}).get("capture_before", 0)
    ok(st == 200 and 6 * 86400 < cb - time.time() <= 7 * 86400 + 60 and not ch["captured"],
       "the authorization carries capture_before about 7 days ahead", ch)
    st, pms, _ = call(base, "GET", "/v1/payment_methods", {"customer": cus["id"], "type": "card"})
    ok(st == 200 and len(pms["data"]) == 1 and pms["data"][0]["card"]["last4"] == "4242",
       "setup_future_usage=off_session saved the card on the customer", pms)

    st, body, _ = call(base, "POST", "/v1/refunds", {"payment_intent": pi["id"]})
    ok(st == 400 and body["error"]["type"] == "invalid_request_error",
       "an uncaptured intent cannot be refunded", body)
    st, body, _ = call(base, "POST", "/v1/payment_intents/%s/capture" % pi["id"], {"amount_to_capture": "9000"})
    ok(st == 400 and body["error"].get("param") == "amount_to_capture",
       "capturing more than capturable is 400 naming amount_to_capture", body)
    st, cap, _ = call(base, "POST", "/v1/payment_intents/%s/capture" % pi["id"], idem="b1-capture")
    ok(st == 200 and cap["status"] == "succeeded" and cap["amount_received"] == 5000, "captured: succeeded", cap)
    st, body, _ = call(base, "POST", "/v1/payment_intents/%s/capture" % pi["id"])
    ok(st == 400 and body["error"].get("code") == "payment_intent_unexpected_state",
       "a second capture (new key) is payment_intent_unexpected_state", body)

    st, re1, _ = call(base, "POST", "/v1/refunds", {"payment_intent": pi["id"], "amount": "2500"}, idem="b1-refund")
    ok(st == 200 and re1["amount"] == 2500 and re1["status"] == "succeeded", "a partial refund", re1)
    st, body, _ = call(base, "POST", "/v1/refunds", {"payment_intent": pi["id"], "amount": "2501"})
    ok(st == 400 and body["error"].get("param") == "amount", "refunding past the rest is 400 naming amount", body)
    st, re2, _ = call(base, "POST", "/v1/refunds", {"payment_intent": pi["id"]})
    st2, ch, _ = call(base, "GET", "/v1/charges/" + conf["latest_charge"])
    ok(st == 200 and re2["amount"] == 2500 and ch["amount_refunded"] == 5000 and ch["refunded"],
       "a refund without amount refunds the rest; the charge is refunded", (re2, ch))

    # off-session charge with the saved card, automatic capture
    pm = pms["data"][0]["id"]
    st, off, _ = call(base, "POST", "/v1/payment_intents", {"amount": "1500", "currency": "cad",
                                                           "customer": cus["id"], "payment_method": pm,
                                                           "off_session": "true", "confirm": "true"})
    ok(st == 200 and off["status"] == "succeeded" and off["amount_received"] == 1500,
       "an off-session charge on the saved card succeeds at once", off)

    st, dec, _ = call(base, "POST", "/v1/payment_intents", {"amount": "1500", "currency": "cad",
                                                           "payment_method": "pm_card_chargeDeclinedInsufficientFunds",
                                                           "confirm": "true"})
    ok(st == 402 and dec["error"]["type"] == "card_error" and dec["error"]["decline_code"] == "insufficient_funds"
       and dec["error"]["payment_intent"]["status"] == "requires_payment_method",
       "a declining test card is a 402 card_error; the intent wants another card", dec)

    st, pi2, _ = call(base, "POST", "/v1/payment_intents", {"amount": "900", "currency": "cad",
                                                           "capture_method": "manual", "payment_method": "pm_card_visa",
                                                           "confirm": "true"})
    st, can, _ = call(base, "POST", "/v1/payment_intents/%s/cancel" % pi2["id"],
                      {"cancellation_reason": "requested_by_customer"})
    ok(st == 200 and can["status"] == "canceled" and can["cancellation_reason"] == "requested_by_customer",
       "an authorization is released by cancel", can)

    st, pi3, _ = call(base, "POST", "/v1/payment_intents", {"amount": "700", "currency": "cad",
                                                           "capture_method": "manual", "payment_method": "pm_card_visa",
                                                           "confirm": "true"})
    lapsed = control(base, "/_standin/lapse/" + pi3["id"])
    ok(lapsed["status"] == "canceled" and lapsed["cancellation_reason"] == "automatic",
       "a lapsed authorization is canceled with reason automatic", lapsed)

    # a saved card that starts to decline, off-session too, and heals
    dec = control(base, "/_standin/decline", {"customer": cus["id"], "decline_code": "insufficient_funds"})
    ok(dec["declining"] == [pm], "/_standin/decline makes the customer's saved card decline", dec)
    st, body, _ = call(base, "POST", "/v1/payment_intents", {"amount": "1500", "currency": "cad",
                                                            "customer": cus["id"], "payment_method": pm,
                                                            "off_session": "true", "confirm": "true"})
    ok(st == 402 and body["error"]["decline_code"] == "insufficient_funds",
       "  ...an off-session charge on it is a 402 card_error", body)
    control(base, "/_standin/decline", {"payment_method": pm, "decline_code": None})
    st, body, _ = call(base, "POST", "/v1/payment_intents", {"amount": "1500", "currency": "cad",
                                                            "customer": cus["id"], "payment_method": pm,
                                                            "off_session": "true", "confirm": "true"})
    ok(st == 200 and body["status"] == "succeeded", "  ...and decline_code null heals it", body)

    # an authorization lapses when the stand-in's clock passes its capture_before
    st, pi4, _ = call(base, "POST", "/v1/payment_intents", {"amount": "800", "currency": "cad",
                                                           "capture_method": "manual", "payment_method": "pm_card_visa",
                                                           "confirm": "true"})
    ok(control(base, "/_standin/expire")["lapsed"] == [], "/_standin/expire lapses nothing before capture_before")
    moved = control(base, "/_standin/clock", {"advance_s": 8 * 86400})
    control(base, "/_standin/clock", {"advance_s": -8 * 86400})
    st, gone, _ = call(base, "GET", "/v1/payment_intents/" + pi4["id"])
    ok(pi4["id"] in moved["lapsed"] and gone["status"] == "canceled" and gone["cancellation_reason"] == "automatic",
       "eight days on, the authorization has lapsed (canceled, automatic)", (moved, gone))

    control(base, "/_standin/fail-next", {"status": 500, "count": 1})
    st, body, _ = call(base, "POST", "/v1/customers", {"email": "f@example.com"}, idem="fail-once")
    st2, cus2, _ = call(base, "POST", "/v1/customers", {"email": "f@example.com"}, idem="fail-once")
    ok(st == 500 and body["error"]["type"] == "api_error" and st2 == 200,
       "an injected 500 changes nothing; the retry with the same key runs", (st, body, st2))

    st, body, _ = call(base, "GET", "/v1/payment_intents/pi_nope")
    ok(st == 404 and body["error"].get("code") == "resource_missing", "an unknown intent is resource_missing", body)

    deadline = time.time() + 10
    want = {"payment_intent.amount_capturable_updated", "payment_intent.succeeded", "charge.refunded",
            "payment_intent.payment_failed", "payment_intent.canceled"}
    while time.time() < deadline and not want <= {e["type"] for e in events}:
        time.sleep(0.1)
    got = {e["type"] for e in events}
    ok(want <= got, "webhooks for every state change arrive, signed", sorted(got))
    ok(not bad_signatures, "every delivery's Stripe-Signature verifies", bad_signatures)
    lapse_events = lambda: [e for e in events if e["type"] == "payment_intent.canceled"
                            and e["data"]["object"]["id"] == pi3["id"]]
    deadline = time.time() + 10
    while time.time() < deadline and not lapse_events():
        time.sleep(0.1)
    canceled = lapse_events()
    ok(len(canceled) == 1 and canceled[0]["data"]["object"]["cancellation_reason"] == "automatic",
       "the lapse is announced as payment_intent.canceled", canceled)

    control(base, "/_standin/faults", {"webhook_duplicate_rate": 1.0})
    _, dup, _ = call(base, "POST", "/v1/payment_intents", {"amount": "600", "currency": "cad"})
    # only this intent's events: a late one from the steps above may still come
    mine = lambda: [e for e in events if e["data"]["object"].get("id") == dup["id"]]
    deadline = time.time() + 10
    while time.time() < deadline and len(mine()) < 2:
        time.sleep(0.1)
    new = mine()
    ok(len(new) == 2 and new[0]["id"] == new[1]["id"], "a duplicated webhook arrives twice with one event id",
       [e["id"] for e in new])


def run_publishable(base):
    """What the publishable key may do (Stripe.js's side): confirm an
    intent with that intent's own client_secret, nothing else; and the
    Stripe.js stand-in the booking page loads, at /v3/."""
    mk = lambda: call(base, "POST", "/v1/payment_intents", {"amount": "900", "currency": "cad",
                                                            "capture_method": "manual"})[1]
    a, b = mk(), mk()
    st, body, _ = call(base, "POST", "/v1/payment_intents", {"amount": "900", "currency": "cad"}, key=PK)
    ok(st == 401, "the publishable key cannot create an intent", body)
    st, body, _ = call(base, "POST", "/v1/payment_intents/%s/confirm" % a["id"],
                       {"payment_method": "pm_card_visa"}, key=PK)
    ok(st == 401, "the publishable key cannot confirm without a client_secret", body)
    st, body, _ = call(base, "POST", "/v1/payment_intents/%s/confirm" % a["id"],
                       {"payment_method": "pm_card_visa", "client_secret": b["client_secret"]}, key=PK)
    ok(st == 404 and call(base, "GET", "/v1/payment_intents/" + a["id"])[1]["status"] == "requires_payment_method",
       "nor with another intent's client_secret: 404, and the intent is unchanged", body)
    st, body, _ = call(base, "POST", "/v1/payment_intents/%s/capture" % a["id"],
                       {"client_secret": a["client_secret"]}, key=PK)
    ok(st == 401, "nor capture, even with the intent's client_secret", body)
    st, body, _ = call(base, "GET", "/v1/payment_intents/" + a["id"], key=PK)
    ok(st == 401, "nor read an intent", body)
    st, body, _ = call(base, "POST", "/v1/payment_intents/%s/confirm" % a["id"],
                       {"payment_method": "pm_card_chargeDeclinedInsufficientFunds",
                        "client_secret": a["client_secret"]}, key=PK)
    ok(st == 402 and body["error"]["type"] == "card_error" and body["error"]["code"] == "card_declined"
       and body["error"]["decline_code"] == "insufficient_funds",
       "with its own client_secret a declined test card is a 402 card_error, insufficient_funds", body)

    with urllib.request.urlopen(base + "/v3/", timeout=10) as r:
        js, ctype = r.read().decode(), r.headers["Content-Type"]
    ok(ctype.startswith("application/javascript") and "window.Stripe" in js and "confirmPayment" in js
       and "elements-inner-payment.html" in js, "GET /v3/ serves the Stripe.js stand-in as JavaScript", ctype)
    with urllib.request.urlopen(base + "/v3/elements-inner-payment.html", timeout=10) as r:
        html, ctype = r.read().decode(), r.headers["Content-Type"]
    ok(ctype.startswith("text/html") and 'autocomplete="cc-number"' in html
       and "/v1/payment_intents/" in html and "pm_card_chargeDeclined" in html,
       "its card form frame is served from the stand-in's own origin", ctype)
    try:
        urllib.request.urlopen(base + "/v3/nothing.js", timeout=10)
        st = 200
    except urllib.error.HTTPError as e:
        st = e.code
    ok(st == 404, "an unknown /v3/ file is 404", st)


if __name__ == "__main__":
    main()
