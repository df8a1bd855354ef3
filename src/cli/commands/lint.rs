//! `lint`: each migration's statements judged by the rules of `crate::lint`,
//! printed as `path:line:col: CODE message` lines and a summary (exit 3 on any error).
//!
//! The schema before each linted revision is the one every earlier revision's upgrade builds
//! in the model, so nothing but the version table is read from the database (and nothing at
//! all with `--all`, `FROM:TO` or `--explain`).
//!
//! [`gate`] is the same linting run by `upgrade` when the ini's `lint` setting asks for it.

use std::collections::HashSet;

use crate::config::{Config, LintGate};
use crate::lint::{self, Finding, Migration, Section, Severities, Severity, Store};
use crate::project::Project;
use crate::revision::{plan_upgrade, Direction, Plan};
use crate::schema::Schema;
use crate::script::{Script, TransactionMode};
use crate::{Dialect, Result};
use serde_json::json;

use crate::cli::args::{DialectArg, LintArgs};
use crate::cli::json;
use crate::cli::settings::{usage, Settings};
use crate::cli::ExitStatus;

/// One revision's findings.
pub struct Linted {
    pub revision: String,
    pub path: String,
    pub findings: Vec<Finding>,
}

/// `lint [RANGE] [--all] [--dialect D] [--format json] [--explain CODE]`.
pub fn lint(settings: &Settings, args: &LintArgs) -> Result<ExitStatus> {
    if let Some(code) = &args.explain {
        return explain(settings, code);
    }
    let project = settings.project()?;
    let dialect = match args.dialect {
        Some(DialectArg::Sqlite) => Dialect::Sqlite,
        Some(DialectArg::Postgresql) => Dialect::Postgresql,
        None => settings.url(&project.config)?.dialect(),
    };
    let severities = severities(&project.config)?;
    let selected = selected(settings, project, args)?;
    let linted = lint_project(project, &selected, dialect, &severities)?;
    let (errors, warnings) = count(&linted);
    if args.output.json() {
        print_json(settings, &linted, errors, warnings);
    } else {
        print_text(settings, &linted, errors, warnings);
    }
    if errors > 0 {
        return Ok(ExitStatus::No(format!(
            "lint found {errors} error{}",
            if errors == 1 { "" } else { "s" }
        )));
    }
    Ok(ExitStatus::Success)
}

/// The `lint` setting's check before `upgrade` runs anything: lints the revisions of the plan
/// `plan` gives (called only when the setting is on) for `dialect`, prints the findings to
/// stderr, and with `lint = error` refuses the upgrade when one is an error.
pub fn gate(
    settings: &Settings,
    project: &Project,
    dialect: Dialect,
    plan: impl FnOnce() -> Result<Plan>,
) -> Result<()> {
    let mode = project.config.lint_gate()?;
    if mode == LintGate::Off {
        return Ok(());
    }
    let selected: HashSet<String> = plan()?
        .steps
        .into_iter()
        .filter_map(|s| s.revision)
        .collect();
    if selected.is_empty() {
        return Ok(());
    }
    let severities = severities(&project.config)?;
    let linted = lint_project(project, &selected, dialect, &severities)?;
    let (errors, warnings) = count(&linted);
    if errors + warnings > 0 {
        settings
            .printer
            .warn(&text(&linted, errors, warnings, settings.printer.colour));
    }
    if mode == LintGate::Error && errors > 0 {
        return Err(usage(format!(
            "upgrade refused: lint found {} in the revisions it would run, and {} sets lint = error; nothing was run",
            plural(errors, "error"),
            project.config.file.display()
        )));
    }
    Ok(())
}

