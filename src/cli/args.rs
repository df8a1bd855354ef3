//! Command-line arguments: Alembic's global options and subcommands, as clap types.
//!
//! `cli::settings` resolves the global options (config file, `-x`, `-q`) against the
//! environment; each command gets those settings and its own arguments as parsed here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// `--version`: this tool's version, and the Alembic release whose behaviour it follows (the
/// one its compatibility tests run against).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (LiteKB migrations; follows Alembic 1.20.1)"
);

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
    /// Alternate config file; defaults to $ALEMBIC_CONFIG, or "alembic.ini".
    #[arg(short = 'c', long = "config", global = true)]
    pub config: Option<PathBuf>,
    /// Name of section in .ini file to use for Alembic config.
    #[arg(short = 'n', long = "name", default_value = "alembic", global = true)]
    pub name: String,
    /// Additional arguments, e.g. -x url=sqlite:///other.db (repeatable).
    #[arg(short = 'x', value_name = "KEY=VALUE", global = true)]
    pub x: Vec<String>,
    /// Raise a full error report instead of a one-line message.
    #[arg(long, global = true)]
    pub raiseerr: bool,
    /// Do not log to std output.
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show current branch points.
    Branches(BranchesArgs),
    /// Check if models.sql and the database differ.
    Check(FormatArg),
    /// Print a shell completion script (e.g. `alembic completions bash > /etc/bash_completion.d/alembic`).
    Completions(CompletionsArgs),
    /// Display the current revision for a database.
    Current(CurrentArgs),
    /// Revert to a previous version.
    Downgrade(MigrateArgs),
    /// Edit revision script(s) using $EDITOR.
    Edit(RevArg),
    /// Create the alembic version table if it doesn't exist already.
    #[command(name = "ensure_version")]
    EnsureVersion(SqlArgs),
    /// Show current available heads in the script directory.
    Heads(HeadsArgs),
    /// List changeset scripts in chronological order.
    History(HistoryArgs),
    /// Initialize a new scripts directory.
    Init(InitArgs),
    /// Find migrations that lock tables, lose data or can't be undone (exit 3 on an error).
    Lint(LintArgs),
    /// List available templates.
    #[command(name = "list_templates")]
    ListTemplates,
    /// Merge two revisions together. Creates a new migration file.
    Merge(MergeArgs),
    /// List, in order, the migrations that `upgrade head` would apply.
    Pending(PendingArgs),
    /// Create a new revision file.
    Revision(RevisionArgs),
    /// Show the revision(s) denoted by the given symbol.
    Show(ShowArgs),
    /// 'stamp' the revision table with the given revision; don't run any migrations.
    Stamp(StampArgs),
    /// Upgrade to a later version.
    Upgrade(MigrateArgs),
    /// List applied scripts that changed since they ran (exit 3 if any did).
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
pub struct BranchesArgs {
    /// Use more verbose output.
    #[arg(short, long)]
    pub verbose: bool,
    #[command(flatten)]
    pub output: FormatArg,
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
