#include "db/db.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
db_sodium_ready(void)
{
	if (sodium_init() < 0) {
		fputs("redlight: libsodium failed to initialise\n", stderr);
		abort();
	}
}

int
db_password_hash(const char *password, char *out, size_t outlen, struct err *e)
{
	db_sodium_ready();
	if (outlen < crypto_pwhash_STRBYTES)
		return err_set(e, ERR_INTERNAL, NULL, "password hash buffer too small");
	if (crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, ERR_INTERNAL, NULL, "out of memory while hashing a password");
	return 0;
}

/* Verifying against this when the email is unknown keeps both failures
 * equally slow, so timing does not reveal which accounts exist. */
static void
db_login_burn(const char *password)
{
	static char dummy[crypto_pwhash_STRBYTES];

	if (dummy[0] == '\0' && db_password_hash("redlight-no-such-user", dummy, sizeof(dummy), NULL) != 0)
		return;
	if (crypto_pwhash_str_verify(dummy, password, strlen(password)) == 0)
		return; /* nobody knows the dummy's password; nothing to do either way */
}

int
db_login(struct db *db, const char *email, const char *password,
    struct db_actor *actor, struct err *e)
{
	char lower[256];
	const char *params[1] = { lower };
	PGresult *res;
	size_t i;
	int rc;

	db_sodium_ready();
	memset(actor, 0, sizeof(*actor));
	for (i = 0; email[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)email[i]);
	lower[i] = '\0';
	rc = db_exec(db,
	    "SELECT u.id, u.email, u.name, u.role, coalesce(s.id::text, ''), coalesce(u.password_hash, '')"
	    " FROM app_user u LEFT JOIN staff s ON s.user_id = u.id WHERE u.email = $1",
	    1, params, &res, e);
	if (rc != 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		db_login_burn(password);
		return err_set(e, ERR_AUTH, "email", "wrong email or password");
	}
	const char *hash = PQgetvalue(res, 0, 5);
	if (hash[0] == '\0' || crypto_pwhash_str_verify(hash, password, strlen(password)) != 0) {
		PQclear(res);
		return err_set(e, ERR_AUTH, "email", "wrong email or password");
	}
	snprintf(actor->id, sizeof(actor->id), "%s", PQgetvalue(res, 0, 0));
	snprintf(actor->email, sizeof(actor->email), "%s", PQgetvalue(res, 0, 1));
	snprintf(actor->name, sizeof(actor->name), "%s", PQgetvalue(res, 0, 2));
	snprintf(actor->role, sizeof(actor->role), "%s", PQgetvalue(res, 0, 3));
	snprintf(actor->staff_id, sizeof(actor->staff_id), "%s", PQgetvalue(res, 0, 4));
	PQclear(res);
	return 0;
}
