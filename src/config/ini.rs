//! The ini reader. (stub: to be implemented)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::ConfigError;

/// One section of an `alembic.ini`, values interpolated.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The ini file as given (may not exist).
    pub file: PathBuf,
    /// Absolute directory of the ini file: the value of `%(here)s`.
    pub here: PathBuf,
    /// The section read (`alembic` unless `-n`).
    pub section: String,
    values: BTreeMap<String, String>,
}

impl Config {
    /// Reads `section` of `file`. A missing file gives an empty configuration (as Alembic).
    pub fn load(file: &Path, section: &str) -> Result<Config, ConfigError> {
        let _ = (file, section);
        todo!()
    }

    /// A raw (interpolated) value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// `script_location`, resolved against the current directory when relative.
    pub fn script_location(&self) -> Result<PathBuf, ConfigError> {
        todo!()
    }

    /// `version_locations`, or `<script_location>/versions` when unset.
    pub fn version_locations(&self) -> Result<Vec<PathBuf>, ConfigError> {
        todo!()
    }

    /// `file_template` (default `%(rev)s_%(slug)s`, single `%` after interpolation).
    pub fn file_template(&self) -> String {
        todo!()
    }

    /// `truncate_slug_length` (default 40).
    pub fn truncate_slug_length(&self) -> Result<usize, ConfigError> {
        todo!()
    }

    /// `timezone`, if set.
    pub fn timezone(&self) -> Option<&str> {
        self.get("timezone")
    }

    /// `version_table` (default `alembic_version`).
    pub fn version_table(&self) -> &str {
        self.get("version_table").unwrap_or("alembic_version")
    }

    /// `version_table_schema`, if set.
    pub fn version_table_schema(&self) -> Option<&str> {
        self.get("version_table_schema")
    }

    /// `transaction_per_migration` (default true here: every migration is its own transaction).
    pub fn transaction_per_migration(&self) -> Result<bool, ConfigError> {
        todo!()
    }

    /// `sqlalchemy.url`, if set.
    pub fn sqlalchemy_url(&self) -> Option<&str> {
        self.get("sqlalchemy.url")
    }

    /// `models` (default `models.sql` beside the ini file).
    pub fn models_path(&self) -> PathBuf {
        todo!()
    }
}
