#include "db/db.h"

/* An artist's bookings, read. Each booking's JSON is shaped once, by
 * booking_json() (db/functions/booking.sql). A booking is
 * named by its uuid or by its code: the caller passes one, the other NULL.
 * The one booking's read carries its receipt too (booking_receipt_json,
 * 0018: the payments and refunds as stored). */

#define DB_BOOKING_NAMED "(b.id = $1::uuid OR b.code = $2::text)"

#define DB_STR_(x) #x
#define DB_STR(x) DB_STR_(x)

const char DB_BOOKING_JSON_SQL[] =
    "SELECT (booking_json(b.id)::jsonb || jsonb_build_object('receipt', booking_receipt_json(b.id)))::text"
    " FROM booking b"
    " WHERE " DB_BOOKING_NAMED " AND ($4::boolean OR b.user_id = $3::uuid)";

/* Upcoming: the session has not ended yet, so one under way is still the
 * artist's to find at the top of the list. */
/* A booking of the list, with its due-now payment's status (the page's
 * "Pay now" while the card is still to be given). */
#define DB_MINE_JSON(id) "(booking_json(" id ")::jsonb || jsonb_build_object('payment_status'," \
    " (SELECT p.status FROM payment p WHERE p.booking_id = " id " AND p.purpose = 'due_now')))"

const char DB_MY_BOOKINGS_JSON_SQL[] =
    "SELECT json_build_object("
    " 'upcoming', coalesce((SELECT json_agg(" DB_MINE_JSON("b.id") " ORDER BY b.start_at, b.id)"
    "   FROM booking b WHERE b.user_id = $1::uuid AND b.end_at > now()), '[]'),"
    " 'past', coalesce((SELECT json_agg(" DB_MINE_JSON("x.id") " ORDER BY x.start_at DESC, x.id)"
    "   FROM (SELECT b.id, b.start_at FROM booking b WHERE b.user_id = $1::uuid"
    "   AND b.end_at <= now() ORDER BY b.start_at DESC LIMIT " DB_STR(DB_MY_BOOKINGS_PAST_MAX) ") x),"
    "   '[]'))::text";

const char DB_BOOKING_CHANGE_SQL[] =
    "SELECT b.id, b.status, extract(epoch FROM b.start_at)::bigint,"
    " extract(epoch FROM b.end_at)::bigint, b.room_id,"
    " coalesce((SELECT bs.service_id::text FROM booking_service bs JOIN service s ON s.id = bs.service_id"
    "   WHERE bs.booking_id = b.id AND NOT s.is_addon ORDER BY s.name LIMIT 1), ''),"
    " coalesce((SELECT string_agg(st.staff_id::text, ',' ORDER BY st.staff_id)"
    "   FROM booking_staff st WHERE st.booking_id = b.id), ''),"
    " b.reschedule_count, booking_paid_cents(b.id),"
    " coalesce((booking_quote_json(b.id)->'policy')::text, '')"
    " FROM booking b WHERE " DB_BOOKING_NAMED " AND b.user_id = $3::uuid";
