#include "web/page.h"

#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "core/avail.h"
#include "web/availcache.h"
#include "web/catalogcache.h"
#include "web/route-avail.h"

/* What the page does when its address names no duration, or one its
 * service cannot take (web/static/index.html, pageAvail and durations). */
#define PAGE_DEFAULT_DURATION 120
#define PAGE_MAX_DURATION 600
#define PAGE_FALLBACK_BASE 60
/* Longer ids and skills are refused by the search API, as here. */
#define PAGE_MAX_ID 64

static const char page_open[] = "<script id=\"rl-boot\" type=\"application/json\">";
static const char page_close[] = "</script>";

/* index.html, split at its marker (after is NULL without one). */
static struct {
	char *html;
	size_t len;
	size_t before;              /* bytes before the marker */
	size_t after;               /* offset of what follows it */
	int marked;
	char csp[2048];             /* its Content-Security-Policy, "" until loaded */
	unsigned char *packed;      /* what follows the marker, raw deflate at level 9 */
	size_t npacked;             /* (NULL, 0: sent as h2o packs it) */
	uLong crc;                  /* crc32 of what follows the marker */
} page;

/* The empty last block (fixed Huffman) that ends a deflate stream. */
static const unsigned char page_gz_end[] = { 0x03, 0x00 };
/* A gzip member's header: deflate, no name, no time, unknown system. */
static const unsigned char page_gz_head[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };

struct page_handler {
	h2o_handler_t super;
	struct http_server *srv;
	int root_only;
};

/* One request's boot data as it is gathered, in the request's pool. */
struct page_state {
	struct http_server *srv;
	int want_search;
	const char *date, *svc, *dur, *room, *skill;  /* from the address */
	char *settings;             /* pool copies of JSON documents */
	char today[11];
	h2o_iovec_t rooms, services;
	char *query, *answer;       /* the search, when there is one */
	struct avail_query q;
};

/* Appends " 'sha256-BASE64'" of the n bytes at text to the policy. */
static void
page_csp_hash(char *csp, size_t size, const char *text, size_t n)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
	    sodium_base64_VARIANT_ORIGINAL)];
	size_t len = strlen(csp);

	crypto_hash_sha256(digest, (const unsigned char *)text, n);
	sodium_bin2base64(b64, sizeof(b64), digest, sizeof(digest), sodium_base64_VARIANT_ORIGINAL);
	snprintf(csp + len, size - len, " 'sha256-%s'", b64);
}

/* Appends the hashes of every inline element tag (script or style) of
 * the page that a browser runs: a script of type application/json is
 * data, not code. */