/// `--explain CODE`: the rule's title and explanation.
fn explain(settings: &Settings, code: &str) -> Result<ExitStatus> {
    let Some(rule) = lint::rule(code) else {
        return Err(usage(format!(
            "unknown lint rule '{code}' (the rules: {})",
            lint::RULES
                .iter()
                .map(|r| r.code)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    settings.printer.out(&format!(
        "{}: {}\n\n{}\n",
        rule.code, rule.title, rule.explanation
    ));
    Ok(ExitStatus::Success)
}

/// The `[lint]` section of the ini: `CODE = error | warning | off`.
pub fn severities(config: &Config) -> Result<Severities> {
    let mut severities = Severities::default();
    let section = Config::load(&config.file, "lint")?;
    for (key, value) in section.entries().filter(|(k, _)| *k != "here") {
        severities
            .set(key, value)
            .map_err(|message| usage(format!("{}, [lint]: {message}", config.file.display())))?;
    }
    Ok(severities)
}

/// The revisions to lint: every one (`--all`), those of `FROM:TO`, or those an upgrade to the
/// target (default: the heads) would apply.
fn selected(settings: &Settings, project: &Project, args: &LintArgs) -> Result<HashSet<String>> {
    let plan = match (args.all, args.range.as_deref()) {
        (true, _) => plan_upgrade(&project.map, &[], "heads")?,
        (false, Some(range)) if range.contains(':') => {
            let (from, to) = range.split_once(':').unwrap_or((range, ""));
            let from: Vec<String> = match from {
                "" | "base" => Vec::new(),
                rev => vec![rev.to_string()],
            };
            plan_upgrade(
                &project.map,
                &from,
                if to.is_empty() { "heads" } else { to },
            )?
        }
        (false, target) => {
            let rows = super::version_rows(settings, project)?;
            plan_upgrade(&project.map, &rows, target.unwrap_or("heads"))?
        }
    };
    Ok(plan.steps.into_iter().filter_map(|s| s.revision).collect())
}

/// The schema the whole history builds: every revision's upgrade for `dialect`, in order.
pub fn schema_at_heads(project: &Project, dialect: Dialect) -> Result<Schema> {
    let order = plan_upgrade(&project.map, &[], "heads")?;
    let mut store = Store::default();
    for id in order.steps.iter().filter_map(|s| s.revision.as_deref()) {
        if let Some(section) = project.script(id)?.section(Direction::Upgrade, dialect) {
            store.apply(&section.sql, dialect);
        }
    }
    Ok(store.into_schema())
}

/// An autogenerated `.sql` upgrade body with the findings of it and `downgrade` (linted on
/// `schema`, the one before it) as `-- lint:` comments above the statements.
pub fn annotate_sql(
    project: &Project,
    mut schema: Schema,
    dialect: Dialect,
    (upgrade, downgrade): (&str, &str),
) -> Result<String> {
    let section = |sql| Section {
        sql,
        first_line: 1,
        transactional: true,
        translated: true,
        origins: &[],
    };
    let migration = Migration {
        upgrade: Some(section(upgrade)),
        downgrade: Some(section(downgrade)),
    };
    let severities = severities(&project.config)?;
    let findings = lint::lint_migration(&mut schema, &migration, dialect, &severities);
    Ok(lint::annotate(upgrade, 1, &findings, "--"))
}

/// An autogenerated `.py` upgrade body (the template's `upgrades` text) with the findings of
/// it and `downgrades` as `# lint:` comments above the `op.*` calls. The bodies are linted as
/// the lowering reads them, in a module made of them alone.
pub fn annotate_py(
    project: &Project,
    mut schema: Schema,
    dialect: Dialect,
    (upgrades, downgrades): (&str, &str),
) -> Result<String> {
    // The upgrade body's first line is line 6 of this module.
    let module = format!(
        "from alembic import op\nimport sqlalchemy as sa\nrevision = 'new'\ndown_revision = None\ndef upgrade():\n    {upgrades}\n\ndef downgrade():\n    {downgrades}\n"
    );
    let path = project.script_location.join("new.py");
    let script = crate::script::parse_python_script(&path, &module)?;
    let severities = severities(&project.config)?;
    let mut findings = lint_script(&mut schema, &script, dialect, &severities);
    // The body's first line is the template's to indent: nothing goes above it.
    for f in &mut findings {
        f.line = f.line.max(7);
    }
    Ok(lint::annotate(upgrades, 6, &findings, "#"))
}

/// Lints the `selected` revisions in upgrade order, the others only building the schema.
pub fn lint_project(
    project: &Project,
    selected: &HashSet<String>,
    dialect: Dialect,
    severities: &Severities,
) -> Result<Vec<Linted>> {
    let order = plan_upgrade(&project.map, &[], "heads")?;
    let mut store = Store::default();
    let mut linted = Vec::new();
    for id in order.steps.iter().filter_map(|s| s.revision.as_deref()) {
        let script = project.script(id)?;
        if selected.contains(id) {
            let findings = store.lint(&migration_of(script, dialect), dialect, severities);
            linted.push(Linted {
                revision: id.to_string(),
                path: script.path.display().to_string(),
                findings,
            });
        } else if let Some(section) = script.section(Direction::Upgrade, dialect) {
            store.apply(&section.sql, dialect);
        }
    }
    Ok(linted)
}

/// One script's findings; `schema` goes from before its upgrade to after it.
pub fn lint_script(
    schema: &mut Schema,
    script: &Script,
    dialect: Dialect,
    severities: &Severities,
) -> Vec<Finding> {
    lint::lint_migration(schema, &migration_of(script, dialect), dialect, severities)
}

/// A script's sections on `dialect`, as the linter reads them.
fn migration_of(script: &Script, dialect: Dialect) -> Migration<'_> {
    let section = |direction| {
        script.section(direction, dialect).map(|s| Section {
            sql: &s.sql,
            first_line: s.first_line,
            transactional: s.transaction == TransactionMode::Transactional,
            translated: s.dialect.is_none() || s.portable,
            origins: &s.origins,
        })
    };
    Migration {
        upgrade: section(Direction::Upgrade),
        downgrade: section(Direction::Downgrade),
    }
}

fn count(linted: &[Linted]) -> (usize, usize) {
    let all = linted.iter().flat_map(|l| &l.findings);
    let errors = all
        .clone()
        .filter(|f| f.severity == Severity::Error)
        .count();
    (errors, all.count() - errors)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `path:line:col: CODE message` (warnings marked), then the summary line.
fn print_text(settings: &Settings, linted: &[Linted], errors: usize, warnings: usize) {
    let colour = settings.printer.colour_stdout;
    settings
        .printer
        .out(&text(linted, errors, warnings, colour));
}

/// The finding lines and the summary line; with `colour`, each finding's code (and mark) in
/// red for an error, yellow for a warning.
fn text(linted: &[Linted], errors: usize, warnings: usize, colour: bool) -> String {
    let mut out = String::new();
    for l in linted {
        for f in &l.findings {
            let (mark, style) = if f.severity == Severity::Warning {
                (" (warning)", crate::cli::colour::WARNING)
            } else {
                ("", crate::cli::colour::ERROR)
            };
            let code = crate::cli::colour::paint(&format!("{}{mark}", f.code), style, colour);
            out.push_str(&format!(
                "{}:{}:{}: {code} {}\n",
                l.path, f.line, f.col, f.message
            ));
        }
    }
    out.push_str(&format!(
        "{}: {}, {}\n",
        plural(linted.len(), "revision"),
        plural(errors, "error"),
        plural(warnings, "warning")
    ));
    out
}

fn print_json(settings: &Settings, linted: &[Linted], errors: usize, warnings: usize) {
    let findings: Vec<_> = linted
        .iter()
        .flat_map(|l| {
            l.findings.iter().map(|f| {
                json!({
                    "revision": l.revision,
                    "path": l.path,
                    "line": f.line,
                    "col": f.col,
                    "code": f.code,
                    "severity": f.severity.as_str(),
                    "message": f.message,
                })
            })
        })
        .collect();
    let value = json!({
        "revisions": linted.iter().map(|l| l.revision.as_str()).collect::<Vec<_>>(),
        "findings": findings,
        "errors": errors,
        "warnings": warnings,
    });
    json::print(settings.printer, "lint", value);
}
