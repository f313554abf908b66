/* feed.h (db): what the staff calendar feeds read and change
 * (db/migrations/0019_staff_feed.sql): each staff member's feed token, the
 * bookings their feed shows, its Last-Modified, and rotating the token.
 *
 * redlightd sends the statements below on its asynchronous pool
 * (web/feedcache.c); the console and `redlight rotate-ics-token` call the
 * synchronous functions. */
#ifndef REDLIGHT_DB_FEED_H
#define REDLIGHT_DB_FEED_H

#include <stddef.h>

#include "core/err.h"
#include "db/db.h"

/* A token's hex digits with their NUL. */
#define DB_FEED_TOKEN_SIZE 65

/* Every active staff member's id and feed token, two text columns. */
extern const char DB_FEED_TOKENS_SQL[];

/* $1 a staff member's id: the feed's rows, ordered by start. Each row:
 * display_name, studio_name, the ETag last served and since when (epoch
 * seconds; both NULL: never), then booking_id (NULL in the one row of a
 * feed without bookings), code, canceled ('t'/'f'), start, end, changed
 * (epoch seconds), ics_sequence, room name, artist name (NULL: none),
 * services ("A, B"), numbered by DB_FEED_COL_*. The bookings: confirmed or completed ones, and
 * those canceled after being confirmed less than 30 days ago, that
 * overlap 180 days back to 180 days ahead. No row: no such active staff
 * member. */
extern const char DB_FEED_ROWS_SQL[];
enum {
	DB_FEED_COL_STAFF, DB_FEED_COL_STUDIO, DB_FEED_COL_ETAG, DB_FEED_COL_MODIFIED, DB_FEED_COL_BOOKING,
	DB_FEED_COL_CODE, DB_FEED_COL_CANCELED, DB_FEED_COL_START, DB_FEED_COL_END, DB_FEED_COL_CHANGED, DB_FEED_COL_SEQUENCE,
	DB_FEED_COL_ROOM, DB_FEED_COL_ARTIST, DB_FEED_COL_SERVICES,
};

/* $1 the staff id, $2 the ETag of the feed just built: its Last-Modified
 * as epoch seconds (staff_feed_seen: later than before when the ETag is
 * new, never earlier). One row, one column. */
extern const char DB_FEED_SEEN_SQL[];

/* db_feed_token: staff member staff_id's token (DB_FEED_TOKEN_SIZE bytes)
 * and display name (namelen bytes; may be NULL). ERR_NOT_FOUND (field
 * "staff") when there is no such staff member. */
int db_feed_token(struct db *db, const char *staff_id, char *token, char *name, size_t namelen,
    struct err *e);

/* db_feed_rotate: a new token for staff_id, as actor (an admin:
 * ERR_FORBIDDEN otherwise; ERR_NOT_FOUND field "staff" for no such staff
 * member), audited; the old one stops working at once. token receives
 * the new one. */
int db_feed_rotate(struct db *db, const struct db_actor *actor, const char *staff_id, char *token,
    struct err *e);

#endif
