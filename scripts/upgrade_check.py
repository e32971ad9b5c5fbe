"""Upgrade check: a database made and filled by the previous code, upgraded by the new code's own
migrate command, is read and processed by the new code.

Usage:

    python scripts/upgrade_check.py CHECKOUT [--before REF] [--db URL|postgresql|sqlite]
                                    [--spec FILE] [--compare-fresh] [--term OLD:NEW]... [--python PY] [--keep]

CHECKOUT is a git checkout whose work tree holds the NEW code (e.g. right after `runsmig apply`) and
whose commit REF (default HEAD) holds the OLD code. Neither is modified: the old code is exported
with `git archive REF`, the new code is a copy of the work tree's files (`git ls-files -co
--exclude-standard`), both into a temp folder.

Steps, one PASS/FAIL line each (a failing step prints the tail of its output; the steps that need
it print SKIP); exit 0 when every step passes, 1 when one fails, 2 on a usage or spec error, 3 when
the spec names no seed or read step (only the migrations were checked):

1. a fresh, empty database: with `--db postgresql://USER@HOST:PORT/ADMIN_DB` (default
   postgresql://postgres@127.0.0.1:5432/postgres; `--db postgresql` for that default) a new
   database `upgrade_check_<hex>` on that server, dropped afterwards unless `--keep`; with
   `--db sqlite` a file in the temp folder;
2. old code: migrate to head, then seed;
3. with `--term job:run`: every table whose name holds the term has at least 3 rows (as a word
   between `_`, or inside one: Django's `shop_djangojob` joins the words of its model's name);
4. new code: migrate (its own command, on the old database); every table that had rows still has at
   least as many (under its name, or under the name the terms give it: jobs -> runs, and where no
   such table exists, the term replaced inside a word: shop_djangojob -> shop_djangorun);
5. new code: read (its own code reads and processes the old rows);
6. with `--compare-fresh`: a second database, installed from nothing by the new code (the spec's
   `fresh`, e.g. its schema file, else its migrate; a `sql_folder` migrate's bookkeeping table
   `schema_migrations` is then left out of both dumps); its schema must
   equal the upgraded one (PostgreSQL: `pg_dump --schema-only`, comments, SET lines and \\restrict
   keys left out, a table's columns in name order; SQLite: `sqlite_master` sorted), else a unified diff is printed.

The spec (`--spec`, default `upgrade.yaml`; a relative path is read from each tree, so the old steps
come from the old tree's spec and the new steps from the new tree's) is YAML:

    version: 1                      # optional; 1
    cwd: .                          # optional: folder of every step, relative to the tree
    env: {NAME: "{sqlalchemy_url}"} # optional: extra environment of every step
    migrate: COMMAND                # optional: found when left out (below)
    seed: COMMAND                   # the old code's rows
    read: COMMAND                   # the new code reads and processes them (exit 0 = usable)
    fresh: COMMAND                  # optional: a fresh install (its schema file); default: migrate

A COMMAND is a string (split like a shell does, not run by one) or a list of words, or a mapping
`{run: COMMAND, cwd: DIR, env: {...}}`. `migrate` may also be `{alembic: alembic.ini}`,
`{django: manage.py}` or `{sql_folder: DIR}`. A first word `python` is the interpreter `--python`
(default: the one running this script). In words and env values, `{db_url}` is the database's plain
URL (postgresql://user@host:port/name, sqlite:////abs/path.db: the dj-database-url form),
`{sqlalchemy_url}` the same with the driver (postgresql+psycopg://..., sqlite:////...), `{db_path}`
the SQLite file, `{db_kind}` postgresql or sqlite, `{root}` the tree, `{python}` the interpreter.
Every step gets DATABASE_URL={db_url} and PYTHONPATH=<its folder> unless the spec's env says
otherwise.

When `migrate` is left out it is found in the tree, first match wins:

- `alembic.ini` (at the root, or one or two levels down): `alembic upgrade head` with that ini and its
  `sqlalchemy.url` set to {sqlalchemy_url} (as `Config.set_main_option` does: env.py files that read
  `config.get_main_option("sqlalchemy.url")`, as Alembic's templates do, need nothing more; one that
  reads an environment variable gets it from the spec's `env`);
- `manage.py` (likewise): `python manage.py migrate --noinput`; the project's settings
  read DATABASE_URL (the convention: its DATABASES come from that variable);
- a folder `migrations`, `db/migrations`, `sql/migrations` or `sql` holding `*.sql` files and no
  `*.py`: its files in name order, each applied (psql -1 -v ON_ERROR_STOP=1, or sqlite3) in one
  transaction with its name recorded in `schema_migrations(version)`, so an upgrade applies only the
  files the database has not seen.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
STEP_TIMEOUT = 600
TAIL = 30
PLACEHOLDER = re.compile(r"\{(db_url|sqlalchemy_url|db_path|db_kind|root|python)\}")
SQL_DIRS = ("migrations", "db/migrations", "sql/migrations", "sql")


class UsageError(Exception):
    """A bad option, checkout or spec: one line, exit 2."""


# ---------------------------------------------------------------- the spec


@dataclass
class Command:
    words: list[str] | None = None  # a command to run
    kind: str = "run"  # run | alembic | django | sql_folder
    target: str = ""  # the ini, manage.py or folder of a found/named migrate
    cwd: str = "."
    env: dict[str, str] = field(default_factory=dict)

    def label(self) -> str:
        if self.kind == "alembic":
            return f"alembic -c {self.target} upgrade head (sqlalchemy.url set)"
        if self.kind == "django":
            return f"python {self.target} migrate --noinput"
        if self.kind == "sql_folder":
            return f"{self.target}/*.sql (schema_migrations)"
        return shlex.join(self.words or [])


@dataclass
class Spec:
    path: str | None = None
    cwd: str = "."
    env: dict[str, str] = field(default_factory=dict)
    steps: dict[str, Command] = field(default_factory=dict)


def _where(path: str, node) -> str:
    return f"{path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def _str(path: str, node, what: str) -> str:
    import yaml

    if not isinstance(node, yaml.ScalarNode) or node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int"):
        raise UsageError(f"{_where(path, node)}: {what}: expected a string")
    return node.value


def _mapping(path: str, node, what: str, allowed: tuple[str, ...]) -> dict[str, tuple]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        raise UsageError(f"{_where(path, node)}: {what}: expected a mapping")
    out: dict[str, tuple] = {}
    for key, value in node.value:
        name = _str(path, key, what + " key")
        if name in out:
            raise UsageError(f"{_where(path, key)}: {what}.{name}: given twice")
        if allowed and name not in allowed:
            raise UsageError(f"{_where(path, key)}: {what}.{name}: unknown key (allowed: {', '.join(allowed)})")
        out[name] = (key, value)
    return out


def _env(path: str, node, what: str) -> dict[str, str]:
    env = {}
    for name, (key, value) in _mapping(path, node, what, ()).items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"{_where(path, key)}: {what}.{name}: not an environment variable name")
        env[name] = _str(path, value, f"{what}.{name}")
    return env


def _words(path: str, node, what: str) -> list[str]:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        words = [_str(path, item, f"{what}[{i}]") for i, item in enumerate(node.value)]
    else:
        text = _str(path, node, what)
        try:
            words = shlex.split(text)
        except ValueError as exc:
            raise UsageError(f"{_where(path, node)}: {what}: {exc}") from None
    if not words:
        raise UsageError(f"{_where(path, node)}: {what}: empty command")
    return words


def _command(path: str, node, step: str) -> Command:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return Command(words=_words(path, node, step))
    kinds = ("run", "alembic", "django", "sql_folder") if step in ("migrate", "fresh") else ("run",)
    keys = _mapping(path, node, step, (*kinds, "cwd", "env"))
    given = [k for k in kinds if k in keys]
    if len(given) != 1:
        raise UsageError(f"{_where(path, node)}: {step}: needs exactly one of {', '.join(kinds)}")
    kind = given[0]
    cmd = Command(kind=kind)
    if kind == "run":
        cmd.words = _words(path, keys["run"][1], f"{step}.run")
    else:
        cmd.target = _str(path, keys[kind][1], f"{step}.{kind}")
    if "cwd" in keys:
        cmd.cwd = _str(path, keys["cwd"][1], f"{step}.cwd")
    if "env" in keys:
        cmd.env = _env(path, keys["env"][1], f"{step}.env")
    return cmd


def load_spec(file: Path, shown: str | None = None) -> Spec:
    """Read and validate a spec; every error names file:line:column (the file as `shown`)."""
    import yaml

    path = shown or str(file)
    try:
        root = yaml.compose(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        raise UsageError(f"{at}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    spec = Spec(path=path)
    if root is None:
        return spec
    keys = _mapping(path, root, "spec", ("version", "cwd", "env", "migrate", "seed", "read", "fresh"))
    if "version" in keys and _str(path, keys["version"][1], "version") != "1":
        raise UsageError(f"{_where(path, keys['version'][1])}: version: only 1 is known")
    if "cwd" in keys:
        spec.cwd = _str(path, keys["cwd"][1], "cwd")
    if "env" in keys:
        spec.env = _env(path, keys["env"][1], "env")
    for step in ("migrate", "seed", "read", "fresh"):
        if step in keys:
            spec.steps[step] = _command(path, keys[step][1], step)
    return spec


def detect_migrate(tree: Path) -> Command | None:
    """The migrate command a tree's layout implies (see the module docstring), or None."""
    def first(name: str) -> Path | None:
        for pattern in (name, f"*/{name}", f"*/*/{name}"):
            hits = sorted(p for p in tree.glob(pattern) if p.is_file() and not any(
                part.startswith(".") or part == "node_modules" for part in p.relative_to(tree).parts[:-1]))
            if hits:
                return hits[0]
        return None

    if (ini := first("alembic.ini")) is not None:
        return Command(kind="alembic", target=ini.relative_to(tree).as_posix())
    if (manage := first("manage.py")) is not None:
        return Command(kind="django", target=manage.relative_to(tree).as_posix())
    for name in SQL_DIRS:
        folder = tree / name
        if folder.is_dir() and any(folder.glob("*.sql")) and not any(folder.glob("*.py")):
            return Command(kind="sql_folder", target=name)
    return None


