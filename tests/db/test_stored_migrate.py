"""``stored: migrate`` on real PostgreSQL: the migration runsmig writes as the next file of the
project's history upgrades a database with rows in it to exactly the schema a fresh install of
the new release has, and keeps every row, readable under the new names.

For each shape of plain SQL folder (numbered, golang-migrate, dbmate, Flyway) made from the
fixture fixtures/sql-stored-migrate:
(a) DB1: the released migrations, 3 rows per table that carries the term, then the new file;
(b) DB2: every migration of the migrated tree, on an empty database;
(c) DB3: the migrated tree's db/schema.sql (the fresh-install schema runsmig renamed as code);
pg_dump --schema-only of the three, normalised, are equal. Where the tool keeps a way back
(golang-migrate's .down.sql, dbmate's migrate:down), it brings DB1 back to the released schema.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from runsmig.apply import apply_plan
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe

from .pgdump import databases, psql, schema, schema_diff  # noqa: F401 - databases is a fixture

REPO = Path(__file__).resolve().parents[2]
CASE = REPO / "fixtures" / "sql-stored-migrate"
RELEASED = sorted((CASE / "before" / "db" / "migrations").glob("*.sql"))


def _shape(work: Path, shape: str) -> Path:
    """The fixture's tree with its migrations in ``shape``; returns the migrations folder."""
    shutil.copytree(CASE / "before", work)
    src = work / "db" / "migrations"
    if shape == "numbered":
        return src
    files = sorted(src.glob("*.sql"))
    texts = [(re.match(r"(\d+)_(.+)\.sql", f.name), f.read_text()) for f in files]
    shutil.rmtree(src)
    folder = work / ("migrations" if shape == "golang-migrate" else "sql" if shape == "flyway" else "db/migrations")
    folder.mkdir(parents=True)
    for m, text in texts:
        n, name = int(m.group(1)), m.group(2)
        if shape == "golang-migrate":
            (folder / f"{n:06d}_{name}.up.sql").write_text(text)
            (folder / f"{n:06d}_{name}.down.sql").write_text("-- not used here\n")
        elif shape == "dbmate":
            (folder / f"2024010112000{n}_{name}.sql").write_text(f"-- migrate:up\n{text}\n-- migrate:down\n")
        else:
            (folder / f"V{n}__{name}.sql").write_text(text)
    return folder


def _ups(folder: Path) -> list[Path]:
    files = [f for f in folder.glob("*.sql") if not f.name.endswith(".down.sql")]
    return sorted(files, key=lambda f: [int(x) for x in re.findall(r"\d+", f.name)[:1]])


def _up_text(path: Path) -> str:
    text = path.read_text()
    return text.split("-- migrate:up", 1)[1].split("-- migrate:down", 1)[0] if "-- migrate:up" in text else text


def _down_text(path: Path) -> str:
    return path.read_text().split("-- migrate:down", 1)[1]


def _seed(url: str) -> None:
    psql(url, """
        SELECT add_job('first');
        INSERT INTO jobs (name, state) VALUES ('second', 'running'), ('third', 'waiting_for_job');
        UPDATE jobs SET parent_job_id = (SELECT id FROM jobs WHERE name = 'first') WHERE name = 'third';
        INSERT INTO steps (job_id, pos) SELECT id, 1 FROM jobs;
    """)


def _rows(url: str, sql: str) -> list[tuple]:
    import sqlalchemy as sa

    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        eng.dispose()


def _migrate(work: Path):
    recipe = load_recipe(CASE / "recipe.yaml")
    plan = build_plan(work, recipe, workers=1)
    apply_plan(plan)
    again = build_plan(work, recipe, workers=1)
    return plan, again


@pytest.mark.parametrize("shape", ["numbered", "golang-migrate", "dbmate", "flyway"])
def test_upgrade_equals_fresh_install(shape, tmp_path, databases):
    work = tmp_path / "work"
    folder = _shape(work, shape)
    released = _ups(folder)
    plan, again = _migrate(work)
    created = [c.path for c in plan.changes if c.action == "create"]
    expected = {"numbered": ["db/migrations/0004_runsmig_stored_names.sql"],
                "golang-migrate": ["migrations/000004_runsmig_stored_names.down.sql",
                                   "migrations/000004_runsmig_stored_names.up.sql"],
                "dbmate": ["db/migrations/20240101120004_runsmig_stored_names.sql"],
                "flyway": ["sql/V4__runsmig_stored_names.sql"]}[shape]
    assert sorted(created) == expected
    assert again.empty, [c.path for c in again.changes]  # the written migration is history now
    for rel in released:  # released history is byte-identical
        assert rel.read_bytes() == (tmp_path / "work" / rel.relative_to(work)).read_bytes()
    new = [f for f in _ups(folder) if f not in released]
    assert [f.relative_to(work).as_posix() for f in new] == [p for p in expected if not p.endswith(".down.sql")]

    db1, db2, db3 = databases.new(), databases.new(), databases.new()
    for f in released:  # (a) the released schema, with rows
        psql(db1, _up_text(f))
    released_schema = schema(db1)
    _seed(db1)
    before = _rows(db1, "SELECT id, name, state::text, job_number, parent_job_id FROM jobs ORDER BY id")
    steps = _rows(db1, "SELECT id, job_id, pos FROM steps ORDER BY id")
    for f in new:
        psql(db1, _up_text(f))
    for f in _ups(folder):  # (b) every migration of the new tree, on an empty database
        psql(db2, _up_text(f))
    psql(db3, work / "db" / "schema.sql")  # (c) the renamed fresh-install schema
    upgraded, fresh, snapshot = schema(db1), schema(db2), schema(db3)
    assert not any("job" in b for b in upgraded), [b for b in upgraded if "job" in b]
    assert upgraded == fresh, "\n".join(schema_diff(upgraded, fresh))
    assert upgraded == snapshot, "\n".join(schema_diff(upgraded, snapshot))

    # every row is there, under the new names
    after = _rows(db1, "SELECT id, name, state::text, run_number, parent_run_id FROM runs ORDER BY id")
    assert len(after) == 3
    assert after == [(i, n, s.replace("waiting_for_job", "waiting_for_run"), num, p) for i, n, s, num, p in before]
    assert _rows(db1, "SELECT id, run_id, pos FROM steps ORDER BY id") == steps
    assert _rows(db1, "SELECT name FROM active_runs ORDER BY run_id") == [("first",), ("second",)]
    _notifies_on_new_channel(db1)

    if shape in ("golang-migrate", "dbmate"):  # and back again
        down = (folder / "000004_runsmig_stored_names.down.sql").read_text() if shape == "golang-migrate" \
            else _down_text(new[0])
        psql(db1, down)
        assert schema(db1) == released_schema, "\n".join(schema_diff(schema(db1), released_schema))
        rows = _rows(db1, "SELECT id, name, state::text, job_number, parent_job_id FROM jobs ORDER BY id")
        assert rows[:3] == before and [r[1] for r in rows[3:]] == ["fourth"]  # and the row added since


