"""Records Python Alembic's autogenerate output for tests/fixtures/autogenerate/*/: for each
engine, the database is built from the case's from.sql, the target is its models.py (the same
schema as its to.sql), and the upgrade and downgrade bodies Alembic renders are written to
alembic.txt (SQLite) and alembic.postgresql.txt (a fresh database on the server that
$ORACLE_PG_URL names). `cargo test --lib python::render` compares alembic.txt with this tool's
renderer; `cargo test --test cli autogen_oracle` compares both files with what
`alembic revision --autogenerate` writes against real databases."""
import os
import pathlib
import runpy
import sys

import sqlalchemy as sa
from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext


def statements(case):
    for stmt in (case / "from.sql").read_text().split(";"):
        lines = [l for l in stmt.splitlines() if not l.strip().startswith("--")]
        if "".join(lines).strip():
            yield "\n".join(lines)


def record(case, engine, out):
    with engine.begin() as conn:
        for stmt in statements(case):
            conn.exec_driver_sql(stmt)
    metadata = runpy.run_path(str(case / "models.py"))["metadata"]
    with engine.connect() as conn:
        script = produce_migrations(MigrationContext.configure(conn), metadata)
    # On SQLite, batch mode, as Alembic's documentation advises for it and Flask-Migrate
    # configures by itself.
    batch = engine.dialect.name == "sqlite"
    up = render_python_code(script.upgrade_ops, render_as_batch=batch)
    down = render_python_code(script.downgrade_ops, render_as_batch=batch)
    (case / out).write_text(f"-- upgrade\n{up}\n-- downgrade\n{down}\n")
    print(f"recorded {case / out}")


def postgres_engine(server, name):
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return sa.create_engine(server.url.set(database=name))


server = sa.create_engine(os.environ["ORACLE_PG_URL"].replace("postgresql://", "postgresql+psycopg2://", 1))
for case in sys.argv[1:]:
    case = pathlib.Path(case)
    record(case, sa.create_engine("sqlite://"), "alembic.txt")
    record(case, postgres_engine(server, f"autogen_{case.name}"), "alembic.postgresql.txt")
