//! Just enough of `alembic.ini` to find the version locations at compile time: the
//! `[alembic]` section's `script_location`, `version_locations` and `path_separator` (or
//! `version_path_separator`), with `%(here)s` and `%%`, continuation lines, `=` or `:`.
//! A relative location is taken relative to the ini's directory (Alembic's is the current
//! directory of the run, which a compiled-in history doesn't have). Every other setting is
//! read at run time by the library, from the ini text the macro embeds.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The version locations `ini` (whose text is `text`) names.
pub fn version_locations(ini: &Path, text: &str) -> Result<Vec<PathBuf>, String> {
    let here = ini.parent().unwrap_or(Path::new("."));
    let values = alembic_section(text);
    let value = |key: &str| {
        values
            .get(key)
            .map(|v| {
                v.replace("%(here)s", &here.display().to_string())
                    .replace("%%", "%")
            })
            .filter(|v| !v.trim().is_empty())
    };
    let script_location = value("script_location").ok_or_else(|| {
        format!(
            "embed!: {} has no script_location in [alembic]",
            ini.display()
        )
    })?;
    let Some(locations) = value("version_locations") else {
        return Ok(vec![here.join(script_location.trim()).join("versions")]);
    };
    let separator = value("path_separator").or_else(|| value("version_path_separator"));
    let parts: Vec<&str> = match separator.as_deref().map(str::trim) {
        Some("os") | Some(":") => locations.split(':').collect(),
        Some(";") => locations.split(';').collect(),
        Some("space") => locations.split(' ').collect(),
        Some("newline") => locations.split('\n').collect(),
        Some(other) => return Err(format!("embed!: unknown path_separator '{other}'")),
        None => locations
            .split(|c: char| c == ',' || c == ':' || c.is_whitespace())
            .collect(),
    };
    Ok(parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| here.join(p))
        .collect())
}

/// The raw values of `[alembic]`, continuation lines joined by newlines.
fn alembic_section(text: &str) -> HashMap<String, String> {
    let mut values: HashMap<String, String> = HashMap::new();
    let mut in_section = false;
    let mut last: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            in_section = name.trim() == "alembic";
            last = None;
            continue;
        }
        if !in_section {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(value) = last.as_ref().and_then(|k| values.get_mut(k)) {
                value.push('\n');
                value.push_str(trimmed);
            }
            continue;
        }
        let Some(at) = trimmed.find(['=', ':']) else {
            continue;
        };
        let key = trimmed[..at].trim().to_lowercase();
        values.insert(key.clone(), trimmed[at + 1..].trim().to_string());
        last = Some(key);
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_script_location_and_version_locations() {
        let ini = Path::new("/p/backend/alembic.ini");
        let text =
            "[loggers]\nscript_location = no\n[alembic]\nscript_location = %(here)s/alembic\n";
        assert_eq!(
            version_locations(ini, text).unwrap(),
            [PathBuf::from("/p/backend/alembic/versions")]
        );
        let text = "[alembic]\nscript_location: s\nversion_locations = %(here)s/a\n  b\n";
        assert_eq!(
            version_locations(ini, text).unwrap(),
            [PathBuf::from("/p/backend/a"), PathBuf::from("/p/backend/b")]
        );
        let err = version_locations(ini, "[alembic]\n").unwrap_err();
        assert!(err.contains("script_location"), "{err}");
    }
}
