#include "core/cal.h"

#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/notice.h"
#include "core/sbuf.h"
#include "core/xalloc.h"

int
cal_provider_parse(const char *s, enum conf_calendar *out, struct err *e)
{
	if (s != NULL && strcmp(s, "google") == 0)
		*out = CONF_CAL_GOOGLE;
	else if (s != NULL && strcmp(s, "outlook") == 0)
		*out = CONF_CAL_OUTLOOK;
	else
		return err_set(e, ERR_INVALID, "provider", "the calendar is google or outlook, not '%.40s'",
		    s ? s : "");
	return 0;
}

const char *
cal_provider_name(enum conf_calendar cal)
{
	return cal == CONF_CAL_GOOGLE ? "google" : "outlook";
}

char *
cal_redirect_uri(const struct conf *c, enum conf_calendar cal)
{
	const char *base = conf_calendar_redirect(c);
	size_t n = strlen(base);
	struct sbuf b = SBUF_INIT;

	while (n > 0 && base[n - 1] == '/')
		n--;
	sbuf_add(&b, base, n);
	sbuf_str(&b, cal == CONF_CAL_GOOGLE ? CAL_GOOGLE_CALLBACK : CAL_OUTLOOK_CALLBACK);
	return sbuf_detach(&b);
}

void
cal_b64url(const unsigned char *in, size_t n, char *out, size_t outlen)
{
	sodium_bin2base64(out, outlen, in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void
cal_challenge(const char *verifier, char *out, size_t outlen)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)verifier, strlen(verifier));
	cal_b64url(h, sizeof(h), out, outlen);
}

void
cal_hash_hex(const char *s, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* cal_param: "&name=value" (value escaped), or "?" first. */
static void
cal_param(struct sbuf *b, const char *name, const char *value)
{
	char *v = notice_url_escape(value);

	sbuf_cat(b, strchr(b->s, '?') ? "&" : "?", name, "=", v, (const char *)NULL);
	free(v);
}

char *
cal_consent_url(const struct conf *c, enum conf_calendar cal, const char *state, const char *challenge)
{
	struct sbuf b = SBUF_INIT;
	char *redirect = cal_redirect_uri(c, cal);
	int google = cal == CONF_CAL_GOOGLE;

	if (google) {
		sbuf_str(&b, c->google_auth_url);
	} else {
		size_t n = strlen(c->microsoft_login_base);
		while (n > 0 && c->microsoft_login_base[n - 1] == '/')
			n--;
		sbuf_add(&b, c->microsoft_login_base, n);
		sbuf_cat(&b, "/", c->microsoft_tenant, "/oauth2/v2.0/authorize", (const char *)NULL);
	}
	cal_param(&b, "client_id", google ? c->google_client_id : c->microsoft_client_id);
	cal_param(&b, "response_type", "code");
	cal_param(&b, "redirect_uri", redirect);
	cal_param(&b, "scope", google ? CAL_GOOGLE_SCOPE : CAL_OUTLOOK_SCOPE);
	if (google) {
		cal_param(&b, "access_type", "offline");
		cal_param(&b, "prompt", "consent");
		cal_param(&b, "include_granted_scopes", "true");
	} else {
		cal_param(&b, "response_mode", "query");
		cal_param(&b, "prompt", "consent");
	}
	cal_param(&b, "state", state);
	cal_param(&b, "code_challenge", challenge);
	cal_param(&b, "code_challenge_method", "S256");
	free(redirect);
	return sbuf_detach(&b);
}

/* cal_uuid_hex: the 32 hex digits of a canonical UUID, lower case. */
static int
cal_uuid_hex(const char *u, char *out)
{
	size_t n = 0;

	if (u == NULL || strlen(u) != 36)
		return -1;
	for (size_t i = 0; i < 36; i++) {
		char ch = u[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (ch != '-')
				return -1;
			continue;
		}
		if (ch >= 'A' && ch <= 'F')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	return 0;
}

int
cal_google_event_id(const char *booking_id, const char *staff_id, char out[65], struct err *e)
{
	if (cal_uuid_hex(booking_id, out) != 0 || cal_uuid_hex(staff_id, out + 32) != 0)
		return err_set(e, ERR_INVALID, "id", "a calendar event needs the booking's and the staff "
		    "member's UUIDs");
	return 0;
}

/* cal_utc_ok: "YYYY-MM-DDTHH:MM:SSZ". */
static int
cal_utc_ok(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

	if (s == NULL || strlen(s) != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
			return 0;
	return 1;
}

/* cal_when: {"dateTime": ..., "timeZone": "UTC"}; Graph takes the wall
 * time without the Z, Google the RFC 3339 instant. */
static struct json_object *
cal_when(enum conf_calendar cal, const char *utc)
{
	struct json_object *o = json_object_new_object();
	char wall[20];

	if (cal == CONF_CAL_GOOGLE) {
		json_object_object_add(o, "dateTime", json_object_new_string(utc));
	} else {
		memcpy(wall, utc, 19);
		wall[19] = '\0';
		json_object_object_add(o, "dateTime", json_object_new_string(wall));
	}
	json_object_object_add(o, "timeZone", json_object_new_string("UTC"));
	return o;
}

char *
cal_event_json(enum conf_calendar cal, const struct cal_event *ev, const char *id, struct err *e)
{
	struct json_object *o, *x;
	char *out;

	if (!cal_utc_ok(ev->start_utc) || !cal_utc_ok(ev->end_utc)) {
		err_set(e, ERR_INVALID, "start_at", "an event's times must be RFC 3339 UTC");
		return NULL;
	}
	o = json_object_new_object();
	if (cal == CONF_CAL_GOOGLE) {
		if (id != NULL)
			json_object_object_add(o, "id", json_object_new_string(id));
		json_object_object_add(o, "summary", json_object_new_string(ev->summary));
		json_object_object_add(o, "description", json_object_new_string(ev->description));
		json_object_object_add(o, "location", json_object_new_string(ev->location));
		json_object_object_add(o, "status", json_object_new_string("confirmed"));
	} else {
		json_object_object_add(o, "subject", json_object_new_string(ev->summary));
		x = json_object_new_object();
		json_object_object_add(x, "contentType", json_object_new_string("text"));
		json_object_object_add(x, "content", json_object_new_string(ev->description));
		json_object_object_add(o, "body", x);
		x = json_object_new_object();
		json_object_object_add(x, "displayName", json_object_new_string(ev->location));
		json_object_object_add(o, "location", x);
		if (id != NULL)
			json_object_object_add(o, "transactionId", json_object_new_string(id));
	}
	json_object_object_add(o, "start", cal_when(cal, ev->start_utc));
	json_object_object_add(o, "end", cal_when(cal, ev->end_utc));
	out = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return out;
}
