#include "core/mail.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "core/tz.h"
#include "core/validate.h"
#include "core/xalloc.h"

/* RFC 2045: encoded lines of at most 76 characters. */
#define MAIL_LINE 76
/* RFC 2047: an encoded word of at most 75 characters holds 45 octets. */
#define MAIL_WORD_OCTETS 45

/* Length of the UTF-8 sequence starting with c (1 for ASCII and for bytes
 * that start none). */
static size_t
mail_seq_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

static int
mail_utf8_ok(const char *s)
{
	return validate_utf8_len(s, strlen(s)) != (size_t)-1;
}

static int
mail_is_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* mail_encode_word with the first word fitting a line of which used
 * characters are taken already (the header's name), so no header line
 * passes 78 characters. */
static char *
mail_encode_word_at(const char *s, size_t used)
{
	struct sbuf b = SBUF_INIT;
	size_t len = strlen(s);

	if (mail_is_plain(s)) {
		sbuf_add(&b, s, len);
		return sbuf_detach(&b);
	}
	for (size_t at = 0; at < len;) {
		char word[MAIL_WORD_OCTETS * 4 / 3 + 4];
		/* "=?UTF-8?B?" and "?=" take 12; 4 characters carry 3 octets */
		size_t room = at == 0 && used > 0 ? 78 - used : 75, max = (room - 12) / 4 * 3, take = 0;

		if (max > MAIL_WORD_OCTETS)
			max = MAIL_WORD_OCTETS;
		/* whole characters only */
		while (at + take < len) {
			size_t n = mail_seq_len((unsigned char)s[at + take]);
			if (take + n > max)
				break;
			take += n;
		}
		if (take == 0)
			take = 1;
		sodium_bin2base64(word, sizeof(word), (const unsigned char *)s + at, take,
		    sodium_base64_VARIANT_ORIGINAL);
		sbuf_cat(&b, at > 0 ? "\r\n " : "", "=?UTF-8?B?", word, "?=", (const char *)NULL);
		at += take;
	}
	return sbuf_detach(&b);
}

char *
mail_encode_word(const char *s)
{
	return mail_encode_word_at(s, 0);
}

/* "Name <email>" with the name quoted or encoded, or just the address;
 * used: the header name's length. */
static void
mail_address(struct sbuf *b, const char *email, const char *name, size_t used)
{
	if (name != NULL && name[0] != '\0') {
		if (mail_is_plain(name)) {
			sbuf_str(b, "\"");
			for (const char *p = name; *p != '\0'; p++) {
				if (*p == '"' || *p == '\\')
					sbuf_str(b, "\\");
				sbuf_add(b, p, 1);
			}
			sbuf_str(b, "\"");
		} else {
			char *w = mail_encode_word_at(name, used);
			/* the address on a line of its own: the words fill theirs */
			sbuf_cat(b, w, "\r\n", (const char *)NULL);
			free(w);
		}
		sbuf_str(b, " ");
	}
	sbuf_cat(b, "<", email, ">", (const char *)NULL);
}

/* Whether the len octets at s are an address (or a Message-ID's inside):
 * printable ASCII without spaces or angle brackets, with an '@'. */
static int
mail_addr_ok_n(const char *s, size_t len)
{
	if (s == NULL || len == 0 || memchr(s, '@', len) == NULL)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] > '~' || s[i] == '<' || s[i] == '>')
			return 0;
	return 1;
}

static int
mail_addr_ok(const char *s)
{
	return s != NULL && mail_addr_ok_n(s, strlen(s));
}

static int
mail_line_ok(const char *s)
{
	return s == NULL || (strpbrk(s, "\r\n") == NULL && mail_utf8_ok(s));
}

/* RFC 5322 date: "Wed, 06 Jan 2027 10:00:00 -0500". */
static void
mail_date(struct sbuf *b, int64_t t, int off_min)
{
	int aoff = off_min < 0 ? -off_min : off_min;
	struct tz_fields f;
	char s[64];

	tz_fields_of(t + (int64_t)off_min * 60, &f);
	snprintf(s, sizeof(s), "%s, %02d %s %lld %02d:%02d:%02d %c%02d%02d", tz_weekday_abbr(f.weekday), f.day,
	    tz_month_abbr(f.month), (long long)f.year, f.hour, f.minute, f.second, off_min < 0 ? '-' : '+',
	    aoff / 60, aoff % 60);
	sbuf_str(b, s);
}

/* Quoted-printable (RFC 2045 6.7) of UTF-8 text whose lines end in LF or
 * CRLF: hard breaks as CRLF, soft breaks before 76 characters, '=' and
 * every octet outside printable ASCII encoded, and a space or tab before a
 * line end encoded so that no transport strips it. */
static void
mail_qp(struct sbuf *b, const char *text)
{
	static const char hexd[] = "0123456789ABCDEF";
	size_t col = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
		char enc[4];
		size_t n;
		int eol_next = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');

		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n') {
			sbuf_str(b, "\r\n");
			col = 0;
			continue;
		}
		if ((*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !eol_next)) {
			enc[0] = (char)*p;
			n = 1;
		} else {
			enc[0] = '=';
			enc[1] = hexd[*p >> 4];
			enc[2] = hexd[*p & 15];
			n = 3;
		}
		/* a soft break leaves room for the '=' that ends the line */
		if (col + n > MAIL_LINE - 1) {
			sbuf_str(b, "=\r\n");
			col = 0;
		}
		sbuf_add(b, enc, n);
		col += n;
	}
	if (col > 0)
		sbuf_str(b, "\r\n");
}

