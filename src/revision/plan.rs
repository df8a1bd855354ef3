//! Migration plans: `upgrade`, `downgrade` and `stamp` as ordered steps, each with the
//! version-table operations Alembic's `HeadMaintainer.update_to_step` performs: delete
//! branch, create branch, merge, unmerge, update.
//!
//! Where Alembic picks from a hash set, the choice here is fixed: a merge deletes all but
//! the last of its parents (down revisions, then dependencies) that are rows and updates the
//! last; an unmerge inserts all but the first parent and updates the row to the first (the
//! order of Alembic's observed real run). `stamp` with several targets moves, for each
//! target, only the rows related to that target (Alembic moves every row related to any
//! target, which can fail half-way); targets where one is an ancestor of another are refused.

use std::collections::BTreeSet;

use super::bits::Bits;
use super::direction::Direction;
use super::graph::RevisionMap;
use super::target::{Node, Spec};
use super::walk::{Collect, Edge};
use super::RevisionError;

type Result<T> = std::result::Result<T, RevisionError>;

/// What a step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// Runs the revision's section of that direction.
    Migrate(Direction),
    /// Only moves the version table (`stamp`).
    Stamp,
}

impl StepKind {
    /// The direction of the section the step runs; `None` for a stamp.
    pub fn direction(self) -> Option<Direction> {
        match self {
            StepKind::Migrate(direction) => Some(direction),
            StepKind::Stamp => None,
        }
    }
}

/// One change to the version table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionOp {
    Insert(String),
    Update {
        from: String,
        to: String,
    },
    Delete(String),
    /// `stamp --purge`: empty the table first.
    DeleteAll,
}

/// One step of a plan: run a script section (or nothing, for a stamp) and move the version table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    /// The revision whose section runs; `None` for stamp steps.
    pub revision: Option<String>,
    /// Shown left of `->` in `Running upgrade a -> b`.
    pub from: Vec<String>,
    /// Shown right of `->`.
    pub to: Vec<String>,
    pub version_ops: Vec<VersionOp>,
}

impl Step {
    /// The leading step of `stamp --purge`: only `DeleteAll`, nothing to log (Alembic prints
    /// no `Running stamp_revision` line for it).
    pub fn is_purge(&self) -> bool {
        self.kind == StepKind::Stamp && self.version_ops == [VersionOp::DeleteAll]
    }
}

/// An ordered list of steps; computing it never touches a database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    /// The version-table rows after the plan, starting from `rows` (sorted).
    pub fn apply_to(&self, rows: &[String]) -> Result<Vec<String>> {
        let mut table: BTreeSet<String> = rows.iter().cloned().collect();
        for step in &self.steps {
            for op in &step.version_ops {
                apply_op(&mut table, op)?;
            }
        }
        Ok(table.into_iter().collect())
    }
}

fn inconsistent(detail: String) -> RevisionError {
    RevisionError::InconsistentVersionTable(detail)
}

