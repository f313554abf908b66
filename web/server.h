/* server.h: redlightd's HTTP server: h2o on the libuv loop, one listening
 * socket, the handler chain (request ids and access log, router, static
 * files, JSON 404). */
#ifndef REDLIGHT_SERVER_H
#define REDLIGHT_SERVER_H

#include <stddef.h>

#include "core/err.h"
#include "web/http.h"

/* http_server_listen: configure h2o for srv (srv->loop and srv->conf set)
 * and listen on srv->conf->listen. On success url receives the address
 * actually bound, as "http://127.0.0.1:8080" (the real port when the
 * configured one is 0). Fails with ERR_IO, message "cannot listen on
 * ADDR:PORT: reason", and leaves nothing listening. Call once. */
int http_server_listen(struct http_server *srv, char *url, size_t urllen, struct err *e);

/* http_server_stop_listening: close the listening socket and ask h2o to end
 * keep-alive; requests in flight go on. Safe to call twice. */
void http_server_stop_listening(struct http_server *srv);

#endif
