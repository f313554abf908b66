#include "core/policy.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/quote.h"

static int
policy_tier_cmp(const void *a, const void *b)
{
	const struct policy_tier *x = a, *y = b;
	return y->min_hours_before - x->min_hours_before;
}

int
policy_parse_tiers(const char *json, struct policy *p, struct err *e)
{
	json_object *arr = json_tokener_parse(json);
	int rc = 0;

	if (arr == NULL || !json_object_is_type(arr, json_type_array)) {
		json_object_put(arr);
		return err_set(e, ERR_CONFIG, "cancellation_tiers", "cancellation tiers must be a JSON array");
	}
	size_t n = json_object_array_length(arr);
	if (n == 0 || n > POLICY_MAX_TIERS) {
		json_object_put(arr);
		return err_set(e, ERR_CONFIG, "cancellation_tiers", "between 1 and %d cancellation tiers", POLICY_MAX_TIERS);
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		json_object *t = json_object_array_get_idx(arr, i), *h, *r;
		if (!json_object_object_get_ex(t, "min_hours_before", &h) ||
		    !json_object_object_get_ex(t, "refund_percent", &r) ||
		    !json_object_is_type(h, json_type_int) || !json_object_is_type(r, json_type_int)) {
			rc = err_set(e, ERR_CONFIG, "cancellation_tiers",
			    "tier %zu needs integer min_hours_before and refund_percent", i + 1);
			break;
		}
		int hv = json_object_get_int(h), rv = json_object_get_int(r);
		if (hv < 0 || hv > 24 * 365 || rv < 0 || rv > 100) {
			rc = err_set(e, ERR_CONFIG, "cancellation_tiers", "tier %zu is out of range", i + 1);
			break;
		}
		p->cancel[i].min_hours_before = hv;
		p->cancel[i].refund_percent = rv;
	}
	json_object_put(arr);
	if (rc != 0)
		return rc;
	p->ncancel = n;
	qsort(p->cancel, n, sizeof(p->cancel[0]), policy_tier_cmp);
	return 0;
}

/* An integer member of o in min..max. */
static int
policy_int(json_object *o, const char *name, int64_t min, int64_t max, int64_t *out, struct err *e)
{
	json_object *v;

	if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_int))
		return err_set(e, ERR_CONFIG, name, "the stored policy has no integer %s", name);
	*out = json_object_get_int64(v);
	if (*out < min || *out > max)
		return err_set(e, ERR_CONFIG, name, "the stored policy's %s is out of range", name);
	return 0;
}

int
policy_from_json(const char *json, struct policy *p, struct err *e)
{
	json_object *o = json ? json_tokener_parse(json) : NULL, *tiers;
	struct policy tmp;
	int64_t hours = 0, count = 0, fee = 0;
	int rc;

	memset(&tmp, 0, sizeof(tmp));
	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "cancellation_tiers", &tiers)) {
		json_object_put(o);
		return err_set(e, ERR_CONFIG, "policy", "the booking has no stored policy");
	}
	if ((rc = policy_parse_tiers(json_object_to_json_string_ext(tiers, JSON_C_TO_STRING_PLAIN),
	    &tmp, e)) == 0 &&
	    (rc = policy_int(o, "reschedule_free_min_hours", 0, 24 * 366, &hours, e)) == 0 &&
	    (rc = policy_int(o, "reschedule_free_count", 0, 1000, &count, e)) == 0)
		rc = policy_int(o, "reschedule_fee_cents", 0, 1000000000, &fee, e);
	json_object_put(o);
	if (rc != 0)
		return rc;
	tmp.reschedule_free_min_hours = (int)hours;
	tmp.reschedule_free_count = (int)count;
	tmp.reschedule_fee_cents = fee;
	*p = tmp;
	return 0;
}

int
policy_tiers_json(const struct policy *p, char *buf, size_t len, struct err *e)
{
	size_t used = 0;
	int w;

	w = snprintf(buf, len, "[");
	used = w > 0 ? (size_t)w : 0;
	for (size_t i = 0; i < p->ncancel && used < len; i++) {
		w = snprintf(buf + used, len - used, "%s{\"min_hours_before\":%d,\"refund_percent\":%d}",
		    i ? "," : "", p->cancel[i].min_hours_before, p->cancel[i].refund_percent);
		used += w > 0 ? (size_t)w : 0;
	}
	if (used < len) {
		w = snprintf(buf + used, len - used, "]");
		used += w > 0 ? (size_t)w : 0;
	}
	if (used >= len)
		return err_set(e, ERR_INTERNAL, "cancellation_tiers", "the tiers do not fit");
	return 0;
}

static int
policy_started(int64_t now, int64_t start_at, struct err *e)
{
	if (now >= start_at)
		return err_set(e, ERR_CHANGED, "start_at", "the session has already started");
	return 0;
}

int
policy_cancel(const struct policy *p, int64_t now, int64_t start_at, int64_t paid_cents,
    struct policy_result *out, struct err *e)
{
	int rc = policy_started(now, start_at, e);

	memset(out, 0, sizeof(*out));
	if (rc != 0)
		return rc;
	int64_t notice = start_at - now;
	for (size_t i = 0; i < p->ncancel; i++) {
		if (notice >= (int64_t)p->cancel[i].min_hours_before * 3600) {
			out->refund_percent = p->cancel[i].refund_percent;
			break;
		}
	}
	out->refund_cents = quote_percent_bp(paid_cents, (int64_t)out->refund_percent * 100);
	snprintf(out->summary, sizeof(out->summary),
	    "Canceling now refunds %d%% of what was paid (%lld.%02lld).",
	    out->refund_percent, (long long)(out->refund_cents / 100), (long long)(out->refund_cents % 100));
	return 0;
}

int
policy_reschedule(const struct policy *p, int64_t now, int64_t start_at, int count,
    struct policy_result *out, struct err *e)
{
	int rc = policy_started(now, start_at, e);

	memset(out, 0, sizeof(*out));
	if (rc != 0)
		return rc;
	int free_ok = start_at - now >= (int64_t)p->reschedule_free_min_hours * 3600 &&
	    count < p->reschedule_free_count;
	out->fee_cents = free_ok ? 0 : p->reschedule_fee_cents;
	if (free_ok)
		snprintf(out->summary, sizeof(out->summary), "Rescheduling now is free.");
	else
		snprintf(out->summary, sizeof(out->summary), "Rescheduling now costs a fee of %lld.%02lld.",
		    (long long)(out->fee_cents / 100), (long long)(out->fee_cents % 100));
	return 0;
}

void
policy_summary(const struct policy *p, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->ncancel && used < len; i++) {
		const struct policy_tier *t = &p->cancel[i];
		int w;
		if (t->min_hours_before > 0)
			w = snprintf(buf + used, len - used, "%sCancel %d hours or more before the session: %d%% refund",
			    i ? "; " : "", t->min_hours_before, t->refund_percent);
		else
			w = snprintf(buf + used, len - used, "%sless notice: %d%% refund",
			    i ? "; " : "", t->refund_percent);
		used += w > 0 ? (size_t)w : 0;
	}
	if (used < len)
		snprintf(buf + used, len - used,
		    ". Reschedule free %d time%s with %d hours' notice, otherwise a %lld.%02lld fee.",
		    p->reschedule_free_count, p->reschedule_free_count == 1 ? "" : "s",
		    p->reschedule_free_min_hours,
		    (long long)(p->reschedule_fee_cents / 100), (long long)(p->reschedule_fee_cents % 100));
}
