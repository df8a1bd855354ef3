//! Integration tests: the real `alembic` binary on real SQLite files and a real PostgreSQL
//! server started for the run (see `support::pg`). One test binary, grouped by theme.

mod support;

mod autogen_oracle;
mod autogenerate;
mod backend;
mod bad_input;
mod commands;
mod compat;
mod concurrency;
mod convert;
mod crash;
mod errors;
mod everyday;
mod golden;
mod inspect;
mod interrupt;
mod json;
mod lint;
mod lock;
mod models_corpus;
mod offline;
mod pg;
mod portable;
mod postgres;
mod python;
mod python_refusals;
mod reliability;
mod revision;
mod robustness;
mod same_sql;
mod schema;
mod secrets;
mod seed;
mod stalls;
mod stamp;
mod tamper;
mod templates;
mod upgrade;
