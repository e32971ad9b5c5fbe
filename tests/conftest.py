"""Shared fixtures. PostgreSQL tests take the server URL from RUNSMIG_TEST_PG_URL
(default: postgresql+psycopg://postgres@127.0.0.1:5432/postgres). Without a reachable
server they skip and say why, unless RUNSMIG_REQUIRE_PG=1 (set by .ci/run): then they fail."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG_URL = os.environ.get("RUNSMIG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REQUIRE_PG = os.environ.get("RUNSMIG_REQUIRE_PG") == "1"


@pytest.fixture(autouse=True, scope="session")
def _own_result_cache(tmp_path_factory) -> Iterator[None]:
    """The suite's result cache and its key are its own (not the user's ~/.cache/runsmig and
    ~/.local/state/runsmig/cache.key); CLI runs inherit them."""
    old = {name: os.environ.get(name) for name in ("RUNSMIG_CACHE_DIR", "RUNSMIG_CACHE_KEY_FILE")}
    os.environ["RUNSMIG_CACHE_DIR"] = str(tmp_path_factory.mktemp("runsmig-cache"))
    os.environ["RUNSMIG_CACHE_KEY_FILE"] = str(tmp_path_factory.mktemp("runsmig-state") / "cache.key")
    yield
    for name, value in old.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _admin_engine():
    from sqlalchemy import create_engine

    return create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The admin URL of a reachable PostgreSQL server (skip or fail otherwise)."""
    try:
        from sqlalchemy import text

        eng = _admin_engine()
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
    except Exception as exc:  # pragma: no cover - depends on the machine
        msg = f"PostgreSQL not reachable at {PG_URL} ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})"
        if REQUIRE_PG:
            pytest.fail(msg + "; RUNSMIG_REQUIRE_PG=1 requires it")
        pytest.skip(msg + "; set RUNSMIG_TEST_PG_URL to run these tests")
    return PG_URL


def _fresh_database(pg_server: str) -> Iterator[str]:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"runsmig_t_{uuid.uuid4().hex[:12]}"
    eng = _admin_engine()
    with eng.connect() as conn:
        # template0 takes no connections: a session idling in template1 cannot make this fail
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    url = make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with eng.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        eng.dispose()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A URL to a fresh, empty PostgreSQL database, dropped after the test."""
    yield from _fresh_database(pg_server)


@pytest.fixture
def pg_url2(pg_server: str) -> Iterator[str]:
    """A second one (a test comparing two databases)."""
    yield from _fresh_database(pg_server)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """Runs a test on SQLite and on PostgreSQL (same suite, both databases)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("pg_url")