# ---------------------------------------------------------------- databases


def _run(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=STEP_TIMEOUT, **kw)


class Database:
    """One scratch database: created empty, dropped by `drop`."""

    def __init__(self, kind: str, admin: str | None, scratch: Path, tag: str):
        self.kind = kind
        self.admin = admin
        if kind == "sqlite":
            self.path = str(scratch / f"{tag}.db")
            self.url = self.sqlalchemy_url = f"sqlite:///{self.path}"
            self.name = self.path
            return
        parts = urlsplit(admin)
        scheme, _, driver = parts.scheme.partition("+")
        self.name = f"upgrade_check_{uuid.uuid4().hex[:10]}_{tag}"
        self.path = ""
        self.url = urlunsplit(("postgresql", parts.netloc, "/" + self.name, parts.query, ""))
        self.sqlalchemy_url = urlunsplit((f"postgresql+{driver or 'psycopg'}", parts.netloc, "/" + self.name, parts.query, ""))
        self.admin = urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))

    def placeholders(self) -> dict[str, str]:
        return {"db_url": self.url, "sqlalchemy_url": self.sqlalchemy_url, "db_path": self.path, "db_kind": self.kind}

    def psql(self, sql: str, url: str | None = None) -> str:
        res = _run(["psql", url or self.url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        if res.returncode:
            raise RuntimeError(f"psql: {res.stderr.strip() or res.stdout.strip()}")
        return res.stdout

    def create(self) -> None:
        if self.kind == "postgresql":
            # template0 takes no connections: a session idling in template1 (another client of a
            # shared server) cannot make CREATE DATABASE fail
            self.psql(f'CREATE DATABASE "{self.name}" TEMPLATE template0', self.admin)
        else:
            sqlite3.connect(self.path).close()

    def drop(self) -> None:
        if self.kind == "postgresql":
            self.psql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', self.admin)

    def row_counts(self) -> dict[str, int]:
        """Rows of every table (PostgreSQL: every schema's but the system's; a table outside the
        current schema is named ``schema.table``)."""
        if self.kind == "sqlite":
            with sqlite3.connect(self.path) as conn:
                names = [r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
                return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
        rows = self.psql("SELECT CASE WHEN table_schema = current_schema() THEN '' ELSE table_schema END, table_name"
                         " FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
                         " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
                         " AND table_schema NOT LIKE 'pg\\_%' ORDER BY 1, 2").split()
        if not rows:
            return {}
        pairs = [tuple(r.split("|", 1)) for r in rows]
        union = " UNION ALL ".join(
            f"SELECT '{f'{sc}.{n}' if sc else n}', count(*) FROM {f'{_quote(sc)}.' if sc else ''}{_quote(n)}"
            for sc, n in pairs)
        return {name: int(count) for name, count in (line.split("|") for line in self.psql(union).split())}

    def schema(self, exclude: tuple[str, ...] = ()) -> list[str]:
        """The schema as normalised lines (what two databases are compared by), without the
        PostgreSQL tables named in ``exclude``."""
        if self.kind == "sqlite":
            with sqlite3.connect(self.path) as conn:
                rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"
                                    " WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
            return [f"{t} {n} ON {tb}: {' '.join((sql or '').split())}" for t, n, tb, sql in rows]
        res = _run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges",
                    *(f"--exclude-table={t}" for t in exclude), self.url])
        if res.returncode:
            raise RuntimeError(f"pg_dump: {res.stderr.strip()}")
        return normalise_pg_dump(res.stdout)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def normalise_pg_dump(text: str) -> list[str]:
    """pg_dump's schema without what differs between two dumps of one schema: comments, blank
    lines, session SET lines and psql's per-dump \\restrict key; a table's column and constraint
    lines are sorted (without their trailing comma): ALTER TABLE cannot reorder columns, so a
    migrated database has its added columns last where a fresh install may declare them earlier."""
    keep: list[str] = []
    table: list[str] | None = None
    for line in text.splitlines():
        s = line.rstrip()
        if not s or s.startswith("--") or s.startswith(("SET ", "SELECT pg_catalog.set_config(", "\\restrict", "\\unrestrict")):
            continue
        if table is not None:
            if s.startswith(")"):
                keep += sorted(table)
                table = None
            else:
                table.append(s.removesuffix(","))
                continue
        elif s.startswith("CREATE TABLE ") and s.endswith("("):
            keep.append(s)
            table = []
            continue
        keep.append(s)
    return keep + sorted(table or [])


def apply_sql_folder(db: Database, folder: Path) -> tuple[bool, str]:
    """Apply the folder's *.sql files the database has not recorded, in name order."""
    files = sorted(folder.glob("*.sql"), key=lambda p: p.name)
    log: list[str] = []
    if db.kind == "sqlite":
        with sqlite3.connect(db.path, isolation_level=None) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY)")
            done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
            for f in files:
                if f.name in done:
                    continue
                try:
                    conn.execute("BEGIN")
                    for stmt in _sqlite_statements(f.read_text(encoding="utf-8")):
                        conn.execute(stmt)
                    conn.execute("INSERT INTO schema_migrations (version) VALUES (?)", (f.name,))
                    conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    conn.execute("ROLLBACK")
                    log.append(f"{f.name}: {exc}")
                    return False, "\n".join(log)
                log.append(f"applied {f.name}")
        return True, "\n".join(log) or "nothing to apply"
    try:
        db.psql("CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY)")
        done = set(db.psql("SELECT version FROM schema_migrations").split())
    except RuntimeError as exc:
        return False, str(exc)
    for f in files:
        if f.name in done:
            continue
        record = f"INSERT INTO schema_migrations (version) VALUES ('{f.name.replace(chr(39), chr(39) * 2)}')"
        res = _run(["psql", db.url, "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-f", str(f), "-c", record])
        log.append(f"{f.name}: {(res.stdout + res.stderr).strip()}" if res.returncode else f"applied {f.name}")
        if res.returncode:
            return False, "\n".join(log)
    return True, "\n".join(log) or "nothing to apply"


