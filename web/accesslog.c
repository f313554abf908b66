#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "web/http.h"

/* Where a request keeps its id: h2o's per-request environment list. */
#define ACCESS_ID_ENV "redlight.request_id"
#define ACCESS_REMOTE_ENV "redlight.remote"
#define ACCESS_ID_MAX 64

struct access_prelude {
	h2o_handler_t super;
	struct http_server *srv;
};

struct access_logger {
	h2o_logger_t super;
	int json;
};

/* The lines logged since the loop last waited for I/O. A write(2) per
 * request was a system call per request (5 to 10 % of a cached search's
 * CPU); one per turn of the loop, whole lines of at most PIPE_BUF bytes
 * each, keeps the lines whole when HTTP processes share a pipe. */
static char access_buf[PIPE_BUF];
static size_t access_len;

/* access_write: all n bytes of buf to stderr, whatever signals cut in */
static void
access_write(const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;  /* nowhere to log to: the requests go on */
		buf += w;
		n -= (size_t)w;
	}
}

void
http_access_flush(void)
{
	size_t n = access_len;

	access_len = 0;
	access_write(access_buf, n);
}

/* access_put: one line, kept for the turn's write */
static void
access_put(const char *line, size_t n)
{
	if (access_len + n > sizeof(access_buf))
		http_access_flush();
	if (n > sizeof(access_buf)) {
		/* a line longer than the buffer goes out alone */
		access_write(line, n);
		return;
	}
	memcpy(access_buf + access_len, line, n);
	access_len += n;
}

/* Counts the request as in flight until h2o clears its pool. */
struct access_token {
	struct http_server *srv;
};

static const char *access_remote(h2o_req_t *req);

/* An id we echo into headers and logs: 1..64 of [A-Za-z0-9._-]. */
static int
access_id_sane(const char *s, size_t len)
{
	if (len == 0 || len > ACCESS_ID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* Ids: a per-process random key (read once) through splitmix64's
 * finalizer with a counter, a bijection, so ids never repeat within a
 * process and are unlikely to across processes, at no system call per
 * request. */
static void
access_random_id(char out[17])
{
	static const char hex[] = "0123456789abcdef";
	static uint64_t key, counter;
	static int keyed;
	uint64_t x;

	if (!keyed) {
		if (getrandom(&key, sizeof(key), GRND_NONBLOCK) != (ssize_t)sizeof(key))
			key = uv_hrtime() ^ ((uint64_t)getpid() << 32);   /* no entropy yet (early boot) */
		keyed = 1;
	}
	x = key + (++counter) * 0x9E3779B97F4A7C15ULL;
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	x ^= x >> 31;
	for (int i = 15; i >= 0; i--, x >>= 4)
		out[i] = hex[x & 15];
	out[16] = '\0';
}

const char *
http_request_id(h2o_req_t *req)
{
	ssize_t hi;
	char *id;

	for (size_t i = 0; i + 1 < req->env.size; i += 2)
		if (h2o_memis(req->env.entries[i].base, req->env.entries[i].len,
		    H2O_STRLIT(ACCESS_ID_ENV)))
			return req->env.entries[i + 1].base;
	hi = h2o_find_header_by_str(&req->headers, H2O_STRLIT("x-request-id"), -1);
	if (hi >= 0 && access_id_sane(req->headers.entries[hi].value.base,
	    req->headers.entries[hi].value.len)) {
		h2o_iovec_t v = req->headers.entries[hi].value;
		id = h2o_mem_alloc_pool(&req->pool, v.len + 1);
		memcpy(id, v.base, v.len);
		id[v.len] = '\0';
	} else {
		id = h2o_mem_alloc_pool(&req->pool, 17);
		access_random_id(id);
	}
	h2o_vector_reserve(&req->pool, &req->env, req->env.size + 2);
	req->env.entries[req->env.size++] = h2o_iovec_init(H2O_STRLIT(ACCESS_ID_ENV));
	req->env.entries[req->env.size++] = h2o_iovec_init(id, strlen(id));
	return id;
}

static void
access_token_dispose(void *p)
{
	struct access_token *t = p;
	struct http_server *srv = t->srv;

	if (--srv->inflight == 0 && srv->on_idle != NULL)
		srv->on_idle(srv);
}

static int
access_prelude_on_req(h2o_handler_t *self, h2o_req_t *req)
{
	struct http_server *srv = ((struct access_prelude *)self)->srv;
	struct access_token *t = h2o_mem_alloc_shared(&req->pool, sizeof(*t), access_token_dispose);

	t->srv = srv;
	srv->inflight++;
	http_request_id(req);
	access_remote(req);
	/* while stopping, answer and close: no connection waits for more */
	if (srv->stopping)
		req->http1_is_persistent = 0;
	return -1;
}

static void
access_filter_on_setup_ostream(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
	const char *id = http_request_id(req);

	(void)self;
	h2o_set_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0, id,
	    strlen(id), 1);
	h2o_setup_next_ostream(req, slot);
}

/* The client's address, taken while the connection is surely open and
 * kept with the request, since the logger may run after the client left. */
static const char *
access_remote(h2o_req_t *req)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char *out;

	for (size_t i = 0; i + 1 < req->env.size; i += 2)
		if (h2o_memis(req->env.entries[i].base, req->env.entries[i].len,
		    H2O_STRLIT(ACCESS_REMOTE_ENV)))
			return req->env.entries[i + 1].base;
	out = h2o_mem_alloc_pool(&req->pool, INET6_ADDRSTRLEN + 1);
	snprintf(out, INET6_ADDRSTRLEN + 1, "-");
	len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
	if (len != 0 && ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, INET6_ADDRSTRLEN + 1);
	else if (len != 0 && ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, INET6_ADDRSTRLEN + 1);
	h2o_vector_reserve(&req->pool, &req->env, req->env.size + 2);
	req->env.entries[req->env.size++] = h2o_iovec_init(H2O_STRLIT(ACCESS_REMOTE_ENV));
	req->env.entries[req->env.size++] = h2o_iovec_init(out, strlen(out));
	return out;
}

