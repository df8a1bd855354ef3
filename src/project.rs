//! A migration project: its configuration, its scripts and their revision graph, loaded once.
//!
//! Loading reads every script of every version location and validates the graph, so every
//! command sees the same errors for the same broken file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::{Config, ConfigError, TransactionScope};
use crate::db::VersionTable;
use crate::revision::{RevisionError, RevisionMap};
use crate::script::{
    check_sourceless, load_scripts, Checksums, Loaded, Script, ScriptError, ScriptSource,
};
use crate::Result;

/// The longest `lock_timeout`, in seconds (a day): a longer wait is a hang, and a huge one
/// would overflow the clock.
const MAX_LOCK_TIMEOUT_SECS: f64 = 86_400.0;

/// The most retries `ddl_lock_retries` may ask for.
const MAX_DDL_LOCK_RETRIES: u32 = 10;

/// How long a migration statement on PostgreSQL waits for a table lock unless
/// `ddl_lock_timeout` says otherwise.
pub const DEFAULT_DDL_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a run waits for another run's migration lock unless `lock_timeout` says otherwise.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(300);

/// A loaded project.
#[derive(Debug)]
pub struct Project {
    pub config: Config,
    pub script_location: PathBuf,
    pub version_locations: Vec<PathBuf>,
    /// Scripts by revision id.
    pub scripts: HashMap<String, Script>,
    pub map: RevisionMap,
    pub version_table: VersionTable,
    /// Script names in the version locations that are symbolic links to nothing (skipped).
    pub dangling_links: Vec<PathBuf>,
    /// `.sql` files in the version locations with no header: not revisions (skipped).
    pub headerless: Vec<PathBuf>,
    /// Settings given in code, which win over the configuration's.
    pub overrides: Overrides,
    /// The scripts were compiled into the binary (their paths name no file on disk).
    pub embedded: bool,
}

/// Settings a library caller gives in code instead of in `alembic.ini`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Overrides {
    /// Instead of `lock_timeout`.
    pub lock_timeout: Option<Duration>,
    /// Instead of `transaction_per_migration`.
    pub transaction_scope: Option<TransactionScope>,
}

impl Project {
    /// Loads the scripts named by `config` and builds their graph.
    pub fn load(config: Config) -> Result<Project> {
        Project::load_with(config, Checksums::Skip)
    }

    /// As [`Project::load`], taking each script's checksum as it is read: for the commands
    /// that run scripts and record them in the history table.
    pub fn load_with_checksums(config: Config) -> Result<Project> {
        Project::load_with(config, Checksums::Compute)
    }

    /// Loads the scripts of `source` and builds their graph; settings come from the ini when
    /// the source has one (on disk or embedded), else they are the defaults.
    pub fn from_source(source: ScriptSource<'_>, checksums: Checksums) -> Result<Project> {
        match source {
            ScriptSource::Ini(path) => {
                Project::load_with(Config::load(path, "alembic")?, checksums)
            }
            ScriptSource::Directory(dir) => {
                let config = Config::from_text(
                    &dir.join("alembic.ini"),
                    "alembic",
                    &format!(
                        "[alembic]\nscript_location = {}\n",
                        dir.display().to_string().replace('%', "%%")
                    ),
                )?;
                Project::load_with(config, checksums)
            }
            ScriptSource::Embedded(set) => {
                let config = match set.ini() {
                    Some(text) => Config::from_text(Path::new(set.root()), "alembic", text)?,
                    None => Config::default(),
                };
                let scripts = set.load(checksums)?;
                let location = PathBuf::from(set.root());
                let mut project = Project::assemble(config, location, set.locations(), scripts)?;
                project.embedded = true;
                Ok(project)
            }
        }
    }

    fn load_with(config: Config, checksums: Checksums) -> Result<Project> {
        let script_location = config.script_location()?;
        if script_location.exists() && !script_location.is_dir() {
            return Err(ScriptError::NotADirectory {
                path: absolute(&script_location),
            }
            .into());
        }
        if !script_location.is_dir() {
            return Err(ScriptError::MissingDir {
                path: absolute(&script_location),
            }
            .into());
        }
        let version_locations = config.version_locations()?;
        let Loaded {
            scripts,
            dangling: dangling_links,
            headerless,
        } = load_scripts(&version_locations, checksums)?;
        // Alembic's test is a case-sensitive `== "true"`.
        if config.get("sourceless").map(str::trim) == Some("true") {
            check_sourceless(&version_locations)?;
        }
        let mut project = Project::assemble(config, script_location, version_locations, scripts)?;
        project.dangling_links = dangling_links;
        project.headerless = headerless;
        Ok(project)
    }

