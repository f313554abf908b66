/* model.h: the rows the console and the command-line tables show, parsed
 * from the JSON reads in db/ (DB_*_JSON_SQL), the bookings list from plain
 * rows (DB_ADMIN_BOOKINGS_LIST_SQL). No business logic: shapes
 * only. Strings are the model's own; each _free releases them. */
#ifndef REDLIGHT_MODEL_H
#define REDLIGHT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/settings.h"
#include "core/tz.h"
#include "db/db.h"

struct model_room {
	char *id;
	char *name;
	char *description;
	int capacity;          /* people; 0 when not set */
	char *tags;            /* "tracking, live" */
	char color[8];         /* "#d7263d", or "" */
};

struct model_rooms {
	struct model_room *v;
	size_t n;
};

struct model_booking {
	char *id;
	char *code;
	char *status;          /* awaiting_approval, confirmed, ... */
	char *room_id;
	char *room_name;
	char *artist_name;     /* "" for an admin booking without an artist */
	char *staff;           /* "Eli Engineer, Sam Assistant", or "" */
	char *staff_ids;       /* their ids, "id1,id2", or "" */
	int64_t start;         /* seconds since the epoch (UTC) */
	int64_t end;
	char *sync_error;      /* why its calendar sync failed, "" when none */
};

struct model_bookings {
	struct model_booking *v;
	size_t n;
};

/* The studio as the console shows it: its name, its time zone and its
 * settings (rates and policy for the totals it shows). */
struct model_studio {
	char studio_name[128];
	char timezone[64];     /* IANA name, from the settings */
	struct tz *tz;         /* the zone loaded from the system's tzdata */
	int has_settings;      /* settings parsed (else totals show no tax) */
	struct studio_settings settings;
};

/* model_rooms_parse: {"rooms":[...]} into out (zeroed first). Fails with
 * ERR_INTERNAL when the JSON does not have that shape; out is then empty.
 * The caller frees out with model_rooms_free. */
int model_rooms_parse(const char *json, struct model_rooms *out, struct err *e);
void model_rooms_free(struct model_rooms *r);


/* model_bookings_from_rows: the rows of DB_ADMIN_BOOKINGS_LIST_SQL (db/admin.h)
 * into out (the caller's: model_bookings_free). Fails with ERR_INTERNAL
 * when res does not have the list's columns. */
int model_bookings_from_rows(const PGresult *res, struct model_bookings *out, struct err *e);
void model_bookings_free(struct model_bookings *b);

/* model_booking_has_staff: whether staff member staff_id (a staff.id; ""
 * never matches) works on b. */
int model_booking_has_staff(const struct model_booking *b, const char *staff_id);

/* model_studio_load: studio name and time zone (DB_SETTINGS_JSON_SQL's,
 * the zone loaded with tz_load_system) into out. On success out->tz is
 * the caller's (model_studio_free); on failure out holds nothing to free.
 * model_studio_parse: the same from that read's answer. */
int model_studio_load(struct db *db, struct model_studio *out, struct err *e);
int model_studio_parse(const char *json, struct model_studio *out, struct err *e);
void model_studio_free(struct model_studio *s);


/* ---- the admin reads (db/admin.h) ---- */

struct model_line {
	char *name;
	int quantity;
	int64_t unit_price_cents;
	int64_t total_cents;
	int is_addon;
};

/* The most payment rows a booking shows (due now, balance, fees). */
#define MODEL_MAX_PAYS 6

/* One payment row of a booking as stored (payment_row_json). */
struct model_pay {
	char purpose[16];      /* due_now, balance or fee */
	char status[32], intent[128], customer[128], charge[128], attention[200];
	int64_t amount, authorized, captured, refunded, owed;
	int64_t refunding;     /* refunds asked for and not answered yet */
};

/* A booking in full (the shape in db/admin.h). Absent or null strings are
 * "", absent instants 0. */
struct model_detail {
	char *id;
	char *code;
	char *status;
	char *room_id;
	char *room_name;
	char *source;
	char *notes;
	char *artist_name;
	char *artist_email;
	char *staff;           /* "Eli Engineer, Sam Assistant", or "" */
	char *approved_by;
	char *approval_note;
	char *artist_message;
	char *sync_error;      /* why its calendar sync failed, "" when none */
	int64_t start, end, created, approved_at;
	struct model_line *lines;
	size_t nlines;
	int64_t subtotal_cents, paid_cents, authorized_cents;
	int64_t capture_before;  /* the authorization's end at Stripe; 0: none */
	/* the quote stored at submission (booking_quote_json): every amount
	 * shown is this, never today's rates; has_quote 0 when none */
	int has_quote, quote_backfilled;
	int tax_rate_bp, deposit_percent;
	int64_t fees_cents, taxes_cents, total_cents, deposit_cents;
	char currency[8];
	/* its payment rows (payment_row_json, the "payments" array beside
	 * DB_ADMIN_BOOKING_JSON_SQL's booking): due_now first, then the
	 * balance, then each fee; npays 0 when it has none */
	struct model_pay pays[MODEL_MAX_PAYS];
	size_t npays;
};

