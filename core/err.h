/* err.h: the one error vocabulary shared by every layer.
 *
 * Functions that can fail return 0 or a negative ERR_* code, and fill an
 * optional caller-owned struct err with the message a person will read.
 * One table (err_http_status) maps codes to HTTP statuses; err_name gives the
 * stable machine name used in JSON ("slot_unavailable"). */
#ifndef REDLIGHT_ERR_H
#define REDLIGHT_ERR_H

#include <stdarg.h>

enum err_code {
	ERR_OK = 0,
	ERR_INVALID = -1,       /* malformed or invalid input; field names it */
	ERR_NOT_FOUND = -2,     /* no such thing (or not visible to the actor) */
	ERR_CONFLICT = -3,      /* a room or staff member would be claimed twice */
	ERR_CHANGED = -4,         /* the state changed under us (someone acted first) */
	ERR_AUTH = -5,          /* not logged in, or wrong credentials */
	ERR_FORBIDDEN = -6,     /* logged in, not allowed */
	ERR_DB = -7,            /* the database failed or is unreachable */
	ERR_IO = -8,            /* a file, socket or system call failed */
	ERR_TOO_LARGE = -9,     /* body or input over its limit */
	ERR_IDEMPOTENCY = -10,  /* idempotency key reused with another body */
	ERR_RATE_LIMIT = -11,   /* too many requests */
	ERR_CONFIG = -12,       /* bad configuration */
	ERR_INTERNAL = -13,     /* a bug: should not happen */
};

struct err {
	int code;            /* an enum err_code */
	char field[32];      /* the input field at fault, or "" */
	char msg[160];       /* one line a person can act on */
};

/* err_set: fill e (may be NULL) and return code, so callers can write
 * `return err_set(e, ERR_INVALID, "date", "date %s does not exist", s);`.
 * field may be NULL. Cannot fail; long messages are truncated. */
int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* err_clear: reset e to ERR_OK with empty strings. e may be NULL. */
void err_clear(struct err *e);

/* err_name: the stable snake_case name of code ("invalid", "not_found",
 * "conflict", ...). Never NULL; unknown codes give "internal". */
const char *err_name(int code);

/* err_http_status: the HTTP status for code (400, 404, 409, ...). */
int err_http_status(int code);

/* err_exit_status: the process exit status for code, for `redlight COMMAND`
 * (0 for ERR_OK, otherwise 1..). */
int err_exit_status(int code);

#endif
