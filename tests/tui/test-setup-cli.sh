#!/bin/sh
# test-setup-cli.sh: the studio's setup from a shell (rooms, services,
# staff, weekly rules, exceptions, buffers, settings) against a throwaway
# database: --json, exit statuses, the audit rows they write, and that
# bad input (unknown rooms, negative prices, bad times, overlapping rules,
# bad zones and tiers, a busy staff member, a non-admin) is refused with
# one line naming the field and nothing written. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_open --admin -- "$@"

ELI=engineer@redlight.test

# counts: every setup table's row count and the audit log's, one line.
counts() {
	sql "SELECT concat_ws('/', (SELECT count(*) FROM room), (SELECT count(*) FROM service),
	     (SELECT count(*) FROM staff), (SELECT count(*) FROM app_user), (SELECT count(*) FROM schedule_rule),
	     (SELECT count(*) FROM exception), (SELECT count(*) FROM buffer_rule),
	     (SELECT md5(s::text) FROM settings s), (SELECT md5(string_agg(r::text, '' ORDER BY r.id)) FROM room r),
	     (SELECT md5(string_agg(v::text, '' ORDER BY v.id)) FROM service v),
	     (SELECT md5(string_agg(f::text, '' ORDER BY f.id)) FROM staff f),
	     (SELECT count(*) FROM audit_log))"
}

# refused DESCRIPTION FIELD ARGS...: the command fails with one stderr line
# naming FIELD, prints nothing on stdout, and writes nothing.
refused() {
	d=$1
	f=$2
	shift 2
	before=$(counts)
	run "$@"
	after=$(counts)
	t "$d" '[ "$rc" != 0 ] && [ -z "$out" ] && one_line "$err" && err_has "$f" && [ "$before" = "$after" ]'
}

audit_has() {
	[ "$(sql "SELECT count(*) FROM audit_log a JOIN app_user u ON u.id = a.actor_user_id
	     WHERE a.action = '$1' AND u.email = '$2'")" -ge 1 ]
}

run --help
t "--help lists the setup commands" '[ "$rc" = 0 ] && out_has "^  room-add NAME" && out_has "^  room-edit" &&
	out_has "^  service-add" && out_has "^  service-edit" && out_has "^  staff-add" && out_has "^  staff-edit" &&
	out_has "^  rules" && out_has "^  rule-add" && out_has "^  rule-del" && out_has "^  exception-add" &&
	out_has "^  exception-del" && out_has "^  buffer-set" && out_has "^  settings " && out_has "^  settings-set"'

usage_ok=1
for args in "room-add" "room-edit" "service-add" "staff-add x@y.z" "staff-edit" "rule-add extra" \
	"rule-del" "exception-del" "settings-set timezone" "settings extra" "rules --room" "room-add A --frob 1"; do
	# shellcheck disable=SC2086
	run $args
	if [ "$rc" != 64 ] || [ -n "$out" ] || ! one_line "$err" || ! err_has "usage: redlight"; then
		usage_ok=0
		diag "redlight $args:"
		explain
	fi
done
t "a bad command line is one usage line, status 64" '[ "$usage_ok" = 1 ]'

# --- rooms ----------------------------------------------------------------

run room-add "Studio C" --capacity 3 --tags mixing,live --equipment "Neve,SSL" --color "#123abc" \
	--description "A new room" --as "$ADMIN" --json
t "room-add --json returns the room" '[ "$rc" = 0 ] && [ "$(json "j[\"room\"][\"name\"], j[\"room\"][\"capacity\"], \",\".join(j[\"room\"][\"tags\"])")" = "Studio C 3 live,mixing" ]'
t "room-add wrote the room and an audit row with the actor" '[ "$(sql "SELECT count(*) FROM room WHERE name = '"'Studio C'"'")" = 1 ] &&
	audit_has room_add "$ADMIN"'
run room-edit "studio c" --capacity 5 --active no --as "$ADMIN"
t "room-edit by name, text output" '[ "$rc" = 0 ] && out_has "^updated room Studio C" &&
	[ "$(sql "SELECT capacity || active::text FROM room WHERE name = '"'Studio C'"'")" = 5false ]'
