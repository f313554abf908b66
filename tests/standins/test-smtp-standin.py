#!/usr/bin/env python3
"""test-smtp-standin.py: the SMTP stand-in (tests/standins/smtp.py) is a
real SMTP server: Python's smtplib and curl (libcurl's SMTP, as redlight
sends) each deliver through it with STARTTLS and AUTH, what it acknowledges
it keeps, and its faults behave as SMTP says. Prints TAP."""
import json
import os
import shutil
import smtplib
import ssl
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tap import free_port, ok, plan, wait_port  # noqa: E402


def control(cport, path, obj=None):
    data = json.dumps(obj).encode() if obj is not None else None
    with urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%d%s" % (cport, path), data=data),
                                timeout=5) as r:
        return json.loads(r.read())


MSG = ("From: studio@redlight.test\r\nTo: zoe@example.com\r\nSubject: hello\r\n"
       "Message-ID: <m1@redlight.test>\r\n\r\nline one\r\n.starts with a dot\r\n")


def main():
    tmp = tempfile.mkdtemp(prefix="rl-smtp-test.")
    port, cport = free_port(), free_port()
    spool = os.path.join(tmp, "spool")
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "smtp.py"), "--listen", "127.0.0.1:%d" % port,
                             "--spool", spool, "--user", "resend", "--password", "re_key",
                             "--control", "127.0.0.1:%d" % cport, "--cert-out", os.path.join(tmp, "cert.pem")],
                            stderr=subprocess.DEVNULL)
    try:
        if not (wait_port(port) and wait_port(cport)):
            ok(False, "the stand-in starts")
            return
        run(port, cport, spool, tmp)
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
        plan()


def run(port, cport, spool, tmp):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
        s.ehlo()
        ok(s.has_extn("starttls") and not s.has_extn("auth"), "AUTH is offered only after STARTTLS")
        try:
            s.sendmail("studio@redlight.test", ["zoe@example.com"], MSG)
            ok(False, "MAIL before authenticating is refused")
        except smtplib.SMTPException as e:
            ok("530" in str(e) or "authentication" in str(e).lower(), "MAIL before authenticating is refused", e)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
        s.starttls(context=ctx)
        s.ehlo()
        try:
            s.login("resend", "wrong")
            ok(False, "a wrong password is 535")
        except smtplib.SMTPAuthenticationError as e:
            ok(e.smtp_code == 535, "a wrong password is 535", e)
        s.login("resend", "re_key")
        refused = s.sendmail("studio@redlight.test", ["zoe@example.com", "sam@example.com"], MSG)
        ok(refused == {}, "smtplib delivers through STARTTLS and AUTH LOGIN/PLAIN")
    kept = control(cport, "/messages")["messages"]
    ok(len(kept) == 1 and kept[0]["rcpt_to"] == ["zoe@example.com", "sam@example.com"] and kept[0]["tls"]
       and kept[0]["auth_user"] == "resend", "the message is kept with its envelope", kept)
    body = open(os.path.join(spool, kept[0]["file"]), "rb").read()
    ok(b"\r\n.starts with a dot\r\n" in body and b"Message-ID: <m1@redlight.test>" in body,
       "the data is kept dot-unstuffed, byte for byte", body[:200])

    eml = os.path.join(tmp, "m.eml")
    with open(eml, "w", newline="") as f:
        f.write(MSG.replace("m1@", "m2@"))
    curl = shutil.which("curl")
    if curl is None:
        ok(False, "curl is installed (tools/check installs it)")
    else:
        def send(host, *tls):
            return subprocess.run([curl, "-sS", "--url", "smtp://%s:%d" % (host, port), "--ssl-reqd", *tls,
                                   "--user", "resend:re_key", "--mail-from", "studio@redlight.test",
                                   "--mail-rcpt", "zoe@example.com", "--upload-file", eml],
                                  capture_output=True, text=True, timeout=30)
        r = send("127.0.0.1", "--insecure")
        kept = control(cport, "/messages")["messages"]
        ok(r.returncode == 0 and len(kept) == 2, "curl (libcurl's SMTP, STARTTLS required) delivers",
           (r.returncode, r.stderr))
        r = send("localhost", "--cacert", os.path.join(tmp, "cert.pem"))
        kept = control(cport, "/messages")["messages"]
        ok(r.returncode == 0 and len(kept) == 3, "with --cert-out's certificate, curl verifies the server",
           (r.returncode, r.stderr))

    control(cport, "/faults", {"refuse": True})
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
            ok(False, "a refusing server answers 421")
    except smtplib.SMTPConnectError as e:
        ok(e.smtp_code == 421, "a refusing server answers 421", e)
    except (smtplib.SMTPServerDisconnected, ConnectionError) as e:
        ok(False, "a refusing server answers 421", e)
    before = len(control(cport, "/messages")["messages"])
    control(cport, "/faults", {"refuse": False, "fail_data_rate": 1.0})
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
        s.starttls(context=ctx)
        s.login("resend", "re_key")
        try:
            s.sendmail("studio@redlight.test", ["zoe@example.com"], MSG)
            ok(False, "an injected DATA failure is 451 and keeps nothing")
        except smtplib.SMTPDataError as e:
            kept = control(cport, "/messages")["messages"]
            ok(e.smtp_code == 451 and len(kept) == before, "an injected DATA failure is 451 and keeps nothing", e)
    control(cport, "/faults", {"fail_data_rate": 0.0})


if __name__ == "__main__":
    main()
