//! Reading a live database into the schema model ([`crate::schema::Schema`]).
//!
//! Both engines describe a table by DDL text that the model's own parser then reads, so a
//! table introspected on one engine and the same table created from a script compare equal:
//! SQLite keeps each object's `CREATE` statement in `sqlite_master` (updated by every `ALTER
//! TABLE`; it is what SQLite itself parses when it opens the file, and it keeps constraint
//! names, `CHECK`s and `AUTOINCREMENT`, which the `PRAGMA`s lose); PostgreSQL's catalogs give
//! columns, and `pg_get_constraintdef`/`pg_get_indexdef` give constraints and indexes. A
//! table that the model can't read is listed in `other_tables` instead; a column or index it
//! can't read is listed by name in its table's `other_columns` / `other_indexes`.

pub mod postgres;
pub mod sqlite;
