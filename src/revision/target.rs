//! Target symbols: the grammar (`head`, `heads`, `base`, ids, unique prefixes, branch labels,
//! `label@head`, `-N`, `+N`, `REV+N`, `label@-N`, ...) and its resolution against the graph,
//! following Alembic's `_resolve_revision_number`, `_revision_for_ident`, `get_revisions`,
//! `_walk`, `_parse_upgrade_target` and `_parse_downgrade_target`.

use std::collections::BTreeSet;

use super::graph::RevisionMap;
use super::RevisionError;

type Result<T> = std::result::Result<T, RevisionError>;

/// What a symbol or a walk lands on: a revision, or Alembic's `"base"` marker (below every base).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Node {
    Rev(usize),
    Base,
}

/// One side of a range as Alembic passes it around: a symbol, or the version-table rows.
#[derive(Clone, Copy, Debug)]
pub(super) enum Spec<'a> {
    Symbol(&'a str),
    Rows(&'a [usize]),
}

impl Spec<'_> {
    /// How the side is named in messages.
    pub(super) fn text(&self) -> String {
        match self {
            Spec::Symbol(s) => (*s).to_string(),
            Spec::Rows(_) => "current".to_string(),
        }
    }
}

/// A match of Alembic's `(?:(.+?)@)?(\w+)?((?:\+|-)\d+)` at the start of a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Relative<'a> {
    pub label: Option<&'a str>,
    pub symbol: Option<&'a str>,
    /// The matched `+N` / `-N` text, as Alembic echoes it.
    pub text: &'a str,
    /// Its value, saturating (a walk of `i64::MAX` steps ends where the graph does).
    pub steps: i64,
}

