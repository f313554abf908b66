#!/usr/bin/env python3
"""feedcheck.py FEED [EML...]: a staff calendar feed read the way a
calendar program reads it (python3-icalendar), and the UIDs of the invites
the .eml files carry (Python's email package), as one JSON object on
stdout: {"method", "refresh", "ttl", "name", "events": [{uid, status,
sequence, start, end, summary, location}], "invites": [uid...]}. Times
are RFC 3339 in UTC; a time without a zone, or an unknown TZID, is an
error. Used by test-staff-feed.sh, which asserts on it."""
import datetime
import email
import email.policy
import json
import sys

import icalendar


def utc(prop):
    t = prop.dt
    if not isinstance(t, datetime.datetime) or t.tzinfo is None:
        raise SystemExit("a time without a zone: %r" % (t,))
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
    out = {"method": str(cal.get("METHOD", "")), "name": str(cal.get("X-WR-CALNAME", "")),
           "refresh": cal.get("REFRESH-INTERVAL").to_ical().decode() if cal.get("REFRESH-INTERVAL") else "",
           "refresh_params": dict(cal.get("REFRESH-INTERVAL").params) if cal.get("REFRESH-INTERVAL") else {},
           "ttl": str(cal.get("X-PUBLISHED-TTL", "")), "events": [], "invites": []}
    for ev in cal.walk("VEVENT"):
        out["events"].append({"uid": str(ev["UID"]), "status": str(ev.get("STATUS", "")),
                              "sequence": int(ev.get("SEQUENCE", -1)), "start": utc(ev["DTSTART"]),
                              "end": utc(ev["DTEND"]), "summary": str(ev.get("SUMMARY", "")),
                              "location": str(ev.get("LOCATION", ""))})
    for name in sys.argv[2:]:
        msg = email.message_from_bytes(open(name, "rb").read(), policy=email.policy.default)
        for part in msg.walk():
            if part.get_content_type() == "text/calendar":
                inv = icalendar.Calendar.from_ical(part.get_content())
                out["invites"] += [str(e["UID"]) for e in inv.walk("VEVENT")]
                break
    json.dump(out, sys.stdout)


main()
