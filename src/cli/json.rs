//! `--format json`: one JSON document per command, for scripts and CI.
//!
//! Every document is an object with `"format_version": 1` and one key holding the answer.
//! A revision is always the same object ([`revision`]); fields are only ever added, so a
//! reader of version 1 keeps working.

use crate::ops::Verification;
use crate::project::{absolute, Project};
use crate::schema::Change;
use serde_json::{json, Value};

use crate::cli::output::Printer;

/// The shape's version; raised only if a field changes meaning or goes.
pub const FORMAT_VERSION: u32 = 1;

/// One revision: its id, its graph neighbours, labels, message, date, file and place in the
/// graph; `is_current` (a row of the version table names it) when the command read the database.
pub fn revision(project: &Project, id: &str, current: Option<bool>) -> Value {
    let map = &project.map;
    let rev = map.get(id);
    let script = project.scripts.get(id);
    let mut children: Vec<&str> = map.children(id);
    children.sort_unstable();
    let mut value = json!({
        "revision": id,
        "down_revisions": rev.map(|r| r.down_revisions.clone()).unwrap_or_default(),
        "depends_on": rev.map(|r| r.depends_on.clone()).unwrap_or_default(),
        "branch_labels": map.labels(id),
        "children": children,
        "message": script.map_or_else(|| rev.map_or("", |r| r.doc.as_str()), |s| s.message.as_str()),
        "create_date": script.and_then(|s| s.create_date.clone()),
        "path": script.map(|s| absolute(&s.path).display().to_string()),
        "is_head": map.is_head(id),
        "is_branch_point": map.is_branch_point(id),
        "is_merge_point": map.is_merge_point(id),
    });
    if let (Some(current), Value::Object(fields)) = (current, &mut value) {
        fields.insert("is_current".to_string(), Value::Bool(current));
    }
    value
}

/// The revisions `ids`, each as [`revision`], marked against the version table's `rows` when
/// given.
pub fn revisions<'a>(
    project: &Project,
    ids: impl IntoIterator<Item = &'a str>,
    rows: Option<&[String]>,
) -> Value {
    let list = ids
        .into_iter()
        .map(|id| revision(project, id, rows.map(|rows| rows.iter().any(|r| r == id))))
        .collect();
    Value::Array(list)
}

/// One difference `check` found: `kind` (the operation autogenerate would write, such as
/// `add_table`, `drop_column`, `alter_type`), the `table`, the `column` or constraint/index
/// `name` when it has one, and the `description` `check` prints.
pub fn difference(change: &Change) -> Value {
    let (kind, table, name) = match change {
        Change::CreateTable(t) => ("add_table", t.name.as_str(), None),
        Change::DropTable(t) => ("drop_table", t.name.as_str(), None),
        Change::AddColumn { table, column } => ("add_column", table.as_str(), Some(&column.name)),
        Change::DropColumn { table, column } => ("drop_column", table.as_str(), Some(&column.name)),
        Change::AlterType { table, column, .. } => ("alter_type", table.as_str(), Some(column)),
        Change::AlterNullable { table, column, .. } => {
            ("alter_nullable", table.as_str(), Some(column))
        }
        Change::AlterDefault { table, column, .. } => {
            ("alter_default", table.as_str(), Some(column))
        }
        Change::AddConstraint { table, .. } => ("add_constraint", table.as_str(), None),
        Change::DropConstraint { table, .. } => ("drop_constraint", table.as_str(), None),
        Change::CreateIndex(i) => ("add_index", i.table.as_str(), Some(&i.name)),
        Change::DropIndex(i) => ("drop_index", i.table.as_str(), Some(&i.name)),
    };
    json!({
        "kind": kind,
        "table": table,
        "name": name,
        "description": change.describe(),
    })
}

/// What `verify` found, one entry per applied revision it could not vouch for:
/// `{"revision", "path", "state"}` with state `changed` (the script differs from the one
/// that ran: the answer is "no") or `no_checksum` (applied by Python Alembic or stamped).
pub fn verification(project: &Project, found: &Verification) -> Value {
    let path_of = |id: &str| {
        project
            .scripts
            .get(id)
            .map(|s| absolute(&s.path).display().to_string())
    };
    let unrecorded = found
        .unrecorded
        .iter()
        .map(|id| json!({"revision": id, "path": path_of(id), "state": "no_checksum"}));
    let changed = found.changed.iter().map(|(id, path)| {
        json!({"revision": id, "path": absolute(path).display().to_string(), "state": "changed"})
    });
    Value::Array(unrecorded.chain(changed).collect())
}

/// Prints `{"format_version": 1, key: value}` and a newline on stdout.
pub fn print(printer: Printer, key: &str, value: Value) {
    let mut document = serde_json::Map::new();
    document.insert("format_version".to_string(), json!(FORMAT_VERSION));
    document.insert(key.to_string(), value);
    let text = serde_json::to_string_pretty(&Value::Object(document)).unwrap_or_default();
    printer.sql(format!("{text}\n").as_bytes());
}
