-- db/functions/idempotency.sql
-- The Idempotency-Key's answers (web/idem.h).
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.

-- idempotency_answer_store: keep a request's answer under its key,
-- taking the row of a key older than p_hours. When a younger answer is
-- there (this insert waited for its transaction, the primary key), the
-- concurrent duplicate answered first: RL409 on Idempotency-Key, so that
-- the COMMIT redlightd sends in the same round trip commits nothing, and
-- redlightd replays that answer instead.
CREATE OR REPLACE FUNCTION public.idempotency_answer_store(p_scope text, p_key text,
  p_hash bytea, p_status integer, p_body text, p_hours integer)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
  INSERT INTO idempotency_key AS k (scope, key, request_hash, status_code, response_body)
  VALUES (p_scope, p_key, p_hash, p_status, p_body)
  ON CONFLICT (scope, key) DO UPDATE
    SET request_hash = EXCLUDED.request_hash, status_code = EXCLUDED.status_code,
        response_body = EXCLUDED.response_body, created_at = now()
    WHERE k.created_at < now() - make_interval(hours => p_hours);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'another request with this Idempotency-Key answered first'
      USING ERRCODE = 'RL409', COLUMN = 'Idempotency-Key';
  END IF;
END $function$;
