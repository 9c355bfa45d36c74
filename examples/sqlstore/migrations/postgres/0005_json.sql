-- lsusync store schema, version 5, PostgreSQL: the JSON columns hold json,
-- the text as the store wrote it, rather than jsonb. A synchronisation
-- reads every bilan's columns and document: PostgreSQL makes jsonb's text
-- again at each read, and parses it into its binary form at each write;
-- json is checked on writing and read as it is. The JSON functions and
-- operators take both (see SCHEMA.md).
ALTER TABLE bilans
    ALTER COLUMN acquis DROP DEFAULT,
    ALTER COLUMN head_teachers DROP DEFAULT;
ALTER TABLE bilans
    ALTER COLUMN acquis TYPE JSON USING acquis::json,
    ALTER COLUMN head_teachers TYPE JSON USING head_teachers::json;
ALTER TABLE bilans
    ALTER COLUMN acquis SET DEFAULT '[]',
    ALTER COLUMN head_teachers SET DEFAULT '[]';
ALTER TABLE bilan_documents ALTER COLUMN content TYPE JSON USING content::json;
