//! The reader on small model files: the schema it builds, and its refusals with their lines.

use super::*;
use crate::schema::model::Action;

fn read(text: &str) -> Schema {
    read_on(text, Dialect::Sqlite).unwrap_or_else(|e| panic!("{e}"))
}

fn read_on(text: &str, dialect: Dialect) -> Result<Schema, PythonError> {
    let files = [SourceFile {
        path: "models.py",
        text,
    }];
    read_models_py(&files, &ReadOptions::default(), dialect)
}

fn refusal(text: &str) -> String {
    read_on(text, Dialect::Sqlite).unwrap_err().to_string()
}

const STYLE_20: &str = r#"
from datetime import datetime
from typing import Optional
from sqlalchemy import ForeignKey, String, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    bio: Mapped[Optional[str]]
    nick: Mapped[str | None] = mapped_column(String(30), index=True)
    created: Mapped[datetime] = mapped_column(server_default=func.now())
    score: Mapped[int] = mapped_column(server_default=text("0"), default=5)
    posts: Mapped[list["Post"]] = relationship(back_populates="user")

    def __repr__(self):
        return self.name

class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str]
"#;

#[test]
fn the_2_0_style_gives_types_nullability_keys_and_defaults() {
    let s = read(STYLE_20);
    let users = s.table("users").unwrap();
    let col = |n: &str| users.column(n).unwrap();
    assert_eq!(users.primary_key.as_ref().unwrap().columns, ["id"]);
    assert!(!col("id").nullable);
    assert_eq!(col("name").ty, ColumnType::Varchar(Some(50)));
    assert!(!col("name").nullable);
    assert_eq!(users.uniques[0].columns, ["name"]);
    assert_eq!(col("bio").ty, ColumnType::Varchar(None));
    assert!(col("bio").nullable);
    assert!(col("nick").nullable);
    assert_eq!(users.indexes[0].name, "ix_users_nick");
    assert_eq!(col("created").ty, ColumnType::Timestamp);
    assert_eq!(col("created").default.as_deref(), Some("CURRENT_TIMESTAMP"));
    assert_eq!(col("score").default.as_deref(), Some("0"));
    assert_eq!(users.columns.len(), 6, "the relationship is not a column");
    let posts = s.table("posts").unwrap();
    assert_eq!(posts.foreign_keys[0].ref_table, "users");
    assert_eq!(posts.foreign_keys[0].columns, ["user_id"]);
    assert_eq!(posts.foreign_keys[0].on_delete, Action::Cascade);
    let pg = read_on(STYLE_20, Dialect::Postgresql).unwrap();
    let created = pg
        .table("users")
        .unwrap()
        .column("created")
        .unwrap()
        .clone();
    assert_eq!(created.default.as_deref(), Some("now()"));
}

#[test]
fn the_1_x_style_mixins_table_args_and_tables() {
    let s = read(
        r#"
import sqlalchemy as sa
from sqlalchemy.ext.declarative import declarative_base

Base = declarative_base()

class Timestamps:
    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False)

class Account(Timestamps, Base):
    __tablename__ = "accounts"
    __table_args__ = (
        sa.UniqueConstraint("org", "email", name="uq_org_email"),
        sa.Index("ix_accounts_email", "email"),
        sa.CheckConstraint("length(email) > 3", name="ck_email"),
        {"sqlite_autoincrement": False},
    )
    id = sa.Column(sa.Integer, primary_key=True)
    org = sa.Column(sa.String(40))
    email = sa.Column("email_address", sa.Text, nullable=False)

tags = sa.Table(
    "account_tags",
    Base.metadata,
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("tag", sa.String(20), primary_key=True),
)
"#,
    );
    let a = s.table("accounts").unwrap();
    let names: Vec<_> = a.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "org", "email_address", "created_at"]);
    assert_eq!(a.column("created_at").unwrap().ty, ColumnType::TimestampTz);
    assert!(a.column("org").unwrap().nullable);
    assert_eq!(a.uniques[0].name.as_deref(), Some("uq_org_email"));
    assert_eq!(a.indexes[0].name, "ix_accounts_email");
    assert_eq!(a.checks[0].name.as_deref(), Some("ck_email"));
    let t = s.table("account_tags").unwrap();
    assert_eq!(
        t.primary_key.as_ref().unwrap().columns,
        ["account_id", "tag"]
    );
    assert_eq!(t.foreign_keys[0].ref_table, "accounts");
}

