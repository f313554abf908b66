/* ratelimit.h: per-client and per-account request limits (token buckets).
 *
 * Each class of request has its own limit, per minute, from the table in
 * ratelimit.c (auth 10, holds 30, bookings 20, payments 10, search and
 * quote 300, booking detail and hold release 120), multiplied by
 * conf.rate_limit_scale (0 turns every limit off). A client may burst up
 * to the whole minute's allowance, then gets one more every 60/limit
 * seconds. Clients are told apart by their address (an IPv6 client by its
 * /64, which one host usually owns whole), and logged-in artists also by
 * their account, so neither a new address nor a new account resets a
 * limit alone.
 *
 * The buckets live in memory, in a fixed table (ratelimit.c's
 * RATELIMIT_SLOTS): when it is full, the least recently used bucket of a
 * few candidates is forgotten. The HTTP processes of one redlightd
 * (http_processes) share one table in shared memory (ratelimit_share),
 * so a client's allowance does not grow with them; separate redlightd
 * instances each have their own, so behind a load balancer a client's
 * allowance is per instance. The address is the TCP peer's, so behind a
 * proxy every client shares the proxy's (X-Forwarded-For is not trusted,
 * since any client can send it).
 *
 * Loop thread only. */
#ifndef REDLIGHT_RATELIMIT_H
#define REDLIGHT_RATELIMIT_H

#include "web/http.h"

enum ratelimit_class {
	RATELIMIT_AUTH,       /* register, login */
	RATELIMIT_HOLDS,      /* POST /api/holds */
	RATELIMIT_BOOKINGS,   /* POST /api/bookings and changes to one */
	RATELIMIT_PAYMENTS,   /* anything that asks Stripe to move money */
	RATELIMIT_SEARCH,     /* POST /api/availability/search, POST /api/quote */
	RATELIMIT_READS,      /* GET /api/bookings/:id, DELETE /api/holds/:id */
	RATELIMIT_NCLASSES
};

/* ratelimit_take: take one request of class cls for req's client and,
 * when user_id is neither NULL nor "", for that account too. Returns 0
 * when allowed; otherwise how many whole seconds (>= 1) until one would
 * be, and takes nothing from either bucket. Cannot fail. */
int ratelimit_take(struct http_server *srv, h2o_req_t *req, enum ratelimit_class cls,
    const char *user_id);

/* ratelimit_allow: ratelimit_take, answering a refusal with 429
 * {"error":{"code":"rate_limited",...}} and Retry-After: SECONDS. Returns
 * 1 when the route goes on, 0 when req has been answered. Routes that
 * honour Idempotency-Key call it before idem_begin, so a refusal is not
 * stored as the key's answer. */
int ratelimit_allow(struct http_server *srv, h2o_req_t *req, enum ratelimit_class cls,
    const char *user_id);

/* ratelimit_share: before the HTTP processes fork, move the table into
 * memory they all map, guarded by a process-shared lock that a process
 * dying inside it does not leave held. ERR_INTERNAL when the system
 * refuses the mapping. Call once, in the first process. */
int ratelimit_share(struct err *e);

/* ratelimit_client: the text that identifies req's client: its IPv4
 * address, or its IPv6 /64 as "2001:db8:1:2::/64"; "-" when the socket
 * has no peer address. Allocated in req's pool. Cannot fail. */
const char *ratelimit_client(h2o_req_t *req);

#endif
