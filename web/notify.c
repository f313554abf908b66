/* notify.c: templates, rendering and delivery of the artists' messages. */
#include "web/notify.h"

#include <curl/curl.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/ics.h"
#include "core/mail.h"
#include "core/notice.h"
#include "core/secret.h"
#include "core/tmpl.h"
#include "core/tz.h"
#include "core/xalloc.h"
#include "db/notify.h"
#include "db/tzfile.h"
#include "web/sms.h"

/* A template file is a few kilobytes; anything bigger is a mistake. */
#define NOTIFY_TEMPLATE_MAX (256 * 1024)

struct notify {
	struct conf c;
	struct tmpl *subject[NOTICE_NKINDS], *text[NOTICE_NKINDS], *html[NOTICE_NKINDS],
	    *sms[NOTICE_NKINDS];
	struct tz *tz;            /* the last zone used, by name */
	unsigned char key[SECRET_KEY_BYTES]; /* opens the artists' phones; set when has_key */
	int has_key;
};

/* ---- templates ---- */

/* notify_read: the file dir/name whole, for the caller to free. */
static char *
notify_read(const char *dir, const char *name, struct err *e)
{
	char path[1024];
	FILE *f;
	char *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL) {
		err_set(e, ERR_CONFIG, "templates_dir", "cannot read the template %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = xcalloc(1, NOTIFY_TEMPLATE_MAX + 1);
	len = fread(buf, 1, NOTIFY_TEMPLATE_MAX + 1, f);
	fclose(f);
	if (len > NOTIFY_TEMPLATE_MAX || memchr(buf, '\0', len) != NULL) {
		free(buf);
		err_set(e, ERR_CONFIG, "templates_dir", "%s: not a template (binary, or over %d bytes)", path,
		    NOTIFY_TEMPLATE_MAX);
		return NULL;
	}
	return buf;
}

static struct tmpl *
notify_tmpl(const char *text, const char *origin, int html, struct err *e)
{
	struct tmpl *t = tmpl_new(text, notice_var_names, NOTICE_NVARS, origin, html, e);

	if (t == NULL)
		e->code = ERR_CONFIG;
	return t;
}

/* notify_load: kind's three files. NAME.txt starts with "Subject: ...",
 * a blank line, then the text. */
static int
notify_load(struct notify *n, enum notice_kind k, struct err *e)
{
	const char *name = notice_kind_name(k);
	char file[64], *txt, *body, *nl;
	int rc = 0;

	snprintf(file, sizeof(file), "%s.txt", name);
	if ((txt = notify_read(n->c.templates_dir, file, e)) == NULL)
		return e->code;
	nl = strchr(txt, '\n');
	if (strncmp(txt, "Subject: ", 9) != 0 || nl == NULL || nl[1] != '\n') {
		free(txt);
		return err_set(e, ERR_CONFIG, "templates_dir",
		    "%s:1: expected \"Subject: ...\" and a blank line before the text", file);
	}
	*nl = '\0';
	body = nl + 2;
	if ((n->subject[k] = notify_tmpl(txt + 9, file, 0, e)) == NULL ||
	    (n->text[k] = notify_tmpl(body, file, 0, e)) == NULL)
		rc = e->code;
	free(txt);
	if (rc != 0)
		return rc;
	snprintf(file, sizeof(file), "%s.html", name);
	if ((txt = notify_read(n->c.templates_dir, file, e)) == NULL)
		return e->code;
	n->html[k] = notify_tmpl(txt, file, 1, e);
	free(txt);
	if (n->html[k] == NULL)
		return e->code;
	snprintf(file, sizeof(file), "%s.sms", name);
	if ((txt = notify_read(n->c.templates_dir, file, e)) == NULL)
		return e->code;
	n->sms[k] = notify_tmpl(txt, file, 0, e);
	free(txt);
	return n->sms[k] == NULL ? e->code : 0;
}

int
notify_new(const struct conf *c, struct notify **out, struct err *e)
{
	struct notify *n = xcalloc(1, sizeof(*n));

	*out = NULL;
	n->c = *c;
	if (c->secret_key[0] != '\0') {
		if (secret_key_parse(c->secret_key, n->key, e) != 0) {
			free(n);
			return ERR_CONFIG;
		}
		n->has_key = 1;
	}
	for (int k = 0; k < NOTICE_NKINDS; k++) {
		if (notify_load(n, (enum notice_kind)k, e) != 0) {
			notify_free(n);
			return ERR_CONFIG;
		}
	}
	/* before any thread: libcurl's global setup is not thread-safe */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		notify_free(n);
		return err_set(e, ERR_CONFIG, NULL, "libcurl cannot start");
	}
	*out = n;
	return 0;
}

