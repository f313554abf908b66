/* sms.c: Twilio's Messages API through libcurl (web/sms.h). */
#include "web/sms.h"

#include <curl/curl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"

/* Twilio's Message resource is about two kilobytes. */
#define SMS_ANSWER_MAX (64 * 1024)

/* sms_field: "&name=value" (value form-encoded) onto form. */
static void
sms_field(CURL *c, struct sbuf *form, const char *name, const char *value)
{
	char *v = curl_easy_escape(c, value, 0);

	sbuf_cat(form, form->len ? "&" : "", name, "=", v ? v : "", (const char *)NULL);
	curl_free(v);
}

static const char *
sms_json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

enum sms_outcome
sms_send(const struct conf *c, const char *to, const char *body, int timeout_ms, char *sid, size_t sidlen,
    char *msg, size_t msglen)
{
	struct sbuf_sink b = { SBUF_INIT, SMS_ANSWER_MAX, 0 };
	struct sbuf form = SBUF_INIT;
	struct json_object *ans = NULL;
	char url[512], ebuf[CURL_ERROR_SIZE] = "";
	const char *base = c->twilio_api_base;
	size_t blen = strlen(base);
	enum sms_outcome out;
	long status = 0;
	CURLcode rc;
	CURL *h;

	sid[0] = msg[0] = '\0';
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	snprintf(url, sizeof(url), "%.*s/2010-04-01/Accounts/%s/Messages.json", (int)blen, base,
	    c->twilio_account_sid);
	if ((h = curl_easy_init()) == NULL) {
		snprintf(msg, msglen, "Twilio: libcurl cannot make a handle");
		return SMS_RETRY;
	}
	sms_field(h, &form, "To", to);
	sms_field(h, &form, strncmp(c->twilio_from, "MG", 2) == 0 ? "MessagingServiceSid" : "From", c->twilio_from);
	sms_field(h, &form, "Body", body);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(h, CURLOPT_USERNAME, c->twilio_account_sid);
	curl_easy_setopt(h, CURLOPT_PASSWORD, c->twilio_auth_token);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, form.s ? form.s : "");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sbuf_sink_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout_ms > 0 ? timeout_ms : 1));
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	free(sbuf_detach(&form));
	if (rc != CURLE_OK && !b.over) {
		snprintf(msg, msglen, "Twilio %.200s: %.250s", base, ebuf[0] ? ebuf : curl_easy_strerror(rc));
		free(sbuf_detach(&b.text));
		return SMS_RETRY;
	}
	if (!b.over && b.text.s != NULL)
		ans = json_tokener_parse(b.text.s);
	free(sbuf_detach(&b.text));
	if (status == 201 || status == 200) {
		snprintf(sid, sidlen, "%s", sms_json_str(ans, "sid"));
		out = strncmp(sid, "SM", 2) == 0 ? SMS_SENT : SMS_RETRY;
		if (out != SMS_SENT)
			snprintf(msg, msglen, "Twilio answered %ld without a message SID", status);
	} else {
		struct json_object *code = NULL;

		json_object_object_get_ex(ans, "code", &code);
		snprintf(msg, msglen, "Twilio answered %ld: %.300s (code %d)", status,
		    sms_json_str(ans, "message")[0] ? sms_json_str(ans, "message") : "no message",
		    code ? json_object_get_int(code) : 0);
		out = status == 429 || status >= 500 || status == 0 ? SMS_RETRY : SMS_REFUSED;
	}
	json_object_put(ans);
	return out;
}