/* Base64 of s in lines of 76 characters. */
static void
mail_b64(struct sbuf *b, const char *s)
{
	size_t len = strlen(s);

	for (size_t at = 0; at < len; at += 57) {
		char line[MAIL_LINE + 1];
		size_t take = len - at < 57 ? len - at : 57;

		sodium_bin2base64(line, sizeof(line), (const unsigned char *)s + at, take,
		    sodium_base64_VARIANT_ORIGINAL);
		sbuf_cat(b, line, "\r\n", (const char *)NULL);
	}
}

/* A boundary from the Message-ID: same message, same bytes. "=_" never
 * occurs in quoted-printable or base64 output. */
static void
mail_boundary(char out[40], const char *message_id, const char *what)
{
	unsigned char h[12];
	crypto_generichash_state st;
	char hex[2 * sizeof(h) + 1];

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)message_id, strlen(message_id));
	crypto_generichash_update(&st, (const unsigned char *)what, strlen(what));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(out, 40, "=_rl_%s_%s", what, hex);
}

static void
mail_text_part(struct sbuf *b, const char *type, const char *text)
{
	sbuf_cat(b, "Content-Type: ", type, "; charset=UTF-8\r\n",
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", (const char *)NULL);
	mail_qp(b, text);
}

static void
mail_alternative(struct sbuf *b, const struct mail *m, const char *boundary)
{
	sbuf_cat(b, "Content-Type: multipart/alternative;\r\n boundary=\"", boundary, "\"\r\n\r\n",
	    "--", boundary, "\r\n", (const char *)NULL);
	mail_text_part(b, "text/plain", m->text);
	if (m->html != NULL) {
		sbuf_cat(b, "--", boundary, "\r\n", (const char *)NULL);
		mail_text_part(b, "text/html", m->html);
	}
	if (m->ics != NULL) {
		sbuf_cat(b, "--", boundary, "\r\n", "Content-Type: text/calendar; charset=UTF-8; method=",
		    ics_method_name(m->ics_method), "\r\nContent-Transfer-Encoding: base64\r\n\r\n",
		    (const char *)NULL);
		mail_b64(b, m->ics);
	}
	sbuf_cat(b, "--", boundary, "--\r\n", (const char *)NULL);
}

static int
mail_check(const struct mail *m, struct err *e)
{
	size_t idlen = m->message_id ? strlen(m->message_id) : 0;

	if (!mail_addr_ok(m->from_email))
		return err_set(e, ERR_INVALID, "from", "the sender's address is missing or malformed");
	if (!mail_addr_ok(m->to_email))
		return err_set(e, ERR_INVALID, "to", "the recipient's address is missing or malformed");
	if (!mail_line_ok(m->from_name) || !mail_line_ok(m->to_name))
		return err_set(e, ERR_INVALID, "name", "a name holds a line break or is not UTF-8");
	if (m->subject == NULL || !mail_line_ok(m->subject))
		return err_set(e, ERR_INVALID, "subject", "the subject is missing, holds a line break or is not UTF-8");
	if (idlen < 5 || m->message_id[0] != '<' || m->message_id[idlen - 1] != '>' ||
	    !mail_addr_ok_n(m->message_id + 1, idlen - 2))
		return err_set(e, ERR_INVALID, "message_id", "the Message-ID must look like <id@host>");
	if (m->text == NULL || !mail_utf8_ok(m->text) || (m->html != NULL && !mail_utf8_ok(m->html)))
		return err_set(e, ERR_INVALID, "text", "the message's text is missing or not UTF-8");
	return 0;
}

char *
mail_render(const struct mail *m, struct err *e)
{
	struct sbuf b = SBUF_INIT;
	char *subject, mixed[40], alt[40];

	if (mail_check(m, e) != 0)
		return NULL;
	sbuf_str(&b, "Date: ");
	mail_date(&b, m->date, m->date_offset_min);
	sbuf_str(&b, "\r\nFrom: ");
	mail_address(&b, m->from_email, m->from_name, 6);
	sbuf_str(&b, "\r\nTo: ");
	mail_address(&b, m->to_email, m->to_name, 4);
	subject = mail_encode_word_at(m->subject, 9);
	sbuf_cat(&b, "\r\nSubject: ", subject, "\r\nMessage-ID: ", m->message_id, "\r\nMIME-Version: 1.0\r\n",
	    (const char *)NULL);
	free(subject);
	mail_boundary(mixed, m->message_id, "mixed");
	mail_boundary(alt, m->message_id, "alt");
	if (m->ics != NULL) {
		sbuf_cat(&b, "Content-Type: multipart/mixed;\r\n boundary=\"", mixed, "\"\r\n\r\n",
		    "This is a message in MIME format.\r\n--", mixed, "\r\n", (const char *)NULL);
		mail_alternative(&b, m, alt);
		sbuf_cat(&b, "--", mixed, "\r\n",
		    "Content-Type: application/ics; name=\"invite.ics\"\r\n",
		    "Content-Disposition: attachment; filename=\"invite.ics\"\r\n",
		    "Content-Transfer-Encoding: base64\r\n\r\n", (const char *)NULL);
		mail_b64(&b, m->ics);
		sbuf_cat(&b, "--", mixed, "--\r\n", (const char *)NULL);
	} else if (m->html != NULL) {
		mail_alternative(&b, m, alt);
	} else {
		mail_text_part(&b, "text/plain", m->text);
	}
	return sbuf_detach(&b);
}
