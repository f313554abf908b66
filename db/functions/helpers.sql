-- db/functions/helpers.sql
-- Small helpers every family uses: who may act as which role (actor_role,
-- the permission check by actor kind) and timestamps as JSON.
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.

-- json_utc: an instant as RFC 3339 UTC text. STABLE, as to_char is: a
-- function declared IMMUTABLE over a STABLE body is never inlined, so
-- every call ran as a query of its own (planned each time).
CREATE OR REPLACE FUNCTION public.json_utc(t timestamp with time zone)
 RETURNS text
 LANGUAGE sql
 STABLE
AS $function$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $function$;

-- actor_role: check that p_actor may act as p_kind and return p_kind.
-- 'artist' needs a user; 'staff' a staff member or an admin; 'admin' an
-- admin; 'system' no user at all. Anything else is RL403.
CREATE OR REPLACE FUNCTION public.actor_role(p_actor uuid, p_kind text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
AS $function$
DECLARE
  v_role text;
BEGIN
  IF p_kind = 'system' AND p_actor IS NULL THEN
    RETURN p_kind;
  END IF;
  SELECT u.role INTO v_role FROM app_user u WHERE u.id = p_actor;
  IF v_role IS NOT NULL AND (p_kind = 'artist'
      OR (p_kind = 'staff' AND v_role IN ('staff','admin'))
      OR (p_kind = 'admin' AND v_role = 'admin')) THEN
    RETURN p_kind;
  END IF;
  IF p_kind IN ('staff','admin') THEN
    RAISE EXCEPTION 'only studio staff and admins may do that' USING ERRCODE = 'RL403';
  END IF;
  RAISE EXCEPTION 'you may not do that' USING ERRCODE = 'RL403';
END $function$;
