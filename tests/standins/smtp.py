#!/usr/bin/env python3
"""smtp.py: a real SMTP server on loopback that keeps what it receives, for
the tests and the demo (RFC 5321, with STARTTLS per RFC 3207 and AUTH PLAIN
and LOGIN per RFC 4954). Standard library only; the TLS certificate is a
throwaway self-signed one made with the openssl command.

    smtp.py --listen 127.0.0.1:2525 --spool DIR [--tls starttls|implicit|none]
            [--user U --password P] [--control 127.0.0.1:PORT] [--cert-out FILE]

Each message accepted is written to DIR as NNNNNN.eml (the DATA bytes,
dot-unstuffed) with NNNNNN.json beside it ({"mail_from", "rcpt_to",
"tls", "auth_user", "received_at"}), written before the 250 that accepts
it, so a message acknowledged is a message kept.

--cert-out writes the throwaway certificate (PEM) to FILE, for a client
that verifies the server (libcurl with CURLOPT_CAINFO, redlight's
smtp_ca_file).

With --user, MAIL is refused (530) until the client authenticates, and
AUTH is offered only after STARTTLS (as real servers do) unless --tls none.

Control (HTTP, JSON; not SMTP), when --control is given:
    POST /faults {"refuse": true}       new connections get 421 and are closed
                 {"fail_data_rate": 0.3} that share of DATA answered 451
                 {"fail_rcpt": true}     RCPT answered 450
    GET  /messages                      the index of what was kept
"""
import argparse
import base64
import http.server
import json
import os
import random
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time

faults = {"refuse": False, "fail_data_rate": 0.0, "fail_rcpt": False}
lock = threading.Lock()
counter = [0]


