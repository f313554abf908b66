/* bench-bookings: the timed part of tools/bench's booking submission, a
 * client in C so that the figure measures redlightd and PostgreSQL, not
 * the client (the Python driver this replaces cost about as much CPU per
 * booking as redlightd on a machine where both share two cores).
 *
 *   bench-bookings PLAN BASE SECONDS
 *
 * PLAN is written by tools/bench-bookings.py before the clock starts: for
 * each connection a line "conn COOKIE", then its slots, one
 * "slot ROOM START END FILL" per line in the order they are booked (FILL:
 * how full the slot's day was when the search offered it, 0 to 1). BASE
 * is redlightd's http://HOST:PORT. One thread, one poll() over a plain
 * HTTP/1.1 keep-alive socket per connection: each connection books its
 * own slots one after another, every request with a fresh Idempotency-Key,
 * until SECONDS pass or its slots run out. The requests are the Python
 * driver's byte for byte (its headers in its order and its JSON body).
 * Prints
 *   bookings: N created in S s, R/s (E other answers)
 * then the rate over the first and last third of the run and the mean
 * time of a booking by how full its day was, then the CPU this client
 * used per booking. Built by tools/bench; not installed. Exit status 1 on
 * a failure (a connection lost, an answer it cannot read, chunked). */
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* one hour a search offered, booked in the plan's order */
struct bench_slot {
	char room[40];
	char start[40];
	char end[40];
	double fill;
};

/* one artist's connection: its session, its slots and the answer being read */
struct bench_conn {
	int fd;
	char *cookie;
	struct bench_slot *slots;
	size_t nslots, next;
	char buf[65536];
	size_t len;
	double sent;
	int waiting;
};

/* one booking answered 201: when, how long it took, how full its day was */
struct bench_done {
	double at, took, fill;
};

static void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
bench_die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench-bookings: ", stdout);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	exit(1);
}

static void *
bench_alloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (p == NULL)
		bench_die("out of memory");
	return p;
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
bench_cpu(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
	    (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

/* a UUID-shaped (version 4) key from a generator seeded once by the
 * kernel: unique per request, as the page's crypto.randomUUID() is, without
 * a system call per request */
static void
bench_uuid(char out[37])
{
	static uint64_t s;
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	int k = 0;

	if (s == 0 && getrandom(&s, sizeof(s), 0) != (ssize_t)sizeof(s))
		bench_die("getrandom: %s", strerror(errno));
	for (int i = 0; i < 2; i++) {
		/* splitmix64 */
		uint64_t z = (s += 0x9e3779b97f4a7c15u);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
		z ^= z >> 31;
		memcpy(b + 8 * i, &z, 8);
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[b[i] >> 4];
		out[k++] = hex[b[i] & 15];
	}
	out[k] = '\0';
}

/* reads PLAN into *conns; returns how many connections it names */
static size_t
bench_plan(const char *path, struct bench_conn **conns)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0, lineno = 0;
	ssize_t len;

	if (f == NULL)
		bench_die("%s: %s", path, strerror(errno));
	*conns = NULL;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (strncmp(line, "conn ", 5) == 0) {
			*conns = bench_alloc(*conns, (n + 1) * sizeof(**conns));
			memset(&(*conns)[n], 0, sizeof(**conns));
			(*conns)[n].fd = -1;
			(*conns)[n].cookie = strdup(line + 5);
			if ((*conns)[n].cookie == NULL)
				bench_die("out of memory");
			n++;
		} else if (strncmp(line, "slot ", 5) == 0 && n > 0) {
			struct bench_conn *c = &(*conns)[n - 1];
			struct bench_slot *s;

			c->slots = bench_alloc(c->slots, (c->nslots + 1) * sizeof(*c->slots));
			s = &c->slots[c->nslots++];
			if (sscanf(line + 5, "%39s %39s %39s %lf", s->room, s->start, s->end, &s->fill) != 4)
				bench_die("%s:%zu: not a slot: %s", path, lineno, line);
		} else {
			bench_die("%s:%zu: neither a connection nor a slot: %s", path, lineno, line);
		}
	}
	free(line);
	fclose(f);
	if (n == 0)
		bench_die("%s: no connections", path);
	return n;
}