#[test]
fn abstract_bases_and_the_annotation_map() {
    let s = read(
        r#"
import datetime
from sqlalchemy import JSON, DateTime
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, datetime.datetime: DateTime(timezone=True)}

class Model(Base):
    __abstract__ = True
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime.datetime]

class Event(Model):
    __tablename__ = "events"
    payload: Mapped[dict]
"#,
    );
    assert_eq!(s.tables.len(), 1);
    let e = s.table("events").unwrap();
    assert_eq!(e.column("payload").unwrap().ty, ColumnType::Json);
    assert_eq!(e.column("at").unwrap().ty, ColumnType::TimestampTz);
    assert_eq!(e.primary_key.as_ref().unwrap().columns, ["id"]);
}

#[test]
fn refusals_name_the_file_line_and_construct() {
    let base = "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\nclass Base(DeclarativeBase):\n    pass\n";
    let cases = [
        ("for x in y:\n    pass\n", "models.py:4: a for loop at module level"),
        (
            "class A(Base):\n    __tablename__ = 'a'\n    id: Mapped[int] = mapped_column(Interval, primary_key=True)\n",
            "models.py:6: the column type 'Interval' is outside the portable model (map it in alembic.ini: [models.types] Interval = <SQL type>)",
        ),
        (
            "class A(Base):\n    id: Mapped[int] = mapped_column(primary_key=True)\n",
            "models.py:4: the mapped class 'A' has no __tablename__",
        ),
        (
            "class A(Base):\n    __tablename__ = 'a'\n    x: Mapped[dict]\n",
            "models.py:6: no SQL type for the annotation 'dict' (give mapped_column a type, or map it in the base's type_annotation_map)",
        ),
        (
            "class A(Base):\n    __tablename__ = 'a'\n    x = make_column()\n",
            "models.py:6: 'x = make_column(...)' is not a column this reader knows",
        ),
        ("create_all()\n", "models.py:4: a call at module level (the models are read, never run)"),
        (
            "class A(Base):\n    __tablename__ = 'a'\n    __table_args__ = {'schema': 'other'}\n    id: Mapped[int] = mapped_column(primary_key=True)\n",
            "models.py:6: tables in another schema are not read",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(refusal(&format!("{base}{text}")), want, "{text}");
    }
}

#[test]
fn a_type_mapped_by_the_caller_is_used() {
    let text = "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\nclass Base(DeclarativeBase):\n    pass\nclass A(Base):\n    __tablename__ = 'a'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    tags: Mapped[str] = mapped_column(MyTags)\n";
    let options = ReadOptions {
        types: vec![("MyTags".to_string(), ColumnType::Text)],
    };
    let files = [SourceFile { path: "m.py", text }];
    let s = read_models_py(&files, &options, Dialect::Sqlite).unwrap();
    assert_eq!(s.tables[0].column("tags").unwrap().ty, ColumnType::Text);
}

#[test]
fn module_aliases_and_subscripted_map_keys_are_read() {
    let s = read(
        r#"
import datetime as dt
from typing import Any
from sqlalchemy import JSON
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON}

class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime]
    day: Mapped[dt.date | None]
    detail: Mapped[dict[str, Any]]
"#,
    );
    let e = s.table("events").unwrap();
    assert_eq!(e.column("at").unwrap().ty, ColumnType::Timestamp);
    assert_eq!(e.column("day").unwrap().ty, ColumnType::Date);
    assert!(e.column("day").unwrap().nullable);
    assert_eq!(e.column("detail").unwrap().ty, ColumnType::Json);
}

#[test]
fn mixin_columns_follow_the_class_own_in_method_resolution_order() {
    let s = read(
        r#"
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class A:
    a: Mapped[int]
    shared: Mapped[str]

class B(A):
    b: Mapped[int]

class C(A):
    c: Mapped[int]

class T(B, C, Base):
    __tablename__ = "t"
    id: Mapped[int] = mapped_column(primary_key=True)
    shared: Mapped[int]
"#,
    );
    let t = s.table("t").unwrap();
    let names: Vec<_> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "shared", "b", "c", "a"]);
    assert_eq!(t.column("shared").unwrap().ty, ColumnType::Integer);
}
