//! The rules' stable codes, default severities, one-line titles and explanations
//! (`alembic lint --explain CODE`).
//!
//! Codes are grouped by what they protect: `PG…` PostgreSQL locking, `DL…` data loss, `RV…`
//! reversibility, `SQ…` SQLite, `LN…` the linter's own comments. A code never changes meaning.

/// One rule: its code, what it says in one line, and its explanation with the safe way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
}

/// Every rule, in code order.
pub const RULES: &[Rule] = &[
    Rule {
        code: "PG001",
        title: "index created without CONCURRENTLY on an existing table",
        explanation: "CREATE INDEX takes a SHARE lock on the table for the whole build: every INSERT, UPDATE and DELETE waits until the index is built, which on a large table is minutes. Safe: CREATE INDEX CONCURRENTLY in a `-- +upgrade no-transaction` section (it cannot run inside a transaction); if it fails it leaves an INVALID index to drop and rebuild.",
    },
    Rule {
        code: "PG002",
        title: "index dropped without CONCURRENTLY",
        explanation: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: while it waits for running queries, every new query on the table queues behind it. Safe: DROP INDEX CONCURRENTLY in a `-- +upgrade no-transaction` section.",
    },
    Rule {
        code: "PG003",
        title: "column added as NOT NULL without a default",
        explanation: "ADD COLUMN … NOT NULL without a DEFAULT fails on a table that has rows, and where it succeeds it holds an ACCESS EXCLUSIVE lock. Safe: add the column nullable (or with a constant DEFAULT, which PostgreSQL 11 and later store without rewriting the table), backfill in batches, then add a NOT VALID CHECK (col IS NOT NULL), VALIDATE it, and SET NOT NULL.",
    },
    Rule {
        code: "PG004",
        title: "column added with a volatile default",
        explanation: "A default such as random(), gen_random_uuid(), clock_timestamp() or a serial's nextval() must be computed for every existing row: the table is rewritten under an ACCESS EXCLUSIVE lock. Safe: add the column without a default, set the default for new rows with ALTER COLUMN … SET DEFAULT, and backfill existing rows in batches.",
    },
    Rule {
        code: "PG005",
        title: "SET NOT NULL without a validated CHECK (… IS NOT NULL)",
        explanation: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock to prove no row is NULL. Safe: ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT c (which only takes a SHARE UPDATE EXCLUSIVE lock), then SET NOT NULL, which PostgreSQL 12 and later prove from the constraint without a scan; drop the check afterwards.",
    },
    Rule {
        code: "PG006",
        title: "foreign key or check added without NOT VALID",
        explanation: "Adding a FOREIGN KEY or CHECK validates every existing row while holding a lock that blocks writes (for a foreign key, on both tables). Safe: ADD CONSTRAINT … NOT VALID (instant; new rows are checked), then in a later statement ALTER TABLE … VALIDATE CONSTRAINT …, which scans without blocking writes.",
    },
    Rule {
        code: "PG007",
        title: "column type change that rewrites the table",
        explanation: "ALTER COLUMN … TYPE rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, except for changes PostgreSQL knows are binary compatible (widening a varchar, varchar to text, raising a numeric's precision). Safe: add a column of the new type, backfill it in batches, switch the application over, then drop the old column.",
    },
    Rule {
        code: "PG008",
        title: "PRIMARY KEY or UNIQUE added without a prebuilt index",
        explanation: "ADD PRIMARY KEY or ADD UNIQUE builds its index while holding an ACCESS EXCLUSIVE lock. Safe: CREATE UNIQUE INDEX CONCURRENTLY first (in a no-transaction section), then ADD CONSTRAINT … UNIQUE USING INDEX (or PRIMARY KEY USING INDEX), which is instant.",
    },
    Rule {
        code: "PG009",
        title: "VACUUM FULL or CLUSTER",
        explanation: "VACUUM FULL and CLUSTER rewrite the whole table under an ACCESS EXCLUSIVE lock: no reads or writes until they finish. Safe: plain VACUUM (which runs alongside traffic), or an online tool such as pg_repack, outside the migration.",
    },
    Rule {
        code: "PG010",
        title: "table or column renamed",
        explanation: "A rename is instant, but the running application still uses the old name and fails from the moment the migration commits. Safe: expand and contract: add the new name (a new column kept in sync, or a view for a table), move the application over, then drop the old name in a later release.",
    },
    Rule {
        code: "PG011",
        title: "CONCURRENTLY inside a transaction",
        explanation: "CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY cannot run inside a transaction block: the migration fails. Safe: put the statement in a section marked `-- +upgrade no-transaction`, which runs its statements one by one in autocommit mode.",
    },
    Rule {
        code: "DL001",
        title: "table dropped",
        explanation: "DROP TABLE deletes the table's rows for good, and the running application fails on it at once. Safe: stop using the table in a release first, keep a backup or rename it aside, and drop it in a later migration once nothing reads it.",
    },
    Rule {
        code: "DL002",
        title: "column dropped",
        explanation: "DROP COLUMN deletes the column's data for good, and the running application fails if it still selects or inserts the column. Safe: stop using the column in a release first, then drop it in a later migration.",
    },
    Rule {
        code: "DL003",
        title: "column type narrowed",
        explanation: "Changing a column to a narrower type (a shorter varchar, a smaller integer, text to varchar(n)) fails on the first row that does not fit or, with a USING cast, silently truncates values. Safe: check the longest value first, add the new column beside the old one, copy with an explicit conversion, and drop the old column later.",
    },
    Rule {
        code: "DL004",
        title: "TRUNCATE",
        explanation: "TRUNCATE deletes every row of the table (and, with CASCADE, of the tables referencing it), takes an ACCESS EXCLUSIVE lock, and is not something a migration usually means to do on a live database. Safe: delete the rows a migration means to remove with a DELETE … WHERE that names them.",
    },
    Rule {
        code: "DL005",
        title: "DELETE or UPDATE without WHERE",
        explanation: "A DELETE or UPDATE without WHERE changes every row of the table in one transaction: data loss when unintended, and a long lock on every row of a large table when intended. Safe: a WHERE naming the rows meant, and on a large table batches of bounded size.",
    },
    Rule {
        code: "RV001",
        title: "no downgrade",
        explanation: "The revision has no downgrade section, so `alembic downgrade` stops at it. Safe: write a `-- +downgrade` section that undoes the upgrade's schema changes (an empty one says plainly that there is nothing to undo).",
    },
    Rule {
        code: "RV002",
        title: "downgrade does not undo the upgrade",
        explanation: "Applying the upgrade and then the downgrade to the schema does not give back the schema before the upgrade, so a downgrade leaves the database in a shape no revision describes. Safe: make the downgrade the exact inverse of the upgrade's schema effect (each created object dropped, each dropped one recreated as it was).",
    },
    Rule {
        code: "SQ001",
        title: "SQLite table rebuild of a table other tables reference",
        explanation: "On SQLite this ALTER becomes a rebuild of the table (create a copy, move the rows, drop the original, rename): the foreign keys of the tables that reference it are checked again afterwards, and a violation aborts the migration; triggers and views on the children see the table disappear for a moment. Safe: make the change when creating the table, or rebuild the referencing tables in the same migration on purpose.",
    },
    Rule {
        code: "SQ002",
        title: "statement the linked SQLite refuses",
        explanation: "The SQLite this tool links (3.50, bundled) has STRICT tables, RETURNING, DROP COLUMN, RENAME COLUMN and generated columns, but no TRUNCATE, COMMENT ON, GRANT, sequences, types, schemas or extensions, no CREATE OR REPLACE and no CASCADE on DROP; its ALTER TABLE makes one change per statement and can only rename, add a column (not a PRIMARY KEY, UNIQUE or STORED generated one, and once the table has rows not a NOT NULL one without a default or one with a non-constant default) or drop a column no key, constraint or index uses. Such a statement fails when the migration runs. Safe: write the SQLite form (DELETE FROM for TRUNCATE, DROP VIEW then CREATE VIEW, one ALTER TABLE per change, a VIRTUAL generated column); put an ALTER TABLE that SQLite can't do in place in a plain section rather than a `-- +upgrade sqlite` one, where this tool rebuilds the table (new shape, rows copied, old table dropped, new one renamed); put what only PostgreSQL has in a `-- +upgrade postgresql` section.",
    },
    Rule {
        code: "LN001",
        title: "lint: ignore comment without a reason",
        explanation: "A `-- lint: ignore CODE reason` comment must give its reason after the code, so that a reader knows why the finding does not apply. Without one the comment ignores nothing.",
    },
];

/// The rule with `code` (any case).
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}
