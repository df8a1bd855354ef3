//! `revision` and `merge`: new script files (`revision --autogenerate` fills one from the
//! difference between `models.sql` and the database).

use std::path::PathBuf;

use crate::config::PostWriteHook;
use crate::ops::AutogenerateError;
use crate::project::{absolute, Project};
use crate::python::render_python_ops;
use crate::revision::{BadRevisionId, RevisionError, RevisionId};
use crate::schema::generate::script_bodies;
use crate::script::{
    file_name, format_create_date, now_in_timezone, random_revision_id, render_mako, render_script,
    run_post_write_hook, slugify, write_new_script, NewScript, PythonBodies, ScriptError,
    TemplateArgs, DEFAULT_TEMPLATE,
};
use crate::Result;

use super::check::{detect_on, log_detected};
use crate::cli::args::{MergeArgs, RevisionArgs};
use crate::cli::output::Printer;
use crate::cli::settings::{usage, Settings};
use crate::cli::ExitStatus;

/// `revision`.
pub fn revision(settings: &Settings, args: &RevisionArgs) -> Result<ExitStatus> {
    if args.sql && args.autogenerate {
        return Err(usage(
            "Using --sql with --autogenerate does not make any sense",
        ));
    }
    if args.sql {
        return Err(usage(
            "Using --sql with the revision command when revision_environment is not configured does not make any sense",
        ));
    }
    let project = settings.project()?;
    let rev_id = new_rev_id(project, args.rev_id.as_deref())?;
    let down_revisions = parents_for_head(project, &args.head, args.splice)?;
    if let Some(label) = &args.branch_label {
        check_label_free(project, label, &rev_id)?;
    }
    let mut depends_on = Vec::new();
    for dep in &args.depends_on {
        depends_on.push(project.map.dependency_entry(dep)?);
    }
    let dir = version_dir(project, args.version_path.as_ref(), &down_revisions)?;
    let mut python = None;
    let (upgrade, downgrade) = if args.autogenerate {
        let (changes, live, dialect) = detect_on(settings, project)?;
        log_detected(&changes);
        if changes.is_empty() {
            settings
                .printer
                .line("No changes in schema detected; no revision written.");
            return Ok(ExitStatus::Success);
        }
        let before = super::lint::schema_at_heads(project, dialect)?;
        if python_template(project).is_some() {
            let ops =
                render_python_ops(&changes, &live, dialect).map_err(|e| usage(e.to_string()))?;
            let bodies = (ops.upgrades.as_str(), ops.downgrades.as_str());
            python = Some(PythonBodies {
                upgrades: super::lint::annotate_py(project, before, dialect, bodies)?,
                downgrades: ops.downgrades,
                imports: ops.imports,
            });
            (String::new(), String::new())
        } else {
            let target = crate::ops::models_target::target(&project.config)?;
            let name = target.file_name().map(|n| n.to_string_lossy().into_owned());
            let name = name.unwrap_or_else(|| "the models".to_string());
            let (upgrade, downgrade) =
                script_bodies(&changes, &name).map_err(AutogenerateError::from)?;
            let bodies = (upgrade.as_str(), downgrade.as_str());
            let upgrade = super::lint::annotate_sql(project, before, dialect, bodies)?;
            (upgrade, downgrade)
        }
    } else {
        (String::new(), String::new())
    };
    let new = NewScript {
        revision: rev_id,
        down_revisions,
        branch_labels: args.branch_label.iter().cloned().collect(),
        depends_on,
        message: args.message.clone().unwrap_or_default(),
        create_date: String::new(),
        upgrade,
        downgrade: Some(downgrade),
    };
    let message = args.message.as_deref();
    write(settings, project, &dir, new, python.as_ref(), message)
}

/// The project's `script.py.mako`, when it has one and no `script.sql.j2`: its new revisions
/// (`revision -m`, `--autogenerate`, `merge`) are `.py` files rendered from it.
fn python_template(project: &Project) -> Option<PathBuf> {
    let mako = project.script_location.join("script.py.mako");
    let sql = project.script_location.join("script.sql.j2");
    (mako.is_file() && !sql.is_file()).then_some(mako)
}

