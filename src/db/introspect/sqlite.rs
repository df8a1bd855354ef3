//! SQLite introspection: `sqlite_master`, in creation order, read through the model's parser.
//! A table whose `CREATE TABLE` the model can't read, a virtual table and its shadow tables
//! are listed in `other_tables`; an index it can't read, in its table's `other_indexes`.

use rusqlite::Connection;

use crate::schema::{parse_statement, Op, Parsed, Schema, Trigger, View};

/// Reads the schema of the `main` database.
pub fn introspect(conn: &Connection) -> rusqlite::Result<Schema> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_master \
         WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut schema = Schema::default();
    let mut objects = Vec::new();
    for row in rows {
        objects.push(row?);
    }
    // Virtual tables and the shadow tables behind them (FTS5's `_data`, `_idx`…) belong to
    // their module: outside the model, even where their own `CREATE TABLE` would parse.
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('virtual', 'shadow')")?;
    let modules: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    objects.retain(|o| {
        let module = o.0 == "table" && modules.contains(&o.1);
        if module {
            schema.other_tables.push(o.1.clone());
        }
        !module
    });
    // Tables first, so that indexes and triggers find theirs whatever the rowid order.
    for (_, name, _, sql) in objects.iter().filter(|o| o.0 == "table") {
        match parse_statement(sql) {
            Parsed::Ops { mut ops, .. } if ops.len() == 1 => match ops.remove(0) {
                Op::CreateTable { table, .. } => schema.tables.push(table),
                _ => schema.other_tables.push(name.clone()),
            },
            _ => schema.other_tables.push(name.clone()),
        }
    }
    for (kind, name, table, sql) in &objects {
        let owner = schema
            .tables
            .iter_mut()
            .find(|t| t.name.eq_ignore_ascii_case(table));
        match kind.as_str() {
            "index" => {
                let Some(owner) = owner else { continue };
                match parse_statement(sql) {
                    Parsed::Ops { mut ops, .. } if ops.len() == 1 => {
                        if let Some(Op::CreateIndex { mut index, .. }) = ops.pop() {
                            index.table = owner.name.clone();
                            owner.indexes.push(index);
                        }
                    }
                    // An index the model can't carry: listed, so that its table can't be
                    // rebuilt (the rebuild would lose it).
                    _ => owner.other_indexes.push(name.clone()),
                }
            }
            "trigger" => {
                if let Some(owner) = owner {
                    owner.triggers.push(Trigger {
                        name: name.clone(),
                        table: owner.name.clone(),
                        sql: sql.clone(),
                    });
                }
            }
            "view" => schema.views.push(View {
                name: name.clone(),
                sql: sql.clone(),
            }),
            _ => {}
        }
    }
    Ok(schema)
}
