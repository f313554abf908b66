#include "web/worker-cal.h"

#include <curl/curl.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/cal.h"
#include "core/sbuf.h"
#include "core/secret.h"
#include "core/xalloc.h"

/* The longest answer read: events and tokens are a few kilobytes. */
#define CAL_ANSWER_MAX (1024 * 1024)
/* An access token is used until this long before it expires. */
#define CAL_TOKEN_MARGIN_MS 60000
/* The longest Retry-After waited for inside one run, in seconds; a longer
 * one retries the job (its backoff). */
#define CAL_WAIT_MAX_S 5

/* One access token, kept in memory (never stored). */
struct cal_token {
	char staff[37];
	enum conf_calendar prov;
	char *token;
	int64_t expires_ms;
	struct cal_token *next;
};

struct worker_cal {
	struct conf c;
	unsigned char key[SECRET_KEY_BYTES];
	int on[2];
	CURL *curl;
	struct cal_token *tokens;
};

/* How one step ended. */
enum cal_res {
	CAL_OK,
	CAL_RETRY,                /* may work later */
	CAL_FAIL,                 /* will not work as things are */
};

/* One staff member's calendar at one provider, for one booking. */
struct cal_pair {
	const char *booking, *staff;
	enum conf_calendar prov;
	const char *refresh_sealed;
	int gen;
};

struct cal_answer {
	long status;              /* 0: no answer */
	struct json_object *json; /* the body when it is a JSON object, else NULL */
	long retry_after;         /* seconds, 0 when not said */
};

static int64_t
cal_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void __attribute__((format(printf, 3, 4)))
cal_say(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
}

struct worker_cal *
worker_cal_new(const struct conf *c, char *why, size_t whylen)
{
	struct worker_cal *w;
	const char *g = conf_calendar_off(c, CONF_CAL_GOOGLE), *o = conf_calendar_off(c, CONF_CAL_OUTLOOK);
	struct err e;

	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "calendars are not configured: %s; %s", g, o);
	if (g[0] != '\0' && o[0] != '\0')
		return NULL;
	w = xcalloc(1, sizeof(*w));
	if (secret_key_parse(c->secret_key, w->key, &e) != 0) {
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "calendars are off: %s", e.msg);
		free(w);
		return NULL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	w->c = *c;
	w->on[CONF_CAL_GOOGLE] = g[0] == '\0';
	w->on[CONF_CAL_OUTLOOK] = o[0] == '\0';
	w->curl = curl_easy_init();
	if (w->curl == NULL) {
		fprintf(stderr, "redlight: libcurl cannot start\n");
		abort();
	}
	return w;
}

void
worker_cal_free(struct worker_cal *w)
{
	if (w == NULL)
		return;
	while (w->tokens != NULL) {
		struct cal_token *t = w->tokens;
		w->tokens = t->next;
		sodium_memzero(t->token, strlen(t->token));
		free(t->token);
		free(t);
	}
	sodium_memzero(w->key, sizeof(w->key));
	curl_easy_cleanup(w->curl);
	free(w);
}

/* ---- HTTP ---- */

static size_t
cal_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sbuf *b = arg;
	size_t n = size * nmemb;

	if (b->len + n > CAL_ANSWER_MAX)
		return 0;
	sbuf_add(b, data, n);
	return n;
}

static void
cal_answer_free(struct cal_answer *a)
{
	json_object_put(a->json);
	memset(a, 0, sizeof(*a));
}

/* cal_http: one request by deadline_ms: a form (token endpoints) or JSON
 * body, with a bearer token when given. 0 with *a filled when an answer
 * came (any status); -1 with msg when none did. */