static void
page_csp_hashes(char *csp, size_t size, const char *tag)
{
	char open[16], close[16];
	const char *p = page.html, *body, *end;

	snprintf(open, sizeof(open), "<%s", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	while ((p = strstr(p, open)) != NULL && (body = strchr(p, '>')) != NULL &&
	    (end = strstr(++body, close)) != NULL) {
		const char *type = strstr(p, "type=");

		if (type == NULL || type > body || strncmp(type, "type=\"application/json\"", 23) != 0)
			page_csp_hash(csp, size, body, (size_t)(end - body));
		p = end;
	}
}

/* Stripe's 3-D Secure challenges open in a frame of this origin; Stripe's
 * guide to Content-Security-Policy lists it beside js.stripe.com. */
#define PAGE_STRIPE_JS_ORIGIN "https://js.stripe.com"
#define PAGE_STRIPE_HOOKS_ORIGIN "https://hooks.stripe.com"

void
page_origin(const char *url, char *out, size_t size)
{
	const char *host = strstr(url, "://");
	size_t n;

	out[0] = '\0';
	if (host == NULL || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
		return;
	host += 3;
	n = strcspn(host, "/?#");
	if (n == 0 || strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") < n ||
	    (size_t)(host - url) + n >= size)
		return;
	memcpy(out, url, (size_t)(host - url) + n);
	out[(size_t)(host - url) + n] = '\0';
}

/* The page's policy: its own inline script and style by hash, requests to
 * this origin only, and nothing else (the icon is a data: URL); our own
 * modules ('self': account.js and book.js, imported when their screens
 * open, and pay.js). With payments (pay != NULL), the card step too:
 * Stripe.js from the origin of stripe_js_url and its frames, and requests
 * to that origin and to stripe_api_base's (where Stripe.js sends the card;
 * the same host for the local stand-in). */
static void
page_csp_build(const struct conf *pay)
{
	char js[256] = "", api[256] = "", extra[600] = "", frames[300] = "";
	size_t n;

	if (pay != NULL) {
		page_origin(pay->stripe_js_url, js, sizeof(js));
		page_origin(pay->stripe_api_base, api, sizeof(api));
		if (strcmp(api, js) == 0)
			api[0] = '\0';
		snprintf(extra, sizeof(extra), "%s%s%s%s", js[0] ? " " : "", js, api[0] ? " " : "", api);
		if (js[0] != '\0')
			snprintf(frames, sizeof(frames), "; frame-src %s%s", js,
			    strcmp(js, PAGE_STRIPE_JS_ORIGIN) == 0 ? " " PAGE_STRIPE_HOOKS_ORIGIN : "");
	}
	snprintf(page.csp, sizeof(page.csp), "default-src 'none'; script-src 'self'%s%s",
	    js[0] ? " " : "", js);
	page_csp_hashes(page.csp, sizeof(page.csp), "script");
	n = strlen(page.csp);
	snprintf(page.csp + n, sizeof(page.csp) - n, "; style-src");
	page_csp_hashes(page.csp, sizeof(page.csp), "style");
	n = strlen(page.csp);
	snprintf(page.csp + n, sizeof(page.csp) - n, "; connect-src 'self'%s%s; img-src 'self' data:; "
	    "manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'self'; "
	    "frame-ancestors 'none'", pay != NULL ? extra : "", frames);
}

const char *
page_csp(void)
{
	return page.csp[0] != '\0' ? page.csp : NULL;
}

/* Packs what follows the marker (the page's style and script, most of its
 * bytes) once, at zlib's best, into raw deflate blocks that end on a byte
 * with a full flush: they refer to nothing before them, so each answer
 * packs only its head and boot data and puts these after (page_gzip).
 * Left NULL when zlib fails: the page then goes out as h2o packs it. */
static void
page_pack(void)
{
	z_stream z;
	size_t n = page.len - page.after, cap;

	free(page.packed);
	page.packed = NULL;
	page.npacked = 0;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return;
	/* a full flush adds an empty stored block to deflateBound's */
	cap = deflateBound(&z, n) + 64;
	page.packed = malloc(cap);
	z.next_in = (Bytef *)page.html + page.after;
	z.avail_in = (uInt)n;
	z.next_out = page.packed;
	z.avail_out = (uInt)cap;
	if (page.packed == NULL || deflate(&z, Z_FULL_FLUSH) != Z_OK || z.avail_in != 0 || z.avail_out == 0) {
		free(page.packed);
		page.packed = NULL;
	} else {
		page.npacked = z.total_out;
		page.crc = crc32(crc32(0, NULL, 0), (const Bytef *)page.html + page.after, (uInt)n);
	}
	deflateEnd(&z);
}

int
page_load(const char *static_dir, const struct conf *pay, struct err *e)
{
	char path[4096];
	FILE *f;
	long n;
	char *m;

	if (snprintf(path, sizeof(path), "%s/index.html", static_dir) >= (int)sizeof(path))
		return err_set(e, ERR_IO, "static_dir", "%s: path too long", static_dir);
	/* at start, before the loop runs: a blocking read is fine here */
	if ((f = fopen(path, "rb")) == NULL)
		return err_set(e, ERR_IO, "static_dir", "cannot read %s", path);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return err_set(e, ERR_IO, "static_dir", "cannot read %s", path);
	}
	free(page.html);
	page.html = malloc((size_t)n + 1);
	if (page.html == NULL) {
		fputs("redlightd: out of memory\n", stderr);
		abort();
	}
	page.len = fread(page.html, 1, (size_t)n, f);
	fclose(f);
	page.html[page.len] = '\0';
	m = strstr(page.html, PAGE_MARKER);
	page.marked = m != NULL;
	page.before = m != NULL ? (size_t)(m - page.html) : page.len;
	page.after = m != NULL ? page.before + strlen(PAGE_MARKER) : page.len;
	page_pack();
	page_csp_build(pay);
	return 0;
}

/* ---- the answer ---- */

/* The length of json once escaped for a script element: '<' becomes
 * \u003c (so no "</script" or "<!--" can appear), U+2028 and U+2029
 * become \u2028 and \u2029. Every such byte is inside a JSON string,
 * where the escapes mean the same. */
static size_t
page_escape(const char *json, char *out)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)json; *p != '\0'; p++) {
		const char *esc = NULL;
		if (*p == '<')
			esc = "\\u003c";
		else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
			esc = p[2] == 0xa8 ? "\\u2028" : "\\u2029";
		if (esc == NULL) {
			if (out != NULL)
				out[n] = (char)*p;
			n++;
			continue;
		}
		if (out != NULL)
			memcpy(out + n, esc, 6);
		n += 6;
		if (*p != '<')
			p += 2;
	}
	return n;
}

