-- An Idempotency-Key's row is now written only with its answer, in the
-- transaction of the change it answers (web/idem.h), so a key is never
-- "running": rows left by the old claim-first scheme (no answer yet) go,
-- and every row has its answer.
DELETE FROM idempotency_key WHERE status_code IS NULL OR response_body IS NULL;
ALTER TABLE idempotency_key
  ALTER COLUMN status_code SET NOT NULL,
  ALTER COLUMN response_body SET NOT NULL;
