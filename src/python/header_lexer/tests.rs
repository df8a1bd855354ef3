use std::path::Path;

use super::*;
use crate::python::parse_module_header;

/// The header the parser reads, or its error.
fn parsed(source: &str) -> Result<RevisionHeader, String> {
    parse_module_header("t.py", source)
        .and_then(|m| RevisionHeader::read("t.py", &m))
        .map_err(|e| e.to_string())
}

/// Whether the lexer read the header itself; when it did, it must be the parser's.
fn agrees(source: &str) -> bool {
    match quick_header(source) {
        Some(header) => {
            assert_eq!(Ok(header), parsed(source), "{source}");
            true
        }
        None => false,
    }
}

fn py_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read fixtures") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            py_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

#[test]
fn every_py_fixture_reads_the_same_and_without_the_parser() {
    let mut files = Vec::new();
    for dir in ["tests/fixtures/python", "tests/fixtures"] {
        py_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut files);
    }
    files.sort();
    files.dedup();
    let mut fast = 0;
    let mut revisions = 0;
    let mut parsed_files = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("read");
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let Ok(header) = parsed(text) else { continue };
        if header.revision.is_none() && header.down_revision.is_none() {
            continue; // not a revision (a model, an env.py)
        }
        revisions += 1;
        if agrees(text) {
            fast += 1;
        } else {
            parsed_files.push(path.display().to_string());
        }
    }
    assert!(revisions > 20, "{revisions}");
    // Only files with f-strings may need the parser.
    assert!(
        fast * 10 >= revisions * 9,
        "{fast} of {revisions}; the parser read {parsed_files:?}"
    );
}

const DOC: &str = "\"\"\"add tags\n\nRevision ID: ae10\nRevises: 1a2b\nCreate Date: 2026-01-02 03:04:05.000001\n\n\"\"\"\n";

#[test]
fn adversarial_headers_read_as_the_parser_reads_them_or_go_to_it() {
    // (source, whether the lexer takes it)
    let cases: &[(&str, bool)] = &[
        // Strings holding `revision =`, comments, continuations, triple quotes.
        ("\"\"\"doc\nrevision = 'nope'\n\"\"\"\nrevision = 'a1'\ndown_revision = None\n", true),
        ("revision = 'a1'  # revision = 'b2'\n# down_revision = 'x'\ndown_revision = None\n", true),
        ("x = \"\"\"\nrevision = 'b2'\n\"\"\"\nrevision = 'a1'\ndown_revision = None\n", true),
        ("x = '''it''s\\'\nrevision = 1'''\nrevision = 'a1'\ndown_revision = None\n", true),
        ("revision = \\\n    'a1'\ndown_revision = (\n    'b2',\n    'c3'\n)\n", true),
        ("revision = ('a'\n    'b')\ndown_revision = None\n", true),
        ("revision = 'a' \"b\"\ndown_revision = 'x',\n", true),
        ("revision = r'a\\1'\ndown_revision = u'b'\n", true),
        ("revision = 'a\\x41\\u00e9'\ndown_revision = None\n", true),
        // Annotations, tuples, lists, None.
        ("revision: str = 'a1'\ndown_revision: Union[str, Sequence[str], None] = None\nbranch_labels: Union[str, Sequence[str], None] = ('x', 'y',)\ndepends_on: str | None = ['d1']\n", true),
        ("revision: str\nrevision = 'a1'\ndown_revision = ()\nbranch_labels = []\n", true),
        ("revision = 'a1'\ndown_revision = ('b2')\ndepends_on = 'c3'\n", true),
        ("revision = 'a1'\ndown_revision = None\nrevision = 'a2'\n", true),
        // Nested blocks are not the module's.
        ("revision = 'a1'\ndown_revision = None\nif False:\n    revision = 'b2'\ndef upgrade():\n    down_revision = 'x'\n", true),
        ("class X:\n    revision = 'b2'\nrevision = 'a1'\ndown_revision = None\n", true),
        // Docstrings: raw, single quoted, concatenated, absent, after comments.
        ("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nr'''Backfill C:\\new\n\nCreate Date: 2025-01-01\n'''\nrevision = 'a'\ndown_revision = None\n", true),
        ("'one' \"two\"\nrevision = 'a'\ndown_revision = None\n", true),
        ("import os\n\"\"\"not the docstring\"\"\"\nrevision = 'a'\ndown_revision = None\n", true),
        ("revision = 'a'\r\ndown_revision = None\r\n", true),
        ("\"\"\"doc\"\"\"\nrevision = 'a'\ndown_revision = None\ndef upgrade():\n    op.execute(\"\"\"\nrevision = 'x'\n\"\"\")\n", true),
        // Not sure: the parser decides (and gives its error where there is one).
        ("revision = ids.A\ndown_revision = None\n", false),
        ("revision, down_revision = 'a', None\n", false),
        ("revision = x = 'a'\ndown_revision = None\n", false),
        ("revision = 'a'; down_revision = None\n", false),
        ("revision += 'a'\ndown_revision = None\n", false),
        ("revision == 'a'\ndown_revision = None\n", false),
        ("revision = 'a'\ndown_revision = None\nx = f\"{revision}\"\n", false),
        ("revision = 'a'\ndown_revision = None\nx = f'{d[\"k\"]}'\n", false),
        ("revision = b'a'\ndown_revision = None\n", false),
        ("revision = ('a', 'b')\ndown_revision = None\n", false),
        ("revision = 'a'\ndown_revision = (None)\n", false),
        ("revision = 'a'\ndown_revision = ('b', ('c',))\n", false),
        ("revision = 'a'\ndown_revision = 'b' + 'c'\n", false),
        ("if True: revision = 'a'\ndown_revision = None\n", false),
        ("print(revision)\nrevision = 'a'\ndown_revision = None\n", false),
        ("revision = 'a\ndown_revision = None\n", false),
        ("revision = ('a'\ndown_revision = None\n", false),
        ("revision = 'a')\ndown_revision = None\n", false),
        ("  revision = 'a'\ndown_revision = None\n", false),
        ("(\"doc\")\nrevision = 'a'\ndown_revision = None\n", false),
        ("\"\"\"doc\"\"\".strip()\nrevision = 'a'\ndown_revision = None\n", false),
        ("revision = 'a\\N{BULLET}'\ndown_revision = None\n", false),
    ];
    for (source, fast) in cases {
        assert_eq!(agrees(source), *fast, "{source}");
    }
}

#[test]
fn the_header_values_and_lines() {
    let source = format!("{DOC}from alembic import op\n\nrevision: str = 'ae10'\ndown_revision = (\n    '1a2b',\n    '1a2c',\n)\nbranch_labels = ('tags',)\ndepends_on = None\n");
    let header = quick_header(&source).expect("read without the parser");
    assert_eq!(
        header.revision,
        Some(Assigned {
            value: Some("ae10".to_string()),
            line: 10
        })
    );
    assert_eq!(
        header.down_revision,
        Some(Assigned {
            value: vec!["1a2b".to_string(), "1a2c".to_string()],
            line: 11
        })
    );
    assert_eq!(header.branch_labels, vec!["tags"]);
    assert_eq!(header.branch_labels_line, Some(15));
    assert!(header.depends_on.is_empty());
    assert_eq!(
        header.create_date.as_deref(),
        Some("2026-01-02 03:04:05.000001")
    );
    assert!(header.message.starts_with("add tags\n\nRevision ID: ae10"));
    assert_eq!(Ok(header), parsed(&source));
}
