"""Code that follows a migration history's length (runsmig.migration.shape): constants pinning the
head and a generated module embedding every file move with the file stored: migrate appends."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from runsmig.migration.shape import ENCODINGS, embedded_entry, names_head, pinned_head

NAMES = ["000001.sql", "000002.sql"]
CONTENTS = {"000001.sql": "create table jobs (id int);\n", "000002.sql": "-- `x` is ${y} \\n\ncreate index on jobs (id);\n"}
NEW = "alter table jobs rename to runs;\n"


@pytest.mark.parametrize("name,pins", [
    ("MAX_MIGRATION_NUMBER", True), ("latestMigration", True), ("MIGRATION_COUNT", True),
    ("migrationsTotal", True), ("MIGRATION_TIMEOUT_SECONDS", False), ("retries", False),
    ("MAX_RETRIES", False), ("migrationBatchSize", False),
])
def test_which_names_pin_the_head(name, pins):
    assert names_head(name) is pins


def test_pinned_constants_in_typescript_by_the_syntax_tree():
    text = ("const MAX_MIGRATION_NUMBER = 19;\nconst MIGRATION_TIMEOUT = 19;\nconst retries = 19;\n"
            "let latestMigration: number = 19, other = 19;\nconst LAST_MIGRATION = 0x13;\n"
            "// MAX_MIGRATION_NUMBER = 19 in a comment\nconst s = 'MAX_MIGRATION_NUMBER = 19';\n"
            "const MAX_MIGRATION_NUMBER_OLD = 18;\n")
    found = pinned_head(text, "a.test.ts", 19)
    assert [(name, line, text[a:b]) for a, b, name, line in found] == [
        ("MAX_MIGRATION_NUMBER", 1, "19"), ("latestMigration", 4, "19")]


def test_pinned_constants_in_python_by_the_syntax_tree():
    text = ("# é\nMAX_MIGRATION_NUMBER = 19\nlatest_migration: int = 19\nMIGRATION_TIMEOUT = 19\n"
            "x = 'MAX_MIGRATION_NUMBER = 19'\nCURRENT_MIGRATION = 19.0\n")
    found = pinned_head(text, "tests/test_m.py", 19)
    assert [(name, line, text[a:b]) for a, b, name, line in found] == [
        ("MAX_MIGRATION_NUMBER", 2, "19"), ("latest_migration", 3, "19")]
    assert pinned_head("MAX_MIGRATION_NUMBER = = 19\n", "t.py", 19) == []  # not parsed: not decided


@pytest.mark.parametrize("enc", ENCODINGS, ids=lambda e: e.__name__)
def test_embedded_module_gets_the_new_entry_in_its_own_encoding(enc):
    text = ("/* auto-generated; DO NOT EDIT */\nexport const migrations = {\n"
            + "".join(f"  {json.dumps(n)}: {enc(CONTENTS[n])},\n" for n in NAMES) + "};\n")
    at, entry = embedded_entry(text, "src/generated/sql.ts", NAMES, CONTENTS, "000003.sql", NEW)
    out = text[:at] + entry + text[at:]
    assert out.endswith(f'  "000003.sql": {enc(NEW)},\n}};\n')
    node = shutil.which("node")
    if node:  # the module evaluates to the files' text
        script = out.replace("export const", "const") + "\nconsole.log(JSON.stringify(migrations));\n"
        got = json.loads(subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout)
        assert got == {**CONTENTS, "000003.sql": NEW}


def test_embedded_module_left_when_it_cannot_be_reproduced():
    raw = ENCODINGS[2]
    good = {n: raw(CONTENTS[n]) for n in NAMES}

    def module(entries, sep=",\n  "):
        return "export const m = {\n  " + sep.join(f"{json.dumps(k)}: {v}" for k, v in entries) + ",\n};\n"

    assert embedded_entry(module(good.items()), "g.ts", NAMES, CONTENTS, "000003.sql", NEW) is not None
    edited = dict(good, **{"000001.sql": raw("create table jobs (id bigint);\n")})  # not the file's text
    assert embedded_entry(module(edited.items()), "g.ts", NAMES, CONTENTS, "000003.sql", NEW) is None
    assert embedded_entry(module(list(good.items())[1:]), "g.ts", NAMES, CONTENTS, "000003.sql", NEW) is None
    assert embedded_entry(module(reversed(good.items())), "g.ts", NAMES, CONTENTS, "000003.sql", NEW) is None
    three = {**CONTENTS, "000003.sql": NEW}
    even = module([(n, raw(t)) for n, t in three.items()])
    assert embedded_entry(even, "g.ts", list(three), three, "000004.sql", NEW) is not None
    uneven = even.replace(',\n  "000003.sql"', ',\n\n  "000003.sql"')  # entries laid out two ways
    assert embedded_entry(uneven, "g.ts", list(three), three, "000004.sql", NEW) is None
    assert embedded_entry(module(good.items()), "g.py", NAMES, CONTENTS, "000003.sql", NEW) is None


def test_plan_moves_the_history_shape_with_the_new_file(tmp_path):
    """Through the plan: the pinned constant of a file the rename also changes is updated on top of
    the rename; a generated module holding only some files is noted, not written."""
    from runsmig.plan import build_plan
    from runsmig.recipe import load_recipe

    files = {"sql/000001.sql": "create table jobs (id int);\n", "sql/000002.sql": "create index on jobs (id);\n",
             "sql/000003.sql": "alter table jobs add column n int;\n",
             "src/generated/sql.ts": "/* This file is auto-generated; DO NOT EDIT */\nexport const migrations = {\n"
                                     '  "000003.sql": `alter table jobs add column n int;\n`,\n};\n',
             "test/migrate.test.ts": "const MAX_MIGRATION_NUMBER = 3;\nconst jobs = 1;\nconst retries = 3;\n"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    recipe_file = tmp_path.parent / "recipe.yaml"
    recipe_file.write_text("version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
                           "stored: migrate\n")
    plan = build_plan(tmp_path, load_recipe(recipe_file), workers=1)
    by_path = {c.path: c for c in plan.changes}
    assert by_path["test/migrate.test.ts"].new == b"const MAX_MIGRATION_NUMBER = 4;\nconst runs = 1;\nconst retries = 3;\n"
    assert "src/generated/sql.ts" not in by_path
    assert any(n.startswith("src/generated/sql.ts: generated") and "run its generator" in n for n in plan.notes)


def test_a_dump_of_the_migrations_rows_is_read_in_its_own_format():
    from runsmig.migration.shape import dumped_heads

    dump = ("CREATE TABLE app.jobs (id integer);\n"
            "COPY app.migrations (id, ts, breaking) FROM stdin;\n1\t1970-01-01\tt\n2\t1970-01-01\tf\n\\.\n"
            "COPY app.jobs (id) FROM stdin;\n7\n\\.\n"
            'COPY public."schema_migrations" (version) FROM stdin;\n20240101120000\n\\.\n'
            "COPY app.migration_notes (note) FROM stdin;\nabc\n\\.\n")
    assert dumped_heads(dump) == [(2, "app.migrations", 2), (9, "public.schema_migrations", 20240101120000)]


def test_plan_notes_a_dump_holding_the_rows_up_to_the_last_migration(tmp_path):
    from runsmig.plan import build_plan
    from runsmig.recipe import load_recipe

    files = {"sql/000001.sql": "create table jobs (id int);\n", "sql/000002.sql": "create index on jobs (id);\n",
             "sql/000003.sql": "alter table jobs add column n int;\n",
             "test/schema.sql": "CREATE TABLE jobs (id int, n int);\nCOPY migrations (id) FROM stdin;\n1\n2\n3\n\\.\n",
             "test/old.sql": "COPY migrations (id) FROM stdin;\n1\n2\n\\.\n"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    recipe_file = tmp_path.parent / "recipe.yaml"
    recipe_file.write_text("version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
                           "stored: migrate\n")
    plan = build_plan(tmp_path, load_recipe(recipe_file), workers=1)
    assert [n for n in plan.notes if "a dump" in n] == [
        "test/schema.sql:2: a dump holding the rows of migrations up to 3: dump it again after apply and migrate, "
        "so that it holds the row 000004.sql adds (written by the migration runner)"]


def test_plan_notes_the_history_marking_breaking_changes(tmp_path):
    """A runner that marks breaking migrations by their first line: the new file breaks the released
    code too; marking it is the runner's convention, a follow-up. No marker in the history: no note."""
    from runsmig.plan import build_plan
    from runsmig.recipe import load_recipe

    recipe_file = tmp_path.parent / "recipe.yaml"
    recipe_file.write_text("version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
                           "stored: migrate\n")
    for marked in (True, False):
        root = tmp_path / str(marked)
        files = {"sql/000001.sql": ("--! breaking-change\n" if marked else "-- the start\n") + "create table jobs (id int);\n",
                 "sql/000002.sql": "-- not breaking anything\ncreate index on jobs (id);\n",
                 "sql/000003.sql": "alter table jobs add column n int;\n"}
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        notes = [n for n in build_plan(root, load_recipe(recipe_file), workers=1).notes if "breaking" in n]
        assert notes == ([
            "sql/: 1 released file(s) start with '--! breaking-change' (000001.sql); 000004.sql renames what the "
            "released code names, so that code breaks on an upgraded database: put the marker on its first line "
            "after apply if older code must refuse it"] if marked else [])


