//! The `alembic.ini` reader: Python `configparser` syntax and `BasicInterpolation`.
//!
//! Owns parsing one section of an ini file into interpolated values, and the typed accessors
//! for the `[alembic]` keys. The grammar is configparser's defaults (what Alembic uses):
//!
//! - `[name]` starts a section (names are case-sensitive); `[DEFAULT]` holds keys visible in
//!   every section, overridden by the section's own keys;
//! - `key = value` or `key: value` (the first `=` or `:` delimits); keys are lowercased and
//!   trimmed, values trimmed;
//! - a line whose first non-blank character is `#` or `;` is a comment (there are no inline
//!   comments: `a = b ; c` has the value `b ; c`);
//! - a line indented deeper than its key line continues the value (joined with `\n`); blank
//!   lines inside a continued value are kept, trailing ones dropped;
//! - a duplicate section or a duplicate key in one section is an error (configparser's strict
//!   mode).
//!
//! Interpolation is `BasicInterpolation`: `%(name)s` is replaced by the (recursively
//! interpolated) value of `name` from the same section or `[DEFAULT]`, `%%` is a literal `%`;
//! `here` is the absolute directory of the ini file. Unlike configparser, which interpolates
//! on each read, every key of the chosen section is interpolated at load, so a bad reference
//! anywhere in the section is reported up front. Other sections (logging) are parsed for
//! syntax only and otherwise ignored.
//!
//! A missing file, or a file without the requested section, is not an error: it gives an
//! empty configuration, and the first accessor that needs a key reports it (Alembic's
//! "No 'script_location' key found in configuration.").

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use super::{ConfigError, LintGate, PostWriteHook, TransactionScope};

