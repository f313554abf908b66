-- 0018: the rest of what the artist receives (issue 13): SMS through
-- Twilio, the artist's phone and their consent, the booking's .ics for
-- the artist, the receipt's refunds, and the studio's address and
-- policies URL made settable.

-- ---- SMS ----

-- the delivering service's own id for a sent message (Twilio's SM...)
ALTER TABLE notification ADD COLUMN provider_ref text;

-- user_set_phone: the artist's phone (sealed by the caller with
-- secret_key: "v1:..." text, core/secret.h) and whether they want texts.
-- p_sealed NULL or '' forgets the phone, and with it the consent; opting
-- in without a phone is RL400 on sms_opt_in. Returns {phone_set,
-- sms_opt_in}.
CREATE FUNCTION user_set_phone(p_user uuid, p_sealed text, p_opt_in boolean) RETURNS jsonb
LANGUAGE plpgsql AS $$
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
END $$;

-- ---- the receipt ----

-- booking_receipt_json: the booking's money as stored: each payment
-- (amount, captured, status) and each refund (amount, kind, status,
-- reason), oldest first, and what the studio holds now. The booking
-- detail (db/booking-read.c) carries it as "receipt".
CREATE FUNCTION booking_receipt_json(p_booking uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
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
$$;

-- ---- the studio's address and policies URL ----

-- setup_settings_set gains two keys; every other key goes to the version
-- before this one, whatever it has become, renamed beside it.
ALTER FUNCTION setup_settings_set(uuid, text, jsonb) RENAME TO setup_settings_set_0017;

CREATE FUNCTION setup_settings_set(p_actor uuid, p_target text, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  k text := lower(btrim(coalesce(p_target, '')));
  v text := btrim(coalesce(p->>'value', ''));
  v_old jsonb;
  v_new jsonb;
  v_col text;
  v_msg text;
BEGIN
  IF k NOT IN ('address', 'policies_url') THEN
    BEGIN
      RETURN setup_settings_set_0017(p_actor, p_target, p);
    EXCEPTION WHEN SQLSTATE 'RL400' THEN
      -- an unknown key: its list of the settings names these two as well
      GET STACKED DIAGNOSTICS v_col = COLUMN_NAME, v_msg = MESSAGE_TEXT;
      IF v_col = 'key' AND position('(settings: ' IN v_msg) > 0 THEN
        RAISE EXCEPTION '%', replace(v_msg, '(settings: ', '(settings: address, policies_url, ')
          USING ERRCODE = 'RL400', COLUMN = 'key';
      END IF;
      RAISE;
    END;
  END IF;
  PERFORM setup_admin(p_actor, 'change the settings');
  SELECT to_jsonb(s) -> k INTO v_old FROM settings s WHERE s.id = 1;
  IF k = 'address' THEN
    IF v ~ '[\x01-\x1f\x7f]' THEN
      PERFORM setup_fail(k, 'one line of text, without control characters');
    END IF;
    UPDATE settings SET address = coalesce(admin_text(v, k, 300), '');
  ELSE
    IF v <> '' AND (v !~ '^https?://[^[:space:]/?#]+[^[:space:]]*$' OR length(v) > 500) THEN
      PERFORM setup_fail(k, format('''%s'' is not an http:// or https:// URL of at most 500 characters', left(v, 60)));
    END IF;
    UPDATE settings SET policies_url = v;
  END IF;
  SELECT to_jsonb(s) -> k INTO v_new FROM settings s WHERE s.id = 1;
  PERFORM setup_audit(p_actor, 'settings_set', 'settings', k,
    jsonb_build_object('key', k, 'before', v_old, 'after', v_new));
  RETURN jsonb_build_object('message', format('%s = %s (was %s)', k, v_new, v_old)) || setup_settings_json();
END $$;

-- ---- resending a message ----

-- notification_resend: staff send a failed or skipped message again (its
-- channel fixed, say): p_ref is its id or the first 8 or more characters
-- of it. The row goes back to pending under a new notification_resend job
-- (the worker's handler sends a job's rows, web/notify.c), keeping its
-- Message-ID, so a message that did reach the artist after all is
-- recognisable; audited. Returns {id, status, job_id}.
CREATE FUNCTION notification_resend(p_ref text, p_actor uuid) RETURNS jsonb LANGUAGE plpgsql AS $$
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
END $$;
