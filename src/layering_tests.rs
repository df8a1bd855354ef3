//! The module layering, checked: no module of the library uses one of a higher layer.
//!
//! The layers, bottom to top (a module may use its own layer and the ones below it):
//!
//! 0. pure — `dialect`, `sql`, `revision`, `schema`, `parallel`, `python` (the static reader
//!    of Python revisions): values in, values out; no database, no files, no clock.
//! 1. files and settings — `config` (`alembic.ini`, URLs, settings such as the transaction
//!    scope), `script` (script files, new ids and files).
//! 2. database — `db` (engines, the version table, introspection), `history` (the history
//!    table's statements).
//! 3. `runner` — a plan walked into a live database or SQL text.
//! 4. operations — `ops` (migrate, verify, compare), `project` (what an operation loads first),
//!    `error` (the crate's umbrella error: it wraps every layer's own error type, so it sits
//!    where those meet; each lower layer has its own error enum and never returns
//!    [`crate::Error`]).
//! 5. `cli` — the `alembic` command line (feature `cli`; src/main.rs only calls it), and
//!    `internals`, the re-exports the project's own tests reach: both may use anything.
//!
//! The check reads every `src/**/*.rs` file of the library, drops comments, and classifies each
//! `crate::…` path by its first segment (`crate::{a, b}` by each of `a` and `b`). A new module
//! must be given a layer here, or the test fails. A second check keeps the reading of
//! `$DATABASE_URL` in the binary: the library takes the URL its caller gives it.

use std::path::{Path, PathBuf};

/// Each library module (the first segment after `crate::`) and its layer.
const LAYERS: &[(&str, u8)] = &[
    ("dialect", 0),
    ("sql", 0),
    ("revision", 0),
    ("schema", 0),
    ("parallel", 0),
    ("python", 0),
    ("lint", 0),
    ("config", 1),
    ("script", 1),
    ("db", 2),
    ("history", 2),
    ("runner", 3),
    ("ops", 4),
    ("migrator", 4),
    ("project", 4),
    ("error", 4),
];

/// Items the crate root re-exports, and the module each comes from.
const ROOT_ITEMS: &[(&str, &str)] = &[
    ("Dialect", "dialect"),
    ("Error", "error"),
    ("Result", "error"),
    ("Migrator", "migrator"),
    ("DbRef", "migrator"),
    ("VerifyError", "migrator"),
    ("Operation", "ops"),
    ("Plan", "revision"),
    ("Step", "revision"),
    ("Event", "runner"),
    ("EmbeddedScripts", "script"),
    ("ScriptSource", "script"),
    // The macro builds a `script::EmbeddedScripts`.
    ("embed", "script"),
];

fn layer_of(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The module a `crate::` path's first segment belongs to.
fn module_of_segment(segment: &str) -> &str {
    ROOT_ITEMS
        .iter()
        .find(|(item, _)| *item == segment)
        .map_or(segment, |(_, module)| module)
}

/// `source` without `//` comments (line and doc comments; enough for this crate's style).
fn without_comments(source: &str) -> String {
    source
        .lines()
        .map(|line| line.find("//").map_or(line, |at| &line[..at]))
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The first segment of every `crate::` path in `code`; `crate::{a::x, b}` gives `a` and `b`.
fn crate_segments(code: &str) -> Vec<String> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find("crate::") {
        let at = from + found;
        from = at + "crate::".len();
        if at > 0 && is_ident_byte(bytes[at - 1]) {
            continue;
        }
        let rest = code[from..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_ascii_alphanumeric() || c == '_') => {
                        let len = group[i..].bytes().take_while(|b| is_ident_byte(*b)).count();
                        out.push(group[i..i + len].to_string());
                        item_start = false;
                    }
                    c if c.is_whitespace() => {}
                    _ => item_start = false,
                }
            }
        } else {
            let len = rest.bytes().take_while(|b| is_ident_byte(*b)).count();
            if len > 0 {
                out.push(rest[..len].to_string());
            }
        }
    }
    out
}

