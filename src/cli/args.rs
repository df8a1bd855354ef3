//! Command-line arguments: Alembic's global options and subcommands, as clap types.
//!
//! `cli::settings` resolves the global options (config file, `-x`, `-q`) against the
//! environment; each command gets those settings and its own arguments as parsed here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::colour::When;

/// `--version`: this tool's version, and the Alembic release whose behaviour it follows (the
/// one its compatibility tests run against).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (LiteKB migrations; follows Alembic 1.20.1)"
);

/// The heading of the options every command takes, in each command's `--help`.
const GLOBAL: &str = "Global options";

/// The exit statuses, shown under `alembic --help`.
const EXIT_STATUS: &str = "\
Exit status:
  0  success
  1  the command failed
  2  usage error (unknown command or option, missing argument)
  3  the command ran and its answer is no: check found differences, pending --check found
     pending revisions, verify found edited scripts, lint found error-level findings";

/// Alembic's migration tool for LiteKB: SQLite and PostgreSQL, no Python.
#[derive(Debug, Parser)]
#[command(
    name = "alembic",
    version = VERSION,
    about,
    max_term_width = 100,
    after_help = EXIT_STATUS
)]
pub struct Cli {
    /// Alternate config file; defaults to $ALEMBIC_CONFIG, or "alembic.ini". May also name a
    /// pyproject.toml (whose [tool.alembic] is read); given twice, one of each.
    #[arg(short = 'c', long = "config", global = true, help_heading = GLOBAL)]
    pub config: Vec<PathBuf>,
    /// Name of section in .ini file to use for Alembic config.
    #[arg(short = 'n', long = "name", default_value = "alembic", global = true, help_heading = GLOBAL)]
    pub name: String,
    /// Additional arguments, e.g. -x url=sqlite:///other.db (repeatable).
    #[arg(short = 'x', value_name = "KEY=VALUE", global = true, help_heading = GLOBAL)]
    pub x: Vec<String>,
    /// Raise a full error report instead of a one-line message.
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub raiseerr: bool,
    /// Do not log to std output.
    #[arg(short = 'q', long, global = true, help_heading = GLOBAL)]
    pub quiet: bool,
    /// Colour errors and warnings: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = When::Auto, global = true, help_heading = GLOBAL, hide_possible_values = true)]
    pub color: When,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show current branch points.
    #[command(after_help = "Examples:\n  alembic branches\n  alembic branches -v")]
    Branches(BranchesArgs),
    /// Check if models.sql and the database differ.
    #[command(after_help = "Examples:\n  alembic check\n  alembic check --format json")]
    Check(FormatArg),
    /// Rewrite .py revisions as .sql ones (same ids; each .py moved aside as .py.converted).
    #[command(
        after_help = "Examples:\n  alembic convert --dry-run\n  alembic convert\n  alembic convert ae1027a6acf"
    )]
    Convert(ConvertArgs),
    /// Print a shell completion script (e.g. `alembic completions bash > /etc/bash_completion.d/alembic`).
    #[command(
        after_help = "Examples:\n  alembic completions bash > /etc/bash_completion.d/alembic\n  alembic completions zsh > ~/.zfunc/_alembic"
    )]
    Completions(CompletionsArgs),
    /// Display the current revision for a database.
    #[command(after_help = "Examples:\n  alembic current\n  alembic current --check-heads")]
    Current(CurrentArgs),
    /// Revert to a previous version.
    #[command(
        after_help = "Examples:\n  alembic downgrade -1\n  alembic downgrade --sql 1975ea83b712:base > undo.sql"
    )]
    Downgrade(MigrateArgs),
    /// Edit revision script(s) using $EDITOR.
    #[command(after_help = "Examples:\n  alembic edit head")]
    Edit(RevArg),
    /// Create the alembic version table if it doesn't exist already.
    #[command(name = "ensure_version")]
    #[command(after_help = "Examples:\n  alembic ensure_version\n  alembic ensure_version --sql")]
    EnsureVersion(SqlArgs),
    /// Show current available heads in the script directory.
    #[command(after_help = "Examples:\n  alembic heads\n  alembic heads --format json")]
    Heads(HeadsArgs),
    /// List changeset scripts in chronological order.
    #[command(
        after_help = "Examples:\n  alembic history --graph\n  alembic history -r base:current -i"
    )]
    History(HistoryArgs),
    /// Initialize a new scripts directory.
    #[command(after_help = "Examples:\n  alembic init migrations\n  alembic list_templates")]
    Init(InitArgs),
    /// Find migrations that lock tables, lose data or can't be undone (exit 3 on an error).
    #[command(after_help = "Examples:\n  alembic lint\n  alembic lint --all --dialect postgresql")]
    Lint(LintArgs),
    /// List available templates.
    #[command(name = "list_templates")]
    #[command(after_help = "Examples:\n  alembic list_templates")]
    ListTemplates,
    /// Merge two revisions together. Creates a new migration file.
    #[command(after_help = "Examples:\n  alembic merge heads -m \"merge branches\"")]
    Merge(MergeArgs),
    /// List, in order, the migrations that `upgrade head` would apply.
    #[command(after_help = "Examples:\n  alembic pending\n  alembic pending --check")]
    Pending(PendingArgs),
    /// Create a new revision file.
    #[command(
        after_help = "Examples:\n  alembic revision -m \"add account table\"\n  alembic revision --autogenerate -m \"from models.sql\""
    )]
    Revision(RevisionArgs),
    /// Show the revision(s) denoted by the given symbol.
    #[command(after_help = "Examples:\n  alembic show head\n  alembic show -v ae10")]
    Show(ShowArgs),
    /// 'stamp' the revision table with the given revision; don't run any migrations.
    #[command(after_help = "Examples:\n  alembic stamp head\n  alembic stamp --purge base")]
    Stamp(StampArgs),
    /// Print the man page (roff), of alembic or of one command.
    #[command(
        after_help = "Examples:\n  alembic man > alembic.1\n  alembic man upgrade | man -l -"
    )]
    Man(ManArgs),
    /// Upgrade to a later version.
    #[command(
        after_help = "Examples:\n  alembic upgrade head\n  alembic upgrade +1 -v\n  alembic upgrade --sql head > upgrade.sql"
    )]
    Upgrade(MigrateArgs),
    /// List applied scripts that changed since they ran (exit 3 if any did).
    #[command(after_help = "Examples:\n  alembic verify\n  alembic verify --format json")]
    Verify(FormatArg),
}