static int
bench_connect(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol), one = 1;

	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		bench_die("cannot connect: %s", strerror(errno));
	/* as Python's http.client does */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* sends c's next booking: http.client's request line and headers in its
 * order, and json.dumps's body, in one write as it sends them */
static void
bench_send(struct bench_conn *c, const char *host, const char *origin)
{
	const struct bench_slot *s = &c->slots[c->next++];
	char body[256], req[4096], key[37];
	int blen, rlen;

	blen = snprintf(body, sizeof(body), "{\"room_id\": \"%s\", \"start_at\": \"%s\", \"end_at\": \"%s\"}",
	    s->room, s->start, s->end);
	bench_uuid(key);
	rlen = snprintf(req, sizeof(req),
	    "POST /api/bookings HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n"
	    "Content-Length: %d\r\nContent-Type: application/json\r\nCookie: %s\r\n"
	    "Origin: %s\r\nIdempotency-Key: %s\r\n\r\n%s",
	    host, blen, c->cookie, origin, key, body);
	if (blen >= (int)sizeof(body) || rlen >= (int)sizeof(req))
		bench_die("a request does not fit: %s", c->cookie);
	for (int off = 0; off < rlen;) {
		ssize_t w = write(c->fd, req + off, (size_t)(rlen - off));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			bench_die("cannot send a booking: %s", w < 0 ? strerror(errno) : "nothing written");
		off += (int)w;
	}
	c->len = 0;
	c->waiting = 1;
	c->sent = bench_now();
}

/* whether c's buffer holds a whole answer; if so sets *status and
 * *close_after (the server said Connection: close). Dies on what this
 * client does not read: chunked bodies, no Content-Length, extra bytes */
static int
bench_answer(struct bench_conn *c, int *status, int *close_after)
{
	char *end, *line, *next;
	long length = -1;
	size_t head;

	c->buf[c->len] = '\0';
	end = strstr(c->buf, "\r\n\r\n");
	if (end == NULL)
		return 0;
	head = (size_t)(end - c->buf) + 4;
	if (sscanf(c->buf, "HTTP/1.%*[01] %d", status) != 1)
		bench_die("not an HTTP/1.x status line: %.80s", c->buf);
	*close_after = 0;
	for (line = strstr(c->buf, "\r\n") + 2; line < end; line = next + 2) {
		next = strstr(line, "\r\n");
		*next = '\0';
		if (strncasecmp(line, "Content-Length:", 15) == 0)
			length = strtol(line + 15, NULL, 10);
		else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0)
			bench_die("the answer is sent with Transfer-Encoding:%s, which this client does not read",
			    line + 18);
		else if (strncasecmp(line, "Connection:", 11) == 0 && strcasestr(line + 11, "close") != NULL)
			*close_after = 1;
		*next = '\r';
	}
	if (length < 0)
		bench_die("an answer %d without Content-Length", *status);
	if (c->len < head + (size_t)length)
		return 0;
	if (c->len > head + (size_t)length)
		bench_die("%zu bytes after an answer that nothing asked for", c->len - head - (size_t)length);
	return 1;
}

