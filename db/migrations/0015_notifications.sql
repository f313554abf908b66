-- 0015: what the artist receives (issue 13). Every message is a row of
-- notification, written in the transaction that causes it and sent by the
-- worker (web/notify.c) when it runs the job that row belongs to.
--
-- How a row comes to be: the booking transitions enqueue their jobs as
-- before (core/bstate.c's effects email_approved, email_rejected,
-- email_canceled; booking_submitted, booking_canceled and
-- booking_rescheduled from the artist's functions; booking_reminder from
-- the trigger below). A BEFORE INSERT trigger on job turns each such job
-- into its messages: one email row, and one SMS row when the artist opted
-- in and gave a phone, each holding a snapshot of the booking as the
-- change left it (payload_json) and the job's id (job_id). The job is
-- then the sending of those rows: the worker sends
-- each row not sent yet, so a job retried after a partial failure sends
-- only what is still owed. The trigger is the one place this happens, so
-- whichever function (or a later rewrite of it) makes the change, the
-- message follows.
--
-- The invite: booking.ics_sequence is raised on every change the artist
-- sees in their calendar (approval, a new time or room, a cancel of a
-- confirmed booking), by a trigger, so the invite each message carries has
-- the SEQUENCE mail programs need to update it in place. One UID per
-- booking (its id), the same in every message.
--
-- Reminders: confirming a booking, or moving a confirmed one, queues a
-- booking_reminder job due 24 real hours (an interval on timestamptz: UTC
-- instants) before the session; moving, canceling or rejecting it
-- cancels the queued one, all in the changing transaction.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- ---- what messages need ----

ALTER TABLE settings
  ADD COLUMN address text NOT NULL DEFAULT '',
  ADD COLUMN policies_url text NOT NULL DEFAULT '';

ALTER TABLE app_user ADD COLUMN sms_opt_in boolean NOT NULL DEFAULT false;

ALTER TABLE booking
  ADD COLUMN ics_sequence int NOT NULL DEFAULT 0 CHECK (ics_sequence >= 0),
  -- the artist's link to their booking's .ics: 32 random bytes, hex
  ADD COLUMN ics_token text NOT NULL DEFAULT encode(gen_random_bytes(32), 'hex');

-- ---- the notification rows ----

ALTER TABLE notification DROP CONSTRAINT notification_status_check;
-- pending: not sent yet (or a try failed and the job will try again);
-- sent; failed: the job gave up; skipped: the channel is not configured,
-- error says so; canceled: the change it announced was undone first
-- (a reminder for a session moved or canceled).
ALTER TABLE notification ADD CONSTRAINT notification_status_check
  CHECK (status IN ('pending','sent','failed','skipped','canceled'));
ALTER TABLE notification
  ADD COLUMN job_id bigint,
  ADD COLUMN attempts int NOT NULL DEFAULT 0,
  -- "<...@...>", fixed by the first attempt and kept for every later one,
  -- so a retry after an unclear failure sends the same message (the
  -- same bytes: core/mail.c derives its boundaries from it)
  ADD COLUMN message_id text UNIQUE,
  ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX notification_job_idx ON notification (job_id);
CREATE INDEX notification_recent_idx ON notification (created_at DESC);
CREATE INDEX notification_failed_idx ON notification (created_at DESC) WHERE status = 'failed';

