//! Column types: a SQLAlchemy type expression (`String(50)`, `sa.DateTime(timezone=True)`,
//! `postgresql.JSONB`) or a Python annotation type (`int`, `datetime.datetime`) to the
//! portable [`ColumnType`], as `create_all` spells it on both engines.

use crate::python::{Expr, ExprKind};
use crate::schema::ColumnType;
use crate::Dialect;

use super::{ReadOptions, Refusal};

/// The last segment of a dotted name: `String` for `sa.String`.
pub(crate) fn last(dotted: &str) -> &str {
    dotted.rsplit('.').next().unwrap_or(dotted)
}

/// The type a SQLAlchemy type expression names, or `None` when `e` is not a type spelling at
/// all (a `ForeignKey(...)`, a string); an unknown type name is a refusal.
pub(crate) fn sql_type(e: &Expr, options: &ReadOptions) -> Result<Option<ColumnType>, Refusal> {
    let (name, args, keywords) = match &e.kind {
        ExprKind::Call {
            func,
            args,
            keywords,
        } => match func.dotted() {
            Some(n) => (n, args.as_slice(), keywords.as_slice()),
            None => return Ok(None),
        },
        ExprKind::Name(_) | ExprKind::Attribute { .. } => match e.dotted() {
            Some(n) => (n, &[][..], &[][..]),
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    let short = last(&name);
    if let Some((_, ty)) = options
        .types
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(short) || n.eq_ignore_ascii_case(&name))
    {
        return Ok(Some(ty.clone()));
    }
    let int = |i: usize, key: &str| -> Option<i64> {
        let by_key = keywords.iter().find(|k| k.name == key).map(|k| &k.value);
        match by_key.or(args.get(i)).map(|v| &v.kind) {
            Some(ExprKind::Int(n)) => Some(*n),
            _ => None,
        }
    };
    let timezone = keywords
        .iter()
        .any(|k| k.name == "timezone" && k.value.kind == ExprKind::Bool(true))
        || matches!(args.first().map(|a| &a.kind), Some(ExprKind::Bool(true)));
    let ty = match short {
        "Integer" | "INTEGER" | "INT" => ColumnType::Integer,
        "BigInteger" | "BIGINT" => ColumnType::BigInt,
        "SmallInteger" | "SMALLINT" => ColumnType::SmallInt,
        "Boolean" | "BOOLEAN" => ColumnType::Boolean,
        "Float" | "FLOAT" | "Double" | "DOUBLE" | "DOUBLE_PRECISION" => ColumnType::Double,
        "REAL" => ColumnType::Real,
        "Numeric" | "NUMERIC" | "DECIMAL" => {
            ColumnType::Numeric(int(0, "precision").map(|p| (p.unsigned_abs(), int(1, "scale"))))
        }
        "String" | "VARCHAR" | "Unicode" | "NVARCHAR" => {
            ColumnType::Varchar(int(0, "length").map(i64::unsigned_abs))
        }
        "Text" | "TEXT" | "UnicodeText" | "CLOB" => ColumnType::Text,
        "Date" | "DATE" => ColumnType::Date,
        "Time" | "TIME" => ColumnType::Time,
        "DateTime" | "DATETIME" | "TIMESTAMP" if timezone => ColumnType::TimestampTz,
        "DateTime" | "DATETIME" | "TIMESTAMP" => ColumnType::Timestamp,
        "LargeBinary" | "BLOB" | "BYTEA" | "LargeBinary()" => ColumnType::Blob,
        "JSON" => ColumnType::Json,
        "JSONB" => ColumnType::Jsonb,
        "Uuid" | "UUID" => ColumnType::Uuid,
        "ForeignKey" | "Identity" | "Sequence" | "CheckConstraint" | "Computed" | "text"
        | "FetchedValue" => return Ok(None),
        _ if is_type_name(short) => {
            return Err((
                e.line,
                format!(
                    "the column type '{name}' is outside the portable model (map it in \
                     alembic.ini: [models.types] {short} = <SQL type>)"
                ),
            ))
        }
        _ => return Ok(None),
    };
    Ok(Some(ty))
}

/// The type of a column's type expression on `dialect`, as [`sql_type`]; for
/// `T.with_variant(V, "sqlite", ...)`, `V` on the dialects it names and `T` on the others
/// (chained variants followed outside in).
pub(crate) fn column_type(
    e: &Expr,
    dialect: Dialect,
    options: &ReadOptions,
) -> Result<Option<ColumnType>, Refusal> {
    sql_type(variant(e, dialect)?, options)
}

/// The expression a `with_variant` chain gives on `dialect`.
fn variant(e: &Expr, dialect: Dialect) -> Result<&Expr, Refusal> {
    let mut e = e;
    let mut chosen = None;
    while let ExprKind::Call { func, args, .. } = &e.kind {
        let ExprKind::Attribute { value, attr } = &func.kind else {
            break;
        };
        if attr != "with_variant" {
            break;
        }
        let refuse = || {
            (
                e.line,
                "with_variant takes a type and dialect names as strings here".to_string(),
            )
        };
        let (ty, names) = args.split_first().ok_or_else(refuse)?;
        let names: Vec<&Expr> = match names {
            [Expr {
                kind: ExprKind::Tuple(items) | ExprKind::List(items),
                ..
            }] => items.iter().collect(),
            _ => names.iter().collect(),
        };
        let names: Vec<&str> = names
            .into_iter()
            .map(Expr::as_str)
            .collect::<Option<_>>()
            .filter(|n: &Vec<&str>| !n.is_empty())
            .ok_or_else(refuse)?;
        if chosen.is_none() && names.contains(&dialect.name()) {
            chosen = Some(ty);
        }
        e = value;
    }
    Ok(chosen.unwrap_or(e))
}

/// Whether a name looks like a type (capitalised), as opposed to a helper call.
fn is_type_name(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase)
}

