//! Findings written into a script's text as comments: `revision --autogenerate` puts each one
//! on its own line above the statement it concerns, indented as that statement.
//!
//! Pure: the text and its findings in, the text with comment lines out.

use super::{Finding, Severity};

/// `text` with a `{prefix} lint: CODE message` line above each line a finding of `findings`
/// points at (`line` counted from `first_line`, the line of `text`'s first line in the file),
/// in the findings' order. A finding outside the text goes above its first line.
pub fn annotate(text: &str, first_line: usize, findings: &[Finding], prefix: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut above: Vec<Vec<&Finding>> = vec![Vec::new(); lines.len()];
    for f in findings {
        let at = f.line.saturating_sub(first_line).min(lines.len() - 1);
        above[at].push(f);
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        let indent = &line[..line.len() - line.trim_start().len()];
        for f in &above[i] {
            out.push_str(indent);
            out.push_str(&comment(f, prefix));
            out.push('\n');
        }
        out.push_str(line);
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
    out
}

/// One finding as a comment line (without its indent and newline).
fn comment(f: &Finding, prefix: &str) -> String {
    let mark = match f.severity {
        Severity::Warning => " (warning)",
        Severity::Error => "",
    };
    format!("{prefix} lint: {}{mark} {}", f.code, f.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: &'static str, line: usize, severity: Severity) -> Finding {
        Finding {
            code,
            severity,
            line,
            col: 1,
            message: format!("{code} here"),
        }
    }

    #[test]
    fn each_finding_sits_above_its_line_with_that_lines_indent() {
        let text = "-- note\nDROP TABLE a;\n\n    op.drop_column('t', 'c')\nlast";
        let findings = [
            finding("DL001", 11, Severity::Error),
            finding("DL002", 13, Severity::Warning),
            finding("RV002", 11, Severity::Error),
        ];
        assert_eq!(
            annotate(text, 10, &findings, "--"),
            "-- note\n-- lint: DL001 DL001 here\n-- lint: RV002 RV002 here\nDROP TABLE a;\n\n    -- lint: DL002 (warning) DL002 here\n    op.drop_column('t', 'c')\nlast"
        );
        assert_eq!(annotate(text, 10, &[], "#"), text);
        let far = [finding("PG001", 99, Severity::Error)];
        assert!(annotate(text, 10, &far, "#").ends_with("# lint: PG001 PG001 here\nlast"));
    }
}
