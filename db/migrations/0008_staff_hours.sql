-- 0008: staffing a booking asks the staff's hours. Before
-- booking_assign_staff runs, redlight assign-staff checks the staff
-- against their weekly hours, their time off and their buffers
-- (core/avail.c, avail_check_staff); Postgres still refuses anyone in two
-- places at once. An admin may set the hours aside with a reason: this
-- assigns and records the override on the audit row the assignment wrote.
CREATE FUNCTION booking_assign_staff_override(p_booking uuid, p_actor uuid, p_staff uuid[],
  p_override jsonb)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_override->>'reason' IS NULL OR btrim(p_override->>'reason') = '' THEN
    RAISE EXCEPTION 'an override needs a reason' USING ERRCODE = 'RL400', COLUMN = 'reason';
  END IF;
  PERFORM booking_assign_staff(p_booking, p_actor, p_staff);
  UPDATE audit_log
     SET reason = p_override->>'reason',
         diff_json = diff_json || jsonb_build_object('override', p_override)
   WHERE id = currval(pg_get_serial_sequence('audit_log', 'id'));
END $$;