struct model_details {
	struct model_detail *v;
	size_t n;
};

/* model_details_parse: {"bookings":[...]} (or, for
 * DB_ADMIN_BOOKING_JSON_SQL, {"booking": {...} or null}: then n is 1 or 0)
 * into out, as model_rooms_parse. */
int model_details_parse(const char *json, struct model_details *out, struct err *e);
void model_details_free(struct model_details *d);

struct model_hold {
	char *id;
	char *room_id;
	char *room_name;
	char *created_by;      /* who placed it, or "" */
	char *artist_name;     /* whose it is, or "" for a studio hold */
	int64_t start, end, expires_at, created;
};

struct model_holds {
	struct model_hold *v;
	size_t n;
};

/* model_holds_parse: DB_ADMIN_HOLDS_JSON_SQL's answer (cmd_holds_run). */
int model_holds_parse(const char *json, struct model_holds *out, struct err *e);
void model_holds_free(struct model_holds *h);

struct model_audit {
	long long id;
	int64_t at;
	char *actor_name;
	char *actor_email;
	char *action;
	char *entity;
	char *entity_id;
	char *label;           /* a booking's code, a hold's short id */
	char *reason;
	char *diff;            /* the diff as compact JSON text */
};

struct model_audits {
	struct model_audit *v;
	size_t n;
};

/* model_audits_parse: {"audit":[...]} (DB_ADMIN_AUDIT_JSON_SQL). */
int model_audits_parse(const char *json, struct model_audits *out, struct err *e);
void model_audits_free(struct model_audits *a);

/* model_today: the studio-local date in tz at instant now. Cannot fail. */
void model_today(const struct tz *tz, int64_t now, int *y, int *m, int *d);

/* model_local_time: instant t as local "HH:MM" in tz, or "MM-DD HH:MM"
 * when its local date is not y-m-d (a booking running over midnight).
 * Cannot fail; out (16 bytes at least) is always NUL-terminated. */
void model_local_time(const struct tz *tz, int64_t t, int y, int m, int d, char *out,
    size_t outlen);

/* model_weekday_name: "Monday" .. "Sunday" of y-m-d (a valid date). */
const char *model_weekday_name(int y, int m, int d);

/* ---- jobs (db/job.h) ---- */

struct model_job {
	long long id;
	char *kind;
	char *status;          /* queued, running, done, failed, skipped, canceled */
	int attempts, max_attempts;
	char *booking_code;    /* the booking it is for, or "" */
	char *worker;          /* who runs (or last ran) it, or "" */
	char *last_error;      /* the last failed attempt's error, or "" */
	char *reason;          /* why it was skipped or canceled, or "" */
	int64_t created, run_at, finished;   /* 0 when not set */
};

struct model_jobs {
	struct model_job *v;
	size_t n;
	long queued, running, failed, skipped, done, canceled;   /* all jobs */
};

/* model_jobs_parse: {"counts":{...},"jobs":[...]} (DB_JOB_LIST_JSON_SQL,
 * read by cmd_jobs_run) into out, as model_rooms_parse. */
int model_jobs_parse(const char *json, struct model_jobs *out, struct err *e);
void model_jobs_free(struct model_jobs *j);

/* model_job_note: what a person reads about j: the reason it was skipped
 * or canceled; for a job not done, its last error; else "". Borrowed. */
const char *model_job_note(const struct model_job *j);

/* ---- the artists' messages (db/notify.h) ---- */

struct model_notification {
	char id[37];
	char *channel, *template_name;
	char *status;          /* pending, sent, failed, skipped, canceled */
	int attempts;
	char *booking_code;    /* or "" */
	char *recipient;       /* the email address; "" for a text (the phone is sealed) */
	char *error;           /* the last error or the reason it was skipped, or "" */
	int64_t created, sent; /* 0 when not set */
};

struct model_notifications {
	struct model_notification *v;
	size_t n;
	long pending, sent, failed, skipped, canceled;   /* all messages */
};

/* model_notifications_parse: DB_NOTIFICATION_LIST_JSON_SQL's answer into
 * out, as model_jobs_parse (cmd_notifications_run reads it). */
int model_notifications_parse(const char *json, struct model_notifications *out, struct err *e);
void model_notifications_free(struct model_notifications *n);
/* model_str: the string member key of o, "" when absent or null.
 * Borrowed from o. Cannot fail. */
struct json_object;
const char *model_str(struct json_object *o, const char *key);

#endif
