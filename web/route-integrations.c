#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cal.h"
#include "core/secret.h"
#include "core/wire.h"
#include "web/http.h"

/* Staff calendars' OAuth callbacks (redlightd(8), "Routes"; ARCHITECTURE.md,
 * "Staff calendars"):
 *   GET /api/integrations/google/oauth?code=...&state=...
 *   GET /api/integrations/outlook/oauth?code=...&state=...
 * where the provider sends the staff member's browser back after the
 * consent `redlight calendar-connect` started. The state must be the one
 * that command stored (by its hash; single use, 15 minutes); the code is
 * sealed with secret_key and stored, and the worker trades it for the
 * refresh token (calendar_connect): the token endpoint is an outside call,
 * never made on the loop. The browser gets a short HTML page; the
 * console and `redlight calendar-status` show how the connection ends.
 * ?error=... (the person declined) fails the connection with it. */

#define INTEG_QUERY_MAX 2048

/* integ_query: the percent-decoded value of name in req's query string,
 * in req's pool, or NULL when absent, too long or undecodable. */
static char *
integ_query(h2o_req_t *req, const char *name)
{
	const char *q, *end;
	size_t nlen = strlen(name);

	if (req->query_at == SIZE_MAX)
		return NULL;
	q = req->path.base + req->query_at + 1;
	end = req->path.base + req->path.len;
	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *stop = amp ? amp : end;
		if ((size_t)(stop - q) > nlen && memcmp(q, name, nlen) == 0 && q[nlen] == '=') {
			size_t n = (size_t)(stop - q) - nlen - 1;
			char *out;
			if (n == 0 || n > INTEG_QUERY_MAX)
				return NULL;
			out = h2o_mem_alloc_pool(&req->pool, n + 1);
			return wire_pct_decode(q + nlen + 1, n, out) < 0 ? NULL : out;
		}
		q = stop + 1;
	}
	return NULL;
}

/* integ_page: a small HTML page, status, with title and text (text is
 * escaped; neither holds what the request carried). */
static void
integ_page(h2o_req_t *req, int status, const char *title, const char *text)
{
	static const char head[] = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\"><title>redlight: calendar</title>"
	    "</head><body><h1>";
	size_t cap = sizeof(head) + strlen(title) + 6 * strlen(text) + 64, o;
	char *buf = h2o_mem_alloc_pool(&req->pool, cap);
	h2o_iovec_t body;

	o = (size_t)snprintf(buf, cap, "%s%s</h1><p>", head, title);
	for (const char *p = text; *p && o + 8 < cap; p++) {
		const char *rep = *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '&' ? "&amp;" :
		    *p == '"' ? "&quot;" : NULL;
		if (rep != NULL) {
			memcpy(buf + o, rep, strlen(rep));
			o += strlen(rep);
		} else {
			buf[o++] = *p;
		}
	}
	o += (size_t)snprintf(buf + o, cap - o, "</p></body></html>\n");
	body = h2o_iovec_init(buf, o);
	http_send_body(req, status, "text/html; charset=utf-8", &body, 1);
}

static void
integ_stored(h2o_req_t *req, const PGresult *res, const struct err *e, void *arg)
{
	const char *declined = arg;
	char text[400];

	if (e != NULL) {
		if (e->code == ERR_NOT_FOUND)
			integ_page(req, 404, "This link has expired", "This consent link is unknown, was used "
			    "already or is more than 15 minutes old. Ask the studio to run calendar-connect again.");
		else
			http_send_err(req, e);
		return;
	}
	if (declined != NULL) {
		snprintf(text, sizeof(text), "The calendar of %s was not connected: the consent was not given. "
		    "Ask the studio for a new link to try again.", PQgetvalue(res, 0, 0));
		integ_page(req, 200, "Not connected", text);
		return;
	}
	snprintf(text, sizeof(text), "Connecting the calendar of %s. The studio's console shows when it is "
	    "connected; approved sessions then appear in it within a minute. You can close this tab.",
	    PQgetvalue(res, 0, 0));
	integ_page(req, 200, "Connecting your calendar", text);
}

static void
integ_callback(struct http_server *srv, h2o_req_t *req, enum conf_calendar cal)
{
	const char *off = conf_calendar_off(srv->conf, cal);
	char *state = integ_query(req, "state"), *code = integ_query(req, "code");
	char *error = integ_query(req, "error"), *hash, *sealed = NULL;
	unsigned char key[SECRET_KEY_BYTES], nonce[SECRET_NONCE_BYTES];
	const char *params[4];
	struct err e;

	if (off[0] != '\0') {
		integ_page(req, 404, "Not available", off);
		return;
	}
	if (state == NULL || (code == NULL && error == NULL)) {
		integ_page(req, 400, "Not a consent answer",
		    "This address takes the calendar provider's answer (a code and a state) and nothing else.");
		return;
	}
	if (error != NULL) {
		/* an OAuth error code: letters and underscores; anything else is
		 * not repeated */
		for (char *p = error; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || *p == '_') || p - error > 64) {
				error = "error";
				break;
			}
	}
	if (secret_key_parse(srv->conf->secret_key, key, &e) != 0) {
		integ_page(req, 500, "Not available", e.msg);
		return;
	}
	hash = h2o_mem_alloc_pool(&req->pool, 65);
	cal_hash_hex(state, hash);
	if (error == NULL) {
		char *s;
		randombytes_buf(nonce, sizeof(nonce));
		s = secret_seal(code, strlen(code), key, nonce);
		sealed = h2o_mem_alloc_pool(&req->pool, strlen(s) + 1);
		memcpy(sealed, s, strlen(s) + 1);
		free(s);
	}
	sodium_memzero(key, sizeof(key));
	params[0] = cal_provider_name(cal);
	params[1] = hash;
	params[2] = sealed;
	params[3] = error;
	http_query(srv, req, "SELECT calendar_connect_code($1, $2, $3, $4)", 4, params, integ_stored,
	    error);
}

static void
integ_google(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	integ_callback(srv, req, CONF_CAL_GOOGLE);
}

static void
integ_outlook(struct http_server *srv, h2o_req_t *req, const struct http_params *params)
{
	(void)params;
	integ_callback(srv, req, CONF_CAL_OUTLOOK);
}

const struct http_route http_routes_integrations[] = {
	{ "GET", "/api/integrations/google/oauth", integ_google },
	{ "GET", "/api/integrations/outlook/oauth", integ_outlook },
	{ NULL, NULL, NULL },
};
