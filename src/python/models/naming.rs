//! `MetaData(naming_convention={...})`: the names SQLAlchemy gives a table's constraints
//! and indexes, computed as its `sqlalchemy.sql.naming` does.
//!
//! A convention is a `%`-template per kind (`ix`, `uq`, `ck`, `fk`, `pk`, or the constraint
//! class itself as the key). It names every constraint of its kind that has no name, and a
//! named one too when the template holds `%(constraint_name)s` (which an unnamed one can't
//! fill: refused, as SQLAlchemy refuses it). Tokens: `table_name`, `constraint_name`,
//! `referred_table_name`, and `column_<i>_name` / `_label` / `_key`,
//! `referred_column_<i>_name`, each also as `column_0N_...` (all columns, joined) and
//! `column_0_N_...` (joined by `_`). A MetaData without a convention has SQLAlchemy's default,
//! `{"ix": "ix_%(column_0_label)s"}`. On PostgreSQL a name made from a template that is
//! longer than 63 characters is cut to 55 and given `_` and the last four hex digits of the
//! MD5 of the whole name, as SQLAlchemy's compiler does; SQLite takes any length.

use md5::{Digest, Md5};

use crate::python::{Expr, ExprKind};
use crate::schema::model::Table;
use crate::Dialect;

use super::types::last;
use super::Refusal;

/// SQLAlchemy's `max_identifier_length` for PostgreSQL.
const PG_MAX_NAME: usize = 63;

/// A metadata's naming convention: `(kind, template)` with kind one of `ix uq ck fk pk`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Convention(Vec<(&'static str, String)>);

impl Default for Convention {
    fn default() -> Convention {
        Convention(vec![("ix", "ix_%(column_0_label)s".to_string())])
    }
}

impl Convention {
    /// The convention of a `naming_convention=` dict literal (an empty one is the default).
    pub fn from_dict(dict: &Expr) -> Result<Convention, Refusal> {
        let ExprKind::Dict(pairs) = &dict.kind else {
            return Err((
                dict.line,
                "naming_convention must be a dict literal of the files".to_string(),
            ));
        };
        let mut out = Vec::new();
        for (key, value) in pairs {
            let kind = key
                .as_str()
                .map(str::to_string)
                .or_else(|| key.dotted().map(|d| last(&d).to_string()))
                .and_then(|k| kind(&k));
            let (Some(kind), Some(template)) = (kind, value.as_str()) else {
                return Err((
                    key.line,
                    "a naming convention entry this reader can't read (the keys ix, uq, ck, \
                     fk and pk, each with a string template; custom tokens are not read)"
                        .to_string(),
                ));
            };
            out.retain(|(k, _)| *k != kind);
            out.push((kind, template.to_string()));
        }
        Ok(if out.is_empty() {
            Convention::default()
        } else {
            Convention(out)
        })
    }

    fn template(&self, kind: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, t)| t.as_str())
    }
}

fn kind(key: &str) -> Option<&'static str> {
    Some(match key {
        "ix" | "Index" => "ix",
        "uq" | "UniqueConstraint" => "uq",
        "ck" | "CheckConstraint" => "ck",
        "fk" | "ForeignKeyConstraint" => "fk",
        "pk" | "PrimaryKeyConstraint" => "pk",
        _ => return None,
    })
}

/// What a template is filled from: one constraint or index of a table.
struct Subject<'a> {
    table: &'a str,
    /// Its columns, each as `(name, key)`.
    columns: Vec<(String, String)>,
    /// A foreign key's referred table and columns.
    referred: Option<(&'a str, &'a [String])>,
    name: Option<&'a str>,
}

/// Names `table`'s constraints and indexes by `convention`; `keys` gives each column's key
/// (its attribute name) by column name. An index whose name is empty is one SQLAlchemy
/// names by the convention (`index=True`, `Index(None, ...)`).
pub(crate) fn apply(
    table: &mut Table,
    keys: &[(String, String)],
    convention: &Convention,
    dialect: Dialect,
    line: usize,
) -> Result<(), Refusal> {
    let t = table.name.clone();
    let cols = |names: &[String]| -> Vec<(String, String)> {
        names
            .iter()
            .map(|n| {
                let key = keys.iter().find(|(c, _)| c == n).map(|(_, k)| k.clone());
                (n.clone(), key.unwrap_or_else(|| n.clone()))
            })
            .collect()
    };
    let fail = |m: String| (line, format!("table '{t}': {m}"));
    if let Some(pk) = &mut table.primary_key {
        let s = Subject {
            table: &t,
            columns: cols(&pk.columns),
            referred: None,
            name: pk.name.as_deref(),
        };
        pk.name = name_for(convention, "pk", &s, dialect).map_err(fail)?;
    }
    for u in &mut table.uniques {
        let s = Subject {
            table: &t,
            columns: cols(&u.columns),
            referred: None,
            name: u.name.as_deref(),
        };
        u.name = name_for(convention, "uq", &s, dialect).map_err(fail)?;
    }
    for fk in &mut table.foreign_keys {
        let s = Subject {
            table: &t,
            columns: cols(&fk.columns),
            referred: Some((&fk.ref_table, &fk.ref_columns)),
            name: fk.name.as_deref(),
        };
        fk.name = name_for(convention, "fk", &s, dialect).map_err(fail)?;
    }
    for ck in &mut table.checks {
        let s = Subject {
            table: &t,
            columns: Vec::new(),
            referred: None,
            name: ck.name.as_deref(),
        };
        ck.name = name_for(convention, "ck", &s, dialect).map_err(fail)?;
    }
    for ix in &mut table.indexes {
        let columns: Vec<String> = ix
            .columns
            .iter()
            .filter(|p| p.is_column)
            .map(|p| p.expr.clone())
            .collect();
        let s = Subject {
            table: &t,
            columns: cols(&columns),
            referred: None,
            name: Some(ix.name.as_str()).filter(|n| !n.is_empty()),
        };
        ix.name = name_for(convention, "ix", &s, dialect)
            .map_err(fail)?
            .ok_or_else(|| {
                fail(
                    "an index without a name (index=True needs the naming convention's \
                      'ix' entry, or give the Index a name)"
                        .to_string(),
                )
            })?;
    }
    Ok(())
}

