//! Runner tests on the offline sink: what text a plan becomes, and what is refused up front.

use std::collections::HashMap;
use std::path::PathBuf;

use super::*;
use crate::revision::{Direction, Plan, Step, StepKind, VersionOp};
use crate::script::ScriptOrigin;
use crate::script::{Script, Section, TransactionMode};
use crate::Dialect;

fn section(direction: Direction, transaction: TransactionMode, sql: &str) -> Section {
    Section {
        direction,
        dialect: None,
        transaction,
        sql: sql.to_string(),
        first_line: 9,
        portable: false,
        origins: Vec::new(),
    }
}

fn script(rev: &str, sections: Vec<Section>) -> Script {
    Script {
        path: PathBuf::from(format!("versions/{rev}.sql")),
        revision: rev.to_string(),
        down_revisions: vec![],
        branch_labels: vec![],
        depends_on: vec![],
        message: format!("make {rev}"),
        create_date: None,
        sections,
        checksum: None,
        origin: ScriptOrigin::Sql,
    }
}

fn up(rev: &str, from: &[&str], ops: Vec<VersionOp>) -> Step {
    Step {
        kind: StepKind::Migrate(Direction::Upgrade),
        revision: Some(rev.to_string()),
        from: from.iter().map(|s| s.to_string()).collect(),
        to: vec![rev.to_string()],
        version_ops: ops,
    }
}

fn render(
    plan: &Plan,
    scripts: &HashMap<String, Script>,
    create: bool,
) -> Result<String, RunError> {
    let vt = VersionTable::default();
    // Stand-ins for the checksums `migrate` reads from the script files.
    let checksums: HashMap<String, String> = scripts
        .keys()
        .map(|rev| (rev.clone(), format!("sum-{rev}")))
        .collect();
    let ctx = RunContext {
        scripts,
        version_table: &vt,
        scope: TransactionScope::PerMigration,
        create_version_table: create,
        checksums: &checksums,
        create_history_table: create && !checksums.is_empty(),
        lock_retries: 0,
    };
    let mut out = Vec::new();
    run_plan(
        plan,
        &ctx,
        &mut OfflineSink::new(&mut out, Dialect::Sqlite),
        &mut |_| {},
    )?;
    Ok(String::from_utf8(out).expect("utf8"))
}

#[test]
fn no_transaction_sections_run_outside_and_update_the_version_after() {
    let mut scripts = HashMap::new();
    scripts.insert(
        "a1".to_string(),
        script(
            "a1",
            vec![section(
                Direction::Upgrade,
                TransactionMode::Transactional,
                "CREATE TABLE t (id INT);",
            )],
        ),
    );
    scripts.insert(
        "b2".to_string(),
        script(
            "b2",
            vec![section(
                Direction::Upgrade,
                TransactionMode::None,
                "CREATE INDEX CONCURRENTLY ix ON t (id);",
            )],
        ),
    );
    let plan = Plan {
        steps: vec![
            up("a1", &[], vec![VersionOp::Insert("a1".into())]),
            up(
                "b2",
                &["a1"],
                vec![VersionOp::Update {
                    from: "a1".into(),
                    to: "b2".into(),
                }],
            ),
        ],
    };
    let text = render(&plan, &scripts, false).expect("runs");
    let v = crate::history::TOOL_VERSION;
    // b2's section is plain, so the schema layer renders it for SQLite: no CONCURRENTLY there.
    assert_eq!(
        text,
        format!(
            "-- Running upgrade  -> a1\n\nBEGIN;\n\nCREATE TABLE t (id INT);\n\n\
INSERT INTO alembic_version (version_num) VALUES ('a1');\n\n\
INSERT INTO alembic_version_history (revision, direction, checksum, applied_at, duration_ms, tool_version) \
VALUES ('a1', 'upgrade', 'sum-a1', CURRENT_TIMESTAMP, NULL, '{v}');\n\nCOMMIT;\n\n\
-- Running upgrade a1 -> b2\n\nCREATE INDEX ix ON t (id);\n\nBEGIN;\n\n\
UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1';\n\n\
INSERT INTO alembic_version_history (revision, direction, checksum, applied_at, duration_ms, tool_version) \
VALUES ('b2', 'upgrade', 'sum-b2', CURRENT_TIMESTAMP, NULL, '{v}');\n\nCOMMIT;\n\n"
        )
    );
}

#[test]
fn a_downgrade_through_an_irreversible_revision_is_refused_before_any_output() {
    let mut scripts = HashMap::new();
    scripts.insert(
        "a1".to_string(),
        script(
            "a1",
            vec![section(
                Direction::Upgrade,
                TransactionMode::Transactional,
                "CREATE TABLE t (id INT);",
            )],
        ),
    );
    let plan = Plan {
        steps: vec![Step {
            kind: StepKind::Migrate(Direction::Downgrade),
            revision: Some("a1".into()),
            from: vec!["a1".into()],
            to: vec![],
            version_ops: vec![VersionOp::Delete("a1".into())],
        }],
    };
    let err = render(&plan, &scripts, false).expect_err("irreversible");
    assert!(
        matches!(err, RunError::Irreversible { ref revision, .. } if revision == "a1"),
        "{err}"
    );
}

#[test]
fn stamp_steps_only_move_the_version_table() {
    let scripts = HashMap::new();
    let plan = Plan {
        steps: vec![Step {
            kind: StepKind::Stamp,
            revision: None,
            from: vec![],
            to: vec!["c3".into()],
            version_ops: vec![VersionOp::DeleteAll, VersionOp::Insert("c3".into())],
        }],
    };
    let text = render(&plan, &scripts, true).expect("runs");
    assert!(text.starts_with("CREATE TABLE alembic_version ("), "{text}");
    assert!(
        text.ends_with(
            "-- Running stamp_revision  -> c3\n\nBEGIN;\n\nDELETE FROM alembic_version;\n\n\
INSERT INTO alembic_version (version_num) VALUES ('c3');\n\nCOMMIT;\n\n"
        ),
        "{text}"
    );
}

#[test]
fn step_summaries_name_both_sides() {
    let step = up("c", &["a", "b"], vec![]);
    assert_eq!(step_summary(&step), "upgrade a, b -> c");
    let base = up("a", &[], vec![]);
    assert_eq!(step_summary(&base), "upgrade  -> a");
    let stamp = Step {
        kind: StepKind::Stamp,
        revision: None,
        from: vec!["x".into()],
        to: vec![],
        version_ops: vec![],
    };
    assert_eq!(step_summary(&stamp), "stamp_revision x -> ");
}
