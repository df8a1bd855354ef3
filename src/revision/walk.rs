//! Walking the graph: Alembic's ancestor/descendant iteration (with its overlap check), its
//! topological sort (the order of history, upgrade and downgrade), the collection of the
//! revisions between two states (`_collect_upgrade_revisions`,
//! `_collect_downgrade_revisions`), `history -r` and `current`.

use super::bits::Bits;
use super::graph::RevisionMap;
use super::target::{Node, Spec};
use super::RevisionError;

type Result<T> = std::result::Result<T, RevisionError>;

/// Which edges a walk follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Edge {
    /// Down revisions plus normalised dependencies.
    NormDown,
    /// `down_revision` only.
    Down,
    /// Children including dependents.
    AllNext,
    /// Versioned children only.
    Next,
}

/// How [`RevisionMap::collect_upgrade`] treats the range's lower end (Alembic's
/// `inclusive`, `implicit_base` and `assert_relative_length`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Collect {
    /// The lower end's revisions are part of the result.
    pub inclusive: bool,
    /// The lower end need not be below the upper one, and the result is not cut to the
    /// revisions above the lower end.
    pub implicit_base: bool,
    /// A relative step (`+N`, `-N`) that walks off the graph is an error, not a shorter walk.
    pub assert_length: bool,
}

impl Collect {
    /// `upgrade`: from the version-table rows, which are already applied.
    pub const UPGRADE: Collect = Collect {
        inclusive: false,
        implicit_base: true,
        assert_length: true,
    };
    /// `history -r lower:upper`: both ends shown, the lower one below the upper one.
    pub const HISTORY: Collect = Collect {
        inclusive: true,
        implicit_base: false,
        assert_length: false,
    };
}

impl RevisionMap {
    fn edges(&self, i: usize, edge: Edge) -> &[usize] {
        let list = match edge {
            Edge::NormDown => &self.norm_down,
            Edge::Down => &self.down,
            Edge::AllNext => &self.all_next,
            Edge::Next => &self.next,
        };
        list.get(i).map_or(&[], Vec::as_slice)
    }