def _sqlite_statements(text: str) -> list[str]:
    """Split a script into complete statements (sqlite3.complete_statement decides)."""
    out, buf = [], ""
    for line in text.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf)
            buf = ""
    if buf.strip() and not all(ln.strip().startswith("--") or not ln.strip() for ln in buf.splitlines()):
        out.append(buf)
    return out


# ---------------------------------------------------------------- steps

ALEMBIC_UPGRADE = (
    "import sys\n"
    "from alembic import command\n"
    "from alembic.config import Config\n"
    "cfg = Config(sys.argv[1])\n"
    "cfg.set_main_option('sqlalchemy.url', sys.argv[2].replace('%', '%%'))\n"
    "command.upgrade(cfg, 'head')\n"
)


@dataclass
class Tree:
    label: str  # old | new
    root: Path
    spec: Spec


class Checker:
    def __init__(self, python: str):
        self.python = python
        self.results: list[tuple[str, str]] = []  # (PASS|FAIL|SKIP, name)

    def report(self, verdict: str, name: str, detail: str = "", tail: str = "") -> bool:
        self.results.append((verdict, name))
        print(f"{verdict}  {name}" + (f"  ({detail})" if detail else ""), flush=True)
        if tail and verdict == "FAIL":
            lines = tail.rstrip().splitlines()[-TAIL:]
            print("\n".join("    | " + ln for ln in lines), flush=True)
        return verdict == "PASS"

    def skip(self, name: str, why: str) -> None:
        self.report("SKIP", name, why)

    def run_step(self, tree: Tree, step: str, db: Database, name: str | None = None) -> bool:
        name = name or f"{tree.label}: {step}"
        cmd = tree.spec.steps.get(step)
        if cmd is None and step == "migrate":
            cmd = detect_migrate(tree.root)
            if cmd is None:
                return self.report("FAIL", name, "no migrate in the spec, and no alembic.ini, manage.py or SQL folder found")
        if cmd is None:
            self.skip(name, f"the spec names no {step}")
            return False
        values = {**db.placeholders(), "root": str(tree.root), "python": self.python}
        fill = lambda s: PLACEHOLDER.sub(lambda m: values[m.group(1)], s)  # noqa: E731
        cwd = (tree.root / tree.spec.cwd / cmd.cwd).resolve()
        env = dict(os.environ)
        env["DATABASE_URL"] = db.url
        env["PYTHONPATH"] = os.pathsep.join([str(cwd)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))
        env.update({k: fill(v) for k, v in {**tree.spec.env, **cmd.env}.items()})
        started = time.monotonic()
        try:
            if cmd.kind == "sql_folder":
                ok, out = apply_sql_folder(db, tree.root / cmd.target)
            else:
                if cmd.kind == "alembic":
                    ini = tree.root / cmd.target
                    argv, cwd = [self.python, "-c", ALEMBIC_UPGRADE, str(ini), db.sqlalchemy_url], ini.parent
                    env["PYTHONPATH"] = os.pathsep.join([str(cwd), env["PYTHONPATH"]])
                elif cmd.kind == "django":
                    manage = tree.root / cmd.target
                    argv, cwd = [self.python, str(manage), "migrate", "--noinput"], manage.parent
                    env["PYTHONPATH"] = os.pathsep.join([str(cwd), env["PYTHONPATH"]])
                else:
                    argv = [fill(w) for w in cmd.words or []]
                    if argv and argv[0] == "python":
                        argv[0] = self.python
                if not cwd.is_dir():
                    return self.report("FAIL", name, f"no folder {cwd}")
                res = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, timeout=STEP_TIMEOUT)
                ok, out = res.returncode == 0, res.stdout + ("" if res.returncode == 0 else f"\n[exit code {res.returncode}]")
        except subprocess.TimeoutExpired:
            ok, out = False, f"timed out after {STEP_TIMEOUT} s"
        except (OSError, RuntimeError) as exc:
            ok, out = False, str(exc)
        detail = f"{cmd.label()}; {time.monotonic() - started:.1f} s"
        return self.report("PASS" if ok else "FAIL", name, detail, out)


