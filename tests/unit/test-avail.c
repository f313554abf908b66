/* Suite "avail": core/avail.h, the availability engine, on a studio built by
 * hand (the demo studio's rooms, staff and services) in America/Toronto,
 * read from the system's zoneinfo as tests/unit/test-tz.c does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/avail.h"
#include "core/tz.h"
#include "tests/unit/suites.h"

#define MIN 60
#define HOUR 3600
#define DAY 86400
#define ALL_DAYS 0x7fu
#define WEEKDAYS(...) avail_weekdays((const int[]){ __VA_ARGS__, -1 })

enum { ROOM_A, ROOM_B, BOOTH, NROOMS };
enum { ELI, PRIYA, SAM, NSTAFF };
enum { SVC_REC, SVC_RENT, SVC_MIX, SVC_BACKLINE, NSERVICES };

static struct tz *toronto;

static int
avail_suite_init(void)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	unsigned char *buf;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/America/Toronto", dir && *dir ? dir : "/usr/share/zoneinfo");
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "# cannot open %s (install tzdata)\n", path);
		return -1;
	}
	buf = malloc(1 << 20);
	len = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	if (buf == NULL || tz_parse(buf, len, "America/Toronto", &toronto, NULL) != 0)
		toronto = NULL;
	free(buf);
	return toronto ? 0 : -1;
}

static int
avail_suite_clean(void)
{
	tz_free(toronto);
	return 0;
}

static unsigned
avail_weekdays(const int *days)
{
	unsigned m = 0;

	for (; *days >= 0; days++)
		m |= 1u << *days;
	return m;
}

/* The instant Toronto's clock reads y-mo-d h:mi (the first, if twice). */
static int64_t
at(int y, int mo, int d, int h, int mi)
{
	int64_t t = 0;

	CU_ASSERT_EQUAL_FATAL(tz_from_local(toronto, y, mo, d, h, mi, 0, TZ_EARLIER, &t, NULL), 0);
	return t;
}

static int64_t
at_later(int y, int mo, int d, int h, int mi)
{
	int64_t t = 0;

	CU_ASSERT_EQUAL_FATAL(tz_from_local(toronto, y, mo, d, h, mi, 0, TZ_LATER, &t, NULL), 0);
	return t;
}

/* ---- the fixture: the demo studio ---- */

static const char *const tags_a[] = { "tracking", "live", NULL };
static const char *const tags_b[] = { "mixing", "production", NULL };
static const char *const tags_booth[] = { "vocals", "podcast", NULL };
static const char *const skills_eli[] = { "mixing", "tracking", NULL };
static const char *const skills_priya[] = { "mixing", "mastering", "production", NULL };
static const char *const skills_sam[] = { "tracking", NULL };
static const char *const need_tracking[] = { "tracking", NULL };
static const char *const need_mixing[] = { "mixing", NULL };

struct fx {
	struct avail_room rooms[NROOMS];
	struct avail_staff staff[NSTAFF];
	struct avail_service services[NSERVICES];
	struct avail_rule rules[24];
	size_t nrules;
	struct avail_exception exceptions[8];
	size_t nexceptions;
	struct avail_claim claims[64];
	size_t nclaims;
	struct avail_staff_claim staff_claims[64];
	size_t nstaff_claims;
	struct avail_data d;
};

static void
fx_rule(struct fx *f, enum avail_target type, size_t target, unsigned days, int h0, int m0,
    int h1, int m1)
{
	CU_ASSERT_FATAL(f->nrules < sizeof(f->rules) / sizeof(f->rules[0]));
	f->rules[f->nrules++] = (struct avail_rule){ .type = type, .target = target,
	    .weekdays = days, .start_min = h0 * 60 + m0, .end_min = h1 * 60 + m1 };
}

static void
fx_exception(struct fx *f, enum avail_target type, size_t target, int64_t start, int64_t end)
{
	f->exceptions[f->nexceptions++] = (struct avail_exception){ .type = type,
	    .target = target, .start = start, .end = end, .reason = "Gear repair" };
}

static void
fx_claim(struct fx *f, size_t room, int64_t start, int64_t end, int64_t expires_at,
    const char *owner)
{
	struct avail_claim *c = &f->claims[f->nclaims++];

	*c = (struct avail_claim){ .room = room, .start = start, .end = end, .expires_at = expires_at };
	snprintf(c->owner_id, sizeof(c->owner_id), "%s", owner);
}

static void
fx_staff_claim(struct fx *f, size_t staff, int64_t start, int64_t end, const char *owner)
{
	struct avail_staff_claim *c = &f->staff_claims[f->nstaff_claims++];

	*c = (struct avail_staff_claim){ .staff = staff, .start = start, .end = end };
	snprintf(c->owner_id, sizeof(c->owner_id), "%s", owner);
}

/* Point the data at the arrays; call after every change to the counts. */
static struct avail_data *
fx_data(struct fx *f)
{
	f->d = (struct avail_data){
		.tz = toronto, .timezone = "America/Toronto", .lead_time_min = 120,
		.horizon_days = 90, .rooms = f->rooms, .nrooms = NROOMS,
		.staff = f->staff, .nstaff = NSTAFF, .services = f->services,
		.nservices = NSERVICES, .rules = f->rules, .nrules = f->nrules,
		.exceptions = f->exceptions, .nexceptions = f->nexceptions,
		.claims = f->claims, .nclaims = f->nclaims,
		.staff_claims = f->staff_claims, .nstaff_claims = f->nstaff_claims,
	};
	return &f->d;
}

/* The demo studio: open daily 09-23; Studio A Mon-Sat 10-22 with 15 min
 * setup and teardown; Studio B daily 09-23; the booth Mon-Fri 09-18. Eli
 * Mon-Fri 10-19, Priya Tue-Sat 12-22, Sam Sun, Fri, Sat 10-20. */
static void
fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	f->rooms[ROOM_A] = (struct avail_room){ .id = "room-a", .name = "Studio A",
	    .tags = tags_a, .active = 1, .buffer_before_min = 15, .buffer_after_min = 15 };
	f->rooms[ROOM_B] = (struct avail_room){ .id = "room-b", .name = "Studio B",
	    .tags = tags_b, .active = 1 };
	f->rooms[BOOTH] = (struct avail_room){ .id = "booth", .name = "Vocal Booth",
	    .tags = tags_booth, .active = 1 };
	f->staff[ELI] = (struct avail_staff){ .id = "eli", .name = "Eli Engineer",
	    .skills = skills_eli, .active = 1 };
	f->staff[PRIYA] = (struct avail_staff){ .id = "priya", .name = "Priya Producer",
	    .skills = skills_priya, .active = 1 };
	f->staff[SAM] = (struct avail_staff){ .id = "sam", .name = "Sam Assistant",
	    .skills = skills_sam, .active = 1 };
	f->services[SVC_REC] = (struct avail_service){ .id = "rec", .name = "Recording session",
	    .default_duration_min = 60, .base_price_cents = 9000, .requires_engineer = 1,
	    .staff_skill_required = "tracking", .room_tags = need_tracking };
	f->services[SVC_RENT] = (struct avail_service){ .id = "rent", .name = "Room rental",
	    .default_duration_min = 60, .base_price_cents = 5000 };
	f->services[SVC_MIX] = (struct avail_service){ .id = "mix", .name = "Mixing",
	    .default_duration_min = 120, .base_price_cents = 15000, .requires_engineer = 1,
	    .staff_skill_required = "mixing", .room_tags = need_mixing, .buffer_after_min = 15 };
	f->services[SVC_BACKLINE] = (struct avail_service){ .id = "backline",
	    .name = "Backline rental", .default_duration_min = 60, .base_price_cents = 2500,
	    .is_addon = 1 };
	fx_rule(f, AVAIL_STUDIO, 0, ALL_DAYS, 9, 0, 23, 0);
	fx_rule(f, AVAIL_ROOM, ROOM_A, WEEKDAYS(1, 2, 3, 4, 5, 6), 10, 0, 22, 0);
	fx_rule(f, AVAIL_ROOM, ROOM_B, ALL_DAYS, 9, 0, 23, 0);
	fx_rule(f, AVAIL_ROOM, BOOTH, WEEKDAYS(1, 2, 3, 4, 5), 9, 0, 18, 0);
	fx_rule(f, AVAIL_STAFF, ELI, WEEKDAYS(1, 2, 3, 4, 5), 10, 0, 19, 0);
	fx_rule(f, AVAIL_STAFF, PRIYA, WEEKDAYS(2, 3, 4, 5, 6), 12, 0, 22, 0);
	fx_rule(f, AVAIL_STAFF, SAM, WEEKDAYS(0, 5, 6), 10, 0, 20, 0);
	fx_data(f);
}

/* Everything open around the clock, every day (for daylight-saving days). */
static void
fx_all_day(struct fx *f)
{
	f->nrules = 0;
	fx_rule(f, AVAIL_STUDIO, 0, ALL_DAYS, 0, 0, 24, 0);
	for (size_t r = 0; r < NROOMS; r++)
		fx_rule(f, AVAIL_ROOM, r, ALL_DAYS, 0, 0, 24, 0);
	for (size_t s = 0; s < NSTAFF; s++)
		fx_rule(f, AVAIL_STAFF, s, ALL_DAYS, 0, 0, 24, 0);
	fx_data(f);
}

static struct avail_query
query(int y, int mo, int d, int minutes, const char *service, const char *room, int64_t now)
{
	return (struct avail_query){ .year = y, .month = mo, .day = d, .duration_min = minutes,
	    .service_id = service, .room_id = room, .now = now };
}

static const struct avail_slot *
find_slot(const struct avail_slot *s, size_t n, int64_t start, size_t room)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].start == start && s[i].room == room)
			return &s[i];
	return NULL;
}

static int
slot_has_staff(const struct avail_slot *s, size_t staff)
{
	for (size_t i = 0; s && i < s->nstaff; i++)
		if (s->staff[i] == staff)
			return 1;
	return 0;
}

