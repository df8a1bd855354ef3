//! Mapped classes and `Table(...)` calls to tables: which classes are declarative bases,
//! which are mapped (a declarative base among their ancestors, not `__abstract__`), the
//! columns each gathers from its mixins and abstract bases, and its `__table_args__`.

use crate::python::{Expr, ExprKind, Keyword, PythonError, Stmt, StmtKind};
use crate::schema::model::{Index, IndexPart, PrimaryKey, Table, Unique};
use crate::schema::Schema;
use crate::Dialect;

use super::columns::{
    action, check, is_mapped, keyword_str, read_column, ColumnDecl, Context, PENDING,
};
use super::declared;
use super::enums::enum_classes;
use super::naming::{self, Convention};
use super::scan::{ClassInfo, Found};
use super::sqlmodel;
use super::types::last;
use super::{ReadOptions, Refusal};

/// Attribute calls that are not columns and are passed over.
const IGNORED_CALLS: &[&str] = &[
    "relationship",
    "backref",
    "association_proxy",
    "column_property",
    "synonym",
    "query_expression",
    "deferred",
    "hybrid_property",
];

/// How a class takes part in the mapping.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A declarative base (`DeclarativeBase` subclass, or `declarative_base()`).
    Base,
    /// A mapped class with a table.
    Mapped,
    /// `__abstract__ = True` under a base, or a class outside the mapping (a mixin).
    Other,
}

/// The schema of everything `found` holds.
pub(crate) fn build(
    found: &Found,
    options: &ReadOptions,
    dialect: Dialect,
) -> Result<Schema, PythonError> {
    let map = annotation_map(found);
    let enums = enum_classes(found);
    let cx = Context {
        options,
        annotation_map: &map,
        dialect,
        enums: &enums,
    };
    let mut schema = Schema::default();
    for class in &found.classes {
        let fail = |(line, message): Refusal| PythonError {
            path: class.path.clone(),
            line,
            message,
        };
        if role(found, class, 0).map_err(fail)? != Role::Mapped {
            continue;
        }
        schema
            .tables
            .push(class_table(found, class, &cx).map_err(fail)?);
    }
    for (path, _, call) in &found.tables {
        let fail = |(line, message): Refusal| PythonError {
            path: path.clone(),
            line,
            message,
        };
        schema
            .tables
            .push(table_call(found, call, &cx).map_err(fail)?);
    }
    Ok(schema)
}

/// The `type_annotation_map = {...}` literal of the declarative base classes.
fn annotation_map(found: &Found) -> Vec<(Expr, Expr)> {
    let mut out = Vec::new();
    for class in &found.classes {
        for stmt in &class.body {
            if let StmtKind::Assign {
                targets,
                value:
                    Some(Expr {
                        kind: ExprKind::Dict(pairs),
                        ..
                    }),
                ..
            } = &stmt.kind
            {
                if targets
                    .iter()
                    .any(|t| t.as_name() == Some("type_annotation_map"))
                {
                    out.extend(pairs.iter().cloned());
                }
            }
        }
    }
    out
}

fn class_named<'f>(found: &'f Found, name: &str) -> Option<&'f ClassInfo> {
    found.classes.iter().find(|c| c.name == name)
}

/// The class's role, from its bases (`depth` guards against a cycle).
fn role(found: &Found, class: &ClassInfo, depth: usize) -> Result<Role, Refusal> {
    if depth > 20 {
        return Err((
            class.line,
            "the class hierarchy is too deep or circular".to_string(),
        ));
    }
    if class.made.is_some() {
        return Ok(Role::Base);
    }
    if is_sqlmodel(found, class, depth)? {
        return sqlmodel_role(found, class, depth);
    }
    let mut under_base = false;
    for base in &class.bases {
        if matches!(last(base), "DeclarativeBase" | "DeclarativeBaseNoMeta") {
            return Ok(Role::Base);
        }
        if let Some(parent) = class_named(found, base) {
            match role(found, parent, depth + 1)? {
                Role::Base => under_base = true,
                Role::Mapped => {
                    return Err((
                        class.line,
                        format!(
                        "'{}' inherits the mapped class '{base}': table inheritance is not read",
                        class.name
                    ),
                    ))
                }
                Role::Other => under_base |= reaches_base(found, parent, depth + 1)?,
            }
        }
    }
    if !under_base || is_abstract(class) {
        return Ok(Role::Other);
    }
    Ok(Role::Mapped)
}

