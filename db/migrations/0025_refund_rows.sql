-- 0025: refund_by_admin refunds every captured payment row of a booking,
-- not only its due-now one, and returns each refund it made (SETOF
-- refund, no longer one refund): a function's result type cannot be
-- replaced, so the old one goes here and db/functions/payments.sql
-- defines the new one, which `redlight migrate` applies after this.
DROP FUNCTION IF EXISTS refund_by_admin(text, uuid, bigint, text);