/* June 2027, well before the days searched: lead time and horizon stay out
 * of the way. */
static int64_t
early_june(void)
{
	return at(2027, 6, 1, 0, 0);
}

/* ---- daylight saving ---- */

static void
test_avail_spring_forward_day_has_no_slot_in_the_skipped_hour(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	size_t n = 0;
	struct err e;

	fx_init(&f);
	fx_all_day(&f);
	q = query(2027, 3, 14, 60, "rent", "room-b", at(2027, 3, 1, 0, 0));
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, &e), 0);
	/* 23 hours of quarter hours */
	CU_ASSERT_EQUAL(n, 92);
	for (size_t i = 0; i < n; i++) {
		struct tz_local l;
		tz_to_local(toronto, s[i].start, &l);
		CU_ASSERT_NOT_EQUAL(l.hour, 2);
		CU_ASSERT_EQUAL(l.minute % 15, 0);
		CU_ASSERT_EQUAL(l.second, 0);
		CU_ASSERT_EQUAL(s[i].end - s[i].start, HOUR);
		if (i > 0)
			CU_ASSERT_EQUAL(s[i].start - s[i - 1].start, 900);
	}
	CU_ASSERT_EQUAL(s[0].start, at(2027, 3, 14, 0, 0));
	/* 01:45 EST is followed by 03:00 EDT, a quarter hour of real time later */
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 3, 14, 1, 45), ROOM_B));
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 3, 14, 3, 0), ROOM_B));
	CU_ASSERT_EQUAL(at(2027, 3, 14, 3, 0) - at(2027, 3, 14, 1, 45), 900);
	free(s);
}

static void
test_avail_fall_back_day_has_25_hours_and_the_repeated_quarter_hours_twice(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	const struct avail_slot *sl;
	struct tz_local l;
	size_t n = 0, one_am = 0;

	fx_init(&f);
	fx_all_day(&f);
	q = query(2027, 11, 7, 120, "rent", "room-b", at(2027, 11, 1, 0, 0));
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 100);
	/* 00:30 EDT is 04:30Z; two real hours later is 06:30Z, 01:30 EST */
	sl = find_slot(s, n, at(2027, 11, 7, 0, 30), ROOM_B);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sl);
	CU_ASSERT_EQUAL(sl->start, INT64_C(1825561800));
	CU_ASSERT_EQUAL(sl->end, INT64_C(1825569000));
	tz_to_local(toronto, sl->end, &l);
	CU_ASSERT_EQUAL(l.hour, 1);
	CU_ASSERT_EQUAL(l.minute, 30);
	CU_ASSERT_FALSE(l.is_dst);
	CU_ASSERT_EQUAL(sl->price_cents, 10000);
	for (size_t i = 0; i < n; i++) {
		tz_to_local(toronto, s[i].start, &l);
		if (l.hour == 1)
			one_am++;
		if (i > 0)
			CU_ASSERT_EQUAL(s[i].start - s[i - 1].start, 900);
	}
	CU_ASSERT_EQUAL(one_am, 8);
	CU_ASSERT_EQUAL(at_later(2027, 11, 7, 1, 0) - at(2027, 11, 7, 1, 0), HOUR);
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 11, 7, 1, 0), ROOM_B));
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at_later(2027, 11, 7, 1, 0), ROOM_B));
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at_later(2027, 11, 7, 1, 45), ROOM_B));
	free(s);
}

static void
test_avail_rule_hours_follow_the_wall_clock_across_a_change(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	size_t n = 0;

	/* The studio opens 00:00-06:00 on the fall-back day: 7 real hours, so
	 * a 7-hour session from midnight fits exactly and nothing later does. */
	fx_init(&f);
	f.nrules = 0;
	fx_rule(&f, AVAIL_STUDIO, 0, ALL_DAYS, 0, 0, 6, 0);
	fx_rule(&f, AVAIL_ROOM, ROOM_B, ALL_DAYS, 0, 0, 6, 0);
	fx_data(&f);
	q = query(2027, 11, 7, 7 * 60, "rent", "room-b", at(2027, 11, 1, 0, 0));
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(s[0].start, at(2027, 11, 7, 0, 0));
	CU_ASSERT_EQUAL(s[0].end, at(2027, 11, 7, 6, 0));
	free(s);
	/* and 5 real hours on the spring-forward day */
	q = query(2027, 3, 14, 5 * 60, "rent", "room-b", at(2027, 3, 1, 0, 0));
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(s[0].end, at(2027, 3, 14, 6, 0));
	free(s);
}

/* The board draws open hours from avail_rules_open: the same rules the
 * engine builds its windows with, the studio's included, and a target
 * without rules is closed, as it is for the search. */
static void
test_avail_rules_open_is_the_engines_rule_for_the_board(void)
{
	struct fx f;

	fx_init(&f);
	/* Wednesday 2027-06-16: A 10-22 inside the studio's 09-23 */
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_ROOM, ROOM_A, at(2027, 6, 16, 9, 45)), 0);
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_ROOM, ROOM_A, at(2027, 6, 16, 10, 0)), 1);
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_ROOM, ROOM_A, at(2027, 6, 16, 21, 59)), 1);
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_ROOM, ROOM_A, at(2027, 6, 16, 22, 0)), 0);
	/* Sunday: A has no rule that day */
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_ROOM, ROOM_A, at(2027, 6, 20, 12, 0)), 0);
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_STAFF, ELI, at(2027, 6, 16, 18, 30)), 1);
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_STAFF, ELI, at(2027, 6, 16, 19, 0)), 0);
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_STUDIO, 0, at(2027, 6, 16, 8, 59)), 0);
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_STUDIO, 0, at(2027, 6, 16, 9, 0)), 1);
	/* the studio closes what a room's own rules open */
	f.nrules = 0;
	fx_rule(&f, AVAIL_STUDIO, 0, ALL_DAYS, 12, 0, 14, 0);
	fx_rule(&f, AVAIL_ROOM, ROOM_B, ALL_DAYS, 9, 0, 23, 0);
	fx_data(&f);
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_ROOM, ROOM_B, at(2027, 6, 16, 11, 0)), 0);
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_ROOM, ROOM_B, at(2027, 6, 16, 13, 0)), 1);
	/* no rules of its own: closed, not open */
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_ROOM, BOOTH, at(2027, 6, 16, 13, 0)), 0);
	/* on the fall-back day 00:00-06:00 local is 7 real hours */
	f.nrules = 0;
	fx_rule(&f, AVAIL_STUDIO, 0, ALL_DAYS, 0, 0, 6, 0);
	fx_rule(&f, AVAIL_ROOM, ROOM_B, ALL_DAYS, 0, 0, 6, 0);
	fx_data(&f);
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_ROOM, ROOM_B, at(2027, 11, 7, 0, 0) + 6 * 3600 + 1800), 1);
	CU_ASSERT_EQUAL(avail_rules_open(&f.d, AVAIL_ROOM, ROOM_B, at(2027, 11, 7, 0, 0) + 7 * 3600), 0);
}

/* ---- working hours, buffers, claims ---- */

static void
test_avail_slots_lie_inside_studio_and_room_hours(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	size_t n = 0, in_a = 0, in_b = 0, in_booth = 0;

	fx_init(&f);
	/* Wednesday: A 10-22, B 09-23, booth 09-18; 60-minute rentals */
	q = query(2027, 6, 16, 60, "rent", NULL, early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	for (size_t i = 0; i < n; i++) {
		in_a += s[i].room == ROOM_A;
		in_b += s[i].room == ROOM_B;
		in_booth += s[i].room == BOOTH;
		CU_ASSERT_EQUAL(s[i].price_cents, 5000);
		CU_ASSERT_EQUAL(s[i].nstaff, 0);
		if (i > 0)
			CU_ASSERT_TRUE(s[i - 1].start < s[i].start ||
			    (s[i - 1].start == s[i].start && s[i - 1].room < s[i].room));
	}
	CU_ASSERT_EQUAL(in_a, 45);   /* 10:00 .. 21:00 */
	CU_ASSERT_EQUAL(in_b, 53);   /* 09:00 .. 22:00 */
	CU_ASSERT_EQUAL(in_booth, 33); /* 09:00 .. 17:00 */
	CU_ASSERT_PTR_NULL(find_slot(s, n, at(2027, 6, 16, 9, 45), ROOM_A));
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 6, 16, 10, 0), ROOM_A));
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 6, 16, 21, 0), ROOM_A));
	CU_ASSERT_PTR_NULL(find_slot(s, n, at(2027, 6, 16, 21, 15), ROOM_A));
	free(s);

	/* no rules of its own: closed */
	f.nrules = 1;
	fx_data(&f);
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 0);
	free(s);
}

static void
test_avail_a_claim_widened_by_teardown_blocks_the_next_quarter_hour(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	size_t n = 0;

	fx_init(&f);
	/* a 14:00-16:00 booking in B with 15 minutes of teardown */
	fx_claim(&f, ROOM_B, at(2027, 6, 16, 14, 0), at(2027, 6, 16, 16, 15), 0, "bk1");
	fx_data(&f);
	q = query(2027, 6, 16, 60, "rent", "room-b", early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 6, 16, 13, 0), ROOM_B));
	CU_ASSERT_PTR_NULL(find_slot(s, n, at(2027, 6, 16, 13, 15), ROOM_B));
	CU_ASSERT_PTR_NULL(find_slot(s, n, at(2027, 6, 16, 15, 0), ROOM_B));
	CU_ASSERT_PTR_NULL(find_slot(s, n, at(2027, 6, 16, 16, 0), ROOM_B));
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 6, 16, 16, 15), ROOM_B));
	CU_ASSERT_EQUAL(n, 53 - 12);
	free(s);
}

