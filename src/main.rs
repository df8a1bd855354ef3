//! The `alembic` binary. (stub)

fn main() {}
