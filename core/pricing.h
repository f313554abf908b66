/* pricing.h: a booking's quote from the catalogue (never from the client):
 * the main service priced per default-duration unit, plus add-ons. */
#ifndef REDLIGHT_PRICING_H
#define REDLIGHT_PRICING_H

#include <stddef.h>

#include "core/avail.h"
#include "core/quote.h"
#include "core/settings.h"

#define PRICING_MAX_LINES 16

struct pricing_addon {
	const char *service_id;
	int quantity;
};

struct pricing_result {
	struct quote_line lines[PRICING_MAX_LINES]; /* lines[0]: the main service */
	size_t nlines;
	struct quote quote;
	char policy_summary[400];
};

/* pricing_quote: price a session of duration_min of service_id (NULL or "":
 * the room-only service, as avail_search uses) with add-ons, at the rates
 * and policy of s, from the services in d. Unknown services are
 * ERR_NOT_FOUND ("service_id" / "service_items"); a main service that is an
 * add-on, an add-on that is not one, a repeated add-on, a bad quantity or a
 * bad duration are ERR_INVALID naming the field. */
int pricing_quote(const struct avail_data *d, const struct studio_settings *s,
    const char *service_id, int duration_min, const struct pricing_addon *addons, size_t naddons,
    struct pricing_result *out, struct err *e);

#endif
