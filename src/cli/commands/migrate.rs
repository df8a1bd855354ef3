//! `upgrade`, `downgrade`, `stamp`, `ensure_version` and `pending`: the commands that move
//! (or would move) the version table, online or as SQL text with `--sql`. Online and offline
//! runs go through the library's `Migrator`, the path a service takes.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::config::DatabaseUrl;
use crate::db::{self, Database};
use crate::ops::{ensure_version_table, Operation};
use crate::project::Project;
use crate::revision::Plan;
use crate::runner::Event;
use crate::runner::RunError;
use crate::{DbRef, Dialect, Error, Migrator, Result};

use crate::cli::args::{MigrateArgs, PendingArgs, SqlArgs, StampArgs};
use crate::cli::detail::Verbosity;
use crate::cli::json;
use crate::cli::output::{log_entry, push_info, push_line, Printer};
use crate::cli::progress::Progress;
use crate::cli::settings::{usage, Settings};
use crate::cli::ExitStatus;

/// `upgrade [TARGET]` (`--sql` without a target means `head`).
pub fn upgrade(settings: &Settings, args: &MigrateArgs) -> Result<ExitStatus> {
    let target = match (&args.revision, args.sql) {
        (Some(t), _) if t.trim().is_empty() => return Err(empty_target("upgrade")),
        (Some(t), _) => t.as_str(),
        (None, true) => "head",
        (None, false) => {
            return Err(usage(
                "upgrade needs a target revision, such as 'head' (or use --sql to print the SQL up to head)",
            ))
        }
    };
    move_to(settings, target, args, Operation::Upgrade)
}

/// `downgrade TARGET` (`--sql` needs `FROM:TO`).
pub fn downgrade(settings: &Settings, args: &MigrateArgs) -> Result<ExitStatus> {
    let Some(target) = args.revision.as_deref() else {
        return Err(usage(
            "downgrade needs a target revision, such as '-1' or 'base'",
        ));
    };
    if target.trim().is_empty() {
        return Err(empty_target("downgrade"));
    }
    if args.sql && !target.contains(':') {
        return Err(usage("downgrade with --sql requires <fromrev>:<torev>"));
    }
    move_to(settings, target, args, Operation::Downgrade)
}

/// An empty target names no revision: refused rather than read as `base` (a silent no-op).
fn empty_target(command: &str) -> crate::Error {
    usage(format!(
        "{command} needs a target revision, such as 'head', 'base' or '-1'; '' names none"
    ))
}

/// Runs `op` towards `target`: as SQL text with `--sql` (where `FROM:TO` is allowed), else
/// against the database.
fn move_to<'t>(
    settings: &Settings,
    target: &'t str,
    args: &MigrateArgs,
    op: fn(&'t str) -> Operation<'t>,
) -> Result<ExitStatus> {
    let project = settings.project_with_checksums()?;
    let url = settings.url(&project.config)?;
    if args.sql {
        let (start, end) = offline_range(project, target)?;
        return offline(settings, project, &url, &start, op(end));
    }
    if target.contains(':') {
        return Err(crate::revision::RevisionError::RangeNotAllowed.into());
    }
    online(settings, project, &url, op(target), Verbosity(args.verbose))
}

/// `stamp REVISION...`.
pub fn stamp(settings: &Settings, args: &StampArgs) -> Result<ExitStatus> {
    let project = settings.project()?;
    let url = settings.url(&project.config)?;
    if args.sql {
        if args.purge {
            return Err(usage("Can't use --purge with --sql mode"));
        }
        let mut start: Option<&str> = None;
        let mut targets = Vec::new();
        for arg in &args.revisions {
            let (from, to) = match arg.split_once(':') {
                Some((from, to)) => (Some(from), to),
                None => (None, arg.as_str()),
            };
            if let Some(from) = from {
                if start.is_some_and(|s| s != from) {
                    return Err(usage(
                        "Stamp operation with --sql only supports a single starting revision at a time",
                    ));
                }
                start = Some(from);
            }
            targets.push(to.to_string());
        }
        let start = match start {
            Some(s) => project.map.resolve_one(s)?.into_iter().collect(),
            None => Vec::new(),
        };
        let op = Operation::Stamp {
            targets: &targets,
            purge: false,
        };
        return offline(settings, project, &url, &start, op);
    }
    let op = Operation::Stamp {
        targets: &args.revisions,
        purge: args.purge,
    };
    online(settings, project, &url, op, Verbosity(0))
}

