#!/bin/sh
# test-cli.sh: redlight's commands run from a shell against a throwaway
# database: their output, their JSON and their exit statuses. Prints TAP.
. "$(dirname "$0")/lib.sh"
tui_start_pg "$@"

version=$(sed -n 's/^AC_INIT(\[redlight\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")

# json_codes: the booking codes in the JSON on stdin, space-separated.
json_codes() {
	python3 -c 'import json, sys; print(" ".join(b["code"] for b in json.load(sys.stdin)["bookings"]))' 2>&1
}

# add_booking CODE ROOM START END: a confirmed booking (instants in UTC).
add_booking() {
	sql "INSERT INTO booking (code, room_id, status, start_at, end_at, blocked, source)
	     SELECT '$1', id, 'confirmed', '$3', '$4', tstzrange('$3', '$4', '[)'), 'admin'
	       FROM room WHERE name = '$2'" >/dev/null
}

# --- no database needed ---------------------------------------------------

run --version
t "--version prints 'redlight $version'" '[ "$rc" = 0 ] && [ "$out" = "redlight $version" ]'

run --help
t "--help lists every command" '[ "$rc" = 0 ] && out_has "^  console" && out_has "^  rooms" &&
	out_has "^  bookings" && out_has "^  migrate" && out_has "^  seed" && out_has "^  help"'

run help
t "'help' prints the help" '[ "$rc" = 0 ] && out_has "^Commands:"'
run help bookings
t "'help bookings' shows its usage" '[ "$rc" = 0 ] &&
	out_has "^usage: redlight \[--config FILE\] bookings \[--date D | --from D --to D\] .*\[--json\]$"'
run bookings --help
t "'bookings --help' shows its usage without a database" '[ "$rc" = 0 ] && out_has "^usage: redlight .*bookings"'

run frob
t "an unknown command: status 64, one line saying what to try" '[ "$rc" = 64 ] && [ -z "$out" ] &&
	[ "$err" = "redlight: unknown command '"'frob'"' (try '"'redlight help'"')" ]'

run --frob rooms
t "an unknown global option: status 64" '[ "$rc" = 64 ] && one_line "$err" && err_has "^redlight: unknown option"'

run rooms --frob
t "an unknown command option: status 64 and the usage" '[ "$rc" = 64 ] &&
	[ "$err" = "redlight: rooms: unknown option '"'--frob'"' (usage: redlight rooms [--json])" ]'

run console </dev/null
t "the console without a terminal refuses with one line, non-zero" '[ "$rc" != 0 ] && [ -z "$out" ] &&
	one_line "$err" && err_has "^redlight: the console needs a terminal"'

run --config /nonexistent/redlight.conf rooms
t "--config naming a missing file: one line, non-zero" '[ "$rc" != 0 ] && one_line "$err" && err_has "^redlight: "'

# --- the database ---------------------------------------------------------

run migrate
applied=$(printf '%s\n' "$out" | sed -n 's/^migrations: \([0-9]*\) applied, schema at version [0-9]*$/\1/p')
schema=$(printf '%s\n' "$out" | sed -n 's/^migrations: [0-9]* applied, schema at version \([0-9]*\)$/\1/p')
t "migrate applies the migrations to an empty database" '[ "$rc" = 0 ] && [ "${applied:-0}" -ge 1 ] && [ "${schema:-0}" -ge 1 ]'
t "migrate then applies the SQL function families and says how many" \
	'printf "%s\n" "$out" | sed -n 2p | grep -qx "function families: [1-9][0-9]* applied"'

run migrate
t "migrate again applies nothing and reports the same version" '[ "$rc" = 0 ] &&
	[ "$out" = "migrations: 0 applied, schema at version $schema" ]'

run rooms
t "rooms in an empty studio says so" '[ "$rc" = 0 ] && [ "$out" = "no rooms yet (try '"'redlight seed demo'"')" ]'

run seed demo
t "seed demo loads the demo studio" '[ "$rc" = 0 ] && [ "$out" = "seed: demo studio loaded" ]'
run seed demo
t "seed demo again loads nothing" '[ "$rc" = 0 ] && [ "$out" = "seed: the database already has rooms; nothing loaded" ]'
run seed other
t "seed with an unknown data set: status 64" '[ "$rc" = 64 ] && err_has "unknown data set"'

run rooms --json
rooms_json=$out
names=$(printf '%s' "$rooms_json" | python3 -c 'import json, sys; print("|".join(r["name"] for r in json.load(sys.stdin)["rooms"]))' 2>&1)
t "rooms --json lists the three demo rooms" '[ "$rc" = 0 ] && [ "$names" = "Studio A|Studio B|Vocal Booth" ]'

# the table must agree with the JSON: one aligned row per room
run rooms
table=$(printf '%s\n' "$out" | ROOMS_JSON="$rooms_json" python3 -c '
import json, os, sys
rooms = json.loads(os.environ["ROOMS_JSON"])["rooms"]
lines = sys.stdin.read().splitlines()
head = lines[0]
assert head.startswith("NAME "), "header " + repr(head)
cap_end = head.index("CAPACITY") + len("CAPACITY")
tags_at = head.index("TAGS")
assert len(lines) == len(rooms) + 1, "%d lines for %d rooms" % (len(lines), len(rooms))
for room, line in zip(rooms, lines[1:]):
    assert line.startswith(room["name"] + " "), repr(line)
    assert line[:cap_end].split()[-1] == str(room["capacity"]), "capacity: " + repr(line)
    assert line[cap_end:tags_at].strip() == "", "alignment: " + repr(line)
    assert line[tags_at:] == ", ".join(room["tags"]), "tags: " + repr(line)
print("aligned")
' 2>&1)
t "rooms prints an aligned table of name, capacity and tags" '[ "$rc" = 0 ] && [ "$table" = aligned ] || { diag "$table"; false; }'

# db/seed/demo.sql: one confirmed booking today 14:00-16:00 studio time,
# one awaiting approval tomorrow 11:00-13:00
run bookings --json
codes=$(printf '%s' "$out" | json_codes)
t "bookings --json lists today's demo booking only" '[ "$rc" = 0 ] && [ "$codes" = RL-DEMO-01 ]'

run bookings
t "bookings shows today's booking at its studio-local time" '[ "$rc" = 0 ] &&
	out_has "^14:00-16:00  confirmed  Studio A  Ari Artist  Eli Engineer  RL-DEMO-01$"'

tomorrow=$(sql "SELECT (now() AT TIME ZONE 'America/Toronto')::date + 1")
run bookings --date "$tomorrow"
t "bookings --date shows that day's bookings only" '[ "$rc" = 0 ] &&
	out_has "^11:00-13:00  awaiting_approval .* RL-DEMO-02$" && ! out_has RL-DEMO-01'

# Toronto springs forward on 2027-03-14: 14:00Z is 10:00 EDT; 04:30Z is
# still 23:30 EST on the 13th; 03:00Z-05:00Z ends at local midnight
add_booking TST-DST-1 'Vocal Booth' 2027-03-14T14:00:00Z 2027-03-14T16:00:00Z
add_booking TST-DST-0 'Vocal Booth' 2027-03-14T04:30:00Z 2027-03-14T05:30:00Z
add_booking TST-DST-X 'Studio B' 2027-03-14T03:00:00Z 2027-03-14T05:00:00Z
run bookings --date 2027-03-14
t "bookings on a spring-forward day shows daylight time" '[ "$rc" = 0 ] && out_has "^10:00-12:00  *confirmed .* TST-DST-1$"'
t "a booking across local midnight shows its start's date" 'out_has "^03-13 23:30-00:30  *confirmed .* TST-DST-0$"'
t "a booking ending at local midnight is not on the next day" '[ "$rc" = 0 ] && ! out_has TST-DST-X'
run bookings --date 2027-03-13 --json
codes=$(printf '%s' "$out" | json_codes)
t "bookings --date --json takes the studio-local day's bounds" '[ "$rc" = 0 ] && [ "$codes" = "TST-DST-X TST-DST-0" ]'

run bookings --date 2027-02-30
t "bookings --date with a day that does not exist: status 64" '[ "$rc" = 64 ] && one_line "$err" && err_has 2027-02-30'
run bookings --date
t "bookings --date without a value: status 64" '[ "$rc" = 64 ] && one_line "$err"'

# --- connection failures --------------------------------------------------

good_url=$DATABASE_URL
DATABASE_URL=$(printf '%s' "$good_url" | sed "s|/$DB_NAME|/${DB_NAME}_missing|")
run rooms
DATABASE_URL=$good_url
t "a database that does not exist: one clear line, non-zero" '[ "$rc" != 0 ] && [ -z "$out" ] && one_line "$err" &&
	err_has "^redlight: cannot connect to the database: .*${DB_NAME}_missing"'

# tests/lib/with-pg's clusters check passwords for the role rl_password_check
wrong_url=$(printf '%s' "$good_url" | sed 's|^postgresql://[^@]*@|postgresql://rl_password_check:wrong-password@|')
DATABASE_URL=$wrong_url
run rooms
DATABASE_URL=$good_url
t "a wrong password: one clear line, non-zero" '[ "$rc" != 0 ] && one_line "$err" &&
	err_has "^redlight: cannot connect to the database: .*password"'

tui_done
