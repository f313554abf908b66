/* paywait.h: requests waiting for a booking's PaymentIntent (ARCHITECTURE.md,
 * "Payments"), so POST /api/bookings can answer with its client_secret.
 *
 * The intent is made by the job worker (never on the loop, never inside the
 * booking's transaction) a moment after the booking commits; writing it
 * (db_pay_set_intent) notifies redlight_changes with entity "payment" and
 * the booking's id, which web/listen.c hands to paywait_notice. A waiter
 * reads the booking's due-now payment row when it starts, again on each
 * notice for its booking (and whenever the listener comes back, as
 * notices may have been lost), and gives up PAYWAIT_MS after it started
 * with one last read; nothing here sleeps or polls.
 *
 * A waiter lives in its request's pool with a struct waitlist_node first:
 * when the client leaves, the pool's dispose hook takes it off the list
 * and its pending read is cancelled (http_query), so its callback never
 * runs. One timer, shared by every waiter, bounds them all. Loop thread
 * only. */
#ifndef REDLIGHT_PAYWAIT_H
#define REDLIGHT_PAYWAIT_H

#include "web/http.h"

/* How long POST /api/bookings waits for the intent, in ms. The worker is
 * woken by the job's own notice and makes two Stripe calls (the customer,
 * then the intent), each well under a second at Stripe's usual latency,
 * so 4 s covers a slow Stripe with room to spare, while an artist whose
 * Stripe is failing waits no longer than a slow page load before the page
 * falls back to asking GET /api/bookings/:id/payment (and far below the
 * 30 s and more that clients and proxies allow a request). */
#define PAYWAIT_MS 4000

/* The client_secret of payment p while the card is still to be given
 * (else NULL): the one rule for the booking's answer and GET
 * /api/bookings/:id/payment. */
#define PAYWAIT_SECRET_SQL "CASE WHEN p.status IN ('requires_payment_method','requires_confirmation'," \
    "'requires_action') THEN p.client_secret END"

/* The due-now payment row as paywait_sql reads it: status (NULL: no row
 * yet), amount_cents, currency (lower case), client_secret (NULL unless
 * the card is still to be given), last_error. */
#define PAYWAIT_COL_STATUS 0
#define PAYWAIT_COL_AMOUNT 1
#define PAYWAIT_COL_CURRENCY 2
#define PAYWAIT_COL_SECRET 3

/* The outcome: res is the last read (one row, or none when the booking
 * has no payment row yet), or NULL when the read failed. req is alive. */
typedef void (*paywait_cb)(h2o_req_t *req, const PGresult *res, void *arg);

struct paywait;

/* paywait_new: the waiters' registry on srv->loop. The caller's
 * (paywait_free). Cannot fail; out of memory aborts. */
struct paywait *paywait_new(struct http_server *srv);

/* paywait_free: forget every waiter (their requests are answered by
 * nobody: call it once the requests are done) and close the timer; run
 * the loop once more before uv_loop_close. NULL is a no-op. */
void paywait_free(struct paywait *pw);

/* paywait_start: read booking_id's due-now payment for req and call cb
 * once the PaymentIntent exists (its status is no longer "pending"), or
 * PAYWAIT_MS later with what there is then. With pw NULL, one read. cb
 * runs exactly once unless the client leaves first, possibly before
 * paywait_start returns. booking_id is copied. */
void paywait_start(struct paywait *pw, struct http_server *srv, h2o_req_t *req, const char *booking_id,
    paywait_cb cb, void *arg);

/* paywait_notice: booking_id's payment changed (a notice); NULL: anything
 * may have (the listener reconnected). Every waiter concerned reads
 * again. NULL pw is a no-op. */
void paywait_notice(struct paywait *pw, const char *booking_id);

/* paywait_shutdown: the server is stopping: every waiter reads once more
 * and answers with what it finds, without waiting out its time. */
void paywait_shutdown(struct paywait *pw);

#endif
