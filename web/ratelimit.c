#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "web/ratelimit.h"

/* The limits, per minute, in one place (redlight.conf(5) lists them). */
static const struct {
	const char *name;
	double per_minute;
} ratelimit_limits[RATELIMIT_NCLASSES] = {
	[RATELIMIT_AUTH] = { "auth", 10 },
	[RATELIMIT_HOLDS] = { "holds", 30 },
	[RATELIMIT_BOOKINGS] = { "bookings", 20 },
	[RATELIMIT_PAYMENTS] = { "payments", 10 },
	/* far past what a person clicks: these only stop scripts */
	[RATELIMIT_SEARCH] = { "search", 300 },
	[RATELIMIT_READS] = { "booking and hold", 120 },
};

/* The table: a power of two of slots, a key probing RATELIMIT_PROBE of
 * them from its hash. About 80 bytes a slot. */
#define RATELIMIT_SLOTS 8192
#define RATELIMIT_PROBE 8
#define RATELIMIT_KEY_MAX 64

struct ratelimit_bucket {
	int used;
	int cls;
	char key[RATELIMIT_KEY_MAX];  /* "ip:ADDR" or "user:UUID" */
	double tokens;
	uint64_t at;                  /* loop time (ms) tokens was computed at */
};

struct ratelimit_table {
	int ready;
	int shared;                   /* in memory every HTTP process maps */
	pthread_mutex_t lock;         /* when shared: process-shared, robust */
	unsigned char hashkey[crypto_shorthash_KEYBYTES];
	struct ratelimit_bucket slot[RATELIMIT_SLOTS];
};

/* The process's own table, or the one ratelimit_share mapped. */
static struct ratelimit_table ratelimit_own;
static struct ratelimit_table *ratelimit_tab = &ratelimit_own;

static void
ratelimit_ready(struct ratelimit_table *t)
{
	if (t->ready)
		return;
	if (sodium_init() < 0) {
		fputs("redlightd: libsodium failed to initialise\n", stderr);
		abort();
	}
	/* a secret hash key, so nobody can pick addresses that all probe the
	 * same few slots */
	randombytes_buf(t->hashkey, sizeof(t->hashkey));
	t->ready = 1;
}

int
ratelimit_share(struct err *e)
{
	struct ratelimit_table *t;
	pthread_mutexattr_t a;
	int rc;

	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return err_set(e, ERR_INTERNAL, NULL, "cannot share the rate limits' table: %s",
		    strerror(errno));
	/* anonymous mappings come zeroed: every slot unused */
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	/* a process that dies holding it does not stop the others */
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	rc = pthread_mutex_init(&t->lock, &a);
	pthread_mutexattr_destroy(&a);
	if (rc != 0) {
		munmap(t, sizeof(*t));
		return err_set(e, ERR_INTERNAL, NULL, "cannot share the rate limits' table: %s",
		    strerror(rc));
	}
	ratelimit_ready(t);
	t->shared = 1;
	ratelimit_tab = t;
	return 0;
}

static void
ratelimit_lock(struct ratelimit_table *t)
{
	if (t->shared && pthread_mutex_lock(&t->lock) == EOWNERDEAD)
		/* its holder died mid-update: a bucket may be off by one
		 * request, which a rate limit can live with */
		pthread_mutex_consistent(&t->lock);
}

static void
ratelimit_unlock(struct ratelimit_table *t)
{
	if (t->shared)
		pthread_mutex_unlock(&t->lock);
}

const char *
ratelimit_client(h2o_req_t *req)
{
	struct sockaddr_storage ss;
	socklen_t len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
	char *out = h2o_mem_alloc_pool(&req->pool, INET6_ADDRSTRLEN + 4);

	snprintf(out, INET6_ADDRSTRLEN + 4, "-");
	if (len == 0)
		return out;
	if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, INET6_ADDRSTRLEN);
	} else if (ss.ss_family == AF_INET6) {
		struct in6_addr a = ((struct sockaddr_in6 *)&ss)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(&a)) {
			inet_ntop(AF_INET, &a.s6_addr[12], out, INET6_ADDRSTRLEN);
		} else {
			char net[INET6_ADDRSTRLEN];

			memset(&a.s6_addr[8], 0, 8);
			inet_ntop(AF_INET6, &a, net, sizeof(net));
			snprintf(out, INET6_ADDRSTRLEN + 4, "%s/64", net);
		}
	}
	return out;
}

