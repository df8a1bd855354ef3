//! A revision's header without the parser: a small tokenizer that reads only what
//! [`RevisionHeader::read`] takes from a parsed module — the module docstring and the literal
//! top-level `revision`, `down_revision`, `branch_labels` and `depends_on` assignments — for
//! the read-only commands, which load every file of a history and need nothing else.
//!
//! It splits the file into logical lines as Python does (brackets and backslashes continue
//! a line; strings, triple-quoted or not, and comments are skipped whole) and looks only at
//! the lines that start in column 0. Whenever it meets something it is not sure of, it gives
//! up (`None`) and the caller parses the file with tree-sitter, which gives the same header
//! or the error at the right line:
//!
//! - an f-string or t-string anywhere (since Python 3.12 their `{}` may hold quotes of their
//!   own kind), an unterminated string or bracket, a stray closing bracket;
//! - a top-level line that names one of the four header names in any shape but `name =
//!   <literal>` or `name: <annotation> = <literal>` (unpacking, chained or augmented
//!   assignment, `;`, a compound statement on one line, a use in an expression);
//! - a value that is not `None`, a string (implicit concatenation included), a tuple or list
//!   of strings, or one of those in parentheses; a bytes literal; an escape the decoder
//!   refuses;
//! - a first statement that is indented, starts with `(`, or starts with a string and goes
//!   on (`"""doc""".strip()`).
//!
//! What it does not check is the rest of the file's syntax: a `.py` revision whose body does
//! not parse still has a header for `heads` and `history`; the parse error comes when its
//! body is lowered, before a run that needs it starts.

use super::header::{Assigned, RevisionHeader, HEADER_NAMES};
use super::strings::{decode, split_literal};

/// A token of a logical line, as far as the header needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok<'a> {
    Name(&'a str),
    /// A string literal's whole text, prefix and quotes included.
    Str(&'a str),
    /// One ASCII punctuation character (`==` is two of them).
    Punct(u8),
    /// A number, or anything else the header never holds.
    Other,
}

/// A logical line: its first line (1-based), whether it is indented, its tokens.
#[derive(Debug)]
struct Line<'a> {
    line: usize,
    indented: bool,
    toks: Vec<Tok<'a>>,
}

/// The header of a revision's source, or `None` where the parser must decide.
pub fn quick_header(source: &str) -> Option<RevisionHeader> {
    let lines = logical_lines(source)?;
    let mut header = RevisionHeader::default();
    let mut docstring = None;
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            if line.indented || line.toks.first() == Some(&Tok::Punct(b'(')) {
                return None;
            }
            if let Some(Tok::Str(_)) = line.toks.first() {
                docstring = Some(strings(&line.toks)?);
                continue;
            }
        }
        let named = |t: &Tok<'_>| matches!(t, Tok::Name(n) if HEADER_NAMES.contains(n));
        if line.indented || !line.toks.iter().any(named) {
            continue;
        }
        let (name, value) = assignment(&line.toks)?;
        let Some(value) = value else { continue };
        assign(&mut header, name, literal(value)?, line.line)?;
    }
    let doc = docstring.as_deref().unwrap_or("").trim();
    header.message = doc.to_string();
    header.create_date = doc.lines().find_map(|l| {
        l.trim()
            .strip_prefix("Create Date:")
            .map(|d| d.trim().to_string())
    });
    Some(header)
}

/// A header literal.
enum Literal {
    None,
    One(String),
    Many(Vec<String>),
}

/// Records one assignment as [`RevisionHeader::read`] does; `None` for what it refuses.
fn assign(header: &mut RevisionHeader, name: &str, value: Literal, line: usize) -> Option<()> {
    let list = |value: Literal| match value {
        Literal::None => Vec::new(),
        Literal::One(s) => vec![s],
        Literal::Many(v) => v,
    };
    match name {
        "revision" => {
            let value = match value {
                Literal::None => None,
                Literal::One(s) => Some(s),
                Literal::Many(_) => return None,
            };
            header.revision = Some(Assigned { value, line });
        }
        "down_revision" => {
            header.down_revision = Some(Assigned {
                value: list(value),
                line,
            })
        }
        "branch_labels" => {
            header.branch_labels = list(value);
            header.branch_labels_line = Some(line);
        }
        _ => header.depends_on = list(value),
    }
    Some(())
}

