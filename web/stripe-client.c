#include "web/stripe-client.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "core/xalloc.h"

/* The longest answer we read: Stripe's objects are a few kilobytes. */
#define STRIPE_ANSWER_MAX (1024 * 1024)

struct stripe_client {
	char base[256];
	char auth[300];           /* "Authorization: Bearer KEY" */
	CURL *curl;
};

static pthread_once_t stripe_curl_once = PTHREAD_ONCE_INIT;

static void
stripe_curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct stripe_client *
stripe_client_new(const char *base, const char *key)
{
	struct stripe_client *c = xcalloc(1, sizeof(*c));
	size_t n;

	pthread_once(&stripe_curl_once, stripe_curl_init);
	snprintf(c->base, sizeof(c->base), "%s", base);
	n = strlen(c->base);
	while (n > 0 && c->base[n - 1] == '/')
		c->base[--n] = '\0';
	snprintf(c->auth, sizeof(c->auth), "Authorization: Bearer %s", key);
	c->curl = curl_easy_init();
	if (c->curl == NULL) {
		fprintf(stderr, "redlight: libcurl cannot start\n");
		abort();
	}
	return c;
}

struct stripe_client *
stripe_client_from_conf(const struct conf *conf)
{
	if (!conf_payments_on(conf))
		return NULL;
	return stripe_client_new(conf->stripe_api_base, conf->stripe_secret_key);
}

void
stripe_client_free(struct stripe_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
}

/* stripe_fault_err: map Stripe's error answer (status, body obj) to ours. */
static int
stripe_fault_err(int status, struct json_object *obj, struct stripe_fault *f, struct err *e)
{
	struct json_object *er = NULL;
	const char *msg = "", *param = "";

	if (obj != NULL && json_object_object_get_ex(obj, "error", &er) &&
	    json_object_is_type(er, json_type_object)) {
		snprintf(f->type, sizeof(f->type), "%s", stripe_json_str(er, "type"));
		snprintf(f->code, sizeof(f->code), "%s", stripe_json_str(er, "code"));
		snprintf(f->decline_code, sizeof(f->decline_code), "%s", stripe_json_str(er, "decline_code"));
		msg = stripe_json_str(er, "message");
		param = stripe_json_str(er, "param");
	}
	if (msg[0] == '\0')
		msg = "no message";
	if (status == 429 || status >= 500)
		return err_set(e, ERR_IO, NULL, "Stripe answered %d: %s", status, msg);
	if (status == 401 || status == 403)
		return err_set(e, ERR_FORBIDDEN, NULL, "Stripe refused the key (%d): %s", status, msg);
	if (strcmp(f->type, "idempotency_error") == 0)
		return err_set(e, ERR_IDEMPOTENCY, NULL, "Stripe: %s", msg);
	if (strcmp(f->code, "payment_intent_unexpected_state") == 0)
		return err_set(e, ERR_CHANGED, NULL, "Stripe: %s", msg);
	if (status == 404)
		return err_set(e, ERR_NOT_FOUND, param, "Stripe: %s", msg);
	if (strcmp(f->type, "card_error") == 0)
		return err_set(e, ERR_INVALID, "card", "%s%s%s%s", msg, f->decline_code[0] ? " (" : "",
		    f->decline_code, f->decline_code[0] ? ")" : "");
	return err_set(e, ERR_INVALID, param, "Stripe: %s", msg);
}

int
stripe_call(struct stripe_client *c, const char *method, const char *path, const char *form,
    const char *idem_key, long timeout_ms, struct json_object **out, struct stripe_fault *f,
    struct err *e)
{
	struct stripe_fault dummy;
	struct sbuf_sink b = { SBUF_INIT, STRIPE_ANSWER_MAX, 0 };
	struct curl_slist *h = NULL;
	char url[1024], idem[300], errbuf[CURL_ERROR_SIZE] = "";
	int post = strcmp(method, "POST") == 0;
	long status = 0;
	CURLcode cc;
	int rc;

	*out = NULL;
	if (f == NULL)
		f = &dummy;
	memset(f, 0, sizeof(*f));
	if (form == NULL)
		form = "";
	if (snprintf(url, sizeof(url), "%s%s%s%s", c->base, path, !post && form[0] ? "?" : "",
	    post ? "" : form) >= (int)sizeof(url))
		return err_set(e, ERR_TOO_LARGE, NULL, "Stripe: the request's URL is too long");
	curl_easy_reset(c->curl);
	h = curl_slist_append(h, c->auth);
	h = curl_slist_append(h, "Accept: application/json");
	h = curl_slist_append(h, "Expect:");
	if (idem_key != NULL) {
		snprintf(idem, sizeof(idem), "Idempotency-Key: %s", idem_key);
		h = curl_slist_append(h, idem);
	}
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "redlight/" PACKAGE_VERSION);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, sbuf_sink_write);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (post) {
		curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, form);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(form));
	}
	cc = curl_easy_perform(c->curl);
	curl_slist_free_all(h);
	if (cc != CURLE_OK) {
		rc = err_set(e, b.over ? ERR_TOO_LARGE : ERR_IO, NULL, "Stripe cannot be reached: %s",
		    errbuf[0] ? errbuf : curl_easy_strerror(cc));
		free(b.text.s);
		return rc;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	f->http_status = (int)status;
	*out = b.text.s ? json_tokener_parse(b.text.s) : NULL;
	free(b.text.s);
	if (*out != NULL && !json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
	}
	if (status >= 200 && status < 300) {
		if (*out == NULL)
			return err_set(e, ERR_IO, NULL, "Stripe answered %ld without a JSON object", status);
		return 0;
	}
	return stripe_fault_err((int)status, *out, f, e);
}

/* stripe_json_get: the value at the dotted path name, or NULL. */
static struct json_object *
stripe_json_get(struct json_object *obj, const char *name)
{
	char part[64];

	while (obj != NULL && *name) {
		size_t n = strcspn(name, ".");
		if (n >= sizeof(part) || !json_object_is_type(obj, json_type_object))
			return NULL;
		memcpy(part, name, n);
		part[n] = '\0';
		if (!json_object_object_get_ex(obj, part, &obj))
			return NULL;
		name += n + (name[n] == '.');
	}
	return obj;
}

const char *
stripe_json_str(struct json_object *obj, const char *name)
{
	struct json_object *v = stripe_json_get(obj, name);

	return v != NULL && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

long long
stripe_json_int(struct json_object *obj, const char *name)
{
	struct json_object *v = stripe_json_get(obj, name);

	return v != NULL && json_object_is_type(v, json_type_int) ? (long long)json_object_get_int64(v) : 0;
}
