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

/// An executable hook program: writes its arguments and its directory to `hook.log` beside
/// itself, then appends a comment to the file given second.
fn hook_program(p: &Project) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = p.path("hook.sh");
    std::fs::write(
        &path,
        "#!/bin/sh\nlog=\"$(dirname \"$0\")/hook.log\"\nprintf '%s\\n' \"$@\" >> \"$log\"\n\
         pwd >> \"$log\"\nprintf '# formatted by the hook\\n' >> \"$2\"\necho \"hook says hello\"\n",
    )
    .expect("hook");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

/// `[post_write_hooks]` with `hooks` and the lines after it.
fn with_hooks(p: &Project, hooks: &str) {
    p.write_ini(&format!("\n[post_write_hooks]\n{hooks}"));
}

engine_test!(post_write_hooks_run_on_each_new_revision, |p| {
    let template =
        std::fs::read_to_string(fixtures().join("generic/script.py.mako")).expect("template");
    std::fs::write(p.path("migrations/script.py.mako"), template).expect("template");
    hook_program(p);
    with_hooks(
        p,
        "hooks = fmt, check\n\
         fmt.type = exec\n\
         fmt.executable = %(here)s/hook.sh\n\
         fmt.options = --flag REVISION_SCRIPT_FILENAME\n\
         fmt.cwd = %(here)s/migrations\n\
         check.type = console_scripts\n\
         check.entrypoint = true\n",
    );
    std::fs::write(
        p.path("models.sql"),
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    )
    .expect("models");
    let mut written = Vec::new();
    for (rev, args) in [
        (
            "a1",
            vec![
                "revision",
                "--autogenerate",
                "-m",
                "users",
                "--rev-id",
                "a1",
            ],
        ),
        (
            "b2",
            vec![
                "revision", "-m", "second", "--rev-id", "b2", "--head", "base",
            ],
        ),
        (
            "c3",
            vec!["merge", "-m", "join", "a1", "b2", "--rev-id", "c3"],
        ),
    ] {
        let run = p.alembic(&args).ok();
        let file = file_of(&p.versions(), rev);
        let stdout = run
            .stdout
            .lines()
            .filter(|l| !l.starts_with("INFO"))
            .collect::<Vec<_>>();
        assert_eq!(
            stdout,
            [
                format!("Generating {} ...  done", file.display()).as_str(),
                "Running post write hook 'fmt' ...",
                "hook says hello",
                "  done",
                "Running post write hook 'check' ...",
                "  done",
            ],
            "{rev}"
        );
        let text = std::fs::read_to_string(&file).expect("written");
        assert!(text.ends_with("\n# formatted by the hook\n"), "{text}");
        written.push(file);
    }
    let log = std::fs::read_to_string(p.path("hook.log")).expect("log");
    let migrations = std::fs::canonicalize(p.path("migrations")).expect("dir");
    let expected: String = written
        .iter()
        .map(|f| format!("--flag\n{}\n{}\n", f.display(), migrations.display()))
        .collect();
    assert_eq!(log, expected);
    p.alembic(&["upgrade", "heads"]).ok();
    assert_eq!(p.version_rows(), ["c3"]);
    assert_eq!(p.tables(), ["users"]);
});

#[test]
fn a_failing_hook_is_an_error_after_the_file_is_written() {
    let p = Project::new(Engine::Sqlite);
    with_hooks(
        &p,
        "hooks = lint\nlint.type = exec\nlint.executable = false\n",
    );
    let run = p.alembic(&["revision", "-m", "x", "--rev-id", "a1"]);
    let file = p.versions().join("a1_x.sql");
    assert_eq!(
        run.stdout,
        format!(
            "Generating {} ...  done\nRunning post write hook 'lint' ...\n  FAILED\n",
            file.display()
        )
    );
    assert_eq!(
        run.failed(),
        format!(
            "post write hook 'lint' failed: false exited with status 1; the revision file {} was written",
            file.display()
        )
    );
    assert!(file.is_file());
    with_hooks(
        &p,
        "hooks = lint\nlint.type = exec\nlint.executable = no-such-program-here\n",
    );
    let msg = p
        .alembic(&["revision", "-m", "y", "--rev-id", "b2"])
        .failed();
    assert_eq!(
        msg,
        "post write hook 'lint' failed: can't run no-such-program-here: No such file or directory (os error 2)"
    );
}

