-- 0027: setup_settings_set is one function again. 0017 and 0018 each
-- renamed the function before them and wrapped it for their new keys, so a
-- setting went down a chain of three; the setup family now defines
-- setup_settings_set with every key, and the two old links go. They are
-- PL/pgSQL, so nothing depends on them in the catalogue: until `redlight
-- migrate` applies the setup family, right after the migrations under the
-- same lock, the old wrapper is left calling a function that is gone.
DROP FUNCTION IF EXISTS setup_settings_set_0017(uuid, text, jsonb);
DROP FUNCTION IF EXISTS setup_settings_set_0006(uuid, text, jsonb);
