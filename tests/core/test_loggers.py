"""A renamed module that names its logger after itself (getLogger(__name__)) changes a logger name
deployments configure: plan notes it (runsmig.loggers)."""

from __future__ import annotations

from runsmig.loggers import dotted, names_module
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe


def test_dotted_module_names():
    files = {"shop/__init__.py", "src/pkg/__init__.py"}
    assert dotted("shop/jobs.py", files) == "shop.jobs"
    assert dotted("src/pkg/jobs.py", files) == "pkg.jobs"
    assert dotted("tools/jobs.py", files) == "jobs"
    assert dotted("shop/__init__.py", files) == "shop"


def test_names_module_reads_the_call():
    assert names_module(b"import logging\nlogger = logging.getLogger(__name__)\n")
    assert names_module(b"from logging import getLogger\nlog = getLogger(__name__)\n")
    assert not names_module(b"import logging\nlogger = logging.getLogger('shop')\n# getLogger(__name__)\n")


def test_plan_notes_a_logger_that_follows_a_renamed_module(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop/__init__.py").write_text("")
    (tmp_path / "shop/jobs.py").write_text("import logging\n\nlogger = logging.getLogger(__name__)\n")
    (tmp_path / "shop/util.py").write_text("import logging\n\nlogger = logging.getLogger(__name__)\n")
    r = tmp_path / "r.yaml"
    r.write_text("version: 1\nname: t\nterms:\n  - {from: job, to: run}\n")
    plan = build_plan(tmp_path, load_recipe(r), workers=1)
    notes = [n for n in plan.notes if "logger name" in n]
    assert notes == [notes[0]] and "'shop.jobs' becomes 'shop.runs'" in notes[0]
