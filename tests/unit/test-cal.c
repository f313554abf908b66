/* Unit tests for core/cal.c: staff calendars' consent URLs, event ids and
 * bodies, and the configuration that turns each provider on. */
#include <json-c/json.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/cal.h"
#include "core/conf.h"
#include "tests/unit/suites.h"

static void
cal_conf(struct conf *c)
{
	struct err e;

	conf_defaults(c);
	CU_ASSERT_EQUAL(conf_set(c, "google_client_id", "gid.apps.googleusercontent.com", &e), 0);
	CU_ASSERT_EQUAL(conf_set(c, "google_client_secret", "gs", &e), 0);
	CU_ASSERT_EQUAL(conf_set(c, "secret_key",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", &e), 0);
	CU_ASSERT_EQUAL(conf_set(c, "public_url", "https://studio.example/", &e), 0);
}

static void
test_cal_a_provider_is_on_only_with_client_key_and_callback_base(void)
{
	struct conf c;
	struct err e;

	cal_conf(&c);
	CU_ASSERT_STRING_EQUAL(conf_calendar_off(&c, CONF_CAL_GOOGLE), "");
	CU_ASSERT_PTR_NOT_NULL(strstr(conf_calendar_off(&c, CONF_CAL_OUTLOOK), "microsoft_client_id"));
	c.secret_key[0] = '\0';
	CU_ASSERT_PTR_NOT_NULL(strstr(conf_calendar_off(&c, CONF_CAL_GOOGLE), "secret_key"));
	cal_conf(&c);
	c.public_url[0] = '\0';
	CU_ASSERT_PTR_NOT_NULL(strstr(conf_calendar_off(&c, CONF_CAL_GOOGLE), "public_url"));
	CU_ASSERT_EQUAL(conf_set(&c, "calendar_redirect_base", "https://cb.example", &e), 0);
	CU_ASSERT_STRING_EQUAL(conf_calendar_off(&c, CONF_CAL_GOOGLE), "");
	CU_ASSERT_EQUAL(conf_set(&c, "secret_key", "abc", &e), ERR_CONFIG);
	CU_ASSERT_EQUAL(conf_set(&c, "microsoft_tenant", "a/b", &e), ERR_CONFIG);
	CU_ASSERT_EQUAL(conf_set(&c, "google_api_base", "ftp://x", &e), ERR_CONFIG);
}

static void
test_cal_consent_url_asks_for_offline_calendar_events_with_pkce(void)
{
	struct conf c;
	char *u, *r;

	cal_conf(&c);
	u = cal_consent_url(&c, CONF_CAL_GOOGLE, "st-1", "ch_2");
	CU_ASSERT_EQUAL(strncmp(u, "https://accounts.google.com/o/oauth2/v2/auth?client_id=gid.apps."
	    "googleusercontent.com&response_type=code&redirect_uri=https%3A%2F%2Fstudio.example%2Fapi"
	    "%2Fintegrations%2Fgoogle%2Foauth&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2F"
	    "calendar.events&access_type=offline&prompt=consent", 250), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(u, "&state=st-1&code_challenge=ch_2&code_challenge_method=S256"));
	free(u);
	r = cal_redirect_uri(&c, CONF_CAL_OUTLOOK);
	CU_ASSERT_STRING_EQUAL(r, "https://studio.example/api/integrations/outlook/oauth");
	free(r);
	u = cal_consent_url(&c, CONF_CAL_OUTLOOK, "s", "c");
	CU_ASSERT_EQUAL(strncmp(u, "https://login.microsoftonline.com/common/oauth2/v2.0/authorize?", 63), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(u, "scope=offline_access%20Calendars.ReadWrite"));
	free(u);
}

static void
test_cal_pkce_challenge_is_rfc_7636s_example(void)
{
	char ch[64];

	/* RFC 7636, appendix B */
	cal_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", ch, sizeof(ch));
	CU_ASSERT_STRING_EQUAL(ch, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_cal_google_event_id_is_stable_base32hex(void)
{
	char id[65], again[65];

	CU_ASSERT_EQUAL(cal_google_event_id("5E3D11BD-30DE-41E1-A8DC-9E22CEF2E51B",
	    "00000000-0000-4000-8000-0000000000e1", id, NULL), 0);
	CU_ASSERT_STRING_EQUAL(id, "5e3d11bd30de41e1a8dc9e22cef2e51b000000000000400080000000000000e1");
	CU_ASSERT_EQUAL(strspn(id, "0123456789abcdefghijklmnopqrstuv"), 64);
	cal_google_event_id("5e3d11bd-30de-41e1-a8dc-9e22cef2e51b", "00000000-0000-4000-8000-0000000000e1",
	    again, NULL);
	CU_ASSERT_STRING_EQUAL(id, again);
	CU_ASSERT_EQUAL(cal_google_event_id("not-a-uuid", "00000000-0000-4000-8000-0000000000e1", id, NULL),
	    ERR_INVALID);
}

static void
test_cal_event_bodies_follow_each_provider(void)
{
	const struct cal_event ev = { "RL-X: Studio B", "a session", "Studio B", "2027-01-04T15:00:00Z",
		"2027-01-04T17:00:00Z" };
	const struct cal_event bad = { "x", "x", "x", "2027-01-04 15:00", "2027-01-04T17:00:00Z" };
	struct json_object *o, *v;
	char *g = cal_event_json(CONF_CAL_GOOGLE, &ev, "abc12", NULL);
	char *m = cal_event_json(CONF_CAL_OUTLOOK, &ev, "rl-txn", NULL);

	o = json_tokener_parse(g);
	CU_ASSERT_TRUE(json_object_object_get_ex(o, "start", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(v, "dateTime")), "2027-01-04T15:00:00Z");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(o, "id")), "abc12");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(o, "status")), "confirmed");
	json_object_put(o);
	o = json_tokener_parse(m);
	CU_ASSERT_TRUE(json_object_object_get_ex(o, "end", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(v, "dateTime")), "2027-01-04T17:00:00");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(v, "timeZone")), "UTC");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(o, "transactionId")), "rl-txn");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(o, "subject")), "RL-X: Studio B");
	json_object_put(o);
	free(g);
	free(m);
	CU_ASSERT_PTR_NULL(cal_event_json(CONF_CAL_GOOGLE, &bad, NULL, NULL));
}

static int
cal_suite_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void
suite_cal(void)
{
	CU_pSuite s = CU_add_suite("cal", cal_suite_init, NULL);

	UNIT_TEST(s, test_cal_a_provider_is_on_only_with_client_key_and_callback_base);
	UNIT_TEST(s, test_cal_consent_url_asks_for_offline_calendar_events_with_pkce);
	UNIT_TEST(s, test_cal_pkce_challenge_is_rfc_7636s_example);
	UNIT_TEST(s, test_cal_google_event_id_is_stable_base32hex);
	UNIT_TEST(s, test_cal_event_bodies_follow_each_provider);
}