/// `ensure_version`.
pub fn ensure_version(settings: &Settings, args: &SqlArgs) -> Result<ExitStatus> {
    let project = settings.project()?;
    let url = settings.url(&project.config)?;
    if args.sql {
        let sql = project.version_table.create_sql(url.dialect());
        settings.printer.sql(format!("{sql};\n\n").as_bytes());
        return Ok(ExitStatus::Success);
    }
    let mut db = connect(settings.printer, &url)?;
    ensure_version_table(project, db.as_mut())?;
    Ok(ExitStatus::Success)
}

/// `pending`: what `upgrade head` would apply, in order.
pub fn pending(settings: &Settings, args: &PendingArgs) -> Result<ExitStatus> {
    let (project, current) = super::project_and_rows(settings)?;
    // The Migrator's `pending` plans the same way, from the rows it reads.
    let plan = Operation::Upgrade("head").plan_from_rows(project, &current)?;
    if args.output.json() {
        let ids = plan.steps.iter().filter_map(|s| s.revision.as_deref());
        json::print(
            settings.printer,
            "pending",
            json::revisions(project, ids, None),
        );
    } else {
        print_pending(settings, project, &plan, args.verbose);
    }
    if args.check && !plan.steps.is_empty() {
        let n = plan.steps.len();
        return Ok(ExitStatus::No(format!(
            "{n} migration{} pending",
            if n == 1 { " is" } else { "s are" }
        )));
    }
    Ok(ExitStatus::Success)
}

/// `pending`'s lines: `from -> id, message` (or the verbose block) for each step.
fn print_pending(settings: &Settings, project: &Project, plan: &Plan, verbose: bool) {
    let mut out = String::new();
    for step in &plan.steps {
        let Some(id) = &step.revision else { continue };
        if verbose {
            out.push_str(&log_entry(project, id, false));
        } else {
            let from = if step.from.is_empty() {
                "<base>".to_string()
            } else {
                step.from.join(", ")
            };
            let doc = project.map.get(id).map_or("", |r| r.doc.as_str());
            push_line(&mut out, &format!("{from} -> {id}, {doc}"));
        }
    }
    settings.printer.out(&out);
}

/// Splits `FROM:TO` for offline mode; `FROM` is resolved to the head the SQL assumes (one
/// revision or base, as in Alembic: `heads:base` with several heads is an error).
fn offline_range<'a>(project: &Project, target: &'a str) -> Result<(Vec<String>, &'a str)> {
    match target.split_once(':') {
        Some((from, to)) => {
            let to = if to.is_empty() { "heads" } else { to };
            Ok((project.map.resolve_one(from)?.into_iter().collect(), to))
        }
        None => Ok((Vec::new(), target)),
    }
}

/// Connects and prints Alembic's two opening log lines.
pub fn connect(printer: Printer, url: &DatabaseUrl) -> Result<Box<dyn Database>> {
    let db = super::connecting::connecting(printer, url, || db::connect(url))?;
    context_lines(printer, url.dialect());
    Ok(db)
}

/// [`connect`] for a command that only reads: a missing SQLite file reads as empty and is not
/// created.
pub fn connect_to_read(wait: super::ReadWait, url: &DatabaseUrl) -> Result<Box<dyn Database>> {
    let mut db = super::connecting::connecting(wait.printer, url, || db::connect_to_read(url))?;
    wait.apply(db.as_mut())?;
    context_lines(wait.printer, url.dialect());
    Ok(db)
}

/// Alembic's two opening log lines for a connection.
pub fn context_lines(printer: Printer, dialect: Dialect) {
    printer.info(&format!("Context impl {}.", dialect.impl_name()));
    printer.info("Will assume transactional DDL.");
}

/// Logs runner events as Alembic does, each message to `info`.
fn log_event(event: &Event<'_>, info: &mut dyn FnMut(&str)) {
    match event {
        Event::WaitingForLock => {
            info("Waiting for another alembic run to release the migration lock...")
        }
        Event::StepStarted { summary, doc, .. } => {
            if doc.is_empty() {
                info(&format!("Running {summary}"));
            } else {
                info(&format!("Running {summary}, {doc}"));
            }
        }
        Event::RetryingAfterLockTimeout {
            step,
            attempt,
            retries,
            pause,
        } => info(&format!(
            "ddl_lock_timeout ended {}, which was rolled back; running it again in {}s \
             (retry {attempt} of {retries}, ddl_lock_retries)",
            crate::runner::step_summary(step),
            pause.as_secs()
        )),
        _ => {}
    }
}

