//! The validated revision DAG: construction (duplicates, missing parents, unknown
//! `depends_on`, self-loops, cycles, duplicate branch labels), Alembic's derived data
//! (children, heads, real heads, bases, normalised dependencies, propagated branch labels)
//! and the simple public queries on it.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

use super::id::reserved_chars;
use super::RevisionError;

/// One revision as the graph sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub id: String,
    /// Empty for a base; several for a merge point.
    pub down_revisions: Vec<String>,
    pub branch_labels: Vec<String>,
    /// As written in the script: full ids or branch labels.
    pub depends_on: Vec<String>,
    /// First paragraph of the message, for log and history lines.
    pub doc: String,
    /// Where the revision came from (a file path), for error messages.
    pub origin: String,
}

/// Ids and labels to revision indexes, Fx-hashed: the keys come from the project's own files,
/// so SipHash's defence against chosen keys buys nothing. (Nothing depends on the maps'
/// iteration order.)
pub(super) type IdMap = FxHashMap<String, usize>;

/// A validated revision graph. Revisions are addressed internally by their load-order index.
#[derive(Clone, Debug, Default)]
pub struct RevisionMap {
    pub(super) revisions: Vec<Revision>,
    /// Exact id -> index.
    pub(super) index: IdMap,
    /// Declared branch label -> index of the declaring revision.
    pub(super) label_index: IdMap,
    /// Versioned down revisions (`down_revision`), as declared.
    pub(super) down: Vec<Vec<usize>>,
    /// `depends_on`, resolved to revisions, as declared (deduplicated).
    pub(super) deps: Vec<Vec<usize>>,
    /// Alembic's `_normalized_down_revisions`: down revisions, then the dependencies that no
    /// versioned ancestor already depends on.
    pub(super) norm_down: Vec<Vec<usize>>,
    /// Versioned children (`nextrev`), load order.
    pub(super) next: Vec<Vec<usize>>,
    /// Children including dependents (`_all_nextrev`), load order.
    pub(super) all_next: Vec<Vec<usize>>,
    /// Propagated branch labels (Alembic's `branch_labels` after `_add_branches`), sorted.
    pub(super) label_sets: Vec<Vec<String>>,
    pub(super) heads: Vec<usize>,
    pub(super) real_heads: Vec<usize>,
    pub(super) bases: Vec<usize>,
}

/// `id (origin)`, the way errors name a revision.
fn named(rev: &Revision) -> String {
    format!("{} ({})", rev.id, rev.origin)
}

fn push_unique(list: &mut Vec<usize>, item: usize) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// Id -> index; refuses an id that is empty or has a character symbols use (`@-+:`), a
/// revision that is its own down revision or dependency, and an id given twice.
fn index_ids(revisions: &[Revision]) -> Result<IdMap, RevisionError> {
    let mut index = IdMap::default();
    for (i, rev) in revisions.iter().enumerate() {
        let bad = reserved_chars(&rev.id);
        if rev.id.is_empty() || !bad.is_empty() {
            return Err(RevisionError::InvalidId {
                chars: bad
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                id: rev.id.clone(),
                origin: rev.origin.clone(),
            });
        }
        if rev.down_revisions.contains(&rev.id) {
            return Err(RevisionError::SelfLoop {
                kind: "Self-loop",
                id: rev.id.clone(),
                origin: rev.origin.clone(),
            });
        }
        if rev.depends_on.contains(&rev.id) {
            return Err(RevisionError::SelfLoop {
                kind: "Dependency self-loop",
                id: rev.id.clone(),
                origin: rev.origin.clone(),
            });
        }
        if let Some(&first) = index.get(&rev.id) {
            let first: usize = first;
            return Err(RevisionError::Duplicate {
                id: rev.id.clone(),
                first: revisions[first].origin.clone(),
                second: rev.origin.clone(),
            });
        }
        index.insert(rev.id.clone(), i);
    }
    Ok(index)
}

