//! Upgrade, downgrade and stamp plans, with the answers Python Alembic gives: which targets
//! each command accepts, branch semantics, the version-table rules and the SQL of real runs,
//! and stamps.

use super::*;

fn step(kind: &str, from: &[&str], to: &[&str], ops: &[&str]) -> String {
    format!(
        "{kind} {} -> {}: {}",
        from.join(", "),
        to.join(", "),
        ops.join("; ")
    )
}

fn u(from: &str, to: &str, op: &str) -> String {
    step("upgrade", &[from], &[to], &[op])
}

#[test]
fn linear_upgrade_table() {
    let m = a1();
    let full = vec![
        step("upgrade", &[], &[AE], &["INSERT ae1027a6acf"]),
        u(AE, C27, "UPDATE ae1027a6acf->27c6a30d7c24"),
        u(C27, C19, "UPDATE 27c6a30d7c24->1975ea83b712"),
    ];
    assert_eq!(up(&m, &[], "head"), full);
    assert_eq!(up(&m, &[AE], "+1"), full[1..2].to_vec());
    assert_eq!(
        up_err(&m, &[C27], "+5"),
        "Relative revision +5 didn't produce 5 migrations"
    );
    assert_eq!(up(&m, &[], "+2"), full[..2].to_vec());
    assert_eq!(up(&m, &[], "ae1027a6acf+2"), full);
    assert_eq!(up(&m, &[AE], "ae10+1"), full[1..2].to_vec());
    assert!(up(&m, &[C27], "head-1").is_empty());
    assert_eq!(
        up_err(&m, &[C27], "head-5"),
        "Relative revision head-5 walks past the ends of the revision graph"
    );
    assert_eq!(
        up_err(&m, &[C27], "ae10+5"),
        "Relative revision ae10+5 walks past the ends of the revision graph"
    );
    assert_eq!(
        up_err(&m, &[C19], "-1"),
        "Relative revision -1 didn't produce 1 migrations"
    );
    assert!(up(&m, &[C27], "27c6").is_empty());
    assert!(up(&m, &[C19], "ae10").is_empty());
    assert!(up(&m, &[C27], "base").is_empty());
    assert_eq!(
        up_err(&m, &[], "zzzz"),
        "Can't locate revision identified by 'zzzz'"
    );
    assert_eq!(
        up_err(&m, &[], "27c6a30d7c24:head"),
        "Range revision not allowed"
    );
    assert_eq!(
        up_err(&m, &["nothere"], "head"),
        "Can't locate revision identified by 'nothere'"
    );
}

#[test]
fn targets_that_name_nothing_are_errors() {
    let m = a1();
    for target in ["@", "x@"] {
        assert_eq!(
            up_err(&m, &[], target),
            format!("Revision target '{target}' names nothing after '@'; write label@head, label@base, label@REV or a revision id")
        );
    }
    assert_eq!(
        down_err(&m, &[C19], "@"),
        "Revision target '@' names nothing after '@'; write label@head, label@base, label@REV or a revision id"
    );
    // Alembic walks `base-1` down from the heads, so it upgraded to head.
    assert_eq!(
        up_err(&m, &[], "base-1"),
        "Relative revision base-1 walks below base; there is no revision under base"
    );
    assert_eq!(
        down_err(&m, &[C19], "base-1"),
        "Relative revision base-1 walks below base; there is no revision under base"
    );
    // `@head` is `head`, as in Alembic.
    assert_eq!(up(&m, &[C27], "@head"), up(&m, &[C27], "head"));
    // A count past i64 is echoed as written.
    assert_eq!(
        up_err(&m, &[], "+99999999999999999999"),
        "Relative revision +99999999999999999999 didn't produce 99999999999999999999 migrations"
    );
    assert_eq!(
        down_err(&m, &[C19], "-099999999999999999999"),
        "Relative revision -099999999999999999999 didn't produce 99999999999999999999 migrations"
    );
}

