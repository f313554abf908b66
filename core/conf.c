#include "core/conf.h"
#include "core/secret.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/redlight"
#endif

/* The defaults, in one place (redlight.conf(5) documents them). */
#define CONF_DEFAULT_LISTEN "127.0.0.1:8080"
#define CONF_DEFAULT_STATIC_DIR PKGDATADIR "/static"
#define CONF_DEFAULT_TEMPLATES_DIR PKGDATADIR "/templates"
#define CONF_DEFAULT_WORKER 1
#define CONF_DEFAULT_WORKER_TIMEOUT_MS 10000
#define CONF_DEFAULT_WORKER_RETRY_BASE_MS 5000
#define CONF_DEFAULT_WORKER_RETRY_MAX_MS 3600000
#define CONF_DEFAULT_WORKER_SWEEP_S 60
#define CONF_DEFAULT_MAX_BODY_BYTES 65536
#define CONF_DEFAULT_DB_POOL 4
#define CONF_DEFAULT_HTTP_PROCESSES 1
#define CONF_DEFAULT_LOG_FORMAT "json"
#define CONF_DEFAULT_RATE_LIMIT_SCALE 1.0
#define CONF_DEFAULT_MAX_EVENT_STREAMS 1024
#define CONF_DEFAULT_MAX_EVENT_STREAMS_PER_CLIENT 16
#define CONF_DEFAULT_STRIPE_API_BASE "https://api.stripe.com"
#define CONF_DEFAULT_STRIPE_JS_URL "https://js.stripe.com/v3/"
#define CONF_DEFAULT_TWILIO_API_BASE "https://api.twilio.com"
#define CONF_DEFAULT_GOOGLE_AUTH_URL "https://accounts.google.com/o/oauth2/v2/auth"
#define CONF_DEFAULT_GOOGLE_TOKEN_URL "https://oauth2.googleapis.com/token"
#define CONF_DEFAULT_GOOGLE_API_BASE "https://www.googleapis.com"
#define CONF_DEFAULT_MICROSOFT_TENANT "common"
#define CONF_DEFAULT_MICROSOFT_LOGIN_BASE "https://login.microsoftonline.com"
#define CONF_DEFAULT_MICROSOFT_GRAPH_BASE "https://graph.microsoft.com"

/* Bounds a value must fall within to be taken. */
#define CONF_MAX_BODY_BYTES_MAX (64 * 1024 * 1024)
#define CONF_DB_POOL_MAX 64
#define CONF_HTTP_PROCESSES_MAX 64
#define CONF_RATE_LIMIT_SCALE_MAX 1000000
/* a job must end well within its lease (DB_JOB_LEASE_S, 20 s), which the
 * worker renews between jobs once a third of it has passed: 6.7 s plus one
 * job must stay under 20 s */
#define CONF_WORKER_TIMEOUT_MS_MAX 12000
#define CONF_WORKER_RETRY_MS_MAX (24 * 3600 * 1000)
#define CONF_MAX_EVENT_STREAMS_MAX 65536

