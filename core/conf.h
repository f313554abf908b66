/* conf.h: redlight.conf(5), "key = value" lines, '#' comments.
 *
 * Parsing is pure (core); finding and reading the file and applying the
 * environment overrides is conf_load in db/conf-load.c. */
#ifndef REDLIGHT_CONF_H
#define REDLIGHT_CONF_H

#include <stddef.h>

#include "core/err.h"

struct conf {
	char database_url[1024];  /* "" = libpq's PG* environment */
	char listen[128];         /* redlightd: ADDR:PORT, default 127.0.0.1:8080 */
	char static_dir[512];     /* redlightd: the booking page's files */
	char public_url[256];     /* the origin artists use, for Origin checks and links */
	int worker;               /* redlightd runs the job worker: 1 (default) or 0 */
	int worker_timeout_ms;    /* how long one job may run, default 10000 */
	int worker_retry_base_ms; /* the first retry's wait, default 5000 */
	int worker_retry_max_ms;  /* the longest wait between retries, default 3600000 */
	int worker_sweep_s;       /* seconds between the worker's sweeps, default 60 */
	int max_body_bytes;       /* request body limit, default 65536 */
	int db_pool;              /* redlightd async connections, default 4 */
	int http_processes;       /* redlightd: processes serving HTTP on the one
	                           * port, default 1; 0 = "auto", one per CPU */
	char log_format[16];      /* "json" (default) or "text" */
	char tls_cert[512];       /* redlightd: PEM certificate chain; with
	                           * tls_key, it serves HTTPS (HTTP/2 by ALPN) */
	char tls_key[512];        /* redlightd: PEM private key */
	double rate_limit_scale;  /* redlightd multiplies its rate limits by this;
	                           * 0 turns them off; default 1 */
	int max_event_streams;    /* redlightd: open /api/events streams, default 1024 */
	int max_event_streams_per_client; /* ... from one client address, default 16 */
	/* Stripe (payments are on when stripe_secret_key is set) */
	char stripe_secret_key[256];      /* sk_... or rk_...; "" = payments off */
	char stripe_publishable_key[256]; /* pk_..., for the booking page */
	char stripe_webhook_secret[256];  /* whsec_..., checks Stripe-Signature */
	char stripe_api_base[256];        /* default https://api.stripe.com */
	char stripe_js_url[256];          /* Stripe.js, default https://js.stripe.com/v3/ */
	/* messages to artists (web/notify.c) */
	char smtp_url[512];       /* smtp://HOST:587 (STARTTLS required) or smtps://HOST:465; "" = no SMTP */
	char smtp_user[256];
	char smtp_password[256];
	char smtp_ca_file[512];   /* PEM file of CAs to trust instead of the system's; "" = the system's */
	char mail_from[256];      /* the sender's address */
	char mail_from_name[128]; /* its display name; "" = the studio's name */
	char mail_dir[512];       /* without smtp_url: write each message here as an .eml file */
	char templates_dir[512];  /* the message templates */
	/* SMS through Twilio's Messages API (web/sms.c); on when the SID,
	 * the token, the sender and secret_key are all set */
	char twilio_account_sid[64];  /* AC...; "" = SMS off */
	char twilio_auth_token[128];
	char twilio_from[64];         /* +E.164 sender, or a Messaging Service SID MG... */
	char twilio_api_base[256];    /* default https://api.twilio.com */
	/* 64 hex digits: the key phones are sealed with at rest (core/secret.h);
	 * "" = artists cannot give a phone, and SMS is off */
	char secret_key[65];
	/* staff calendars (web/cal-client.h): each provider is on when its
	 * client id and secret, secret_key and a callback base are set */
	char google_client_id[256];
	char google_client_secret[256];
	char google_auth_url[256];        /* default https://accounts.google.com/o/oauth2/v2/auth */
	char google_token_url[256];       /* default https://oauth2.googleapis.com/token */
	char google_api_base[256];        /* default https://www.googleapis.com */
	char microsoft_client_id[256];
	char microsoft_client_secret[256];
	char microsoft_tenant[128];       /* default common */
	char microsoft_login_base[256];   /* default https://login.microsoftonline.com */
	char microsoft_graph_base[256];   /* default https://graph.microsoft.com */
	char calendar_redirect_base[256]; /* the callbacks' origin; "" = public_url */
};