/// Whether `name` is one of the logging or hook sections an Alembic ini carries beside its
/// configuration sections (left out when a missing `-n` section lists the others).
fn is_logging_section(name: &str) -> bool {
    matches!(
        name,
        "loggers" | "handlers" | "formatters" | "post_write_hooks"
    ) || ["logger_", "handler_", "formatter_"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

/// Python's `os.pathsep`.
const OS_PATHSEP: char = if cfg!(windows) { ';' } else { ':' };

/// configparser's `MAX_INTERPOLATION_DEPTH`.
const MAX_INTERPOLATION_DEPTH: usize = 10;

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
    /// Why the section has no values, when the file or the section is absent.
    missing: Option<Missing>,
    /// The logging sections hide Alembic's INFO lines (`[logger_alembic] level = WARN`).
    info_hidden: bool,
    /// The `[models.types]` section: column types the models reader is told, name to SQL.
    model_types: Vec<(String, String)>,
    /// `version_locations` of `[tool.alembic]` ([`Config::with_pyproject`]), used when the
    /// ini section has none.
    toml_version_locations: Option<Vec<PathBuf>>,
    /// The `[post_write_hooks]` section's keys, interpolated, when the ini has one.
    hook_section: Option<Vec<(String, String)>>,
    /// `[[tool.alembic.post_write_hooks]]`: each table's keys and values.
    toml_hooks: Option<Vec<Vec<(String, String)>>>,
}

/// What was not there when the configuration was read.
#[derive(Clone, Debug)]
enum Missing {
    /// The file does not exist.
    File,
    /// The file has no such section; these are the sections it has.
    Section(Vec<String>),
}

impl Config {
    /// Reads `section` of `file`. A missing file gives an empty configuration (as Alembic).
    pub fn load(file: &Path, section: &str) -> Result<Config, ConfigError> {
        let here = here_of(file);
        // ConfigError::Read names the path itself.
        let text = match std::fs::read_to_string(file) {
            Ok(text) => Some(text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(ConfigError::Read {
                    path: file.to_path_buf(),
                    source,
                })
            }
        };
        let mut config = Config {
            file: file.to_path_buf(),
            here,
            section: section.to_string(),
            values: BTreeMap::new(),
            missing: Some(Missing::File),
            info_hidden: false,
            model_types: Vec::new(),
            toml_version_locations: None,
            hook_section: None,
            toml_hooks: None,
        };
        if let Some(text) = text {
            config.read_section(&text)?;
        }
        Ok(config)
    }

    /// Reads `section` of `text`, as if it were the contents of `file` (which is not read; it
    /// gives `%(here)s` and the name in messages). No I/O: for tests and fuzzing.
    pub fn from_text(file: &Path, section: &str, text: &str) -> Result<Config, ConfigError> {
        let mut config = Config {
            file: file.to_path_buf(),
            here: here_of(file),
            section: section.to_string(),
            values: BTreeMap::new(),
            missing: None,
            info_hidden: false,
            model_types: Vec::new(),
            toml_version_locations: None,
            hook_section: None,
            toml_hooks: None,
        };
        config.read_section(text)?;
        Ok(config)
    }

    /// Parses `text` as the contents of `self.file` and keeps the interpolated values of
    /// `self.section` (with `[DEFAULT]` keys and `here`), or notes that the section is absent.
    fn read_section(&mut self, text: &str) -> Result<(), ConfigError> {
        let ini = parse_ini(&self.file, text)?;
        let here = self.here.to_string_lossy().into_owned();
        // configparser's defaults: `here` from Alembic, then the file's [DEFAULT] keys.
        let mut raw: BTreeMap<String, String> = BTreeMap::new();
        raw.insert("here".to_string(), here.replace('%', "%%"));
        raw.extend(ini.defaults);
        if let Some((_, hooks)) = ini.sections.iter().find(|(n, _)| n == "post_write_hooks") {
            self.hook_section = Some(interpolate_section(&self.file, &raw, hooks)?);
        }
        self.info_hidden = !super::logging::info_is_logged(&ini.sections);
        if let Some((_, types)) = ini.sections.iter().find(|(n, _)| n == "models.types") {
            self.model_types = types.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        }
        let names: Vec<String> = ini
            .sections
            .iter()
            .map(|(n, _)| n.clone())
            .filter(|n| !is_logging_section(n))
            .collect();
        match ini
            .sections
            .into_iter()
            .find(|(name, _)| name == &self.section)
        {
            Some((_, values)) => raw.extend(values),
            // An unknown section: nothing, not even the defaults (configparser's `has_option`
            // is false for every key of a missing section).
            None => {
                self.values = BTreeMap::new();
                self.missing = Some(Missing::Section(names));
                return Ok(());
            }
        }
        let mut values = BTreeMap::new();
        for (key, value) in &raw {
            let interpolated = interpolate(&self.file, key, value, &raw)?;
            values.insert(key.clone(), interpolated);
        }
        self.values = values;
        self.missing = None;
        Ok(())
    }

    /// Adds what `[tool.alembic]` of the `pyproject.toml` at `path` sets and the ini section
    /// does not (see [`super::pyproject`]); a missing file adds nothing.
    pub fn with_pyproject(mut self, path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(self),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let here = here_of(path).to_string_lossy().into_owned();
        let tool = super::pyproject::read(path, &here, &text)?;
        for (key, value) in tool.values {
            self.values.entry(key).or_insert(value);
        }
        self.toml_version_locations = tool
            .version_locations
            .map(|list| list.into_iter().map(PathBuf::from).collect());
        self.toml_hooks = tool.post_write_hooks;
        Ok(self)
    }

    /// The hooks to run on each new revision file: the ini's `[post_write_hooks]`, or
    /// without that section `[[tool.alembic.post_write_hooks]]` (see [`super::hooks`]).
    pub fn post_write_hooks(&self) -> Result<Vec<PostWriteHook>, ConfigError> {
        match (&self.hook_section, &self.toml_hooks) {
            (Some(section), _) => super::hooks::from_ini(section),
            (None, Some(tables)) => super::hooks::from_toml(tables),
            (None, None) => Ok(Vec::new()),
        }
    }

    /// Whether the file's logging sections let Alembic's INFO lines through, as Python's
    /// `fileConfig` would (true when it configures no logging, or does not exist).
    pub fn logs_info(&self) -> bool {
        !self.info_hidden
    }

    /// Every key of the section and its interpolated value (with `[DEFAULT]`'s and `here`),
    /// by key.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A raw (interpolated) value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// `script_location`, resolved against the current directory when relative (as given:
    /// not canonicalized). An empty value counts as absent. Without one, an ini that sits
    /// beside an `env.py` is in Flask-Migrate's layout (`migrations/alembic.ini`, whose
    /// directory Flask-Migrate passes as the script location): its directory is the script
    /// location.
    pub fn script_location(&self) -> Result<PathBuf, ConfigError> {
        match self.get("script_location") {
            Some(location) if !location.trim().is_empty() => Ok(PathBuf::from(location.trim())),
            _ if self.missing.is_none() && self.here.join("env.py").is_file() => {
                Ok(self.here.clone())
            }
            _ => Err(self.no_script_location()),
        }
    }

    /// Why there is no `script_location`: no file, no such section, or no such key.
    fn no_script_location(&self) -> ConfigError {
        match &self.missing {
            Some(Missing::File) => ConfigError::NoConfigFile {
                path: self.file.clone(),
                directory: self.here.clone(),
            },
            Some(Missing::Section(present)) => ConfigError::NoSection {
                path: self.file.clone(),
                section: self.section.clone(),
                present: present.join(", "),
            },
            None => ConfigError::NoScriptLocation,
        }
    }

    /// `version_locations`, or `<script_location>/versions` when unset.
    ///
    /// With `path_separator` (or the older `version_path_separator`) set to `os`, `:`, `;`,
    /// `space` or `newline` the value is split on that; without either, on whitespace, commas
    /// and the OS path separator (`:` on Unix). Alembic's legacy splitting is spaces and
    /// commas only; the path separator is added so that the `a:b` example in `init`'s
    /// `alembic.ini` works without `path_separator = os`.
    pub fn version_locations(&self) -> Result<Vec<PathBuf>, ConfigError> {
        let value = match (self.get("version_locations"), &self.toml_version_locations) {
            (Some(value), _) if !value.trim().is_empty() => value,
            (_, Some(list)) if !list.is_empty() => return Ok(list.clone()),
            _ => return Ok(vec![self.script_location()?.join("versions")]),
        };
        let parts: Vec<&str> = match self.path_separator()? {
            Some(sep) => value.split(sep).map(str::trim).collect(),
            None => value
                .split(|c: char| c == ',' || c == OS_PATHSEP || c.is_whitespace())
                .collect(),
        };
        Ok(parts
            .into_iter()
            .filter(|part| !part.is_empty())
            .map(PathBuf::from)
            .collect())
    }

    /// The separator named by `path_separator` (or `version_path_separator`), if any.
    fn path_separator(&self) -> Result<Option<char>, ConfigError> {
        let (key, value) = match (
            self.get("path_separator"),
            self.get("version_path_separator"),
        ) {
            (Some(value), _) => ("path_separator", value),
            (None, Some(value)) => ("version_path_separator", value),
            (None, None) => return Ok(None),
        };
        let sep = match value.trim() {
            "os" => OS_PATHSEP,
            ":" => ':',
            ";" => ';',
            "space" => ' ',
            "newline" => '\n',
            other => {
                return Err(ConfigError::BadValue {
                    key: key.to_string(),
                    message: format!(
                        "'{other}' is not a valid value for {key}; expected 'space', 'newline', 'os', ':', ';'"
                    ),
                })
            }
        };
        Ok(Some(sep))
    }

    /// `file_template` (default `%(rev)s_%(slug)s`, single `%` after interpolation).
    pub fn file_template(&self) -> String {
        match self.get("file_template") {
            Some(template) if !template.trim().is_empty() => template.trim().to_string(),
            _ => "%(rev)s_%(slug)s".to_string(),
        }
    }

    /// `truncate_slug_length` (default 40).
    pub fn truncate_slug_length(&self) -> Result<usize, ConfigError> {
        match self.get("truncate_slug_length") {
            None => Ok(40),
            Some(value) => value
                .trim()
                .parse::<usize>()
                .map_err(|_| ConfigError::BadValue {
                    key: "truncate_slug_length".to_string(),
                    message: format!("'{value}' is not a whole number"),
                }),
        }
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
    /// Read like SQLAlchemy's `asbool`.
    pub fn transaction_per_migration(&self) -> Result<bool, ConfigError> {
        self.flag("transaction_per_migration", true)
    }

    /// [`TransactionScope::PerMigration`] unless `transaction_per_migration = false`.
    pub fn transaction_scope(&self) -> Result<TransactionScope, ConfigError> {
        Ok(if self.transaction_per_migration()? {
            TransactionScope::PerMigration
        } else {
            TransactionScope::Whole
        })
    }

    /// `compare_server_default` (default false, as in Alembic): whether autogenerate and
    /// `check` compare server defaults. Read like SQLAlchemy's `asbool`.
    pub fn compare_server_default(&self) -> Result<bool, ConfigError> {
        self.flag("compare_server_default", false)
    }

    /// `lint`: `off` (the default), `warn` or `error` (any case).
    pub fn lint_gate(&self) -> Result<LintGate, ConfigError> {
        let Some(value) = self.get("lint") else {
            return Ok(LintGate::Off);
        };
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "off" => Ok(LintGate::Off),
            "warn" | "warning" => Ok(LintGate::Warn),
            "error" => Ok(LintGate::Error),
            _ => Err(ConfigError::BadValue {
                key: "lint".to_string(),
                message: format!("'{value}' is not off, warn or error"),
            }),
        }
    }

    /// A true/false key read like SQLAlchemy's `asbool`; `default` when it is not set.
    fn flag(&self, key: &str, default: bool) -> Result<bool, ConfigError> {
        match self.get(key) {
            None => Ok(default),
            Some(value) => parse_bool(value).ok_or_else(|| ConfigError::BadValue {
                key: key.to_string(),
                message: format!("String is not true/false: '{value}'"),
            }),
        }
    }

    /// `sqlalchemy.url`, if set.
    pub fn sqlalchemy_url(&self) -> Option<&str> {
        self.get("sqlalchemy.url")
    }

    /// The `[models.types]` section's `Name = SQL type` pairs, as written.
    pub fn model_types(&self) -> &[(String, String)] {
        &self.model_types
    }

    /// The `models` key, when set and not blank, resolved as [`Config::models_path`] does.
    pub fn models_key(&self) -> Option<PathBuf> {
        self.get("models")
            .filter(|m| !m.trim().is_empty())
            .map(|_| self.models_path())
    }

    /// `models.py` beside the ini file: the target when `models` is not set and it exists.
    pub fn models_py_default(&self) -> PathBuf {
        self.here.join("models.py")
    }

    /// `models` (default `models.sql` beside the ini file); a relative value is relative to
    /// the ini file's directory.
    pub fn models_path(&self) -> PathBuf {
        match self.get("models") {
            Some(models) if !models.trim().is_empty() => self.here.join(models.trim()),
            _ => self.here.join("models.sql"),
        }
    }
}

/// SQLAlchemy's `asbool` on a string: `true/yes/on/y/t/1` and `false/no/off/n/f/0`,
/// case-insensitive, surrounding blanks ignored.
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "y" | "t" | "1" => Some(true),
        "false" | "no" | "off" | "n" | "f" | "0" => Some(false),
        _ => None,
    }
}