static void
access_log(h2o_logger_t *self, h2o_req_t *req)
{
	struct access_logger *l = (struct access_logger *)self;
	struct timeval start = req->timestamps.request_begin_at, now;
	size_t pathlen = req->path.len;
	h2o_iovec_t method, path;
	char when[40], *line;
	const char *remote = access_remote(req);
	const char *id = http_request_id(req);
	double ms;
	struct tm tm;
	size_t size;
	int status = req->res.status, len;

	gettimeofday(&now, NULL);
	if (start.tv_sec == 0)
		start = req->processed_at.at;
	ms = (double)(now.tv_sec - start.tv_sec) * 1000.0 + (double)(now.tv_usec - start.tv_usec) / 1000.0;
	if (ms < 0)
		ms = 0;
	gmtime_r(&start.tv_sec, &tm);
	len = (int)strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + len, sizeof(when) - (size_t)len, ".%03dZ", (int)(start.tv_usec / 1000));
	/* the query string stays out of the log: it may carry tokens */
	if (req->query_at != SIZE_MAX)
		pathlen = req->query_at;
	method = http_json_quote(&req->pool, req->method.base, req->method.len);
	path = http_json_quote(&req->pool, req->path.base, pathlen);
	/* no status: the client left before the answer (nginx's 499) */
	if (status == 0)
		status = 499;

	size = method.len + path.len + strlen(id) + 256;
	line = h2o_mem_alloc_pool(&req->pool, size);
	if (l->json)
		len = snprintf(line, size,
		    "{\"time\":\"%s\",\"request_id\":\"%s\",\"method\":%s,\"path\":%s,"
		    "\"status\":%d,\"bytes\":%zu,\"duration_ms\":%.3f,\"remote\":\"%s\"}\n",
		    when, id, method.base, path.base, status, req->bytes_sent, ms, remote);
	else
		len = snprintf(line, size,
		    "%s request_id=%s method=%s path=%s status=%d bytes=%zu duration_ms=%.3f remote=%s\n",
		    when, id, method.base, path.base, status, req->bytes_sent, ms, remote);
	if (len > 0)
		access_put(line, (size_t)len < size ? (size_t)len : size - 1);
}

void
http_access_register(h2o_pathconf_t *pathconf, struct http_server *srv, int json)
{
	struct access_prelude *h = (struct access_prelude *)h2o_create_handler(pathconf, sizeof(*h));
	h2o_filter_t *f = h2o_create_filter(pathconf, sizeof(*f));
	struct access_logger *l = (struct access_logger *)h2o_create_logger(pathconf, sizeof(*l));

	h->super.on_req = access_prelude_on_req;
	h->srv = srv;
	f->on_setup_ostream = access_filter_on_setup_ostream;
	l->super.log_access = access_log;
	l->json = json;
}
