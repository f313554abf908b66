/* Unit tests for core/tmpl.c: templates checked at load, filled safely. */
#include <stdlib.h>
#include <string.h>

#include "core/tmpl.h"
#include "tests/unit/suites.h"

static const char *const names[] = { "artist_name", "booking_code", "room_name" };

static void
test_tmpl_fills_each_variable(void)
{
	const char *vals[] = { "Zoë", "RL-7KQ2M9XD", "Studio A" };
	struct tmpl *t = tmpl_new("Hi {{artist_name}}, {{ booking_code }} in {{room_name}}.\n{{artist_name}}!",
	    names, 3, "approved.txt", 0, NULL);
	char *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	s = tmpl_fill(t, vals);
	CU_ASSERT_STRING_EQUAL(s, "Hi Zoë, RL-7KQ2M9XD in Studio A.\nZoë!");
	free(s);
	tmpl_free(t);
}

static void
test_tmpl_unknown_variable_is_an_error_naming_it_and_its_line(void)
{
	struct err e;

	CU_ASSERT_PTR_NULL(tmpl_new("Hello\nHi {{artst_name}}", names, 3, "approved.html", 1, &e));
	CU_ASSERT_EQUAL(e.code, ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.msg, "approved.html:2: unknown variable {{artst_name}}");
	CU_ASSERT_PTR_NULL(tmpl_new("Hi {{artist_name", names, 3, "a.txt", 0, &e));
	CU_ASSERT_STRING_EQUAL(e.msg, "a.txt:1: '{{' is never closed");
	CU_ASSERT_PTR_NULL(tmpl_new("Hi }} there", names, 3, "a.txt", 0, &e));
	CU_ASSERT_STRING_EQUAL(e.msg, "a.txt:1: '}}' without '{{'");
}

static void
test_tmpl_html_escapes_values_not_the_template(void)
{
	const char *vals[] = { "<script>alert('x')</script> & \"co\"", NULL, "A" };
	struct tmpl *t = tmpl_new("<p>{{artist_name}}</p>{{booking_code}}", names, 3, "a.html", 1, NULL);
	char *s = tmpl_fill(t, vals);

	CU_ASSERT_STRING_EQUAL(s, "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;</p>");
	free(s);
	tmpl_free(t);
	tmpl_free(NULL);
}

void
suite_tmpl(void)
{
	CU_pSuite s = CU_add_suite("tmpl", NULL, NULL);

	UNIT_TEST(s, test_tmpl_fills_each_variable);
	UNIT_TEST(s, test_tmpl_unknown_variable_is_an_error_naming_it_and_its_line);
	UNIT_TEST(s, test_tmpl_html_escapes_values_not_the_template);
}