/// Python's `os.path.abspath(os.path.dirname(file))`: lexical, symlinks not resolved.
fn here_of(file: &Path) -> PathBuf {
    let dir = file.parent().unwrap_or(Path::new(""));
    let joined = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(dir),
            Err(_) => dir.to_path_buf(),
        }
    };
    normalize(&joined)
}

/// Removes `.` and resolves `..` lexically, as `os.path.normpath`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// A parsed ini file: raw (uninterpolated) values.
#[derive(Debug, Default)]
struct Ini {
    defaults: BTreeMap<String, String>,
    /// Sections in file order.
    sections: Vec<(String, BTreeMap<String, String>)>,
}

/// Where the parser is putting keys.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    None,
    Defaults,
    Section(usize),
}

/// Parses configparser syntax into raw values. Mirrors `RawConfigParser._read` with the
/// default options (`strict`, `empty_lines_in_values`, `#`/`;` comments, `=`/`:` delimiters).
fn parse_ini(path: &Path, text: &str) -> Result<Ini, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = IniReader::default();
    for (index, line) in crate::sql::lines(text).enumerate() {
        reader.line(line).map_err(|message| ConfigError::Syntax {
            path: path.to_path_buf(),
            line: index + 1,
            message,
        })?;
    }
    Ok(reader.finish())
}

