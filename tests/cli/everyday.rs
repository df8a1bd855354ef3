//! The everyday command line: targets that name nothing are errors, `show` prints a whole
//! revision, a `.sql` file without a header is skipped with a warning. Snapshots of status,
//! stdout and stderr, on both engines where a database is involved.

use crate::support::{Engine, Project};
use crate::{assert_run, engine_test};

engine_test!(targets_that_name_nothing_are_errors, |p| {
    p.linear();
    p.alembic(&["upgrade", "+1"]).ok();
    for (name, args) in [
        ("upgrade_at", &["upgrade", "@"][..]),
        ("upgrade_label_at", &["upgrade", "x@"]),
        ("upgrade_base_minus_one", &["upgrade", "base-1"]),
        ("downgrade_base_minus_one", &["downgrade", "base-1"]),
        ("downgrade_at", &["downgrade", "@"]),
        ("upgrade_too_many", &["upgrade", "+99999999999999999999"]),
        (
            "downgrade_too_many",
            &["downgrade", "-99999999999999999999"],
        ),
    ] {
        assert_run!(p, name, p.alembic(args));
        assert_eq!(
            p.version_rows(),
            ["ae1027a6acf"],
            "{name} moved the database"
        );
    }
    // `@head` is `head`, as in Alembic.
    p.alembic(&["upgrade", "@head"]).ok();
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
});

#[test]
fn show_prints_the_whole_revision_and_with_v_its_sections() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    p.script("0c0000000004")
        .down_revision("1975ea83b712")
        .message("tags")
        .upgrade("CREATE TABLE tag (id INTEGER);\n\nINSERT INTO tag VALUES (1);")
        .downgrade("DROP TABLE tag;")
        .write();
    assert_run!(&p, "show", p.alembic(&["show", "0c00"]));
    assert_run!(&p, "show_v", p.alembic(&["show", "-v", "0c00"]));
}

#[test]
fn a_sql_file_without_a_header_is_skipped_with_a_warning() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    std::fs::write(
        p.versions().join("notes.sql"),
        "-- a query I keep\nSELECT 1;\n",
    )
    .expect("notes");
    std::fs::write(p.versions().join("empty.sql"), "").expect("empty");
    assert_run!(&p, "heads", p.alembic(&["heads"]));
    assert_run!(&p, "upgrade", p.alembic(&["upgrade", "head"]));
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    // A header without its revision line is a revision written wrong: still an error.
    std::fs::write(
        p.versions().join("half.sql"),
        "-- down_revision: 1975ea83b712\n",
    )
    .expect("half");
    assert_run!(&p, "half_header", p.alembic(&["heads"]));
}

engine_test!(v_shows_statements_and_vv_their_timings, |p| {
    p.linear();
    assert_run!(p, "upgrade_v", p.alembic(&["upgrade", "+1", "-v"]));
    assert_run!(p, "upgrade_vv", p.alembic(&["upgrade", "head", "-vv"]));
    assert_eq!(p.version_rows(), ["1975ea83b712"]);
    assert_run!(
        p,
        "downgrade_v",
        p.alembic(&["downgrade", "-1", "--verbose"])
    );
    // -q silences the detail along with the log lines.
    assert_run!(
        p,
        "downgrade_q_vv",
        p.alembic(&["-q", "downgrade", "base", "-vv"])
    );
    assert_eq!(p.version_rows(), Vec::<String>::new());
});

#[test]
fn history_graph_draws_branches_and_merges_in_historys_order() {
    let p = Project::new(Engine::Sqlite);
    p.branchy(true);
    // A second branch point on the merge, one branch of which merges back later, and a
    // second base revision that stays a separate line.
    p.script("ffff00000006")
        .down_revision("eeee00000005")
        .message("after the merge")
        .write();
    p.script("0a0a00000007")
        .down_revision("eeee00000005")
        .message("side branch")
        .write();
    p.script("0b0b00000008")
        .down_revision("ffff00000006, 0a0a00000007")
        .message("merge again")
        .write();
    p.script("0c0c00000009")
        .message("another base")
        .branch_labels("other")
        .write();
    let plain = p.alembic(&["history"]).ok();
    let graph = p.alembic(&["history", "--graph"]).ok();
    assert_run!(&p, "graph", graph);
    // The same revisions in the same order, with the margin in front.
    let graph = p.alembic(&["history", "--graph"]).ok();
    let listed: Vec<&str> = graph
        .stdout
        .lines()
        .filter(|l| l.contains('*'))
        .map(|l| l.trim_start_matches([' ', '|', '*', '-', '.']))
        .collect();
    assert_eq!(listed, plain.stdout.lines().collect::<Vec<_>>());
    assert_run!(&p, "graph_v", p.alembic(&["history", "--graph", "-v"]));
    assert_run!(
        &p,
        "graph_range",
        p.alembic(&["history", "--graph", "-r", "bbbb00000002:eeee00000005"])
    );
    assert_run!(
        &p,
        "graph_json",
        p.alembic(&["history", "--graph", "--format", "json"])
    );
}