    /// Alembic `_iterate_related_revisions`: targets and everything reachable, each once, in
    /// Alembic's depth-first order. With `check`, a target reached from another target is
    /// `Requested revision X overlaps with other requested revisions Y`.
    pub(super) fn iterate(&self, targets: &[usize], edge: Edge, check: bool) -> Result<Vec<usize>> {
        let mut seen = vec![false; self.revisions.len()];
        let mut out = Vec::new();
        // The other targets met while walking from one target (only they can overlap it).
        let mut is_target = Bits::new(if check && targets.len() > 1 {
            self.revisions.len()
        } else {
            0
        });
        for &t in targets {
            is_target.insert(t);
        }
        let mut met: Vec<usize> = Vec::new();
        let mut todo = Vec::new();
        for &target in targets {
            todo.push(target);
            met.clear();
            while let Some(rev) = todo.pop() {
                if rev != target && is_target.contains(rev) {
                    met.push(rev);
                }
                if seen.get(rev).copied().unwrap_or(true) {
                    continue;
                }
                seen[rev] = true;
                todo.extend_from_slice(self.edges(rev, edge));
                out.push(rev);
            }
            if check {
                let mut overlaps: Vec<String> =
                    met.iter().map(|&t| self.id_of(t).to_string()).collect();
                overlaps.sort();
                overlaps.dedup();
                if !overlaps.is_empty() {
                    return Err(RevisionError::Overlap(
                        self.id_of(target).to_string(),
                        overlaps.join(", "),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Targets and all their ancestors (through dependencies too when `deps`).
    pub(super) fn ancestors(&self, targets: &[usize], deps: bool) -> Vec<usize> {
        let edge = if deps { Edge::NormDown } else { Edge::Down };
        self.iterate(targets, edge, false).unwrap_or_default()
    }

    /// `rev` and all its ancestors through down revisions and dependencies, as a bit set.
    fn ancestor_bits(&self, rev: usize) -> Bits {
        self.reach([rev], Edge::NormDown)
    }

    /// `from` and everything reachable from it along `edge`, as a bit set: the members of
    /// [`RevisionMap::iterate`]'s walk without its order.
    pub(super) fn reach(&self, from: impl IntoIterator<Item = usize>, edge: Edge) -> Bits {
        let mut bits = Bits::new(self.revisions.len());
        let mut todo: Vec<usize> = from.into_iter().collect();
        while let Some(r) = todo.pop() {
            if bits.insert(r) {
                todo.extend_from_slice(self.edges(r, edge));
            }
        }
        bits
    }

    /// Everything reachable from `from` along `edge` by at least one edge: on a DAG, the
    /// revisions that are an ancestor (or descendant) of one of `from` other than itself.
    pub(super) fn reach_beyond(&self, from: &[usize], edge: Edge) -> Bits {
        self.reach(
            from.iter()
                .flat_map(|&r| self.edges(r, edge).iter().copied()),
            edge,
        )
    }

    /// Targets and all their ancestors (through dependencies too when `deps`), as a bit set.
    pub(super) fn ancestor_set(&self, targets: &[usize], deps: bool) -> Bits {
        let edge = if deps { Edge::NormDown } else { Edge::Down };
        self.reach(targets.iter().copied(), edge)
    }

    /// A bit set of `revs`.
    pub(super) fn set_of(&self, revs: impl IntoIterator<Item = usize>) -> Bits {
        let mut bits = Bits::new(self.revisions.len());
        for r in revs {
            bits.insert(r);
        }
        bits
    }

    /// Targets and all their descendants (through dependents too when `deps`).
    pub(super) fn descendants(&self, targets: &[usize], deps: bool) -> Vec<usize> {
        let edge = if deps { Edge::AllNext } else { Edge::Next };
        self.iterate(targets, edge, false).unwrap_or_default()
    }

    /// Alembic `_topological_sort`: `revisions` ordered from the `heads` downwards (each
    /// revision before its down revisions and dependencies), tie-broken by load order.
    /// Where Alembic fails an assertion (revisions not reachable from the heads), the walk goes on
    /// from the remaining tips instead.
    pub(super) fn topo_sort(&self, revisions: &Bits, heads: &[usize]) -> Vec<usize> {
        let mut todo = revisions.clone();
        let mut left = todo.count();
        let mut output = Vec::with_capacity(left);
        let mut start: Vec<usize> = heads
            .iter()
            .copied()
            .filter(|&h| todo.contains(h))
            .collect();
        start.sort_unstable();
        start.dedup();
        while left > 0 {
            let before = left;
            left -= self.topo_pass(&mut todo, start, &mut output);
            if left == before {
                // Cannot happen on a validated DAG; never loop, never drop a revision.
                let rest: Vec<usize> = todo.iter().collect();
                output.extend(rest.into_iter().rev());
                break;
            }
            // The revisions left that are no ancestor of another one left (on a DAG, "an
            // ancestor of another" is "reachable from one by at least one edge").
            let left_now: Vec<usize> = todo.iter().collect();
            let below = self.reach_beyond(&left_now, Edge::NormDown);
            start = left_now
                .into_iter()
                .filter(|&r| !below.contains(r))
                .collect();
        }
        output
    }

    /// One pass of Alembic's sort from `start`; returns how many revisions it took from `todo`.
    fn topo_pass(&self, todo: &mut Bits, start: Vec<usize>, output: &mut Vec<usize>) -> usize {
        let ancestors_of = |r: usize| self.ancestor_bits(r);
        let mut taken = 0;
        let mut current = start;
        let mut ancestors: Vec<Bits> = current.iter().map(|&h| ancestors_of(h)).collect();
        let mut to_add: Vec<usize> = Vec::new();
        let mut idx = 0usize;
        let n = self.revisions.len() + 1;
        let mut budget = n.saturating_mul(n).saturating_mul(4).saturating_add(16);
        while let Some(&candidate) = current.get(idx) {
            if budget == 0 {
                return taken;
            }
            budget -= 1;
            if let Some(j) =
                (0..ancestors.len()).find(|&j| j != idx && ancestors[j].contains(candidate))
            {
                idx = j;
                continue;
            }
            if todo.remove(candidate) {
                output.push(candidate);
                taken += 1;
            }
            to_add.clear();
            to_add.extend(
                self.norm_down[candidate]
                    .iter()
                    .copied()
                    .filter(|&r| todo.contains(r) && !current.contains(&r)),
            );
            match to_add.split_first() {
                None => {
                    current.remove(idx);
                    ancestors.remove(idx);
                    idx = idx.saturating_sub(1);
                }
                Some((&first, rest)) => {
                    let simple = self.norm_down[candidate].len() == self.down[candidate].len()
                        && self.down[candidate].len() == 1;
                    current[idx] = first;
                    if simple {
                        ancestors[idx].remove(candidate);
                    } else {
                        ancestors[idx] = ancestors_of(first);
                        current.extend_from_slice(rest);
                        ancestors.extend(rest.iter().map(|&r| ancestors_of(r)));
                    }
                }
            }
        }
        taken
    }

    /// Version-table rows to revisions (exact ids; unknown -> `NotFound`).
    pub(super) fn rows(&self, current: &[String]) -> Result<Vec<usize>> {
        let mut out = Vec::new();
        for id in current {
            match self.index.get(id) {
                Some(&i) if !out.contains(&i) => out.push(i),
                Some(_) => {}
                None => return Err(RevisionError::NotFound(id.clone())),
            }
        }
        Ok(out)
    }

    /// Alembic `_collect_upgrade_revisions`: the revisions needed to go from `lower` to
    /// `upper`, and the targets (the heads of the topological sort).
    pub(super) fn collect_upgrade(
        &self,
        upper: Spec<'_>,
        lower: Spec<'_>,
        options: Collect,
    ) -> Result<(Bits, Vec<usize>)> {
        let targets = self.upgrade_targets(upper, lower, options.assert_length)?;
        let mut required = self.set_of(self.iterate(&targets, Edge::NormDown, true)?);
        for &t in &targets {
            required.insert(t);
        }

        let current: Vec<Option<Node>> = match lower {
            Spec::Rows(rows) => rows.iter().map(|&r| Some(Node::Rev(r))).collect(),
            Spec::Symbol(s) => self.get_revisions(s)?,
        };
        if !options.implicit_base {
            for node in current.iter().flatten() {
                if !matches!(node, Node::Rev(r) if required.contains(*r)) {
                    return Err(RevisionError::BadRange(format!(
                        "{}:{}",
                        lower.text(),
                        upper.text()
                    )));
                }
            }
        }
        let current_revs = self.lower_revisions(upper, lower, &current, options.assert_length)?;
        let mut current_set = self.set_of(self.iterate(&current_revs, Edge::NormDown, true)?);
        for &r in &current_revs {
            current_set.insert(r);
        }
        let mut needs = required;
        needs.subtract(&current_set);
        if options.inclusive {
            for &r in &current_revs {
                needs.insert(r);
            }
        }
        if !current_revs.is_empty() && !options.implicit_base {
            let below = self.set_of(self.iterate(&current_revs, Edge::Next, true)?);
            needs.intersect(&below);
        }
        Ok((needs, targets))
    }

    /// The revisions `upper` names, each once; with a `branch@…` lower end, only those on
    /// that branch.
    fn upgrade_targets(
        &self,
        upper: Spec<'_>,
        lower: Spec<'_>,
        assert_length: bool,
    ) -> Result<Vec<usize>> {
        let mut targets: Vec<usize> = Vec::new();
        for node in self.parse_upgrade_target(lower, upper, assert_length)? {
            match node {
                None => return Err(RevisionError::Overwalk(upper.text())),
                Some(Node::Base) => {}
                Some(Node::Rev(r)) if !targets.contains(&r) => targets.push(r),
                Some(Node::Rev(_)) => {}
            }
        }
        let Spec::Symbol(l) = lower else {
            return Ok(targets);
        };
        let Some((branch, _)) = l.split_once('@') else {
            return Ok(targets);
        };
        let mut branch = branch.to_string();
        if let Some(r) = self.get_revision(&branch)? {
            if self.id_of(r) == branch {
                match self.label_sets[r].as_slice() {
                    [one] => branch = one.clone(),
                    _ => return Err(RevisionError::NotOneBranchLabel(branch)),
                }
            }
        }
        targets.retain(|&t| self.label_sets[t].contains(&branch));
        Ok(targets)
    }

    /// The revisions at the lower end: the `current` nodes it names, or, when a symbol there
    /// walks below the graph (`-N` past a base), where a downgrade from `upper` would land.
    fn lower_revisions(
        &self,
        upper: Spec<'_>,
        lower: Spec<'_>,
        current: &[Option<Node>],
        assert_length: bool,
    ) -> Result<Vec<usize>> {
        if let (Some(None), Spec::Symbol(s)) = (current.first(), lower) {
            let upper_syms = match upper {
                Spec::Symbol(u) => vec![u.to_string()],
                Spec::Rows(rows) => self.ids(rows),
            };
            return Ok(
                match self
                    .parse_downgrade_target(&upper_syms, s, assert_length)?
                    .1
                {
                    Some(Node::Rev(r)) => vec![r],
                    _ => Vec::new(),
                },
            );
        }
        Ok(current
            .iter()
            .filter_map(|n| match n {
                Some(Node::Rev(r)) => Some(*r),
                _ => None,
            })
            .collect())
    }

    /// Alembic `_collect_downgrade_revisions`: the revisions to drop to reach `target` from
    /// the `rows`, and the heads of the topological sort.
    pub(super) fn collect_downgrade(
        &self,
        rows: &[usize],
        target: &str,
        assert_length: bool,
    ) -> Result<(Bits, Vec<usize>)> {
        let (label, dest) = self.parse_downgrade_target(&self.ids(rows), target, assert_length)?;
        let dest = match dest {
            Some(Node::Rev(r)) => Some(r),
            _ => None,
        };
        let mut roots: Vec<usize> = match dest {
            None => self.bases.clone(),
            Some(r) => self.next[r].clone(),
        };
        if let Some(l) = &label {
            if roots.len() > 1 {
                let branch = self.resolve_branch(l)?;
                let on_branch = self.ancestor_set(&[branch], false);
                roots.retain(|&r| on_branch.contains(r));
                if roots.is_empty() {
                    return Err(RevisionError::NotOnCurrentBranch);
                }
            }
        }
        let mut drop = self.reach(roots.iter().copied(), Edge::AllNext);
        drop.intersect(&self.ancestor_set(rows, true));
        if let Some(d) = dest {
            if drop.is_empty() && !rows.contains(&d) {
                return Err(RevisionError::NotValidDowngradeTarget(target.to_string()));
            }
        }
        Ok((drop, rows.to_vec()))
    }

    /// Alembic `_get_all_current`: the rows, their ancestors and dependencies, reduced to
    /// the revisions with no versioned descendant among them.
    pub(super) fn all_current(&self, rows: &[usize]) -> Vec<usize> {
        // The rows are revisions of the map (`rows`), so the set holds each of them.
        let all = self.ancestor_set(rows, true);
        // `all` holds every ancestor of its members (normalized down revisions include the
        // versioned ones), so a revision has a descendant in it exactly when it has a child in
        // it: one look at the children instead of a walk of all descendants per revision.
        all.iter()
            .filter(|&r| {
                !self
                    .edges(r, Edge::Next)
                    .iter()
                    .any(|&c| c != r && all.contains(c))
            })
            .collect()
    }

    /// What `alembic current` lists for these version-table rows: the rows plus the
    /// revisions they depend on, reduced to tips. Sorted by id (Alembic: hash order).
    pub fn current_tips(&self, db_heads: &[String]) -> Result<Vec<String>> {
        let rows = self.rows(db_heads)?;
        let mut out = self.ids(&self.all_current(&rows));
        out.sort();
        Ok(out)
    }

    /// `history -r RANGE`: revision ids newest first, in Alembic's
    /// order. `None` is the whole graph. `start:end`, either side empty (base / heads) and
    /// both inclusive; `current` on either side means the `current` rows (none: the default
    /// for that side, as in Alembic). Relative `X+N` only works on the right side, `-N` on
    /// both, as in Alembic.
    pub fn history(&self, range: Option<&str>, current: &[String]) -> Result<Vec<String>> {
        let (base, head) = match range {
            None => ("", ""),
            Some(r) => match r.trim().split(':').collect::<Vec<_>>().as_slice() {
                [b, h] => (*b, *h),
                _ => return Err(RevisionError::HistoryRange),
            },
        };
        let base = if base.is_empty() { "base" } else { base };
        let head = if head.is_empty() { "heads" } else { head };
        let rows = if head == "current" || base == "current" {
            self.rows(current)?
        } else {
            Vec::new()
        };
        let (lower, upper) = if head == "current" {
            let upper = if rows.is_empty() {
                Spec::Symbol("heads")
            } else {
                Spec::Rows(&rows)
            };
            (Spec::Symbol(base), upper)
        } else if base == "current" {
            let lower = if rows.is_empty() {
                Spec::Symbol("base")
            } else {
                Spec::Rows(&rows)
            };
            (lower, Spec::Symbol(head))
        } else {
            (Spec::Symbol(base), Spec::Symbol(head))
        };
        // Alembic names the upper end as it passed it on: `current` with no rows is `heads`.
        let upper_name = match upper {
            Spec::Symbol(u) => u,
            Spec::Rows(_) => head,
        };
        let (needs, targets) = self
            .collect_upgrade(upper, lower, Collect::HISTORY)
            .map_err(|e| match e {
                RevisionError::MultipleHeads(_) => {
                    RevisionError::MultipleHeads(upper_name.to_string())
                }
                other => other,
            })?;
        Ok(self.ids(&self.topo_sort(&needs, &targets)))
    }
}
