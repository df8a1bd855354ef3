//! Settings: raw arguments and the environment resolved into what commands need.
//!
//! Config file: `-c`, else `$ALEMBIC_CONFIG`, else `./alembic.ini`. Database URL: `-x url=…`,
//! else `$DATABASE_URL`, else `sqlalchemy.url`.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::config::{resolve_url, Config, DatabaseUrl};
use crate::project::Project;
use crate::{Error, Result};

use super::args::Cli;
use super::output::Printer;
use super::report::Secrets;

/// Global settings shared by every command.
#[derive(Debug)]
pub struct Settings {
    pub config_file: PathBuf,
    pub section: String,
    /// `-x KEY=VALUE` pairs (`-x flag` gives an empty value).
    pub x: BTreeMap<String, String>,
    /// `$DATABASE_URL`, read once here: the library reads no environment for its URL.
    pub env_url: Option<String>,
    pub printer: Printer,
    /// The configuration as read once at start-up, when it loaded; a failure is left for
    /// [`Settings::config`] to report when a command needs it.
    loaded: Option<Config>,
    /// The `pyproject.toml` whose `[tool.alembic]` adds to the ini (it may not exist).
    pub pyproject: PathBuf,
    /// `-c` named two ini files or two `pyproject.toml` files: the usage error to report.
    config_conflict: Option<String>,
}

/// The two configuration files of a run.
#[derive(Debug, PartialEq, Eq)]
struct ConfigFiles {
    ini: PathBuf,
    pyproject: PathBuf,
}

/// The ini file and the `pyproject.toml` as Alembic 1.16+ picks them: each `-c` value named
/// `pyproject.toml` is the toml file, any other the ini; without `-c`, `$ALEMBIC_CONFIG`
/// (the toml file if so named) and then `alembic.ini` and `pyproject.toml` in the current
/// directory. Two of either kind is an error.
fn config_files(
    given: &[PathBuf],
    env: Option<PathBuf>,
) -> std::result::Result<ConfigFiles, String> {
    let is_toml = |p: &PathBuf| p.file_name().is_some_and(|n| n == "pyproject.toml");
    let mut files = ConfigFiles {
        ini: PathBuf::from("alembic.ini"),
        pyproject: PathBuf::from("pyproject.toml"),
    };
    if given.is_empty() {
        match env {
            Some(path) if is_toml(&path) => files.pyproject = path,
            Some(path) => files.ini = path,
            None => {}
        }
        return Ok(files);
    }
    let (tomls, inis): (Vec<&PathBuf>, Vec<&PathBuf>) = given.iter().partition(|p| is_toml(p));
    if tomls.len() > 1 {
        return Err("pyproject.toml indicated more than once".into());
    }
    if inis.len() > 1 {
        return Err("only one ini file may be indicated".into());
    }
    if let Some(toml) = tomls.first() {
        files.pyproject = (*toml).clone();
    }
    if let Some(ini) = inis.first() {
        files.ini = (*ini).clone();
    }
    Ok(files)
}

impl Settings {
    /// Resolves the global options against the environment.
    pub fn resolve(cli: &Cli) -> Settings {
        let env = std::env::var_os("ALEMBIC_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        let (files, config_conflict) = match config_files(&cli.config, env) {
            Ok(files) => (files, None),
            Err(why) => (
                ConfigFiles {
                    ini: PathBuf::from("alembic.ini"),
                    pyproject: PathBuf::from("pyproject.toml"),
                },
                Some(why),
            ),
        };
        let config_file = files.ini;
        let pyproject = files.pyproject;
        let x = cli
            .x
            .iter()
            .map(|arg| match arg.split_once('=') {
                Some((k, v)) => (k.trim().to_string(), v.to_string()),
                None => (arg.trim().to_string(), String::new()),
            })
            .collect();
        // A file that fails to load shows the INFO lines before the command reports it.
        let loaded = Config::load(&config_file, &cli.name)
            .and_then(|c| c.with_pyproject(&pyproject))
            .ok();
        let info = !cli.quiet && loaded.as_ref().is_none_or(Config::logs_info);
        Settings {
            config_file,
            section: cli.name.clone(),
            x,
            env_url: std::env::var("DATABASE_URL").ok(),
            printer: Printer {
                quiet: cli.quiet,
                info,
                colour: cli.color.colours(
                    std::io::stderr().is_terminal(),
                    std::env::var_os("NO_COLOR").as_ref(),
                ),
                colour_stdout: cli.color.colours(
                    std::io::stdout().is_terminal(),
                    std::env::var_os("NO_COLOR").as_ref(),
                ),
            },
            loaded,
            pyproject,
            config_conflict,
        }
    }

    /// The configuration (a missing file reads as empty, as in Alembic), with what
    /// `[tool.alembic]` of the `pyproject.toml` adds.
    pub fn config(&self) -> Result<Config> {
        match &self.loaded {
            Some(config) => Ok(config.clone()),
            None => {
                Ok(Config::load(&self.config_file, &self.section)?
                    .with_pyproject(&self.pyproject)?)
            }
        }
    }

    /// Refuses `-c` naming two ini files or two `pyproject.toml` files, as Alembic does.
    pub fn check_config_files(&self) -> Result<()> {
        match &self.config_conflict {
            Some(why) => Err(usage(why.clone())),
            None => Ok(()),
        }
    }

