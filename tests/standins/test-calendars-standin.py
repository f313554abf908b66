#!/usr/bin/env python3
"""test-calendars-standin.py: the calendar stand-in (tests/standins/
calendars.py) answers as Google's and Microsoft's OAuth 2.0 endpoints,
Calendar v3 and Graph document: curl (libcurl, as redlight sends) goes
through the consent with PKCE, trades the code, refreshes, and creates,
updates and deletes events; ids, duplicates, errors and injected faults
come back in the providers' shapes. Prints TAP."""
import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tap import free_port, ok, plan, wait_port  # noqa: E402

GID, GSECRET = "gid.apps.googleusercontent.com", "gsecret"
MID, MSECRET = "00000000-0000-4000-8000-00000000aaaa", "msecret"
REDIRECT = "http://127.0.0.1:9/api/integrations/google/oauth"


def curl(method, url, data=None, form=None, token=None, headers=False):
    cmd = ["curl", "-sS", "-X", method, "-w", "\n%{http_code}", url]
    if headers:
        cmd[1:1] = ["-D", "-"]
    if token:
        cmd += ["-H", "Authorization: Bearer " + token]
    if data is not None:
        cmd += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(data)]
    for k, v in (form or {}).items():
        cmd += ["--data-urlencode", "%s=%s" % (k, v)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    body, _, status = r.stdout.rpartition("\n")
    if headers:
        head, _, body = body.partition("\n\n")
        return int(status or 0), (json.loads(body) if body.strip() else None), head
    return int(status or 0), (json.loads(body) if body.strip() else None)


def pkce():
    v = secrets.token_urlsafe(32)
    return v, base64.urlsafe_b64encode(hashlib.sha256(v.encode()).digest()).rstrip(b"=").decode()


def consent(base, path, params):
    """The Location the consent redirects to, parsed."""
    r = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                        base + path + "?" + urllib.parse.urlencode(params)], capture_output=True, text=True)
    status, _, loc = r.stdout.partition(" ")
    return int(status), dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))


def control(base, path, body):
    return curl("POST", base + path, data=body)


