#!/usr/bin/env python3
"""Differential test of our `alembic` binary against Python Alembic.

Generates seeded random revision graphs, writes each one twice (Alembic `.py` files, our
`.sql` files; same ids, parents, labels, dependencies, messages and table DDL), runs the same
random command sequence on both projects (each on a SQLite file of its own) and compares,
after this normalisation:

- stdout of inspection commands (`current`, `branches` sorted: Alembic uses hash order);
- the exit status class (success or failure) and the `FAILED:` text (Alembic's on stdout,
  ours on stderr);
- the `Running upgrade/downgrade/stamp_revision ...` log lines on stderr;
- after every command, the version-table row set and the `t_*` tables of each database.

Mismatches that are documented departures (README, "Where this differs from Python
Alembic") are counted apart (ALLOWED); any other mismatch makes the exit status 1.
Each mismatch comes with a reproducer: the graph and the shortest command sequence found
that still shows it (earlier commands are dropped greedily while the mismatch stays).

Python Alembic runs in this process (the driver is started with the venv's python, with
PYTHONHASHSEED=0 and TZ=UTC and stdin from /dev/null, see `compat/run`): one process per
command would cost ~0.5 s each. `--subprocess` runs the real `alembic` script instead.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field

CREATE_DATE = "2020-01-01 00:00:00"
LABEL_POOL = ["main", "net", "feat", "ops", "lx", "beta", "core"]
ID_PREFIXES = ["a1", "a1", "a2", "b7", "c3", "c30"]


# --------------------------------------------------------------------------- graphs


@dataclass
class Rev:
    id: str
    down: list[str]
    labels: list[str] = field(default_factory=list)
    deps: list[str] = field(default_factory=list)
    message: str = ""


def ancestors(revs: dict[str, Rev], rid: str, deps: bool = False) -> set[str]:
    out, todo = set(), [rid]
    while todo:
        r = todo.pop()
        if r in out:
            continue
        out.add(r)
        todo.extend(revs[r].down)
        if deps:
            for d in revs[r].deps:
                todo.append(label_owner(revs, d))
    return out


def label_owner(revs: dict[str, Rev], ref: str) -> str:
    if ref in revs:
        return ref
    for r in revs.values():
        if ref in r.labels:
            return r.id
    raise KeyError(ref)


def heads_of(revs: dict[str, Rev]) -> list[str]:
    parents = {p for r in revs.values() for p in r.down}
    return [r for r in revs if r not in parents]


def gen_graph(rng: random.Random) -> list[Rev]:
    """A random DAG: chains, branch points, merges (of merges), several bases, labels, deps."""
    n = rng.randint(2, 12)
    revs: dict[str, Rev] = {}
    used_labels: set[str] = set()
    for i in range(n):
        while True:
            rid = rng.choice(ID_PREFIXES) + "".join(rng.choice("0123456789abcdef") for _ in range(8 - 2))
            rid = rid[:8]
            if rid not in revs:
                break
        roll = rng.random()
        heads = heads_of(revs)
        down: list[str] = []
        if i == 0 or roll < 0.12:
            down = []
        elif roll < 0.32 and len(revs) >= 2:
            pool = heads if len(heads) >= 2 and rng.random() < 0.8 else list(revs)
            a = rng.choice(pool)
            others = [b for b in pool if b != a and b not in ancestors(revs, a) and a not in ancestors(revs, b)]
            if others:
                down = [a, rng.choice(others)]
                third = [c for c in pool if c not in down and all(
                    c not in ancestors(revs, x) and x not in ancestors(revs, c) for x in down)]
                if third and rng.random() < 0.2:
                    down.append(rng.choice(third))
            else:
                down = [a]
        else:
            down = [rng.choice(heads) if rng.random() < 0.65 else rng.choice(list(revs))]
        rev = Rev(rid, down, message=f"create t_{rid}")
        if rng.random() < 0.18:
            free = [l for l in LABEL_POOL if l not in used_labels]
            if free:
                label = rng.choice(free)
                used_labels.add(label)
                rev.labels = [label]
        if revs and rng.random() < 0.18:
            anc = ancestors(revs, down[0]) if down else set()
            cands = [r for r in revs if r not in down and r not in anc]
            if not cands:
                cands = [r for r in revs if r not in down]
            if cands:
                dep = rng.choice(cands)
                if revs[dep].labels and rng.random() < 0.4:
                    dep = revs[dep].labels[0]
                rev.deps = [dep]
                more = [r for r in cands if r != dep and r not in rev.deps and dep not in revs[r].labels]
                if more and rng.random() < 0.25:
                    rev.deps.append(rng.choice(more))
        revs[rid] = rev
    return list(revs.values())


def describe_graph(revs: list[Rev]) -> str:
    lines = []
    for r in revs:
        down = ", ".join(r.down) if r.down else "<base>"
        extra = ""
        if r.labels:
            extra += f" labels={','.join(r.labels)}"
        if r.deps:
            extra += f" depends_on={','.join(r.deps)}"
        lines.append(f"    {down} -> {r.id}{extra}")
    return "\n".join(lines)


def py_value(values: list[str]):
    if not values:
        return "None"
    if len(values) == 1:
        return repr(values[0])
    return repr(tuple(values))


def write_alembic_project(root: str, revs: list[Rev], env_py: str) -> None:
    os.makedirs(os.path.join(root, "migrations", "versions"))
    shutil.copy(env_py, os.path.join(root, "migrations", "env.py"))
    with open(os.path.join(root, "alembic.ini"), "w") as f:
        f.write(ALEMBIC_INI)
    for r in revs:
        slug = re.sub(r"\W+", "_", r.message).lower()
        body = f'''"""{r.message}

