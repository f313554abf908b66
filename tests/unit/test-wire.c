/* Unit tests for core/wire.c: the Cookie header, percent-decoding and a
 * request head's framing. */
#include <string.h>

#include "core/wire.h"
#include "tests/unit/suites.h"

/* the values of every cookie named name in header, joined by '|' */
static void
cookies(const char *header, const char *name, char *out, size_t size)
{
	const char *p = header, *end = header + strlen(header), *v;
	size_t vlen, used = 0;

	out[0] = '\0';
	while (wire_cookie_next(&p, end, name, &v, &vlen)) {
		used += (size_t)snprintf(out + used, size - used, "%s%.*s", used ? "|" : "", (int)vlen, v);
		CU_ASSERT_TRUE_FATAL(used < size);
	}
	CU_ASSERT_PTR_EQUAL(p, end);
}

static void
test_wire_cookie_finds_each_of_its_name(void)
{
	char got[128];

	cookies("rl_session=abc", "rl_session", got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "abc");
	cookies("a=1; rl_session=x y \t;rl_session=second;b=2", "rl_session", got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "x y|second");
	cookies("  ;; rl_session=;", "rl_session", got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "");
}

static void
test_wire_cookie_ignores_other_names_and_pairs_without_equals(void)
{
	char got[128];

	cookies("xrl_session=1; rl_sessionx=2; rl_session; RL_SESSION=3; b=rl_session=4", "rl_session",
	    got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "");
	cookies("", "rl_session", got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "");
}

