"""Under stored: keep, plan notes the names PostgreSQL gave to unnamed objects of the released SQL
history (no file spells them): runsmig.migration.implicit."""

from __future__ import annotations

from runsmig.plan import build_plan
from runsmig.recipe import load_recipe


def _plan(tmp_path, stored: str):
    (tmp_path / "w/db/migrations").mkdir(parents=True)
    (tmp_path / "w/db/migrations/0001_jobs.sql").write_text(
        "CREATE TABLE jobs (id SERIAL PRIMARY KEY, name TEXT UNIQUE);\n"
        "CREATE TABLE steps (id INT, job_id INT REFERENCES jobs (id));\n")
    (tmp_path / "w/db/migrations/0002_idx.sql").write_text("CREATE INDEX jobs_name_idx ON jobs (name);\n")
    r = tmp_path / "r.yaml"
    r.write_text(f"version: 1\nname: t\nterms:\n  - {{from: job, to: run}}\nstored: {stored}\n")
    return build_plan(tmp_path / "w", load_recipe(r), workers=1)


def test_keep_notes_the_implicit_names(tmp_path):
    notes = [n for n in _plan(tmp_path, "keep").notes if "named by PostgreSQL" in n]
    assert len(notes) == 1
    for name in ("constraint jobs_pkey", "constraint jobs_name_key", "constraint steps_job_id_fkey",
                 "sequence jobs_id_seq", "index jobs_name_idx (0002_idx.sql)"):
        assert name in notes[0]


def test_a_name_listed_elsewhere_is_not_noted_again(tmp_path):
    (tmp_path / "w/db").mkdir(parents=True)
    (tmp_path / "w/db/schema.sql").write_text("CREATE INDEX jobs_name_idx ON jobs (name);\n")
    notes = [n for n in _plan(tmp_path, "keep").notes if "named by PostgreSQL" in n]
    assert "jobs_name_idx" not in notes[0] and "jobs_pkey" in notes[0]


def test_migrate_has_no_such_note(tmp_path):
    assert not [n for n in _plan(tmp_path, "migrate").notes if "named by PostgreSQL" in n]
