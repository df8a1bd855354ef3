//! PostgreSQL introspection: the tables of the current schema (the first on the
//! `search_path`), from `pg_catalog`.
//!
//! Columns come from `pg_attribute` with `format_type`; constraints and indexes come back as
//! the DDL PostgreSQL prints for them and go through the model's parser. The text PostgreSQL
//! prints is normalised towards what a script would say: casts it adds to literals and
//! columns (`'x'::character varying`, `(0)::numeric`) are removed, an index's `USING btree`
//! and schema prefix are dropped, a serial's `nextval(…)` default is an auto-increment flag,
//! and a constraint named the way PostgreSQL names an unnamed one (`t_pkey`, `t_a_key`,
//! `t_a_fkey`, `t_a_check`) is unnamed in the model, as it was in the script (see [`unname`]).
//! A column of a type outside the map, a generated column or an index the model can't read
//! (`USING gin`, or one on such a column) is listed by name in the table's `other_columns` /
//! `other_indexes`, and the rest of the table is read as usual; a constraint the model can't
//! read puts the whole table in `other_tables`.
//!
//! Every value is read with a checked access: a NULL or a value of another type where the
//! catalog always has one is an [`IntrospectError`], never a panic. A definition function
//! (`pg_get_triggerdef`, `pg_get_constraintdef`, `pg_get_indexdef`, a view's definition)
//! answers NULL for an object dropped between the catalog scan and the call (concurrent DDL):
//! that object is gone, and is left out.

use postgres::types::{FromSql, Oid};
use postgres::{Client, Row};

use crate::schema::names;
use crate::schema::parse::normalize_expr;
use crate::schema::{
    parse_statement, Column, ColumnType, Constraint, Index, Op, Parsed, Schema, Table, Trigger,
    View,
};

/// A catalog query failed, or answered with a value its column can't hold.
#[derive(Debug, thiserror::Error)]
pub enum IntrospectError {
    /// The query itself failed.
    #[error("can't read the {what} from pg_catalog: {}", crate::db::postgres::error_message(.source))]
    Query {
        what: &'static str,
        #[source]
        source: postgres::Error,
    },
    /// A value the catalog always has (a name, a type) came back NULL or of another type.
    #[error("unexpected answer from pg_catalog for the {what}: column {column} {}", decode_problem(.source))]
    Decode {
        what: &'static str,
        column: usize,
        #[source]
        source: postgres::Error,
    },
}

/// `is NULL` or the driver's words for a value of the wrong type.
fn decode_problem(err: &postgres::Error) -> String {
    use std::error::Error as _;
    match err.source() {
        Some(cause) if cause.is::<postgres::types::WasNull>() => "is NULL".to_string(),
        Some(cause) => format!("can't be read: {cause}"),
        None => format!("can't be read: {err}"),
    }
}

/// Runs one catalog query.
fn query(
    client: &mut Client,
    what: &'static str,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<Row>, IntrospectError> {
    client
        .query(sql, params)
        .map_err(|source| IntrospectError::Query { what, source })
}

/// Column `column` of a catalog row, where `Option<…>` reads a NULL as `None` and any other
/// type refuses it.
fn get<'a, T: FromSql<'a>>(
    row: &'a Row,
    what: &'static str,
    column: usize,
) -> Result<T, IntrospectError> {
    row.try_get(column)
        .map_err(|source| IntrospectError::Decode {
            what,
            column,
            source,
        })
}

/// Reads the current schema.
pub fn introspect(client: &mut Client) -> Result<Schema, IntrospectError> {
    let mut schema = Schema::default();
    let tables = query(
        client,
        "tables",
        "SELECT c.oid, c.relname::text FROM pg_catalog.pg_class c \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.oid",
        &[],
    )?;
    for row in tables {
        let oid: Oid = get(&row, "tables", 0)?;
        let name: String = get(&row, "tables", 1)?;
        match table(client, oid, &name)? {
            Some(t) => schema.tables.push(t),
            None => schema.other_tables.push(name),
        }
    }
    let views = query(
        client,
        "views",
        "SELECT viewname::text, definition FROM pg_catalog.pg_views \
         WHERE schemaname = current_schema() ORDER BY viewname",
        &[],
    )?;
    for row in &views {
        schema.views.extend(view(row)?);
    }
    Ok(schema)
}

/// A view from a row of `viewname, definition`. The definition is NULL when the view was
/// dropped after the catalog was scanned (concurrent DDL): the view is gone, so `None`.
pub fn view(row: &Row) -> Result<Option<View>, IntrospectError> {
    let name: String = get(row, "views", 0)?;
    let sql: Option<String> = get(row, "views", 1)?;
    Ok(sql.map(|sql| View { name, sql }))
}

