-- revision: c71f0e2b9d84
-- down_revision: b5e9a1d47c03
-- branch_labels:
-- depends_on:
-- message: full-text search over documents
-- create_date: 2026-11-25 04:03:00.000000

-- SQLite: an external-content FTS5 table kept in step by triggers.
-- PostgreSQL: a generated tsvector column with a GIN index.

-- +upgrade sqlite
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, content, content='documents', content_rowid='id'
);

INSERT INTO documents_fts (rowid, title, content) SELECT id, title, content FROM documents;

CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, title, content) VALUES (new.id, new.title, new.content);
END;

CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, content)
    VALUES ('delete', old.id, old.title, old.content);
END;

CREATE TRIGGER documents_fts_update AFTER UPDATE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, content)
    VALUES ('delete', old.id, old.title, old.content);
    INSERT INTO documents_fts (rowid, title, content) VALUES (new.id, new.title, new.content);
END;

-- +downgrade sqlite
DROP TRIGGER documents_fts_update;
DROP TRIGGER documents_fts_delete;
DROP TRIGGER documents_fts_insert;
DROP TABLE documents_fts;

-- +upgrade postgresql
ALTER TABLE documents ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(content, '')), 'B')
    ) STORED;

CREATE INDEX ix_documents_search_vector ON documents USING GIN (search_vector);

-- +downgrade postgresql
DROP INDEX ix_documents_search_vector;
ALTER TABLE documents DROP COLUMN search_vector;