    /// The project of loaded scripts: their graph, by id.
    fn assemble(
        config: Config,
        script_location: PathBuf,
        version_locations: Vec<PathBuf>,
        scripts: Vec<Script>,
    ) -> Result<Project> {
        let map = RevisionMap::new(scripts.iter().map(Script::to_revision).collect())?;
        let mut by_id = HashMap::with_capacity(scripts.len());
        for script in scripts {
            by_id.insert(script.revision.clone(), script);
        }
        let version_table = version_table_of(&config);
        Ok(Project {
            config,
            script_location,
            version_locations,
            scripts: by_id,
            map,
            version_table,
            overrides: Overrides::default(),
            embedded: false,
            dangling_links: Vec::new(),
            headerless: Vec::new(),
        })
    }

    /// The script of a revision.
    pub fn script(&self, id: &str) -> std::result::Result<&Script, RevisionError> {
        self.scripts
            .get(id)
            .ok_or_else(|| RevisionError::NotFound(id.to_string()))
    }

    /// Checks that every row of the version table names a known revision.
    pub fn check_rows(&self, rows: &[String]) -> Result<()> {
        match rows.iter().find(|id| self.map.get(id).is_none()) {
            None => Ok(()),
            Some(id) => Err(crate::Error::UnknownVersionRow {
                id: id.clone(),
                table: self.version_table.name.clone(),
                locations: self.locations_for_messages(),
            }),
        }
    }

    /// The version locations as messages name them: absolute paths, or the paths an embedded
    /// set was compiled from.
    fn locations_for_messages(&self) -> String {
        let shown: Vec<String> = self
            .version_locations
            .iter()
            .map(|p| match self.embedded {
                true => format!("the embedded {}", p.display()),
                false => absolute(p).display().to_string(),
            })
            .collect();
        shown.join(", ")
    }

    /// `lock_timeout` in seconds (default five minutes).
    pub fn lock_timeout(&self) -> std::result::Result<Duration, ConfigError> {
        if let Some(timeout) = self.overrides.lock_timeout {
            return Ok(timeout);
        }
        lock_timeout_of(&self.config)
    }

    /// `ddl_lock_timeout` in seconds (default ten): how long a migration's statement on
    /// PostgreSQL waits for a lock on a table another session holds before it fails, so
    /// that an `ALTER TABLE` queued behind an idle reader does not stall every later reader
    /// of that table behind it. `0` waits as long as it takes.
    pub fn ddl_lock_timeout(&self) -> std::result::Result<Duration, ConfigError> {
        seconds(&self.config, "ddl_lock_timeout", DEFAULT_DDL_LOCK_TIMEOUT)
    }

    /// `ddl_lock_retries` (default 0, at most 10): how many times a migration that
    /// `ddl_lock_timeout` ended is rolled back and run again, after a pause that doubles
    /// from one second.
    pub fn ddl_lock_retries(&self) -> std::result::Result<u32, ConfigError> {
        match self.config.get("ddl_lock_retries") {
            None => Ok(0),
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= MAX_DDL_LOCK_RETRIES)
                .ok_or_else(|| ConfigError::BadValue {
                    key: "ddl_lock_retries".into(),
                    message: format!(
                        "'{v}' is not a whole number from 0 to {MAX_DDL_LOCK_RETRIES}"
                    ),
                }),
        }
    }
}

/// The ini's `lock_timeout` in seconds (default five minutes), for commands that read the
/// database before (or without) loading the project.
pub fn lock_timeout_of(config: &Config) -> std::result::Result<Duration, ConfigError> {
    seconds(config, "lock_timeout", DEFAULT_LOCK_TIMEOUT)
}

/// A number of seconds from 0 to a day under `key`, or `default`.
fn seconds(
    config: &Config,
    key: &str,
    default: Duration,
) -> std::result::Result<Duration, ConfigError> {
    match config.get(key) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| (0.0..=MAX_LOCK_TIMEOUT_SECS).contains(s))
            .map(Duration::from_secs_f64)
            .ok_or_else(|| ConfigError::BadValue {
                key: key.into(),
                message: format!(
                    "'{v}' is not a number of seconds from 0 to {MAX_LOCK_TIMEOUT_SECS}"
                ),
            }),
    }
}

impl Project {
    /// How the run groups migrations into transactions (`transaction_per_migration`).
    pub fn transaction_scope(&self) -> std::result::Result<TransactionScope, ConfigError> {
        match self.overrides.transaction_scope {
            Some(scope) => Ok(scope),
            None => self.config.transaction_scope(),
        }
    }
}

/// The version table `config` names (`version_table`, `version_table_schema`).
pub fn version_table_of(config: &Config) -> VersionTable {
    VersionTable {
        name: config.version_table().to_string(),
        schema: config.version_table_schema().map(str::to_string),
    }
}

/// `path` made absolute against the current directory, for messages.
pub fn absolute(path: &std::path::Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