/// A trigger of `table` from a row of `tgname, pg_get_triggerdef(oid)`. The definition is
/// NULL when the trigger was dropped after the catalog was scanned: the trigger is gone, so
/// `None`.
pub fn trigger(row: &Row, table: &str) -> Result<Option<Trigger>, IntrospectError> {
    let name: String = get(row, "triggers", 0)?;
    let sql: Option<String> = get(row, "triggers", 1)?;
    Ok(sql.map(|sql| Trigger {
        name,
        table: table.to_string(),
        sql,
    }))
}

/// One table; `None` when something of it is outside the model.
fn table(client: &mut Client, oid: Oid, name: &str) -> Result<Option<Table>, IntrospectError> {
    let mut t = Table::new(name);
    read_columns(client, oid, &mut t)?;
    if !read_constraints(client, oid, &mut t)? {
        return Ok(None);
    }
    read_indexes(client, oid, &mut t)?;
    let triggers = query(
        client,
        "triggers",
        "SELECT tgname::text, pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger \
         WHERE tgrelid = $1 AND NOT tgisinternal ORDER BY tgname",
        &[&oid],
    )?;
    for row in &triggers {
        t.triggers.extend(trigger(row, name)?);
    }
    let keys = t.primary_key.as_ref().map(|pk| pk.columns.clone());
    for c in &mut t.columns {
        if keys.as_ref().is_some_and(|k| k.contains(&c.name)) {
            c.nullable = false;
        }
    }
    Ok(Some(t))
}

/// The table's columns, in order; one the model can't carry goes to `other_columns`.
fn read_columns(client: &mut Client, oid: Oid, t: &mut Table) -> Result<(), IntrospectError> {
    let rows = query(
        client,
        "columns",
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
                pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text \
         FROM pg_catalog.pg_attribute a \
         LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        &[&oid],
    )?;
    for row in &rows {
        let (name, attribute) = Attribute::read(row)?;
        match attribute.column(name) {
            Ok(c) => t.columns.push(c),
            Err(name) => t.other_columns.push(name),
        }
    }
    Ok(())
}

/// What `pg_attribute` (with the column's default) says of a column.
struct Attribute {
    type_name: String,
    not_null: bool,
    default: Option<String>,
    /// `attidentity`: `a` (always), `d` (by default) or empty.
    identity: String,
    /// `attgenerated`: empty unless the column is generated.
    generated: String,
}

impl Attribute {
    /// A column's name and attribute from a row of the columns query.
    fn read(row: &Row) -> Result<(String, Attribute), IntrospectError> {
        let what = "columns";
        let attribute = Attribute {
            type_name: get(row, what, 1)?,
            not_null: get(row, what, 2)?,
            default: get(row, what, 3)?,
            identity: get(row, what, 4)?,
            generated: get(row, what, 5)?,
        };
        Ok((get(row, what, 0)?, attribute))
    }

