//! `Enum(...)` columns: an `enum.Enum` class of the files (or string members) stored as
//! SQLAlchemy 2.x stores it where no native enum type is made: `VARCHAR(n)`, `n` the longest
//! member *name* (SQLAlchemy persists names, not values) unless `length=` says otherwise, with
//! `CHECK (col IN (...))` only under `create_constraint=True`, named by the enum's name (the
//! class name in lower case unless `name=`). That is the type on SQLite, and on PostgreSQL
//! with `native_enum=False`. A native PostgreSQL enum (`CREATE TYPE`) is outside the portable
//! model and refused, as is `values_callable` (a function, not read).

use crate::python::{Expr, ExprKind, Keyword, Stmt, StmtKind};
use crate::schema::model::Check;
use crate::schema::parse::normalize_expr;
use crate::schema::ColumnType;
use crate::Dialect;

use super::scan::Found;
use super::types::last;
use super::Refusal;

/// An enum class of the files: its name and its members' names, in order.
pub(crate) type EnumClass = (String, Vec<String>);

/// The `enum.Enum` subclasses of the files (`Enum`, `IntEnum`, `StrEnum`, with or without a
/// `str` mixin): members are the class body's plain names not starting with `_`.
pub(crate) fn enum_classes(found: &Found) -> Vec<EnumClass> {
    found
        .classes
        .iter()
        .filter(|c| {
            c.bases
                .iter()
                .any(|b| matches!(last(b), "Enum" | "IntEnum" | "StrEnum"))
        })
        .map(|c| (c.name.clone(), members(&c.body)))
        .collect()
}

fn members(body: &[Stmt]) -> Vec<String> {
    let mut out = Vec::new();
    for stmt in body {
        if let StmtKind::Assign { targets, value, .. } = &stmt.kind {
            if value.is_none() {
                continue;
            }
            for t in targets {
                if let Some(n) = t.as_name().filter(|n| !n.starts_with('_')) {
                    out.push(n.to_string());
                }
            }
        }
    }
    out
}

/// An enum column's type, and the members its `CHECK` holds when it has one.
pub(crate) struct EnumType {
    pub ty: ColumnType,
    /// `(constraint name, members)` under `create_constraint=True`.
    pub check: Option<(Option<String>, Vec<String>)>,
}

/// The type of `e` if it is `Enum(...)`.
pub(crate) fn enum_call(
    e: &Expr,
    enums: &[EnumClass],
    dialect: Dialect,
) -> Result<Option<EnumType>, Refusal> {
    let ExprKind::Call {
        func,
        args,
        keywords,
    } = &e.kind
    else {
        return Ok(None);
    };
    if func.dotted().as_deref().map(last) != Some("Enum") {
        return Ok(None);
    }
    let (members, class_name) = match args.first() {
        Some(first) if first.as_str().is_some() => {
            let members = args
                .iter()
                .map(|a| a.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| (e.line, "Enum(...) members must all be strings".to_string()))?;
            (members, None)
        }
        Some(first) => {
            let class = first.dotted().and_then(|d| {
                enums
                    .iter()
                    .find(|(n, _)| *n == last(&d))
                    .map(|(n, m)| (m.clone(), Some(n.to_lowercase())))
            });
            class.ok_or_else(|| {
                (
                    e.line,
                    "Enum(...) takes an enum.Enum class of the files, or string members"
                        .to_string(),
                )
            })?
        }
        None => return Err((e.line, "Enum() without members".to_string())),
    };
    let settings = Settings::read(e.line, keywords)?;
    enum_type(e.line, members, class_name, &settings, dialect).map(Some)
}

/// `Mapped[Status]` with `Status` an enum class of the files: the base's
/// `type_annotation_map` entry for it when that is an `Enum(...)`, else `Enum(Status)`.
pub(crate) fn enum_annotation(
    e: &Expr,
    enums: &[EnumClass],
    map: &[(Expr, Expr)],
    dialect: Dialect,
) -> Result<Option<EnumType>, Refusal> {
    let Some(name) = e.dotted().or_else(|| e.as_str().map(str::to_string)) else {
        return Ok(None);
    };
    for (key, value) in map {
        if key.dotted().is_some_and(|k| last(&k) == last(&name)) {
            if let Some(t) = enum_call(value, enums, dialect)? {
                return Ok(Some(t));
            }
        }
    }
    let Some((class, members)) = enums.iter().find(|(n, _)| *n == last(&name)) else {
        return Ok(None);
    };
    let settings = Settings::default();
    enum_type(
        e.line,
        members.clone(),
        Some(class.to_lowercase()),
        &settings,
        dialect,
    )
    .map(Some)
}

#[derive(Default)]
struct Settings {
    native: Option<bool>,
    create_constraint: bool,
    length: Option<u64>,
    name: Option<String>,
}

impl Settings {
    fn read(line: usize, keywords: &[Keyword]) -> Result<Settings, Refusal> {
        let mut s = Settings::default();
        for k in keywords {
            match (k.name.as_str(), &k.value.kind) {
                ("native_enum", ExprKind::Bool(b)) => s.native = Some(*b),
                ("create_constraint", ExprKind::Bool(b)) => s.create_constraint = *b,
                ("length", ExprKind::Int(n)) => s.length = Some(n.unsigned_abs()),
                ("name", ExprKind::Str(n)) => s.name = Some(n.clone()),
                ("validate_strings" | "inherit_schema" | "omit_aliases", _) => {}
                ("values_callable", _) => {
                    return Err((
                        line,
                        "Enum(values_callable=...) is not read (a function; without it \
                         SQLAlchemy stores the member names)"
                            .to_string(),
                    ))
                }
                (other, _) => {
                    return Err((line, format!("Enum({other}=...) is not read")));
                }
            }
        }
        Ok(s)
    }
}

fn enum_type(
    line: usize,
    members: Vec<String>,
    class_name: Option<String>,
    s: &Settings,
    dialect: Dialect,
) -> Result<EnumType, Refusal> {
    if dialect == Dialect::Postgresql && s.native != Some(false) {
        return Err((
            line,
            "a native PostgreSQL enum type (CREATE TYPE) is outside the portable model: give \
             Enum native_enum=False to store it as VARCHAR(n)"
                .to_string(),
        ));
    }
    let longest = members.iter().map(|m| m.chars().count()).max().unwrap_or(0);
    let length = s.length.unwrap_or(longest as u64);
    let name = s.name.clone().or(class_name);
    Ok(EnumType {
        ty: ColumnType::Varchar(Some(length)),
        check: s.create_constraint.then_some((name, members)),
    })
}

/// The `CHECK` of an enum column `column`.
pub(crate) fn check(column: &str, name: Option<String>, members: &[String]) -> Check {
    let quoted: Vec<String> = members
        .iter()
        .map(|m| format!("'{}'", m.replace('\'', "''")))
        .collect();
    Check {
        name,
        expr: normalize_expr(&format!("{column} IN ({})", quoted.join(", "))),
    }
}
