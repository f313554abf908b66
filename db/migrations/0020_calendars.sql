-- 0020: staff calendars on Google Calendar v3 and Microsoft Graph.
--
-- A staff member connects a calendar through OAuth 2.0's authorization
-- code flow (`redlight calendar-connect`, redlightd's callback, the
-- worker's token exchange): calendar_connection holds where that stands
-- and, once connected, the refresh token sealed with the configured
-- secret_key (core/secret.c); nothing here can read it.
--
-- calendar_sync keeps one row per booking, staff member and provider: the
-- provider's event id, what the last attempt did and how it ended (the
-- board's and the booking screen's flag, booking_sync_error in 0007).
-- calendar_sync_attempt records every attempt. The worker reconciles a
-- booking at a time: the event exists, at the booking's times, exactly on
-- the calendars of the staff assigned to a confirmed booking.

CREATE TABLE calendar_connection (
  staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider IN ('google','outlook')),
  -- pending: the consent URL is out; exchanging: the code arrived and the
  -- worker trades it; connected; reconnect_needed: the provider refused
  -- the refresh token; failed: the consent or the exchange failed
  status text NOT NULL CHECK (status IN ('pending','exchanging','connected','reconnect_needed','failed')),
  state_hash text,              -- SHA-256 (hex) of the consent URL's state, single use
  state_expires_at timestamptz,
  verifier_sealed text,         -- the PKCE code_verifier, sealed
  code_sealed text,             -- the authorization code until it is exchanged, sealed
  refresh_token_sealed text,
  error text,
  connected_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (staff_id, provider)
);
CREATE UNIQUE INDEX calendar_connection_state_idx ON calendar_connection (state_hash)
  WHERE state_hash IS NOT NULL;

ALTER TABLE calendar_sync
  ADD COLUMN action text CHECK (action IN ('create','update','delete')),
  -- raised each time an event is deleted: a later create is a new one
  -- (Graph's transactionId carries it)
  ADD COLUMN create_gen int NOT NULL DEFAULT 0,
  ADD COLUMN synced_start timestamptz,
  ADD COLUMN synced_end timestamptz,
  ADD COLUMN synced_summary text;
CREATE UNIQUE INDEX calendar_sync_pair_idx ON calendar_sync (booking_id, staff_id, provider);

CREATE TABLE calendar_sync_attempt (
  id bigserial PRIMARY KEY,
  booking_id uuid NOT NULL REFERENCES booking(id) ON DELETE CASCADE,
  staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider IN ('google','outlook')),
  action text NOT NULL CHECK (action IN ('create','update','delete')),
  status text NOT NULL CHECK (status IN ('synced','failed')),
  http_status int,
  error text,
  external_event_id text,
  attempted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX calendar_sync_attempt_booking_idx ON calendar_sync_attempt (booking_id, id);

-- calendar_connect_begin: an admin starts p_staff's connection to
-- p_provider: the consent URL carries a state whose hash is kept here for
-- 15 minutes, with the sealed PKCE verifier. Audited.
CREATE FUNCTION calendar_connect_begin(p_actor uuid, p_staff uuid, p_provider text,
  p_state_hash text, p_verifier_sealed text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF admin_actor(p_actor) <> 'admin' THEN
    RAISE EXCEPTION 'only an admin may connect a staff calendar' USING ERRCODE = 'RL403';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM staff WHERE id = p_staff AND active) THEN
    RAISE EXCEPTION 'no such staff member' USING ERRCODE = 'RL404', COLUMN = 'staff';
  END IF;
  INSERT INTO calendar_connection AS c (staff_id, provider, status, state_hash, state_expires_at,
    verifier_sealed, code_sealed, error)
  VALUES (p_staff, p_provider, 'pending', p_state_hash, now() + interval '15 minutes',
    p_verifier_sealed, NULL, NULL)
  -- a connected calendar stays in use until the new consent comes back
  ON CONFLICT (staff_id, provider) DO UPDATE SET
    status = CASE WHEN c.status = 'connected' THEN 'connected' ELSE 'pending' END,
    state_hash = EXCLUDED.state_hash, state_expires_at = EXCLUDED.state_expires_at,
    verifier_sealed = EXCLUDED.verifier_sealed, code_sealed = NULL, error = NULL, updated_at = now();
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, diff_json)
  VALUES (p_actor, 'calendar_connect', 'staff', p_staff::text,
    jsonb_build_object('provider', p_provider));
