//! The expected SQL is what Python Alembic 1.20.1 with SQLAlchemy 2.1.9 printed for the same
//! calls (`alembic upgrade head --sql`, on a SQLite and on a PostgreSQL URL).

use super::*;
use crate::python::parse_module;

fn lowered(body: &str) -> Result<Vec<LoweredStatement>, Refusal> {
    let source = format!(
        "from alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy import Column, Integer\n\nrevision = 'a1'\ndown_revision = None\n\n\ndef upgrade():\n{body}\n"
    );
    let module = parse_module("x.py", &source).unwrap_or_else(|e| panic!("{e}"));
    lower_bodies(&module).map(|b| b.upgrade.unwrap_or_default())
}

fn sql(body: &str, dialect: Dialect) -> Vec<String> {
    match lowered(body) {
        Ok(statements) => statements
            .iter()
            .map(|s| s.sql(dialect).to_string())
            .collect(),
        Err(r) => panic!("refused at {}: {}", r.line, r.what),
    }
}

const USER: &str = "    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('big', sa.BigInteger()), sa.Column('small', sa.SmallInteger), sa.Column('t', sa.Text()), sa.Column('b', sa.Boolean(), server_default=sa.text('false')),
    sa.Column('dt', sa.DateTime()), sa.Column('dtz', sa.DateTime(timezone=True)), sa.Column('d', sa.Date()), sa.Column('tm', sa.Time()),
    sa.Column('f', sa.Float()), sa.Column('n', sa.Numeric(10, 2)), sa.Column('lb', sa.LargeBinary()), sa.Column('j', sa.JSON()), sa.Column('u', sa.Uuid()), sa.Column('uni', sa.Unicode(20)),
    sa.Column('age', sa.Integer(), server_default='0', nullable=True, unique=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name', name='uq_user_name')
    )";

#[test]
fn create_table_with_every_type_on_sqlite() {
    assert_eq!(
        sql(USER, Dialect::Sqlite),
        vec![
            "CREATE TABLE user (
    id INTEGER NOT NULL, 
    name VARCHAR(50) NOT NULL, 
    big BIGINT, 
    small SMALLINT, 
    t TEXT, 
    b BOOLEAN DEFAULT false, 
    dt DATETIME, 
    dtz DATETIME, 
    d DATE, 
    tm TIME, 
    f FLOAT, 
    n NUMERIC(10, 2), 
    lb BLOB, 
    j JSON, 
    u CHAR(32), 
    uni VARCHAR(20), 
    age INTEGER DEFAULT '0', 
    PRIMARY KEY (id), 
    CONSTRAINT uq_user_name UNIQUE (name), 
    UNIQUE (age)
)"
        ]
    );
}

#[test]
fn create_table_with_every_type_on_postgresql() {
    assert_eq!(
        sql(USER, Dialect::Postgresql),
        vec![
            "CREATE TABLE \"user\" (
    id SERIAL NOT NULL, 
    name VARCHAR(50) NOT NULL, 
    big BIGINT, 
    small SMALLINT, 
    t TEXT, 
    b BOOLEAN DEFAULT false, 
    dt TIMESTAMP WITHOUT TIME ZONE, 
    dtz TIMESTAMP WITH TIME ZONE, 
    d DATE, 
    tm TIME WITHOUT TIME ZONE, 
    f FLOAT, 
    n NUMERIC(10, 2), 
    lb BYTEA, 
    j JSON, 
    u UUID, 
    uni VARCHAR(20), 
    age INTEGER DEFAULT '0', 
    PRIMARY KEY (id), 
    CONSTRAINT uq_user_name UNIQUE (name), 
    UNIQUE (age)
)"
        ]
    );
}

