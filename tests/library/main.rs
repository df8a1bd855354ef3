//! The library as a service uses it: the `embed!` macro's rebuilds, the example services built
//! and run against both engines, and the Migrator on connections a service already holds.

#[path = "../cli/support/pg.rs"]
mod pg;

mod cancel;
mod connections;
mod guard;
mod lint_sqlite;
mod rebuild;
mod services;
