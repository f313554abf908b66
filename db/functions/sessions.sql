-- db/functions/sessions.sql
-- Sign-in sessions: the notices that keep redlightd's session cache
-- (web/sesscache.h) true.
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.
--
-- Each redlightd keeps the sessions it has looked up in memory (the
-- account, its role and staff id, and when the session expires), so a
-- request with a known cookie costs no query. Whatever ends a session or
-- changes what its account may do tells every redlightd on the channel
-- redlight_sessions, delivered when the change commits:
--   {"token_hash":"HEX"}   that session was deleted or changed (a logout,
--                          a revocation, a new expiry, the expired ones
--                          swept at login)
--   {"user_id":"UUID"}     that account changed (role, email, name, its
--                          staff row): every session of it is looked up
--                          afresh
-- The triggers are bound here, not in a migration: migrations run before
-- the families, so a migration could not name a function of this file on
-- a new database. CREATE OR REPLACE TRIGGER keeps this file repeatable.

-- session_notify_gone: a session row was deleted or changed.
CREATE OR REPLACE FUNCTION public.session_notify_gone()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  PERFORM pg_notify('redlight_sessions',
    json_build_object('token_hash', encode(OLD.token_hash, 'hex'))::text);
  RETURN NULL;
END $function$;

-- session_notify_user: an account, or the staff row naming it, changed.
CREATE OR REPLACE FUNCTION public.session_notify_user()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF TG_TABLE_NAME = 'staff' THEN
    IF TG_OP <> 'INSERT' AND OLD.user_id IS NOT NULL THEN
      PERFORM pg_notify('redlight_sessions', json_build_object('user_id', OLD.user_id)::text);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.user_id IS NOT NULL THEN
      PERFORM pg_notify('redlight_sessions', json_build_object('user_id', NEW.user_id)::text);
    END IF;
  ELSE
    PERFORM pg_notify('redlight_sessions', json_build_object('user_id', OLD.id)::text);
  END IF;
  RETURN NULL;
END $function$;

CREATE OR REPLACE TRIGGER session_gone_notify AFTER DELETE OR UPDATE ON session
  FOR EACH ROW EXECUTE FUNCTION session_notify_gone();
CREATE OR REPLACE TRIGGER session_user_notify AFTER UPDATE OF email, name, role OR DELETE
  ON app_user FOR EACH ROW EXECUTE FUNCTION session_notify_user();
CREATE OR REPLACE TRIGGER session_staff_notify AFTER INSERT OR DELETE OR UPDATE OF user_id
  ON staff FOR EACH ROW EXECUTE FUNCTION session_notify_user();
