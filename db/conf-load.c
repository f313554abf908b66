#include "core/conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/usr/local/etc"
#endif

/* A configuration file is a page of text; anything bigger is a mistake. */
#define CONF_FILE_MAX (1024 * 1024)

static const struct {
	const char *env;
	const char *key;
} conf_env[] = {
	{ "DATABASE_URL", "database_url" },
	{ "REDLIGHT_LISTEN", "listen" },
	{ "REDLIGHT_STATIC_DIR", "static_dir" },
	{ "REDLIGHT_PUBLIC_URL", "public_url" },
	{ "REDLIGHT_WORKER", "worker" },
	{ "REDLIGHT_WORKER_TIMEOUT_MS", "worker_timeout_ms" },
	{ "REDLIGHT_WORKER_RETRY_BASE_MS", "worker_retry_base_ms" },
	{ "REDLIGHT_WORKER_RETRY_MAX_MS", "worker_retry_max_ms" },
	{ "REDLIGHT_WORKER_SWEEP_S", "worker_sweep_s" },
	{ "REDLIGHT_MAX_BODY_BYTES", "max_body_bytes" },
	{ "REDLIGHT_DB_POOL", "db_pool" },
	{ "REDLIGHT_HTTP_PROCESSES", "http_processes" },
	{ "REDLIGHT_LOG_FORMAT", "log_format" },
	{ "REDLIGHT_RATE_LIMIT_SCALE", "rate_limit_scale" },
	{ "REDLIGHT_MAX_EVENT_STREAMS", "max_event_streams" },
	{ "REDLIGHT_TLS_CERT", "tls_cert" },
	{ "REDLIGHT_TLS_KEY", "tls_key" },
	{ "REDLIGHT_MAX_EVENT_STREAMS_PER_CLIENT", "max_event_streams_per_client" },
	{ "STRIPE_SECRET_KEY", "stripe_secret_key" },
	{ "STRIPE_PUBLISHABLE_KEY", "stripe_publishable_key" },
	{ "STRIPE_WEBHOOK_SECRET", "stripe_webhook_secret" },
	{ "STRIPE_API_BASE", "stripe_api_base" },
	{ "STRIPE_JS_URL", "stripe_js_url" },
	{ "REDLIGHT_SMTP_URL", "smtp_url" },
	{ "REDLIGHT_SMTP_USER", "smtp_user" },
	{ "REDLIGHT_SMTP_PASSWORD", "smtp_password" },
	{ "REDLIGHT_SMTP_CA_FILE", "smtp_ca_file" },
	{ "REDLIGHT_MAIL_FROM", "mail_from" },
	{ "REDLIGHT_MAIL_FROM_NAME", "mail_from_name" },
	{ "REDLIGHT_MAIL_DIR", "mail_dir" },
	{ "REDLIGHT_TEMPLATES_DIR", "templates_dir" },
	{ "TWILIO_ACCOUNT_SID", "twilio_account_sid" },
	{ "TWILIO_AUTH_TOKEN", "twilio_auth_token" },
	{ "TWILIO_FROM", "twilio_from" },
	{ "TWILIO_API_BASE", "twilio_api_base" },
	{ "REDLIGHT_SECRET_KEY", "secret_key" },
	{ "GOOGLE_CLIENT_ID", "google_client_id" },
	{ "GOOGLE_CLIENT_SECRET", "google_client_secret" },
	{ "GOOGLE_AUTH_URL", "google_auth_url" },
	{ "GOOGLE_TOKEN_URL", "google_token_url" },
	{ "GOOGLE_API_BASE", "google_api_base" },
	{ "MICROSOFT_CLIENT_ID", "microsoft_client_id" },
	{ "MICROSOFT_CLIENT_SECRET", "microsoft_client_secret" },
	{ "MICROSOFT_TENANT", "microsoft_tenant" },
	{ "MICROSOFT_LOGIN_BASE", "microsoft_login_base" },
	{ "MICROSOFT_GRAPH_BASE", "microsoft_graph_base" },
	{ "REDLIGHT_CALENDAR_REDIRECT_BASE", "calendar_redirect_base" },
};

/* Reads path whole into a NUL-terminated buffer the caller frees. Returns 0,
 * ERR_NOT_FOUND when the file does not exist (errno ENOENT), or ERR_CONFIG
 * with a message for any other failure. */
static int
conf_read_file(const char *path, char **out, struct err *e)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t len;

	*out = NULL;
	if (f == NULL) {
		if (errno == ENOENT)
			return err_set(e, ERR_NOT_FOUND, NULL, "cannot read %s: %s", path, strerror(errno));
		return err_set(e, ERR_CONFIG, NULL, "cannot read %s: %s", path, strerror(errno));
	}
	buf = xcalloc(1, CONF_FILE_MAX + 1);
	len = fread(buf, 1, CONF_FILE_MAX + 1, f);
	if (ferror(f)) {
		int saved = errno;
		fclose(f);
		free(buf);
		return err_set(e, ERR_CONFIG, NULL, "cannot read %s: %s", path, strerror(saved));
	}
	fclose(f);
	if (len > CONF_FILE_MAX) {
		free(buf);
		return err_set(e, ERR_CONFIG, NULL, "%s: larger than %d bytes; is it a configuration file?",
		    path, CONF_FILE_MAX);
	}
	if (memchr(buf, '\0', len) != NULL) {
		free(buf);
		return err_set(e, ERR_CONFIG, NULL, "%s: not a text file", path);
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int
conf_load(struct conf *c, const char *path, char *used, size_t usedlen, struct err *e)
{
	const char *env_path = getenv("REDLIGHT_CONF");
	const char *candidates[2] = { "redlight.conf", SYSCONFDIR "/redlight/redlight.conf" };
	const char *found = NULL;
	char *text = NULL;
	struct conf tmp;
	struct err sub;
	int rc;

	if (used && usedlen)
		used[0] = '\0';
	conf_defaults(&tmp);

	/* A file named on purpose (--config or $REDLIGHT_CONF) must exist:
	 * silently running on defaults would reach the wrong database. */
	if (path == NULL && env_path != NULL && env_path[0] != '\0')
		path = env_path;
	if (path != NULL) {
		if (conf_read_file(path, &text, &sub) != 0)
			return err_set(e, ERR_CONFIG, NULL, "%s", sub.msg);
		found = path;
	} else {
		for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
			rc = conf_read_file(candidates[i], &text, &sub);
			if (rc == 0) {
				found = candidates[i];
				break;
			}
			if (rc != ERR_NOT_FOUND)
				return err_set(e, rc, NULL, "%s", sub.msg);
		}
	}
	if (text != NULL) {
		rc = conf_parse(&tmp, text, found, e);
		free(text);
		if (rc != 0)
			return rc;
	}

	/* An empty variable counts as unset, as shells make it easy to leave
	 * one exported by accident. */
	for (size_t i = 0; i < sizeof(conf_env) / sizeof(conf_env[0]); i++) {
		const char *v = getenv(conf_env[i].env);

		if (v == NULL || v[0] == '\0')
			continue;
		if (conf_set(&tmp, conf_env[i].key, v, &sub) != 0)
			return err_set(e, ERR_CONFIG, conf_env[i].key, "%s: %s", conf_env[i].env, sub.msg);
	}

	*c = tmp;
	if (used && usedlen && found)
		snprintf(used, usedlen, "%s", found);
	return 0;
}