-- notification_template: the template a job kind's messages use; NULL
-- for a kind that sends none.
CREATE FUNCTION notification_template(p_kind text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p_kind
    WHEN 'booking_submitted' THEN 'submitted'
    WHEN 'email_approved' THEN 'approved'
    WHEN 'email_rejected' THEN 'rejected'
    WHEN 'email_canceled' THEN 'canceled'
    WHEN 'booking_canceled' THEN 'canceled'
    WHEN 'booking_rescheduled' THEN 'rescheduled'
    WHEN 'booking_reminder' THEN 'reminder'
    WHEN 'payment_action_needed' THEN 'payment_action' END
$$;

-- notification_snapshot: what a message about p_booking says, as the
-- change left it; p_extra (the job's payload: reason, message, refund)
-- is kept beside it.
CREATE FUNCTION notification_snapshot(p_booking uuid, p_extra jsonb) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'booking_id', b.id, 'code', b.code, 'status', b.status,
    'sequence', b.ics_sequence, 'ics_token', b.ics_token,
    -- a cancel of a booking that was confirmed carries METHOD:CANCEL
    'was_confirmed', b.approved_at IS NOT NULL,
    'start_at', json_utc(b.start_at), 'end_at', json_utc(b.end_at),
    'room_name', r.name, 'artist_name', u.name, 'artist_email', u.email,
    'studio_name', s.studio_name, 'timezone', s.timezone, 'address', s.address,
    'policies_url', s.policies_url,
    'services', coalesce((SELECT string_agg(coalesce(bs.name, sv.name), ', '
        ORDER BY sv.is_addon, coalesce(bs.name, sv.name))
        FROM booking_service bs JOIN service sv ON sv.id = bs.service_id
       WHERE bs.booking_id = b.id), ''),
    'total_cents', q.total_cents, 'deposit_cents', q.deposit_cents,
    'currency', coalesce(q.currency, s.currency), 'policy', q.policy_summary,
    'reason', p_extra->>'reason', 'message', p_extra->>'message',
    'refund_cents', p_extra->'refund_cents')
    FROM booking b JOIN room r ON r.id = b.room_id JOIN app_user u ON u.id = b.user_id
    CROSS JOIN settings s LEFT JOIN booking_quote q ON q.booking_id = b.id
   WHERE b.id = p_booking AND s.id = 1
$$;

-- notification_enqueue: a job that sends messages gets its rows (see the
-- top); a booking_id that is not a uuid names no booking. A booking without an artist (the studio's own) has nobody to
-- tell: the job gets no rows and the worker finishes it skipped.
CREATE FUNCTION notification_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_tmpl text := notification_template(NEW.kind);
  v_booking uuid;
  v_snap jsonb;
  v_user app_user%ROWTYPE;
BEGIN
  IF NEW.payload->>'booking_id' ~ '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$' THEN
    v_booking := (NEW.payload->>'booking_id')::uuid;
    v_snap := notification_snapshot(v_booking, NEW.payload);
    SELECT u.* INTO v_user FROM app_user u JOIN booking b ON b.user_id = u.id WHERE b.id = v_booking;
  END IF;
  IF v_snap IS NOT NULL THEN
    INSERT INTO notification (user_id, booking_id, channel, template, payload_json, job_id)
    VALUES (v_user.id, v_booking, 'email', v_tmpl, v_snap, NEW.id);
    IF v_user.sms_opt_in AND v_user.phone_enc IS NOT NULL THEN
      INSERT INTO notification (user_id, booking_id, channel, template, payload_json, job_id)
      VALUES (v_user.id, v_booking, 'sms', v_tmpl, v_snap, NEW.id);
    END IF;
  END IF;
  RETURN NEW;
END $$;
-- BEFORE, so that the rows go in with the job (its id is already drawn)
-- and a failure here fails the change that caused them.
CREATE TRIGGER job_notification_enqueue BEFORE INSERT ON job
  FOR EACH ROW WHEN (notification_template(NEW.kind) IS NOT NULL)
  EXECUTE FUNCTION notification_enqueue();

-- ---- the invite's SEQUENCE ----

CREATE FUNCTION booking_ics_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (OLD.status = 'awaiting_approval' AND NEW.status = 'confirmed')
     OR (OLD.status = 'confirmed' AND NEW.status = 'canceled')
     OR (NEW.status IN ('awaiting_approval', 'confirmed')
         AND (OLD.start_at, OLD.end_at, OLD.room_id) IS DISTINCT FROM (NEW.start_at, NEW.end_at, NEW.room_id))
  THEN
    NEW.ics_sequence := OLD.ics_sequence + 1;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER booking_ics_sequence BEFORE UPDATE ON booking
  FOR EACH ROW EXECUTE FUNCTION booking_ics_sequence();

-- ---- reminders ----

-- How long before a session its reminder goes out.
CREATE FUNCTION reminder_lead() RETURNS interval LANGUAGE sql IMMUTABLE AS $$ SELECT interval '24 hours' $$;

CREATE INDEX job_reminder_idx ON job (((payload->>'booking_id')))
  WHERE kind = 'booking_reminder' AND status = 'queued';

-- booking_reminder_sync: after a booking's status or time changed, its
-- queued reminder (if any) goes, and a confirmed booking whose session is
-- more than reminder_lead() away gets one due then. A reminder that would
-- be due already is not queued: the approval just told the artist.
CREATE FUNCTION booking_reminder_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH gone AS (
    UPDATE job j SET status = 'canceled', finished_at = clock_timestamp(),
      reason = 'the booking was ' || CASE WHEN NEW.status = 'confirmed' THEN 'moved' ELSE NEW.status END
     WHERE j.kind = 'booking_reminder' AND j.status = 'queued'
       AND j.payload->>'booking_id' = NEW.id::text
    RETURNING j.id)
  UPDATE notification n SET status = 'canceled', updated_at = now(),
    error = 'the booking changed before the reminder was due'
    FROM gone WHERE n.job_id = gone.id AND n.status = 'pending';
  IF NEW.status = 'confirmed' AND NEW.start_at - reminder_lead() > clock_timestamp() THEN
    INSERT INTO job (kind, payload, run_at)
    VALUES ('booking_reminder', jsonb_build_object('booking_id', NEW.id),
      NEW.start_at - reminder_lead());
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER booking_reminder_sync AFTER UPDATE ON booking
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
    OR OLD.start_at IS DISTINCT FROM NEW.start_at)
  EXECUTE FUNCTION booking_reminder_sync();

-- ---- the worker's side ----

-- notification_attempt: a try of p_id begins: counts it and fixes its
-- Message-ID (p_message_id the first time; the stored one after).
-- Returns the row as the worker needs it, or nothing when it is no longer
-- owed (sent, canceled).
CREATE FUNCTION notification_attempt(p_id uuid, p_message_id text)
RETURNS TABLE (channel text, template text, payload jsonb, message_id text, phone_enc bytea,
  created_at timestamptz)
LANGUAGE sql AS $$
  UPDATE notification n SET attempts = n.attempts + 1, updated_at = now(),
    message_id = coalesce(n.message_id, p_message_id)
    FROM notification o LEFT JOIN app_user u ON u.id = o.user_id
   WHERE n.id = p_id AND o.id = n.id AND n.status IN ('pending', 'failed')
  RETURNING n.channel, n.template, n.payload_json, n.message_id, u.phone_enc, n.created_at
$$;

-- notification_result: what the try came to: 'sent', 'pending' (it
-- failed and the job tries again), 'failed' (the job gave up), 'skipped'.
CREATE FUNCTION notification_result(p_id uuid, p_status text, p_error text) RETURNS void
LANGUAGE sql AS $$
  UPDATE notification SET status = p_status, updated_at = now(),
    error = CASE WHEN p_status = 'sent' THEN NULL ELSE p_error END,
    sent_at = CASE WHEN p_status = 'sent' THEN now() ELSE sent_at END
   WHERE id = p_id AND status IN ('pending', 'failed')
$$;