static int64_t
page_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The page gzipped, as three pieces into body: the gzip header and the
 * head with its boot data packed now (ending on a byte, by a sync flush),
 * the rest packed at load (page_pack), then the last block and the
 * trailer. 0, or -1 when zlib fails (the caller sends it unpacked). */
static int
page_gzip(h2o_req_t *req, const h2o_iovec_t *head, size_t nhead, h2o_iovec_t *body)
{
	z_stream z;
	size_t cap = sizeof(page_gz_head), total = page.len - page.after;
	unsigned char *out, *tail;
	uLong crc = crc32(0, NULL, 0);

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	for (size_t i = 0; i < nhead; i++)
		total += head[i].len;
	cap += deflateBound(&z, total) + 64;
	out = h2o_mem_alloc_pool(&req->pool, cap);
	memcpy(out, page_gz_head, sizeof(page_gz_head));
	z.next_out = out + sizeof(page_gz_head);
	z.avail_out = (uInt)(cap - sizeof(page_gz_head));
	for (size_t i = 0; i < nhead; i++) {
		z.next_in = (Bytef *)head[i].base;
		z.avail_in = (uInt)head[i].len;
		crc = crc32(crc, (const Bytef *)head[i].base, (uInt)head[i].len);
		if (deflate(&z, i + 1 == nhead ? Z_SYNC_FLUSH : Z_NO_FLUSH) != Z_OK || z.avail_in != 0) {
			deflateEnd(&z);
			return -1;
		}
	}
	body[0] = h2o_iovec_init(out, sizeof(page_gz_head) + z.total_out);
	deflateEnd(&z);
	body[1] = h2o_iovec_init(page.packed, page.npacked);
	crc = crc32_combine(crc, page.crc, (z_off_t)(page.len - page.after));
	tail = h2o_mem_alloc_pool(&req->pool, sizeof(page_gz_end) + 8);
	memcpy(tail, page_gz_end, sizeof(page_gz_end));
	for (int i = 0; i < 4; i++) {
		tail[sizeof(page_gz_end) + i] = (unsigned char)(crc >> (8 * i));
		tail[sizeof(page_gz_end) + 4 + i] = (unsigned char)(total >> (8 * i));
	}
	body[2] = h2o_iovec_init(tail, sizeof(page_gz_end) + 8);
	return 0;
}

