/* err.h: the one error vocabulary shared by every layer.
 *
 * Functions that can fail return 0 or a negative ERR_* code, and fill an
 * optional caller-owned struct err with the message a person will read.
 * One table (err_http_status) maps codes to HTTP statuses; err_name gives the
 * stable machine name used in JSON ("state_changed"). A few errors are a
 * specific case of their code that the API names apart ("invalid_duration"
 * is an ERR_INVALID): they carry an ERR_REASON_* in struct err's reason,
 * and err_api_name / err_api_status map (code, reason) through the same
 * table. No caller decides anything by reading an error's message. */
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

/* Specific cases of a code that the API answers with their own name. */
enum err_reason {
	ERR_REASON_NONE = 0,
	ERR_REASON_DURATION,      /* ERR_INVALID: a duration the rule refuses */
	ERR_REASON_HOLD_EXPIRED,  /* ERR_CHANGED: the hold is no longer active */
};

struct err {
	int code;            /* an enum err_code */
	char field[32];      /* the input field at fault, or "" */
	char msg[160];       /* one line a person can act on */
	int reason;          /* an enum err_reason; ERR_REASON_NONE for most */
};

/* err_set: fill e (may be NULL) and return code, so callers can write
 * `return err_set(e, ERR_INVALID, "date", "date %s does not exist", s);`.
 * field may be NULL. Cannot fail; long messages are truncated. */
int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* err_set_reason: err_set, then mark the error as the specific case
 * reason (enum err_reason). Cannot fail. */
int err_set_reason(struct err *e, int code, int reason, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* err_clear: reset e to ERR_OK with empty strings. e may be NULL. */
void err_clear(struct err *e);

/* err_name: the stable snake_case name of code ("invalid", "not_found",
 * "conflict", ...). Never NULL; unknown codes give "internal". */
const char *err_name(int code);

/* err_http_status: the HTTP status for code (400, 404, 409, ...). */
int err_http_status(int code);

/* err_api_name: the API's name for e: its reason's ("invalid_duration",
 * "hold_expired") when it has one, else err_name(e->code). Never NULL. */
const char *err_api_name(const struct err *e);

/* err_api_status: the HTTP status for e, by the same table. */
int err_api_status(const struct err *e);

/* err_reason_name: the API name of reason alone, or NULL for
 * ERR_REASON_NONE and unknown values. Cannot fail. */
const char *err_reason_name(int reason);

/* err_exit_status: the process exit status for code, for `redlight COMMAND`
 * (0 for ERR_OK, otherwise 1..). */
int err_exit_status(int code);

#endif
