#include "core/notice.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

const char *const notice_var_names[NOTICE_NVARS] = {
	[NOTICE_ARTIST_NAME] = "artist_name",
	[NOTICE_BOOKING_CODE] = "booking_code",
	[NOTICE_ROOM_NAME] = "room_name",
	[NOTICE_DATE] = "date",
	[NOTICE_START_TIME] = "start_time",
	[NOTICE_END_TIME] = "end_time",
	[NOTICE_TIME_ZONE] = "time_zone",
	[NOTICE_TOTAL] = "total",
	[NOTICE_DEPOSIT] = "deposit",
	[NOTICE_ADDRESS] = "address",
	[NOTICE_POLICIES_URL] = "policies_url",
	[NOTICE_STUDIO_NAME] = "studio_name",
	[NOTICE_SERVICES] = "services",
	[NOTICE_REASON] = "reason",
	[NOTICE_MESSAGE] = "message",
	[NOTICE_REFUND] = "refund",
	[NOTICE_GOOGLE_URL] = "google_calendar_url",
	[NOTICE_OUTLOOK_URL] = "outlook_calendar_url",
	[NOTICE_ICS_URL] = "ics_url",
};

static const char *const notice_kind_names[NOTICE_NKINDS] = {
	[NOTICE_SUBMITTED] = "submitted",
	[NOTICE_APPROVED] = "approved",
	[NOTICE_REJECTED] = "rejected",
	[NOTICE_REMINDER] = "reminder",
	[NOTICE_RESCHEDULED] = "rescheduled",
	[NOTICE_CANCELED] = "canceled",
	[NOTICE_PAYMENT_ACTION] = "payment_action",
};

static const char *const notice_weekdays[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};
static const char *const notice_months[] = {
	"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December",
};

const char *
notice_kind_name(enum notice_kind k)
{
	if ((unsigned)k >= NOTICE_NKINDS)
		return NULL;
	return notice_kind_names[k];
}

int
notice_kind_parse(const char *s, enum notice_kind *out)
{
	for (int i = 0; s != NULL && i < NOTICE_NKINDS; i++) {
		if (strcmp(s, notice_kind_names[i]) == 0) {
			*out = (enum notice_kind)i;
			return 0;
		}
	}
	return -1;
}

/* notice_printf: a new string, as snprintf formats it. */
static char * __attribute__((format(printf, 1, 2)))
notice_printf(const char *fmt, ...)
{
	va_list ap, ap2;
	int n;
	char *s;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = xcalloc(1, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return s;
}

static char *
notice_money(long long cents, const char *currency)
{
	const char *sign = cents < 0 ? "-" : "";
	long long a = cents < 0 ? -cents : cents;

	return notice_printf("%s%lld.%02lld %s", sign, a / 100, a % 100, currency ? currency : "");
}

static char *
notice_time(const struct tz *tz, int64_t t)
{
	struct tz_local l;

	tz_to_local(tz, t, &l);
	return notice_printf("%02d:%02d %s", l.hour, l.minute, l.abbr);
}

char *
notice_url_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = xcalloc(1, n * 3 + 1), *p = out;

	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		    *c == '-' || *c == '.' || *c == '_' || *c == '~') {
			*p++ = (char)*c;
		} else {
			*p++ = '%';
			*p++ = hex[*c >> 4];
			*p++ = hex[*c & 15];
		}
	}
	return out;
}

/* notice_stamp: t as "20270112T190000Z" (compact) or RFC 3339. */
static void
notice_stamp(int64_t t, int compact, char *buf, size_t len)
{
	char rfc[TZ_RFC3339_SIZE];
	size_t j = 0;

	if (tz_format_utc(t, rfc, sizeof(rfc), NULL) != 0)
		rfc[0] = '\0';
	if (!compact) {
		snprintf(buf, len, "%s", rfc);
		return;
	}
	for (const char *p = rfc; *p && j + 1 < len; p++)
		if (*p != '-' && *p != ':')
			buf[j++] = *p;
	buf[j] = '\0';
}