def renamed(table: str, terms: list[tuple[str, str]]) -> str:
    """A table's name with every term replaced as a word part (jobs -> runs, tracker_job -> tracker_run)."""
    pairs: dict[str, str] = {}
    for old, new in terms:
        pairs[old + "s"] = new + "s"
        pairs[old] = new
    return "_".join(pairs.get(part, part) for part in table.split("_"))


def renamed_inside(table: str, terms: list[tuple[str, str]]) -> str:
    """A table's name with every term replaced inside its words too (shop_djangojob -> shop_djangorun:
    Django names a table after its model's name lowercased, the words joined)."""
    out = table
    for old, new in terms:
        out = re.sub(f"{re.escape(old)}(s?)", lambda m, new=new: new + m.group(1), out)
    return out


def holds_term(table: str, terms: list[tuple[str, str]]) -> bool:
    """The term is one of the name's words or inside one (a lowercased CamelCase model name)."""
    return any(old in part for part in table.lower().split("_") for old, _ in terms)


# ---------------------------------------------------------------- trees


def git(checkout: Path, *args: str, binary: bool = False):
    res = subprocess.run(["git", "-C", str(checkout), *args], capture_output=True, text=not binary)
    if res.returncode:
        err = res.stderr if not binary else res.stderr.decode(errors="replace")
        raise UsageError(f"git {' '.join(args)}: {err.strip()}")
    return res.stdout


