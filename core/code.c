#include "core/code.h"

#include <string.h>

static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

int
booking_code_format(const unsigned char *rnd, char *out, size_t outlen)
{
	const size_t n = sizeof(code_alphabet) - 1;

	if (outlen <= BOOKING_CODE_LEN)
		return -1;
	memcpy(out, "RL-", 3);
	for (size_t i = 0; i < BOOKING_CODE_RANDOM_BYTES; i++)
		out[3 + i] = code_alphabet[rnd[i] % n];
	out[BOOKING_CODE_LEN] = '\0';
	return 0;
}

int
booking_code_valid(const char *s)
{
	if (strlen(s) != BOOKING_CODE_LEN || strncmp(s, "RL-", 3) != 0)
		return 0;
	for (size_t i = 3; i < BOOKING_CODE_LEN; i++)
		if (strchr(code_alphabet, s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}
