-- lsusync store schema, version 4, SQLite: the claims and the log of the
-- syncs of many establishments (lsusync.SyncMany, lsusync sync-all). See
-- SCHEMA.md. Times are milliseconds since 1970, by the database's clock.
CREATE TABLE sync_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uai         TEXT    NOT NULL,
    worker      TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL DEFAULT '',
    started     INTEGER NOT NULL,
    renewed     INTEGER NOT NULL,
    lease_until INTEGER NOT NULL,
    ended       INTEGER,
    outcome     TEXT,
    CHECK (outcome IS NULL OR outcome IN ('synced', 'errors', 'refused', 'interrupted', 'abandoned'))
) STRICT;
CREATE INDEX sync_log_uai ON sync_log (uai, id);
CREATE TABLE sync_claims (
    uai         TEXT    NOT NULL PRIMARY KEY,
    log_id      INTEGER NOT NULL REFERENCES sync_log (id),
    lease_until INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