#[test]
fn foreign_keys_checks_and_keys() {
    let body = "    op.create_table('address',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('user_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='CASCADE'), nullable=True),
    sa.Column('other', sa.Integer()),
    sa.ForeignKeyConstraint(['other'], ['user.id'], name='fk_other'),
    sa.CheckConstraint('id > 0', name='ck_id'),
    )
    op.create_table('pair', sa.Column('a', sa.Integer(), primary_key=True), sa.Column('b', sa.BigInteger(), primary_key=True))
    op.create_table('big', Column('id', sa.BigInteger(), primary_key=True), sa.Column('order', sa.String(5)))";
    assert_eq!(
        sql(body, Dialect::Postgresql),
        vec![
            "CREATE TABLE address (
    id SERIAL NOT NULL, 
    user_id INTEGER, 
    other INTEGER, 
    PRIMARY KEY (id), 
    CONSTRAINT fk_other FOREIGN KEY(other) REFERENCES \"user\" (id), 
    CONSTRAINT ck_id CHECK (id > 0), 
    FOREIGN KEY(user_id) REFERENCES \"user\" (id) ON DELETE CASCADE
)",
            "CREATE TABLE pair (
    a INTEGER NOT NULL, 
    b BIGINT NOT NULL, 
    PRIMARY KEY (a, b)
)",
            "CREATE TABLE big (
    id BIGSERIAL NOT NULL, 
    \"order\" VARCHAR(5), 
    PRIMARY KEY (id)
)"
        ]
    );
    let sqlite = sql(body, Dialect::Sqlite);
    assert!(
        sqlite[0].contains("    id INTEGER NOT NULL, \n"),
        "{}",
        sqlite[0]
    );
    assert!(
        sqlite[0].contains("REFERENCES user (id) ON DELETE CASCADE"),
        "{}",
        sqlite[0]
    );
    assert!(
        sqlite[2].contains("    id BIGINT NOT NULL, \n    \"order\" VARCHAR(5), "),
        "{}",
        sqlite[2]
    );
}

#[test]
fn columns_indexes_execute_and_drops() {
    let body = "    op.create_index(op.f('ix_user_name'), 'user', ['name'], unique=False)
    op.create_index('ix_u2', 'user', ['name', 'age'], unique=True)
    op.add_column('user', sa.Column('email', sa.String(120), nullable=True))
    op.add_column('user', sa.Column('flag', sa.Boolean(), nullable=False, server_default='1'))
    op.drop_column('user', 'email')
    op.drop_index('ix_u2', table_name='user')
    op.execute(\"UPDATE big SET id = 1\")
    op.execute(sa.text(\"UPDATE big SET id = 2\"))
    op.drop_table('pair')";
    let expected = |user: &str| {
        vec![
            format!("CREATE INDEX ix_user_name ON {user} (name)"),
            format!("CREATE UNIQUE INDEX ix_u2 ON {user} (name, age)"),
            format!("ALTER TABLE {user} ADD COLUMN email VARCHAR(120)"),
            format!("ALTER TABLE {user} ADD COLUMN flag BOOLEAN DEFAULT '1' NOT NULL"),
            format!("ALTER TABLE {user} DROP COLUMN email"),
            "DROP INDEX ix_u2".to_string(),
            "UPDATE big SET id = 1".to_string(),
            "UPDATE big SET id = 2".to_string(),
            "DROP TABLE pair".to_string(),
        ]
    };
    assert_eq!(sql(body, Dialect::Sqlite), expected("user"));
    assert_eq!(sql(body, Dialect::Postgresql), expected("\"user\""));
    let lines: Vec<usize> = lowered(body)
        .unwrap_or_default()
        .iter()
        .map(|s| s.line)
        .collect();
    assert_eq!(lines, (10..19).collect::<Vec<_>>());
}

#[test]
fn an_index_true_column_gets_its_index_after_the_table() {
    let body = "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('k', sa.String(8), index=True, unique=True))";
    assert_eq!(
        sql(body, Dialect::Sqlite),
        vec![
            "CREATE TABLE t (\n    id INTEGER NOT NULL, \n    k VARCHAR(8), \n    PRIMARY KEY (id)\n)",
            "CREATE UNIQUE INDEX ix_t_k ON t (k)",
        ]
    );
}

fn refusal(body: &str) -> (usize, String) {
    match lowered(body) {
        Ok(s) => panic!("expected a refusal, got {s:?}"),
        Err(r) => (r.line, r.what),
    }
}

#[test]
fn everything_else_is_refused_with_its_line() {
    assert_eq!(
        refusal("    pass\n    op.create_exclude_constraint('x', 't')"),
        (11, "op.create_exclude_constraint()".to_string())
    );
    assert_eq!(
        refusal("    op.add_column('t', sa.Column('c', sa.Enum('a', name='e')))"),
        (10, "the type sa.Enum".to_string())
    );
    assert_eq!(
        refusal("    op.create_table('t',\n        sa.Column('c', sa.Integer(), comment='x'))"),
        (11, "comment=\"x\" of sa.Column()".to_string())
    );
    assert_eq!(
        refusal("    op.execute(QUERY)"),
        (
            10,
            "op.execute() of anything but a string literal or sa.text() of one".to_string()
        )
    );
    assert_eq!(
        refusal("    op.get_bind().execute(sa.text('x'), {'a': 1})"),
        (10, "a connection's execute() with parameters".to_string())
    );
    assert_eq!(
        refusal("    helper()"),
        (10, "a call of helper()".to_string())
    );
    assert_eq!(
        refusal("    op.drop_table('t', schema='other')"),
        (10, "schema= of op.drop_table()".to_string())
    );
}

#[test]
fn imports_outside_the_subset_are_refused() {
    let module = parse_module(
        "x.py",
        "from alembic import op\nfrom myapp.models import Base\nrevision = 'a'\ndown_revision = None\ndef upgrade():\n    pass\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        lower_bodies(&module),
        Err(Refusal {
            line: 2,
            what: "an import of myapp.models".to_string()
        })
    );
}

#[test]
fn server_default_functions_and_rename_table() {
    let body = "    op.create_table('x', sa.Column('id', sa.Integer(), primary_key=True),
      sa.Column('a', sa.DateTime(), server_default=sa.func.now()),
      sa.Column('b', sa.DateTime(), server_default=sa.func.current_timestamp()),
      sa.Column('c', sa.Boolean(), server_default=sa.false()),
      sa.Column('d', sa.Boolean(), server_default=sa.true()),
      sa.Column('e', sa.Integer(), server_default=sa.literal_column('0')))
    op.rename_table('x', 'y')
    op.add_column('y', sa.Column('f', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False))";
    assert_eq!(
        sql(body, Dialect::Sqlite),
        vec![
            "CREATE TABLE x (
    id INTEGER NOT NULL, 
    a DATETIME DEFAULT CURRENT_TIMESTAMP, 
    b DATETIME DEFAULT CURRENT_TIMESTAMP, 
    c BOOLEAN DEFAULT 0, 
    d BOOLEAN DEFAULT 1, 
    e INTEGER DEFAULT 0, 
    PRIMARY KEY (id)
)",
            "ALTER TABLE x RENAME TO y",
            "ALTER TABLE y ADD COLUMN f DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL",
        ]
    );
    assert_eq!(
        sql(body, Dialect::Postgresql),
        vec![
            "CREATE TABLE x (
    id SERIAL NOT NULL, 
    a TIMESTAMP WITHOUT TIME ZONE DEFAULT now(), 
    b TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP, 
    c BOOLEAN DEFAULT false, 
    d BOOLEAN DEFAULT true, 
    e INTEGER DEFAULT 0, 
    PRIMARY KEY (id)
)",
            "ALTER TABLE x RENAME TO y",
            "ALTER TABLE y ADD COLUMN f TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL",
        ]
    );
    assert_eq!(
        refusal(
            "    op.add_column('t', sa.Column('c', sa.Integer(), server_default=sa.func.random()))"
        ),
        (10, "server_default=sa.func.random()".to_string())
    );
}

