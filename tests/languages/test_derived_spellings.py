"""Every spelling of a renamed name (issue #19, item 2): the joined spellings other code writes a
renamed name in (Django's lowercase model label ``"modelnamejob"``, ``"app.modelnamejob"``,
``"view_modelnamejob"``, ``modelnamejob_set``, plurals, upper case) are renamed with it, in every
language, and the check reports one left behind (runsmig.derived)."""

from __future__ import annotations

import pytest

from runsmig.derived import defined_names, spellings
from runsmig.recipe.model import Term
from runsmig.terms import TermEngine
from tests.languages.test_python import new_text, outcomes, recipe, tree

MODELS = """
    from django.db import models


    class ModelNameJob(models.Model):
        title = models.CharField(max_length=10)


    class Other(models.Model):
        target = models.ForeignKey("shop.ModelNameJob", on_delete=models.CASCADE)
"""
MIGRATION = """
    from django.db import migrations, models


    class Migration(migrations.Migration):
        operations = [
            migrations.AddField(model_name="modelnamejob", name="title", field=models.CharField(max_length=10)),
            migrations.AlterField(model_name="other", name="target",
                                  field=models.ForeignKey(on_delete=models.CASCADE, to="shop.modelnamejob")),
        ]
"""


def checkout(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/migrations/__init__.py": "",
            "shop/migrations/0002_other.py": MIGRATION, **(extra or {})}


def test_django_label_in_a_later_migration(tmp_path):
    """A released migration that writes the model's label is history (issue #21): it stays as it is,
    and its labels keep resolving through the migration the plan adds (RenameModel); the same label
    written elsewhere follows the class."""
    got = outcomes(tmp_path, checkout({"shop/admin_urls.py": 'LABEL = "shop.modelnamejob"\n'}))
    assert got["shop/migrations/0002_other.py"].status == "unchanged"
    assert all(f.allowed_by.startswith("history") for f in got["shop/migrations/0002_other.py"].allowed)
    assert new_text(got["shop/admin_urls.py"]) == 'LABEL = "shop.modelnamerun"\n'
    assert "class ModelNameRun" in new_text(got["shop/models.py"])


SPELLINGS = [
    ('perm = "shop.view_modelnamejob"\n', 'perm = "shop.view_modelnamerun"\n'),
    ('codename = "change_modelnamejob"\n', 'codename = "change_modelnamerun"\n'),
    ('url = "/admin/shop/modelnamejob/"\n', 'url = "/admin/shop/modelnamerun/"\n'),
    ('label = "modelnamejobs"\n', 'label = "modelnameruns"\n'),
    ('KEY = "MODELNAMEJOB"\n', 'KEY = "MODELNAMERUN"\n'),
    ("def f(o):\n    return o.modelnamejob_set.all()\n", "def f(o):\n    return o.modelnamerun_set.all()\n"),
    ('table = "shop_modelnamejob"  # the modelnamejob table\n', 'table = "shop_modelnamerun"  # the modelnamerun table\n'),
]


@pytest.mark.parametrize("src,expected", SPELLINGS, ids=["permission", "codename", "admin-url", "plural", "upper",
                                                          "reverse-accessor", "table-and-comment"])
def test_derived_spelling_in_python(tmp_path, src, expected):
    got = outcomes(tmp_path, checkout({"shop/uses.py": src}))
    assert new_text(got["shop/uses.py"]) == expected


def test_derived_spelling_in_markdown_and_config(tmp_path):
    got = outcomes(tmp_path, checkout({"docs/models.md": "The `shop.modelnamejob` label.\n",
                                       "fixtures.yaml": "- model: shop.modelnamejob\n  pk: 1\n"}))
    assert new_text(got["docs/models.md"]) == "The `shop.modelnamerun` label.\n"
    assert new_text(got["fixtures.yaml"]) == "- model: shop.modelnamerun\n  pk: 1\n"


NOT_DERIVED = [
    'glued = "xmodelnamejob"\n',  # not the spelling: glued to other letters
    'other = "somethingjob"\n',  # no name of the checkout is written so
    'n = "modelnamejob2"\n',  # glued to a digit
]