int
main(int argc, char **argv)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	struct bench_conn *conns;
	struct bench_done *done;
	struct pollfd *pfd;
	struct rusage ru0, ru1;
	size_t nconns, ndone = 0, total = 0, other = 0, active = 0, early = 0, late = 0;
	size_t nlow = 0, nhigh = 0;
	double seconds, t0, stop, took, third, low = 0, high = 0;
	char host[256], port[16];
	const char *origin;

	if (argc != 4 || sscanf(argv[2], "http://%255[^:/]:%15[0-9]", host, port) != 2 ||
	    (seconds = strtod(argv[3], NULL)) <= 0) {
		fputs("usage: bench-bookings PLAN http://HOST:PORT SECONDS\n", stderr);
		return 2;
	}
	origin = argv[2];
	nconns = bench_plan(argv[1], &conns);
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		bench_die("cannot resolve %s", host);
	for (size_t i = 0; i < nconns; i++) {
		conns[i].fd = bench_connect(ai);
		total += conns[i].nslots;
	}
	snprintf(host + strlen(host), sizeof(host) - strlen(host), ":%s", port);
	done = bench_alloc(NULL, (total + 1) * sizeof(*done));
	pfd = bench_alloc(NULL, nconns * sizeof(*pfd));

	getrusage(RUSAGE_SELF, &ru0);
	t0 = bench_now();
	stop = t0 + seconds;
	for (size_t i = 0; i < nconns; i++) {
		if (conns[i].nslots > 0) {
			bench_send(&conns[i], host, origin);
			active++;
		}
	}
	while (active > 0) {
		size_t np = 0;

		for (size_t i = 0; i < nconns; i++) {
			if (conns[i].waiting)
				pfd[np++] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
		}
		int ready = poll(pfd, np, 30000);

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			bench_die("poll: %s", strerror(errno));
		if (ready == 0)
			bench_die("no answer in 30 s");
		for (size_t i = 0, k = 0; i < nconns; i++) {
			struct bench_conn *c = &conns[i];
			int status, close_after;
			ssize_t r;
			double now;

			if (!c->waiting)
				continue;
			if ((pfd[k++].revents & (POLLIN | POLLERR | POLLHUP)) == 0)
				continue;
			r = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				bench_die("connection %zu %s after %zu bookings", i,
				    r < 0 ? strerror(errno) : "closed by the server", c->next - 1);
			c->len += (size_t)r;
			if (c->len == sizeof(c->buf) - 1)
				bench_die("an answer longer than %zu bytes", sizeof(c->buf) - 1);
			if (!bench_answer(c, &status, &close_after))
				continue;
			now = bench_now();
			c->waiting = 0;
			if (status == 201) {
				done[ndone++] = (struct bench_done){ now, now - c->sent, c->slots[c->next - 1].fill };
			} else {
				other++;
			}
			if (close_after) {
				/* as http.client does: a new connection for the next request */
				close(c->fd);
				c->fd = bench_connect(ai);
			}
			if (now < stop && c->next < c->nslots)
				bench_send(c, host, origin);
			else
				active--;
		}
	}
	took = bench_now() - t0;
	getrusage(RUSAGE_SELF, &ru1);

	printf("bookings: %zu created in %.1f s, %.1f/s (%zu other answers)\n", ndone, took, (double)ndone / took,
	    other);
	third = took / 3;
	for (size_t i = 0; i < ndone; i++) {
		if (done[i].at - t0 < third)
			early++;
		if (done[i].at - t0 >= 2 * third)
			late++;
		if (done[i].fill <= 1.0 / 3) {
			low += done[i].took;
			nlow++;
		}
		if (done[i].fill > 2.0 / 3) {
			high += done[i].took;
			nhigh++;
		}
	}
	printf("bookings over the run: %.1f/s in the first third, %.1f/s in the last;"
	       " %.1f ms each while their day was at most a third full, %.1f ms past two thirds\n",
	    (double)early / third, (double)late / third, nlow ? 1000 * low / (double)nlow : NAN,
	    nhigh ? 1000 * high / (double)nhigh : NAN);
	printf("bookings client (tools/bench-bookings.c): %.3f ms of CPU per booking (%.2f s in all)\n",
	    ndone ? 1000 * (bench_cpu(&ru1) - bench_cpu(&ru0)) / (double)ndone : NAN,
	    bench_cpu(&ru1) - bench_cpu(&ru0));
	for (size_t i = 0; i < nconns; i++) {
		close(conns[i].fd);
		free(conns[i].cookie);
		free(conns[i].slots);
	}
	free(conns);
	freeaddrinfo(ai);
	free(done);
	free(pfd);
	return 0;
}
