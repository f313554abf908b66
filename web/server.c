#include "web/server.h"
#include "web/page.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define SERVER_BACKLOG 128

/* One server per process: h2o's configuration and context live here. */
static struct {
	h2o_globalconf_t config;
	h2o_context_t ctx;
	h2o_accept_ctx_t accept;
	uv_tcp_t *listener;
	SSL_CTX *ssl;
	uv_prepare_t before_wait;
	/* the bound sockets, one per HTTP process (http_server_bind) */
	int fds[HTTP_SERVER_MAX_PROCESSES];
	int nfds;
	char listen[128];
} server;

/* Before each wait for I/O: the request stamp marked stale, and the
 * turn's access-log lines written (http_access_flush), in one write.
 *
 * h2o stamps a request's start (timestamps.request_begin_at, where the
 * access log's duration_ms counts from) with a clock it reads once per
 * millisecond of the loop's time: a request read in the same millisecond
 * as an earlier one took the earlier one's stamp, and its duration_ms
 * counted time spent before it arrived (30 searches one after the other
 * on one connection summed to more than the client's own wall time).
 * Before each wait for I/O the stamp is marked stale, so the first request
 * read after the wait reads the clock. h2o 2.2 has no call for that: the
 * field is its cache's own, which h2o_get_timestamp refreshes whenever it
 * differs from the loop's time. */
static void
server_before_wait(uv_prepare_t *h)
{
	(void)h;
	server.ctx._timestamp_cache.uv_now_at = UINT64_MAX;
	http_access_flush();
}

static void
server_handle_free(uv_handle_t *h)
{
	free(h);
}

static void
server_on_accept(uv_stream_t *listener, int status)
{
	uv_tcp_t *conn;
	h2o_socket_t *sock;

	if (status != 0)
		return;
	conn = calloc(1, sizeof(*conn));
	if (conn == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	uv_tcp_init(listener->loop, conn);
	if (uv_accept(listener, (uv_stream_t *)conn) != 0) {
		uv_close((uv_handle_t *)conn, server_handle_free);
		return;
	}
	/* small JSON answers should not wait for Nagle */
	uv_tcp_nodelay(conn, 1);
	sock = h2o_uv_socket_create((uv_stream_t *)conn, server_handle_free);
	h2o_accept(&server.accept, sock);
}

/* Splits ADDR:PORT (conf_set checked its shape) into host and port. */
static int
server_split_listen(const char *listen, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *colon;
	size_t n;

	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');
		if (close == NULL || close[1] != ':')
			return -1;
		n = (size_t)(close - listen - 1);
		if (n >= hostlen)
			return -1;
		memcpy(host, listen + 1, n);
		colon = close + 1;
	} else {
		colon = strrchr(listen, ':');
		if (colon == NULL)
			return -1;
		n = (size_t)(colon - listen);
		if (n >= hostlen)
			return -1;
		memcpy(host, listen, n);
	}
	host[n] = '\0';
	if (snprintf(port, portlen, "%s", colon + 1) >= (int)portlen)
		return -1;
	return 0;
}

/* The URL of the bound socket fd, brackets around IPv6 addresses. */
static void
server_url(int fd, char *url, size_t urllen)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char addr[64] = "?";
	int port = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET6) {
			uv_ip6_name((struct sockaddr_in6 *)&ss, addr, sizeof(addr));
			port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
			snprintf(url, urllen, "http://[%s]:%d", addr, port);
			return;
		}
		uv_ip4_name((struct sockaddr_in *)&ss, addr, sizeof(addr));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}
	snprintf(url, urllen, "http://%s:%d", addr, port);
}

/* A listening TCP socket on sa, with SO_REUSEADDR (as libuv binds) and,
 * when shared, SO_REUSEPORT; -1 with errno set when it cannot be had. */
