-- db/functions/notifications.sql
-- Notifications: templates, the snapshot and queue of emails and texts,
-- their results and resends, reminders, the invite's sequence, the
-- receipt and the artist's phone opt-in.
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.

-- notification_template: the template a job kind's messages use; NULL
-- for a kind that sends none.
CREATE OR REPLACE FUNCTION public.notification_template(p_kind text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$
  SELECT CASE p_kind
    WHEN 'booking_submitted' THEN 'submitted'
    WHEN 'email_approved' THEN 'approved'
    WHEN 'email_rejected' THEN 'rejected'
    WHEN 'email_canceled' THEN 'canceled'
    WHEN 'booking_canceled' THEN 'canceled'
    WHEN 'booking_rescheduled' THEN 'rescheduled'
    WHEN 'booking_reminder' THEN 'reminder'
    WHEN 'payment_action_needed' THEN 'payment_action' END
$function$;

-- notification_snapshot: what a message about p_booking says, as the
-- change left it; p_extra (the job's payload: reason, message, refund)
-- is kept beside it. NULL when there is no such booking or it has no
-- artist. plpgsql, not sql: a sql function called from a trigger is
-- parsed and planned again on every call (0.5 ms of a booking's 2.5 ms
-- in PostgreSQL 15); plpgsql keeps the plan for the connection.
CREATE OR REPLACE FUNCTION public.notification_snapshot(p_booking uuid, p_extra jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
AS $function$
BEGIN
  RETURN (SELECT jsonb_build_object(
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
   WHERE b.id = p_booking AND s.id = 1);
END $function$;

-- notification_enqueue: a job that sends messages gets its rows (see the
-- top); a booking_id that is not a uuid names no booking. A booking without an artist (the studio's own) has nobody to
-- tell: the job gets no rows and the worker finishes it skipped.
CREATE OR REPLACE FUNCTION public.notification_enqueue()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
END $function$;

CREATE OR REPLACE FUNCTION public.booking_ics_sequence()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF (OLD.status = 'awaiting_approval' AND NEW.status = 'confirmed')
     OR (OLD.status = 'confirmed' AND NEW.status = 'canceled')
     OR (NEW.status IN ('awaiting_approval', 'confirmed')
         AND (OLD.start_at, OLD.end_at, OLD.room_id) IS DISTINCT FROM (NEW.start_at, NEW.end_at, NEW.room_id))
  THEN
    NEW.ics_sequence := OLD.ics_sequence + 1;
  END IF;
  RETURN NEW;
END $function$;

-- How long before a session its reminder goes out.
CREATE OR REPLACE FUNCTION public.reminder_lead()
 RETURNS interval
 LANGUAGE sql
 IMMUTABLE
AS $function$ SELECT interval '24 hours' $function$;

-- booking_reminder_sync: after a booking's status or time changed, its
-- queued reminder (if any) goes, and a confirmed booking whose session is
-- more than reminder_lead() away gets one due then. A reminder that would
-- be due already is not queued: the approval just told the artist.
CREATE OR REPLACE FUNCTION public.booking_reminder_sync()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
END $function$;

-- notification_attempt: a try of p_id begins: counts it and fixes its
-- Message-ID (p_message_id the first time; the stored one after).
-- Returns the row as the worker needs it, or nothing when it is no longer
-- owed (sent, canceled). This and notification_result are plpgsql, as
-- notification_snapshot is, so the worker's statements for every message
-- keep their plans.
CREATE OR REPLACE FUNCTION public.notification_attempt(p_id uuid, p_message_id text)
 RETURNS TABLE(channel text, template text, payload jsonb, message_id text, phone_enc bytea, created_at timestamp with time zone)
 LANGUAGE plpgsql
AS $function$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  UPDATE notification n SET attempts = n.attempts + 1, updated_at = now(),
    message_id = coalesce(n.message_id, p_message_id)
    FROM notification o LEFT JOIN app_user u ON u.id = o.user_id
   WHERE n.id = p_id AND o.id = n.id AND n.status IN ('pending', 'failed')
  RETURNING n.channel, n.template, n.payload_json, n.message_id, u.phone_enc, n.created_at;
END $function$;

-- notification_result: what the try came to: 'sent', 'pending' (it
-- failed and the job tries again), 'failed' (the job gave up), 'skipped'.
CREATE OR REPLACE FUNCTION public.notification_result(p_id uuid, p_status text, p_error text)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
  UPDATE notification SET status = p_status, updated_at = now(),
    error = CASE WHEN p_status = 'sent' THEN NULL ELSE p_error END,
    sent_at = CASE WHEN p_status = 'sent' THEN now() ELSE sent_at END
   WHERE id = p_id AND status IN ('pending', 'failed');
END $function$;

-- user_set_phone: the artist's phone (sealed by the caller with
-- secret_key: "v1:..." text, core/secret.h) and whether they want texts.
-- p_sealed NULL or '' forgets the phone, and with it the consent; opting
-- in without a phone is RL400 on sms_opt_in. Returns {phone_set,
-- sms_opt_in}.
CREATE OR REPLACE FUNCTION public.user_set_phone(p_user uuid, p_sealed text, p_opt_in boolean)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_phone bytea := CASE WHEN coalesce(p_sealed, '') = '' THEN NULL ELSE convert_to(p_sealed, 'UTF8') END;
  v_user app_user%ROWTYPE;
BEGIN
  IF p_opt_in AND v_phone IS NULL THEN
    RAISE EXCEPTION 'texts need a phone number' USING ERRCODE = 'RL400', COLUMN = 'sms_opt_in';
  END IF;
  UPDATE app_user SET phone_enc = v_phone, sms_opt_in = coalesce(p_opt_in, false) AND v_phone IS NOT NULL
   WHERE id = p_user RETURNING * INTO v_user;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such account' USING ERRCODE = 'RL404';
  END IF;
  RETURN jsonb_build_object('phone_set', v_user.phone_enc IS NOT NULL, 'sms_opt_in', v_user.sms_opt_in);
END $function$;

-- booking_receipt_json: the booking's money as stored: each payment
-- (amount, captured, status) and each refund (amount, kind, status,
-- reason), oldest first, and what the studio holds now. The booking
-- detail (db/booking-read.c) carries it as "receipt".
CREATE OR REPLACE FUNCTION public.booking_receipt_json(p_booking uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
  SELECT jsonb_build_object(
    'payments', coalesce((SELECT jsonb_agg(jsonb_build_object('id', p.id, 'amount_cents', p.amount_cents,
        'captured_cents', p.captured_cents, 'currency', p.currency, 'status', p.status,
        'created_at', json_utc(p.created_at)) ORDER BY p.created_at, p.id)
        FROM payment p WHERE p.booking_id = p_booking), '[]'),
    'refunds', coalesce((SELECT jsonb_agg(jsonb_build_object('id', r.id, 'amount_cents', r.amount_cents,
        'currency', p.currency, 'kind', r.kind, 'status', r.status, 'reason', r.reason,
        'created_at', json_utc(r.created_at)) ORDER BY r.created_at, r.id)
        FROM refund r JOIN payment p ON p.id = r.payment_id WHERE p.booking_id = p_booking), '[]'),
    'paid_cents', booking_paid_cents(p_booking))
$function$;

-- notification_resend: staff send a failed or skipped message again (its
-- channel fixed, say): p_ref is its id or the first 8 or more characters
-- of it. The row goes back to pending under a new notification_resend job
-- (the worker's handler sends a job's rows, web/notify.c), keeping its
-- Message-ID, so a message that did reach the artist after all is
-- recognisable; audited. Returns {id, status, job_id}.
CREATE OR REPLACE FUNCTION public.notification_resend(p_ref text, p_actor uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_ref text := lower(btrim(coalesce(p_ref, '')));
  v_n notification%ROWTYPE;
  v_count int;
  v_job bigint;
BEGIN
  PERFORM admin_actor(p_actor);
  IF v_ref !~ '^[0-9a-f-]{8,36}$' THEN
    RAISE EXCEPTION 'a notification is named by its id (8 or more of its first characters)'
      USING ERRCODE = 'RL400', COLUMN = 'id';
  END IF;
  SELECT count(*) INTO v_count FROM notification WHERE id::text LIKE v_ref || '%';
  IF v_count > 1 THEN
    RAISE EXCEPTION '% names % notifications: give more of the id', v_ref, v_count
      USING ERRCODE = 'RL400', COLUMN = 'id';
  END IF;
  SELECT * INTO v_n FROM notification WHERE id::text LIKE v_ref || '%' FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no notification %', v_ref USING ERRCODE = 'RL404', COLUMN = 'id';
  END IF;
  IF v_n.status NOT IN ('failed', 'skipped') THEN
    RAISE EXCEPTION 'notification % is %; only a failed or skipped one can be sent again', left(v_n.id::text, 8),
      v_n.status USING ERRCODE = 'RL409', COLUMN = 'status';
  END IF;
  INSERT INTO job (kind, payload)
  VALUES ('notification_resend', jsonb_build_object('notification_id', v_n.id, 'booking_id', v_n.booking_id))
  RETURNING id INTO v_job;
  UPDATE notification SET status = 'pending', job_id = v_job, error = NULL, updated_at = now()
   WHERE id = v_n.id;
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, diff_json)
  VALUES (p_actor, 'notification_resend', 'notification', v_n.id::text,
    jsonb_build_object('channel', v_n.channel, 'template', v_n.template,
      'status', jsonb_build_array(v_n.status, 'pending'), 'job_id', v_job));
  RETURN jsonb_build_object('id', v_n.id, 'status', 'pending', 'job_id', v_job);
END $function$;
