//! `current`, `history`, `heads`, `branches` and `show`: reading the graph and the database.

use crate::Result;

use crate::cli::args::{BranchesArgs, CurrentArgs, HeadsArgs, HistoryArgs, ShowArgs};
use crate::cli::graph::{self, Node};
use crate::cli::json;
use crate::cli::output::{log_entry, push_line, sections_text, short_line, LineStyle};
use crate::cli::settings::{usage, Settings};

use super::{project_and_rows, version_rows};
use crate::cli::ExitStatus;

/// `current`.
pub fn current(settings: &Settings, args: &CurrentArgs) -> Result<ExitStatus> {
    let (project, rows) = project_and_rows(settings)?;
    let p = settings.printer;
    if args.verbose {
        let env_py = project.script_location.join("env.py");
        if env_py.is_file() {
            p.info(&format!(
                "{} is not run: this tool never runs Python (the environment of Alembic's \
                 default env.py is built in; see the README)",
                crate::project::absolute(&env_py).display()
            ));
        }
        let url = settings.url(&project.config)?;
        p.line(&format!("Current revision(s) for {url}:"));
    }
    if args.check_heads && !project.map.is_at_heads(&rows) {
        return Err(usage("Database is not on all head revisions"));
    }
    project.check_rows(&rows)?;
    let tips = project.map.current_tips(&rows)?;
    if args.output.json() {
        let list = json::revisions(project, tips.iter().map(String::as_str), Some(&rows));
        json::print(p, "current", list);
        return Ok(ExitStatus::Success);
    }
    for id in tips {
        if args.verbose {
            p.out(&log_entry(project, &id, false));
        } else {
            let style = LineStyle {
                tree: true,
                ..LineStyle::default()
            };
            p.line(&short_line(project, &id, style));
        }
    }
    Ok(ExitStatus::Success)
}

/// `history`.
pub fn history(settings: &Settings, args: &HistoryArgs) -> Result<ExitStatus> {
    let project = settings.project()?;
    let range = args.rev_range.as_deref();
    let needs_db = args.indicate_current || range.is_some_and(|r| r.contains("current"));
    let current = if needs_db {
        version_rows(settings, project)?
    } else {
        Vec::new()
    };
    let marked: &[String] = if args.indicate_current { &current } else { &[] };
    let ids = project.map.history(range, &current)?;
    if args.output.json() {
        let rows = needs_db.then_some(current.as_slice());
        let list = json::revisions(project, ids.iter().map(String::as_str), rows);
        json::print(settings.printer, "revisions", list);
        return Ok(ExitStatus::Success);
    }
    let entry = |id: &str| {
        if args.verbose {
            log_entry(project, id, marked.iter().any(|m| m == id))
        } else {
            let style = LineStyle {
                parents: true,
                labels: true,
                tree: true,
                doc: true,
                current: marked,
            };
            short_line(project, id, style) + "\n"
        }
    };
    let out = if args.graph {
        let nodes: Vec<Node<'_>> = ids
            .iter()
            .map(|id| Node {
                id,
                parents: project.map.get(id).map_or_else(Vec::new, |r| {
                    r.down_revisions.iter().map(String::as_str).collect()
                }),
                lines: entry(id).lines().map(str::to_string).collect(),
            })
            .collect();
        graph::draw(&nodes)
    } else {
        ids.iter().map(|id| entry(id)).collect()
    };
    settings.printer.out(&out);
    Ok(ExitStatus::Success)
}

/// `heads`.
pub fn heads(settings: &Settings, args: &HeadsArgs) -> Result<ExitStatus> {
    let project = settings.project()?;
    let ids = if args.resolve_dependencies {
        project.map.real_heads()
    } else {
        project.map.heads()
    };
    if args.output.json() {
        json::print(
            settings.printer,
            "heads",
            json::revisions(project, ids, None),
        );
        return Ok(ExitStatus::Success);
    }
    let mut out = String::new();
    for id in ids {
        if args.verbose {
            out.push_str(&log_entry(project, id, false));
        } else {
            let style = LineStyle {
                labels: true,
                ..LineStyle::default()
            };
            push_line(&mut out, &short_line(project, id, style));
        }
    }
    settings.printer.out(&out);
    Ok(ExitStatus::Success)
}

/// `branches`: every branch point with its children (sorted: Alembic leaves them to hash order).
pub fn branches(settings: &Settings, args: &BranchesArgs) -> Result<ExitStatus> {
    let project = settings.project()?;
    let map = &project.map;
    if args.output.json() {
        let ids = map.history(None, &[])?;
        let points = ids
            .iter()
            .map(String::as_str)
            .filter(|id| map.is_branch_point(id));
        json::print(
            settings.printer,
            "branch_points",
            json::revisions(project, points, None),
        );
        return Ok(ExitStatus::Success);
    }
    let mut out = String::new();
    for id in map.history(None, &[])? {
        if !map.is_branch_point(&id) {
            continue;
        }
        if args.verbose {
            out.push_str(&log_entry(project, &id, false));
        } else {
            let style = LineStyle {
                labels: true,
                tree: true,
                ..LineStyle::default()
            };
            push_line(&mut out, &short_line(project, &id, style));
        }
        let mut children = map.children(&id);
        children.sort_unstable();
        for child in children {
            // Alembic's `_head_only` defaults: children carry `(branchpoint)`/`(mergepoint)` too.
            let style = LineStyle {
                labels: true,
                tree: true,
                doc: args.verbose,
                ..LineStyle::default()
            };
            push_line(
                &mut out,
                &format!(
                    "{} -> {}",
                    " ".repeat(id.len()),
                    short_line(project, child, style)
                ),
            );
        }
        out.push('\n');
    }
    settings.printer.out(&out);
    Ok(ExitStatus::Success)
}

/// `show REV`.
pub fn show(settings: &Settings, args: &ShowArgs) -> Result<ExitStatus> {
    let project = settings.project()?;
    let ids = if args.rev == "current" {
        version_rows(settings, project)?
    } else {
        if args.rev.is_empty() {
            return Err(usage("show needs a revision, such as 'head'"));
        }
        project.map.resolve_each(&args.rev)?
    };
    if args.output.json() {
        let list = json::revisions(project, ids.iter().map(String::as_str), None);
        json::print(settings.printer, "revisions", list);
        return Ok(ExitStatus::Success);
    }
    for id in ids {
        let mut out = log_entry(project, &id, false);
        if let (true, Some(script)) = (args.verbose, project.scripts.get(&id)) {
            out.push_str(&sections_text(script));
        }
        settings.printer.out(&out);
    }
    Ok(ExitStatus::Success)
}