#[test]
fn a_hook_this_tool_cannot_run_is_refused_before_anything_is_written() {
    let p = Project::new(Engine::Sqlite);
    for (hooks, message) in [
        (
            "hooks = ruff\nruff.type = module\nruff.module = ruff\nruff.options = check --fix REVISION_SCRIPT_FILENAME\n",
            "post write hook 'ruff' is of type 'module', which runs `python -m ruff`; this tool \
             does not run Python: use type = exec with executable = the program",
        ),
        (
            "hooks = black\nblack.entrypoint = black\n",
            "Key 'black.type' (or 'type' in toml) is required for post write hook 'black'",
        ),
        (
            "hooks = black\nblack.type = exec\n",
            "Key black.executable is required for post write hook 'black'",
        ),
    ] {
        with_hooks(&p, hooks);
        let msg = p.alembic(&["revision", "-m", "x", "--rev-id", "a1"]).failed();
        assert_eq!(msg, message);
        assert_eq!(std::fs::read_dir(p.versions()).expect("versions").count(), 0);
    }
}

#[test]
fn hooks_from_pyproject_toml_run_when_the_ini_has_none() {
    let p = Project::new(Engine::Sqlite);
    hook_program(&p);
    std::fs::write(
        p.path("pyproject.toml"),
        "[tool.alembic]\n\n[[tool.alembic.post_write_hooks]]\nname = \"fmt\"\ntype = \"exec\"\n\
         executable = \"%(here)s/hook.sh\"\noptions = \"-x REVISION_SCRIPT_FILENAME\"\n",
    )
    .expect("toml");
    let run = p.alembic(&["revision", "-m", "x", "--rev-id", "a1"]).ok();
    assert!(
        run.stdout
            .contains("Running post write hook 'fmt' ...\nhook says hello"),
        "{}",
        run.stdout
    );
}

/// Copies the recorded project `name` (tests/fixtures/projects/<name>/) into `p`'s
/// directory, replacing the harness's `alembic.ini`.
fn install_project(p: &Project, name: &str) {
    std::fs::remove_file(p.path("alembic.ini")).expect("harness ini");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/projects")
            .join(name),
        p.dir.path(),
    );
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// A first revision as Flask-Migrate's autogenerate writes it (`render_as_batch`).
const FLASK_USERS: &str = r#""""create users

Revision ID: 1a2b3c4d5e6f
Revises: 
Create Date: 2026-11-24 05:53:46.147954

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1a2b3c4d5e6f'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_username'), ['username'], unique=True)

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_username'))

    op.drop_table('user')
    # ### end Alembic commands ###
"#;

/// A second one: a column added in a batch.
const FLASK_ABOUT: &str = r#""""user about me

Revision ID: 7f8e9d0c1b2a
Revises: 1a2b3c4d5e6f
Create Date: 2026-11-25 10:00:00.000001

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f8e9d0c1b2a'
down_revision = '1a2b3c4d5e6f'
branch_labels = None
depends_on = None


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('about_me', sa.String(length=140), nullable=True))

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('about_me')

    # ### end Alembic commands ###
"#;

/// The columns of table `user`, in order.
fn user_columns(p: &Project) -> Vec<String> {
    let schema = p.introspect();
    let table = schema
        .tables
        .iter()
        .find(|t| t.name == "user")
        .expect("table user");
    table.columns.iter().map(|c| c.name.clone()).collect()
}