def export_old(checkout: Path, ref: str, dest: Path) -> str:
    sha = git(checkout, "rev-parse", "--verify", f"{ref}^{{commit}}").strip()
    archive = dest.parent / f"{dest.name}.tar"
    with archive.open("wb") as fh:
        res = subprocess.run(["git", "-C", str(checkout), "archive", "--format=tar", sha], stdout=fh, stderr=subprocess.PIPE)
    if res.returncode:
        raise UsageError(f"git archive {ref}: {res.stderr.decode(errors='replace').strip()}")
    dest.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    archive.unlink()
    return sha


def copy_work_tree(checkout: Path, dest: Path) -> int:
    names = git(checkout, "ls-files", "-z", "-co", "--exclude-standard").split("\0")
    count = 0
    for name in sorted({n for n in names if n}):
        src = checkout / name
        if not os.path.lexists(src) or src.is_dir():
            continue  # deleted in the work tree, or a submodule
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), target)
        else:
            shutil.copy2(src, target)
        count += 1
    return count


def read_spec(tree: Path, spec_arg: str | None, shown_tree: str) -> Spec:
    """The tree's spec: `spec_arg` (default upgrade.yaml) relative to the tree, or an absolute file
    used for both trees. No default spec: an empty one (migrate is found, nothing else runs)."""
    name = spec_arg or "upgrade.yaml"
    if Path(name).is_absolute():
        file, shown = Path(name), name
    else:
        file, shown = tree / name, f"{shown_tree}{name}"
    if not file.is_file():
        if spec_arg is not None:
            raise UsageError(f"{shown}: no such spec file")
        return Spec()
    return load_spec(file, shown)


