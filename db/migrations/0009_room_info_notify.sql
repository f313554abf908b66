-- 0009: what the booking page shows of a room and availability never
-- reads (description, capacity, equipment, colour) now sends a notice
-- too, as entity room_info: redlightd keeps rooms and services in memory
-- for the page (web/catalogcache.c) and drops them on it, without
-- reloading any availability (0003's room notice still covers name, tags
-- and active, which availability reads).
CREATE TRIGGER room_info_notify AFTER UPDATE OF description, capacity, equipment, color ON room
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_change('room_info');
