-- 0019: the staff calendar feed (issue 14, item 1):
-- GET /api/calendar/ics/staff/STAFF_ID.ics?token=..., served by redlightd
-- from memory (web/feedcache.c) and kept fresh by LISTEN.
--
-- The token: staff.ics_token (0001), 32 random bytes as 64 hex digits,
-- one per staff member, made here for everyone who has none and by default
-- for every new one; staff_ics_rotate replaces it (admins only, audited).
-- It is stored as it is, not hashed: the console shows the feed's URL to
-- the studio whenever asked (the engineer subscribes from it), which a
-- hash would not allow, and whoever can read the staff table can read the
-- bookings the feed shows anyway, so a hash would protect nothing the
-- database does not already give away. redlightd compares it in constant
-- time.
--
-- Freshness: every change to what a staff member's feed shows (their
-- assignments, a booking of theirs changing status, time, room or
-- SEQUENCE) notifies redlight_changes with
-- {"entity":"staff_feed","id":STAFF_ID}, and redlightd drops that feed; a
-- new token notifies {"entity":"staff_token","id":STAFF_ID}, and
-- redlightd reloads the tokens too. (A staff member added, renamed or
-- deactivated notifies 'staff' already: 0003.)
--
-- Last-Modified: staff_feed keeps, per staff member, the ETag (a hash of
-- the feed's bytes, computed by redlightd) it last served and since when.
-- When a rebuilt feed hashes differently, staff_feed_seen moves
-- modified_at forward, never back, by at least one second (HTTP dates have
-- one-second resolution), so every instance of redlightd, before and
-- after a restart, serves the same Last-Modified for the same bytes, and
-- a later one for different bytes.

UPDATE staff SET ics_token = encode(gen_random_bytes(32), 'hex') WHERE ics_token IS NULL;
ALTER TABLE staff
  ALTER COLUMN ics_token SET DEFAULT encode(gen_random_bytes(32), 'hex'),
  ALTER COLUMN ics_token SET NOT NULL,
  ADD CONSTRAINT staff_ics_token_form CHECK (ics_token ~ '^[0-9a-f]{64}$');

CREATE TABLE staff_feed (
  staff_id uuid PRIMARY KEY REFERENCES staff(id) ON DELETE CASCADE,
  etag text NOT NULL,
  modified_at timestamptz NOT NULL
);

-- staff_feed_seen: redlightd built p_staff's feed and it hashes to
-- p_etag: its Last-Modified, moved forward when the hash is new.
CREATE FUNCTION staff_feed_seen(p_staff uuid, p_etag text) RETURNS timestamptz
LANGUAGE sql AS $$
  INSERT INTO staff_feed AS f (staff_id, etag, modified_at)
  VALUES (p_staff, p_etag, date_trunc('second', clock_timestamp()))
  ON CONFLICT (staff_id) DO UPDATE SET etag = EXCLUDED.etag,
    modified_at = CASE WHEN f.etag = EXCLUDED.etag THEN f.modified_at
      ELSE greatest(f.modified_at + interval '1 second', EXCLUDED.modified_at) END
  RETURNING modified_at
$$;

-- staff_feed_notify: tell redlightd that p_staff's feed may have changed.
CREATE FUNCTION staff_feed_notify(p_staff uuid, p_entity text DEFAULT 'staff_feed') RETURNS void
LANGUAGE sql AS $$
  SELECT pg_notify('redlight_changes', json_build_object('entity', p_entity, 'id', p_staff)::text)
$$;

CREATE FUNCTION staff_feed_assign_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM staff_feed_notify(OLD.staff_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM staff_feed_notify(NEW.staff_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER booking_staff_feed_notify AFTER INSERT OR DELETE OR UPDATE OF staff_id, booking_id
  ON booking_staff FOR EACH ROW EXECUTE FUNCTION staff_feed_assign_notify();

CREATE FUNCTION staff_feed_booking_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM staff_feed_notify(bs.staff_id) FROM booking_staff bs WHERE bs.booking_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER booking_feed_notify AFTER UPDATE ON booking FOR EACH ROW
  WHEN ((OLD.status, OLD.start_at, OLD.end_at, OLD.room_id, OLD.ics_sequence)
    IS DISTINCT FROM (NEW.status, NEW.start_at, NEW.end_at, NEW.room_id, NEW.ics_sequence))
  EXECUTE FUNCTION staff_feed_booking_notify();

CREATE FUNCTION staff_feed_token_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM staff_feed_notify(NEW.id, 'staff_token');
  RETURN NULL;
END $$;
CREATE TRIGGER staff_feed_token_notify AFTER UPDATE OF ics_token ON staff FOR EACH ROW
  WHEN (OLD.ics_token IS DISTINCT FROM NEW.ics_token)
  EXECUTE FUNCTION staff_feed_token_notify();

-- staff_ics_rotate: a new feed token for p_staff, by an admin; the old
-- URL stops working at once (redlightd hears of it). Audited without
-- the token itself.
CREATE FUNCTION staff_ics_rotate(p_actor uuid, p_staff uuid) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_token text := encode(gen_random_bytes(32), 'hex');
BEGIN
  IF admin_actor(p_actor) <> 'admin' THEN
    RAISE EXCEPTION 'only an admin may rotate a feed token' USING ERRCODE = 'RL403';
  END IF;
  UPDATE staff SET ics_token = v_token WHERE id = p_staff;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no staff member %', p_staff USING ERRCODE = 'RL404', COLUMN = 'staff';
  END IF;
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, diff_json)
  VALUES (p_actor, 'ics_token_rotate', 'staff', p_staff::text, jsonb_build_object('ics_token', 'rotated'));
  RETURN v_token;
END $$;
