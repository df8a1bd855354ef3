use super::*;
use crate::python::ast::{FPart, ImportName};
use crate::python::header::Assigned;

fn parse(source: &str) -> Module {
    match parse_module("v/x.py", source) {
        Ok(m) => m,
        Err(err) => panic!("{err}"),
    }
}

fn header(source: &str) -> RevisionHeader {
    match RevisionHeader::read("v/x.py", &parse(source)) {
        Ok(h) => h,
        Err(err) => panic!("{err}"),
    }
}

fn header_error(source: &str) -> String {
    match RevisionHeader::read("v/x.py", &parse(source)) {
        Ok(h) => panic!("expected an error, got {h:?}"),
        Err(err) => err.to_string(),
    }
}

const DEFAULT_SHAPE: &str = r#""""create account table

Revision ID: a6f8b201bae6
Revises: 
Create Date: 2026-11-24 05:53:46.147954

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'a6f8b201bae6'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    pass


def downgrade() -> None:
    """Downgrade schema."""
    pass
"#;

#[test]
fn the_default_template_reads_as_alembic_writes_it() {
    let h = header(DEFAULT_SHAPE);
    assert_eq!(
        h.revision,
        Some(Assigned {
            value: Some("a6f8b201bae6".to_string()),
            line: 15
        })
    );
    assert_eq!(
        h.down_revision,
        Some(Assigned {
            value: vec![],
            line: 16
        })
    );
    assert!(h.branch_labels.is_empty() && h.depends_on.is_empty());
    assert_eq!(
        h.message,
        "create account table\n\nRevision ID: a6f8b201bae6\nRevises: \nCreate Date: 2026-11-24 05:53:46.147954"
    );
    assert_eq!(h.create_date.as_deref(), Some("2026-11-24 05:53:46.147954"));
}

