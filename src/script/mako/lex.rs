//! The Mako lexer, as `mako/lexer.py` splits a template: `${...}` expressions, `%` control
//! lines, `##` comment lines, `<%doc>` comments, `<%! %>` / `<% %>` Python blocks, `%%`
//! escapes at a line's start, and text (a backslash before a newline drops both).
//! Other `<%tag>`s are refused here; what the Python inside may say is decided later.

use super::MakoError;

/// One piece of a template, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Node {
    Text(String),
    /// `${code | filters}`.
    Expr {
        line: usize,
        code: String,
        filters: Option<String>,
    },
    /// `% keyword rest` or `% endkeyword`.
    Control {
        line: usize,
        keyword: String,
        end: bool,
        text: String,
    },
    /// `<% text %>`, or `<%! text %>` when `module`.
    Code {
        line: usize,
        text: String,
        module: bool,
    },
}

/// The nodes of `src`, or the first construct the lexer can't read.
pub(super) fn lex(src: &str) -> Result<Vec<Node>, MakoError> {
    let mut lexer = Lexer {
        src,
        pos: 0,
        nodes: Vec::new(),
    };
    while lexer.pos < src.len() {
        lexer.step()?;
    }
    Ok(lexer.nodes)
}

struct Lexer<'t> {
    src: &'t str,
    pos: usize,
    nodes: Vec<Node>,
}