/// One change to a simulated version table, over ids or revision indices.
enum RowChange<'a, T> {
    Insert(&'a T),
    Update { from: &'a T, to: &'a T },
    Delete(&'a T),
    Clear,
}

/// The version table simulated, for [`Plan::apply_to`] (ids) and for planning (revision
/// indices): applies one change to the rows, refusing what would fail online (Alembic's
/// "expected to match one row" and its assertions). `name` gives a row's id for messages.
fn simulate<T: Ord + Clone>(
    table: &mut BTreeSet<T>,
    change: RowChange<'_, T>,
    name: impl Fn(&T) -> String,
) -> Result<()> {
    match change {
        RowChange::Insert(row) => {
            if !table.insert(row.clone()) {
                return Err(inconsistent(format!("{} is already present", name(row))));
            }
        }
        RowChange::Delete(row) => {
            if !table.remove(row) {
                return Err(inconsistent(format!(
                    "{} is not present to delete",
                    name(row)
                )));
            }
        }
        RowChange::Update { from, to } => {
            if table.contains(to) {
                return Err(inconsistent(format!("{} is already present", name(to))));
            }
            if !table.remove(from) {
                return Err(inconsistent(format!(
                    "{} is not present to update to {}",
                    name(from),
                    name(to)
                )));
            }
            table.insert(to.clone());
        }
        RowChange::Clear => table.clear(),
    }
    Ok(())
}

/// Applies one op to simulated rows of ids.
fn apply_op(table: &mut BTreeSet<String>, op: &VersionOp) -> Result<()> {
    let change = match op {
        VersionOp::Insert(id) => RowChange::Insert(id),
        VersionOp::Update { from, to } => RowChange::Update { from, to },
        VersionOp::Delete(id) => RowChange::Delete(id),
        VersionOp::DeleteAll => RowChange::Clear,
    };
    simulate(table, change, String::clone)
}

/// A version-table change over revision indices: what [`Maintainer`] works with, turned into
/// a [`VersionOp`] (ids) for the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RowOp {
    Insert(usize),
    Update { from: usize, to: usize },
    Delete(usize),
}

/// Simulated version table over revision indices.
struct Maintainer<'a> {
    map: &'a RevisionMap,
    heads: BTreeSet<usize>,
}

