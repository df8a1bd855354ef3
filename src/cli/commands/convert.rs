//! `convert [REV…] [--dry-run]`: Alembic's `.py` revisions rewritten as `.sql` ones.
//!
//! For each `.py` revision (every one, or those the arguments resolve to), the `.sql` file
//! [`convert_python`] writes goes beside it, under the same name with `.sql`, and the `.py`
//! file is renamed `<name>.py.converted`: neither this tool nor Python Alembic reads that
//! name, so the graph is the same graph (same ids, same parents) and a database at any of its
//! revisions needs no stamp. Every target is checked before anything is written: an existing
//! `.sql` or `.py.converted` of the same name stops the command. A body the reader can't
//! translate is written as commented Python under its marker, and the file is named in a
//! warning with what needs hand work. `--dry-run` prints the same lines and writes nothing.

use std::path::{Path, PathBuf};

use crate::project::absolute;
use crate::script::{convert_python, Conversion, Script, ScriptOrigin};
use crate::{Error, Result};

use crate::cli::args::ConvertArgs;
use crate::cli::settings::{usage, Settings};
use crate::cli::ExitStatus;

/// One revision to convert.
struct Job<'a> {
    script: &'a Script,
    source: &'a str,
    sql: PathBuf,
    aside: PathBuf,
}

/// `convert`.
pub fn convert(settings: &Settings, args: &ConvertArgs) -> Result<ExitStatus> {
    let project = settings.project()?;
    let p = settings.printer;
    let mut ids: Vec<String> = Vec::new();
    if args.revisions.is_empty() {
        ids.extend(project.scripts.keys().cloned());
    } else {
        for symbol in &args.revisions {
            for id in project.map.resolve(symbol)? {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    let mut jobs = Vec::new();
    for id in &ids {
        let script = project.script(id)?;
        match &script.origin {
            ScriptOrigin::Python { bodies } => jobs.push(job(script, bodies.source())?),
            ScriptOrigin::Sql if !args.revisions.is_empty() => p.line(&format!(
                "Revision {id} is already a .sql revision ({}), skipping",
                absolute(&script.path).display()
            )),
            ScriptOrigin::Sql => {}
        }
    }
    if jobs.is_empty() {
        p.line("No .py revisions to convert");
        return Ok(ExitStatus::Success);
    }
    jobs.sort_by(|a, b| a.script.path.cmp(&b.script.path));
    let mut unfinished = 0;
    for job in &jobs {
        let conversion = convert_python(job.script, job.source, &file_name(&job.script.path));
        run(settings, job, &conversion, args.dry_run)?;
        if !conversion.hand_work.is_empty() {
            unfinished += 1;
            let work: Vec<String> = conversion.hand_work.iter().map(|w| w.to_string()).collect();
            p.warning(&format!(
                "{} {} hand work: {}",
                absolute(&job.sql).display(),
                if args.dry_run { "would need" } else { "needs" },
                work.join("; ")
            ));
        }
    }
    summary(settings, jobs.len(), unfinished, args.dry_run);
    Ok(ExitStatus::Success)
}

/// The paths of one conversion, refused if either is taken.
fn job<'a>(script: &'a Script, source: &'a str) -> Result<Job<'a>> {
    let sql = script.path.with_extension("sql");
    let mut aside = script.path.clone().into_os_string();
    aside.push(".converted");
    let aside = PathBuf::from(aside);
    for taken in [&sql, &aside] {
        if taken.exists() {
            return Err(usage(format!(
                "can't convert {}: {} already exists",
                absolute(&script.path).display(),
                absolute(taken).display()
            )));
        }
    }
    Ok(Job {
        script,
        source,
        sql,
        aside,
    })
}

/// Writes the `.sql` file and moves the `.py` aside (or, for a dry run, says it would); a
/// failed move takes the new file away again, so the revision is never defined twice.
fn run(settings: &Settings, job: &Job<'_>, conversion: &Conversion, dry_run: bool) -> Result<()> {
    let p = settings.printer;
    let from = absolute(&job.script.path);
    let names = format!(
        "{} -> {} (the .py file moved to {})",
        from.display(),
        file_name(&job.sql),
        file_name(&job.aside)
    );
    if dry_run {
        p.line(&format!("Would convert {names}"));
        return Ok(());
    }
    p.out(&format!("Converting {names} ..."));
    let io = |e: std::io::Error, what: String| {
        p.line("  FAILED");
        Error::Io {
            message: format!("{what}: {e}"),
            source: e,
        }
    };
    write_new(&job.sql, &conversion.text)
        .map_err(|e| io(e, format!("can't write {}", job.sql.display())))?;
    if let Err(e) = std::fs::rename(&job.script.path, &job.aside) {
        let _ = std::fs::remove_file(&job.sql);
        return Err(io(e, format!("can't move {} aside", from.display())));
    }
    p.line("  done");
    Ok(())
}

/// Creates `path` (which must not exist) holding `text`.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// The last line: how many files, and how many need hand work.
fn summary(settings: &Settings, files: usize, unfinished: usize, dry_run: bool) {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut line = format!(
        "{} {files} .py revision{} to .sql",
        if dry_run {
            "Would convert"
        } else {
            "Converted"
        },
        plural(files)
    );
    if unfinished > 0 {
        line.push_str(&format!(
            "; {unfinished} need{} hand work (see the warnings: each such body is commented Python ending in a SELECT that fails until it is replaced)",
            if unfinished == 1 { "s" } else { "" }
        ));
    }
    if dry_run {
        line.push_str("; nothing was written");
    }
    settings.printer.line(&line);
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