refused "room-edit of an unknown room names the room" "room" room-edit "Studio Z" --capacity 2 --as "$ADMIN"
t "... status 3 (not found)" '[ "$rc" = 3 ]'
refused "room-add with a taken name" "name" room-add "studio a" --as "$ADMIN"
refused "room-add with capacity 0" "capacity" room-add "Studio D" --capacity 0 --as "$ADMIN"
refused "room-add with a bad colour" "color" room-add "Studio D" --color red --as "$ADMIN"
refused "room-add by staff is forbidden" "admin" room-add "Studio D" --as "$ELI"
t "... status 5" '[ "$rc" = 5 ]'

# --- services -------------------------------------------------------------

run service-add "Podcast" --duration 90 --price 4500 --room-tags podcast --as "$ADMIN" --json
t "service-add --json" '[ "$rc" = 0 ] && [ "$(json "j[\"service\"][\"base_price_cents\"], j[\"service\"][\"default_duration_min\"]")" = "4500 90" ]'
run service-add "Vocal tuning" --duration 60 --price 3000 --skill mixing --addon --as "$ADMIN" --json
t "service-add --skill implies an engineer" '[ "$rc" = 0 ] && [ "$(json "j[\"service\"][\"requires_engineer\"], j[\"service\"][\"is_addon\"]")" = "True True" ]'
run service-edit podcast --price 5000 --as "$ADMIN"
t "service-edit" '[ "$rc" = 0 ] && [ "$(sql "SELECT base_price_cents FROM service WHERE name = '"'Podcast'"'")" = 5000 ] &&
	audit_has service_edit "$ADMIN"'
refused "service-add with a negative price names the price" "price" service-add "Cheap" --duration 60 --price -100 --as "$ADMIN"
t "... status 2 (invalid)" '[ "$rc" = 2 ]'
refused "service-edit with a negative price" "price" service-edit podcast --price=-1 --as "$ADMIN"
refused "service-add with 50 minutes" "duration" service-add "Odd" --duration 50 --price 100 --as "$ADMIN"
refused "service-add without a price" "price" service-add "Free" --duration 60 --as "$ADMIN"
refused "service-edit of an unknown service" "service" service-edit "Nope" --price 1 --as "$ADMIN"

# --- staff ----------------------------------------------------------------

REDLIGHT_NEW_PASSWORD=newbie-pass run staff-add Max@Redlight.test "Max Mixer" --skills mixing --rate 5000 --as "$ADMIN" --json
t "staff-add creates a staff account" '[ "$rc" = 0 ] && [ "$(json "j[\"staff\"][\"email\"], j[\"staff\"][\"hourly_rate_cents\"]")" = "max@redlight.test 5000" ] &&
	[ "$(sql "SELECT role FROM app_user WHERE email = '"'max@redlight.test'"'")" = staff ]'
REDLIGHT_PASSWORD=newbie-pass run rules --staff SELF
REDLIGHT_PASSWORD=newbie-pass run rule-add --staff SELF --days mon --from 10:00 --to 12:00 --as max@redlight.test
t "the new staff member signs in with REDLIGHT_NEW_PASSWORD and adds their own hours" '[ "$rc" = 0 ]'
refused "staff-add with a used email" "email" staff-add admin@redlight.test "Dup" --as "$ADMIN"
refused "staff-add with a negative rate" "rate" staff-add new@redlight.test "New" --rate -5 --as "$ADMIN"
run staff-edit eli --skills mixing,tracking,editing --rate 6500 --as "$ADMIN" --json
t "staff-edit by first name" '[ "$rc" = 0 ] && [ "$(json "j[\"staff\"][\"hourly_rate_cents\"]")" = 6500 ]'
refused "deactivating Priya, assigned to RL-DEMO-02, is refused naming it" "RL-DEMO-02" staff-edit "Priya Producer" --active no --as "$ADMIN"
t "... and names the field" 'err_has "active"'
run staff-edit max@redlight.test --active no --as "$ADMIN"
t "deactivating someone with nothing ahead works" '[ "$rc" = 0 ] &&
	[ "$(sql "SELECT active FROM staff WHERE display_name = '"'Max Mixer'"'")" = f ]'