/// [`parse_ini`]'s state between lines.
struct IniReader {
    ini: Ini,
    /// The values being built, as lines, keyed by (target, key), in file order.
    pending: Vec<(Target, String, Vec<String>)>,
    target: Target,
    seen_default: bool,
    /// Index into `pending` of the value that continuation lines extend.
    current: Option<usize>,
    indent_level: usize,
}

impl Default for IniReader {
    fn default() -> Self {
        IniReader {
            ini: Ini::default(),
            pending: Vec::new(),
            target: Target::None,
            seen_default: false,
            current: None,
            indent_level: usize::MAX,
        }
    }
}

impl IniReader {
    /// Reads one line (without its line ending); an error is the message for that line.
    fn line(&mut self, line: &str) -> Result<(), String> {
        let stripped = line.trim();
        let is_comment = stripped.starts_with('#') || stripped.starts_with(';');
        if stripped.is_empty() || is_comment {
            if !is_comment {
                if let Some(lines) = self.open_value() {
                    lines.push(String::new());
                }
            }
            return Ok(());
        }
        let cur_indent = line.chars().take_while(|c| c.is_whitespace()).count();
        if cur_indent > self.indent_level {
            if let Some(lines) = self.open_value() {
                lines.push(stripped.to_string());
                return Ok(());
            }
        }
        self.indent_level = cur_indent;
        match section_header(stripped) {
            Some(name) => self.section(name),
            None => self.option(stripped),
        }
    }