impl<'t> Lexer<'t> {
    fn rest(&self) -> &'t str {
        &self.src[self.pos..]
    }

    fn line(&self) -> usize {
        line_at(self.src, self.pos)
    }

    fn at_line_start(&self) -> bool {
        self.pos == 0 || self.src.as_bytes()[self.pos - 1] == b'\n'
    }

    /// One node from `pos`, in Mako's order of attempts.
    fn step(&mut self) -> Result<(), MakoError> {
        let rest = self.rest();
        if rest.starts_with("${") {
            return self.expression();
        }
        if self.at_line_start() && self.control_line()? {
            return Ok(());
        }
        if rest.starts_with("<%doc>") {
            return self.doc_comment();
        }
        let after = rest.as_bytes().get(2).copied();
        let is_tag = rest.starts_with("<%")
            && after.is_some_and(|c| c.is_ascii_alphanumeric() || b"_.:".contains(&c));
        if is_tag || rest.starts_with("</%") {
            let tag: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>')
                .collect();
            return Err(self.refused(&format!("the tag `{tag}>`")));
        }
        if rest.starts_with("<%") {
            return self.python_block();
        }
        if self.at_line_start() && self.percent() {
            return Ok(());
        }
        self.text();
        Ok(())
    }

    fn refused(&self, what: &str) -> MakoError {
        MakoError::unsupported(self.line(), what)
    }

    /// `${code}` or `${code | filters}`.
    fn expression(&mut self) -> Result<(), MakoError> {
        let line = self.line();
        self.pos += 2;
        let (code, end) = self.until(&['|', '}'], true, line, "`${` without its `}`")?;
        let filters = if end == '|' {
            let (filters, _) = self.until(&['}'], true, line, "`${` without its `}`")?;
            Some(filters)
        } else {
            None
        };
        self.nodes.push(Node::Expr {
            line,
            code: code.replace("\r\n", "\n"),
            filters,
        });
        Ok(())
    }

    /// The text up to the first of `ends` outside string literals (and, when `nesting`,
    /// outside brackets), and that end; `pos` moves past it.
    fn until(
        &mut self,
        ends: &[char],
        nesting: bool,
        line: usize,
        unclosed: &str,
    ) -> Result<(String, char), MakoError> {
        let start = self.pos;
        let mut depth = 0i32;
        let mut chars = self.src[start..].char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '"' || c == '\'' {
                skip_string(&mut chars, c);
                continue;
            }
            if ends.contains(&c) && (!nesting || depth <= 0) {
                self.pos = start + i + c.len_utf8();
                return Ok((self.src[start..start + i].to_string(), c));
            }
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
        }
        Err(MakoError {
            line,
            message: unclosed.to_string(),
        })
    }

    /// A `%` control line or a `##` comment line, with its newline.
    fn control_line(&mut self) -> Result<bool, MakoError> {
        let rest = self.rest();
        let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let body = &rest[indent..];
        let comment = body.starts_with("##");
        let control = body.starts_with('%') && !body.starts_with("%%");
        if !comment && !control {
            return Ok(false);
        }
        let line = self.line();
        let op_len = if comment { 2 } else { 1 };
        let after = &body[op_len..];
        let after = after.trim_start_matches([' ', '\t']);
        let (text, consumed) = logical_line(after);
        self.pos = self.src.len() - after.len() + consumed;
        if comment {
            return Ok(true);
        }
        let text = text.trim_end_matches('\r');
        let (end, word) = match text.strip_prefix("end") {
            Some(word) if word.starts_with(is_word_char) => (true, word),
            _ => (false, text),
        };
        let keyword: String = word.chars().take_while(|c| is_word_char(*c)).collect();
        if keyword.is_empty() {
            return Err(MakoError {
                line,
                message: format!("invalid control line `% {text}`"),
            });
        }
        self.nodes.push(Node::Control {
            line,
            keyword,
            end,
            text: text.to_string(),
        });
        Ok(true)
    }

    fn doc_comment(&mut self) -> Result<(), MakoError> {
        match self.rest().find("</%doc>") {
            Some(end) => {
                self.pos += end + "</%doc>".len();
                Ok(())
            }
            None => Err(MakoError {
                line: self.line(),
                message: "`<%doc>` without its `</%doc>`".to_string(),
            }),
        }
    }

    /// `<% ... %>` or `<%! ... %>`.
    fn python_block(&mut self) -> Result<(), MakoError> {
        let line = self.line();
        let module = self.rest().starts_with("<%!");
        self.pos += if module { 3 } else { 2 };
        let start = self.pos;
        let mut chars = self.src[start..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '"' || c == '\'' {
                skip_string(&mut chars, c);
            } else if c == '%' && chars.peek().is_some_and(|(_, n)| *n == '>') {
                self.pos = start + i + 2;
                let text = self.src[start..start + i].to_string();
                self.nodes.push(Node::Code { line, text, module });
                return Ok(());
            }
        }
        Err(MakoError {
            line,
            message: "`<%` without its `%>`".to_string(),
        })
    }

    /// `%%` at a line's start: a literal `%`.
    fn percent(&mut self) -> bool {
        let rest = self.rest();
        let indent = rest.len() - rest.trim_start().len();
        let body = &rest[indent..];
        let Some(after) = body.strip_prefix("%%") else {
            return false;
        };
        let more = after.len() - after.trim_start_matches('%').len();
        let text = format!("{}%{}", &rest[..indent], &after[..more]);
        self.pos += indent + 2 + more;
        self.nodes.push(Node::Text(text));
        true
    }

    /// Text up to the next construct; a backslash-newline is dropped.
    fn text(&mut self) {
        let bytes = self.src.as_bytes();
        let start = self.pos;
        let mut i = start;
        while i < bytes.len() {
            let rest = &self.src[i..];
            if rest.starts_with("${") || rest.starts_with("<%") || rest.starts_with("</%") {
                break;
            }
            if rest.starts_with("\\\n") || rest.starts_with("\\\r\n") {
                self.push_text(&self.src[start..i]);
                self.pos = i + if rest.starts_with("\\\n") { 2 } else { 3 };
                return;
            }
            if bytes[i] == b'\n' {
                let next = self.src[i + 1..].trim_start_matches([' ', '\t']);
                if next.starts_with('%') || next.starts_with("##") {
                    i += 1;
                    break;
                }
            }
            i += self.src[i..].chars().next().map_or(1, char::len_utf8);
        }
        self.push_text(&self.src[start..i]);
        self.pos = i;
    }

    fn push_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(Node::Text(last)) = self.nodes.last_mut() {
            last.push_str(text);
        } else {
            self.nodes.push(Node::Text(text.to_string()));
        }
    }
}

/// The 1-based line of byte `pos` in `src`.
pub(super) fn line_at(src: &str, pos: usize) -> usize {
    src.as_bytes()[..pos]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The text of a control line up to its newline (a backslash-newline continues it), and how
/// many bytes it takes with the newline.
fn logical_line(s: &str) -> (&str, usize) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' && (i == 0 || bytes[i - 1] != b'\\') {
            return (&s[..i], i + 1);
        }
        i += 1;
    }
    (s, s.len())
}

/// Moves `chars` past a string literal whose opening `quote` was just read (triple quotes
/// included; a backslash escapes the next character).
fn skip_string<I: Iterator<Item = (usize, char)>>(chars: &mut I, quote: char) {
    let mut escaped = false;
    for (_, c) in chars.by_ref() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == quote {
            return;
        }
    }
}
