//! Golden corpora: every `tests/fixtures/golden/split/NAME.sql` through the statement
//! splitter and every `tests/fixtures/golden/ddl/NAME.sql` through the DDL parser, each
//! against its snapshot `golden__KIND__NAME.snap` in `tests/cli/snapshots/`.
//!
//! Adding a case is adding a `.sql` file (and accepting its new snapshot). Carriage returns
//! show as `\r`, so line-ending mixes stay visible in the snapshots.

use std::path::{Path, PathBuf};

use litekb_migrations::internals::schema::parse_statement;
use litekb_migrations::internals::sql::split_statements;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden");
const SNAPSHOTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/snapshots");

/// The `.sql` files of one corpus, sorted by name.
fn corpus(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(FIXTURES).join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no cases in {}", dir.display());
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("utf-8 file name")
        .to_string()
}

/// Runs `render` on each case of `kind` and asserts its snapshot; fails on a snapshot whose
/// case is gone.
fn check_corpus(kind: &str, render: impl Fn(&str) -> String) {
    let cases = corpus(kind);
    for path in &cases {
        let sql = std::fs::read_to_string(path).expect("read case");
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_input_file(path);
        settings.bind(|| {
            insta::assert_snapshot!(format!("golden__{kind}__{}", stem(path)), render(&sql));
        });
    }
    let prefix = format!("golden__{kind}__");
    let names: Vec<String> = cases.iter().map(|p| stem(p)).collect();
    for entry in std::fs::read_dir(SNAPSHOTS).expect("snapshots dir") {
        let file = entry.expect("dir entry").file_name();
        let file = file.to_string_lossy();
        if let Some(name) = file
            .strip_prefix(&prefix)
            .and_then(|f| f.strip_suffix(".snap"))
        {
            assert!(
                names.iter().any(|n| n == name),
                "snapshot {file} has no case {kind}/{name}.sql"
            );
        }
    }
}

fn visible(text: &str) -> String {
    text.replace('\r', "\\r")
}

/// Each statement with its line offset, in the order the splitter gave them.
fn render_split(sql: &str) -> String {
    let statements = match split_statements(sql) {
        Ok(statements) => statements,
        Err(e) => return format!("error at line offset {}: {e}\n", e.line_offset),
    };
    let mut out = format!("{} statement(s)\n", statements.len());
    for (n, st) in statements.iter().enumerate() {
        out.push_str(&format!(
            "--- {} (line offset {})\n{}\n",
            n + 1,
            st.line_offset,
            visible(st.sql)
        ));
    }
    out
}

/// Each statement the splitter gives, then what the parser makes of it.
fn render_ddl(sql: &str) -> String {
    let mut out = String::new();
    for st in split_statements(sql).unwrap_or_default() {
        out.push_str(&format!(
            "--- {}\n=> {:#?}\n",
            visible(st.sql),
            parse_statement(st.sql)
        ));
    }
    out
}

#[test]
fn splitter_golden_corpus() {
    check_corpus("split", render_split);
}

#[test]
fn ddl_parser_golden_corpus() {
    check_corpus("ddl", render_ddl);
}
