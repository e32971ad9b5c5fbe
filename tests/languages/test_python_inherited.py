"""Names a checkout class shares with an installed third-party base are kept everywhere
(runsmig.languages.python.inherited); a base that is not installed is not guessed about (the plan
says so)."""

from __future__ import annotations

import shutil
from pathlib import Path

from runsmig.plan import build_plan
from runsmig.recipe import load_recipe

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "py-third-party-base" / "before"
RECIPE = Path(__file__).resolve().parents[2] / "fixtures" / "md-fence-prose-clash" / "recipe.yaml"


def plan_of(root: Path):
    plan = build_plan(root, load_recipe(RECIPE), workers=1)
    return plan, {c.path: c.new.decode() for c in plan.changes if c.new is not None}


def test_installed_base_keeps_overrides_and_says_why(tmp_path, monkeypatch):
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    shutil.copytree(FIXTURE, tmp_path / "co")
    plan, new = plan_of(tmp_path / "co")
    assert "def lookup_job(self, run_id)" in new["app/store.py"]
    assert "self._fix_job_order(self.stored_runs)" in new["app/store.py"]
    assert "store.lookup_job(run_id)" in new["app/use.py"]
    notes = [n for n in plan.notes if "third-party 'schedlib.base" in n]
    assert any("'lookup_job'" in n and "overrides" in n for n in notes)
    assert any("'_fix_job_order'" in n and "inherits" in n for n in notes)


def test_base_not_installed_is_not_guessed_about(tmp_path, monkeypatch):
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    shutil.copytree(FIXTURE, tmp_path / "co")
    shutil.rmtree(tmp_path / "co" / "venv")
    plan, new = plan_of(tmp_path / "co")
    # whether lookup_job overrides the base cannot be told: kept (renamed, an override would break)
    assert "def lookup_job(self, run_id)" in new["app/store.py"]
    assert "store.lookup_job(run_id)" in new["app/use.py"]
    assert not [n for n in plan.notes if "is kept everywhere" in n and "schedlib" in n]
    # the plan says the base could not be read, and which names of the class it kept
    unread = [n for n in plan.notes if "cannot be read where runsmig looks" in n]
    store = [n for n in unread if n.startswith("class Store (app/store.py:5) derives from third-party "
                                               "'schedlib.base.BaseStore'")]
    assert len(store) == 1 and "lookup_job" in store[0] and "are kept" in store[0]
    assert "install the project's dependencies" in store[0]


def test_the_gate_counts_a_class_with_an_unread_base_as_undecided(tmp_path, monkeypatch):
    from runsmig.cli.check import build_report, exit_code

    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    shutil.copytree(FIXTURE, tmp_path / "co")
    shutil.rmtree(tmp_path / "co" / "venv")
    report = build_report(tmp_path / "co", load_recipe(RECIPE), workers=1)
    assert exit_code(report) == 3  # undecided: its own exit code, never a pass
    undecided = [(p, r, ln) for p, r, ln in report.failures if r.startswith("undecided: class Store")]
    assert undecided == [(p, r, 5) for p, r, _ in undecided] and len(undecided) == 1
    assert undecided[0][0] == "app/store.py"
    assert not [f for f in report.findings if f.text.startswith("job") and "lookup" in (f.word or "")]


def test_virtual_env_is_looked_in(tmp_path, monkeypatch):
    shutil.copytree(FIXTURE, tmp_path / "co")
    shutil.move(str(tmp_path / "co" / "venv"), str(tmp_path / "elsewhere"))
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "elsewhere"))
    _, new = plan_of(tmp_path / "co")
    assert "def lookup_job(self, run_id)" in new["app/store.py"]


def test_a_base_of_an_installed_package_that_is_no_class_statement_is_not_unsure(tmp_path, monkeypatch):
    from tests.helpers import committed_checkout

    from runsmig.runner import run

    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    src = "from typing import NamedTuple\n\n\nclass Args(NamedTuple):\n    job_id: str\n"
    terms = "version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
    root, recipe = committed_checkout(tmp_path, {"pkg/q.py": src}, terms)
    result = run(root, recipe, workers=1)
    assert not result.unsure
    assert b"run_id: str" in next(o for o in result.outcomes if o.rel == "pkg/q.py").new