refused "staff-edit of nobody" "staff" staff-edit "Nobody" --rate 1 --as "$ADMIN"
refused "staff-edit by staff is forbidden" "admin" staff-edit eli --rate 1 --as "$ELI"

# --- weekly rules ---------------------------------------------------------

run rule-add --room "Studio C" --days mon,tue --from 09:00 --to 17:00 --as "$ADMIN" --json
RID=$(json 'j["rule"]["id"]')
t "rule-add --json" '[ "$rc" = 0 ] && [ "$(json "\",\".join(j[\"rule\"][\"days\"]), j[\"rule\"][\"from\"], j[\"rule\"][\"to\"]")" = "mon,tue 09:00 17:00" ]'
run rules --room "Studio C" --json
t "rules --room lists it" '[ "$rc" = 0 ] && [ "$(json "[r[\"id\"] for r in j[\"rules\"]] == [\"$RID\"]")" = True ]'
run rules
t "rules lists every rule" '[ "$rc" = 0 ] && out_has "weekly rules" && out_has "Studio C .*mon,tue .*09:00-17:00"'
refused "an overlapping rule is refused" "overlaps" rule-add --room "Studio C" --days tue,wed --from 16:00 --to 18:00 --as "$ADMIN"
refused "a bad time 25:00 names the field" "from" rule-add --room "Studio C" --days wed --from 25:00 --to 26:00 --as "$ADMIN"
refused "an end before the start" "to" rule-add --room "Studio C" --days wed --from 18:00 --to 10:00 --as "$ADMIN"
refused "an unknown room" "room" rule-add --room "Nowhere" --days wed --from 10:00 --to 12:00 --as "$ADMIN"
refused "a bad weekday" "days" rule-add --studio --days funday --from 10:00 --to 12:00 --as "$ADMIN"
refused "two targets" "target" rule-add --studio --room "Studio C" --days wed --from 10:00 --to 12:00 --as "$ADMIN"
refused "staff may not add another's hours" "own" rule-add --staff priya --days wed --from 10:00 --to 12:00 --as "$ELI"
run rule-add --staff SELF --days sat --from 10:00 --to 12:00 --as "$ELI" --json
t "staff may add their own hours (--staff SELF)" '[ "$rc" = 0 ] && [ "$(json "j[\"rule\"][\"target_name\"]")" = "Eli Engineer" ] &&
	audit_has rule_add "$ELI"'
refused "staff may not delete the studio's rules" "own" rule-del "$RID" --as "$ELI"
run rule-del "$(printf %.8s "$RID")" --as "$ADMIN"
t "rule-del by the id's first characters" '[ "$rc" = 0 ] && [ "$(sql "SELECT count(*) FROM schedule_rule WHERE id = '"'$RID'"'")" = 0 ] &&
	audit_has rule_del "$ADMIN"'
refused "rule-del of an unknown id" "id" rule-del ffffffff --as "$ADMIN"

# --- exceptions -----------------------------------------------------------

run exception-add --room "Studio B" --start "2099-06-01 09:00" --end "2099-06-01 18:00" --reason "Maintenance" --as "$ADMIN" --json
XID=$(json 'j["exception"]["id"]')
t "exception-add reads studio time" '[ "$rc" = 0 ] && [ "$(json "j[\"exception\"][\"start_at\"], j[\"exception\"][\"end_local\"]")" = "2099-06-01T13:00:00Z 2099-06-01 18:00" ]'
run exception-add --staff SELF --start "2099-07-01" --end "2099-07-03" --reason "Holiday" --as "$ELI"
t "staff add their own time off" '[ "$rc" = 0 ] && out_has "^added exception .*Eli Engineer"'
refused "an end before the start" "end" exception-add --studio --start "2099-06-02 18:00" --end "2099-06-02 09:00" --as "$ADMIN"
refused "a bad time" "start" exception-add --studio --start "2099-06-02 25:00" --end "2099-06-02 26:00" --as "$ADMIN"
refused "an unknown staff member" "staff" exception-add --staff "Zed" --start "2099-06-02 10:00" --end "2099-06-02 11:00" --as "$ADMIN"
refused "staff may not close a room" "own" exception-add --room "Studio B" --start "2099-06-02 10:00" --end "2099-06-02 11:00" --as "$ELI"
run exception-del "$XID" --as "$ADMIN" --json
t "exception-del" '[ "$rc" = 0 ] && [ "$(sql "SELECT count(*) FROM exception WHERE id = '"'$XID'"'")" = 0 ]'