static void
test_avail_a_new_bookings_own_buffers_keep_it_off_an_adjacent_claim(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	size_t n = 0;

	fx_init(&f);
	/* Studio A needs 15 minutes before and after; a claim holds 14:00-16:00 */
	fx_claim(&f, ROOM_A, at(2027, 6, 16, 14, 0), at(2027, 6, 16, 16, 0), 0, "bk1");
	fx_data(&f);
	q = query(2027, 6, 16, 60, "rent", "room-a", early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 6, 16, 12, 45), ROOM_A));
	CU_ASSERT_PTR_NULL(find_slot(s, n, at(2027, 6, 16, 13, 0), ROOM_A));
	CU_ASSERT_PTR_NULL(find_slot(s, n, at(2027, 6, 16, 16, 0), ROOM_A));
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 6, 16, 16, 15), ROOM_A));
	/* buffers may reach outside working hours: 10:00 opens at 09:45 */
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 6, 16, 10, 0), ROOM_A));
	free(s);
}

static void
test_avail_staff_buffers_widen_the_claims_of_the_slot_they_are_offered_for(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	const struct avail_slot *sl;
	size_t n = 0;

	fx_init(&f);
	/* Friday. Eli needs 30 minutes after a session; a booking claims A from
	 * 15:00. A 13:30-14:30 session with Eli ends 14:30 + 30 = 15:00: fine.
	 * 13:45 with Eli would run into it; with Sam (no buffer) A's own 15
	 * minutes keep 13:45 free of it too. */
	f.staff[ELI].buffer_after_min = 30;
	fx_claim(&f, ROOM_A, at(2027, 6, 18, 15, 0), at(2027, 6, 18, 17, 0), 0, "bk1");
	fx_data(&f);
	q = query(2027, 6, 18, 60, "rec", "room-a", early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	sl = find_slot(s, n, at(2027, 6, 18, 13, 30), ROOM_A);
	CU_ASSERT_TRUE(slot_has_staff(sl, ELI));
	CU_ASSERT_TRUE(slot_has_staff(sl, SAM));
	sl = find_slot(s, n, at(2027, 6, 18, 13, 45), ROOM_A);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sl);
	CU_ASSERT_EQUAL(sl->nstaff, 1);
	CU_ASSERT_TRUE(slot_has_staff(sl, SAM));
	CU_ASSERT_PTR_NULL(find_slot(s, n, at(2027, 6, 18, 14, 0), ROOM_A));
	free(s);
}

static void
test_avail_blackouts_take_time_from_the_studio_a_room_or_a_staff_member(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	const struct avail_slot *sl;
	size_t n = 0;

	/* studio-wide 12:00-14:00: no room has a session touching it */
	fx_init(&f);
	fx_exception(&f, AVAIL_STUDIO, 0, at(2027, 6, 16, 12, 0), at(2027, 6, 16, 14, 0));
	fx_data(&f);
	q = query(2027, 6, 16, 60, "rent", NULL, early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_TRUE(s[i].end <= at(2027, 6, 16, 12, 0) || s[i].start >= at(2027, 6, 16, 14, 0));
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 6, 16, 11, 0), ROOM_B));
	CU_ASSERT_PTR_NULL(find_slot(s, n, at(2027, 6, 16, 11, 15), ROOM_B));
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 6, 16, 14, 0), ROOM_B));
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 6, 16, 14, 0), BOOTH));
	free(s);

	/* Studio B alone, all day: the other rooms keep their slots */
	fx_init(&f);
	fx_exception(&f, AVAIL_ROOM, ROOM_B, at(2027, 6, 16, 0, 0), at(2027, 6, 17, 0, 0));
	fx_data(&f);
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_NOT_EQUAL(s[i].room, ROOM_B);
	CU_ASSERT_EQUAL(n, 45 + 33);
	free(s);

	/* Eli, 12:00-14:00 on a Friday: Sam alone is offered then */
	fx_init(&f);
	fx_exception(&f, AVAIL_STAFF, ELI, at(2027, 6, 18, 12, 0), at(2027, 6, 18, 14, 0));
	fx_data(&f);
	q = query(2027, 6, 18, 60, "rec", NULL, early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	sl = find_slot(s, n, at(2027, 6, 18, 12, 0), ROOM_A);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sl);
	CU_ASSERT_EQUAL(sl->nstaff, 1);
	CU_ASSERT_EQUAL(sl->staff[0], SAM);
	sl = find_slot(s, n, at(2027, 6, 18, 15, 0), ROOM_A);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sl);
	CU_ASSERT_EQUAL(sl->nstaff, 2);
	CU_ASSERT_EQUAL(sl->staff[0], ELI);
	CU_ASSERT_EQUAL(sl->staff[1], SAM);
	free(s);
}

static void
test_avail_an_expired_hold_does_not_block_but_an_active_one_does(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	int64_t now = early_june();
	size_t n = 0;

	fx_init(&f);
	fx_claim(&f, ROOM_B, at(2027, 6, 16, 14, 0), at(2027, 6, 16, 15, 0), now - 1, "hold-old");
	fx_claim(&f, ROOM_B, at(2027, 6, 16, 16, 0), at(2027, 6, 16, 17, 0), now, "hold-now");
	fx_claim(&f, ROOM_B, at(2027, 6, 16, 18, 0), at(2027, 6, 16, 19, 0), now + 600, "hold-live");
	fx_data(&f);
	q = query(2027, 6, 16, 60, "rent", "room-b", now);
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 6, 16, 14, 0), ROOM_B));
	/* expiring exactly now: gone */
	CU_ASSERT_PTR_NOT_NULL(find_slot(s, n, at(2027, 6, 16, 16, 0), ROOM_B));
	CU_ASSERT_PTR_NULL(find_slot(s, n, at(2027, 6, 16, 18, 0), ROOM_B));
	CU_ASSERT_PTR_NULL(find_slot(s, n, at(2027, 6, 16, 17, 30), ROOM_B));
	free(s);
}

/* ---- lead time, horizon, rule dates ---- */

static void
test_avail_slots_inside_the_lead_time_are_gone(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	size_t n = 0;

	fx_init(&f);
	/* 10:07 plus two hours is 12:07: the first start is 12:15 */
	q = query(2027, 6, 16, 60, "rent", "room-b", at(2027, 6, 16, 10, 7));
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(n > 0, 1);
	CU_ASSERT_EQUAL(s[0].start, at(2027, 6, 16, 12, 15));
	CU_ASSERT_EQUAL(n, 53 - 13);
	free(s);
	/* exactly on the lead time is allowed; a second short of it is not */
	q.now = at(2027, 6, 16, 10, 0);
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(s[0].start, at(2027, 6, 16, 12, 0));
	free(s);
	q.now = at(2027, 6, 16, 10, 0) + 1;
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(s[0].start, at(2027, 6, 16, 12, 15));
	free(s);
	/* a day already past has nothing */
	q.now = at(2027, 6, 17, 9, 0);
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(s);
}

static void
test_avail_a_date_beyond_the_horizon_has_no_slots(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	size_t n = 0;

	fx_init(&f);
	/* now + 90 days is 2027-08-30 00:00 local */
	q = query(2027, 8, 29, 60, "rent", "room-b", early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 53);
	free(s);
	q = query(2027, 8, 30, 60, "rent", "room-b", early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 0);
	q = query(2027, 9, 15, 60, "rent", "room-b", early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 0);
	/* the horizon cuts into a day too: 13:00 + 90 days */
	q = query(2027, 8, 30, 60, "rent", "room-b", at(2027, 6, 1, 13, 0));
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(n, 16);
	CU_ASSERT_EQUAL(s[n - 1].start, at(2027, 8, 30, 12, 45));
	free(s);
}

/* slots_at: how many slots q finds with the clock at now. */
static size_t
slots_at(const struct avail_data *d, struct avail_query q, int64_t now)
{
	struct avail_slot *s = NULL;
	size_t n = 0;

	q.now = now;
	CU_ASSERT_EQUAL_FATAL(avail_search(d, &q, &s, &n, NULL), 0);
	free(s);
	return n;
}

static void
test_avail_an_answer_stays_valid_until_the_clock_could_change_it(void)
{
	struct fx f;
	struct avail_query q;
	int64_t until;

	fx_init(&f);
	/* the lead time: at 10:07 the first start is 12:15, which goes at 10:15:01 */
	q = query(2027, 6, 16, 60, "rent", "room-b", at(2027, 6, 16, 10, 7));
	until = avail_search_valid_until(&f.d, &q);
	CU_ASSERT_EQUAL(until, at(2027, 6, 16, 10, 15) + 1);
	CU_ASSERT_EQUAL(slots_at(&f.d, q, until - 1), slots_at(&f.d, q, q.now));
	CU_ASSERT_EQUAL(slots_at(&f.d, q, until), slots_at(&f.d, q, q.now) - 1);
	/* the horizon: 12:45 is the last start at 13:00 + 90 days; 13:00 comes in */
	q = query(2027, 8, 30, 60, "rent", "room-b", at(2027, 6, 1, 13, 0));
	until = avail_search_valid_until(&f.d, &q);
	CU_ASSERT_EQUAL(until, q.now + 1);
	CU_ASSERT_EQUAL(slots_at(&f.d, q, until - 1), 16);
	CU_ASSERT_EQUAL(slots_at(&f.d, q, until), 17);
	/* a day far ahead stays the same until its first start nears the lead time */
	q = query(2027, 6, 16, 60, "rent", "room-b", early_june());
	until = avail_search_valid_until(&f.d, &q);
	CU_ASSERT_EQUAL(until, at(2027, 6, 16, 0, 0) - 120 * 60 + 1);
	/* a hold expiring sooner ends it sooner, and its slot comes back then */
	fx_claim(&f, ROOM_B, at(2027, 6, 16, 18, 0), at(2027, 6, 16, 19, 0), q.now + 600, "hold-live");
	fx_data(&f);
	until = avail_search_valid_until(&f.d, &q);
	CU_ASSERT_EQUAL(until, q.now + 600);
	CU_ASSERT(slots_at(&f.d, q, until) > slots_at(&f.d, q, until - 1));
}

