/* notify.h: sending what the artist receives (issue 13), for the job
 * worker (web/worker.c) and `redlight notify-test`.
 *
 * The rows are db/notify.h's, written in the transaction that caused them
 * (0015) with the id of the job that sends them; notify_job sends each
 * one still owed.
 *
 * Email: the bytes are core/mail.c's (with core/ics.c's invite where
 * core/notice.c says one belongs), the words the templates' (core/tmpl.c,
 * files NAME.txt, NAME.html and NAME.sms in templates_dir, checked when
 * notify_new loads them). They go to smtp_url through libcurl (smtp://
 * with STARTTLS required, or smtps://; smtp_user and smtp_password when
 * set), or, without smtp_url, into mail_dir as CODE-TEMPLATE-ID.eml, the
 * same bytes a server would have received. The Message-ID is fixed by the
 * first try and the Date and DTSTAMP are the row's creation time, so a
 * retry after an unclear failure (the server may have taken it) sends the
 * very same message, which the receiving side can recognise.
 *
 * Everything here blocks (libcurl's easy interface, file writes): it runs
 * on the worker's thread, never on redlightd's loop. */
#ifndef REDLIGHT_WEB_NOTIFY_H
#define REDLIGHT_WEB_NOTIFY_H

#include <stddef.h>

#include "core/conf.h"
#include "core/err.h"
#include "db/db.h"
#include "db/job.h"

struct notify;

/* notify_new: load and check every template from c->templates_dir (an
 * unknown variable, a missing file or a missing "Subject:" line is an
 * error naming the file and line) and take the mail settings of c
 * (copied). *out is the caller's (notify_free). Fails with ERR_CONFIG. */
int notify_new(const struct conf *c, struct notify **out, struct err *e);

/* notify_free: free n; NULL is a no-op. */
void notify_free(struct notify *n);

/* notify_email_off: why email cannot go out (no smtp_url nor mail_dir,
 * or no mail_from), a static string; NULL when it can. */
const char *notify_email_off(const struct notify *n);

/* notify_sms_off: why SMS cannot go out (conf_sms_off), or NULL. */
const char *notify_sms_off(const struct notify *n);

/* notify_job: send the rows of job, each not sent yet, with
 * timeout_ms for each delivery, recording every try. Returns done when
 * all went (or were no longer owed), retry when one failed and the job
 * has attempts left (its rows stay pending, with the error), fail after
 * the last attempt (the rows failed), skipped when nothing could be sent
 * because the channel is off (the rows skipped, with the reason). msg
 * says why for anything but done. SMS rows go out through Twilio
 * (web/sms.h) to the artist's phone, opened with secret_key, when sms_on
 * (the worker's worker_configured for SMS); without it they end skipped
 * with notify_sms_off's reason while the email rows still go. */
enum db_job_outcome notify_job(struct notify *n, struct db *db, const struct db_job *job, int sms_on,
    int timeout_ms, char *msg, size_t msglen);

/* notify_test_email: send a short test message to the address to, the
 * way the artists' go. where (wlen bytes) says where it went ("SMTP
 * smtp://...", or the .eml file's path). Fails with ERR_CONFIG when email
 * is off, ERR_INVALID for a bad address, ERR_IO when the delivery fails. */
int notify_test_email(struct notify *n, const char *to, int timeout_ms, char *where, size_t wlen,
    struct err *e);

/* notify_test_sms: a short test text to the phone number to (E.164
 * after secret_phone_e164, North American numbers without their "+1"
 * taken), through Twilio; sid receives the message's SID. Fails with
 * ERR_CONFIG when SMS is off, ERR_INVALID for a bad number or one Twilio
 * refuses, ERR_IO when Twilio cannot be reached or fails. */
int notify_test_sms(struct notify *n, const char *to, int timeout_ms, char *sid, size_t sidlen, struct err *e);

#endif
