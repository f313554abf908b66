-- db/functions/setup.sql
-- Setup: rooms, services, staff, schedule rules, exceptions, buffers and
-- settings as edited by an admin (db/setup.c); each checks the actor and
-- names the field of a bad value.
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.

-- setup_fail: raise RL400 on p_field, the message starting with the field.
CREATE OR REPLACE FUNCTION public.setup_fail(p_field text, p_msg text)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
  RAISE EXCEPTION '%: %', p_field, p_msg USING ERRCODE = 'RL400', COLUMN = p_field;
END $function$;

-- setup_admin: RL403 unless p_actor is an admin.
CREATE OR REPLACE FUNCTION public.setup_admin(p_actor uuid, p_what text)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF admin_actor(p_actor) <> 'admin' THEN
    RAISE EXCEPTION 'only an admin may %', p_what USING ERRCODE = 'RL403';
  END IF;
END $function$;

CREATE OR REPLACE FUNCTION public.setup_int(p_text text, p_field text, p_min integer, p_max integer)
 RETURNS integer
 LANGUAGE plpgsql
AS $function$
DECLARE
  v bigint;
BEGIN
  IF p_text IS NULL THEN
    RETURN NULL;
  END IF;
  IF btrim(p_text) !~ '^-?[0-9]{1,12}$' THEN
    PERFORM setup_fail(p_field, format('''%s'' is not a whole number', left(p_text, 40)));
  END IF;
  v := btrim(p_text)::bigint;
  IF v < 0 AND p_min >= 0 THEN
    PERFORM setup_fail(p_field, format('%s is negative; it must be %s or more', v, p_min));
  END IF;
  IF v < p_min OR v > p_max THEN
    PERFORM setup_fail(p_field, format('%s is out of range: %s to %s', v, p_min, p_max));
  END IF;
  RETURN v::int;
END $function$;

CREATE OR REPLACE FUNCTION public.setup_bool(p_text text, p_field text)
 RETURNS boolean
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF p_text IS NULL THEN
    RETURN NULL;
  END IF;
  IF lower(btrim(p_text)) IN ('yes','y','true','on','1') THEN
    RETURN true;
  ELSIF lower(btrim(p_text)) IN ('no','n','false','off','0') THEN
    RETURN false;
  END IF;
  PERFORM setup_fail(p_field, format('''%s'' is not yes or no', left(p_text, 40)));
  RETURN NULL;
END $function$;

-- setup_list: "a, b,c" as {a,b,c}; blanks dropped; NULL stays NULL.
CREATE OR REPLACE FUNCTION public.setup_list(p_text text, p_field text)
 RETURNS text[]
 LANGUAGE plpgsql
AS $function$
DECLARE
  v text[];
BEGIN
  IF p_text IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT coalesce(array_agg(DISTINCT btrim(x)), '{}') INTO v
    FROM unnest(string_to_array(p_text, ',')) x WHERE btrim(x) <> '';
  IF EXISTS (SELECT 1 FROM unnest(v) x WHERE length(x) > 60) THEN
    PERFORM setup_fail(p_field, 'an item is longer than 60 characters');
  END IF;
  RETURN v;
END $function$;

-- setup_time: "HH:MM" (24:00 for the end of the day).
CREATE OR REPLACE FUNCTION public.setup_time(p_text text, p_field text)
 RETURNS time without time zone
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF p_text IS NULL THEN
    PERFORM setup_fail(p_field, 'a time of day is needed (HH:MM)');
  END IF;
  IF btrim(p_text) = '24:00' THEN
    RETURN time '24:00';
  END IF;
  IF btrim(p_text) !~ '^([01]?[0-9]|2[0-3]):[0-5][0-9]$' THEN
    PERFORM setup_fail(p_field, format('''%s'' is not a time of day (HH:MM, 00:00 to 24:00)',
      left(p_text, 40)));
  END IF;
  RETURN btrim(p_text)::time;
END $function$;

CREATE OR REPLACE FUNCTION public.setup_date(p_text text, p_field text)
 RETURNS date
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF p_text IS NULL THEN
    RETURN NULL;
  END IF;
  IF btrim(p_text) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
    BEGIN
      RETURN btrim(p_text)::date;
    EXCEPTION WHEN others THEN
      NULL;
    END;
  END IF;
  PERFORM setup_fail(p_field, format('''%s'' is not a date (YYYY-MM-DD)', left(p_text, 40)));
  RETURN NULL;
END $function$;

-- setup_day_names: {1,2} as "mon,tue" (0 is Sunday).
CREATE OR REPLACE FUNCTION public.setup_day_names(p integer[])
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$
  SELECT string_agg((ARRAY['sun','mon','tue','wed','thu','fri','sat'])[d + 1], ',' ORDER BY (d + 6) % 7)
    FROM unnest(p) d
$function$;

-- setup_days: "mon,tue" (or "daily", "weekdays", "weekends") as {1,2}.
CREATE OR REPLACE FUNCTION public.setup_days(p_text text)
 RETURNS integer[]
 LANGUAGE plpgsql
AS $function$
DECLARE
  v int[] := '{}';
  w text;
  i int;
BEGIN
  IF p_text IS NULL OR btrim(p_text) = '' THEN
    PERFORM setup_fail('days', 'name the weekdays: mon,tue,wed,thu,fri,sat,sun');
  END IF;
  FOREACH w IN ARRAY string_to_array(lower(p_text), ',') LOOP
    w := btrim(w);
    CONTINUE WHEN w = '';
    IF w = 'daily' THEN
      v := v || ARRAY[0,1,2,3,4,5,6];
    ELSIF w = 'weekdays' THEN
      v := v || ARRAY[1,2,3,4,5];
    ELSIF w = 'weekends' THEN
      v := v || ARRAY[0,6];
    ELSE
      i := array_position(ARRAY['sun','mon','tue','wed','thu','fri','sat'], left(w, 3)) - 1;
      IF i IS NULL OR length(w) < 3 OR NOT (w = left(w, 3) OR
          w = (ARRAY['sunday','monday','tuesday','wednesday','thursday','friday','saturday'])[i + 1]) THEN
        PERFORM setup_fail('days', format('''%s'' is not a weekday (mon,tue,wed,thu,fri,sat,sun)',
          left(w, 40)));
      END IF;
      v := v || i;
    END IF;
  END LOOP;
  SELECT array_agg(DISTINCT d ORDER BY d) INTO v FROM unnest(v) d;
  IF v IS NULL THEN
    PERFORM setup_fail('days', 'name the weekdays: mon,tue,wed,thu,fri,sat,sun');
  END IF;
  RETURN v;
END $function$;

-- setup_room_id: any room (active or not) by name (case ignored) or id.
CREATE OR REPLACE FUNCTION public.setup_room_id(p text, p_field text)
 RETURNS uuid
 LANGUAGE plpgsql
AS $function$
DECLARE
  v uuid;
BEGIN
  SELECT id INTO v FROM room WHERE lower(name) = lower(btrim(p)) OR id::text = lower(btrim(p));
  IF v IS NULL THEN
    RAISE EXCEPTION '%: no room is called "%" (rooms: %)', p_field, left(p, 60),
      (SELECT coalesce(string_agg(name, ', ' ORDER BY name), 'none') FROM room)
      USING ERRCODE = 'RL404', COLUMN = p_field;
  END IF;
  RETURN v;
END $function$;

CREATE OR REPLACE FUNCTION public.setup_service_id(p text, p_field text)
 RETURNS uuid
 LANGUAGE plpgsql
AS $function$
DECLARE
  v uuid;
BEGIN
  SELECT id INTO v FROM service WHERE lower(name) = lower(btrim(p)) OR id::text = lower(btrim(p));
  IF v IS NULL THEN
    RAISE EXCEPTION '%: no service is called "%" (services: %)', p_field, left(p, 60),
      (SELECT coalesce(string_agg(name, ', ' ORDER BY name), 'none') FROM service)
      USING ERRCODE = 'RL404', COLUMN = p_field;
  END IF;
  RETURN v;
END $function$;

-- setup_staff_id: any staff member by display name, email, id, or a first
-- name that only one of them has; SELF is p_actor's own staff record.
CREATE OR REPLACE FUNCTION public.setup_staff_id(p_actor uuid, p text, p_field text)
 RETURNS uuid
 LANGUAGE plpgsql
AS $function$
DECLARE
  v uuid;
  n int;
BEGIN
  IF upper(btrim(p)) = 'SELF' THEN
    SELECT s.id INTO v FROM staff s WHERE s.user_id = p_actor;
    IF v IS NULL THEN
      RAISE EXCEPTION '%: SELF: you have no staff record', p_field USING ERRCODE = 'RL404', COLUMN = p_field;
    END IF;
    RETURN v;
  END IF;
  SELECT s.id INTO v FROM staff s LEFT JOIN app_user u ON u.id = s.user_id
   WHERE lower(s.display_name) = lower(btrim(p)) OR u.email = lower(btrim(p)) OR s.id::text = lower(btrim(p))
   LIMIT 1;
  IF v IS NULL THEN
    SELECT count(*), min(s.id::text)::uuid INTO n, v FROM staff s
     WHERE lower(split_part(s.display_name, ' ', 1)) = lower(btrim(p));
    IF n > 1 THEN
      RAISE EXCEPTION '%: "%" is more than one staff member; give the full name or email', p_field,
        left(p, 60) USING ERRCODE = 'RL400', COLUMN = p_field;
    END IF;
  END IF;
  IF v IS NULL THEN
    RAISE EXCEPTION '%: nobody on the staff is "%" (staff: %)', p_field, left(p, 60),
      (SELECT coalesce(string_agg(display_name, ', ' ORDER BY display_name), 'none') FROM staff)
      USING ERRCODE = 'RL404', COLUMN = p_field;
  END IF;
  RETURN v;
END $function$;

-- setup_target: exactly one of p's studio, room, staff (and service when
-- p_service) as (kind, id, label). Staff may name only themselves (and
-- only when p_staff_self_ok).
CREATE OR REPLACE FUNCTION public.setup_target(p_actor uuid, p jsonb, p_service boolean, p_staff_self_ok boolean, OUT kind text, OUT id uuid, OUT label text)
 RETURNS record
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_role text := admin_actor(p_actor);
  n int := (CASE WHEN p ? 'studio' THEN 1 ELSE 0 END) + (CASE WHEN p ? 'room' THEN 1 ELSE 0 END)
    + (CASE WHEN p ? 'staff' THEN 1 ELSE 0 END) + (CASE WHEN p_service AND p ? 'service' THEN 1 ELSE 0 END);
BEGIN
  IF n <> 1 THEN
    PERFORM setup_fail('target', CASE WHEN p_service THEN 'name one of --room, --service or --staff'
      ELSE 'name one of --studio, --room or --staff' END);
  END IF;
  IF p ? 'studio' THEN
    kind := 'studio'; label := 'the studio';
  ELSIF p ? 'room' THEN
    kind := 'room'; id := setup_room_id(p->>'room', 'room');
    SELECT r.name INTO label FROM room r WHERE r.id = setup_target.id;
  ELSIF p ? 'staff' THEN
    kind := 'staff'; id := setup_staff_id(p_actor, p->>'staff', 'staff');
    SELECT s.display_name INTO label FROM staff s WHERE s.id = setup_target.id;
  ELSE
    kind := 'service'; id := setup_service_id(p->>'service', 'service');
    SELECT v.name INTO label FROM service v WHERE v.id = setup_target.id;
  END IF;
  IF v_role <> 'admin' AND NOT (p_staff_self_ok AND kind = 'staff'
      AND EXISTS (SELECT 1 FROM staff s WHERE s.id = setup_target.id AND s.user_id = p_actor)) THEN
    RAISE EXCEPTION '%', CASE WHEN p_staff_self_ok
      THEN 'staff may change only their own working hours and exceptions (--staff SELF); the rest is for an admin'
      ELSE 'only an admin may change the studio''s setup' END USING ERRCODE = 'RL403';
  END IF;
END $function$;

CREATE OR REPLACE FUNCTION public.setup_audit(p_actor uuid, p_action text, p_entity text, p_id text, p_diff jsonb)
 RETURNS void
 LANGUAGE sql
AS $function$
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, diff_json)
  VALUES (p_actor, p_action, p_entity, p_id, coalesce(p_diff, '{}'))
$function$;

-- setup_room_save: p_target NULL adds a room (p's name required); else
-- edits the room p_target names.
CREATE OR REPLACE FUNCTION public.setup_room_save(p_actor uuid, p_target text, p jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  r room%ROWTYPE;
  v_old jsonb;
BEGIN
  PERFORM setup_admin(p_actor, 'set up rooms');
  IF p_target IS NOT NULL THEN
    SELECT * INTO r FROM room WHERE room.id = setup_room_id(p_target, 'room') FOR UPDATE;
    v_old := to_jsonb(r);
  ELSE
    r.id := gen_random_uuid(); r.description := ''; r.tags := '{}'; r.equipment := '{}'; r.active := true;
    IF NOT p ? 'name' THEN
      PERFORM setup_fail('name', 'a room needs a name');
    END IF;
  END IF;
  IF p ? 'name' THEN
    r.name := admin_text(p->>'name', 'name', 80);
    IF r.name IS NULL THEN
      PERFORM setup_fail('name', 'a room needs a name');
    END IF;
    IF EXISTS (SELECT 1 FROM room x WHERE lower(x.name) = lower(r.name) AND x.id <> r.id) THEN
      PERFORM setup_fail('name', format('a room is already called "%s"', r.name));
    END IF;
  END IF;
  IF p ? 'capacity' THEN r.capacity := setup_int(p->>'capacity', 'capacity', 1, 1000); END IF;
  IF p ? 'tags' THEN r.tags := setup_list(p->>'tags', 'tags'); END IF;
  IF p ? 'equipment' THEN r.equipment := setup_list(p->>'equipment', 'equipment'); END IF;
  IF p ? 'description' THEN r.description := coalesce(admin_text(p->>'description', 'description', 2000), ''); END IF;
  IF p ? 'color' THEN
    IF btrim(p->>'color') = '' THEN
      r.color := NULL;
    ELSIF btrim(p->>'color') !~ '^#[0-9a-fA-F]{6}$' THEN
      PERFORM setup_fail('color', format('''%s'' is not a colour like #1b998b', left(p->>'color', 40)));
    ELSE
      r.color := lower(btrim(p->>'color'));
    END IF;
  END IF;
  IF p ? 'active' THEN r.active := setup_bool(p->>'active', 'active'); END IF;
  IF v_old IS NULL THEN
    INSERT INTO room VALUES (r.*);
  ELSE
    UPDATE room SET name = r.name, description = r.description, capacity = r.capacity, tags = r.tags,
      equipment = r.equipment, color = r.color, active = r.active WHERE room.id = r.id;
  END IF;
  PERFORM setup_audit(p_actor, CASE WHEN v_old IS NULL THEN 'room_add' ELSE 'room_edit' END, 'room',
    r.id::text, jsonb_build_object('before', v_old, 'after', to_jsonb(r)));
  RETURN jsonb_build_object('message', format('%s room %s', CASE WHEN v_old IS NULL THEN 'added' ELSE 'updated' END,
    r.name), 'room', to_jsonb(r));
END $function$;

CREATE OR REPLACE FUNCTION public.setup_service_save(p_actor uuid, p_target text, p jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  r service%ROWTYPE;
  v_old jsonb;
BEGIN
  PERFORM setup_admin(p_actor, 'set up services');
  IF p_target IS NOT NULL THEN
    SELECT * INTO r FROM service WHERE service.id = setup_service_id(p_target, 'service') FOR UPDATE;
    v_old := to_jsonb(r);
  ELSE
    r.id := gen_random_uuid(); r.description := ''; r.room_tags := '{}'; r.active := true;
    r.requires_engineer := false; r.is_addon := false;
    IF NOT p ? 'name' THEN
      PERFORM setup_fail('name', 'a service needs a name');
    END IF;
    IF NOT p ? 'duration' THEN
      PERFORM setup_fail('duration', 'a service needs a duration in minutes (--duration MIN)');
    END IF;
    IF NOT p ? 'price' THEN
      PERFORM setup_fail('price', 'a service needs a price in cents (--price CENTS)');
    END IF;
  END IF;
  IF p ? 'name' THEN
    r.name := admin_text(p->>'name', 'name', 80);
    IF r.name IS NULL THEN
      PERFORM setup_fail('name', 'a service needs a name');
    END IF;
    IF EXISTS (SELECT 1 FROM service x WHERE lower(x.name) = lower(r.name) AND x.id <> r.id) THEN
      PERFORM setup_fail('name', format('a service is already called "%s"', r.name));
    END IF;
  END IF;
  IF p ? 'duration' THEN
    r.default_duration_min := setup_int(p->>'duration', 'duration', 15, 24 * 60);
    IF r.default_duration_min % 15 <> 0 THEN
      PERFORM setup_fail('duration', format('%s minutes is not a multiple of 15', r.default_duration_min));
    END IF;
  END IF;
  IF p ? 'price' THEN r.base_price_cents := setup_int(p->>'price', 'price', 0, 100000000); END IF;
  IF p ? 'engineer' THEN r.requires_engineer := setup_bool(p->>'engineer', 'engineer'); END IF;
  IF p ? 'addon' THEN r.is_addon := setup_bool(p->>'addon', 'addon'); END IF;
  IF p ? 'active' THEN r.active := setup_bool(p->>'active', 'active'); END IF;
  IF p ? 'room_tags' THEN r.room_tags := setup_list(p->>'room_tags', 'room_tags'); END IF;
  IF p ? 'description' THEN r.description := coalesce(admin_text(p->>'description', 'description', 2000), ''); END IF;
  IF p ? 'skill' THEN
    r.staff_skill_required := admin_text(p->>'skill', 'skill', 60);
    IF r.staff_skill_required IS NOT NULL AND NOT p ? 'engineer' THEN
      r.requires_engineer := true;
    END IF;
  END IF;
  IF r.staff_skill_required IS NOT NULL AND NOT r.requires_engineer THEN
    PERFORM setup_fail('skill', 'a required skill needs an engineer (--engineer)');
  END IF;
  IF v_old IS NULL THEN
    INSERT INTO service VALUES (r.*);
  ELSE
    UPDATE service SET name = r.name, description = r.description,
      default_duration_min = r.default_duration_min, base_price_cents = r.base_price_cents,
      requires_engineer = r.requires_engineer, room_tags = r.room_tags,
      staff_skill_required = r.staff_skill_required, is_addon = r.is_addon, active = r.active
     WHERE service.id = r.id;
  END IF;
  PERFORM setup_audit(p_actor, CASE WHEN v_old IS NULL THEN 'service_add' ELSE 'service_edit' END, 'service',
    r.id::text, jsonb_build_object('before', v_old, 'after', to_jsonb(r)));
  RETURN jsonb_build_object('message', format('%s service %s', CASE WHEN v_old IS NULL THEN 'added' ELSE 'updated' END,
    r.name), 'service', to_jsonb(r));
END $function$;

CREATE OR REPLACE FUNCTION public.setup_staff_json(p_staff uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
  SELECT jsonb_build_object('id', s.id, 'user_id', s.user_id, 'email', u.email, 'name', s.display_name,
    'skills', to_jsonb(s.skills), 'hourly_rate_cents', s.hourly_rate_cents, 'active', s.active)
    FROM staff s LEFT JOIN app_user u ON u.id = s.user_id WHERE s.id = p_staff
$function$;

-- setup_staff_add: p's email and name required; password_hash (argon2id,
-- made by the caller) optional: without it the account cannot sign in.
CREATE OR REPLACE FUNCTION public.setup_staff_add(p_actor uuid, p_target text, p jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_email text := lower(btrim(coalesce(p->>'email', '')));
  v_name text := admin_text(p->>'name', 'name', 120);
  v_user uuid;
  v_staff uuid;
BEGIN
  PERFORM setup_admin(p_actor, 'add staff');
  IF v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' OR length(v_email) > 254 THEN
    PERFORM setup_fail('email', format('''%s'' is not an email address', left(p->>'email', 60)));
  END IF;
  IF EXISTS (SELECT 1 FROM app_user u WHERE u.email = v_email) THEN
    PERFORM setup_fail('email', format('an account already uses %s', v_email));
  END IF;
  IF v_name IS NULL THEN
    PERFORM setup_fail('name', 'a staff member needs a name');
  END IF;
  INSERT INTO app_user (email, password_hash, name, role)
  VALUES (v_email, nullif(p->>'password_hash', ''), v_name, 'staff') RETURNING id INTO v_user;
  INSERT INTO staff (user_id, display_name, skills, hourly_rate_cents)
  VALUES (v_user, v_name, coalesce(setup_list(p->>'skills', 'skills'), '{}'),
    setup_int(p->>'rate', 'rate', 0, 100000000))
  RETURNING id INTO v_staff;
  PERFORM setup_audit(p_actor, 'staff_add', 'staff', v_staff::text,
    jsonb_build_object('after', setup_staff_json(v_staff), 'password', p ? 'password_hash'));
  RETURN jsonb_build_object('message', format('added %s <%s> to the staff%s', v_name, v_email,
    CASE WHEN p ? 'password_hash' THEN '' ELSE ' (no password: they cannot sign in yet)' END),
    'staff', setup_staff_json(v_staff));
END $function$;

CREATE OR REPLACE FUNCTION public.setup_staff_edit(p_actor uuid, p_target text, p jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  s staff%ROWTYPE;
  v_old jsonb;
  v_codes text;
BEGIN
  PERFORM setup_admin(p_actor, 'edit staff');
  SELECT * INTO s FROM staff WHERE staff.id = setup_staff_id(p_actor, p_target, 'staff') FOR UPDATE;
  v_old := setup_staff_json(s.id);
  IF p ? 'name' THEN
    s.display_name := admin_text(p->>'name', 'name', 120);
    IF s.display_name IS NULL THEN
      PERFORM setup_fail('name', 'a staff member needs a name');
    END IF;
  END IF;
  IF p ? 'skills' THEN s.skills := setup_list(p->>'skills', 'skills'); END IF;
  IF p ? 'rate' THEN s.hourly_rate_cents := setup_int(p->>'rate', 'rate', 0, 100000000); END IF;
  IF p ? 'active' THEN
    s.active := setup_bool(p->>'active', 'active');
    IF NOT s.active THEN
      SELECT string_agg(b.code, ', ' ORDER BY b.start_at) INTO v_codes
        FROM booking_staff bs JOIN booking b ON b.id = bs.booking_id
       WHERE bs.staff_id = s.id AND booking_is_live(b.status) AND b.end_at > now();
      IF v_codes IS NOT NULL THEN
        PERFORM setup_fail('active', format('%s is still assigned to %s; reassign them first '
          '(assign-staff or swap-staff), then deactivate', s.display_name, v_codes));
      END IF;
    END IF;
  END IF;
  UPDATE staff SET display_name = s.display_name, skills = s.skills,
    hourly_rate_cents = s.hourly_rate_cents, active = s.active WHERE staff.id = s.id;
  PERFORM setup_audit(p_actor, 'staff_edit', 'staff', s.id::text,
    jsonb_build_object('before', v_old, 'after', setup_staff_json(s.id)));
  RETURN jsonb_build_object('message', format('updated %s', s.display_name), 'staff', setup_staff_json(s.id));
END $function$;

CREATE OR REPLACE FUNCTION public.setup_rule_json(r schedule_rule)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
  SELECT jsonb_build_object('id', r.id, 'target_type', r.target_type, 'target_id', r.target_id,
    'target_name', CASE r.target_type WHEN 'studio' THEN 'studio'
      WHEN 'room' THEN (SELECT name FROM room WHERE id = r.target_id)
      ELSE (SELECT display_name FROM staff WHERE id = r.target_id) END,
    'days', to_jsonb(string_to_array(setup_day_names(r.byweekday), ',')),
    'from', to_char(r.start_time, 'HH24:MI'),
    'to', CASE WHEN r.end_time = time '24:00' THEN '24:00' ELSE to_char(r.end_time, 'HH24:MI') END,
    'timezone', r.timezone, 'effective_from', r.effective_from, 'effective_to', r.effective_to)
$function$;

CREATE OR REPLACE FUNCTION public.setup_rule_add(p_actor uuid, p_target text, p jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  t record;
  r schedule_rule%ROWTYPE;
  o schedule_rule%ROWTYPE;
BEGIN
  SELECT * INTO t FROM setup_target(p_actor, p, false, true);
  r.id := gen_random_uuid();
  r.target_type := t.kind;
  r.target_id := t.id;
  r.byweekday := setup_days(p->>'days');
  r.start_time := setup_time(p->>'from', 'from');
  r.end_time := setup_time(p->>'to', 'to');
  IF r.end_time <= r.start_time THEN
    PERFORM setup_fail('to', format('%s is not after %s', p->>'to', p->>'from'));
  END IF;
  r.effective_from := setup_date(p->>'effective_from', 'effective_from');
  r.effective_to := setup_date(p->>'effective_to', 'effective_to');
  IF r.effective_from > r.effective_to THEN
    PERFORM setup_fail('effective_to', format('%s is before %s', r.effective_to, r.effective_from));
  END IF;
  SELECT s.timezone INTO r.timezone FROM settings s WHERE s.id = 1;
  SELECT * INTO o FROM schedule_rule x
   WHERE x.target_type = r.target_type AND x.target_id IS NOT DISTINCT FROM r.target_id
     AND x.byweekday && r.byweekday AND x.start_time < r.end_time AND r.start_time < x.end_time
     AND daterange(x.effective_from, x.effective_to, '[]') && daterange(r.effective_from, r.effective_to, '[]')
   LIMIT 1;
  IF FOUND THEN
    PERFORM setup_fail('days', format('overlaps rule %s of %s (%s %s-%s); delete it first (rule-del) or pick other hours',
      left(o.id::text, 8), t.label, setup_day_names(o.byweekday), to_char(o.start_time, 'HH24:MI'),
      to_char(o.end_time, 'HH24:MI')));
  END IF;
  INSERT INTO schedule_rule VALUES (r.*);
  PERFORM setup_audit(p_actor, 'rule_add', 'schedule_rule', r.id::text, jsonb_build_object('after', setup_rule_json(r)));
  RETURN jsonb_build_object('message', format('added rule %s: %s %s %s-%s', left(r.id::text, 8), t.label,
    setup_day_names(r.byweekday), p->>'from', p->>'to'), 'rule', setup_rule_json(r));
END $function$;

-- setup_may_touch: the actor may remove what targets (p_kind, p_id): an
-- admin anything, staff their own.
CREATE OR REPLACE FUNCTION public.setup_may_touch(p_actor uuid, p_kind text, p_id uuid)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF admin_actor(p_actor) <> 'admin' AND NOT (p_kind = 'staff'
      AND EXISTS (SELECT 1 FROM staff s WHERE s.id = p_id AND s.user_id = p_actor)) THEN
    RAISE EXCEPTION 'staff may change only their own working hours and exceptions; the rest is for an admin'
      USING ERRCODE = 'RL403';
  END IF;
END $function$;

-- setup_find_id: the one id of p_table that is p_id or starts with it
-- (at least 4 characters).
CREATE OR REPLACE FUNCTION public.setup_find_id(p_table text, p_id text, p_field text)
 RETURNS uuid
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_ids uuid[];
  v text := lower(btrim(coalesce(p_id, '')));
BEGIN
  IF length(v) < 4 THEN
    PERFORM setup_fail(p_field, 'give the id (at least its first 4 characters)');
  END IF;
  EXECUTE format('SELECT array_agg(id) FROM %I WHERE left(id::text, length($1)) = $1', p_table)
    INTO v_ids USING v;
  IF v_ids IS NULL THEN
    RAISE EXCEPTION '%: nothing has the id %', p_field, left(v, 40) USING ERRCODE = 'RL404', COLUMN = p_field;
  ELSIF cardinality(v_ids) > 1 THEN
    PERFORM setup_fail(p_field, format('%s matches several; give more of the id', v));
  END IF;
  RETURN v_ids[1];
END $function$;

CREATE OR REPLACE FUNCTION public.setup_rule_del(p_actor uuid, p_target text, p jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  r schedule_rule%ROWTYPE;
BEGIN
  SELECT * INTO r FROM schedule_rule WHERE id = setup_find_id('schedule_rule', p_target, 'id') FOR UPDATE;
  PERFORM setup_may_touch(p_actor, r.target_type, r.target_id);
  DELETE FROM schedule_rule WHERE id = r.id;
  PERFORM setup_audit(p_actor, 'rule_del', 'schedule_rule', r.id::text, jsonb_build_object('before', setup_rule_json(r)));
  RETURN jsonb_build_object('message', format('deleted rule %s', left(r.id::text, 8)), 'rule', setup_rule_json(r));
END $function$;

CREATE OR REPLACE FUNCTION public.setup_exception_json(x exception)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
  SELECT jsonb_build_object('id', x.id, 'target_type', x.target_type, 'target_id', x.target_id,
    'target_name', CASE x.target_type WHEN 'studio' THEN 'studio'
      WHEN 'room' THEN (SELECT name FROM room WHERE id = x.target_id)
      ELSE (SELECT display_name FROM staff WHERE id = x.target_id) END,
    'start_at', to_char(x.start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'end_at', to_char(x.end_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'start_local', admin_local(x.start_at), 'end_local', admin_local(x.end_at), 'reason', x.reason)
$function$;

-- setup_exception_add: p's start and end are instants (the caller read
-- studio time).
CREATE OR REPLACE FUNCTION public.setup_exception_add(p_actor uuid, p_target text, p jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  t record;
  x exception%ROWTYPE;
BEGIN
  SELECT * INTO t FROM setup_target(p_actor, p, false, true);
  IF p->>'start' IS NULL THEN
    PERFORM setup_fail('start', 'an exception needs --start "YYYY-MM-DD HH:MM"');
  END IF;
  IF p->>'end' IS NULL THEN
    PERFORM setup_fail('end', 'an exception needs --end "YYYY-MM-DD HH:MM"');
  END IF;
  x.id := gen_random_uuid();
  x.target_type := t.kind;
  x.target_id := t.id;
  x.start_at := (p->>'start')::timestamptz;
  x.end_at := (p->>'end')::timestamptz;
  IF x.end_at <= x.start_at THEN
    PERFORM setup_fail('end', format('%s is not after the start, %s', admin_local(x.end_at), admin_local(x.start_at)));
  END IF;
  x.reason := coalesce(admin_text(p->>'reason', 'reason', 500), '');
  INSERT INTO exception VALUES (x.*);
  PERFORM setup_audit(p_actor, 'exception_add', 'exception', x.id::text,
    jsonb_build_object('after', setup_exception_json(x)));
  RETURN jsonb_build_object('message', format('added exception %s: %s closed %s to %s', left(x.id::text, 8),
    t.label, admin_local(x.start_at), admin_local(x.end_at)), 'exception', setup_exception_json(x));
END $function$;

CREATE OR REPLACE FUNCTION public.setup_exception_del(p_actor uuid, p_target text, p jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  x exception%ROWTYPE;
BEGIN
  SELECT * INTO x FROM exception WHERE id = setup_find_id('exception', p_target, 'id') FOR UPDATE;
  PERFORM setup_may_touch(p_actor, x.target_type, x.target_id);
  DELETE FROM exception WHERE id = x.id;
  PERFORM setup_audit(p_actor, 'exception_del', 'exception', x.id::text,
    jsonb_build_object('before', setup_exception_json(x)));
  RETURN jsonb_build_object('message', format('deleted exception %s', left(x.id::text, 8)),
    'exception', setup_exception_json(x));
END $function$;

-- setup_rules_json: the weekly rules and the exceptions not yet over, for
-- one kind ('studio', 'room', 'staff') and target, or all (NULL).
CREATE OR REPLACE FUNCTION public.setup_rules_json(p_kind text, p_target text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_id uuid;
BEGIN
  IF p_kind = 'room' THEN
    v_id := setup_room_id(p_target, 'room');
  ELSIF p_kind = 'staff' THEN
    v_id := setup_staff_id(NULL, p_target, 'staff');
  END IF;
  RETURN jsonb_build_object(
    'rules', coalesce((SELECT jsonb_agg(setup_rule_json(r) ORDER BY r.target_type DESC, r.target_id,
        r.byweekday, r.start_time) FROM schedule_rule r
      WHERE p_kind IS NULL OR (r.target_type = p_kind AND r.target_id IS NOT DISTINCT FROM v_id)), '[]'),
    'exceptions', coalesce((SELECT jsonb_agg(setup_exception_json(x) ORDER BY x.start_at) FROM exception x
      WHERE x.end_at > now() AND (p_kind IS NULL
        OR (x.target_type = p_kind AND x.target_id IS NOT DISTINCT FROM v_id))), '[]'));
END $function$;

CREATE OR REPLACE FUNCTION public.setup_buffer_set(p_actor uuid, p_target text, p jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  t record;
  b buffer_rule%ROWTYPE;
  v_old jsonb;
BEGIN
  PERFORM setup_admin(p_actor, 'set buffers');
  SELECT * INTO t FROM setup_target(p_actor, p, true, false);
  IF t.kind = 'studio' THEN
    PERFORM setup_fail('target', 'buffers belong to a room, a service or a staff member');
  END IF;
  SELECT to_jsonb(x) INTO v_old FROM buffer_rule x WHERE x.scope = t.kind AND x.target_id = t.id;
  IF NOT p ? 'before' AND NOT p ? 'after' THEN
    PERFORM setup_fail('before', 'give --before MIN and --after MIN');
  END IF;
  INSERT INTO buffer_rule (scope, target_id, before_min, after_min)
  VALUES (t.kind, t.id, coalesce(setup_int(p->>'before', 'before', 0, 24 * 60), (v_old->>'before_min')::int, 0),
    coalesce(setup_int(p->>'after', 'after', 0, 24 * 60), (v_old->>'after_min')::int, 0))
  ON CONFLICT (scope, target_id) DO UPDATE SET before_min = EXCLUDED.before_min, after_min = EXCLUDED.after_min
  RETURNING * INTO b;
  PERFORM setup_audit(p_actor, 'buffer_set', 'buffer_rule', b.id::text,
    jsonb_build_object('target', t.label, 'before', v_old, 'after', to_jsonb(b)));
  RETURN jsonb_build_object('message', format('buffers of %s: %s min before, %s min after', t.label,
    b.before_min, b.after_min), 'buffer', to_jsonb(b) || jsonb_build_object('target_name', t.label));
END $function$;

CREATE OR REPLACE FUNCTION public.setup_settings_json()
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
  SELECT jsonb_build_object('settings', to_jsonb(s) - 'id') FROM settings s WHERE s.id = 1
$function$;

-- setup_settings_set: p_target the key, p's value the new value. The admin
-- check comes first, so a non-admin learns nothing of the keys; an unknown
-- key is refused naming every key there is. One audit row per change, with
-- the value before and after.
CREATE OR REPLACE FUNCTION public.setup_settings_set(p_actor uuid, p_target text, p jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  k text := lower(btrim(coalesce(p_target, '')));
  v text := btrim(coalesce(p->>'value', ''));
  v_old jsonb;
  v_new jsonb;
BEGIN
  PERFORM setup_admin(p_actor, 'change the settings');
  SELECT to_jsonb(s) -> k INTO v_old FROM settings s WHERE s.id = 1;
  CASE k
  WHEN 'studio_name' THEN
    IF admin_text(v, k, 120) IS NULL THEN
      PERFORM setup_fail(k, 'a name is needed');
    END IF;
    UPDATE settings SET studio_name = admin_text(v, k, 120);
  WHEN 'address' THEN
    IF v ~ '[\x01-\x1f\x7f]' THEN
      PERFORM setup_fail(k, 'one line of text, without control characters');
    END IF;
    UPDATE settings SET address = coalesce(admin_text(v, k, 300), '');
  WHEN 'policies_url' THEN
    IF v <> '' AND (v !~ '^https?://[^[:space:]/?#]+[^[:space:]]*$' OR length(v) > 500) THEN
      PERFORM setup_fail(k, format('''%s'' is not an http:// or https:// URL of at most 500 characters', left(v, 60)));
    END IF;
    UPDATE settings SET policies_url = v;
  WHEN 'timezone' THEN
    IF v !~ '^[A-Za-z0-9_+/-]+$' THEN
      PERFORM setup_fail(k, format('''%s'' is not a time zone', left(v, 60)));
    END IF;
    UPDATE schedule_rule SET timezone = v
     WHERE timezone = (SELECT timezone FROM settings WHERE id = 1);
    UPDATE settings SET timezone = v;
  WHEN 'lead_time_min' THEN UPDATE settings SET lead_time_min = setup_int(v, k, 0, 365 * 24 * 60);
  WHEN 'horizon_days' THEN UPDATE settings SET horizon_days = setup_int(v, k, 1, 3660);
  WHEN 'hold_ttl_min' THEN UPDATE settings SET hold_ttl_min = setup_int(v, k, 1, 24 * 60);
  WHEN 'tax_rate_bp' THEN UPDATE settings SET tax_rate_bp = setup_int(v, k, 0, 10000);
  WHEN 'fee_cents' THEN UPDATE settings SET fee_cents = setup_int(v, k, 0, 100000000);
  WHEN 'deposit_percent' THEN UPDATE settings SET deposit_percent = setup_int(v, k, 0, 100);
  WHEN 'balance_charge_hours' THEN UPDATE settings SET balance_charge_hours = setup_int(v, k, 0, 8784);
  WHEN 'cancellation_tiers' THEN
    BEGIN
      v_new := v::jsonb;
    EXCEPTION WHEN others THEN
      PERFORM setup_fail(k, 'is not JSON');
    END;
    IF jsonb_typeof(v_new) <> 'array' OR jsonb_array_length(v_new) = 0 THEN
      PERFORM setup_fail(k, 'must be a JSON array of {"min_hours_before": H, "refund_percent": P}');
    END IF;
    UPDATE settings SET cancellation_tiers = v_new;
  WHEN 'reschedule_free_min_hours' THEN UPDATE settings SET reschedule_free_min_hours = setup_int(v, k, 0, 24 * 365);
  WHEN 'reschedule_free_count' THEN UPDATE settings SET reschedule_free_count = setup_int(v, k, 0, 100);
  WHEN 'reschedule_fee_cents' THEN UPDATE settings SET reschedule_fee_cents = setup_int(v, k, 0, 100000000);
  WHEN 'approval_mode' THEN
    IF v NOT IN ('manual','auto') THEN
      PERFORM setup_fail(k, format('''%s'' is not manual or auto', left(v, 40)));
    END IF;
    UPDATE settings SET approval_mode = v;
  WHEN 'capture_mode' THEN
    IF v NOT IN ('manual','automatic') THEN
      PERFORM setup_fail(k, format('''%s'' is not manual or automatic', left(v, 40)));
    END IF;
    UPDATE settings SET capture_mode = v;
  WHEN 'reject_action' THEN
    IF v NOT IN ('cancel','refund') THEN
      PERFORM setup_fail(k, format('''%s'' is not cancel or refund', left(v, 40)));
    END IF;
    UPDATE settings SET reject_action = v;
  ELSE
    PERFORM setup_fail('key', format('no setting is called ''%s'' (settings: address, policies_url, '
      'timezone, lead_time_min, horizon_days, hold_ttl_min, tax_rate_bp, fee_cents, deposit_percent, '
      'cancellation_tiers, reschedule_free_min_hours, reschedule_free_count, reschedule_fee_cents, '
      'approval_mode, capture_mode, reject_action, studio_name, balance_charge_hours)', left(k, 40)));
  END CASE;
  SELECT to_jsonb(s) -> k INTO v_new FROM settings s WHERE s.id = 1;
  PERFORM setup_audit(p_actor, 'settings_set', 'settings', k,
    jsonb_build_object('key', k, 'before', v_old, 'after', v_new));
  RETURN jsonb_build_object('message', format('%s = %s (was %s)', k, v_new, v_old)) || setup_settings_json();
END $function$;
