-- lsusync store schema, version 5, SQLite: no change. PostgreSQL's JSON
-- columns become json in this version; SQLite's were TEXT holding JSON
-- already (see SCHEMA.md).
SELECT 1;
