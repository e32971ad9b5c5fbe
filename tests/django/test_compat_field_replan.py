"""A renamed Django field under stored: keep, in a library: its column written out (db_column=
"job_name") and its old name kept as a compat alias (job_name = run_name). The plan after apply
reports no conflict on the stored name the alias spells, and lists the column as kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import runsmig

CASE = Path(__file__).resolve().parents[2] / "fixtures" / "django-stored-keep-compat-field-noop"


def test_the_plan_after_apply_has_no_conflict_on_the_kept_column(tmp_path):
    root = tmp_path / "co"
    shutil.copytree(CASE / "before", root)
    proc = runsmig("plan", str(root), "--recipe", str(CASE / "recipe.yaml"), "--no-regenerate", check_rc=0)
    err = proc.stderr.decode()
    assert "conflict:" not in err
    assert "  column job_name: locks/models.py:5" in err
