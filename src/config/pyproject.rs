//! `[tool.alembic]` of a `pyproject.toml`, read as Alembic 1.16+ reads it.
//!
//! Alembic takes the script directory's options from the ini's section first and from
//! `[tool.alembic]` only when the ini lacks them (`Config.get_alembic_option`); the options
//! env.py reads (`sqlalchemy.url`, `version_table`, …) come from the ini alone, and `-n`
//! names an ini section only. Strings are `%`-formatted with `here`, the toml file's
//! directory (`%(here)s`, `%%` for a `%`); `version_locations` is a list of paths;
//! `sourceless` and `recursive_version_locations` must be booleans. Pure: the caller reads
//! the file.

use std::path::Path;

use toml_edit::{Document, Item, Value};

use super::ConfigError;

/// The options Alembic reads from `[tool.alembic]` with `get_alembic_option` as one value.
const SCALARS: [&str; 6] = [
    "script_location",
    "file_template",
    "truncate_slug_length",
    "timezone",
    "output_encoding",
    "revision_environment",
];

/// The options it reads with `get_alembic_boolean_option`.
const BOOLEANS: [&str; 2] = ["sourceless", "recursive_version_locations"];

/// What `[tool.alembic]` gives the configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ToolAlembic {
    /// Single-valued options, as the ini would spell them (`true`, `40`, a path).
    pub values: Vec<(String, String)>,
    /// `version_locations`, when set.
    pub version_locations: Option<Vec<String>>,
    /// `post_write_hooks`, when set: each table's keys and (formatted) values.
    pub post_write_hooks: Option<Vec<Vec<(String, String)>>>,
}

/// Reads `[tool.alembic]` from `text`, the contents of `path` (its directory is `here`).
/// A file without the table gives nothing. Every error names the file and the line.
pub fn read(path: &Path, here: &str, text: &str) -> Result<ToolAlembic, ConfigError> {
    let at = |span: Option<std::ops::Range<usize>>, message: String| ConfigError::Syntax {
        path: path.to_path_buf(),
        line: span.map_or(1, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        }),
        message,
    };
    let doc = Document::parse(text).map_err(|e| at(e.span(), e.message().trim().to_string()))?;
    let Some(tool) = doc.get("tool").and_then(|t| t.get("alembic")) else {
        return Ok(ToolAlembic::default());
    };
    let Some(table) = tool.as_table_like() else {
        return Err(at(tool.span(), "Incorrect TOML format".into()));
    };
    let mut out = ToolAlembic::default();
    for (key, item) in table.iter() {
        let value_at = |message: String| at(item.span(), message);
        if SCALARS.contains(&key) {
            let value = scalar(key, item, here).map_err(value_at)?;
            out.values.push((key.to_string(), value));
        } else if BOOLEANS.contains(&key) {
            let Some(flag) = item.as_bool() else {
                return Err(value_at(format!(
                    "boolean value expected for TOML parameter '{key}'"
                )));
            };
            out.values.push((key.to_string(), flag.to_string()));
        } else if key == "version_locations" {
            out.version_locations = Some(list(key, item, here).map_err(value_at)?);
        } else if key == "post_write_hooks" {
            out.post_write_hooks = Some(hook_tables(item, here).map_err(value_at)?);
        }
    }
    Ok(out)
}

/// A string (formatted with `here`) or an integer.
fn scalar(key: &str, item: &Item, here: &str) -> Result<String, String> {
    match item.as_value() {
        Some(Value::String(s)) => format(s.value(), here),
        Some(Value::Integer(i)) => Ok(i.value().to_string()),
        _ => Err(format!("unsupported TOML value type for key: '{key}'")),
    }
}

/// A list of strings, each formatted with `here`.
fn list(key: &str, item: &Item, here: &str) -> Result<Vec<String>, String> {
    let expected = || format!("a list of paths expected for TOML parameter '{key}'");
    let Some(array) = item.as_array() else {
        return Err(expected());
    };
    array
        .iter()
        .map(|v| {
            v.as_str()
                .map_or_else(|| Err(expected()), |s| format(s, here))
        })
        .collect()
}

