//! Property tests: random DAGs (branches, merges, several roots, depends_on, labels).

use proptest::prelude::*;

use super::*;

/// Per revision: parent picks, dependency picks, whether it declares a label.
type Shape = Vec<(Vec<usize>, Vec<usize>, bool)>;

fn shape() -> impl Strategy<Value = Shape> {
    prop::collection::vec(
        (
            prop::collection::vec(0usize..100, 0..3),
            prop::collection::vec(0usize..100, 0..2),
            prop::bool::weighted(0.2),
        ),
        1..12,
    )
}

fn build(shape: &Shape) -> RevisionMap {
    let id = |i: usize| format!("rev{i:02}");
    let mut revs = Vec::new();
    for (i, (parents, deps, labelled)) in shape.iter().enumerate() {
        let mut downs: Vec<String> = Vec::new();
        if i > 0 {
            for p in parents {
                let p = id(p % i);
                if !downs.contains(&p) {
                    downs.push(p);
                }
            }
        }
        let mut depends: Vec<String> = Vec::new();
        if i > 0 {
            for d in deps {
                let d = id(d % i);
                if !downs.contains(&d) && !depends.contains(&d) {
                    depends.push(d);
                }
            }
        }
        let labels: Vec<String> = if *labelled {
            vec![format!("lab{i}")]
        } else {
            Vec::new()
        };
        revs.push(Revision {
            id: id(i),
            down_revisions: downs,
            branch_labels: labels,
            depends_on: depends,
            doc: String::new(),
            origin: format!("{}.sql", id(i)),
        });
    }
    RevisionMap::new(revs).expect("random DAG is valid")
}

fn symbol() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9@+:_-]{0,10}",
        Just("head".to_string()),
        Just("heads".to_string()),
        Just("base".to_string()),
        (0usize..9, "[+-]", 0u32..12).prop_map(|(i, s, n)| format!("rev{i:02}{s}{n}")),
        (0usize..9, 0usize..9).prop_map(|(l, i)| format!("lab{l}@rev{i:02}")),
        (0usize..9, "(head|heads|base|[+-][0-9])").prop_map(|(l, t)| format!("lab{l}@{t}")),
        "[+-][0-9]{1,3}",
        Just("-99999999999999999999999".to_string()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn up_to_heads_and_back_to_base(shape in shape()) {
        let m = build(&shape);
        let plan = plan_upgrade(&m, &[], "heads").expect("upgrade heads");
        let rows = plan.apply_to(&[]).expect("consistent upgrade");
        let mut real: Vec<String> = m.real_heads().iter().map(|s| s.to_string()).collect();
        real.sort();
        prop_assert_eq!(&rows, &real);
        prop_assert_eq!(plan.steps.len(), m.revisions().len());
        let back = plan_downgrade(&m, &rows, "base").expect("downgrade base");
        prop_assert!(back.apply_to(&rows).expect("consistent downgrade").is_empty());
        prop_assert_eq!(back.steps.len(), m.revisions().len());
        // history lists every revision once.
        let mut hist = m.history(None, &[]).expect("history");
        hist.sort();
        let mut all: Vec<String> = m.revisions().iter().map(|r| r.id.clone()).collect();
        all.sort();
        prop_assert_eq!(hist, all);
    }

    #[test]
    fn single_head_round_trips(shape in shape(), pick in 0usize..10) {
        let m = build(&shape);
        let heads: Vec<String> = m.real_heads().iter().map(|s| s.to_string()).collect();
        let target = heads[pick % heads.len()].clone();
        let plan = plan_upgrade(&m, &[], &target).expect("upgrade to one head");
        let rows = plan.apply_to(&[]).expect("consistent");
        let rest = plan_upgrade(&m, &rows, "heads").expect("then the other heads");
        let all = rest.apply_to(&rows).expect("consistent");
        let back = plan_downgrade(&m, &all, "base").expect("downgrade");
        prop_assert!(back.apply_to(&all).expect("consistent").is_empty());
    }

    #[test]
    fn no_panics_on_any_symbol(shape in shape(), a in symbol(), b in symbol(), rows_pick in 0usize..4) {
        let m = build(&shape);
        let rows: Vec<String> = match rows_pick {
            0 => Vec::new(),
            1 => m.real_heads().iter().map(|s| s.to_string()).collect(),
            2 => m.bases().iter().map(|s| s.to_string()).collect(),
            _ => m.heads().iter().map(|s| s.to_string()).collect(),
        };
        let _ = m.resolve(&a);
        let _ = plan_upgrade(&m, &rows, &a);
        let _ = plan_downgrade(&m, &rows, &a);
        let _ = plan_stamp(&m, &rows, &[a.clone(), b.clone()], false);
        let _ = plan_stamp(&m, &rows, std::slice::from_ref(&a), true);
        let _ = m.history(Some(&format!("{a}:{b}")), &rows);
        let _ = m.current_tips(&rows);
        if let Ok(plan) = plan_upgrade(&m, &rows, &a) {
            let _ = plan.apply_to(&rows);
        }
    }
}