/// Both engines' SQL, and the engine refused with its reason.
fn per_engine(body: &str) -> Vec<(String, String, Option<Dialect>)> {
    match lowered(body) {
        Ok(statements) => statements
            .into_iter()
            .map(|s| (s.sqlite, s.postgresql, s.refused_on.map(|(d, _)| d)))
            .collect(),
        Err(r) => panic!("refused at {}: {}", r.line, r.what),
    }
}

fn pg_only(sql: &str) -> (String, String, Option<Dialect>) {
    (String::new(), sql.to_string(), Some(Dialect::Sqlite))
}

#[test]
fn constraint_calls_are_alters_on_postgresql_and_refused_on_sqlite() {
    let body = "    op.create_foreign_key('fk_post_user', 'post', 'user', ['user_id'], ['id'], ondelete='CASCADE', onupdate='SET NULL')
    op.create_foreign_key(None, 'post', 'user', ['n'], ['id'])
    op.create_unique_constraint('uq_user_email', 'user', ['email'])
    op.create_unique_constraint(None, 'user', ['email', 'id'])
    op.create_primary_key('pk_post', 'post', ['id'])
    op.create_check_constraint('ck_post_n', 'post', 'n > 0')
    op.create_check_constraint(op.f('ck_post_n2'), 'post', sa.text('n < 100'))
    op.drop_constraint('ck_post_n2', 'post', type_='check')
    op.drop_constraint('fk_post_user', 'post', type_='foreignkey')
    op.drop_constraint(constraint_name='uq_user_email', table_name='user', type_='unique')
    op.drop_constraint('pk_post', 'post', 'primary')
    op.drop_constraint('ck_post_n', 'post')";
    assert_eq!(
        per_engine(body),
        [
            "ALTER TABLE post ADD CONSTRAINT fk_post_user FOREIGN KEY(user_id) REFERENCES \"user\" (id) ON DELETE CASCADE ON UPDATE SET NULL",
            "ALTER TABLE post ADD FOREIGN KEY(n) REFERENCES \"user\" (id)",
            "ALTER TABLE \"user\" ADD CONSTRAINT uq_user_email UNIQUE (email)",
            "ALTER TABLE \"user\" ADD UNIQUE (email, id)",
            "ALTER TABLE post ADD CONSTRAINT pk_post PRIMARY KEY (id)",
            "ALTER TABLE post ADD CONSTRAINT ck_post_n CHECK (n > 0)",
            "ALTER TABLE post ADD CONSTRAINT ck_post_n2 CHECK (n < 100)",
            "ALTER TABLE post DROP CONSTRAINT ck_post_n2",
            "ALTER TABLE post DROP CONSTRAINT fk_post_user",
            "ALTER TABLE \"user\" DROP CONSTRAINT uq_user_email",
            "ALTER TABLE post DROP CONSTRAINT pk_post",
            "ALTER TABLE post DROP CONSTRAINT ck_post_n",
        ]
        .map(pg_only)
    );
}