/// `name = value` or `name: annotation = value` (the value's tokens; `None` for an
/// annotation without a value); `None` for any other line.
fn assignment<'t, 'a>(toks: &'t [Tok<'a>]) -> Option<(&'a str, Option<&'t [Tok<'a>]>)> {
    let Some(Tok::Name(name)) = toks.first() else {
        return None;
    };
    if !HEADER_NAMES.contains(name) {
        return None;
    }
    let is_assign = |i: usize| {
        toks.get(i) == Some(&Tok::Punct(b'=')) && toks.get(i + 1) != Some(&Tok::Punct(b'='))
    };
    let value_from = match toks.get(1) {
        Some(Tok::Punct(b'=')) if is_assign(1) => 2,
        Some(Tok::Punct(b':')) => {
            let mut depth = 0i32;
            let mut at = None;
            for (i, t) in toks.iter().enumerate().skip(2) {
                match t {
                    Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
                    Tok::Punct(b')' | b']' | b'}') => depth -= 1,
                    Tok::Punct(b'=') if depth == 0 => {
                        if !is_assign(i) {
                            return None;
                        }
                        at = Some(i + 1);
                        break;
                    }
                    Tok::Punct(b';') if depth == 0 => return None,
                    _ => {}
                }
            }
            match at {
                Some(at) => at,
                None => return Some((name, None)),
            }
        }
        _ => return None,
    };
    let value = &toks[value_from..];
    // A second `=` is a chained assignment; a `;` another statement.
    if value.iter().any(|t| matches!(t, Tok::Punct(b'=' | b';'))) {
        return None;
    }
    Some((name, Some(value)))
}

/// `None`, strings, or a tuple or list of strings (in brackets or bare).
fn literal(toks: &[Tok<'_>]) -> Option<Literal> {
    match toks {
        [Tok::Name("None")] => return Some(Literal::None),
        [Tok::Punct(open @ (b'(' | b'[')), inner @ .., Tok::Punct(close)]
            if *close == if *open == b'(' { b')' } else { b']' } =>
        {
            let items = items(inner)?;
            let bare_one = *open == b'(' && !inner.contains(&Tok::Punct(b','));
            return Some(match items {
                mut items if bare_one && items.len() == 1 => Literal::One(items.remove(0)),
                items => Literal::Many(items),
            });
        }
        _ => {}
    }
    if toks.contains(&Tok::Punct(b',')) {
        return items(toks).map(Literal::Many);
    }
    strings(toks).map(Literal::One)
}

/// Comma-separated strings, a trailing comma allowed.
fn items(toks: &[Tok<'_>]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for item in toks.split(|t| *t == Tok::Punct(b',')) {
        if item.is_empty() {
            continue;
        }
        out.push(strings(item)?);
    }
    // An empty item elsewhere than at the end (`(,)`, `('a',,)`) is not Python.
    let commas = toks.iter().filter(|t| **t == Tok::Punct(b',')).count();
    let trailing = toks.last() == Some(&Tok::Punct(b','));
    (commas == out.len().saturating_sub(usize::from(!trailing))).then_some(out)
}

/// The value of one or more adjacent string literals (not bytes).
fn strings(toks: &[Tok<'_>]) -> Option<String> {
    let mut out = String::new();
    for t in toks {
        let Tok::Str(text) = t else { return None };
        let (prefix, content) = split_literal(text)?;
        if prefix.bytes || prefix.format {
            return None;
        }
        out.push_str(&decode(content, prefix.raw).ok()?);
    }
    (!toks.is_empty()).then_some(out)
}

/// The source's logical lines; `None` where the tokenizer is not sure.
fn logical_lines(source: &str) -> Option<Vec<Line<'_>>> {
    let mut lexer = Lexer {
        src: source.as_bytes(),
        text: source,
        pos: 0,
        line: 1,
    };
    let mut lines = Vec::new();
    loop {
        lexer.skip_blank_lines();
        if lexer.pos >= lexer.src.len() {
            return Some(lines);
        }
        lines.push(lexer.logical_line()?);
    }
}

struct Lexer<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Lexer<'a> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    /// Consumes one line ending (`\n`, `\r\n` or `\r`) if there is one here.
    fn newline(&mut self) -> bool {
        match self.peek(0) {
            Some(b'\n') => self.pos += 1,
            Some(b'\r') => self.pos += if self.peek(1) == Some(b'\n') { 2 } else { 1 },
            _ => return false,
        }
        self.line += 1;
        true
    }

    /// Skips lines holding only whitespace and comments.
    fn skip_blank_lines(&mut self) {
        loop {
            let start = self.pos;
            while matches!(self.peek(0), Some(b' ' | b'\t' | b'\x0c')) {
                self.pos += 1;
            }
            if self.peek(0) == Some(b'#') {
                self.skip_comment();
            }
            if !self.newline() {
                if self.pos < self.src.len() {
                    self.pos = start;
                }
                return;
            }
        }
    }

    fn skip_comment(&mut self) {
        while !matches!(self.peek(0), None | Some(b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// One logical line, from a line that holds a token.
    fn logical_line(&mut self) -> Option<Line<'a>> {
        let indented = matches!(self.peek(0), Some(b' ' | b'\t' | b'\x0c'));
        let mut line = Line {
            line: self.line,
            indented,
            toks: Vec::new(),
        };
        let mut depth = 0usize;
        loop {
            let Some(c) = self.peek(0) else {
                return (depth == 0).then_some(line);
            };
            match c {
                b' ' | b'\t' | b'\x0c' => self.pos += 1,
                b'#' => self.skip_comment(),
                b'\\' if matches!(self.peek(1), Some(b'\n' | b'\r')) => {
                    self.pos += 1;
                    self.newline();
                }
                b'\n' | b'\r' => {
                    self.newline();
                    if depth == 0 {
                        return Some(line);
                    }
                }
                b'"' | b'\'' => line.toks.push(self.string(self.pos)?),
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    self.pos += 1;
                    line.toks.push(Tok::Punct(c));
                }
                b')' | b']' | b'}' => {
                    depth = depth.checked_sub(1)?;
                    self.pos += 1;
                    line.toks.push(Tok::Punct(c));
                }
                b'0'..=b'9' => {
                    self.number();
                    line.toks.push(Tok::Other);
                }
                _ if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                    line.toks.push(self.name_or_string()?)
                }
                _ if c.is_ascii_punctuation() => {
                    self.pos += 1;
                    line.toks.push(Tok::Punct(c));
                }
                _ => return None,
            }
        }
    }

    fn number(&mut self) {
        while let Some(c) = self.peek(0) {
            let exponent_sign = matches!(c, b'+' | b'-')
                && matches!(self.src[self.pos - 1], b'e' | b'E')
                && !self.src[..self.pos].starts_with(b"0x");
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || exponent_sign {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// A name, or a string literal when the name is a prefix right before a quote.
    fn name_or_string(&mut self) -> Option<Tok<'a>> {
        let start = self.pos;
        while matches!(self.peek(0), Some(c) if c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80)
        {
            self.pos += 1;
        }
        let word = self.text.get(start..self.pos)?;
        if matches!(self.peek(0), Some(b'"' | b'\'')) {
            let lower = word.to_ascii_lowercase();
            if matches!(lower.as_str(), "r" | "u" | "b" | "br" | "rb") {
                return self.string(start);
            }
            // f-, t- and unknown prefixes: the parser's business.
            return None;
        }
        Some(Tok::Name(word))
    }

    /// A string literal whose prefix starts at `start` and whose quote is at `self.pos`.
    fn string(&mut self, start: usize) -> Option<Tok<'a>> {
        let quote = self.peek(0)?;
        let triple = self.peek(1) == Some(quote) && self.peek(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        loop {
            match self.peek(0)? {
                b'\\' => {
                    self.pos += 1;
                    if !self.newline() {
                        self.pos += 1;
                    }
                }
                b'\n' | b'\r' if !triple => return None,
                b'\n' | b'\r' => {
                    self.newline();
                }
                c if c == quote => {
                    if !triple {
                        self.pos += 1;
                        break;
                    }
                    if self.peek(1) == Some(quote) && self.peek(2) == Some(quote) {
                        self.pos += 3;
                        break;
                    }
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
        }
        Some(Tok::Str(self.text.get(start..self.pos)?))
    }
}

#[cfg(test)]
mod tests;
