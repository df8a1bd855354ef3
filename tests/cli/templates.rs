//! Projects whose template is a `script.py.mako`: `revision -m` and `merge` write `.py`
//! revisions byte for byte as Python Alembic writes them (the files compat/template-oracle
//! recorded under tests/fixtures/templates/), and this tool then runs them.
//! See: issue 13, point 5.

use std::path::{Path, PathBuf};

use crate::engine_test;
use crate::support::{Engine, Project};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates")
}

/// The commands of compat/template_oracle.py's CASES (its autogenerate-shaped case aside):
/// the revision each writes and its arguments.
const CASES: &[(&str, &[&str])] = &[
    (
        "a1",
        &["revision", "-m", "create account table", "--rev-id", "a1"],
    ),
    (
        "c3",
        &[
            "revision",
            "-m",
            "second base",
            "--rev-id",
            "c3",
            "--head",
            "base",
        ],
    ),
    (
        "b2",
        &[
            "revision",
            "-m",
            "add a column",
            "--rev-id",
            "b2",
            "--head",
            "a1",
            "--branch-label",
            "feature",
        ],
    ),
    (
        "d4",
        &["merge", "-m", "merge heads", "b2", "c3", "--rev-id", "d4"],
    ),
    (
        "e5",
        &[
            "revision",
            "-m",
            "two deps",
            "--rev-id",
            "e5",
            "--head",
            "d4",
            "--depends-on",
            "a1",
            "--depends-on",
            "c3",
        ],
    ),
    ("f6", &["revision", "--rev-id", "f6", "--head", "e5"]),
    (
        "h8",
        &[
            "revision",
            "-m",
            "it's \"quoted\" é",
            "--rev-id",
            "h8",
            "--head",
            "f6",
            "--depends-on",
            "feature",
        ],
    ),
];

/// The text with its `Create Date:` line's date replaced (the oracle forced one on Alembic).
fn dateless(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.strip_prefix("Create Date: ") {
            Some(_) => "Create Date: [date]\n",
            None => line,
        })
        .collect()
}

/// The one file of `dir` whose name starts with `<rev>_`.
fn file_of(dir: &Path, rev: &str) -> PathBuf {
    let prefix = format!("{rev}_");
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .collect();
    assert_eq!(found.len(), 1, "{}: {found:?}", dir.display());
    found[0].clone()
}

/// A project using the recorded `template`, with the ini key Alembic's `multidb` reads.
fn project_with(engine: Engine, template: &str) -> Project {
    let p = Project::new(engine);
    p.write_ini("databases = engine1, engine2");
    let text = std::fs::read_to_string(fixtures().join(template).join("script.py.mako"))
        .expect("template");
    std::fs::write(p.path("migrations/script.py.mako"), text).expect("write template");
    p
}

#[test]
fn every_template_writes_what_python_alembic_writes() {
    for template in [
        "generic",
        "async",
        "multidb",
        "pyproject",
        "pyproject_async",
        "flask",
        "custom",
    ] {
        let p = project_with(Engine::Sqlite, template);
        for (rev, args) in CASES {
            let run = p.alembic(args).ok();
            let written = file_of(&p.versions(), rev);
            assert_eq!(
                run.stdout,
                format!("Generating {} ...  done\n", written.display()),
                "{template} {rev}"
            );
            let expected = file_of(&fixtures().join(template), rev);
            assert_eq!(
                written.file_name(),
                expected.file_name(),
                "{template}: the file name"
            );
            let got = std::fs::read_to_string(&written).expect("written");
            let want = std::fs::read_to_string(&expected).expect("fixture");
            assert_eq!(
                dateless(&got),
                dateless(&want),
                "{template}: {}",
                written.display()
            );
        }
    }
}

engine_test!(
    written_py_revisions_run,
    engine | engine | {
        let p = project_with(engine, "generic");
        for (_, args) in CASES {
            p.alembic(args).ok();
        }
        let heads = p.alembic(&["heads"]).ok();
        assert_eq!(heads.stdout, "h8 (feature) (head)\n");
        p.alembic(&["upgrade", "heads"]).ok();
        assert_eq!(p.version_rows(), ["h8"]);
        p.alembic(&["downgrade", "base"]).ok();
        assert_eq!(p.version_rows(), Vec::<String>::new());
    }
);

#[test]
fn an_unsupported_template_form_is_refused_before_anything_is_written() {
    let p = Project::new(Engine::Sqlite);
    let mako = p.path("migrations/script.py.mako");
    std::fs::write(
        &mako,
        "\"\"\"${message}\"\"\"\nrevision = ${repr(up_revision)}\nopts = ${config.cmd_opts}\n",
    )
    .expect("template");
    let msg = p
        .alembic(&["revision", "-m", "x", "--rev-id", "a1"])
        .failed();
    assert_eq!(
        msg,
        format!(
            "{}:3: `${{config.cmd_opts}}` is not supported (this tool renders the forms of \
             Alembic's own script.py.mako templates; see the README)",
            mako.display()
        )
    );
    assert_eq!(
        std::fs::read_dir(p.versions()).expect("versions").count(),
        0
    );
}