#[test]
fn alter_column_in_alembics_order_and_only_a_rename_on_sqlite() {
    let body = "    op.alter_column('post', 'n', existing_type=sa.Integer(), nullable=False)
    op.alter_column('post', 'n', type_=sa.BigInteger(), existing_nullable=False, postgresql_using='n::bigint')
    op.alter_column('post', 'n', server_default='5')
    op.alter_column('post', 'n', server_default=sa.text('7'))
    op.alter_column('post', 'n', server_default=None)
    op.alter_column('post', 'n', comment='the n')
    op.alter_column('post', 'n', comment=None)
    op.alter_column('post', 'n', new_column_name='m', type_=sa.String(20), nullable=True, server_default='x', comment='c')";
    let mut expected = [
        "ALTER TABLE post ALTER COLUMN n SET NOT NULL",
        "ALTER TABLE post ALTER COLUMN n TYPE BIGINT USING n::bigint",
        "ALTER TABLE post ALTER COLUMN n SET DEFAULT '5'",
        "ALTER TABLE post ALTER COLUMN n SET DEFAULT 7",
        "ALTER TABLE post ALTER COLUMN n DROP DEFAULT",
        "COMMENT ON COLUMN post.n IS 'the n'",
        "COMMENT ON COLUMN post.n IS NULL",
        "ALTER TABLE post ALTER COLUMN n TYPE VARCHAR(20)",
        "ALTER TABLE post ALTER COLUMN n DROP NOT NULL",
        "ALTER TABLE post ALTER COLUMN n SET DEFAULT 'x'",
        "COMMENT ON COLUMN post.n IS 'c'",
    ]
    .map(pg_only)
    .to_vec();
    expected.push((
        "ALTER TABLE post RENAME COLUMN n TO m".to_string(),
        "ALTER TABLE post RENAME n TO m".to_string(),
        None,
    ));
    assert_eq!(per_engine(body), expected);
    assert_eq!(
        refusal("    op.drop_constraint(None, 'post', type_='foreignkey')"),
        (
            10,
            "op.drop_constraint() of an unnamed constraint (None)".to_string()
        )
    );
    assert_eq!(
        refusal("    op.alter_column('t', 'c', postgresql_using='c::int')"),
        (
            10,
            "postgresql_using= without type_= (Alembic refuses it too)".to_string()
        )
    );
}

