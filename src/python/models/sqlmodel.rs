//! SQLModel: `class Item(SQLModel, table=True)` with fields `name: T = Field(...)` (or a
//! plain default, or none), read as SQLModel's `get_column_from_field` builds them. The
//! type comes from `sa_column=Column(...)`, `sa_type=`, or the annotation by SQLModel's map
//! (`str` is `VARCHAR` with no length unless `max_length=`, `datetime` is
//! `DateTime(timezone=True)`, `Decimal` takes `max_digits` and `decimal_places`, an
//! `enum.Enum` class of the files is `Enum(...)`); a column is nullable
//! when the annotation admits `None` and it is not a primary key, unless `nullable=` says
//! otherwise. `Field(index=, unique=, foreign_key="t.c", ondelete=)` as in SQLModel;
//! `Relationship(...)`, `ClassVar` and private attributes are not columns.
//!
//! Column order, as `create_all` lays it out: the fields the table class inherits from its
//! plain SQLModel bases (the farthest base first) that it does not redefine, then its own, in
//! the order of its body.

use crate::python::{Expr, ExprKind, Keyword, StmtKind};
use crate::schema::model::{Column, ForeignKey};
use crate::schema::ColumnType;

use super::classes::unquoted;
use super::columns::{action, optional, read_column, ColumnDecl, Context};
use super::enums::{enum_annotation, enum_call};
use super::scan::ClassInfo;
use super::types::{last, sql_type};
use super::Refusal;

/// The columns of a SQLModel table class, `chain` its lineage (itself first).
pub(crate) fn fields(chain: &[&ClassInfo], cx: &Context<'_>) -> Result<Vec<ColumnDecl>, Refusal> {
    let Some((own, bases)) = chain.split_first() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for class in bases.iter().rev() {
        class_fields(class, cx, &mut out)?;
    }
    let mine = {
        let mut mine = Vec::new();
        class_fields(own, cx, &mut mine)?;
        mine
    };
    out.retain(|d: &ColumnDecl| !mine.iter().any(|m| m.attr == d.attr));
    out.extend(mine);
    Ok(out)
}

/// The fields `class` declares, each replacing one of the same name in `out` in place.
fn class_fields(
    class: &ClassInfo,
    cx: &Context<'_>,
    out: &mut Vec<ColumnDecl>,
) -> Result<(), Refusal> {
    {
        for stmt in &class.body {
            let StmtKind::Assign {
                targets,
                annotation: Some(annotation),
                value,
            } = &stmt.kind
            else {
                continue;
            };
            let [target] = targets.as_slice() else {
                continue;
            };
            let Some(attr) = target.as_name().filter(|a| !a.starts_with('_')) else {
                continue;
            };
            let annotation = unquoted(annotation)?;
            if is_class_var(&annotation) || is_relationship(value.as_ref()) {
                continue;
            }
            let decl = field(attr, &annotation, value.as_ref(), stmt.line, cx)?;
            match out.iter().position(|d| d.attr == attr) {
                Some(at) => out[at] = decl,
                None => out.push(decl),
            }
        }
    }
    Ok(())
}

fn is_class_var(annotation: &Expr) -> bool {
    let head = match &annotation.kind {
        ExprKind::Subscript { value, .. } => value.dotted(),
        _ => annotation.dotted(),
    };
    head.is_some_and(|h| last(&h) == "ClassVar")
}

fn is_relationship(value: Option<&Expr>) -> bool {
    matches!(value.map(|v| &v.kind), Some(ExprKind::Call { func, .. })
        if func.dotted().is_some_and(|f| last(&f) == "Relationship"))
}

