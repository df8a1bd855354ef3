//! The `alembic` binary. All of it is the library's command line (`litekb_migrations::cli`,
//! built with the default `cli` feature), so that the library's internals stay private to it.

fn main() -> std::process::ExitCode {
    litekb_migrations::cli::main()
}