#[test]
fn bulk_insert_rows_into_a_created_table_and_an_sa_table() {
    let body = "    accounts = op.create_table('account', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('name', sa.String(50), nullable=False), sa.Column('active', sa.Boolean()), sa.Column('score', sa.Float()))
    op.bulk_insert(accounts, [{'id': 1, 'name': 'ann', 'active': True, 'score': 1.5}, {'name': \"o'neil\", 'id': 2, 'active': None}], multiinsert=False)
    t = sa.table('account', sa.column('id', sa.Integer), sa.column('name', sa.String))
    op.bulk_insert(t, [{'id': 3, 'name': op.inline_literal('x')}], multiinsert=False)";
    // What Alembic printed for the same calls (`upgrade head --sql`).
    let inserts = |d| {
        sql(body, d)
            .into_iter()
            .filter(|s| s.starts_with("INSERT"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        inserts(Dialect::Postgresql),
        [
            "INSERT INTO account (id, name, active, score) VALUES (1, 'ann', true, 1.5)",
            "INSERT INTO account (id, name, active) VALUES (2, 'o''neil', NULL)",
            "INSERT INTO account (id, name) VALUES (3, 'x')",
        ]
    );
    assert_eq!(
        inserts(Dialect::Sqlite)[0],
        "INSERT INTO account (id, name, active, score) VALUES (1, 'ann', 1, 1.5)"
    );
    assert_eq!(
        refusal("    t = sa.table('a', sa.column('id'))\n    op.bulk_insert(t, [{'id': 1, 'other': 2}])"),
        (
            11,
            "a row of op.bulk_insert() with 'other', which is not a column of the table".to_string()
        )
    );
    assert_eq!(
        refusal("    op.bulk_insert(sa.table('a', sa.column('id'), sa.column('b')), [{'id': 1}, {'b': 2}])"),
        (
            10,
            "rows of op.bulk_insert() with different keys (Alembic's executemany fails on them; say multiinsert=False)".to_string()
        )
    );
    assert_eq!(
        refusal("    op.bulk_insert(sa.table('a', sa.column('id')), [{'id': op.inline_literal(1)}])"),
        (
            10,
            "op.inline_literal() in op.bulk_insert() rows (Alembic's executemany can't bind it; say multiinsert=False)".to_string()
        )
    );
    assert_eq!(
        refusal("    op.bulk_insert(sa.table('a', sa.column('id')), ROWS)"),
        (
            10,
            "rows ROWS of op.bulk_insert() (not a literal list of dicts)".to_string()
        )
    );
}

#[test]
fn dialect_tests_pick_a_branch_per_engine() {
    let body = "    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    elif bind.engine.name in ('sqlite', 'mysql'):
        bind.execute(sa.text('PRAGMA foreign_keys = ON'))
    if op.get_context().dialect.name != 'sqlite':
        op.create_foreign_key('fk', 'a', 'b', ['b_id'], ['id'])
    else:
        with op.batch_alter_table('a') as batch_op:
            batch_op.create_foreign_key('fk', 'b', ['b_id'], ['id'])";
    assert_eq!(
        sql(body, Dialect::Postgresql)
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>(),
        [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            "ALTER TABLE a ADD CONSTRAINT fk FOREIGN KEY(b_id) REFERENCES b (id)",
        ]
    );
    let sqlite = lowered(body).unwrap_or_else(|r| panic!("{}: {}", r.line, r.what));
    let sqlite: Vec<_> = sqlite
        .iter()
        .filter(|s| !s.sqlite.is_empty())
        .map(|s| (s.sqlite.as_str(), s.sqlite_portable, s.refused_on.is_some()))
        .collect();
    assert_eq!(
        sqlite,
        [
            ("PRAGMA foreign_keys = ON", false, false),
            (
                "ALTER TABLE a ADD CONSTRAINT fk FOREIGN KEY(b_id) REFERENCES b (id)",
                true,
                false
            ),
        ]
    );
    // A branch the reader can't lower is refused on its engine only.
    let refused = lowered("    if op.get_bind().dialect.name == 'postgresql':\n        helper()")
        .unwrap_or_else(|r| panic!("{}: {}", r.line, r.what));
    assert_eq!(
        refused[0].refused_on,
        Some((Dialect::Postgresql, "a call of helper()".to_string()))
    );
    assert_eq!(
        refusal("    if has_table('x'):\n        pass"),
        (
            10,
            "an if statement whose test is not the engine's name (op.get_bind().dialect.name)"
                .to_string()
        )
    );
}

#[test]
fn loops_over_literals_are_unrolled() {
    let body = "    for name in ['a', 'b']:
        op.drop_index(op.f(f'ix_{name}'), table_name=name)
    for table, column in (('t', 'c'), ('u', 'd')):
        op.drop_column(table, column)";
    assert_eq!(
        sql(body, Dialect::Sqlite),
        [
            "DROP INDEX ix_a",
            "DROP INDEX ix_b",
            "ALTER TABLE t DROP COLUMN c",
            "ALTER TABLE u DROP COLUMN d",
        ]
    );
    assert_eq!(
        refusal("    for t in TABLES:\n        op.drop_table(t)"),
        (
            10,
            "a for loop over TABLES (not a literal list or tuple)".to_string()
        )
    );
    assert_eq!(
        refusal("    inspector = sa.inspect(op.get_bind())"),
        (10, "an assignment of sa.inspect(...) in a body".to_string())
    );
}

#[test]
fn conditional_expressions_on_the_engine_pick_a_value_per_engine() {
    let body = "    bind = op.get_bind()
    table = 'tl' if bind.dialect.name == 'sqlite' else 'tp'
    op.add_column(table, sa.Column('j', sa.JSON() if bind.dialect.name != 'postgresql' else sa.Text()))
    op.add_column('t', sa.Column('n', sa.BigInteger() if op.get_context().dialect.name == 'postgresql' else (sa.Integer() if bind.engine.name == 'sqlite' else sa.Text())))
    with op.batch_alter_table('t') as batch_op:
        batch_op.alter_column('k', type_=sa.String(64) if bind.dialect.name == 'sqlite' else sa.Text())";
    assert_eq!(
        sql(body, Dialect::Postgresql)
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>(),
        [
            "ALTER TABLE tp ADD COLUMN j TEXT",
            "ALTER TABLE t ADD COLUMN n BIGINT",
            "ALTER TABLE t ALTER COLUMN k TYPE TEXT",
        ]
    );
    assert_eq!(
        sql(body, Dialect::Sqlite)
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>(),
        [
            "ALTER TABLE tl ADD COLUMN j JSON",
            "ALTER TABLE t ADD COLUMN n INTEGER",
            "ALTER TABLE t ALTER COLUMN k TYPE VARCHAR(64)",
        ]
    );
    assert_eq!(
        refusal("    op.add_column('t', sa.Column('n', sa.Integer() if BIG else sa.Text()))"),
        (
            10,
            "a conditional expression whose test is not the engine's name (op.get_bind().dialect.name)"
                .to_string()
        )
    );
    // A value neither engine's branch can lower is refused outright.
    assert_eq!(
        refusal("    op.execute(helper() if op.get_bind().dialect.name == 'sqlite' else other())"),
        (
            10,
            "op.execute() of anything but a string literal or sa.text() of one".to_string()
        )
    );
}

/// The types and keywords Alembic writes for what it reflected read as the DDL they came from.
#[test]
fn reflected_spellings_read_as_their_ddl() {
    let source = "from alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\n\nrevision = 'a1'\ndown_revision = None\n\n\ndef upgrade():
    op.create_table('r',
    sa.Column('a', sa.VARCHAR(length=5), autoincrement=False, nullable=True),
    sa.Column('b', postgresql.TIMESTAMP(timezone=True), autoincrement=False, nullable=True),
    sa.Column('c', sa.DOUBLE_PRECISION(precision=53), nullable=True),
    sa.Column('d', postgresql.JSON(astext_type=sa.Text()), nullable=True),
    sa.Column('e', sa.TIME(), nullable=True),
    sa.UniqueConstraint('a', name=op.f('r_a_key'), postgresql_include=[], postgresql_nulls_not_distinct=False)
    )
";
    let lower = |text: &str| {
        let module = parse_module("x.py", text).unwrap_or_else(|e| panic!("{e}"));
        lower_bodies(&module).map(|b| b.upgrade.unwrap_or_default())
    };
    let statements = lower(source).unwrap_or_else(|r| panic!("{}: {}", r.line, r.what));
    assert_eq!(
        statements[0].sql(Dialect::Postgresql),
        "CREATE TABLE r (\n    a VARCHAR(5), \n    b TIMESTAMP WITH TIME ZONE, \n    c DOUBLE PRECISION, \n    d JSON, \n    e TIME WITHOUT TIME ZONE, \n    CONSTRAINT r_a_key UNIQUE (a)\n)"
    );
    let included = source.replace("postgresql_include=[]", "postgresql_include=['b']");
    let refused = lower(&included).err().map(|r| (r.line, r.what));
    assert_eq!(
        refused,
        Some((16, "postgresql_include other than []".to_string()))
    );
}
