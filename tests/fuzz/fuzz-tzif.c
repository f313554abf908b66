/* fuzz-tzif: TZif files as tz_parse reads them (core/tz.h), then the
 * conversions over the zone found, and the bytes as a POSIX TZ rule. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t when[] = { INT64_MIN / 2, -2208988800LL, 0, 1700000000LL,
		2147483648LL, 4102444800LL, INT64_MAX / 2 };
	struct tz *tz = NULL;
	char *spec;

	if (tz_parse(data, size, "Fuzz/Zone", &tz, NULL) == 0) {
		for (size_t i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
			struct tz_local l;
			int64_t start, end, utc;

			tz_to_local(tz, when[i], &l);
			tz_utc_offset(tz, when[i]);
			if (tz_local_day_bounds(tz, l.year, l.month, l.day, &start, &end, NULL) == 0)
				tz_from_local(tz, l.year, l.month, l.day, l.hour, l.minute, 0, TZ_SHIFT_FORWARD,
				    &utc, NULL);
		}
		tz_free(tz);
	}
	if ((spec = malloc(size + 1)) == NULL)
		abort();
	memcpy(spec, data, size);
	spec[size] = '\0';
	tz = NULL;
	if (tz_from_posix(spec, "Fuzz/Posix", &tz, NULL) == 0)
		tz_free(tz);
	free(spec);
	return 0;
}
