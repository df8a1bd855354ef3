//! From source text to the typed [`Module`]: tree-sitter's concrete syntax tree, walked once
//! into [`ast`](super::ast) values.
//!
//! tree-sitter recovers from syntax errors; this reader does not: a tree with an error or a
//! missing token is refused at the line of the first one, as Python would refuse to import
//! the file.

use std::cell::RefCell;

use tree_sitter::{LanguageError, Node, Parser};

use super::ast::{Expr, ExprKind, FPart, ImportName, Keyword, Module, Stmt, StmtKind, WithItem};
use super::strings::{decode, split_literal};
use super::PythonError;

thread_local! {
    /// One parser per thread, made on first use: setting up a parser and loading the
    /// grammar costs more than parsing a typical revision, and a history is read by a few
    /// threads file after file.
    static PARSER: RefCell<Result<Parser, LanguageError>> = RefCell::new(new_parser());
}

fn new_parser() -> Result<Parser, LanguageError> {
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_python::LANGUAGE.into())?;
    Ok(parser)
}

/// Parses `source`; `path` names the file in errors.
pub fn parse_module(path: &str, source: &str) -> Result<Module, PythonError> {
    parse(path, source, true)
}

/// Parses `source` as [`parse_module`] does, but leaves the bodies of `def`s empty: the
/// module-level statements and docstring a revision's header is read from, without the cost
/// of walking the functions. Syntax errors anywhere in the file are still refused.
pub fn parse_module_header(path: &str, source: &str) -> Result<Module, PythonError> {
    parse(path, source, false)
}

fn parse(path: &str, source: &str, with_bodies: bool) -> Result<Module, PythonError> {
    let error = |line: usize, message: String| PythonError {
        path: path.to_string(),
        line,
        message,
    };
    let tree = PARSER
        .with(|parser| match parser.borrow_mut().as_mut() {
            Ok(p) => Ok(p.parse(source, None)),
            Err(e) => Err(e.to_string()),
        })
        .map_err(|e| error(1, format!("the Python grammar did not load: {e}")))?
        .ok_or_else(|| error(1, "the Python parser gave up".to_string()))?;
    let root = tree.root_node();
    if root.has_error() {
        let (line, what) = first_error(root);
        return Err(error(line, format!("invalid Python syntax ({what})")));
    }
    let reader = Reader {
        src: source.as_bytes(),
        with_bodies,
    };
    let body = reader
        .block(root)
        .map_err(|(line, message)| error(line, message))?;
    let docstring = match body.first().map(|s| &s.kind) {
        Some(StmtKind::Expr(Expr {
            kind: ExprKind::Str(doc),
            ..
        })) => Some(doc.clone()),
        _ => None,
    };
    Ok(Module { docstring, body })
}

/// The line and a description of the first error or missing token, depth first.
fn first_error(node: Node<'_>) -> (usize, String) {
    if node.is_missing() {
        return (line_of(node), format!("missing '{}'", node.kind()));
    }
    if node.is_error() {
        return (line_of(node), "unexpected text".to_string());
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.has_error() || child.is_missing() {
            return first_error(child);
        }
    }
    (line_of(node), "unexpected text".to_string())
}

fn line_of(node: Node<'_>) -> usize {
    node.start_position().row + 1
}

/// An error from a literal the reader cannot take: its line and message.
type LineError = (usize, String);

/// Walks the tree of one source text.
struct Reader<'s> {
    src: &'s [u8],
    /// Whether the bodies of `def`s are walked (else they are left empty).
    with_bodies: bool,
}