END $$;

-- calendar_connect_code: the callback's code (sealed) for the connection
-- whose state hashes to p_state_hash; the state is used up and
-- a calendar_connect job trades the code. p_error: the provider's error
-- (the person declined): the connection is failed with it. Returns the
-- staff member's name; RL404 for an unknown, used or expired state.
CREATE FUNCTION calendar_connect_code(p_provider text, p_state_hash text, p_code_sealed text,
  p_error text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  c calendar_connection%ROWTYPE;
BEGIN
  UPDATE calendar_connection SET state_hash = NULL, updated_at = now(),
         status = CASE WHEN p_error IS NULL THEN 'exchanging' ELSE 'failed' END,
         code_sealed = CASE WHEN p_error IS NULL THEN p_code_sealed END,
         error = CASE WHEN p_error IS NULL THEN NULL ELSE 'the consent was not given: ' || p_error END
   WHERE provider = p_provider AND state_hash = p_state_hash AND state_expires_at > now()
  RETURNING * INTO c;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'this link is unknown, used or expired: run redlight calendar-connect again'
      USING ERRCODE = 'RL404', COLUMN = 'state';
  END IF;
  IF p_error IS NULL THEN
    INSERT INTO job (kind, payload) VALUES ('calendar_connect',
      jsonb_build_object('staff_id', c.staff_id, 'provider', p_provider));
  END IF;
  RETURN (SELECT display_name FROM staff WHERE id = c.staff_id);
END $$;

-- calendar_connected: the exchange worked: keep the sealed refresh token
-- and put the staff member's confirmed sessions still to come on the new
-- calendar (one calendar_sync job each).
CREATE FUNCTION calendar_connected(p_staff uuid, p_provider text, p_refresh_sealed text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE calendar_connection SET status = 'connected', refresh_token_sealed = p_refresh_sealed,
         code_sealed = NULL, verifier_sealed = NULL, error = NULL, connected_at = now(),
         updated_at = now()
   WHERE staff_id = p_staff AND provider = p_provider;
  INSERT INTO job (kind, payload)
  SELECT 'calendar_sync', jsonb_build_object('booking_id', b.id, 'code', b.code, 'why', 'connected')
    FROM booking b JOIN booking_staff bs ON bs.booking_id = b.id
   WHERE bs.staff_id = p_staff AND b.status = 'confirmed' AND b.end_at > now();
END $$;

-- calendar_connection_fail: the connection p_status ('failed' or
-- 'reconnect_needed') with why. The refresh token stays, for the record of
-- what was refused; it is no longer used.
CREATE FUNCTION calendar_connection_fail(p_staff uuid, p_provider text, p_status text, p_error text)
RETURNS void LANGUAGE sql AS $$
  UPDATE calendar_connection SET status = p_status, error = p_error, code_sealed = NULL,
         updated_at = now()
   WHERE staff_id = p_staff AND provider = p_provider
$$;

-- calendar_summary: the event's title, "RL-CODE: Room (Services)".
CREATE FUNCTION calendar_summary(p_booking uuid) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT b.code || ': ' || r.name || coalesce(' (' || (SELECT string_agg(s.name, ', ' ORDER BY s.name)
           FROM booking_service bsv JOIN service s ON s.id = bsv.service_id
          WHERE bsv.booking_id = b.id) || ')', '')
    FROM booking b JOIN room r ON r.id = b.room_id
   WHERE b.id = p_booking
$$;

-- calendar_sync_plan: what p_booking's calendars should hold, one row per
-- staff member and provider that has or should have its event: want is
-- true when the booking is confirmed and the staff member assigned.
CREATE FUNCTION calendar_sync_plan(p_booking uuid)
RETURNS TABLE (staff_id uuid, provider text, want boolean, conn_status text,
  refresh_token_sealed text, external_event_id text, create_gen int, in_step boolean)
LANGUAGE sql STABLE AS $$
  WITH b AS (SELECT * FROM booking WHERE id = p_booking),
  pairs AS (
    SELECT bs.staff_id, c.provider FROM booking_staff bs
      JOIN calendar_connection c ON c.staff_id = bs.staff_id
     WHERE bs.booking_id = p_booking
    UNION
    SELECT cs.staff_id, cs.provider FROM calendar_sync cs
     WHERE cs.booking_id = p_booking AND cs.staff_id IS NOT NULL AND cs.provider IN ('google','outlook'))
  SELECT p.staff_id, p.provider,
         (SELECT b.status = 'confirmed' FROM b)
           AND EXISTS (SELECT 1 FROM booking_staff bs WHERE bs.booking_id = p_booking
                        AND bs.staff_id = p.staff_id),
         c.status, c.refresh_token_sealed, cs.external_event_id, coalesce(cs.create_gen, 0),
         coalesce(cs.status = 'synced' AND cs.synced_start = b.start_at AND cs.synced_end = b.end_at
           AND cs.synced_summary IS NOT DISTINCT FROM calendar_summary(p_booking), false)
    FROM pairs p CROSS JOIN b
    LEFT JOIN calendar_connection c ON c.staff_id = p.staff_id AND c.provider = p.provider
    LEFT JOIN calendar_sync cs ON cs.booking_id = p_booking AND cs.staff_id = p.staff_id
                              AND cs.provider = p.provider
   ORDER BY p.staff_id, p.provider
$$;

-- calendar_sync_record: one attempt on p_booking's event for p_staff at
-- p_provider, recorded, and the pair's row brought up to date: on success
-- the event id (NULL after a delete, which also raises create_gen) and
-- the times it now shows; on failure the error.
CREATE FUNCTION calendar_sync_record(p_booking uuid, p_staff uuid, p_provider text, p_action text,
  p_ok boolean, p_http int, p_error text, p_event_id text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  b booking%ROWTYPE;
BEGIN
  SELECT * INTO b FROM booking WHERE id = p_booking;
  INSERT INTO calendar_sync_attempt (booking_id, staff_id, provider, action, status, http_status,
    error, external_event_id)
  VALUES (p_booking, p_staff, p_provider, p_action, CASE WHEN p_ok THEN 'synced' ELSE 'failed' END,
    p_http, p_error, p_event_id);
  INSERT INTO calendar_sync AS cs (booking_id, staff_id, provider, external_event_id, status,
    last_attempt_at, error, action, synced_start, synced_end, synced_summary)
  VALUES (p_booking, p_staff, p_provider, CASE WHEN p_ok AND p_action <> 'delete' THEN p_event_id END,
    CASE WHEN p_ok THEN 'synced' ELSE 'failed' END, clock_timestamp(), p_error, p_action,
    CASE WHEN p_ok AND p_action <> 'delete' THEN b.start_at END,
    CASE WHEN p_ok AND p_action <> 'delete' THEN b.end_at END,
    CASE WHEN p_ok AND p_action <> 'delete' THEN calendar_summary(p_booking) END)
  ON CONFLICT (booking_id, staff_id, provider) DO UPDATE SET
    status = EXCLUDED.status, last_attempt_at = EXCLUDED.last_attempt_at, error = EXCLUDED.error,
    action = EXCLUDED.action,
    external_event_id = CASE WHEN NOT p_ok THEN cs.external_event_id
                             WHEN p_action = 'delete' THEN NULL ELSE p_event_id END,
    create_gen = cs.create_gen + CASE WHEN p_ok AND p_action = 'delete' THEN 1 ELSE 0 END,
    synced_start = CASE WHEN p_ok THEN EXCLUDED.synced_start ELSE cs.synced_start END,
    synced_end = CASE WHEN p_ok THEN EXCLUDED.synced_end ELSE cs.synced_end END,
    synced_summary = CASE WHEN p_ok THEN EXCLUDED.synced_summary ELSE cs.synced_summary END;
END $$;
