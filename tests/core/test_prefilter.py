"""The literal prefilter skips files without a term; a file that imports a module an explicit
recipe entry moves (its name holding no term) must still be analysed, or its import would break."""

from __future__ import annotations

from runsmig.plan import build_plan
from runsmig.recipe import load_recipe
from runsmig.runner import module_keys
from tests.helpers import committed_checkout

RECIPE = """version: 1
name: prefilter-case
terms:
  - {from: job, plural: jobs, to: run, to_plural: runs}
paths:
  rename:
    - {from: src/util/helpers.ts, to: src/util/tools.ts, reason: clearer name}
    - {from: pkg/helpers.py, to: pkg/tools.py, reason: clearer name}
"""


def _tree(tmp_path):
    files = {
        "src/util/helpers.ts": "export const add = (a: number, b: number) => a + b;\n",
        "src/app.ts": 'import { add } from "./util/helpers";\nexport const three = add(1, 2);\n',
        "pkg/__init__.py": "",
        "pkg/helpers.py": "def add(a, b):\n    return a + b\n",
        "pkg/app.py": "from pkg.helpers import add\n\nTHREE = add(1, 2)\n",
        "notes.txt": "nothing to see here\n",
    }
    return committed_checkout(tmp_path, files, RECIPE)


def test_termless_importers_of_a_moved_module_follow_it(tmp_path):
    root, recipe = _tree(tmp_path)
    plan = build_plan(root, recipe, workers=1)
    by_path = {c.path: c for c in plan.changes}
    assert by_path["src/util/helpers.ts"].new_path == "src/util/tools.ts"
    assert by_path["src/app.ts"].new == b'import { add } from "./util/tools";\nexport const three = add(1, 2);\n'
    assert by_path["pkg/app.py"].new == b"from pkg.tools import add\n\nTHREE = add(1, 2)\n"
    assert "notes.txt" not in by_path


def test_module_keys_are_stems_and_index_folders(tmp_path):
    root, recipe = _tree(tmp_path)
    assert module_keys(recipe) == (b"helpers",)
    bundled = load_recipe()
    assert set(module_keys(bundled)) >= {b"jobs", b"03-run-jobs"}


def test_without_the_module_keys_the_prefilter_would_skip_them(tmp_path, monkeypatch):
    import runsmig.runner.analyze

    root, recipe = _tree(tmp_path)
    monkeypatch.setattr(runsmig.runner.analyze, "_names_moved_module", lambda data, recipe: False)
    plan = build_plan(root, recipe, workers=1)
    assert "src/app.ts" not in {c.path for c in plan.changes}


def test_module_keys_follow_the_recipes_entries_not_its_file(tmp_path):
    import dataclasses

    from runsmig.recipe.model import PathRename

    bundled = load_recipe()
    other = dataclasses.replace(bundled, renames=(PathRename("src/widgets/index.ts", "src/parts/index.ts"),))
    assert other.source == bundled.source
    assert module_keys(other) == tuple(sorted({b"index", b"widgets", b"jobs"}))