def test_check_follows_up_a_dump_lagging_behind_the_migration_runsmig_wrote(tmp_path):
    """check, once applied: the dump still holds the rows up to the file before runsmig's; a dump
    made again, or a last file of the project's own, is no follow-up."""
    from runsmig.cli.check import build_report
    from runsmig.recipe import load_recipe

    recipe_file = tmp_path.parent / "recipe.yaml"
    recipe_file.write_text("version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
                           "stored: migrate\n")
    cases = {"lagging": ("-- runsmig: migration written by runsmig (stored: migrate).\nalter table jobs rename to runs;\n", 3),
             "dumped again": ("-- runsmig: migration written by runsmig (stored: migrate).\nalter table jobs rename to runs;\n", 4),
             "own file": ("alter table runs add column m int;\n", 3)}
    found = {}
    for name, (last, rows) in cases.items():
        root = tmp_path / name.replace(" ", "-")
        files = {"sql/000001.sql": "create table runs (id int);\n", "sql/000002.sql": "create index on runs (id);\n",
                 "sql/000003.sql": "alter table runs add column n int;\n", "sql/000004.sql": last,
                 "test/schema.sql": "CREATE TABLE runs (id int);\nCOPY app.migrations (id) FROM stdin;\n"
                                    + "".join(f"{i}\n" for i in range(1, rows + 1)) + "\\.\n"}
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        rep = build_report(root, load_recipe(recipe_file), workers=1)
        found[name] = [(f.path, f.line, f.rule, f.message) for f in rep.findings]
    assert found == {
        "lagging": [("test/schema.sql", 2, "follow-up", "a dump holding the rows of app.migrations up to 3, but "
                     "sql/000004.sql (written by runsmig) is 4: dump the schema again")],
        "dumped again": [], "own file": []}
