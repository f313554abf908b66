/* mail.h: an email message (RFC 5322, MIME) as the studio sends it, built
 * whole in memory so that the same bytes go to an SMTP server or into an
 * .eml file.
 *
 * A message with an invite is
 *   multipart/mixed
 *     multipart/alternative
 *       text/plain; charset=UTF-8           (quoted-printable)
 *       text/html; charset=UTF-8            (quoted-printable)
 *       text/calendar; method=M; charset=UTF-8   (base64)
 *     application/ics; name="invite.ics"    (base64, attachment)
 * with M the invite's own METHOD, which is how Gmail, Outlook and Apple
 * Mail show it as an invitation and update it in place. Without an invite
 * it is multipart/alternative of the two texts; with only a text, a single
 * text/plain part.
 *
 * Headers: Date, From, To, Subject, Message-ID, MIME-Version; display
 * names and subjects that are not plain ASCII are RFC 2047 encoded words
 * (UTF-8, base64), each at most 75 characters. Boundaries derive from the
 * Message-ID, so the same message always gives the same bytes and a retry
 * after an unclear failure sends exactly what was sent before. Nothing here
 * reads the clock: the date arrives in the message. */
#ifndef REDLIGHT_MAIL_H
#define REDLIGHT_MAIL_H

#include <stdint.h>

#include "core/err.h"
#include "core/ics.h"

struct mail {
	const char *from_email, *from_name;  /* name may be NULL */
	const char *to_email, *to_name;
	const char *subject;                 /* UTF-8 */
	const char *message_id;              /* "<id@host>", stable per message */
	int64_t date;                        /* UTC seconds */
	int date_offset_min;                 /* the studio's UTC offset then, for Date */
	const char *text;                    /* text/plain body, UTF-8, required */
	const char *html;                    /* NULL: none */
	const char *ics;                     /* NULL: no invite; else CRLF text */
	enum ics_method ics_method;          /* the ics's METHOD */
};

/* mail_render: the whole message, CRLF line ends, lines of at most 78
 * octets in the body, as NUL-terminated text the caller frees. Returns NULL
 * with e filled (ERR_INVALID naming the field) when an address is missing
 * or holds CR, LF, '<', '>' or a non-ASCII octet, the subject or a name
 * holds CR or LF or is not UTF-8, the Message-ID is not "<...@...>", or
 * the text is missing. */
char *mail_render(const struct mail *m, struct err *e);

/* mail_encode_word: s as it may stand in a header: itself when it is
 * printable ASCII, else RFC 2047 encoded words ("=?UTF-8?B?...?=" separated
 * by CRLF SP, never splitting a UTF-8 character). The caller frees the
 * result. Cannot fail. */
char *mail_encode_word(const char *s);

#endif
