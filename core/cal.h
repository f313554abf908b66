/* cal.h: staff calendars, the pure part: the OAuth 2.0 consent URL with
 * PKCE (RFC 7636), the event id we choose for Google, and the event each
 * provider is sent. The calls themselves are web/worker-cal.c's; the
 * consent starts at `redlight calendar-connect`. */
#ifndef REDLIGHT_CAL_H
#define REDLIGHT_CAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"

/* The paths of redlightd's OAuth callbacks, after the redirect base. */
#define CAL_GOOGLE_CALLBACK "/api/integrations/google/oauth"
#define CAL_OUTLOOK_CALLBACK "/api/integrations/outlook/oauth"

/* The scopes asked for. */
#define CAL_GOOGLE_SCOPE "https://www.googleapis.com/auth/calendar.events"
#define CAL_OUTLOOK_SCOPE "offline_access Calendars.ReadWrite"

/* cal_provider_parse: "google" or "outlook" into *out; ERR_INVALID (field
 * "provider") otherwise. cal_provider_name: the reverse (static). */
int cal_provider_parse(const char *s, enum conf_calendar *out, struct err *e);
const char *cal_provider_name(enum conf_calendar cal);

/* cal_redirect_uri: the callback URL registered with the provider (the
 * redirect base without a trailing '/', then the callback path). The
 * caller frees it. Cannot fail. */
char *cal_redirect_uri(const struct conf *c, enum conf_calendar cal);

/* cal_b64url: n bytes as unpadded base64url into out (at least
 * 4 * n / 3 + 4 bytes). Cannot fail. */
void cal_b64url(const unsigned char *in, size_t n, char *out, size_t outlen);

/* cal_challenge: the PKCE S256 challenge of verifier (base64url of its
 * SHA-256) into out (at least 44 bytes). Cannot fail. */
void cal_challenge(const char *verifier, char *out, size_t outlen);

/* cal_hash_hex: SHA-256 of s as 64 hex digits into out (65 bytes); the
 * state is kept only as this. Cannot fail. */
void cal_hash_hex(const char *s, char out[65]);

/* cal_consent_url: the authorization URL a staff member opens: Google's
 * (access_type=offline, prompt=consent, scope CAL_GOOGLE_SCOPE) or
 * Microsoft's (the tenant's v2.0 authorize, CAL_OUTLOOK_SCOPE), with
 * response_type=code, the client id, the redirect URI, state and the S256
 * challenge. The caller frees it. Cannot fail. */
char *cal_consent_url(const struct conf *c, enum conf_calendar cal, const char *state,
    const char *challenge);

/* cal_google_event_id: the id we give booking's event on staff's Google
 * calendar: both UUIDs' hex digits, which Google's id alphabet (base32hex:
 * a-v, 0-9) takes, 64 characters, into out (65 bytes). The same pair
 * always gives the same id, so creating twice is a 409, never a second
 * event. ERR_INVALID when either is not a UUID. */
int cal_google_event_id(const char *booking_id, const char *staff_id, char out[65], struct err *e);

/* What an event says. Times are RFC 3339 UTC ("2027-01-04T15:00:00Z"). */
struct cal_event {
	const char *summary;
	const char *description;
	const char *location;
	const char *start_utc, *end_utc;
};

/* cal_event_json: the body for cal: Google's event resource (start and
 * end dateTime in UTC, status confirmed, and id when non-NULL) or Graph's
 * (subject, body text, start and end in timeZone UTC, location, and
 * transactionId when non-NULL). The caller frees it. ERR_INVALID when a
 * time is not RFC 3339 UTC. */
char *cal_event_json(enum conf_calendar cal, const struct cal_event *ev, const char *id,
    struct err *e);

#endif