static struct ratelimit_bucket *
ratelimit_find(int cls, const char *key, uint64_t now, double capacity)
{
	struct ratelimit_table *t = ratelimit_tab;
	unsigned char h[crypto_shorthash_BYTES];
	struct ratelimit_bucket *victim = NULL;
	uint64_t start;
	size_t klen = strlen(key);

	ratelimit_ready(t);
	if (klen >= RATELIMIT_KEY_MAX)
		klen = RATELIMIT_KEY_MAX - 1;
	crypto_shorthash(h, (const unsigned char *)key, klen, t->hashkey);
	memcpy(&start, h, sizeof(start));
	start ^= (uint64_t)cls * 0x9E3779B97F4A7C15ULL;
	for (size_t i = 0; i < RATELIMIT_PROBE; i++) {
		struct ratelimit_bucket *b = &t->slot[(start + i) & (RATELIMIT_SLOTS - 1)];

		if (b->used && b->cls == cls && strncmp(b->key, key, klen) == 0 && b->key[klen] == '\0')
			return b;
		if (victim == NULL || (victim->used && (!b->used || b->at < victim->at)))
			victim = b;
	}
	/* a new bucket, in a free slot or in place of the one idle longest */
	victim->used = 1;
	victim->cls = cls;
	memcpy(victim->key, key, klen);
	victim->key[klen] = '\0';
	victim->tokens = capacity;
	victim->at = now;
	return victim;
}

/* Refills b to now; returns the seconds until it holds a whole token. */
static double
ratelimit_refill(struct ratelimit_bucket *b, uint64_t now, double capacity, double per_second)
{
	if (now > b->at) {
		b->tokens += (double)(now - b->at) / 1000.0 * per_second;
		if (b->tokens > capacity)
			b->tokens = capacity;
	}
	b->at = now;
	return b->tokens >= 1.0 ? 0.0 : (1.0 - b->tokens) / per_second;
}

int
ratelimit_take(struct http_server *srv, h2o_req_t *req, enum ratelimit_class cls,
    const char *user_id)
{
	double scale = srv->conf->rate_limit_scale, per_minute, capacity, per_second, wait;
	struct ratelimit_bucket *ip, *user = NULL;
	uint64_t now = uv_now(srv->loop);
	char key[RATELIMIT_KEY_MAX];

	if (scale <= 0 || cls < 0 || cls >= RATELIMIT_NCLASSES)
		return 0;
	per_minute = ratelimit_limits[cls].per_minute * scale;
	/* a bucket must hold at least one request, or nothing would ever pass */
	capacity = per_minute < 1.0 ? 1.0 : per_minute;
	per_second = per_minute / 60.0;

	snprintf(key, sizeof(key), "ip:%s", ratelimit_client(req));
	ratelimit_lock(ratelimit_tab);
	ip = ratelimit_find(cls, key, now, capacity);
	wait = ratelimit_refill(ip, now, capacity, per_second);
	if (user_id != NULL && user_id[0] != '\0') {
		double uwait;

		snprintf(key, sizeof(key), "user:%s", user_id);
		user = ratelimit_find(cls, key, now, capacity);
		/* in a flood the account's bucket may have just taken the
		 * address's slot; then the address goes uncounted this once */
		if (user == ip)
			ip = NULL;
		uwait = ratelimit_refill(user, now, capacity, per_second);
		if (uwait > wait)
			wait = uwait;
	}
	if (wait <= 0) {
		if (ip != NULL)
			ip->tokens -= 1.0;
		if (user != NULL)
			user->tokens -= 1.0;
	}
	ratelimit_unlock(ratelimit_tab);
	if (wait > 0)
		return wait < 1.0 ? 1 : (int)wait + ((double)(int)wait < wait);
	return 0;
}

int
ratelimit_allow(struct http_server *srv, h2o_req_t *req, enum ratelimit_class cls,
    const char *user_id)
{
	int wait = ratelimit_take(srv, req, cls, user_id);
	char *after, msg[128];
	int len;

	if (wait == 0)
		return 1;
	after = h2o_mem_alloc_pool(&req->pool, 16);
	len = snprintf(after, 16, "%d", wait);
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_RETRY_AFTER, NULL, after, (size_t)len);
	snprintf(msg, sizeof(msg), "too many %s requests; try again in %d second%s",
	    ratelimit_limits[cls].name, wait, wait == 1 ? "" : "s");
	http_send_error(req, 429, "rate_limited", NULL, msg);
	return 0;
}