    /// The lines of the value a continuation line would extend, if one is open.
    fn open_value(&mut self) -> Option<&mut Vec<String>> {
        let i = self.current?;
        self.pending.get_mut(i).map(|(_, _, lines)| lines)
    }

    fn section(&mut self, name: &str) -> Result<(), String> {
        self.current = None;
        if name == "DEFAULT" {
            if self.seen_default {
                return Err("section 'DEFAULT' already exists".into());
            }
            self.seen_default = true;
            self.target = Target::Defaults;
        } else {
            if self.ini.sections.iter().any(|(n, _)| n == name) {
                return Err(format!("section '{name}' already exists"));
            }
            self.ini.sections.push((name.to_string(), BTreeMap::new()));
            self.target = Target::Section(self.ini.sections.len() - 1);
        }
        Ok(())
    }

    /// A `key = value` (or `key: value`) line, which opens a value.
    fn option(&mut self, stripped: &str) -> Result<(), String> {
        if self.target == Target::None {
            return Err(
                "file contains no section headers; expected '[section]' before any key".into(),
            );
        }
        let Some(delim) = stripped.find(['=', ':']) else {
            return Err(format!(
                "expected 'key = value' or '[section]', found '{stripped}'"
            ));
        };
        let key = stripped[..delim].trim_end().to_lowercase();
        if key.is_empty() {
            return Err("a key name is missing before '='".into());
        }
        let value = stripped[delim + 1..].trim().to_string();
        let target = self.target;
        if self
            .pending
            .iter()
            .any(|(t, k, _)| *t == target && *k == key)
        {
            let section = match target {
                Target::Section(i) => self.ini.sections.get(i).map_or("", |(n, _)| n.as_str()),
                _ => "DEFAULT",
            };
            return Err(format!(
                "option '{key}' in section '{section}' already exists"
            ));
        }
        self.pending.push((target, key, vec![value]));
        self.current = Some(self.pending.len() - 1);
        Ok(())
    }

    /// The values, their lines joined and trailing blank lines dropped.
    fn finish(mut self) -> Ini {
        for (target, key, lines) in self.pending {
            let value = lines.join("\n").trim_end().to_string();
            match target {
                Target::Defaults => {
                    self.ini.defaults.insert(key, value);
                }
                Target::Section(i) => {
                    if let Some((_, values)) = self.ini.sections.get_mut(i) {
                        values.insert(key, value);
                    }
                }
                Target::None => {}
            }
        }
        self.ini
    }
}

/// `[name]` → `name` (configparser's `\[(?P<header>.+)\]`: up to the last `]`).
fn section_header(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    let name = &rest[..end];
    (!name.is_empty()).then_some(name)
}

/// The keys of `section` with their values interpolated over `defaults` (`here` and
/// `[DEFAULT]`) and the section itself, as configparser's `items(section)` gives them.
fn interpolate_section(
    path: &Path,
    defaults: &BTreeMap<String, String>,
    section: &BTreeMap<String, String>,
) -> Result<Vec<(String, String)>, ConfigError> {
    let mut map = defaults.clone();
    map.extend(section.iter().map(|(k, v)| (k.clone(), v.clone())));
    section
        .iter()
        .map(|(k, v)| Ok((k.clone(), interpolate(path, k, v, &map)?)))
        .collect()
}

/// `BasicInterpolation` of one value. Error messages never quote the value itself (it may
/// be a URL with a password).
fn interpolate(
    path: &Path,
    key: &str,
    value: &str,
    map: &BTreeMap<String, String>,
) -> Result<String, ConfigError> {
    let mut out = String::new();
    interpolate_into(path, key, value, map, 1, &mut out)?;
    Ok(out)
}

