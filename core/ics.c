#include "core/ics.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "core/validate.h"
#include "core/xalloc.h"

/* RFC 5545 section 3.1: lines SHOULD NOT be longer than 75 octets. */
#define ICS_LINE_MAX 75

const char *
ics_method_name(enum ics_method m)
{
	switch (m) {
	case ICS_PUBLISH: return "PUBLISH";
	case ICS_REQUEST: return "REQUEST";
	case ICS_CANCEL: return "CANCEL";
	}
	return "PUBLISH";
}

void
ics_booking_uid(char *buf, size_t len, const char *booking_id, const char *mail_from)
{
	snprintf(buf, len, "%s@%s", booking_id, ics_mail_domain(mail_from));
}

const char *
ics_mail_domain(const char *mail_from)
{
	const char *at = mail_from != NULL ? strrchr(mail_from, '@') : NULL;

	return at != NULL && at[1] != '\0' ? at + 1 : "localhost";
}

/* Whether s is well-formed UTF-8 (core/validate.h). */
static int
ics_utf8_ok(const char *s)
{
	return validate_utf8_len(s, strlen(s)) != (size_t)-1;
}

/* An instant as a UTC date-time of libical's, from our own civil
 * arithmetic (libical's time functions would consult the C library). */
static struct icaltimetype
ics_time(int64_t t)
{
	struct icaltimetype it = icaltime_null_time();
	struct tz_fields f;

	tz_fields_of(t, &f);
	it.year = (int)f.year;
	it.month = f.month;
	it.day = f.day;
	it.hour = f.hour;
	it.minute = f.minute;
	it.second = f.second;
	it.is_date = 0;
	it.zone = icaltimezone_get_utc_timezone();
	return it;
}

static int
ics_set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* A person as a CAL-ADDRESS property (ORGANIZER, ATTENDEE): mailto: and CN. */
static icalproperty *
ics_person(icalproperty *p, const char *name)
{
	if (ics_set(name))
		icalproperty_add_parameter(p, icalparameter_new_cn(name));
	return p;
}

static char *
ics_mailto(const char *email)
{
	size_t n = strlen(email) + 8;
	char *s = xcalloc(1, n);

	memcpy(s, "mailto:", 7);
	memcpy(s + 7, email, n - 8);
	return s;
}

static int
ics_check(const struct ics_event *ev, struct err *e)
{
	const char *texts[] = { ev->uid, ev->summary, ev->location, ev->description, ev->organizer_email,
		ev->organizer_name, ev->attendee_email, ev->attendee_name, ev->url };
	static const char *const names[] = { "uid", "summary", "location", "description", "organizer_email",
		"organizer_name", "attendee_email", "attendee_name", "url" };

	if (!ics_set(ev->uid))
		return err_set(e, ERR_INVALID, "uid", "an event needs a uid");
	if (!ics_set(ev->summary))
		return err_set(e, ERR_INVALID, "summary", "an event needs a summary");
	if (ev->start >= ev->end)
		return err_set(e, ERR_INVALID, "end", "an event must end after it starts");
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i] != NULL && !ics_utf8_ok(texts[i]))
			return err_set(e, ERR_INVALID, names[i], "%s is not valid UTF-8", names[i]);
	return 0;
}

