//! `--format json`: the documents of the read-only commands, parsed as a script would.

use serde_json::Value;

use crate::engine_test;

/// Runs `args` with `--format json` and parses stdout.
fn document(p: &crate::support::Project, args: &[&str], key: &str) -> Vec<Value> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let run = p.alembic(&all).ok();
    let doc: Value = serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    assert_eq!(doc["format_version"], 1, "{}", run.stdout);
    doc[key].as_array().expect("an array").clone()
}

fn ids(list: &[Value]) -> Vec<&str> {
    list.iter()
        .map(|r| r["revision"].as_str().expect("an id"))
        .collect()
}

engine_test!(read_only_commands_answer_in_json, |p| {
    p.branchy(true);
    p.alembic(&["upgrade", "cccc00000003"]).ok();

    let current = document(p, &["current"], "current");
    assert_eq!(ids(&current), ["cccc00000003"]);
    assert_eq!(current[0]["is_current"], true);
    assert_eq!(
        current[0]["down_revisions"],
        serde_json::json!(["bbbb00000002"])
    );
    assert!(current[0]["path"].as_str().expect("path").ends_with(".sql"));

    let heads = document(p, &["heads"], "heads");
    assert_eq!(ids(&heads), ["eeee00000005"]);
    // The documented fields of a revision, all of them (version 1 only ever adds).
    let keys: Vec<&str> = heads[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "branch_labels",
            "children",
            "create_date",
            "depends_on",
            "down_revisions",
            "is_branch_point",
            "is_head",
            "is_merge_point",
            "message",
            "path",
            "revision"
        ]
    );
    assert_eq!(heads[0]["is_merge_point"], true);

    let history = document(p, &["history", "-i"], "revisions");
    let marked: Vec<&str> = history
        .iter()
        .filter(|r| r["is_current"] == true)
        .map(|r| r["revision"].as_str().expect("id"))
        .collect();
    assert_eq!(marked, ["cccc00000003"]);
    assert_eq!(history.len(), 5);
    // Without -i the database is not read, and the field is absent rather than false.
    assert!(document(p, &["history"], "revisions")[0]
        .get("is_current")
        .is_none());

    let points = document(p, &["branches"], "branch_points");
    assert_eq!(ids(&points), ["bbbb00000002"]);
    assert_eq!(
        points[0]["children"],
        serde_json::json!(["cccc00000003", "dddd00000004"])
    );

    let pending = document(p, &["pending"], "pending");
    assert_eq!(ids(&pending), ["dddd00000004", "eeee00000005"]);

    let shown = document(p, &["show", "eeee00000005"], "revisions");
    assert_eq!(
        shown[0]["down_revisions"],
        serde_json::json!(["cccc00000003", "dddd00000004"])
    );
});

/// Runs `args` with `--format json`, expecting `status`, and parses stdout.
fn answer(p: &crate::support::Project, args: &[&str], status: i32) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let run = p.alembic(&all);
    assert_eq!(run.code, status, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    assert_eq!(doc["format_version"], 1, "{}", run.stdout);
    doc
}

engine_test!(check_answers_in_json, |p| {
    p.linear();
    p.alembic(&["upgrade", "head"]).ok();
    std::fs::write(
        p.path("models.sql"),
        "CREATE TABLE account (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
         description VARCHAR(200), last_transaction_date TIMESTAMP);\n\
         CREATE TABLE city (id INTEGER PRIMARY KEY);\n",
    )
    .expect("models");
    let doc = answer(p, &["check"], 3);
    let differences = doc["differences"].as_array().expect("an array");
    let add = differences
        .iter()
        .find(|d| d["kind"] == "add_table")
        .expect("the new table is a difference");
    assert_eq!(add["table"], "city");
    assert_eq!(add["name"], Value::Null);
    assert_eq!(add["description"], "add table 'city'");
    for d in differences {
        let keys: Vec<&str> = d
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["description", "kind", "name", "table"]);
    }
});

engine_test!(verify_answers_in_json, |p| {
    p.linear();
    p.alembic(&["upgrade", "27c6a30d7c24"]).ok();
    assert_eq!(answer(p, &["verify"], 0)["scripts"], serde_json::json!([]));
    let second = p.versions().join("27c6a30d7c24.sql");
    let text = std::fs::read_to_string(&second).expect("read");
    std::fs::write(&second, text.replace("TIMESTAMP", "DATE")).expect("write");
    let doc = answer(p, &["verify"], 3);
    assert_eq!(doc["scripts"][0]["revision"], "27c6a30d7c24");
    assert_eq!(doc["scripts"][0]["state"], "changed");
    let path = doc["scripts"][0]["path"].as_str().expect("a path");
    assert!(path.ends_with("27c6a30d7c24.sql"), "{path}");
    assert_eq!(doc["scripts"].as_array().map(Vec::len), Some(1));
});
