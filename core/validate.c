#include "core/validate.h"

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
	size_t n = validate_utf8_len(pw, strlen(pw));

	if (n == (size_t)-1)
		return err_set(e, ERR_INVALID, "password", "password is not valid UTF-8 text");
	if (n < VALIDATE_PASSWORD_MIN || n > VALIDATE_PASSWORD_MAX)
		return err_set(e, ERR_INVALID, "password", "password must be %d to %d characters long",
		    VALIDATE_PASSWORD_MIN, VALIDATE_PASSWORD_MAX);
	return 0;
}

int
validate_name(const char *in, char *out, size_t outlen, struct err *e)
{
	const char *s = in;
	size_t len = strlen(in), count = 0;
	const unsigned char *p;

	validate_trim(&s, &len);
	if (len == 0)
		return err_set(e, ERR_INVALID, "name", "name is empty");
	p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned long cp;
		size_t n = validate_utf8_next(p + i, len - i, &cp);

		if (n == 0)
			return err_set(e, ERR_INVALID, "name", "name is not valid UTF-8 text");
		/* C0, DEL and C1 controls: nothing a name needs, and they
		 * garble the console and emails */
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return err_set(e, ERR_INVALID, "name", "name must not contain control characters");
		i += n;
		count++;
	}
	if (count > VALIDATE_NAME_MAX)
		return err_set(e, ERR_INVALID, "name", "name must be at most %d characters long",
		    VALIDATE_NAME_MAX);
	if (outlen <= len)
		return err_set(e, ERR_INVALID, "name", "name is too long");
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}
