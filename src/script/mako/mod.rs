//! A `script.py.mako` renderer for new `.py` revisions, writing what Python Alembic (Mako
//! 1.x) writes for the same template and values, without Python.
//!
//! It renders the forms of Alembic's own templates (`generic`, `async`, `multidb`,
//! `pyproject`, `pyproject_async`) and of Flask-Migrate's, and the usual edits of them:
//!
//! - `${expr}` and `${expr | filters}` with the filters `n`, `str`, `trim` and Alembic's
//!   `comma`; the default filter is `str` unless `n` is given, as in Mako;
//! - `% if` / `% elif` / `% else` / `% endif` and `% for NAME in EXPR:` / `% endfor`;
//! - `## comment` lines, `<%doc>` comments, `%%` at a line's start, a backslash-newline;
//! - `<%! import re %>` and `<% name = expr %>` blocks;
//! - the expressions of [`expr`]: names, literals, `a if c else b`, `or` / `and` / `not`,
//!   comparisons, `"%s" % x`, and `repr`, `str`, `len`, `comma`, `re.split`,
//!   `config.get_main_option`, `context.get` and string `join` / `strip` / `lower` / `upper`.
//!
//! The names are Alembic's template arguments: `up_revision`, `down_revision` (`None`, a
//! string, or a tuple for a merge), `branch_labels` (`None` or a tuple), `depends_on`
//! (`None`, a string, or a list), `create_date`, `message`, `config`, and for
//! `--autogenerate` `upgrades`, `downgrades` and `imports` (undefined otherwise, as in
//! Alembic: false in a test, an error when printed). Any other form is refused with its line
//! ([`MakoError`]), before anything is written. Pure: text and values in, text out.

mod expr;
mod lex;
#[cfg(test)]
mod tests;

use expr::{EvalError, Expr, Value};
use lex::Node;

use super::template::NewScript;

/// The autogenerate values a template receives beside the revision's identity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PythonBodies {
    pub upgrades: String,
    pub downgrades: String,
    pub imports: Vec<String>,
}

/// What a template is rendered with: Alembic's template arguments.
#[derive(Clone, Copy, Debug)]
pub struct TemplateArgs<'a> {
    /// The identity; `message` must already be Alembic's (`empty message` without `-m`).
    pub new: &'a NewScript,
    /// `upgrades`, `downgrades` and `imports`, for `--autogenerate`.
    pub bodies: Option<&'a PythonBodies>,
    /// What `config.get_main_option(name)` reads: the ini section's values.
    pub main_options: &'a [(String, String)],
}

/// A template that can't be rendered: the template line and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MakoError {
    pub line: usize,
    pub message: String,
}

impl MakoError {
    fn unsupported(line: usize, what: &str) -> MakoError {
        MakoError {
            line,
            message: format!(
                "{what} is not supported (this tool renders the forms of Alembic's own \
                 script.py.mako templates; see the README)"
            ),
        }
    }
}

/// `template` rendered as Mako renders it for Alembic with `args`.
pub fn render_mako(template: &str, args: &TemplateArgs<'_>) -> Result<String, MakoError> {
    let nodes = lex::lex(template)?;
    let mut builder = Builder {
        nodes: &nodes,
        at: 0,
        imports_re: false,
    };
    let (items, stop) = builder.block()?;
    if let Some(stop) = stop {
        return Err(stray(&stop));
    }
    let mut scope = Scope {
        args,
        locals: Vec::new(),
        imports_re: builder.imports_re,
    };
    let mut out = String::with_capacity(template.len() * 2);
    scope.render(&items, &mut out)?;
    Ok(out)
}

/// A rendered piece of the template tree.
#[derive(Debug)]
enum Item {
    Text(String),
    Expr {
        line: usize,
        source: String,
        expr: Expr,
        filters: Vec<Filter>,
    },
    Assign {
        line: usize,
        source: String,
        name: String,
        expr: Expr,
    },
    If(Vec<Branch>),
    For {
        line: usize,
        source: String,
        name: String,
        iter: Expr,
        body: Vec<Item>,
    },
}

/// One arm of `% if`: its test (`None` for `% else`) and body.
#[derive(Debug)]
struct Branch {
    line: usize,
    source: String,
    test: Option<Expr>,
    body: Vec<Item>,
}

/// An expression filter.
#[derive(Clone, Copy, Debug)]
enum Filter {
    Str,
    Trim,
    Comma,
}

