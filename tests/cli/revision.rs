//! `init`, `list_templates`, `revision`, `merge`: the files they write and their refusals.

use crate::support::{run_in, Engine, Project};

#[test]
fn init_writes_the_project_and_refuses_a_non_empty_directory() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let run = run_in(tmp.path(), &["init", "migrations"]).ok();
    let d = tmp.path().display().to_string();
    assert_eq!(
        run.stdout.replace(&d, "$DIR"),
        "Creating directory $DIR/migrations ...  done\n\
Creating directory $DIR/migrations/versions ...  done\n\
Generating $DIR/migrations/script.sql.j2 ...  done\n\
Generating $DIR/migrations/README ...  done\n\
Generating $DIR/alembic.ini ...  done\n\
Generating $DIR/models.sql ...  done\n\
Please edit configuration/connection/logging settings in $DIR/alembic.ini before proceeding.\n"
    );
    let ini = std::fs::read_to_string(tmp.path().join("alembic.ini")).expect("ini");
    assert!(
        ini.contains("script_location = %(here)s/migrations\n"),
        "{ini}"
    );
    assert!(
        ini.contains("sqlalchemy.url = sqlite:///%(here)s/app.db\n"),
        "{ini}"
    );
    assert!(!ini.to_lowercase().contains("litekb"), "{ini}");
    // The logging settings the closing line asks to edit are there, as Alembic writes them.
    for section in ["[loggers]", "[logger_alembic]", "[formatter_generic]"] {
        assert!(ini.contains(section), "{section} in {ini}");
    }
    // Right after init, from a subdirectory: check answers truthfully, the database is made
    // beside the ini, not in the current directory.
    let sub = tmp.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir sub");
    let check = run_in(&sub, &["-c", "../alembic.ini", "check"]).ok();
    assert_eq!(check.stdout, "No new upgrade operations detected.\n");
    run_in(&sub, &["-c", "../alembic.ini", "upgrade", "head"]).ok();
    assert!(tmp.path().join("app.db").is_file());
    assert_eq!(std::fs::read_dir(&sub).expect("sub").count(), 0);
    assert_eq!(
        run_in(tmp.path(), &["init", "migrations"]).failed(),
        "Directory migrations already exists and is not empty"
    );
    // A second directory with the ini already present: skipped, the rest created.
    let again = run_in(tmp.path(), &["init", "other"]).ok();
    assert!(again
        .stdout
        .contains(&format!("File {d}/alembic.ini already exists, skipping")));
    assert!(again
        .stdout
        .contains(&format!("File {d}/models.sql already exists, skipping")));
}

#[test]
fn list_templates_names_the_generic_template() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let run = run_in(tmp.path(), &["list_templates"]).ok();
    assert!(
        run.stdout.starts_with("Available templates:\n\ngeneric - "),
        "{}",
        run.stdout
    );
}

#[test]
fn revision_writes_a_script_that_loads_back() {
    let p = Project::new(Engine::Sqlite);
    let run = p
        .alembic(&[
            "revision",
            "-m",
            "Create account table!",
            "--rev-id",
            "ae1027a6acf",
        ])
        .ok();
    assert_eq!(
        p.normalize(&run.stdout),
        "Generating $DIR/migrations/versions/ae1027a6acf_create_account_table.sql ...  done\n"
    );
    let text = std::fs::read_to_string(p.versions().join("ae1027a6acf_create_account_table.sql"))
        .expect("script");
    assert!(
        text.starts_with("-- revision: ae1027a6acf\n-- down_revision:\n"),
        "{text}"
    );
    assert!(
        text.contains("-- message: Create account table!\n"),
        "{text}"
    );
    assert!(
        text.contains("-- +upgrade\n") && text.contains("-- +downgrade\n"),
        "{text}"
    );
    p.alembic(&["revision", "-m", "second", "--rev-id", "27c6a30d7c24"])
        .ok();
    assert_eq!(
        p.alembic(&["history"]).ok().stdout,
        "ae1027a6acf -> 27c6a30d7c24 (head), second\n<base> -> ae1027a6acf, Create account table!\n"
    );
    // No message: Alembic's "empty message" and an empty slug.
    p.alembic(&["revision", "--rev-id", "0000aaaa"]).ok();
    assert!(p.versions().join("0000aaaa_.sql").is_file());
}

