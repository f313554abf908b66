#include "db/db.h"

/* Reads whose rows the API and the console show, shaped into JSON by
 * Postgres in one place. Instants are RFC 3339 UTC with 'Z'. */

const char DB_ROOMS_JSON_SQL[] =
    "SELECT json_build_object('rooms', coalesce(json_agg(json_build_object("
    " 'id', id, 'name', name, 'description', description, 'capacity', capacity,"
    " 'tags', tags, 'equipment', equipment, 'color', color) ORDER BY name), '[]'))::text"
    " FROM room WHERE active";

const char DB_SERVICES_JSON_SQL[] =
    "SELECT json_build_object('services', coalesce(json_agg(json_build_object("
    " 'id', id, 'name', name, 'description', description,"
    " 'default_duration_min', default_duration_min, 'base_price_cents', base_price_cents,"
    " 'requires_engineer', requires_engineer, 'room_tags', room_tags,"
    " 'staff_skill_required', staff_skill_required, 'is_addon', is_addon)"
    " ORDER BY is_addon, name), '[]'))::text"
    " FROM service WHERE active";

const char DB_SETTINGS_JSON_SQL[] =
    "SELECT json_build_object('settings', json_build_object("
    " 'studio_name', studio_name, 'timezone', timezone, 'lead_time_min', lead_time_min,"
    " 'horizon_days', horizon_days, 'hold_ttl_min', hold_ttl_min, 'tax_rate_bp', tax_rate_bp,"
    " 'fee_cents', fee_cents, 'deposit_percent', deposit_percent,"
    " 'cancellation_tiers', cancellation_tiers,"
    " 'reschedule_free_min_hours', reschedule_free_min_hours,"
    " 'reschedule_free_count', reschedule_free_count,"
    " 'reschedule_fee_cents', reschedule_fee_cents, 'approval_mode', approval_mode,"
    " 'capture_mode', capture_mode, 'reject_action', reject_action, 'currency', currency))::text"
    " FROM settings WHERE id = 1";