Revision ID: {r.id}
Revises: {", ".join(r.down)}
Create Date: {CREATE_DATE}

"""
from alembic import op
import sqlalchemy as sa


revision = {r.id!r}
down_revision = {py_value(r.down)}
branch_labels = {py_value(r.labels) if len(r.labels) != 1 else repr(tuple(r.labels))}
depends_on = {py_value(r.deps)}


def upgrade():
    op.execute("CREATE TABLE t_{r.id} (id INTEGER PRIMARY KEY)")


def downgrade():
    op.execute("DROP TABLE t_{r.id}")
'''
        with open(os.path.join(root, "migrations", "versions", f"{r.id}_{slug}.py"), "w") as f:
            f.write(body)


def write_our_project(root: str, revs: list[Rev]) -> None:
    os.makedirs(os.path.join(root, "migrations", "versions"))
    with open(os.path.join(root, "alembic.ini"), "w") as f:
        f.write(OUR_INI)
    for r in revs:
        slug = re.sub(r"\W+", "_", r.message).lower()
        body = (
            f"-- revision: {r.id}\n"
            f"-- down_revision: {', '.join(r.down)}\n"
            f"-- branch_labels: {', '.join(r.labels)}\n"
            f"-- depends_on: {', '.join(r.deps)}\n"
            f"-- message: {r.message}\n"
            f"-- create_date: {CREATE_DATE}\n"
            "\n-- +upgrade\n"
            f"CREATE TABLE t_{r.id} (id INTEGER PRIMARY KEY);\n"
            "\n-- +downgrade\n"
            f"DROP TABLE t_{r.id};\n"
        )
        with open(os.path.join(root, "migrations", "versions", f"{r.id}_{slug}.sql"), "w") as f:
            f.write(body)


ALEMBIC_INI = """[alembic]
script_location = %(here)s/migrations
sqlalchemy.url = sqlite:///%(here)s/db.sqlite

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
"""

OUR_INI = """[alembic]
script_location = %(here)s/migrations
sqlalchemy.url = sqlite:///%(here)s/db.sqlite
"""


# --------------------------------------------------------------------------- commands


def gen_target(rng: random.Random, revs: list[Rev], kind: str) -> str:
    ids = [r.id for r in revs]
    labels = [l for r in revs for l in r.labels]
    rid = rng.choice(ids)
    n = rng.randint(1, 3)
    options = [
        ("head", 3), ("heads", 3), ("base", 2), (rid, 6),
        (rid[: rng.randint(1, 5)], 3),
        (f"+{n}", 3), (f"-{n}", 3),
        (f"{rid}+{n}", 2), (f"{rid}-{n}", 2), (f"{rid[:4]}+{n}", 1),
        (f"head-{n}", 1), (f"heads-{n}", 1), (f"head+{n}", 1),
        (f"{rng.choice(ids)}@{rid}", 1), ("zzzz", 1),
    ]
    if labels:
        lab = rng.choice(labels)
        options += [
            (lab, 3), (f"{lab}@head", 3), (f"{lab}@heads", 1), (f"{lab}@base", 1),
            (f"{lab}@+{n}", 2), (f"{lab}@-{n}", 2), (f"{lab}@{rid}", 1),
        ]
    if kind == "show":
        options += [("current", 2)]
    values, weights = zip(*options)
    return rng.choices(values, weights)[0]


def gen_range_side(rng: random.Random, revs: list[Rev]) -> str:
    ids = [r.id for r in revs]
    labels = [l for r in revs for l in r.labels]
    rid = rng.choice(ids)
    n = rng.randint(1, 2)
    options = ["", "", "base", "heads", "head", rid, rid, rid[:4], "current", f"-{n}",
               f"{rid}-{n}", f"{rid}+{n}", f"head-{n}"]
    if labels:
        lab = rng.choice(labels)
        options += [lab, f"{lab}@head", f"{lab}@-1", f"{lab}@base"]
    return rng.choice(options)


def gen_command(rng: random.Random, revs: list[Rev]) -> list[str]:
    kind = rng.choices(
        ["upgrade", "downgrade", "stamp", "heads", "history", "branches", "current", "show"],
        [8, 6, 3, 1.5, 2.5, 1, 2, 1.5],
    )[0]
    if kind in ("upgrade", "downgrade", "stamp") and rng.random() < 0.15:
        # Offline: only the exit status, the error and the log lines are compared.
        target = gen_target(rng, revs, kind)
        if kind == "downgrade" or rng.random() < 0.5:
            target = f"{gen_range_side(rng, revs) or gen_target(rng, revs, kind)}:{target}"
        return [kind, "--sql", target]
    if kind in ("upgrade", "downgrade"):
        return [kind, gen_target(rng, revs, kind)]
    if kind == "stamp":
        cmd = ["stamp"]
        if rng.random() < 0.15:
            cmd.append("--purge")
        cmd.append(gen_target(rng, revs, kind))
        if rng.random() < 0.15:
            cmd.append(gen_target(rng, revs, kind))
        return cmd
    if kind == "heads":
        return ["heads"] + rng.choice([[], [], ["--resolve-dependencies"], ["-v"]])
    if kind == "history":
        variant = rng.random()
        if variant < 0.3:
            return ["history"]
        if variant < 0.5:
            return ["history", "-i"]
        if variant < 0.55:
            return ["history", "-v"] + rng.choice([[], ["-i"]])
        return ["history", f"--rev-range={gen_range_side(rng, revs)}:{gen_range_side(rng, revs)}"]
    if kind == "branches":
        return ["branches"] + rng.choice([[], ["-v"]])
    if kind == "current":
        return ["current"] + rng.choice([[], [], ["-v"]])
    return ["show", gen_target(rng, revs, "show")]


MUTATING = {"upgrade", "downgrade", "stamp"}


# --------------------------------------------------------------------------- runners


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.code == 0

    @property
    def crashed(self) -> bool:
        """A Python traceback or a Rust panic rather than a clean failure."""
        return "Traceback (most recent call last)" in self.stderr or "panicked" in self.stderr

    def failed_text(self) -> str | None:
        for stream in (self.stdout, self.stderr):
            for line in stream.splitlines():
                if line.startswith("FAILED: "):
                    return line[len("FAILED: "):]
        return None


class InProcessAlembic:
    """Python Alembic's command line, run in this process (see the module doc)."""

    def __init__(self) -> None:
        from alembic import config as alembic_config
        from alembic.util import messaging

        messaging.TERMWIDTH = None
        self.config = alembic_config

    def run(self, cwd: str, argv: list[str]) -> Result:
        out, err = io.StringIO(), io.StringIO()
        old = os.getcwd()
        code = 0
        os.chdir(cwd)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
                warnings.simplefilter("always")
                try:
                    cli = self.config.CommandLine(prog="alembic")
                    options = cli.parser.parse_args(argv)
                    toml, ini = cli._inis_from_config(options)
                    cfg = self.config.Config(
                        file_=ini, toml_file=toml, ini_section=options.name,
                        cmd_opts=options, stdout=out,
                    )
                    cli.run_cmd(cfg, options)
                except SystemExit as e:
                    code = e.code if isinstance(e.code, int) else 1
                    code = code & 0xFF
                except BaseException:  # noqa: BLE001 - a crash is a result here
                    traceback.print_exc(file=err)
                    code = 1
        finally:
            os.chdir(old)
        return Result(code, out.getvalue(), err.getvalue())


