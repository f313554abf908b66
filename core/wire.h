/* wire.h: the pure parsers of what comes over the wire in a request's
 * head: the Cookie header, percent-encoded path parameters and the body's
 * framing headers. Bytes in, answers out: no allocation, no h2o, so each
 * is unit-tested (tests/unit/test-wire.c) and fuzzed (tests/fuzz). */
#ifndef REDLIGHT_WIRE_H
#define REDLIGHT_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* wire_cookie_next: the next cookie named name (NUL-terminated) in the
 * Cookie header value [*p, end), pairs separated by ';' with blanks
 * around them. Returns 1 with *val and *vlen naming its value (borrowed
 * from the header; trailing blanks dropped, nothing unquoted) and *p moved
 * past it; 0 when no further cookie has that name (*p is then end). A
 * pair without '=' is skipped. Cannot fail. */
int wire_cookie_next(const char **p, const char *end, const char *name, const char **val,
    size_t *vlen);

/* wire_hex_digit: the value of hex digit c (either case), or -1. */
int wire_hex_digit(int c);

/* wire_pct_decode: percent-decode in (len bytes) into out (room for len
 * + 1 bytes), NUL-terminated. Returns the decoded length (at most len),
 * or -1 when a '%' is not followed by two hex digits, or when in holds a
 * NUL byte, raw or encoded as %00 (out's content is then unspecified). The result never holds a NUL
 * before its end. Cannot fail otherwise. */
int wire_pct_decode(const char *in, size_t len, char *out);

/* wire_framing: NULL when the request head (the request line, header
 * lines, an empty line; len bytes) frames its body one way only (RFC 9112
 * section 6.3): at most one Content-Length value (repeated identically at
 * most), or one Transfer-Encoding of "chunked" without a Content-Length,
 * and no header folded over two lines; otherwise a static sentence saying
 * why not. A bare LF ends a line as CRLF does. Cannot fail. */
const char *wire_framing(const char *head, size_t len);

/* wire_query_value: the raw (still percent-encoded) value of the first
 * parameter named name in the query string [q, q + len) (what follows
 * '?', pairs separated by '&'). Returns 1 with *val and *vlen naming it
 * (borrowed; "name" alone or "name=" is an empty value), 0 when there is
 * none. Cannot fail. */
int wire_query_value(const char *q, size_t len, const char *name, const char **val, size_t *vlen);

/* wire_etag_match: 1 when the If-None-Match header value [h, h + len)
 * names etag (a quoted strong tag, '"..."', NUL-terminated) or is "*",
 * by RFC 9110's weak comparison (W/"x" matches "x"); 0 otherwise,
 * malformed lists included (a list that cannot be read matches nothing,
 * so the full answer goes out). Cannot fail. */
int wire_etag_match(const char *h, size_t len, const char *etag);

/* The length of an IMF-fixdate with its NUL: "Sun, 06 Nov 1994 08:49:37 GMT". */
#define WIRE_HTTP_DATE_SIZE 30

/* wire_http_date: the instant of the IMF-fixdate [s, s + len) (RFC 9110
 * section 5.6.7; the obsolete forms are not taken). Returns 0 with *out
 * set, -1 when s is not one (a wrong weekday included). Cannot fail. */
int wire_http_date(const char *s, size_t len, int64_t *out);

/* wire_http_date_format: t as an IMF-fixdate into buf (WIRE_HTTP_DATE_SIZE
 * bytes), for t from year 1 to 9999. Cannot fail. */
void wire_http_date_format(int64_t t, char buf[WIRE_HTTP_DATE_SIZE]);

#endif
