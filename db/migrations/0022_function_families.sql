-- 0022: the function families. From here on, each SQL function's current
-- definition lives in one file of db/functions/ (one per family: booking,
-- hold, setup, jobs...), not in migrations. `redlight migrate` applies, after
-- the migrations, every family file whose text differs from the one recorded
-- here (or that is new), one transaction per file, in file-name order, and
-- records its name and SHA-256 like schema_migration does for migrations.
-- Migrations after this one change tables, types and triggers; none of them
-- may define a function (tests/db fails on one that does).
CREATE TABLE schema_function_family (
  name       text PRIMARY KEY,         -- file name without .sql
  checksum   text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
  applied_at timestamptz NOT NULL DEFAULT now()
);