/// Declared branch label -> index; a label that is an id or another revision's label is refused.
fn index_labels(revisions: &[Revision], index: &IdMap) -> Result<IdMap, RevisionError> {
    let mut label_index = IdMap::default();
    for (i, rev) in revisions.iter().enumerate() {
        for label in &rev.branch_labels {
            let other = index.get(label).or_else(|| label_index.get(label));
            if let Some(&other) = other {
                return Err(RevisionError::DuplicateLabel {
                    label: label.clone(),
                    id: named(rev),
                    other: named(&revisions[other]),
                });
            }
            label_index.insert(label.clone(), i);
        }
    }
    Ok(label_index)
}

/// One list of revision indexes per revision.
type Edges = Vec<Vec<usize>>;

/// Each revision's down revisions and dependencies as indexes (deduplicated, in declared order).
fn resolve_edges(
    revisions: &[Revision],
    index: &IdMap,
    label_index: &IdMap,
) -> Result<(Edges, Edges), RevisionError> {
    let n = revisions.len();
    let mut down = vec![Vec::new(); n];
    let mut deps = vec![Vec::new(); n];
    for (i, rev) in revisions.iter().enumerate() {
        for d in &rev.down_revisions {
            let Some(&p) = index.get(d) else {
                return Err(RevisionError::MissingParent {
                    missing: d.clone(),
                    from: named(rev),
                });
            };
            push_unique(&mut down[i], p);
        }
        for d in &rev.depends_on {
            let p = resolve_dependency(index, label_index, d)
                .ok_or_else(|| unknown_dependency(revisions, rev, d))?;
            if p == i {
                return Err(RevisionError::SelfLoop {
                    kind: "Dependency self-loop",
                    id: rev.id.clone(),
                    origin: rev.origin.clone(),
                });
            }
            push_unique(&mut deps[i], p);
        }
    }
    Ok((down, deps))
}

impl RevisionMap {
    /// Validates revisions into a graph. Errors name the revision and the file it came from.
    pub fn new(revisions: Vec<Revision>) -> Result<RevisionMap, RevisionError> {
        let index = index_ids(&revisions)?;
        let label_index = index_labels(&revisions, &index)?;
        let (down, deps) = resolve_edges(&revisions, &index, &label_index)?;
        let n = revisions.len();
        let mut next = vec![Vec::new(); n];
        let mut all_next = vec![Vec::new(); n];
        for i in 0..n {
            for &p in &down[i] {
                push_unique(&mut next[p], i);
                push_unique(&mut all_next[p], i);
            }
            for &p in &deps[i] {
                push_unique(&mut all_next[p], i);
            }
        }

        detect_cycle(&revisions, &down, &next, "Cycle")?;
        // Without any `depends_on`, the edges with dependencies are the versioned ones, just
        // found acyclic.
        if deps.iter().any(|d| !d.is_empty()) {
            let all_down: Vec<Vec<usize>> = (0..n)
                .map(|i| {
                    let mut v = down[i].clone();
                    for &d in &deps[i] {
                        push_unique(&mut v, d);
                    }
                    v
                })
                .collect();
            detect_cycle(&revisions, &all_down, &all_next, "Dependency cycle")?;
        }

        let mut map = RevisionMap {
            revisions,
            index,
            label_index,
            down,
            deps,
            norm_down: Vec::new(),
            next,
            all_next,
            label_sets: vec![Vec::new(); n],
            heads: Vec::new(),
            real_heads: Vec::new(),
            bases: Vec::new(),
        };
        map.norm_down = (0..n).map(|i| map.normalized_down(i)).collect();
        map.heads = (0..n).filter(|&i| map.next[i].is_empty()).collect();
        map.real_heads = (0..n).filter(|&i| map.all_next[i].is_empty()).collect();
        map.bases = (0..n).filter(|&i| map.down[i].is_empty()).collect();
        map.label_sets = map.propagate_labels();
        Ok(map)
    }