static void
test_avail_a_rule_applies_only_between_its_effective_dates(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	size_t n = 0;

	fx_init(&f);
	/* from July the booth also opens Saturdays 10-14; its weekday hours end
	 * with June */
	fx_rule(&f, AVAIL_ROOM, BOOTH, WEEKDAYS(6), 10, 0, 14, 0);
	f.rules[f.nrules - 1].has_from = 1;
	f.rules[f.nrules - 1].from_day = tz_days_from_civil(2027, 7, 1);
	f.rules[3].has_to = 1;
	f.rules[3].to_day = tz_days_from_civil(2027, 6, 30);
	fx_data(&f);

	q = query(2027, 6, 26, 60, "rent", "booth", early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 0);
	q = query(2027, 7, 3, 60, "rent", "booth", early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(n, 13);
	CU_ASSERT_EQUAL(s[0].start, at(2027, 7, 3, 10, 0));
	CU_ASSERT_EQUAL(s[n - 1].start, at(2027, 7, 3, 13, 0));
	free(s);
	/* the last day of a rule still counts; the next does not */
	f.rules[3].to_day = tz_days_from_civil(2027, 7, 2);
	q = query(2027, 7, 2, 60, "rent", "booth", early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 33);
	free(s);
	q = query(2027, 7, 5, 60, "rent", "booth", early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 0);
}

/* ---- staff ---- */

static void
test_avail_only_staff_with_the_skill_are_offered(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	size_t n = 0;

	fx_init(&f);
	/* Friday: mastering is Priya's alone, from noon */
	q = query(2027, 6, 18, 60, "rent", "room-b", early_june());
	q.staff_skill = "mastering";
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(n > 0, 1);
	CU_ASSERT_EQUAL(s[0].start, at(2027, 6, 18, 12, 0));
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(s[i].nstaff, 1);
		CU_ASSERT_EQUAL(s[i].staff[0], PRIYA);
	}
	free(s);

	/* mixing sessions (Studio B only) go to Eli and Priya, never Sam */
	q = query(2027, 6, 18, 120, "mix", NULL, early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(n > 0, 1);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(s[i].room, ROOM_B);
		CU_ASSERT_FALSE(slot_has_staff(&s[i], SAM));
		CU_ASSERT_EQUAL(s[i].price_cents, 15000);
	}
	CU_ASSERT_EQUAL(find_slot(s, n, at(2027, 6, 18, 10, 0), ROOM_B)->nstaff, 1);
	CU_ASSERT_EQUAL(find_slot(s, n, at(2027, 6, 18, 13, 0), ROOM_B)->nstaff, 2);
	free(s);

	/* a skill nobody has: no slots, and no error */
	q = query(2027, 6, 18, 60, "rent", NULL, early_june());
	q.staff_skill = "theremin";
	CU_ASSERT_EQUAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 0);
}

static void
test_avail_a_busy_engineer_is_not_offered(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	const struct avail_slot *sl;
	size_t n = 0;

	fx_init(&f);
	/* Eli is booked 13:00-15:00 (in another room); Sam is free */
	fx_staff_claim(&f, ELI, at(2027, 6, 18, 13, 0), at(2027, 6, 18, 15, 0), "bk9");
	fx_data(&f);
	q = query(2027, 6, 18, 60, "rec", "room-a", early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	sl = find_slot(s, n, at(2027, 6, 18, 14, 0), ROOM_A);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sl);
	CU_ASSERT_FALSE(slot_has_staff(sl, ELI));
	CU_ASSERT_TRUE(slot_has_staff(sl, SAM));
	/* Studio A's 15 minutes of setup and teardown go with Eli's claim too:
	 * the booking stores one widened range for the room and its staff */
	CU_ASSERT_FALSE(slot_has_staff(find_slot(s, n, at(2027, 6, 18, 15, 0), ROOM_A), ELI));
	CU_ASSERT_TRUE(slot_has_staff(find_slot(s, n, at(2027, 6, 18, 15, 15), ROOM_A), ELI));
	CU_ASSERT_FALSE(slot_has_staff(find_slot(s, n, at(2027, 6, 18, 12, 0), ROOM_A), ELI));
	CU_ASSERT_TRUE(slot_has_staff(find_slot(s, n, at(2027, 6, 18, 11, 45), ROOM_A), ELI));
	free(s);

	/* Wednesday: Eli is the only tracking engineer, and busy all day */
	fx_staff_claim(&f, ELI, at(2027, 6, 16, 8, 0), at(2027, 6, 16, 20, 0), "bk10");
	fx_data(&f);
	q = query(2027, 6, 16, 60, "rec", NULL, early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 0);
}

/* ---- durations, prices, errors ---- */

static void
test_avail_duration_must_be_a_multiple_of_the_service_default(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = (struct avail_slot *)&f;
	size_t n = 7;
	struct err e;

	fx_init(&f);
	q = query(2027, 6, 16, 90, "rent", NULL, early_june());
	CU_ASSERT_EQUAL(avail_search(&f.d, &q, &s, &n, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "duration_min");
	CU_ASSERT_EQUAL(e.reason, ERR_REASON_DURATION);
	CU_ASSERT_STRING_EQUAL(err_api_name(&e), "invalid_duration");
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_EQUAL(n, 0);
	q.duration_min = 0;
	CU_ASSERT_EQUAL(avail_search(&f.d, &q, &s, &n, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "duration_min");
	q.duration_min = 24 * 60 + 60;
	CU_ASSERT_EQUAL(avail_search(&f.d, &q, &s, &n, &e), ERR_INVALID);
	/* shorter than the default: the default */
	q.duration_min = 30;
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, &e), 0);
	CU_ASSERT_EQUAL_FATAL(n > 0, 1);
	CU_ASSERT_EQUAL(s[0].end - s[0].start, HOUR);
	free(s);
	/* mixing is in 2-hour units */
	q = query(2027, 6, 18, 180, "mix", NULL, early_june());
	CU_ASSERT_EQUAL(avail_search(&f.d, &q, &s, &n, &e), ERR_INVALID);
	q.duration_min = 240;
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, &e), 0);
	CU_ASSERT_EQUAL_FATAL(n > 0, 1);
	CU_ASSERT_EQUAL(s[0].price_cents, 30000);
	free(s);
}