static void
test_wire_pct_decode_decodes_escapes_of_either_case(void)
{
	char out[32];

	CU_ASSERT_EQUAL(wire_pct_decode("RL-%41b%2fc%2F", 14, out), 8);
	CU_ASSERT_STRING_EQUAL(out, "RL-Ab/c/");
	CU_ASSERT_EQUAL(wire_pct_decode("", 0, out), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
}

static void
test_wire_pct_decode_refuses_nul_and_cut_or_bad_escapes(void)
{
	char out[32];

	CU_ASSERT_EQUAL(wire_pct_decode("a%00b", 5, out), -1);
	CU_ASSERT_EQUAL(wire_pct_decode("ab%4", 4, out), -1);
	CU_ASSERT_EQUAL(wire_pct_decode("ab%", 3, out), -1);
	CU_ASSERT_EQUAL(wire_pct_decode("%g1", 3, out), -1);
	CU_ASSERT_EQUAL(wire_pct_decode("%1g", 3, out), -1);
	CU_ASSERT_EQUAL(wire_pct_decode("%41", 3, out), 1);
}

/* Found by tests/fuzz/fuzz-path.c: a raw NUL byte was copied through, so
 * "RL-7KQ2M9XD\0junk" came out as a shorter string than it went in. */
static void
test_wire_pct_decode_refuses_a_raw_nul(void)
{
	char out[32];

	CU_ASSERT_EQUAL(wire_pct_decode("RL-7KQ2M9XD\0junk", 16, out), -1);
	CU_ASSERT_EQUAL(wire_pct_decode("\0", 1, out), -1);
}

static const char *
framing(const char *head)
{
	return wire_framing(head, strlen(head));
}

static void
test_wire_framing_takes_one_way_of_framing(void)
{
	CU_ASSERT_PTR_NULL(framing("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
	CU_ASSERT_PTR_NULL(framing("POST / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length:5 \r\n\r\n"));
	CU_ASSERT_PTR_NULL(framing("POST / HTTP/1.1\nTransfer-Encoding: Chunked\n\n"));
	CU_ASSERT_PTR_NULL(framing("GET / HTTP/1.1"));
	CU_ASSERT_PTR_NULL(framing(""));
	/* what follows the empty line is the body, not headers */
	CU_ASSERT_PTR_NULL(framing("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nContent-Length: 6\r\n"));
}

static void
test_wire_framing_refuses_smuggling_shapes(void)
{
	CU_ASSERT_PTR_NOT_NULL(framing("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"));
	CU_ASSERT_PTR_NOT_NULL(framing("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"));
	CU_ASSERT_PTR_NOT_NULL(framing("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTRANSFER-ENCODING: chunked\r\n\r\n"));
	CU_ASSERT_PTR_NOT_NULL(framing("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"));
	CU_ASSERT_PTR_NOT_NULL(framing("POST / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"));
}

static void
test_wire_query_value_finds_the_first_of_its_name(void)
{
	const char *q = "x=1&token=abc&token=def&tok=z", *v;
	size_t n;

	CU_ASSERT_EQUAL(wire_query_value(q, strlen(q), "token", &v, &n), 1);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(memcmp(v, "abc", 3), 0);
	CU_ASSERT_EQUAL(wire_query_value("token", 5, "token", &v, &n), 1);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(wire_query_value("tokens=1&xtoken=2&", 18, "token", &v, &n), 0);
	CU_ASSERT_EQUAL(wire_query_value("", 0, "token", &v, &n), 0);
}

static void
test_wire_etag_match_compares_weakly_in_a_list(void)
{
	const char *tag = "\"abc\"";

	CU_ASSERT_EQUAL(wire_etag_match("\"abc\"", 5, tag), 1);
	CU_ASSERT_EQUAL(wire_etag_match("W/\"abc\"", 7, tag), 1);
	CU_ASSERT_EQUAL(wire_etag_match("\"x\", \"abc\"", 10, tag), 1);
	CU_ASSERT_EQUAL(wire_etag_match("*", 1, tag), 1);
	CU_ASSERT_EQUAL(wire_etag_match("\"abcd\"", 6, tag), 0);
	CU_ASSERT_EQUAL(wire_etag_match("abc", 3, tag), 0);
	CU_ASSERT_EQUAL(wire_etag_match("\"abc", 4, tag), 0);
	CU_ASSERT_EQUAL(wire_etag_match("*x", 2, tag), 0);
	CU_ASSERT_EQUAL(wire_etag_match("", 0, tag), 0);
}

static void
test_wire_http_date_reads_and_writes_imf_fixdate(void)
{
	char buf[WIRE_HTTP_DATE_SIZE];
	int64_t t;

	CU_ASSERT_EQUAL(wire_http_date("Sun, 06 Nov 1994 08:49:37 GMT", 29, &t), 0);
	CU_ASSERT_EQUAL(t, 784111777);
	wire_http_date_format(784111777, buf);
	CU_ASSERT_STRING_EQUAL(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	wire_http_date_format(0, buf);
	CU_ASSERT_STRING_EQUAL(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
}

static void
test_wire_http_date_refuses_other_forms_and_wrong_days(void)
{
	int64_t t;

	CU_ASSERT_EQUAL(wire_http_date("Mon, 06 Nov 1994 08:49:37 GMT", 29, &t), -1);
	CU_ASSERT_EQUAL(wire_http_date("Sun, 31 Nov 1994 08:49:37 GMT", 29, &t), -1);
	CU_ASSERT_EQUAL(wire_http_date("Sunday, 06-Nov-94 08:49:37 GMT", 30, &t), -1);
	CU_ASSERT_EQUAL(wire_http_date("Sun Nov  6 08:49:37 1994", 24, &t), -1);
	CU_ASSERT_EQUAL(wire_http_date("Sun, 06 Nov 1994 24:00:00 GMT", 29, &t), -1);
	CU_ASSERT_EQUAL(wire_http_date("yesterday", 9, &t), -1);
}

void
suite_wire(void)
{
	CU_pSuite s = CU_add_suite("wire", NULL, NULL);

	UNIT_TEST(s, test_wire_cookie_finds_each_of_its_name);
	UNIT_TEST(s, test_wire_cookie_ignores_other_names_and_pairs_without_equals);
	UNIT_TEST(s, test_wire_pct_decode_decodes_escapes_of_either_case);
	UNIT_TEST(s, test_wire_pct_decode_refuses_nul_and_cut_or_bad_escapes);
	UNIT_TEST(s, test_wire_pct_decode_refuses_a_raw_nul);
	UNIT_TEST(s, test_wire_framing_takes_one_way_of_framing);
	UNIT_TEST(s, test_wire_framing_refuses_smuggling_shapes);
	UNIT_TEST(s, test_wire_query_value_finds_the_first_of_its_name);
	UNIT_TEST(s, test_wire_etag_match_compares_weakly_in_a_list);
	UNIT_TEST(s, test_wire_http_date_reads_and_writes_imf_fixdate);
	UNIT_TEST(s, test_wire_http_date_refuses_other_forms_and_wrong_days);
}