    /// Down revisions plus the dependencies not already depended on by a versioned ancestor.
    fn normalized_down(&self, i: usize) -> Vec<usize> {
        let mut out = self.down[i].clone();
        if self.deps[i].is_empty() {
            return out;
        }
        let inherited: BTreeSet<usize> = self
            .ancestors(&[i], false)
            .into_iter()
            .filter(|&a| a != i)
            .flat_map(|a| self.deps[a].iter().copied())
            .collect();
        for &d in &self.deps[i] {
            if !inherited.contains(&d) {
                push_unique(&mut out, d);
            }
        }
        out
    }

    /// Alembic's `_add_branches`: a label spreads to every versioned descendant of the
    /// revision that declares it, then down the straight line (no real branch point, no
    /// merge point) below the last descendant visited.
    fn propagate_labels(&self) -> Vec<Vec<String>> {
        let mut sets: Vec<BTreeSet<String>> = vec![BTreeSet::new(); self.revisions.len()];
        for (i, rev) in self.revisions.iter().enumerate() {
            if rev.branch_labels.is_empty() {
                continue;
            }
            let nodes = self.descendants(&[i], false);
            for &node in &nodes {
                sets[node].extend(rev.branch_labels.iter().cloned());
            }
            let mut parent = nodes.last().copied().unwrap_or(i);
            loop {
                if self.all_next[parent].len() > 1 || self.down[parent].len() > 1 {
                    break;
                }
                sets[parent].extend(rev.branch_labels.iter().cloned());
                match self.down[parent].first() {
                    Some(&p) => parent = p,
                    None => break,
                }
            }
        }
        sets.into_iter().map(|s| s.into_iter().collect()).collect()
    }

    pub(super) fn id_of(&self, i: usize) -> &str {
        self.revisions.get(i).map_or("", |r| r.id.as_str())
    }

    pub(super) fn ids(&self, list: &[usize]) -> Vec<String> {
        list.iter().map(|&i| self.id_of(i).to_string()).collect()
    }

    fn ids_ref(&self, list: &[usize]) -> Vec<&str> {
        list.iter().map(|&i| self.id_of(i)).collect()
    }

    /// All revisions in load order.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// A revision by exact id.
    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.index.get(id).and_then(|&i| self.revisions.get(i))
    }

    /// Versioned heads (no `down_revision` child), load order: what `alembic heads` lists.
    pub fn heads(&self) -> Vec<&str> {
        self.ids_ref(&self.heads)
    }

    /// Heads with no child at all, dependents included: what `heads` resolves to.
    pub fn real_heads(&self) -> Vec<&str> {
        self.ids_ref(&self.real_heads)
    }

    /// Whether version-table `rows` are exactly the heads ([`RevisionMap::real_heads`]), in
    /// any order: a database at `head`, as autogenerate and `current --check-heads` require.
    pub fn is_at_heads(&self, rows: &[String]) -> bool {
        let mut rows: Vec<&str> = rows.iter().map(String::as_str).collect();
        let mut heads = self.real_heads();
        rows.sort_unstable();
        heads.sort_unstable();
        rows == heads
    }

    /// Revisions without a `down_revision`, load order.
    pub fn bases(&self) -> Vec<&str> {
        self.ids_ref(&self.bases)
    }

    /// Versioned children, load order.
    pub fn children(&self, id: &str) -> Vec<&str> {
        self.index
            .get(id)
            .map_or_else(Vec::new, |&i| self.ids_ref(&self.next[i]))
    }

    /// Revisions that name `id` in `depends_on` (resolved), load order.
    pub fn dependents(&self, id: &str) -> Vec<&str> {
        let Some(&i) = self.index.get(id) else {
            return Vec::new();
        };
        let list: Vec<usize> = self.all_next[i]
            .iter()
            .copied()
            .filter(|c| !self.next[i].contains(c))
            .collect();
        self.ids_ref(&list)
    }

    /// No versioned child (`(head)` in `heads`, and `Rev: x (head)`).
    pub fn is_head(&self, id: &str) -> bool {
        self.index.get(id).is_some_and(|&i| self.next[i].is_empty())
    }

    /// No child at all, dependents included (`(head)` in history; a head that is not real
    /// is an `(effective head)`).
    pub fn is_real_head(&self, id: &str) -> bool {
        self.index
            .get(id)
            .is_some_and(|&i| self.all_next[i].is_empty())
    }

    /// More than one versioned child.
    pub fn is_branch_point(&self, id: &str) -> bool {
        self.index.get(id).is_some_and(|&i| self.next[i].len() > 1)
    }

    /// More than one `down_revision`.
    pub fn is_merge_point(&self, id: &str) -> bool {
        self.index.get(id).is_some_and(|&i| self.down[i].len() > 1)
    }

    /// Branch labels for display, propagated as Alembic does (down to the descendants), sorted
    /// (Alembic prints a set in hash order).
    pub fn labels(&self, id: &str) -> Vec<String> {
        self.index
            .get(id)
            .map_or_else(Vec::new, |&i| self.label_sets[i].clone())
    }

    /// `depends_on` resolved to full ids, in declared order.
    pub fn resolved_depends_on(&self, id: &str) -> Vec<String> {
        self.index
            .get(id)
            .map_or_else(Vec::new, |&i| self.ids(&self.deps[i]))
    }

    /// Down revisions plus the dependencies that the upgrade step really waits for
    /// (Alembic's `_normalized_down_revisions`).
    pub fn normalized_down_revisions(&self, id: &str) -> Vec<String> {
        self.index
            .get(id)
            .map_or_else(Vec::new, |&i| self.ids(&self.norm_down[i]))
    }
}

