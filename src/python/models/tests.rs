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

fn names(s: &Schema) -> Vec<&str> {
    s.tables.iter().map(|t| t.name.as_str()).collect()
}

const FLASK: &str = r#"
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

db = SQLAlchemy(metadata=MetaData(naming_convention={"pk": "pk_%(table_name)s", "uq": "uq_%(table_name)s_%(column_0_name)s"}))
db.init_app(app)

class Stamped:
    created = db.Column(db.DateTime, server_default=db.func.now())

class Model(db.Model):
    __abstract__ = True
    id = db.Column(db.Integer, primary_key=True)

class UserProfile(Stamped, Model):
    email = db.Column(db.String(80), unique=True, nullable=False)
    friends = db.relationship("UserProfile")

class HTTPRequest(Model):
    profile_id = db.Column(db.Integer, db.ForeignKey(UserProfile.id))

class Named(db.Model):
    __tablename__ = "named_things"
    key = db.Column(db.String(20), primary_key=True)

links = db.Table(
    "links",
    db.Column("a", db.Integer, db.ForeignKey("user_profile.id"), primary_key=True),
    db.Column("b", db.Integer, db.ForeignKey(HTTPRequest.__table__.c.id), primary_key=True),
)

if __name__ == "__main__":
    db.create_all()
"#;

#[test]
fn flask_sqlalchemy_models_are_named_by_the_extension() {
    let s = read(FLASK);
    assert_eq!(
        names(&s),
        ["user_profile", "http_request", "named_things", "links"]
    );
    let p = s.table("user_profile").unwrap();
    let cols: Vec<_> = p.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["email", "created", "id"]);
    assert_eq!(
        p.primary_key.as_ref().unwrap().name.as_deref(),
        Some("pk_user_profile")
    );
    assert_eq!(p.uniques[0].name.as_deref(), Some("uq_user_profile_email"));
    let h = s.table("http_request").unwrap();
    assert_eq!(h.foreign_keys[0].ref_table, "user_profile");
    assert_eq!(h.foreign_keys[0].ref_columns, ["id"]);
    let links = s.table("links").unwrap();
    assert_eq!(
        links.primary_key.as_ref().unwrap().name.as_deref(),
        Some("pk_links")
    );
    assert_eq!(links.foreign_keys[1].ref_table, "http_request");
}

#[test]
fn flask_table_names_follow_its_camel_to_snake_rule() {
    use super::classes::snake_case;
    let cases = [
        ("UserProfile", "user_profile"),
        ("HTTPRequest", "http_request"),
        ("User2FA", "user2_fa"),
        ("XMLHttpRequest2", "xml_http_request2"),
        ("SomeIDs", "some_i_ds"),
        ("_Private", "private"),
        ("ABC", "abc"),
        ("getHTTP", "get_http"),
    ];
    for (class, table) in cases {
        assert_eq!(snake_case(class), table, "{class}");
    }
}

#[test]
fn flask_with_a_2_0_model_class_or_without_autonaming() {
    let s = read(
        r#"
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from flask_sqlalchemy import SQLAlchemy

class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={"ix": "%(column_0_label)s_idx"})

db = SQLAlchemy(model_class=Base)

class BlogPost(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(index=True)
"#,
    );
    let t = s.table("blog_post").unwrap();
    assert_eq!(t.indexes[0].name, "blog_post_slug_idx");
    let refused = refusal(
        "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy(disable_autonaming=True)\nclass A(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n",
    );
    assert_eq!(
        refused,
        "models.py:3: the mapped class 'A' has no __tablename__"
    );
}