static void
test_avail_unknown_ids_addons_and_bad_dates_are_refused(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	size_t n = 0;
	struct err e;

	fx_init(&f);
	q = query(2027, 6, 16, 60, "nope", NULL, early_june());
	CU_ASSERT_EQUAL(avail_search(&f.d, &q, &s, &n, &e), ERR_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(e.field, "service_id");
	q = query(2027, 6, 16, 60, "rent", "room-z", early_june());
	CU_ASSERT_EQUAL(avail_search(&f.d, &q, &s, &n, &e), ERR_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(e.field, "room_id");
	/* an inactive room is as good as unknown */
	f.rooms[BOOTH].active = 0;
	q = query(2027, 6, 16, 60, "rent", "booth", early_june());
	CU_ASSERT_EQUAL(avail_search(&f.d, &q, &s, &n, &e), ERR_NOT_FOUND);
	q = query(2027, 6, 16, 60, "backline", NULL, early_june());
	CU_ASSERT_EQUAL(avail_search(&f.d, &q, &s, &n, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_id");
	q = query(2027, 2, 29, 60, "rent", NULL, early_june());
	CU_ASSERT_EQUAL(avail_search(&f.d, &q, &s, &n, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "date");
	CU_ASSERT_PTR_NULL(s);
	/* no room-only service at all: a service must be named */
	f.services[SVC_RENT].requires_engineer = 1;
	q = query(2027, 6, 16, 60, NULL, NULL, early_june());
	CU_ASSERT_EQUAL(avail_search(&f.d, &q, &s, &n, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "service_id");
}

static void
test_avail_slot_prices_follow_the_service_and_its_units(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	size_t n = 0;

	fx_init(&f);
	/* no service: priced as Room rental, the cheapest non-add-on service
	 * that needs no engineer (Backline is cheaper but an add-on) */
	q = query(2027, 6, 16, 120, NULL, NULL, early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(n > 0, 1);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(s[i].price_cents, 10000);
		CU_ASSERT_EQUAL(s[i].nstaff, 0);
	}
	free(s);
	/* three hours of recording with an engineer */
	q = query(2027, 6, 18, 180, "rec", NULL, early_june());
	CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(n > 0, 1);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(s[i].price_cents, 27000);
		CU_ASSERT_EQUAL(s[i].room, ROOM_A);  /* the only room for tracking */
		CU_ASSERT_TRUE(s[i].nstaff > 0);
	}
	free(s);
}

/* ---- avail_check ---- */

static void
test_avail_check_agrees_with_search_on_a_busy_day(void)
{
	struct fx f;
	struct avail_query q;
	struct avail_slot *s = NULL;
	int64_t now = early_june(), day0 = at(2027, 6, 18, 0, 0), day1 = at(2027, 6, 19, 0, 0);
	size_t n = 0, checked = 0, offered = 0;

	fx_init(&f);
	fx_claim(&f, ROOM_A, at(2027, 6, 18, 11, 45), at(2027, 6, 18, 13, 15), 0, "bk1");
	fx_claim(&f, ROOM_A, at(2027, 6, 18, 16, 0), at(2027, 6, 18, 16, 30), now + 900, "hold1");
	fx_claim(&f, ROOM_B, at(2027, 6, 18, 14, 0), at(2027, 6, 18, 16, 15), 0, "bk2");
	fx_staff_claim(&f, SAM, at(2027, 6, 18, 17, 0), at(2027, 6, 18, 19, 0), "bk3");
	fx_staff_claim(&f, ELI, at(2027, 6, 18, 10, 0), at(2027, 6, 18, 11, 0), "bk4");
	fx_exception(&f, AVAIL_ROOM, BOOTH, at(2027, 6, 18, 12, 0), at(2027, 6, 18, 13, 0));
	f.staff[PRIYA].buffer_before_min = 30;
	fx_data(&f);

	static const char *const svcs[] = { "rec", "rent", "mix" };
	static const int mins[] = { 120, 60, 120 };
	for (size_t v = 0; v < 3; v++) {
		const struct avail_service *svc = &f.services[v == 0 ? SVC_REC : v == 1 ? SVC_RENT : SVC_MIX];
		q = query(2027, 6, 18, mins[v], svcs[v], NULL, now);
		CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &s, &n, NULL), 0);
		offered += n;
		for (int64_t t = day0; t < day1; t += 900)
			for (size_t r = 0; r < NROOMS; r++) {
				const struct avail_slot *sl = find_slot(s, n, t, r);
				int64_t end = t + mins[v] * MIN;
				if (!svc->requires_engineer) {
					int rc = avail_check(&f.d, f.rooms[r].id, svcs[v], NULL, t, end, now,
					    NULL, NULL, NULL);
					CU_ASSERT_EQUAL(rc == 0, sl != NULL);
					checked++;
					continue;
				}
				for (size_t k = 0; k < NSTAFF; k++) {
					const char *ids[] = { f.staff[k].id, NULL };
					int rc = avail_check(&f.d, f.rooms[r].id, svcs[v], ids, t, end, now,
					    NULL, NULL, NULL);
					CU_ASSERT_EQUAL(rc == 0, slot_has_staff(sl, k));
					checked++;
				}
			}
		free(s);
	}
	CU_ASSERT_TRUE(offered > 50);
	CU_ASSERT_EQUAL(checked, 96 * NROOMS * (NSTAFF + 1 + NSTAFF));
}

static void
test_avail_check_says_why_a_booking_does_not_fit(void)
{
	struct fx f;
	struct err e;
	int64_t now = early_june(), from = 0, until = 0;
	const char *eli[] = { "eli", NULL };
	const char *eli_sam[] = { "eli", "sam", NULL };
	const char *priya[] = { "priya", NULL };

	fx_init(&f);
	fx_claim(&f, ROOM_A, at(2027, 6, 18, 14, 0), at(2027, 6, 18, 16, 0), 0, "bk1");
	fx_staff_claim(&f, SAM, at(2027, 6, 18, 10, 0), at(2027, 6, 18, 12, 0), "bk7");
	f.staff[SAM].buffer_before_min = 30;
	fx_data(&f);

	/* fits: blocked is widened by A's 15 minutes, and Sam's 30 before */
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", eli, at(2027, 6, 18, 17, 0),
	    at(2027, 6, 18, 19, 0), now, &from, &until, &e), 0);
	CU_ASSERT_EQUAL(from, at(2027, 6, 18, 16, 45));
	CU_ASSERT_EQUAL(until, at(2027, 6, 18, 19, 15));
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", eli_sam, at(2027, 6, 18, 17, 0),
	    at(2027, 6, 18, 19, 0), now, &from, &until, &e), 0);
	CU_ASSERT_EQUAL(from, at(2027, 6, 18, 16, 30));

	/* the room */
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", eli, at(2027, 6, 18, 15, 0),
	    at(2027, 6, 18, 16, 0), now, &from, &until, &e), ERR_CONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Studio A is taken"));
	/* the blocked range is filled for an override all the same */
	CU_ASSERT_EQUAL(from, at(2027, 6, 18, 14, 45));
	/* a booking rescheduled onto its own time does not collide with itself */
	struct avail_booking b = { .room_id = "room-a", .service_id = "rec", .staff_ids = eli,
	    .start = at(2027, 6, 18, 15, 0), .end = at(2027, 6, 18, 16, 0),
	    .ignore_owner_id = "bk1" };
	CU_ASSERT_EQUAL(avail_check_booking(&f.d, &b, now, NULL, NULL, &e), 0);

	/* a staff member */
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", eli_sam, at(2027, 6, 18, 12, 0),
	    at(2027, 6, 18, 13, 0), now, NULL, NULL, &e), ERR_CONFLICT);
	CU_ASSERT_STRING_EQUAL(e.field, "staff_ids");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Sam Assistant is not free"));
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", eli, at(2027, 6, 18, 19, 0),
	    at(2027, 6, 18, 20, 0), now, NULL, NULL, &e), ERR_CONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Eli Engineer is not working"));

	/* hours, blackouts, lead time, horizon */
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", eli, at(2027, 6, 18, 9, 0),
	    at(2027, 6, 18, 10, 0), now, NULL, NULL, &e), ERR_CONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "outside working hours"));
	fx_exception(&f, AVAIL_STUDIO, 0, at(2027, 6, 18, 12, 0), at(2027, 6, 18, 13, 0));
	fx_data(&f);
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", eli, at(2027, 6, 18, 12, 0),
	    at(2027, 6, 18, 13, 0), now, NULL, NULL, &e), ERR_CONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "the studio is closed then (Gear repair)"));
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", eli, at(2027, 6, 18, 17, 0),
	    at(2027, 6, 18, 18, 0), at(2027, 6, 18, 16, 0), NULL, NULL, &e), ERR_CONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "inside the lead time"));
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", eli, at(2027, 6, 18, 17, 0),
	    at(2027, 6, 18, 18, 0), at(2027, 3, 1, 0, 0), NULL, NULL, &e), ERR_CONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "horizon"));

	/* malformed bookings */
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", eli, at(2027, 6, 18, 17, 10),
	    at(2027, 6, 18, 18, 10), now, NULL, NULL, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "start_at");
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", eli, at(2027, 6, 18, 17, 0),
	    at(2027, 6, 18, 17, 30), now, NULL, NULL, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "duration_min");
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", NULL, at(2027, 6, 18, 17, 0),
	    at(2027, 6, 18, 18, 0), now, NULL, NULL, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "staff_ids");
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", priya, at(2027, 6, 18, 17, 0),
	    at(2027, 6, 18, 18, 0), now, NULL, NULL, &e), ERR_INVALID);
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-b", "rec", eli, at(2027, 6, 18, 17, 0),
	    at(2027, 6, 18, 18, 0), now, NULL, NULL, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "room_id");
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-z", "rec", eli, at(2027, 6, 18, 17, 0),
	    at(2027, 6, 18, 18, 0), now, NULL, NULL, &e), ERR_NOT_FOUND);
	const char *ghost[] = { "ghost", NULL };
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-a", "rec", ghost, at(2027, 6, 18, 17, 0),
	    at(2027, 6, 18, 18, 0), now, NULL, NULL, &e), ERR_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(e.field, "staff_ids");
}

/* Staffing a booking that exists: the staff's hours, time off and skills
 * count; the room, the lead time, the horizon and other sessions (which
 * Postgres refuses) do not. */
static void
test_avail_check_staff_asks_only_of_the_staff(void)
{
	struct fx f;
	struct err e;
	int64_t now = early_june();
	const char *eli[] = { "eli", NULL };
	const char *sam[] = { "sam", NULL };
	const char *priya[] = { "priya", NULL };
	const char *ghost[] = { "ghost", NULL };
	struct avail_booking b = { .room_id = "room-a", .service_id = "rec", .staff_ids = eli,
	    .start = at(2027, 6, 18, 17, 0), .end = at(2027, 6, 18, 19, 0) };

	fx_init(&f);
	/* the room is taken by the booking itself and Sam is on another */
	fx_claim(&f, ROOM_A, at(2027, 6, 18, 16, 45), at(2027, 6, 18, 19, 15), 0, "bk1");
	fx_staff_claim(&f, SAM, at(2027, 6, 18, 10, 0), at(2027, 6, 18, 12, 0), "bk7");
	f.staff[SAM].buffer_before_min = 30;
	fx_data(&f);
	b.ignore_owner_id = "bk1";

	CU_ASSERT_EQUAL(avail_check_staff(&f.d, &b, now, &e), 0);
	/* inside the lead time, an hour before: staffing is still a question of the staff */
	CU_ASSERT_EQUAL(avail_check_staff(&f.d, &b, at(2027, 6, 18, 16, 0), &e), 0);
	/* no staff: nothing to ask */
	b.staff_ids = NULL;
	CU_ASSERT_EQUAL(avail_check_staff(&f.d, &b, now, &e), 0);

	/* past Eli's hours (10:00-19:00 on weekdays) */
	b.staff_ids = eli;
	b.start = at(2027, 6, 18, 18, 0);
	b.end = at(2027, 6, 18, 20, 0);
	CU_ASSERT_EQUAL(avail_check_staff(&f.d, &b, now, &e), ERR_CONFLICT);
	CU_ASSERT_STRING_EQUAL(e.field, "staff_ids");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Eli Engineer is not working then"));

	/* Eli's time off */
	fx_exception(&f, AVAIL_STAFF, ELI, at(2027, 6, 18, 17, 30), at(2027, 6, 18, 18, 0));
	fx_data(&f);
	b.start = at(2027, 6, 18, 17, 0);
	b.end = at(2027, 6, 18, 19, 0);
	CU_ASSERT_EQUAL(avail_check_staff(&f.d, &b, now, &e), ERR_CONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Eli Engineer is not working then"));

	/* Sam's other session, widened by his 30 minutes before, is for
	 * Postgres to refuse (the full check says so; this one does not) */
	b.staff_ids = sam;
	b.service_id = "rent";
	b.start = at(2027, 6, 18, 12, 0);
	b.end = at(2027, 6, 18, 13, 0);
	CU_ASSERT_EQUAL(avail_check_staff(&f.d, &b, now, &e), 0);
	b.room_id = "room-b";
	CU_ASSERT_EQUAL(avail_check_booking(&f.d, &b, now, NULL, NULL, &e), ERR_CONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Sam Assistant is not free then"));
	b.room_id = "room-a";
	/* Sam does not work Thursdays */
	b.start = at(2027, 6, 17, 12, 0);
	b.end = at(2027, 6, 17, 13, 0);
	CU_ASSERT_EQUAL(avail_check_staff(&f.d, &b, now, &e), ERR_CONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "Sam Assistant is not working then"));

	/* a service that needs a tracking engineer, staffed by a producer */
	b.ignore_owner_id = "bk1";
	b.service_id = "rec";
	b.staff_ids = priya;
	b.start = at(2027, 6, 18, 17, 0);
	b.end = at(2027, 6, 18, 18, 0);
	CU_ASSERT_EQUAL(avail_check_staff(&f.d, &b, now, &e), ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "staff_ids");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "needs an engineer skilled in tracking"));

	b.staff_ids = ghost;
	CU_ASSERT_EQUAL(avail_check_staff(&f.d, &b, now, &e), ERR_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(e.field, "staff_ids");
}

