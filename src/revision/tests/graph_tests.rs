//! Graph validation, queries, symbol resolution, history and current.

use super::*;

#[test]
fn validation_errors_name_revision_and_file() {
    let dup =
        RevisionMap::new(vec![rev("a1", &[], &[], &[]), rev("a1", &[], &[], &[])]).unwrap_err();
    assert_eq!(
        dup.to_string(),
        "Revision a1 is present more than once (versions/a1.sql and versions/a1.sql)"
    );
    let missing = RevisionMap::new(vec![rev("b2", &["zz"], &[], &[])]).unwrap_err();
    assert_eq!(
        missing.to_string(),
        "Revision zz referenced from b2 (versions/b2.sql) is not present"
    );
    let dep = RevisionMap::new(vec![rev("b2", &[], &[], &["nope"])]).unwrap_err();
    assert_eq!(
        dep.to_string(),
        "Revision nope referenced from b2 (versions/b2.sql) is not present"
    );
    let selfloop = RevisionMap::new(vec![rev("s1", &["s1"], &[], &[])]).unwrap_err();
    assert_eq!(
        selfloop.to_string(),
        "Self-loop is detected in revisions (s1) [versions/s1.sql]"
    );
    let dep_loop = RevisionMap::new(vec![rev("s1", &[], &["lab"], &["lab"])]).unwrap_err();
    assert!(dep_loop
        .to_string()
        .starts_with("Dependency self-loop is detected in revisions (s1)"));
    let cycle = RevisionMap::new(vec![
        rev("base", &[], &[], &[]),
        rev("x1", &["base", "y1"], &[], &[]),
        rev("y1", &["x1"], &[], &[]),
        rev("z1", &["y1"], &[], &[]),
    ])
    .unwrap_err();
    assert_eq!(
        cycle.to_string(),
        "Cycle is detected in revisions (x1, y1) [versions/x1.sql, versions/y1.sql]"
    );
    let dep_cycle = RevisionMap::new(vec![
        rev("p1", &[], &[], &["q1"]),
        rev("q1", &[], &[], &["p1"]),
    ])
    .unwrap_err();
    assert!(dep_cycle
        .to_string()
        .starts_with("Dependency cycle is detected in revisions (p1, q1)"));
    let labels = RevisionMap::new(vec![
        rev("l1", &[], &["x"], &[]),
        rev("l2", &[], &["x"], &[]),
    ])
    .unwrap_err();
    assert_eq!(
        labels.to_string(),
        "Branch name 'x' in revision l2 (versions/l2.sql) already used by revision l1 (versions/l1.sql)"
    );
    let label_is_id =
        RevisionMap::new(vec![rev("l1", &[], &[], &[]), rev("l2", &[], &["l1"], &[])]).unwrap_err();
    assert!(matches!(label_is_id, RevisionError::DuplicateLabel { .. }));
    let bad = RevisionMap::new(vec![rev("a-b", &[], &[], &[])]).unwrap_err();
    assert!(bad
        .to_string()
        .starts_with("Character(s) '-' not allowed in revision identifier 'a-b'"));
    // Alembic looks a `depends_on` entry up as written (a prefix is a KeyError there).
    let partial = RevisionMap::new(vec![
        rev("abcd1", &[], &[], &[]),
        rev("abcd2", &[], &[], &[]),
        rev("zzzz1", &[], &[], &["abcd"]),
    ])
    .unwrap_err();
    assert_eq!(
        partial.to_string(),
        "Revision abcd referenced from zzzz1 (versions/zzzz1.sql) is not present; depends_on \
         takes a full revision id or a branch label, and abcd is only the start of abcd1, abcd2"
    );
    let symbol = RevisionMap::new(vec![
        rev("n1", &[], &["net"], &[]),
        rev("zzzz1", &[], &[], &["net@head"]),
    ])
    .unwrap_err();
    assert_eq!(
        symbol.to_string(),
        "Revision net@head referenced from zzzz1 (versions/zzzz1.sql) is not present"
    );
    assert!(RevisionMap::new(Vec::new()).is_ok());
}