static int
server_socket(const struct sockaddr *sa, socklen_t salen, int shared)
{
	int one = 1, fd, saved;

	if ((fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (shared && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0) ||
	    bind(fd, sa, salen) != 0 || listen(fd, SERVER_BACKLOG) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Bind n sockets on listen, one per HTTP process. One process binds one
 * plain socket. Several bind a group with SO_REUSEPORT, so the kernel
 * spreads connections over them; but SO_REUSEPORT would also let a second
 * redlightd of the same user join the group unnoticed, so the port is
 * first taken alone (which fails while anything holds it, as a plain bind
 * does), and the group binds the port that gave. */
static int
server_bind(const char *listen, int n, char *url, size_t urllen, struct err *e)
{
	struct addrinfo hints, *res = NULL;
	struct sockaddr_storage at;
	socklen_t atlen;
	char host[128], port[16];
	int rc, fd;

	if (server_split_listen(listen, host, sizeof(host), port, sizeof(port)) != 0)
		return err_set(e, ERR_IO, "listen", "cannot listen on %s: expected ADDR:PORT", listen);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	/* startup only, before the loop runs: a blocking lookup is fine here */
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		return err_set(e, ERR_IO, "listen", "cannot listen on %s: %s", listen, gai_strerror(rc));
	fd = server_socket(res->ai_addr, res->ai_addrlen, 0);
	atlen = sizeof(at);
	if (fd >= 0 && getsockname(fd, (struct sockaddr *)&at, &atlen) != 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return err_set(e, ERR_IO, "listen", "cannot listen on %s: %s", listen, uv_strerror(-errno));
	server_url(fd, url, urllen);
	server.nfds = 0;
	if (n == 1) {
		server.fds[server.nfds++] = fd;
		return 0;
	}
	/* the port is ours: let it go, and take it again as a group */
	close(fd);
	for (int i = 0; i < n; i++) {
		if ((fd = server_socket((struct sockaddr *)&at, atlen, 1)) < 0) {
			int saved = errno;
			while (server.nfds > 0)
				close(server.fds[--server.nfds]);
			return err_set(e, ERR_IO, "listen", "cannot listen on %s: %s", listen,
			    uv_strerror(-saved));
		}
		server.fds[server.nfds++] = fd;
	}
	return 0;
}

/* The booking page's own addresses (/availability, /receipt/CODE, ...)
 * all serve its index.html, which routes on the path in the browser, with
 * the boot data web/page.c puts in (or, when index.html could not be read
 * at start, the file as it is). h2o takes the first registered path that
 * matches, so these come before "/". */
static void
server_register_pages(h2o_hostconf_t *hostconf, struct http_server *srv, int loaded)
{
	static const char *pages[] = { "/availability", "/book", "/me", "/receipt", NULL };
	const struct conf *conf = srv->conf;
	h2o_mimemap_type_t *html = h2o_mimemap_get_type_by_extension(server.config.mimemap,
	    h2o_iovec_init(H2O_STRLIT("html")));
	char index[sizeof(conf->static_dir) + 16];

	snprintf(index, sizeof(index), "%s/index.html", conf->static_dir);
	for (const char **p = pages; *p != NULL; p++) {
		h2o_pathconf_t *pc = h2o_config_register_path(hostconf, *p, 0);
		http_access_register(pc, srv, strcmp(conf->log_format, "json") == 0);
		http_guard_register(pc);
		http_router_register(pc, srv);
		http_compress_register(pc);
		if (loaded)
			page_register(pc, srv, 0);
		else
			h2o_file_register_file(pc, index, html, 0);
		http_notfound_register(pc);
	}
}

/* The reason OpenSSL's queue gives for the last failure, or "unknown". */
static const char *
server_ssl_reason(char *buf, size_t len)
{
	unsigned long code = ERR_get_error();

	if (code == 0)
		return "unknown error";
	ERR_error_string_n(code, buf, len);
	ERR_clear_error();
	return buf;
}

/* With tls_cert and tls_key, an SSL_CTX for h2o's accept: TLS 1.2 and
 * later, HTTP/2 offered by ALPN (and HTTP/1.1 for clients without it).
 * Neither: 0 and no TLS. One without the other, or files that do not
 * load or match: ERR_CONFIG naming the key. Startup only: reading the
 * files blocks, before the loop runs. */
static int
server_tls(const struct conf *conf, SSL_CTX **out, struct err *e)
{
	SSL_CTX *ctx;
	char why[256];

	*out = NULL;
	if (conf->tls_cert[0] == '\0' && conf->tls_key[0] == '\0')
		return 0;
	if (conf->tls_cert[0] == '\0' || conf->tls_key[0] == '\0')
		return err_set(e, ERR_CONFIG, conf->tls_cert[0] ? "tls_key" : "tls_cert",
		    "tls_cert and tls_key go together: set both to serve HTTPS, or neither");
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL)
		return err_set(e, ERR_CONFIG, "tls_cert", "cannot set up TLS: %s",
		    server_ssl_reason(why, sizeof(why)));
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (SSL_CTX_use_certificate_chain_file(ctx, conf->tls_cert) != 1) {
		SSL_CTX_free(ctx);
		return err_set(e, ERR_CONFIG, "tls_cert", "tls_cert: cannot load %s: %s", conf->tls_cert,
		    server_ssl_reason(why, sizeof(why)));
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, conf->tls_key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		SSL_CTX_free(ctx);
		return err_set(e, ERR_CONFIG, "tls_key", "tls_key: cannot use %s with the certificate: %s",
		    conf->tls_key, server_ssl_reason(why, sizeof(why)));
	}
	h2o_ssl_register_alpn_protocols(ctx, h2o_http2_alpn_protocols);
	*out = ctx;
	return 0;
}

int
http_server_bind(const struct conf *conf, int processes, char *url, size_t urllen, struct err *e)
{
	int rc;

	if (processes < 1 || processes > HTTP_SERVER_MAX_PROCESSES)
		return err_set(e, ERR_CONFIG, "http_processes", "http_processes: %d is out of range "
		    "(1 to %d)", processes, HTTP_SERVER_MAX_PROCESSES);
	if ((rc = server_tls(conf, &server.ssl, e)) != 0)
		return rc;
	if ((rc = server_bind(conf->listen, processes, url, urllen, e)) != 0) {
		SSL_CTX_free(server.ssl);
		server.ssl = NULL;
		return rc;
	}
	snprintf(server.listen, sizeof(server.listen), "%s", conf->listen);
	if (server.ssl != NULL && strncmp(url, "http://", 7) == 0) {
		char plain[256];

		snprintf(plain, sizeof(plain), "%s", url + 7);
		snprintf(url, urllen, "https://%s", plain);
	}
	return 0;
}

int
http_server_listen(struct http_server *srv, int process, struct err *e)
{
	static const char *index_files[] = { "index.html", NULL };
	const struct conf *conf = srv->conf;
	h2o_hostconf_t *hostconf;
	h2o_pathconf_t *pathconf;
	struct stat st;
	struct err pe;
	int rc, loaded, fd;

	if (process < 0 || process >= server.nfds) {
		fprintf(stderr, "redlightd: http_server_listen: no socket bound for process %d\n", process);
		abort();
	}
	/* this process keeps its own socket; the others are theirs */
	fd = server.fds[process];
	for (int i = 0; i < server.nfds; i++)
		if (i != process)
			close(server.fds[i]);
	server.nfds = 0;
	server.listener = calloc(1, sizeof(*server.listener));
	if (server.listener == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	uv_tcp_init(srv->loop, server.listener);
	if ((rc = uv_tcp_open(server.listener, fd)) != 0)
		close(fd);
	else
		rc = uv_listen((uv_stream_t *)server.listener, SERVER_BACKLOG, server_on_accept);
	if (rc != 0) {
		uv_close((uv_handle_t *)server.listener, server_handle_free);
		server.listener = NULL;
		return err_set(e, ERR_IO, "listen", "cannot listen on %s: %s", server.listen,
		    uv_strerror(rc));
	}

	h2o_config_init(&server.config);
	server.config.server_name = h2o_iovec_init(H2O_STRLIT("redlightd"));
	server.config.max_request_entity_size = (size_t)conf->max_body_bytes;
	server.config.http1.upgrade_to_http2 = 0;
	hostconf = h2o_config_register_host(&server.config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	http_guard_payments(conf_payments_on(conf) ? conf : NULL);
	loaded = page_load(conf->static_dir, conf_payments_on(conf) ? conf : NULL, &pe) == 0;
	server_register_pages(hostconf, srv, loaded);
	pathconf = h2o_config_register_path(hostconf, "/", 0);
	http_guard_register_filter(&hostconf->fallback_path);

	/* handlers run in this order until one answers */
	http_access_register(pathconf, srv, strcmp(conf->log_format, "json") == 0);
	http_guard_register(pathconf);
	http_router_register(pathconf, srv);
	http_compress_register(pathconf);
	if (stat(conf->static_dir, &st) != 0 || !S_ISDIR(st.st_mode))
		fprintf(stderr, "redlightd: static directory %s is missing; the booking page will 404\n",
		    conf->static_dir);
	if (loaded)
		page_register(pathconf, srv, 1);
	h2o_file_register(pathconf, conf->static_dir, index_files, NULL, 0);
	http_notfound_register(pathconf);

	h2o_context_init(&server.ctx, srv->loop, &server.config);
	uv_prepare_init(srv->loop, &server.before_wait);
	uv_prepare_start(&server.before_wait, server_before_wait);
	uv_unref((uv_handle_t *)&server.before_wait);  /* it keeps nothing running */
	/* an exit between two waits still writes the turn's lines */
	atexit(http_access_flush);
	server.accept.ctx = &server.ctx;
	server.accept.hosts = server.config.hosts;
	server.accept.ssl_ctx = server.ssl;
	return 0;
}

void
http_server_stop_listening(struct http_server *srv)
{
	(void)srv;
	if (server.listener == NULL)
		return;
	uv_close((uv_handle_t *)server.listener, server_handle_free);
	server.listener = NULL;
	h2o_context_request_shutdown(&server.ctx);
}
