/* sesscache.h: the sessions redlightd has looked up, kept in memory, so a
 * request whose cookie is known costs no query (ARCHITECTURE.md,
 * "Sessions").
 *
 * An entry is keyed by the SHA-256 of the cookie's token (what
 * session.token_hash holds) and keeps the account as auth_actor gives it
 * and when the session expires; a hit past that instant is a miss (and
 * the entry goes). What ends a session or changes its account reaches
 * every redlightd through a notice on SESSCACHE_CHANNEL (the triggers of
 * db/functions/sessions.sql: a session row deleted or changed, an
 * account or its staff row changed), which drops the entries it names.
 * Nothing is kept while the listening connection is down, and everything
 * is dropped when it drops or comes back (notices sent meanwhile are
 * lost).
 *
 * A lookup that was under way when a notice arrived may have read the row
 * before the change committed: sesscache_put keeps an answer only when no
 * notice came since its sesscache_epoch. The cache holds at most
 * SESSCACHE_MAX entries; when full it starts again empty.
 *
 * Loop thread only. */
#ifndef REDLIGHT_SESSCACHE_H
#define REDLIGHT_SESSCACHE_H

#include <stdint.h>

#include "web/auth.h"

#define SESSCACHE_CHANNEL "redlight_sessions"
#define SESSCACHE_HASH_BYTES 32
#define SESSCACHE_MAX 8192

struct sesscache;

/* sesscache_new: an empty cache that keeps nothing until
 * sesscache_listening(c, 1). The caller's (sesscache_free). Cannot fail;
 * out of memory aborts. */
struct sesscache *sesscache_new(void);

/* sesscache_free: NULL is a no-op. */
void sesscache_free(struct sesscache *c);

/* sesscache_get: 1 with *out filled when hash names a cached session that
 * has not expired at now (UTC seconds); else 0 (an expired entry is
 * dropped). c may be NULL (always 0). Cannot fail. */
int sesscache_get(struct sesscache *c, const unsigned char hash[SESSCACHE_HASH_BYTES],
    int64_t now, struct auth_actor *out);

/* sesscache_epoch: the number of notices and resets so far; take it when a
 * lookup is sent and give it to sesscache_put. c may be NULL. */
uint64_t sesscache_epoch(const struct sesscache *c);

/* sesscache_put: keep a looked-up session (a copied, expiring at expires,
 * UTC seconds) unless the cache is not listening or epoch is no longer
 * current. c may be NULL (a no-op). Cannot fail; out of memory aborts. */
void sesscache_put(struct sesscache *c, uint64_t epoch,
    const unsigned char hash[SESSCACHE_HASH_BYTES], const struct auth_actor *a, int64_t expires);

/* sesscache_drop: forget the session hash names, if cached. c may be NULL. */
void sesscache_drop(struct sesscache *c, const unsigned char hash[SESSCACHE_HASH_BYTES]);

/* sesscache_notice: apply one notice's payload (see the top); one that
 * cannot be read drops everything. c may be NULL. Cannot fail. */
void sesscache_notice(struct sesscache *c, const char *payload);

/* sesscache_listening: the listening connection is up (1) or down (0);
 * either way everything cached is dropped. c may be NULL. */
void sesscache_listening(struct sesscache *c, int up);

/* sesscache_size: how many sessions are cached. Cannot fail. */
size_t sesscache_size(const struct sesscache *c);

#endif
