"""Order kept (issue #19, item 4): a sequence sorted before the rewrite is sorted after it."""

from __future__ import annotations

from functools import cmp_to_key
from pathlib import Path

import pytest

from runsmig.apply import apply_plan
from runsmig.languages import language_for
from runsmig.languages.order import natural_compare
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe

RECIPE_TEXT = "version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"


def migrate(tmp_path: Path, files: dict[str, str]):
    """Write the files, plan and apply with only the term map; (texts after, plan)."""
    root = tmp_path / "w"
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    rp = tmp_path / "recipe.yaml"
    rp.write_text(RECIPE_TEXT, encoding="utf-8")
    recipe = load_recipe(rp)
    plan = build_plan(root, recipe, workers=1)
    apply_plan(plan)
    again = build_plan(root, recipe, workers=1)
    assert again.empty, "not idempotent"
    out = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file()}
    return out, plan


def follow_ups(plan) -> list[str]:
    return [f.message for f in plan.follow_ups() if f.rule == "follow-up"]


# -- the shared keys ------------------------------------------------------------------------
def test_natural_compare_is_jests():
    names = ["b 10", "b 2", "B 1", "a-b 1", "a 1", "a.b 1", "x 01", "x 1"]
    got = sorted(names, key=cmp_to_key(natural_compare))
    # natural-compare: numbers by value, '.' before '-', upper case before lower case
    assert got == ["B 1", "a 1", "a.b 1", "a-b 1", "b 2", "b 10", "x 01", "x 1"]


# -- Python ---------------------------------------------------------------------------------
PY_MODULES = {
    "app/__init__.py": "",
    "app/jobs.py": "class JobRunner:\n    pass\n\n\ndef make_job_id():\n    pass\n",
    "app/queue.py": "class Queue:\n    pass\n",
    "app/utils.py": "def helper():\n    pass\n",
}


def test_python_import_block_resorted_with_its_comments(tmp_path):
    src = ("import os\n"
           "# the queue (moves with its import)\n"
           "from app.jobs import JobRunner  # noqa: F401\n"
           "from app.queue import Queue\n"
           "from app.utils import helper\n\n"
           "print(os, JobRunner, Queue, helper)\n")
    out, _ = migrate(tmp_path, {**PY_MODULES, "main.py": src})
    assert out["main.py"] == ("import os\n"
                              "from app.queue import Queue\n"
                              "# the queue (moves with its import)\n"
                              "from app.runs import RunRunner  # noqa: F401\n"
                              "from app.utils import helper\n\n"
                              "print(os, RunRunner, Queue, helper)\n")


def test_python_import_names_resorted_by_isort_type(tmp_path):
    src = ("from app.jobs import (\n"
           "    JobRunner,  # the runner\n"
           "    make_job_id,\n"
           ")\n"
           "from app.mod import Alpha, JobThing, Zeta, alpha\n")
    out, _ = migrate(tmp_path, {**PY_MODULES, "app/mod.py": "Alpha = JobThing = Zeta = alpha = 1\n",
                                "main.py": src})
    assert out["main.py"] == ("from app.mod import Alpha, RunThing, Zeta, alpha\n"
                              "from app.runs import (\n"
                              "    RunRunner,  # the runner\n"
                              "    make_run_id,\n"
                              ")\n")
    src2 = "from app.mod import Alpha, JobThing, Queue, alpha\n"
    out, _ = migrate(tmp_path / "b", {**PY_MODULES, "app/mod.py": "Alpha = JobThing = Queue = alpha = 1\n",
                                      "main.py": src2})
    assert out["main.py"] == "from app.mod import Alpha, Queue, RunThing, alpha\n"


def test_python_dunder_all_resorted(tmp_path):
    src = ('from app.jobs import JobRunner\n\n'
           '__all__ = [\n    "JobRunner",\n    "Queue",  # re-exported\n    "helper",\n]\n'
           'Queue = helper = 1\n')
    out, _ = migrate(tmp_path, {**PY_MODULES, "main.py": src})
    assert '__all__ = [\n    "Queue",  # re-exported\n    "RunRunner",\n    "helper",\n]\n' in out["main.py"]


def test_python_unsorted_before_is_left_alone(tmp_path):
    src = ("from app.utils import helper\nfrom app.jobs import JobRunner\nfrom app.queue import Queue\n\n"
           '__all__ = ["Queue", "helper", "JobRunner"]\n')
    out, _ = migrate(tmp_path, {**PY_MODULES, "main.py": src})
    assert out["main.py"] == ("from app.utils import helper\nfrom app.runs import RunRunner\nfrom app.queue import Queue\n\n"
                              '__all__ = ["Queue", "helper", "RunRunner"]\n')


def test_python_blank_line_separates_blocks_and_future_stays_first(tmp_path):
    src = ("from __future__ import annotations\n"
           "from app.jobs import JobRunner\n"
           "from app.queue import Queue\n\n"
           "from app.utils import helper\n")
    out, _ = migrate(tmp_path, {**PY_MODULES, "main.py": src})
    assert out["main.py"] == ("from __future__ import annotations\n"
                              "from app.queue import Queue\n"
                              "from app.runs import RunRunner\n\n"
                              "from app.utils import helper\n")


def test_python_import_sharing_a_line_is_a_follow_up(tmp_path):
    src = "from app.jobs import JobRunner; import os\nfrom app.queue import Queue\n"
    out, plan = migrate(tmp_path, {**PY_MODULES, "main.py": src})
    assert out["main.py"] == "from app.runs import RunRunner; import os\nfrom app.queue import Queue\n"
    assert any(m.startswith("order: these imports no longer sorted; sort it") for m in follow_ups(plan))