class SubprocessRunner:
    def __init__(self, exe: list[str]) -> None:
        self.exe = exe

    def run(self, cwd: str, argv: list[str]) -> Result:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ALEMBIC_CONFIG")}
        env.update(PYTHONHASHSEED="0", TZ="UTC")
        p = subprocess.run(
            self.exe + argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=60,
        )
        return Result(p.returncode, p.stdout, p.stderr)


def db_state(root: str) -> tuple[frozenset, frozenset, bool]:
    path = os.path.join(root, "db.sqlite")
    if not os.path.exists(path):
        return frozenset(), frozenset(), False
    con = sqlite3.connect(path)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        rows = frozenset(r[0] for r in con.execute("SELECT version_num FROM alembic_version")) \
            if "alembic_version" in tables else frozenset()
    finally:
        con.close()
    return rows, frozenset(t for t in tables if t.startswith("t_")), "alembic_version" in tables


# --------------------------------------------------------------------------- comparison

RUNNING = re.compile(r"^INFO  \[alembic\.runtime\.migration\] (Running .*)$")


def running_lines(stderr: str) -> list[str]:
    return [m.group(1) for line in stderr.splitlines() if (m := RUNNING.match(line))]


def sort_labels(m: re.Match) -> str:
    items = m.group(1).split(", ")
    if all(i in LABEL_POOL for i in items):
        items = sorted(items)
    return "(" + ", ".join(items) + ")"


