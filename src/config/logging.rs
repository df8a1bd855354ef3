//! The ini's logging sections, read for one question: would Python's `fileConfig` let
//! Alembic's INFO lines (logger `alembic.runtime.migration`) through?
//!
//! The effective level is the level of the nearest configured logger among
//! `alembic.runtime.migration`, `alembic.runtime` and `alembic` (by `qualname`, a level of
//! `NOTSET` passing the question up), else `[logger_root]`'s (WARNING when it has none). An ini
//! without a `[loggers]` section configures no logging and the lines are shown. Handler levels
//! and filters are not considered.

use std::collections::BTreeMap;

/// Python's numeric level of INFO.
const INFO: u32 = 20;

/// Python's root logger level when none is configured.
const WARNING: u32 = 30;

/// The loggers a migration's INFO line passes through, nearest first.
const ALEMBIC_LOGGERS: [&str; 3] = ["alembic.runtime.migration", "alembic.runtime", "alembic"];

/// Whether Alembic's INFO lines are logged under the ini's sections (`name`, keys and raw values).
pub fn info_is_logged(sections: &[(String, BTreeMap<String, String>)]) -> bool {
    let section = |name: &str| sections.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    let Some(loggers) = section("loggers") else {
        return true;
    };
    let keys: Vec<&str> = loggers
        .get("keys")
        .map(|k| k.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let configured = |qualname: &str| {
        keys.iter().filter(|k| **k != "root").find_map(|key| {
            let logger = section(&format!("logger_{key}"))?;
            let named = logger.get("qualname").map(|q| q.trim()) == Some(qualname);
            named.then(|| logger.get("level").and_then(|l| level(l)))?
        })
    };
    let effective = ALEMBIC_LOGGERS
        .iter()
        .find_map(|name| configured(name).filter(|&l| l != 0))
        .or_else(|| {
            section("logger_root")
                .and_then(|r| r.get("level"))
                .and_then(|l| level(l))
                .filter(|&l| l != 0)
        })
        .unwrap_or(WARNING);
    effective <= INFO
}

/// Python's level for a level name or number (`None` for one it does not know).
fn level(text: &str) -> Option<u32> {
    match text.trim().to_ascii_uppercase().as_str() {
        "NOTSET" => Some(0),
        "DEBUG" => Some(10),
        "INFO" => Some(INFO),
        "WARN" | "WARNING" => Some(WARNING),
        "ERROR" => Some(40),
        "CRITICAL" | "FATAL" => Some(50),
        other => other.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections(text: &str) -> Vec<(String, BTreeMap<String, String>)> {
        let mut out: Vec<(String, BTreeMap<String, String>)> = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                out.push((name.to_string(), BTreeMap::new()));
            } else if let (Some((k, v)), Some((_, values))) = (line.split_once('='), out.last_mut())
            {
                values.insert(k.trim().to_string(), v.trim().to_string());
            }
        }
        out
    }

    const GENERIC: &str = "
        [loggers]
        keys = root,sqlalchemy,alembic
        [logger_root]
        level = WARNING
        [logger_sqlalchemy]
        level = WARNING
        qualname = sqlalchemy.engine
        [logger_alembic]
        level = INFO
        qualname = alembic
    ";

    #[test]
    fn alembic_s_generic_configuration_logs_info() {
        assert!(info_is_logged(&sections(GENERIC)));
        assert!(info_is_logged(&[]));
    }

    #[test]
    fn a_warn_level_on_the_alembic_logger_hides_info() {
        let warn = GENERIC.replace("level = INFO", "level = WARN");
        assert!(!info_is_logged(&sections(&warn)));
        let numeric = GENERIC.replace("level = INFO", "level = 30");
        assert!(!info_is_logged(&sections(&numeric)));
    }

    #[test]
    fn an_unset_alembic_level_falls_back_to_root() {
        let notset = GENERIC.replace("level = INFO", "level = NOTSET");
        assert!(!info_is_logged(&sections(&notset)));
        let root_info = notset.replace(
            "[logger_root]\n        level = WARNING",
            "[logger_root]\n        level = DEBUG",
        );
        assert!(info_is_logged(&sections(&root_info)));
        // A logger listed without its section, or not listed: root decides (WARNING by default).
        assert!(!info_is_logged(&sections(
            "[loggers]\nkeys = root,alembic\n"
        )));
        assert!(!info_is_logged(&sections(
            "[loggers]\nkeys = root\n[logger_alembic]\nlevel = INFO\nqualname = alembic\n"
        )));
    }

    #[test]
    fn a_nearer_logger_wins() {
        let nearer = format!(
            "{GENERIC}\n[logger_migration]\nlevel = ERROR\nqualname = alembic.runtime.migration\n"
        )
        .replace(
            "keys = root,sqlalchemy,alembic",
            "keys = root,sqlalchemy,alembic,migration",
        );
        assert!(!info_is_logged(&sections(&nearer)));
    }
}