#[test]
fn revision_refusals() {
    let p = Project::new(Engine::Sqlite);
    p.branchy(false);
    assert_eq!(
        p.alembic(&["revision", "-m", "x"]).failed(),
        "Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge."
    );
    assert_eq!(
        p.alembic(&["revision", "-m", "x", "--head", "bbbb00000002"]).failed(),
        "Revision bbbb00000002 is not a head revision; please specify --splice to create a new branch from this revision"
    );
    assert_eq!(
        p.alembic(&["revision", "-m", "x", "--head", "cccc", "--rev-id", "ab:cd@+"])
            .failed(),
        "Character(s) '+, :, @' not allowed in revision identifier 'ab:cd@+'"
    );
    let msg = p
        .alembic(&[
            "revision",
            "-m",
            "x",
            "--head",
            "cccc",
            "--rev-id",
            "dddd00000004",
        ])
        .failed();
    assert!(
        msg.starts_with("Revision dddd00000004 already exists"),
        "{msg}"
    );
    let msg = p
        .alembic(&[
            "revision",
            "-m",
            "x",
            "--head",
            "cccc",
            "--rev-id",
            &"a".repeat(33),
        ])
        .failed();
    assert!(msg.contains("VARCHAR(32)"), "{msg}");
    assert_eq!(
        p.alembic(&["merge", "cccc00000003", "cccc00000003"])
            .failed(),
        "Duplicate head revisions specified"
    );
    // None of the refusals wrote a file.
    assert_eq!(std::fs::read_dir(p.versions()).expect("dir").count(), 4);
}

#[test]
fn revision_with_branch_label_depends_on_and_new_root() {
    let p = Project::new(Engine::Sqlite);
    p.alembic(&[
        "revision",
        "-m",
        "main one",
        "--rev-id",
        "1a1a1a1a0001",
        "--branch-label",
        "main",
    ])
    .ok();
    p.alembic(&[
        "revision",
        "-m",
        "networking",
        "--rev-id",
        "2b2b2b2b0001",
        "--head",
        "base",
        "--branch-label",
        "networking",
    ])
    .ok();
    p.alembic(&[
        "revision",
        "-m",
        "uses net",
        "--rev-id",
        "1a1a1a1a0002",
        "--head",
        "main@head",
        "--depends-on",
        "networking",
    ])
    .ok();
    let text =
        std::fs::read_to_string(p.versions().join("1a1a1a1a0002_uses_net.sql")).expect("script");
    assert!(
        text.contains("-- down_revision: 1a1a1a1a0001\n")
            && text.contains("-- depends_on: networking\n"),
        "{text}"
    );
    let msg = p
        .alembic(&[
            "revision",
            "-m",
            "dup",
            "--head",
            "main@head",
            "--branch-label",
            "networking",
        ])
        .failed();
    assert!(msg.starts_with("Branch name 'networking'"), "{msg}");
    p.alembic(&["upgrade", "main@head"]).ok();
    let mut rows = p.version_rows();
    rows.sort();
    assert_eq!(rows, ["1a1a1a1a0002"]);
}

/// `--depends-on` resolves as Alembic's `get_revision`: one revision, written as its full id
/// unless the value is a branch label; a value that names several revisions or walks is refused.
#[test]
fn depends_on_names_one_revision_by_id_or_label() {
    let p = Project::new(Engine::Sqlite);
    for (id, head, label) in [("aaaa1111", "base", "main"), ("bbbb1111", "base", "net")] {
        p.alembic(&[
            "revision",
            "-m",
            id,
            "--rev-id",
            id,
            "--head",
            head,
            "--branch-label",
            label,
        ])
        .ok();
    }
    p.alembic(&[
        "revision", "-m", "net2", "--rev-id", "bbbb2222", "--head", "net@head",
    ])
    .ok();
    let written = |rev_id: &str, dep: &str| {
        p.alembic(&[
            "revision",
            "-m",
            "x",
            "--rev-id",
            rev_id,
            "--head",
            "main@head",
            "--splice",
            &format!("--depends-on={dep}"),
        ])
        .ok();
        let path = p.versions().join(format!("{rev_id}_x.sql"));
        let text = std::fs::read_to_string(&path).expect("script");
        std::fs::remove_file(&path).expect("remove");
        text.lines()
            .find_map(|l| l.strip_prefix("-- depends_on: "))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(written("c1", "bbbb1"), "bbbb1111");
    assert_eq!(written("c2", "net"), "net");
    assert_eq!(written("c3", "net@head"), "bbbb2222");
    let refused = |dep: &str| {
        p.alembic(&[
            "revision",
            "-m",
            "x",
            "--head",
            "main@head",
            "--splice",
            &format!("--depends-on={dep}"),
        ])
        .failed()
    };
    assert_eq!(
        refused("heads"),
        "Multiple head revisions are present for given argument 'heads'; please specify a \
         specific target revision, '<branchname>@heads' to narrow to a specific head, or 'heads' \
         for all heads"
    );
    assert_eq!(
        refused("main@-1"),
        "Can't locate revision identified by '-1'"
    );
    assert_eq!(
        refused("base"),
        "Can't locate revision identified by 'base'"
    );
    // None of the refusals wrote a file.
    assert_eq!(std::fs::read_dir(p.versions()).expect("dir").count(), 3);
}
