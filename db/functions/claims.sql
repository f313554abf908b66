-- db/functions/claims.sql
-- Room and staff claims: the triggers that keep room_claim and staff_claim
-- (the exclusion constraints that make double booking impossible) in step
-- with bookings and holds, and what counts as a live booking.
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.

CREATE OR REPLACE FUNCTION public.booking_is_live(status text)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$ SELECT status IN ('awaiting_approval','confirmed') $function$;

-- An expired hold stops blocking at expires_at whether or not a sweeper ran:
-- whoever claims time first retires the expired holds it overlaps.
CREATE OR REPLACE FUNCTION public.room_claim_retire_expired()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  WITH gone AS (
    DELETE FROM room_claim c
     WHERE c.room_id = NEW.room_id AND c.during && NEW.during
       AND c.hold_id IS NOT NULL AND c.hold_expires_at <= clock_timestamp()
       AND c.id IS DISTINCT FROM NEW.id
    RETURNING c.hold_id)
  UPDATE hold SET status = 'expired' FROM gone WHERE hold.id = gone.hold_id AND hold.status = 'active';
  RETURN NEW;
END $function$;

CREATE OR REPLACE FUNCTION public.booking_sync_claims()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF booking_is_live(NEW.status) THEN
    INSERT INTO room_claim (room_id, during, booking_id)
    VALUES (NEW.room_id, NEW.blocked, NEW.id)
    ON CONFLICT (booking_id) DO UPDATE SET room_id = EXCLUDED.room_id, during = EXCLUDED.during
      WHERE room_claim.room_id IS DISTINCT FROM EXCLUDED.room_id OR room_claim.during IS DISTINCT FROM EXCLUDED.during;
  ELSE
    DELETE FROM room_claim WHERE booking_id = NEW.id;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    UPDATE booking_staff SET during = NEW.blocked, live = booking_is_live(NEW.status)
     WHERE booking_id = NEW.id AND (during IS DISTINCT FROM NEW.blocked OR live IS DISTINCT FROM booking_is_live(NEW.status));
  END IF;
  RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.booking_staff_fill()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  SELECT b.blocked, booking_is_live(b.status) INTO NEW.during, NEW.live FROM booking b WHERE b.id = NEW.booking_id;
  RETURN NEW;
END $function$;

CREATE OR REPLACE FUNCTION public.hold_sync_claim()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF NEW.status = 'active' THEN
    INSERT INTO room_claim (room_id, during, hold_id, hold_expires_at)
    VALUES (NEW.room_id, NEW.blocked, NEW.id, NEW.expires_at)
    ON CONFLICT (hold_id) DO UPDATE SET room_id = EXCLUDED.room_id, during = EXCLUDED.during,
      hold_expires_at = EXCLUDED.hold_expires_at;
  ELSE
    DELETE FROM room_claim WHERE hold_id = NEW.id;
  END IF;
  RETURN NULL;
END $function$;

-- Claims, taken in turn. Two transactions inserting overlapping claims at
-- once each wait for the other's exclusion check, and Postgres breaks the
-- tie only after deadlock_timeout (a second), aborting one. Under a rush
-- for one slot that is a second's stall per pair and an artist told "try
-- again" instead of "taken". So the *_locked wrappers first take
-- transaction-scoped advisory locks on the room, then on each staff member
-- in uuid order (always that order, so the locks cannot deadlock), and only
-- then claim: writers of one room or one engineer queue for milliseconds
-- instead, and the exclusion constraints, still the last word, answer the
-- loser with an ordinary conflict. Readers never wait. Collisions of the
-- 32-bit hashes merely queue two unrelated writers.
CREATE OR REPLACE FUNCTION public.claim_lock(p_room uuid, p_staff uuid[])
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
  s uuid;
BEGIN
  IF p_room IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext('redlight.room'), hashtext(p_room::text));
  END IF;
  FOR s IN SELECT DISTINCT x FROM unnest(coalesce(p_staff, '{}')) AS x ORDER BY x LOOP
    PERFORM pg_advisory_xact_lock(hashtext('redlight.staff'), hashtext(s::text));
  END LOOP;
END $function$;

-- claim_lock_during: claim_lock for a writer that claims only p_during
-- (submitting a booking, placing a hold). Writers of one room on days
-- apart need not queue: it takes the room's lock shared, then a lock per
-- UTC day p_during touches, in day order; likewise for each staff member
-- in uuid order. Two overlapping claims share the day of any instant they
-- share, so they still queue for one another, and claim_lock's exclusive
-- room and staff locks still queue behind (and ahead of) every one of
-- them. The locks keep claim_lock's order (room, then staff in uuid order;
-- each one's days after it), so they cannot deadlock with it. A range
-- without both ends, or longer than 14 days, takes claim_lock's locks.
-- The days go in a plpgsql loop: a query over generate_series(d0, d1)
-- was planned again on every call.
CREATE OR REPLACE FUNCTION public.claim_lock_during(p_room uuid, p_staff uuid[], p_during tstzrange)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
  s uuid;
  d0 bigint;
  d1 bigint;
BEGIN
  IF p_during IS NULL OR lower_inf(p_during) OR upper_inf(p_during) OR isempty(p_during)
      OR upper(p_during) - lower(p_during) > interval '14 days' THEN
    PERFORM claim_lock(p_room, p_staff);
    RETURN;
  END IF;
  d0 := floor(extract(epoch FROM lower(p_during)) / 86400);
  d1 := floor(extract(epoch FROM upper(p_during)) / 86400);
  IF p_room IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock_shared(hashtext('redlight.room'), hashtext(p_room::text));
    FOR d IN d0 .. d1 LOOP
      PERFORM pg_advisory_xact_lock(hashtextextended('redlight.room.day/' || p_room::text || '/' || d, 0));
    END LOOP;
  END IF;
  FOR s IN SELECT DISTINCT x FROM unnest(coalesce(p_staff, '{}')) AS x ORDER BY x LOOP
    PERFORM pg_advisory_xact_lock_shared(hashtext('redlight.staff'), hashtext(s::text));
    FOR d IN d0 .. d1 LOOP
      PERFORM pg_advisory_xact_lock(hashtextextended('redlight.staff.day/' || s::text || '/' || d, 0));
    END LOOP;
  END LOOP;
END $function$;