/// The revision a `depends_on` entry names: its exact id, or a branch label (the revision that
/// declares it). The entry is looked up as written, as Alembic does: a prefix or a symbol such
/// as `label@head` names nothing (`revision --depends-on` writes full ids or labels, see
/// [`RevisionMap::dependency_entry`]).
pub(super) fn resolve_dependency(index: &IdMap, labels: &IdMap, dep: &str) -> Option<usize> {
    index.get(dep).or_else(|| labels.get(dep)).copied()
}

/// The error for a `depends_on` entry of `rev` that names no revision: a missing parent, or,
/// when it is the start of some ids (Alembic then fails with a `KeyError`), those ids.
fn unknown_dependency(revisions: &[Revision], rev: &Revision, dep: &str) -> RevisionError {
    let mut matches: Vec<String> = revisions
        .iter()
        .filter(|r| !dep.is_empty() && r.id.starts_with(dep))
        .map(|r| r.id.clone())
        .collect();
    matches.sort();
    if matches.is_empty() {
        RevisionError::MissingParent {
            missing: dep.to_string(),
            from: named(rev),
        }
    } else {
        RevisionError::PartialDependency {
            dep: dep.to_string(),
            from: named(rev),
            matches,
        }
    }
}

/// Kahn's algorithm from both ends; whatever survives sits on or between cycles.
fn detect_cycle(
    revisions: &[Revision],
    parents: &[Vec<usize>],
    children: &[Vec<usize>],
    kind: &'static str,
) -> Result<(), RevisionError> {
    let n = revisions.len();
    let mut alive = vec![true; n];
    for (edges, other) in [(parents, children), (children, parents)] {
        let mut count: Vec<usize> = (0..n)
            .map(|i| edges[i].iter().filter(|&&p| alive[p]).count())
            .collect();
        let mut todo: Vec<usize> = (0..n).filter(|&i| alive[i] && count[i] == 0).collect();
        while let Some(i) = todo.pop() {
            alive[i] = false;
            for &c in &other[i] {
                if alive[c] && count[c] > 0 {
                    count[c] -= 1;
                    if count[c] == 0 {
                        todo.push(c);
                    }
                }
            }
        }
    }
    let mut stuck: Vec<&Revision> = (0..n)
        .filter(|&i| alive[i])
        .map(|i| &revisions[i])
        .collect();
    if stuck.is_empty() {
        return Ok(());
    }
    stuck.sort_by(|a, b| a.id.cmp(&b.id));
    Err(RevisionError::Cycle {
        kind,
        revisions: stuck.iter().map(|r| r.id.clone()).collect(),
        origins: stuck.iter().map(|r| r.origin.clone()).collect(),
    })
}
