"""Released history is recognised by structure (runsmig.history): true and false positives."""

from __future__ import annotations

from pathlib import Path

import pytest

from runsmig.history import detect
from runsmig.recipe.model import Recipe, Term
from runsmig.terms import TermEngine

TERMS = (Term("job", "jobs", "run", "runs"),)
MIGRATION = "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = []\n"
REVISION = 'revision = "0001_jobs"\ndown_revision = None\n\n\ndef upgrade():\n    pass\n'


def recipe(sections=None) -> Recipe:
    return Recipe("t", "", Path("/nonexistent/recipe.yaml"), TERMS, {}, (), (), (), (), (), (), (), sections or {})


def tree(tmp_path: Path, files: dict[str, str]) -> list[str]:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return sorted(files)


def kinds(tmp_path: Path, files: dict[str, str], sections=None) -> dict[str, str]:
    r = recipe(sections)
    return detect(tmp_path, tree(tmp_path, files), r, TermEngine.from_recipe(r)).kinds


@pytest.mark.parametrize("files, want", [
    ({"m/env.py": "", "m/versions/0001_jobs.py": REVISION}, {"m/versions/0001_jobs.py": "alembic"}),
    # no env.py beside it (ADE's sample checkout): the revision's own assignments decide
    ({"api/migrations/versions/0001_jobs.py": REVISION}, {"api/migrations/versions/0001_jobs.py": "alembic"}),
    ({"app/migrations/__init__.py": "", "app/migrations/0001_initial.py": MIGRATION},
     {"app/migrations/0001_initial.py": "django"}),
    ({"db/migration/V1__jobs.sql": "", "db/migration/V1_2__job_idx.sql": "", "db/migration/R__job_view.sql": ""},
     {"db/migration/V1__jobs.sql": "flyway", "db/migration/V1_2__job_idx.sql": "flyway"}),
    ({"m/1_jobs.up.sql": "", "m/1_jobs.down.sql": ""}, {"m/1_jobs.up.sql": "golang-migrate", "m/1_jobs.down.sql": "golang-migrate"}),
    ({"migrations/001_jobs.sql": ""}, {"migrations/001_jobs.sql": "sql-numbered"}),
    ({"sql/001_a.sql": "", "sql/002_b.sql": "", "sql/003_c.sql": ""},
     {"sql/001_a.sql": "sql-numbered", "sql/002_b.sql": "sql-numbered", "sql/003_c.sql": "sql-numbered"}),
    ({"db/migrations/20240101120000_jobs.sql": ""}, {"db/migrations/20240101120000_jobs.sql": "dbmate"}),
    # bare numbers, three or more in one folder (a runner reading sql/000001.sql ... in order)
    ({"sql/000001.sql": "", "sql/000002.sql": "", "sql/000003.sql": ""},
     {"sql/000001.sql": "sql-numbered", "sql/000002.sql": "sql-numbered", "sql/000003.sql": "sql-numbered"}),
    ({"RELEASE_NOTES.md": "", "docs/release-notes.rst": "", "ReleaseNotes.txt": ""},
     {"RELEASE_NOTES.md": "changelog", "docs/release-notes.rst": "changelog", "ReleaseNotes.txt": "changelog"}),
    ({"prisma/migrations/20240101_jobs/migration.sql": "", "prisma/migrations/migration_lock.toml": ""},
     {"prisma/migrations/20240101_jobs/migration.sql": "prisma"}),
    ({"db/migrate/20240101000000_create_jobs.rb": ""}, {"db/migrate/20240101000000_create_jobs.rb": "rails"}),
    ({"migrations/20240101_jobs.js": "exports.up = (knex) => knex.schema.createTable('jobs')\n"},
     {"migrations/20240101_jobs.js": "knex"}),
    ({"src/migration/1700000000000-Jobs.ts": "export class Jobs1700000000000 implements MigrationInterface {}\n"},
     {"src/migration/1700000000000-Jobs.ts": "typeorm"}),
    ({"migrations/1700000000000_jobs.js": "exports.up = (pgm) => { pgm.createTable('jobs', {}) }\n"},
     {"migrations/1700000000000_jobs.js": "node-pg-migrate"}),
    ({"CHANGELOG.md": "", "docs/HISTORY.rst": "", "NEWS": "", "src/news.py": "", "changes/x.md": ""},
     {"CHANGELOG.md": "changelog", "docs/HISTORY.rst": "changelog", "NEWS": "changelog"}),
])
def test_recognised(tmp_path, files, want):
    assert kinds(tmp_path, files) == want


@pytest.mark.parametrize("files", [
    # a migrations package of ordinary modules: no number, or no Migration class
    {"app/migrations/__init__.py": "", "app/migrations/runner.py": "def job(): pass\n",
     "app/migrations/0001_notes.py": "JOB = 1\n"},
    # numbered modules outside a package are not Django's
    {"tools/migrations/0001_initial.py": MIGRATION},
    # a versions/ folder that is not Alembic (API versions)
    {"api/env.py": "", "api/versions/v1.py": "JOBS = []\n", "api/versions/jobs.py": "revision = 2\n"},
    # numbered documents and one numbered SQL file outside a migrations folder
    {"docs/01-intro.md": "", "docs/02-jobs.md": "", "docs/03-runs.md": "", "queries/01_jobs.sql": ""},
    # one or two bare-numbered files outside a migrations folder, and release tooling that is no changelog
    {"fixtures/1.sql": "", "fixtures/2.sql": "", "scripts/release.js": "", "RELEASE_NOTES_TEMPLATE.md": ""},
    # a JS module of a migrations folder that exports no up
    {"migrations/20240101_jobs.js": "export const jobs = 1\n"},
])
def test_not_history(tmp_path, files):
    assert kinds(tmp_path, files) == {}


def test_recipe_adds_and_removes(tmp_path):
    from runsmig.recipe.sections.history import HistorySection
    from runsmig.pathmatch import compile_patterns

    section = HistorySection(("legacy/*.sql",), ("migrations/002_*",), compile_patterns(["legacy/*.sql"]),
                             compile_patterns(["migrations/002_*"]))
    got = kinds(tmp_path, {"legacy/jobs.sql": "", "migrations/001_a.sql": "", "migrations/002_b.sql": ""},
                {"history": section})
    assert got == {"legacy/jobs.sql": "recipe", "migrations/001_a.sql": "sql-numbered"}


def test_unreadable_claim_is_not_history(tmp_path):
    files = tree(tmp_path, {"app/migrations/__init__.py": ""})
    (tmp_path / "app/migrations/0001_initial.py").mkdir()  # a folder where a file is expected
    r = recipe()
    assert detect(tmp_path, files + ["app/migrations/0001_initial.py"], r, TermEngine.from_recipe(r)).kinds == {}