/* The calendar providers a staff member can connect. */
enum conf_calendar {
	CONF_CAL_GOOGLE,
	CONF_CAL_OUTLOOK,
};

/* conf_calendar_off: why provider cal is off ("" when it is on): its
 * client id and secret, secret_key, and calendar_redirect_base or
 * public_url must all be set. A static string. Cannot fail. */
const char *conf_calendar_off(const struct conf *c, enum conf_calendar cal);

/* conf_calendar_redirect: the callback's base (calendar_redirect_base, or
 * public_url). Borrowed. Cannot fail. */
const char *conf_calendar_redirect(const struct conf *c);

/* conf_defaults: fill c with the defaults. Cannot fail. */
void conf_defaults(struct conf *c);

/* conf_payments_on: 1 when payments are configured (a Stripe secret key
 * and a publishable key), else 0. Cannot fail. */
int conf_payments_on(const struct conf *c);

/* conf_public_base: the origin people reach redlightd at, for links:
 * public_url without a trailing '/', or, without it, "http://" and
 * listen (right for the demo). Written into buf (len bytes, truncated to
 * fit), which it returns. Cannot fail. */
const char *conf_public_base(const struct conf *c, char *buf, size_t len);
/* conf_sms_off: why SMS cannot go out (a static string naming the
 * missing keys), or NULL when Twilio and secret_key are all set. */
const char *conf_sms_off(const struct conf *c);

/* conf_set: set one key from its text value, validating it. Unknown keys and
 * bad values fail with ERR_CONFIG naming the key. */
int conf_set(struct conf *c, const char *key, const char *value, struct err *e);

/* conf_parse: apply every line of text (NUL-terminated). origin names the
 * source in messages: "redlight.conf:12: unknown key 'lisen'". Stops at the
 * first bad line with ERR_CONFIG; c may then be partly updated, so callers
 * parse into a copy. */
int conf_parse(struct conf *c, const char *text, const char *origin, struct err *e);

/* conf_load (db/conf-load.c, does I/O): defaults, then the first file found
 * of: path (when non-NULL it must exist), $REDLIGHT_CONF, ./redlight.conf,
 * SYSCONFDIR/redlight/redlight.conf; then environment overrides
 * (DATABASE_URL, REDLIGHT_LISTEN, REDLIGHT_STATIC_DIR, REDLIGHT_PUBLIC_URL,
 * REDLIGHT_WORKER, REDLIGHT_WORKER_TIMEOUT_MS, REDLIGHT_WORKER_RETRY_BASE_MS,
 * REDLIGHT_WORKER_RETRY_MAX_MS, REDLIGHT_WORKER_SWEEP_S, REDLIGHT_MAX_BODY_BYTES, REDLIGHT_DB_POOL,
 * REDLIGHT_LOG_FORMAT, REDLIGHT_RATE_LIMIT_SCALE, STRIPE_SECRET_KEY,
 * STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE,
 * STRIPE_JS_URL). used (may be NULL, 512
 * REDLIGHT_LOG_FORMAT, REDLIGHT_RATE_LIMIT_SCALE, REDLIGHT_SMTP_URL,
 * REDLIGHT_SMTP_USER, REDLIGHT_SMTP_PASSWORD, REDLIGHT_SMTP_CA_FILE,
 * REDLIGHT_MAIL_FROM, REDLIGHT_MAIL_FROM_NAME, REDLIGHT_MAIL_DIR,
 * REDLIGHT_TEMPLATES_DIR, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM,
 * TWILIO_API_BASE, REDLIGHT_SECRET_KEY, GOOGLE_CLIENT_ID,
 * GOOGLE_CLIENT_SECRET, GOOGLE_AUTH_URL, GOOGLE_TOKEN_URL, GOOGLE_API_BASE,
 * MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET, MICROSOFT_TENANT,
 * MICROSOFT_LOGIN_BASE, MICROSOFT_GRAPH_BASE,
 * REDLIGHT_CALENDAR_REDIRECT_BASE). used (may be NULL, 512
 * bytes) receives the file read, or "". */
int conf_load(struct conf *c, const char *path, char *used, size_t usedlen, struct err *e);

#endif