void
conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "%s", CONF_DEFAULT_LISTEN);
	snprintf(c->static_dir, sizeof(c->static_dir), "%s", CONF_DEFAULT_STATIC_DIR);
	snprintf(c->templates_dir, sizeof(c->templates_dir), "%s", CONF_DEFAULT_TEMPLATES_DIR);
	c->worker = CONF_DEFAULT_WORKER;
	c->worker_timeout_ms = CONF_DEFAULT_WORKER_TIMEOUT_MS;
	c->worker_retry_base_ms = CONF_DEFAULT_WORKER_RETRY_BASE_MS;
	c->worker_retry_max_ms = CONF_DEFAULT_WORKER_RETRY_MAX_MS;
	c->worker_sweep_s = CONF_DEFAULT_WORKER_SWEEP_S;
	c->max_body_bytes = CONF_DEFAULT_MAX_BODY_BYTES;
	c->db_pool = CONF_DEFAULT_DB_POOL;
	c->http_processes = CONF_DEFAULT_HTTP_PROCESSES;
	snprintf(c->log_format, sizeof(c->log_format), "%s", CONF_DEFAULT_LOG_FORMAT);
	c->rate_limit_scale = CONF_DEFAULT_RATE_LIMIT_SCALE;
	c->max_event_streams = CONF_DEFAULT_MAX_EVENT_STREAMS;
	c->max_event_streams_per_client = CONF_DEFAULT_MAX_EVENT_STREAMS_PER_CLIENT;
	snprintf(c->stripe_api_base, sizeof(c->stripe_api_base), "%s", CONF_DEFAULT_STRIPE_API_BASE);
	snprintf(c->stripe_js_url, sizeof(c->stripe_js_url), "%s", CONF_DEFAULT_STRIPE_JS_URL);
	snprintf(c->twilio_api_base, sizeof(c->twilio_api_base), "%s", CONF_DEFAULT_TWILIO_API_BASE);
	snprintf(c->google_auth_url, sizeof(c->google_auth_url), "%s", CONF_DEFAULT_GOOGLE_AUTH_URL);
	snprintf(c->google_token_url, sizeof(c->google_token_url), "%s", CONF_DEFAULT_GOOGLE_TOKEN_URL);
	snprintf(c->google_api_base, sizeof(c->google_api_base), "%s", CONF_DEFAULT_GOOGLE_API_BASE);
	snprintf(c->microsoft_tenant, sizeof(c->microsoft_tenant), "%s", CONF_DEFAULT_MICROSOFT_TENANT);
	snprintf(c->microsoft_login_base, sizeof(c->microsoft_login_base), "%s",
	    CONF_DEFAULT_MICROSOFT_LOGIN_BASE);
	snprintf(c->microsoft_graph_base, sizeof(c->microsoft_graph_base), "%s",
	    CONF_DEFAULT_MICROSOFT_GRAPH_BASE);
}

const char *
conf_calendar_redirect(const struct conf *c)
{
	return c->calendar_redirect_base[0] ? c->calendar_redirect_base : c->public_url;
}

const char *
conf_calendar_off(const struct conf *c, enum conf_calendar cal)
{
	int google = cal == CONF_CAL_GOOGLE;

	if ((google ? c->google_client_id : c->microsoft_client_id)[0] == '\0' ||
	    (google ? c->google_client_secret : c->microsoft_client_secret)[0] == '\0')
		return google ? "Google calendars are not configured (no google_client_id and "
		    "google_client_secret in redlight.conf)"
		    : "Outlook calendars are not configured (no microsoft_client_id and "
		    "microsoft_client_secret in redlight.conf)";
	if (c->secret_key[0] == '\0')
		return "calendars need secret_key in redlight.conf, to seal their tokens";
	if (conf_calendar_redirect(c)[0] == '\0')
		return "calendars need public_url or calendar_redirect_base in redlight.conf, for "
		    "the consent's callback";
	return "";
}

int
conf_payments_on(const struct conf *c)
{
	return c->stripe_secret_key[0] != '\0' && c->stripe_publishable_key[0] != '\0';
}

const char *
conf_public_base(const struct conf *c, char *buf, size_t len)
{
	size_t n;

	if (c->public_url[0] != '\0')
		snprintf(buf, len, "%s", c->public_url);
	else
		snprintf(buf, len, "http://%s", c->listen);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return buf;
}

const char *
conf_sms_off(const struct conf *c)
{
	if (c->twilio_account_sid[0] == '\0' || c->twilio_auth_token[0] == '\0' || c->twilio_from[0] == '\0')
		return "SMS is not configured (no twilio_account_sid, twilio_auth_token and twilio_from in redlight.conf)";
	if (c->secret_key[0] == '\0')
		return "SMS is not configured (no secret_key in redlight.conf to open the artists' phones)";
	return NULL;
}

/* Copies value into a fixed field, refusing what would not fit rather than
 * truncating: a cut-off URL or path would fail later, far from its cause. */
static int
conf_set_string(char *dst, size_t dstlen, const char *key, const char *value, struct err *e)
{
	size_t len = strlen(value);

	if (len >= dstlen)
		return err_set(e, ERR_CONFIG, key, "%s: value too long (%zu bytes, at most %zu)",
		    key, len, dstlen - 1);
	memcpy(dst, value, len + 1);
	return 0;
}

