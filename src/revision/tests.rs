//! Unit tests of the revision graph on three fixtures whose answers were taken from Python
//! Alembic (a1 linear, a2 branch + merge, a3 two roots + labels + depends_on) and a few more
//! shapes, plus property tests on random DAGs.

use super::*;

fn rev(id: &str, downs: &[&str], labels: &[&str], deps: &[&str]) -> Revision {
    Revision {
        id: id.to_string(),
        down_revisions: downs.iter().map(|s| s.to_string()).collect(),
        branch_labels: labels.iter().map(|s| s.to_string()).collect(),
        depends_on: deps.iter().map(|s| s.to_string()).collect(),
        doc: format!("doc of {id}"),
        origin: format!("versions/{id}.sql"),
    }
}

fn map(revs: Vec<Revision>) -> RevisionMap {
    RevisionMap::new(revs).expect("valid graph")
}

const AE: &str = "ae1027a6acf";
const C27: &str = "27c6a30d7c24";
const C19: &str = "1975ea83b712";

fn a1() -> RevisionMap {
    map(vec![
        rev(AE, &[], &[], &[]),
        rev(C27, &[AE], &[], &[]),
        rev(C19, &[C27], &[], &[]),
    ])
}

const A: &str = "aaaa00000001";
const B: &str = "bbbb00000002";
const C: &str = "cccc00000003";
const D: &str = "dddd00000004";
const E: &str = "eeee00000005";

fn a2_unmerged() -> Vec<Revision> {
    vec![
        rev(A, &[], &[], &[]),
        rev(B, &[A], &[], &[]),
        rev(C, &[B], &[], &[]),
        rev(D, &[B], &[], &[]),
    ]
}

fn a2() -> RevisionMap {
    let mut revs = a2_unmerged();
    revs.push(rev(E, &[C, D], &[], &[]));
    map(revs)
}

const M1: &str = "1a1a1a1a0001";
const M2: &str = "1a1a1a1a0002";
const M3: &str = "1a1a1a1a0003";
const M4: &str = "1a1a1a1a0004";
const M5: &str = "1a1a1a1a0005";
const N1: &str = "2b2b2b2b0001";
const N2: &str = "2b2b2b2b0002";

fn a3() -> RevisionMap {
    map(vec![
        rev(M1, &[], &["main"], &[]),
        rev(M2, &[M1], &[], &[]),
        rev(M3, &[M2], &[], &[N1]),
        rev(M4, &[M3], &[], &["networking"]),
        rev(M5, &[M4], &[], &[N2]),
        rev(N1, &[], &["networking"], &[]),
        rev(N2, &[N1], &[], &[]),
    ])
}

fn a3_short() -> RevisionMap {
    map(vec![
        rev(M1, &[], &["main"], &[]),
        rev(M2, &[M1], &[], &[]),
        rev(M3, &[M2], &[], &[N1]),
        rev(N1, &[], &["networking"], &[]),
        rev(N2, &[N1], &[], &[]),
    ])
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn op_text(op: &VersionOp) -> String {
    match op {
        VersionOp::Insert(x) => format!("INSERT {x}"),
        VersionOp::Delete(x) => format!("DELETE {x}"),
        VersionOp::Update { from, to } => format!("UPDATE {from}->{to}"),
        VersionOp::DeleteAll => "DELETE ALL".to_string(),
    }
}

/// `kind from -> to: ops` per step.
fn render(plan: &Plan) -> Vec<String> {
    plan.steps
        .iter()
        .map(|s| {
            let kind = s.kind.direction().map_or("stamp", Direction::as_str);
            let ops: Vec<String> = s.version_ops.iter().map(op_text).collect();
            format!(
                "{kind} {} -> {}: {}",
                s.from.join(", "),
                s.to.join(", "),
                ops.join("; ")
            )
        })
        .collect()
}

fn up(m: &RevisionMap, cur: &[&str], target: &str) -> Vec<String> {
    render(&plan_upgrade(m, &strings(cur), target).expect("upgrade plan"))
}

fn down(m: &RevisionMap, cur: &[&str], target: &str) -> Vec<String> {
    render(&plan_downgrade(m, &strings(cur), target).expect("downgrade plan"))
}

fn stamp(m: &RevisionMap, cur: &[&str], targets: &[&str], purge: bool) -> Vec<String> {
    render(&plan_stamp(m, &strings(cur), &strings(targets), purge).expect("stamp plan"))
}

fn up_err(m: &RevisionMap, cur: &[&str], target: &str) -> String {
    plan_upgrade(m, &strings(cur), target)
        .expect_err("upgrade error")
        .to_string()
}

fn down_err(m: &RevisionMap, cur: &[&str], target: &str) -> String {
    plan_downgrade(m, &strings(cur), target)
        .expect_err("downgrade error")
        .to_string()
}

fn end_state(m: &RevisionMap, cur: &[&str], plan: &Plan) -> Vec<String> {
    let _ = m;
    plan.apply_to(&strings(cur)).expect("consistent plan")
}

mod compat_tests;
mod graph_tests;
mod plan_tests;
mod prop_tests;