def normalise_stdout(cmd: list[str], text: str) -> str:
    # Branch labels are a set in Alembic (hash order); ours are sorted.
    text = re.sub(r"\(([^()]*, [^()]*)\)", sort_labels, text)
    text = re.sub(
        r"(?m)^Branch names: (.*)$",
        lambda m: "Branch names: " + ", ".join(sorted(m.group(1).split(", "))), text,
    )
    text = re.sub(r"(?m)^Path: .*$", "Path: <path>", text)
    text = re.sub(r"(?m)^Current revision\(s\) for .*:$", "Current revision(s) for <url>:", text)
    text = re.sub(
        r"(?m)^Branches into: (.*)$",
        lambda m: "Branches into: " + ", ".join(sorted(m.group(1).split(", "))), text,
    )
    if cmd[:2] == ["show", "current"]:
        # One block per version row: Alembic in the database's order, ours sorted.
        text = "\n\n".join(sorted(b for b in text.split("\n\n") if b.strip())) + "\n"
    if cmd[0] == "current":
        blocks = text.split("\n\n") if "-v" in cmd else text.splitlines()
        head = []
        if "-v" in cmd and blocks and blocks[0].startswith("Current revision(s)"):
            first, _, rest = blocks[0].partition("\n")
            head, blocks[0] = [first], rest
        text = "\n".join(head + sorted(blocks))
    if cmd[0] == "branches":
        out, children = [], []
        for line in text.splitlines():
            if re.match(r"^ +-> ", line):
                children.append(line)
            else:
                out.extend(sorted(children))
                children = []
                out.append(line)
        out.extend(sorted(children))
        text = "\n".join(out)
    return text