/// Whether the class is a SQLModel model: `SQLModel` among its bases or theirs.
fn is_sqlmodel(found: &Found, class: &ClassInfo, depth: usize) -> Result<bool, Refusal> {
    if depth > 20 {
        return Err((
            class.line,
            "the class hierarchy is too deep or circular".to_string(),
        ));
    }
    for base in &class.bases {
        if last(base) == "SQLModel" {
            return Ok(true);
        }
        if let Some(parent) = class_named(found, base) {
            if is_sqlmodel(found, parent, depth + 1)? {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// A SQLModel model is a table with `table=True` (and not under another table), else a
/// plain model whose fields its subclasses take.
fn sqlmodel_role(found: &Found, class: &ClassInfo, depth: usize) -> Result<Role, Refusal> {
    if !class.table {
        return Ok(Role::Other);
    }
    for base in &class.bases {
        if let Some(parent) = class_named(found, base) {
            if parent.table && is_sqlmodel(found, parent, depth + 1)? {
                return Err((
                    class.line,
                    format!(
                        "'{}' inherits the mapped class '{base}': table inheritance is not read",
                        class.name
                    ),
                ));
            }
        }
    }
    Ok(Role::Mapped)
}

/// Whether an abstract class sits under a declarative base.
fn reaches_base(found: &Found, class: &ClassInfo, depth: usize) -> Result<bool, Refusal> {
    if !is_abstract(class) {
        return Ok(false);
    }
    for base in &class.bases {
        if let Some(parent) = class_named(found, base) {
            if role(found, parent, depth + 1)? == Role::Base
                || reaches_base(found, parent, depth + 1)?
            {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

fn is_abstract(class: &ClassInfo) -> bool {
    class_value(class, "__abstract__").is_some_and(|v| v.kind == ExprKind::Bool(true))
}

fn class_value<'c>(class: &'c ClassInfo, name: &str) -> Option<&'c Expr> {
    class.body.iter().find_map(|stmt| match &stmt.kind {
        StmtKind::Assign { targets, value, .. }
            if targets.iter().any(|t| t.as_name() == Some(name)) =>
        {
            value.as_ref()
        }
        _ => None,
    })
}

/// The classes whose attributes a class gathers, in Python's method resolution order (the
/// class itself first; C3 over the classes of the files, other bases left out): the order
/// in which `create_all` lays out the columns, and the first class naming an attribute wins.
fn lineage<'f>(found: &'f Found, class: &'f ClassInfo) -> Vec<&'f ClassInfo> {
    let parents: Vec<&ClassInfo> = class
        .bases
        .iter()
        .filter_map(|b| class_named(found, b))
        .collect();
    let mut lists: Vec<Vec<&ClassInfo>> = parents.iter().map(|p| lineage(found, p)).collect();
    lists.push(parents);
    let mut out = vec![class];
    loop {
        lists.retain(|l| !l.is_empty());
        let Some(head) = lists.iter().map(|l| l[0]).find(|h| {
            lists
                .iter()
                .all(|l| !l[1..].iter().any(|c| c.name == h.name))
        }) else {
            // Done, or no consistent order (Python would refuse the class): the rest in
            // depth-first order.
            for l in &lists {
                for c in l {
                    if !out.iter().any(|o| o.name == c.name) {
                        out.push(c);
                    }
                }
            }
            return out;
        };
        out.push(head);
        for l in &mut lists {
            l.retain(|c| c.name != head.name);
        }
    }
}

/// A mapped class's table.
fn class_table(found: &Found, class: &ClassInfo, cx: &Context<'_>) -> Result<Table, Refusal> {
    let chain = lineage(found, class);
    if let Some(v) = chain.iter().find_map(|c| class_value(c, "__bind_key__")) {
        return Err((
            v.line,
            "__bind_key__: a model of another database is not read (one target, one database)"
                .to_string(),
        ));
    }
    let name = table_name(class, &chain)?;
    let decls = if is_sqlmodel(found, class, 0)? {
        sqlmodel::fields(&chain, cx)?
    } else {
        declared_columns(&chain, cx)?
    };
    let keys = keys(&decls);
    let mut table = assemble(&name, decls);
    let args = chain.iter().find_map(|c| class_value(c, "__table_args__"));
    if let Some(args) = args {
        table_args(&mut table, args, &keys)?;
    }
    if table.primary_key.is_none() {
        return Err((
            class.line,
            format!(
                "the mapped class '{}' has no primary key (SQLAlchemy can't map it)",
                class.name
            ),
        ));
    }
    resolve_references(found, &mut table, cx)?;
    let convention = class_convention(found, &chain)?;
    naming::apply(&mut table, &keys, &convention, cx.dialect, class.line)?;
    Ok(table)
}

/// The columns of a declarative class's lineage, the first class naming one winning.
fn declared_columns(chain: &[&ClassInfo], cx: &Context<'_>) -> Result<Vec<ColumnDecl>, Refusal> {
    let mut decls: Vec<ColumnDecl> = Vec::new();
    for c in chain {
        for decl in class_columns(c, cx)? {
            if !decls.iter().any(|d| d.column.name == decl.column.name) {
                decls.push(decl);
            }
        }
    }
    Ok(decls)
}

/// The class's `__tablename__`: the first class of its lineage that sets it, as a string
/// or as a `@declared_attr` function of `cls.__name__`; under Flask-SQLAlchemy's `db.Model`
/// a class that finds none is named after the class, in snake case.
fn table_name(class: &ClassInfo, chain: &[&ClassInfo]) -> Result<String, Refusal> {
    for c in chain {
        if let Some(v) = class_value(c, "__tablename__") {
            return v
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| (v.line, "__tablename__ must be a string literal".to_string()));
        }
        if let Some((line, body)) = declared_tablename(c) {
            return declared::table_name(line, body, &class.name);
        }
    }
    if chain
        .iter()
        .any(|c| c.made.as_ref().is_some_and(|m| m.autoname))
    {
        return Ok(snake_case(&class.name));
    }
    // SQLModel's own declared_attr: the class name in lower case.
    if class.table {
        return Ok(class.name.to_lowercase());
    }
    Err((
        class.line,
        format!("the mapped class '{}' has no __tablename__", class.name),
    ))
}

/// A `@declared_attr def __tablename__(cls): ...` of the class body: its line and body.
fn declared_tablename(class: &ClassInfo) -> Option<(usize, &[Stmt])> {
    class.body.iter().find_map(|stmt| {
        let StmtKind::DecoratedFunction {
            decorators,
            function,
        } = &stmt.kind
        else {
            return None;
        };
        let StmtKind::FunctionDef { name, body, .. } = &function.kind else {
            return None;
        };
        let declared = decorators.iter().any(|d| {
            d.dotted()
                .is_some_and(|d| d.split('.').any(|part| part == "declared_attr"))
        });
        (name == "__tablename__" && declared).then_some((stmt.line, body.as_slice()))
    })
}

/// Flask-SQLAlchemy's `camel_to_snake_case`: `_` before a capital that follows a lower-case
/// letter or a digit, and before a capital (not the first character) that a lower-case
/// letter follows; then lower case, leading `_` dropped. `HTTPRequest` is `http_request`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let upper = c.is_ascii_uppercase();
        let after_lower =
            i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
        let before_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
        if upper && (after_lower || (i > 0 && before_lower)) {
            out.push('_');
        }
        out.push(c);
    }
    out.to_lowercase().trim_start_matches('_').to_string()
}

/// Each column's key (attribute name) by column name.
fn keys(decls: &[ColumnDecl]) -> Vec<(String, String)> {
    decls
        .iter()
        .map(|d| (d.column.name.clone(), d.key.clone()))
        .collect()
}

/// The naming convention of the metadata a mapped class's base carries: the first class
/// of its lineage that sets one (`metadata = MetaData(...)` in a base's body, or the
/// `metadata=` of the call that made the base).
fn class_convention(found: &Found, chain: &[&ClassInfo]) -> Result<Convention, Refusal> {
    for c in chain {
        if let Some(m) = c.made.as_ref().and_then(|m| m.metadata.as_ref()) {
            return metadata_convention(found, m, 0);
        }
        if let Some(m) = class_value(c, "metadata") {
            return metadata_convention(found, m, 0);
        }
    }
    Ok(Convention::default())
}

/// The naming convention of a metadata expression: `MetaData(...)`, a name bound to one,
/// or `Base.metadata` / `db.metadata`.
fn metadata_convention(found: &Found, e: &Expr, depth: usize) -> Result<Convention, Refusal> {
    let cant = || {
        (
            e.line,
            "a metadata this reader can't follow (MetaData(...), a name bound to one, or \
             Base.metadata)"
                .to_string(),
        )
    };
    if depth > 20 {
        return Err(cant());
    }
    match &e.kind {
        ExprKind::Call { func, keywords, .. }
            if func.dotted().is_some_and(|f| last(&f) == "MetaData") =>
        {
            if let Some(k) = keywords.iter().find(|k| k.name == "schema") {
                return Err((
                    k.value.line,
                    "tables in another schema are not read".to_string(),
                ));
            }
            match keywords.iter().find(|k| k.name == "naming_convention") {
                Some(k) => match &k.value.kind {
                    ExprKind::Name(n) => match found.value(n) {
                        Some(d) => Convention::from_dict(d),
                        None => Err(cant()),
                    },
                    _ => Convention::from_dict(&k.value),
                },
                None => Ok(Convention::default()),
            }
        }
        ExprKind::Name(n) => match found.value(n) {
            Some(v) => metadata_convention(found, v, depth + 1),
            None => Err(cant()),
        },
        _ => {
            let dotted = e.dotted().ok_or_else(cant)?;
            let owner = dotted.strip_suffix(".metadata").ok_or_else(cant)?;
            let class = class_named(found, owner)
                .or_else(|| class_named(found, &format!("{owner}.Model")))
                .ok_or_else(cant)?;
            class_convention(found, &lineage(found, class))
        }
    }
}

/// The columns a class body declares, in order.
fn class_columns(class: &ClassInfo, cx: &Context<'_>) -> Result<Vec<ColumnDecl>, Refusal> {
    let mut out = Vec::new();
    for stmt in &class.body {
        let StmtKind::Assign {
            targets,
            annotation,
            value,
        } = &stmt.kind
        else {
            class_statement(&stmt.kind, stmt.line)?;
            continue;
        };
        let [target] = targets.as_slice() else {
            continue;
        };
        let Some(attr) = target.as_name() else {
            return Err((
                stmt.line,
                "an assignment to something other than a name".to_string(),
            ));
        };
        if attr.starts_with("__") || attr == "type_annotation_map" || attr == "metadata" {
            continue;
        }
        let call = match value.as_ref().map(|v| &v.kind) {
            Some(ExprKind::Call {
                func,
                args,
                keywords,
            }) => {
                let f = func.dotted().unwrap_or_default();
                match last(&f) {
                    "mapped_column" => Some((args.as_slice(), keywords.as_slice(), true)),
                    "Column" => Some((args.as_slice(), keywords.as_slice(), false)),
                    n if IGNORED_CALLS.contains(&n) => continue,
                    n => {
                        return Err((
                            stmt.line,
                            format!("'{attr} = {n}(...)' is not a column this reader knows"),
                        ))
                    }
                }
            }
            _ => None,
        };
        let annotation = match annotation {
            Some(a) => Some(unquoted(a)?),
            None => None,
        };
        let mapped = annotation.as_ref().is_some_and(is_mapped);
        if call.is_none() && !(mapped && value.is_none()) {
            continue;
        }
        out.push(read_column(attr, annotation.as_ref(), call, stmt.line, cx)?);
    }
    Ok(out)
}

/// An annotation as SQLAlchemy evaluates it: a string annotation (`x: "Mapped[int]"`) is
/// read as the expression it holds.
pub(crate) fn unquoted(annotation: &Expr) -> Result<Expr, Refusal> {
    let Some(text) = annotation.as_str() else {
        return Ok(annotation.clone());
    };
    let bad = || {
        (
            annotation.line,
            format!("the string annotation \"{text}\" is not an expression this reader reads"),
        )
    };
    let module = crate::python::parse_module("annotation", text).map_err(|_| bad())?;
    match module.body.as_slice() {
        [Stmt {
            kind: StmtKind::Expr(e),
            ..
        }] => Ok(relined(e.clone(), annotation.line)),
        _ => Err(bad()),
    }
}

/// `e` with the line of every part set to `line`.
fn relined(mut e: Expr, line: usize) -> Expr {
    e.line = line;
    let boxed = |b: &mut Box<Expr>| **b = relined((**b).clone(), line);
    match &mut e.kind {
        ExprKind::Subscript { value, index } => {
            boxed(value);
            boxed(index);
        }
        ExprKind::BinOp { left, right, .. } => {
            boxed(left);
            boxed(right);
        }
        ExprKind::Attribute { value, .. } => boxed(value),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            for i in items.iter_mut() {
                *i = relined(i.clone(), line);
            }
        }
        _ => {}
    }
    e
}

/// A statement of a class body that is not an assignment: passed over or refused.
fn class_statement(kind: &StmtKind, line: usize) -> Result<(), Refusal> {
    match kind {
        StmtKind::FunctionDef { .. } | StmtKind::Pass | StmtKind::ClassDef { .. } => Ok(()),
        StmtKind::Expr(e) if e.as_str().is_some() => Ok(()),
        StmtKind::DecoratedFunction { .. } => Ok(()),
        StmtKind::Unsupported(what) => Err((line, format!("{what} in a class body"))),
        _ => Err((
            line,
            "a statement in a class body that is not read".to_string(),
        )),
    }
}

/// The table of `decls`: key, column-level uniques, indexes, references, checks.
fn assemble(name: &str, decls: Vec<ColumnDecl>) -> Table {
    let mut table = Table::new(name);
    let pk: Vec<String> = decls
        .iter()
        .filter(|d| d.primary_key)
        .map(|d| d.column.name.clone())
        .collect();
    if !pk.is_empty() {
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: pk,
        });
    }
    for d in decls {
        let col = d.column.name.clone();
        if d.index {
            table.indexes.push(Index {
                // Named by the naming convention.
                name: String::new(),
                table: name.to_string(),
                unique: d.unique,
                columns: vec![part(&col)],
                predicate: None,
            });
        } else if d.unique {
            table.uniques.push(Unique {
                name: None,
                columns: vec![col],
            });
        }
        table.foreign_keys.extend(d.foreign_keys);
        table.checks.extend(d.checks);
        table.columns.push(d.column);
    }
    table
}