#[test]
fn dependency_by_id_and_label() {
    let m = map(vec![
        rev("abcd1234", &[], &["lab"], &[]),
        rev("q1", &[], &[], &["abcd1234"]),
        rev("q2", &[], &[], &["lab"]),
    ]);
    assert_eq!(m.resolved_depends_on("q1"), strings(&["abcd1234"]));
    assert_eq!(m.resolved_depends_on("q2"), strings(&["abcd1234"]));
    // A unique prefix is expanded when a new revision's dependency is written.
    assert_eq!(m.dependency_entry("abcd").unwrap(), "abcd1234");
    assert_eq!(m.dependency_entry("lab").unwrap(), "lab");
}

/// `revision --depends-on` as Alembic 1.20.1 answers it on a3 (checked against the real tool):
/// what it writes, or the error.
#[test]
fn dependency_entry_is_what_revision_depends_on_writes() {
    let m = a3();
    let entry = |symbol: &str| m.dependency_entry(symbol);
    assert_eq!(entry(N1).unwrap(), N1);
    assert_eq!(
        entry("2b2b2b2b000").unwrap_err().to_string(),
        "Ambiguous revision prefix '2b2b2b2b000' matches 2b2b2b2b0001, 2b2b2b2b0002"
    );
    assert_eq!(entry("1a1a1a1a0003").unwrap(), M3);
    assert_eq!(entry("networking").unwrap(), "networking");
    assert_eq!(entry("main").unwrap(), "main");
    assert_eq!(entry("networking@head").unwrap(), N2);
    assert_eq!(entry("main@head").unwrap(), M5);
    // The real heads: M5 only, since M5 depends on N2.
    assert_eq!(entry("heads").unwrap(), M5);
    assert_eq!(
        entry("head").unwrap_err(),
        RevisionError::MultipleHeads("head".into())
    );
    // Alembic fails on these too (an AssertionError for base and "", "Can't locate revision
    // identified by '-1'" for main@-1, "Can't locate" for an ambiguous prefix).
    for symbol in ["base", "", "-1", "main@-1", "nothere"] {
        assert!(entry(symbol).is_err(), "{symbol}");
    }
}

#[test]
fn a_written_dependency_entry_reads_back_as_the_revision_it_was_made_from() {
    let m = a3();
    for symbol in [
        N1,
        "2b2b2b2b0002",
        "1a1a1a1a00",
        "networking",
        "main",
        "networking@head",
    ] {
        let Ok(entry) = m.dependency_entry(symbol) else {
            assert_eq!(symbol, "1a1a1a1a00", "only the ambiguous prefix fails");
            continue;
        };
        let mut revs = m.revisions().to_vec();
        revs.push(rev("new1", &[], &[], &[&entry]));
        let grown = map(revs);
        let expected = m.resolve_one(symbol).unwrap().unwrap();
        assert_eq!(
            grown.resolved_depends_on("new1"),
            [expected],
            "{symbol} -> {entry}"
        );
    }
}

#[test]
fn heads_bases_points() {
    let m = a2();
    assert_eq!(m.heads(), vec![E]);
    assert_eq!(m.bases(), vec![A]);
    assert!(m.is_branch_point(B) && !m.is_branch_point(C));
    assert!(m.is_merge_point(E) && !m.is_merge_point(D));
    assert_eq!(m.children(B), vec![C, D]);
    assert!(m.get(E).is_some() && m.get("eeee").is_none());

    let m = a3();
    assert_eq!(m.heads(), vec![M5, N2]);
    assert_eq!(m.real_heads(), vec![M5]);
    assert_eq!(m.bases(), vec![M1, N1]);
    assert!(m.is_head(N2) && !m.is_real_head(N2));
    assert_eq!(m.dependents(N1), vec![M3, M4]);
    assert_eq!(m.resolved_depends_on(M4), strings(&[N1]));
    // M4's dependency on networking is already carried by M3.
    assert_eq!(m.normalized_down_revisions(M4), strings(&[M3]));
    assert_eq!(m.normalized_down_revisions(M5), strings(&[M4, N2]));
}

