/* model.h: the rows the console and the command-line tables show, parsed
 * from the JSON reads in db/ (DB_*_JSON_SQL). No business logic: shapes
 * only. Strings are the model's own; each _free releases them. */
#ifndef REDLIGHT_MODEL_H
#define REDLIGHT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
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
	char *room_name;
	char *artist_name;     /* "" for an admin booking without an artist */
	char *staff;           /* "Eli Engineer, Sam Assistant", or "" */
	char *start_at;        /* RFC 3339 UTC, as the JSON had it */
	char *end_at;
	int64_t start;         /* seconds since the epoch (UTC) */
	int64_t end;
};

struct model_bookings {
	struct model_booking *v;
	size_t n;
};

/* The studio as the console shows it: its name and its time zone. */
struct model_studio {
	char studio_name[128];
	char timezone[64];     /* IANA name, from db_settings_timezone */
	struct tz *tz;         /* the zone loaded from the system's tzdata */
};

/* model_rooms_parse: {"rooms":[...]} into out (zeroed first). Fails with
 * ERR_INTERNAL when the JSON does not have that shape; out is then empty.
 * The caller frees out with model_rooms_free. */
int model_rooms_parse(const char *json, struct model_rooms *out, struct err *e);
void model_rooms_free(struct model_rooms *r);

/* model_rooms_load: run DB_ROOMS_JSON_SQL and parse it. */
int model_rooms_load(struct db *db, struct model_rooms *out, struct err *e);

/* model_bookings_parse: {"bookings":[...]} into out, as model_rooms_parse. */
int model_bookings_parse(const char *json, struct model_bookings *out, struct err *e);
void model_bookings_free(struct model_bookings *b);

/* model_studio_load: studio name (DB_SETTINGS_JSON_SQL) and time zone
 * (db_settings_timezone, loaded with tz_load_system) into out. On success
 * out->tz is the caller's (model_studio_free); on failure out holds
 * nothing to free. */
int model_studio_load(struct db *db, struct model_studio *out, struct err *e);
void model_studio_free(struct model_studio *s);

/* model_day_json: the bookings overlapping studio-local day y-m-d in tz
 * (DB_BOOKINGS_BETWEEN_JSON_SQL between the day's bounds) as JSON; *json
 * is the caller's (free()). Fails with ERR_INVALID for a day that does not
 * exist, or as db_query_json. */
int model_day_json(struct db *db, const struct tz *tz, int y, int m, int d, char **json,
    struct err *e);

/* model_today: the studio-local date in tz at instant now. Cannot fail. */
void model_today(const struct tz *tz, int64_t now, int *y, int *m, int *d);

/* model_local_time: instant t as local "HH:MM" in tz, or "MM-DD HH:MM"
 * when its local date is not y-m-d (a booking running over midnight).
 * Cannot fail; out (16 bytes at least) is always NUL-terminated. */
void model_local_time(const struct tz *tz, int64_t t, int y, int m, int d, char *out,
    size_t outlen);

/* model_weekday_name: "Monday" .. "Sunday" of y-m-d (a valid date). */
const char *model_weekday_name(int y, int m, int d);

#endif