static int
conf_set_int(int *dst, const char *key, const char *value, long min, long max, struct err *e)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (value[0] == '\0' || *end != '\0' || errno == ERANGE || !isdigit((unsigned char)value[0]))
		return err_set(e, ERR_CONFIG, key, "%s: expected a number, got '%.60s'", key, value);
	if (v < min || v > max)
		return err_set(e, ERR_CONFIG, key, "%s: %ld is out of range (%ld to %ld)",
		    key, v, min, max);
	*dst = (int)v;
	return 0;
}

/* A non-negative decimal (digits, optionally '.' and digits) up to max,
 * read by hand: strtod would follow the console's locale and take "0,5". */
static int
conf_set_decimal(double *dst, const char *key, const char *value, long max, struct err *e)
{
	const char *p = value;
	double v = 0, unit = 1;
	int digits = 0;

	for (; *p >= '0' && *p <= '9'; p++, digits++)
		if (v <= (double)max) /* past max, further digits only overflow */
			v = v * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			v += (*p - '0') * (unit /= 10);
	if (digits == 0 || *p != '\0')
		return err_set(e, ERR_CONFIG, key, "%s: expected a number like 1 or 0.5, got '%.60s'",
		    key, value);
	if (v > (double)max)
		return err_set(e, ERR_CONFIG, key, "%s: %.60s is out of range (0 to %ld)", key, value, max);
	*dst = v;
	return 0;
}

static int
conf_set_bool(int *dst, const char *key, const char *value, struct err *e)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(value, yes[i]) == 0) {
			*dst = 1;
			return 0;
		}
		if (strcmp(value, no[i]) == 0) {
			*dst = 0;
			return 0;
		}
	}
	return err_set(e, ERR_CONFIG, key, "%s: expected 1 or 0 (yes/no), got '%.60s'", key, value);
}

/* ADDR:PORT where ADDR is a host name, an IPv4 address or a bracketed IPv6
 * address, and PORT is 0..65535 (0 asks the system for a free port). Only
 * the shape is checked here; resolving is the server's business. */
static int
conf_check_listen(const char *value, struct err *e)
{
	const char *colon, *port;
	size_t hostlen;

	if (value[0] == '[') {
		const char *close = strchr(value, ']');
		if (close == NULL || close == value + 1 || close[1] != ':')
			goto bad;
		colon = close + 1;
		hostlen = (size_t)(close - value - 1);
	} else {
		colon = strrchr(value, ':');
		if (colon == NULL || memchr(value, ':', (size_t)(colon - value)) != NULL)
			goto bad;
		hostlen = (size_t)(colon - value);
	}
	if (hostlen == 0)
		goto bad;
	for (const char *p = value; p < colon; p++)
		if (isspace((unsigned char)*p) || *p == '/')
			goto bad;
	port = colon + 1;
	if (*port == '\0' || strlen(port) > 5)
		goto bad;
	for (const char *p = port; *p; p++)
		if (!isdigit((unsigned char)*p))
			goto bad;
	if (atoi(port) > 65535)
		goto bad;
	return 0;
bad:
	return err_set(e, ERR_CONFIG, "listen", "listen: expected ADDR:PORT (like 127.0.0.1:8080), got '%.60s'",
	    value);
}

/* A Stripe key or secret: empty (off), or its prefix then printable ASCII
 * without blanks, as it goes into a header. */
static int
conf_set_stripe_key(char *dst, size_t dstlen, const char *key, const char *value,
    const char *const *prefixes, struct err *e)
{
	int known = value[0] == '\0';

	for (size_t i = 0; prefixes[i] != NULL && !known; i++)
		known = strncmp(value, prefixes[i], strlen(prefixes[i])) == 0;
	for (const char *p = value; *p && known; p++)
		known = *p > ' ' && *p < 0x7f;
	if (!known)
		return err_set(e, ERR_CONFIG, key, "%s: expected a key starting %s%s%s", key,
		    prefixes[0], prefixes[1] ? " or " : "", prefixes[1] ? prefixes[1] : "");
	return conf_set_string(dst, dstlen, key, value, e);
}