#[test]
fn flask_refusals() {
    let head = "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n";
    let cases = [
        (
            "class A(db.Model):\n    name = db.Column(db.String(5))\n",
            "models.py:3: the mapped class 'A' has no primary key (SQLAlchemy can't map it)",
        ),
        (
            "class A(db.Model):\n    __bind_key__ = 'other'\n    id = db.Column(db.Integer, primary_key=True)\n",
            "models.py:4: __bind_key__: a model of another database is not read (one target, one database)",
        ),
        ("app.run()\n", "models.py:3: a call at module level (the models are read, never run)"),
        (
            "db.Model.metadata.naming_convention = {}\n",
            "models.py:3: an assignment to a metadata's attribute (give MetaData(...) its arguments)",
        ),
        (
            "class A(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    b = db.Column(db.Integer, db.ForeignKey(B.id))\n",
            "models.py:5: ForeignKey(B.id): not a column of a mapped class or a Table of the files",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(refusal(&format!("{head}{text}")), want, "{text}");
    }
}

const CONVENTION: &str = r#"
from sqlalchemy import CheckConstraint, ForeignKey, Index, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s_%(referred_column_0_name)s",
    "pk": "pk_%(table_name)s",
}

class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=convention)

class Account(Base):
    __tablename__ = "account"
    __table_args__ = (
        UniqueConstraint("org", "email"),
        UniqueConstraint("nick", name="kept_as_given"),
        CheckConstraint("length(email) > 3", name="email_length"),
        Index(None, "org", "nick"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    org: Mapped[str] = mapped_column(String(10))
    email: Mapped[str] = mapped_column(String(100), index=True)
    nick: Mapped[str]

class Member(Base):
    __tablename__ = "member_of_an_account_with_a_rather_long_name"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_identifier: Mapped[int] = mapped_column(ForeignKey("account.id"))
"#;

#[test]
fn a_naming_convention_names_constraints_and_indexes() {
    let s = read(CONVENTION);
    let a = s.table("account").unwrap();
    assert_eq!(
        a.primary_key.as_ref().unwrap().name.as_deref(),
        Some("pk_account")
    );
    let uniques: Vec<_> = a.uniques.iter().map(|u| u.name.clone().unwrap()).collect();
    assert_eq!(uniques, ["uq_account_org_email", "kept_as_given"]);
    assert_eq!(a.checks[0].name.as_deref(), Some("ck_account_email_length"));
    let indexes: Vec<_> = a.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(indexes, ["ix_account_email", "ix_account_org"]);
    let m = s
        .table("member_of_an_account_with_a_rather_long_name")
        .unwrap();
    let fk = "fk_member_of_an_account_with_a_rather_long_name_account_identifier_account_id";
    assert_eq!(m.foreign_keys[0].name.as_deref(), Some(fk));
    // PostgreSQL: cut to 55 characters, then `_` and the last four hex digits of the whole
    // name's MD5, as SQLAlchemy writes it (the corpus checks such names on a server).
    let pg = read_on(CONVENTION, Dialect::Postgresql).unwrap();
    let name = pg.tables[1].foreign_keys[0].name.clone().unwrap();
    assert_eq!(
        name,
        "fk_member_of_an_account_with_a_rather_long_name_account_3f54"
    );
}

#[test]
fn naming_convention_refusals() {
    let head = "from sqlalchemy import MetaData, CheckConstraint\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n";
    let cases = [
        (
            "class Base(DeclarativeBase):\n    metadata = MetaData(naming_convention={'ck': 'ck_%(table_name)s_%(constraint_name)s'})\nclass A(Base):\n    __tablename__ = 'a'\n    __table_args__ = (CheckConstraint('id > 0'),)\n    id: Mapped[int] = mapped_column(primary_key=True)\n",
            "models.py:5: table 'a': a naming convention holding %(constraint_name)s needs the constraint to be named (SQLAlchemy refuses it too)",
        ),
        (
            "class Base(DeclarativeBase):\n    metadata = MetaData(naming_convention={'uq': 'uq_%(table_name)s'})\nclass A(Base):\n    __tablename__ = 'a'\n    id: Mapped[int] = mapped_column(primary_key=True, index=True)\n",
            "models.py:5: table 'a': an index without a name (index=True needs the naming convention's 'ix' entry, or give the Index a name)",
        ),
        (
            "class Base(DeclarativeBase):\n    metadata = MetaData(naming_convention={'pk': 'pk_%(column_0_upper)s'})\nclass A(Base):\n    __tablename__ = 'a'\n    id: Mapped[int] = mapped_column(primary_key=True)\n",
            "models.py:5: table 'a': the naming convention token '%(column_0_upper)s' is not one this reader knows",
        ),
        (
            "class Base(DeclarativeBase):\n    metadata = MetaData(naming_convention={'column_0_upper': upper})\nclass A(Base):\n    __tablename__ = 'a'\n    id: Mapped[int] = mapped_column(primary_key=True)\n",
            "models.py:4: a naming convention entry this reader can't read (the keys ix, uq, ck, fk and pk, each with a string template; custom tokens are not read)",
        ),
        (
            "class Base(DeclarativeBase):\n    metadata = other.metadata\nclass A(Base):\n    __tablename__ = 'a'\n    id: Mapped[int] = mapped_column(primary_key=True)\n",
            "models.py:4: a metadata this reader can't follow (MetaData(...), a name bound to one, or Base.metadata)",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(refusal(&format!("{head}{text}")), want, "{text}");
    }
}

#[test]
fn a_1_x_base_made_with_a_metadata_and_tables_on_it() {
    let s = read(
        r#"
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

md = sa.MetaData(naming_convention={sa.UniqueConstraint: "uq_%(column_0N_label)s_%(column_0_key)s"})
Base = declarative_base(metadata=md)

class P(Base):
    __tablename__ = "p"
    id = sa.Column(sa.Integer, primary_key=True)
    slug = sa.Column("slug_text", sa.String(40), unique=True)

t = sa.Table("t", Base.metadata, sa.Column("a", sa.Integer, key="a_key", unique=True), sa.Column("p", sa.Integer, sa.ForeignKey(P.id)))
m = sa.Table("m", md, sa.Column("x", sa.Integer, sa.ForeignKey(t.c.a_key)), sa.UniqueConstraint("x"))
"#,
    );
    let p = s.table("p").unwrap();
    assert_eq!(
        p.uniques[0].name.as_deref(),
        Some("uq_p_slug_text_slug_text")
    );
    let t = s.table("t").unwrap();
    assert_eq!(t.uniques[0].name.as_deref(), Some("uq_t_a_a_key"));
    assert_eq!(t.foreign_keys[0].ref_table, "p");
    let m = s.table("m").unwrap();
    assert_eq!(m.foreign_keys[0].ref_table, "t");
    assert_eq!(m.foreign_keys[0].ref_columns, ["a"]);
    assert_eq!(m.uniques[0].name.as_deref(), Some("uq_m_x_x"));
}

#[test]
fn type_checking_blocks_and_string_annotations() {
    let s = read(
        r#"
from __future__ import annotations
from typing import TYPE_CHECKING, Optional
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from .other import Other
    print("never run")
else:
    pass

class Base(DeclarativeBase):
    pass

class A(Base):
    __tablename__ = "a"
    id: Mapped[int] = mapped_column(primary_key=True)
    note: "Mapped[Optional[str]]"
    count: Mapped["int"]
    other: Mapped["Other"] = relationship()
"#,
    );
    let a = s.table("a").unwrap();
    assert!(a.column("note").unwrap().nullable);
    assert_eq!(a.column("note").unwrap().ty, ColumnType::Varchar(None));
    assert_eq!(a.column("count").unwrap().ty, ColumnType::Integer);
    assert_eq!(a.columns.len(), 3);
}

#[test]
fn with_variant_picks_the_type_of_the_dialect() {
    let text = r#"
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class T(Base):
    __tablename__ = "t"
    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), sa.Identity(), primary_key=True
    )
    n = sa.Column(sa.Text().with_variant(sa.String(9), "mysql").with_variant(sa.JSON, ["postgresql"]))
    m = mapped_column(type_=sa.Text().with_variant(sa.Integer(), "mysql", "sqlite"))
    ref = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"))
"#;
    let types = |dialect| {
        let s = read_on(text, dialect).unwrap_or_else(|e| panic!("{e}"));
        let t = s.table("t").unwrap().clone();
        t.columns.into_iter().map(|c| c.ty).collect::<Vec<_>>()
    };
    use ColumnType::*;
    assert_eq!(types(Dialect::Sqlite), [Integer, Text, Integer, Integer]);
    assert_eq!(types(Dialect::Postgresql), [BigInt, Json, Text, BigInt]);
    let msg = refusal(
        "import sqlalchemy as sa\nfrom sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase):\n    pass\nclass T(Base):\n    __tablename__ = \"t\"\n    id = sa.Column(sa.Integer().with_variant(sa.Text), primary_key=True)\n",
    );
    assert_eq!(
        msg,
        "models.py:7: with_variant takes a type and dialect names as strings here"
    );
}

const ENUMS: &str = r#"
import enum
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Status(enum.Enum):
    A = "a"
    LONGNAME = "b"
    _ignore_ = ["x"]

    def label(self):
        return self.value

class Base(DeclarativeBase):
    pass

class T(Base):
    __tablename__ = "t"
    id: Mapped[int] = mapped_column(primary_key=True)
    s: Mapped[Status]
    o: Mapped[Status | None] = mapped_column(sa.Enum(Status, create_constraint=True))
    k: Mapped[str] = mapped_column(sa.Enum("x", "y'z", native_enum=False, length=12))
"#;

#[test]
fn enum_columns_are_varchar_of_the_longest_member_name() {
    let s = read(ENUMS);
    let t = s.table("t").unwrap();
    assert_eq!(t.column("s").unwrap().ty, ColumnType::Varchar(Some(8)));
    assert!(!t.column("s").unwrap().nullable);
    assert_eq!(t.column("o").unwrap().ty, ColumnType::Varchar(Some(8)));
    assert!(t.column("o").unwrap().nullable);
    assert_eq!(t.column("k").unwrap().ty, ColumnType::Varchar(Some(12)));
    // As SQLAlchemy writes it: CONSTRAINT status CHECK (o IN ('A', 'LONGNAME')).
    assert_eq!(t.checks.len(), 1);
    assert_eq!(t.checks[0].name.as_deref(), Some("status"));
    assert_eq!(t.checks[0].expr, "o IN ('A', 'LONGNAME')");
}

#[test]
fn enum_refusals() {
    assert_eq!(
        read_on(ENUMS, Dialect::Postgresql).unwrap_err().to_string(),
        "models.py:20: a native PostgreSQL enum type (CREATE TYPE) is outside the portable model: give Enum native_enum=False to store it as VARCHAR(n)"
    );
    let head = "import sqlalchemy as sa\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\nclass Base(DeclarativeBase):\n    pass\nclass T(Base):\n    __tablename__ = 't'\n    id: Mapped[int] = mapped_column(primary_key=True)\n";
    let cases = [
        (
            "    s = mapped_column(sa.Enum(Elsewhere))\n",
            "models.py:8: Enum(...) takes an enum.Enum class of the files, or string members",
        ),
        (
            "    s = mapped_column(sa.Enum('a', values_callable=lambda e: [m.value for m in e]))\n",
            "models.py:8: Enum(values_callable=...) is not read (a function; without it SQLAlchemy stores the member names)",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(refusal(&format!("{head}{text}")), want, "{text}");
    }
}

#[test]
fn a_declared_attr_tablename_of_the_class_name() {
    let s = read(
        r#"
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

class Base(DeclarativeBase):
    @declared_attr.directive
    def __tablename__(cls) -> str:
        return cls.__name__.lower() + "s"

class Audit:
    @declared_attr
    def __tablename__(cls):
        "The audit table."
        return f"audit_{cls.__name__.upper()}"

class UserAccount(Base):
    id: Mapped[int] = mapped_column(primary_key=True)

class Login(Audit, Base):
    id: Mapped[int] = mapped_column(primary_key=True)

class Own(Base):
    __tablename__ = "own"
    id: Mapped[int] = mapped_column(primary_key=True)
"#,
    );
    assert_eq!(names(&s), ["useraccounts", "audit_LOGIN", "own"]);
    let text = "from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column\nclass Base(DeclarativeBase):\n    pass\nclass A(Base):\n    @declared_attr\n    def __tablename__(cls):\n        return make_name(cls)\n    id: Mapped[int] = mapped_column(primary_key=True)\n";
    assert_eq!(
        refusal(text),
        "models.py:7: a declared_attr __tablename__ this reader can't evaluate (it reads one return of an expression of cls.__name__: literals, +, f-strings, .lower(), .upper())"
    );
}

const SQLMODEL: &str = r#"
import datetime
from typing import ClassVar, Optional
import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

class Base(SQLModel):
    name: str = Field(index=True)
    note: Optional[str] = None

class Hero(Base, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=50, unique=True)
    at: datetime.datetime
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    forced: Optional[int] = Field(default=None, nullable=False)
    code: str = Field(sa_column=sa.Column("hero_code", sa.String(8), nullable=False))
    kind: ClassVar[str] = "hero"
    _private: int = 0
    team: Optional["Team"] = Relationship(back_populates="heroes")

class Team(SQLModel, table=True):
    id: int = Field(primary_key=True)
"#;

#[test]
fn sqlmodel_tables_follow_its_field_rules() {
    let s = read(SQLMODEL);
    assert_eq!(names(&s), ["hero", "team"]);
    let h = s.table("hero").unwrap();
    let cols: Vec<_> = h.columns.iter().map(|c| c.name.as_str()).collect();
    // As create_all lays them out: the inherited field not redefined, then the class's own.
    assert_eq!(
        cols,
        ["note", "id", "name", "at", "team_id", "forced", "hero_code"]
    );
    let col = |n: &str| h.column(n).unwrap();
    assert_eq!(col("name").ty, ColumnType::Varchar(Some(50)));
    assert!(!col("name").nullable);
    assert_eq!(col("note").ty, ColumnType::Varchar(None));
    assert!(col("note").nullable);
    assert_eq!(col("id").ty, ColumnType::Integer);
    assert!(!col("id").nullable);
    assert_eq!(col("at").ty, ColumnType::TimestampTz);
    assert!(!col("forced").nullable);
    assert_eq!(col("hero_code").ty, ColumnType::Varchar(Some(8)));
    assert_eq!(h.uniques[0].columns, ["name"]);
    assert!(h.indexes.is_empty(), "the redefined name has no index=");
    assert_eq!(h.foreign_keys[0].ref_table, "team");
    assert_eq!(h.foreign_keys[0].on_delete, Action::SetNull);
}

#[test]
fn sqlmodel_refusals() {
    let head = "from sqlmodel import Field, SQLModel\n";
    let cases = [
        (
            "class A(SQLModel, table=True):\n    id: int = Field(primary_key=True)\n    x: dict = Field(default={})\n",
            "models.py:4: no SQL type for the SQLModel field type 'dict' (give Field an sa_type= or an sa_column=)",
        ),
        (
            "class A(SQLModel, table=True):\n    id: int = Field(primary_key=True, sa_column_kwargs={'comment': 'x'})\n",
            "models.py:3: Field(sa_column_kwargs=...) is not read",
        ),
        (
            "class A(SQLModel, table=True):\n    id: int = Field(primary_key=True)\nclass B(A, table=True):\n    x: int\n",
            "models.py:4: 'B' inherits the mapped class 'A': table inheritance is not read",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(refusal(&format!("{head}{text}")), want, "{text}");
    }
}
