/* worker-cal.h: staff calendars on Google Calendar v3 and Microsoft Graph,
 * for the job worker (web/worker.c's table calls these when a provider is
 * configured: conf_calendar_off). Over libcurl, synchronously, on the
 * worker's thread only.
 *
 *   calendar_connect  trade a staff member's authorization code (from
 *                     redlightd's callback) for a refresh token, sealed
 *                     with secret_key (core/secret.h); then their confirmed
 *                     sessions still to come are queued for sync
 *   calendar_sync, calendar_remove
 *                     reconcile one booking (calendar_sync_plan): its event
 *                     exists, at its times, exactly on the calendars of
 *                     the staff assigned to it while it is confirmed;
 *                     every call is recorded (calendar_sync_record)
 *
 * Creation is idempotent: Google's event id is ours (cal_google_event_id;
 * a repeat is 409, which becomes an update), Graph's POST carries a
 * transactionId fixed per booking, staff member and create generation, and
 * the event id is kept once the answer is recorded. One worker reconciles
 * a booking at a time (an advisory lock). Access tokens are refreshed and
 * kept until a minute before they expire; 401 refreshes and tries once
 * more; a refused refresh (invalid_grant) marks the connection
 * reconnect_needed; 403 rate limits and 429 wait their Retry-After (when
 * it fits in the job's time) or retry the job; 404 and 410 recreate on an
 * update and count as done on a delete; 5xx and timeouts retry the job. */
#ifndef REDLIGHT_WORKER_CAL_H
#define REDLIGHT_WORKER_CAL_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "db/db.h"
#include "db/job.h"

struct worker_cal;

/* worker_cal_new: the calendar client for c, or NULL when neither
 * provider is configured (or secret_key does not parse: *why says so).
 * why (may be NULL, 256 bytes) receives the reason it is off. */
struct worker_cal *worker_cal_new(const struct conf *c, char *why, size_t whylen);
void worker_cal_free(struct worker_cal *w);

/* worker_cal_run: run the job of kind with payload by deadline_ms
 * (CLOCK_MONOTONIC ms); msg (msglen bytes) says why when not done. */
enum db_job_outcome worker_cal_run(struct worker_cal *w, struct db *db, const char *kind,
    struct json_object *payload, int64_t deadline_ms, char *msg, size_t msglen);

#endif