#define NOTICE_S(x) ((x) ? (x) : "")

void
notice_values(const struct notice_booking *b, const struct tz *tz, char *v[NOTICE_NVARS])
{
	struct tz_local l;
	char s0[32], s1[32];
	char *title, *text, *where, *details;

	tz_to_local(tz, b->start, &l);
	v[NOTICE_ARTIST_NAME] = xstrdup(NOTICE_S(b->artist_name));
	v[NOTICE_BOOKING_CODE] = xstrdup(NOTICE_S(b->code));
	v[NOTICE_ROOM_NAME] = xstrdup(NOTICE_S(b->room_name));
	v[NOTICE_DATE] = notice_printf("%s %d %s %d", notice_weekdays[l.wday], l.day,
	    notice_months[l.month - 1], l.year);
	v[NOTICE_START_TIME] = notice_time(tz, b->start);
	v[NOTICE_END_TIME] = notice_time(tz, b->end);
	v[NOTICE_TIME_ZONE] = xstrdup(tz_name(tz));
	v[NOTICE_TOTAL] = notice_money(b->total_cents, b->currency);
	v[NOTICE_DEPOSIT] = notice_money(b->deposit_cents, b->currency);
	v[NOTICE_ADDRESS] = xstrdup(NOTICE_S(b->address));
	v[NOTICE_POLICIES_URL] = xstrdup(NOTICE_S(b->policies_url));
	v[NOTICE_STUDIO_NAME] = xstrdup(NOTICE_S(b->studio_name));
	v[NOTICE_SERVICES] = xstrdup(NOTICE_S(b->services));
	v[NOTICE_REASON] = xstrdup(NOTICE_S(b->reason));
	v[NOTICE_MESSAGE] = xstrdup(NOTICE_S(b->message));
	v[NOTICE_REFUND] = b->refund_cents > 0 ? notice_money(b->refund_cents, b->currency) : xstrdup("");

	title = notice_printf("%s at %s (%s)", NOTICE_S(b->room_name), NOTICE_S(b->studio_name),
	    NOTICE_S(b->code));
	text = notice_url_escape(title);
	where = notice_url_escape(NOTICE_S(b->address)[0] ? b->address : NOTICE_S(b->studio_name));
	details = notice_url_escape(NOTICE_S(b->services));
	notice_stamp(b->start, 1, s0, sizeof(s0));
	notice_stamp(b->end, 1, s1, sizeof(s1));
	v[NOTICE_GOOGLE_URL] = notice_printf("https://calendar.google.com/calendar/render?action=TEMPLATE"
	    "&text=%s&dates=%s/%s&details=%s&location=%s", text, s0, s1, details, where);
	notice_stamp(b->start, 0, s0, sizeof(s0));
	notice_stamp(b->end, 0, s1, sizeof(s1));
	v[NOTICE_OUTLOOK_URL] = notice_printf("https://outlook.live.com/calendar/0/deeplink/compose"
	    "?path=%%2Fcalendar%%2Faction%%2Fcompose&rru=addevent&subject=%s&startdt=%s&enddt=%s"
	    "&body=%s&location=%s", text, s0, s1, details, where);
	v[NOTICE_ICS_URL] = xstrdup(NOTICE_S(b->ics_url));
	free(title);
	free(text);
	free(where);
	free(details);
}

void
notice_values_free(char *v[NOTICE_NVARS])
{
	for (int i = 0; i < NOTICE_NVARS; i++) {
		free(v[i]);
		v[i] = NULL;
	}
}

int
notice_invite(enum notice_kind k, const char *status, int was_confirmed, enum ics_method *m)
{
	int confirmed = status != NULL && strcmp(status, "confirmed") == 0;

	switch (k) {
	case NOTICE_APPROVED:
		*m = ICS_REQUEST;
		return 1;
	case NOTICE_RESCHEDULED:
		*m = ICS_REQUEST;
		return confirmed;
	case NOTICE_CANCELED:
		*m = ICS_CANCEL;
		return was_confirmed;
	default:
		return 0;
	}
}

