#!/usr/bin/env python3
"""mailcheck.py SPOOL: every message the SMTP stand-in kept in SPOOL, in the
order received, read the way a mail program reads it (Python's email
package) and its invite the way a calendar reads it (python3-icalendar),
as one JSON list on stdout: for each, its envelope, headers, MIME
structure, the text/calendar part's method= and the invite.ics file's
METHOD, UID, SEQUENCE, STATUS, ORGANIZER and ATTENDEE. Used by
test-notify.sh, which asserts on it."""
import email
import email.policy
import json
import os
import sys

import icalendar


def structure(part):
    if part.is_multipart():
        return {part.get_content_type(): [structure(p) for p in part.iter_parts()]}
    return part.get_content_type()


def invite(text):
    cal = icalendar.Calendar.from_ical(text)
    evs = [c for c in cal.walk() if c.name == "VEVENT"]
    ev = evs[0] if evs else {}
    return {"method": str(cal.get("METHOD", "")), "events": len(evs), "uid": str(ev.get("UID", "")),
            "sequence": int(ev.get("SEQUENCE", -1)), "status": str(ev.get("STATUS", "")),
            "organizer": str(ev.get("ORGANIZER", "")), "attendee": str(ev.get("ATTENDEE", "")),
            "dtstart": ev.get("DTSTART").dt.isoformat() if ev.get("DTSTART") else ""}


def read(spool, name):
    raw = open(os.path.join(spool, name), "rb").read()
    env = json.load(open(os.path.join(spool, name[:-4] + ".json")))
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    out = {"file": name, "rcpt_to": env.get("rcpt_to"), "tls": env.get("tls"), "auth_user": env.get("auth_user"),
           "subject": str(msg["Subject"]), "to": str(msg["To"]), "from": str(msg["From"]),
           "message_id": str(msg["Message-ID"]), "date": str(msg["Date"]), "structure": structure(msg),
           "calendar_method": None, "calendar": None, "attachment": None, "text": "", "html": ""}
    for part in msg.walk():
        ct = part.get_content_type()
        if part.is_multipart():
            continue
        if ct == "text/calendar":
            out["calendar_method"] = part.get_param("method")
            out["calendar"] = invite(part.get_content())
        elif part.get_filename() == "invite.ics":
            out["attachment"] = invite(part.get_content())
        elif ct == "text/plain":
            out["text"] = part.get_content()
        elif ct == "text/html":
            out["html"] = part.get_content()
    return out


def main():
    spool = sys.argv[1]
    names = sorted(n for n in os.listdir(spool) if n.endswith(".eml"))
    json.dump([read(spool, n) for n in names], sys.stdout)


if __name__ == "__main__":
    main()