def main():
    port = free_port()
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "calendars.py"), "--listen", "127.0.0.1:%d" % port,
                             "--client", "google:%s:%s" % (GID, GSECRET), "--client",
                             "microsoft:%s:%s" % (MID, MSECRET)], stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d" % port
    try:
        if not wait_port(port):
            ok(False, "the stand-in starts")
            return
        # ---- Google: consent, code, tokens ----
        v, ch = pkce()
        gparams = {"client_id": GID, "redirect_uri": REDIRECT, "response_type": "code",
                   "scope": "https://www.googleapis.com/auth/calendar.events", "access_type": "offline",
                   "prompt": "consent", "state": "st1", "code_challenge": ch, "code_challenge_method": "S256",
                   "login_hint": "eli"}
        st, q = consent(base, "/o/oauth2/v2/auth", gparams)
        ok(st == 302 and q.get("state") == "st1" and q.get("code"), "Google's consent redirects with a code "
           "and the state", (st, q))
        code = q.get("code", "")
        st, t = curl("POST", base + "/token", form={"grant_type": "authorization_code", "code": code,
                     "redirect_uri": REDIRECT, "client_id": GID, "client_secret": GSECRET,
                     "code_verifier": "wrong" + v})
        ok(st == 400 and t["error"] == "invalid_grant", "a verifier that does not match the challenge is "
           "invalid_grant", t)
        st, q = consent(base, "/o/oauth2/v2/auth", gparams)
        code = q.get("code", "")
        tokform = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                   "client_id": GID, "client_secret": GSECRET, "code_verifier": v}
        st, t = curl("POST", base + "/token", form=tokform)
        ok(st == 200 and t["access_token"] and t["refresh_token"] and t["expires_in"] > 3000,
           "the code trades for an access and a refresh token", t)
        access, refresh = t.get("access_token"), t.get("refresh_token")
        st, t2 = curl("POST", base + "/token", form=tokform)
        ok(st == 400 and t2["error"] == "invalid_grant", "a code used twice is invalid_grant", t2)
        st, t2 = curl("POST", base + "/token", form=dict(tokform, client_secret="nope"))
        ok(st == 401 and t2["error"] == "invalid_client", "a wrong client secret is 401 invalid_client", t2)
        st, t2 = curl("POST", base + "/token", form={"grant_type": "refresh_token", "refresh_token": refresh,
                                                     "client_id": GID, "client_secret": GSECRET})
        ok(st == 200 and t2["access_token"] != access and "refresh_token" not in t2,
           "a refresh gives a new access token (and Google keeps the refresh token)", t2)
        # ---- Google: events ----
        ev = {"id": "0123456789abcdef0123456789abcdef", "summary": "RL-1", "start": {"dateTime": "2027-01-04T15:00:00Z"},
              "end": {"dateTime": "2027-01-04T17:00:00Z"}}
        ev_url = base + "/calendar/v3/calendars/primary/events"
        st, e = curl("POST", ev_url, data=ev)
        ok(st == 401 and e["error"]["errors"][0]["reason"] == "authError", "no bearer token is 401 authError", e)
        st, e = curl("POST", ev_url + "?sendUpdates=none", data=ev, token=access)
        ok(st == 200 and e["id"] == ev["id"] and e["status"] == "confirmed", "an insert with our id makes it", e)
        st, e = curl("POST", ev_url, data=ev, token=access)
        ok(st == 409 and e["error"]["errors"][0]["reason"] == "duplicate", "the same id again is 409 duplicate", e)
        st, e = curl("POST", ev_url, data=dict(ev, id="UPPER-case"), token=access)
        ok(st == 400, "an id outside base32hex is 400", e)
        st, e = curl("PATCH", ev_url + "/" + ev["id"], data={"start": {"dateTime": "2027-01-05T15:00:00Z"}},
                     token=access)
        ok(st == 200 and e["start"]["dateTime"] == "2027-01-05T15:00:00Z" and e["summary"] == "RL-1",
           "PATCH changes what it names and keeps the rest", e)
        st, e = curl("DELETE", ev_url + "/" + ev["id"], token=access)
        ok(st == 204 and e is None, "DELETE is 204", e)
        st, e = curl("DELETE", ev_url + "/" + ev["id"], token=access)
        ok(st == 410 and e["error"]["errors"][0]["reason"] == "deleted", "deleting it again is 410 deleted", e)
        st, e = curl("GET", ev_url, token=access)
        ok(st == 200 and e["items"] == [], "a deleted event leaves the list", e)
        st, e = curl("POST", ev_url, data=ev, token=access)
        ok(st == 409, "its id stays taken (409)", e)
        st, e = curl("PATCH", ev_url + "/" + ev["id"], data={"status": "confirmed"}, token=access)
        st2, lst = curl("GET", ev_url, token=access)
        ok(st == 200 and len(lst["items"]) == 1, "an update to status confirmed brings it back", lst)
        st, e = curl("GET", ev_url + "/nosuchevent0", token=access)
        ok(st == 404 and e["error"]["errors"][0]["reason"] == "notFound", "an unknown id is 404 notFound", e)
        # ---- faults ----
        control(base, "/_standin/faults", {"rules": [{"match": "POST /calendar/v3", "status": 403,
                                                      "reason": "rateLimitExceeded", "retry_after": 2, "count": 1},
                                                     {"match": "POST /calendar/v3", "status": 429, "count": 1},
                                                     {"match": "PATCH /calendar/v3", "status": 500, "count": 1}]})
        st, e, head = curl("POST", ev_url, data=dict(ev, id="abcdefabcdef"), token=access, headers=True)
        ok(st == 403 and e["error"]["errors"][0]["reason"] == "rateLimitExceeded" and "Retry-After: 2" in head,
           "an injected 403 rateLimitExceeded carries Retry-After", (st, e, head))
        st, e = curl("POST", ev_url, data=dict(ev, id="abcdefabcdef"), token=access)
        ok(st == 429 and e["error"]["code"] == 429, "then an injected 429", e)
        st, e = curl("PATCH", ev_url + "/" + ev["id"], data={}, token=access)
        ok(st == 500, "and an injected 500 on PATCH", e)
        st, e = curl("POST", ev_url, data=dict(ev, id="abcdefabcdef"), token=access)
        ok(st == 200, "a rule ends after its count", e)
        control(base, "/_standin/expire", {})
        st, e = curl("GET", ev_url, token=access)
        ok(st == 401, "expired access tokens are 401", e)
        control(base, "/_standin/revoke", {"account": "eli"})
        st, t2 = curl("POST", base + "/token", form={"grant_type": "refresh_token", "refresh_token": refresh,
                                                     "client_id": GID, "client_secret": GSECRET})
        ok(st == 400 and t2["error"] == "invalid_grant", "a revoked refresh token is invalid_grant", t2)
        # ---- Microsoft ----
        v, ch = pkce()
        mredirect = "http://127.0.0.1:9/api/integrations/outlook/oauth"
        mparams = {"client_id": MID, "redirect_uri": mredirect, "response_type": "code",
                   "scope": "offline_access Calendars.ReadWrite", "state": "st2", "code_challenge": ch,
                   "code_challenge_method": "S256", "login_hint": "priya"}
        control(base, "/_standin/consent", {"deny": True})
        st, q = consent(base, "/common/oauth2/v2.0/authorize", mparams)
        ok(st == 302 and q.get("error") == "access_denied" and q.get("state") == "st2",
           "a refused consent redirects with error=access_denied", q)
        st, q = consent(base, "/common/oauth2/v2.0/authorize", mparams)
        mform = {"grant_type": "authorization_code", "code": q.get("code", ""), "redirect_uri": mredirect,
                 "client_id": MID, "client_secret": MSECRET, "code_verifier": v}
        st, t = curl("POST", base + "/common/oauth2/v2.0/token", form=mform)
        ok(st == 400 and t["error"] == "invalid_request" and t["error_codes"], "Microsoft's token endpoint "
           "wants scope (AADSTS900144)", t)
        st, q = consent(base, "/common/oauth2/v2.0/authorize", mparams)
        mform["code"] = q.get("code", "")
        st, t = curl("POST", base + "/common/oauth2/v2.0/token",
                     form=dict(mform, scope="offline_access Calendars.ReadWrite"))
        ok(st == 200 and t["refresh_token"], "the code trades for tokens", t)
        maccess = t.get("access_token")
        gev = {"subject": "RL-2", "start": {"dateTime": "2027-01-04T15:00:00", "timeZone": "UTC"},
               "end": {"dateTime": "2027-01-04T17:00:00", "timeZone": "UTC"}, "transactionId": "rl-x-y-0"}
        g_url = base + "/v1.0/me/events"
        st, e1 = curl("POST", g_url, data=gev, token=maccess)
        ok(st == 201 and e1["id"].startswith("AAMk"), "Graph creates an event: 201 with its id", e1)
        st, e2 = curl("POST", g_url, data=gev, token=maccess)
        ok(st == 201 and e2["id"] == e1["id"], "the same transactionId gives the same event back", e2)
        st, lst = curl("GET", g_url, token=maccess)
        ok(len(lst["value"]) == 1, "one event, not two", lst)
        st, e = curl("PATCH", g_url + "/" + e1["id"], data={"start": {"dateTime": "2027-01-05T15:00:00",
                                                                       "timeZone": "UTC"}}, token=maccess)
        ok(st == 200 and e["start"]["dateTime"] == "2027-01-05T15:00:00", "PATCH is 200", e)
        st, e = curl("DELETE", g_url + "/" + e1["id"], token=maccess)
        ok(st == 204, "DELETE is 204", e)
        st, e = curl("DELETE", g_url + "/" + e1["id"], token=maccess)
        ok(st == 404 and e["error"]["code"] == "ErrorItemNotFound", "again: 404 ErrorItemNotFound", e)
        st, e = curl("GET", g_url, token=access)
        ok(st == 401 and e["error"]["code"] == "InvalidAuthenticationToken",
           "a Google token is no Graph token (401 InvalidAuthenticationToken)", e)
        control(base, "/_standin/faults", {"rules": [{"match": "POST /v1.0/me/events", "status": 429,
                                                      "retry_after": 3, "count": 1}]})
        st, e, head = curl("POST", g_url, data=gev, token=maccess, headers=True)
        ok(st == 429 and e["error"]["code"] == "TooManyRequests" and "Retry-After: 3" in head,
           "an injected 429 is TooManyRequests with Retry-After", (st, head))
    finally:
        proc.terminate()
        proc.wait()
        plan()


if __name__ == "__main__":
    main()