/// `merge`.
pub fn merge(settings: &Settings, args: &MergeArgs) -> Result<ExitStatus> {
    let project = settings.project()?;
    let mut parents: Vec<String> = Vec::new();
    for symbol in &args.revisions {
        for id in project.map.resolve(symbol)? {
            if parents.contains(&id) {
                return Err(usage("Duplicate head revisions specified"));
            }
            parents.push(id);
        }
    }
    if !args.splice {
        for id in &parents {
            if !project.map.is_head(id) {
                return Err(not_head(id));
            }
        }
    }
    let rev_id = new_rev_id(project, args.rev_id.as_deref())?;
    if let Some(label) = &args.branch_label {
        check_label_free(project, label, &rev_id)?;
    }
    let dir = version_dir(project, None, &parents)?;
    let new = NewScript {
        revision: rev_id,
        down_revisions: parents,
        branch_labels: args.branch_label.iter().cloned().collect(),
        depends_on: Vec::new(),
        message: args.message.clone().unwrap_or_default(),
        create_date: String::new(),
        upgrade: String::new(),
        downgrade: Some(String::new()),
    };
    let message = args.message.as_deref();
    write(settings, project, &dir, new, None, message)
}

/// Renders and writes a new script, printing Alembic's `Generating … done` line, then runs
/// the post write hooks on it. `message` is `-m` as given: without it a revision's message
/// is `empty message`. A bad hook definition is refused before anything is written.
fn write(
    settings: &Settings,
    project: &Project,
    dir: &std::path::Path,
    mut new: NewScript,
    python: Option<&PythonBodies>,
    message: Option<&str>,
) -> Result<ExitStatus> {
    let hooks = project.config.post_write_hooks()?;
    let now = now_in_timezone(project.config.timezone())?;
    new.create_date = format_create_date(&now, project.config.timezone().is_some());
    let slug = slugify(&new.message, project.config.truncate_slug_length()?);
    let mut name = file_name(&project.config.file_template(), &new.revision, &slug, &now)?;
    let text = match python_template(project) {
        Some(mako) => {
            // Alembic's rule: only a missing -m is "empty message" (`-m ""` stays empty).
            new.message = message.unwrap_or("empty message").to_string();
            name = format!("{}.py", name.trim_end_matches(".sql"));
            render_py(project, &mako, &new, python)?
        }
        None => {
            if new.message.trim().is_empty() {
                new.message = "empty message".into();
            }
            let template_path = project.script_location.join("script.sql.j2");
            let template = match std::fs::read_to_string(&template_path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => DEFAULT_TEMPLATE.to_string(),
                Err(_) => read_template(&template_path)?,
            };
            render_script(&template, &new)?
        }
    };
    let path = absolute(&dir.join(name));
    let p = settings.printer;
    p.out(&format!("Generating {} ...", path.display()));
    if let Err(e) = write_new_script(&path, &text) {
        p.line("  FAILED");
        return Err(e.into());
    }
    p.line("  done");
    for hook in &hooks {
        run_hook(p, hook, &path)?;
    }
    Ok(ExitStatus::Success)
}

/// Runs one post write hook on the new file between Alembic's status lines (the program's
/// own output goes between them).
fn run_hook(p: Printer, hook: &PostWriteHook, path: &std::path::Path) -> Result<()> {
    p.line(&format!("Running post write hook '{}' ...", hook.name));
    match run_post_write_hook(hook, path) {
        Ok(()) => {
            p.line("  done");
            Ok(())
        }
        Err(e) => {
            p.line("  FAILED");
            Err(e.into())
        }
    }
}

/// A `.py` revision's text: `mako` rendered with Alembic's template arguments (the ini
/// section's values for `config.get_main_option`).
fn render_py(
    project: &Project,
    mako: &std::path::Path,
    new: &NewScript,
    bodies: Option<&PythonBodies>,
) -> Result<String> {
    let template = read_template(mako)?;
    let options: Vec<(String, String)> = project
        .config
        .entries()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let args = TemplateArgs {
        new,
        bodies,
        main_options: &options,
    };
    render_mako(&template, &args).map_err(|e| {
        ScriptError::Mako {
            path: absolute(mako),
            line: e.line,
            message: e.message,
        }
        .into()
    })
}