static icalcomponent *
ics_vevent(const struct ics_event *ev)
{
	icalcomponent *v = icalcomponent_new(ICAL_VEVENT_COMPONENT);

	icalcomponent_add_property(v, icalproperty_new_uid(ev->uid));
	icalcomponent_add_property(v, icalproperty_new_sequence(ev->sequence));
	icalcomponent_add_property(v, icalproperty_new_dtstamp(ics_time(ev->stamp)));
	icalcomponent_add_property(v, icalproperty_new_dtstart(ics_time(ev->start)));
	icalcomponent_add_property(v, icalproperty_new_dtend(ics_time(ev->end)));
	icalcomponent_add_property(v, icalproperty_new_summary(ev->summary));
	if (ics_set(ev->location))
		icalcomponent_add_property(v, icalproperty_new_location(ev->location));
	if (ics_set(ev->description))
		icalcomponent_add_property(v, icalproperty_new_description(ev->description));
	if (ics_set(ev->url))
		icalcomponent_add_property(v, icalproperty_new_url(ev->url));
	icalcomponent_add_property(v,
	    icalproperty_new_status(ev->canceled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(v, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	if (ics_set(ev->organizer_email)) {
		char *to = ics_mailto(ev->organizer_email);
		icalcomponent_add_property(v, ics_person(icalproperty_new_organizer(to), ev->organizer_name));
		free(to);
	}
	if (ics_set(ev->attendee_email)) {
		char *to = ics_mailto(ev->attendee_email);
		icalproperty *a = ics_person(icalproperty_new_attendee(to), ev->attendee_name);

		/* the artist asked for this session: no reply is wanted */
		icalproperty_add_parameter(a, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(a, icalparameter_new_partstat(
		    ev->canceled ? ICAL_PARTSTAT_DECLINED : ICAL_PARTSTAT_ACCEPTED));
		icalproperty_add_parameter(a, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
		icalcomponent_add_property(v, a);
		free(to);
	}
	return v;
}

char *
ics_render(const struct ics_calendar *cal, const struct ics_event *ev, size_t n, struct err *e)
{
	icalcomponent *c;
	icalproperty_method method;
	char *raw, *out;

	for (size_t i = 0; i < n; i++)
		if (ics_check(&ev[i], e) != 0)
			return NULL;
	if (cal->name != NULL && !ics_utf8_ok(cal->name)) {
		err_set(e, ERR_INVALID, "name", "the calendar's name is not valid UTF-8");
		return NULL;
	}
	method = cal->method == ICS_REQUEST ? ICAL_METHOD_REQUEST :
	    cal->method == ICS_CANCEL ? ICAL_METHOD_CANCEL : ICAL_METHOD_PUBLISH;
	c = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_property(c, icalproperty_new_prodid("-//redlight//studio bookings//EN"));
	icalcomponent_add_property(c, icalproperty_new_version("2.0"));
	icalcomponent_add_property(c, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(c, icalproperty_new_method(method));
	if (ics_set(cal->name)) {
		icalproperty *x = icalproperty_new_x(cal->name);

		icalproperty_set_x_name(x, "X-WR-CALNAME");
		icalcomponent_add_property(c, icalproperty_new_name(cal->name));
		icalcomponent_add_property(c, x);
	}
	if (cal->refresh_minutes > 0) {
		struct icaldurationtype d = icaldurationtype_null_duration();
		icalproperty *ttl;
		char ttltext[32];

		d.hours = (unsigned)(cal->refresh_minutes / 60);
		d.minutes = (unsigned)(cal->refresh_minutes % 60);
		icalcomponent_add_property(c, icalproperty_new_refreshinterval(d));
		snprintf(ttltext, sizeof(ttltext), "%s", icaldurationtype_as_ical_string(d));
		ttl = icalproperty_new_x(ttltext);
		icalproperty_set_x_name(ttl, "X-PUBLISHED-TTL");
		icalcomponent_add_property(c, ttl);
	}
	for (size_t i = 0; i < n; i++)
		icalcomponent_add_component(c, ics_vevent(&ev[i]));
	raw = icalcomponent_as_ical_string_r(c);
	icalcomponent_free(c);
	if (raw == NULL) {
		err_set(e, ERR_INTERNAL, NULL, "libical could not write the calendar");
		return NULL;
	}
	out = ics_fold(raw);
	icalmemory_free_buffer(raw);
	return out;
}

/* Where to cut a line of len octets at most max: the last position at or
 * before max that does not split a UTF-8 sequence. */
static size_t
ics_cut(const char *s, size_t len, size_t max)
{
	size_t at;

	if (len <= max)
		return len;
	at = max;
	while (at > 0 && ((unsigned char)s[at] & 0xc0) == 0x80)
		at--;
	return at > 0 ? at : max;
}

char *
ics_fold(const char *text)
{
	size_t len = strlen(text), o = 0;
	/* worst case: one-octet lines ("a\n" becomes "a\r\n"), or every 74
	 * octets gaining CRLF SP: never twice the input */
	char *out = xcalloc(1, 2 * len + 8), *line = xcalloc(1, len + 1);
	const char *p = text;

	while (*p != '\0') {
		size_t n = 0, first = 1, rest;
		const char *q;

		/* one logical line: up to LF, joining continuations (LF then SP/HT) */
		while (*p != '\0') {
			if (*p == '\r' && p[1] == '\n') {
				p++;
				continue;
			}
			if (*p == '\n') {
				if (p[1] == ' ' || p[1] == '\t') {
					p += 2;
					continue;
				}
				p++;
				break;
			}
			line[n++] = *p++;
		}
		if (n == 0)
			continue;
		q = line;
		rest = n;
		while (rest > 0) {
			size_t take = ics_cut(q, rest, first ? ICS_LINE_MAX : ICS_LINE_MAX - 1);

			if (!first)
				out[o++] = ' ';
			memcpy(out + o, q, take);
			o += take;
			out[o++] = '\r';
			out[o++] = '\n';
			q += take;
			rest -= take;
			first = 0;
		}
	}
	out[o] = '\0';
	free(line);
	return out;
}