#[test]
fn linear_downgrade_table() {
    let m = a1();
    let d19 = step(
        "downgrade",
        &[C19],
        &[C27],
        &["UPDATE 1975ea83b712->27c6a30d7c24"],
    );
    let d27 = step(
        "downgrade",
        &[C27],
        &[AE],
        &["UPDATE 27c6a30d7c24->ae1027a6acf"],
    );
    let dae = step("downgrade", &[AE], &[], &["DELETE ae1027a6acf"]);
    assert_eq!(down(&m, &[C19], "-1"), vec![d19.clone()]);
    assert_eq!(down(&m, &[C27], "-2"), vec![d27.clone(), dae.clone()]);
    assert_eq!(
        down_err(&m, &[C19], "-5"),
        "Relative revision -5 didn't produce 5 migrations"
    );
    assert_eq!(
        down_err(&m, &[C19], "+1"),
        "Relative revision +1 didn't produce 1 migrations"
    );
    assert_eq!(down(&m, &[C19], "head-2"), vec![d19.clone(), d27.clone()]);
    assert_eq!(down_err(&m, &[C19], "head-5"), "Walked too far");
    assert_eq!(down(&m, &[C27], "ae10-1"), vec![d27.clone(), dae.clone()]);
    assert_eq!(down(&m, &[C19], "1975ea83b712-1"), vec![d19.clone()]);
    assert!(down(&m, &[C19], "1975ea83b712").is_empty());
    assert_eq!(
        down_err(&m, &[C27], "1975"),
        "Destination 1975 is not a valid downgrade target from current head(s)"
    );
    assert_eq!(
        down_err(&m, &[C27], "head"),
        "Destination head is not a valid downgrade target from current head(s)"
    );
    assert_eq!(down(&m, &[C19], "base"), vec![d19, d27, dae]);
    assert!(down(&m, &[], "base").is_empty());
    assert_eq!(down_err(&m, &[C19], "a:b"), "Range revision not allowed");
}

#[test]
fn branch_upgrade_order_and_ops() {
    // As a real Alembic run did it: upgrade heads from the branch point.
    let m = a2_unmerged_map_plan();
    assert_eq!(
        up(&m, &[B], "heads"),
        vec![
            u(B, D, "UPDATE bbbb00000002->dddd00000004"),
            u(B, C, "INSERT cccc00000003"),
        ]
    );
    assert_eq!(
        up_err(&m, &[B], "head"),
        "Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads"
    );
    assert_eq!(
        up_err(&m, &[C, D], "+1"),
        "Ambiguous upgrade from multiple current revisions"
    );
    assert_eq!(up_err(&m, &[B], "+1"), "Ambiguous walk");
    assert_eq!(
        up(&m, &[B], "cccc@+1"),
        vec![u(B, C, "UPDATE bbbb00000002->cccc00000003")]
    );
}

fn a2_unmerged_map_plan() -> RevisionMap {
    map(a2_unmerged())
}

#[test]
fn merge_and_unmerge_ops() {
    let m = a2();
    assert_eq!(
        up(&m, &[C, D], "heads"),
        vec![step(
            "upgrade",
            &[C, D],
            &[E],
            &["DELETE cccc00000003", "UPDATE dddd00000004->eeee00000005"]
        )]
    );
    assert_eq!(
        down(&m, &[E], "cccc00000003"),
        vec![step(
            "downgrade",
            &[E],
            &[C, D],
            &["INSERT dddd00000004", "UPDATE eeee00000005->cccc00000003"]
        )]
    );
    assert_eq!(
        down(&m, &[C, D], "bbbb"),
        vec![
            step("downgrade", &[C], &[B], &["DELETE cccc00000003"]),
            step(
                "downgrade",
                &[D],
                &[B],
                &["UPDATE dddd00000004->bbbb00000002"]
            ),
        ]
    );
    // Single-branch downgrade (PR #763).
    assert_eq!(
        down(&m, &[C, D], "cccc00000003@bbbb00000002"),
        vec![step("downgrade", &[C], &[B], &["DELETE cccc00000003"])]
    );
    assert_eq!(down_err(&m, &[E], "-1"), "Ambiguous walk");
    assert_eq!(down_err(&m, &[E], "dddd@-1"), "Ambiguous walk");
    // -N with several rows: the first row in sorted order.
    assert_eq!(
        down(&m, &[D, C], "-1"),
        vec![step("downgrade", &[C], &[B], &["DELETE cccc00000003"])]
    );
    // Full round trip.
    let plan = plan_upgrade(&m, &[], "heads").unwrap();
    assert_eq!(plan.steps.len(), 5);
    assert_eq!(end_state(&m, &[], &plan), strings(&[E]));
    let back = plan_downgrade(&m, &strings(&[E]), "base").unwrap();
    assert_eq!(end_state(&m, &[E], &back), Vec::<String>::new());
}