void
notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	for (int k = 0; k < NOTICE_NKINDS; k++) {
		tmpl_free(n->subject[k]);
		tmpl_free(n->text[k]);
		tmpl_free(n->html[k]);
		tmpl_free(n->sms[k]);
	}
	tz_free(n->tz);
	sodium_memzero(n->key, sizeof(n->key));
	free(n);
}

const char *
notify_sms_off(const struct notify *n)
{
	return conf_sms_off(&n->c);
}

const char *
notify_email_off(const struct notify *n)
{
	if (n->c.smtp_url[0] == '\0' && n->c.mail_dir[0] == '\0')
		return "email is not configured (no smtp_url nor mail_dir in redlight.conf)";
	if (n->c.mail_from[0] == '\0')
		return "email is not configured (no mail_from in redlight.conf)";
	return NULL;
}

/* ---- delivery ---- */

struct notify_reader {
	const char *p;
	size_t left;
};

static size_t
notify_read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct notify_reader *r = arg;
	size_t n = size * nitems < r->left ? size * nitems : r->left;

	memcpy(buf, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

/* notify_smtp: bytes to the SMTP server, for to. msg says why on failure. */
static int
notify_smtp(const struct notify *n, const char *to, const char *bytes, int timeout_ms, char *msg,
    size_t msglen)
{
	struct notify_reader rd = { bytes, strlen(bytes) };
	char from[300], rcpt_to[300], ebuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *rcpt;
	CURL *c = curl_easy_init();
	CURLcode rc;

	if (c == NULL) {
		snprintf(msg, msglen, "SMTP: libcurl cannot make a handle");
		return -1;
	}
	snprintf(from, sizeof(from), "<%s>", n->c.mail_from);
	snprintf(rcpt_to, sizeof(rcpt_to), "<%s>", to);
	rcpt = curl_slist_append(NULL, rcpt_to);
	curl_easy_setopt(c, CURLOPT_URL, n->c.smtp_url);
	/* smtp:// goes on only after STARTTLS: never in the clear */
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (n->c.smtp_user[0] != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, n->c.smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, n->c.smtp_password);
	}
	if (n->c.smtp_ca_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, n->c.smtp_ca_file);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, notify_read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &rd);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	rc = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		snprintf(msg, msglen, "SMTP %.200s: %.250s", n->c.smtp_url, ebuf[0] ? ebuf : curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

/* notify_file: bytes into mail_dir/name, whole or not at all. */
static int
notify_file(const struct notify *n, const char *name, const char *bytes, char *path, size_t pathlen,
    char *msg, size_t msglen)
{
	char tmp[1100];
	FILE *f;
	size_t len = strlen(bytes);
	int ok;

	if (mkdir(n->c.mail_dir, 0755) != 0 && errno != EEXIST) {
		snprintf(msg, msglen, "cannot make mail_dir %.300s: %s", n->c.mail_dir, strerror(errno));
		return -1;
	}
	snprintf(path, pathlen, "%s/%s", n->c.mail_dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		snprintf(msg, msglen, "cannot write %.300s: %s", tmp, strerror(errno));
		return -1;
	}
	ok = fwrite(bytes, 1, len, f) == len;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) != 0) {
		snprintf(msg, msglen, "cannot write %.300s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* notify_deliver: the message bytes to to, by SMTP or into mail_dir as
 * file (a name). where says where it went. */
static int
notify_deliver(const struct notify *n, const char *to, const char *file, const char *bytes,
    int timeout_ms, char *where, size_t wlen, char *msg, size_t msglen)
{
	if (n->c.smtp_url[0] != '\0') {
		snprintf(where, wlen, "SMTP %s", n->c.smtp_url);
		return notify_smtp(n, to, bytes, timeout_ms, msg, msglen);
	}
	return notify_file(n, file, bytes, where, wlen, msg, msglen);
}

/* ---- rendering ---- */

static const char *
notify_domain(const struct notify *n)
{
	return ics_mail_domain(n->c.mail_from);
}

/* notify_zone: the zone named, loaded once and kept while it stays. */
static const struct tz *
notify_zone(struct notify *n, const char *name, struct err *e)
{
	struct tz *tz;

	if (name == NULL)
		name = "UTC";
	if (n->tz != NULL && strcmp(tz_name(n->tz), name) == 0)
		return n->tz;
	if (tz_load_system(name, &tz, e) != 0)
		return NULL;
	tz_free(n->tz);
	n->tz = tz;
	return tz;
}

/* A message made, before it goes. */
struct notify_msg {
	char *bytes;              /* the email */
	char *sms;                /* the SMS text */
	char to[256];
	char file[160];           /* its .eml name in mail_dir */
};

static void
notify_msg_clear(struct notify_msg *m)
{
	free(m->bytes);
	free(m->sms);
	memset(m, 0, sizeof(*m));
}

/* notify_render: the message of row r about its booking snapshot. */
static int
notify_render(struct notify *n, const struct db_notification *r, struct notify_msg *out, struct err *e)
{
	struct json_object *js = json_tokener_parse(r->payload);
	struct notice_snapshot s;
	enum notice_kind k;
	enum ics_method method;
	const struct tz *tz;
	char *v[NOTICE_NVARS] = { 0 }, *subject = NULL, *text = NULL, *html = NULL, *ics = NULL;
	char ics_url[1024] = "", base[300];
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (notice_kind_parse(r->template_name, &k) != 0 || notice_snapshot_parse(js, &s, e) != 0) {
		json_object_put(js);
		return err_set(e, ERR_INVALID, "template", "the notification's template %s or payload is not ours",
		    r->template_name);
	}
	if ((tz = notify_zone(n, s.timezone, e)) == NULL) {
		json_object_put(js);
		return e->code;
	}
	/* without public_url, redlightd's own address: right for the demo */
	if (s.b.code != NULL)
		notice_ics_url(conf_public_base(&n->c, base, sizeof(base)), s.b.code, s.ics_token, ics_url, sizeof(ics_url));
	s.b.ics_url = ics_url;
	notice_values(&s.b, tz, v);
	if (strcmp(r->channel, "sms") == 0) {
		out->sms = tmpl_fill(n->sms[k], (const char *const *)v);
		goto done;
	}
	subject = tmpl_fill(n->subject[k], (const char *const *)v);
	text = tmpl_fill(n->text[k], (const char *const *)v);
	html = tmpl_fill(n->html[k], (const char *const *)v);
	if (notice_invite(k, s.status, s.was_confirmed, &method) &&
	    (ics = notice_ics(&s, method, method == ICS_CANCEL, n->c.mail_from, r->created, ics_url, e)) == NULL) {
		rc = e->code;
		goto done;
	}
	{
		struct mail m = {
			.from_email = n->c.mail_from,
			.from_name = n->c.mail_from_name[0] ? n->c.mail_from_name : v[NOTICE_STUDIO_NAME],
			.to_email = s.artist_email, .to_name = v[NOTICE_ARTIST_NAME],
			.subject = subject, .message_id = r->message_id,
			.date = r->created, .date_offset_min = tz_utc_offset(tz, r->created) / 60,
			.text = text, .html = html, .ics = ics, .ics_method = ics ? method : ICS_PUBLISH,
		};
		if ((out->bytes = mail_render(&m, e)) == NULL)
			rc = e->code;
		snprintf(out->to, sizeof(out->to), "%s", m.to_email ? m.to_email : "");
	}
	snprintf(out->file, sizeof(out->file), "%s-%s-%.8s.eml", v[NOTICE_BOOKING_CODE], r->template_name,
	    r->message_id + 1);
done:
	free(subject);
	free(text);
	free(html);
	free(ics);
	notice_values_free(v);
	json_object_put(js);
	if (rc != 0)
		notify_msg_clear(out);
	return rc;
}

/* notify_unsay: every phone in msg (Twilio's errors quote the number)
 * replaced by words: the row's error is read by staff, and the phone is
 * sealed at rest. */
static void
notify_unsay(char *msg, size_t msglen, const char *phone)
{
	static const char words[] = "the artist's number";
	char out[1024], *p;
	size_t o = 0, plen = strlen(phone);

	if (plen == 0 || strstr(msg, phone) == NULL)
		return;
	for (const char *m = msg; *m != '\0' && o < sizeof(out) - 1;) {
		if ((p = strstr(m, phone)) == m) {
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s", words);
			m += plen;
		} else {
			out[o++] = *m++;
		}
		if (o >= sizeof(out))
			o = sizeof(out) - 1;
	}
	if (o > msglen - 1)
		o = msglen - 1;
	memcpy(msg, out, o);
	msg[o] = '\0';
}

/* notify_sms: text to the phone sealed in sealed. sid (sidlen bytes)
 * receives Twilio's message SID, why the reason it did not go. */
static enum sms_outcome
notify_sms(struct notify *n, const char *sealed, const char *text, int timeout_ms, char *sid, size_t sidlen,
    char *why, size_t whylen)
{
	struct err e;
	size_t len;
	char *phone;
	enum sms_outcome o;

	if (!n->has_key || (phone = secret_open(sealed, n->key, &len, &e)) == NULL) {
		snprintf(why, whylen, "the artist's phone cannot be opened with secret_key (was it changed?)");
		return SMS_REFUSED;
	}
	o = sms_send(&n->c, phone, text, timeout_ms, sid, sidlen, why, whylen);
	notify_unsay(why, whylen, phone);
	sodium_memzero(phone, len);
	free(phone);
	return o;
}

int
notify_test_sms(struct notify *n, const char *to, int timeout_ms, char *sid, size_t sidlen, struct err *e)
{
	const char *off = notify_sms_off(n);
	char phone[20], why[512];

	if (off != NULL)
		return err_set(e, ERR_CONFIG, NULL, "%s", off);
	if (secret_phone_e164(to, "1", phone, sizeof(phone), e) != 0)
		return e->code;
	switch (sms_send(&n->c, phone, "This is a test message from redlight (redlight notify-test).", timeout_ms,
	    sid, sidlen, why, sizeof(why))) {
	case SMS_SENT:
		return 0;
	case SMS_REFUSED:
		return err_set(e, ERR_INVALID, "to", "%s", why);
	default:
		return err_set(e, ERR_IO, NULL, "%s", why);
	}
}

/* ---- the job ---- */

/* notify_one: one row id of the job; *retry set to 1 when it should be
 * tried again, -1 when it never will; *sent, *skipped counted. */
static void
notify_one(struct notify *n, struct db *db, const char *id, int last, int sms_on, int timeout_ms, int *retry,
    int *sent, int *skipped, char *msg, size_t msglen)
{
	struct db_notification r;
	struct notify_msg m;
	char mid[200], why[512] = "", where[1100];
	const char *off;
	struct err e;
	int found;

	err_clear(&e);
	snprintf(mid, sizeof(mid), "<%s@%s>", id, notify_domain(n));
	if (db_notification_attempt(db, id, mid, &r, &found, &e) != 0) {
		snprintf(msg, msglen, "%s", e.msg);
		*retry = *retry < 0 ? -1 : 1;
		return;
	}
	if (!found)
		return;
	if (strcmp(r.channel, "sms") == 0)
		off = sms_on ? NULL : notify_sms_off(n);
	else
		off = notify_email_off(n);
	if (off == NULL && strcmp(r.channel, "sms") == 0 && r.phone_enc == NULL)
		off = "the artist gave no phone number";
	if (off != NULL) {
		db_notification_result(db, id, "skipped", off, &e);
		snprintf(msg, msglen, "%s", off);
		(*skipped)++;
	} else if (notify_render(n, &r, &m, &e) != 0) {
		/* the same row renders the same way next time: no retry */
		snprintf(why, sizeof(why), "cannot make the message: %s", e.msg);
		db_notification_result(db, id, "failed", why, &e);
		snprintf(msg, msglen, "%s", why);
		*retry = -1;
	} else if (m.sms != NULL) {
		switch (notify_sms(n, r.phone_enc, m.sms, timeout_ms, where, sizeof(where), why, sizeof(why))) {
		case SMS_SENT:
			db_notification_result(db, id, "sent", NULL, &e);
			db_notification_ref(db, id, where, &e);
			(*sent)++;
			break;
		case SMS_RETRY:
			db_notification_result(db, id, last ? "failed" : "pending", why, &e);
			snprintf(msg, msglen, "%s", why);
			*retry = *retry < 0 ? -1 : 1;
			break;
		case SMS_REFUSED:
			/* the same number and text are refused the same way again */
			db_notification_result(db, id, "failed", why, &e);
			snprintf(msg, msglen, "%s", why);
			*retry = -1;
			break;
		}
		notify_msg_clear(&m);
	} else {
		if (notify_deliver(n, m.to, m.file, m.bytes, timeout_ms, where, sizeof(where), why, sizeof(why)) == 0) {
			db_notification_result(db, id, "sent", NULL, &e);
			(*sent)++;
		} else {
			db_notification_result(db, id, last ? "failed" : "pending", why, &e);
			snprintf(msg, msglen, "%s", why);
			*retry = *retry < 0 ? -1 : 1;
		}
		notify_msg_clear(&m);
	}
	db_notification_clear(&r);
}

enum db_job_outcome
notify_job(struct notify *n, struct db *db, const struct db_job *job, int sms_on, int timeout_ms, char *msg,
    size_t msglen)
{
	int retry = 0, skipped = 0, sent = 0;
	char **ids;
	size_t count;
	struct err e;

	msg[0] = '\0';
	if (db_notification_ids(db, job->id, &ids, &count, &e) != 0) {
		snprintf(msg, msglen, "%s", e.msg);
		return DB_JOB_RETRY;
	}
	if (count == 0) {
		snprintf(msg, msglen, "no message to send: the booking has no artist to tell");
		return DB_JOB_SKIPPED;
	}
	for (size_t i = 0; i < count; i++) {
		notify_one(n, db, ids[i], job->attempt >= job->max_attempts, sms_on, timeout_ms, &retry, &sent,
		    &skipped, msg, msglen);
		free(ids[i]);
	}
	free(ids);
	if (retry < 0)
		return DB_JOB_FAIL;
	if (retry > 0)
		return DB_JOB_RETRY;
	if (skipped > 0 && sent == 0)
		return DB_JOB_SKIPPED;
	msg[0] = '\0';
	return DB_JOB_DONE;
}

int
notify_test_email(struct notify *n, const char *to, int timeout_ms, char *where, size_t wlen, struct err *e)
{
	const char *off = notify_email_off(n);
	char mid[200], why[512] = "", file[128];
	unsigned char rnd[12];
	char hex[25];
	struct mail m = { 0 };
	char *bytes;
	time_t now = time(NULL);
	int rc;

	if (off != NULL)
		return err_set(e, ERR_CONFIG, NULL, "%s", off);
	randombytes_buf(rnd, sizeof(rnd));
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	snprintf(mid, sizeof(mid), "<test-%s@%s>", hex, notify_domain(n));
	m.from_email = n->c.mail_from;
	m.from_name = n->c.mail_from_name[0] ? n->c.mail_from_name : NULL;
	m.to_email = to;
	m.subject = "redlight: a test message";
	m.message_id = mid;
	m.date = (int64_t)now;
	m.text = "This is a test message from redlight (redlight notify-test).\n"
		 "If you can read it, the studio's email reaches its artists.\n";
	if ((bytes = mail_render(&m, e)) == NULL)
		return e->code;
	snprintf(file, sizeof(file), "test-%s.eml", hex);
	rc = notify_deliver(n, to, file, bytes, timeout_ms, where, wlen, why, sizeof(why));
	free(bytes);
	if (rc != 0)
		return err_set(e, ERR_IO, NULL, "%s", why);
	return 0;
}
