-- 0001: the whole v1 data model, with the invariants Postgres enforces
-- (ARCHITECTURE.md, "Rules in SQL, rules in C").
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE app_user (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  password_hash text,
  name text NOT NULL CHECK (length(btrim(name)) > 0),
  phone_enc bytea,
  role text NOT NULL CHECK (role IN ('artist','staff','admin')),
  marketing_opt_in boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (email = lower(email) AND email LIKE '%_@_%')
);
CREATE UNIQUE INDEX app_user_email_key ON app_user (email);

CREATE TABLE session (
  token_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  user_agent text,
  ip inet
);
CREATE INDEX session_user_idx ON session (user_id);

CREATE TABLE staff (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid UNIQUE REFERENCES app_user(id),
  display_name text NOT NULL,
  skills text[] NOT NULL DEFAULT '{}',
  default_calendar_provider text CHECK (default_calendar_provider IN ('google','outlook','apple')),
  google_calendar_id text,
  outlook_calendar_id text,
  ics_token text UNIQUE,
  hourly_rate_cents integer CHECK (hourly_rate_cents >= 0),
  active boolean NOT NULL DEFAULT true
);

CREATE TABLE room (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text UNIQUE NOT NULL CHECK (length(btrim(name)) > 0),
  description text NOT NULL DEFAULT '',
  capacity int CHECK (capacity > 0),
  tags text[] NOT NULL DEFAULT '{}',
  equipment text[] NOT NULL DEFAULT '{}',
  color text CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
  active boolean NOT NULL DEFAULT true
);

CREATE TABLE service (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text UNIQUE NOT NULL CHECK (length(btrim(name)) > 0),
  description text NOT NULL DEFAULT '',
  default_duration_min int NOT NULL CHECK (default_duration_min > 0 AND default_duration_min % 15 = 0),
  base_price_cents int NOT NULL CHECK (base_price_cents >= 0),
  requires_engineer boolean NOT NULL DEFAULT false,
  room_tags text[] NOT NULL DEFAULT '{}',
  staff_skill_required text,
  is_addon boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  CHECK (staff_skill_required IS NULL OR requires_engineer)
);

-- Weekly rules in studio-local wall-clock time. target_id is NULL for the studio.
CREATE TABLE schedule_rule (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  target_type text NOT NULL CHECK (target_type IN ('room','staff','studio')),
  target_id uuid,
  byweekday int[] NOT NULL CHECK (cardinality(byweekday) > 0 AND byweekday <@ ARRAY[0,1,2,3,4,5,6]),
  start_time time NOT NULL,
  end_time time NOT NULL,
  timezone text NOT NULL,
  effective_from date,
  effective_to date,
  CHECK (start_time < end_time),
  CHECK ((target_type = 'studio') = (target_id IS NULL)),
  CHECK (effective_from IS NULL OR effective_to IS NULL OR effective_from <= effective_to)
);
CREATE INDEX schedule_rule_target_idx ON schedule_rule (target_type, target_id);

CREATE TABLE exception (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  target_type text NOT NULL CHECK (target_type IN ('room','staff','studio')),
  target_id uuid,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  reason text NOT NULL DEFAULT '',
  CHECK (start_at < end_at),
  CHECK ((target_type = 'studio') = (target_id IS NULL))
);
CREATE INDEX exception_range_idx ON exception USING gist (tstzrange(start_at, end_at, '[)'));

CREATE TABLE buffer_rule (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  scope text NOT NULL CHECK (scope IN ('room','service','staff')),
  target_id uuid NOT NULL,
  before_min int NOT NULL DEFAULT 0 CHECK (before_min >= 0 AND before_min <= 24 * 60),
  after_min int NOT NULL DEFAULT 0 CHECK (after_min >= 0 AND after_min <= 24 * 60),
  UNIQUE (scope, target_id)
);

-- Studio-wide settings: exactly one row (id = 1). Defaults live here, once.
CREATE TABLE settings (
  id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  studio_name text NOT NULL DEFAULT 'redlight studio',
  timezone text NOT NULL DEFAULT 'America/Toronto',
  lead_time_min int NOT NULL DEFAULT 120 CHECK (lead_time_min >= 0),
  horizon_days int NOT NULL DEFAULT 90 CHECK (horizon_days > 0),
  hold_ttl_min int NOT NULL DEFAULT 15 CHECK (hold_ttl_min BETWEEN 1 AND 24 * 60),
  tax_rate_bp int NOT NULL DEFAULT 1300 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
  fee_cents int NOT NULL DEFAULT 0 CHECK (fee_cents >= 0),
  deposit_percent int NOT NULL DEFAULT 25 CHECK (deposit_percent BETWEEN 0 AND 100),
  -- [{"min_hours_before": 48, "refund_percent": 100}, ...], most generous first
  cancellation_tiers jsonb NOT NULL DEFAULT
    '[{"min_hours_before":48,"refund_percent":100},{"min_hours_before":24,"refund_percent":50},{"min_hours_before":0,"refund_percent":0}]',
  reschedule_free_min_hours int NOT NULL DEFAULT 24 CHECK (reschedule_free_min_hours >= 0),
  reschedule_free_count int NOT NULL DEFAULT 1 CHECK (reschedule_free_count >= 0),
  reschedule_fee_cents int NOT NULL DEFAULT 2500 CHECK (reschedule_fee_cents >= 0),
  approval_mode text NOT NULL DEFAULT 'manual' CHECK (approval_mode IN ('manual','auto')),
  capture_mode text NOT NULL DEFAULT 'manual' CHECK (capture_mode IN ('manual','automatic')),
  reject_action text NOT NULL DEFAULT 'cancel' CHECK (reject_action IN ('cancel','refund')),
  currency text NOT NULL DEFAULT 'CAD'
);

