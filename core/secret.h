/* secret.h: small secrets kept at rest (an artist's phone number, a staff
 * member's calendar refresh token), sealed with libsodium's secretbox
 * (XSalsa20-Poly1305) under a 32-byte key from the configuration.
 *
 * A sealed value is text: "v1:" and the base64 of nonce || ciphertext, so
 * it fits a text column and a key change can be recognised later by its
 * version. The nonce arrives as an argument (core reads no randomness):
 * the caller draws 24 fresh random bytes for every seal. */
#ifndef REDLIGHT_SECRET_H
#define REDLIGHT_SECRET_H

#include <stddef.h>

#include "core/err.h"

#define SECRET_KEY_BYTES 32
#define SECRET_NONCE_BYTES 24

/* secret_key_parse: the key written as 64 hexadecimal digits into key.
 * Returns 0, or ERR_CONFIG naming what is wrong (never echoing the key). */
int secret_key_parse(const char *hex, unsigned char key[SECRET_KEY_BYTES], struct err *e);

/* secret_seal: plain (len bytes) sealed under key with nonce, as text the
 * caller frees. Cannot fail. */
char *secret_seal(const void *plain, size_t len, const unsigned char key[SECRET_KEY_BYTES],
    const unsigned char nonce[SECRET_NONCE_BYTES]);

/* secret_open: the plain text of sealed (NUL-terminated, for the caller to
 * free), *len its length. Returns NULL with ERR_INVALID when sealed is not
 * ours, or was sealed under another key or altered. */
char *secret_open(const char *sealed, const unsigned char key[SECRET_KEY_BYTES], size_t *len, struct err *e);

/* secret_phone_e164: in (what a person typed: spaces, dashes, dots and
 * parentheses allowed; "00" or "+" for the international prefix; a
 * national number of 10 digits when country is "1") as E.164, "+" and 8 to
 * 15 digits, into out (outlen at least 17). country: the studio's calling
 * code, digits only ("1" in North America). Returns 0, or ERR_INVALID with
 * field "phone". */
int secret_phone_e164(const char *in, const char *country, char *out, size_t outlen, struct err *e);

#endif