impl Relative<'_> {
    /// `Relative revision X didn't produce N migrations`, with X as Alembic formats it:
    /// the matched text, or (`python_int`) the integer. Both numbers are written from the
    /// digits, so a count too large for `i64` is echoed as given.
    pub(super) fn short(&self, python_int: bool) -> RevisionError {
        let digits = self.text[1..].trim_start_matches('0');
        let magnitude = if digits.is_empty() { "0" } else { digits };
        let shown = match (python_int, self.steps < 0) {
            (false, _) => self.text.to_string(),
            (true, true) => format!("-{magnitude}"),
            (true, false) => magnitude.to_string(),
        };
        RevisionError::RelativeShort(shown, magnitude.to_string())
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `(\w+)?((?:\+|-)\d+)` at the start of `rest` (no end anchor, as with Python's `re.match`).
fn match_rest(rest: &str) -> Option<(Option<&str>, &str, i64)> {
    let word_end = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
    let after = &rest[word_end..];
    let negative = match after.as_bytes().first() {
        Some(b'+') => false,
        Some(b'-') => true,
        _ => return None,
    };
    let digits = after[1..].bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let text = &after[..=digits];
    let magnitude = text[1..].bytes().fold(0i64, |acc, b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    let symbol = (word_end > 0).then(|| &rest[..word_end]);
    Some((symbol, text, if negative { -magnitude } else { magnitude }))
}

/// Alembic's relative-destination regex.
pub(super) fn match_relative(target: &str) -> Option<Relative<'_>> {
    let with_label = target
        .char_indices()
        .filter(|&(p, c)| c == '@' && p >= 1)
        .find_map(|(p, _)| match_rest(&target[p + 1..]).map(|m| (Some(&target[..p]), m)));
    let (label, (symbol, text, steps)) =
        with_label.or_else(|| match_rest(target).map(|m| (None, m)))?;
    Some(Relative {
        label,
        symbol,
        text,
        steps,
    })
}

/// A string Python's `int()` reads as a negative number (`-N`).
fn negative_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.bytes().fold(0i64, |acc, b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    (magnitude > 0).then_some(-magnitude)
}

impl RevisionMap {
    /// Exact id, else declared branch label.
    fn exact(&self, key: &str) -> Option<usize> {
        self.index
            .get(key)
            .or_else(|| self.label_index.get(key))
            .copied()
    }

    /// Alembic `_resolve_revision_number`: the ids a symbol stands for, and its branch label.
    pub(super) fn resolve_number(&self, symbol: &str) -> Result<(Vec<String>, Option<String>)> {
        let (label, id) = match symbol.split_once('@') {
            // `@` and `label@` name nothing (Alembic fails an assertion on them).
            Some((_, "")) => return Err(RevisionError::NothingAfterAt(symbol.to_string())),
            Some((l, id)) => ((!l.is_empty()).then(|| l.to_string()), id),
            None => (None, symbol),
        };
        let ids = match id {
            "heads" => match &label {
                Some(l) => self.ids(&self.filter_for_lineage(&self.heads, l, false)?),
                None => self.ids(&self.real_heads),
            },
            "head" => self
                .current_head(label.as_deref())?
                .map(|h| vec![self.id_of(h).to_string()])
                .unwrap_or_default(),
            "base" | "" => Vec::new(),
            other => vec![other.to_string()],
        };
        Ok((ids, label))
    }

    /// Alembic `get_current_head`: the one versioned head (of a branch), or `MultipleHeads`.
    fn current_head(&self, label: Option<&str>) -> Result<Option<usize>> {
        let heads = match label {
            Some(l) => self.filter_for_lineage(&self.heads, l, false)?,
            None => self.heads.clone(),
        };
        if heads.len() > 1 {
            return Err(RevisionError::MultipleHeads(
                label.map_or_else(|| "head".to_string(), |l| format!("{l}@head")),
            ));
        }
        Ok(heads.first().copied())
    }

    /// Alembic `_resolve_branch`: a label, or any id / prefix used as one.
    pub(super) fn resolve_branch(&self, label: &str) -> Result<usize> {
        if let Some(i) = self.exact(label) {
            return Ok(i);
        }
        self.revision_for_ident(label, None)
            .map_err(|_| RevisionError::NotFound(label.to_string()))
    }

    /// Alembic `_revision_for_ident`: exact id or label, else a unique prefix (of a key longer
    /// than three characters), checked against `branch` when given.
    pub(super) fn revision_for_ident(&self, id: &str, branch: Option<&str>) -> Result<usize> {
        let branch = branch.filter(|b| !b.is_empty());
        let branch_rev = branch.map(|b| self.resolve_branch(b)).transpose()?;
        let rev = match self.exact(id) {
            Some(i) => i,
            None => {
                let mut found: Vec<usize> = Vec::new();
                if !id.is_empty() {
                    let keys = self.index.iter().chain(self.label_index.iter());
                    for (key, &i) in keys {
                        if key.len() > 3 && key.starts_with(id) && !found.contains(&i) {
                            found.push(i);
                        }
                    }
                }
                found.sort_unstable();
                if let Some(b) = branch {
                    found = self.filter_for_lineage(&found, b, false)?;
                }
                match found.as_slice() {
                    [one] => *one,
                    [] => return Err(RevisionError::NotFound(id.to_string())),
                    many => {
                        let mut matches = self.ids(many);
                        matches.sort();
                        return Err(RevisionError::AmbiguousPrefix {
                            prefix: id.to_string(),
                            matches,
                        });
                    }
                }
            }
        };
        if let Some(b) = branch_rev {
            if !self.shares_lineage(rev, &[b], false) {
                return Err(RevisionError::NotFound(id.to_string()));
            }
        }
        Ok(rev)
    }

    /// Alembic `_shares_lineage`: `target` is an ancestor or descendant of one of `against`.
    pub(super) fn shares_lineage(&self, target: usize, against: &[usize], deps: bool) -> bool {
        if against.is_empty() {
            return true;
        }
        let related: BTreeSet<usize> = self
            .descendants(&[target], deps)
            .into_iter()
            .chain(self.ancestors(&[target], deps))
            .collect();
        against.iter().any(|a| related.contains(a))
    }

    /// Alembic `filter_for_lineage`: the targets related to what `check_against` names.
    /// As in Alembic, the symbol's ids are only looked up when there are targets to filter
    /// (`stamp -2` on an empty table is not an error).
    pub(super) fn filter_for_lineage(
        &self,
        targets: &[usize],
        check_against: &str,
        deps: bool,
    ) -> Result<Vec<usize>> {
        let (ids, label) = self.resolve_number(check_against)?;
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        let mut shares = Vec::new();
        for key in label.iter().chain(ids.iter()) {
            shares.push(self.revision_for_ident(key, None)?);
        }
        Ok(targets
            .iter()
            .copied()
            .filter(|&t| self.shares_lineage(t, &shares, deps))
            .collect())
    }

    /// Alembic `get_revisions` for one symbol. `None` entries are overwalks of `-N`.
    pub(super) fn get_revisions(&self, symbol: &str) -> Result<Vec<Option<Node>>> {
        let (ids, label) = self.resolve_number(symbol)?;
        if let [only] = ids.as_slice() {
            if let Some(steps) = negative_int(only) {
                let mut heads = self.real_heads.clone();
                if let Some(l) = &label {
                    heads.retain(|&h| self.label_sets[h].contains(l));
                }
                return heads
                    .into_iter()
                    .map(|h| self.walk(Some(Node::Rev(h)), steps, None, true))
                    .collect();
            }
        }
        ids.iter()
            .map(|id| {
                Ok(Some(Node::Rev(
                    self.revision_for_ident(id, label.as_deref())?,
                )))
            })
            .collect()
    }

    /// Alembic `get_revision`: at most one revision (`None` for base).
    pub(super) fn get_revision(&self, symbol: &str) -> Result<Option<usize>> {
        let (ids, label) = self.resolve_number(symbol)?;
        match ids.as_slice() {
            [] => {
                if let Some(l) = &label {
                    self.resolve_branch(l)?;
                }
                Ok(None)
            }
            [one] => self.revision_for_ident(one, label.as_deref()).map(Some),
            _ => Err(RevisionError::MultipleHeads(symbol.to_string())),
        }
    }

    /// Alembic `_walk`: `steps` up (> 0) or down (< 0). `None` start means "nothing": up
    /// starts at the bases, down at the heads. Returns `None` on an overwalk when
    /// `no_overwalk`, else stops where the graph ends.
    pub(super) fn walk(
        &self,
        start: Option<Node>,
        steps: i64,
        branch: Option<&str>,
        no_overwalk: bool,
    ) -> Result<Option<Node>> {
        let mut at = start;
        let mut remaining = steps.unsigned_abs();
        while remaining > 0 {
            remaining -= 1;
            let next: Vec<Node> = if steps > 0 {
                let up = match at {
                    Some(Node::Rev(r)) => self.next[r].clone(),
                    _ => self.bases.clone(),
                };
                let up = match branch {
                    Some(b) => self.filter_for_lineage(&up, b, false)?,
                    None => up,
                };
                up.into_iter().map(Node::Rev).collect()
            } else {
                let down: Vec<Node> = match at {
                    Some(Node::Base) => Vec::new(),
                    Some(Node::Rev(r)) => self.down[r].iter().map(|&d| Node::Rev(d)).collect(),
                    None => self.heads.iter().map(|&h| Node::Rev(h)).collect(),
                };
                match at {
                    Some(Node::Base) => down,
                    _ if down.is_empty() => vec![Node::Base],
                    _ => down,
                }
            };
            match next.as_slice() {
                [] => return Ok(if no_overwalk { None } else { at }),
                [one] => at = Some(*one),
                _ => return Err(RevisionError::AmbiguousWalk),
            }
        }
        Ok(at)
    }

    /// What `show`, `stamp`, `merge` and `revision --head` mean by a symbol: Alembic's
    /// `get_revisions`. `head` (several heads: `MultipleHeads`), `heads` (the real heads),
    /// `base` or `""` (nothing), an id, a unique prefix (`AmbiguousPrefix` lists the matches,
    /// sorted), a branch label (the revision that declares it), `label@head`, `label@heads`,
    /// `label@base`, `rev@x`, `-N` and `label@-N` (N steps down from each real head).
    /// Full ids, duplicates removed, in Alembic's order. Relative `X+N` is not accepted here,
    /// as in Alembic.
    pub fn resolve(&self, symbol: &str) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for id in self.resolve_each(symbol)? {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// At most one revision, as Alembic's `get_revision`: `None` for `base`; `MultipleHeads`
    /// when the symbol names several (`heads` with two heads). `-N` is not a walk here
    /// (`Can't locate revision identified by '-1'`). The start of an offline range
    /// (`FROM:TO --sql`) is resolved this way.
    pub fn resolve_one(&self, symbol: &str) -> Result<Option<String>> {
        Ok(self
            .get_revision(symbol)?
            .map(|r| self.id_of(r).to_string()))
    }

    /// What `revision --depends-on SYMBOL` writes into the new script, as Alembic does: the
    /// revision `get_revision` finds (an id, a unique prefix, a branch label, `label@head`,
    /// `head`; several revisions are `MultipleHeads`, none is `NotFound`), written as the
    /// symbol when that is a branch label, else as the full id. The graph reads the entry back
    /// as the same revision.
    pub fn dependency_entry(&self, symbol: &str) -> Result<String> {
        let Some(found) = self.get_revision(symbol)? else {
            return Err(RevisionError::NotFound(symbol.to_string()));
        };
        if super::graph::resolve_dependency(&self.index, &self.label_index, symbol) == Some(found) {
            return Ok(symbol.to_string());
        }
        Ok(self.id_of(found).to_string())
    }

    /// [`RevisionMap::resolve`] without removing duplicates, for `show`: Alembic prints one
    /// block per revision its `get_revisions` yields, so `show -1` below a branch point
    /// shows the branch point once per head.
    pub fn resolve_each(&self, symbol: &str) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for node in self.get_revisions(symbol)? {
            match node {
                None => return Err(RevisionError::Overwalk(symbol.to_string())),
                Some(Node::Base) => {}
                Some(Node::Rev(r)) => out.push(self.id_of(r).to_string()),
            }
        }
        Ok(out)
    }

    /// Alembic `_parse_upgrade_target`. `None` entries are overwalks (Alembic crashes).
    pub(super) fn parse_upgrade_target(
        &self,
        current: Spec<'_>,
        target: Spec<'_>,
        assert_length: bool,
    ) -> Result<Vec<Option<Node>>> {
        let target = match target {
            Spec::Rows(rows) => return Ok(rows.iter().map(|&r| Some(Node::Rev(r))).collect()),
            Spec::Symbol(s) => s,
        };
        let Some(rel) = match_relative(target) else {
            return self.get_revisions(target);
        };
        let current_syms: Vec<String> = match current {
            Spec::Symbol(s) => vec![s.to_string()],
            Spec::Rows(rows) => self.ids(rows),
        };
        if rel.steps > 0 {
            let Some(symbol) = rel.symbol else {
                let mut start: Vec<Option<Node>> = Vec::new();
                for s in &current_syms {
                    start.push(self.get_revision(s)?.map(Node::Rev));
                }
                if start.is_empty() {
                    start.push(None);
                }
                if let Some(label) = rel.label {
                    start = self.upgrade_start_on_branch(&current_syms, label)?;
                }
                if start.len() > 1 {
                    return Err(RevisionError::AmbiguousUpgrade);
                }
                let first = start.first().copied().flatten();
                return match self.walk(first, rel.steps, rel.label, assert_length)? {
                    None => Err(rel.short(false)),
                    found => Ok(vec![found]),
                };
            };
            let start = self.get_revision(symbol)?.map(Node::Rev);
            return Ok(vec![self.walk(
                start,
                rel.steps,
                rel.label,
                assert_length,
            )?]);
        }
        let Some(symbol) = rel.symbol else {
            return Err(rel.short(true));
        };
        if symbol == "base" {
            return Err(RevisionError::BelowBase(target.to_string()));
        }
        let start = match rel.label {
            Some(l) => self.get_revision(&format!("{l}@{symbol}"))?,
            None => self.get_revision(symbol)?,
        };
        Ok(vec![self.walk(
            start.map(Node::Rev),
            rel.steps,
            None,
            assert_length,
        )?])
    }

    /// Where `label@+N` starts: the current revision on that branch, else the last ancestor
    /// on it, else nothing (base).
    fn upgrade_start_on_branch(
        &self,
        current: &[String],
        label: &str,
    ) -> Result<Vec<Option<Node>>> {
        let mut revs: Vec<usize> = Vec::new();
        for s in current {
            revs.extend(self.get_revisions(s)?.into_iter().filter_map(|n| match n {
                Some(Node::Rev(r)) => Some(r),
                _ => None,
            }));
        }
        let on_branch = self.filter_for_lineage(&revs, label, false)?;
        if !on_branch.is_empty() {
            return Ok(on_branch.into_iter().map(|r| Some(Node::Rev(r))).collect());
        }
        let active = self.filter_for_lineage(&self.ancestors(&revs, true), label, false)?;
        let downs: BTreeSet<usize> = active
            .iter()
            .flat_map(|&r| self.norm_down[r].iter().copied())
            .collect();
        let mut tips: Vec<usize> = active.into_iter().filter(|r| !downs.contains(r)).collect();
        tips.sort_unstable();
        if tips.is_empty() {
            return Ok(vec![None]);
        }
        Ok(tips.into_iter().map(|r| Some(Node::Rev(r))).collect())
    }

    /// Alembic `_parse_downgrade_target`: (branch label, target; `None`/`Base` = base).
    ///
    /// `-N` with several current revisions: Alembic takes the first row the database returns
    /// (and warns). Here the rows are sorted and the first one is taken, so the choice is
    /// deterministic; the walk is restricted to that row's branch, as in Alembic.
    pub(super) fn parse_downgrade_target(
        &self,
        current: &[String],
        target: &str,
        assert_length: bool,
    ) -> Result<(Option<String>, Option<Node>)> {
        let Some(rel) = match_relative(target) else {
            let (label, symbol) = match target.rsplit_once('@') {
                Some((l, s)) => ((!l.is_empty()).then(|| l.to_string()), s),
                None => (None, target),
            };
            if symbol.is_empty() && target.contains('@') {
                return Err(RevisionError::NothingAfterAt(target.to_string()));
            }
            // Alembic resolves the symbol without the label; the label only narrows the
            // roots of the downgrade.
            let found = self.get_revision(symbol)?;
            return Ok((label, found.map(Node::Rev)));
        };
        if rel.steps >= 0 {
            let Some(symbol) = rel.symbol else {
                return Err(rel.short(false));
            };
            let start = self.get_revision(symbol)?.map(Node::Rev);
            return match self.walk(start, rel.steps, rel.label, assert_length)? {
                None => Err(RevisionError::WalkedTooFar),
                found => Ok((rel.label.map(str::to_string), found)),
            };
        }
        if rel.symbol == Some("base") {
            return Err(RevisionError::BelowBase(target.to_string()));
        }
        let relative_to_current = rel.symbol.is_none();
        let (label, symbol): (Option<String>, String) = match (rel.symbol, rel.label) {
            (Some(s), l) => (l.map(str::to_string), s.to_string()),
            (None, Some(l)) => {
                let mut cur = Vec::new();
                for s in current {
                    cur.push(self.revision_for_ident(s, None)?);
                }
                let mut list = self.filter_for_lineage(&cur, l, false)?;
                if list.is_empty() {
                    list = self.filter_for_lineage(&self.all_current(&cur), l, false)?;
                }
                match list.as_slice() {
                    [one] => (Some(l.to_string()), self.id_of(*one).to_string()),
                    [] => return Err(rel.short(false)),
                    many => {
                        return Err(RevisionError::AmbiguousBranchDowngrade {
                            label: l.to_string(),
                            revisions: self.ids(many),
                        })
                    }
                }
            }
            (None, None) => {
                let mut rows: Vec<&String> = current.iter().collect();
                rows.sort();
                let Some(first) = rows.first() else {
                    return Err(rel.short(false));
                };
                (Some((*first).clone()), (*first).clone())
            }
        };
        let start = match &label {
            Some(l) => self.get_revision(&format!("{l}@{symbol}"))?,
            None => self.get_revision(&symbol)?,
        };
        match self.walk(start.map(Node::Rev), rel.steps, None, assert_length)? {
            None if relative_to_current => Err(rel.short(false)),
            None => Err(RevisionError::WalkedTooFar),
            found => Ok((label, found)),
        }
    }
}
