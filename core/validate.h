/* validate.h: checks on what people type into the booking page (email,
 * password, name), shared by redlightd's routes and redlight's commands.
 *
 * Pure: no I/O. Every check fails with ERR_INVALID, the field it names and
 * a message an artist can act on ("password must be 10 to 128 characters
 * long"). */
#ifndef REDLIGHT_VALIDATE_H
#define REDLIGHT_VALIDATE_H

#include <stddef.h>

#include "core/err.h"

#define VALIDATE_EMAIL_MAX 254     /* bytes, RFC 5321's path limit less <> */
#define VALIDATE_EMAIL_LOCAL_MAX 64
#define VALIDATE_EMAIL_LABEL_MAX 63
#define VALIDATE_PASSWORD_MIN 10   /* characters (code points) */
#define VALIDATE_PASSWORD_MAX 128
#define VALIDATE_NAME_MAX 100      /* characters (code points) */

/* validate_utf8_len: the number of code points in s (len bytes) when it is
 * well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF),
 * otherwise (size_t)-1. Cannot fail. */
size_t validate_utf8_len(const char *s, size_t len);

/* validate_json: check that s (len bytes) is one JSON text exactly as
 * RFC 8259 writes it, before any parser reads it: no NaN, Infinity, "1.",
 * "01" or "+1"; no comments or trailing commas; nothing but blanks after
 * the document; well-formed UTF-8 throughout (no overlongs, surrogates or
 * values past U+10FFFF), no raw control character U+0000..U+001F in a
 * string, no escaped surrogate outside a pair, and at most max_depth
 * arrays and objects deep. Escaped control characters ("\u001b") are JSON
 * and pass: validate_text refuses them in the fields read. *members is
 * set to the number of members of all objects together, so a caller can
 * tell a name given twice in one object once a parser has folded it.
 * Fails with ERR_INVALID naming the top-level member where the fault
 * lies, or "body" when it lies outside any member (or in a member's
 * name); the message gives the byte offset. */
int validate_json(const char *s, size_t len, int max_depth, size_t *members, struct err *e);

/* VALIDATE_JSONC_DEPTH: the depth to give json-c's json_tokener_new_ex so
 * that it reads every document validate_json took with max_depth levels:
 * json-c's depth counts one more than the levels it lets nest. */
#define VALIDATE_JSONC_DEPTH(max_depth) ((max_depth) + 1)

/* How validate_text treats line breaks and tabs. */
enum validate_text_kind {
	VALIDATE_TEXT_LINE = 0,      /* one line: no control characters at all */
	VALIDATE_TEXT_MULTILINE = 1, /* notes and reasons: "\n", "\r\n" and "\t" too */
};

/* validate_text: 0 when s (len bytes) is well-formed UTF-8 without control
 * characters (C0, DEL, C1; a multi-line text may hold line feeds, tabs and
 * carriage returns that start a CRLF), with its number of code points in
 * *chars (may be NULL). Otherwise ERR_INVALID with field name. */
int validate_text(const char *name, const char *s, size_t len, enum validate_text_kind kind,
    size_t *chars, struct err *e);

/* validate_email: check in as an email address and write its normal form
 * into out (outlen > VALIDATE_EMAIL_MAX is always enough): surrounding
 * blanks trimmed, ASCII letters lower-cased. The shape accepted is
 * LOCAL@DOMAIN: LOCAL is 1..64 printable ASCII characters other than
 * blanks, quotes and ()<>[]\,;: with no leading, trailing or doubled dot;
 * DOMAIN is two or more dot-separated labels of letters, digits and '-'
 * (not at a label's ends), each 1..63 characters. Internationalised
 * domains are accepted in their xn-- form. Fails with ERR_INVALID, field
 * "email". */
int validate_email(const char *in, char *out, size_t outlen, struct err *e);

/* validate_password: 0 when pw is well-formed UTF-8 without control
 * characters, of VALIDATE_PASSWORD_MIN..VALIDATE_PASSWORD_MAX characters;
 * otherwise
 * ERR_INVALID, field "password". Nothing else is required of it: length
 * is what makes a password strong. */
int validate_password(const char *pw, struct err *e);

/* validate_name: check a person's name and write it, surrounding blanks
 * trimmed, into out (outlen > 4 * VALIDATE_NAME_MAX is always enough): 1
 * to VALIDATE_NAME_MAX characters of well-formed UTF-8 without control
 * characters. Fails with ERR_INVALID, field "name". */
int validate_name(const char *in, char *out, size_t outlen, struct err *e);

#endif