fn read_template(path: &std::path::Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| usage(format!("can't read {}: {e}", path.display())))
}

/// A given `--rev-id` (checked, and refused when it exists) or a random one.
fn new_rev_id(project: &Project, given: Option<&str>) -> Result<String> {
    let Some(id) = given else {
        return Ok(random_revision_id());
    };
    match RevisionId::parse(id) {
        Ok(_) => {}
        Err(BadRevisionId::Reserved(chars)) => {
            let list: Vec<String> = chars.iter().map(char::to_string).collect();
            return Err(usage(format!(
                "Character(s) '{}' not allowed in revision identifier '{id}'",
                list.join(", ")
            )));
        }
        Err(BadRevisionId::ReservedWord) => return Err(usage(reserved_word(id, "--rev-id"))),
        Err(_) => {
            return Err(usage(format!(
                "invalid revision identifier '{id}': a revision id is {} \
                 (the version table's column is VARCHAR(32))",
                RevisionId::RULE
            )));
        }
    }
    if let Some(existing) = project.scripts.get(id) {
        return Err(usage(format!(
            "Revision {id} already exists in {}; choose another --rev-id",
            existing.path.display()
        )));
    }
    Ok(id.to_string())
}

/// The down revisions of a new revision based on `--head`.
fn parents_for_head(project: &Project, head: &str, splice: bool) -> Result<Vec<String>> {
    let map = &project.map;
    if head == "base" {
        return Ok(Vec::new());
    }
    if head == "heads" {
        return Ok(map.resolve("heads")?);
    }
    let resolved = match map.resolve(head) {
        Err(RevisionError::MultipleHeads(_)) if head == "head" => {
            return Err(usage(
                "Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge.",
            ));
        }
        other => other?,
    };
    if !splice {
        for id in &resolved {
            if !map.is_head(id) {
                return Err(not_head(id));
            }
        }
    }
    Ok(resolved)
}

fn not_head(id: &str) -> crate::Error {
    usage(format!(
        "Revision {id} is not a head revision; please specify --splice to create a new branch from this revision"
    ))
}

/// Why a reserved word can't name a revision or a branch.
fn reserved_word(word: &str, option: &str) -> String {
    format!(
        "{option} '{word}' is refused: head, heads and base are words of revision targets \
         ('upgrade {word}' would not mean this revision); choose another"
    )
}

fn check_label_free(project: &Project, label: &str, new_id: &str) -> Result<()> {
    if RevisionId::is_reserved_word(label) {
        return Err(usage(reserved_word(label, "--branch-label")));
    }
    if let Some(other) = project
        .map
        .revisions()
        .iter()
        .find(|r| r.branch_labels.iter().any(|l| l == label))
    {
        return Err(RevisionError::DuplicateLabel {
            label: label.to_string(),
            id: new_id.to_string(),
            other: other.id.clone(),
        }
        .into());
    }
    Ok(())
}

/// The directory for the new file: `--version-path`, else the first parent's, else the only one.
fn version_dir(project: &Project, given: Option<&PathBuf>, parents: &[String]) -> Result<PathBuf> {
    let locations: Vec<PathBuf> = project
        .version_locations
        .iter()
        .map(|p| absolute(p))
        .collect();
    if let Some(path) = given {
        let wanted = absolute(path);
        return if locations.contains(&wanted) {
            Ok(wanted)
        } else {
            Err(usage(format!(
                "Path {} is not represented in current version locations",
                wanted.display()
            )))
        };
    }
    if locations.len() == 1 {
        return Ok(locations[0].clone());
    }
    for parent in parents {
        if let Some(dir) = project.scripts.get(parent).and_then(|s| s.path.parent()) {
            return Ok(absolute(dir));
        }
    }
    Err(usage(
        "Multiple version locations present, please specify --version-path",
    ))
}