fn part(col: &str) -> IndexPart {
    IndexPart {
        expr: col.to_string(),
        is_column: true,
        descending: false,
    }
}

/// `__table_args__`: a tuple of constraints and indexes, optionally ending with a dict, or a
/// dict alone.
fn table_args(table: &mut Table, args: &Expr, keys: &[(String, String)]) -> Result<(), Refusal> {
    let items: &[Expr] = match &args.kind {
        ExprKind::Tuple(items) | ExprKind::List(items) => items,
        ExprKind::Dict(_) => std::slice::from_ref(args),
        _ => {
            return Err((
                args.line,
                "__table_args__ must be a tuple or a dict literal".to_string(),
            ))
        }
    };
    for item in items {
        table_item(table, item, keys)?;
    }
    Ok(())
}

/// One constraint or index of `__table_args__` or of a `Table(...)` call.
fn table_item(table: &mut Table, item: &Expr, keys: &[(String, String)]) -> Result<(), Refusal> {
    if let ExprKind::Dict(pairs) = &item.kind {
        return table_options(pairs);
    }
    let ExprKind::Call {
        func,
        args,
        keywords,
    } = &item.kind
    else {
        return Err((
            item.line,
            "a table argument this reader can't read".to_string(),
        ));
    };
    let f = func.dotted().unwrap_or_default();
    let line = item.line;
    let names = |from: &[Expr]| -> Result<Vec<String>, Refusal> {
        from.iter()
            .map(|a| {
                column_name(a, keys)
                    .ok_or_else(|| (a.line, "a column name this reader can't read".to_string()))
            })
            .collect()
    };
    match last(&f) {
        "UniqueConstraint" => table.uniques.push(Unique {
            name: keyword_str(keywords, "name").map(str::to_string),
            columns: names(args)?,
        }),
        "PrimaryKeyConstraint" => {
            let columns = names(args)?;
            for c in &columns {
                if let Some(col) = table.column_mut(c) {
                    col.nullable = false;
                }
            }
            table.primary_key = Some(PrimaryKey {
                name: keyword_str(keywords, "name").map(str::to_string),
                columns,
            })
        }
        "CheckConstraint" => table.checks.push(check(line, args, keywords)?),
        "Index" => table
            .indexes
            .push(index(table, line, args, keywords, keys)?),
        "ForeignKeyConstraint" => {
            let mut fk = fk_constraint(line, args, keywords)?;
            for c in &mut fk.columns {
                if let Some((name, _)) = keys.iter().find(|(_, k)| k == c) {
                    *c = name.clone();
                }
            }
            table.foreign_keys.push(fk);
        }
        other => {
            return Err((
                line,
                format!("the table argument '{other}(...)' is not read"),
            ))
        }
    }
    Ok(())
}