# ---------------------------------------------------------------- main


def parse_term(text: str) -> tuple[str, str]:
    old, sep, new = text.partition(":")
    if not sep or not re.fullmatch(r"[a-z][a-z0-9]*", old) or not re.fullmatch(r"[a-z][a-z0-9]*", new):
        raise argparse.ArgumentTypeError(f"{text!r}: expected OLD:NEW, two lowercase words (job:run)")
    return old, new


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkout", type=Path, help="git checkout: the work tree is the new code, REF the old")
    ap.add_argument("--before", default="HEAD", metavar="REF", help="commit holding the old code (default HEAD)")
    ap.add_argument("--db", default=DEFAULT_PG, help=f"PostgreSQL admin URL, 'postgresql' ({DEFAULT_PG}) or 'sqlite'")
    ap.add_argument("--spec", help="spec file (default upgrade.yaml in each tree)")
    ap.add_argument("--compare-fresh", action="store_true", help="also compare the upgraded schema with a fresh install's")
    ap.add_argument("--term", action="append", type=parse_term, default=[], metavar="OLD:NEW",
                    help="the renamed term: tables naming it need >= 3 seeded rows, and may be renamed by the upgrade")
    ap.add_argument("--python", default=sys.executable, help="interpreter of `python` steps (default: this one)")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder and databases")
    args = ap.parse_args(argv)
    try:
        return check(args)
    except UsageError as exc:
        print(f"upgrade_check: error: {exc}", file=sys.stderr)
        return 2


