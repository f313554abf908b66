-- db/functions/feed.sql
-- The staff calendar feed: its tokens, what a staff member has seen, and
-- the triggers that NOTIFY redlightd when a staff member's feed changes.
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.

-- staff_feed_seen: redlightd built p_staff's feed and it hashes to
-- p_etag: its Last-Modified, moved forward when the hash is new.
CREATE OR REPLACE FUNCTION public.staff_feed_seen(p_staff uuid, p_etag text)
 RETURNS timestamp with time zone
 LANGUAGE sql
AS $function$
  INSERT INTO staff_feed AS f (staff_id, etag, modified_at)
  VALUES (p_staff, p_etag, date_trunc('second', clock_timestamp()))
  ON CONFLICT (staff_id) DO UPDATE SET etag = EXCLUDED.etag,
    modified_at = CASE WHEN f.etag = EXCLUDED.etag THEN f.modified_at
      ELSE greatest(f.modified_at + interval '1 second', EXCLUDED.modified_at) END
  RETURNING modified_at
$function$;

-- staff_feed_notify: tell redlightd that p_staff's feed may have changed.
CREATE OR REPLACE FUNCTION public.staff_feed_notify(p_staff uuid, p_entity text DEFAULT 'staff_feed'::text)
 RETURNS void
 LANGUAGE sql
AS $function$
  SELECT pg_notify('redlight_changes', json_build_object('entity', p_entity, 'id', p_staff)::text)
$function$;

CREATE OR REPLACE FUNCTION public.staff_feed_assign_notify()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM staff_feed_notify(OLD.staff_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM staff_feed_notify(NEW.staff_id);
  END IF;
  RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.staff_feed_booking_notify()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  PERFORM staff_feed_notify(bs.staff_id) FROM booking_staff bs WHERE bs.booking_id = NEW.id;
  RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.staff_feed_token_notify()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  PERFORM staff_feed_notify(NEW.id, 'staff_token');
  RETURN NULL;
END $function$;

-- staff_ics_rotate: a new feed token for p_staff, by an admin; the old
-- URL stops working at once (redlightd hears of it). Audited without
-- the token itself.
CREATE OR REPLACE FUNCTION public.staff_ics_rotate(p_actor uuid, p_staff uuid)
 RETURNS text
 LANGUAGE plpgsql
AS $function$
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
END $function$;