/// The `__table_args__` dict: engine options are passed over, a schema is refused.
fn table_options(pairs: &[(Expr, Expr)]) -> Result<(), Refusal> {
    for (key, _) in pairs {
        match key.as_str() {
            Some("schema") => {
                return Err((
                    key.line,
                    "tables in another schema are not read".to_string(),
                ))
            }
            Some(_) => {}
            None => {
                return Err((
                    key.line,
                    "a __table_args__ key that is not a string".to_string(),
                ))
            }
        }
    }
    Ok(())
}

/// A column named by a string, or by a bare attribute name of the class body: its key,
/// which `keys` turns into the column's name.
fn column_name(e: &Expr, keys: &[(String, String)]) -> Option<String> {
    let key = e.as_str().or_else(|| e.as_name())?;
    let name = keys.iter().find(|(_, k)| k == key).map(|(n, _)| n.as_str());
    Some(name.unwrap_or(key).to_string())
}

fn index(
    table: &Table,
    line: usize,
    args: &[Expr],
    keywords: &[Keyword],
    keys: &[(String, String)],
) -> Result<Index, Refusal> {
    let Some((first, cols)) = args.split_first() else {
        return Err((line, "Index needs a name and columns".to_string()));
    };
    let name = match &first.kind {
        ExprKind::None => "",
        _ => first
            .as_str()
            .ok_or_else(|| (line, "Index needs a name (or None) first".to_string()))?,
    };
    let columns = cols
        .iter()
        .map(|c| {
            column_name(c, keys)
                .map(|n| part(&n))
                .ok_or_else(|| (c.line, "an index column this reader can't read".to_string()))
        })
        .collect::<Result<_, _>>()?;
    let unique = keywords
        .iter()
        .any(|k| k.name == "unique" && k.value.kind == ExprKind::Bool(true));
    Ok(Index {
        name: name.to_string(),
        table: table.name.clone(),
        unique,
        columns,
        predicate: None,
    })
}