/// One field: `attr: annotation = value`.
fn field(
    attr: &str,
    annotation: &Expr,
    value: Option<&Expr>,
    line: usize,
    cx: &Context<'_>,
) -> Result<ColumnDecl, Refusal> {
    let keywords: &[Keyword] = match value.map(|v| &v.kind) {
        Some(ExprKind::Call { func, keywords, .. })
            if func.dotted().is_some_and(|f| last(&f) == "Field") =>
        {
            keywords
        }
        _ => &[],
    };
    let kw = |name: &str| keywords.iter().find(|k| k.name == name).map(|k| &k.value);
    let flag = |name: &str| kw(name).is_some_and(|v| v.kind == ExprKind::Bool(true));
    if let Some(column) = kw("sa_column") {
        return sa_column(attr, column, cx);
    }
    for unread in ["sa_column_args", "sa_column_kwargs"] {
        if kw(unread).is_some() {
            return Err((line, format!("Field({unread}=...) is not read")));
        }
    }
    let (inner, optional) = optional(annotation);
    let ty = match kw("sa_type") {
        Some(t) => match enum_call(t, cx.enums, cx.dialect)? {
            Some(e) => e.ty,
            None => sql_type(t, cx.options)?
                .ok_or_else(|| (t.line, "sa_type= must be a SQLAlchemy type".to_string()))?,
        },
        None => field_type(inner, keywords, cx)?,
    };
    let primary_key = flag("primary_key");
    let nullable = match kw("nullable").map(|v| &v.kind) {
        Some(ExprKind::Bool(b)) => *b,
        Some(_) => return Err((line, "nullable must be True or False".to_string())),
        None => optional && !primary_key,
    };
    let mut foreign_keys = Vec::new();
    if let Some(target) = kw("foreign_key") {
        foreign_keys.push(foreign_key(attr, target, keywords)?);
    }
    Ok(ColumnDecl {
        column: Column {
            name: attr.to_string(),
            ty,
            nullable: nullable && !primary_key,
            default: None,
            identity: false,
        },
        attr: attr.to_string(),
        key: attr.to_string(),
        primary_key,
        unique: flag("unique"),
        index: flag("index"),
        foreign_keys,
        checks: Vec::new(),
    })
}

/// `sa_column=Column(...)`: the column as written, named after the field unless it names
/// itself.
fn sa_column(attr: &str, column: &Expr, cx: &Context<'_>) -> Result<ColumnDecl, Refusal> {
    match &column.kind {
        ExprKind::Call {
            func,
            args,
            keywords,
        } if func.dotted().is_some_and(|f| last(&f) == "Column") => {
            read_column(attr, None, Some((args, keywords, false)), column.line, cx)
        }
        _ => Err((column.line, "sa_column= must be a Column(...)".to_string())),
    }
}

/// `Field(foreign_key="table.column", ondelete=...)`.
fn foreign_key(attr: &str, target: &Expr, keywords: &[Keyword]) -> Result<ForeignKey, Refusal> {
    let bad = || {
        (
            target.line,
            "foreign_key= takes a \"table.column\" string".to_string(),
        )
    };
    let (table, column) = target
        .as_str()
        .and_then(|t| t.split_once('.'))
        .filter(|(_, c)| !c.contains('.'))
        .ok_or_else(bad)?;
    Ok(ForeignKey {
        name: None,
        columns: vec![attr.to_string()],
        ref_table: table.to_string(),
        ref_columns: vec![column.to_string()],
        on_delete: action(target.line, keywords, "ondelete")?,
        on_update: Default::default(),
    })
}

/// SQLModel's `get_sqlalchemy_type` for an annotation type.
fn field_type(t: &Expr, keywords: &[Keyword], cx: &Context<'_>) -> Result<ColumnType, Refusal> {
    if let Some(e) = enum_annotation(t, cx.enums, &[], cx.dialect)? {
        return Ok(e.ty);
    }
    let int = |name: &str| match keywords
        .iter()
        .find(|k| k.name == name)
        .map(|k| &k.value.kind)
    {
        Some(ExprKind::Int(n)) => Some(*n),
        _ => None,
    };
    let name = t
        .dotted()
        .or_else(|| t.as_str().map(str::to_string))
        .ok_or_else(|| (t.line, "a field type this reader can't read".to_string()))?;
    Ok(match last(&name) {
        "str" | "EmailStr" | "Path" | "IPv4Address" | "IPv4Network" | "IPv6Address"
        | "IPv6Network" => ColumnType::Varchar(int("max_length").map(i64::unsigned_abs)),
        "float" => ColumnType::Double,
        "bool" => ColumnType::Boolean,
        "int" => ColumnType::Integer,
        "datetime" | "AwareDatetime" => ColumnType::TimestampTz,
        "NaiveDatetime" => ColumnType::Timestamp,
        "date" => ColumnType::Date,
        "time" => ColumnType::Time,
        "bytes" => ColumnType::Blob,
        "Decimal" => ColumnType::Numeric(
            int("max_digits").map(|p| (p.unsigned_abs(), int("decimal_places"))),
        ),
        "UUID" => ColumnType::Uuid,
        other => {
            return Err((
                t.line,
                format!(
                    "no SQL type for the SQLModel field type '{other}' (give Field an sa_type= \
                     or an sa_column=)"
                ),
            ))
        }
    })
}
