"""The recipe's history: section: validated at load (file:line:col), and from a checkout-controlled
recipe an add covering every file is refused like a catch-all allowlist (exit 2)."""

from __future__ import annotations

import pytest

from runsmig.errors import RecipeError
from runsmig.recipe import load_recipe
from tests.helpers import git_copy, runsmig

HEAD = "version: 1\nname: t\nterms:\n  - {from: job, to: run}\n"


@pytest.mark.parametrize("body, where, message", [
    ("history:\n  adds: [x]\n", ":6:3:", "unknown key"),
    ("history:\n  add: x\n", ":6:8:", "expected a list"),
    ("history:\n  remove: [1]\n", ":6:12:", "expected a string"),
    ("history:\n  add: ['../x']\n", ":6:9:", "'..'"),
])
def test_malformed_history_section(tmp_path, body, where, message):
    f = tmp_path / "recipe.yaml"
    f.write_text(HEAD + body)
    with pytest.raises(RecipeError) as exc:
        load_recipe(f)
    shown = str(exc.value) + " " + repr(exc.value.__dict__)
    assert message in shown
    line, col = where.strip(":").split(":")
    assert exc.value.line == int(line) and exc.value.col == int(col)


@pytest.mark.parametrize("adds, refused", [(["**"], True), (["*.py", "*"], True), (["legacy/**"], False)])
def test_checkout_history_add_covering_everything_is_refused(tmp_path, adds, refused):
    src = tmp_path / "src"
    (src / ".runsmig").mkdir(parents=True)
    (src / "app.py").write_text("job = 1\n")
    (src / ".runsmig" / "recipe.yaml").write_text(HEAD + "history:\n  add: [" + ", ".join(f"'{a}'" for a in adds) + "]\n")
    (src / "pyproject.toml").write_text('[tool.runsmig]\nrecipe = ".runsmig"\n')
    work = git_copy(src, tmp_path / "w")
    proc = runsmig("check", str(work), "--no-job-terms")
    if refused:
        assert proc.returncode == 2 and b"history add" in proc.stderr and b"recipe.yaml:6:" in proc.stderr
    else:
        assert proc.returncode == 1  # app.py still holds the term: the gate still works