CREATE TABLE booking (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text UNIQUE NOT NULL,
  user_id uuid REFERENCES app_user(id),
  room_id uuid NOT NULL REFERENCES room(id),
  status text NOT NULL CHECK (status IN ('awaiting_approval','confirmed','completed','canceled','rejected')),
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  -- the time the booking keeps from everyone else: the session widened by buffers
  blocked tstzrange NOT NULL,
  source text NOT NULL DEFAULT 'web' CHECK (source IN ('web','admin')),
  notes text NOT NULL DEFAULT '',
  approved_by uuid REFERENCES app_user(id),
  approved_at timestamptz,
  approval_note text,
  artist_message text,
  reschedule_count int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (start_at < end_at),
  CHECK (lower(blocked) <= start_at AND upper(blocked) >= end_at AND lower_inc(blocked) AND NOT upper_inc(blocked))
);
CREATE INDEX booking_start_idx ON booking (start_at);
CREATE INDEX booking_user_idx ON booking (user_id);
CREATE INDEX booking_status_idx ON booking (status, created_at DESC);

CREATE TABLE booking_service (
  booking_id uuid NOT NULL REFERENCES booking(id) ON DELETE CASCADE,
  service_id uuid NOT NULL REFERENCES service(id),
  quantity int NOT NULL DEFAULT 1 CHECK (quantity > 0),
  unit_price_cents int NOT NULL CHECK (unit_price_cents >= 0),
  total_cents int NOT NULL CHECK (total_cents >= 0),
  PRIMARY KEY (booking_id, service_id)
);

CREATE TABLE hold (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid REFERENCES app_user(id),
  room_id uuid NOT NULL REFERENCES room(id),
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  token text UNIQUE NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','expired','converted','released')),
  created_by uuid REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (start_at < end_at)
);
CREATE INDEX hold_expires_idx ON hold (expires_at) WHERE status = 'active';

-- Holds and live bookings claim room time in this one table, so a single
-- exclusion constraint sees both. Rows exist only while the claim is live;
-- triggers keep them in step with booking and hold.
CREATE TABLE room_claim (
  id bigserial PRIMARY KEY,
  room_id uuid NOT NULL REFERENCES room(id),
  during tstzrange NOT NULL,
  booking_id uuid UNIQUE REFERENCES booking(id) ON DELETE CASCADE,
  hold_id uuid UNIQUE REFERENCES hold(id) ON DELETE CASCADE,
  hold_expires_at timestamptz,
  CHECK ((booking_id IS NULL) <> (hold_id IS NULL)),
  CHECK ((hold_id IS NULL) = (hold_expires_at IS NULL)),
  CONSTRAINT room_claim_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&)
);

-- Staff assignments carry their own copy of the booking's range and liveness
-- (an exclusion constraint sees one table), kept in step by trigger.
CREATE TABLE booking_staff (
  booking_id uuid NOT NULL REFERENCES booking(id) ON DELETE CASCADE,
  staff_id uuid NOT NULL REFERENCES staff(id),
  role text NOT NULL DEFAULT 'engineer' CHECK (role IN ('engineer','assistant')),
  during tstzrange NOT NULL,
  live boolean NOT NULL,
  PRIMARY KEY (booking_id, staff_id),
  CONSTRAINT booking_staff_no_overlap EXCLUDE USING gist (staff_id WITH =, during WITH &&) WHERE (live)
);
CREATE INDEX booking_staff_staff_idx ON booking_staff (staff_id);

CREATE FUNCTION booking_is_live(status text) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$ SELECT status IN ('awaiting_approval','confirmed') $$;

-- An expired hold stops blocking at expires_at whether or not a sweeper ran:
-- whoever claims time first retires the expired holds it overlaps.
CREATE FUNCTION room_claim_retire_expired() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH gone AS (
    DELETE FROM room_claim c
     WHERE c.room_id = NEW.room_id AND c.during && NEW.during
       AND c.hold_id IS NOT NULL AND c.hold_expires_at <= clock_timestamp()
       AND c.id IS DISTINCT FROM NEW.id
    RETURNING c.hold_id)
  UPDATE hold SET status = 'expired' FROM gone WHERE hold.id = gone.hold_id AND hold.status = 'active';
  RETURN NEW;
