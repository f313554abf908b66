-- The demo studio (demo data only). Run by db_seed_demo inside one
-- transaction after it set redlight.demo_hash to the argon2id hash of the
-- demo password. Times are studio-local (America/Toronto).
UPDATE settings SET studio_name = 'Redlight Demo Studios', timezone = 'America/Toronto',
  lead_time_min = 120, horizon_days = 90, hold_ttl_min = 15, tax_rate_bp = 1300,
  deposit_percent = 25 WHERE id = 1;

INSERT INTO app_user (id, email, password_hash, name, role) VALUES
  ('00000000-0000-4000-8000-000000000001', 'admin@redlight.test', current_setting('redlight.demo_hash'), 'Dana Admin', 'admin'),
  ('00000000-0000-4000-8000-000000000002', 'engineer@redlight.test', current_setting('redlight.demo_hash'), 'Eli Engineer', 'staff'),
  ('00000000-0000-4000-8000-000000000003', 'producer@redlight.test', current_setting('redlight.demo_hash'), 'Priya Producer', 'staff'),
  ('00000000-0000-4000-8000-000000000004', 'assistant@redlight.test', current_setting('redlight.demo_hash'), 'Sam Assistant', 'staff'),
  ('00000000-0000-4000-8000-000000000005', 'artist@redlight.test', current_setting('redlight.demo_hash'), 'Ari Artist', 'artist');

INSERT INTO staff (id, user_id, display_name, skills, hourly_rate_cents) VALUES
  ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-000000000002', 'Eli Engineer', '{mixing,tracking}', 6000),
  ('00000000-0000-4000-8000-0000000000e2', '00000000-0000-4000-8000-000000000003', 'Priya Producer', '{mixing,mastering,production}', 8500),
  ('00000000-0000-4000-8000-0000000000e3', '00000000-0000-4000-8000-000000000004', 'Sam Assistant', '{tracking}', 3500);

INSERT INTO room (id, name, description, capacity, tags, equipment, color) VALUES
  ('00000000-0000-4000-8000-0000000000a1', 'Studio A', 'The big live room with an isolation booth and a Neve console.', 8,
   '{tracking,live}', '{"Neve 8078 console","Yamaha C7 grand piano","Pro Tools HDX"}', '#d7263d'),
  ('00000000-0000-4000-8000-0000000000a2', 'Studio B', 'Mix and production room with nearfield and midfield monitoring.', 4,
   '{mixing,production}', '{"SSL AWS 948","Augspurger monitors","Ableton Live"}', '#1b998b'),
  ('00000000-0000-4000-8000-0000000000a3', 'Vocal Booth', 'Treated booth for vocals, voice-over and podcasts.', 2,
   '{vocals,podcast}', '{"Neumann U87","Universal Audio 1176"}', '#f4a261');

INSERT INTO service (id, name, description, default_duration_min, base_price_cents, requires_engineer, room_tags, staff_skill_required, is_addon) VALUES
  ('00000000-0000-4000-8000-0000000000b1', 'Recording session', 'Tracking with an engineer at the desk.', 60, 9000, true, '{tracking}', 'tracking', false),
  ('00000000-0000-4000-8000-0000000000b2', 'Room rental', 'The room on your own (self-engineered).', 60, 5000, false, '{}', NULL, false),
  ('00000000-0000-4000-8000-0000000000b3', 'Mixing', 'Mix session with a mixing engineer.', 120, 15000, true, '{mixing}', 'mixing', false),
  ('00000000-0000-4000-8000-0000000000b4', 'Backline rental', 'Drum kit and amps, per session.', 60, 2500, false, '{}', NULL, true);

-- Weekly hours: studio open every day 09:00-23:00; rooms and staff narrower.
INSERT INTO schedule_rule (target_type, target_id, byweekday, start_time, end_time, timezone) VALUES
  ('studio', NULL, '{0,1,2,3,4,5,6}', '09:00', '23:00', 'America/Toronto'),
  ('room', '00000000-0000-4000-8000-0000000000a1', '{1,2,3,4,5,6}', '10:00', '22:00', 'America/Toronto'),
  ('room', '00000000-0000-4000-8000-0000000000a2', '{0,1,2,3,4,5,6}', '09:00', '23:00', 'America/Toronto'),
  ('room', '00000000-0000-4000-8000-0000000000a3', '{1,2,3,4,5}', '09:00', '18:00', 'America/Toronto'),
  ('staff', '00000000-0000-4000-8000-0000000000e1', '{1,2,3,4,5}', '10:00', '19:00', 'America/Toronto'),
  ('staff', '00000000-0000-4000-8000-0000000000e2', '{2,3,4,5,6}', '12:00', '22:00', 'America/Toronto'),
  ('staff', '00000000-0000-4000-8000-0000000000e3', '{0,5,6}', '10:00', '20:00', 'America/Toronto');

