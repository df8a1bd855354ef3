//! The library's tests and the example services embed `backend/alembic` with `embed!`: cargo
//! rebuilds them when a script is added there too (a change or a removal it sees anyway).

fn main() {
    println!("cargo:rerun-if-changed=backend/alembic/versions");
}
