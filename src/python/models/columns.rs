//! One column: `name: Mapped[T] = mapped_column(...)`, `name: Mapped[T]`, `name =
//! Column(...)`, or a `Column("name", ...)` of a `Table(...)`, read into a [`ColumnDecl`].

use crate::python::{Expr, ExprKind, Keyword};
use crate::schema::model::{Action, Check, Column, ForeignKey};
use crate::schema::parse::normalize_expr;
use crate::schema::ColumnType;
use crate::Dialect;

use super::enums::{self, enum_annotation, enum_call, EnumClass};
use super::types::{column_type, last, python_type};
use super::{ReadOptions, Refusal};

/// A column and what it declares besides itself.
#[derive(Clone, Debug)]
pub(crate) struct ColumnDecl {
    pub column: Column,
    /// The attribute it is bound to in a class (empty in a `Table(...)`).
    pub attr: String,
    /// The column's key: `key=`, else its name (a class's attribute name does not change
    /// it); constraints of the table name their columns by it.
    pub key: String,
    pub primary_key: bool,
    pub unique: bool,
    pub index: bool,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<Check>,
}

/// What the reader knows where the column is declared.
pub(crate) struct Context<'a> {
    pub options: &'a ReadOptions,
    /// The base's `type_annotation_map`.
    pub annotation_map: &'a [(Expr, Expr)],
    pub dialect: Dialect,
    /// The `enum.Enum` classes of the files.
    pub enums: &'a [EnumClass],
}

/// `Mapped[T]`'s `T` and whether it is optional, or `None` if `annotation` is not `Mapped`.
fn mapped_type(annotation: &Expr) -> Option<(&Expr, bool)> {
    let ExprKind::Subscript { value, index } = &annotation.kind else {
        return None;
    };
    if value.dotted().map(|d| last(&d).to_string()).as_deref() != Some("Mapped") {
        return None;
    }
    Some(optional(index))
}

/// `Optional[X]`, `Union[X, None]`, `X | None` (either order): `(X, true)`; else `(e, false)`.
pub(crate) fn optional(e: &Expr) -> (&Expr, bool) {
    match &e.kind {
        ExprKind::Subscript { value, index } => {
            let head = value.dotted().map(|d| last(&d).to_string());
            match (head.as_deref(), &index.kind) {
                (Some("Optional"), _) => (optional(index).0, true),
                (Some("Union"), ExprKind::Tuple(items)) => {
                    none_pair(&items[0], items.get(1)).unwrap_or((e, false))
                }
                _ => (e, false),
            }
        }
        ExprKind::BinOp { left, op, right } if op == "|" => {
            none_pair(left, Some(right)).unwrap_or((e, false))
        }
        _ => (e, false),
    }
}

fn none_pair<'e>(a: &'e Expr, b: Option<&'e Expr>) -> Option<(&'e Expr, bool)> {
    let b = b?;
    match (&a.kind, &b.kind) {
        (_, ExprKind::None) => Some((a, true)),
        (ExprKind::None, _) => Some((b, true)),
        _ => None,
    }
}

/// Whether `annotation` is `Mapped[...]`.
pub(crate) fn is_mapped(annotation: &Expr) -> bool {
    mapped_type(annotation).is_some()
}

