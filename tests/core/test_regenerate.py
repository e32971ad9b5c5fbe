"""Generated files: the plan runs their generator on the migrated code in a shadow tree, and
plans its output; without the tool, or when it fails, the structural rewrite stays, with a note."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from runsmig.apply import apply_plan
from runsmig.errors import RecipeError
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe
from tests.helpers import files, git, runsmig

GENERATOR = '''\
import json, os, sys
sys.path.insert(0, os.environ["APP_PATH"])
import api
names = sorted(n for n in dir(api) if not n.startswith("_"))
deps = open("deps/version.txt").read().strip()
with open("generated/schema.json", "w") as fh:
    fh.write(json.dumps({"operations": names, "deps": deps}, indent=2) + "\\n")
'''
API = "def jobs():\n    return []\n\n\ndef lookup(job_id):\n    return job_id\n"


def _recipe(root, command: str) -> object:
    (root / "recipe.yaml").write_text(
        "version: 1\nname: regen-case\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
        "generated:\n"
        f"  - path: generated/schema.json\n    regenerate: '{command}'\n"
        "    env: {APP_PATH: '{root}/app'}\n    link: [deps]\n", "utf-8")
    return load_recipe(root / "recipe.yaml")


def _checkout(tmp_path):
    root = tmp_path / "co"
    (root / "app").mkdir(parents=True)
    (root / "tools").mkdir()
    (root / "generated").mkdir()
    (root / "deps").mkdir()
    (root / "app" / "api.py").write_text(API, "utf-8")
    (root / "tools" / "gen.py").write_text(GENERATOR, "utf-8")
    (root / "deps" / "version.txt").write_text("deps-1.2\n", "utf-8")  # ignored, like node_modules
    (root / ".gitignore").write_text("deps/\nrecipe.yaml\n", "utf-8")
    subprocess.run([sys.executable, "tools/gen.py"], cwd=root, check=True, env={"APP_PATH": str(root / "app"), "PYTHONDONTWRITEBYTECODE": "1"})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


def _schema(data: bytes) -> dict:
    return json.loads(data)


def test_plan_takes_the_generators_output_on_the_migrated_code(tmp_path):
    root = _checkout(tmp_path)
    recipe = _recipe(root, f"{sys.executable} tools/gen.py")
    # the structural rewrite alone keeps the old order: ["runs", "lookup"]; the generator sorts
    assert _schema((root / "generated/schema.json").read_bytes())["operations"] == ["jobs", "lookup"]
    before = files(root)
    plan = build_plan(root, recipe, workers=1)
    assert files(root) == before, "planning wrote into the checkout"
    change = next(c for c in plan.changes if c.path == "generated/schema.json")
    assert _schema(change.new) == {"operations": ["lookup", "runs"], "deps": "deps-1.2"}
    assert any("generated/schema.json: regenerated" in n for n in plan.notes)

    apply_plan(plan)
    written = (root / "generated/schema.json").read_bytes()
    assert written == change.new
    # regenerating after apply, as a user would, gives no diff
    subprocess.run([sys.executable, "tools/gen.py"], cwd=root, check=True, env={"APP_PATH": str(root / "app"), "PYTHONDONTWRITEBYTECODE": "1"})
    assert (root / "generated/schema.json").read_bytes() == written
    git(root, "add", "-A")
    git(root, "commit", "-qm", "applied")
    assert build_plan(root, recipe, workers=1).empty


def test_missing_tool_keeps_the_structural_rewrite_and_says_so(tmp_path):
    root = _checkout(tmp_path)
    plan = build_plan(root, _recipe(root, "no-such-generator-xyz build"), workers=1)
    change = next(c for c in plan.changes if c.path == "generated/schema.json")
    assert _schema(change.new)["operations"] == ["runs", "lookup"]
    assert any("'no-such-generator-xyz' is not installed" in n for n in plan.notes)


def test_failing_generator_keeps_the_structural_rewrite_with_its_exit_code(tmp_path):
    root = _checkout(tmp_path)
    command = f'{sys.executable} -c "import sys; print(\\"boom\\", file=sys.stderr); sys.exit(3)"'
    recipe = _recipe(root, command.replace("'", "''"))
    plan = build_plan(root, recipe, workers=1)
    change = next(c for c in plan.changes if c.path == "generated/schema.json")
    assert _schema(change.new)["operations"] == ["runs", "lookup"]
    assert any("exited 3: boom" in n for n in plan.notes), plan.notes


def test_no_regenerate_option(tmp_path):
    root = _checkout(tmp_path)
    _recipe(root, f"{sys.executable} tools/gen.py")
    proc = runsmig("plan", "--no-regenerate", "--recipe", str(root / "recipe.yaml"), str(root), check_rc=0)
    assert b'+    "runs",\n' in proc.stdout and b"regenerated" not in proc.stderr
    proc = runsmig("plan", "--recipe", str(root / "recipe.yaml"), str(root), check_rc=0)
    assert b'+    "runs"\n' in proc.stdout and b"regenerated" in proc.stderr


def test_link_outside_the_checkout_is_refused_at_load(tmp_path):
    (tmp_path / "r.yaml").write_text(
        "version: 1\nname: x\nterms:\n  - {from: job, to: run}\ngenerated:\n"
        "  - {path: a.json, regenerate: gen, link: [../outside]}\n", "utf-8")
    with pytest.raises(RecipeError) as exc:
        load_recipe(tmp_path / "r.yaml")
    assert "r.yaml:6:44: generated[0].link[0]" in str(exc.value)