def _notifies_on_new_channel(url: str) -> None:
    import psycopg

    from .pgdump import libpq

    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("LISTEN run_events")
        new_id = conn.execute("SELECT add_run('fourth')").fetchone()[0]
        got = []
        for n in conn.notifies(timeout=5, stop_after=1):
            got.append(n)
        assert got and got[0].channel == "run_events" and f'"run_id" : {new_id}' in got[0].payload, got


def test_second_plan_on_applied_tree_writes_nothing_and_check_is_clean(tmp_path):
    from runsmig.runner import run

    work = tmp_path / "work"
    _shape(work, "numbered")
    plan, again = _migrate(work)
    assert again.empty and not again.migrated
    result = run(work, load_recipe(CASE / "recipe.yaml"), keep_bytes=False)
    reported = [f for o in result.looked for f in o.reported if f.rule != "external"]
    assert not reported, reported
    reasons = {f.allowed_by for o in result.looked if o.rel.endswith("0004_runsmig_stored_names.sql") for f in o.allowed}
    assert reasons == {"migration written by runsmig"}


ALEMBIC = REPO / "fixtures" / "alembic-stored-migrate"


def _create_all(models: Path, url: str) -> None:
    """The renamed models' tables, created by SQLAlchemy on an empty database (a fresh install
    that never ran a migration)."""
    import importlib.util

    import sqlalchemy as sa

    spec = importlib.util.spec_from_file_location(f"_models_{abs(hash(str(models)))}", models)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    eng = sa.create_engine(url)
    try:
        mod.Base.metadata.create_all(eng)
    finally:
        eng.dispose()


def test_alembic_upgrade_equals_fresh_install(tmp_path, databases):
    from .conftest import downgrade, upgrade

    work = tmp_path / "work"
    shutil.copytree(ALEMBIC / "before", work)
    recipe = load_recipe(ALEMBIC / "recipe.yaml")
    plan = build_plan(work, recipe, workers=1)
    created = [c.path for c in plan.changes if c.action == "create"]
    assert created == ["migrations/versions/0003_runsmig_stored_names.py"]
    kinds = {}
    for kind, *_ in plan.migrated:
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds == {"table": 2, "column": 2, "constraint": 4, "index": 2, "sequence": 2, "type": 1}
    apply_plan(plan)
    assert build_plan(work, recipe, workers=1).empty

    db1, db2, db3 = databases.new(), databases.new(), databases.new()
    upgrade(work, db1, "0002_add_events")  # (a) the released schema, with rows
    released_schema = schema(db1)
    psql(db1, """
        INSERT INTO jobs (name, state) VALUES ('first', 'queued'), ('second', 'running'), ('third', 'done');
        INSERT INTO job_events (job_id, message) SELECT id, 'made ' || name FROM jobs;
    """)
    jobs = _rows(db1, "SELECT id, name, state::text, job_priority FROM jobs ORDER BY id")
    events = _rows(db1, "SELECT id, job_id, message FROM job_events ORDER BY id")
    upgrade(work, db1)
    upgrade(work, db2)  # (b) every revision of the new tree, on an empty database
    _create_all(work / "app" / "models.py", db3)  # (c) the renamed models, no migration at all
    upgraded, fresh = schema(db1), schema(db2)
    assert not any("job" in b for b in upgraded), [b for b in upgraded if "job" in b]
    assert upgraded == fresh, "\n".join(schema_diff(upgraded, fresh))
    modelled = schema(db1, exclude=("alembic_version",))
    created_all = schema(db3)
    assert modelled == created_all, "\n".join(schema_diff(modelled, created_all))

    assert _rows(db1, "SELECT id, name, state::text, run_priority FROM runs ORDER BY id") == jobs
    assert _rows(db1, "SELECT id, run_id, message FROM run_events ORDER BY id") == events
    psql(db1, "INSERT INTO runs (name) VALUES ('fourth')")  # the renamed sequence still numbers them

    downgrade(work, db1, "0002_add_events")  # and back
    assert schema(db1) == released_schema, "\n".join(schema_diff(schema(db1), released_schema))
    assert _rows(db1, "SELECT id, job_id, message FROM job_events ORDER BY id") == events
