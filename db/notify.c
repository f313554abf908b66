#include "db/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define DB_NOTIFY_STR(x) #x
#define DB_NOTIFY_XSTR(x) DB_NOTIFY_STR(x)
#define DB_NOTIFY_UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

const char DB_NOTIFICATION_LIST_JSON_SQL[] =
    "SELECT json_build_object("
    " 'counts', (SELECT json_build_object("
    "   'pending', count(*) FILTER (WHERE c.status = 'pending'),"
    "   'sent', count(*) FILTER (WHERE c.status = 'sent'),"
    "   'failed', count(*) FILTER (WHERE c.status = 'failed'),"
    "   'skipped', count(*) FILTER (WHERE c.status = 'skipped'),"
    "   'canceled', count(*) FILTER (WHERE c.status = 'canceled')) FROM notification c),"
    " 'notifications', coalesce(json_agg(json_build_object('id', x.id, 'channel', x.channel,"
    "   'template', x.template, 'status', x.status, 'attempts', x.attempts,"
    "   'booking_code', x.payload_json->>'code',"
    "   'recipient', CASE WHEN x.channel = 'email' THEN x.payload_json->>'artist_email' END,"
    "   'message_id', x.message_id, 'job_id', x.job_id, 'error', x.error,"
    "   'created_at', " DB_NOTIFY_UTC("x.created_at") ", 'sent_at', " DB_NOTIFY_UTC("x.sent_at") ")"
    "   ORDER BY x.created_at DESC, x.id), '[]'))::text"
    " FROM (SELECT * FROM notification n WHERE $1::text IS NULL OR n.status = $1::text"
    "   ORDER BY n.created_at DESC, n.id LIMIT " DB_NOTIFY_XSTR(DB_NOTIFICATION_LIST_MAX) ") x";

int
db_notification_ids(struct db *db, long long job, char ***ids, size_t *n, struct err *e)
{
	char jid[24];
	const char *params[1] = { jid };
	PGresult *res;
	int rc;

	*ids = NULL;
	*n = 0;
	snprintf(jid, sizeof(jid), "%lld", job);
	rc = db_exec_stmt(db, "notification_ids",
	    "SELECT id FROM notification WHERE job_id = $1::bigint ORDER BY channel, id", 1, params, &res, e);
	if (rc != 0)
		return rc;
	*n = (size_t)PQntuples(res);
	*ids = *n > 0 ? xcalloc(*n, sizeof(**ids)) : NULL;
	for (size_t i = 0; i < *n; i++)
		(*ids)[i] = xstrdup(PQgetvalue(res, (int)i, 0));
	PQclear(res);
	return 0;
}

int
db_notification_attempt(struct db *db, const char *id, const char *message_id,
    struct db_notification *out, int *found, struct err *e)
{
	const char *params[2] = { id, message_id };
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	*found = 0;
	rc = db_exec_stmt(db, "notification_attempt",
	    "SELECT channel, template, payload::text, message_id, encode(phone_enc, 'escape'),"
	    " extract(epoch FROM created_at)::bigint FROM notification_attempt($1::uuid, $2)",
	    2, params, &res, e);
	if (rc != 0)
		return rc;
	if (PQntuples(res) == 1) {
		*found = 1;
		snprintf(out->channel, sizeof(out->channel), "%s", PQgetvalue(res, 0, 0));
		snprintf(out->template_name, sizeof(out->template_name), "%s", PQgetvalue(res, 0, 1));
		out->payload = xstrdup(PQgetvalue(res, 0, 2));
		out->message_id = xstrdup(PQgetvalue(res, 0, 3));
		out->phone_enc = PQgetisnull(res, 0, 4) ? NULL : xstrdup(PQgetvalue(res, 0, 4));
		out->created = strtoll(PQgetvalue(res, 0, 5), NULL, 10);
	}
	PQclear(res);
	return 0;
}

void
db_notification_clear(struct db_notification *n)
{
	if (n == NULL)
		return;
	free(n->payload);
	free(n->message_id);
	free(n->phone_enc);
	memset(n, 0, sizeof(*n));
}

int
db_notification_result(struct db *db, const char *id, const char *status, const char *error,
    struct err *e)
{
	const char *params[3] = { id, status, error };

	return db_exec_stmt(db, "notification_result", "SELECT notification_result($1::uuid, $2, $3)", 3,
	    params, NULL, e);
}

int
db_notification_ref(struct db *db, const char *id, const char *ref, struct err *e)
{
	const char *params[2] = { id, ref };

	return db_exec(db, "UPDATE notification SET provider_ref = $2 WHERE id = $1::uuid", 2, params, NULL, e);
}

int
db_notification_resend(struct db *db, const struct db_actor *actor, const char *ref,
    struct db_notification_resent *out, struct err *e)
{
	const char *params[2] = { ref, actor->id };
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_exec(db, "SELECT r->>'id', r->>'status', r->>'job_id' FROM notification_resend($1, $2::uuid) r", 2,
	    params, &res, e);
	if (rc != 0)
		return rc;
	snprintf(out->id, sizeof(out->id), "%s", PQgetvalue(res, 0, 0));
	snprintf(out->status, sizeof(out->status), "%s", PQgetvalue(res, 0, 1));
	out->job_id = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	PQclear(res);
	return 0;
}
