#!/usr/bin/env python3
"""twilio.py: a local stand-in for Twilio's Programmable Messaging API (the
2010-04-01 REST API, as Twilio documents it), for the tests and the demo.

    twilio.py [--listen 127.0.0.1:12112] [--account-sid AC...] [--auth-token T]

    POST /2010-04-01/Accounts/{AccountSid}/Messages.json
         HTTP Basic (account SID : auth token); form fields To, From (or
         MessagingServiceSid), Body; StatusCallback optional.
         201 with the Message resource (sid "SM" + 32 hex digits, status
         "queued"), or Twilio's error JSON {code, message, more_info,
         status}: 401/20003 bad credentials, 400/21211 a To that is not
         E.164, 400/21602 no Body, 400/21606 a From that is not ours,
         404/20404 another account's path.
    GET  /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json

Control (JSON, not Twilio's): POST /_standin/faults {"fail_rate": 0.2,
"fail_status": 500} (429 answers Twilio's 20429), GET /_standin/messages.
Messages are kept in memory; each moves from queued to sent to delivered
on later reads, as a real one does over seconds.
"""
import argparse
import base64
import email.utils
import http.server
import json
import random
import re
import secrets
import socketserver
import sys
import threading
import urllib.parse

E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
lock = threading.Lock()
faults = {"fail_rate": 0.0, "fail_status": 500}
messages = {}
FROM_NUMBERS = {"+15005550006"}   # Twilio's documented test "From" that always works


def err(status, code, message):
    return status, {"code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/%d" % code,
                    "status": status}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send_json(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Twilio-Request-Id", "RQ" + secrets.token_hex(16))
        self.end_headers()
        self.wfile.write(body)

    def authorized(self, sid):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return False
        try:
            user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return user == self.server.sid and secrets.compare_digest(pw, self.server.token)

    def route(self, method):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_standin/faults" and method == "POST":
            req = json.loads(raw or "{}")
            faults.update({k: v for k, v in req.items() if k in faults})
            return 200, faults
        if path == "/_standin/messages" and method == "GET":
            with lock:
                return 200, {"messages": list(messages.values())}
        m = re.fullmatch(r"/2010-04-01/Accounts/([^/]+)/Messages(?:/([^/]+))?\.json", path)
        if m is None:
            return err(404, 20404, "The requested resource %s was not found" % path)
        if not self.authorized(m.group(1)):
            return err(401, 20003, "Authentication Error - invalid username")
        if m.group(1) != self.server.sid:
            return err(404, 20404, "The requested resource %s was not found" % path)
        if random.random() < faults["fail_rate"]:
            st = int(faults["fail_status"])
            return err(st, 20429, "Too Many Requests") if st == 429 else err(st, 20500, "Internal Server Error")
        if method == "GET" and m.group(2):
            with lock:
                msg = messages.get(m.group(2))
                if msg is None:
                    return err(404, 20404, "The requested resource %s was not found" % path)
                msg["status"] = {"queued": "sent", "sent": "delivered"}.get(msg["status"], msg["status"])
                return 200, msg
        if method != "POST" or m.group(2):
            return err(405, 20004, "Method not allowed")
        form = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
        to, frm, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        if not E164.match(to):
            return err(400, 21211, "The 'To' number %s is not a valid phone number." % to)
        if not frm and not form.get("MessagingServiceSid"):
            return err(400, 21603, "The 'From' phone number is required.")
        if frm and frm not in FROM_NUMBERS and frm not in self.server.senders:
            return err(400, 21606, "The From phone number %s is not a valid, SMS-capable inbound phone number "
                                   "or short code for your account." % frm)
        if not body:
            return err(400, 21602, "Message body is required.")
        if len(body) > 1600:
            return err(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        sid = "SM" + secrets.token_hex(16)
        now = email.utils.formatdate(usegmt=True).replace("GMT", "+0000")
        msg = {"sid": sid, "account_sid": self.server.sid, "to": to, "from": frm or None,
               "messaging_service_sid": form.get("MessagingServiceSid"), "body": body, "status": "queued",
               "num_segments": str(max(1, (len(body) + 152) // 153)), "direction": "outbound-api",
               "api_version": "2010-04-01", "date_created": now, "date_updated": now, "date_sent": None,
               "error_code": None, "error_message": None, "price": None, "price_unit": "USD",
               "uri": "/2010-04-01/Accounts/%s/Messages/%s.json" % (self.server.sid, sid)}
        with lock:
            messages[sid] = msg
        return 201, msg

    def do_GET(self):
        self.send_json(*self.route("GET"))

    def do_POST(self):
        self.send_json(*self.route("POST"))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description="a local stand-in for Twilio's Messages API")
    ap.add_argument("--listen", default="127.0.0.1:12112")
    ap.add_argument("--account-sid", default="AC" + "0" * 32)
    ap.add_argument("--auth-token", default="redlight-standin-token")
    ap.add_argument("--sender", action="append", default=[], help="a From number of this account (E.164)")
    args = ap.parse_args()
    host, _, port = args.listen.rpartition(":")
    srv = Server((host, int(port)), Handler)
    srv.sid, srv.token, srv.senders = args.account_sid, args.auth_token, set(args.sender)
    print("twilio-standin: listening on http://%s:%d" % srv.server_address, file=sys.stderr, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