/// An annotation type as text, for matching it against the keys of a `type_annotation_map`:
/// a dotted name, a string, or a subscript of those (`dict[str, Any]`).
fn type_text(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Str(s) => Some(s.clone()),
        ExprKind::Subscript { value, index } => {
            Some(format!("{}[{}]", type_text(value)?, type_text(index)?))
        }
        ExprKind::Tuple(items) => items
            .iter()
            .map(type_text)
            .collect::<Option<Vec<_>>>()
            .map(|parts| parts.join(", ")),
        _ => e.dotted(),
    }
}

/// Whether two annotation types name the same type: equal texts, or equal after dropping the
/// module of a dotted name (`dt.datetime` and `datetime.datetime`).
fn same_type(a: &str, b: &str) -> bool {
    a == b || (!a.contains('[') && !b.contains('[') && last(a) == last(b))
}

/// The column type SQLAlchemy's default type map gives a Python annotation type, after the
/// base's `type_annotation_map` (`map`, pairs of a Python type and a SQLAlchemy type).
pub(crate) fn python_type(
    e: &Expr,
    map: &[(Expr, Expr)],
    options: &ReadOptions,
) -> Result<ColumnType, Refusal> {
    let name =
        type_text(e).ok_or_else(|| (e.line, "an annotation this reader can't read".to_string()))?;
    for (key, value) in map {
        if type_text(key).is_some_and(|k| same_type(&k, &name)) {
            return sql_type(value, options)?.ok_or_else(|| {
                (
                    value.line,
                    "a type_annotation_map value that is not a type".to_string(),
                )
            });
        }
    }
    if let Some((_, ty)) = options.types.iter().find(|(n, _)| *n == name) {
        return Ok(ty.clone());
    }
    // A module-qualified name (`datetime.datetime`, `dt.date`, `uuid.UUID`) by its class.
    let class = if name.contains('[') {
        &name
    } else {
        last(&name)
    };
    Ok(match class {
        "int" => ColumnType::Integer,
        "str" => ColumnType::Varchar(None),
        "bool" => ColumnType::Boolean,
        "float" => ColumnType::Double,
        "datetime" => ColumnType::Timestamp,
        "date" => ColumnType::Date,
        "time" => ColumnType::Time,
        "Decimal" => ColumnType::Numeric(None),
        "bytes" => ColumnType::Blob,
        "UUID" => ColumnType::Uuid,
        _ => {
            return Err((
                e.line,
                format!(
                    "no SQL type for the annotation '{name}' (give mapped_column a type, or \
                     map it in the base's type_annotation_map)"
                ),
            ))
        }
    })
}