#[test]
fn dependencies() {
    let m = a3_short();
    // Rows 2b..01, 1a..02; upgrading 1a..03, which depends on 2b..01.
    assert_eq!(
        up(&m, &[N1, M2], M3),
        vec![step(
            "upgrade",
            &[M2],
            &[M3],
            &["DELETE 1a1a1a1a0002", "UPDATE 2b2b2b2b0001->1a1a1a1a0003"]
        )]
    );
    // Upgrading main@head pulls the dependency in first.
    let plan = up(&m, &[], "main@head");
    assert_eq!(
        plan[0],
        step("upgrade", &[], &[N1], &["INSERT 2b2b2b2b0001"])
    );
    assert_eq!(plan.len(), 4);
    // Downgrading the dependency also downgrades its dependent.
    assert_eq!(
        down(&m, &[M3], "networking@base"),
        vec![
            step(
                "downgrade",
                &[M3],
                &[M2],
                &["INSERT 2b2b2b2b0001", "UPDATE 1a1a1a1a0003->1a1a1a1a0002"]
            ),
            step("downgrade", &[N1], &[], &["DELETE 2b2b2b2b0001"]),
        ]
    );
    assert_eq!(
        down_err(&m, &[M3], N1),
        "Destination 2b2b2b2b0001 is not a valid downgrade target from current head(s)"
    );
    // After upgrade heads the effective head is not stored.
    let m = a3();
    let plan = plan_upgrade(&m, &[], "heads").unwrap();
    assert_eq!(end_state(&m, &[], &plan), strings(&[M5]));
    let back = plan_downgrade(&m, &strings(&[M5]), "base").unwrap();
    assert!(end_state(&m, &[M5], &back).is_empty());
    // Overlapping rows (the stamp pitfall) are refused.
    let m = a2();
    assert_eq!(
        up_err(&m, &[C, A], "heads"),
        "Requested revision cccc00000003 overlaps with other requested revisions aaaa00000001"
    );
}

#[test]
fn stamp_table() {
    let m = a2();
    let st = |from: &[&str], to: &[&str], ops: &[&str]| step("stamp", from, to, ops);
    assert_eq!(
        stamp(&m, &[E], &["base"], false),
        vec![st(&[E], &[], &["DELETE eeee00000005"])]
    );
    assert_eq!(
        stamp(&m, &[], &[C], false),
        vec![st(&[], &[C], &["INSERT cccc00000003"])]
    );
    assert_eq!(
        stamp(&m, &[C], &[D], false),
        vec![st(&[], &[D], &["INSERT dddd00000004"])]
    );
    assert_eq!(
        stamp(&m, &[C, D], &["aaaa"], false),
        vec![st(
            &[C, D],
            &[A],
            &["DELETE cccc00000003", "UPDATE dddd00000004->aaaa00000001"]
        )]
    );
    assert_eq!(
        stamp(&m, &[A], &["cccc", "dddd"], false),
        vec![
            st(&[A], &[C], &["UPDATE aaaa00000001->cccc00000003"]),
            st(&[A], &[D], &["INSERT dddd00000004"]),
        ]
    );
    assert_eq!(
        stamp(&m, &[C, D], &["heads"], false),
        vec![st(
            &[C, D],
            &[E],
            &["DELETE cccc00000003", "UPDATE dddd00000004->eeee00000005"]
        )]
    );
    assert_eq!(
        stamp(&m, &["junk"], &["bbbb"], true),
        vec![
            st(&[], &[], &["DELETE ALL"]),
            st(&[], &[B], &["INSERT bbbb00000002"])
        ]
    );
    assert!(plan_stamp(&m, &[], &strings(&["base"]), true)
        .unwrap()
        .steps[0]
        .is_purge());
    assert_eq!(
        stamp(&m, &[B], &["head"], false),
        vec![st(&[B], &[E], &["UPDATE bbbb00000002->eeee00000005"])]
    );
    assert!(stamp(&m, &[E], &[E], false).is_empty());
    let err = |cur: &[&str], t: &[&str]| {
        plan_stamp(&m, &strings(cur), &strings(t), false)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(&[], &["zzzz"]),
        "Can't locate revision identified by 'zzzz'"
    );
    assert_eq!(
        err(&["junk"], &["bbbb"]),
        "Can't locate revision identified by 'junk'"
    );
    // Rows both above and below the target: which to move is ambiguous.
    assert_eq!(
        err(&[A, E], &["bbbb"]),
        "Requested revision eeee00000005 overlaps with other requested revisions aaaa00000001"
    );
    assert_eq!(err(&[], &["cccc", "aaaa"]), "Stamp targets cccc00000003 and aaaa00000001 overlap: aaaa00000001 is an ancestor of cccc00000003");
    let m = a2_unmerged_map_plan();
    assert_eq!(
        plan_stamp(&m, &[], &strings(&["head"]), false)
            .unwrap_err()
            .to_string(),
        "Multiple heads are present; please specify a single target revision"
    );
}