END $$;
CREATE TRIGGER room_claim_retire BEFORE INSERT OR UPDATE OF room_id, during ON room_claim
  FOR EACH ROW EXECUTE FUNCTION room_claim_retire_expired();

CREATE FUNCTION booking_sync_claims() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF booking_is_live(NEW.status) THEN
    INSERT INTO room_claim (room_id, during, booking_id)
    VALUES (NEW.room_id, NEW.blocked, NEW.id)
    ON CONFLICT (booking_id) DO UPDATE SET room_id = EXCLUDED.room_id, during = EXCLUDED.during
      WHERE room_claim.room_id IS DISTINCT FROM EXCLUDED.room_id OR room_claim.during IS DISTINCT FROM EXCLUDED.during;
  ELSE
    DELETE FROM room_claim WHERE booking_id = NEW.id;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    UPDATE booking_staff SET during = NEW.blocked, live = booking_is_live(NEW.status)
     WHERE booking_id = NEW.id AND (during IS DISTINCT FROM NEW.blocked OR live IS DISTINCT FROM booking_is_live(NEW.status));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER booking_claims AFTER INSERT OR UPDATE OF status, room_id, blocked ON booking
  FOR EACH ROW EXECUTE FUNCTION booking_sync_claims();

CREATE FUNCTION booking_staff_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT b.blocked, booking_is_live(b.status) INTO NEW.during, NEW.live FROM booking b WHERE b.id = NEW.booking_id;
  RETURN NEW;
END $$;
CREATE TRIGGER booking_staff_fill BEFORE INSERT ON booking_staff
  FOR EACH ROW EXECUTE FUNCTION booking_staff_fill();

CREATE FUNCTION hold_sync_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'active' THEN
    INSERT INTO room_claim (room_id, during, hold_id, hold_expires_at)
    VALUES (NEW.room_id, tstzrange(NEW.start_at, NEW.end_at, '[)'), NEW.id, NEW.expires_at)
    ON CONFLICT (hold_id) DO UPDATE SET room_id = EXCLUDED.room_id, during = EXCLUDED.during,
      hold_expires_at = EXCLUDED.hold_expires_at;
  ELSE
    DELETE FROM room_claim WHERE hold_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER hold_claim AFTER INSERT OR UPDATE OF status, room_id, start_at, end_at, expires_at ON hold
  FOR EACH ROW EXECUTE FUNCTION hold_sync_claim();

CREATE TABLE payment (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  booking_id uuid NOT NULL REFERENCES booking(id) ON DELETE CASCADE,
  amount_cents int NOT NULL CHECK (amount_cents >= 0),
  currency text NOT NULL DEFAULT 'CAD',
  stripe_payment_intent_id text UNIQUE,
  capture_method text NOT NULL DEFAULT 'automatic' CHECK (capture_method IN ('automatic','manual')),
  status text NOT NULL CHECK (status IN ('requires_payment_method','requires_capture','processing','succeeded','canceled','refunded','partial_refunded','failed')),
  captured_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE refund (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  payment_id uuid NOT NULL REFERENCES payment(id) ON DELETE CASCADE,
  amount_cents int NOT NULL CHECK (amount_cents > 0),
  stripe_refund_id text UNIQUE,
  status text NOT NULL DEFAULT 'pending',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE calendar_sync (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  booking_id uuid NOT NULL REFERENCES booking(id) ON DELETE CASCADE,
  staff_id uuid REFERENCES staff(id),
  provider text NOT NULL CHECK (provider IN ('google','outlook','apple_ics')),
  external_event_id text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','synced','failed')),
  last_attempt_at timestamptz,
  error text
);

CREATE TABLE notification (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid REFERENCES app_user(id),
  booking_id uuid REFERENCES booking(id) ON DELETE SET NULL,
  channel text NOT NULL CHECK (channel IN ('email','sms')),
  template text NOT NULL,
  payload_json jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
  error text,
  sent_at timestamptz
);

CREATE TABLE webhook_endpoint (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  url text NOT NULL,
  secret text NOT NULL,
  active boolean NOT NULL DEFAULT true
);

-- Incoming webhook events (Stripe): the provider's event id makes each one handled once.
CREATE TABLE webhook_event (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider text NOT NULL DEFAULT 'stripe',
  external_id text NOT NULL,
  type text NOT NULL,
  payload_json jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  status text NOT NULL DEFAULT 'received',
  UNIQUE (provider, external_id)
);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  actor_user_id uuid REFERENCES app_user(id),
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text,
  reason text,
  diff_json jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC);

-- The outbox: side effects enqueued in the transaction that caused them.
CREATE TABLE job (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed')),
  attempts int NOT NULL DEFAULT 0,
  max_attempts int NOT NULL DEFAULT 8,
  run_at timestamptz NOT NULL DEFAULT now(),
  locked_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX job_due_idx ON job (run_at) WHERE status = 'queued';

CREATE TABLE idempotency_key (
  key text NOT NULL,
  scope text NOT NULL,          -- the route plus the user or client it belongs to
  request_hash bytea NOT NULL,
  status_code int,
  response_body text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

INSERT INTO settings (id) VALUES (1);
