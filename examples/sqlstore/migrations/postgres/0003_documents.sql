-- lsusync store schema, version 3, PostgreSQL: every field of a bilan. See SCHEMA.md.
-- What a synchronisation reads and writes goes in the bilan's row, as the
-- JSON form of the lsusync types; the content, which it never changes, in
-- one JSON document per bilan, in a table of its own. After this file the
-- migration (migrate.go) moves the rows of acquis, acquis_teachers,
-- acquis_content, bilan_head_teachers and bilan_content into them, then
-- drops those tables.
ALTER TABLE bilans ADD COLUMN acquis JSONB NOT NULL DEFAULT '[]';
ALTER TABLE bilans ADD COLUMN head_teachers JSONB NOT NULL DEFAULT '[]';

CREATE TABLE bilan_documents (
    bilan   BIGINT  PRIMARY KEY REFERENCES bilans (id) ON DELETE CASCADE,
    content JSONB   NOT NULL,
    digest  TEXT    NOT NULL DEFAULT ''
);
