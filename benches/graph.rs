//! Criterion micro-benchmarks for what every command pays before it touches a database:
//! building the revision graph, loading a project from disk (read, parse, graph), resolving
//! targets, and planning `upgrade head`, on linear histories of 1,000 and 10,000 revisions
//! and a branchy one of 1,000 (three-armed branch points and merges every ten revisions).
//!
//! Run: `cargo bench --bench graph` (`-- resolve` for one group). The end-to-end comparison
//! with Alembic, sqlx-cli and the raw engines is `bench/run`.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use litekb_migrations::internals::config::Config;
use litekb_migrations::internals::project::Project;
use litekb_migrations::internals::revision::{plan_upgrade, Revision, RevisionMap};

/// A deterministic 12-hex-digit id for revision `i` (a multiplicative hash, so that ids do
/// not share long prefixes in load order).
fn id(i: usize) -> String {
    format!(
        "{:012x}",
        (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16
    )
}

fn revision(i: usize, down: Vec<String>) -> Revision {
    Revision {
        id: id(i),
        down_revisions: down,
        branch_labels: Vec::new(),
        depends_on: Vec::new(),
        doc: format!("step {i}"),
        origin: format!("versions/{}_step_{i}.sql", id(i)),
    }
}

/// A straight line of `n` revisions.
fn linear(n: usize) -> Vec<Revision> {
    (0..n)
        .map(|i| revision(i, if i == 0 { vec![] } else { vec![id(i - 1)] }))
        .collect()
}

/// Blocks of ten: a trunk revision, three arms of three, a merge of the arms.
fn branchy(n: usize) -> Vec<Revision> {
    let mut out: Vec<Revision> = Vec::with_capacity(n);
    let mut tip: Option<String> = None;
    while out.len() + 11 <= n {
        let base = out.len();
        out.push(revision(base, tip.iter().cloned().collect()));
        let mut arm_tips = Vec::new();
        for _ in 0..3 {
            let mut t = id(base);
            for _ in 0..3 {
                let i = out.len();
                out.push(revision(i, vec![t]));
                t = id(i);
            }
            arm_tips.push(t);
        }
        let merge = out.len();
        out.push(revision(merge, arm_tips));
        tip = Some(id(merge));
    }
    out
}

fn histories() -> Vec<(&'static str, Vec<Revision>)> {
    vec![
        ("linear-1k", linear(1_000)),
        ("linear-10k", linear(10_000)),
        ("branchy-1k", branchy(1_000)),
    ]
}

fn graph_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("graph_build");
    for (name, revisions) in histories() {
        group.bench_with_input(BenchmarkId::from_parameter(name), &revisions, |b, revs| {
            b.iter_batched(
                || revs.clone(),
                |revs| RevisionMap::new(revs).map(black_box),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// Writes `revisions` as script files under `dir` with an `alembic.ini`, as `bench/run` does.
fn write_project(dir: &Path, revisions: &[Revision]) -> std::io::Result<()> {
    let versions = dir.join("migrations").join("versions");
    std::fs::create_dir_all(&versions)?;
    std::fs::write(
        dir.join("alembic.ini"),
        "[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = sqlite://\n",
    )?;
    for (i, r) in revisions.iter().enumerate() {
        let text = format!(
            "-- revision: {}\n-- down_revision: {}\n-- branch_labels:\n-- depends_on:\n\
             -- message: step {i}\n-- create_date: 2026-01-01 00:00:00.000000\n\n\
             -- +upgrade\nCREATE TABLE t{i} (\n    id INTEGER PRIMARY KEY,\n    \
             name VARCHAR(64) NOT NULL\n);\n\nCREATE INDEX ix_t{i}_name ON t{i} (name);\n\n\
             -- +downgrade\nDROP TABLE t{i};\n",
            r.id,
            r.down_revisions.join(", ")
        );
        std::fs::write(versions.join(format!("{}_step_{i}.sql", r.id)), text)?;
    }
    Ok(())
}

fn project_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("project_load");
    group.sample_size(20);
    for (name, revisions) in histories() {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => panic!("temp dir: {err}"),
        };
        if let Err(err) = write_project(dir.path(), &revisions) {
            panic!("writing the project: {err}");
        }
        let ini = dir.path().join("alembic.ini");
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                let config = Config::load(&ini, "alembic").map_err(|e| e.to_string())?;
                Project::load(config)
                    .map(black_box)
                    .map_err(|e| e.to_string())
            })
        });
    }
    group.finish();
}

fn resolve(c: &mut Criterion) {
    let mut group = c.benchmark_group("resolve");
    for (name, revisions) in histories() {
        let map = match RevisionMap::new(revisions) {
            Ok(map) => map,
            Err(err) => panic!("{err}"),
        };
        let Some(middle) = map.revisions().get(map.revisions().len() / 2) else {
            panic!("empty history");
        };
        let full = middle.id.clone();
        let prefix = full[..6].to_string();
        let relative = format!("{full}+3");
        for symbol in [
            "head",
            "heads",
            "base",
            full.as_str(),
            prefix.as_str(),
            "-3",
        ] {
            let label = match symbol {
                s if s == full => "full-id",
                s if s == prefix => "prefix",
                s => s,
            };
            group.bench_function(BenchmarkId::new(label, name), |b| {
                b.iter(|| map.resolve(black_box(symbol)).map(black_box))
            });
        }
        group.bench_function(BenchmarkId::new("plan:rev+3", name), |b| {
            let current = vec![full.clone()];
            b.iter(|| plan_upgrade(&map, black_box(&current), &relative).map(black_box))
        });
        group.bench_function(BenchmarkId::new("plan:base->head", name), |b| {
            b.iter(|| plan_upgrade(&map, black_box(&[]), "head").map(black_box))
        });
    }
    group.finish();
}

criterion_group!(benches, graph_build, project_load, resolve);
criterion_main!(benches);