impl Maintainer<'_> {
    fn id(&self, i: usize) -> String {
        self.map.id_of(i).to_string()
    }

    fn version_op(&self, op: RowOp) -> VersionOp {
        match op {
            RowOp::Insert(r) => VersionOp::Insert(self.id(r)),
            RowOp::Update { from, to } => VersionOp::Update {
                from: self.id(from),
                to: self.id(to),
            },
            RowOp::Delete(r) => VersionOp::Delete(self.id(r)),
        }
    }

    fn others_ancestors(&self, except: &[usize]) -> Bits {
        let others: Vec<usize> = self
            .heads
            .iter()
            .copied()
            .filter(|h| !except.contains(h))
            .collect();
        self.map.ancestor_set(&others, true)
    }

    /// Alembic `_unmerge_to_revisions`: the parents that become rows when `rev` goes down.
    fn unmerge_to(&self, rev: usize) -> Vec<usize> {
        let downs = &self.map.norm_down[rev];
        let implied = if self.heads.iter().any(|&h| h != rev) {
            self.others_ancestors(&[rev])
        } else if let [only] = downs.as_slice() {
            // The ancestors of its parents other than themselves: on a DAG, never the only one.
            return vec![*only];
        } else {
            self.map.reach_beyond(downs, Edge::NormDown)
        };
        downs
            .iter()
            .copied()
            .filter(|&d| !implied.contains(d))
            .collect()
    }

    /// The down revisions of `rev` that are rows.
    fn present_downs(&self, rev: usize) -> Vec<usize> {
        self.map.norm_down[rev]
            .iter()
            .copied()
            .filter(|d| self.heads.contains(d))
            .collect()
    }

    fn single_down(&self, rev: usize) -> Result<usize> {
        if let [one] = self.map.norm_down[rev].as_slice() {
            return Ok(*one);
        }
        match self.present_downs(rev).as_slice() {
            [one] => Ok(*one),
            _ => Err(inconsistent(format!(
                "can't do an UPDATE for {} because its down revision is ambiguous",
                self.id(rev)
            ))),
        }
    }

    fn upgrade_ops(&self, rev: usize) -> Result<Vec<RowOp>> {
        let downs = &self.map.norm_down[rev];
        let present_count = downs.iter().filter(|d| self.heads.contains(d)).count();
        if present_count == 0 {
            return Ok(vec![RowOp::Insert(rev)]);
        }
        if downs.len() > 1 && present_count > 1 {
            let has_others = self.heads.iter().any(|h| !downs.contains(h));
            let implied = if has_others {
                self.others_ancestors(downs)
            } else {
                Bits::default()
            };
            let from: Vec<usize> = self
                .present_downs(rev)
                .into_iter()
                .filter(|&d| !implied.contains(d))
                .collect();
            let Some((&last, rest)) = from.split_last() else {
                return Err(inconsistent(format!(
                    "nothing to merge into {}",
                    self.id(rev)
                )));
            };
            let mut ops: Vec<RowOp> = rest.iter().map(|&d| RowOp::Delete(d)).collect();
            ops.push(RowOp::Update {
                from: last,
                to: rev,
            });
            return Ok(ops);
        }
        Ok(vec![RowOp::Update {
            from: self.single_down(rev)?,
            to: rev,
        }])
    }

    fn downgrade_ops(&self, rev: usize) -> Result<Vec<RowOp>> {
        let downs = &self.map.norm_down[rev];
        if self.heads.contains(&rev) {
            let to = if downs.is_empty() {
                Vec::new()
            } else {
                self.unmerge_to(rev)
            };
            if to.is_empty() {
                return Ok(vec![RowOp::Delete(rev)]);
            }
            if downs.len() > 1 {
                let mut ops: Vec<RowOp> = to[1..].iter().map(|&d| RowOp::Insert(d)).collect();
                ops.push(RowOp::Update {
                    from: rev,
                    to: to[0],
                });
                return Ok(ops);
            }
        }
        Ok(vec![RowOp::Update {
            from: rev,
            to: self.single_down(rev)?,
        }])
    }

    /// Applies ops to the simulated rows.
    fn apply(&mut self, ops: &[RowOp]) -> Result<()> {
        let map = self.map;
        for op in ops {
            let change = match op {
                RowOp::Insert(r) => RowChange::Insert(r),
                RowOp::Update { from, to } => RowChange::Update { from, to },
                RowOp::Delete(r) => RowChange::Delete(r),
            };
            simulate(&mut self.heads, change, |&r| map.id_of(r).to_string())?;
        }
        Ok(())
    }

    fn revision_steps(&mut self, order: &[usize], direction: Direction) -> Result<Plan> {
        let mut steps = Vec::with_capacity(order.len());
        for &rev in order {
            let ops = match direction {
                Direction::Upgrade => self.upgrade_ops(rev)?,
                Direction::Downgrade => self.downgrade_ops(rev)?,
            };
            self.apply(&ops)?;
            let (id, downs) = (self.id(rev), self.map.ids(&self.map.down[rev]));
            let (from, to) = match direction {
                Direction::Upgrade => (downs, vec![id.clone()]),
                Direction::Downgrade => (vec![id.clone()], downs),
            };
            steps.push(Step {
                kind: StepKind::Migrate(direction),
                revision: Some(id),
                from,
                to,
                version_ops: ops.into_iter().map(|op| self.version_op(op)).collect(),
            });
        }
        Ok(Plan { steps })
    }
}

fn rename_heads(err: RevisionError, target: &str) -> RevisionError {
    match err {
        RevisionError::MultipleHeads(_) => RevisionError::MultipleHeads(target.to_string()),
        other => other,
    }
}

/// `alembic upgrade TARGET` from the version-table rows `current`.
///
/// Targets: `head`, `heads`, `base`, ids, unique prefixes, labels, `label@head`, `+N`,
/// `label@+N`, `REV+N`, `REV-N`, `head-N`. Upgrading to a revision at or below the current
/// state is an empty plan, as in Alembic. Walking past the graph's ends with `REV+N` /
/// `head-N` is [`RevisionError::Overwalk`] (Alembic crashes).
pub fn plan_upgrade(map: &RevisionMap, current: &[String], target: &str) -> Result<Plan> {
    if target.contains(':') {
        return Err(RevisionError::RangeNotAllowed);
    }
    let rows = map.rows(current)?;
    let (needs, targets) = map
        .collect_upgrade(Spec::Symbol(target), Spec::Rows(&rows), Collect::UPGRADE)
        .map_err(|e| rename_heads(e, target))?;
    let mut order = map.topo_sort(&needs, &targets);
    order.reverse();
    let mut maintainer = Maintainer {
        map,
        heads: rows.into_iter().collect(),
    };
    maintainer.revision_steps(&order, Direction::Upgrade)
}

