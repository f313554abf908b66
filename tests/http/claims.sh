# Sourced by the suites that race or break redlightd (test-race.sh,
# test-chaos.sh) after tests/lib/http-prologue.sh: the checks that no room
# and no staff member is claimed twice, whatever the run did. Each is one
# TAP test through check and sql; the suite's check_why should print
# nothing useful for them (they name what they count).

# check_claims: no two live bookings (buffers included), live holds, or
# room_claim rows overlap in one room; every live booking holds exactly
# its own claim and nothing dead holds one; no staff member is assigned
# twice at an instant, and every staff row follows its booking.
check_claims() {
	check "no two room claims overlap in one room" test "$(sql "
		SELECT count(*) FROM room_claim a JOIN room_claim b ON a.room_id = b.room_id AND a.id < b.id
		AND a.during && b.during")" = 0
	check "no two live bookings claim a room at the same instant (buffers included)" test "$(sql "
		SELECT count(*) FROM booking a JOIN booking b ON a.room_id = b.room_id AND a.id < b.id
		WHERE booking_is_live(a.status) AND booking_is_live(b.status) AND a.blocked && b.blocked")" = 0
	check "no live booking overlaps a live hold of its room" test "$(sql "
		SELECT count(*) FROM booking b JOIN hold h ON h.room_id = b.room_id AND h.blocked && b.blocked
		WHERE booking_is_live(b.status) AND h.status = 'active' AND h.expires_at > now()")" = 0
	check "no two live holds overlap" test "$(sql "
		SELECT count(*) FROM hold a JOIN hold b ON a.room_id = b.room_id AND a.id < b.id AND a.blocked && b.blocked
		WHERE a.status = 'active' AND b.status = 'active' AND a.expires_at > now() AND b.expires_at > now()")" = 0
	check "no staff member is assigned to two live bookings at the same instant" test "$(sql "
		SELECT count(*) FROM booking_staff x JOIN booking_staff y ON x.staff_id = y.staff_id AND x.booking_id < y.booking_id
		JOIN booking a ON a.id = x.booking_id JOIN booking b ON b.id = y.booking_id
		WHERE booking_is_live(a.status) AND booking_is_live(b.status) AND a.blocked && b.blocked")" = 0
	check "every live booking holds exactly its own room claim, and nothing else does" test "$(sql "
		SELECT (SELECT count(*) FROM booking b WHERE booking_is_live(b.status) AND NOT EXISTS
		  (SELECT 1 FROM room_claim c WHERE c.booking_id = b.id AND c.room_id = b.room_id AND c.during = b.blocked))
		+ (SELECT count(*) FROM room_claim c JOIN booking b ON b.id = c.booking_id WHERE NOT booking_is_live(b.status))
		+ (SELECT count(*) FROM room_claim c JOIN hold h ON h.id = c.hold_id WHERE h.status <> 'active')")" = 0
	check "every staff row follows its booking's time and liveness" test "$(sql "
		SELECT count(*) FROM booking_staff s JOIN booking b ON b.id = s.booking_id
		WHERE s.during <> b.blocked OR s.live <> booking_is_live(b.status)")" = 0
}
