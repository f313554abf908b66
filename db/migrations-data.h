/* migrations-data.h: SQL embedded at build time by tools/embed-sql. */
#ifndef REDLIGHT_MIGRATIONS_DATA_H
#define REDLIGHT_MIGRATIONS_DATA_H

struct db_embedded {
	int number;          /* migrations: from the file name; others: 0 */
	const char *name;    /* file name without .sql; NULL ends the table */
	const char *sql;
};

extern const struct db_embedded db_migrations[];
extern const struct db_embedded db_seeds[];
/* the files of db/functions/ in file-name order: every SQL function's definition */
extern const struct db_embedded db_families[];

#endif
