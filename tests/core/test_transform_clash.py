"""Two recipe transforms on one file: the same insertion made by both is one edit; edits that
touch the same text would lose one of them, so the file fails, named, and stays untouched."""

from __future__ import annotations

from runsmig.plan import build_plan
from runsmig.recipe import load_recipe
from tests.helpers import git

ADD_IMPORT = '''"""add_{name}"""
from runsmig.findings import Analysis, Edit

PATHS = ["app/main.py"]


def transform(ctx):
    at = ctx.text.index("import os\\n") + len("import os\\n")
    return Analysis(edits=[Edit(at, at, "import sys\\n")])
'''
REPLACE_HEADER = '''"""replace_header"""
from runsmig.findings import Analysis, Edit

PATHS = ["app/main.py"]


def transform(ctx):
    start = ctx.text.index("import os\\n")
    return Analysis(edits=[Edit(start, start + len("import os\\n"), "import os  # checked\\n")])
'''
INSERT_INSIDE = '''"""insert_inside"""
from runsmig.findings import Analysis, Edit

PATHS = ["app/main.py"]


def transform(ctx):
    at = ctx.text.index("import os\\n")
    return Analysis(edits=[Edit(at, at, "import re\\n")])
'''


def _case(tmp_path, transforms: dict[str, str]):
    recipe_dir = tmp_path / "recipe"
    (recipe_dir / "transforms").mkdir(parents=True)
    (recipe_dir / "recipe.yaml").write_text("version: 1\nname: clash\nterms:\n  - {from: job, to: run}\n", "utf-8")
    for name, text in transforms.items():
        (recipe_dir / "transforms" / f"{name}.py").write_text(text, "utf-8")
    root = tmp_path / "co"
    (root / "app").mkdir(parents=True)
    (root / "app" / "main.py").write_text("import os\n\nprint(os.sep)\n", "utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root, load_recipe(recipe_dir / "recipe.yaml")


def test_the_same_insertion_by_two_transforms_is_made_once(tmp_path):
    root, recipe = _case(tmp_path, {"add_a": ADD_IMPORT.format(name="a"), "add_b": ADD_IMPORT.format(name="b")})
    plan = build_plan(root, recipe, workers=1)
    (change,) = plan.changes
    assert change.new == b"import os\nimport sys\n\nprint(os.sep)\n"


def test_an_insertion_where_another_transform_replaces_text_fails_the_file(tmp_path):
    root, recipe = _case(tmp_path, {"replace_header": REPLACE_HEADER, "insert_inside": INSERT_INSIDE})
    before = (root / "app" / "main.py").read_bytes()
    plan = build_plan(root, recipe, workers=1)
    assert plan.changes == []
    ((path, reason, line),) = plan.failures()
    assert path == "app/main.py" and line == 1
    assert "transforms insert_inside and replace_header edit the same text" in reason
    assert (root / "app" / "main.py").read_bytes() == before


def test_edits_of_different_places_by_two_transforms_are_both_made(tmp_path):
    root, recipe = _case(tmp_path, {"replace_header": REPLACE_HEADER, "add_a": ADD_IMPORT.format(name="a")})
    (change,) = build_plan(root, recipe, workers=1).changes
    assert change.new == b"import os  # checked\nimport sys\n\nprint(os.sep)\n"