impl<'s> Reader<'s> {
    fn text(&self, node: Node<'_>) -> &'s str {
        node.utf8_text(self.src).unwrap_or("")
    }

    /// The named children of `node`, comments left out.
    fn children<'t>(&self, node: Node<'t>) -> Vec<Node<'t>> {
        let mut cursor = node.walk();
        node.named_children(&mut cursor)
            .filter(|c| c.kind() != "comment" && c.kind() != "line_continuation")
            .collect()
    }

    fn field<'t>(&self, node: Node<'t>, name: &str) -> Option<Node<'t>> {
        node.child_by_field_name(name)
    }

    /// The statements of a module or a block.
    fn block(&self, node: Node<'_>) -> Result<Vec<Stmt>, LineError> {
        self.children(node)
            .into_iter()
            .map(|child| self.stmt(child))
            .collect()
    }

    /// The 1-based column of `node`'s first character, in characters.
    fn col_of(&self, node: Node<'_>) -> usize {
        let start = node.start_byte();
        let line_start = start - node.start_position().column.min(start);
        let before = self.src.get(line_start..start).unwrap_or(&[]);
        String::from_utf8_lossy(before).chars().count() + 1
    }

    fn stmt(&self, node: Node<'_>) -> Result<Stmt, LineError> {
        let line = line_of(node);
        let col = self.col_of(node);
        let kind = match node.kind() {
            "expression_statement" => self.expression_statement(node)?,
            "import_statement" => StmtKind::Import(self.import_names(node, "name")),
            "import_from_statement" | "future_import_statement" => self.import_from(node),
            "function_definition" => self.function(node)?,
            "class_definition" => self.class(node, Vec::new())?,
            "decorated_definition" => self.decorated(node)?,
            "with_statement" => self.with(node)?,
            "for_statement" => self.for_loop(node)?,
            "if_statement" => self.if_statement(node)?,
            "pass_statement" => StmtKind::Pass,
            "return_statement" => StmtKind::Return(match self.children(node).first() {
                Some(value) => Some(self.expr(*value)?),
                None => None,
            }),
            other => StmtKind::Unsupported(describe_stmt(other, self.text(node))),
        };
        Ok(Stmt { line, col, kind })
    }

    fn expression_statement(&self, node: Node<'_>) -> Result<StmtKind, LineError> {
        let children = self.children(node);
        let [only] = children.as_slice() else {
            return Ok(StmtKind::Unsupported("a tuple of expressions".to_string()));
        };
        match only.kind() {
            "assignment" => self.assignment(*only),
            "augmented_assignment" => {
                Ok(StmtKind::Unsupported("an augmented assignment".to_string()))
            }
            "yield" => Ok(StmtKind::Unsupported("a yield".to_string())),
            _ => Ok(StmtKind::Expr(self.expr(*only)?)),
        }
    }

    /// `a = b = value`, `a: T = value`, `a: T`: tree-sitter nests chained targets as
    /// assignments in the right-hand side.
    fn assignment(&self, node: Node<'_>) -> Result<StmtKind, LineError> {
        let mut targets = Vec::new();
        let mut annotation = None;
        let mut current = node;
        loop {
            if let Some(left) = self.field(current, "left") {
                targets.push(self.expr(left)?);
            }
            if let Some(t) = self.field(current, "type") {
                annotation = Some(self.expr(t)?);
            }
            match self.field(current, "right") {
                Some(right) if right.kind() == "assignment" => current = right,
                Some(right) => {
                    let value = match right.kind() {
                        "augmented_assignment" | "yield" => Expr {
                            line: line_of(right),
                            kind: ExprKind::Unsupported(format!("a {}", right.kind())),
                        },
                        _ => self.expr(right)?,
                    };
                    return Ok(StmtKind::Assign {
                        targets,
                        annotation,
                        value: Some(value),
                    });
                }
                None => {
                    return Ok(StmtKind::Assign {
                        targets,
                        annotation,
                        value: None,
                    })
                }
            }
        }
    }

    /// The names of an import: `dotted_name` or `aliased_import` children in `field`.
    fn import_names(&self, node: Node<'_>, field: &str) -> Vec<ImportName> {
        let mut cursor = node.walk();
        node.children_by_field_name(field, &mut cursor)
            .map(|name| match name.kind() {
                "aliased_import" => ImportName {
                    name: self
                        .field(name, "name")
                        .map_or("", |n| self.text(n))
                        .to_string(),
                    alias: self.field(name, "alias").map(|a| self.text(a).to_string()),
                },
                _ => ImportName {
                    name: self.text(name).to_string(),
                    alias: None,
                },
            })
            .collect()
    }

    fn import_from(&self, node: Node<'_>) -> StmtKind {
        let module = match node.kind() {
            "future_import_statement" => "__future__".to_string(),
            _ => self
                .field(node, "module_name")
                .map_or("", |m| self.text(m))
                .to_string(),
        };
        let star = self
            .children(node)
            .iter()
            .any(|c| c.kind() == "wildcard_import");
        StmtKind::ImportFrom {
            module,
            names: self.import_names(node, "name"),
            star,
        }
    }

    fn function(&self, node: Node<'_>) -> Result<StmtKind, LineError> {
        let text = self.text(node);
        if text.starts_with("async") {
            return Ok(StmtKind::Unsupported("an async function".to_string()));
        }
        let name = self.field(node, "name").map_or("", |n| self.text(n));
        let params = match self.field(node, "parameters") {
            Some(p) => self
                .children(p)
                .into_iter()
                .map(|c| self.text(c).to_string())
                .collect(),
            None => Vec::new(),
        };
        let body = match self.field(node, "body") {
            Some(b) if self.with_bodies => self.block(b)?,
            _ => Vec::new(),
        };
        Ok(StmtKind::FunctionDef {
            name: name.to_string(),
            params,
            body,
        })
    }

    /// `class name(bases): body`; `decorators` come from an enclosing decorated definition.
    fn class(&self, node: Node<'_>, decorators: Vec<Expr>) -> Result<StmtKind, LineError> {
        let name = self.field(node, "name").map_or("", |n| self.text(n));
        let (mut bases, mut keywords) = (Vec::new(), Vec::new());
        if let Some(list) = self.field(node, "superclasses") {
            if let ExprKind::Call {
                args, keywords: kw, ..
            } = self.call_arguments(list)?
            {
                bases = args;
                keywords = kw;
            }
        }
        let body = match self.field(node, "body") {
            Some(b) => self.block(b)?,
            None => Vec::new(),
        };
        Ok(StmtKind::ClassDef {
            name: name.to_string(),
            bases,
            keywords,
            decorators,
            body,
        })
    }

    /// A decorated class is a [`StmtKind::ClassDef`] with its decorators, a decorated
    /// function a [`StmtKind::DecoratedFunction`]; anything else decorated is unsupported.
    fn decorated(&self, node: Node<'_>) -> Result<StmtKind, LineError> {
        let Some(definition) = self.field(node, "definition") else {
            return Ok(StmtKind::Unsupported("a decorated definition".to_string()));
        };
        let mut decorators = Vec::new();
        for child in self.children(node) {
            if child.kind() == "decorator" {
                if let Some(inner) = self.children(child).first() {
                    decorators.push(self.expr(*inner)?);
                }
            }
        }
        match definition.kind() {
            "class_definition" => self.class(definition, decorators),
            "function_definition" => Ok(StmtKind::DecoratedFunction {
                decorators,
                function: Box::new(Stmt {
                    line: definition.start_position().row + 1,
                    col: self.col_of(definition),
                    kind: self.function(definition)?,
                }),
            }),
            _ => Ok(StmtKind::Unsupported("a decorated definition".to_string())),
        }
    }

    fn with(&self, node: Node<'_>) -> Result<StmtKind, LineError> {
        if self.text(node).starts_with("async") {
            return Ok(StmtKind::Unsupported("an async with".to_string()));
        }
        let mut items = Vec::new();
        for clause in self.children(node) {
            if clause.kind() != "with_clause" {
                continue;
            }
            for item in self.children(clause) {
                let Some(value) = self.field(item, "value") else {
                    continue;
                };
                items.push(self.with_item(value)?);
            }
        }
        let body = match self.field(node, "body") {
            Some(b) if self.with_bodies => self.block(b)?,
            _ => Vec::new(),
        };
        Ok(StmtKind::With { items, body })
    }

    /// `context as alias` is an `as_pattern` whose target is the alias.
    fn with_item(&self, value: Node<'_>) -> Result<WithItem, LineError> {
        if value.kind() != "as_pattern" {
            return Ok(WithItem {
                context: self.expr(value)?,
                alias: None,
            });
        }
        let alias = self.field(value, "alias");
        let context = self
            .children(value)
            .into_iter()
            .find(|c| Some(*c) != alias)
            .map(|c| self.expr(c))
            .transpose()?;
        let alias_name = alias.and_then(|a| {
            let inner = self.children(a);
            match inner.as_slice() {
                [one] if one.kind() == "identifier" => Some(self.text(*one).to_string()),
                _ => None,
            }
        });
        Ok(WithItem {
            context: context.unwrap_or(Expr {
                line: line_of(value),
                kind: ExprKind::Unsupported("an empty with item".to_string()),
            }),
            alias: alias_name.or_else(|| alias.map(|a| self.text(a).to_string())),
        })
    }

    fn for_loop(&self, node: Node<'_>) -> Result<StmtKind, LineError> {
        if self.text(node).starts_with("async") {
            return Ok(StmtKind::Unsupported("an async for loop".to_string()));
        }
        if self.field(node, "alternative").is_some() {
            return Ok(StmtKind::Unsupported("a for loop with an else".to_string()));
        }
        let (Some(left), Some(right), Some(body)) = (
            self.field(node, "left"),
            self.field(node, "right"),
            self.field(node, "body"),
        ) else {
            return Ok(StmtKind::Unsupported("a for loop".to_string()));
        };
        Ok(StmtKind::For {
            target: self.expr(left)?,
            iter: self.expr(right)?,
            body: self.block(body)?,
        })
    }

    fn if_statement(&self, node: Node<'_>) -> Result<StmtKind, LineError> {
        let mut branches = Vec::new();
        let mut orelse = None;
        if let (Some(cond), Some(body)) = (
            self.field(node, "condition"),
            self.field(node, "consequence"),
        ) {
            branches.push((self.expr(cond)?, self.block(body)?));
        }
        let mut cursor = node.walk();
        let alternatives: Vec<Node<'_>> = node
            .children_by_field_name("alternative", &mut cursor)
            .collect();
        for alt in alternatives {
            match alt.kind() {
                "elif_clause" => {
                    if let (Some(cond), Some(body)) =
                        (self.field(alt, "condition"), self.field(alt, "consequence"))
                    {
                        branches.push((self.expr(cond)?, self.block(body)?));
                    }
                }
                _ => {
                    if let Some(body) = self.field(alt, "body") {
                        orelse = Some(self.block(body)?);
                    }
                }
            }
        }
        Ok(StmtKind::If { branches, orelse })
    }

    fn expr(&self, node: Node<'_>) -> Result<Expr, LineError> {
        let line = line_of(node);
        let kind = match node.kind() {
            "string" => self.string(node)?,
            "concatenated_string" => self.concatenated(node)?,
            "integer" => int_value(self.text(node))
                .map_or_else(|| unsupported("an integer this large"), ExprKind::Int),
            "float" => self
                .text(node)
                .replace('_', "")
                .parse::<f64>()
                .map_or_else(|_| unsupported("a complex number"), ExprKind::Float),
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "none" => ExprKind::None,
            "identifier" => ExprKind::Name(self.text(node).to_string()),
            "attribute" => self.attribute(node)?,
            "call" => self.call(node)?,
            "tuple" | "expression_list" | "pattern_list" | "tuple_pattern" => {
                ExprKind::Tuple(self.exprs(node)?)
            }
            "list" | "list_pattern" => ExprKind::List(self.exprs(node)?),
            "dictionary" => self.dictionary(node)?,
            "parenthesized_expression" | "type" => match self.children(node).as_slice() {
                [inner] => return self.expr(*inner),
                _ => unsupported("a parenthesized expression"),
            },
            "subscript" => self.subscript(node)?,
            "generic_type" | "union_type" | "member_type" => self.type_form(node)?,
            "binary_operator" => self.binary(node)?,
            "comparison_operator" => self.comparison(node)?,
            "boolean_operator" => self.boolean(node)?,
            "not_operator" => match self.field(node, "argument") {
                Some(arg) => ExprKind::Not(Box::new(self.expr(arg)?)),
                None => unsupported("a not"),
            },
            "unary_operator" => self.unary(node)?,
            "conditional_expression" => match self.children(node).as_slice() {
                [body, test, orelse] => ExprKind::IfExp {
                    body: Box::new(self.expr(*body)?),
                    test: Box::new(self.expr(*test)?),
                    orelse: Box::new(self.expr(*orelse)?),
                },
                _ => unsupported("a conditional expression"),
            },
            other => unsupported(&describe_expr(other)),
        };
        Ok(Expr { line, kind })
    }

    fn exprs(&self, node: Node<'_>) -> Result<Vec<Expr>, LineError> {
        self.children(node)
            .into_iter()
            .map(|c| self.expr(c))
            .collect()
    }

    fn string(&self, node: Node<'_>) -> Result<ExprKind, LineError> {
        let text = self.text(node);
        let (prefix, inner) = split_literal(text).ok_or_else(|| {
            (
                line_of(node),
                format!("a string literal {text} this reader can't read"),
            )
        })?;
        if prefix.bytes {
            return Ok(unsupported("a bytes literal"));
        }
        if prefix.format {
            return self.fstring(node, prefix.raw).map(ExprKind::FString);
        }
        decode(inner, prefix.raw)
            .map(ExprKind::Str)
            .or_else(|what| Ok(unsupported(&format!("a string with {what}"))))
    }

    /// The parts of an f-string: its `string_content` and `interpolation` children in order.
    fn fstring(&self, node: Node<'_>, raw: bool) -> Result<Vec<FPart>, LineError> {
        let mut parts = Vec::new();
        for child in self.children(node) {
            match child.kind() {
                "string_content" => {
                    let text = self.text(child).replace("{{", "{").replace("}}", "}");
                    match decode(&text, raw) {
                        Ok(t) => parts.push(FPart::Text(t)),
                        Err(what) => {
                            parts.push(FPart::Expr(Expr {
                                line: line_of(child),
                                kind: unsupported(&format!("a string with {what}")),
                            }));
                        }
                    }
                }
                "interpolation" => parts.push(FPart::Expr(self.interpolation(child)?)),
                _ => {}
            }
        }
        Ok(parts)
    }

    fn interpolation(&self, node: Node<'_>) -> Result<Expr, LineError> {
        let plain = self.field(node, "format_specifier").is_none()
            && self.field(node, "type_conversion").is_none()
            && !self
                .text(node)
                .trim_end_matches('}')
                .trim_end()
                .ends_with('=');
        match self.field(node, "expression") {
            Some(e) if plain => self.expr(e),
            _ => Ok(Expr {
                line: line_of(node),
                kind: unsupported("an f-string field with a conversion or format"),
            }),
        }
    }

    /// Adjacent literals: one string if all are plain, else one f-string of all the parts.
    fn concatenated(&self, node: Node<'_>) -> Result<ExprKind, LineError> {
        let mut parts = Vec::new();
        for child in self.children(node) {
            match self.string(child)? {
                ExprKind::Str(s) => parts.push(FPart::Text(s)),
                ExprKind::FString(more) => parts.extend(more),
                other => return Ok(other),
            }
        }
        if parts.iter().all(|p| matches!(p, FPart::Text(_))) {
            let joined = parts
                .into_iter()
                .map(|p| match p {
                    FPart::Text(t) => t,
                    FPart::Expr(_) => String::new(),
                })
                .collect();
            return Ok(ExprKind::Str(joined));
        }
        Ok(ExprKind::FString(parts))
    }

    fn attribute(&self, node: Node<'_>) -> Result<ExprKind, LineError> {
        match (self.field(node, "object"), self.field(node, "attribute")) {
            (Some(object), Some(attr)) => Ok(ExprKind::Attribute {
                value: Box::new(self.expr(object)?),
                attr: self.text(attr).to_string(),
            }),
            _ => Ok(unsupported("an attribute")),
        }
    }

    fn call(&self, node: Node<'_>) -> Result<ExprKind, LineError> {
        let (Some(func), Some(arguments)) =
            (self.field(node, "function"), self.field(node, "arguments"))
        else {
            return Ok(unsupported("a call"));
        };
        if arguments.kind() != "argument_list" {
            return Ok(unsupported("a call with a generator argument"));
        }
        match self.call_arguments(arguments)? {
            ExprKind::Call { args, keywords, .. } => Ok(ExprKind::Call {
                func: Box::new(self.expr(func)?),
                args,
                keywords,
            }),
            other => Ok(other),
        }
    }

    /// The positional and keyword arguments of an `argument_list`, as a call of nothing.
    fn call_arguments(&self, arguments: Node<'_>) -> Result<ExprKind, LineError> {
        let mut args = Vec::new();
        let mut keywords = Vec::new();
        for arg in self.children(arguments) {
            match arg.kind() {
                "keyword_argument" => {
                    if let (Some(name), Some(value)) =
                        (self.field(arg, "name"), self.field(arg, "value"))
                    {
                        keywords.push(Keyword {
                            name: self.text(name).to_string(),
                            value: self.expr(value)?,
                        });
                    }
                }
                "list_splat" | "dictionary_splat" => args.push(Expr {
                    line: line_of(arg),
                    kind: unsupported("a * or ** argument"),
                }),
                _ => args.push(self.expr(arg)?),
            }
        }
        Ok(ExprKind::Call {
            func: Box::new(Expr {
                line: line_of(arguments),
                kind: ExprKind::None,
            }),
            args,
            keywords,
        })
    }

    fn dictionary(&self, node: Node<'_>) -> Result<ExprKind, LineError> {
        let mut pairs = Vec::new();
        for pair in self.children(node) {
            match (
                pair.kind(),
                self.field(pair, "key"),
                self.field(pair, "value"),
            ) {
                ("pair", Some(k), Some(v)) => pairs.push((self.expr(k)?, self.expr(v)?)),
                _ => return Ok(unsupported("a ** in a dictionary")),
            }
        }
        Ok(ExprKind::Dict(pairs))
    }

    fn subscript(&self, node: Node<'_>) -> Result<ExprKind, LineError> {
        let Some(value) = self.field(node, "value") else {
            return Ok(unsupported("a subscript"));
        };
        let mut cursor = node.walk();
        let indexes: Vec<Node<'_>> = node
            .children_by_field_name("subscript", &mut cursor)
            .collect();
        let index = match indexes.as_slice() {
            [one] => self.expr(*one)?,
            many => Expr {
                line: line_of(node),
                kind: ExprKind::Tuple(
                    many.iter()
                        .map(|n| self.expr(*n))
                        .collect::<Result<_, _>>()?,
                ),
            },
        };
        Ok(ExprKind::Subscript {
            value: Box::new(self.expr(value)?),
            index: Box::new(index),
        })
    }

    /// The annotation forms tree-sitter reads as types: `Name[T, U]` (a subscript), `T | U`
    /// (a `|` operator), `a.B` (an attribute).
    fn type_form(&self, node: Node<'_>) -> Result<ExprKind, LineError> {
        let children = self.children(node);
        let line = line_of(node);
        Ok(match (node.kind(), children.as_slice()) {
            ("generic_type", [name, params]) => {
                let mut items = self.exprs(*params)?;
                let index = match items.len() {
                    1 => items.remove(0),
                    _ => Expr {
                        line,
                        kind: ExprKind::Tuple(items),
                    },
                };
                ExprKind::Subscript {
                    value: Box::new(self.expr(*name)?),
                    index: Box::new(index),
                }
            }
            ("union_type", [left, right]) => ExprKind::BinOp {
                left: Box::new(self.expr(*left)?),
                op: "|".to_string(),
                right: Box::new(self.expr(*right)?),
            },
            ("member_type", [value, attr]) => ExprKind::Attribute {
                value: Box::new(self.expr(*value)?),
                attr: self.text(*attr).to_string(),
            },
            _ => unsupported("a type annotation"),
        })
    }

    fn binary(&self, node: Node<'_>) -> Result<ExprKind, LineError> {
        match (
            self.field(node, "left"),
            self.field(node, "operator"),
            self.field(node, "right"),
        ) {
            (Some(l), Some(op), Some(r)) => Ok(ExprKind::BinOp {
                left: Box::new(self.expr(l)?),
                op: self.text(op).to_string(),
                right: Box::new(self.expr(r)?),
            }),
            _ => Ok(unsupported("an operator")),
        }
    }

    /// `a == b`, `a not in b`: the operands are the named children, the operators the
    /// `operators` field, in order.
    fn comparison(&self, node: Node<'_>) -> Result<ExprKind, LineError> {
        let operands = self.children(node);
        let mut cursor = node.walk();
        let ops: Vec<String> = node
            .children_by_field_name("operators", &mut cursor)
            .map(|op| {
                self.text(op)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let Some((first, rest)) = operands.split_first() else {
            return Ok(unsupported("a comparison"));
        };
        if rest.len() != ops.len() {
            return Ok(unsupported("a comparison"));
        }
        Ok(ExprKind::Compare {
            left: Box::new(self.expr(*first)?),
            ops: ops
                .into_iter()
                .zip(rest)
                .map(|(op, e)| Ok((op, self.expr(*e)?)))
                .collect::<Result<_, LineError>>()?,
        })
    }

    fn boolean(&self, node: Node<'_>) -> Result<ExprKind, LineError> {
        match (
            self.field(node, "left"),
            self.field(node, "operator"),
            self.field(node, "right"),
        ) {
            (Some(l), Some(op), Some(r)) => Ok(ExprKind::BoolOp {
                op: self.text(op).to_string(),
                left: Box::new(self.expr(l)?),
                right: Box::new(self.expr(r)?),
            }),
            _ => Ok(unsupported("a boolean operator")),
        }
    }

    /// A negative number literal; any other unary operator is unsupported.
    fn unary(&self, node: Node<'_>) -> Result<ExprKind, LineError> {
        let op = self.field(node, "operator").map(|o| self.text(o));
        let Some(arg) = self.field(node, "argument") else {
            return Ok(unsupported("a unary operator"));
        };
        let value = self.expr(arg)?;
        Ok(match (op, value.kind) {
            (Some("-"), ExprKind::Int(i)) => ExprKind::Int(-i),
            (Some("-"), ExprKind::Float(f)) => ExprKind::Float(-f),
            (Some("+"), kind @ (ExprKind::Int(_) | ExprKind::Float(_))) => kind,
            _ => unsupported("a unary operator"),
        })
    }
}

fn unsupported(what: &str) -> ExprKind {
    ExprKind::Unsupported(what.to_string())
}

/// An integer literal's value: decimal, `0x`, `0o`, `0b`, with `_` separators.
fn int_value(text: &str) -> Option<i64> {
    let digits = text.replace('_', "").to_ascii_lowercase();
    let (radix, body) = match digits.get(..2) {
        Some("0x") => (16, &digits[2..]),
        Some("0o") => (8, &digits[2..]),
        Some("0b") => (2, &digits[2..]),
        _ => (10, digits.as_str()),
    };
    i64::from_str_radix(body, radix).ok()
}

/// How a message names a statement the model has no variant for.
fn describe_stmt(kind: &str, text: &str) -> String {
    match kind {
        "class_definition" => "a class definition",
        "decorated_definition" => "a decorated definition",
        "while_statement" => "a while loop",
        "try_statement" => "a try statement",
        "raise_statement" => "a raise statement",
        "assert_statement" => "an assert statement",
        "delete_statement" => "a del statement",
        "global_statement" | "nonlocal_statement" => "a global or nonlocal statement",
        "match_statement" => "a match statement",
        "break_statement" | "continue_statement" => "a break or continue",
        "type_alias_statement" => "a type alias",
        _ => return format!("the statement '{}'", first_line(text)),
    }
    .to_string()
}

/// How a message names an expression the model has no variant for.
fn describe_expr(kind: &str) -> String {
    match kind {
        "lambda" => "a lambda".to_string(),
        "conditional_expression" => "a conditional expression".to_string(),
        "list_comprehension"
        | "set_comprehension"
        | "dictionary_comprehension"
        | "generator_expression" => "a comprehension".to_string(),
        "await" => "an await".to_string(),
        "named_expression" => "an assignment expression".to_string(),
        "set" => "a set".to_string(),
        "ellipsis" => "an ellipsis".to_string(),
        "slice" => "a slice".to_string(),
        other => format!("a {}", other.replace('_', " ")),
    }
}

fn first_line(text: &str) -> &str {
    let line = text.lines().next().unwrap_or("").trim();
    match line.char_indices().nth(60) {
        Some((i, _)) => &line[..i],
        None => line,
    }
}