/* An http:// or https:// URL (required unless empty_ok). */
static int
conf_set_url(char *dst, size_t dstlen, const char *key, const char *value, int empty_ok,
    struct err *e)
{
	if (!(empty_ok && value[0] == '\0') && strncmp(value, "http://", 7) != 0 &&
	    strncmp(value, "https://", 8) != 0)
		return err_set(e, ERR_CONFIG, key, "%s: expected an http:// or https:// URL, got '%.60s'",
		    key, value);
	return conf_set_string(dst, dstlen, key, value, e);
}
/* Keys whose value is any text that fits. */
#define CONF_STRING(k) { #k, offsetof(struct conf, k), sizeof(((struct conf *)0)->k) }
static const struct {
	const char *key;
	size_t off, len;
} conf_strings[] = {
	CONF_STRING(smtp_user), CONF_STRING(smtp_password), CONF_STRING(smtp_ca_file),
	CONF_STRING(mail_from_name), CONF_STRING(mail_dir), CONF_STRING(twilio_auth_token),
	CONF_STRING(google_client_id), CONF_STRING(google_client_secret),
	CONF_STRING(microsoft_client_id), CONF_STRING(microsoft_client_secret),
};

/* Keys whose value is an http:// or https:// URL (required). */
static const struct {
	const char *key;
	size_t off, len;
} conf_urls[] = {
	CONF_STRING(google_auth_url), CONF_STRING(google_token_url), CONF_STRING(google_api_base),
	CONF_STRING(microsoft_login_base), CONF_STRING(microsoft_graph_base),
};

