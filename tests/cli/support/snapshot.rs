//! Snapshots of a run: exit status, stdout and stderr as one text, with what changes from run
//! to run (the temp dir, the database URL, ports, checksums, timings, the tool's version)
//! replaced by stable names.
//!
//! [`assert_run!`](crate::assert_run) is the one entry point: it names the snapshot
//! `FILE__TEST__NAME@ENGINE`, so every case has its own file in `tests/cli/snapshots/` and the
//! SQLite and PostgreSQL halves of an [`engine_test!`](crate::engine_test) keep separate ones.

use super::{Engine, Project, Run};

/// `status: N`, then stdout and stderr under their own headers.
pub fn render(p: &Project, run: &Run) -> String {
    format!(
        "status: {}\n--- stdout\n{}--- stderr\n{}",
        run.code,
        p.normalize(&run.stdout),
        p.normalize(&run.stderr)
    )
}

/// The snapshot name for `name` in the test whose function has the path `fn_path` (the type
/// name of an item inside it: `cli::offline::some_test::here`, or
/// `cli::upgrade::some_test::body::here` inside an engine test).
pub fn name(fn_path: &str, name: &str) -> String {
    let mut parts: Vec<&str> = fn_path.split("::").skip(1).collect();
    parts.pop();
    if parts.last() == Some(&"body") {
        parts.pop();
    }
    parts.push(name);
    parts.join("__")
}

/// Settings for one engine's snapshot: its suffix and the filters every CLI snapshot uses.
pub fn settings(engine: Engine) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_suffix(match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    });
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.add_filter(r"\b[0-9a-f]{64}\b", "[CHECKSUM]");
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(r"\b\d+(\.\d+)?\s?ms\b", "[TIME]");
    settings.add_filter(
        &format!(
            r"'{}'",
            regex_escape(litekb_migrations::internals::history::TOOL_VERSION)
        ),
        "'[TOOL_VERSION]'",
    );
    settings.add_filter(r"/tmp/\.tmp[A-Za-z0-9]+", "[TMP]");
    settings
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escape = !c.is_ascii_alphanumeric();
            escape.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// Asserts a run against the snapshot `NAME@ENGINE` of the calling test file.
///
/// `assert_run!(p, "name", run)` with `p` a [`Project`](crate::support::Project) and `run` a
/// [`Run`](crate::support::Run) (taken by reference).
#[macro_export]
macro_rules! assert_run {
    ($p:expr, $name:expr, $run:expr) => {{
        let p: &$crate::support::Project = $p;
        fn here() {}
        fn path_of<T>(_: T) -> &'static str {
            std::any::type_name::<T>()
        }
        let name = $crate::support::snapshot::name(path_of(here), $name);
        let text = $crate::support::snapshot::render(p, &$run);
        $crate::support::snapshot::settings(p.engine).bind(|| {
            insta::assert_snapshot!(name, text);
        });
    }};
}