    /// The project: configuration, scripts and graph.
    pub fn project(&self) -> Result<&'static Project> {
        Ok(self.warned(until_exit(Project::load(self.config()?)?)))
    }

    /// `project`, after a warning for each script name that is a link to nothing and each
    /// `.sql` file without a header.
    pub fn warned(&self, project: &'static Project) -> &'static Project {
        for path in &project.dangling_links {
            self.printer.warning(&format!(
                "{} is a symbolic link to nothing; it was skipped",
                path.display()
            ));
        }
        for path in &project.headerless {
            self.printer.warning(&format!(
                "{} has no '-- revision: <id>' header; it is not a revision and was skipped",
                path.display()
            ));
        }
        project
    }

    /// As [`Settings::project`], with each script's checksum taken as it is read: for the
    /// commands that run scripts and record them in the history table.
    pub fn project_with_checksums(&self) -> Result<&'static Project> {
        Ok(self.warned(until_exit(Project::load_with_checksums(self.config()?)?)))
    }

    /// Refuses a bare `-x` value that is a database URL (it would name no key, and the run
    /// would use the configuration's database), and warns about any other bare value:
    /// Alembic accepts them, but they are usually a forgotten `key=`.
    pub fn check_x(&self, cli: &Cli) -> Result<()> {
        for arg in cli.x.iter().filter(|a| !a.contains('=')) {
            let value = arg.trim();
            if looks_like_url(value) {
                return Err(usage(
                    "-x was given a database URL without a key; it would be ignored and the \
                     configuration's database used: write -x url=<URL>",
                ));
            }
            self.printer.warning(&format!(
                "-x '{value}' has no '=': it is read as the key '{value}' with an empty value \
                 (write -x key=value to give it one)"
            ));
        }
        Ok(())
    }

    /// The database URL by precedence.
    pub fn url(&self, config: &Config) -> Result<DatabaseUrl> {
        Ok(resolve_url(
            self.x.get("url").map(String::as_str),
            self.env_url.as_deref(),
            config.sqlalchemy_url(),
        )?)
    }
}

impl Settings {
    /// The passwords of every URL this run could have used or been given (`-x url=`,
    /// `$DATABASE_URL`, `sqlalchemy.url`, any `-x` value or argument, any URL-like word of the
    /// configuration file, where a mis-indented `sqlalchemy.url` line becomes part of
    /// another key's value) and `$PGPASSWORD`, to keep out of an error's lines.
    pub fn secrets(&self) -> Secrets {
        let ini = self
            .config()
            .ok()
            .and_then(|c| c.sqlalchemy_url().map(str::to_string));
        let file = std::fs::read(&self.config_file).unwrap_or_default();
        let file = String::from_utf8_lossy(&file);
        let words = file
            .split(|c: char| c.is_whitespace() || c == '=')
            .filter(|w| w.contains("://") || w.contains('@'))
            .map(str::to_string);
        let passwords = file.split_whitespace().filter(|w| w.contains("password="));
        let mut urls: Vec<String> = [self.x.get("url").cloned(), self.env_url.clone(), ini]
            .into_iter()
            .flatten()
            .chain(self.x.values().cloned())
            .chain(self.x.keys().cloned())
            .chain(std::env::args().skip(1))
            .chain(words)
            .collect();
        urls.extend(passwords.map(str::to_string));
        Secrets::new(
            urls.iter().map(String::as_str),
            std::env::var("PGPASSWORD").ok(),
        )
    }
}

/// Keeps a loaded project until the process exits. A command is the process's last work, and
/// freeing a long history script by script would cost more than some commands' own work.
/// The first one is also kept for the failure report ([`loaded_project`]).
pub fn until_exit(project: Project) -> &'static Project {
    let project: &'static Project = Box::leak(Box::new(project));
    let _ = LOADED.set(project);
    project
}

/// The project the command loaded, if it got that far.
static LOADED: OnceLock<&'static Project> = OnceLock::new();

/// The project the command loaded before it failed, for hints under the `FAILED:` line.
pub fn loaded_project() -> Option<&'static Project> {
    LOADED.get().copied()
}

/// Whether `value` reads as a database URL (`scheme://…`, `sqlite:…`, `postgres…:…`).
fn looks_like_url(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    value.contains("://")
        || lower.starts_with("sqlite:")
        || (lower.starts_with("postgres") && lower.contains(':'))
}

/// A usage error, worded for the user.
pub fn usage(message: impl Into<String>) -> Error {
    Error::Usage(message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(given: &[&str], env: Option<&str>) -> std::result::Result<ConfigFiles, String> {
        let given: Vec<PathBuf> = given.iter().map(PathBuf::from).collect();
        config_files(&given, env.map(PathBuf::from))
    }

    fn pair(ini: &str, toml: &str) -> ConfigFiles {
        ConfigFiles {
            ini: ini.into(),
            pyproject: toml.into(),
        }
    }

    #[test]
    fn config_files_are_picked_as_alembic_picks_them() {
        assert_eq!(files(&[], None), Ok(pair("alembic.ini", "pyproject.toml")));
        assert_eq!(
            files(&[], Some("/e/x.ini")),
            Ok(pair("/e/x.ini", "pyproject.toml"))
        );
        assert_eq!(
            files(&[], Some("/e/pyproject.toml")),
            Ok(pair("alembic.ini", "/e/pyproject.toml"))
        );
        assert_eq!(
            files(&["a/pyproject.toml"], Some("/e/x.ini")),
            Ok(pair("alembic.ini", "a/pyproject.toml"))
        );
        assert_eq!(
            files(&["a/pyproject.toml", "b.ini"], None),
            Ok(pair("b.ini", "a/pyproject.toml"))
        );
        assert_eq!(
            files(&["a.ini", "b.ini"], None),
            Err("only one ini file may be indicated".into())
        );
        assert_eq!(
            files(&["pyproject.toml", "x/pyproject.toml"], None),
            Err("pyproject.toml indicated more than once".into())
        );
    }
}