/// A control line that ends a block: `% elif`, `% else` or `% end…`.
#[derive(Debug)]
struct Stop {
    line: usize,
    keyword: String,
    end: bool,
    text: String,
}

fn stray(stop: &Stop) -> MakoError {
    MakoError {
        line: stop.line,
        message: format!("`% {}` has no `% if` or `% for` to belong to", stop.text),
    }
}

/// Turns the lexer's nodes into the template tree.
struct Builder<'n> {
    nodes: &'n [Node],
    at: usize,
    imports_re: bool,
}

impl Builder<'_> {
    /// Items up to the end, or up to a control line that ends a block (returned).
    fn block(&mut self) -> Result<(Vec<Item>, Option<Stop>), MakoError> {
        let mut items = Vec::new();
        while let Some(node) = self.nodes.get(self.at) {
            self.at += 1;
            match node {
                Node::Text(text) => items.push(Item::Text(text.clone())),
                Node::Expr {
                    line,
                    code,
                    filters,
                } => items.push(expression(*line, code, filters.as_deref())?),
                Node::Code {
                    line,
                    text,
                    module: true,
                } => self.module_code(*line, text)?,
                Node::Code { line, text, .. } => items.extend(statements(*line, text)?),
                Node::Control {
                    line,
                    keyword,
                    end,
                    text,
                } => {
                    let stop = Stop {
                        line: *line,
                        keyword: keyword.clone(),
                        end: *end,
                        text: text.clone(),
                    };
                    match (keyword.as_str(), end) {
                        ("if", false) => items.push(self.if_block(stop)?),
                        ("for", false) => items.push(self.for_block(stop)?),
                        (_, true) | ("elif" | "else", false) => return Ok((items, Some(stop))),
                        _ => return Err(MakoError::unsupported(*line, &format!("`% {text}`"))),
                    }
                }
            }
        }
        Ok((items, None))
    }

    /// `<%! ... %>`: only `import re` (and comments).
    fn module_code(&mut self, line: usize, text: &str) -> Result<(), MakoError> {
        for (n, stmt) in text.lines().enumerate() {
            match stmt.trim() {
                "" => {}
                s if s.starts_with('#') => {}
                "import re" => self.imports_re = true,
                s => {
                    return Err(MakoError::unsupported(
                        line + n,
                        &format!("the module-level statement `{s}`"),
                    ))
                }
            }
        }
        Ok(())
    }

    fn if_block(&mut self, first: Stop) -> Result<Item, MakoError> {
        let open_line = first.line;
        let mut branches = Vec::new();
        let mut arm = first;
        loop {
            let test = match arm.keyword.as_str() {
                "else" if arm.text.trim() == "else:" => None,
                "else" => {
                    return Err(MakoError::unsupported(
                        arm.line,
                        &format!("`% {}`", arm.text),
                    ))
                }
                word => Some(condition(&arm, word)?),
            };
            let (body, stop) = self.block()?;
            branches.push(Branch {
                line: arm.line,
                source: arm.text.clone(),
                test,
                body,
            });
            let Some(stop) = stop else {
                return Err(unclosed(open_line, "if"));
            };
            match (stop.keyword.as_str(), stop.end) {
                ("if", true) => return Ok(Item::If(branches)),
                ("elif" | "else", false) if branches.last().is_some_and(|b| b.test.is_some()) => {
                    arm = stop;
                }
                _ => return Err(stray(&stop)),
            }
        }
    }

    fn for_block(&mut self, open: Stop) -> Result<Item, MakoError> {
        let refused = || MakoError::unsupported(open.line, &format!("`% {}`", open.text));
        let head = open.text.trim().strip_suffix(':').ok_or_else(refused)?;
        let head = head.strip_prefix("for").ok_or_else(refused)?;
        let (name, iter) = expr::parse_for(head).ok_or_else(refused)?;
        let (body, stop) = self.block()?;
        match stop {
            Some(stop) if stop.end && stop.keyword == "for" => Ok(Item::For {
                line: open.line,
                source: open.text.clone(),
                name,
                iter,
                body,
            }),
            Some(stop) => Err(stray(&stop)),
            None => Err(unclosed(open.line, "for")),
        }
    }
}

fn unclosed(line: usize, keyword: &str) -> MakoError {
    MakoError {
        line,
        message: format!("`% {keyword}` without its `% end{keyword}`"),
    }
}