engine_test!(history_graph_marks_the_current_revisions, |p| {
    p.branchy(false);
    p.alembic(&["upgrade", "cccc00000003"]).ok();
    assert_run!(p, "graph_i", p.alembic(&["history", "--graph", "-i"]));
});

/// Runs under a terminal in `p`'s directory.
fn in_pty(p: &Project, args: &[&str], env: &[(&str, &str)]) -> crate::support::Run {
    crate::support::pty::run_in_pty(p.dir.path(), args, env)
}

#[test]
fn errors_and_warnings_are_coloured_on_a_terminal_or_when_asked() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    std::fs::write(p.versions().join("notes.sql"), "SELECT 1;\n").expect("notes");
    let red = "\x1b[1;31mFAILED:\x1b[0m Can't locate revision";
    let yellow = "\x1b[1;33mWARNING:\x1b[0m ";
    // Piped: no colour, unless --color always.
    let piped = p.alembic(&["upgrade", "nosuch"]);
    assert!(
        piped.stderr.contains("\nFAILED: Can't locate"),
        "{}",
        piped.stderr
    );
    assert!(!piped.stderr.contains('\x1b'), "{}", piped.stderr);
    let always = p.alembic(&["--color", "always", "upgrade", "nosuch"]);
    assert_eq!(always.code, 1);
    assert!(always.stderr.contains(red), "{}", always.stderr);
    assert!(always.stderr.contains(yellow), "{}", always.stderr);
    assert_run!(&p, "always", always);
    // On a terminal: colour, unless NO_COLOR or --color never.
    let tty = in_pty(&p, &["upgrade", "nosuch"], &[]);
    assert_eq!(tty.code, 1);
    assert!(tty.stdout.contains(red), "{}", tty.stdout);
    assert!(tty.stdout.contains(yellow), "{}", tty.stdout);
    for (args, env) in [
        (&["upgrade", "nosuch"][..], &[("NO_COLOR", "1")][..]),
        (&["upgrade", "nosuch", "--color=never"], &[]),
    ] {
        let plain = in_pty(&p, args, env);
        assert_eq!(plain.code, 1);
        assert!(
            plain.stdout.contains("\nFAILED: Can't locate"),
            "{}",
            plain.stdout
        );
        assert!(
            !plain.stdout.contains('\x1b'),
            "{args:?} {env:?}: {}",
            plain.stdout
        );
    }
    // clap's usage errors follow the same choice; status 2 either way.
    let usage = p.alembic(&["--color", "always", "upgarde"]);
    assert_eq!(usage.code, 2);
    assert!(usage.stderr.contains('\x1b'), "{}", usage.stderr);
    let usage = in_pty(&p, &["upgarde", "--color", "never"], &[]);
    assert_eq!(usage.code, 2);
    assert!(
        usage.stdout.contains("unrecognized subcommand"),
        "{}",
        usage.stdout
    );
    assert!(!usage.stdout.contains('\x1b'), "{}", usage.stdout);
}

#[test]
fn every_command_has_examples_and_global_options_in_its_help() {
    let p = Project::new(Engine::Sqlite);
    let top = p.alembic(&["--help"]).ok();
    for name in top
        .stdout
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
    {
        let help = p.alembic(&[name, "--help"]).ok().stdout;
        assert!(help.contains("\nExamples:\n  alembic "), "{name}: {help}");
        assert!(help.contains("\nGlobal options:\n"), "{name}: {help}");
        let before = help.split("Global options:").next().unwrap_or("");
        assert!(
            !before.contains("--config"),
            "{name}: global option listed with its own"
        );
    }
    assert_run!(&p, "upgrade_help", p.alembic(&["upgrade", "--help"]));
}