@dataclass
class Mismatch:
    kind: str          # "stdout", "exit", "failed-text", "log", "log-order", "rows", "tables", ...
    command: str       # the command's name
    detail: str
    allowed: str | None = None  # the documented departure, if any

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.command}"


def departure(cmd: list[str], a: Result, o: Result, before, a_state, o_state,
              multi_deps: bool = False) -> str | None:
    """The documented departure that explains a difference between Alembic and us, if any.

    `before` is the (common) database state before the command; the states are
    `(rows, tables, has_version_table)`; `multi_deps`: some revision has several
    `depends_on` entries (Alembic keeps them in a set, so its walk order varies).
    """
    ours = o.failed_text() or ""
    theirs = a.failed_text() or ""
    if a.crashed and not o.crashed:
        return "alembic crashes (traceback); ours gives a clear error or an answer"
    if ours.startswith("Ambiguous revision prefix") and theirs.startswith("Can't locate revision"):
        return "ambiguous prefix lists its matches"
    if "walks past the ends of the revision graph" in ours and not a.ok:
        return "overwalk is a clear error"
    if ours.startswith("Stamp targets") and "overlap" in ours:
        return "stamp A B with A an ancestor of B refuses"
    if not a.ok and not o.ok and "--purge" in cmd and not a_state[0] and o_state[:2] == before[:2]:
        return "a failing stamp --purge changes nothing (Alembic has already emptied the table)"
    if re.search(r"\('[^']*'(, '[^']*')*,?\)", theirs) and \
            re.sub(r"\('[^']*'(, '[^']*')*,?\)", "current", theirs) == ours:
        return "range errors name 'current', not a Python tuple"
    same_state = a_state[:2] == o_state[:2]  # whether the version table exists aside
    if multi_deps and a.ok and o.ok and same_state:
        al, ol = running_lines(a.stderr), running_lines(o.stderr)
        an, on = normalise_stdout(cmd, a.stdout), normalise_stdout(cmd, o.stdout)
        same_out = cmd[0] in MUTATING or sorted(an.splitlines()) == sorted(on.splitlines())
        if sorted(al) == sorted(ol) and same_out:
            return "order among a revision's several dependencies (Alembic: hash order)"
    if "from multiple heads is ambiguous" in a.stderr:
        return "several version rows are taken in sorted order (Alembic: the database's order)"
    al, ol = running_lines(a.stderr), running_lines(o.stderr)
    if cmd[0] == "stamp" and a.ok and o.ok and any(re.match(r"Running stamp_revision \S+, ", l) for l in al) \
            and [l.split(" -> ")[1] for l in al] == [l.split(" -> ")[1] for l in ol]:
        return "stamp moves only the rows related to each target (Alembic moves all of them at each)"
    if a.ok and o.ok and a_state[:2] == o_state[:2] and al != ol:
        if sorted(al) == sorted(ol) and len(before[0]) > 1:
            return "several version rows are taken in sorted order (Alembic: the database's order)"
        if cmd[0] == "stamp" and list(dict.fromkeys(al)) == ol:
            return "a stamp target reached twice is stamped once"
    return None


