/* notify.h: the notification rows (db/migrations/0015_notifications.sql)
 * for the worker that sends them (web/notify.c) and the staff who look at
 * them (`redlight notifications`). */
#ifndef REDLIGHT_DB_NOTIFY_H
#define REDLIGHT_DB_NOTIFY_H

#include <stddef.h>

#include "core/err.h"
#include "db/db.h"

/* One message as a try of it begins. Strings are the caller's
 * (db_notification_clear). */
struct db_notification {
	char channel[8];          /* "email" or "sms" */
	char template_name[32];
	char *payload;            /* the booking snapshot, JSON text */
	char *message_id;         /* "<...@...>" */
	char *phone_enc;          /* sealed phone (sms), NULL when none */
	long long created;        /* UTC seconds: the message's Date and DTSTAMP */
};

/* db_notification_ids: the ids of job's rows, email first, into *ids
 * (n of them; the caller frees each and the array). Fails as db_exec. */
int db_notification_ids(struct db *db, long long job, char ***ids, size_t *n, struct err *e);

/* db_notification_attempt: a try of notification id begins: counted, its
 * Message-ID fixed to message_id unless it has one already. *found is 0
 * (and out empty) when the row is no longer owed (sent, canceled) or does
 * not exist. Fails as db_exec. */
int db_notification_attempt(struct db *db, const char *id, const char *message_id,
    struct db_notification *out, int *found, struct err *e);

/* db_notification_clear: free what an attempt filled. NULL is a no-op. */
void db_notification_clear(struct db_notification *n);

/* db_notification_result: record the try: status "sent", "pending" (it
 * will be tried again), "failed" (no more tries) or "skipped", with error
 * (NULL for sent). Fails as db_exec. */
int db_notification_result(struct db *db, const char *id, const char *status, const char *error,
    struct err *e);

/* db_notification_ref: the delivering service's own id for a sent row
 * (Twilio's message SID). Fails as db_exec. */
int db_notification_ref(struct db *db, const char *id, const char *ref, struct err *e);

/* What a resend did. */
struct db_notification_resent {
	char id[37];
	char status[16];          /* "pending" */
	long long job_id;         /* the notification_resend job that sends it */
};

/* db_notification_resend: send a failed or skipped message again, as
 * actor (staff or an admin): ref is its id or 8 or more of its first
 * characters (0018's notification_resend, audited). Fails with
 * ERR_INVALID (field "id": malformed or naming several), ERR_NOT_FOUND,
 * ERR_CHANGED (it is not failed or skipped), ERR_FORBIDDEN. */
int db_notification_resend(struct db *db, const struct db_actor *actor, const char *ref,
    struct db_notification_resent *out, struct err *e);

/* $1 text: "failed" for the failed ones only, NULL for all: {"counts":
 * {"pending":N,"sent":N,"failed":N,"skipped":N,"canceled":N},
 * "notifications":[{id, channel, template, status, attempts, booking_code,
 * recipient, message_id, job_id, error, created_at, sent_at}]}: the newest
 * DB_NOTIFICATION_LIST_MAX, newest first. The recipient of an SMS is never
 * shown (the phone is sealed). */
extern const char DB_NOTIFICATION_LIST_JSON_SQL[];
#define DB_NOTIFICATION_LIST_MAX 200

#endif
