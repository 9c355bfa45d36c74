-- lsusync store schema, version 4, PostgreSQL: the claims and the log of
-- the syncs of many establishments (lsusync.SyncMany, lsusync sync-all).
-- See SCHEMA.md. Times are milliseconds since 1970, by the database's
-- clock.
CREATE TABLE sync_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uai         TEXT   NOT NULL,
    worker      TEXT   NOT NULL,
    fingerprint TEXT   NOT NULL DEFAULT '',
    started     BIGINT NOT NULL,
    renewed     BIGINT NOT NULL,
    lease_until BIGINT NOT NULL,
    ended       BIGINT,
    outcome     TEXT,
    CHECK (outcome IS NULL OR outcome IN ('synced', 'errors', 'refused', 'interrupted', 'abandoned'))
);
CREATE INDEX sync_log_uai ON sync_log (uai, id);
CREATE TABLE sync_claims (
    uai         TEXT   NOT NULL PRIMARY KEY,
    log_id      BIGINT NOT NULL REFERENCES sync_log (id),
    lease_until BIGINT NOT NULL
);
