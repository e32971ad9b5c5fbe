"""SQL that runs against the schema before the new migration (runsmig.languages.typescript.asof):
which literals a loop stopping at a fixed migration puts there, decided with the syntax tree."""

from __future__ import annotations

import re

import pytest

from runsmig.languages.typescript import _parse
from runsmig.languages.typescript.asof import older_regions
from runsmig.languages.typescript.offsets import NodeSpans


def regions(body: str) -> list[tuple[str, str]]:
    text = f"test('t', async () => {{\n{body}\n}});\n"
    root = _parse(text, "typescript")
    found = older_regions(root, NodeSpans(text), lambda a, b: re.search("job", text[a:b]) is not None)
    return [(text[r.start:r.end], r.as_of) for r in found]


RUN_TO_10 = """  for (const f of migrationFiles) {
    const migrationNumber = parseInt(f, 10);
    if (migrationNumber > 10) { break; }
    await runMigration(f);
  }
"""


def test_sql_after_a_loop_stopping_at_a_migration_is_as_of_it():
    assert regions(RUN_TO_10 + "  await q(`select add_job('x')`);\n  await q('update jobs set n = 1');") == [
        ("select add_job('x')", "migration 10"), ("update jobs set n = 1", "migration 10")]


@pytest.mark.parametrize("stop,as_of", [
    ("if (migrationNumber >= 11) break;", "migration 10"), ("if (10 < migrationNumber) break;", "migration 10"),
    ("if (migration.id > 4) { cleanup(); break; }", "migration 4"),
])
def test_the_ways_a_loop_stops(stop, as_of):
    loop = f"  for (const migration of all) {{\n    const migrationNumber = migration.id;\n    {stop}\n  }}\n"
    assert regions(loop + "  await q('select add_job()');") == [("select add_job()", as_of)]


def test_a_loop_header_stops_it_too():
    loop = "  for (let migrationNumber = 1; migrationNumber < 5; migrationNumber++) { await run(migrationNumber); }\n"
    assert regions(loop + "  await q('select add_job()');") == [("select add_job()", "migration 4")]


@pytest.mark.parametrize("body", [
    RUN_TO_10 + "  await migrate(options);\n  await q('select add_job()');",  # the whole history runs again
    RUN_TO_10 + "  const p = runMigrations(all);\n  await q('select add_job()');",
    "  for (const f of files) { if (f.length > 10) break; }\n  await q('select add_job()');",  # not a migration
    "  for (const f of migrationFiles) { if (migrationNumber > 10) log(f); }\n  await q('select add_job()');",
    "  if (migrationNumber > 10) { return; }\n  await q('select add_job()');",  # no loop
    "  await q('select add_job()');\n" + RUN_TO_10,  # before the loop
    "  for (const f of migrationFiles) { if (migrationNumber > 0) break; }\n  await q('select add_job()');",
])
def test_sql_not_as_of_an_older_migration(body):
    assert regions(body) == []


def test_a_loop_in_a_nested_block_or_function_does_not_reach_out():
    nested = "  const run = async () => {\n" + RUN_TO_10 + "  };\n  await q('select add_job()');"
    assert regions(nested) == []
    inside = "  const run = async () => {\n" + RUN_TO_10 + "    await q('select add_job()');\n  };"
    assert regions(inside) == [("select add_job()", "migration 10")]