static void
test_avail_check_accepts_a_session_across_the_fall_back_hour(void)
{
	struct fx f;
	int64_t from = 0, until = 0;

	fx_init(&f);
	fx_all_day(&f);
	/* 00:30 EDT to 01:30 EST: two real hours */
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-b", "rent", NULL, at(2027, 11, 7, 0, 30),
	    at_later(2027, 11, 7, 1, 30), at(2027, 11, 1, 0, 0), &from, &until, NULL), 0);
	CU_ASSERT_EQUAL(until - from, 2 * HOUR);
	/* the second 01:15 is a quarter hour like the first */
	CU_ASSERT_EQUAL(avail_check(&f.d, "room-b", "rent", NULL, at_later(2027, 11, 7, 1, 15),
	    at_later(2027, 11, 7, 2, 15), at(2027, 11, 1, 0, 0), NULL, NULL, NULL), 0);
}

/* ---- JSON ---- */

static const char fixture_json[] =
    "{\"settings\":{\"timezone\":\"America/Toronto\",\"lead_time_min\":120,\"horizon_days\":90},"
    "\"from\":1812000000,\"to\":1812300000,"
    "\"rooms\":["
    " {\"id\":\"room-a\",\"name\":\"Studio A\",\"tags\":[\"tracking\",\"live\"],"
    "  \"buffer_before_min\":15,\"buffer_after_min\":15},"
    " {\"id\":\"room-b\",\"name\":\"Studio B\",\"tags\":[\"mixing\",\"production\"],"
    "  \"buffer_before_min\":0,\"buffer_after_min\":0},"
    " {\"id\":\"booth\",\"name\":\"Vocal Booth\",\"tags\":[\"vocals\",\"podcast\"],"
    "  \"buffer_before_min\":0,\"buffer_after_min\":0}],"
    "\"staff\":["
    " {\"id\":\"eli\",\"name\":\"Eli Engineer\",\"skills\":[\"mixing\",\"tracking\"],"
    "  \"buffer_before_min\":0,\"buffer_after_min\":0},"
    " {\"id\":\"priya\",\"name\":\"Priya Producer\",\"skills\":[\"mixing\",\"mastering\",\"production\"],"
    "  \"buffer_before_min\":0,\"buffer_after_min\":0},"
    " {\"id\":\"sam\",\"name\":\"Sam Assistant\",\"skills\":[\"tracking\"],"
    "  \"buffer_before_min\":0,\"buffer_after_min\":0}],"
    "\"services\":["
    " {\"id\":\"rec\",\"name\":\"Recording session\",\"default_duration_min\":60,"
    "  \"base_price_cents\":9000,\"requires_engineer\":true,\"staff_skill_required\":\"tracking\","
    "  \"room_tags\":[\"tracking\"],\"is_addon\":false,\"buffer_before_min\":0,\"buffer_after_min\":0},"
    " {\"id\":\"rent\",\"name\":\"Room rental\",\"default_duration_min\":60,"
    "  \"base_price_cents\":5000,\"requires_engineer\":false,\"staff_skill_required\":null,"
    "  \"room_tags\":[],\"is_addon\":false,\"buffer_before_min\":0,\"buffer_after_min\":0},"
    " {\"id\":\"mix\",\"name\":\"Mixing\",\"default_duration_min\":120,"
    "  \"base_price_cents\":15000,\"requires_engineer\":true,\"staff_skill_required\":\"mixing\","
    "  \"room_tags\":[\"mixing\"],\"is_addon\":false,\"buffer_before_min\":0,\"buffer_after_min\":15},"
    " {\"id\":\"backline\",\"name\":\"Backline rental\",\"default_duration_min\":60,"
    "  \"base_price_cents\":2500,\"requires_engineer\":false,\"staff_skill_required\":null,"
    "  \"room_tags\":[],\"is_addon\":true,\"buffer_before_min\":0,\"buffer_after_min\":0}],"
    "\"rules\":["
    " {\"target_type\":\"studio\",\"target_id\":null,\"weekdays\":[0,1,2,3,4,5,6],"
    "  \"start_min\":540,\"end_min\":1380,\"effective_from\":null,\"effective_to\":null},"
    " {\"target_type\":\"room\",\"target_id\":\"room-a\",\"weekdays\":[1,2,3,4,5,6],"
    "  \"start_min\":600,\"end_min\":1320,\"effective_from\":null,\"effective_to\":null},"
    " {\"target_type\":\"room\",\"target_id\":\"room-b\",\"weekdays\":[0,1,2,3,4,5,6],"
    "  \"start_min\":540,\"end_min\":1380,\"effective_from\":null,\"effective_to\":null},"
    " {\"target_type\":\"room\",\"target_id\":\"booth\",\"weekdays\":[1,2,3,4,5],"
    "  \"start_min\":540,\"end_min\":1080,\"effective_from\":null,\"effective_to\":\"2027-12-31\"},"
    " {\"target_type\":\"room\",\"target_id\":\"retired-room\",\"weekdays\":[1],"
    "  \"start_min\":0,\"end_min\":1440,\"effective_from\":null,\"effective_to\":null},"
    " {\"target_type\":\"staff\",\"target_id\":\"eli\",\"weekdays\":[1,2,3,4,5],"
    "  \"start_min\":600,\"end_min\":1140,\"effective_from\":\"2027-01-01\",\"effective_to\":null},"
    " {\"target_type\":\"staff\",\"target_id\":\"priya\",\"weekdays\":[2,3,4,5,6],"
    "  \"start_min\":720,\"end_min\":1320,\"effective_from\":null,\"effective_to\":null},"
    " {\"target_type\":\"staff\",\"target_id\":\"sam\",\"weekdays\":[0,5,6],"
    "  \"start_min\":600,\"end_min\":1200,\"effective_from\":null,\"effective_to\":null}],"
    "\"exceptions\":["
    " {\"target_type\":\"room\",\"target_id\":\"booth\",\"start\":1813334400,\"end\":1813338000,"
    "  \"reason\":\"Gear repair\"}],"
    "\"room_claims\":["
    " {\"room_id\":\"room-a\",\"start\":1813338000,\"end\":1813345200,\"booking_id\":\"bk1\","
    "  \"hold_id\":null,\"hold_expires_at\":null},"
    " {\"room_id\":\"room-b\",\"start\":1813348800,\"end\":1813352400,\"booking_id\":null,"
    "  \"hold_id\":\"hold1\",\"hold_expires_at\":1812000900},"
    " {\"room_id\":\"retired-room\",\"start\":1813348800,\"end\":1813352400,\"booking_id\":\"bk0\","
    "  \"hold_id\":null,\"hold_expires_at\":null}],"
    "\"staff_claims\":["
    " {\"staff_id\":\"sam\",\"booking_id\":\"bk3\",\"start\":1813356000,\"end\":1813363200}]}";

/* The same studio and claims by hand, to compare against. */
static void
fx_like_json(struct fx *f)
{
	fx_init(f);
	f->rules[3].has_to = 1;
	f->rules[3].to_day = tz_days_from_civil(2027, 12, 31);
	f->rules[4].has_from = 1;
	f->rules[4].from_day = tz_days_from_civil(2027, 1, 1);
	fx_exception(f, AVAIL_ROOM, BOOTH, 1813334400, 1813338000);
	fx_claim(f, ROOM_A, 1813338000, 1813345200, 0, "bk1");
	fx_claim(f, ROOM_B, 1813348800, 1813352400, 1812000900, "hold1");
	fx_staff_claim(f, SAM, 1813356000, 1813363200, "bk3");
	fx_data(f);
}

static int
same_slots(const struct avail_slot *a, size_t na, const struct avail_slot *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++) {
		if (a[i].start != b[i].start || a[i].end != b[i].end || a[i].room != b[i].room ||
		    a[i].price_cents != b[i].price_cents || a[i].nstaff != b[i].nstaff)
			return 0;
		for (size_t k = 0; k < a[i].nstaff; k++)
			if (a[i].staff[k] != b[i].staff[k])
				return 0;
	}
	return 1;
}