fn interpolate_into(
    path: &Path,
    key: &str,
    value: &str,
    map: &BTreeMap<String, String>,
    depth: usize,
    out: &mut String,
) -> Result<(), ConfigError> {
    let error = |message: String| ConfigError::Interpolation {
        path: path.to_path_buf(),
        key: key.to_string(),
        message,
    };
    if depth > MAX_INTERPOLATION_DEPTH {
        return Err(error(
            "recursion limit exceeded in value substitution (a reference loop?)".to_string(),
        ));
    }
    let mut rest = value;
    while let Some(p) = rest.find('%') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        if let Some(after) = rest.strip_prefix("%%") {
            out.push('%');
            rest = after;
        } else if let Some(after) = rest.strip_prefix("%(") {
            let Some((name, after)) = after
                .split_once(')')
                .filter(|(name, after)| !name.is_empty() && after.starts_with('s'))
            else {
                return Err(error(
                    "bad interpolation variable reference; expected '%(name)s'".to_string(),
                ));
            };
            let name = name.to_lowercase();
            let Some(referenced) = map.get(&name) else {
                return Err(error(format!(
                    "'%({name})s' refers to a key that is not in the section or [DEFAULT]"
                )));
            };
            if referenced.contains('%') {
                interpolate_into(path, key, referenced, map, depth + 1, out)?;
            } else {
                out.push_str(referenced);
            }
            rest = &after[1..];
        } else {
            return Err(error(
                "'%' must be followed by '%' or '('; write '%%' for a literal '%'".to_string(),
            ));
        }
    }
    out.push_str(rest);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str, section: &str) -> Result<Config, ConfigError> {
        let mut config = Config {
            file: PathBuf::from("/proj/alembic.ini"),
            here: PathBuf::from("/proj"),
            section: section.to_string(),
            values: BTreeMap::new(),
            missing: None,
            info_hidden: false,
            model_types: Vec::new(),
            toml_version_locations: None,
            hook_section: None,
            toml_hooks: None,
        };
        config.read_section(text)?;
        Ok(config)
    }

    fn cfg(text: &str) -> Config {
        match load_text(text, "alembic") {
            Ok(config) => config,
            Err(err) => panic!("unexpected error: {err}"),
        }
    }

    const GENERIC: &str = "\
# A generic, single database configuration.

[alembic]
# path to migration scripts
script_location = %(here)s/migrations
file_template = %%(year)d_%%(month).2d_%%(rev)s_%%(slug)s
prepend_sys_path = .
sqlalchemy.url = driver://user:pass@localhost/dbname