static int
cal_http(struct worker_cal *w, const char *method, const char *url, const char *bearer,
    const char *form, const char *json, int64_t deadline_ms, struct cal_answer *a, char *msg,
    size_t msglen)
{
	struct sbuf b = SBUF_INIT;
	struct curl_slist *h = NULL;
	struct sbuf auth = SBUF_INIT;
	char errbuf[CURL_ERROR_SIZE] = "";
	int64_t left = deadline_ms - cal_now_ms();
	const char *body = form ? form : json;
	curl_off_t ra = 0;
	CURLcode cc;

	memset(a, 0, sizeof(*a));
	if (left <= 0) {
		cal_say(msg, msglen, "no time left for %s %s", method, url);
		return -1;
	}
	curl_easy_reset(w->curl);
	if (bearer != NULL) {
		sbuf_cat(&auth, "Authorization: Bearer ", bearer, (const char *)NULL);
		h = curl_slist_append(h, auth.s);
	}
	h = curl_slist_append(h, "Accept: application/json");
	h = curl_slist_append(h, "Expect:");
	if (json != NULL)
		h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(w->curl, CURLOPT_URL, url);
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(w->curl, CURLOPT_USERAGENT, "redlight/" PACKAGE_VERSION);
	curl_easy_setopt(w->curl, CURLOPT_TIMEOUT_MS, (long)left);
	curl_easy_setopt(w->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)left);
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, cal_write);
	curl_easy_setopt(w->curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(w->curl, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	cc = curl_easy_perform(w->curl);
	curl_slist_free_all(h);
	if (auth.s != NULL) {
		sodium_memzero(auth.s, auth.len);
		free(auth.s);
	}
	if (cc != CURLE_OK) {
		cal_say(msg, msglen, "%s %s: no answer: %s", method, url, errbuf[0] ? errbuf : curl_easy_strerror(cc));
		free(b.s);
		return -1;
	}
	curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &a->status);
	if (curl_easy_getinfo(w->curl, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		a->retry_after = (long)ra;
	a->json = b.s ? json_tokener_parse(b.s) : NULL;
	if (a->json != NULL && !json_object_is_type(a->json, json_type_object)) {
		json_object_put(a->json);
		a->json = NULL;
	}
	free(b.s);
	return 0;
}

/* cal_str: obj's string field name, "" when absent. */
static const char *
cal_str(struct json_object *obj, const char *name)
{
	struct json_object *v;

	if (obj != NULL && json_object_object_get_ex(obj, name, &v) && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return "";
}

/* cal_error_text: what an error answer says: OAuth's {"error",
 * "error_description"} or the APIs' {"error":{"code","message"}}. */
static void
cal_error_text(const struct cal_answer *a, char *out, size_t len)
{
	struct json_object *er = NULL;

	if (a->json != NULL && json_object_object_get_ex(a->json, "error", &er) &&
	    json_object_is_type(er, json_type_object)) {
		snprintf(out, len, "%ld %s", a->status, cal_str(er, "message"));
		return;
	}
	if (a->json != NULL && cal_str(a->json, "error")[0] != '\0') {
		snprintf(out, len, "%ld %s%s%s", a->status, cal_str(a->json, "error"),
		    cal_str(a->json, "error_description")[0] ? ": " : "", cal_str(a->json, "error_description"));
		return;
	}
	snprintf(out, len, "%ld", a->status);
}

/* cal_rate_limited: 429, or Google's 403 with reason rateLimitExceeded or
 * userRateLimitExceeded. */
static int
cal_rate_limited(const struct cal_answer *a)
{
	struct json_object *er, *errs, *first;

	if (a->status == 429)
		return 1;
	if (a->status != 403 || a->json == NULL || !json_object_object_get_ex(a->json, "error", &er) ||
	    !json_object_object_get_ex(er, "errors", &errs) || !json_object_is_type(errs, json_type_array) ||
	    json_object_array_length(errs) < 1)
		return 0;
	first = json_object_array_get_idx(errs, 0);
	return strstr(cal_str(first, "reason"), "RateLimitExceeded") != NULL ||
	    strcmp(cal_str(first, "reason"), "rateLimitExceeded") == 0;
}

/* cal_form_add: "&name=value" escaped onto b. */
static void
cal_form_add(struct worker_cal *w, struct sbuf *b, const char *name, const char *value)
{
	char *v = curl_easy_escape(w->curl, value, 0);

	sbuf_cat(b, b->len ? "&" : "", name, "=", v, (const char *)NULL);
	curl_free(v);
}

/* cal_token_url: the provider's token endpoint, into out. */
static void
cal_token_url(const struct worker_cal *w, enum conf_calendar prov, char *out, size_t len)
{
	if (prov == CONF_CAL_GOOGLE)
		snprintf(out, len, "%s", w->c.google_token_url);
	else
		snprintf(out, len, "%s/%s/oauth2/v2.0/token", w->c.microsoft_login_base, w->c.microsoft_tenant);
}

/* cal_token_form: the client's part of a token request. */
static void
cal_token_form(struct worker_cal *w, enum conf_calendar prov, struct sbuf *b)
{
	int g = prov == CONF_CAL_GOOGLE;

	cal_form_add(w, b, "client_id", g ? w->c.google_client_id : w->c.microsoft_client_id);
	cal_form_add(w, b, "client_secret", g ? w->c.google_client_secret : w->c.microsoft_client_secret);
	if (!g)
		cal_form_add(w, b, "scope", CAL_OUTLOOK_SCOPE);
}

static struct cal_token *
cal_token_find(struct worker_cal *w, const char *staff, enum conf_calendar prov)
{
	for (struct cal_token *t = w->tokens; t != NULL; t = t->next)
		if (t->prov == prov && strcmp(t->staff, staff) == 0)
			return t;
	return NULL;
}

/* cal_token_keep: remember access for staff at prov for expires_in s. */
static void
cal_token_keep(struct worker_cal *w, const char *staff, enum conf_calendar prov, const char *access,
    long expires_in)
{
	struct cal_token *t = cal_token_find(w, staff, prov);

	if (t == NULL) {
		t = xcalloc(1, sizeof(*t));
		snprintf(t->staff, sizeof(t->staff), "%s", staff);
		t->prov = prov;
		t->next = w->tokens;
		w->tokens = t;
	} else {
		sodium_memzero(t->token, strlen(t->token));
		free(t->token);
	}
	t->token = xstrdup(access);
	t->expires_ms = cal_now_ms() + (expires_in > 0 ? expires_in : 3600) * 1000 - CAL_TOKEN_MARGIN_MS;
}

static void
cal_token_drop(struct worker_cal *w, const char *staff, enum conf_calendar prov)
{
	struct cal_token *t = cal_token_find(w, staff, prov);

	if (t != NULL)
		t->expires_ms = 0;
}

/* cal_token_post: the request form (its grant) plus the client's part
 * to prov's token endpoint; the form is wiped and freed. 0 with *a, or -1
 * with msg, as cal_http. */
static int
cal_token_post(struct worker_cal *w, enum conf_calendar prov, struct sbuf *form, int64_t deadline_ms,
    struct cal_answer *a, char *msg, size_t msglen)
{
	char url[600];
	int rc;

	cal_token_form(w, prov, form);
	cal_token_url(w, prov, url, sizeof(url));
	rc = cal_http(w, "POST", url, NULL, form->s, NULL, deadline_ms, a, msg, msglen);
	sodium_memzero(form->s, form->len);
	free(form->s);
	memset(form, 0, sizeof(*form));
	return rc;
}

/* cal_token_answer: keep the access token a token answer carries. */
static void
cal_token_answer(struct worker_cal *w, const char *staff, enum conf_calendar prov, const struct cal_answer *a)
{
	struct json_object *v;

	if (cal_str(a->json, "access_token")[0] != '\0')
		cal_token_keep(w, staff, prov, cal_str(a->json, "access_token"),
		    json_object_object_get_ex(a->json, "expires_in", &v) ? (long)json_object_get_int64(v) : 0);
}

/* cal_reconnect: mark the connection reconnect_needed with why. */
static void
cal_reconnect(struct db *db, const struct cal_pair *p, const char *why)
{
	const char *params[4] = { p->staff, cal_provider_name(p->prov), "reconnect_needed", why };

	db_exec(db, "SELECT calendar_connection_fail($1, $2, $3, $4)", 4, params, NULL, NULL);
}

/* cal_access: an access token for p (borrowed from the cache), refreshed
 * when it is near its end or force is set. */
static enum cal_res
cal_access(struct worker_cal *w, struct db *db, const struct cal_pair *p, int force, int64_t deadline_ms,
    const char **out, char *msg, size_t msglen)
{
	struct cal_token *t = cal_token_find(w, p->staff, p->prov);
	struct sbuf form = SBUF_INIT;
	struct cal_answer a;
	char text[300];
	char *refresh;
	size_t rlen;
	struct err e;
	int rc;

	if (t != NULL && !force && t->expires_ms > cal_now_ms()) {
		*out = t->token;
		return CAL_OK;
	}
	if ((refresh = secret_open(p->refresh_sealed, w->key, &rlen, &e)) == NULL) {
		cal_say(msg, msglen, "reconnect needed: the stored refresh token does not open (%s)", e.msg);
		cal_reconnect(db, p, msg);
		return CAL_FAIL;
	}
	cal_form_add(w, &form, "grant_type", "refresh_token");
	cal_form_add(w, &form, "refresh_token", refresh);
	sodium_memzero(refresh, rlen);
	free(refresh);
	if (cal_token_post(w, p->prov, &form, deadline_ms, &a, msg, msglen) != 0)
		return CAL_RETRY;
	if (a.status == 200 && cal_str(a.json, "access_token")[0] != '\0') {
		cal_token_answer(w, p->staff, p->prov, &a);
		cal_answer_free(&a);
		*out = cal_token_find(w, p->staff, p->prov)->token;
		return CAL_OK;
	}
	cal_error_text(&a, text, sizeof(text));
	if (a.status == 400 || a.status == 401) {
		/* invalid_grant: revoked, expired or the consent withdrawn */
		cal_say(msg, msglen, "reconnect needed: the refresh token was refused (%s); run redlight "
		    "calendar-connect again", text);
		cal_reconnect(db, p, msg);
		cal_answer_free(&a);
		return CAL_FAIL;
	}
	cal_say(msg, msglen, "the token endpoint answered %s", text);
	rc = a.status >= 500 || a.status == 429;
	cal_answer_free(&a);
	return rc ? CAL_RETRY : CAL_FAIL;
}

/* cal_sleep_s: sleep s seconds. */
static void
cal_sleep_s(long s)
{
	struct timespec ts = { s, 0 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* cal_call: one API call for p with a fresh enough token: a 401 refreshes
 * the token and tries once more; a rate limit waits its Retry-After and
 * tries once more when that fits before the deadline. CAL_OK with *a
 * (the caller's: cal_answer_free) for any other answer. */
static enum cal_res
cal_call(struct worker_cal *w, struct db *db, const struct cal_pair *p, const char *method,
    const char *url, const char *json, int64_t deadline_ms, struct cal_answer *a, char *msg, size_t msglen)
{
	int refreshed = 0, waited = 0;
	const char *tok;
	enum cal_res r;
	char text[300];

	for (;;) {
		if ((r = cal_access(w, db, p, 0, deadline_ms, &tok, msg, msglen)) != CAL_OK)
			return r;
		if (cal_http(w, method, url, tok, NULL, json, deadline_ms, a, msg, msglen) != 0)
			return CAL_RETRY;
		if (a->status == 401 && !refreshed) {
			refreshed = 1;
			cal_token_drop(w, p->staff, p->prov);
			cal_answer_free(a);
			continue;
		}
		if (cal_rate_limited(a)) {
			long s = a->retry_after > 0 ? a->retry_after : 1;
			cal_error_text(a, text, sizeof(text));
			if (!waited && s <= CAL_WAIT_MAX_S && cal_now_ms() + s * 1000 + 1000 < deadline_ms) {
				waited = 1;
				cal_answer_free(a);
				cal_sleep_s(s);
				continue;
			}
			cal_say(msg, msglen, "rate limited (%s); Retry-After %ld s", text, s);
			cal_answer_free(a);
			return CAL_RETRY;
		}
		if (a->status == 401) {
			cal_error_text(a, text, sizeof(text));
			cal_say(msg, msglen, "the provider refused a fresh access token (%s)", text);
			cal_answer_free(a);
			return CAL_RETRY;
		}
		return CAL_OK;
	}
}

/* ---- the event ---- */

struct cal_booking {
	char id[37];
	char status[24];
	char start[24], end[24];
	char *summary, *description, *location;
};

static void
cal_booking_free(struct cal_booking *b)
{
	free(b->summary);
	free(b->description);
	free(b->location);
}

/* cal_urls: the events collection (and one event when id is given). */
static void
cal_url(struct worker_cal *w, enum conf_calendar prov, const char *id, char *out, size_t len)
{
	char *esc = id ? curl_easy_escape(w->curl, id, 0) : NULL;

	if (prov == CONF_CAL_GOOGLE)
		snprintf(out, len, "%s/calendar/v3/calendars/primary/events%s%s?sendUpdates=none",
		    w->c.google_api_base, esc ? "/" : "", esc ? esc : "");
	else
		snprintf(out, len, "%s/v1.0/me/events%s%s", w->c.microsoft_graph_base, esc ? "/" : "",
		    esc ? esc : "");
	curl_free(esc);
}

/* cal_record: one attempt into calendar_sync_attempt and calendar_sync. */
static void
cal_record(struct db *db, const struct cal_pair *p, const char *action, int ok, long http,
    const char *error, const char *event_id)
{
	char hs[16];
	const char *params[8] = { p->booking, p->staff, cal_provider_name(p->prov), action, ok ? "t" : "f",
		http > 0 ? hs : NULL, error && error[0] ? error : NULL, event_id && event_id[0] ? event_id : NULL };
	struct err e;

	snprintf(hs, sizeof(hs), "%ld", http);
	if (db_exec(db, "SELECT calendar_sync_record($1, $2, $3, $4, $5, $6::int, $7, $8)", 8, params,
	    NULL, &e) != 0)
		fprintf(stderr, "redlight worker: cannot record a calendar attempt: %s\n", e.msg);
}

/* cal_status_res: what a final error status means for the job. */
static enum cal_res
cal_status_res(long status)
{
	return status >= 500 || status == 429 || status == 408 ? CAL_RETRY : CAL_FAIL;
}

/* cal_put: make p's event exist at b's times: update event_id when there
 * is one (404 or 410: it is gone, create it), else create (Google: our
 * id, and a 409 means it exists: update it; Graph: the transactionId). */
static enum cal_res
cal_put(struct worker_cal *w, struct db *db, const struct cal_pair *p, const struct cal_booking *b,
    const char *event_id, int64_t deadline_ms, char *msg, size_t msglen)
{
	const struct cal_event ev = { b->summary, b->description, b->location, b->start, b->end };
	char gid[65] = "", txn[128], url[1024], text[300], id[512];
	int create = event_id == NULL || event_id[0] == '\0', tries = 0;
	struct cal_answer a;
	enum cal_res r;
	struct err e;
	char *body;

	if (cal_google_event_id(p->booking, p->staff, gid, &e) != 0) {
		cal_say(msg, msglen, "%s", e.msg);
		return CAL_FAIL;
	}
	snprintf(txn, sizeof(txn), "rl-%s-%s-%d", p->booking, p->staff, p->gen);
	snprintf(id, sizeof(id), "%s", create ? "" : event_id);
	while (tries++ < 3) {
		const char *action = create ? "create" : "update";
		if (create)
			body = cal_event_json(p->prov, &ev, p->prov == CONF_CAL_GOOGLE ? gid : txn, &e);
		else
			body = cal_event_json(p->prov, &ev, NULL, &e);
		if (body == NULL) {
			cal_say(msg, msglen, "%s", e.msg);
			return CAL_FAIL;
		}
		cal_url(w, p->prov, create ? NULL : id, url, sizeof(url));
		r = cal_call(w, db, p, create ? "POST" : "PATCH", url, body, deadline_ms, &a, msg, msglen);
		free(body);
		if (r != CAL_OK) {
			cal_record(db, p, action, 0, 0, msg, NULL);
			return r;
		}
		if (a.status >= 200 && a.status < 300) {
			const char *got = cal_str(a.json, "id");
			if (got[0] == '\0' && !create)
				got = id;
			if (got[0] == '\0') {
				cal_say(msg, msglen, "the %s answered %ld without an event id",
				    p->prov == CONF_CAL_GOOGLE ? "Calendar API" : "Graph API", a.status);
				cal_record(db, p, action, 0, a.status, msg, NULL);
				cal_answer_free(&a);
				return CAL_RETRY;
			}
			cal_record(db, p, action, 1, a.status, NULL, got);
			cal_answer_free(&a);
			return CAL_OK;
		}
		if (create && a.status == 409 && p->prov == CONF_CAL_GOOGLE) {
			/* ours already: a run before us made it (or it was deleted
			 * and is brought back by the update's status) */
			cal_answer_free(&a);
			create = 0;
			snprintf(id, sizeof(id), "%s", gid);
			continue;
		}
		if (!create && (a.status == 404 || a.status == 410)) {
			cal_answer_free(&a);
			create = 1;
			continue;
		}
		cal_error_text(&a, text, sizeof(text));
		cal_say(msg, msglen, "%s %s: %s", cal_provider_name(p->prov), action, text);
		cal_record(db, p, action, 0, a.status, msg, NULL);
		r = cal_status_res(a.status);
		cal_answer_free(&a);
		return r;
	}
	cal_say(msg, msglen, "%s: the event keeps changing under us", cal_provider_name(p->prov));
	cal_record(db, p, "update", 0, 0, msg, NULL);
	return CAL_RETRY;
}

/* cal_delete: take event_id off p's calendar; gone already is done. */
static enum cal_res
cal_delete(struct worker_cal *w, struct db *db, const struct cal_pair *p, const char *event_id,
    int64_t deadline_ms, char *msg, size_t msglen)
{
	struct cal_answer a;
	char url[1024], text[300];
	enum cal_res r;

	cal_url(w, p->prov, event_id, url, sizeof(url));
	if ((r = cal_call(w, db, p, "DELETE", url, NULL, deadline_ms, &a, msg, msglen)) != CAL_OK) {
		cal_record(db, p, "delete", 0, 0, msg, NULL);
		return r;
	}
	if ((a.status >= 200 && a.status < 300) || a.status == 404 || a.status == 410) {
		cal_record(db, p, "delete", 1, a.status, NULL, event_id);
		cal_answer_free(&a);
		return CAL_OK;
	}
	cal_error_text(&a, text, sizeof(text));
	cal_say(msg, msglen, "%s delete: %s", cal_provider_name(p->prov), text);
	cal_record(db, p, "delete", 0, a.status, msg, NULL);
	r = cal_status_res(a.status);
	cal_answer_free(&a);
	return r;
}

static const char cal_booking_sql[] =
    "SELECT b.status, json_utc(b.start_at), json_utc(b.end_at), calendar_summary(b.id), r.name,"
    " 'Studio session for ' || coalesce(u.name, 'the studio') || ', booking ' || b.code ||"
    " '. Kept by redlight: changes made here are overwritten.'"
    " FROM booking b JOIN room r ON r.id = b.room_id LEFT JOIN app_user u ON u.id = b.user_id"
    " WHERE b.id = $1";

/* cal_sync: reconcile one booking's events with calendar_sync_plan. */
static enum db_job_outcome
cal_sync(struct worker_cal *w, struct db *db, const char *booking, int64_t deadline_ms, char *msg,
    size_t msglen)
{
	const char *params[1] = { booking };
	struct cal_booking b;
	PGresult *res = NULL;
	enum cal_res worst = CAL_OK;
	char one[256];
	struct err e;
	int rc;

	memset(&b, 0, sizeof(b));
	if (db_exec(db, "SELECT pg_try_advisory_lock(hashtext('calendar ' || $1))", 1, params, &res, &e) != 0) {
		cal_say(msg, msglen, "%s", e.msg);
		return DB_JOB_RETRY;
	}
	rc = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!rc) {
		cal_say(msg, msglen, "another worker is syncing this booking's calendars");
		return DB_JOB_RETRY;
	}
	if (db_exec(db, cal_booking_sql, 1, params, &res, &e) != 0) {
		cal_say(msg, msglen, "%s", e.msg);
		worst = CAL_RETRY;
		goto out;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		goto out;  /* the booking is gone, and its events' rows with it */
	}
	snprintf(b.id, sizeof(b.id), "%s", booking);
	snprintf(b.status, sizeof(b.status), "%s", PQgetvalue(res, 0, 0));
	snprintf(b.start, sizeof(b.start), "%s", PQgetvalue(res, 0, 1));
	snprintf(b.end, sizeof(b.end), "%s", PQgetvalue(res, 0, 2));
	b.summary = xstrdup(PQgetvalue(res, 0, 3));
	b.location = xstrdup(PQgetvalue(res, 0, 4));
	b.description = xstrdup(PQgetvalue(res, 0, 5));
	PQclear(res);
	if (db_exec(db, "SELECT staff_id, provider, want, conn_status, refresh_token_sealed,"
	    " external_event_id, create_gen, in_step FROM calendar_sync_plan($1)", 1, params, &res, &e) != 0) {
		cal_say(msg, msglen, "%s", e.msg);
		worst = CAL_RETRY;
		goto out;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		struct cal_pair p = { booking, PQgetvalue(res, i, 0), CONF_CAL_GOOGLE,
			PQgetvalue(res, i, 4), atoi(PQgetvalue(res, i, 6)) };
		int want = strcmp(PQgetvalue(res, i, 2), "t") == 0;
		int connected = strcmp(PQgetvalue(res, i, 3), "connected") == 0;
		const char *event = PQgetisnull(res, i, 5) ? NULL : PQgetvalue(res, i, 5);
		enum cal_res r = CAL_OK;

		cal_provider_parse(PQgetvalue(res, i, 1), &p.prov, NULL);
		one[0] = '\0';
		if (!want && event == NULL)
			continue;  /* nothing there, nothing wanted */
		if (want && event != NULL && strcmp(PQgetvalue(res, i, 7), "t") == 0)
			continue;  /* in step already */
		if (!w->on[p.prov]) {
			cal_say(one, sizeof(one), "%s", conf_calendar_off(&w->c, p.prov));
			cal_record(db, &p, want ? (event ? "update" : "create") : "delete", 0, 0, one, NULL);
			r = CAL_FAIL;
		} else if (!connected) {
			cal_say(one, sizeof(one), "reconnect needed: this staff member's %s calendar is %s; run "
			    "redlight calendar-connect", cal_provider_name(p.prov),
			    PQgetisnull(res, i, 3) ? "not connected" : PQgetvalue(res, i, 3));
			cal_record(db, &p, want ? (event ? "update" : "create") : "delete", 0, 0, one, NULL);
			r = CAL_FAIL;
		} else if (want) {
			r = cal_put(w, db, &p, &b, event, deadline_ms, one, sizeof(one));
		} else {
			r = cal_delete(w, db, &p, event, deadline_ms, one, sizeof(one));
		}
		if (r != CAL_OK && (msg[0] == '\0' || (r == CAL_RETRY && worst != CAL_RETRY)))
			snprintf(msg, msglen, "%s", one);
		if (r == CAL_RETRY || (r == CAL_FAIL && worst == CAL_OK))
			worst = r;
	}
	PQclear(res);
out:
	db_exec(db, "SELECT pg_advisory_unlock(hashtext('calendar ' || $1))", 1, params, NULL, NULL);
	cal_booking_free(&b);
	return worst == CAL_OK ? DB_JOB_DONE : worst == CAL_RETRY ? DB_JOB_RETRY : DB_JOB_FAIL;
}

/* ---- the connection ---- */

/* cal_connect: trade the stored code for a refresh token. */
static enum db_job_outcome
cal_connect(struct worker_cal *w, struct db *db, const char *staff, const char *provider,
    int64_t deadline_ms, char *msg, size_t msglen)
{
	const char *params[4] = { staff, provider, NULL, NULL };
	enum conf_calendar prov;
	struct sbuf form = SBUF_INIT;
	struct cal_answer a;
	unsigned char nonce[SECRET_NONCE_BYTES];
	char text[300], *code, *verifier, *redirect, *sealed;
	PGresult *res;
	size_t clen, vlen;
	struct err e;
	int rc;

	if (cal_provider_parse(provider, &prov, &e) != 0) {
		cal_say(msg, msglen, "%s", e.msg);
		return DB_JOB_FAIL;
	}
	if (!w->on[prov]) {
		cal_say(msg, msglen, "%s", conf_calendar_off(&w->c, prov));
		return DB_JOB_SKIPPED;
	}
	if (db_exec(db, "SELECT code_sealed, verifier_sealed FROM calendar_connection WHERE staff_id = $1"
	    " AND provider = $2 AND status = 'exchanging'", 2, params, &res, &e) != 0) {
		cal_say(msg, msglen, "%s", e.msg);
		return DB_JOB_RETRY;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		return DB_JOB_DONE;  /* traded already, or started over */
	}
	code = secret_open(PQgetvalue(res, 0, 0), w->key, &clen, &e);
	verifier = code ? secret_open(PQgetvalue(res, 0, 1), w->key, &vlen, &e) : NULL;
	PQclear(res);
	if (verifier == NULL) {
		free(code);
		cal_say(msg, msglen, "the stored code does not open (%s): connect again", e.msg);
		params[2] = "failed";
		params[3] = msg;
		db_exec(db, "SELECT calendar_connection_fail($1, $2, $3, $4)", 4, params, NULL, NULL);
		return DB_JOB_FAIL;
	}
	redirect = cal_redirect_uri(&w->c, prov);
	cal_form_add(w, &form, "grant_type", "authorization_code");
	cal_form_add(w, &form, "code", code);
	cal_form_add(w, &form, "redirect_uri", redirect);
	cal_form_add(w, &form, "code_verifier", verifier);
	sodium_memzero(code, clen);
	sodium_memzero(verifier, vlen);
	free(code);
	free(verifier);
	free(redirect);
	if (cal_token_post(w, prov, &form, deadline_ms, &a, msg, msglen) != 0)
		return DB_JOB_RETRY;
	if (a.status == 200 && cal_str(a.json, "refresh_token")[0] != '\0') {
		const char *refresh = cal_str(a.json, "refresh_token");
		randombytes_buf(nonce, sizeof(nonce));
		sealed = secret_seal(refresh, strlen(refresh), w->key, nonce);
		params[2] = sealed;
		rc = db_exec(db, "SELECT calendar_connected($1, $2, $3)", 3, params, NULL, &e);
		free(sealed);
		if (rc == 0)
			cal_token_answer(w, staff, prov, &a);
		cal_answer_free(&a);
		if (rc != 0) {
			cal_say(msg, msglen, "%s", e.msg);
			return DB_JOB_RETRY;
		}
		return DB_JOB_DONE;
	}
	if (a.status == 200) {
		cal_say(msg, msglen, "the provider gave no refresh token (was offline access granted?)");
	} else {
		cal_error_text(&a, text, sizeof(text));
		cal_say(msg, msglen, "the code was refused: %s", text);
	}
	rc = a.status >= 500 || a.status == 429;
	cal_answer_free(&a);
	if (rc)
		return DB_JOB_RETRY;
	params[2] = "failed";
	params[3] = msg;
	db_exec(db, "SELECT calendar_connection_fail($1, $2, $3, $4)", 4, params, NULL, NULL);
	return DB_JOB_FAIL;
}

enum db_job_outcome
worker_cal_run(struct worker_cal *w, struct db *db, const char *kind, struct json_object *payload,
    int64_t deadline_ms, char *msg, size_t msglen)
{
	msg[0] = '\0';
	if (strcmp(kind, "calendar_connect") == 0) {
		const char *staff = cal_str(payload, "staff_id"), *prov = cal_str(payload, "provider");
		if (staff[0] == '\0' || prov[0] == '\0') {
			cal_say(msg, msglen, "calendar_connect needs staff_id and provider");
			return DB_JOB_FAIL;
		}
		return cal_connect(w, db, staff, prov, deadline_ms, msg, msglen);
	}
	if (strcmp(kind, "calendar_sync") == 0 || strcmp(kind, "calendar_remove") == 0) {
		const char *booking = cal_str(payload, "booking_id");
		char hex[65];
		if (cal_google_event_id(booking, booking, hex, NULL) != 0) {
			cal_say(msg, msglen, "%s needs a booking_id", kind);
			return DB_JOB_FAIL;
		}
		return cal_sync(w, db, booking, deadline_ms, msg, msglen);
	}
	cal_say(msg, msglen, "not a calendar job: %s", kind);
	return DB_JOB_FAIL;
}