def check(args) -> int:
    checkout = args.checkout.resolve()
    if not (checkout / ".git").exists():
        raise UsageError(f"{args.checkout}: not a git checkout")
    if args.db == "sqlite":
        kind, admin = "sqlite", None
    else:
        admin = DEFAULT_PG if args.db == "postgresql" else args.db
        if not urlsplit(admin).scheme.startswith("postgresql"):
            raise UsageError(f"--db {args.db}: expected postgresql://..., 'postgresql' or 'sqlite'")
        kind = "postgresql"
        missing = [tool for tool in ("psql", "pg_dump") if shutil.which(tool) is None]
        if missing:
            raise UsageError(f"{' and '.join(missing)} not found on PATH (needed for --db postgresql)")
    scratch = Path(tempfile.mkdtemp(prefix="upgrade-check-"))
    databases: list[Database] = []
    checker = Checker(args.python)
    try:
        sha = export_old(checkout, args.before, scratch / "old")
        copy_work_tree(checkout, scratch / "new")
        old = Tree("old", scratch / "old", read_spec(scratch / "old", args.spec, f"{args.before}:"))
        new = Tree("new", scratch / "new", read_spec(scratch / "new", args.spec, f"{checkout}/"))

        def database(tag: str) -> Database | None:
            db = Database(kind, admin, scratch, tag)
            try:
                db.create()
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
                checker.report("FAIL", f"{tag}: create an empty {kind} database", tail=str(exc))
                return None
            databases.append(db)
            return db

        print(f"upgrade check: {checkout} (old: {args.before} = {sha[:10]}, new: the work tree) on {kind}", flush=True)
        steps(checker, args, old, new, database)
    finally:
        for db in databases:
            if args.keep:
                print(f"kept database {db.name}")
                continue
            try:
                db.drop()
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                print(f"upgrade_check: warning: could not drop {db.name}: {exc}", file=sys.stderr)
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return verdict(checker)