static void
test_avail_data_from_json_reads_the_document_the_sql_builds(void)
{
	struct avail_data *d = NULL;
	struct fx f;
	struct err e;

	CU_ASSERT_EQUAL_FATAL(avail_data_from_json(fixture_json, toronto, &d, &e), 0);
	CU_ASSERT_STRING_EQUAL(d->timezone, "America/Toronto");
	CU_ASSERT_EQUAL(d->lead_time_min, 120);
	CU_ASSERT_EQUAL(d->horizon_days, 90);
	CU_ASSERT_EQUAL(d->from, 1812000000);
	CU_ASSERT_EQUAL(d->to, 1812300000);
	CU_ASSERT_EQUAL_FATAL(d->nrooms, 3);
	CU_ASSERT_STRING_EQUAL(d->rooms[0].name, "Studio A");
	CU_ASSERT_TRUE(d->rooms[0].active);
	CU_ASSERT_STRING_EQUAL(d->rooms[0].tags[1], "live");
	CU_ASSERT_PTR_NULL(d->rooms[0].tags[2]);
	CU_ASSERT_EQUAL(d->rooms[0].buffer_after_min, 15);
	CU_ASSERT_EQUAL_FATAL(d->nstaff, 3);
	CU_ASSERT_STRING_EQUAL(d->staff[1].skills[1], "mastering");
	CU_ASSERT_EQUAL_FATAL(d->nservices, 4);
	CU_ASSERT_STRING_EQUAL(d->services[0].staff_skill_required, "tracking");
	CU_ASSERT_PTR_NULL(d->services[1].staff_skill_required);
	CU_ASSERT_PTR_NULL(d->services[1].room_tags[0]);
	CU_ASSERT_TRUE(d->services[3].is_addon);
	CU_ASSERT_EQUAL(d->services[2].buffer_after_min, 15);
	/* the retired room's rule and claim are dropped */
	CU_ASSERT_EQUAL_FATAL(d->nrules, 7);
	CU_ASSERT_EQUAL(d->rules[1].type, AVAIL_ROOM);
	CU_ASSERT_EQUAL(d->rules[1].target, ROOM_A);
	CU_ASSERT_EQUAL(d->rules[1].weekdays, 0x7eu);
	CU_ASSERT_EQUAL(d->rules[3].to_day, tz_days_from_civil(2027, 12, 31));
	CU_ASSERT_TRUE(d->rules[4].has_from);
	CU_ASSERT_EQUAL(d->rules[4].target, ELI);
	CU_ASSERT_EQUAL(d->nexceptions, 1);
	CU_ASSERT_STRING_EQUAL(d->exceptions[0].reason, "Gear repair");
	CU_ASSERT_EQUAL_FATAL(d->nclaims, 2);
	CU_ASSERT_EQUAL(d->claims[0].expires_at, 0);
	CU_ASSERT_STRING_EQUAL(d->claims[0].owner_id, "bk1");
	CU_ASSERT_EQUAL(d->claims[1].room, ROOM_B);
	CU_ASSERT_EQUAL(d->claims[1].expires_at, 1812000900);
	CU_ASSERT_STRING_EQUAL(d->claims[1].owner_id, "hold1");
	CU_ASSERT_EQUAL_FATAL(d->nstaff_claims, 1);
	CU_ASSERT_EQUAL(d->staff_claims[0].staff, SAM);

	/* and it searches exactly like the same studio built by hand */
	fx_like_json(&f);
	static const char *const svcs[] = { "rec", "rent", "mix", NULL };
	for (size_t v = 0; v < 4; v++) {
		/* Friday 2027-06-18: the claims above fall on it */
		struct avail_query q = query(2027, 6, 18, 120, svcs[v], NULL, 1812000000);
		struct avail_slot *a = NULL, *b = NULL;
		size_t na = 0, nb = 0;
		CU_ASSERT_EQUAL_FATAL(avail_search(d, &q, &a, &na, NULL), 0);
		CU_ASSERT_EQUAL_FATAL(avail_search(&f.d, &q, &b, &nb, NULL), 0);
		CU_ASSERT_TRUE(na > 0);
		CU_ASSERT_TRUE(same_slots(a, na, b, nb));
		free(a);
		free(b);
	}
	avail_data_free(d);
	avail_data_free(NULL);
}

static struct avail_claim_change
claim_change(int add, enum avail_target type, const char *target, const char *owner, int hold,
    int64_t start, int64_t end, int64_t expires_at)
{
	struct avail_claim_change c;

	memset(&c, 0, sizeof(c));
	c.add = add;
	c.type = type;
	snprintf(c.target_id, sizeof(c.target_id), "%s", target);
	snprintf(c.owner_id, sizeof(c.owner_id), "%s", owner);
	c.hold = hold;
	c.start = start;
	c.end = end;
	c.expires_at = expires_at;
	return c;
}

/* Whether d and e answer every fixture search alike on Friday 2027-06-18. */
static int
same_searches(const struct avail_data *d, const struct avail_data *e)
{
	static const char *const svcs[] = { "rec", "rent", "mix", NULL };
	int same = 1;

	for (size_t v = 0; v < 4; v++) {
		struct avail_query q = query(2027, 6, 18, 120, svcs[v], NULL, 1812000000);
		struct avail_slot *a = NULL, *b = NULL;
		size_t na = 0, nb = 0;
		if (avail_search(d, &q, &a, &na, NULL) != 0 || avail_search(e, &q, &b, &nb, NULL) != 0 ||
		    !same_slots(a, na, b, nb))
			same = 0;
		if (avail_search_valid_until(d, &q) != avail_search_valid_until(e, &q))
			same = 0;
		free(a);
		free(b);
	}
	return same;
}

/* claim_change's change applied to d: avail_data_apply's answer. */
static int
apply_change(struct avail_data *d, int add, enum avail_target type, const char *target,
    const char *owner, int hold, int64_t start, int64_t end, int64_t expires_at)
{
	struct avail_claim_change c = claim_change(add, type, target, owner, hold, start, end,
	    expires_at);

	return avail_data_apply(d, &c);
}

/* Forty claims taken (add) or released, rooms and staff in turn, each
 * change applying. */
static void
many_claims(struct avail_data *d, int add)
{
	for (int k = 0; k < 40; k++) {
		int i = add ? k : 39 - k;
		char owner[16];
		snprintf(owner, sizeof(owner), "many%d", i);
		CU_ASSERT_EQUAL(apply_change(d, add, i % 2 ? AVAIL_ROOM : AVAIL_STAFF,
		    i % 2 ? "booth" : "priya", owner, 0, 1813320000 + i * 600,
		    1813320000 + i * 600 + 300, 0), 1);
	}
}

static void
test_avail_data_apply_changes_claims_as_a_load_would(void)
{
	struct avail_data *d = NULL, *orig = NULL;
	struct avail_claim_change c;
	struct err e;

	CU_ASSERT_EQUAL_FATAL(avail_data_from_json(fixture_json, toronto, &d, &e), 0);
	CU_ASSERT_EQUAL_FATAL(avail_data_from_json(fixture_json, toronto, &orig, &e), 0);
	/* the fixture's claims lie past its "to": a load over them would reach
	 * that far */
	d->to = orig->to = 1813400000;

	/* a booking's room claim released, then taken again */
	c = claim_change(0, AVAIL_ROOM, "room-a", "bk1", 0, 1813338000, 1813345200, 0);
	CU_ASSERT_EQUAL(avail_data_apply(d, &c), 1);
	CU_ASSERT_EQUAL(d->nclaims, 1);
	CU_ASSERT_FALSE(same_searches(d, orig));
	CU_ASSERT_EQUAL(avail_data_apply(d, &c), -1);   /* not held any more */
	CU_ASSERT_EQUAL(d->nclaims, 1);
	c.add = 1;
	CU_ASSERT_EQUAL(avail_data_apply(d, &c), 1);
	CU_ASSERT_EQUAL(avail_data_apply(d, &c), -1);   /* held already */
	CU_ASSERT_TRUE(same_searches(d, orig));

	/* a hold matches only with its expiry; a new one counts until it expires */
	c = claim_change(0, AVAIL_ROOM, "room-b", "hold1", 1, 1813348800, 1813352400, 1812000901);
	CU_ASSERT_EQUAL(avail_data_apply(d, &c), -1);
	c.expires_at = 1812000900;
	CU_ASSERT_EQUAL(avail_data_apply(d, &c), 1);
	CU_ASSERT_EQUAL(apply_change(d, 1, AVAIL_ROOM, "room-b", "hold2",
	    1, 1813348800, 1813352400, 1812000500), 1);
	CU_ASSERT_EQUAL(d->claims[d->nclaims - 1].expires_at, 1812000500);
	CU_ASSERT_EQUAL(d->claims[d->nclaims - 1].room, ROOM_B);

	/* nothing to this data: out of its range, or a room it does not hold */
	CU_ASSERT_EQUAL(apply_change(d, 1, AVAIL_ROOM, "room-a", "bk9",
	    0, 1813400000, 1813403600, 0), 0);
	CU_ASSERT_EQUAL(apply_change(d, 1, AVAIL_ROOM, "retired-room", "bk9",
	    0, 1813338000, 1813345200, 0), 0);
	CU_ASSERT_EQUAL(apply_change(d, 1, AVAIL_STAFF, "ghost", "bk9",
	    0, 1813338000, 1813345200, 0), 0);
	CU_ASSERT_EQUAL(apply_change(d, 1, AVAIL_STUDIO, "", "bk9",
	    0, 1813338000, 1813345200, 0), -1);

	/* staff claims: Sam's released, Eli's taken */
	c = claim_change(0, AVAIL_STAFF, "sam", "bk3", 0, 1813356000, 1813363200, 0);
	CU_ASSERT_EQUAL(avail_data_apply(d, &c), 1);
	CU_ASSERT_EQUAL(d->nstaff_claims, 0);
	CU_ASSERT_EQUAL(avail_data_apply(d, &c), -1);
	CU_ASSERT_EQUAL(apply_change(d, 1, AVAIL_STAFF, "eli", "bk4",
	    0, 1813356000, 1813363200, 0), 1);
	CU_ASSERT_EQUAL_FATAL(d->nstaff_claims, 1);
	CU_ASSERT_EQUAL(d->staff_claims[0].staff, ELI);

	/* many at once (the arrays grow), all undone: as loaded again */
	many_claims(d, 1);
	CU_ASSERT_FALSE(same_searches(d, orig));
	many_claims(d, 0);
	CU_ASSERT_EQUAL(apply_change(d, 0, AVAIL_ROOM, "room-b", "hold2",
	    1, 1813348800, 1813352400, 1812000500), 1);
	CU_ASSERT_EQUAL(apply_change(d, 1, AVAIL_ROOM, "room-b", "hold1",
	    1, 1813348800, 1813352400, 1812000900), 1);
	CU_ASSERT_EQUAL(apply_change(d, 0, AVAIL_STAFF, "eli", "bk4",
	    0, 1813356000, 1813363200, 0), 1);
	CU_ASSERT_EQUAL(apply_change(d, 1, AVAIL_STAFF, "sam", "bk3",
	    0, 1813356000, 1813363200, 0), 1);
	CU_ASSERT_EQUAL(d->nclaims, orig->nclaims);
	CU_ASSERT_EQUAL(d->nstaff_claims, orig->nstaff_claims);
	CU_ASSERT_TRUE(same_searches(d, orig));
	avail_data_free(d);
	avail_data_free(orig);
}

