#include "core/stripe.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define STRIPE_MAC_LEN crypto_auth_hmacsha256_BYTES

/* The MAC Stripe computes: HMAC-SHA256(secret, "T." + body). */
static void
stripe_mac(unsigned char mac[STRIPE_MAC_LEN], const char *t, size_t tlen, const void *body, size_t len,
    const char *secret)
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)t, tlen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof(st));
}

/* Parses the decimal digits of s (len bytes, no sign) into *out. */
static int
stripe_parse_time(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;

	if (len == 0 || len > 12)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
stripe_sig_verify(const char *header, const void *body, size_t len, const char *secret,
    int64_t now, int64_t tolerance, struct err *e)
{
	const char *t = NULL, *p;
	size_t tlen = 0;
	unsigned char want[STRIPE_MAC_LEN], got[STRIPE_MAC_LEN];
	int64_t ts, age;
	int nv1 = 0, match = 0;

	if (header == NULL || header[0] == '\0')
		return err_set(e, ERR_INVALID, "Stripe-Signature", "the Stripe-Signature header is missing");
	if (secret == NULL || secret[0] == '\0')
		return err_set(e, ERR_INVALID, "Stripe-Signature", "no webhook secret to check the signature with");
	/* first pass: the timestamp (exactly one t=) */
	for (p = header; *p != '\0';) {
		size_t n = strcspn(p, ",");

		if (n > 2 && p[0] == 't' && p[1] == '=') {
			if (t != NULL)
				return err_set(e, ERR_INVALID, "Stripe-Signature", "Stripe-Signature has two timestamps");
			t = p + 2;
			tlen = n - 2;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	if (t == NULL || stripe_parse_time(t, tlen, &ts) != 0)
		return err_set(e, ERR_INVALID, "Stripe-Signature", "Stripe-Signature has no valid t= timestamp");
	age = now - ts;
	if (age > tolerance || -age > tolerance)
		return err_set(e, ERR_INVALID, "Stripe-Signature",
		    "Stripe-Signature is %lld seconds %s (tolerance %lld)", (long long)(age < 0 ? -age : age),
		    age < 0 ? "in the future" : "old", (long long)tolerance);
	stripe_mac(want, t, tlen, body, len, secret);
	/* second pass: every v1, each compared in constant time, all of them */
	for (p = header; *p != '\0';) {
		size_t n = strcspn(p, ",");

		if (n > 3 && p[0] == 'v' && p[1] == '1' && p[2] == '=') {
			size_t bin = 0;

			if (++nv1 > STRIPE_SIG_MAX_V1)
				break;
			if (n - 3 == 2 * STRIPE_MAC_LEN &&
			    sodium_hex2bin(got, sizeof(got), p + 3, n - 3, NULL, &bin, NULL) == 0 &&
			    bin == STRIPE_MAC_LEN && crypto_verify_32(got, want) == 0)
				match = 1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	sodium_memzero(want, sizeof(want));
	if (nv1 == 0)
		return err_set(e, ERR_INVALID, "Stripe-Signature", "Stripe-Signature has no v1 signature");
	if (nv1 > STRIPE_SIG_MAX_V1)
		return err_set(e, ERR_INVALID, "Stripe-Signature", "Stripe-Signature has more than %d v1 signatures",
		    STRIPE_SIG_MAX_V1);
	if (!match)
		return err_set(e, ERR_INVALID, "Stripe-Signature", "no v1 signature matches the body");
	return 0;
}

int
stripe_sig_header(char *out, size_t outlen, const void *body, size_t len, const char *secret, int64_t t)
{
	unsigned char mac[STRIPE_MAC_LEN];
	char ts[24], hex[2 * STRIPE_MAC_LEN + 1];
	int n;

	snprintf(ts, sizeof(ts), "%lld", (long long)t);
	stripe_mac(mac, ts, strlen(ts), body, len, secret);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	n = snprintf(out, outlen, "t=%s,v1=%s", ts, hex);
	if (n < 0 || (size_t)n >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return ERR_TOO_LARGE;
	}
	return 0;
}

/* Printable ASCII without spaces: what a key's parts may hold. */
static int
stripe_key_part_ok(const char *s)
{
	if (s == NULL || s[0] == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s > '~')
			return 0;
	return 1;
}

int
stripe_idem_key(char *out, size_t outlen, const char *booking, const char *step, int n)
{
	int len;

	if (outlen > 0)
		out[0] = '\0';
	if (!stripe_key_part_ok(booking) || !stripe_key_part_ok(step) || n < 0)
		return ERR_INVALID;
	if (n > 0)
		len = snprintf(out, outlen, "rl-%s-%s-%d", booking, step, n);
	else
		len = snprintf(out, outlen, "rl-%s-%s", booking, step);
	/* Stripe takes keys of up to 255 characters */
	if (len < 0 || (size_t)len >= outlen || len > 255) {
		if (outlen > 0)
			out[0] = '\0';
		return ERR_TOO_LARGE;
	}
	return 0;
}

/* Appends s percent-encoded to buf at *at (a form's component; brackets
 * kept when keep_brackets). Returns -1 when it does not fit. */
static int
stripe_form_encode(char *buf, size_t buflen, size_t *at, const char *s, int keep_brackets)
{
	static const char hexd[] = "0123456789ABCDEF";

	for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
		int plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    *c == '-' || *c == '_' || *c == '.' || *c == '~' || (keep_brackets && (*c == '[' || *c == ']'));

		if (*at + (plain ? 1 : 3) >= buflen)
			return -1;
		if (plain) {
			buf[(*at)++] = (char)*c;
		} else {
			buf[(*at)++] = '%';
			buf[(*at)++] = hexd[*c >> 4];
			buf[(*at)++] = hexd[*c & 15];
		}
	}
	return 0;
}

int
stripe_form_add(char *buf, size_t buflen, const char *key, const char *value)
{
	size_t start = strlen(buf), at = start;

	if (at > 0) {
		if (at + 1 >= buflen)
			return ERR_TOO_LARGE;
		buf[at++] = '&';
	}
	if (stripe_form_encode(buf, buflen, &at, key, 1) != 0 || at + 1 >= buflen)
		goto full;
	buf[at++] = '=';
	if (stripe_form_encode(buf, buflen, &at, value, 0) != 0)
		goto full;
	buf[at] = '\0';
	return 0;
full:
	buf[start] = '\0';
	return ERR_TOO_LARGE;
}