#[test]
fn man_prints_the_page_of_alembic_and_of_each_command() {
    let p = Project::new(Engine::Sqlite);
    let page = p.alembic(&["man"]).ok().stdout;
    assert!(page.contains(".TH alembic 1"), "{page}");
    for command in ["upgrade", "history", "completions", "man"] {
        assert!(
            page.contains(&format!("alembic\\-{command}")),
            "{command}: {page}"
        );
    }
    let page = p.alembic(&["man", "upgrade"]).ok().stdout;
    assert!(page.contains(".TH alembic-upgrade 1"), "{page}");
    assert!(page.contains(".SH \"GLOBAL OPTIONS\""), "{page}");
    assert!(page.contains("alembic upgrade head"), "examples: {page}");
    let missing = p.alembic(&["man", "upgarde"]).failed();
    assert!(missing.contains("no command 'upgarde'"), "{missing}");
}

/// Five revisions r1..r5 in a line; `slow` is a statement r3 runs first.
fn five(p: &Project, slow: &str) {
    let mut down = String::new();
    for i in 1..=5 {
        let extra = if i == 3 { slow } else { "" };
        p.script(&format!("r{i}"))
            .down_revision(&down)
            .message(&format!("step {i}"))
            .upgrade(&format!("{extra}CREATE TABLE t{i} (id INTEGER);"))
            .downgrade(&format!("DROP TABLE t{i};"))
            .write();
        down = format!("r{i}");
    }
}

engine_test!(a_long_run_shows_one_live_line_on_a_terminal_only, |p| {
    five(p, "");
    let tty = in_pty(p, &["upgrade", "head"], &[]);
    assert_eq!(tty.code, 0, "{}", tty.stdout);
    assert_eq!(p.version_rows(), ["r5"]);
    for n in 1..=5 {
        assert!(
            tty.stdout.contains(&format!("[{n}/5] upgrade ")),
            "{n}: {}",
            tty.stdout
        );
    }
    // Alembic's lines are all there, above the live line; the line is cleared at the end.
    let info = tty
        .stdout
        .matches("INFO  [alembic.runtime.migration] Running upgrade")
        .count();
    assert_eq!(info, 5, "{}", tty.stdout);
    let under_its_info_line = "Running upgrade r2 -> r3, step 3\n[3/5] upgrade r2 -> r3, step 3 (";
    assert!(tty.stdout.contains(under_its_info_line), "{}", tty.stdout);
    assert!(tty.stdout.ends_with("\r\x1b[2K"), "{:?}", tty.stdout);
    // Piped, with -q, or for a plan of a few steps: no line.
    let piped = p.alembic(&["downgrade", "base"]).ok();
    assert!(
        !piped.stderr.contains("[1/5]") && !piped.stderr.contains('\x1b'),
        "{}",
        piped.stderr
    );
    let quiet = in_pty(p, &["-q", "upgrade", "head"], &[]);
    assert_eq!(quiet.stdout, "");
    let few = in_pty(p, &["downgrade", "-3"], &[]);
    assert!(
        !few.stdout.contains("/3]") && !few.stdout.contains('\x1b'),
        "{}",
        few.stdout
    );
    assert_eq!(p.version_rows(), ["r2"]);
});

#[test]
fn a_slow_statement_shows_that_it_is_still_running() {
    let p = Project::new(Engine::Postgres);
    five(&p, "SELECT pg_sleep(3.5);\n");
    let tty = in_pty(&p, &["upgrade", "head"], &[]);
    assert_eq!(tty.code, 0, "{}", tty.stdout);
    assert!(
        tty.stdout.contains("[3/5] upgrade r2 -> r3, step 3 (")
            && tty.stdout.contains("s; statement still running for "),
        "{}",
        tty.stdout
    );
    assert_eq!(p.version_rows(), ["r5"]);
}