fn fk_constraint(
    line: usize,
    args: &[Expr],
    keywords: &[Keyword],
) -> Result<crate::schema::ForeignKey, Refusal> {
    let list = |e: Option<&Expr>| -> Option<Vec<String>> {
        match &e?.kind {
            ExprKind::List(items) | ExprKind::Tuple(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect(),
            _ => None,
        }
    };
    let bad = || {
        (
            line,
            "ForeignKeyConstraint takes two lists of strings here".to_string(),
        )
    };
    let columns = list(args.first()).ok_or_else(bad)?;
    let targets = list(args.get(1)).ok_or_else(bad)?;
    let mut ref_table = None;
    let mut ref_columns = Vec::new();
    for t in &targets {
        let (tab, col) = t.split_once('.').ok_or_else(bad)?;
        ref_table = Some(tab.to_string());
        ref_columns.push(col.to_string());
    }
    Ok(crate::schema::ForeignKey {
        name: keyword_str(keywords, "name").map(str::to_string),
        columns,
        ref_table: ref_table.ok_or_else(bad)?,
        ref_columns,
        on_delete: action(line, keywords, "ondelete")?,
        on_update: action(line, keywords, "onupdate")?,
    })
}

/// `Table("name", metadata, Column(...), ..., constraints...)`; Flask-SQLAlchemy's
/// `db.Table("name", Column(...), ...)` takes the extension's metadata when none is given.
fn table_call(found: &Found, call: &Expr, cx: &Context<'_>) -> Result<Table, Refusal> {
    let ExprKind::Call { func, args, .. } = &call.kind else {
        return Err((call.line, "a Table this reader can't read".to_string()));
    };
    let name = args.first().and_then(Expr::as_str).ok_or_else(|| {
        (
            call.line,
            "Table needs its name as a string first".to_string(),
        )
    })?;
    let is_column = |e: &Expr| match &e.kind {
        ExprKind::Call { func, .. } => func.dotted().is_some_and(|f| last(&f) == "Column"),
        _ => false,
    };
    let flask_db = func
        .dotted()
        .and_then(|f| f.strip_suffix(".Table").map(str::to_string))
        .filter(|db| found.flask.contains(db));
    let (convention, skip) = match (args.get(1), &flask_db) {
        (Some(first), Some(db)) if is_column(first) => {
            let model = class_named(found, &format!("{db}.Model")).expect("the db's Model");
            (class_convention(found, &lineage(found, model))?, 1)
        }
        (Some(metadata), _) => (metadata_convention(found, metadata, 0)?, 2),
        (None, _) => return Err((call.line, "Table needs its name and a metadata".to_string())),
    };
    let mut decls = Vec::new();
    let mut rest = Vec::new();
    for arg in args.iter().skip(skip) {
        match &arg.kind {
            ExprKind::Call {
                args: cargs,
                keywords,
                ..
            } if is_column(arg) => {
                decls.push(read_column(
                    "",
                    None,
                    Some((cargs, keywords, false)),
                    arg.line,
                    cx,
                )?);
            }
            _ => rest.push(arg),
        }
    }
    if decls.iter().any(|d| d.column.name.is_empty()) {
        return Err((
            call.line,
            "a Column of a Table needs its name as a string first".to_string(),
        ));
    }
    let keys = keys(&decls);
    let mut table = assemble(name, decls);
    for item in rest {
        table_item(&mut table, item, &keys)?;
    }
    resolve_references(found, &mut table, cx)?;
    naming::apply(&mut table, &keys, &convention, cx.dialect, call.line)?;
    Ok(table)
}

/// The foreign keys of `table` that name their target by attribute (see [`PENDING`]) given
/// the table and column that attribute is: `User.id` (a mapped class of the files and its
/// attribute), `User.__table__.c.id`, or `users.c.id` (a name bound to a `Table(...)`).
fn resolve_references(found: &Found, table: &mut Table, cx: &Context<'_>) -> Result<(), Refusal> {
    for fk in &mut table.foreign_keys {
        let Some(pending) = fk.ref_table.strip_prefix(PENDING) else {
            continue;
        };
        let (line, target) = pending.split_once(PENDING).expect("a pending reference");
        let line: usize = line.parse().expect("a line");
        let (table_name, column) = reference(found, target, cx)
            .map_err(|(_, m)| (line, m))?
            .ok_or_else(|| {
                (
                    line,
                    format!(
                        "ForeignKey({target}): not a column of a mapped class or a Table of \
                         the files"
                    ),
                )
            })?;
        fk.ref_table = table_name;
        fk.ref_columns = vec![column];
    }
    Ok(())
}

/// The table and column an attribute target names, if it names one of the files.
fn reference(
    found: &Found,
    target: &str,
    cx: &Context<'_>,
) -> Result<Option<(String, String)>, Refusal> {
    let parts: Vec<&str> = target.split('.').collect();
    let (owner, key) = match parts.as_slice() {
        [owner, key] => (*owner, *key),
        [owner, "__table__", "c", key] => (*owner, *key),
        [owner, "c", key] => (*owner, *key),
        _ => return Ok(None),
    };
    if let Some(class) = class_named(found, owner) {
        if role(found, class, 0)? != Role::Mapped {
            return Ok(None);
        }
        let chain = lineage(found, class);
        let name = table_name(class, &chain)?;
        for c in &chain {
            if let Some(d) = class_columns(c, cx)?.into_iter().find(|d| d.attr == key) {
                return Ok(Some((name, d.column.name)));
            }
        }
        return Ok(None);
    }
    let Some((_, _, call)) = found
        .tables
        .iter()
        .find(|(_, names, _)| names.iter().any(|n| n == owner))
    else {
        return Ok(None);
    };
    let ExprKind::Call { args, .. } = &call.kind else {
        return Ok(None);
    };
    let Some(name) = args.first().and_then(Expr::as_str) else {
        return Ok(None);
    };
    for arg in args {
        if let ExprKind::Call {
            func,
            args: cargs,
            keywords,
        } = &arg.kind
        {
            if func.dotted().is_some_and(|f| last(&f) == "Column") {
                let Some(col) = cargs.first().and_then(Expr::as_str) else {
                    continue;
                };
                if keyword_str(keywords, "key").unwrap_or(col) == key {
                    return Ok(Some((name.to_string(), col.to_string())));
                }
            }
        }
    }
    Ok(None)
}
