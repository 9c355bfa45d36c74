-- lsusync store schema, version 1, SQLite. See SCHEMA.md.
CREATE TABLE lsusync_schema (
    version INTEGER NOT NULL
) STRICT;

CREATE TABLE establishments (
    uai           TEXT    NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL DEFAULT '',
    address_line1 TEXT    NOT NULL DEFAULT '',
    address_line2 TEXT    NOT NULL DEFAULT '',
    address_line3 TEXT    NOT NULL DEFAULT '',
    address_line4 TEXT    NOT NULL DEFAULT '',
    postal_code   TEXT    NOT NULL DEFAULT '',
    city          TEXT    NOT NULL DEFAULT '',
    country       TEXT    NOT NULL DEFAULT '',
    head_name     TEXT    NOT NULL DEFAULT '',
    phone         TEXT    NOT NULL DEFAULT '',
    email         TEXT    NOT NULL DEFAULT '',
    version       INTEGER NOT NULL CHECK (version > 0)
) STRICT, WITHOUT ROWID;

CREATE TABLE teachers (
    uai        TEXT    NOT NULL REFERENCES establishments (uai),
    type       TEXT    NOT NULL CHECK (type <> ''),
    id         TEXT    NOT NULL CHECK (id <> ''),
    civility   TEXT    NOT NULL DEFAULT '',
    last_name  TEXT    NOT NULL DEFAULT '',
    first_name TEXT    NOT NULL DEFAULT '',
    numen      TEXT    NOT NULL DEFAULT '',
    version    INTEGER NOT NULL CHECK (version > 0),
    PRIMARY KEY (uai, type, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE classes (
    uai     TEXT    NOT NULL REFERENCES establishments (uai),
    code    TEXT    NOT NULL CHECK (code <> ''),
    label   TEXT    NOT NULL DEFAULT '',
    version INTEGER NOT NULL CHECK (version > 0),
    PRIMARY KEY (uai, code)
) STRICT, WITHOUT ROWID;

CREATE TABLE class_periods (
    uai          TEXT    NOT NULL,
    class        TEXT    NOT NULL,
    year         INTEGER NOT NULL CHECK (year > 0),
    period_count INTEGER NOT NULL CHECK (period_count > 0),
    period_index INTEGER NOT NULL CHECK (period_index BETWEEN 1 AND period_count),
    PRIMARY KEY (uai, class, year, period_count, period_index),
    FOREIGN KEY (uai, class) REFERENCES classes (uai, code) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE students (
    uai         TEXT    NOT NULL,
    id          TEXT    NOT NULL CHECK (id <> ''),
    class       TEXT    NOT NULL,
    ine         TEXT    NOT NULL DEFAULT '',
    last_name   TEXT    NOT NULL DEFAULT '',
    usage_name  TEXT    NOT NULL DEFAULT '',
    first_name  TEXT    NOT NULL DEFAULT '',
    first_name2 TEXT    NOT NULL DEFAULT '',
    first_name3 TEXT    NOT NULL DEFAULT '',
    birth_date  TEXT    CHECK (birth_date IS NULL OR birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    sex         TEXT    NOT NULL DEFAULT '',
    version     INTEGER NOT NULL CHECK (version > 0),
    PRIMARY KEY (uai, id),
    FOREIGN KEY (uai, class) REFERENCES classes (uai, code)
) STRICT, WITHOUT ROWID;

CREATE INDEX students_by_class ON students (uai, class);

CREATE TABLE bilans (
    id           INTEGER PRIMARY KEY,
    uai          TEXT    NOT NULL,
    student      TEXT    NOT NULL,
    year         INTEGER NOT NULL CHECK (year > 0),
    period_count INTEGER NOT NULL CHECK (period_count > 0),
    period_index INTEGER NOT NULL CHECK (period_index BETWEEN 1 AND period_count),
    locked       INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    imported     INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1)),
    version      INTEGER NOT NULL CHECK (version > 0),
    UNIQUE (uai, student, year, period_count, period_index),
    FOREIGN KEY (uai, student) REFERENCES students (uai, id)
) STRICT;

CREATE TABLE bilan_head_teachers (
    bilan        INTEGER NOT NULL REFERENCES bilans (id) ON DELETE CASCADE,
    teacher_type TEXT    NOT NULL,
    teacher_id   TEXT    NOT NULL,
    PRIMARY KEY (bilan, teacher_type, teacher_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE bilan_content (
    bilan INTEGER NOT NULL REFERENCES bilans (id) ON DELETE CASCADE,
    name  TEXT    NOT NULL,
    value TEXT    NOT NULL,
    PRIMARY KEY (bilan, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE acquis (
    bilan         INTEGER NOT NULL REFERENCES bilans (id) ON DELETE CASCADE,
    subject       TEXT    NOT NULL CHECK (subject <> ''),
    subject_label TEXT    NOT NULL DEFAULT '',
    modality      TEXT    NOT NULL DEFAULT '',
    appreciation  TEXT    NOT NULL DEFAULT '',
    positioning   TEXT    NOT NULL DEFAULT '',
    average       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (bilan, subject)
) STRICT, WITHOUT ROWID;

CREATE TABLE acquis_teachers (
    bilan        INTEGER NOT NULL,
    subject      TEXT    NOT NULL,
    teacher_type TEXT    NOT NULL,
    teacher_id   TEXT    NOT NULL,
    PRIMARY KEY (bilan, subject, teacher_type, teacher_id),
    FOREIGN KEY (bilan, subject) REFERENCES acquis (bilan, subject) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE acquis_content (
    bilan   INTEGER NOT NULL,
    subject TEXT    NOT NULL,
    name    TEXT    NOT NULL,
    value   TEXT    NOT NULL,
    PRIMARY KEY (bilan, subject, name),
    FOREIGN KEY (bilan, subject) REFERENCES acquis (bilan, subject) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