#[test]
fn a_database_is_at_heads_when_its_rows_are_exactly_the_real_heads() {
    let m = a2();
    assert!(m.is_at_heads(&strings(&[E])));
    assert!(!m.is_at_heads(&strings(&[D])));
    assert!(!m.is_at_heads(&strings(&[E, E])));
    assert!(!m.is_at_heads(&[]));
    // N2 is a versioned head, but M5 depends on it: only M5 is a real head.
    let m = a3();
    assert!(m.is_at_heads(&strings(&[M5])));
    assert!(!m.is_at_heads(&strings(&[M5, N2])));
}

#[test]
fn labels_propagate() {
    let m = a3();
    assert_eq!(m.labels(M2), strings(&["main"]));
    assert_eq!(m.labels(M5), strings(&["main"]));
    assert_eq!(m.labels(N2), strings(&["networking"]));
    // A label on a straight line also covers the revisions below it.
    let m = map(vec![
        rev("r1", &[], &[], &[]),
        rev("r2", &["r1"], &["lab"], &[]),
        rev("r3", &["r2"], &[], &[]),
    ]);
    assert_eq!(m.labels("r1"), strings(&["lab"]));
    assert_eq!(m.labels("r3"), strings(&["lab"]));
}

#[test]
fn resolve_symbols() {
    let m = a1();
    assert_eq!(m.resolve("head").unwrap(), strings(&[C19]));
    assert_eq!(m.resolve("heads").unwrap(), strings(&[C19]));
    assert!(m.resolve("base").unwrap().is_empty());
    assert!(m.resolve("").unwrap().is_empty());
    assert_eq!(m.resolve("ae10").unwrap(), strings(&[AE]));
    assert_eq!(m.resolve("a").unwrap(), strings(&[AE]));
    assert_eq!(m.resolve("-1").unwrap(), strings(&[C27]));
    assert!(
        m.resolve("-3").unwrap().is_empty(),
        "-3 from the head is base"
    );
    assert_eq!(
        m.resolve("-4").unwrap_err(),
        RevisionError::Overwalk("-4".into())
    );
    assert_eq!(
        m.resolve("head-1").unwrap_err().to_string(),
        "Can't locate revision identified by 'head-1'"
    );
    assert_eq!(
        m.resolve("zzzz").unwrap_err().to_string(),
        "Can't locate revision identified by 'zzzz'"
    );

    let m = map(vec![
        rev("2b2b0001", &[], &[], &[]),
        rev("2b2b0002", &["2b2b0001"], &[], &[]),
    ]);
    assert_eq!(
        m.resolve("2b2b").unwrap_err().to_string(),
        "Ambiguous revision prefix '2b2b' matches 2b2b0001, 2b2b0002"
    );

    let m = a2_unmerged_map();
    assert_eq!(
        m.resolve("head").unwrap_err().to_string(),
        "Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads"
    );
    assert_eq!(m.resolve("heads").unwrap(), strings(&[C, D]));
    assert_eq!(m.resolve("cccc@head").unwrap(), strings(&[C]));
    assert_eq!(m.resolve("-1").unwrap(), strings(&[B]));

    let m = a3();
    assert_eq!(m.resolve("main").unwrap(), strings(&[M1]));
    assert_eq!(m.resolve("networking@head").unwrap(), strings(&[N2]));
    assert_eq!(m.resolve("main@head").unwrap(), strings(&[M5]));
    assert_eq!(m.resolve("main@-1").unwrap(), strings(&[M4]));
    // Lineage is versioned only: main's head depends on networking but is not on it.
    assert_eq!(m.resolve("networking@heads").unwrap(), strings(&[N2]));
    assert!(m.resolve("main@base").unwrap().is_empty());
    assert_eq!(
        m.resolve("nope@head").unwrap_err(),
        RevisionError::NotFound("nope".into())
    );
    assert_eq!(
        m.resolve("main@2b2b2b2b0002").unwrap_err(),
        RevisionError::NotFound(N2.into())
    );
    assert_eq!(m.resolve("1a1a1a1a0002@head").unwrap(), strings(&[M5]));
}

