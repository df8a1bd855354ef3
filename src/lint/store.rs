//! The schema a whole history builds, kept by table name, so that linting or replaying one
//! migration works on a small schema of the tables it touches, not on the whole one.
//!
//! Pure. For each migration, [`Store`] takes out the tables its statements name (and those
//! holding an index or trigger they name, and the tables whose foreign keys reference any of
//! these: renames reach into them), builds a [`Schema`] of just those in their creation order,
//! lets the migration run on it, and puts what is left back. Every operation of the model
//! reads and changes only such tables, so the small schema ends as the same tables of the
//! whole one would; the cost of a migration no longer grows with the history before it.

use std::collections::{HashMap, HashSet};

use super::{lint_parsed, parse_body, Body, Finding, Migration, Severities};
use crate::schema::{apply_parsed, Op, Parsed, Schema, Table};
use crate::Dialect;

/// Where to find the tables an operation may reach besides the ones it names.
pub(super) trait Lookup {
    /// The tables holding an index named `name`.
    fn index_owners(&self, name: &str) -> Vec<String>;
    /// The tables holding a trigger named `name`.
    fn trigger_owners(&self, name: &str) -> Vec<String>;
    /// The other tables whose foreign keys reference `table`.
    fn children(&self, table: &str) -> Vec<String>;
}

impl Lookup for Schema {
    fn index_owners(&self, name: &str) -> Vec<String> {
        let has = |t: &Table| t.indexes.iter().any(|i| i.name == name);
        self.tables
            .iter()
            .filter(|t| has(t))
            .map(|t| t.name.clone())
            .collect()
    }

    fn trigger_owners(&self, name: &str) -> Vec<String> {
        let has = |t: &Table| t.triggers.iter().any(|tr| tr.name == name);
        self.tables
            .iter()
            .filter(|t| has(t))
            .map(|t| t.name.clone())
            .collect()
    }

    fn children(&self, table: &str) -> Vec<String> {
        self.children_of(table)
            .into_iter()
            .map(str::to_string)
            .collect()
    }
}

