#include "core/feed.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ics.h"
#include "core/xalloc.h"

/* What each event borrows until the calendar is written. */
struct feed_texts {
	char uid[160];
	char summary[400];
	char *description;
};

void
feed_etag(const char *text, size_t len, char etag[FEED_ETAG_SIZE])
{
	unsigned char h[16];

	/* BLAKE2b, 128 bits: tells every feed apart, and hashes a feed of
	 * 1,000 events several times faster than SHA-256 here */
	crypto_generichash(h, sizeof(h), (const unsigned char *)text, len, NULL, 0);
	etag[0] = '"';
	sodium_bin2hex(etag + 1, FEED_ETAG_SIZE - 2, h, sizeof(h));
	etag[FEED_ETAG_SIZE - 2] = '"';
	etag[FEED_ETAG_SIZE - 1] = '\0';
}

int
feed_render(const char *name, const char *mail_from, const struct feed_item *items, size_t n,
    struct feed_doc *out, struct err *e)
{
	struct ics_calendar cal = { ICS_PUBLISH, name, FEED_REFRESH_MINUTES };
	struct ics_event *ev = xcalloc(n ? n : 1, sizeof(*ev));
	struct feed_texts *t = xcalloc(n ? n : 1, sizeof(*t));
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		const struct feed_item *it = &items[i];
		int artist = it->artist_name != NULL && it->artist_name[0] != '\0';
		int svc = it->services != NULL && it->services[0] != '\0';
		size_t dlen = 64 + strlen(it->code) + (svc ? strlen(it->services) : 0) +
		    (artist ? strlen(it->artist_name) : 0);

		if (it->booking_id == NULL || it->code == NULL || it->room_name == NULL) {
			rc = err_set(e, ERR_INVALID, it->booking_id == NULL ? "booking_id" : it->code == NULL ?
			    "code" : "room_name", "a feed item needs its booking id, code and room");
			goto done;
		}
		ics_booking_uid(t[i].uid, sizeof(t[i].uid), it->booking_id, mail_from);
		snprintf(t[i].summary, sizeof(t[i].summary), "%s%s%s (%s)", artist ? it->artist_name : "",
		    artist ? ", " : "", it->room_name, it->code);
		t[i].description = xcalloc(1, dlen);
		snprintf(t[i].description, dlen, "Booking %s%s%s%s%s", it->code, artist ? "\nArtist: " : "",
		    artist ? it->artist_name : "", svc ? "\nServices: " : "", svc ? it->services : "");
		ev[i].uid = t[i].uid;
		ev[i].sequence = it->sequence;
		ev[i].start = it->start;
		ev[i].end = it->end;
		ev[i].stamp = it->changed;
		ev[i].canceled = it->canceled;
		ev[i].summary = t[i].summary;
		ev[i].location = it->room_name;
		ev[i].description = t[i].description;
	}
	if ((out->text = ics_render(&cal, ev, n, e)) == NULL) {
		rc = e != NULL ? e->code : ERR_INVALID;
		goto done;
	}
	out->len = strlen(out->text);
	feed_etag(out->text, out->len, out->etag);
done:
	for (size_t i = 0; i < n; i++)
		free(t[i].description);
	free(t);
	free(ev);
	return rc;
}

void
feed_url(const char *base, const char *staff_id, const char *token, int webcal, char *buf, size_t len)
{
	const char *host = strstr(base, "://");

	snprintf(buf, len, "%s%s/api/calendar/ics/staff/%s.ics?token=%s", webcal ? "webcal" : "",
	    webcal ? (host != NULL ? host : "://") : base, staff_id, token);
	if (webcal && host == NULL)
		snprintf(buf, len, "webcal://%s/api/calendar/ics/staff/%s.ics?token=%s", base, staff_id, token);
}
