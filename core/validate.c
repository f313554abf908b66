#include "core/validate.h"

#include <stdio.h>
#include <string.h>

/* Decodes the code point at s (len > 0 bytes) into *cp and returns its
 * length in bytes, or 0 when the bytes there are not well-formed UTF-8. */
static size_t
validate_utf8_next(const unsigned char *s, size_t len, unsigned long *cp)
{
	unsigned long c = s[0], min;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

size_t
validate_utf8_len(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0;

	while (len > 0) {
		unsigned long cp;
		size_t n = validate_utf8_next(p, len, &cp);

		if (n == 0)
			return (size_t)-1;
		p += n;
		len -= n;
		count++;
	}
	return count;
}

/* A control character: C0, DEL or C1. */
static int
validate_control(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

int
validate_text(const char *name, const char *s, size_t len, enum validate_text_kind kind,
    size_t *chars, struct err *e)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0;

	for (size_t i = 0; i < len;) {
		unsigned long cp;
		size_t n = validate_utf8_next(p + i, len - i, &cp);

		if (n == 0)
			return err_set(e, ERR_INVALID, name, "%s is not valid UTF-8 text", name);
		/* a lone CR would let a note overwrite its own line on a console */
		if (validate_control(cp) && !(kind == VALIDATE_TEXT_MULTILINE &&
		    (cp == '\n' || cp == '\t' || (cp == '\r' && i + 1 < len && p[i + 1] == '\n'))))
			return err_set(e, ERR_INVALID, name, "%s must not hold control characters%s",
			    name, kind == VALIDATE_TEXT_MULTILINE ? " other than line breaks and tabs" : "");
		i += n;
		count++;
	}
	if (chars != NULL)
		*chars = count;
	return 0;
}

/* The scan of one JSON text by validate_json. */
struct validate_json_scan {
	const unsigned char *s;
	size_t len, i;
	int max_depth;
	size_t members;
	char field[sizeof(((struct err *)0)->field)]; /* the top-level member, or "body" */
	struct err *e;
};

static int
validate_json_fail(struct validate_json_scan *j, const char *what)
{
	return err_set(j->e, ERR_INVALID, j->field, "%s %s at byte %zu", j->field, what, j->i);
}

static void
validate_json_blank(struct validate_json_scan *j)
{
	while (j->i < j->len && (j->s[j->i] == ' ' || j->s[j->i] == '\t' ||
	    j->s[j->i] == '\n' || j->s[j->i] == '\r'))
		j->i++;
}

/* The next byte, or -1 at the end. */
static int
validate_json_peek(struct validate_json_scan *j)
{
	return j->i < j->len ? j->s[j->i] : -1;
}

static int
validate_json_unexpected(struct validate_json_scan *j)
{
	int c = validate_json_peek(j);
	char what[64];

	if (c < 0)
		return err_set(j->e, ERR_INVALID, j->field, "%s ends before its JSON document does",
		    j->field);
	if (c > 0x20 && c < 0x7f)
		snprintf(what, sizeof(what), "is not valid JSON: unexpected '%c'", c);
	else
		snprintf(what, sizeof(what), "is not valid JSON: unexpected byte 0x%02x", (unsigned)c);
	return validate_json_fail(j, what);
}

/* Four hex digits at j->i into *cp. */
static int
validate_json_hex4(struct validate_json_scan *j, unsigned long *cp)
{
	*cp = 0;
	if (j->len - j->i < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		int c = j->s[j->i + (size_t)k], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*cp = (*cp << 4) | (unsigned long)d;
	}
	j->i += 4;
	return 0;
}

/* The escape after a backslash at j->i - 1 into *cp. */
static int
validate_json_escape(struct validate_json_scan *j, unsigned long *cp)
{
	static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	int c = validate_json_peek(j);
	unsigned long lo;

	for (const char *p = simple; c > 0 && *p != '\0'; p += 2)
		if (p[0] == c) {
			*cp = (unsigned char)p[1];
			j->i++;
			return 0;
		}
	if (c != 'u') {
		j->i--;
		return validate_json_fail(j, "holds an invalid escape");
	}
	j->i++;
	if (validate_json_hex4(j, cp) != 0)
		return validate_json_fail(j, "holds a \\u escape without four hex digits");
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return validate_json_fail(j, "holds an escaped surrogate that is not part of a pair");
	if (*cp >= 0xd800 && *cp <= 0xdbff) {
		if (j->len - j->i < 2 || j->s[j->i] != '\\' || j->s[j->i + 1] != 'u')
			return validate_json_fail(j, "holds an escaped surrogate that is not part of a pair");
		j->i += 2;
		if (validate_json_hex4(j, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
			return validate_json_fail(j, "holds an escaped surrogate that is not part of a pair");
		*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	return 0;
}

/* A string starting at its opening quote. Escaped control characters are
 * JSON; whether a field may hold them is validate_text's to say. */
static int
validate_json_string(struct validate_json_scan *j)
{
	j->i++;
	for (;;) {
		int c = validate_json_peek(j);
		unsigned long cp;
		size_t n;

		if (c < 0)
			return validate_json_unexpected(j);
		if (c == '"') {
			j->i++;
			return 0;
		}
		if (c == '\\') {
			j->i++;
			if (validate_json_escape(j, &cp) != 0)
				return ERR_INVALID;
			continue;
		}
		n = validate_utf8_next(j->s + j->i, j->len - j->i, &cp);
		if (n == 0)
			return validate_json_fail(j, "is not valid UTF-8");
		if (cp < 0x20)
			return validate_json_fail(j, "holds a raw control character");
		j->i += n;
	}
}

/* Skips the digits at j->i and returns how many there were. */
static size_t
validate_json_digits(struct validate_json_scan *j)
{
	size_t start = j->i;

	while (validate_json_peek(j) >= '0' && validate_json_peek(j) <= '9')
		j->i++;
	return j->i - start;
}

/* A number as RFC 8259 section 6 writes it. */
static int
validate_json_number(struct validate_json_scan *j)
{
	if (validate_json_peek(j) == '-')
		j->i++;
	if (validate_json_peek(j) == '0') {
		j->i++;
		if (validate_json_digits(j) != 0)
			return validate_json_fail(j, "is not valid JSON: a number must not start with 0");
	} else if (validate_json_digits(j) == 0) {
		return validate_json_fail(j, "is not valid JSON: a number needs digits");
	}
	if (validate_json_peek(j) == '.') {
		j->i++;
		if (validate_json_digits(j) == 0)
			return validate_json_fail(j, "is not valid JSON: a number needs digits after '.'");
	}
	if (validate_json_peek(j) == 'e' || validate_json_peek(j) == 'E') {
		j->i++;
		if (validate_json_peek(j) == '+' || validate_json_peek(j) == '-')
			j->i++;
		if (validate_json_digits(j) == 0)
			return validate_json_fail(j, "is not valid JSON: an exponent needs digits");
	}
	return 0;
}

static int validate_json_value(struct validate_json_scan *j, int depth);

/* An object or array whose opening bracket is at j->i. */
static int
validate_json_container(struct validate_json_scan *j, int depth)
{
	int object = j->s[j->i] == '{', close = object ? '}' : ']';
	size_t name;

	if (depth >= j->max_depth)
		return err_set(j->e, ERR_INVALID, j->field, "%s is nested deeper than %d levels",
		    j->field, j->max_depth);
	j->i++;
	validate_json_blank(j);
	if (validate_json_peek(j) == close) {
		j->i++;
		return 0;
	}
	for (;;) {
		if (object) {
			if (validate_json_peek(j) != '"')
				return validate_json_unexpected(j);
			name = j->i + 1;
			if (validate_json_string(j) != 0)
				return ERR_INVALID;
			j->members++;
			if (depth == 0) {
				size_t n = j->i - 1 - name;

				if (n >= sizeof(j->field))
					n = sizeof(j->field) - 1;
				memcpy(j->field, j->s + name, n);
				j->field[n] = '\0';
			}
			validate_json_blank(j);
			if (validate_json_peek(j) != ':')
				return validate_json_unexpected(j);
			j->i++;
		}
		if (validate_json_value(j, depth + 1) != 0)
			return ERR_INVALID;
		if (depth == 0)
			snprintf(j->field, sizeof(j->field), "body");
		validate_json_blank(j);
		if (validate_json_peek(j) == close) {
			j->i++;
			return 0;
		}
		if (validate_json_peek(j) != ',')
			return validate_json_unexpected(j);
		j->i++;
		validate_json_blank(j);
	}
}

static int
validate_json_value(struct validate_json_scan *j, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	int c;

	validate_json_blank(j);
	c = validate_json_peek(j);
	if (c == '{' || c == '[')
		return validate_json_container(j, depth);
	if (c == '"')
		return validate_json_string(j);
	if (c == '-' || (c >= '0' && c <= '9'))
		return validate_json_number(j);
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		size_t n = strlen(words[w]);

		if (j->len - j->i >= n && memcmp(j->s + j->i, words[w], n) == 0) {
			j->i += n;
			return 0;
		}
	}
	return validate_json_unexpected(j);
}

int
validate_json(const char *s, size_t len, int max_depth, size_t *members, struct err *e)
{
	struct validate_json_scan j = {
		.s = (const unsigned char *)s, .len = len, .max_depth = max_depth, .e = e,
		.field = "body",
	};

	*members = 0;
	if (validate_json_value(&j, 0) != 0)
		return ERR_INVALID;
	validate_json_blank(&j);
	if (j.i != len)
		return validate_json_fail(&j, "has more after its JSON document");
	*members = j.members;
	return 0;
}

static int
validate_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Trims surrounding ASCII blanks: [*s, *s + *len). */
static void
validate_trim(const char **s, size_t *len)
{
	while (*len > 0 && validate_blank((unsigned char)(*s)[0])) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && validate_blank((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

static int
validate_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
validate_email_local_char(int c)
{
	if (c <= 0x20 || c >= 0x7f)
		return 0;
	return strchr("\"()<>[]\\,;:@", c) == NULL;
}

static int
validate_email_domain_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

int
validate_email(const char *in, char *out, size_t outlen, struct err *e)
{
	static const char shape[] = "email must look like name@example.com";
	const char *s = in, *at;
	size_t len = strlen(in), local, labels = 0, label = 0;

	validate_trim(&s, &len);
	if (len == 0)
		return err_set(e, ERR_INVALID, "email", "email is empty");
	if (len > VALIDATE_EMAIL_MAX)
		return err_set(e, ERR_INVALID, "email", "email must be at most %d characters long",
		    VALIDATE_EMAIL_MAX);
	if (outlen <= len)
		return err_set(e, ERR_INVALID, "email", "email is too long");
	at = memchr(s, '@', len);
	if (at == NULL)
		return err_set(e, ERR_INVALID, "email", "%s", shape);
	local = (size_t)(at - s);
	if (local == 0 || local > VALIDATE_EMAIL_LOCAL_MAX || s[0] == '.' || at[-1] == '.')
		return err_set(e, ERR_INVALID, "email", "%s", shape);
	for (size_t i = 0; i < len; i++) {
		int c = validate_lower((unsigned char)s[i]);

		if (i < local) {
			if (!validate_email_local_char(c) || (c == '.' && s[i + 1] == '.'))
				return err_set(e, ERR_INVALID, "email", "%s", shape);
		} else if (i > local) {
			if (c == '.') {
				if (label == 0 || s[i - 1] == '-')
					return err_set(e, ERR_INVALID, "email", "%s", shape);
				labels++;
				label = 0;
			} else {
				if (!validate_email_domain_char(c) || (c == '-' && label == 0) ||
				    ++label > VALIDATE_EMAIL_LABEL_MAX)
					return err_set(e, ERR_INVALID, "email", "%s", shape);
			}
		}
		out[i] = (char)c;
	}
	/* the last label: present, not ending in '-', and not the only one */
	if (label == 0 || s[len - 1] == '-' || labels == 0)
		return err_set(e, ERR_INVALID, "email", "%s", shape);
	out[len] = '\0';
	return 0;
}

int
validate_password(const char *pw, struct err *e)
{
	size_t n;

	if (validate_text("password", pw, strlen(pw), VALIDATE_TEXT_LINE, &n, e) != 0)
		return ERR_INVALID;
	if (n < VALIDATE_PASSWORD_MIN || n > VALIDATE_PASSWORD_MAX)
		return err_set(e, ERR_INVALID, "password", "password must be %d to %d characters long",
		    VALIDATE_PASSWORD_MIN, VALIDATE_PASSWORD_MAX);
	return 0;
}

int
validate_name(const char *in, char *out, size_t outlen, struct err *e)
{
	const char *s = in;
	size_t len = strlen(in), count;

	validate_trim(&s, &len);
	if (len == 0)
		return err_set(e, ERR_INVALID, "name", "name is empty");
	/* control characters: nothing a name needs, and they garble the
	 * console and emails */
	if (validate_text("name", s, len, VALIDATE_TEXT_LINE, &count, e) != 0)
		return ERR_INVALID;
	if (count > VALIDATE_NAME_MAX)
		return err_set(e, ERR_INVALID, "name", "name must be at most %d characters long",
		    VALIDATE_NAME_MAX);
	if (outlen <= len)
		return err_set(e, ERR_INVALID, "name", "name is too long");
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}
