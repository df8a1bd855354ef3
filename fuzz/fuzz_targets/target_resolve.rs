//! A target symbol, resolved and planned against a small fixed graph with a branch, a merge,
//! a label and a dependency.
#![no_main]

use libfuzzer_sys::fuzz_target;
use litekb_migrations::internals::revision::{plan_downgrade, plan_upgrade, Revision, RevisionMap};

fn rev(id: &str, down: &[&str], labels: &[&str], depends: &[&str]) -> Revision {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    Revision {
        id: id.to_string(),
        down_revisions: strings(down),
        branch_labels: strings(labels),
        depends_on: strings(depends),
        doc: String::new(),
        origin: format!("{id}.sql"),
    }
}

fuzz_target!(|symbol: &str| {
    let Ok(map) = RevisionMap::new(vec![
        rev("a1", &[], &[], &[]),
        rev("b2", &["a1"], &[], &[]),
        rev("c3", &["b2"], &["left"], &[]),
        rev("d4", &["b2"], &[], &["c3"]),
        rev("e5", &["c3", "d4"], &[], &[]),
    ]) else {
        return;
    };
    let _ = map.resolve(symbol);
    for current in [vec![], vec!["c3".to_string()], vec!["e5".to_string()]] {
        let _ = plan_upgrade(&map, &current, symbol);
        let _ = plan_downgrade(&map, &current, symbol);
    }
});