def steps(checker: Checker, args, old: Tree, new: Tree, database) -> None:
    """The steps in order; after a failure, the steps that needed it are printed as SKIP."""
    later = ["new: migrate", "new: every seeded row still there after migrate", "new: read"]
    if args.compare_fresh:
        later.append("schema: upgraded equals fresh")

    def stop() -> None:
        for name in later:
            checker.skip(name, "an earlier step failed")

    db = database("upgraded")
    if db is None or not checker.run_step(old, "migrate", db):
        return stop()
    if "seed" in old.spec.steps and not checker.run_step(old, "seed", db):
        return stop()
    if "seed" not in old.spec.steps:
        checker.skip("old: seed", "the spec names no seed")
    seeded = counts(checker, db, "old: count the seeded rows")
    if seeded is None:
        return stop()
    if args.term:
        words = "/".join(o for o, _ in args.term)
        tables = {t: n for t, n in seeded.items() if holds_term(t, args.term)}
        name = f"old: >= 3 rows in each table naming {words}"
        if not tables:
            checker.report("FAIL", name, f"no table's name holds {words}: {', '.join(seeded) or 'no tables'}")
        else:
            few = [t for t, n in tables.items() if n < 3]
            checker.report("FAIL" if few else "PASS", name, ", ".join(f"{t}: {n}" for t, n in tables.items()))
    later.pop(0)
    if not checker.run_step(new, "migrate", db):
        return stop()
    later.pop(0)
    after = counts(checker, db, "new: count the rows after migrate")
    if after is None:
        return stop()
    lost = []
    for table, count in seeded.items():
        now = after.get(table, after.get(renamed(table, args.term)))
        now = after.get(renamed_inside(table, args.term)) if now is None else now
        if count and (now is None or now < count):
            lost.append(f"{table}: {count} rows before, {'table gone' if now is None else f'{now} after'}")
    kept = ", ".join(f"{t}: {n}" for t, n in seeded.items() if n) or "no rows were seeded"
    checker.report("FAIL" if lost else "PASS", "new: every seeded row still there after migrate",
                   "; ".join(lost) if lost else kept)
    checker.run_step(new, "read", db)
    if args.compare_fresh:
        compare_fresh(checker, new, db, database)


def counts(checker: Checker, db: Database, name: str) -> dict[str, int] | None:
    try:
        return db.row_counts()
    except (RuntimeError, OSError, sqlite3.Error, subprocess.TimeoutExpired) as exc:
        checker.report("FAIL", name, tail=str(exc))
        return None


def compare_fresh(checker: Checker, new: Tree, upgraded: Database, database) -> None:
    fresh = database("fresh")
    own = new.spec.steps.get("fresh")
    step, label = ("fresh", "fresh: install (new code, empty database)") if own else ("migrate", "fresh: migrate (new code, empty database)")
    if fresh is None or not checker.run_step(new, step, fresh, name=label):
        checker.skip("schema: upgraded equals fresh", "no fresh database")
        return
    # a fresh install of its own does not know the bookkeeping table this script's sql_folder keeps
    migrate = new.spec.steps.get("migrate") or detect_migrate(new.root)
    exclude = ("public.schema_migrations",) if own and migrate is not None and migrate.kind == "sql_folder" else ()
    try:
        a, b = upgraded.schema(exclude), fresh.schema(exclude)
    except (RuntimeError, OSError) as exc:
        checker.report("FAIL", "schema: upgraded equals fresh", tail=str(exc))
        return
    diff = "\n".join(difflib.unified_diff(b, a, "fresh", "upgraded", lineterm=""))
    checker.report("FAIL" if diff else "PASS", "schema: upgraded equals fresh", f"{len(a)} normalised lines", diff)


def verdict(checker: Checker) -> int:
    failed = [n for v, n in checker.results if v == "FAIL"]
    skipped = [n for v, n in checker.results if v == "SKIP"]
    if failed:
        print(f"upgrade check: FAIL ({len(failed)} of {len(checker.results)} steps failed)")
        return 1
    if skipped:
        print(f"upgrade check: INCOMPLETE ({len(skipped)} steps skipped: {', '.join(skipped)}); write a spec with seed and read")
        return 3
    print(f"upgrade check: PASS ({len(checker.results)} steps)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
