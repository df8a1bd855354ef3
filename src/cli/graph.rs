//! `history --graph`: the revisions in `history`'s order, with their branches and merges
//! drawn in the margin as `git log --graph` draws commits.
//!
//! Each column of the margin waits for one revision. A revision's line has `*` in its column
//! and `|` in the others; under a merge, `|\` opens a column for each further parent; a
//! revision whose parent another column already waits for joins it with `|/` (or `|_|/`
//! across columns between); a base revision's column ends and the columns right of it move
//! left with `/`. Only parents that are listed and not yet drawn get a column, so a range
//! (`-r a:b`) draws no lines to revisions it leaves out. Pure text: no I/O.

use std::collections::HashSet;

/// One revision to draw: its id, its parents (down revisions), and the lines of text
/// printed beside it (the first on its `*` line, the others under it).
#[derive(Debug)]
pub struct Node<'a> {
    pub id: &'a str,
    pub parents: Vec<&'a str>,
    pub lines: Vec<String>,
}

/// The graph of `nodes` (children before parents, as `history` lists them), one line per
/// `\n`.
pub fn draw(nodes: &[Node<'_>]) -> String {
    let mut pending: HashSet<&str> = nodes.iter().map(|n| n.id).collect();
    let mut cols: Vec<&str> = Vec::new();
    let mut out = String::new();
    for node in nodes {
        pending.remove(node.id);
        let idx = match cols.iter().position(|c| *c == node.id) {
            Some(i) => i,
            None => {
                cols.push(node.id);
                cols.len() - 1
            }
        };
        let parents: Vec<&str> = node
            .parents
            .iter()
            .copied()
            .filter(|p| pending.contains(p))
            .collect();
        let text = node.lines.first().map_or("", String::as_str);
        star_line(&mut out, &cols, idx, parents.len(), text);
        let rest = node.lines.iter().skip(1);
        if parents.len() >= 2 {
            // Under a merge the parents' columns open first; its text continues beside them.
            open_parents(&mut out, &cols, idx, parents.len());
            cols.splice(idx..=idx, parents.iter().copied());
            let margin = Row::bars(cols.len()).text();
            rest.for_each(|line| push(&mut out, &margin, line));
        } else {
            // Its text continues in its column (blank under a base revision), then the
            // column goes on to its parent or ends.
            let mut margin = Row::bars(cols.len());
            if parents.is_empty() {
                margin.set(2 * idx, ' ');
            }
            rest.for_each(|line| push(&mut out, &margin.text(), line));
            if parents.is_empty() {
                end_column(&mut out, &cols, idx);
            }
            cols.splice(idx..=idx, parents.iter().copied());
        }
        collapse(&mut out, &mut cols);
    }
    out
}

/// A revision's `*` line with `n` parents, after the lines that make room for an octopus
/// merge's `*-.` (the columns right of it move right first).
fn star_line(out: &mut String, cols: &[&str], idx: usize, n: usize, text: &str) {
    let shift = octopus_shift(n);
    if idx + 1 < cols.len() {
        for s in 0..shift {
            let mut row = Row::bars(idx + 1);
            for k in idx + 1..cols.len() {
                row.set(2 * (k + s) + 1, '\\');
            }
            push(out, &row.text(), "");
        }
    }
    let mut row = Row::bars(idx);
    row.set(2 * idx, '*');
    if n >= 3 {
        for at in 2 * idx + 1..2 * idx + 2 * shift {
            row.set(at, '-');
        }
        row.set(2 * idx + 2 * shift, '.');
    }
    for k in idx + 1..cols.len() {
        row.set(2 * (k + shift), '|');
    }
    let width = 2 * (cols.len() + n.saturating_sub(1)).max(1) - 1;
    push(out, &row.padded(width), text);
}

/// How many columns an `n`-parent merge's `*-.` moves the columns right of it.
fn octopus_shift(n: usize) -> usize {
    n.saturating_sub(2)
}

/// The `|\` line under a merge of `n` parents: one diagonal to each further parent's new
/// column, and the columns right of it moved right.
fn open_parents(out: &mut String, cols: &[&str], idx: usize, n: usize) {
    let shift = octopus_shift(n);
    let mut row = Row::bars(idx + 1);
    for m in 0..n - 1 {
        row.set(2 * (idx + m) + 1, '\\');
    }
    for k in idx + 1..cols.len() {
        row.set(2 * (k + shift) + 1, '\\');
    }
    push(out, &row.text(), "");
}

/// The line under a base revision in column `idx`: the columns right of it move left.
fn end_column(out: &mut String, cols: &[&str], idx: usize) {
    if idx + 1 >= cols.len() {
        return;
    }
    let mut row = Row::bars(idx);
    for k in idx + 1..cols.len() {
        row.set(2 * k - 1, '/');
    }
    push(out, &row.text(), "");
}

/// Joins each column that waits for the same revision as a column left of it into that one,
/// one line per join.
fn collapse(out: &mut String, cols: &mut Vec<&str>) {
    while let Some((i, j)) = duplicate(cols) {
        let mut row = Row::bars(j);
        for k in i..j.saturating_sub(1) {
            row.set(2 * k + 1, '_');
        }
        row.set(2 * j - 1, '/');
        for k in j + 1..cols.len() {
            row.set(2 * k - 1, '/');
        }
        push(out, &row.text(), "");
        cols.remove(j);
    }
}

/// The first column `j` that waits for the same revision as a column `i` left of it.
fn duplicate(cols: &[&str]) -> Option<(usize, usize)> {
    (1..cols.len()).find_map(|j| cols[..j].iter().position(|c| *c == cols[j]).map(|i| (i, j)))
}

/// Appends a margin and its text as one line, without trailing spaces.
fn push(out: &mut String, margin: &str, text: &str) {
    let line = if text.is_empty() {
        margin.trim_end().to_string()
    } else {
        format!("{margin} {text}")
    };
    out.push_str(&line);
    out.push('\n');
}

/// A line of the margin, one character at a time.
struct Row(Vec<char>);

impl Row {
    /// `|` in each of the first `n` columns.
    fn bars(n: usize) -> Row {
        let mut row = Row(Vec::new());
        for k in 0..n {
            row.set(2 * k, '|');
        }
        row
    }

    fn set(&mut self, at: usize, c: char) {
        if self.0.len() <= at {
            self.0.resize(at + 1, ' ');
        }
        self.0[at] = c;
    }

    fn text(&self) -> String {
        self.0.iter().collect()
    }

    /// The row padded with spaces to `width` characters (the text then lines up after it).
    fn padded(&self, width: usize) -> String {
        let mut text = self.text();
        while text.chars().count() < width {
            text.push(' ');
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node<'a>(id: &'a str, parents: &[&'a str]) -> Node<'a> {
        Node {
            id,
            parents: parents.to_vec(),
            lines: vec![id.to_string()],
        }
    }

    #[test]
    fn a_line_of_revisions_is_a_column_of_stars() {
        let nodes = [node("c", &["b"]), node("b", &["a"]), node("a", &[])];
        assert_eq!(draw(&nodes), "* c\n* b\n* a\n");
    }

    #[test]
    fn a_merge_opens_a_column_and_the_branch_point_joins_it() {
        let nodes = [
            node("m", &["c", "d"]),
            node("d", &["b"]),
            node("c", &["b"]),
            node("b", &["a"]),
            node("a", &[]),
        ];
        assert_eq!(draw(&nodes), "*   m\n|\\\n| * d\n* | c\n|/\n* b\n* a\n");
    }

    #[test]
    fn two_heads_start_two_columns() {
        let nodes = [node("d", &["b"]), node("c", &["b"]), node("b", &[])];
        assert_eq!(draw(&nodes), "* d\n| * c\n|/\n* b\n");
    }

    #[test]
    fn an_octopus_merge_draws_one_diagonal_per_parent() {
        let nodes = [
            node("m", &["a", "b", "c"]),
            node("c", &[]),
            node("b", &[]),
            node("a", &[]),
        ];
        assert_eq!(draw(&nodes), "*-.   m\n|\\ \\\n| | * c\n| * b\n* a\n");
    }

    #[test]
    fn a_join_across_columns_runs_under_them_and_an_ended_column_moves_the_rest_left() {
        let nodes = [
            node("x2", &["x"]),
            node("y", &["yb"]),
            node("z", &["x"]),
            node("x", &[]),
            node("yb", &[]),
        ];
        assert_eq!(
            draw(&nodes),
            "* x2\n| * y\n| | * z\n|_|/\n* | x\n /\n* yb\n"
        );
    }

    #[test]
    fn parents_left_out_of_the_listing_get_no_column_and_lines_follow_their_revision() {
        let nodes = [
            Node {
                id: "b",
                parents: vec!["a"],
                lines: vec!["b".into(), "more".into()],
            },
            node("a", &["outside"]),
        ];
        assert_eq!(draw(&nodes), "* b\n| more\n* a\n");
        let nodes = [
            Node {
                id: "c",
                parents: vec![],
                lines: vec!["c".into(), "base".into()],
            },
            node("b", &[]),
        ];
        assert_eq!(draw(&nodes), "* c\n  base\n* b\n");
    }
}
