//! The typed model of a parsed Python module: the statements and expressions an Alembic
//! revision is made of, each with its 1-based line.
//!
//! The model is deliberately small. Whatever Python construct it has no variant for is kept
//! as [`StmtKind::Unsupported`] or [`ExprKind::Unsupported`] with a short description ("a
//! class definition", "a lambda"), so that reading a header never depends on what a body
//! holds, and whoever interprets a body can name the construct and its line when refusing it.

/// A parsed module.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// The module docstring (the first statement, when it is a plain string literal), as the
    /// string's value.
    pub docstring: Option<String>,
    /// The module's statements, the docstring included.
    pub body: Vec<Stmt>,
}

/// A statement and the line and column (1-based, in characters) it starts at.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub line: usize,
    pub col: usize,
    pub kind: StmtKind,
}

/// The statements the model knows.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `a = b = value`, `a: T = value` or `a: T`. `targets` are left to right.
    Assign {
        targets: Vec<Expr>,
        annotation: Option<Expr>,
        value: Option<Expr>,
    },
    /// An expression on its own: a call, or a docstring.
    Expr(Expr),
    /// `import a.b as c, d`.
    Import(Vec<ImportName>),
    /// `from a.b import c as d, e` (`module` keeps leading dots of a relative import);
    /// `from a import *` has no names and `star` set.
    ImportFrom {
        module: String,
        names: Vec<ImportName>,
        star: bool,
    },
    /// `def name(params): body` (decorated: [`StmtKind::DecoratedFunction`]; `async`:
    /// [`StmtKind::Unsupported`]).
    FunctionDef {
        name: String,
        /// Each parameter as written (`x`, `x=1`, `*args`).
        params: Vec<String>,
        body: Vec<Stmt>,
    },
    /// `class name(bases, keyword=value): body`, with the decorators as written (a decorated
    /// function is still [`StmtKind::Unsupported`]).
    ClassDef {
        name: String,
        bases: Vec<Expr>,
        keywords: Vec<Keyword>,
        decorators: Vec<Expr>,
        body: Vec<Stmt>,
    },
    /// A decorated `def`: the decorators as written and the function (a
    /// [`StmtKind::FunctionDef`], or [`StmtKind::Unsupported`] for an async one).
    DecoratedFunction {
        decorators: Vec<Expr>,
        function: Box<Stmt>,
    },
    /// `with a as b, c: body`.
    With {
        items: Vec<WithItem>,
        body: Vec<Stmt>,
    },
    /// `for target in iter: body` (with no `else`).
    For {
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
    },
    /// `if c1: b1 elif c2: b2 else: orelse`.
    If {
        branches: Vec<(Expr, Vec<Stmt>)>,
        orelse: Option<Vec<Stmt>>,
    },
    /// `return` or `return value`.
    Return(Option<Expr>),
    Pass,
    /// Anything else, described for a message: "a class definition", "a while loop".
    Unsupported(String),
}

/// One name of an import, with its `as` alias.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportName {
    /// The dotted name as written: `sqlalchemy.dialects.postgresql`.
    pub name: String,
    pub alias: Option<String>,
}

/// One `context as alias` of a `with` statement.
#[derive(Clone, Debug, PartialEq)]
pub struct WithItem {
    pub context: Expr,
    pub alias: Option<String>,
}

/// An expression and the line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub line: usize,
    pub kind: ExprKind,
}

/// The expressions the model knows.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A string literal's value, escapes decoded; adjacent literals are concatenated.
    Str(String),
    /// An f-string (or a concatenation that holds one), in order.
    FString(Vec<FPart>),
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    Name(String),
    /// `value.attr`.
    Attribute {
        value: Box<Expr>,
        attr: String,
    },
    /// `func(args, name=value)`.
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        keywords: Vec<Keyword>,
    },
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    /// `value[index]` (a tuple index for `a[b, c]`).
    Subscript {
        value: Box<Expr>,
        index: Box<Expr>,
    },
    /// `left op right` for an arithmetic operator (`+`, `%`, …).
    BinOp {
        left: Box<Expr>,
        op: String,
        right: Box<Expr>,
    },
    /// `left op1 e1 op2 e2 …` (`==`, `!=`, `in`, `not in`, `is`, `is not`, `<` …).
    Compare {
        left: Box<Expr>,
        ops: Vec<(String, Expr)>,
    },
    /// `left and right`, `left or right`.
    BoolOp {
        op: String,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Not(Box<Expr>),
    /// `body if test else orelse`.
    IfExp {
        body: Box<Expr>,
        test: Box<Expr>,
        orelse: Box<Expr>,
    },
    /// Anything else, described for a message: "a lambda", "a bytes literal".
    Unsupported(String),
}

/// A `name=value` argument of a call.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyword {
    pub name: String,
    pub value: Expr,
}

/// A piece of an f-string: literal text, or a `{expression}` without conversion or format.
#[derive(Clone, Debug, PartialEq)]
pub enum FPart {
    Text(String),
    Expr(Expr),
}

impl Expr {
    /// The string value of a plain string literal.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The name of a plain name expression.
    pub fn as_name(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Name(n) => Some(n),
            _ => None,
        }
    }

    /// The dotted path of a chain of names and attributes: `sa.dialects.postgresql.UUID`.
    pub fn dotted(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Name(n) => Some(n.clone()),
            ExprKind::Attribute { value, attr } => Some(format!("{}.{attr}", value.dotted()?)),
            _ => None,
        }
    }
}
