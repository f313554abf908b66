#include "core/pricing.h"

#include <stdio.h>
#include <string.h>

/* Add-on quantities, as core/quote.c checks them. */
#define PRICING_MAX_QUANTITY 99

static int
pricing_empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

static const struct avail_service *
pricing_find(const struct avail_data *d, const char *id)
{
	for (size_t i = 0; i < d->nservices; i++)
		if (strcmp(d->services[i].id, id) == 0)
			return &d->services[i];
	return NULL;
}

/* The main service: the one named, or the room-only service (the cheapest
 * non-add-on needing no engineer, first in data order on a tie), the same
 * pick as avail_search so a quote prices what a search offered. */
static int
pricing_main(const struct avail_data *d, const char *id, const struct avail_service **out,
    struct err *e)
{
	const struct avail_service *best = NULL;

	if (!pricing_empty(id)) {
		if ((best = pricing_find(d, id)) == NULL)
			return err_set(e, ERR_NOT_FOUND, "service_id", "no service %.40s", id);
		if (best->is_addon)
			return err_set(e, ERR_INVALID, "service_id",
			    "%s is an add-on; choose a main service", best->name);
		*out = best;
		return 0;
	}
	for (size_t i = 0; i < d->nservices; i++) {
		const struct avail_service *s = &d->services[i];
		if (s->is_addon || s->requires_engineer)
			continue;
		if (best == NULL || s->base_price_cents < best->base_price_cents)
			best = s;
	}
	if (best == NULL)
		return err_set(e, ERR_INVALID, "service_id",
		    "choose a service: the studio offers no room on its own");
	*out = best;
	return 0;
}

static void
pricing_line(struct quote_line *l, const struct avail_service *s, int quantity)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->service_id, sizeof(l->service_id), "%s", s->id);
	snprintf(l->name, sizeof(l->name), "%s", s->name);
	l->unit_price_cents = s->base_price_cents;
	l->quantity = quantity;
}

int
pricing_quote(const struct avail_data *d, const struct studio_settings *s,
    const char *service_id, int duration_min, const struct pricing_addon *addons, size_t naddons,
    struct pricing_result *out, struct err *e)
{
	const struct avail_service *svc = NULL;
	struct pricing_result r;
	int minutes, units, rc;

	memset(&r, 0, sizeof(r));
	if ((rc = pricing_main(d, service_id, &svc, e)) != 0)
		return rc;
	/* the engine's duration rule: requested 1..max, raised to the default,
	 * then whole defaults */
	if (duration_min < 1 || duration_min > AVAIL_MAX_DURATION_MIN)
		return err_set_reason(e, ERR_INVALID, ERR_REASON_DURATION, "duration_min",
		    "%d minutes is not between 1 and %d", duration_min,
		    AVAIL_MAX_DURATION_MIN);
	minutes = duration_min > svc->default_duration_min ? duration_min : svc->default_duration_min;
	if ((rc = quote_session_units(minutes, svc->default_duration_min, AVAIL_MAX_DURATION_MIN,
	    &units, e)) != 0)
		return rc;
	pricing_line(&r.lines[r.nlines++], svc, units);

	if (naddons > PRICING_MAX_LINES - 1)
		return err_set(e, ERR_INVALID, "service_items", "at most %d add-ons",
		    PRICING_MAX_LINES - 1);
	for (size_t i = 0; i < naddons; i++) {
		const struct pricing_addon *a = &addons[i];
		const struct avail_service *as;

		if (pricing_empty(a->service_id))
			return err_set(e, ERR_INVALID, "service_items", "add-on %zu has no service_id", i + 1);
		if ((as = pricing_find(d, a->service_id)) == NULL)
			return err_set(e, ERR_NOT_FOUND, "service_items", "no service %.40s", a->service_id);
		if (!as->is_addon)
			return err_set(e, ERR_INVALID, "service_items", "%s is not an add-on", as->name);
		for (size_t j = 1; j < r.nlines; j++)
			if (strcmp(r.lines[j].service_id, as->id) == 0)
				return err_set(e, ERR_INVALID, "service_items",
				    "%s is listed twice; give it one quantity", as->name);
		if (a->quantity < 1 || a->quantity > PRICING_MAX_QUANTITY)
			return err_set(e, ERR_INVALID, "service_items", "quantity for %s must be 1 to %d",
			    as->name, PRICING_MAX_QUANTITY);
		pricing_line(&r.lines[r.nlines++], as, a->quantity);
	}
	if ((rc = quote_compute(r.lines, r.nlines, &s->rates, &r.quote, e)) != 0)
		return rc;
	policy_summary(&s->policy, r.policy_summary, sizeof(r.policy_summary));
	*out = r;
	return 0;
}
