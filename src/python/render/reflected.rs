//! How Alembic spells what it read from the database: the type SQLAlchemy's reflection gives
//! a column (the SQL type's own class, `sa.VARCHAR(length=80)`, `postgresql.TIMESTAMP()`) and
//! the server default as the engine reports it, where the models side is spelled with
//! SQLAlchemy's generic types (`sa.String(length=80)`, `sa.DateTime()`).

use crate::schema::ColumnType;
use crate::Dialect;

/// The reflected type of a column of `ty` on `dialect`, as Alembic 1.20.1 with SQLAlchemy
/// 2.1 renders it (recorded in tests/fixtures/autogenerate/reflected). Alembic writes
/// PostgreSQL's `JSON` as `postgresql.JSON(astext_type=Text())`, a name the revision does
/// not import; this writes `sa.Text()`.
pub fn reflected_type(ty: &ColumnType, dialect: Dialect) -> Option<String> {
    use ColumnType as T;
    let pg = dialect == Dialect::Postgresql;
    Some(match ty {
        T::Integer => "sa.INTEGER()".into(),
        T::BigInt => "sa.BIGINT()".into(),
        T::SmallInt => "sa.SMALLINT()".into(),
        T::Boolean => "sa.BOOLEAN()".into(),
        T::Real => "sa.REAL()".into(),
        T::Double if pg => "sa.DOUBLE_PRECISION(precision=53)".into(),
        // SQLAlchemy reflects SQLite's DOUBLE PRECISION as REAL; the re-created column
        // keeps its declared type.
        T::Double => "sa.DOUBLE_PRECISION()".into(),
        T::Numeric(None) => "sa.NUMERIC()".into(),
        T::Numeric(Some((p, None))) => format!("sa.NUMERIC(precision={p})"),
        T::Numeric(Some((p, Some(s)))) if *s >= 0 => {
            format!("sa.NUMERIC(precision={p}, scale={s})")
        }
        T::Varchar(None) => "sa.VARCHAR()".into(),
        T::Varchar(Some(n)) => format!("sa.VARCHAR(length={n})"),
        T::Text => "sa.TEXT()".into(),
        T::Date => "sa.DATE()".into(),
        T::Time if pg => "postgresql.TIME()".into(),
        T::Time => "sa.TIME()".into(),
        T::Timestamp if pg => "postgresql.TIMESTAMP()".into(),
        T::TimestampTz if pg => "postgresql.TIMESTAMP(timezone=True)".into(),
        T::Timestamp | T::TimestampTz => "sa.TIMESTAMP()".into(),
        T::Blob if pg => "postgresql.BYTEA()".into(),
        T::Blob => "sa.BLOB()".into(),
        T::Json if pg => "postgresql.JSON(astext_type=sa.Text())".into(),
        T::Json => "sqlite.JSON()".into(),
        T::Jsonb if pg => "postgresql.JSONB(astext_type=sa.Text())".into(),
        T::Uuid => "sa.UUID()".into(),
        T::Jsonb | T::Numeric(_) => return None,
    })
}

/// A server default as the engine reports it: SQLite keeps the text as declared, and
/// SQLAlchemy parenthesizes what is neither a literal nor a number; PostgreSQL keeps the
/// expression as stored.
pub fn reflected_default(expr: &str, dialect: Dialect) -> String {
    let literal = expr.starts_with('\'')
        || expr.parse::<f64>().is_ok()
        || (expr.starts_with('(') && expr.ends_with(')'));
    if dialect == Dialect::Sqlite && !literal {
        format!("({expr})")
    } else {
        expr.to_string()
    }
}

/// The `from sqlalchemy.dialects import …` lines the rendered `text` needs.
pub fn dialect_imports(text: &str) -> Vec<String> {
    ["postgresql", "sqlite"]
        .into_iter()
        .filter(|module| {
            [" ", "=", "("]
                .iter()
                .any(|before| text.contains(&format!("{before}{module}.")))
        })
        .map(|module| format!("from sqlalchemy.dialects import {module}"))
        .collect()
}