fn a2_unmerged_map() -> RevisionMap {
    map(a2_unmerged())
}

#[test]
fn history_whole_and_ranges() {
    let m = a2();
    assert_eq!(m.history(None, &[]).unwrap(), strings(&[E, C, D, B, A]));
    let m = a3_short();
    assert_eq!(
        m.history(None, &[]).unwrap(),
        strings(&[M3, M2, M1, N2, N1])
    );

    let m = a1();
    let cur = strings(&[C27]);
    assert_eq!(
        m.history(Some("ae10:"), &cur).unwrap(),
        strings(&[C19, C27, AE])
    );
    assert_eq!(m.history(Some(":27c6"), &cur).unwrap(), strings(&[C27, AE]));
    assert_eq!(
        m.history(Some("current:"), &cur).unwrap(),
        strings(&[C19, C27])
    );
    assert_eq!(
        m.history(Some(":current"), &cur).unwrap(),
        strings(&[C27, AE])
    );
    assert_eq!(m.history(Some("-1:"), &cur).unwrap(), strings(&[C19, C27]));
    assert_eq!(m.history(Some("1975:1975"), &cur).unwrap(), strings(&[C19]));
    assert!(m.history(Some("base:base"), &cur).unwrap().is_empty());
    assert_eq!(
        m.history(Some("heads:heads"), &cur).unwrap(),
        strings(&[C19])
    );
    assert_eq!(
        m.history(Some("27c6:ae10"), &cur).unwrap_err().to_string(),
        "Requested range 27c6:ae10 does not refer to ancestor/descendant revisions along the same branch"
    );
    assert_eq!(
        m.history(Some("ae1027a6acf+1:"), &cur)
            .unwrap_err()
            .to_string(),
        "Can't locate revision identified by 'ae1027a6acf+1'"
    );
    assert_eq!(
        m.history(Some(":ae1027a6acf+1"), &cur).unwrap(),
        strings(&[C27, AE])
    );
    assert_eq!(
        m.history(Some("ae10"), &cur).unwrap_err().to_string(),
        "History range requires [start]:[end], [start]:, or :[end]"
    );
    assert_eq!(m.history(Some("current:"), &[]).unwrap().len(), 3);
    // The depends_on case where Alembic fails an assertion (revisions the heads don't reach)
    // gives an answer.
    let m = a3();
    assert_eq!(
        m.history(Some("2b2b2b2b0001:"), &[]).unwrap(),
        strings(&[N2, N1])
    );
}

#[test]
fn current_tips_include_dependencies() {
    let m = a3_short();
    assert_eq!(m.current_tips(&strings(&[M3])).unwrap(), strings(&[M3, N1]));
    let m = a2_unmerged_map();
    assert_eq!(m.current_tips(&strings(&[D, C])).unwrap(), strings(&[C, D]));
    assert_eq!(
        m.current_tips(&strings(&["deadbeef0000"]))
            .unwrap_err()
            .to_string(),
        "Can't locate revision identified by 'deadbeef0000'"
    );
    assert!(m.current_tips(&[]).unwrap().is_empty());
}

#[test]
fn relative_grammar() {
    use super::super::target::match_relative;
    let r = match_relative("ae10+2").unwrap();
    assert_eq!(
        (r.label, r.symbol, r.text, r.steps),
        (None, Some("ae10"), "+2", 2)
    );
    let r = match_relative("main@-1").unwrap();
    assert_eq!((r.label, r.symbol, r.steps), (Some("main"), None, -1));
    let r = match_relative("x@y@+3").unwrap();
    assert_eq!((r.label, r.symbol, r.steps), (Some("x@y"), None, 3));
    assert!(match_relative("head").is_none());
    assert!(match_relative("abc-def").is_none());
    assert_eq!(
        match_relative("+99999999999999999999999").unwrap().steps,
        i64::MAX
    );
}
