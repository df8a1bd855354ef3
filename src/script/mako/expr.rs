//! The Python expressions a template may hold, parsed and evaluated as Python would:
//! names, string literals (adjacent ones joined), `None` / `True` / `False`, whole numbers,
//! parenthesised tuples and `[...]` lists, `a if c else b`, `or` / `and` / `not`, one
//! comparison (`==`, `!=`, `is [not]`, `[not] in`), `"..." % value`, and calls of the
//! functions [`super::Scope`] knows (`repr`, `str`, `len`, `comma`, `re.split`,
//! `config.get_main_option`, `context.get`, and the `join` / `strip` / `lower` / `upper`
//! methods of a string). Anything else does not parse, and the caller refuses the template.

/// A value while rendering: the Python values Alembic passes to its templates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Value {
    /// A name the template was not given (Mako's `UNDEFINED`): false, and an error to print.
    Undefined(String),
    None,
    Bool(bool),
    Int(i64),
    Str(String),
    /// `create_date`, a `datetime`: its `str()` is the text; its `repr()` is not supported.
    Date(String),
    Tuple(Vec<Value>),
    List(Vec<Value>),
}

impl Value {
    /// Python's `bool(value)`.
    pub(super) fn truthy(&self) -> bool {
        match self {
            Value::Undefined(_) | Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(n) => *n != 0,
            Value::Str(s) | Value::Date(s) => !s.is_empty(),
            Value::Tuple(items) | Value::List(items) => !items.is_empty(),
        }
    }

    /// Python's `str(value)`; an undefined name is the error.
    pub(super) fn str(&self) -> Result<String, EvalError> {
        match self {
            Value::Str(s) | Value::Date(s) => Ok(s.clone()),
            other => other.repr(),
        }
    }

    /// Python's `repr(value)`.
    pub(super) fn repr(&self) -> Result<String, EvalError> {
        Ok(match self {
            Value::Undefined(name) => return Err(EvalError::Undefined(name.clone())),
            Value::Date(_) => return Err(EvalError::Unsupported),
            Value::None => "None".to_string(),
            Value::Bool(true) => "True".to_string(),
            Value::Bool(false) => "False".to_string(),
            Value::Int(n) => n.to_string(),
            Value::Str(s) => crate::python::render::py_str(s),
            Value::Tuple(items) if items.len() == 1 => format!("({},)", items[0].repr()?),
            Value::Tuple(items) => format!("({})", reprs(items)?.join(", ")),
            Value::List(items) => format!("[{}]", reprs(items)?.join(", ")),
        })
    }
}

fn reprs(items: &[Value]) -> Result<Vec<String>, EvalError> {
    items.iter().map(Value::repr).collect()
}

/// Why an expression could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum EvalError {
    /// Outside what this renderer supports.
    Unsupported,
    /// A name the template was not given, printed or called.
    Undefined(String),
    /// A Python error (`TypeError`-like), worded.
    Python(String),
}

