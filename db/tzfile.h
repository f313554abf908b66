/* tzfile.h: load an IANA time zone from the system's zoneinfo files.
 *
 * The parsing is core's (core/tz.h, tz_parse); this file only finds and
 * reads the bytes, so it is the one place time zones touch the disk. */
#ifndef REDLIGHT_TZFILE_H
#define REDLIGHT_TZFILE_H

#include "core/err.h"
#include "core/tz.h"

/* tz_load_system: read and parse the zone name ("America/Toronto") from
 * $TZDIR when set and non-empty, else /usr/share/zoneinfo. On success *out
 * is the caller's (tz_free). Fails with ERR_INVALID (field "time_zone") for
 * a name that is not a zone name (empty, over 255 bytes, a leading '/',
 * "..", an empty path part, characters outside [A-Za-z0-9_+/-]), for
 * "unknown time zone 'X'" when no such file exists, and for malformed zone
 * data; with ERR_IO for any other read failure. *out is then untouched. */
int tz_load_system(const char *name, struct tz **out, struct err *e);

#endif
