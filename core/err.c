#include "core/err.h"

#include <stdio.h>
#include <string.h>

static const struct {
	int code;
	const char *name;
	int http;
	int exit;
} err_table[] = {
	{ ERR_OK, "ok", 200, 0 },
	{ ERR_INVALID, "invalid", 400, 2 },
	{ ERR_NOT_FOUND, "not_found", 404, 3 },
	{ ERR_CONFLICT, "conflict", 409, 4 },
	{ ERR_CHANGED, "state_changed", 409, 4 },
	{ ERR_AUTH, "unauthorized", 401, 5 },
	{ ERR_FORBIDDEN, "forbidden", 403, 5 },
	{ ERR_DB, "database_unavailable", 503, 6 },
	{ ERR_IO, "io_error", 500, 7 },
	{ ERR_TOO_LARGE, "too_large", 413, 2 },
	{ ERR_IDEMPOTENCY, "idempotency_key_reused", 422, 2 },
	{ ERR_RATE_LIMIT, "rate_limited", 429, 8 },
	{ ERR_CONFIG, "config_error", 500, 9 },
	{ ERR_INTERNAL, "internal", 500, 10 },
};

/* The specific cases, each a case of one code. */
static const struct {
	int reason;
	int code;
	const char *name;
	int http;
} err_reason_table[] = {
	{ ERR_REASON_DURATION, ERR_INVALID, "invalid_duration", 400 },
	{ ERR_REASON_HOLD_EXPIRED, ERR_CHANGED, "hold_expired", 409 },
};

static int
err_index(int code)
{
	for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == code)
			return (int)i;
	return (int)(sizeof(err_table) / sizeof(err_table[0])) - 1;
}

static int
err_vset(struct err *e, int code, int reason, const char *field, const char *fmt, va_list ap)
{
	if (e == NULL)
		return code;
	e->code = code;
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	e->reason = reason;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return code;
}

int
err_set(struct err *e, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, ERR_REASON_NONE, field, fmt, ap);
	va_end(ap);
	return code;
}

int
err_set_reason(struct err *e, int code, int reason, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, reason, field, fmt, ap);
	va_end(ap);
	return code;
}

void
err_clear(struct err *e)
{
	if (e == NULL)
		return;
	memset(e, 0, sizeof(*e));
}

const char *
err_name(int code)
{
	return err_table[err_index(code)].name;
}

int
err_http_status(int code)
{
	return err_table[err_index(code)].http;
}

int
err_exit_status(int code)
{
	return err_table[err_index(code)].exit;
}

/* err_reason_index: the row of e's reason when it is a case of e's code,
 * else -1 (a reason left on another code names nothing). */
static int
err_reason_index(int code, int reason)
{
	for (size_t i = 0; i < sizeof(err_reason_table) / sizeof(err_reason_table[0]); i++)
		if (err_reason_table[i].reason == reason && err_reason_table[i].code == code)
			return (int)i;
	return -1;
}

const char *
err_reason_name(int reason)
{
	for (size_t i = 0; i < sizeof(err_reason_table) / sizeof(err_reason_table[0]); i++)
		if (err_reason_table[i].reason == reason)
			return err_reason_table[i].name;
	return NULL;
}

const char *
err_api_name(const struct err *e)
{
	int i = err_reason_index(e->code, e->reason);

	return i >= 0 ? err_reason_table[i].name : err_name(e->code);
}

int
err_api_status(const struct err *e)
{
	int i = err_reason_index(e->code, e->reason);

	return i >= 0 ? err_reason_table[i].http : err_http_status(e->code);
}