/// The names of the tables that the statements of `bodies` may read or change, given the
/// schema before them: each table an operation names, the holders of each index and trigger
/// an operation names, and every table whose foreign keys reference one of those.
pub(super) fn touched(lookup: &dyn Lookup, bodies: &[&Body<'_>]) -> HashSet<String> {
    let mut names = HashSet::new();
    let ops = bodies
        .iter()
        .flat_map(|b| b.statements.iter().flatten())
        .filter_map(|s| match &s.parsed {
            Parsed::Ops { ops, .. } => Some(ops),
            Parsed::Verbatim { .. } => None,
        })
        .flatten();
    for op in ops {
        match op {
            Op::CreateTable { table, .. } => {
                names.insert(table.name.clone());
            }
            Op::DropTable { name, .. } => {
                names.insert(name.clone());
            }
            Op::RenameTable { from, to } => {
                names.insert(from.clone());
                names.insert(to.clone());
            }
            Op::CreateIndex { index, .. } => {
                names.insert(index.table.clone());
                names.extend(lookup.index_owners(&index.name));
            }
            Op::DropIndex { name, .. } => names.extend(lookup.index_owners(name)),
            Op::CreateTrigger(trigger) => {
                names.insert(trigger.table.clone());
            }
            Op::DropTrigger { name, .. } => names.extend(lookup.trigger_owners(name)),
            other => {
                names.extend(other.altered_table().map(str::to_string));
            }
        }
    }
    let children: Vec<String> = names.iter().flat_map(|n| lookup.children(n)).collect();
    names.extend(children);
    names
}

/// The tables of a history's schema by name, each with its creation number.
#[derive(Debug, Default)]
pub struct Store {
    tables: HashMap<String, (u64, Table)>,
    next: u64,
    /// Index name → tables holding it; trigger name → tables holding it; table → tables
    /// whose foreign keys reference it. Entries may be stale (a table dropped or changed
    /// since): they are checked against `tables` when read.
    index_owners: HashMap<String, HashSet<String>>,
    trigger_owners: HashMap<String, HashSet<String>>,
    children: HashMap<String, HashSet<String>>,
}

/// The tables taken out for one migration, in their schema's order, and their creation
/// numbers (`None` for a table the migration creates) as the migration's statements move them.
struct Taken {
    names: Vec<String>,
    numbers: Vec<Option<u64>>,
}

impl Taken {
    /// Follows one applied statement's operations: a created table goes last, a dropped one
    /// goes, a renamed one keeps its place (as [`crate::schema::state::apply`] does).
    fn follow(&mut self, ops: &[Op]) {
        for op in ops {
            match op {
                Op::CreateTable { table, .. } if !self.names.contains(&table.name) => {
                    self.names.push(table.name.clone());
                    self.numbers.push(None);
                }
                Op::DropTable { name, .. } => {
                    if let Some(at) = self.names.iter().position(|n| n == name) {
                        self.names.remove(at);
                        self.numbers.remove(at);
                    }
                }
                Op::RenameTable { from, to } => {
                    if let Some(at) = self.names.iter().position(|n| n == from) {
                        self.names[at] = to.clone();
                    }
                }
                _ => {}
            }
        }
    }
}

impl Lookup for Store {
    fn index_owners(&self, name: &str) -> Vec<String> {
        let holds = |t: &Table| t.indexes.iter().any(|i| i.name == name);
        self.owners(&self.index_owners, name, holds)
    }

    fn trigger_owners(&self, name: &str) -> Vec<String> {
        let holds = |t: &Table| t.triggers.iter().any(|tr| tr.name == name);
        self.owners(&self.trigger_owners, name, holds)
    }

    fn children(&self, table: &str) -> Vec<String> {
        let references =
            |t: &Table| t.name != table && t.foreign_keys.iter().any(|fk| fk.ref_table == table);
        self.owners(&self.children, table, references)
    }
}

impl Store {
    /// Lints `migration` against the schema the store holds, then applies its upgrade, as
    /// [`super::lint_migration`] does on a whole schema, with the same findings.
    pub fn lint(
        &mut self,
        migration: &Migration<'_>,
        dialect: Dialect,
        severities: &Severities,
    ) -> Vec<Finding> {
        let up = migration.upgrade.map(|s| parse_body(s, dialect));
        let down = migration.downgrade.map(|s| parse_body(s, dialect));
        let bodies: Vec<&Body<'_>> = up.iter().chain(down.iter()).collect();
        let names = touched(self, &bodies);
        let (mut schema, mut taken) = self.take(&names);
        let found = lint_parsed(
            &mut schema,
            up.as_ref(),
            down.as_ref(),
            (dialect, severities),
            &mut |ops| taken.follow(ops),
        );
        self.put_back(schema, taken);
        found
    }

    /// Applies the statements of a section to the schema (a revision that is not linted).
    pub fn apply(&mut self, sql: &str, dialect: Dialect) {
        let section = super::Section {
            sql,
            first_line: 1,
            transactional: true,
            origins: &[],
            translated: true,
        };
        let body = parse_body(section, dialect);
        let names = touched(self, &[&body]);
        let (mut schema, mut taken) = self.take(&names);
        for s in body.statements.iter().flatten() {
            if apply_parsed(&mut schema, &s.parsed) {
                if let Parsed::Ops { ops, .. } = &s.parsed {
                    taken.follow(ops);
                }
            }
        }
        self.put_back(schema, taken);
    }

    /// The whole schema, its tables in creation order.
    pub fn into_schema(self) -> Schema {
        let mut tables: Vec<(u64, Table)> = self.tables.into_values().collect();
        tables.sort_by_key(|(n, _)| *n);
        Schema {
            tables: tables.into_iter().map(|(_, t)| t).collect(),
            ..Schema::default()
        }
    }

    /// The entries of `map` under `key` whose table still exists and `holds` it.
    fn owners(
        &self,
        map: &HashMap<String, HashSet<String>>,
        key: &str,
        holds: impl Fn(&Table) -> bool,
    ) -> Vec<String> {
        let Some(names) = map.get(key) else {
            return Vec::new();
        };
        names
            .iter()
            .filter(|n| self.tables.get(*n).is_some_and(|(_, t)| holds(t)))
            .cloned()
            .collect()
    }

    /// Takes the tables named `names` out of the store, as a schema of their own.
    fn take(&mut self, names: &HashSet<String>) -> (Schema, Taken) {
        let mut out: Vec<(u64, Table)> =
            names.iter().filter_map(|n| self.tables.remove(n)).collect();
        out.sort_by_key(|(n, _)| *n);
        let taken = Taken {
            names: out.iter().map(|(_, t)| t.name.clone()).collect(),
            numbers: out.iter().map(|(n, _)| Some(*n)).collect(),
        };
        let schema = Schema {
            tables: out.into_iter().map(|(_, t)| t).collect(),
            ..Schema::default()
        };
        (schema, taken)
    }

    /// Puts the tables of `schema` back, each with its creation number (a new one for a table
    /// created since [`Store::take`]), and records its indexes, triggers and references.
    fn put_back(&mut self, schema: Schema, taken: Taken) {
        for (i, table) in schema.tables.into_iter().enumerate() {
            let known = taken.names.get(i) == Some(&table.name);
            let number = match taken.numbers.get(i) {
                Some(Some(n)) if known => *n,
                _ => {
                    self.next += 1;
                    self.next
                }
            };
            let name = &table.name;
            for index in &table.indexes {
                let owners = self.index_owners.entry(index.name.clone()).or_default();
                owners.insert(name.clone());
            }
            for trigger in &table.triggers {
                let owners = self.trigger_owners.entry(trigger.name.clone()).or_default();
                owners.insert(name.clone());
            }
            for fk in &table.foreign_keys {
                let children = self.children.entry(fk.ref_table.clone()).or_default();
                children.insert(name.clone());
            }
            self.tables.insert(name.clone(), (number, table));
        }
    }
}