# --- buffers --------------------------------------------------------------

run buffer-set --room "Studio B" --before 10 --after 20 --as "$ADMIN" --json
t "buffer-set --json" '[ "$rc" = 0 ] && [ "$(json "j[\"buffer\"][\"before_min\"], j[\"buffer\"][\"after_min\"]")" = "10 20" ]'
run buffer-set --room "Studio B" --before 5 --after 5 --as "$ADMIN"
t "buffer-set again replaces it" '[ "$rc" = 0 ] && [ "$(sql "SELECT before_min || '"'/'"' || after_min FROM buffer_rule
	WHERE target_id = (SELECT id FROM room WHERE name = '"'Studio B'"')")" = 5/5 ]'
refused "a negative buffer" "before" buffer-set --service Mixing --before -5 --after 0 --as "$ADMIN"
refused "an unknown room" "room" buffer-set --room Nope --before 5 --after 0 --as "$ADMIN"
refused "buffers by staff are forbidden" "admin" buffer-set --staff SELF --before 5 --after 0 --as "$ELI"

# --- settings -------------------------------------------------------------

run settings --json
t "settings --json" '[ "$rc" = 0 ] && [ "$(json "j[\"settings\"][\"timezone\"], j[\"settings\"][\"hold_ttl_min\"]")" = "America/Toronto 15" ]'
run settings
t "settings, one a line" '[ "$rc" = 0 ] && out_has "^timezone  *America/Toronto$"'
run settings-set hold_ttl_min 20 --as "$ADMIN" --json
t "settings-set hold_ttl_min" '[ "$rc" = 0 ] && [ "$(json "j[\"settings\"][\"hold_ttl_min\"]")" = 20 ] && audit_has settings_set "$ADMIN"'
run settings-set cancellation_tiers '[{"min_hours_before":72,"refund_percent":100},{"min_hours_before":0,"refund_percent":0}]' --as "$ADMIN"
t "settings-set cancellation_tiers" '[ "$rc" = 0 ] && [ "$(sql "SELECT cancellation_tiers->0->>'"'min_hours_before'"' FROM settings")" = 72 ]'
run settings-set timezone America/Vancouver --as "$ADMIN"
t "settings-set timezone" '[ "$rc" = 0 ] && [ "$(sql "SELECT timezone FROM settings")" = America/Vancouver ]'
run settings-set approval_mode auto --as "$ADMIN"
t "settings-set approval_mode" '[ "$rc" = 0 ]'
refused "a zone that does not exist" "timezone" settings-set timezone Mars/Olympus --as "$ADMIN"
refused "tiers that are not JSON" "cancellation_tiers" settings-set cancellation_tiers '[{"min_hours_before":' --as "$ADMIN"
refused "tiers out of range" "cancellation_tiers" settings-set cancellation_tiers '[{"min_hours_before":0,"refund_percent":300}]' --as "$ADMIN"
refused "a negative lead time" "lead_time_min" settings-set --as "$ADMIN" lead_time_min -- -10
refused "a deposit over 100" "deposit_percent" settings-set deposit_percent 101 --as "$ADMIN"
refused "capture_mode must be manual or automatic" "capture_mode" settings-set capture_mode sometimes --as "$ADMIN"
refused "an unknown key" "key" settings-set colour red --as "$ADMIN"
refused "settings by staff are forbidden" "admin" settings-set hold_ttl_min 30 --as "$ELI"
refused "an artist may not act" "artist" settings-set hold_ttl_min 30 --as artist@redlight.test

tui_done
