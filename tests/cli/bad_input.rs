//! Bad input of every kind — scripts, configuration, URLs, targets, the database itself, the
//! file system — each a one-line `FAILED:` message on stderr with exit status 1, no panic, and
//! the database exactly as it was (on SQLite, byte for byte).
//!
//! The tests run as root in CI, where permission bits stop nothing; the unreadable directory
//! and the read-only database are therefore exercised by running the binary as `nobody`
//! through `runuser` when the tests are root (plain permission bits otherwise). A full disk is
//! a 256 KiB tmpfs when `mount` works, otherwise a file-size limit (`ulimit -f`, with SIGXFSZ
//! ignored so that the write fails with EFBIG instead of killing the process).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::engine_test;
use crate::support::{run_in, Engine, Project, Run};

/// What a failing command must leave alone.
#[derive(Debug, PartialEq)]
struct State {
    rows: Vec<String>,
    tables: Vec<String>,
    history: Vec<String>,
    /// The SQLite file's bytes.
    bytes: Option<Vec<u8>>,
}

fn state(p: &Project) -> State {
    State {
        rows: p.version_rows(),
        tables: p.tables(),
        history: p.query_column(
            "SELECT revision || ' ' || direction FROM alembic_version_history ORDER BY id",
        ),
        bytes: (p.engine == Engine::Sqlite).then(|| std::fs::read(p.path("test.db")).expect("db")),
    }
}

/// The a1 fixture with its first revision applied: a database with something to lose.
fn applied(engine: Engine) -> Project {
    let p = Project::new(engine);
    p.linear();
    p.alembic(&["upgrade", "ae1027a6acf"]).ok();
    p
}

/// Checks the run failed as it must and changed nothing; returns the message, paths and URL
/// normalised.
#[track_caller]
fn failed_unchanged(p: &Project, before: &State, run: Run) -> String {
    assert!(!run.stderr.contains("RUST_BACKTRACE"), "{}", run.stderr);
    let msg = run.failed();
    assert_eq!(&state(p), before, "a failing command changed the database");
    p.normalize(&msg)
}

/// Runs `args` on `p`, which must fail without changing the database.
#[track_caller]
fn fails(p: &Project, args: &[&str]) -> String {
    let before = state(p);
    let run = p.alembic(args);
    failed_unchanged(p, &before, run)
}