    /// The column named `name`, or the name back when the model can't carry the column (a
    /// type outside the map, `GENERATED ALWAYS`).
    fn column(self, name: String) -> Result<Column, String> {
        let ty = column_type(&self.type_name)
            .filter(|_| self.identity != "a" && self.generated.is_empty());
        let Some(ty) = ty else {
            return Err(name);
        };
        let serial = self
            .default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("));
        Ok(Column {
            name,
            ty,
            nullable: !self.not_null,
            default: if serial {
                None
            } else {
                self.default.as_deref().map(normalize_expr)
            },
            identity: self.identity == "d" || serial,
        })
    }
}

/// The table's keys, foreign keys and checks; `false` when one is outside the model. A
/// constraint whose definition is NULL was dropped after the catalog was scanned, and is
/// skipped.
fn read_constraints(client: &mut Client, oid: Oid, t: &mut Table) -> Result<bool, IntrospectError> {
    let what = "constraints";
    let rows = query(
        client,
        what,
        "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint \
         WHERE conrelid = $1 AND contype IN ('p', 'u', 'f', 'c') ORDER BY conname",
        &[&oid],
    )?;
    for row in &rows {
        let cname: String = get(row, what, 0)?;
        let Some(def) = get::<Option<String>>(row, what, 1)? else {
            continue;
        };
        let Some(constraint) = constraint(&cname, &def) else {
            return Ok(false);
        };
        let constraint = unname(&t.name, constraint);
        add(t, constraint);
    }
    Ok(true)
}

/// A constraint from its name and `pg_get_constraintdef`, through the model's parser.
fn constraint(cname: &str, def: &str) -> Option<Constraint> {
    let sql = format!("ALTER TABLE t ADD CONSTRAINT {} {def}", quote(cname));
    let Parsed::Ops { mut ops, .. } = parse_statement(&sql) else {
        return None;
    };
    match ops.pop() {
        Some(Op::AddConstraint { constraint, .. }) => Some(constraint),
        _ => None,
    }
}

/// The indexes that aren't a key's; one the model can't read goes to `other_indexes`. An
/// index whose definition is NULL was dropped after the catalog was scanned, and is skipped.
fn read_indexes(client: &mut Client, oid: Oid, t: &mut Table) -> Result<(), IntrospectError> {
    let what = "indexes";
    let rows = query(
        client,
        what,
        "SELECT ic.relname::text, pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i \
         JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
         WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c \
             WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x')) \
         ORDER BY i.indexrelid",
        &[&oid],
    )?;
    for row in &rows {
        let index_name: String = get(row, what, 0)?;
        let Some(def) = get::<Option<String>>(row, what, 1)? else {
            continue;
        };
        match index(&def, &t.other_columns) {
            Some(index) => t.indexes.push(index),
            None => t.other_indexes.push(index_name),
        }
    }
    Ok(())
}

/// An index from `pg_get_indexdef`, with PostgreSQL's casts taken out of its expressions;
/// `None` when the model can't read it or it is on one of `other_columns`.
fn index(def: &str, other_columns: &[String]) -> Option<Index> {
    let sql = strip_schema(&def.replacen(" USING btree ", " ", 1));
    let mut index = match parse_statement(&sql) {
        Parsed::Ops { mut ops, .. } => match ops.pop() {
            Some(Op::CreateIndex { index, .. }) => index,
            _ => return None,
        },
        Parsed::Verbatim { .. } => return None,
    };
    if index
        .columns
        .iter()
        .any(|p| other_columns.contains(&p.expr))
    {
        return None;
    }
    for p in &mut index.columns {
        if !p.is_column {
            p.expr = normalize_expr(&p.expr);
        }
    }
    index.predicate = index.predicate.as_deref().map(normalize_expr);
    Some(index)
}

/// `CREATE INDEX ix ON public.t (a)` → `CREATE INDEX ix ON t (a)`.
fn strip_schema(def: &str) -> String {
    let Some(at) = def.find(" ON ") else {
        return def.to_string();
    };
    let (head, tail) = def.split_at(at + 4);
    let first = tail.split(' ').next().unwrap_or("");
    match first.find('.') {
        Some(dot) if !first.starts_with('"') => format!("{head}{}", &tail[dot + 1..]),
        _ => def.to_string(),
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn add(t: &mut Table, c: Constraint) {
    match c {
        Constraint::PrimaryKey(pk) => t.primary_key = Some(pk),
        Constraint::Unique(u) => t.uniques.push(u),
        Constraint::ForeignKey(fk) => t.foreign_keys.push(fk),
        Constraint::Check(mut ch) => {
            ch.expr = normalize_expr(&ch.expr);
            t.checks.push(ch)
        }
    }
}

/// Forgets a name PostgreSQL generated for an unnamed constraint: `<table>_pkey`,
/// `<table>_<columns>_key`, `<table>_<columns>_fkey`, `<table>_<column>_check`. Any table
/// prefix is accepted, because PostgreSQL keeps the generated name when the table is renamed
/// (SQLite has no name to keep), so a constraint named like that by hand is read as unnamed too.
/// A name the server cut to 63 bytes is recognised by computing it as the server does
/// ([`names`]).
fn unname(table: &str, c: Constraint) -> Constraint {
    let generated = |name: &Option<String>, suffix: String, full: String| {
        name.as_deref()
            .is_some_and(|n| (n.len() > suffix.len() && n.ends_with(&suffix)) || n == full)
    };
    match c {
        Constraint::PrimaryKey(mut pk) => {
            if generated(&pk.name, "_pkey".into(), names::primary_key(table)) {
                pk.name = None;
            }
            Constraint::PrimaryKey(pk)
        }
        Constraint::Unique(mut u) => {
            let full = names::unique(table, &u.columns);
            if generated(&u.name, format!("_{}_key", u.columns.join("_")), full) {
                u.name = None;
            }
            Constraint::Unique(u)
        }
        Constraint::ForeignKey(mut fk) => {
            let full = names::foreign_key(table, &fk.columns);
            if generated(&fk.name, format!("_{}_fkey", fk.columns.join("_")), full) {
                fk.name = None;
            }
            Constraint::ForeignKey(fk)
        }
        Constraint::Check(mut ch) => {
            if generated(&ch.name, "_check".into(), String::new()) {
                ch.name = None;
            }
            Constraint::Check(ch)
        }
    }
}

/// The model type of a `format_type` result.
fn column_type(name: &str) -> Option<ColumnType> {
    let (base, args) = match name.split_once('(') {
        Some((b, rest)) => (b, Some(rest.trim_end_matches(')'))),
        None => (name, None),
    };
    let number = |s: &str| s.trim().parse::<u64>().ok();
    Some(match (base, args) {
        ("integer", None) => ColumnType::Integer,
        ("bigint", None) => ColumnType::BigInt,
        ("smallint", None) => ColumnType::SmallInt,
        ("boolean", None) => ColumnType::Boolean,
        ("real", None) => ColumnType::Real,
        ("double precision", None) => ColumnType::Double,
        ("numeric", None) => ColumnType::Numeric(None),
        ("numeric", Some(a)) => match a.split_once(',') {
            Some((p, s)) => ColumnType::Numeric(Some((number(p)?, Some(s.trim().parse().ok()?)))),
            None => ColumnType::Numeric(Some((number(a)?, None))),
        },
        ("character varying", None) => ColumnType::Varchar(None),
        ("character varying", Some(n)) => ColumnType::Varchar(Some(number(n)?)),
        ("text", None) => ColumnType::Text,
        ("date", None) => ColumnType::Date,
        ("time without time zone", None) => ColumnType::Time,
        ("timestamp without time zone", None) => ColumnType::Timestamp,
        ("timestamp with time zone", None) => ColumnType::TimestampTz,
        ("bytea", None) => ColumnType::Blob,
        ("json", None) => ColumnType::Json,
        ("jsonb", None) => ColumnType::Jsonb,
        ("uuid", None) => ColumnType::Uuid,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::model::{IndexPart, PrimaryKey};

    fn attribute(type_name: &str, default: Option<&str>, identity: &str) -> Attribute {
        Attribute {
            type_name: type_name.into(),
            not_null: true,
            default: default.map(String::from),
            identity: identity.into(),
            generated: String::new(),
        }
    }

    #[test]
    fn columns_read_serials_identities_and_casts_the_way_a_script_says_them() {
        let serial = attribute("integer", Some("nextval('t_id_seq'::regclass)"), "");
        assert_eq!(
            serial.column("id".into()),
            Ok(Column {
                name: "id".into(),
                ty: ColumnType::Integer,
                nullable: false,
                default: None,
                identity: true,
            })
        );
        let text = attribute("character varying(20)", Some("'x'::character varying"), "");
        let c = text.column("name".into()).unwrap();
        assert_eq!(
            (c.ty, c.default, c.identity),
            (ColumnType::Varchar(Some(20)), Some("'x'".into()), false)
        );
        assert!(
            attribute("bigint", None, "d")
                .column("n".into())
                .unwrap()
                .identity
        );
        assert_eq!(
            attribute("bigint", None, "a").column("n".into()),
            Err("n".into())
        );
        assert_eq!(
            attribute("tsvector", None, "").column("v".into()),
            Err("v".into())
        );
        let mut generated = attribute("integer", None, "");
        generated.generated = "s".into();
        assert_eq!(generated.column("g".into()), Err("g".into()));
    }

    #[test]
    fn constraints_go_through_the_model_parser() {
        assert_eq!(
            constraint("t_pkey", "PRIMARY KEY (id)").map(|c| unname("t", c)),
            Some(Constraint::PrimaryKey(PrimaryKey {
                name: None,
                columns: vec!["id".into()],
            }))
        );
        assert_eq!(
            constraint("pk_t", "PRIMARY KEY (id)").map(|c| unname("t", c)),
            Some(Constraint::PrimaryKey(PrimaryKey {
                name: Some("pk_t".into()),
                columns: vec!["id".into()],
            }))
        );
        assert_eq!(constraint("ex", "EXCLUDE USING gist (r WITH &&)"), None);
    }

    #[test]
    fn indexes_lose_the_schema_prefix_btree_and_casts() {
        let i = index(
            "CREATE INDEX ix_t_name ON public.t USING btree (lower((name)::text)) WHERE (n > 0)",
            &[],
        )
        .unwrap();
        assert_eq!((i.name.as_str(), i.table.as_str()), ("ix_t_name", "t"));
        assert_eq!(
            i.columns,
            [IndexPart {
                expr: "lower(name)".into(),
                is_column: false,
                descending: false,
            }]
        );
        assert_eq!(i.predicate.as_deref(), Some("n > 0"));
        assert_eq!(
            index("CREATE INDEX ix_v ON public.t USING gin (v)", &[]),
            None
        );
        assert_eq!(
            index(
                "CREATE INDEX ix_v ON public.t USING btree (v)",
                &["v".into()]
            ),
            None
        );
    }
}