int
conf_set(struct conf *c, const char *key, const char *value, struct err *e)
{
	if (strcmp(key, "database_url") == 0)
		return conf_set_string(c->database_url, sizeof(c->database_url), key, value, e);
	if (strcmp(key, "listen") == 0) {
		int rc = conf_check_listen(value, e);
		return rc ? rc : conf_set_string(c->listen, sizeof(c->listen), key, value, e);
	}
	if (strcmp(key, "static_dir") == 0) {
		if (value[0] == '\0')
			return err_set(e, ERR_CONFIG, key, "static_dir: expected a directory");
		return conf_set_string(c->static_dir, sizeof(c->static_dir), key, value, e);
	}
	if (strcmp(key, "public_url") == 0)
		return conf_set_url(c->public_url, sizeof(c->public_url), key, value, 1, e);
	if (strcmp(key, "stripe_secret_key") == 0) {
		static const char *const p[] = { "sk_", "rk_", NULL };
		return conf_set_stripe_key(c->stripe_secret_key, sizeof(c->stripe_secret_key), key,
		    value, p, e);
	}
	if (strcmp(key, "stripe_publishable_key") == 0) {
		static const char *const p[] = { "pk_", NULL };
		return conf_set_stripe_key(c->stripe_publishable_key,
		    sizeof(c->stripe_publishable_key), key, value, p, e);
	}
	if (strcmp(key, "stripe_webhook_secret") == 0) {
		static const char *const p[] = { "whsec_", NULL };
		return conf_set_stripe_key(c->stripe_webhook_secret, sizeof(c->stripe_webhook_secret),
		    key, value, p, e);
	}
	if (strcmp(key, "stripe_api_base") == 0)
		return conf_set_url(c->stripe_api_base, sizeof(c->stripe_api_base), key, value, 0, e);
	if (strcmp(key, "stripe_js_url") == 0)
		return conf_set_url(c->stripe_js_url, sizeof(c->stripe_js_url), key, value, 0, e);
	if (strcmp(key, "worker") == 0)
		return conf_set_bool(&c->worker, key, value, e);
	if (strcmp(key, "worker_timeout_ms") == 0)
		return conf_set_int(&c->worker_timeout_ms, key, value, 1, CONF_WORKER_TIMEOUT_MS_MAX, e);
	if (strcmp(key, "worker_retry_base_ms") == 0)
		return conf_set_int(&c->worker_retry_base_ms, key, value, 1, CONF_WORKER_RETRY_MS_MAX, e);
	if (strcmp(key, "worker_retry_max_ms") == 0)
		return conf_set_int(&c->worker_retry_max_ms, key, value, 1, CONF_WORKER_RETRY_MS_MAX, e);
	if (strcmp(key, "worker_sweep_s") == 0)
		return conf_set_int(&c->worker_sweep_s, key, value, 1, 3600, e);
	if (strcmp(key, "max_body_bytes") == 0)
		return conf_set_int(&c->max_body_bytes, key, value, 1, CONF_MAX_BODY_BYTES_MAX, e);
	if (strcmp(key, "db_pool") == 0)
		return conf_set_int(&c->db_pool, key, value, 1, CONF_DB_POOL_MAX, e);
	if (strcmp(key, "http_processes") == 0) {
		if (strcmp(value, "auto") == 0) {
			c->http_processes = 0;
			return 0;
		}
		return conf_set_int(&c->http_processes, key, value, 1, CONF_HTTP_PROCESSES_MAX, e);
	}
	if (strcmp(key, "rate_limit_scale") == 0)
		return conf_set_decimal(&c->rate_limit_scale, key, value, CONF_RATE_LIMIT_SCALE_MAX, e);
	if (strcmp(key, "max_event_streams") == 0)
		return conf_set_int(&c->max_event_streams, key, value, 1, CONF_MAX_EVENT_STREAMS_MAX, e);
	if (strcmp(key, "max_event_streams_per_client") == 0)
		return conf_set_int(&c->max_event_streams_per_client, key, value, 1,
		    CONF_MAX_EVENT_STREAMS_MAX, e);
	if (strcmp(key, "tls_cert") == 0)
		return conf_set_string(c->tls_cert, sizeof(c->tls_cert), key, value, e);
	if (strcmp(key, "tls_key") == 0)
		return conf_set_string(c->tls_key, sizeof(c->tls_key), key, value, e);
	if (strcmp(key, "smtp_url") == 0) {
		if (value[0] != '\0' && strncmp(value, "smtp://", 7) != 0 && strncmp(value, "smtps://", 8) != 0)
			return err_set(e, ERR_CONFIG, key,
			    "smtp_url: expected smtp://HOST:PORT or smtps://HOST:PORT, got '%.60s'", value);
		return conf_set_string(c->smtp_url, sizeof(c->smtp_url), key, value, e);
	}
	if (strcmp(key, "mail_from") == 0) {
		if (value[0] != '\0' && (strchr(value, '@') == NULL || strpbrk(value, " <>\"") != NULL))
			return err_set(e, ERR_CONFIG, key, "mail_from: expected an address like studio@example.com, got '%.60s'",
			    value);
		return conf_set_string(c->mail_from, sizeof(c->mail_from), key, value, e);
	}
	if (strcmp(key, "twilio_account_sid") == 0) {
		static const char *const p[] = { "AC", NULL };
		return conf_set_stripe_key(c->twilio_account_sid, sizeof(c->twilio_account_sid), key, value, p, e);
	}
	if (strcmp(key, "twilio_from") == 0) {
		int ok = value[0] == '\0' || strncmp(value, "MG", 2) == 0;

		if (!ok && value[0] == '+' && strlen(value) >= 9 && strlen(value) <= 16)
			ok = strspn(value + 1, "0123456789") == strlen(value) - 1 && value[1] != '0';
		if (!ok)
			return err_set(e, ERR_CONFIG, key,
			    "twilio_from: expected a number in E.164 form (+15551234567) or a Messaging Service SID (MG...), got '%.60s'",
			    value);
		return conf_set_string(c->twilio_from, sizeof(c->twilio_from), key, value, e);
	}
	if (strcmp(key, "twilio_api_base") == 0)
		return conf_set_url(c->twilio_api_base, sizeof(c->twilio_api_base), key, value, 0, e);
	if (strcmp(key, "secret_key") == 0) {
		unsigned char k[SECRET_KEY_BYTES];

		if (value[0] != '\0' && secret_key_parse(value, k, e) != 0)
			return e->code;
		return conf_set_string(c->secret_key, sizeof(c->secret_key), key, value, e);
	}
	if (strcmp(key, "templates_dir") == 0) {
		if (value[0] == '\0')
			return err_set(e, ERR_CONFIG, key, "templates_dir: expected a directory");
		return conf_set_string(c->templates_dir, sizeof(c->templates_dir), key, value, e);
	}
	if (strcmp(key, "microsoft_tenant") == 0) {
		int ok = value[0] != '\0';
		for (const char *p = value; *p && ok; p++)
			ok = isalnum((unsigned char)*p) || *p == '-' || *p == '.';
		if (!ok)
			return err_set(e, ERR_CONFIG, key, "microsoft_tenant: expected common, organizations, "
			    "consumers, a tenant id or a domain, got '%.60s'", value);
		return conf_set_string(c->microsoft_tenant, sizeof(c->microsoft_tenant), key, value, e);
	}
	if (strcmp(key, "calendar_redirect_base") == 0)
		return conf_set_url(c->calendar_redirect_base, sizeof(c->calendar_redirect_base), key, value,
		    1, e);
	for (size_t i = 0; i < sizeof(conf_urls) / sizeof(conf_urls[0]); i++)
		if (strcmp(key, conf_urls[i].key) == 0)
			return conf_set_url((char *)c + conf_urls[i].off, conf_urls[i].len, key, value, 0, e);
	for (size_t i = 0; i < sizeof(conf_strings) / sizeof(conf_strings[0]); i++)
		if (strcmp(key, conf_strings[i].key) == 0)
			return conf_set_string((char *)c + conf_strings[i].off, conf_strings[i].len, key, value, e);
	if (strcmp(key, "log_format") == 0) {
		if (strcmp(value, "json") != 0 && strcmp(value, "text") != 0)
			return err_set(e, ERR_CONFIG, key, "log_format: expected json or text, got '%.60s'",
			    value);
		return conf_set_string(c->log_format, sizeof(c->log_format), key, value, e);
	}
	return err_set(e, ERR_CONFIG, key, "unknown key '%.60s'", key);
}

