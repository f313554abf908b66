#!/usr/bin/env python3
"""test-twilio-standin.py: the Twilio stand-in (tests/standins/twilio.py)
answers as Twilio's Messages API documents: curl (libcurl, as redlight
sends) posts a message with HTTP Basic; errors carry Twilio's codes.
Prints TAP."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tap import free_port, ok, plan, wait_port  # noqa: E402

SID, TOKEN = "AC" + "1" * 32, "tok"


def curl(base, path, form=None, user=SID + ":" + TOKEN):
    cmd = ["curl", "-sS", "-w", "\n%{http_code}", base + path]
    if user:
        cmd += ["-u", user]
    for k, v in (form or {}).items():
        cmd += ["--data-urlencode", "%s=%s" % (k, v)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    body, _, status = r.stdout.rpartition("\n")
    return int(status or 0), json.loads(body) if body else None


def main():
    port = free_port()
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "twilio.py"), "--listen", "127.0.0.1:%d" % port,
                             "--account-sid", SID, "--auth-token", TOKEN, "--sender", "+14165550100"],
                            stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d" % port
    path = "/2010-04-01/Accounts/%s/Messages.json" % SID
    try:
        if not wait_port(port):
            ok(False, "the stand-in starts")
            return
        st, m = curl(base, path, {"To": "+14165550123", "From": "+14165550100", "Body": "Your session is confirmed"})
        ok(st == 201 and m["sid"].startswith("SM") and len(m["sid"]) == 34 and m["status"] == "queued",
           "a message is created: 201, SM sid, queued", (st, m))
        st, got = curl(base, "/2010-04-01/Accounts/%s/Messages/%s.json" % (SID, m["sid"]))
        ok(st == 200 and got["status"] == "sent" and got["body"] == "Your session is confirmed",
           "it can be read back and moves on to sent", got)
        st, e = curl(base, path, {"To": "+14165550123", "From": "+14165550100", "Body": "x"}, user=SID + ":wrong")
        ok(st == 401 and e["code"] == 20003, "a wrong token is 401 with code 20003", e)
        st, e = curl(base, path, {"To": "416-555-0123", "From": "+14165550100", "Body": "x"})
        ok(st == 400 and e["code"] == 21211, "a To that is not E.164 is 400/21211", e)
        st, e = curl(base, path, {"To": "+14165550123", "From": "+14165550100"})
        ok(st == 400 and e["code"] == 21602, "no Body is 400/21602", e)
        st, e = curl(base, path, {"To": "+14165550123", "From": "+19995550000", "Body": "x"})
        ok(st == 400 and e["code"] == 21606, "a From that is not the account's is 400/21606", e)
        subprocess.run(["curl", "-s", "-o", "/dev/null", "-d", '{"fail_rate": 1, "fail_status": 429}',
                        base + "/_standin/faults"], check=True)
        st, e = curl(base, path, {"To": "+14165550123", "From": "+14165550100", "Body": "x"})
        ok(st == 429 and e["code"] == 20429, "an injected 429 carries code 20429", e)
    finally:
        proc.terminate()
        proc.wait()
        plan()


if __name__ == "__main__":
    main()
