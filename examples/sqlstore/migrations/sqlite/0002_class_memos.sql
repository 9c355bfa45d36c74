-- lsusync store schema, version 2, SQLite: the classes' memos. See SCHEMA.md.
CREATE TABLE class_memos (
    uai   TEXT    NOT NULL,
    class TEXT    NOT NULL,
    stamp INTEGER NOT NULL CHECK (stamp >= 0),
    memo  TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (uai, class),
    FOREIGN KEY (uai, class) REFERENCES classes (uai, code) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