/* ---- the snapshot and its event ---- */

static const char *
notice_json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return json_object_get_string(v);
}

static long long
notice_json_int(struct json_object *o, const char *key, long long dflt)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return dflt;
	return json_object_get_int64(v);
}

int
notice_snapshot_parse(struct json_object *s, struct notice_snapshot *out, struct err *e)
{
	struct notice_booking *b = &out->b;

	memset(out, 0, sizeof(*out));
	if (s == NULL || !json_object_is_type(s, json_type_object) ||
	    (out->booking_id = notice_json_str(s, "booking_id")) == NULL)
		return err_set(e, ERR_INVALID, "payload", "the booking snapshot is not one");
	b->code = notice_json_str(s, "code");
	b->artist_name = notice_json_str(s, "artist_name");
	b->room_name = notice_json_str(s, "room_name");
	b->studio_name = notice_json_str(s, "studio_name");
	b->address = notice_json_str(s, "address");
	b->policies_url = notice_json_str(s, "policies_url");
	b->services = notice_json_str(s, "services");
	b->reason = notice_json_str(s, "reason");
	b->message = notice_json_str(s, "message");
	b->currency = notice_json_str(s, "currency");
	b->total_cents = notice_json_int(s, "total_cents", 0);
	b->deposit_cents = notice_json_int(s, "deposit_cents", 0);
	b->refund_cents = notice_json_int(s, "refund_cents", -1);
	out->status = notice_json_str(s, "status");
	out->artist_email = notice_json_str(s, "artist_email");
	out->policy = notice_json_str(s, "policy");
	out->ics_token = notice_json_str(s, "ics_token");
	out->timezone = notice_json_str(s, "timezone");
	out->sequence = (int)notice_json_int(s, "sequence", 0);
	out->was_confirmed = notice_json_int(s, "was_confirmed", 0) != 0;
	if (tz_parse_rfc3339(NOTICE_S(notice_json_str(s, "start_at")), &b->start, e) != 0 ||
	    tz_parse_rfc3339(NOTICE_S(notice_json_str(s, "end_at")), &b->end, e) != 0)
		return e->code;
	return 0;
}

void
notice_ics_url(const char *base, const char *code, const char *token, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/api/calendar/ics/booking/%s.ics?token=%s", base, NOTICE_S(code), NOTICE_S(token));
}

char *
notice_ics(const struct notice_snapshot *s, enum ics_method m, int canceled, const char *organizer_email,
    int64_t stamp, const char *url, struct err *e)
{
	const struct notice_booking *b = &s->b;
	struct ics_calendar cal = { m, NULL, 0 };
	struct ics_event ev = { 0 };
	char uid[160], *summary, *location, *desc, *out;

	ics_booking_uid(uid, sizeof(uid), s->booking_id, organizer_email);
	summary = notice_printf("%s at %s (%s)", NOTICE_S(b->room_name), NOTICE_S(b->studio_name),
	    NOTICE_S(b->code));
	location = notice_printf("%s, %s", NOTICE_S(b->room_name),
	    NOTICE_S(b->address)[0] ? b->address : NOTICE_S(b->studio_name));
	desc = notice_printf("Booking %s\nServices: %s%s%s", NOTICE_S(b->code), NOTICE_S(b->services),
	    s->policy ? "\nPolicy: " : "", NOTICE_S(s->policy));
	ev.uid = uid;
	ev.sequence = s->sequence;
	ev.start = b->start;
	ev.end = b->end;
	ev.stamp = stamp;
	ev.canceled = canceled;
	ev.summary = summary;
	ev.location = location;
	ev.description = desc;
	ev.organizer_email = organizer_email;
	ev.organizer_name = NOTICE_S(b->studio_name);
	ev.attendee_email = s->artist_email;
	ev.attendee_name = NOTICE_S(b->artist_name);
	ev.url = url && url[0] ? url : NULL;
	out = ics_render(&cal, &ev, 1, e);
	free(summary);
	free(location);
	free(desc);
	return out;
}