[loggers]
keys = root,sqlalchemy,alembic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
";

    #[test]
    fn reads_generic_ini_and_ignores_logging_sections() {
        let c = cfg(GENERIC);
        assert_eq!(c.get("script_location"), Some("/proj/migrations"));
        assert_eq!(
            c.script_location().ok(),
            Some(PathBuf::from("/proj/migrations"))
        );
        assert_eq!(c.file_template(), "%(year)d_%(month).2d_%(rev)s_%(slug)s");
        assert_eq!(
            c.sqlalchemy_url(),
            Some("driver://user:pass@localhost/dbname")
        );
        assert_eq!(c.get("keys"), None);
        assert_eq!(c.get("here"), Some("/proj"));
    }

    #[test]
    fn colon_delimiter_lowercase_keys_and_first_delimiter_wins() {
        let c = cfg("[alembic]\nScript_Location: a:b\nURL = x=y\n");
        assert_eq!(c.get("script_location"), Some("a:b"));
        assert_eq!(c.get("url"), Some("x=y"));
    }

    #[test]
    fn comments_and_no_inline_comments() {
        let c = cfg("[alembic]\n  # indented comment\n; semi\nk = v ; not a comment\n");
        assert_eq!(c.get("k"), Some("v ; not a comment"));
    }

    #[test]
    fn continuation_lines() {
        let c = cfg("[alembic]\nversion_locations =\n    a\n\n    b\n\nother = 1\n");
        assert_eq!(c.get("version_locations"), Some("\na\n\nb"));
        assert_eq!(c.get("other"), Some("1"));
        let c = cfg("[alembic]\nk = first\n  second\n  # a comment is skipped\n  third\n");
        assert_eq!(c.get("k"), Some("first\nsecond\nthird"));
    }

    #[test]
    fn crlf_and_bom() {
        let c = cfg("\u{feff}[alembic]\r\nk = v\r\n  w\r\n");
        assert_eq!(c.get("k"), Some("v\nw"));
    }

    #[test]
    fn default_section_is_visible_and_overridden() {
        let text = "[DEFAULT]\nbase = /srv\nk = d\n[alembic]\nk = s\nloc = %(base)s/m\n";
        let c = cfg(text);
        assert_eq!(c.get("base"), Some("/srv"));
        assert_eq!(c.get("k"), Some("s"));
        assert_eq!(c.get("loc"), Some("/srv/m"));
    }

    #[test]
    fn interpolation_recursive_and_escapes() {
        let c = cfg("[alembic]\na = %(b)s/x\nb = %(here)s/%(C)s\nc = 100%%\n");
        assert_eq!(c.get("a"), Some("/proj/100%/x"));
        assert_eq!(c.get("c"), Some("100%"));
    }

    #[test]
    fn bad_interpolation_is_an_error_without_the_value() {
        for text in [
            "[alembic]\nsqlalchemy.url = postgresql://u:p%40ss@h/db\n",
            "[alembic]\nk = %(missing)s\n",
            "[alembic]\nk = %(unterminated\n",
            "[alembic]\nk = %(a)d\n",
            "[alembic]\na = %(b)s\nb = %(a)s\n",
        ] {
            match load_text(text, "alembic") {
                Err(err @ ConfigError::Interpolation { .. }) => {
                    assert!(!err.to_string().contains("p%40ss"), "{err}");
                }
                other => panic!("expected interpolation error for {text:?}, got {other:?}"),
            }
        }
    }

    #[test]
    fn other_sections_are_not_interpolated() {
        let c = cfg("[alembic]\nk = v\n[formatter]\nformat = %(bogus\n");
        assert_eq!(c.get("k"), Some("v"));
    }

    #[test]
    fn unknown_section_is_empty() {
        let c = match load_text("[DEFAULT]\nscript_location = x\n[alembic]\n", "other") {
            Ok(c) => c,
            Err(err) => panic!("{err}"),
        };
        assert_eq!(c.get("script_location"), None);
        assert_eq!(
            c.script_location().map_err(|e| e.to_string()),
            Err("/proj/alembic.ini: no [other] section (it has: alembic)".to_string())
        );
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let cases = [
            (
                "k = v\n",
                1,
                "file contains no section headers; expected '[section]' before any key",
            ),
            (
                "[alembic]\njunk line\n",
                2,
                "expected 'key = value' or '[section]', found 'junk line'",
            ),
            (
                "[alembic]\na = 1\n[alembic]\n",
                3,
                "section 'alembic' already exists",
            ),
            (
                "[DEFAULT]\na = 1\n[DEFAULT]\n",
                3,
                "section 'DEFAULT' already exists",
            ),
            (
                "[alembic]\na = 1\nA = 2\n",
                3,
                "option 'a' in section 'alembic' already exists",
            ),
            (
                "[DEFAULT]\na = 1\n  more\n[x]\na = 3\n[DEFAULT]\n",
                6,
                "section 'DEFAULT' already exists",
            ),
            (
                "[DEFAULT]\na = 1\nb = 2\na: 3\n",
                4,
                "option 'a' in section 'DEFAULT' already exists",
            ),
            ("[alembic]\n= 2\n", 2, "a key name is missing before '='"),
        ];
        for (text, want, want_message) in cases {
            match load_text(text, "alembic") {
                Err(ConfigError::Syntax { line, message, .. }) => {
                    assert_eq!((line, message.as_str()), (want, want_message), "{text:?}")
                }
                other => panic!("expected syntax error for {text:?}, got {other:?}"),
            }
        }
    }

    #[test]
    fn missing_file_gives_empty_config() {
        let dir = std::env::temp_dir().join("litekb-ini-test-does-not-exist");
        let file = dir.join("alembic.ini");
        let c = match Config::load(&file, "alembic") {
            Ok(c) => c,
            Err(err) => panic!("{err}"),
        };
        assert_eq!(c.here, dir);
        assert_eq!(
            c.script_location().map_err(|e| e.to_string()),
            Err(format!(
                "No config file '{}' found in {}; create one with 'alembic init DIRECTORY' or name it with -c",
                file.display(),
                dir.display()
            ))
        );
        assert_eq!(
            ConfigError::NoScriptLocation.to_string(),
            "No 'script_location' key found in configuration."
        );
    }

    #[test]
    fn load_reads_a_real_file_and_sets_here() {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => panic!("{err}"),
        };
        let file = dir.path().join("alembic.ini");
        if let Err(err) = std::fs::write(&file, "[alembic]\nscript_location = %(here)s/m\n") {
            panic!("{err}");
        }
        let c = match Config::load(&file, "alembic") {
            Ok(c) => c,
            Err(err) => panic!("{err}"),
        };
        assert_eq!(c.here, dir.path());
        assert_eq!(c.script_location().ok(), Some(dir.path().join("m")));
    }

    #[test]
    fn here_is_absolute_and_normalized() {
        let cwd = std::env::current_dir().unwrap_or_default();
        assert_eq!(here_of(Path::new("alembic.ini")), normalize(&cwd));
        assert_eq!(
            here_of(Path::new("/a/./b/../c/x.ini")),
            PathBuf::from("/a/c")
        );
    }

    #[test]
    fn version_locations_default_and_splitting() {
        let c = cfg("[alembic]\nscript_location = migrations\n");
        assert_eq!(
            c.version_locations().ok(),
            Some(vec![PathBuf::from("migrations/versions")])
        );
        let c = cfg("[alembic]\nscript_location = m\nversion_locations = a, b c,d\n  e\n");
        let want: Vec<PathBuf> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(c.version_locations().ok(), Some(want));
        let c = cfg("[alembic]\nversion_locations = %(here)s/a:%(here)s/b\n");
        let want: Vec<PathBuf> = ["/proj/a", "/proj/b"].iter().map(PathBuf::from).collect();
        assert_eq!(c.version_locations().ok(), Some(want));
        let c = cfg("[alembic]\nversion_locations = a b;c d\npath_separator = ;\n");
        let want: Vec<PathBuf> = ["a b", "c d"].iter().map(PathBuf::from).collect();
        assert_eq!(c.version_locations().ok(), Some(want));
        let c = cfg("[alembic]\nversion_locations = a:b\npath_separator = os\n");
        if cfg!(unix) {
            let want: Vec<PathBuf> = ["a", "b"].iter().map(PathBuf::from).collect();
            assert_eq!(c.version_locations().ok(), Some(want));
        }
        let c = cfg("[alembic]\nversion_locations =\n  a b\n  c\npath_separator = newline\n");
        let want: Vec<PathBuf> = ["a b", "c"].iter().map(PathBuf::from).collect();
        assert_eq!(c.version_locations().ok(), Some(want));
        let c = cfg("[alembic]\nversion_locations = a\nversion_path_separator = bogus\n");
        assert!(matches!(
            c.version_locations(),
            Err(ConfigError::BadValue { .. })
        ));
        let c = cfg("[alembic]\n");
        assert!(matches!(
            c.version_locations(),
            Err(ConfigError::NoScriptLocation)
        ));
    }

    #[test]
    fn typed_accessors_and_defaults() {
        let c = cfg("[alembic]\n");
        assert_eq!(c.file_template(), "%(rev)s_%(slug)s");
        assert_eq!(c.truncate_slug_length().ok(), Some(40));
        assert_eq!(c.transaction_per_migration().ok(), Some(true));
        assert_eq!(c.version_table(), "alembic_version");
        assert_eq!(c.version_table_schema(), None);
        assert_eq!(c.timezone(), None);
        assert_eq!(c.models_path(), PathBuf::from("/proj/models.sql"));

        let c = cfg("[alembic]\ntruncate_slug_length = 12\ntransaction_per_migration = Off\nmodels = db/m.sql\ntimezone = UTC\nversion_table = v\nversion_table_schema = s\n");
        assert_eq!(c.truncate_slug_length().ok(), Some(12));
        assert_eq!(c.transaction_per_migration().ok(), Some(false));
        assert_eq!(c.models_path(), PathBuf::from("/proj/db/m.sql"));
        assert_eq!(c.timezone(), Some("UTC"));
        assert_eq!(c.version_table(), "v");
        assert_eq!(c.version_table_schema(), Some("s"));

        let c = cfg("[alembic]\nmodels = /abs/m.sql\n");
        assert_eq!(c.models_path(), PathBuf::from("/abs/m.sql"));

        assert_eq!(c.lint_gate().ok(), Some(LintGate::Off));
        let c = cfg("[alembic]\nlint = Error\n");
        assert_eq!(c.lint_gate().ok(), Some(LintGate::Error));
        let c = cfg("[alembic]\nlint = warn\n");
        assert_eq!(c.lint_gate().ok(), Some(LintGate::Warn));
        let c = cfg("[alembic]\nlint = strict\n");
        assert!(matches!(c.lint_gate(), Err(ConfigError::BadValue { .. })));

        let c = cfg("[alembic]\ntruncate_slug_length = ten\ntransaction_per_migration = maybe\n");
        assert!(matches!(
            c.truncate_slug_length(),
            Err(ConfigError::BadValue { .. })
        ));
        assert!(matches!(
            c.transaction_per_migration(),
            Err(ConfigError::BadValue { .. })
        ));
    }

    #[test]
    fn asbool_words() {
        for word in ["true", "YES", "on", "y", "T", "1"] {
            assert_eq!(parse_bool(word), Some(true), "{word}");
        }
        for word in ["false", "No", "OFF", "n", "f", "0"] {
            assert_eq!(parse_bool(word), Some(false), "{word}");
        }
        assert_eq!(parse_bool("2"), None);
    }
}
