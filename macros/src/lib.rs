//! The proc macro behind `litekb_migrations::embed!`: a migration history compiled into the
//! binary.
//!
//! Given a script directory (`"backend/alembic"`: its `versions/` folder) or an ini file
//! (`"backend/alembic.ini"`: its `[alembic]` section's `script_location` and
//! `version_locations`, and the ini's text for its settings), relative to the manifest
//! directory of the crate that calls it, the macro lists every script file the directory
//! loader would read (`*.sql`, and `*.py` but `__init__*`; no `.#` lock files; sorted by name,
//! locations in order, a file reached twice once) and expands to an `EmbeddedScripts` value
//! with each file's bytes by `include_bytes!` (the ini's text by `include_str!`).
//!
//! Rebuilds: `include_bytes!` makes cargo rebuild the calling crate when an embedded file
//! changes or disappears. A file *added* to a version location is something stable Rust gives
//! a macro no way to watch; the calling crate's build script says
//! `cargo:rerun-if-changed=<location>`, and cargo then rebuilds when the location's contents
//! change (see `litekb_migrations::embed!`).
//!
//! The macro takes the path of the library's crate first (`$crate`, passed by the library's
//! `embed!`), so the expansion names the library's types however the caller depends on it.

mod ini;
mod listing;

use std::path::{Path, PathBuf};

use proc_macro::{Delimiter, Group, Ident, Literal, Span, TokenStream, TokenTree};

/// `__embed!($crate, "path")`: see the crate documentation.
#[proc_macro]
pub fn embed(input: TokenStream) -> TokenStream {
    match expand(input) {
        Ok(tokens) => tokens,
        Err(message) => compile_error(&message),
    }
}

/// The placeholder for the library's path in the generated text.
const KRATE: &str = "__litekb_migrations_krate__";

fn expand(input: TokenStream) -> Result<TokenStream, String> {
    let (krate, path) = split_input(input)?;
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or("embed!: CARGO_MANIFEST_DIR is not set (build with cargo)")?;
    let code = expansion(&manifest_dir, &path)?;
    let tokens: TokenStream = code
        .parse()
        .map_err(|e| format!("embed!: generated code does not parse: {e}"))?;
    Ok(replace_krate(tokens, &krate))
}

/// The library's path tokens and the path literal's value, from `KRATE_PATH, "literal"`.
fn split_input(input: TokenStream) -> Result<(TokenStream, String), String> {
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let comma = tokens
        .iter()
        .rposition(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
        .ok_or("embed! takes one string literal: embed!(\"path/to/scripts\")")?;
    let literal = match &tokens[comma + 1..] {
        [TokenTree::Literal(lit)] => lit.to_string(),
        // A literal passed through `macro_rules!` arrives wrapped in an invisible group.
        [TokenTree::Group(g)] if g.delimiter() == Delimiter::None => g.stream().to_string(),
        _ => return Err("embed! takes one string literal: embed!(\"path/to/scripts\")".into()),
    };
    let path =
        unquote(&literal).ok_or_else(|| format!("embed! takes a string literal, not {literal}"))?;
    Ok((tokens[..comma].iter().cloned().collect(), path))
}

/// The value of a plain or raw string literal's source text.
fn unquote(literal: &str) -> Option<String> {
    if let Some(raw) = literal.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        return Some(
            body.strip_suffix(&format!("\"{}", &raw[..hashes]))?
                .to_string(),
        );
    }
    let body = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            c @ ('\\' | '"' | '\'') => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

/// The generated expression, with [`KRATE`] where the library's path goes.
fn expansion(manifest_dir: &Path, given: &str) -> Result<String, String> {
    let root = manifest_dir.join(given);
    let (ini, locations) = if root.is_file() {
        let text = std::fs::read_to_string(&root)
            .map_err(|e| format!("embed!: can't read {}: {e}", root.display()))?;
        (Some(root.clone()), ini::version_locations(&root, &text)?)
    } else if root.is_dir() {
        (None, vec![root.join("versions")])
    } else {
        return Err(format!(
            "embed!: {} is neither a script directory nor an ini file",
            root.display()
        ));
    };
    let files = listing::script_files(&locations)?;
    let shown = |p: &Path| -> String {
        p.strip_prefix(manifest_dir)
            .unwrap_or(p)
            .display()
            .to_string()
    };
    let ini = match ini {
        Some(path) => format!(
            "::core::option::Option::Some(include_str!({:?}))",
            path_str(&path)?
        ),
        None => "::core::option::Option::None".to_string(),
    };
    let locations: Vec<String> = locations
        .iter()
        .map(|l| format!("{:?}", shown(l)))
        .collect();
    let mut entries = String::new();
    for file in &files {
        entries.push_str(&format!(
            "{KRATE}::internals::script::EmbeddedFile {{ path: {:?}, bytes: include_bytes!({:?}) }},\n",
            shown(file),
            path_str(file)?
        ));
    }
    Ok(format!(
        "{KRATE}::internals::script::EmbeddedScripts::new({given:?}, {ini}, &[{}], &[\n{entries}])",
        locations.join(", ")
    ))
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("embed!: {} is not valid UTF-8", path.display()))
}

/// `tokens` with every [`KRATE`] identifier replaced by `krate`.
fn replace_krate(tokens: TokenStream, krate: &TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .flat_map(|tree| -> Vec<TokenTree> {
            match tree {
                TokenTree::Ident(ident) if ident.to_string() == KRATE => {
                    krate.clone().into_iter().collect()
                }
                TokenTree::Group(group) => {
                    let mut new =
                        Group::new(group.delimiter(), replace_krate(group.stream(), krate));
                    new.set_span(group.span());
                    vec![TokenTree::Group(new)]
                }
                other => vec![other],
            }
        })
        .collect()
}

/// `compile_error!("message")`.
fn compile_error(message: &str) -> TokenStream {
    let span = Span::call_site();
    let mut args = TokenStream::new();
    args.extend([TokenTree::Literal(Literal::string(message))]);
    TokenStream::from_iter([
        TokenTree::Ident(Ident::new("compile_error", span)),
        TokenTree::Punct(proc_macro::Punct::new('!', proc_macro::Spacing::Alone)),
        TokenTree::Group(Group::new(Delimiter::Parenthesis, args)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquotes_plain_and_raw_literals() {
        assert_eq!(unquote(r#""a/b""#).as_deref(), Some("a/b"));
        assert_eq!(unquote(r#""a\"b\\c""#).as_deref(), Some("a\"b\\c"));
        assert_eq!(unquote(r###"r#"a"b"#"###).as_deref(), Some("a\"b"));
        assert_eq!(unquote("12"), None);
    }

    #[test]
    fn expands_a_script_directory_into_its_sorted_script_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let versions = dir.join("m/versions");
        std::fs::create_dir_all(&versions).unwrap();
        for name in ["2_b.sql", "1_a.py", "__init__.py", ".#1_a.py", "notes.txt"] {
            std::fs::write(versions.join(name), "x").unwrap();
        }
        let code = expansion(&dir, "m").unwrap();
        assert!(
            code.contains("::new(\"m\", ::core::option::Option::None, &[\"m/versions\"]"),
            "{code}"
        );
        let a = code.find("path: \"m/versions/1_a.py\"").unwrap();
        let b = code.find("path: \"m/versions/2_b.sql\"").unwrap();
        assert!(a < b, "{code}");
        assert_eq!(code.matches("include_bytes!").count(), 2, "{code}");
        let err = expansion(&dir, "nowhere").unwrap_err();
        assert!(err.contains("nowhere"), "{err}");
    }
}