def compare(cmd: list[str], a: Result, o: Result, before, a_state, o_state,
            multi_deps: bool = False, a_had_table: bool = False) -> list[Mismatch]:
    """`before` is our state before the command; `a_had_table` whether Alembic's database
    had the version table then (a failed Alembic command may leave it created)."""
    out: list[Mismatch] = []
    name = cmd[0]
    allowed = departure(cmd, a, o, before, a_state, o_state, multi_deps)

    def add(kind: str, detail: str) -> None:
        out.append(Mismatch(kind, name, detail, allowed))

    if a.ok != o.ok:
        add("exit", f"alembic rc={a.code} ours rc={o.code}\n"
            f"alembic: {(a.failed_text() or a.stdout + a.stderr).strip()[-600:]}\n"
            f"ours:    {(o.failed_text() or o.stdout + o.stderr).strip()[-600:]}")
    elif not a.ok:
        at, ot = a.failed_text(), o.failed_text()
        if at is not None and at != ot and not a.crashed:
            add("failed-text", f"alembic: FAILED: {at}\nours:    FAILED: {ot}")
    else:
        if name not in MUTATING:
            an, on = normalise_stdout(cmd, a.stdout), normalise_stdout(cmd, o.stdout)
            if an != on:
                add("stdout", f"alembic stdout:\n{indent(an)}\nours stdout:\n{indent(on)}")
    al, ol = running_lines(a.stderr), running_lines(o.stderr)
    if al != ol:
        kind = "log-order" if sorted(al) == sorted(ol) else "log"
        add(kind, f"alembic log:\n{indent(chr(10).join(al))}\nours log:\n{indent(chr(10).join(ol))}")
    if a_state[0] != o_state[0]:
        add("rows", f"alembic rows {sorted(a_state[0])}; ours rows {sorted(o_state[0])}")
    if a.ok and o.ok and a_had_table == before[2] and a_state[2] != o_state[2]:
        note = "read-only commands never create the version table (Alembic: history -i, show current do)"
        out.append(Mismatch("version-table", name,
                            f"alembic has alembic_version: {a_state[2]}; ours: {o_state[2]}",
                            allowed or (note if name not in MUTATING and not o_state[2] else None)))
    if a_state[1] != o_state[1]:
        add("tables", f"alembic tables {sorted(a_state[1])}; ours tables {sorted(o_state[1])}")
    return out


def indent(text: str) -> str:
    return "\n".join("      " + l for l in text.splitlines()) if text else "      (empty)"


# --------------------------------------------------------------------------- cases


@dataclass
class CaseRun:
    mismatches: list[Mismatch]
    at: int  # index of the command with the first mismatch not allowed, -1 if none
    ran: int  # commands run on both sides


