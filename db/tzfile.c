#include "db/tzfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define TZFILE_DEFAULT_DIR "/usr/share/zoneinfo"

/* Real zone files are a few kilobytes; a bigger file is not a zone. */
#define TZFILE_MAX (256 * 1024)

#define TZFILE_NAME_MAX 255

static int
tzfile_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > TZFILE_NAME_MAX || name[0] == '/' || name[n - 1] == '/' ||
	    strstr(name, "..") != NULL || strstr(name, "//") != NULL)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '+' || *p == '-' || *p == '/'))
			return 0;
	return 1;
}

static int
tzfile_unknown(struct err *e, const char *name)
{
	return err_set(e, ERR_INVALID, "time_zone", "unknown time zone '%.100s'", name);
}

int
tz_load_system(const char *name, struct tz **out, struct err *e)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	unsigned char *buf;
	size_t len;
	FILE *f;
	int rc, n;

	if (name == NULL || !tzfile_name_ok(name))
		return err_set(e, ERR_INVALID, "time_zone", "'%.100s' is not a time zone name",
		    name ? name : "");
	if (dir == NULL || dir[0] == '\0')
		dir = TZFILE_DEFAULT_DIR;
	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return err_set(e, ERR_IO, "time_zone", "TZDIR is too long");
	f = fopen(path, "rb");
	if (f == NULL) {
		if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR)
			return tzfile_unknown(e, name);
		return err_set(e, ERR_IO, "time_zone", "cannot read %.100s: %s", path,
		    strerror(errno));
	}
	buf = xcalloc(1, TZFILE_MAX + 1);
	len = fread(buf, 1, TZFILE_MAX + 1, f);
	if (ferror(f)) {
		/* fopen opens a directory ("America") and only the read fails. */
		int saved = errno;

		fclose(f);
		free(buf);
		if (saved == EISDIR)
			return tzfile_unknown(e, name);
		return err_set(e, ERR_IO, "time_zone", "cannot read %.100s: %s", path,
		    strerror(saved));
	}
	fclose(f);
	if (len > TZFILE_MAX) {
		free(buf);
		return err_set(e, ERR_INVALID, "time_zone", "%.100s is too big to be a time zone",
		    path);
	}
	/* zoneinfo also holds text files ("leapseconds"): not zones. */
	if (len < 4 || memcmp(buf, "TZif", 4) != 0) {
		free(buf);
		return tzfile_unknown(e, name);
	}
	rc = tz_parse(buf, len, name, out, e);
	free(buf);
	return rc;
}
