/* code.h: human-friendly booking codes ("RL-7KQ2M9XD"). */
#ifndef REDLIGHT_CODE_H
#define REDLIGHT_CODE_H

#include <stddef.h>

#define BOOKING_CODE_RANDOM_BYTES 8
#define BOOKING_CODE_LEN 11 /* "RL-" and 8 characters, without the NUL */

/* booking_code_format: turn BOOKING_CODE_RANDOM_BYTES random bytes (the
 * caller's randomness) into a code of unambiguous characters (no 0/O, 1/I/L)
 * written into out, NUL-terminated. outlen must be > BOOKING_CODE_LEN.
 * Returns 0; cannot fail when outlen is large enough, else -1. */
int booking_code_format(const unsigned char *rnd, char *out, size_t outlen);

/* booking_code_valid: 1 when s has the shape of a booking code, else 0. */
int booking_code_valid(const char *s);

#endif