/// A parsed expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Expr {
    Name(String),
    Const(Value),
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Attr(Box<Expr>, String),
    Call(Box<Expr>, Vec<Expr>),
    Percent(Box<Expr>, Box<Expr>),
    IfElse(Box<Expr>, Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare(Cmp, Box<Expr>, Box<Expr>),
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cmp {
    Eq,
    Ne,
    Is,
    IsNot,
    In,
    NotIn,
}

impl Cmp {
    /// `left <op> right`.
    pub(super) fn apply(self, left: &Value, right: &Value) -> Result<bool, EvalError> {
        Ok(match self {
            Cmp::Eq => left == right,
            Cmp::Ne => left != right,
            Cmp::Is => is(left, right)?,
            Cmp::IsNot => !is(left, right)?,
            Cmp::In => contains(right, left)?,
            Cmp::NotIn => !contains(right, left)?,
        })
    }
}

/// `is`, for the singletons only (`x is None`).
fn is(left: &Value, right: &Value) -> Result<bool, EvalError> {
    match (left, right) {
        (_, Value::None | Value::Bool(_)) | (Value::None | Value::Bool(_), _) => Ok(left == right),
        _ => Err(EvalError::Unsupported),
    }
}

/// `needle in haystack`.
fn contains(haystack: &Value, needle: &Value) -> Result<bool, EvalError> {
    match (haystack, needle) {
        (Value::Str(h), Value::Str(n)) => Ok(h.contains(n.as_str())),
        (Value::Tuple(items) | Value::List(items), _) => Ok(items.contains(needle)),
        (Value::None, _) => Err(EvalError::Python(
            "argument of type 'NoneType' is not iterable".to_string(),
        )),
        _ => Err(EvalError::Unsupported),
    }
}

/// A token of an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Name(String),
    Str(String),
    Int(i64),
    Op(&'static str),
}

const OPS: [&str; 11] = ["==", "!=", "(", ")", "[", "]", ",", ".", "%", ":", "="];

/// The tokens of `src`; `None` when something is outside the grammar.
fn tokens(src: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut rest = src;
    loop {
        rest = rest.trim_start();
        let Some(c) = rest.chars().next() else {
            return Some(out);
        };
        if let Some(op) = OPS.iter().find(|op| rest.starts_with(**op)) {
            out.push(Token::Op(op));
            rest = &rest[op.len()..];
        } else if let Some((text, after)) = string_literal(rest) {
            out.push(Token::Str(text));
            rest = after;
        } else if c.is_ascii_digit() {
            let len = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            out.push(Token::Int(rest[..len].parse().ok()?));
            rest = &rest[len..];
        } else if c.is_alphabetic() || c == '_' {
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            out.push(Token::Name(rest[..len].to_string()));
            rest = &rest[len..];
        } else {
            return None;
        }
    }
}

/// A one-line string literal at the start of `s` (prefixes `r` and `u`; the escapes
/// `\\ \' \" \n \t \r`, others kept as written), and the text after it.
fn string_literal(s: &str) -> Option<(String, &str)> {
    let (raw, body) = match s.as_bytes().first()? {
        b'r' | b'R' => (true, &s[1..]),
        b'u' | b'U' => (false, &s[1..]),
        _ => (false, s),
    };
    let quote = body.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    if body.starts_with(&format!("{quote}{quote}{quote}")) {
        return None;
    }
    let mut out = String::new();
    let mut chars = body[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c == quote => return Some((out, &body[1 + i + 1..])),
            '\n' => return None,
            '\\' => {
                let (_, next) = chars.next()?;
                match (raw, next) {
                    (true, n) => {
                        out.push('\\');
                        out.push(n);
                    }
                    (false, 'n') => out.push('\n'),
                    (false, 't') => out.push('\t'),
                    (false, 'r') => out.push('\r'),
                    (false, n @ ('\\' | '\'' | '"')) => out.push(n),
                    (false, n) => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            c => out.push(c),
        }
    }
    None
}

/// Parses a whole expression; `None` when it is outside the grammar.
pub(super) fn parse(src: &str) -> Option<Expr> {
    let mut parser = Parser {
        tokens: tokens(src)?,
        at: 0,
    };
    let expr = parser.expr()?;
    (parser.at == parser.tokens.len()).then_some(expr)
}

/// Parses `for NAME in EXPR` (without the colon): the name and the iterable.
pub(super) fn parse_for(src: &str) -> Option<(String, Expr)> {
    let mut parser = Parser {
        tokens: tokens(src)?,
        at: 0,
    };
    let name = parser.name()?;
    parser.keyword("in").then_some(())?;
    let expr = parser.expr()?;
    (parser.at == parser.tokens.len()).then_some((name, expr))
}

/// Parses `NAME = EXPR`, a statement of a `<% %>` block.
pub(super) fn parse_assignment(src: &str) -> Option<(String, Expr)> {
    let mut parser = Parser {
        tokens: tokens(src)?,
        at: 0,
    };
    let name = parser.name()?;
    parser.op("=").then_some(())?;
    let expr = parser.expr()?;
    (parser.at == parser.tokens.len()).then_some((name, expr))
}

const KEYWORDS: [&str; 10] = [
    "if", "else", "or", "and", "not", "is", "in", "None", "True", "False",
];

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn op(&mut self, op: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Op(o)) if *o == op);
        self.at += usize::from(found);
        found
    }

    fn keyword(&mut self, word: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Name(n)) if n == word);
        self.at += usize::from(found);
        found
    }

    /// A name that is not a keyword.
    fn name(&mut self) -> Option<String> {
        match self.peek() {
            Some(Token::Name(n)) if !KEYWORDS.contains(&n.as_str()) => {
                let n = n.clone();
                self.at += 1;
                Some(n)
            }
            _ => None,
        }
    }

    fn expr(&mut self) -> Option<Expr> {
        let value = self.or_test()?;
        if !self.keyword("if") {
            return Some(value);
        }
        let test = self.or_test()?;
        self.keyword("else").then_some(())?;
        let other = self.expr()?;
        Some(Expr::IfElse(
            Box::new(test),
            Box::new(value),
            Box::new(other),
        ))
    }

    fn or_test(&mut self) -> Option<Expr> {
        let mut left = self.and_test()?;
        while self.keyword("or") {
            left = Expr::Or(Box::new(left), Box::new(self.and_test()?));
        }
        Some(left)
    }

    fn and_test(&mut self) -> Option<Expr> {
        let mut left = self.not_test()?;
        while self.keyword("and") {
            left = Expr::And(Box::new(left), Box::new(self.not_test()?));
        }
        Some(left)
    }

    fn not_test(&mut self) -> Option<Expr> {
        if self.keyword("not") {
            return Some(Expr::Not(Box::new(self.not_test()?)));
        }
        let left = self.percent()?;
        let cmp = if self.op("==") {
            Cmp::Eq
        } else if self.op("!=") {
            Cmp::Ne
        } else if self.keyword("is") {
            if self.keyword("not") {
                Cmp::IsNot
            } else {
                Cmp::Is
            }
        } else if self.keyword("in") {
            Cmp::In
        } else if self.keyword("not") {
            self.keyword("in").then_some(())?;
            Cmp::NotIn
        } else {
            return Some(left);
        };
        let right = self.percent()?;
        Some(Expr::Compare(cmp, Box::new(left), Box::new(right)))
    }

    fn percent(&mut self) -> Option<Expr> {
        let mut left = self.postfix()?;
        while self.op("%") {
            left = Expr::Percent(Box::new(left), Box::new(self.postfix()?));
        }
        Some(left)
    }

    fn postfix(&mut self) -> Option<Expr> {
        let mut expr = self.atom()?;
        loop {
            if self.op(".") {
                expr = Expr::Attr(Box::new(expr), self.name()?);
            } else if self.op("(") {
                let args = self.items(")")?;
                expr = Expr::Call(Box::new(expr), args);
            } else {
                return Some(expr);
            }
        }
    }

    /// Comma-separated expressions up to `close` (a trailing comma allowed).
    fn items(&mut self, close: &str) -> Option<Vec<Expr>> {
        let mut items = Vec::new();
        while !self.op(close) {
            items.push(self.expr()?);
            if !self.op(",") {
                self.op(close).then_some(())?;
                break;
            }
        }
        Some(items)
    }

    fn atom(&mut self) -> Option<Expr> {
        let token = self.peek()?.clone();
        self.at += 1;
        Some(match token {
            Token::Str(mut s) => {
                while let Some(Token::Str(more)) = self.peek() {
                    s.push_str(more);
                    self.at += 1;
                }
                Expr::Const(Value::Str(s))
            }
            Token::Int(n) => Expr::Const(Value::Int(n)),
            Token::Name(n) => match n.as_str() {
                "None" => Expr::Const(Value::None),
                "True" => Expr::Const(Value::Bool(true)),
                "False" => Expr::Const(Value::Bool(false)),
                k if KEYWORDS.contains(&k) => return None,
                _ => Expr::Name(n),
            },
            Token::Op("[") => Expr::List(self.items("]")?),
            Token::Op("(") => self.parenthesised()?,
            Token::Op(_) => return None,
        })
    }

    /// After `(`: a parenthesised expression, or a tuple when a comma follows one.
    fn parenthesised(&mut self) -> Option<Expr> {
        if self.op(")") {
            return Some(Expr::Tuple(Vec::new()));
        }
        let first = self.expr()?;
        if self.op(")") {
            return Some(first);
        }
        self.op(",").then_some(())?;
        let mut items = vec![first];
        items.extend(self.items(")")?);
        Some(Expr::Tuple(items))
    }
}

