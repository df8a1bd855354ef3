"""Records what Python Alembic prints for the `.py` revision fixtures under tests/fixtures/python.

A fixture without a `commands` file is a schema fixture instead: Alembic's `upgrade head
--sql` for SQLite and for PostgreSQL is written to `alembic-upgrade.<dialect>.sql` (the
version-table statements left out), which the integration test runs on real databases to
compare the schema with the one this tool's online `upgrade head` builds.

For each fixture directory (`versions/` and a `commands` file, one argument list per line),
this makes a scratch Alembic project (`alembic init`, a SQLite URL), copies the fixture's
versions in, and runs every command through the real `alembic` script. Alembic can't read
`.sql` revisions, so each is copied as the `.py` revision with the same id, header and the
docstring this tool shows for it. The transcript is written to the fixture's `expected.txt`,
which the integration test `python_revisions` compares with this tool's output:

    $ alembic ARGS
    <stdout>
    [failed] <the FAILED message>        (only when the command failed)

Normalised: the scratch directory is `$DIR`, the `.py` stand-ins of `.sql` files are named
back to `.sql`, and the lines Alembic orders by hash (`branches` children, `Branches into:`,
several-row `current`, also
its `-v` blocks) are sorted, as this tool prints them.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def sql_to_py(text):
    """The `.py` revision equivalent to a `.sql` one: same header, same shown docstring."""
    header = {}
    for line in text.splitlines():
        m = re.match(r"-- (\w+):\s?(.*)$", line)
        if not m:
            break
        header[m.group(1)] = m.group(2).strip()

    def listed(key):
        return [v.strip() for v in header.get(key, "").split(",") if v.strip()]

    def literal(values):
        if not values:
            return "None"
        if len(values) == 1:
            return repr(values[0])
        return repr(tuple(values))

    down = listed("down_revision")
    doc = "%s\n\nRevision ID: %s\nRevises: %s\nCreate Date: %s\n\n" % (
        header.get("message") or "empty message",
        header["revision"],
        ", ".join(down),
        header.get("create_date", ""),
    )
    return '"""%s"""\nrevision = %r\ndown_revision = %s\nbranch_labels = %s\ndepends_on = %s\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n' % (
        doc,
        header["revision"],
        literal(down),
        literal(listed("branch_labels")),
        literal(listed("depends_on")),
    )


def make_project(fixture, scratch, alembic):
    subprocess.run([alembic, "init", "migrations"], cwd=scratch, check=True, capture_output=True)
    ini = os.path.join(scratch, "alembic.ini")
    with open(ini) as f:
        text = f.read()
    text = re.sub(r"(?m)^sqlalchemy\.url = .*$", "sqlalchemy.url = sqlite:///%(here)s/test.db", text)
    with open(ini, "w") as f:
        f.write(text)
    versions = os.path.join(scratch, "migrations", "versions")
    shutil.rmtree(versions)
    shutil.copytree(os.path.join(fixture, "versions"), versions, symlinks=True)
    renamed = {}
    for name in sorted(os.listdir(versions)):
        if name.endswith(".sql"):
            src = os.path.join(versions, name)
            with open(src) as f:
                py = sql_to_py(f.read())
            os.remove(src)
            py_name = name[: -len(".sql")] + ".py"
            with open(os.path.join(versions, py_name), "w") as f:
                f.write(py)
            renamed[py_name] = name
    return renamed


def sort_runs(lines, is_member):
    """Sorts each run of consecutive lines for which `is_member` holds."""
    out, run = [], []
    for line in lines + [None]:
        if line is not None and is_member(line):
            run.append(line)
            continue
        out.extend(sorted(run))
        run = []
        if line is not None:
            out.append(line)
    return out


def normalise(stdout, args, scratch, renamed):
    text = stdout.replace(os.path.realpath(scratch), "$DIR").replace(scratch, "$DIR")
    for py_name, sql_name in renamed.items():
        text = text.replace("/" + py_name, "/" + sql_name)
    lines = text.split("\n")
    lines = [
        re.sub(r"^(Branches into: )(.*)$", lambda m: m.group(1) + ", ".join(sorted(m.group(2).split(", "))), l)
        for l in lines
    ]
    lines = sort_runs(lines, lambda l: l.lstrip().startswith("-> "))
    if args[0] == "current" and "-v" not in args:
        lines = sort_runs(lines, lambda l: l != "")
    text = "\n".join(lines)
    if args[0] == "current" and "-v" in args:
        head, sep, rest = text.partition("Rev: ")
        blocks = sorted("Rev: " + b for b in (sep + rest).split("Rev: ")[1:])
        text = head + "".join(blocks)
    return text


def record_sql(fixture, scratch, alembic):
    """Alembic's `upgrade head --sql` on each engine, without its version-table statements:
    the DDL the integration test runs to build Python Alembic's schema. Where Alembic fails
    on an engine, the last line of its error goes to `alembic-upgrade.<dialect>.failed`
    instead, and the test expects this tool to refuse the history there too."""
    ini = os.path.join(scratch, "alembic.ini")
    for dialect, url in (
        ("sqlite", "sqlite:///%(here)s/test.db"),
        ("postgresql", "postgresql://oracle@localhost/oracle"),
    ):
        set_url(ini, url)
        for stale in ("sql", "failed"):
            path = os.path.join(fixture, "alembic-upgrade.%s.%s" % (dialect, stale))
            if os.path.exists(path):
                os.remove(path)
        run = subprocess.run([alembic, "upgrade", "head", "--sql"], cwd=scratch, capture_output=True, text=True)
        if run.returncode != 0:
            with open(os.path.join(fixture, "alembic-upgrade.%s.failed" % dialect), "w") as f:
                f.write(run.stderr.strip().splitlines()[-1] + "\n")
            continue
        kept = [
            s.strip()
            for s in run.stdout.split(";\n\n")
            if s.strip() and "alembic_version" not in s and s.strip() not in ("BEGIN", "COMMIT")
        ]
        with open(os.path.join(fixture, "alembic-upgrade.%s.sql" % dialect), "w") as f:
            f.write("".join(s + ";\n\n" for s in kept))
    if record_sqlite_online(fixture, scratch, alembic):
        # Batch mode on SQLite can't run offline (it reflects the table); online it did.
        failed = os.path.join(fixture, "alembic-upgrade.sqlite.failed")
        if os.path.exists(failed):
            os.remove(failed)


def set_url(ini, url):
    with open(ini) as f:
        text = f.read()
    with open(ini, "w") as f:
        f.write(re.sub(r"(?m)^sqlalchemy\.url = .*$", "sqlalchemy.url = " + url, text))


def record_sqlite_online(fixture, scratch, alembic):
    """Alembic's online `upgrade head` on a SQLite file (batch mode's move-and-copy needs a
    database to reflect), its schema then written as the `CREATE` statements SQLite keeps, to
    `alembic-schema.sqlite.sql`, and its version rows to `alembic-version.sqlite.txt`. Left
    out where Alembic fails online (the `.failed` file of `--sql` says why). Tables keep their
    creation order; indexes are sorted by name, since batch mode recreates them in an order
    that changes from run to run."""
    set_url(os.path.join(scratch, "alembic.ini"), "sqlite:///%(here)s/online.db")
    out = os.path.join(fixture, "alembic-schema.sqlite.sql")
    versions = os.path.join(fixture, "alembic-version.sqlite.txt")
    for path in (out, versions):
        if os.path.exists(path):
            os.remove(path)
    run = subprocess.run([alembic, "upgrade", "head"], cwd=scratch, capture_output=True, text=True)
    if run.returncode != 0:
        return False
    import sqlite3

    db = sqlite3.connect(os.path.join(scratch, "online.db"))
    rows = db.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name NOT LIKE 'alembic_version%' "
        "ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, CASE type WHEN 'table' THEN rowid END, name"
    ).fetchall()
    with open(out, "w") as f:
        f.write("".join(r[0] + ";\n\n" for r in rows))
    with open(versions, "w") as f:
        f.write("".join(r[0] + "\n" for r in db.execute("SELECT version_num FROM alembic_version ORDER BY 1")))
    db.close()
    return True


def record(fixture, alembic):
    commands = []
    if os.path.exists(os.path.join(fixture, "commands")):
        with open(os.path.join(fixture, "commands")) as f:
            commands = [l.split() for l in f.read().splitlines() if l.strip() and not l.startswith("#")]
    scratch = tempfile.mkdtemp(prefix="py-oracle-")
    try:
        renamed = make_project(fixture, scratch, alembic)
        out = []
        for args in commands:
            run = subprocess.run(
                [alembic] + args, cwd=scratch, capture_output=True, text=True, stdin=subprocess.DEVNULL
            )
            stdout = run.stdout
            failed = None
            if run.returncode != 0:
                kept = []
                for line in stdout.splitlines(keepends=True):
                    if line.startswith("FAILED: "):
                        failed = line[len("FAILED: "):].rstrip("\n")
                    else:
                        kept.append(line)
                stdout = "".join(kept)
                if failed is None:
                    failed = "(exit %d) %s" % (run.returncode, run.stderr.strip().splitlines()[-1:])
            out.append("$ alembic " + " ".join(args) + "\n")
            out.append(normalise(stdout, args, scratch, renamed))
            if failed is not None:
                out.append("[failed] " + normalise(failed, args, scratch, renamed) + "\n")
        if commands:
            with open(os.path.join(fixture, "expected.txt"), "w") as f:
                f.write("".join(out))
        else:
            record_sql(fixture, scratch, alembic)
    finally:
        shutil.rmtree(scratch)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--alembic", required=True)
    parser.add_argument("fixtures", nargs="+")
    args = parser.parse_args()
    for fixture in args.fixtures:
        record(fixture, args.alembic)
        print("recorded", fixture)


if __name__ == "__main__":
    sys.exit(main())