/* Answers with the page, and the boot data when st has its parts. */
static void
page_send(h2o_req_t *req, struct page_state *st)
{
	h2o_iovec_t body[3];
	size_t nbody = 0, len;
	char *boot = NULL;

	if (page.marked && st != NULL && st->settings != NULL && st->rooms.base != NULL) {
		size_t n = strlen(st->settings) + st->rooms.len + st->services.len + 128 +
		    (st->query != NULL ? strlen(st->query) + strlen(st->answer) : 0);
		char *json = h2o_mem_alloc_pool(&req->pool, n);
		size_t k = 0;

		k += (size_t)snprintf(json + k, n - k, "{\"generated_at\":%lld,\"settings\":%s,\"rooms\":",
		    (long long)page_now_ms(), st->settings);
		memcpy(json + k, st->rooms.base, st->rooms.len);
		k += st->rooms.len;
		k += (size_t)snprintf(json + k, n - k, ",\"services\":");
		memcpy(json + k, st->services.base, st->services.len);
		k += st->services.len;
		if (st->query != NULL)
			k += (size_t)snprintf(json + k, n - k, ",\"search\":{\"query\":%s,\"answer\":%s}",
			    st->query, st->answer);
		snprintf(json + k, n - k, "}");
		len = sizeof(page_open) - 1 + page_escape(json, NULL) + sizeof(page_close) - 1;
		boot = h2o_mem_alloc_pool(&req->pool, len);
		memcpy(boot, page_open, sizeof(page_open) - 1);
		page_escape(json, boot + sizeof(page_open) - 1);
		memcpy(boot + len - (sizeof(page_close) - 1), page_close, sizeof(page_close) - 1);
	}
	body[nbody++] = h2o_iovec_init(page.html, page.before);
	if (boot != NULL)
		body[nbody++] = h2o_iovec_init(boot, len);
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_VARY, NULL, H2O_STRLIT("Accept-Encoding"));
	if (page.packed != NULL && (h2o_get_compressible_types(&req->headers) & H2O_COMPRESSIBLE_GZIP) != 0 &&
	    page_gzip(req, body, nbody, body) == 0) {
		h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_ENCODING, NULL, H2O_STRLIT("gzip"));
		nbody = 3;
	} else {
		body[nbody++] = h2o_iovec_init(page.html + page.after, page.len - page.after);
	}
	/* the boot data is of this moment: never stored, never reused */
	http_send_body(req, 200, "text/html; charset=utf-8", body, nbody);
}

/* ---- the first search ---- */

static void
page_search_done(h2o_req_t *req, const struct availcache_view *v, const struct err *e, void *arg)
{
	struct page_state *st = arg;
	const struct availcache_answer *a;
	struct err err;

	/* a search the API refuses is left to the page, which shows why */
	if (e == NULL && route_avail_search_answer(v, &st->q, page_now_ms() / 1000, &a, &err) == 0) {
		availcache_answer_hold(req, a);
		st->answer = a->body;
	} else {
		st->query = NULL;
	}
	page_send(req, st);
}

/* The object of list whose "id" is id, or NULL. */
static json_object *
page_find(json_object *list, const char *id)
{
	json_object *v;

	if (id == NULL || list == NULL)
		return NULL;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *o = json_object_array_get_idx(list, i);
		if (json_object_object_get_ex(o, "id", &v) && json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), id) == 0)
			return o;
	}
	return NULL;
}

static int
page_bool(json_object *o, const char *name)
{
	json_object *v;

	return json_object_object_get_ex(o, name, &v) && json_object_get_boolean(v);
}

/* The page's default service: the first main one with an engineer, else
 * the first main one, else none. */
static json_object *
page_default_service(json_object *list)
{
	json_object *first = NULL;

	for (size_t i = 0; list != NULL && i < json_object_array_length(list); i++) {
		json_object *o = json_object_array_get_idx(list, i);
		if (page_bool(o, "is_addon"))
			continue;
		if (page_bool(o, "requires_engineer"))
			return o;
		if (first == NULL)
			first = o;
	}
	return first;
}