static void
test_avail_data_from_json_refuses_malformed_documents(void)
{
	struct avail_data *d = (struct avail_data *)&d;
	struct tz *utc = tz_new_utc();
	char *bad;
	struct err e;

	CU_ASSERT_EQUAL(avail_data_from_json("{", toronto, &d, &e), ERR_INVALID);
	CU_ASSERT_PTR_NULL(d);
	CU_ASSERT_EQUAL(avail_data_from_json("[]", toronto, &d, &e), ERR_INVALID);
	/* the zone loaded is not the studio's */
	CU_ASSERT_EQUAL(avail_data_from_json(fixture_json, utc, &d, &e), ERR_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "America/Toronto"));
	/* a mistyped field is named */
	bad = strdup(fixture_json);
	memcpy(strstr(bad, "\"base_price_cents\":9000"), "\"base_price_cents\":null", 23);
	CU_ASSERT_EQUAL(avail_data_from_json(bad, toronto, &d, &e), ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "services[0].base_price_cents"));
	free(bad);
	bad = strdup(fixture_json);
	memcpy(strstr(bad, "\"weekdays\":[0,5,6]"), "\"weekdays\":[0,5,7]", 18);
	CU_ASSERT_EQUAL(avail_data_from_json(bad, toronto, &d, &e), ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "rules[7].weekdays"));
	free(bad);
	bad = strdup(fixture_json);
	memcpy(strstr(bad, "\"staff_claims\""), "\"staff_claimz\"", 14);
	CU_ASSERT_EQUAL(avail_data_from_json(bad, toronto, &d, &e), ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "staff_claims"));
	CU_ASSERT_PTR_NULL(d);
	free(bad);
	tz_free(utc);
}

static void
test_avail_slots_json_is_the_api_shape(void)
{
	struct fx f;
	struct avail_slot slots[2];
	size_t staff[2] = { ELI, SAM };
	char *json;

	fx_init(&f);
	slots[0] = (struct avail_slot){ .start = 1813251600, .end = 1813255200, .room = ROOM_A,
	    .price_cents = 9000, .nstaff = 2, .staff = staff };
	slots[1] = (struct avail_slot){ .start = 1813255200, .end = 1813258800, .room = ROOM_B,
	    .price_cents = 5000 };
	json = avail_slots_json(&f.d, slots, 2);
	CU_ASSERT_STRING_EQUAL(json,
	    "{\"slots\":["
	    "{\"start_at\":\"2027-06-17T17:00:00Z\",\"end_at\":\"2027-06-17T18:00:00Z\","
	    "\"start_local\":\"2027-06-17T13:00:00-04:00\",\"end_local\":\"2027-06-17T14:00:00-04:00\","
	    "\"room_id\":\"room-a\",\"price_cents\":9000,\"staff_ids\":[\"eli\",\"sam\"]},"
	    "{\"start_at\":\"2027-06-17T18:00:00Z\",\"end_at\":\"2027-06-17T19:00:00Z\","
	    "\"start_local\":\"2027-06-17T14:00:00-04:00\",\"end_local\":\"2027-06-17T15:00:00-04:00\","
	    "\"room_id\":\"room-b\",\"price_cents\":5000,\"staff_ids\":[]}]}");
	free(json);
	json = avail_slots_json(&f.d, NULL, 0);
	CU_ASSERT_STRING_EQUAL(json, "{\"slots\":[]}");
	free(json);
}

static void
test_avail_format_local_is_rfc3339_with_the_offset(void)
{
	struct tz *utc = tz_new_utc();
	char buf[AVAIL_LOCAL_SIZE], small[11] = "untouched";

	avail_format_local(toronto, 1813251600, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2027-06-17T13:00:00-04:00");
	avail_format_local(toronto, 1800032709, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2027-01-15T12:05:09-05:00");
	avail_format_local(utc, 1800032709, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2027-01-15T17:05:09+00:00");
	/* shorter buffers truncate: the date alone fits in 11 */
	avail_format_local(toronto, 1800032709, small, sizeof(small));
	CU_ASSERT_STRING_EQUAL(small, "2027-01-15");
	avail_format_local(toronto, 1800032709, small, 0);
	CU_ASSERT_STRING_EQUAL(small, "2027-01-15");
	tz_free(utc);
}

/* ids come from the database as text: whatever they hold stays one JSON string */
static void
test_avail_slots_json_escapes_ids(void)
{
	struct fx f;
	struct avail_slot slot;
	size_t staff[1] = { ELI };
	char *json;
	json_object *root, *v;

	fx_init(&f);
	snprintf(f.rooms[ROOM_A].id, sizeof(f.rooms[ROOM_A].id), "a\"b\\c\n\x01/");
	snprintf(f.staff[ELI].id, sizeof(f.staff[ELI].id), "\x1f");
	slot = (struct avail_slot){ .start = 1813251600, .end = 1813255200, .room = ROOM_A,
	    .price_cents = -5, .nstaff = 1, .staff = staff };
	json = avail_slots_json(&f.d, &slot, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"room_id\":\"a\\\"b\\\\c\\u000a\\u0001/\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"price_cents\":-5,\"staff_ids\":[\"\\u001f\"]"));
	root = json_tokener_parse(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	v = json_object_array_get_idx(json_object_object_get(root, "slots"), 0);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(v, "room_id")), "a\"b\\c\n\x01/");
	json_object_put(root);
	free(json);
}

static void
test_avail_slots_json_local_times_carry_the_offset_across_fall_back(void)
{
	struct fx f;
	struct avail_slot slots[2];
	char *json;

	fx_init(&f);
	/* 2027-11-07 in Toronto: 01:30 happens twice, EDT then EST */
	slots[0] = (struct avail_slot){ .start = 1825565400, .end = 1825569000, .room = ROOM_A };
	slots[1] = (struct avail_slot){ .start = 1825569000, .end = 1825572600, .room = ROOM_A };
	json = avail_slots_json(&f.d, slots, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"start_at\":\"2027-11-07T05:30:00Z\","
	    "\"end_at\":\"2027-11-07T06:30:00Z\",\"start_local\":\"2027-11-07T01:30:00-04:00\","
	    "\"end_local\":\"2027-11-07T01:30:00-05:00\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"start_local\":\"2027-11-07T01:30:00-05:00\","
	    "\"end_local\":\"2027-11-07T02:30:00-05:00\""));
	free(json);
	/* data filled by hand without a zone: no local times rather than wrong ones */
	f.d.tz = NULL;
	json = avail_slots_json(&f.d, slots, 1);
	CU_ASSERT_PTR_NULL(strstr(json, "_local"));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"start_at\":\"2027-11-07T05:30:00Z\""));
	free(json);
}

void
suite_avail(void)
{
	CU_pSuite s = CU_add_suite("avail", avail_suite_init, avail_suite_clean);

	UNIT_TEST(s, test_avail_spring_forward_day_has_no_slot_in_the_skipped_hour);
	UNIT_TEST(s, test_avail_fall_back_day_has_25_hours_and_the_repeated_quarter_hours_twice);
	UNIT_TEST(s, test_avail_rule_hours_follow_the_wall_clock_across_a_change);
	UNIT_TEST(s, test_avail_slots_lie_inside_studio_and_room_hours);
	UNIT_TEST(s, test_avail_a_claim_widened_by_teardown_blocks_the_next_quarter_hour);
	UNIT_TEST(s, test_avail_a_new_bookings_own_buffers_keep_it_off_an_adjacent_claim);
	UNIT_TEST(s, test_avail_staff_buffers_widen_the_claims_of_the_slot_they_are_offered_for);
	UNIT_TEST(s, test_avail_blackouts_take_time_from_the_studio_a_room_or_a_staff_member);
	UNIT_TEST(s, test_avail_an_expired_hold_does_not_block_but_an_active_one_does);
	UNIT_TEST(s, test_avail_slots_inside_the_lead_time_are_gone);
	UNIT_TEST(s, test_avail_a_date_beyond_the_horizon_has_no_slots);
	UNIT_TEST(s, test_avail_an_answer_stays_valid_until_the_clock_could_change_it);
	UNIT_TEST(s, test_avail_a_rule_applies_only_between_its_effective_dates);
	UNIT_TEST(s, test_avail_only_staff_with_the_skill_are_offered);
	UNIT_TEST(s, test_avail_a_busy_engineer_is_not_offered);
	UNIT_TEST(s, test_avail_duration_must_be_a_multiple_of_the_service_default);
	UNIT_TEST(s, test_avail_unknown_ids_addons_and_bad_dates_are_refused);
	UNIT_TEST(s, test_avail_slot_prices_follow_the_service_and_its_units);
	UNIT_TEST(s, test_avail_check_agrees_with_search_on_a_busy_day);
	UNIT_TEST(s, test_avail_check_says_why_a_booking_does_not_fit);
	UNIT_TEST(s, test_avail_check_staff_asks_only_of_the_staff);
	UNIT_TEST(s, test_avail_check_accepts_a_session_across_the_fall_back_hour);
	UNIT_TEST(s, test_avail_rules_open_is_the_engines_rule_for_the_board);
	UNIT_TEST(s, test_avail_data_from_json_reads_the_document_the_sql_builds);
	UNIT_TEST(s, test_avail_data_apply_changes_claims_as_a_load_would);
	UNIT_TEST(s, test_avail_data_from_json_refuses_malformed_documents);
	UNIT_TEST(s, test_avail_slots_json_is_the_api_shape);
	UNIT_TEST(s, test_avail_slots_json_escapes_ids);
	UNIT_TEST(s, test_avail_format_local_is_rfc3339_with_the_offset);
	UNIT_TEST(s, test_avail_slots_json_local_times_carry_the_offset_across_fall_back);
}
