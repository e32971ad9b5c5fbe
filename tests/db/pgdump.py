"""Scratch PostgreSQL databases, SQL files run through psql, and ``pg_dump --schema-only``
normalised for comparison (comments, SET lines, psql meta-commands and object order left out)."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest


def libpq(url: str) -> str:
    """A SQLAlchemy URL as psql and pg_dump take it."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


class Databases:
    """Creates databases on the server of ``admin_url``; drops them all at the end."""

    def __init__(self, admin_url: str):
        from sqlalchemy import create_engine

        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.base = admin_url
        self.names: list[str] = []

    def new(self) -> str:
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        name = f"runsmig_m_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return make_url(self.base).set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture
def databases(pg_server):
    if shutil.which("psql") is None or shutil.which("pg_dump") is None:
        pytest.skip("psql and pg_dump are needed")
    dbs = Databases(pg_server)
    try:
        yield dbs
    finally:
        dbs.close()


def psql(url: str, sql: str | Path) -> None:
    """Run a file (or text) with psql, stopping at the first error, in one transaction."""
    args = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", libpq(url)]
    if isinstance(sql, Path):
        args += ["-f", str(sql)]
        res = subprocess.run(args, capture_output=True, text=True, timeout=60)
    else:
        res = subprocess.run(args, input=sql, capture_output=True, text=True, timeout=60)
    if res.returncode != 0:
        raise AssertionError(f"psql failed on {sql if isinstance(sql, Path) else 'input'}: {res.stderr}")


def schema(url: str, exclude: tuple[str, ...] = ()) -> list[str]:
    """The normalised schema-only dump: one block per object, comments, SET lines and psql
    meta-commands removed, sorted."""
    args = ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "-d", libpq(url)]
    args += [f"--exclude-table={t}" for t in exclude]
    res = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True)
    blocks, cur = [], []
    for line in res.stdout.splitlines():
        if line.startswith("--"):
            if cur:
                blocks.append("\n".join(cur).strip())
                cur = []
            continue
        if line.startswith(("SET ", "\\")) or line.startswith("SELECT pg_catalog.set_config") or not line.strip():
            continue
        cur.append(line.rstrip())
    if cur:
        blocks.append("\n".join(cur).strip())
    return sorted(b for b in blocks if b)


def schema_diff(a: list[str], b: list[str]) -> list[str]:
    import difflib

    return list(difflib.unified_diff(a, b, "upgraded", "fresh", lineterm="", n=0))
