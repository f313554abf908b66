#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/notice.h"
#include "web/http.h"
#include "web/ratelimit.h"

/* The artist's calendar file for one booking (redlightd(8), "Routes"):
 *   GET /api/calendar/ics/booking/CODE.ics?token=TOKEN
 *       -> 200 text/calendar: METHOD:PUBLISH and the booking's one VEVENT,
 *          the very event its invites carry (core/notice.c's notice_ics:
 *          the same UID and SEQUENCE), STATUS:CANCELLED once a confirmed
 *          booking is canceled;
 *       -> 404 with one body, whatever is wrong: an unknown code, a wrong
 *          or missing token (compared in constant time with the booking's
 *          ics_token, 0015), a booking not confirmed (yet, or ever).
 * No session: the link in the artist's messages is the credential, which
 * a calendar program subscribing to it can hold. The token is 32 random
 * bytes; the "reads" rate limit slows guessing further. */

#define ICS_TOKEN_LEN 64          /* hex of 32 bytes */

static void
ics_not_found(h2o_req_t *req)
{
	http_send_error(req, 404, "not_found", NULL, "no such calendar");
}

/* The token of the query string into out (ICS_TOKEN_LEN + 1 bytes), or ""
 * when absent or of another length. */
static void
ics_token_param(h2o_req_t *req, char *out)
{
	const char *q, *end;

	out[0] = '\0';
	if (req->query_at == SIZE_MAX)
		return;
	q = req->path.base + req->query_at + 1;
	end = req->path.base + req->path.len;
	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *stop = amp ? amp : end;

		if ((size_t)(stop - q) == 6 + ICS_TOKEN_LEN && memcmp(q, "token=", 6) == 0) {
			memcpy(out, q + 6, ICS_TOKEN_LEN);
			out[ICS_TOKEN_LEN] = '\0';
			return;
		}
		q = stop + 1;
	}
}

struct ics_req {
	struct http_server *srv;
	char token[ICS_TOKEN_LEN + 1];
};

static void
ics_read(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	struct ics_req *st = arg;
	const struct conf *c = st->srv->conf;
	char stored[ICS_TOKEN_LEN + 1] = "", url[1024], base[300];
	struct json_object *js = NULL;
	struct notice_snapshot s;
	struct err why;
	h2o_iovec_t body;
	char *ics = NULL;
	int same, live;

	if (e != NULL) {
		http_send_err(req, e);
		return;
	}
	if (PQntuples(res) == 1)
		snprintf(stored, sizeof(stored), "%s", PQgetvalue(res, 0, 0));
	/* always the same work, whether the code exists or not */
	same = strlen(stored) == ICS_TOKEN_LEN && strlen(st->token) == ICS_TOKEN_LEN;
	same = (sodium_memcmp(stored[0] ? stored : st->token, st->token, ICS_TOKEN_LEN) == 0) && same;
	if (!same) {
		ics_not_found(req);
		return;
	}
	js = json_tokener_parse(PQgetvalue(res, 0, 1));
	if (notice_snapshot_parse(js, &s, &why) != 0) {
		json_object_put(js);
		ics_not_found(req);
		return;
	}
	live = s.status != NULL && (strcmp(s.status, "confirmed") == 0 || strcmp(s.status, "completed") == 0);
	if (!live && !(s.status != NULL && strcmp(s.status, "canceled") == 0 && s.was_confirmed)) {
		json_object_put(js);
		ics_not_found(req);
		return;
	}
	notice_ics_url(conf_public_base(c, base, sizeof(base)), s.b.code, s.ics_token, url, sizeof(url));
	ics = notice_ics(&s, ICS_PUBLISH, !live, c->mail_from[0] ? c->mail_from : NULL, (int64_t)time(NULL), url,
	    &why);
	json_object_put(js);
	if (ics == NULL) {
		http_send_err(req, &why);
		return;
	}
	body = h2o_strdup(&req->pool, ics, SIZE_MAX);
	free(ics);
	http_send_body(req, 200, "text/calendar; charset=utf-8", &body, 1);
}

static void
ics_get(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	h2o_iovec_t file = http_param(params, "file");
	struct ics_req *st;
	char code[64];
	const char *p[1] = { code };
	size_t n;

	if (!ratelimit_allow(srv, req, RATELIMIT_READS, NULL))
		return;
	/* CODE.ics, the code letters, digits and dashes */
	if (file.len <= 4 || file.len - 4 >= sizeof(code) || memcmp(file.base + file.len - 4, ".ics", 4) != 0) {
		ics_not_found(req);
		return;
	}
	n = file.len - 4;
	memcpy(code, file.base, n);
	code[n] = '\0';
	if (strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != n) {
		ics_not_found(req);
		return;
	}
	st = h2o_mem_alloc_pool(&req->pool, sizeof(*st));
	st->srv = srv;
	ics_token_param(req, st->token);
	http_query(srv, req,
	    "SELECT b.ics_token, notification_snapshot(b.id, '{}'::jsonb)::text FROM booking b WHERE b.code = upper($1)",
	    1, p, ics_read, st);
}

const struct http_route http_routes_booking_ics[] = {
	{ "GET", "/api/calendar/ics/booking/:file", ics_get },
	{ NULL, NULL, NULL },
};
