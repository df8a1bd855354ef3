//! The names PostgreSQL gives unnamed constraints, computed as the server does.
//!
//! PostgreSQL names an unnamed constraint `<table>_<columns>_<label>` (`pkey`, `key`,
//! `fkey`, `check`), with the columns joined by `_`. A name is at most 63 bytes
//! (`NAMEDATALEN - 1`): when the parts are longer, the longer of table and columns loses
//! bytes first, one at a time, and each part is then cut back to a whole UTF-8 character
//! (PostgreSQL's `makeObjectName`). The columns part stops after the first column that takes
//! it to 64 bytes or more (`ChooseIndexNameAddition`). Conflicts with existing names (which
//! make the server append a number) are not modelled. The schema state resolves these names
//! on SQLite too, so that a history written against PostgreSQL's names drops the same
//! constraint on both engines.

/// PostgreSQL's `NAMEDATALEN`: names are at most one byte less.
const NAMEDATALEN: usize = 64;

/// The primary key's name: `<table>_pkey`.
pub fn primary_key(table: &str) -> String {
    object_name(table, None, "pkey")
}

/// An unnamed `UNIQUE`'s name: `<table>_<columns>_key`.
pub fn unique(table: &str, columns: &[String]) -> String {
    object_name(table, Some(&addition(columns)), "key")
}

/// An unnamed foreign key's name: `<table>_<columns>_fkey`.
pub fn foreign_key(table: &str, columns: &[String]) -> String {
    object_name(table, Some(&addition(columns)), "fkey")
}

/// An unnamed table `CHECK`'s name when its expression names no single column:
/// `<table>_check`.
pub fn check(table: &str) -> String {
    object_name(table, None, "check")
}

/// An unnamed `CHECK`'s name as PostgreSQL gives it: `<table>_<column>_check` after the
/// first of the table's `columns` that the expression names, else `<table>_check`.
pub fn check_of(table: &str, expr: &str, columns: &[String]) -> String {
    match first_column(expr, columns) {
        Some(column) => object_name(table, Some(&addition(&[column])), "check"),
        None => check(table),
    }
}

/// The first identifier of `expr` (outside quoted strings) that is one of `columns`.
fn first_column(expr: &str, columns: &[String]) -> Option<String> {
    let mut word = String::new();
    let mut quoted = false;
    for ch in expr.chars().chain(std::iter::once(' ')) {
        if ch == '\'' {
            quoted = !quoted;
            word.clear();
        } else if !quoted && (ch.is_alphanumeric() || ch == '_') {
            word.push(ch);
        } else {
            if let Some(c) = columns.iter().find(|c| c.eq_ignore_ascii_case(&word)) {
                return Some(c.clone());
            }
            word.clear();
        }
    }
    None
}

/// The column names joined by `_`, stopping once the text reaches `NAMEDATALEN` bytes.
fn addition(columns: &[String]) -> String {
    let mut out = String::new();
    for c in columns {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(clip(c, NAMEDATALEN - 1));
        if out.len() >= NAMEDATALEN {
            break;
        }
    }
    out
}

/// PostgreSQL's `makeObjectName`.
fn object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead = usize::from(name2.is_some()) + label.len() + 1;
    let available = NAMEDATALEN - 1 - overhead;
    let (mut n1, mut n2) = (name1.len(), name2.map_or(0, str::len));
    while n1 + n2 > available {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let mut out = clip(name1, n1).to_string();
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(clip(name2, n2));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// The longest prefix of `s` of at most `len` bytes that ends on a character boundary.
fn clip(s: &str, len: usize) -> &str {
    let mut end = len.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_check_is_named_after_the_first_column_it_names() {
        let columns = ["id".to_string(), "code".to_string()];
        assert_eq!(
            check_of("child", "length(code) > 1", &columns),
            "child_code_check"
        );
        assert_eq!(check_of("child", "'id' <> 'code'", &columns), "child_check");
        assert_eq!(check_of("t", "1 = 1", &columns), "t_check");
    }

    #[test]
    fn short_names_are_the_plain_pattern() {
        assert_eq!(primary_key("account"), "account_pkey");
        assert_eq!(unique("account", &cols(&["a", "b"])), "account_a_b_key");
        assert_eq!(
            foreign_key("child", &cols(&["account_id"])),
            "child_account_id_fkey"
        );
        assert_eq!(check("account"), "account_check");
    }

    /// Worked through `makeObjectName` by hand; `tests/cli/schema.rs` checks the same names
    /// against the real server.
    #[test]
    fn long_names_are_cut_as_postgres_cuts_them() {
        let table = "a_table_with_a_rather_long_name_for_truncation";
        let columns = cols(&["first_long_column_name", "second_long_column_name"]);
        let name = unique(table, &columns);
        assert_eq!(name.len(), 63);
        assert_eq!(
            name,
            "a_table_with_a_rather_long_na_first_long_column_name_second_key"
        );
        assert_eq!(
            foreign_key(table, &columns[..1]),
            "a_table_with_a_rather_long_name_for_first_long_column_name_fkey"
        );
        let long = "t".repeat(70);
        assert_eq!(primary_key(&long), format!("{}_pkey", "t".repeat(58)));
        // A multi-byte character is never split.
        let accented = "é".repeat(40);
        let name = primary_key(&accented);
        assert!(name.len() <= 63 && name.ends_with("_pkey"), "{name}");
    }
}
