//! How a failure reaches the user: one `FAILED: …` line; with `--raiseerr`, one
//! `caused by: …` line under it for each cause in the error's chain (the driver's own words).
//! Every line is scrubbed of the passwords the run could have used, whatever the error, and
//! each is one line of bounded length: a message that echoes a huge statement or value keeps
//! its start (the file and line) and its end (the revision and what was rolled back).

use std::error::Error;

use crate::config::passwords_in;

/// Passwords to keep out of every line printed for a failure.
#[derive(Debug, Default)]
pub struct Secrets(Vec<String>);

impl Secrets {
    /// The passwords in `sources`: database URLs or connection strings, and bare passwords
    /// (`$PGPASSWORD`). Text under three characters is left alone: replacing it everywhere
    /// would garble messages.
    pub fn new<'a>(urls: impl IntoIterator<Item = &'a str>, bare: Option<String>) -> Secrets {
        let mut found: Vec<String> = urls.into_iter().flat_map(passwords_in).collect();
        found.extend(bare);
        found.retain(|p| p.chars().count() >= 3);
        // Longest first, so that a password containing another is replaced whole.
        found.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        found.dedup();
        Secrets(found)
    }

    /// `text` with each password replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        self.0.iter().fold(text.to_string(), |text, secret| {
            text.replace(secret.as_str(), "***")
        })
    }
}

/// The lines printed for `err`: `FAILED: …`, and with `chain`, `caused by: …` for each cause
/// whose text the line above does not already contain.
pub fn failure_lines(err: &dyn Error, chain: bool, secrets: &Secrets) -> Vec<String> {
    let mut shown = one_line(&err.to_string());
    let mut lines = vec![format!("FAILED: {}", capped(&shown))];
    let mut cause = err.source();
    while let (true, Some(c)) = (chain, cause) {
        let text = one_line(&c.to_string());
        if !text.is_empty() && !shown.contains(&text) {
            lines.push(format!("  caused by: {}", capped(&text)));
            shown = text;
        }
        cause = c.source();
    }
    lines.iter().map(|l| secrets.scrub(l)).collect()
}

/// The longest line printed, in characters.
const MAX_CHARS: usize = 1000;

/// `text`, or when longer than [`MAX_CHARS`] its start and end around a note of how much
/// was left out.
fn capped(text: &str) -> String {
    let count = text.chars().count();
    if count <= MAX_CHARS {
        return text.to_string();
    }
    let (head, tail) = (MAX_CHARS * 3 / 5, MAX_CHARS / 5);
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!(
        "{start} … [{} characters not shown] … {end}",
        count - head - tail
    )
}

/// Joins a message's lines with spaces.
fn one_line(text: &str) -> String {
    let mut parts = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = parts.next().unwrap_or("").to_string();
    parts.fold(first, |acc, l| acc + " " + l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer: {0}")]
    struct Outer(#[source] Middle);

    #[derive(Debug, thiserror::Error)]
    #[error("middle with tiger2")]
    struct Middle(#[source] std::io::Error);

    #[test]
    fn the_chain_is_one_line_per_cause_without_repeats_or_passwords() {
        let err = Outer(Middle(std::io::Error::other("low\nlevel")));
        let secrets = Secrets::new(["postgresql://u:tiger2@h/db"], Some("pw".into()));
        assert_eq!(
            failure_lines(&err, false, &secrets),
            ["FAILED: outer: middle with ***"]
        );
        assert_eq!(
            failure_lines(&err, true, &secrets),
            ["FAILED: outer: middle with ***", "  caused by: low level"]
        );
    }

    #[test]
    fn a_huge_message_keeps_its_start_and_end_on_one_line() {
        let err = std::io::Error::other(format!(
            "f.sql:3: near \"{}\": x (revision a)",
            "ab\n".repeat(5000)
        ));
        let lines = failure_lines(&err, true, &Secrets::default());
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].starts_with("FAILED: f.sql:3: near \"ab ab"),
            "{}",
            lines[0]
        );
        assert!(lines[0].ends_with("ab \": x (revision a)"), "{}", lines[0]);
        assert!(lines[0].contains("characters not shown"));
        assert!(lines[0].chars().count() < MAX_CHARS + 60);
    }

    #[test]
    fn a_longer_password_is_replaced_whole() {
        let secrets = Secrets::new(["postgresql://u:abc@h/?password=abcdef"], None);
        assert_eq!(secrets.scrub("x abcdef y abc"), "x *** y ***");
    }
}
