//! Python string literals: the prefix, the quotes and the escapes of one literal's text.

/// What a literal's prefix says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prefix {
    pub raw: bool,
    pub bytes: bool,
    pub format: bool,
}

/// Splits a literal's source text (`r'''x'''`) into its prefix and the text between its
/// quotes; `None` if the text is not a complete literal.
pub fn split_literal(text: &str) -> Option<(Prefix, &str)> {
    let quote_at = text.find(['\'', '"'])?;
    let mut prefix = Prefix::default();
    for c in text[..quote_at].chars() {
        match c.to_ascii_lowercase() {
            'r' => prefix.raw = true,
            'b' => prefix.bytes = true,
            'f' => prefix.format = true,
            'u' | 't' => {}
            _ => return None,
        }
    }
    let rest = &text[quote_at..];
    let quote = if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
        &rest[..3]
    } else {
        &rest[..1]
    };
    let inner = rest.strip_prefix(quote)?.strip_suffix(quote)?;
    Some((prefix, inner))
}

/// The value of a literal's content: escapes decoded unless `raw`. An escape Python rejects
/// or that this reader does not decode (`\N{...}`) is an error naming it.
pub fn decode(content: &str, raw: bool) -> Result<String, String> {
    if raw || !content.contains('\\') {
        return Ok(content.to_string());
    }
    let mut out = String::with_capacity(content.len());
    let mut chars = content.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            '\\' | '\'' | '"' => out.push(e),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0'..='7' => {
                let mut value = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char_of(value, "\\ooo")?);
            }
            'x' | 'u' | 'U' => {
                let width = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let digits: String = (0..width).filter_map(|_| chars.next()).collect();
                let value = u32::from_str_radix(&digits, 16)
                    .ok()
                    .filter(|_| digits.len() == width)
                    .ok_or_else(|| format!("a truncated \\{e} escape"))?;
                out.push(char_of(value, "\\u")?);
            }
            'N' => return Err("a \\N{...} escape".to_string()),
            other => {
                // Python keeps an unknown escape as written (and warns).
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

fn char_of(value: u32, what: &str) -> Result<char, String> {
    char::from_u32(value).ok_or_else(|| format!("a {what} escape that is not a character"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_quotes() {
        assert_eq!(split_literal("'x'"), Some((Prefix::default(), "x")));
        assert_eq!(
            split_literal("\"\"\"a\n'b'\"\"\""),
            Some((Prefix::default(), "a\n'b'"))
        );
        let (p, inner) = split_literal("Rb'''\\d'''").unwrap_or_default();
        assert!(p.raw && p.bytes && !p.format);
        assert_eq!(inner, "\\d");
        assert_eq!(split_literal("f\"{x}\"").map(|(p, _)| p.format), Some(true));
        assert_eq!(split_literal("\"\""), Some((Prefix::default(), "")));
        assert_eq!(split_literal("q'x'"), None);
    }

    #[test]
    fn escapes_decode_as_python_does() {
        let ok = |s: &str| decode(s, false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok(r#"a\nb\tc\\d\'e\"f"#), "a\nb\tc\\d'e\"f");
        assert_eq!(ok(r"\x41\101\u00e9\U0001F600"), "AAé😀");
        assert_eq!(ok("line\\\nnext"), "linenext");
        assert_eq!(ok(r"\d\%"), r"\d\%");
        assert_eq!(decode(r"\d\n", true).as_deref(), Ok(r"\d\n"));
        assert_eq!(
            decode(r"\x4", false),
            Err("a truncated \\x escape".to_string())
        );
        assert_eq!(
            decode(r"\N{BULLET}", false),
            Err("a \\N{...} escape".to_string())
        );
    }
}