-- One blackout: the studio is closed on the next Christmas Day.
INSERT INTO exception (target_type, target_id, start_at, end_at, reason)
SELECT 'studio', NULL, d::timestamp AT TIME ZONE 'America/Toronto', (d + 1)::timestamp AT TIME ZONE 'America/Toronto', 'Closed for Christmas'
FROM (SELECT make_date(extract(year FROM now() AT TIME ZONE 'America/Toronto')::int
        + CASE WHEN (now() AT TIME ZONE 'America/Toronto')::date > make_date(extract(year FROM now() AT TIME ZONE 'America/Toronto')::int, 12, 25) THEN 1 ELSE 0 END,
        12, 25) AS d) x;

-- Buffers: Studio A needs setup and teardown; mixing needs a listening break.
INSERT INTO buffer_rule (scope, target_id, before_min, after_min) VALUES
  ('room', '00000000-0000-4000-8000-0000000000a1', 15, 15),
  ('service', '00000000-0000-4000-8000-0000000000b3', 0, 15);

-- Two bookings so the board and queue have something to show: one confirmed
-- today 14:00-16:00 in Studio A with Eli, one awaiting approval tomorrow
-- 11:00-13:00 in Studio B.
WITH d AS (SELECT (now() AT TIME ZONE 'America/Toronto')::date AS today)
INSERT INTO booking (id, code, user_id, room_id, status, start_at, end_at, blocked, source, notes, approved_by, approved_at)
SELECT '00000000-0000-4000-8000-0000000000c1'::uuid, 'RL-DEMO-01', '00000000-0000-4000-8000-000000000005'::uuid,
       '00000000-0000-4000-8000-0000000000a1'::uuid, 'confirmed',
       (today + time '14:00') AT TIME ZONE 'America/Toronto', (today + time '16:00') AT TIME ZONE 'America/Toronto',
       tstzrange((today + time '13:45') AT TIME ZONE 'America/Toronto', (today + time '16:15') AT TIME ZONE 'America/Toronto', '[)'),
       'web', 'Drums and bass for two songs.', '00000000-0000-4000-8000-000000000001'::uuid, now()
FROM d
UNION ALL
SELECT '00000000-0000-4000-8000-0000000000c2', 'RL-DEMO-02', '00000000-0000-4000-8000-000000000005',
       '00000000-0000-4000-8000-0000000000a2', 'awaiting_approval',
       (today + 1 + time '11:00') AT TIME ZONE 'America/Toronto', (today + 1 + time '13:00') AT TIME ZONE 'America/Toronto',
       tstzrange((today + 1 + time '11:00') AT TIME ZONE 'America/Toronto', (today + 1 + time '13:15') AT TIME ZONE 'America/Toronto', '[)'),
       'web', 'Mix of the single, stems attached.', NULL, NULL
FROM d;
INSERT INTO booking_service (booking_id, service_id, quantity, unit_price_cents, total_cents) VALUES
  ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000b1', 2, 9000, 18000),
  ('00000000-0000-4000-8000-0000000000c2', '00000000-0000-4000-8000-0000000000b3', 1, 15000, 15000);
INSERT INTO booking_staff (booking_id, staff_id, role) VALUES
  ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000e1', 'engineer'),
  ('00000000-0000-4000-8000-0000000000c2', '00000000-0000-4000-8000-0000000000e2', 'engineer');
-- Their quotes: what core/quote.c gives at the demo's rates (13% tax, no
-- fee, 25% deposit) and policy, stored as a submission stores them.
SELECT booking_quote_backfill(id) FROM booking;
UPDATE booking_quote SET backfilled = false
 WHERE booking_id IN ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000c2');