#[test]
fn malformed_scripts() {
    let p = applied(Engine::Sqlite);
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "no_revision.sql",
            b"-- down_revision: ae1027a6acf\n-- message: x\n\n-- +upgrade\nSELECT 1;\n",
            "$DIR/migrations/versions/no_revision.sql:3: missing '-- revision: <id>' in the header (the header is the run of '-- key: value' lines at the top of the file)",
        ),
        (
            "bad_id.sql",
            b"-- revision: not-an-id!\n-- down_revision: ae1027a6acf\n\n-- +upgrade\n",
            "$DIR/migrations/versions/bad_id.sql:1: invalid revision id 'not-an-id!' in 'revision'; a revision id is 1 to 32 characters of 0-9, a-z, A-Z and _",
        ),
        (
            "long_id.sql",
            b"-- revision: abcdefghijklmnopqrstuvwxyz0123456789\n-- down_revision:\n\n-- +upgrade\n",
            "$DIR/migrations/versions/long_id.sql:1: invalid revision id 'abcdefghijklmnopqrstuvwxyz0123456789' in 'revision'; a revision id is 1 to 32 characters of 0-9, a-z, A-Z and _",
        ),
        (
            "marker.sql",
            b"-- revision: 0aa1\n-- down_revision: ae1027a6acf\n\n-- +sideways\nSELECT 1;\n",
            "$DIR/migrations/versions/marker.sql:4: unknown section marker '-- +sideways'; expected '-- +upgrade' or '-- +downgrade'",
        ),
        (
            "dialect.sql",
            b"-- revision: 0aa2\n-- down_revision: ae1027a6acf\n\n-- +upgrade oracle\nSELECT 1;\n",
            "$DIR/migrations/versions/dialect.sql:4: unknown word 'oracle' in the '-- +upgrade' marker; expected a dialect (sqlite, postgresql) or 'no-transaction'",
        ),
        (
            "twice.sql",
            b"-- revision: 0aa3\n-- down_revision: ae1027a6acf\n\n-- +upgrade\nSELECT 1;\n-- +upgrade\nSELECT 2;\n",
            "$DIR/migrations/versions/twice.sql:6: a second '-- +upgrade' section (the first starts on line 4)",
        ),
        (
            "dup_key.sql",
            b"-- revision: 0aa4\n-- revision: 0aa5\n-- down_revision: ae1027a6acf\n\n-- +upgrade\n",
            "$DIR/migrations/versions/dup_key.sql:2: duplicate header key 'revision' (first given on line 1)",
        ),
        (
            "latin1.sql",
            b"-- revision: 0aa6\n-- down_revision: ae1027a6acf\n-- message: caf\xe9\n\n-- +upgrade\n",
            "$DIR/migrations/versions/latin1.sql is not valid UTF-8",
        ),
        (
            "utf16.sql",
            b"\xff\xfe-\x00-\x00 \x00r\x00e\x00v\x00",
            "$DIR/migrations/versions/utf16.sql is not valid UTF-8",
        ),
        (
            "orphan.sql",
            b"-- revision: 0aa7\n-- down_revision: ffff0000ffff\n\n-- +upgrade\nSELECT 1;\n",
            "Revision ffff0000ffff referenced from 0aa7 ($DIR/migrations/versions/orphan.sql) is not present",
        ),
    ];
    let mut wrong = Vec::new();
    for (name, text, expected) in cases {
        let path = p.versions().join(name);
        std::fs::write(&path, text).expect("write script");
        let msg = fails(&p, &["upgrade", "head"]);
        if msg != *expected {
            wrong.push(format!("{name}: {msg}"));
        }
        std::fs::remove_file(&path).expect("remove script");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_migration_that_fails_is_rolled_back() {
    let p = applied(Engine::Sqlite);
    p.script("0bad00000009")
        .down_revision("1975ea83b712")
        .message("broken")
        .upgrade("CREATE TABLE half (id INTEGER);\nINSERT INTO half VALUES (1);\nCREATE TABLE half (id INTEGER);")
        .downgrade("DROP TABLE half;")
        .write();
    let before = (p.version_rows(), p.tables());
    let msg = p.normalize(&p.alembic(&["upgrade", "head"]).failed());
    assert_eq!(msg, "$DIR/migrations/versions/0bad00000009.sql:11: table half already exists in CREATE TABLE half (id INTEGER) at offset 13 (revision 0bad00000009; this migration was rolled back; the last one applied was upgrade 27c6a30d7c24 -> 1975ea83b712)");
    // The two good revisions before it were applied; the broken one left nothing.
    assert_eq!(before.0, ["ae1027a6acf"]);
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    assert_eq!(p.tables(), ["account"]);
}

#[test]
fn malformed_configuration() {
    let p = applied(Engine::Sqlite);
    let url = p.url.clone();
    let base =
        format!("[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = {url}\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("no_equals", format!("{base}novalue\n").into_bytes(), "alembic.ini:4: expected 'key = value' or '[section]', found 'novalue'"),
        (
            "duplicate_key",
            format!("{base}script_location = elsewhere\n").into_bytes(),
            "alembic.ini:4: option 'script_location' in section 'alembic' already exists",
        ),
        (
            "bad_interpolation",
            format!("{base}models = %(nowhere)s/models.sql\n").into_bytes(),
            "alembic.ini: bad interpolation in 'models': '%(nowhere)s' refers to a key that is not in the section or [DEFAULT]",
        ),
        (
            "dangling_percent",
            format!("{base}file_template = 50%\n").into_bytes(),
            "alembic.ini: bad interpolation in 'file_template': '%' must be followed by '%' or '('; write '%%' for a literal '%'",
        ),
        (
            "duplicate_section",
            format!("{base}[alembic]\nx = 1\n").into_bytes(),
            "alembic.ini:4: section 'alembic' already exists",
        ),
        (
            "no_script_location",
            format!("[alembic]\nsqlalchemy.url = {url}\n").into_bytes(),
            "No 'script_location' key found in configuration.",
        ),
        (
            "lock_timeout",
            format!("{base}lock_timeout = soon\n").into_bytes(),
            "bad value for 'lock_timeout' in configuration: 'soon' is not a number of seconds from 0 to 86400",
        ),
        (
            "transaction_per_migration",
            format!("{base}transaction_per_migration = maybe\n").into_bytes(),
            "bad value for 'transaction_per_migration' in configuration: String is not true/false: 'maybe'",
        ),
        (
            "missing_version_location",
            format!("{base}version_locations = %(here)s/nowhere\n").into_bytes(),
            "Path doesn't exist: $DIR/nowhere.  Please use the 'init' command to create a new scripts folder.",
        ),
        ("not_utf8", [base.as_bytes(), b"# caf\xe9\n"].concat(), "could not read alembic.ini: stream did not contain valid UTF-8"),
    ];
    let mut wrong = Vec::new();
    for (name, text, expected) in &cases {
        std::fs::write(p.path("alembic.ini"), text).expect("write ini");
        let msg = fails(&p, &["upgrade", "head"]);
        if msg != *expected {
            wrong.push(format!("{name}: {msg}"));
        }
    }
    // The config path is a directory.
    let msg = fails(&p, &["-c", "migrations", "upgrade", "head"]);
    if msg != "could not read migrations: Is a directory (os error 21)" {
        wrong.push(format!("directory: {msg}"));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn malformed_urls() {
    let p = applied(Engine::Sqlite);
    std::fs::write(p.path("plain_file"), "not a directory").expect("write");
    let cases: &[(&str, &str)] = &[
        ("mysql://scott:tiger@localhost/test", "can't parse database URL 'mysql://scott:***@localhost/test': unknown database scheme 'mysql'; supported: sqlite://, postgresql:// (or postgres://), optionally with a +driver suffix"),
        ("nonsense", "can't parse database URL 'nonsense': expected a URL of the form sqlite://, postgresql:// (or postgres://), optionally with a +driver suffix"),
        ("sqlite://host/x.db", "can't parse database URL 'sqlite://host/x.db': a sqlite URL has no host: use sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite:// (in memory)"),
        ("postgresql://scott:tiger@localhost:99999/db", "can't parse database URL 'postgresql://scott:***@localhost:99999/db': the port must be a number from 1 to 65535"),
        ("postgresql://scott:tiger@localhost:port/db", "can't parse database URL 'postgresql://scott:***@localhost:port/db': the port must be a number from 1 to 65535"),
        (
            "postgresql://scott:tiger@localhost/db?sslmode=sometimes",
            "can't parse database URL 'postgresql://scott:***@localhost/db?sslmode=sometimes': unsupported sslmode 'sometimes'; expected disable, prefer or require",
        ),
        ("postgresql://scott:tiger@127.0.0.1:1/db", "can't connect to postgresql://scott:***@127.0.0.1:1/db: connection refused: is the server running on 127.0.0.1:1?"),
    ];
    let mut wrong = Vec::new();
    for (url, expected) in cases {
        let msg = fails(&p, &["-x", &format!("url={url}"), "upgrade", "head"]);
        assert!(!msg.contains("tiger"), "password shown: {msg}");
        if msg != *expected {
            wrong.push(format!("{url}: {msg}"));
        }
    }
    // A SQLite file below a regular file: its directory can't be made.
    let url = format!("sqlite:///{}", p.path("plain_file/x.db").display());
    let msg = fails(&p, &["-x", &format!("url={url}"), "upgrade", "head"]);
    if msg != "can't connect to sqlite:///$DIR/plain_file/x.db: can't create directory $DIR/plain_file: File exists (os error 17)" {
        wrong.push(format!("below a file: {msg}"));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

engine_test!(malformed_targets, |p| {
    p.linear();
    p.alembic(&["upgrade", "ae1027a6acf"]).ok();
    let cases: &[(&[&str], &str)] = &[
        (
            &["upgrade", "zzzz"],
            "Can't locate revision identified by 'zzzz'",
        ),
        (
            &["upgrade", "+abc"],
            "Can't locate revision identified by '+abc'",
        ),
        (
            &["upgrade", "ae1027a6acf:head"],
            "Range revision not allowed",
        ),
        (
            &["upgrade", "nolabel@head"],
            "Can't locate revision identified by 'nolabel'",
        ),
        (
            &["upgrade", "+5"],
            "Relative revision +5 didn't produce 5 migrations",
        ),
        (
            &["upgrade", "+99999999999999999999"],
            "Relative revision +99999999999999999999 didn't produce 99999999999999999999 migrations",
        ),
        (
            &["downgrade", "-2"],
            "Relative revision -2 didn't produce 2 migrations",
        ),
        (
            &["downgrade", "1975ea83b712"],
            "Destination 1975ea83b712 is not a valid downgrade target from current head(s)",
        ),
        (
            &["stamp", "zzzz"],
            "Can't locate revision identified by 'zzzz'",
        ),
    ];
    let mut wrong = Vec::new();
    for (args, expected) in cases {
        let msg = fails(p, args);
        if msg != *expected {
            wrong.push(format!("{args:?}: {msg}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
});

#[test]
fn database_files_that_are_not_sqlite() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    let mut noise = vec![0u8; 8192];
    for (i, b) in noise.iter_mut().enumerate() {
        *b = (i * 7919 % 251) as u8;
    }
    std::fs::write(p.path("test.db"), &noise).expect("write");
    let msg = p.normalize(&p.alembic(&["upgrade", "head"]).failed());
    assert_eq!(msg, "can't connect to $URL: file is not a database");
    assert_eq!(std::fs::read(p.path("test.db")).expect("read"), noise);
    // A directory where the database file should be.
    std::fs::remove_file(p.path("test.db")).expect("rm");
    std::fs::create_dir(p.path("test.db")).expect("mkdir");
    let msg = p.normalize(&p.alembic(&["upgrade", "head"]).failed());
    assert_eq!(
        msg,
        "can't connect to $URL: unable to open database file: $DIR/test.db"
    );
}

#[test]
fn versions_path_that_is_a_file() {
    let p = applied(Engine::Sqlite);
    std::fs::write(p.path("not_a_dir"), "x").expect("write");
    std::fs::write(
        p.path("alembic.ini"),
        format!(
            "[alembic]\nscript_location = %(here)s/migrations\nversion_locations = %(here)s/not_a_dir\nsqlalchemy.url = {}\n",
            p.url
        ),
    )
    .expect("ini");
    assert_eq!(fails(&p, &["upgrade", "head"]), "Path $DIR/not_a_dir is not a directory; script_location and version_locations must name directories");
}

/// Whether this process is root (then permission bits don't stop it).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs the binary in `dir` as an unprivileged user: `nobody` through `runuser` when root.
/// `nobody` runs a copy of the binary in a directory of its own, so the checkout's place
/// (a clone under a private `mktemp -d`, say) doesn't matter; `dir` and every directory above
/// it must be open to all, which the test fixtures arrange.
fn run_unprivileged(dir: &Path, args: &[&str]) -> Run {
    if !is_root() {
        return run_in(dir, args);
    }
    assert_traversable_by_all(dir);
    let bin = tempfile::tempdir().expect("temp dir for the binary");
    chmod(bin.path(), 0o755);
    assert_traversable_by_all(bin.path());
    let exe = bin.path().join("alembic");
    std::fs::copy(env!("CARGO_BIN_EXE_alembic"), &exe).expect("copy the binary");
    chmod(&exe, 0o755);
    let out = Command::new("runuser")
        .args(["-u", "nobody", "--"])
        .arg(&exe)
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("ALEMBIC_CONFIG")
        .output()
        .expect("runuser (util-linux) runs the binary as nobody");
    Run::from(out)
}

/// Panics, naming the directory, unless `dir` and each directory above it let others in.
fn assert_traversable_by_all(dir: &Path) {
    for ancestor in dir.ancestors() {
        let mode = std::fs::metadata(ancestor)
            .expect("stat")
            .permissions()
            .mode();
        assert!(
            mode & 0o001 != 0,
            "{} is closed to other users (mode {:o}), so `nobody` can't reach {}; \
             set TMPDIR to a directory open to all",
            ancestor.display(),
            mode & 0o777,
            dir.display()
        );
    }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn a_script_directory_that_cannot_be_read() {
    let p = applied(Engine::Sqlite);
    chmod(p.dir.path(), 0o755);
    chmod(&p.versions(), 0o000);
    let before = state(&p);
    let run = run_unprivileged(p.dir.path(), &["upgrade", "head"]);
    chmod(&p.versions(), 0o755);
    assert_eq!(
        failed_unchanged(&p, &before, run),
        "could not read $DIR/migrations/versions: Permission denied (os error 13)"
    );
}

#[test]
fn a_read_only_database() {
    let p = applied(Engine::Sqlite);
    // Readable by all, writable by its owner only; the directory too, so no journal either.
    chmod(p.dir.path(), 0o755);
    chmod(&p.path("test.db"), 0o444);
    let before = state(&p);
    // Reading works...
    let run = run_unprivileged(p.dir.path(), &["current"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "ae1027a6acf\n");
    // ...writing fails cleanly.
    let run = run_unprivileged(p.dir.path(), &["upgrade", "head"]);
    assert_eq!(failed_unchanged(&p, &before, run), "$DIR/migrations/versions/27c6a30d7c24.sql:9: attempt to write a readonly database (permission denied: this user may not write the database file $DIR/test.db) (revision 27c6a30d7c24; this migration was rolled back; none were applied)");
}

#[test]
fn a_database_in_a_read_only_directory() {
    let p = applied(Engine::Sqlite);
    chmod(p.dir.path(), 0o755);
    // The file is the runner's to write; its directory, where the journal goes, is not.
    if is_root() {
        let chown = Command::new("chown")
            .arg("nobody")
            .arg(p.path("test.db"))
            .status();
        assert!(chown.is_ok_and(|s| s.success()), "chown nobody");
    }
    let before = state(&p);
    let run = run_unprivileged(p.dir.path(), &["upgrade", "head"]);
    assert_eq!(failed_unchanged(&p, &before, run), "$DIR/migrations/versions/27c6a30d7c24.sql:9: attempt to write a readonly database (permission denied: this user may not create files in $DIR, where SQLite keeps the journal of $DIR/test.db) (revision 27c6a30d7c24; this migration was rolled back; none were applied)");
    // A new database there can't be created either.
    let run = run_unprivileged(
        p.dir.path(),
        &["-x", "url=sqlite:///new.db", "upgrade", "head"],
    );
    assert_eq!(p.normalize(&run.failed()), "can't connect to sqlite:///new.db: unable to open database file: new.db (permission denied: this user may not create the database file $DIR/new.db in $DIR)");
    assert!(!p.path("new.db").exists());
}

#[test]
fn a_database_directory_that_cannot_be_created() {
    let p = applied(Engine::Sqlite);
    std::fs::write(p.path("plain"), "").expect("a regular file");
    let before = state(&p);
    let msg = fails(
        &p,
        &["-x", "url=sqlite:///plain/sub/x.db", "upgrade", "head"],
    );
    assert_eq!(msg, "can't connect to sqlite:///plain/sub/x.db: can't create directory plain/sub: Not a directory (os error 20)");
    assert_eq!(state(&p), before);
    // A command that only reads creates nothing and reads an empty database.
    let run = p.alembic(&["-x", "url=sqlite:///plain/sub/x.db", "current"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A small tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then_some(Tmpfs { dir })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    // A migration that writes about 100 KiB: room enough on an empty 256 KiB tmpfs, not on a
    // full one.
    p.script("0b1900000004")
        .down_revision("1975ea83b712")
        .message("big")
        .upgrade(
            "CREATE TABLE big (id INTEGER PRIMARY KEY, pad TEXT);\n\
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)\n\
         INSERT INTO big SELECT i, printf('%.200c', 'x') FROM n;",
        )
        .downgrade("DROP TABLE big;")
        .write();
    match Tmpfs::mount("256k") {
        Some(fs) => {
            let db = fs.dir.path().join("full.db");
            p.write_ini("");
            std::fs::write(
                p.path("alembic.ini"),
                format!(
                    "[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = sqlite:///{}\n",
                    db.display()
                ),
            )
            .expect("ini");
            p.alembic(&["upgrade", "1975ea83b712"]).ok();
            // Fill what is left.
            let filler = fs.dir.path().join("filler");
            let _ = std::fs::write(&filler, vec![0u8; 1024 * 1024]);
            let bytes = std::fs::read(&db).expect("db");
            let msg = p.normalize(&p.alembic(&["upgrade", "head"]).failed());
            assert_eq!(
                msg,
                "$DIR/migrations/versions/0b1900000004.sql:9: database or disk is full \
                 (revision 0b1900000004; this migration was rolled back; none were applied)"
            );
            assert_eq!(std::fs::read(&db).expect("db"), bytes);
            std::fs::remove_file(&filler).expect("rm filler");
            // With room again, the same run succeeds.
            p.alembic(&["upgrade", "head"]).ok();
        }
        None => {
            p.alembic(&["upgrade", "1975ea83b712"]).ok();
            let before = state(&p);
            // 64 KiB, in the shell's 512-byte blocks.
            let out = Command::new("sh")
                .args([
                    "-c",
                    "trap '' XFSZ; ulimit -f 128; exec \"$0\" upgrade head",
                    env!("CARGO_BIN_EXE_alembic"),
                ])
                .current_dir(p.dir.path())
                .env_remove("DATABASE_URL")
                .output()
                .expect("sh");
            let run = Run {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            };
            failed_unchanged(&p, &before, run);
        }
    }
}