/* Trims [*s, *end) of surrounding blanks. */
static void
conf_trim(const char **s, const char **end)
{
	while (*s < *end && isspace((unsigned char)**s))
		(*s)++;
	while (*end > *s && isspace((unsigned char)(*end)[-1]))
		(*end)--;
}

int
conf_parse(struct conf *c, const char *text, const char *origin, struct err *e)
{
	const char *line = text;
	int lineno = 0;

	while (*line != '\0') {
		const char *eol = line + strcspn(line, "\n");
		const char *next = *eol ? eol + 1 : eol;
		const char *k = line, *kend, *v, *vend = eol, *eq;
		char key[64], value[1024];
		struct err sub;

		lineno++;
		conf_trim(&k, &vend);
		line = next;
		if (k == vend || *k == '#')
			continue;
		eq = memchr(k, '=', (size_t)(vend - k));
		if (eq == NULL)
			return err_set(e, ERR_CONFIG, NULL, "%s:%d: expected key = value", origin, lineno);
		kend = eq;
		v = eq + 1;
		conf_trim(&k, &kend);
		conf_trim(&v, &vend);
		if (k == kend)
			return err_set(e, ERR_CONFIG, NULL, "%s:%d: expected key = value", origin, lineno);
		for (const char *p = k; p < kend; p++)
			if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
				return err_set(e, ERR_CONFIG, NULL, "%s:%d: expected key = value", origin,
				    lineno);
		if ((size_t)(kend - k) >= sizeof(key))
			return err_set(e, ERR_CONFIG, NULL, "%s:%d: unknown key '%.*s'", origin, lineno,
			    60, k);
		if ((size_t)(vend - v) >= sizeof(value))
			return err_set(e, ERR_CONFIG, NULL, "%s:%d: value too long", origin, lineno);
		memcpy(key, k, (size_t)(kend - k));
		key[kend - k] = '\0';
		memcpy(value, v, (size_t)(vend - v));
		value[vend - v] = '\0';
		if (conf_set(c, key, value, &sub) != 0)
			return err_set(e, ERR_CONFIG, sub.field, "%s:%d: %s", origin, lineno, sub.msg);
	}
	return 0;
}