/// How a read-only command prints its answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Alembic's lines.
    #[default]
    Text,
    /// One JSON document (its shape is in the README; `format_version` says which).
    Json,
}

#[derive(Debug, Args)]
pub struct FormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

impl FormatArg {
    pub fn json(&self) -> bool {
        self.format == Format::Json
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print (default: the page of alembic itself).
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct BranchesArgs {
    /// Use more verbose output.
    #[arg(short, long)]
    pub verbose: bool,
    #[command(flatten)]
    pub output: FormatArg,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The revisions to convert (default: every .py revision).
    #[arg(allow_negative_numbers = true)]
    pub revisions: Vec<String>,
    /// Print what would be converted and moved; write nothing.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Revision identifier.
    #[arg(allow_negative_numbers = true)]
    pub rev: String,
    /// Also print the script's sections (the SQL each direction runs).
    #[arg(short, long)]
    pub verbose: bool,
    #[command(flatten)]
    pub output: FormatArg,
}

#[derive(Debug, Args)]
pub struct CurrentArgs {
    /// Use more verbose output.
    #[arg(short, long)]
    pub verbose: bool,
    /// Fail unless the database is on every head revision.
    #[arg(long = "check-heads")]
    pub check_heads: bool,
    #[command(flatten)]
    pub output: FormatArg,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Revision target (head, base, +1, -1, ae10, label@head, FROM:TO with --sql ...).
    #[arg(allow_negative_numbers = true)]
    pub revision: Option<String>,
    /// Don't emit SQL to database - dump to standard output instead.
    #[arg(long)]
    pub sql: bool,
    /// Arbitrary 'tag' name (accepted for compatibility; unused).
    #[arg(long)]
    pub tag: Option<String>,
    /// Show each statement as it runs (-v); with -vv, also how long each one and each
    /// migration took.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Args)]
pub struct RevArg {
    /// Revision identifier.
    #[arg(allow_negative_numbers = true)]
    pub rev: String,
}

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// Don't emit SQL to database - dump to standard output instead.
    #[arg(long)]
    pub sql: bool,
}

#[derive(Debug, Args)]
pub struct HeadsArgs {
    /// Use more verbose output.
    #[arg(short, long)]
    pub verbose: bool,
    /// Treat dependency versions as down revisions.
    #[arg(long = "resolve-dependencies")]
    pub resolve_dependencies: bool,
    #[command(flatten)]
    pub output: FormatArg,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Specify a revision range; format is [start]:[end].
    #[arg(short = 'r', long = "rev-range", allow_hyphen_values = true)]
    pub rev_range: Option<String>,
    /// Use more verbose output.
    #[arg(short, long)]
    pub verbose: bool,
    /// Indicate the current revision.
    #[arg(short = 'i', long = "indicate-current")]
    pub indicate_current: bool,
    /// Draw branches and merges beside the revisions, as `git log --graph` does.
    #[arg(long, conflicts_with = "format")]
    pub graph: bool,
    #[command(flatten)]
    pub output: FormatArg,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Location of scripts directory.
    pub directory: PathBuf,
    /// Setup template for use with 'init'.
    #[arg(short, long, default_value = "generic")]
    pub template: String,
    /// Accepted for compatibility: SQL scripts need no package files.
    #[arg(long)]
    pub package: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// One or more revisions, or 'heads' for all heads.
    #[arg(required = true)]
    pub revisions: Vec<String>,
    /// Message string to use with 'revision'.
    #[arg(short, long)]
    pub message: Option<String>,
    /// Specify a branch label to apply to the new revision.
    #[arg(long = "branch-label")]
    pub branch_label: Option<String>,
    /// Specify a hardcoded revision id instead of generating one.
    #[arg(long = "rev-id")]
    pub rev_id: Option<String>,
    /// Allow a non-head revision as a parent.
    #[arg(long)]
    pub splice: bool,
}

/// A dialect named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DialectArg {
    Sqlite,
    Postgresql,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// The revisions to lint: FROM:TO, or a target whose unapplied revisions are linted
    /// (default: the revisions not yet applied up to the heads).
    #[arg(allow_negative_numbers = true)]
    pub range: Option<String>,
    /// Lint every revision (reads no database).
    #[arg(long, conflicts_with = "range")]
    pub all: bool,
    /// The dialect to lint for (default: the configured database's).
    #[arg(long, value_enum)]
    pub dialect: Option<DialectArg>,
    /// Print a rule's explanation and its safe alternative, and exit.
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
    #[command(flatten)]
    pub output: FormatArg,
}

#[derive(Debug, Args)]
pub struct PendingArgs {
    /// Exit with status 3 when migrations are pending (for CI gates).
    #[arg(long)]
    pub check: bool,
    /// Use more verbose output.
    #[arg(short, long)]
    pub verbose: bool,
    #[command(flatten)]
    pub output: FormatArg,
}

#[derive(Debug, Args)]
pub struct RevisionArgs {
    /// Message string to use with 'revision'.
    #[arg(short, long)]
    pub message: Option<String>,
    /// Populate revision script with candidate migration operations, based on comparison of
    /// database to models.sql.
    #[arg(long)]
    pub autogenerate: bool,
    /// Don't emit SQL to database - dump to standard output instead.
    #[arg(long)]
    pub sql: bool,
    /// Specify head revision or <branchname>@head to base new revision on.
    #[arg(long, default_value = "head")]
    pub head: String,
    /// Allow a non-head revision as the 'head' to splice onto.
    #[arg(long)]
    pub splice: bool,
    /// Specify a branch label to apply to the new revision.
    #[arg(long = "branch-label")]
    pub branch_label: Option<String>,
    /// Specify specific path from config for version file.
    #[arg(long = "version-path")]
    pub version_path: Option<PathBuf>,
    /// Specify a hardcoded revision id instead of generating one.
    #[arg(long = "rev-id")]
    pub rev_id: Option<String>,
    /// Specify one or more revision identifiers which this revision should depend on.
    #[arg(long = "depends-on")]
    pub depends_on: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StampArgs {
    /// Revision identifier(s).
    #[arg(required = true, allow_negative_numbers = true)]
    pub revisions: Vec<String>,
    /// Don't emit SQL to database - dump to standard output instead.
    #[arg(long)]
    pub sql: bool,
    /// Arbitrary 'tag' name (accepted for compatibility; unused).
    #[arg(long)]
    pub tag: Option<String>,
    /// Unconditionally erase the version table before stamping.
    #[arg(long)]
    pub purge: bool,
}
