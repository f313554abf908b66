#include "core/secret.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define SECRET_PREFIX "v1:"

int
secret_key_parse(const char *hex, unsigned char key[SECRET_KEY_BYTES], struct err *e)
{
	size_t bin = 0;

	if (hex == NULL || strlen(hex) != 2 * SECRET_KEY_BYTES ||
	    sodium_hex2bin(key, SECRET_KEY_BYTES, hex, strlen(hex), NULL, &bin, NULL) != 0 ||
	    bin != SECRET_KEY_BYTES)
		return err_set(e, ERR_CONFIG, "secret_key", "the secret key must be %d hexadecimal digits "
		    "(make one with: openssl rand -hex 32)", 2 * SECRET_KEY_BYTES);
	return 0;
}

char *
secret_seal(const void *plain, size_t len, const unsigned char key[SECRET_KEY_BYTES],
    const unsigned char nonce[SECRET_NONCE_BYTES])
{
	size_t blen = SECRET_NONCE_BYTES + crypto_secretbox_MACBYTES + len;
	unsigned char *box = xcalloc(1, blen);
	size_t tlen = sizeof(SECRET_PREFIX) - 1 + sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_ORIGINAL);
	char *out = xcalloc(1, tlen);

	memcpy(box, nonce, SECRET_NONCE_BYTES);
	crypto_secretbox_easy(box + SECRET_NONCE_BYTES, plain, len, nonce, key);
	memcpy(out, SECRET_PREFIX, sizeof(SECRET_PREFIX) - 1);
	sodium_bin2base64(out + sizeof(SECRET_PREFIX) - 1, tlen - (sizeof(SECRET_PREFIX) - 1), box, blen,
	    sodium_base64_VARIANT_ORIGINAL);
	free(box);
	return out;
}

char *
secret_open(const char *sealed, const unsigned char key[SECRET_KEY_BYTES], size_t *len, struct err *e)
{
	size_t slen, blen = 0;
	unsigned char *box;
	char *plain;

	if (sealed == NULL || strncmp(sealed, SECRET_PREFIX, sizeof(SECRET_PREFIX) - 1) != 0) {
		err_set(e, ERR_INVALID, "secret", "not a sealed value of ours");
		return NULL;
	}
	sealed += sizeof(SECRET_PREFIX) - 1;
	slen = strlen(sealed);
	box = xcalloc(1, slen);
	if (sodium_base642bin(box, slen, sealed, slen, NULL, &blen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    blen < SECRET_NONCE_BYTES + crypto_secretbox_MACBYTES) {
		free(box);
		err_set(e, ERR_INVALID, "secret", "a sealed value that is cut short or not base64");
		return NULL;
	}
	plain = xcalloc(1, blen - SECRET_NONCE_BYTES - crypto_secretbox_MACBYTES + 1);
	if (crypto_secretbox_open_easy((unsigned char *)plain, box + SECRET_NONCE_BYTES, blen - SECRET_NONCE_BYTES,
	    box, key) != 0) {
		free(box);
		free(plain);
		err_set(e, ERR_INVALID, "secret", "a sealed value that does not open with this key");
		return NULL;
	}
	if (len != NULL)
		*len = blen - SECRET_NONCE_BYTES - crypto_secretbox_MACBYTES;
	free(box);
	return plain;
}

int
secret_phone_e164(const char *in, const char *country, char *out, size_t outlen, struct err *e)
{
	char digits[32];
	size_t n = 0, clen = country ? strlen(country) : 0;
	int intl = 0;
	const char *p = in;

	if (outlen < 17)
		return err_set(e, ERR_INVALID, "phone", "no room for a phone number");
	out[0] = '\0';
	if (p == NULL)
		return err_set(e, ERR_INVALID, "phone", "a phone number is needed");
	while (*p == ' ')
		p++;
	if (*p == '+') {
		intl = 1;
		p++;
	} else if (p[0] == '0' && p[1] == '0') {
		intl = 1;
		p += 2;
	}
	for (; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == sizeof(digits) - 1)
				return err_set(e, ERR_INVALID, "phone", "the phone number is too long");
			digits[n++] = *p;
		} else if (*p != ' ' && *p != '-' && *p != '.' && *p != '(' && *p != ')') {
			return err_set(e, ERR_INVALID, "phone", "a phone number holds digits, spaces, dashes, dots, "
			    "parentheses and a leading +");
		}
	}
	digits[n] = '\0';
	if (!intl) {
		/* a national number: North America's ten digits (an optional
		 * leading 1 being the country code itself) */
		if (clen == 1 && country[0] == '1' && n == 11 && digits[0] == '1') {
			memmove(digits, digits + 1, n);   /* the digits after it, and the NUL */
			n--;
		}
		if (!(clen == 1 && country[0] == '1' && n == 10))
			return err_set(e, ERR_INVALID, "phone", "write the phone number with its country code, "
			    "such as +44 20 7946 0958");
		if (clen + n >= sizeof(digits))
			return err_set(e, ERR_INVALID, "phone", "the phone number is too long");
		memmove(digits + clen, digits, n + 1);
		memcpy(digits, country, clen);
		n += clen;
	}
	if (n < 8 || n > 15 || digits[0] == '0')
		return err_set(e, ERR_INVALID, "phone", "a phone number has 8 to 15 digits after its + "
		    "and does not start with 0");
	out[0] = '+';
	memcpy(out + 1, digits, n + 1);
	return 0;
}