/// Python's `format % args` for `%s`, `%r`, `%d` and `%%`.
pub(super) fn percent_format(format: &str, args: &Value) -> Result<String, EvalError> {
    let args: Vec<&Value> = match args {
        Value::Tuple(items) => items.iter().collect(),
        one => vec![one],
    };
    let mut next = args.into_iter();
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let conversion = chars.next();
        if conversion == Some('%') {
            out.push('%');
            continue;
        }
        let not_enough = || EvalError::Python("not enough arguments for format string".into());
        let arg = next.next().ok_or_else(not_enough)?;
        match (conversion, arg) {
            (Some('s'), arg) => out.push_str(&arg.str()?),
            (Some('r'), arg) => out.push_str(&arg.repr()?),
            (Some('d'), Value::Int(n)) => out.push_str(&n.to_string()),
            _ => return Err(EvalError::Unsupported),
        }
    }
    if next.next().is_some() {
        return Err(EvalError::Python(
            "not all arguments converted during string formatting".into(),
        ));
    }
    Ok(out)
}

/// Python's `re.split(pattern, text)` for patterns of literal characters, `\s`, `\d`, `\w`,
/// `.`, each optionally followed by `*`, `+` or `?` (no groups, classes or anchors); `None`
/// for any other pattern.
pub(super) fn re_split(pattern: &str, text: &str) -> Option<Vec<String>> {
    let atoms = regex_atoms(pattern)?;
    if atoms.iter().all(|(_, min, _)| *min == 0) {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let (mut start, mut at) = (0, 0);
    while at <= chars.len() {
        match match_at(&atoms, &chars, at) {
            Some(end) if end > at => {
                parts.push(chars[start..at].iter().collect());
                start = end;
                at = end;
            }
            _ => at += 1,
        }
    }
    parts.push(chars[start..].iter().collect());
    Some(parts)
}

#[derive(Clone, Copy, Debug)]
enum Atom {
    Char(char),
    Space,
    Digit,
    Word,
    Any,
}

impl Atom {
    fn matches(self, c: char) -> bool {
        match self {
            Atom::Char(x) => x == c,
            Atom::Space => c.is_whitespace(),
            Atom::Digit => c.is_numeric(),
            Atom::Word => c.is_alphanumeric() || c == '_',
            Atom::Any => c != '\n',
        }
    }
}

/// The pattern as atoms with their (min, max) repetitions.
fn regex_atoms(pattern: &str) -> Option<Vec<(Atom, usize, usize)>> {
    let mut atoms = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        let atom = match c {
            '\\' => match chars.next()? {
                's' => Atom::Space,
                'd' => Atom::Digit,
                'w' => Atom::Word,
                c if c.is_ascii_punctuation() || c == ' ' => Atom::Char(c),
                _ => return None,
            },
            '.' => Atom::Any,
            c if "()[]{}|^$*+?".contains(c) => return None,
            c => Atom::Char(c),
        };
        let (min, max) = match chars.peek() {
            Some('*') => (0, usize::MAX),
            Some('+') => (1, usize::MAX),
            Some('?') => (0, 1),
            _ => (1, 1),
        };
        if max != 1 || min != 1 {
            chars.next();
            if matches!(chars.peek(), Some('?' | '+')) {
                return None;
            }
        }
        atoms.push((atom, min, max));
    }
    Some(atoms)
}

/// The end of the leftmost-greedy match of `atoms` at `at` (with backtracking).
fn match_at(atoms: &[(Atom, usize, usize)], chars: &[char], at: usize) -> Option<usize> {
    let Some(((atom, min, max), rest)) = atoms.split_first() else {
        return Some(at);
    };
    let mut count = 0;
    while count < *max && chars.get(at + count).is_some_and(|c| atom.matches(*c)) {
        count += 1;
    }
    loop {
        if count < *min {
            return None;
        }
        if let Some(end) = match_at(rest, chars, at + count) {
            return Some(end);
        }
        count = count.checked_sub(1)?;
    }
}
