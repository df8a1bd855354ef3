//! The seed README's workflow, command by command, in its order, on both engines.

use crate::engine_test;
use crate::support::{pg, run_in, Engine};

fn seed_workflow(engine: Engine) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let backend = tmp.path().join("backend");
    std::fs::create_dir_all(&backend).expect("mkdir backend");
    let alembic = |args: &[&str]| run_in(&backend, args);

    // 1. Initialize migrations.
    let init = alembic(&["init", "alembic"]).ok();
    assert!(init.stdout.contains("Generating"), "{}", init.stdout);
    assert!(backend.join("alembic/versions").is_dir());
    let ini_path = backend.join("alembic.ini");
    let ini = std::fs::read_to_string(&ini_path).expect("ini");
    let generated = ini
        .lines()
        .find(|l| l.starts_with("sqlalchemy.url = "))
        .expect("init writes a sqlalchemy.url line");
    // "Edit alembic.ini to configure database URL", with the README's own lines.
    let url = match engine {
        Engine::Sqlite => "sqlite:///./data/litekb.db".to_string(),
        Engine::Postgres => pg::database_url(),
    };
    let edited = ini.replace(generated, &format!("sqlalchemy.url = {url}"));
    std::fs::write(&ini_path, edited).expect("edit ini");

    // 2. Create a new migration (twice, so that +1 and -1 have something to do).
    let first = alembic(&["revision", "-m", "your_migration_name"]).ok();
    assert!(
        first.stdout.contains("_your_migration_name.sql ...  done"),
        "{}",
        first.stdout
    );
    alembic(&["revision", "-m", "second"]).ok();
    let heads = alembic(&["heads"]).ok().stdout;
    let head = heads.split_whitespace().next().expect("a head").to_string();
    let history = alembic(&["history"]).ok().stdout;
    let base_rev = history
        .lines()
        .last()
        .and_then(|l| l.split(", ").next())
        .and_then(|l| l.rsplit(' ').next())
        .expect("base revision")
        .to_string();

    // 3. Run migrations.
    alembic(&["upgrade", "head"]).ok();
    assert_eq!(
        alembic(&["current"]).ok().stdout,
        format!("{head} (head)\n")
    );
    alembic(&["downgrade", "-1"]).ok();
    assert_eq!(alembic(&["current"]).ok().stdout, format!("{base_rev}\n"));
    alembic(&["upgrade", &head]).ok();
    alembic(&["history"]).ok();
    alembic(&["downgrade", "-1"]).ok();
    alembic(&["upgrade", "+1"]).ok();
    assert_eq!(
        alembic(&["current"]).ok().stdout,
        format!("{head} (head)\n")
    );

    // 4. Generate SQL for review.
    let sql = alembic(&["upgrade", "--sql"]).ok().stdout;
    assert!(sql.contains("CREATE TABLE alembic_version"), "{sql}");
    assert!(
        sql.contains(&format!("-- Running upgrade {base_rev} -> {head}")),
        "{sql}"
    );

    // Migration commands table.
    assert_eq!(alembic(&["heads"]).ok().stdout, format!("{head} (head)\n"));
    assert_eq!(alembic(&["branches"]).ok().stdout, "");

    // Troubleshooting.
    assert_eq!(alembic(&["pending"]).ok().stdout, "");
    let verbose = alembic(&["current", "-v"]).ok().stdout;
    assert!(verbose.starts_with("Current revision(s) for "), "{verbose}");
    alembic(&["stamp", &base_rev]).ok();
    assert_eq!(
        alembic(&["pending"]).ok().stdout,
        format!("{base_rev} -> {head}, second\n")
    );
    alembic(&["stamp", &head]).ok();

    // Conflicts: two heads, merged, then upgraded.
    alembic(&["revision", "-m", "branch", "--head", &base_rev, "--splice"]).ok();
    let merge = alembic(&["merge", "heads", "-m", "merge"]).ok();
    assert!(
        merge.stdout.contains("_merge.sql ...  done"),
        "{}",
        merge.stdout
    );
    alembic(&["upgrade", "head"]).ok();
    let current = alembic(&["current"]).ok().stdout;
    assert!(current.ends_with("(head) (mergepoint)\n"), "{current}");

    if engine == Engine::Sqlite {
        assert!(backend.join("data/litekb.db").is_file());
    }
}

engine_test!(
    seed_readme_workflow,
    engine | engine | {
        seed_workflow(engine);
    }
);