/// The column of attribute `attr`: `annotation` is its `Mapped[...]` (if any), `call` its
/// `mapped_column(...)` / `Column(...)` (if any).
pub(crate) fn read_column(
    attr: &str,
    annotation: Option<&Expr>,
    call: Option<(&[Expr], &[Keyword], bool)>,
    line: usize,
    cx: &Context<'_>,
) -> Result<ColumnDecl, Refusal> {
    let (args, keywords, is_mapped_column) = call.unwrap_or((&[], &[], true));
    let kw = |name: &str| keywords.iter().find(|k| k.name == name).map(|k| &k.value);
    let flag = |name: &str| kw(name).map(|v| v.kind == ExprKind::Bool(true));
    let mut name = attr.to_string();
    let mut ty = None;
    let mut decl = ColumnDecl {
        column: placeholder(),
        attr: attr.to_string(),
        key: String::new(),
        primary_key: flag("primary_key").unwrap_or(false),
        unique: flag("unique").unwrap_or(false),
        index: flag("index").unwrap_or(false),
        foreign_keys: Vec::new(),
        checks: Vec::new(),
    };
    let mut enum_check = None;
    for (i, arg) in args.iter().enumerate() {
        if let (0, Some(s)) = (i, arg.as_str()) {
            name = s.to_string();
            continue;
        }
        if let Some(t) = enum_call(arg, cx.enums, cx.dialect)? {
            enum_check = t.check;
            ty = Some(t.ty);
            continue;
        }
        if let Some(t) = column_type(arg, cx.dialect, cx.options)? {
            ty = Some(t);
            continue;
        }
        positional(arg, &name, &mut decl)?;
    }
    if let Some(n) = kw("name").and_then(Expr::as_str) {
        name = n.to_string();
    }
    if let Some(t) = kw("type_") {
        ty = column_type(t, cx.dialect, cx.options)?;
    }
    let (ty, optional) = resolved_type(ty, annotation, attr, line, cx)?;
    let nullable = match kw("nullable").map(|v| &v.kind) {
        Some(ExprKind::Bool(b)) => *b,
        Some(_) => return Err((line, "nullable must be True or False".to_string())),
        None if decl.primary_key => false,
        None if is_mapped_column => optional.unwrap_or(true),
        None => true,
    };
    let default = match kw("server_default") {
        Some(e) => Some(server_default(e, cx.dialect)?),
        None => None,
    };
    for fk in &mut decl.foreign_keys {
        fk.columns = vec![name.clone()];
    }
    if let Some((check_name, members)) = enum_check {
        decl.checks.push(enums::check(&name, check_name, &members));
    }
    decl.key = kw("key")
        .and_then(Expr::as_str)
        .unwrap_or(&name)
        .to_string();
    decl.column = Column {
        name,
        ty,
        nullable: nullable && !decl.primary_key,
        default,
        identity: decl.column.identity,
    };
    Ok(decl)
}

/// The column's type (`given` by the call, else from the `Mapped[...]` annotation) and
/// whether the annotation admits `None` (when there is one).
fn resolved_type(
    given: Option<ColumnType>,
    annotation: Option<&Expr>,
    attr: &str,
    line: usize,
    cx: &Context<'_>,
) -> Result<(ColumnType, Option<bool>), Refusal> {
    let (declared_type, optional) = match annotation.and_then(mapped_type) {
        Some((t, opt)) => (Some(t), Some(opt)),
        None => (None, None),
    };
    let ty = match (given, declared_type) {
        (Some(t), _) => t,
        (None, Some(t)) => match enum_annotation(t, cx.enums, cx.annotation_map, cx.dialect)? {
            Some(e) => e.ty,
            None => python_type(t, cx.annotation_map, cx.options)?,
        },
        (None, None) => return Err((line, format!("the column '{attr}' has no type"))),
    };
    Ok((ty, optional))
}

fn placeholder() -> Column {
    Column {
        name: String::new(),
        ty: ColumnType::Integer,
        nullable: true,
        default: None,
        identity: false,
    }
}

/// A positional argument other than the name and the type: `ForeignKey(...)`, `Identity()`,
/// a column-level `CheckConstraint(...)`.
fn positional(arg: &Expr, column: &str, decl: &mut ColumnDecl) -> Result<(), Refusal> {
    let ExprKind::Call {
        func,
        args,
        keywords,
    } = &arg.kind
    else {
        return Err((
            arg.line,
            "a column argument this reader can't read".to_string(),
        ));
    };
    let func = func.dotted().unwrap_or_default();
    match last(&func) {
        "ForeignKey" => decl
            .foreign_keys
            .push(foreign_key(arg.line, args, keywords, column)?),
        "Identity" => decl.column.identity = true,
        "CheckConstraint" => decl.checks.push(check(arg.line, args, keywords)?),
        other => {
            return Err((
                arg.line,
                format!("the column argument '{other}(...)' is outside what this reader reads"),
            ))
        }
    }
    Ok(())
}

/// `ForeignKey("table.column", ondelete=..., onupdate=..., name=...)`.
fn foreign_key(
    line: usize,
    args: &[Expr],
    keywords: &[Keyword],
    column: &str,
) -> Result<ForeignKey, Refusal> {
    let Some(target) = args.first().and_then(Expr::as_str) else {
        return attribute_foreign_key(line, args, keywords, column);
    };
    let Some((table, col)) = target.split_once('.').filter(|(_, c)| !c.contains('.')) else {
        return Err((
            line,
            format!("ForeignKey(\"{target}\"): expected \"table.column\""),
        ));
    };
    Ok(ForeignKey {
        name: keyword_str(keywords, "name").map(str::to_string),
        columns: vec![column.to_string()],
        ref_table: table.to_string(),
        ref_columns: vec![col.to_string()],
        on_delete: action(line, keywords, "ondelete")?,
        on_update: action(line, keywords, "onupdate")?,
    })
}