/// The layering problems of the file `path` of module `module`, whose text is `source`: each
/// use of a higher layer, and each use of a module no layer names.
fn violations(path: &str, module: &str, source: &str) -> Vec<String> {
    let Some(own) = layer_of(module) else {
        return vec![format!("{path}: module '{module}' has no layer in LAYERS")];
    };
    let mut out = Vec::new();
    for segment in crate_segments(&without_comments(source)) {
        let used = module_of_segment(&segment);
        match layer_of(used) {
            None => out.push(format!(
                "{path}: uses crate::{segment}, which no layer in LAYERS names"
            )),
            Some(layer) if layer > own => out.push(format!(
                "{path}: '{module}' (layer {own}) uses crate::{segment} ('{used}', layer {layer})"
            )),
            Some(_) => {}
        }
    }
    out
}

/// The library's source files under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a library file belongs to (`None` for the crate root and the binary).
fn module_of_file(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    let module = first.strip_suffix(".rs").unwrap_or(first);
    match module {
        "lib" | "main" | "cli" | "internals" | "layering_tests" | "function_length_tests" => None,
        m => Some(m.to_string()),
    }
}

#[test]
fn no_library_module_uses_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        let Some(module) = module_of_file(relative) else {
            continue;
        };
        let source = std::fs::read_to_string(file).expect("read source");
        let path = format!("src/{}", relative.display());
        problems.extend(violations(&path, &module, &source));
        checked += 1;
    }
    assert!(
        checked > 50,
        "only {checked} files found under {}",
        src.display()
    );
    assert!(
        problems.is_empty(),
        "upward imports:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_layered_module_exists() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (module, _) in LAYERS {
        assert!(
            src.join(format!("{module}.rs")).is_file() || src.join(module).is_dir(),
            "LAYERS names '{module}', which is not a module of src/"
        );
    }
}

#[test]
fn the_checker_reports_an_upward_import_and_accepts_downward_ones() {
    let source = "//! Uses crate::runner only in a comment.\n\
                  use crate::config::Config;\n\
                  use crate::{revision::Plan, runner::run_plan};\n\
                  use crate::Dialect;\n\
                  fn f() -> crate::Result<()> { let _ = crate::sql::split_statements(\"\"); }\n";
    assert_eq!(
        violations("src/db/x.rs", "db", source),
        [
            "src/db/x.rs: 'db' (layer 2) uses crate::runner ('runner', layer 3)",
            "src/db/x.rs: 'db' (layer 2) uses crate::Result ('error', layer 4)",
        ]
    );
    assert!(violations("src/ops/x.rs", "ops", source).is_empty());
}

#[test]
fn the_checker_reports_unknown_modules_and_reads_nested_groups() {
    assert_eq!(
        violations("src/sql/x.rs", "sql", "use crate::nowhere::X;"),
        ["src/sql/x.rs: uses crate::nowhere, which no layer in LAYERS names"]
    );
    assert_eq!(
        violations("src/new.rs", "new", ""),
        ["src/new.rs: module 'new' has no layer in LAYERS"]
    );
    assert_eq!(
        crate_segments(
            "use crate::{\n    a::{b, c},\n    d,\n};\nlet x = my_crate::e; crate :: f;"
        ),
        ["a", "d"]
    );
}

#[test]
fn only_the_cli_reads_database_url_from_the_environment() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // The name in quotes is how code reads the variable; messages spell it `$DATABASE_URL`.
    let needle = concat!("\"DATABASE", "_URL\"");
    let readers: Vec<String> = files
        .iter()
        .filter(|file| {
            let relative = file.strip_prefix(&src).expect("under src");
            module_of_file(relative).is_some() || relative.starts_with("lib.rs")
        })
        .filter(|file| {
            let source = std::fs::read_to_string(file).expect("read source");
            without_comments(&source).contains(needle)
        })
        .map(|file| file.display().to_string())
        .collect();
    assert!(
        readers.is_empty(),
        "the library reads $DATABASE_URL behind its caller's back in: {readers:?}"
    );
    let cli = std::fs::read_to_string(src.join("cli/settings.rs")).expect("read settings");
    assert!(
        without_comments(&cli).contains(needle),
        "the check lost its subject"
    );
}
