/* settings.h: the studio's settings row, as the core's rules need it.
 * Filled from the document DB_SETTINGS_JSON_SQL returns (db/catalog.c). */
#ifndef REDLIGHT_SETTINGS_H
#define REDLIGHT_SETTINGS_H

#include <stdint.h>

#include "core/err.h"
#include "core/policy.h"
#include "core/quote.h"

struct studio_settings {
	char studio_name[128];
	char timezone[64];
	int lead_time_min;
	int horizon_days;
	int hold_ttl_min;
	struct quote_rates rates;     /* tax_rate_bp, fee_cents, deposit_percent */
	struct policy policy;         /* cancellation tiers, reschedule rules */
	char approval_mode[16];       /* manual, auto */
	char capture_mode[16];        /* manual, automatic */
	char currency[8];
};

/* settings_from_json: parse {"settings":{...}} (DB_SETTINGS_JSON_SQL) into
 * *out. A missing or mistyped field is ERR_INVALID naming it; bad tiers are
 * ERR_CONFIG. */
int settings_from_json(const char *json, struct studio_settings *out, struct err *e);

#endif
