//! `@declared_attr def __tablename__(cls): return <expr>` where the expression is built
//! from `cls.__name__` alone: string literals, `+`, f-strings, and the string methods
//! `lower()`, `upper()`, `capitalize()`, `title()` and `casefold()`, evaluated for each mapped
//! class as SQLAlchemy calls the function with that class. Anything else is refused.

use crate::python::ast::FPart;
use crate::python::{Expr, ExprKind, Stmt, StmtKind};

use super::Refusal;

/// The table name the function's `body` gives the class named `class`.
pub(crate) fn table_name(line: usize, body: &[Stmt], class: &str) -> Result<String, Refusal> {
    let returned = body.iter().find_map(|s| match &s.kind {
        StmtKind::Return(Some(e)) => Some(e),
        _ => None,
    });
    let plain = body.iter().all(|s| match &s.kind {
        StmtKind::Return(Some(_)) => true,
        StmtKind::Expr(e) => e.as_str().is_some(),
        _ => false,
    });
    match returned {
        Some(e) if plain => value(e, class),
        _ => Err((line, REFUSAL.to_string())),
    }
}

const REFUSAL: &str = "a declared_attr __tablename__ this reader can't evaluate (it reads one \
    return of an expression of cls.__name__: literals, +, f-strings, .lower(), .upper())";

fn value(e: &Expr, class: &str) -> Result<String, Refusal> {
    let refuse = || (e.line, REFUSAL.to_string());
    match &e.kind {
        ExprKind::Str(s) => Ok(s.clone()),
        ExprKind::Attribute { value, attr }
            if attr == "__name__" && value.as_name() == Some("cls") =>
        {
            Ok(class.to_string())
        }
        ExprKind::BinOp { left, op, right } if op == "+" => {
            Ok(value(left, class)? + &value(right, class)?)
        }
        ExprKind::FString(parts) => parts
            .iter()
            .map(|p| match p {
                FPart::Text(t) => Ok(t.clone()),
                FPart::Expr(x) => value(x, class),
            })
            .collect(),
        ExprKind::Call {
            func,
            args,
            keywords,
        } if args.is_empty() && keywords.is_empty() => {
            let ExprKind::Attribute { value: of, attr } = &func.kind else {
                return Err(refuse());
            };
            let s = value(of, class)?;
            Ok(match attr.as_str() {
                "lower" | "casefold" => s.to_lowercase(),
                "upper" => s.to_uppercase(),
                "capitalize" => capitalize(&s),
                "title" => title(&s),
                _ => return Err(refuse()),
            })
        }
        _ => Err(refuse()),
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// Python's `str.title()`: a letter after a non-letter is upper case, others lower case.
fn title(s: &str) -> String {
    let mut out = String::new();
    let mut after_letter = false;
    for c in s.chars() {
        if after_letter {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        after_letter = c.is_alphabetic();
    }
    out
}