/// `alembic downgrade TARGET` from the version-table rows `current`.
///
/// Targets: `base`, ids, prefixes, labels, `X@Y` (only the branch of X goes down), `-N`,
/// `label@-N`, `REV-N`, `REV+N`, `head-N`. `-N` with several rows walks from the first row
/// in sorted order (Alembic: the first row the database returns).
pub fn plan_downgrade(map: &RevisionMap, current: &[String], target: &str) -> Result<Plan> {
    if target.contains(':') {
        return Err(RevisionError::RangeNotAllowed);
    }
    let rows = map.rows(current)?;
    let (drop, heads) = map
        .collect_downgrade(&rows, target, true)
        .map_err(|e| rename_heads(e, target))?;
    let order = map.topo_sort(&drop, &heads);
    let mut maintainer = Maintainer {
        map,
        heads: rows.into_iter().collect(),
    };
    maintainer.revision_steps(&order, Direction::Downgrade)
}

/// One stamp movement before its version ops are known.
struct StampMove {
    from: Vec<usize>,
    to: Option<usize>,
    upgrade: bool,
    branch_move: bool,
}

/// `alembic stamp TARGETS...` (`--purge`: empty the table first and ignore `current`).
///
/// Each target is compared with the rows: already present, nothing; rows above it, a
/// downgrade move; rows below it, an upgrade move; unrelated, a new row; `base`, delete the
/// rows. `head` with several heads is `StampMultipleHeads`; targets where one is an ancestor
/// of another are `StampOverlap`.
pub fn plan_stamp(
    map: &RevisionMap,
    current: &[String],
    targets: &[String],
    purge: bool,
) -> Result<Plan> {
    stamp_inner(map, current, targets, purge).map_err(|e| match e {
        RevisionError::MultipleHeads(_) => RevisionError::StampMultipleHeads,
        other => other,
    })
}

fn stamp_inner(
    map: &RevisionMap,
    current: &[String],
    targets: &[String],
    purge: bool,
) -> Result<Plan> {
    if targets.iter().any(|t| t.contains(':')) {
        return Err(RevisionError::RangeNotAllowed);
    }
    let mut rows = if purge {
        Vec::new()
    } else {
        map.rows(current)?
    };
    rows.sort_by(|a, b| map.id_of(*a).cmp(map.id_of(*b)));
    let base = ["base".to_string()];
    let targets: &[String] = if targets.is_empty() { &base } else { targets };

    let mut related: Vec<usize> = Vec::new();
    for t in targets.iter().filter(|t| !t.is_empty()) {
        for r in map.filter_for_lineage(&rows, t, true)? {
            if !related.contains(&r) {
                related.push(r);
            }
        }
    }
    let dests = stamp_destinations(map, targets)?;
    let mut moves = Vec::new();
    if dests.is_empty() {
        for &h in &related {
            moves.push(StampMove {
                from: vec![h],
                to: None,
                upgrade: false,
                branch_move: true,
            });
        }
    }
    for &dest in &dests {
        if !related.contains(&dest) {
            moves.push(StampMove::to(map, dest, &related)?);
        }
    }
    stamp_steps(map, rows, moves, purge)
}

/// The revisions the stamp targets name, each once; refused when one is below another.
fn stamp_destinations(map: &RevisionMap, targets: &[String]) -> Result<Vec<usize>> {
    let mut dests: Vec<usize> = Vec::new();
    for t in targets {
        for node in map.get_revisions(t)? {
            match node {
                // `-N` walking past a base lands nowhere: as in Alembic, nothing to stamp.
                None | Some(Node::Base) => {}
                Some(Node::Rev(r)) if !dests.contains(&r) => dests.push(r),
                Some(Node::Rev(_)) => {}
            }
        }
    }
    for &a in &dests {
        let below = map.ancestor_set(&[a], true);
        if let Some(&b) = dests.iter().find(|&&b| b != a && below.contains(b)) {
            return Err(RevisionError::StampOverlap(
                map.id_of(a).to_string(),
                map.id_of(b).to_string(),
            ));
        }
    }
    Ok(dests)
}