def make_cert(dirpath):
    key, crt = os.path.join(dirpath, "key.pem"), os.path.join(dirpath, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(crt, key)
    return ctx


class Session(socketserver.StreamRequestHandler):
    timeout = 60

    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def readline(self):
        line = self.rfile.readline(4096)
        if not line:
            raise EOFError
        return line.decode("utf-8", "replace").rstrip("\r\n")

    def handle(self):
        srv = self.server
        self.tls = srv.mode == "implicit"
        self.user = None
        if self.tls:
            self.starttls(greet=False)
        if faults["refuse"]:
            self.reply("421 4.3.2 service not available (injected), closing")
            return
        self.reply("220 localhost ESMTP redlight-standin")
        self.reset()
        try:
            while True:
                line = self.readline()
                verb, _, arg = line.partition(" ")
                verb = verb.upper()
                if verb in ("EHLO", "HELO"):
                    self.ehlo(verb, arg)
                elif verb == "STARTTLS":
                    if srv.mode != "starttls" or self.tls:
                        self.reply("502 5.5.1 STARTTLS not offered")
                        continue
                    self.reply("220 2.0.0 ready to start TLS")
                    self.starttls(greet=False)
                    self.reset()
                elif verb == "AUTH":
                    self.auth(arg)
                elif verb == "MAIL":
                    if srv.user and not self.user:
                        self.reply("530 5.7.0 authentication required")
                    elif not arg.upper().startswith("FROM:"):
                        self.reply("501 5.5.4 syntax: MAIL FROM:<address>")
                    else:
                        self.reset()
                        self.mail_from = arg[5:].strip().split(" ")[0].strip("<>")
                        self.reply("250 2.1.0 ok")
                elif verb == "RCPT":
                    if self.mail_from is None:
                        self.reply("503 5.5.1 MAIL first")
                    elif faults["fail_rcpt"]:
                        self.reply("450 4.2.1 mailbox unavailable (injected)")
                    elif not arg.upper().startswith("TO:"):
                        self.reply("501 5.5.4 syntax: RCPT TO:<address>")
                    else:
                        self.rcpt.append(arg[3:].strip().split(" ")[0].strip("<>"))
                        self.reply("250 2.1.5 ok")
                elif verb == "DATA":
                    self.data()
                elif verb == "RSET":
                    self.reset()
                    self.reply("250 2.0.0 ok")
                elif verb == "NOOP":
                    self.reply("250 2.0.0 ok")
                elif verb == "QUIT":
                    self.reply("221 2.0.0 bye")
                    return
                else:
                    self.reply("500 5.5.2 unknown command")
        except (EOFError, ConnectionError, ssl.SSLError, socket.timeout):
            return

    def reset(self):
        self.mail_from = None
        self.rcpt = []

    def starttls(self, greet):
        conn = self.server.ctx.wrap_socket(self.connection, server_side=True)
        self.connection = self.request = conn
        self.rfile = conn.makefile("rb")
        self.wfile = conn.makefile("wb")
        self.tls = True

    def ehlo(self, verb, arg):
        srv = self.server
        if verb == "HELO":
            self.reply("250 localhost")
            return
        lines = ["localhost", "8BITMIME", "SIZE 10485760", "ENHANCEDSTATUSCODES"]
        if srv.mode == "starttls" and not self.tls:
            lines.append("STARTTLS")
        if srv.user and (self.tls or srv.mode == "none"):
            lines.append("AUTH PLAIN LOGIN")
        for i, ln in enumerate(lines):
            self.reply(("250 " if i == len(lines) - 1 else "250-") + ln)

    def auth(self, arg):
        srv = self.server
        if not srv.user or (not self.tls and srv.mode != "none"):
            self.reply("503 5.5.1 AUTH not offered")
            return
        mech, _, initial = arg.partition(" ")
        try:
            if mech.upper() == "PLAIN":
                if not initial:
                    self.reply("334 ")
                    initial = self.readline()
                parts = base64.b64decode(initial).split(b"\0")
                user, pw = parts[1].decode(), parts[2].decode()
            elif mech.upper() == "LOGIN":
                if initial:
                    user = base64.b64decode(initial).decode()
                else:
                    self.reply("334 VXNlcm5hbWU6")
                    user = base64.b64decode(self.readline()).decode()
                self.reply("334 UGFzc3dvcmQ6")
                pw = base64.b64decode(self.readline()).decode()
            else:
                self.reply("504 5.5.4 mechanism not supported")
                return
        except (ValueError, IndexError, UnicodeDecodeError):
            self.reply("501 5.5.2 cannot decode")
            return
        if user == srv.user and pw == srv.password:
            self.user = user
            self.reply("235 2.7.0 authenticated")
        else:
            self.reply("535 5.7.8 authentication credentials invalid")

    def data(self):
        if not self.rcpt:
            self.reply("503 5.5.1 RCPT first")
            return
        self.reply("354 end with <CRLF>.<CRLF>")
        chunks = []
        while True:
            raw = self.rfile.readline(1 << 20)
            if not raw:
                raise EOFError
            if raw in (b".\r\n", b".\n"):
                break
            if raw.startswith(b".."):
                raw = raw[1:]
            chunks.append(raw)
        if random.random() < faults["fail_data_rate"]:
            self.reply("451 4.3.0 temporary failure (injected), try again")
            self.reset()
            return
        with lock:
            counter[0] += 1
            base = os.path.join(self.server.spool, "%06d" % counter[0])
            with open(base + ".eml.tmp", "wb") as f:
                f.write(b"".join(chunks))
            with open(base + ".json", "w") as f:
                json.dump({"mail_from": self.mail_from, "rcpt_to": self.rcpt, "tls": self.tls,
                           "auth_user": self.user, "received_at": time.time()}, f)
            os.replace(base + ".eml.tmp", base + ".eml")
        self.reply("250 2.0.0 ok: queued as %06d" % counter[0])
        self.reset()


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Control(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send_json(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        if self.path != "/faults":
            return self.send_json(404, {"error": "no such control"})
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        for k, v in req.items():
            if k not in faults:
                return self.send_json(400, {"error": "unknown fault %s" % k})
            faults[k] = v
        self.send_json(200, faults)

    def do_GET(self):
        if self.path != "/messages":
            return self.send_json(404, {"error": "no such control"})
        spool = self.server.spool
        out = []
        for name in sorted(os.listdir(spool)):
            if name.endswith(".json") and os.path.exists(os.path.join(spool, name[:-5] + ".eml")):
                with open(os.path.join(spool, name)) as f:
                    out.append(dict(json.load(f), file=name[:-5] + ".eml"))
        self.send_json(200, {"messages": out})


def main():
    ap = argparse.ArgumentParser(description="a local SMTP server that keeps what it receives")
    ap.add_argument("--listen", default="127.0.0.1:2525")
    ap.add_argument("--spool", required=True)
    ap.add_argument("--tls", choices=("starttls", "implicit", "none"), default="starttls")
    ap.add_argument("--user", default="")
    ap.add_argument("--password", default="")
    ap.add_argument("--control", default="")
    ap.add_argument("--cert-out", default="")
    args = ap.parse_args()
    os.makedirs(args.spool, exist_ok=True)
    host, _, port = args.listen.rpartition(":")
    srv = Server((host, int(port)), Session)
    srv.mode, srv.spool, srv.user, srv.password = args.tls, args.spool, args.user, args.password
    srv.ctx = None
    if args.tls != "none":
        tmp = tempfile.mkdtemp(prefix="rl-smtp-tls.")
        srv.ctx = make_cert(tmp)
        if args.cert_out:
            with open(os.path.join(tmp, "cert.pem"), "rb") as src, open(args.cert_out + ".tmp", "wb") as dst:
                dst.write(src.read())
            os.replace(args.cert_out + ".tmp", args.cert_out)
    if args.control:
        chost, _, cport = args.control.rpartition(":")
        ctl = http.server.ThreadingHTTPServer((chost, int(cport)), Control)
        ctl.spool = args.spool
        threading.Thread(target=ctl.serve_forever, daemon=True).start()
    print("smtp-standin: listening on %s:%d (%s)" % (srv.server_address[0], srv.server_address[1], args.tls),
          file=sys.stderr, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