/// Marks a foreign key whose target is an attribute (`User.id`, `User.__table__.c.id`,
/// `users.c.id`): its `ref_table` is this mark, the line, the mark again and the dotted
/// target, resolved once every class and table of the files is known.
pub(crate) const PENDING: char = '\u{1}';

fn attribute_foreign_key(
    line: usize,
    args: &[Expr],
    keywords: &[Keyword],
    column: &str,
) -> Result<ForeignKey, Refusal> {
    let Some(target) = args
        .first()
        .and_then(Expr::dotted)
        .filter(|d| d.contains('.'))
    else {
        return Err((
            line,
            "ForeignKey takes a \"table.column\" string or a Class.attribute here".to_string(),
        ));
    };
    Ok(ForeignKey {
        name: keyword_str(keywords, "name").map(str::to_string),
        columns: vec![column.to_string()],
        ref_table: format!("{PENDING}{line}{PENDING}{target}"),
        ref_columns: Vec::new(),
        on_delete: action(line, keywords, "ondelete")?,
        on_update: action(line, keywords, "onupdate")?,
    })
}

pub(crate) fn keyword_str<'k>(keywords: &'k [Keyword], name: &str) -> Option<&'k str> {
    keywords
        .iter()
        .find(|k| k.name == name)
        .and_then(|k| k.value.as_str())
}

/// `ondelete="CASCADE"` and the like.
pub(crate) fn action(line: usize, keywords: &[Keyword], key: &str) -> Result<Action, Refusal> {
    let Some(value) = keywords.iter().find(|k| k.name == key) else {
        return Ok(Action::NoAction);
    };
    let text = value.value.as_str().unwrap_or("").to_ascii_uppercase();
    Ok(
        match text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str()
        {
            "CASCADE" => Action::Cascade,
            "SET NULL" => Action::SetNull,
            "SET DEFAULT" => Action::SetDefault,
            "RESTRICT" => Action::Restrict,
            "NO ACTION" => Action::NoAction,
            _ => {
                return Err((
                    line,
                    format!(
                        "{key}: expected CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION"
                    ),
                ))
            }
        },
    )
}

/// `CheckConstraint("sql", name=...)`.
pub(crate) fn check(line: usize, args: &[Expr], keywords: &[Keyword]) -> Result<Check, Refusal> {
    let sql = args
        .first()
        .and_then(Expr::as_str)
        .ok_or_else(|| (line, "CheckConstraint takes a SQL string here".to_string()))?;
    Ok(Check {
        name: keyword_str(keywords, "name").map(str::to_string),
        expr: normalize_expr(sql),
    })
}

/// A `server_default`: a string literal, `text("sql")`, `func.name()`, `true()`/`false()`.
fn server_default(e: &Expr, dialect: Dialect) -> Result<String, Refusal> {
    let refuse = || {
        (
            e.line,
            "server_default must be a string, text(\"...\"), func.<name>() or true()/false()"
                .to_string(),
        )
    };
    let sql = match &e.kind {
        ExprKind::Str(s) => format!("'{}'", s.replace('\'', "''")),
        ExprKind::Call {
            func,
            args,
            keywords,
        } if keywords.is_empty() => {
            let name = func.dotted().ok_or_else(refuse)?;
            match (last(&name), args.as_slice()) {
                ("text", [arg]) => arg.as_str().ok_or_else(refuse)?.to_string(),
                ("true", []) if dialect == Dialect::Sqlite => "1".to_string(),
                ("false", []) if dialect == Dialect::Sqlite => "0".to_string(),
                ("true" | "false", []) => last(&name).to_string(),
                ("now", []) if name.contains("func") => match dialect {
                    Dialect::Sqlite => "CURRENT_TIMESTAMP".to_string(),
                    Dialect::Postgresql => "now()".to_string(),
                },
                (f, []) if name.contains("func") => match f {
                    "current_timestamp" | "current_date" | "current_time" => f.to_ascii_uppercase(),
                    _ => format!("{f}()"),
                },
                _ => return Err(refuse()),
            }
        }
        _ => return Err(refuse()),
    };
    Ok(normalize_expr(&sql))
}