#[test]
fn the_module_model_keeps_imports_functions_and_lines() {
    let m = parse(DEFAULT_SHAPE);
    let kinds: Vec<(usize, &str)> = m
        .body
        .iter()
        .map(|s| {
            let k = match &s.kind {
                StmtKind::Expr(_) => "expr",
                StmtKind::ImportFrom { .. } => "from",
                StmtKind::Import(_) => "import",
                StmtKind::Assign { .. } => "assign",
                StmtKind::FunctionDef { .. } => "def",
                _ => "other",
            };
            (s.line, k)
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (1, "expr"),
            (8, "from"),
            (10, "from"),
            (11, "import"),
            (15, "assign"),
            (16, "assign"),
            (17, "assign"),
            (18, "assign"),
            (21, "def"),
            (26, "def")
        ]
    );
    match &m.body[3].kind {
        StmtKind::Import(names) => assert_eq!(
            names,
            &vec![ImportName {
                name: "sqlalchemy".to_string(),
                alias: Some("sa".to_string())
            }]
        ),
        other => panic!("{other:?}"),
    }
    match &m.body[8].kind {
        StmtKind::FunctionDef { name, params, body } => {
            assert_eq!(name, "upgrade");
            assert!(params.is_empty());
            assert_eq!(body.len(), 2);
            assert_eq!(
                body[1],
                Stmt {
                    line: 23,
                    col: 5,
                    kind: StmtKind::Pass
                }
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn merges_labels_and_dependencies_as_tuples_lists_and_strings() {
    let h = header(
        "revision = \"eeee\"\ndown_revision = ('cccc', 'dddd',)\nbranch_labels = ['main']\ndepends_on = 'networking'\n",
    );
    assert_eq!(
        h.down_revision.map(|d| d.value),
        Some(vec!["cccc".to_string(), "dddd".to_string()])
    );
    assert_eq!(h.branch_labels, vec!["main"]);
    assert_eq!(h.depends_on, vec!["networking"]);
    assert_eq!(h.message, "");
    assert_eq!(h.create_date, None);
}

#[test]
fn a_later_assignment_wins_and_chained_and_annotation_only_forms_count() {
    let h = header("revision: str\nrevision = 'a'\nrevision = down_revision = 'b'\n");
    assert_eq!(
        h.revision.map(|r| (r.value, r.line)),
        Some((Some("b".to_string()), 3))
    );
    assert_eq!(
        h.down_revision.map(|d| d.value),
        Some(vec!["b".to_string()])
    );
}

#[test]
fn docstrings_with_odd_quoting() {
    let single = header("'''it''s \"quoted\"\n\nRevision ID: x\n'''\nrevision = 'x'\n");
    assert_eq!(single.message, "it''s \"quoted\"\n\nRevision ID: x");
    let raw = header("r\"\"\"path C:\\new\\table\"\"\"\nrevision = 'x'\n");
    assert_eq!(raw.message, "path C:\\new\\table");
    let escaped = header("\"tab\\there \\\"q\\\"\"\nrevision = 'x'\n");
    assert_eq!(escaped.message, "tab\there \"q\"");
    let joined = header("(\"one \"\n 'two')\nrevision = 'x'\n");
    assert_eq!(joined.message, "one two");
    // A comment or blank lines before the docstring leave it the docstring.
    let commented =
        header("# -*- coding: utf-8 -*-\n\n\"\"\"  spaced  \n\n\"\"\"\nrevision = 'x'\n");
    assert_eq!(commented.message, "spaced");
    // A string after another statement is not a docstring.
    let late = header("revision = 'x'\n\"\"\"not a doc\"\"\"\n");
    assert_eq!(late.message, "");
    // An f-string is not a docstring (Python gives the module no __doc__).
    assert_eq!(header("f'''doc'''\nrevision = 'x'\n").message, "");
}

#[test]
fn a_non_literal_header_is_refused_at_its_line() {
    assert_eq!(
        header_error("import x\n\nrevision = x.make_id()\n"),
        "v/x.py:3: 'revision' is not a literal (a string, None, or a tuple or list of strings), so it can't be read without running Python"
    );
    assert_eq!(
        header_error("revision = 'a'\ndown_revision = (\n    'b',\n    PREVIOUS,\n)\n"),
        "v/x.py:2: 'down_revision' is not a literal (a string, None, or a tuple or list of strings), so it can't be read without running Python"
    );
    assert_eq!(
        header_error("revision, down_revision = 'a', None\n"),
        "v/x.py:1: 'revision' is assigned by unpacking; write 'revision = <literal>' so that it can be read without running Python"
    );
    assert_eq!(
        header_error("revision = ('a', 'b')\n"),
        "v/x.py:1: 'revision' must be one string"
    );
    assert_eq!(
        header_error("revision = f'{x}'\n"),
        "v/x.py:1: 'revision' is not a literal (a string, None, or a tuple or list of strings), so it can't be read without running Python"
    );
}

#[test]
fn whatever_a_body_holds_the_header_reads() {
    let h = header(
        r#""""weird body"""
import myapp.models as m
revision = "r1"
down_revision = None

class Helper(object):
    x = lambda self: [i for i in range(3)]

@decorator
def upgrade():
    while True:
        try:
            async_thing = await_it()
        except Exception as e:
            raise
    match m:
        case {"a": 1}:
            pass
    print(f"{revision!r:>10}")
"#,
    );
    assert_eq!(h.revision.and_then(|r| r.value).as_deref(), Some("r1"));
    assert_eq!(h.message, "weird body");
}

#[test]
fn invalid_python_is_refused_at_the_first_error() {
    match parse_module("v/bad.py", "revision = 'a'\n\ndef upgrade(:\n    pass\n") {
        Err(err) => {
            assert_eq!(err.line, 3, "{err}");
            assert!(
                err.to_string()
                    .starts_with("v/bad.py:3: invalid Python syntax"),
                "{err}"
            );
        }
        Ok(m) => panic!("{m:?}"),
    }
    match parse_module("v/bad.py", "revision = 'a\n") {
        Err(err) => assert_eq!(err.line, 1, "{err}"),
        Ok(m) => panic!("{m:?}"),
    }
}

fn upgrade_body(source: &str) -> Vec<Stmt> {
    let m = parse(source);
    for stmt in m.body {
        if let StmtKind::FunctionDef { name, body, .. } = stmt.kind {
            if name == "upgrade" {
                return body;
            }
        }
    }
    panic!("no upgrade()")
}

#[test]
fn calls_keep_positional_and_keyword_arguments() {
    let body = upgrade_body(
        "def upgrade():\n    op.create_table('account',\n    sa.Column('id', sa.Integer(), nullable=False),\n    sa.PrimaryKeyConstraint('id')\n    )\n",
    );
    let StmtKind::Expr(call) = &body[0].kind else {
        panic!("{body:?}")
    };
    let ExprKind::Call {
        func,
        args,
        keywords,
    } = &call.kind
    else {
        panic!("{call:?}")
    };
    assert_eq!(func.dotted().as_deref(), Some("op.create_table"));
    assert!(keywords.is_empty());
    assert_eq!(args.len(), 3);
    assert_eq!(args[0].as_str(), Some("account"));
    assert_eq!(args[1].line, 3);
    let ExprKind::Call {
        func,
        args,
        keywords,
    } = &args[1].kind
    else {
        panic!("{args:?}")
    };
    assert_eq!(func.dotted().as_deref(), Some("sa.Column"));
    assert_eq!(args.len(), 2);
    assert_eq!(
        keywords,
        &vec![Keyword {
            name: "nullable".to_string(),
            value: Expr {
                line: 3,
                kind: ExprKind::Bool(false)
            }
        }]
    );
}

#[test]
fn with_for_and_if_statements() {
    let body = upgrade_body(
        r#"def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('age')
    for name in ("a", "b"):
        op.drop_table(name)
    if op.get_context().dialect.name == "postgresql":
        op.execute("SELECT 1")
    elif bind.dialect.name not in ('sqlite',):
        pass
    else:
        pass
"#,
    );
    match &body[0].kind {
        StmtKind::With { items, body } => {
            assert_eq!(items.len(), 1);
            assert_eq!(items[0].alias.as_deref(), Some("batch_op"));
            assert!(matches!(items[0].context.kind, ExprKind::Call { .. }));
            assert_eq!(body[0].line, 3);
        }
        other => panic!("{other:?}"),
    }
    match &body[1].kind {
        StmtKind::For { target, iter, body } => {
            assert_eq!(target.as_name(), Some("name"));
            assert!(matches!(&iter.kind, ExprKind::Tuple(items) if items.len() == 2));
            assert_eq!(body.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    match &body[2].kind {
        StmtKind::If { branches, orelse } => {
            assert_eq!(branches.len(), 2);
            let ExprKind::Compare { left, ops } = &branches[0].0.kind else {
                panic!("{branches:?}")
            };
            assert_eq!(left.dotted(), None); // op.get_context() is a call
            assert_eq!(ops[0].0, "==");
            assert_eq!(ops[0].1.as_str(), Some("postgresql"));
            let ExprKind::Compare { left, ops } = &branches[1].0.kind else {
                panic!("{branches:?}")
            };
            assert_eq!(left.dotted().as_deref(), Some("bind.dialect.name"));
            assert_eq!(ops[0].0, "not in");
            assert_eq!(orelse.as_ref().map(Vec::len), Some(1));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn string_forms_and_numbers() {
    let body = upgrade_body(
        "def upgrade():\n    x('a' \"b\" '''c''', f'{T} x {{y}}', b'z', -1, 0x10, 1_000, 2.5, [1], {'k': None}, 'a' % (T,), n[1, 2])\n",
    );
    let StmtKind::Expr(Expr {
        kind: ExprKind::Call { args, .. },
        ..
    }) = &body[0].kind
    else {
        panic!("{body:?}")
    };
    let kinds: Vec<&ExprKind> = args.iter().map(|a| &a.kind).collect();
    assert_eq!(kinds[0], &ExprKind::Str("abc".to_string()));
    match kinds[1] {
        ExprKind::FString(parts) => {
            assert_eq!(parts.len(), 2, "{parts:?}");
            assert!(matches!(&parts[0], FPart::Expr(e) if e.as_name() == Some("T")));
            assert_eq!(parts[1], FPart::Text(" x {y}".to_string()));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        kinds[2],
        &ExprKind::Unsupported("a bytes literal".to_string())
    );
    assert_eq!(kinds[3], &ExprKind::Int(-1));
    assert_eq!(kinds[4], &ExprKind::Int(16));
    assert_eq!(kinds[5], &ExprKind::Int(1000));
    assert_eq!(kinds[6], &ExprKind::Float(2.5));
    assert!(matches!(kinds[7], ExprKind::List(v) if v.len() == 1));
    assert!(matches!(kinds[8], ExprKind::Dict(v) if v.len() == 1));
    assert!(matches!(kinds[9], ExprKind::BinOp { op, .. } if op == "%"));
    assert!(
        matches!(kinds[10], ExprKind::Subscript { index, .. } if matches!(index.kind, ExprKind::Tuple(_)))
    );
}

#[test]
fn unsupported_constructs_are_named_with_their_lines() {
    let body = upgrade_body(
        "def upgrade():\n    del X\n    while x:\n        pass\n    y = lambda: 1\n    z += 1\n    try:\n        pass\n    finally:\n        pass\n",
    );
    let found: Vec<(usize, String)> = body
        .iter()
        .map(|s| match &s.kind {
            StmtKind::Unsupported(what) => (s.line, what.clone()),
            StmtKind::Assign {
                value:
                    Some(Expr {
                        kind: ExprKind::Unsupported(what),
                        line,
                    }),
                ..
            } => (*line, what.clone()),
            other => (s.line, format!("{other:?}")),
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (2, "a del statement".to_string()),
            (3, "a while loop".to_string()),
            (5, "a lambda".to_string()),
            (6, "an augmented assignment".to_string()),
            (7, "a try statement".to_string()),
        ]
    );
}

#[test]
fn classes_keep_bases_keywords_decorators_and_body() {
    let m = parse(
        "@dataclass\nclass Item(Base, SQLModel, table=True):\n    __tablename__ = 'items'\n    id: int\n",
    );
    let StmtKind::ClassDef {
        name,
        bases,
        keywords,
        decorators,
        body,
    } = &m.body[0].kind
    else {
        panic!("{:?}", m.body[0]);
    };
    assert_eq!(m.body[0].line, 1);
    assert_eq!(name, "Item");
    let bases: Vec<_> = bases.iter().filter_map(|b| b.as_name()).collect();
    assert_eq!(bases, ["Base", "SQLModel"]);
    assert_eq!(keywords[0].name, "table");
    assert_eq!(keywords[0].value.kind, ExprKind::Bool(true));
    assert_eq!(decorators[0].as_name(), Some("dataclass"));
    assert_eq!(body.len(), 2);
    assert_eq!(body[1].line, 4);
}
