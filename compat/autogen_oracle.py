"""Records Python Alembic's autogenerate output for tests/fixtures/autogenerate/*/:
the database is built from the case's from.sql on SQLite, the target is its models.py
(the same schema as its to.sql), and the upgrade and downgrade bodies Alembic renders are
written to alembic.txt, which `cargo test --lib python::render` compares with this tool's."""
import pathlib
import runpy
import sys

import sqlalchemy as sa
from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext

for case in sys.argv[1:]:
    case = pathlib.Path(case)
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        for stmt in (case / "from.sql").read_text().split(";"):
            lines = [l for l in stmt.splitlines() if not l.strip().startswith("--")]
            if "".join(lines).strip():
                conn.exec_driver_sql("\n".join(lines))
    metadata = runpy.run_path(str(case / "models.py"))["metadata"]
    with engine.connect() as conn:
        script = produce_migrations(MigrationContext.configure(conn), metadata)
    up = render_python_code(script.upgrade_ops)
    down = render_python_code(script.downgrade_ops)
    (case / "alembic.txt").write_text(f"-- upgrade\n{up}\n-- downgrade\n{down}\n")
    print(f"recorded {case / 'alembic.txt'}")
