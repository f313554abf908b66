-- 0003: the catalogue and the calendar say when they change, on the channel
-- holds and bookings already use (notify_change, 0002), so redlightd's
-- availability cache and open consoles drop what they hold.
--
-- Exceptions name the range they cover (both the old and the new one when
-- moved): only the days they touch are reloaded. Everything else (weekly
-- rules, rooms, staff, services, buffers, settings) reshapes every day, so
-- it says so once per statement, without a range, and listeners drop all.
-- Notices are delivered at commit, and identical ones in one transaction
-- are delivered once.

CREATE FUNCTION notify_exception_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM notify_change('exception', OLD.id::text,
      CASE WHEN OLD.target_type = 'room' THEN OLD.target_id END,
      tstzrange(OLD.start_at, OLD.end_at, '[)'));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM notify_change('exception', NEW.id::text,
      CASE WHEN NEW.target_type = 'room' THEN NEW.target_id END,
      tstzrange(NEW.start_at, NEW.end_at, '[)'));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER exception_notify AFTER INSERT OR UPDATE OR DELETE ON exception
  FOR EACH ROW EXECUTE FUNCTION notify_exception_change();

-- TG_ARGV[0] is the entity listeners see ("schedule_rule", "room", ...).
CREATE FUNCTION notify_catalog_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('redlight_changes', json_build_object('entity', TG_ARGV[0], 'id', NULL,
    'room_id', NULL, 'from', NULL, 'to', NULL)::text);
  RETURN NULL;
END $$;

CREATE TRIGGER schedule_rule_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON schedule_rule
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_change('schedule_rule');
-- rooms and staff also carry what availability never reads (descriptions,
-- colours, calendar ids, ICS tokens): changing those reloads nothing
CREATE TRIGGER room_notify AFTER INSERT OR UPDATE OF name, tags, active OR DELETE OR TRUNCATE ON room
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_change('room');
CREATE TRIGGER staff_notify AFTER INSERT OR UPDATE OF display_name, skills, active OR DELETE OR TRUNCATE ON staff
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_change('staff');
CREATE TRIGGER service_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_change('service');
CREATE TRIGGER buffer_rule_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON buffer_rule
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_change('buffer_rule');
CREATE TRIGGER settings_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_change('settings');
