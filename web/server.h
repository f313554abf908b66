/* server.h: redlightd's HTTP server: h2o on the libuv loop, one listening
 * socket per process, the handler chain (request ids and access log, router, static
 * files, JSON 404). */
#ifndef REDLIGHT_SERVER_H
#define REDLIGHT_SERVER_H

#include <stddef.h>

#include "core/err.h"
#include "web/http.h"

/* The most HTTP processes one redlightd runs (http_processes). */
#define HTTP_SERVER_MAX_PROCESSES 64

/* http_server_bind: before any loop or fork, set up TLS (tls_cert and
 * tls_key) and bind `processes` listening sockets on conf->listen, one
 * for each HTTP process (http_processes in redlight.conf(5)): one plain
 * socket, or a group sharing the port with SO_REUSEPORT. The port is first
 * bound alone, so a port that anything holds fails here even with a group,
 * and port 0 picks one free port for all. On success url receives the
 * address actually bound, as "http://127.0.0.1:8080". Fails with ERR_IO,
 * message "cannot listen on ADDR:PORT: reason" (or ERR_CONFIG for TLS
 * files), and leaves nothing bound. Call once. */
int http_server_bind(const struct conf *conf, int processes, char *url, size_t urllen,
    struct err *e);

/* http_server_listen: in HTTP process `process` (0 to processes - 1),
 * configure h2o for srv (srv->loop and srv->conf set) and accept on that
 * process's socket, closing the others' copies. ERR_IO when libuv cannot
 * take the socket. Call once, after http_server_bind. */
int http_server_listen(struct http_server *srv, int process, struct err *e);

/* http_server_stop_listening: close the listening socket and ask h2o to end
 * keep-alive; requests in flight go on. Safe to call twice. */
void http_server_stop_listening(struct http_server *srv);

#endif
