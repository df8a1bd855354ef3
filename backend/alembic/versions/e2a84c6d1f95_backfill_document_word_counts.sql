-- revision: e2a84c6d1f95
-- down_revision: c71f0e2b9d84
-- branch_labels:
-- depends_on:
-- message: backfill document word counts
-- create_date: 2026-11-25 04:04:00.000000

-- A data migration: add word_count and fill it for existing documents. Words are counted as
-- runs separated by single spaces, the same way on both engines.

-- +upgrade
ALTER TABLE documents ADD COLUMN word_count INTEGER NOT NULL DEFAULT 0;

UPDATE documents
SET word_count = CASE
    WHEN trim(content) = '' THEN 0
    ELSE length(trim(content)) - length(replace(trim(content), ' ', '')) + 1
END;

-- +downgrade
ALTER TABLE documents DROP COLUMN word_count;
