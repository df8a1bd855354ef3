//! `init` and `list_templates`: a new script directory and its `alembic.ini`.

use std::path::{Path, PathBuf};

use crate::project::absolute;
use crate::script::DEFAULT_TEMPLATE;
use crate::{Error, Result};

use crate::cli::args::InitArgs;
use crate::cli::settings::{usage, Settings};
use crate::cli::ExitStatus;

/// The only template: one database, SQL scripts.
const TEMPLATE_NAME: &str = "generic";
const TEMPLATE_DESCRIPTION: &str = "Generic single-database configuration.";

const README: &str = "\
Migration scripts for this project, one .sql file per revision in versions/.

Create one with `alembic revision -m \"message\"`, apply with `alembic upgrade head`.
script.sql.j2 is the template for new revision files. The schema the project wants is
declared in ../models.sql: `alembic check` compares the database with it, and
`alembic revision --autogenerate -m \"message\"` writes the migration that closes the gap.
";

/// The autogenerate target `init` writes beside the ini: empty, so that `check` right after
/// `init` answers truthfully that nothing is to be done.
const MODELS: &str = "\
-- The schema this project wants, as CREATE TABLE / CREATE INDEX statements (one section for
-- every engine, or `-- +sqlite` / `-- +postgresql` sections where they must differ).
-- `alembic check` compares the database at head with it; `alembic revision --autogenerate`
-- writes the migration that makes them equal.
";

/// `list_templates`.
pub fn list_templates(settings: &Settings) -> Result<ExitStatus> {
    let p = settings.printer;
    p.line("Available templates:\n");
    p.line(&format!("{TEMPLATE_NAME} - {TEMPLATE_DESCRIPTION}"));
    p.line("\nTemplates are used via the 'init' command, e.g.:\n");
    p.line("  alembic init --template generic ./scripts");
    Ok(ExitStatus::Success)
}

/// `init DIRECTORY`.
pub fn init(settings: &Settings, args: &InitArgs) -> Result<ExitStatus> {
    let p = settings.printer;
    if args.template != TEMPLATE_NAME {
        return Err(usage(format!(
            "No such template {}; available: {TEMPLATE_NAME}",
            args.template
        )));
    }
    let dir = &args.directory;
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        if !empty || !dir.is_dir() {
            return Err(usage(format!(
                "Directory {} already exists and is not empty",
                dir.display()
            )));
        }
    }
    let abs_dir = absolute(dir);
    let versions = abs_dir.join("versions");
    for d in [&abs_dir, &versions] {
        if !d.exists() {
            generate(settings, "Creating directory", d, |path| {
                std::fs::create_dir_all(path)
            })?;
        }
    }
    generate(
        settings,
        "Generating",
        &abs_dir.join("script.sql.j2"),
        |path| std::fs::write(path, DEFAULT_TEMPLATE),
    )?;
    generate(settings, "Generating", &abs_dir.join("README"), |path| {
        std::fs::write(path, README)
    })?;
    let ini = absolute(&settings.config_file);
    let text = ini_text(&script_location_value(&ini, dir, &abs_dir));
    generate_unless_present(settings, &ini, &text)?;
    let models = ini.with_file_name("models.sql");
    generate_unless_present(settings, &models, MODELS)?;
    p.line(&format!(
        "Please edit configuration/connection/logging settings in {} before proceeding.",
        ini.display()
    ));
    Ok(ExitStatus::Success)
}

/// Writes `text` to `path`, or says it is skipped when the file is already there.
fn generate_unless_present(settings: &Settings, path: &Path, text: &str) -> Result<()> {
    if path.exists() {
        let p = settings.printer;
        p.line(&format!("File {} already exists, skipping", path.display()));
        return Ok(());
    }
    generate(settings, "Generating", path, |path| {
        std::fs::write(path, text)
    })
}

/// Prints `<verb> <path> ...  done` around one file-system action.
fn generate(
    settings: &Settings,
    verb: &str,
    path: &Path,
    action: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<()> {
    let p = settings.printer;
    p.out(&format!("{verb} {} ...", path.display()));
    match action(path) {
        Ok(()) => {
            p.line("  done");
            Ok(())
        }
        Err(e) => {
            p.line("  FAILED");
            Err(Error::Io {
                message: format!("can't write {}: {e}", path.display()),
                source: e,
            })
        }
    }
}

/// `%(here)s/<dir>` when the directory sits below the ini file's directory, else absolute.
fn script_location_value(ini: &Path, dir: &Path, abs_dir: &Path) -> String {
    let here = ini.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.is_relative() {
        if let Ok(rel) = abs_dir.strip_prefix(&here) {
            let rel: PathBuf = rel.components().collect();
            return format!("%(here)s/{}", rel.display());
        }
    }
    abs_dir.display().to_string()
}

/// Alembic's logging sections, as its generic template writes them.
const LOGGING: &str = "\
# Logging configuration
[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
";

fn ini_text(script_location: &str) -> String {
    format!(
        "\
# A generic, single database configuration.

[alembic]
# path to migration scripts; %(here)s is the directory of this file
script_location = {script_location}

# template used to generate migration file names; the default value is %%(rev)s_%%(slug)s
# file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s

# max length of characters to apply to the \"slug\" field
# truncate_slug_length = 40

# timezone for the create date in new files and their names (an IANA name such as UTC)
# timezone =

# where revision files live; defaults to <script_location>/versions
# version_locations = %(here)s/bar:%(here)s/bat:%(here)s/alembic/versions

# the version table, Alembic's own; a PostgreSQL schema may be given too
# version_table = alembic_version
# version_table_schema =

# each migration runs in its own transaction together with its version-table update
# transaction_per_migration = true

# seconds a run waits for another run's migration lock before giving up (at most 86400);
# on SQLite also how long a statement waits for another connection's write lock
# lock_timeout = 300

# PostgreSQL: seconds a migration statement waits for a lock on a table that another
# session holds before it fails (0: no limit)
# ddl_lock_timeout = 10

# PostgreSQL: how many times a migration that ddl_lock_timeout ended is rolled back and run
# again, after a pause that doubles from one second (at most 10)
# ddl_lock_retries = 0

# the target schema for `revision --autogenerate` and `check`
models = %(here)s/models.sql

# whether autogenerate and `check` compare server defaults (off, as in Alembic)
# compare_server_default = false

# the database; overridden by -x url=... or $DATABASE_URL. %(here)s keeps a SQLite file
# beside this ini whatever the current directory is; a bare relative path would be relative
# to the current directory.
sqlalchemy.url = sqlite:///%(here)s/app.db
# sqlalchemy.url = postgresql://user:pass@localhost/dbname

{LOGGING}"
    )
}