/* The duration the page picks: the asked one when the service takes it (a
 * multiple of its default up to PAGE_MAX_DURATION), else the default
 * duration when it takes that, else its own default. */
static int
page_duration(json_object *svc, const char *want)
{
	json_object *v;
	int base = 0, d = 0;
	char *end;
	long w;

	if (svc != NULL && json_object_object_get_ex(svc, "default_duration_min", &v))
		base = json_object_get_int(v);
	if (base <= 0)
		base = PAGE_FALLBACK_BASE;
	if (want != NULL && want[0] >= '0' && want[0] <= '9') {
		w = strtol(want, &end, 10);
		if (*end == '\0' && w <= PAGE_MAX_DURATION)
			d = (int)w;
	}
	if (d >= base && d % base == 0)
		return d;
	if (PAGE_DEFAULT_DURATION % base == 0)
		return PAGE_DEFAULT_DURATION;
	return base;
}

/* Chooses the search as the page would, into st->q and st->query; 0, or
 * -1 when the address names one the API would refuse. */
static int
page_choose(h2o_req_t *req, struct page_state *st, const struct catalogcache_view *v)
{
	json_object *svc, *room, *q, *idv;
	const char *svc_id = NULL, *room_id = NULL;

	if (tz_parse_date(st->date != NULL ? st->date : st->today, &st->q.year, &st->q.month,
	    &st->q.day, NULL) != 0)
		return -1;
	if (st->skill != NULL && strlen(st->skill) > PAGE_MAX_ID)
		return -1;
	svc = page_find(v->service_list, st->svc);
	if (svc == NULL)
		svc = page_default_service(v->service_list);
	if (svc != NULL && json_object_object_get_ex(svc, "id", &idv))
		svc_id = json_object_get_string(idv);
	room = page_find(v->room_list, st->room);
	if (room != NULL && json_object_object_get_ex(room, "id", &idv))
		room_id = json_object_get_string(idv);
	st->q.duration_min = page_duration(svc, st->dur);
	/* borrowed strings must live with the request */
	st->q.service_id = svc_id != NULL ? h2o_strdup(&req->pool, svc_id, SIZE_MAX).base : NULL;
	st->q.room_id = room_id != NULL ? h2o_strdup(&req->pool, room_id, SIZE_MAX).base : NULL;
	st->q.staff_skill = st->skill != NULL && st->skill[0] != '\0' ? st->skill : NULL;

	/* the body the page would send, its keys in the page's order */
	q = json_object_new_object();
	json_object_object_add(q, "date", json_object_new_string(st->date != NULL ? st->date : st->today));
	json_object_object_add(q, "duration_min", json_object_new_int(st->q.duration_min));
	if (st->q.service_id != NULL)
		json_object_object_add(q, "service_id", json_object_new_string(st->q.service_id));
	if (st->q.room_id != NULL)
		json_object_object_add(q, "room_id", json_object_new_string(st->q.room_id));
	if (st->q.staff_skill != NULL)
		json_object_object_add(q, "staff_skill", json_object_new_string(st->q.staff_skill));
	st->query = h2o_strdup(&req->pool, json_object_to_json_string_ext(q,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), SIZE_MAX).base;
	json_object_put(q);
	return 0;
}

static void
page_catalog_done(h2o_req_t *req, const struct catalogcache_view *v, const struct err *e,
    void *arg)
{
	struct page_state *st = arg;

	if (e != NULL) {
		page_send(req, NULL);
		return;
	}
	st->rooms = h2o_strdup(&req->pool, v->rooms, v->rooms_len);
	st->services = h2o_strdup(&req->pool, v->services, v->services_len);
	if (!st->want_search || page_choose(req, st, v) != 0) {
		page_send(req, st);
		return;
	}
	availcache_day(st->srv, req, st->q.year, st->q.month, st->q.day, page_search_done, st);
}