/// `post_write_hooks`: a list of tables (`[[tool.alembic.post_write_hooks]]`, or an array
/// of inline tables) whose string values are formatted with `here`.
fn hook_tables(item: &Item, here: &str) -> Result<Vec<Vec<(String, String)>>, String> {
    let expected = || "a list of tables expected for TOML parameter 'post_write_hooks'".to_string();
    let string = |key: &str, value: Option<&str>| match value {
        Some(s) => format(s, here).map(|s| (key.to_string(), s)),
        None => Err(format!("post_write_hooks: '{key}' must be a string")),
    };
    if let Some(tables) = item.as_array_of_tables() {
        return tables
            .iter()
            .map(|t| t.iter().map(|(k, v)| string(k, v.as_str())).collect())
            .collect();
    }
    let array = item.as_array().ok_or_else(expected)?;
    array
        .iter()
        .map(|v| {
            let table = v.as_inline_table().ok_or_else(expected)?;
            table.iter().map(|(k, v)| string(k, v.as_str())).collect()
        })
        .collect()
}

/// Python's `value % {"here": here}`: `%(here)s` and `%%`; anything else is an error.
fn format(value: &str, here: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        if let Some(tail) = after.strip_prefix("%%") {
            out.push('%');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("%(here)s") {
            out.push_str(here);
            rest = tail;
        } else {
            return Err(format!(
                "bad interpolation in '{value}': only %(here)s and %% are known"
            ));
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<ToolAlembic, ConfigError> {
        read(Path::new("/p/pyproject.toml"), "/p", text)
    }

    #[test]
    fn the_options_alembic_reads_from_toml_are_taken_with_here_formatted() {
        let tool = read_text(
            "[project]\nname = \"x\"\n\n[tool.alembic]\nscript_location = \"%(here)s/migrations\"\n\
             file_template = \"%%(rev)s_%%(slug)s\"\ntruncate_slug_length = 20\n\
             sourceless = false\nversion_locations = [\"%(here)s/a\", \"b\"]\n\
             sqlalchemy_url = \"ignored\"\n",
        )
        .unwrap();
        assert_eq!(
            tool.values,
            [
                ("script_location".to_string(), "/p/migrations".to_string()),
                ("file_template".to_string(), "%(rev)s_%(slug)s".to_string()),
                ("truncate_slug_length".to_string(), "20".to_string()),
                ("sourceless".to_string(), "false".to_string()),
            ]
        );
        assert_eq!(
            tool.version_locations,
            Some(vec!["/p/a".into(), "b".into()])
        );
    }

    #[test]
    fn no_table_gives_nothing_and_bad_values_are_named() {
        assert_eq!(
            read_text("[project]\nname = \"x\"\n").unwrap(),
            ToolAlembic::default()
        );
        let err = read_text("[tool.alembic]\n\nsourceless = \"true\"\n").unwrap_err();
        assert!(
            err.to_string().starts_with("/p/pyproject.toml:3: "),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("boolean value expected for TOML parameter 'sourceless'"),
            "{err}"
        );
        let err = read_text("[tool.alembic]\nscript_location = 1.5\n").unwrap_err();
        assert!(
            err.to_string().contains("unsupported TOML value type"),
            "{err}"
        );
        let err = read_text("[tool.alembic]\nscript_location = \"%(nope)s\"\n").unwrap_err();
        assert!(err.to_string().contains("bad interpolation"), "{err}");
        let err = read_text("[tool]\nalembic = 3\n").unwrap_err();
        assert!(err.to_string().contains("Incorrect TOML format"), "{err}");
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let err = read_text("[tool.alembic]\nscript_location = \"x\"\noops =\n").unwrap_err();
        assert!(
            err.to_string().starts_with("/p/pyproject.toml:3: "),
            "{err}"
        );
    }
}