engine_test!(a_flask_migrate_project_works_unchanged, |p| {
    install_project(p, "flask-migrate");
    let versions = p.path("migrations/versions");
    std::fs::create_dir_all(&versions).expect("versions");
    std::fs::write(versions.join("1a2b3c4d5e6f_create_users.py"), FLASK_USERS).expect("write");
    std::fs::write(versions.join("7f8e9d0c1b2a_user_about_me.py"), FLASK_ABOUT).expect("write");
    let url = format!("url={}", p.url);
    let alembic = |args: &[&str]| {
        let mut all = vec!["-c", "migrations/alembic.ini", "-x", url.as_str()];
        all.extend_from_slice(args);
        p.alembic(&all)
    };
    let heads = alembic(&["heads"]).ok();
    assert_eq!(heads.stdout, "7f8e9d0c1b2a (head)\n");
    let run = alembic(&["upgrade", "head"]).ok();
    assert_eq!(
        run.running(),
        [
            "upgrade  -> 1a2b3c4d5e6f, create users",
            "upgrade 1a2b3c4d5e6f -> 7f8e9d0c1b2a, user about me"
        ]
    );
    assert_eq!(p.version_rows(), ["7f8e9d0c1b2a"]);
    assert_eq!(user_columns(p), ["id", "username", "about_me"]);
    let current = alembic(&["current", "-v"]).ok();
    let note = format!(
        "INFO  [alembic.runtime.migration] {} is not run: this tool never runs Python (the \
         environment of Alembic's default env.py is built in; see the README)\n",
        p.path("migrations/env.py").display()
    );
    assert_eq!(
        current.stderr.matches(&note).count(),
        1,
        "{}",
        current.stderr
    );
    let plain = alembic(&["current"]).ok();
    assert!(!plain.stderr.contains("is not run"), "{}", plain.stderr);
    let new = alembic(&["revision", "-m", "add posts", "--rev-id", "c0ffee000001"]).ok();
    let written = versions.join("c0ffee000001_add_posts.py");
    assert_eq!(
        new.stdout,
        format!("Generating {} ...  done\n", written.display())
    );
    let text = std::fs::read_to_string(&written).expect("new revision");
    assert!(
        text.contains("revision = 'c0ffee000001'\ndown_revision = '7f8e9d0c1b2a'\n")
            && text.contains("\n\ndef upgrade():\n    pass\n"),
        "{text}"
    );
    alembic(&["upgrade", "head"]).ok();
    assert_eq!(p.version_rows(), ["c0ffee000001"]);
    alembic(&["downgrade", "1a2b3c4d5e6f"]).ok();
    assert_eq!(user_columns(p), ["id", "username"]);
    alembic(&["downgrade", "base"]).ok();
    assert_eq!(p.tables(), Vec::<String>::new());
});

engine_test!(an_alembic_init_project_works_unchanged, |p| {
    install_project(p, "alembic");
    let versions = p.path("migrations/versions");
    std::fs::create_dir_all(&versions).expect("versions");
    std::fs::write(versions.join("1a2b3c4d5e6f_create_users.py"), FLASK_USERS).expect("write");
    let url = format!("url={}", p.url);
    let new = p
        .alembic(&[
            "-x",
            &url,
            "revision",
            "-m",
            "user about me",
            "--rev-id",
            "7f8e9d0c1b2a",
        ])
        .ok();
    let written = versions.join("7f8e9d0c1b2a_user_about_me.py");
    assert_eq!(
        new.stdout,
        format!("Generating {} ...  done\n", written.display())
    );
    let text = std::fs::read_to_string(&written).expect("new revision");
    let body = FLASK_ABOUT.split("\n\ndef upgrade").nth(1).expect("body");
    let text = text.replace(
        "\n\ndef upgrade() -> None:\n    \"\"\"Upgrade schema.\"\"\"\n    pass\n\n\ndef downgrade() -> None:\n    \"\"\"Downgrade schema.\"\"\"\n    pass\n",
        &format!("\n\ndef upgrade{body}"),
    );
    std::fs::write(&written, text).expect("edit");
    let run = p.alembic(&["-x", &url, "upgrade", "head"]).ok();
    assert_eq!(run.running().len(), 2, "{}", run.stderr);
    assert_eq!(user_columns(p), ["id", "username", "about_me"]);
    let history = p.alembic(&["-x", &url, "history"]).ok();
    assert_eq!(
        history.stdout,
        "1a2b3c4d5e6f -> 7f8e9d0c1b2a (head), user about me\n<base> -> 1a2b3c4d5e6f, create users\n"
    );
    p.alembic(&["-x", &url, "downgrade", "base"]).ok();
    assert_eq!(p.tables(), Vec::<String>::new());
});