/// The test of `% if test:` or `% elif test:`.
fn condition(arm: &Stop, word: &str) -> Result<Expr, MakoError> {
    let refused = || MakoError::unsupported(arm.line, &format!("`% {}`", arm.text));
    let test = arm.text.trim().strip_suffix(':').ok_or_else(refused)?;
    let test = test.strip_prefix(word).ok_or_else(refused)?;
    expr::parse(test).ok_or_else(refused)
}

/// `${code | filters}` as an item.
fn expression(line: usize, code: &str, filters: Option<&str>) -> Result<Item, MakoError> {
    let source = match filters {
        Some(f) => format!("`${{{code}|{f}}}`"),
        None => format!("`${{{code}}}`"),
    };
    let expr = expr::parse(code).ok_or_else(|| MakoError::unsupported(line, &source))?;
    let names: Vec<&str> = filters
        .map(|f| f.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let mut chain = Vec::new();
    if !names.contains(&"n") {
        chain.push(Filter::Str);
    }
    for name in names {
        chain.push(match name {
            "n" => continue,
            "str" => Filter::Str,
            "trim" => Filter::Trim,
            "comma" => Filter::Comma,
            other => {
                return Err(MakoError::unsupported(
                    line,
                    &format!("the filter `{other}` in {source}"),
                ))
            }
        });
    }
    Ok(Item::Expr {
        line,
        source,
        expr,
        filters: chain,
    })
}

/// The assignments of a `<% ... %>` block.
fn statements(line: usize, text: &str) -> Result<Vec<Item>, MakoError> {
    let mut items = Vec::new();
    for (n, stmt) in text.lines().enumerate() {
        let stmt = stmt.trim();
        if stmt.is_empty() || stmt.starts_with('#') {
            continue;
        }
        let refused = || MakoError::unsupported(line + n, &format!("the statement `{stmt}`"));
        let (name, expr) = expr::parse_assignment(stmt).ok_or_else(refused)?;
        items.push(Item::Assign {
            line: line + n,
            source: format!("`{stmt}`"),
            name,
            expr,
        });
    }
    Ok(items)
}

/// The names in play while rendering.
struct Scope<'a> {
    args: &'a TemplateArgs<'a>,
    /// `<% %>` assignments and `% for` variables, latest last.
    locals: Vec<(String, Value)>,
    imports_re: bool,
}