engine_test!(
    tool_alembic_in_pyproject_toml_is_read_as_alembic_reads_it,
    |p| {
        p.linear();
        // The ini keeps only the URL (env.py's options stay in the ini); the script directory's
        // options move to [tool.alembic].
        std::fs::write(
            p.path("alembic.ini"),
            format!("[alembic]\nsqlalchemy.url = {}\n", p.url),
        )
        .expect("ini");
        std::fs::write(
        p.path("pyproject.toml"),
        "[project]\nname = \"app\"\n\n[tool.alembic]\nscript_location = \"%(here)s/migrations\"\n\
         version_locations = [\"%(here)s/migrations/versions\", \"%(here)s/more\"]\n",
    )
    .expect("pyproject");
        std::fs::create_dir_all(p.path("more")).expect("more");
        std::fs::write(
            p.path("more/0d0d00000004.sql"),
            "-- revision: 0d0d00000004\n-- down_revision: 1975ea83b712\n-- message: from more\n\n\
         -- +upgrade\nCREATE TABLE more_t (id INTEGER);\n\n-- +downgrade\nDROP TABLE more_t;\n",
        )
        .expect("more script");
        assert_run!(p, "upgrade", p.alembic(&["upgrade", "head"]));
        assert_eq!(p.version_rows(), ["0d0d00000004"]);
        assert!(
            p.tables().contains(&"more_t".to_string()),
            "{:?}",
            p.tables()
        );
        // From another directory, both files named with -c; %(here)s is the toml file's directory.
        let sub = p.path("sub");
        std::fs::create_dir_all(&sub).expect("sub");
        let ini = p.path("alembic.ini").display().to_string();
        let toml = p.path("pyproject.toml").display().to_string();
        let heads = crate::support::run_in(&sub, &["-c", &toml, "-c", &ini, "heads"]).ok();
        assert_eq!(heads.stdout, "0d0d00000004 (head)\n");
        // The ini's own value wins over [tool.alembic]'s.
        std::fs::write(
            p.path("alembic.ini"),
            format!(
                "[alembic]\nsqlalchemy.url = {}\nscript_location = %(here)s/nowhere\n",
                p.url
            ),
        )
        .expect("ini");
        let failed = p.alembic(&["heads"]).failed();
        assert!(failed.contains("nowhere"), "{failed}");
    }
);

#[test]
fn a_broken_pyproject_toml_is_named_with_its_line() {
    let p = Project::new(Engine::Sqlite);
    p.linear();
    std::fs::write(
        p.path("pyproject.toml"),
        "[tool.alembic]\nsourceless = \"yes\"\n",
    )
    .expect("toml");
    assert_run!(&p, "not_a_boolean", p.alembic(&["heads"]));
    std::fs::write(
        p.path("pyproject.toml"),
        "[tool.alembic]\nscript_location =\n",
    )
    .expect("toml");
    assert_run!(&p, "syntax", p.alembic(&["heads"]));
    assert_run!(
        &p,
        "two_inis",
        p.alembic(&["-c", "a.ini", "-c", "b.ini", "heads"])
    );
}

#[test]
fn ctrl_c_clears_the_live_line_before_saying_what_was_rolled_back() {
    let p = Project::new(Engine::Postgres);
    five(&p, "SELECT pg_sleep(30);\n");
    let tty = crate::support::pty::interrupt_in_pty(
        p.dir.path(),
        &["upgrade", "head"],
        std::time::Duration::from_secs(4),
    );
    assert_eq!(tty.code, 130, "{}", tty.stdout);
    assert!(
        tty.stdout.contains("statement still running for "),
        "{}",
        tty.stdout
    );
    // The line is cleared, then the one line of the interruption, uncut by it.
    let (before, after) = tty
        .stdout
        .split_once("\x1b[1;31mFAILED:\x1b[0m interrupted by SIGINT: ")
        .unwrap_or_else(|| panic!("{:?}", tty.stdout));
    assert!(before.ends_with("s)\r\x1b[2K"), "{before:?}");
    assert!(after.contains("this migration was rolled back"), "{after}");
    assert!(
        after.contains("the last one applied was upgrade r1 -> r2"),
        "{after}"
    );
    assert_eq!(p.version_rows(), ["r2"]);
}

#[test]
fn lint_codes_are_coloured_by_severity_when_colour_is_on() {
    let p = Project::new(Engine::Sqlite);
    p.script("a1")
        .message("base")
        .upgrade("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);")
        .downgrade("DROP TABLE users;")
        .write();
    p.script("b2")
        .down_revision("a1")
        .message("risky")
        .upgrade("ALTER TABLE users ADD COLUMN age INTEGER NOT NULL;\nALTER TABLE users RENAME COLUMN name TO full_name;")
        .write();
    std::fs::write(
        p.path("alembic.ini"),
        format!(
            "[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = {}\n\n[lint]\nPG010 = warning\n",
            p.url
        ),
    )
    .expect("ini");
    let args = ["lint", "--all", "--dialect", "postgresql"];
    let plain = p.alembic(&args);
    assert!(!plain.stdout.contains('\x1b'), "{}", plain.stdout);
    let coloured = p.alembic(&[&args[..], &["--color", "always"]].concat());
    assert_eq!(coloured.code, plain.code);
    assert_run!(&p, "coloured", coloured);
}