/// What an online run does with each event: Alembic's log line and `verbosity`'s lines on
/// stderr, above the progress line when there is one.
fn observer(
    printer: Printer,
    verbosity: Verbosity,
    progress: Option<Arc<Progress>>,
) -> impl Fn(&Event<'_>) + Send + Sync + 'static {
    move |e| {
        let mut text = String::new();
        if printer.info {
            log_event(e, &mut |m| push_info(&mut text, m));
        }
        if !printer.quiet {
            text.push_str(&verbosity.lines(e));
        }
        match &progress {
            Some(progress) => progress.print(e, &text),
            None if !text.is_empty() => printer.warn(&text),
            None => {}
        }
    }
}

/// Runs `op` against the database, logging as Alembic does and adding `verbosity`'s lines.
fn online(
    settings: &Settings,
    project: &Project,
    url: &DatabaseUrl,
    op: Operation<'_>,
    verbosity: Verbosity,
) -> Result<ExitStatus> {
    let printer = settings.printer;
    // From here a signal ends the command with its status (130/143); once the run has
    // started, after cancelling it.
    let cancel = crate::cli::interrupt::watch();
    let mut db = connect(printer, url)?;
    if let Operation::Upgrade(_) = op {
        super::lint::gate(settings, project, url.dialect(), || {
            Migrator::for_project(project).plan(DbRef::Connected(db.as_mut()), op)
        })?;
    }
    let started = Instant::now();
    let progress = (!printer.quiet && std::io::stderr().is_terminal()).then(|| {
        let width = console::Term::stderr().size().1;
        Arc::new(Progress::start(usize::from(width)))
    });
    let mut migrator =
        Migrator::for_project(project).on_event(observer(printer, verbosity, progress.clone()));
    if let Some(cancel) = &cancel {
        migrator = migrator.cancel_with(cancel);
    }
    let applied = migrator.apply(DbRef::Connected(db.as_mut()), op);
    drop((db, migrator, progress));
    if let (Ok(plan), false) = (&applied, printer.quiet) {
        printer.warn(&verbosity.total(plan.steps.len(), started.elapsed()));
    }
    match applied {
        Err(Error::Run(RunError::CommitUnknown {
            revision,
            path,
            source,
            known,
        })) => Err(Error::Run(RunError::CommitUnknown {
            known: look_again(url, project, &revision).unwrap_or(known),
            revision,
            path,
            source,
        })),
        other => other.map(|_| ExitStatus::Success),
    }
}

/// After a commit whose outcome the lost connection hid, a new connection reads the version
/// table and says whether it holds `revision` (its first word); `None` if it can't.
fn look_again(url: &DatabaseUrl, project: &Project, revision: &str) -> Option<String> {
    let id = revision.split([',', ' ']).next()?;
    let mut db = db::connect(url).ok()?;
    let heads = db::read_heads(db.as_mut(), &project.version_table).ok()?;
    let shown = match heads.is_empty() {
        true => "none".to_string(),
        false => heads.join(", "),
    };
    let found = match heads.iter().any(|h| h == id) {
        true => "holds",
        false => "does not hold",
    };
    Some(format!(
        "a new connection finds that the version table {found} {id}; its rows: {shown}"
    ))
}

/// Writes the SQL only once all of it has been produced, so a failure leaves stdout empty.
/// The log lines of the steps are written together when the run ends (however it ends),
/// before the SQL and before any error message: nothing else is written in between.
fn offline(
    settings: &Settings,
    project: &Project,
    url: &DatabaseUrl,
    start: &[String],
    op: Operation<'_>,
) -> Result<ExitStatus> {
    let printer = settings.printer;
    let dialect = url.dialect();
    printer.info(&format!("Context impl {}.", dialect.impl_name()));
    printer.info("Generating static SQL");
    printer.info("Will assume transactional DDL.");
    if let Operation::Upgrade(_) = op {
        super::lint::gate(settings, project, dialect, || op.plan(project, start))?;
    }
    let mut buf = Vec::new();
    let log = Arc::new(Mutex::new(String::new()));
    let lines = Arc::clone(&log);
    let result = Migrator::for_project(project)
        .on_event(move |e| {
            let mut lines = lines
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            log_event(e, &mut |m| push_info(&mut lines, m))
        })
        .sql(dialect, start, op, &mut buf);
    printer.log_info(&log.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
    result?;
    printer.sql(&buf);
    Ok(ExitStatus::Success)
}