impl Scope<'_> {
    fn render(&mut self, items: &[Item], out: &mut String) -> Result<(), MakoError> {
        for item in items {
            match item {
                Item::Text(text) => out.push_str(text),
                Item::Expr {
                    line,
                    source,
                    expr,
                    filters,
                } => {
                    let value = self.eval(expr).map_err(|e| failure(*line, source, e))?;
                    let text = filtered(value, filters).map_err(|e| failure(*line, source, e))?;
                    out.push_str(&text);
                }
                Item::Assign {
                    line,
                    source,
                    name,
                    expr,
                } => {
                    let value = self.eval(expr).map_err(|e| failure(*line, source, e))?;
                    self.locals.push((name.clone(), value));
                }
                Item::If(branches) => self.render_if(branches, out)?,
                Item::For {
                    line,
                    source,
                    name,
                    iter,
                    body,
                } => {
                    let fail = |e| failure(*line, &format!("`% {source}`"), e);
                    let values = match self.eval(iter).map_err(fail)? {
                        Value::Tuple(items) | Value::List(items) => items,
                        Value::Str(s) => s.chars().map(|c| Value::Str(c.into())).collect(),
                        _ => return Err(fail(EvalError::Python("not iterable".into()))),
                    };
                    for value in values {
                        self.locals.push((name.clone(), value));
                        self.render(body, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn render_if(&mut self, branches: &[Branch], out: &mut String) -> Result<(), MakoError> {
        for branch in branches {
            let taken = match &branch.test {
                None => true,
                Some(test) => self
                    .eval(test)
                    .map_err(|e| failure(branch.line, &format!("`% {}`", branch.source), e))?
                    .truthy(),
            };
            if taken {
                return self.render(&branch.body, out);
            }
        }
        Ok(())
    }

    /// A local or a template argument by name (Mako's `UNDEFINED` when neither).
    fn lookup(&self, name: &str) -> Result<Value, EvalError> {
        match self.locals.iter().rev().find(|(n, _)| n == name) {
            Some((_, value)) => Ok(value.clone()),
            None => self.argument(name),
        }
    }

    /// A template argument by name: what `context.get` sees.
    fn argument(&self, name: &str) -> Result<Value, EvalError> {
        let new = self.args.new;
        let bodies = self.args.bodies;
        Ok(match name {
            "up_revision" => Value::Str(new.revision.clone()),
            "down_revision" => scalar(&new.down_revisions, Value::Tuple),
            "branch_labels" if new.branch_labels.is_empty() => Value::None,
            "branch_labels" => Value::Tuple(strs(&new.branch_labels)),
            "depends_on" => scalar(&new.depends_on, Value::List),
            "create_date" => Value::Date(new.create_date.clone()),
            "message" => Value::Str(new.message.clone()),
            "upgrades" | "downgrades" | "imports" => match bodies {
                Some(bodies) => Value::Str(match name {
                    "upgrades" => bodies.upgrades.clone(),
                    "downgrades" => bodies.downgrades.clone(),
                    _ => sorted_imports(&bodies.imports),
                }),
                None => Value::Undefined(name.to_string()),
            },
            "config" | "context" | "re" | "comma" | "repr" | "str" | "len" => {
                return Err(EvalError::Unsupported)
            }
            other => Value::Undefined(other.to_string()),
        })
    }

    fn eval(&self, expr: &Expr) -> Result<Value, EvalError> {
        Ok(match expr {
            Expr::Name(name) => self.lookup(name)?,
            Expr::Const(value) => value.clone(),
            Expr::Tuple(items) => Value::Tuple(self.eval_all(items)?),
            Expr::List(items) => Value::List(self.eval_all(items)?),
            Expr::Attr(..) => return Err(EvalError::Unsupported),
            Expr::Call(callee, args) => self.call(callee, &self.eval_all(args)?)?,
            Expr::Percent(format, args) => match self.eval(format)? {
                Value::Str(format) => Value::Str(expr::percent_format(&format, &self.eval(args)?)?),
                _ => return Err(EvalError::Unsupported),
            },
            Expr::IfElse(test, yes, no) => match self.eval(test)?.truthy() {
                true => self.eval(yes)?,
                false => self.eval(no)?,
            },
            Expr::Or(a, b) => match self.eval(a)? {
                v if v.truthy() => v,
                _ => self.eval(b)?,
            },
            Expr::And(a, b) => match self.eval(a)? {
                v if !v.truthy() => v,
                _ => self.eval(b)?,
            },
            Expr::Not(a) => Value::Bool(!self.eval(a)?.truthy()),
            Expr::Compare(cmp, a, b) => Value::Bool(cmp.apply(&self.eval(a)?, &self.eval(b)?)?),
        })
    }

    fn eval_all(&self, items: &[Expr]) -> Result<Vec<Value>, EvalError> {
        items.iter().map(|e| self.eval(e)).collect()
    }

    fn is_local(&self, name: &str) -> bool {
        self.locals.iter().any(|(n, _)| n == name)
    }

    /// A call of one of the known functions or methods.
    fn call(&self, callee: &Expr, args: &[Value]) -> Result<Value, EvalError> {
        match callee {
            Expr::Name(name) if !self.is_local(name) => builtin(name, args),
            Expr::Attr(object, method) => match (object.as_ref(), method.as_str()) {
                (Expr::Name(o), m) if o == "config" && m == "get_main_option" => {
                    let (key, default) = key_and_default(args)?;
                    let found = self.args.main_options.iter().find(|(k, _)| *k == key);
                    Ok(found.map_or(default, |(_, v)| Value::Str(v.clone())))
                }
                (Expr::Name(o), "get") if o == "context" => {
                    let (key, default) = key_and_default(args)?;
                    match self.argument(&key) {
                        Ok(Value::Undefined(_)) | Err(_) => Ok(default),
                        Ok(value) => Ok(value),
                    }
                }
                (Expr::Name(o), "split") if o == "re" && self.imports_re && !self.is_local(o) => {
                    match args {
                        [Value::Str(pattern), Value::Str(text)] => expr::re_split(pattern, text)
                            .map(|parts| Value::List(parts.into_iter().map(Value::Str).collect()))
                            .ok_or(EvalError::Unsupported),
                        [_, Value::None] => Err(EvalError::Python(
                            "re.split() was given None to split".into(),
                        )),
                        _ => Err(EvalError::Unsupported),
                    }
                }
                (object, method) => str_method(self.eval(object)?, method, args),
            },
            _ => Err(EvalError::Unsupported),
        }
    }
}

/// `repr`, `str`, `len` and Alembic's `comma`.
fn builtin(name: &str, args: &[Value]) -> Result<Value, EvalError> {
    let [arg] = args else {
        return Err(EvalError::Unsupported);
    };
    match name {
        "repr" => Ok(Value::Str(arg.repr()?)),
        "str" => Ok(Value::Str(arg.str()?)),
        "comma" => comma(arg).map(Value::Str),
        "len" => match arg {
            Value::Str(s) => Ok(Value::Int(s.chars().count() as i64)),
            Value::Tuple(items) | Value::List(items) => Ok(Value::Int(items.len() as i64)),
            _ => Err(EvalError::Python(format!("{} has no len()", arg.str()?))),
        },
        _ => Err(EvalError::Unsupported),
    }
}

/// `", ".join(x)`, `x.strip()`, `x.lower()`, `x.upper()` on a string.
fn str_method(object: Value, method: &str, args: &[Value]) -> Result<Value, EvalError> {
    let Value::Str(s) = object else {
        return Err(EvalError::Unsupported);
    };
    match (method, args) {
        ("join", [Value::Tuple(items) | Value::List(items)]) => {
            let parts: Result<Vec<String>, EvalError> = items
                .iter()
                .map(|v| match v {
                    Value::Str(s) => Ok(s.clone()),
                    _ => Err(EvalError::Python("join() takes strings".into())),
                })
                .collect();
            Ok(Value::Str(parts?.join(&s)))
        }
        ("strip", []) => Ok(Value::Str(s.trim().to_string())),
        ("lower", []) => Ok(Value::Str(s.to_lowercase())),
        ("upper", []) => Ok(Value::Str(s.to_uppercase())),
        _ => Err(EvalError::Unsupported),
    }
}

/// The `(key, default=None)` arguments of `get_main_option` and `context.get`.
fn key_and_default(args: &[Value]) -> Result<(String, Value), EvalError> {
    match args {
        [Value::Str(key)] => Ok((key.clone(), Value::None)),
        [Value::Str(key), default] => Ok((key.clone(), default.clone())),
        _ => Err(EvalError::Unsupported),
    }
}

/// Alembic's `format_as_comma`.
fn comma(value: &Value) -> Result<String, EvalError> {
    match value {
        Value::None => Ok(String::new()),
        Value::Str(s) => Ok(s.clone()),
        Value::Tuple(items) | Value::List(items) => Ok(items
            .iter()
            .map(Value::str)
            .collect::<Result<Vec<_>, _>>()?
            .join(", ")),
        Value::Undefined(name) => Err(EvalError::Undefined(name.clone())),
        other => Err(EvalError::Python(format!(
            "Don't know how to comma-format {}",
            other.str()?
        ))),
    }
}

/// The value after `filters`, as the text written.
fn filtered(mut value: Value, filters: &[Filter]) -> Result<String, EvalError> {
    for filter in filters {
        value = Value::Str(match filter {
            Filter::Str => value.str()?,
            Filter::Trim => value.str()?.trim().to_string(),
            Filter::Comma => comma(&value)?,
        });
    }
    match value {
        Value::Str(text) => Ok(text),
        Value::Undefined(name) => Err(EvalError::Undefined(name)),
        _ => Err(EvalError::Python(
            "the expression is not text (`| n` leaves it unconverted)".into(),
        )),
    }
}

fn failure(line: usize, source: &str, error: EvalError) -> MakoError {
    match error {
        EvalError::Unsupported => MakoError::unsupported(line, source),
        EvalError::Undefined(name) => MakoError {
            line,
            message: format!(
                "{source}: '{name}' is undefined here (Alembic gives upgrades, downgrades and \
                 imports to --autogenerate only)"
            ),
        },
        EvalError::Python(message) => MakoError {
            line,
            message: format!("{source}: {message}"),
        },
    }
}

/// Alembic's `tuple_rev_as_scalar`: `None`, the one id, or all of them (`many`).
fn scalar(ids: &[String], many: fn(Vec<Value>) -> Value) -> Value {
    match ids {
        [] => Value::None,
        [one] => Value::Str(one.clone()),
        _ => many(strs(ids)),
    }
}

fn strs(ids: &[String]) -> Vec<Value> {
    ids.iter().map(|s| Value::Str(s.clone())).collect()
}

/// `"\n".join(sorted(imports))`.
fn sorted_imports(imports: &[String]) -> String {
    let mut sorted = imports.to_vec();
    sorted.sort();
    sorted.join("\n")
}