impl StampMove {
    /// The move to `dest` (not itself a row) from the `related` rows: down from the rows
    /// above it, up from the rows below it, or a new row when none is on its line.
    fn to(map: &RevisionMap, dest: usize, related: &[usize]) -> Result<StampMove> {
        let above = map.reach([dest], Edge::AllNext);
        let below = map.ancestor_set(&[dest], true);
        let rows_above: Vec<usize> = related
            .iter()
            .copied()
            .filter(|&r| above.contains(r))
            .collect();
        let rows_below: Vec<usize> = related
            .iter()
            .copied()
            .filter(|&r| below.contains(r))
            .collect();
        Ok(match (rows_above.is_empty(), rows_below.is_empty()) {
            (false, false) => {
                return Err(RevisionError::Overlap(
                    map.id_of(rows_above[0]).to_string(),
                    map.ids(&rows_below).join(", "),
                ))
            }
            (false, true) => StampMove {
                from: rows_above,
                to: Some(dest),
                upgrade: false,
                branch_move: false,
            },
            (true, false) => StampMove {
                from: rows_below,
                to: Some(dest),
                upgrade: true,
                branch_move: false,
            },
            (true, true) => StampMove {
                from: Vec::new(),
                to: Some(dest),
                upgrade: true,
                branch_move: true,
            },
        })
    }
}

/// The stamp's steps: the purge (when asked), then each move with the row operations it makes
/// on the table as the moves before it left it.
fn stamp_steps(
    map: &RevisionMap,
    rows: Vec<usize>,
    moves: Vec<StampMove>,
    purge: bool,
) -> Result<Plan> {
    let mut steps = Vec::new();
    if purge {
        steps.push(Step {
            kind: StepKind::Stamp,
            revision: None,
            from: Vec::new(),
            to: Vec::new(),
            version_ops: vec![VersionOp::DeleteAll],
        });
    }
    let mut maintainer = Maintainer {
        map,
        heads: rows.into_iter().collect(),
    };
    for mv in moves {
        let ops = stamp_ops(&maintainer, &mv)?;
        maintainer.apply(&ops)?;
        steps.push(Step {
            kind: StepKind::Stamp,
            revision: None,
            from: map.ids(&mv.from),
            to: mv
                .to
                .map(|t| vec![map.id_of(t).to_string()])
                .unwrap_or_default(),
            version_ops: ops
                .into_iter()
                .map(|op| maintainer.version_op(op))
                .collect(),
        });
    }
    Ok(Plan { steps })
}

/// `HeadMaintainer.update_to_step` for Alembic's `StampStep`.
fn stamp_ops(m: &Maintainer<'_>, mv: &StampMove) -> Result<Vec<RowOp>> {
    let from_missing = mv.from.iter().any(|f| !m.heads.contains(f));
    let to_missing = mv.to.is_some_and(|t| !m.heads.contains(&t));
    match (mv.from.split_last(), mv.to) {
        (Some((&only, [])), None) if !mv.upgrade && mv.branch_move => Ok(vec![RowOp::Delete(only)]),
        (_, Some(to)) if mv.upgrade && (mv.branch_move || from_missing) && to_missing => {
            Ok(vec![RowOp::Insert(to)])
        }
        (Some((&last, rest)), Some(to)) => {
            let mut ops: Vec<RowOp> = rest.iter().map(|&r| RowOp::Delete(r)).collect();
            ops.push(RowOp::Update { from: last, to });
            Ok(ops)
        }
        _ => Ok(Vec::new()),
    }
}