class Harness:
    def __init__(self, alembic, ours, env_py: str, workdir: str, keep: bool = False) -> None:
        self.alembic, self.ours, self.env_py, self.workdir = alembic, ours, env_py, workdir
        self.keep = keep
        self.counter = 0

    def run(self, revs: list[Rev], commands: list[list[str]], stop_at_first: bool = True) -> CaseRun:
        self.counter += 1
        base = os.path.join(self.workdir, f"c{self.counter}")
        a_dir, o_dir = os.path.join(base, "alembic"), os.path.join(base, "ours")
        write_alembic_project(a_dir, revs, self.env_py)
        write_our_project(o_dir, revs)
        found: list[Mismatch] = []
        at = -1
        ran = 0
        before = db_state(o_dir)
        a_had_table = False
        try:
            for i, cmd in enumerate(commands):
                a = self.alembic.run(a_dir, cmd)
                o = self.ours.run(o_dir, cmd)
                ran += 1
                a_state, o_state = db_state(a_dir), db_state(o_dir)
                ms = compare(cmd, a, o, before, a_state, o_state,
                             multi_deps=any(len(r.deps) > 1 for r in revs),
                             a_had_table=a_had_table)
                before, a_had_table = o_state, a_state[2]
                found.extend(ms)
                if any(m.allowed is None for m in ms) and at < 0:
                    at = i
                    if stop_at_first:
                        break
                if a_state[:2] != o_state[:2]:
                    # Diverged (a bug or an allowed departure): later commands prove nothing.
                    break
        finally:
            if not self.keep:
                shutil.rmtree(base, ignore_errors=True)
        return CaseRun(found, at, ran)

    def minimise(self, revs: list[Rev], commands: list[list[str]], key: str, budget: int = 40) -> list[list[str]]:
        """Drops earlier commands greedily while the last one still shows a mismatch `key`."""
        cmds = list(commands)
        i = len(cmds) - 2
        while i >= 0 and budget > 0:
            trial = cmds[:i] + cmds[i + 1:]
            budget -= 1
            r = self.run(revs, trial)
            if r.at == len(trial) - 1 and any(m.key == key for m in r.mismatches):
                cmds = trial
            i -= 1
        return cmds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--commands", type=int, default=12, help="commands per case (max)")
    ap.add_argument("--ours", default=None, help="our binary (default: target/debug/alembic)")
    ap.add_argument("--subprocess", action="store_true", help="run Python Alembic as a process per command")
    ap.add_argument("--only", type=int, default=None, help="run only this case number")
    ap.add_argument("--keep", default=None, help="keep the projects under this directory")
    ap.add_argument("--show-allowed", action="store_true", help="print allowed (documented) mismatches too")
    args = ap.parse_args()

    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ours_bin = args.ours or os.path.join(repo, "target", "debug", "alembic")
    import alembic

    env_py = os.path.join(os.path.dirname(alembic.__file__), "templates", "generic", "env.py")
    if args.subprocess:
        theirs = SubprocessRunner([os.path.join(os.path.dirname(sys.executable), "alembic")])
    else:
        theirs = InProcessAlembic()

    started = time.monotonic()
    failures: dict[str, list[tuple[int, list[Rev], list[list[str]], list[Mismatch]]]] = {}
    allowed: dict[str, int] = {}
    commands_run = 0
    with tempfile.TemporaryDirectory(prefix="alembic-compat-") as tmp:
        workdir = args.keep or tmp
        os.makedirs(workdir, exist_ok=True)
        # A private copy: others may rebuild target/debug while this runs.
        private_bin = os.path.join(tmp, "alembic-under-test")
        shutil.copy2(ours_bin, private_bin)
        ours = SubprocessRunner([private_bin])
        harness = Harness(theirs, ours, env_py, workdir, keep=bool(args.keep))
        for case in range(args.cases):
            if args.only is not None and case != args.only:
                continue
            rng = random.Random(f"{args.seed}:{case}")
            revs = gen_graph(rng)
            commands = [gen_command(rng, revs) for _ in range(rng.randint(3, args.commands))]
            r = harness.run(revs, commands, stop_at_first=False)
            commands_run += r.ran
            if not r.mismatches:
                continue
            real = [m for m in r.mismatches if m.allowed is None]
            for m in r.mismatches:
                if m.allowed is not None:
                    allowed[m.allowed] = allowed.get(m.allowed, 0) + 1
                    if args.show_allowed:
                        print(f"[allowed] case {case}: {m.key}: {m.allowed}\n{m.detail}\n")
            if not real:
                continue
            key = real[0].key
            if len(failures.get(key, [])) < 3:
                prefix = commands[: r.at + 1]
                small = harness.minimise(revs, prefix, key)
                again = harness.run(revs, small)
                detail = again.mismatches if again.mismatches else r.mismatches
                failures.setdefault(key, []).append((case, revs, small, detail))
            else:
                failures[key].append((case, revs, [], []))

    elapsed = time.monotonic() - started
    total = sum(len(v) for v in failures.values())
    print(f"== alembic differential: seed {args.seed}, {args.cases} cases, "
          f"{commands_run} commands compared, {elapsed:.0f}s")
    for key, items in sorted(failures.items()):
        print(f"\n## {key}: {len(items)} case(s) (cases {', '.join(str(c) for c, *_ in items[:20])})")
        for case, revs, cmds, detail in items[:3]:
            if not cmds:
                continue
            print(f"\n  case {case} (rerun: --seed {args.seed} --only {case})\n  graph:")
            print(describe_graph(revs))
            print("  commands:")
            for c in cmds:
                print("    alembic " + " ".join(c))
            for m in detail:
                tag = f" [allowed: {m.allowed}]" if m.allowed else ""
                print(f"  -> {m.key}{tag}\n{indent(m.detail)}")
    if allowed:
        print("\nallowed (documented departures):")
        for reason, n in sorted(allowed.items()):
            print(f"  {n:5d}  {reason}")
    print(f"\ncases with mismatches not on the allow-list: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