static void
page_settings_done(h2o_req_t *req, const struct availcache_view *v, const struct err *e,
    void *arg)
{
	struct page_state *st = arg;
	char local[AVAIL_LOCAL_SIZE];
	int64_t now = page_now_ms() / 1000;
	char *json;

	if (e != NULL) {
		page_send(req, NULL);
		return;
	}
	json = route_avail_settings_json(v, now, conf_payments_on(st->srv->conf));
	st->settings = h2o_strdup(&req->pool, json, SIZE_MAX).base;
	free(json);
	/* today is the studio's: the date part of its wall clock */
	avail_format_local(v->tz, now, local, sizeof(local));
	memcpy(st->today, local, 10);
	st->today[10] = '\0';
	catalogcache_get(st->srv, req, page_catalog_done, st);
}

/* ---- the request ---- */

/* The value of query parameter name in q (len bytes), percent- and
 * '+'-decoded into req's pool as URLSearchParams reads it (the first one
 * named so), or NULL when absent or decoding to a NUL byte. */
static const char *
page_param(h2o_req_t *req, const char *q, size_t len, const char *name)
{
	size_t nlen = strlen(name);

	for (size_t i = 0; i < len;) {
		size_t j = i, k = 0;
		char *out;

		while (j < len && q[j] != '&')
			j++;
		if (j - i < nlen || memcmp(q + i, name, nlen) != 0 ||
		    (j - i > nlen && q[i + nlen] != '=')) {
			i = j + 1;
			continue;
		}
		out = h2o_mem_alloc_pool(&req->pool, j - i + 1);
		for (size_t p = i + nlen + 1; p < j; p++) {
			int hi, lo;
			if (q[p] == '+') {
				out[k++] = ' ';
			} else if (q[p] == '%' && p + 2 < j && (hi = http_hex_digit((unsigned char)q[p + 1])) >= 0 &&
			    (lo = http_hex_digit((unsigned char)q[p + 2])) >= 0) {
				out[k++] = (char)(hi << 4 | lo);
				p += 2;
			} else {
				out[k++] = q[p];
			}
		}
		out[k] = '\0';
		return strlen(out) == k ? out : NULL;
	}
	return NULL;
}

static int
page_on_req(h2o_handler_t *self, h2o_req_t *req)
{
	struct page_handler *h = (struct page_handler *)self;
	size_t plen = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
	struct page_state *st;

	if (!h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET")) &&
	    !h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD")))
		return -1;
	if (h->root_only && !h2o_memis(req->path.base, plen, H2O_STRLIT("/")) &&
	    !h2o_memis(req->path.base, plen, H2O_STRLIT("/index.html")))
		return -1;
	st = h2o_mem_alloc_pool(&req->pool, sizeof(*st));
	memset(st, 0, sizeof(*st));
	st->srv = h->srv;
	st->want_search = h2o_memis(req->path.base, plen, H2O_STRLIT("/availability")) ||
	    h2o_memis(req->path.base, plen, H2O_STRLIT("/availability/"));
	if (st->want_search && req->query_at != SIZE_MAX) {
		const char *q = req->path.base + req->query_at + 1;
		size_t qlen = req->path.len - req->query_at - 1;
		st->date = page_param(req, q, qlen, "date");
		st->svc = page_param(req, q, qlen, "svc");
		st->dur = page_param(req, q, qlen, "dur");
		st->room = page_param(req, q, qlen, "room");
		st->skill = page_param(req, q, qlen, "skill");
		/* the page reads an empty value as none */
		if (st->date != NULL && st->date[0] == '\0')
			st->date = NULL;
	}
	if (!page.marked || h->srv->db == NULL) {
		page_send(req, NULL);
		return 0;
	}
	availcache_settings(h->srv, req, page_settings_done, st);
	return 0;
}

void
page_register(h2o_pathconf_t *pathconf, struct http_server *srv, int root_only)
{
	struct page_handler *h = (struct page_handler *)h2o_create_handler(pathconf, sizeof(*h));

	h->super.on_req = page_on_req;
	h->srv = srv;
	h->root_only = root_only;
}