@pytest.mark.parametrize("src", NOT_DERIVED, ids=["glued", "undefined", "digit"])
def test_not_a_derived_spelling(tmp_path, src):
    got = outcomes(tmp_path, checkout({"shop/uses.py": src}))
    o = got["shop/uses.py"]
    assert o.status == "unchanged"
    assert o.non_term  # still listed as not the term


def test_check_reports_a_derived_spelling_left_behind(tmp_path):
    from runsmig.cli.check import build_report

    root = tree(tmp_path / "co", checkout({"shop/labels.py": 'A = "modelnamejob"\nB = "shop.modelnamejob"\n'}))
    rep = build_report(root, recipe(tmp_path).source, workers=1)
    left = [f for f in rep.findings if f.path == "shop/labels.py"]
    assert sorted(f.text for f in left) == ["modelnamejob", "modelnamejob"]
    assert not [w for p, _, _, w in rep.non_term if "modelnamejob" in w and p.endswith("labels.py")]


def test_the_spelling_follows_a_definition_added_elsewhere_with_the_cache(tmp_path, monkeypatch):
    """The per-file cache: a file whose bytes did not change is analysed again when the names the
    checkout defines give it a new derived spelling."""
    from runsmig.runner import run

    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp_path / "cache"))
    root = tree(tmp_path / "co", {"shop/__init__.py": "", "shop/uses.py": 'label = "modelnamejob"\n'})
    rec = recipe(tmp_path)
    first = {o.rel: o for o in run(root, rec, workers=1, cache=True).outcomes}
    assert first["shop/uses.py"].status == "unchanged"
    tree(root, {"shop/models.py": MODELS})
    again = {o.rel: o for o in run(root, rec, workers=1, cache=True).outcomes}
    assert new_text(again["shop/uses.py"]) == 'label = "modelnamerun"\n'


def test_workers_match_the_derived_spellings(tmp_path, monkeypatch):
    from runsmig.runner import pool, run

    monkeypatch.setattr(pool, "PARALLEL_THRESHOLD", 1)  # a process pool, whose workers build their own engine

    files = checkout({f"shop/m{i}.py": f'x{i} = "modelnamejob"\n' for i in range(40)})
    root = tree(tmp_path / "co", files)
    got = {o.rel: o for o in run(root, recipe(tmp_path), workers=2).outcomes}
    assert all(new_text(got[f"shop/m{i}.py"]) == f'x{i} = "modelnamerun"\n' for i in range(40))


# -- the index ---------------------------------------------------------------------------------
ENGINE = TermEngine((Term("job", "jobs", "run", "runs"),))


def test_spellings_of_names():
    got = spellings({"ModelNameJob", "job_queue", "Job", "jobs", "unrelated", "JobsService"}, ENGINE)
    assert got["modelnamejob"] == "modelnamerun"
    assert got["modelnamejobs"] == "modelnameruns"
    assert got["MODELNAMEJOB"] == "MODELNAMERUN"
    assert got["jobqueue"] == "runqueue"
    assert got["jobsservice"] == "runsservice"
    assert "job" not in got and "jobs" not in got and "unrelated" not in got


def test_ambiguous_spelling_is_not_renamed():
    engine = TermEngine((Term("job", "jobs", "run", "runs"),), {"JobThing": "Special"})
    got = spellings({"JobThing", "job_thing"}, engine)
    assert "jobthing" not in got  # 'special' or 'runthing'?


def test_defined_names(tmp_path):
    (tmp_path / "a.py").write_text("class ModelNameJob:\n    def __init__(self):\n        self.job_limit: int = 1\n"
                                   "async def run_job(): pass\nif self.job_x == 1: pass\n")
    (tmp_path / "b.txt").write_text("class NotPython: pass\n")
    assert defined_names(tmp_path, ["a.py", "b.txt"]) == {"ModelNameJob", "__init__", "job_limit", "run_job"}
