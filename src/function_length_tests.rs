//! A test that keeps production functions short: every `fn` in `src/` outside test code spans
//! at most [`LIMIT`] lines, from its `fn` line to its closing brace. A longer one fails the
//! test with its file, line and length, so that it is split along its seams when it grows
//! rather than in a clean-up later.
//!
//! The scan is lexical: comments, strings and character literals are blanked out, then each
//! `fn` body is found by matching braces. Files named `tests.rs`, files under a `tests`
//! directory and `#[cfg(test)] mod … { … }` blocks are test code and are not measured.

use std::fs;
use std::path::{Path, PathBuf};

/// The longest a production function may be, in lines.
const LIMIT: usize = 80;

/// `text` with comments, string literals and character literals replaced by spaces (newlines
/// kept), so that braces and `fn` inside them don't count.
fn blank_literals(text: &str) -> Vec<char> {
    let src: Vec<char> = text.chars().collect();
    let mut out = src.clone();
    let blank = |out: &mut Vec<char>, from: usize, to: usize| {
        for c in &mut out[from..to.min(src.len())] {
            if *c != '\n' {
                *c = ' ';
            }
        }
    };
    let word_before = |i: usize| i > 0 && (src[i - 1].is_alphanumeric() || src[i - 1] == '_');
    let mut i = 0;
    while i < src.len() {
        let at = |k: usize| src.get(i + k).copied().unwrap_or('\0');
        let start = i;
        match src[i] {
            '/' if at(1) == '/' => {
                while i < src.len() && src[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(1) == '*' => {
                let mut depth = 0;
                while i < src.len() {
                    if src[i] == '/' && at_index(&src, i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if src[i] == '*' && at_index(&src, i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            'r' | 'b' if !word_before(i) && raw_string_hashes(&src, i).is_some() => {
                let (open, hashes) = raw_string_hashes(&src, i).unwrap_or((0, 0));
                i = open + 1;
                while i < src.len() {
                    if src[i] == '"' && (1..=hashes).all(|k| at_index(&src, i + k) == '#') {
                        i += hashes + 1;
                        break;
                    }
                    i += 1;
                }
            }
            '"' => {
                i += 1;
                while i < src.len() && src[i] != '"' {
                    i += if src[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            }
            // A character literal ('x', '\n', '\u{1F600}'); a lifetime ('a) is left alone.
            '\'' if at(1) == '\\' => {
                i += 3;
                while i < src.len() && src[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if at(2) == '\'' => i += 3,
            _ => {
                i += 1;
                continue;
            }
        }
        blank(&mut out, start, i);
    }
    out
}

fn at_index(src: &[char], i: usize) -> char {
    src.get(i).copied().unwrap_or('\0')
}

/// For a raw string starting at `i` (`r"`, `r#"`, `br##"`…): the index of its opening quote
/// and the number of `#`s.
fn raw_string_hashes(src: &[char], i: usize) -> Option<(usize, usize)> {
    let mut k = i;
    if src.get(k) == Some(&'b') {
        k += 1;
    }
    if src.get(k) != Some(&'r') {
        return None;
    }
    k += 1;
    let hashes = src[k..].iter().take_while(|&&c| c == '#').count();
    (src.get(k + hashes) == Some(&'"')).then_some((k + hashes, hashes))
}

/// The index of the brace that closes the one at `open`.
fn closing_brace(src: &[char], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, &c) in src.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    src.len().saturating_sub(1)
}

fn starts_with_at(src: &[char], i: usize, word: &str) -> bool {
    word.chars()
        .enumerate()
        .all(|(k, c)| src.get(i + k) == Some(&c))
}

/// `(line, name, lines)` of each function in `text` longer than `limit` lines, test blocks aside.
fn long_functions(text: &str, limit: usize) -> Vec<(usize, String, usize)> {
    let src = blank_literals(text);
    let line_of = |i: usize| src[..i].iter().filter(|&&c| c == '\n').count() + 1;
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut test_blocks = Vec::new();
    let mut i = 0;
    while i < src.len() {
        if starts_with_at(&src, i, "#[cfg(test)]") {
            let mut k = i + "#[cfg(test)]".len();
            while src.get(k).is_some_and(|c| c.is_whitespace()) {
                k += 1;
            }
            let rest: String = src[k..(k + 200).min(src.len())].iter().collect();
            let item = rest
                .trim_start_matches("pub ")
                .trim_start_matches("pub(crate) ");
            if item.starts_with("mod ") {
                if let Some(open) = src[k..].iter().position(|&c| c == '{' || c == ';') {
                    if src[k + open] == '{' {
                        test_blocks.push((k + open, closing_brace(&src, k + open)));
                    }
                }
            }
        }
        i += 1;
    }
    let mut found = Vec::new();
    for i in 0..src.len() {
        let is_fn = starts_with_at(&src, i, "fn")
            && (i == 0 || !is_word(src[i - 1]))
            && src.get(i + 2).is_some_and(|c| c.is_whitespace());
        if !is_fn || test_blocks.iter().any(|&(a, b)| a <= i && i <= b) {
            continue;
        }
        let name: String = src[i + 2..]
            .iter()
            .skip_while(|c| c.is_whitespace())
            .take_while(|&&c| is_word(c))
            .collect();
        // The body opens at the first `{` outside parentheses and brackets; a `;` first means
        // a declaration without a body.
        let mut depth = 0i32;
        let mut body = None;
        for (k, &c) in src.iter().enumerate().skip(i) {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                ';' if depth == 0 => break,
                '{' if depth == 0 => {
                    body = Some(k);
                    break;
                }
                _ => {}
            }
        }
        let Some(open) = body else { continue };
        let lines = line_of(closing_brace(&src, open)) - line_of(i) + 1;
        if lines > limit {
            found.push((line_of(i), name, lines));
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "tests" {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") && name != "tests.rs" && !name.ends_with("_tests.rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_production_function_is_longer_than_the_limit() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "found only {files:?}");
    let mut long = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (line, name, lines) in long_functions(&text, LIMIT) {
            let path = file.strip_prefix(&src).unwrap_or(file).display();
            long.push(format!("src/{path}:{line}: fn {name} is {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "functions over {LIMIT} lines; split them along their seams:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_scan_measures_bodies_and_ignores_literals_comments_and_tests() {
    let body = "    let x = 1;\n".repeat(5);
    let text = format!(
        "/// fn in a doc comment {{\nfn long() {{\n{body}}}\n\
         fn short() -> Vec<u8> {{ let s = \"}}fn x() {{\"; let c = '{{'; let q = '\\''; let r = r#\"}}\"#; vec![] }}\n\
         fn generic<'a, T: Fn() -> u8>(x: &'a [T; 2]) -> impl Iterator<Item = u8> {{\n{body}}}\n\
         trait T {{ fn declared(&self); }}\n\
         #[cfg(test)]\nmod tests {{\n    fn in_tests() {{\n{body}    }}\n}}\n"
    );
    assert_eq!(
        long_functions(&text, 4),
        [(2, "long".to_string(), 7), (10, "generic".to_string(), 7)]
    );
    assert_eq!(long_functions(&text, 7), []);
}