/// The name SQLAlchemy gives `s` under `convention`'s template for `kind`.
fn name_for(
    convention: &Convention,
    kind: &str,
    s: &Subject<'_>,
    dialect: Dialect,
) -> Result<Option<String>, String> {
    let Some(template) = convention.template(kind) else {
        return Ok(s.name.map(str::to_string));
    };
    if s.name.is_some() && !template.contains("%(constraint_name)s") {
        return Ok(s.name.map(str::to_string));
    }
    let name = fill(template, s)?;
    Ok(Some(match dialect {
        Dialect::Postgresql => truncated(&name, PG_MAX_NAME),
        Dialect::Sqlite => name,
    }))
}

/// SQLAlchemy's cut of a generated name longer than `max` characters.
fn truncated(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let digest = hex::encode(Md5::digest(name.as_bytes()));
    let head: String = name.chars().take(max - 8).collect();
    format!("{head}_{}", &digest[digest.len() - 4..])
}

/// A `%`-template filled: `%(token)s` and `%%`.
fn fill(template: &str, s: &Subject<'_>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(r) = rest.strip_prefix('%') {
            out.push('%');
            rest = r;
            continue;
        }
        let token = rest.strip_prefix('(').and_then(|r| r.split_once(")s"));
        let Some((token, r)) = token else {
            return Err(format!(
                "the naming convention '{template}' holds a '%' that is not '%(token)s'"
            ));
        };
        out.push_str(&token_value(token, s)?);
        rest = r;
    }
    out.push_str(rest);
    Ok(out)
}

fn token_value(token: &str, s: &Subject<'_>) -> Result<String, String> {
    let unknown =
        || format!("the naming convention token '%({token})s' is not one this reader knows");
    match token {
        "table_name" => return Ok(s.table.to_string()),
        "constraint_name" => {
            return s.name.map(str::to_string).ok_or_else(|| {
                "a naming convention holding %(constraint_name)s needs the constraint to \
                 be named (SQLAlchemy refuses it too)"
                    .to_string()
            })
        }
        "referred_table_name" => return s.referred.map(|r| r.0.to_string()).ok_or_else(unknown),
        _ => {}
    }
    let at = token.rfind("column_").ok_or_else(unknown)?;
    let (prefix, tail) = (&token[..at], &token[at + "column_".len()..]);
    let digits = tail.chars().take_while(char::is_ascii_digit).count();
    let index: usize = tail[..digits].parse().map_err(|_| unknown())?;
    let after = &tail[digits..];
    let (joiner, attr) = if let Some(a) = after.strip_prefix("_N_") {
        (Some("_"), a)
    } else if let Some(a) = after.strip_prefix("N_") {
        (Some(""), a)
    } else {
        (None, after.strip_prefix('_').ok_or_else(unknown)?)
    };
    let referred = match (prefix, attr) {
        ("", "name" | "label" | "key") => false,
        ("referred_", "name") => true,
        _ => return Err(unknown()),
    };
    if referred && s.referred.is_none() {
        return Err(unknown());
    }
    // A foreign key's elements are its local columns, each with its referred column.
    let count = s.columns.len();
    let one = |i: usize| -> Result<String, String> {
        if referred {
            let cols = s.referred.map(|r| r.1).unwrap_or_default();
            return cols.get(i).cloned().ok_or_else(|| {
                format!(
                    "the naming convention token '%({token})s' names a referred column the \
                     foreign key does not have"
                )
            });
        }
        Ok(match (s.columns.get(i), attr) {
            (None, _) => String::new(),
            (Some((name, _)), "name") => name.clone(),
            (Some((name, _)), "label") => format!("{}_{name}", s.table),
            (Some((_, key)), _) => key.clone(),
        })
    };
    match joiner {
        None => one(index),
        Some(_) if index != 0 => Err(unknown()),
        Some(sep) => Ok((0..count)
            .map(one)
            .collect::<Result<Vec<_>, _>>()?
            .join(sep)),
    }
}
