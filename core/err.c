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

static int
err_index(int code)
{
	for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == code)
			return (int)i;
	return (int)(sizeof(err_table) / sizeof(err_table[0])) - 1;
}

int
err_set(struct err *e, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	e->code = code;
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
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