#[test]
fn merges_of_merges_and_several_bases() {
    // r1 -> {r2, r3}; m1 = merge(r2, r3); x1 (second root); m2 = merge(m1, x1).
    let m = map(vec![
        rev("r1", &[], &[], &[]),
        rev("r2", &["r1"], &[], &[]),
        rev("r3", &["r1"], &[], &[]),
        rev("m1", &["r2", "r3"], &[], &[]),
        rev("x1", &[], &[], &[]),
        rev("m2", &["m1", "x1"], &[], &[]),
    ]);
    assert_eq!(m.bases(), vec!["r1", "x1"]);
    assert_eq!(m.heads(), vec!["m2"]);
    let plan = plan_upgrade(&m, &[], "head").unwrap();
    assert_eq!(plan.steps.len(), 6);
    assert_eq!(plan.apply_to(&[]).unwrap(), strings(&["m2"]));
    let back = plan_downgrade(&m, &strings(&["m2"]), "base").unwrap();
    assert_eq!(back.steps.len(), 6);
    assert!(back.apply_to(&strings(&["m2"])).unwrap().is_empty());
    let to_r2 = plan_downgrade(&m, &strings(&["m2"]), "r2").unwrap();
    // Only r2's descendants go: the merges unmerge and r3 stays.
    assert_eq!(
        to_r2.apply_to(&strings(&["m2"])).unwrap(),
        strings(&["r2", "r3", "x1"])
    );
    assert_eq!(up_err(&m, &[], "+1"), "Ambiguous walk");
}

#[test]
fn two_roots_with_dependencies_full_cycle() {
    let m = a3();
    assert_eq!(
        up(&m, &[], "heads"),
        vec![
            step("upgrade", &[], &[N1], &["INSERT 2b2b2b2b0001"]),
            u(N1, N2, "UPDATE 2b2b2b2b0001->2b2b2b2b0002"),
            step("upgrade", &[], &[M1], &["INSERT 1a1a1a1a0001"]),
            u(M1, M2, "UPDATE 1a1a1a1a0001->1a1a1a1a0002"),
            u(M2, M3, "UPDATE 1a1a1a1a0002->1a1a1a1a0003"),
            u(M3, M4, "UPDATE 1a1a1a1a0003->1a1a1a1a0004"),
            step(
                "upgrade",
                &[M4],
                &[M5],
                &["DELETE 1a1a1a1a0004", "UPDATE 2b2b2b2b0002->1a1a1a1a0005"]
            ),
        ]
    );
    let back = down(&m, &[M5], "base");
    assert_eq!(
        back[0],
        step(
            "downgrade",
            &[M5],
            &[M4],
            &["INSERT 2b2b2b2b0002", "UPDATE 1a1a1a1a0005->1a1a1a1a0004"]
        )
    );
    assert_eq!(back.len(), 7);
    assert_eq!(
        down(&m, &[M5], "main@-2"),
        vec![
            step(
                "downgrade",
                &[M5],
                &[M4],
                &["INSERT 2b2b2b2b0002", "UPDATE 1a1a1a1a0005->1a1a1a1a0004"]
            ),
            step(
                "downgrade",
                &[M4],
                &[M3],
                &["UPDATE 1a1a1a1a0004->1a1a1a1a0003"]
            ),
        ]
    );
    // label@+N off the current branch starts from that branch's base.
    assert_eq!(
        up(&m, &[M2], "networking@+1"),
        vec![step("upgrade", &[], &[N1], &["INSERT 2b2b2b2b0001"])]
    );
    assert_eq!(
        stamp(&m, &[], &["heads"], false),
        vec![step("stamp", &[], &[M5], &["INSERT 1a1a1a1a0005"])]
    );
    assert_eq!(
        m.history(None, &[]).unwrap(),
        strings(&[M5, M4, M3, M2, M1, N2, N1])
    );
}
