#!/usr/bin/env python3
"""calendars.py: a local stand-in for Google's and Microsoft's calendar APIs
and their OAuth 2.0 endpoints, as redlight uses them, for the tests and the
demo. One server answers both families under their own paths, so one
address serves as google_auth_url's and google_token_url's origin,
google_api_base, microsoft_login_base and microsoft_graph_base.

    calendars.py [--listen 127.0.0.1:12113] [--state FILE]
                 [--client google:ID:SECRET] [--client microsoft:ID:SECRET]

Google (as documented for accounts.google.com, oauth2.googleapis.com and
www.googleapis.com/calendar/v3):
    GET  /o/oauth2/v2/auth   the consent: checks client_id, response_type=code,
         redirect_uri, scope (calendar.events), access_type=offline, and the
         PKCE challenge (S256), then consents at once (no person here) and
         redirects to redirect_uri?code=...&state=... (or
         ?error=access_denied when told to refuse). login_hint names the
         account, which keeps its own calendar.
    POST /token  grant_type=authorization_code (code, redirect_uri,
         client_id, client_secret, code_verifier) -> access_token,
         expires_in, refresh_token; grant_type=refresh_token ->
         access_token, expires_in. Errors as OAuth 2.0 JSON
         ({"error": "invalid_grant", "error_description"}): 400
         invalid_grant (a code used twice, unknown, or a verifier that does
         not match; a refresh token revoked), 401 invalid_client.
    /calendar/v3/calendars/primary/events: POST (insert; an "id" of
         base32hex characters, 5 to 1024 long, is taken, a repeat is 409
         "duplicate"), GET (list; showDeleted=true lists cancelled ones);
         .../events/ID: GET, PATCH, PUT, DELETE (204; a deleted event is
         kept as cancelled: deleting it again is 410, and an update that
         says status confirmed brings it back). Bearer access token
         required (401 authError). Errors are Google's
         {"error": {"code", "message", "errors": [{"domain", "reason",
         "message"}], "status"}}.
Microsoft (login.microsoftonline.com and graph.microsoft.com/v1.0):
    GET  /{tenant}/oauth2/v2.0/authorize, POST /{tenant}/oauth2/v2.0/token
         as above (scope required on the token requests; errors carry
         error_codes), the refresh answer carries a new refresh token.
    /v1.0/me/events: POST (201; a transactionId already used by a live
         event of the account answers that event again instead of making a
         second), GET (list, {"value": [...]}); /v1.0/me/events/ID: GET,
         PATCH (200), DELETE (204). Errors are Graph's {"error": {"code",
         "message"}} (ErrorItemNotFound, InvalidAuthenticationToken,
         TooManyRequests).

Control (JSON, not the providers'):
    POST /_standin/faults {"rules": [{"match": "POST /calendar/v3", "status":
         500, "count": 1, "retry_after": 1, "reason": "rateLimitExceeded",
         "delay_ms": 0, "after_write_delay_ms": 0, "timeout_s": 0}]}
         each rule answers the next `count` requests whose "METHOD PATH"
         starts with match: with status (before anything changes; 403 with
         reason rateLimitExceeded and 429 carry Retry-After), or held
         timeout_s seconds and then not executed, or executed and then held
         after_write_delay_ms before the answer (the answer a client killed
         meanwhile never reads). {"rules": []} clears them.
    POST /_standin/consent {"deny": true}   the next consent refuses
    POST /_standin/expire                   every access token expires
    POST /_standin/revoke {"account": A}    A's refresh tokens are revoked
    POST /_standin/forget {"id": ID}        an event vanishes without a trace
    GET  /_standin/state                    accounts, events, requests
    POST /_standin/reset                    forget everything
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import re
import secrets
import socketserver
import sys
import threading
import time
import urllib.parse

lock = threading.Lock()
GOOGLE_ID = re.compile(r"^[a-v0-9]{5,1024}$")
CODE_TTL_S = 600
ACCESS_TTL_S = 3599


def fresh_state():
    return {"codes": {}, "refresh": {}, "access": {}, "events": {"google": {}, "graph": {}},
            "rules": [], "deny_next": False, "requests": []}


S = fresh_state()


def save(path):
    if path:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(S, f)
        os.replace(tmp, path)


def google_err(status, reason, message, gstatus=None):
    return status, {"error": {"code": status, "message": message,
                              "errors": [{"domain": "global", "reason": reason, "message": message}],
                              "status": gstatus or {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED",
                                                    403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                                                    409: "ALREADY_EXISTS", 410: "NOT_FOUND",
                                                    429: "RESOURCE_EXHAUSTED"}.get(status, "INTERNAL")}}


def graph_err(status, code, message):
    return status, {"error": {"code": code, "message": message,
                              "innerError": {"request-id": secrets.token_hex(8),
                                             "date": time.strftime("%Y-%m-%dT%H:%M:%S")}}}


def oauth_err(status, error, desc, ms=False):
    body = {"error": error, "error_description": desc}
    if ms:
        body["error_codes"] = [{"invalid_grant": 70000, "invalid_client": 7000215}.get(error, 90014)]
    return status, body


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, body, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, url):
        self.send_response(302)
        self.send_header("Location", url)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def handle_any(self, method):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        parts = urllib.parse.urlsplit(self.path)
        path, query = parts.path, dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        if path.startswith("/_standin/"):
            return self.answer(*self.control(method, path, raw))
        rule = self.take_rule(method, path)
        with lock:
            S["requests"].append({"method": method, "path": path, "at": time.time(),
                                  "fault": rule.get("status") if rule else None})
        extra = {}
        if rule:
            if rule.get("timeout_s"):
                time.sleep(float(rule["timeout_s"]))
                return self.answer(504, {"error": "held past the client's timeout"})
            if rule.get("status"):
                st = int(rule["status"])
                if rule.get("retry_after") is not None:
                    extra["Retry-After"] = str(rule["retry_after"])
                graph = path.startswith("/v1.0/") or "/oauth2/v2.0/" in path
                if st == 429:
                    b = graph_err(429, "TooManyRequests", "Too many requests")[1] if graph else \
                        google_err(429, "rateLimitExceeded", "Rate Limit Exceeded")[1]
                elif st == 403:
                    reason = rule.get("reason", "rateLimitExceeded")
                    b = google_err(403, reason, "Rate Limit Exceeded" if "ate" in reason else "Forbidden")[1]
                elif st == 401:
                    b = graph_err(401, "InvalidAuthenticationToken", "Access token has expired.")[1] if graph \
                        else google_err(401, "authError", "Request had invalid authentication credentials.")[1]
                elif graph:
                    b = graph_err(st, "ErrorItemNotFound" if st == 404 else "ServiceUnavailable",
                                  "injected failure")[1]
                else:
                    b = google_err(st, "notFound" if st == 404 else "deleted" if st == 410 else "backendError",
                                   "injected failure")[1]
                return self.answer(st, b, extra)
            if rule.get("delay_ms"):
                time.sleep(int(rule["delay_ms"]) / 1000.0)
        status, body, hdrs = self.route(method, path, query, raw)
        if status is None:
            return  # redirected already
        with lock:
            save(self.server.state_path)
        if rule and rule.get("after_write_delay_ms"):
            time.sleep(int(rule["after_write_delay_ms"]) / 1000.0)
        self.answer(status, body, hdrs)

    def take_rule(self, method, path):
        key = method + " " + path
        with lock:
            for r in S["rules"]:
                if r.get("count", 1) > 0 and key.startswith(r.get("match", "")):
                    r["count"] = r.get("count", 1) - 1
                    return dict(r)
        return None

    def control(self, method, path, raw):
        req = json.loads(raw or "{}")
        with lock:
            if path == "/_standin/faults" and method == "POST":
                S["rules"] = [dict(r) for r in req.get("rules", [])]
                return 200, {"rules": S["rules"]}
            if path == "/_standin/consent" and method == "POST":
                S["deny_next"] = bool(req.get("deny"))
                return 200, {"deny_next": S["deny_next"]}
            if path == "/_standin/expire" and method == "POST":
                S["access"] = {}
                return 200, {"expired": True}
            if path == "/_standin/revoke" and method == "POST":
                n = 0
                for t in S["refresh"].values():
                    if t["account"] == req.get("account") or req.get("account") is None:
                        t["revoked"] = True
                        n += 1
                S["access"] = {k: v for k, v in S["access"].items() if v["account"] != req.get("account")}
                return 200, {"revoked": n}
            if path == "/_standin/forget" and method == "POST":
                for fam in S["events"].values():
                    for evs in fam.values():
                        evs.pop(req.get("id"), None)
                return 200, {"forgot": req.get("id")}
            if path == "/_standin/state" and method == "GET":
                return 200, S
            if path == "/_standin/reset" and method == "POST":
                S.clear()
                S.update(fresh_state())
                return 200, {}
        return 404, {"error": "no such control"}

    # ---- OAuth ----

    def client_ok(self, fam, cid, secret=None):
        want = self.server.clients.get(fam)
        if want is None:
            return True
        return cid == want[0] and (secret is None or secrets.compare_digest(secret, want[1]))

    def authorize(self, fam, query):
        ms = fam == "microsoft"
        redirect = query.get("redirect_uri", "")
        if not self.client_ok(fam, query.get("client_id", "")):
            return 400, {"error": "invalid_client", "error_description": "The OAuth client was not found."}, {}
        if not redirect.startswith(("http://", "https://")):
            return 400, {"error": "invalid_request", "error_description": "redirect_uri is missing"}, {}
        scope = query.get("scope", "").split()
        need = "Calendars.ReadWrite" if ms else "https://www.googleapis.com/auth/calendar.events"
        errs = []
        if query.get("response_type") != "code":
            errs.append("unsupported_response_type")
        if need not in scope or (ms and "offline_access" not in scope):
            errs.append("invalid_scope")
        if not ms and query.get("access_type") != "offline":
            errs.append("offline access not asked: no refresh token would be given")
        if query.get("code_challenge_method") != "S256" or len(query.get("code_challenge", "")) < 43:
            errs.append("invalid_request: PKCE S256 challenge required")
        if not query.get("state"):
            errs.append("invalid_request: no state")
        sep = "&" if "?" in redirect else "?"
        with lock:
            deny = S["deny_next"]
            S["deny_next"] = False
            if errs or deny:
                err = "access_denied" if deny else errs[0].split(":")[0].split(" ")[0]
                url = redirect + sep + urllib.parse.urlencode({"error": err, "state": query.get("state", "")})
                self.redirect(url)
                return None
            code = ("4/0A" if not ms else "M.C5") + secrets.token_urlsafe(24)
            S["codes"][code] = {"family": fam, "client_id": query.get("client_id"), "redirect_uri": redirect,
                                "challenge": query["code_challenge"], "account": query.get("login_hint") or "default",
                                "scope": " ".join(scope), "expires": time.time() + CODE_TTL_S, "used": False}
        self.redirect(redirect + sep + urllib.parse.urlencode({"code": code, "state": query["state"]}))
        return None

    def token(self, fam, raw):
        ms = fam == "microsoft"
        form = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
        if not self.client_ok(fam, form.get("client_id", ""), form.get("client_secret", "")):
            return oauth_err(401, "invalid_client", "The OAuth client was not found.", ms) + ({},)
        if ms and not form.get("scope"):
            return oauth_err(400, "invalid_request", "AADSTS900144: The request body must contain "
                             "the following parameter: 'scope'.", ms) + ({},)
        gt = form.get("grant_type")
        with lock:
            if gt == "authorization_code":
                c = S["codes"].get(form.get("code", ""))
                if c is None or c["family"] != fam or c["used"] or c["expires"] < time.time():
                    return oauth_err(400, "invalid_grant", "Malformed auth code." if c is None else
                                     "The code was already redeemed or has expired.", ms) + ({},)
                c["used"] = True
                if form.get("redirect_uri") != c["redirect_uri"]:
                    return oauth_err(400, "redirect_uri_mismatch" if not ms else "invalid_grant",
                                     "The redirect URI does not match the authorization request.", ms) + ({},)
                v = form.get("code_verifier", "")
                ch = base64.urlsafe_b64encode(hashlib.sha256(v.encode()).digest()).rstrip(b"=").decode()
                if ch != c["challenge"]:
                    return oauth_err(400, "invalid_grant", "Invalid code verifier.", ms) + ({},)
                account = c["account"]
            elif gt == "refresh_token":
                t = S["refresh"].get(form.get("refresh_token", ""))
                if t is None or t["family"] != fam or t.get("revoked"):
                    return oauth_err(400, "invalid_grant", "Token has been expired or revoked.", ms) + ({},)
                account = t["account"]
            else:
                return oauth_err(400, "unsupported_grant_type", "Invalid grant_type: %s" % gt, ms) + ({},)
            access = ("ya29." if not ms else "eyJ0") + secrets.token_urlsafe(32)
            S["access"][access] = {"family": fam, "account": account, "expires": time.time() + ACCESS_TTL_S}
            body = {"access_token": access, "expires_in": ACCESS_TTL_S, "token_type": "Bearer",
                    "scope": "https://www.googleapis.com/auth/calendar.events" if not ms else
                    "Calendars.ReadWrite"}
            if gt == "authorization_code" or ms:
                rt = ("1//0" if not ms else "M.R3") + secrets.token_urlsafe(32)
                S["refresh"][rt] = {"family": fam, "account": account}
                body["refresh_token"] = rt
        return 200, body, {"Cache-Control": "no-store"}

    def bearer(self, fam):
        auth = self.headers.get("Authorization", "")
        tok = auth[7:] if auth.startswith("Bearer ") else ""
        with lock:
            t = S["access"].get(tok)
            if t is None or t["family"] != fam or t["expires"] < time.time():
                return None
            return t["account"]

    # ---- events ----

    def google(self, method, path, query, raw):
        account = self.bearer("google")
        if account is None:
            return google_err(401, "authError", "Request had invalid authentication credentials.") + ({},)
        m = re.fullmatch(r"/calendar/v3/calendars/primary/events(?:/([^/]+))?", path)
        if m is None:
            return google_err(404, "notFound", "Not Found") + ({},)
        eid = urllib.parse.unquote(m.group(1)) if m.group(1) else None
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return google_err(400, "parseError", "Parse Error") + ({},)
        with lock:
            evs = S["events"]["google"].setdefault(account, {})
            now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
            if eid is None and method == "GET":
                items = [e for e in evs.values() if e["status"] != "cancelled" or query.get("showDeleted") == "true"]
                return 200, {"kind": "calendar#events", "items": items}, {}
            if eid is None and method == "POST":
                new_id = body.get("id") or secrets.token_hex(13)
                if not GOOGLE_ID.match(new_id):
                    return google_err(400, "invalid", "Invalid resource id value.") + ({},)
                if new_id in evs:
                    return google_err(409, "duplicate", "The requested identifier already exists.") + ({},)
                for k in ("start", "end"):
                    if "dateTime" not in body.get(k, {}):
                        return google_err(400, "required", "Missing %s time." % k) + ({},)
                ev = dict(body, id=new_id, kind="calendar#event", status=body.get("status", "confirmed"),
                          created=now, updated=now, etag='"%d"' % time.time_ns(), sequence=0,
                          iCalUID=new_id + "@google.com")
                evs[new_id] = ev
                return 200, ev, {}
            ev = evs.get(eid)
            if ev is None:
                return google_err(404, "notFound", "Not Found") + ({},)
            if method == "GET":
                return 200, ev, {}
            if method == "DELETE":
                if ev["status"] == "cancelled":
                    return google_err(410, "deleted", "Resource has been deleted") + ({},)
                ev["status"] = "cancelled"
                ev["updated"] = now
                return 204, None, {}
            if method in ("PATCH", "PUT"):
                body.pop("id", None)
                if method == "PUT":
                    keep = {k: ev[k] for k in ("id", "kind", "created", "iCalUID")}
                    ev.clear()
                    ev.update(keep)
                    ev["status"] = "confirmed"
                ev.update(body)
                ev["updated"] = now
                ev["sequence"] = ev.get("sequence", 0) + 1
                ev["etag"] = '"%d"' % time.time_ns()
                return 200, ev, {}
        return google_err(405, "methodNotAllowed", "Method Not Allowed") + ({},)

    def graph(self, method, path, raw):
        account = self.bearer("microsoft")
        if account is None:
            return graph_err(401, "InvalidAuthenticationToken", "Access token validation failure.") + ({},)
        m = re.fullmatch(r"/v1\.0/me/events(?:/([^/]+))?", path)
        if m is None:
            return graph_err(400, "BadRequest", "Resource not found for the segment.") + ({},)
        eid = urllib.parse.unquote(m.group(1)) if m.group(1) else None
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return graph_err(400, "RequestBodyRead", "Invalid JSON") + ({},)
        with lock:
            evs = S["events"]["graph"].setdefault(account, {})
            now = time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z", time.gmtime())
            if eid is None and method == "GET":
                return 200, {"value": list(evs.values())}, {}
            if eid is None and method == "POST":
                txn = body.get("transactionId")
                if txn:
                    for ev in evs.values():
                        if ev.get("transactionId") == txn:
                            return 201, ev, {}
                for k in ("start", "end"):
                    if "dateTime" not in body.get(k, {}) or "timeZone" not in body.get(k, {}):
                        return graph_err(400, "ErrorInvalidRequest", "%s needs dateTime and timeZone" % k) + ({},)
                new_id = "AAMkAG" + base64.urlsafe_b64encode(secrets.token_bytes(30)).decode()
                ev = dict(body, id=new_id, createdDateTime=now, lastModifiedDateTime=now,
                          changeKey=secrets.token_urlsafe(8), isCancelled=False)
                evs[new_id] = ev
                return 201, ev, {"Location": "/v1.0/me/events/" + new_id}
            ev = evs.get(eid)
            if ev is None:
                return graph_err(404, "ErrorItemNotFound", "The specified object was not found in the store.") + ({},)
            if method == "GET":
                return 200, ev, {}
            if method == "DELETE":
                del evs[eid]
                return 204, None, {}
            if method == "PATCH":
                body.pop("id", None)
                ev.update(body)
                ev["lastModifiedDateTime"] = now
                ev["changeKey"] = secrets.token_urlsafe(8)
                return 200, ev, {}
        return graph_err(405, "ErrorInvalidRequest", "Method not allowed") + ({},)

    def route(self, method, path, query, raw):
        if path == "/o/oauth2/v2/auth" and method == "GET":
            r = self.authorize("google", query)
            return r if r else (None, None, None)
        m = re.fullmatch(r"/([^/]+)/oauth2/v2\.0/(authorize|token)", path)
        if m and m.group(2) == "authorize" and method == "GET":
            r = self.authorize("microsoft", query)
            return r if r else (None, None, None)
        if m and m.group(2) == "token" and method == "POST":
            return self.token("microsoft", raw)
        if path == "/token" and method == "POST":
            return self.token("google", raw)
        if path.startswith("/calendar/v3/"):
            return self.google(method, path, query, raw)
        if path.startswith("/v1.0/"):
            return self.graph(method, path, raw)
        return 404, {"error": "no such path %s" % path}, {}

    def handle_one(self, method):
        try:
            self.handle_any(method)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.handle_one("POST")

    def do_PATCH(self):
        self.handle_one("PATCH")

    def do_PUT(self):
        self.handle_one("PUT")

    def do_DELETE(self):
        self.handle_one("DELETE")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description="a local stand-in for Google Calendar and Microsoft Graph")
    ap.add_argument("--listen", default="127.0.0.1:12113")
    ap.add_argument("--state", help="keep the state in this JSON file")
    ap.add_argument("--client", action="append", default=[],
                    help="google:ID:SECRET or microsoft:ID:SECRET, the only client then accepted")
    args = ap.parse_args()
    if args.state and os.path.exists(args.state):
        with open(args.state) as f:
            S.update(json.load(f))
    host, _, port = args.listen.rpartition(":")
    srv = Server((host, int(port)), Handler)
    srv.state_path = args.state
    srv.clients = {}
    for c in args.client:
        fam, cid, secret = c.split(":", 2)
        srv.clients[fam] = (cid, secret)
    print("calendars-standin: listening on http://%s:%d" % srv.server_address, file=sys.stderr, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
