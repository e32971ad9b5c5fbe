"""Recipe transforms are read before they are imported: ``PATHS`` built from constants is read from
the module's syntax tree (runsmig.transforms._static_paths), and the module itself is imported only
when a file of the checkout matches it. A module whose ``PATHS`` is not constant is imported at load,
as before. ``load_transforms`` is cached per folder: every test here uses a fresh folder."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from runsmig.plan import build_plan
from runsmig.recipe import load_recipe
from runsmig.transforms import _static_paths, load_transforms, transforms_for
from tests.helpers import REPO, git, reseal, runsmig

BUNDLED = REPO / "rules" / "jobs-to-runs" / "transforms"


def _exec_module(path: Path, tag: str):
    """The module as Python runs it (a name of our own: runsmig's import cache stays untouched)."""
    name = f"test_transform_loading_{tag}_{abs(hash(str(path)))}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    finally:
        del sys.modules[name]
    return mod


# -- the bundled recipe -----------------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(BUNDLED.glob("[!_]*.py")), ids=lambda p: p.stem)
def test_bundled_transform_paths_read_statically_equal_the_imported_ones(path):
    static = _static_paths(path)
    real = _exec_module(path, "bundled").PATHS
    assert static is not None, "built from constants: it should be read without importing"
    assert static == list(real)


def test_the_bundled_recipe_has_transforms():
    assert len(list(BUNDLED.glob("[!_]*.py"))) >= 10


# -- _static_paths, shape by shape -----------------------------------------------------------------
TRANSFORM_FN = "\n\ndef transform(ctx):\n    from runsmig.findings import Analysis\n    return Analysis()\n"

STATIC = {
    "literal list": 'PATHS = ["a.py", "docs/*.md"]\n',
    "literal tuple": 'PATHS = ("a.py", "/b/")\n',
    "annotated": 'PATHS: list[str] = ["a.py"]\n',
    "constants joined with +": 'BASE = "apps/api/"\nPATHS = [BASE + "x.py", "/" + BASE + "y.py"]\n',
    "lists joined with +": 'A = ["a.py"]\nB = ("b.py",)\nPATHS = A + list(B)\n',
    "tuple-unpacked constants": 'ROOT, EXT = "src/", ".ts"\nPATHS = [ROOT + "a" + EXT, ROOT + "b" + EXT]\n',
    "list-unpacked constants": '[A, B] = ["x/", "y/"]\nPATHS = [A + "1", B + "2"]\n',
    "dict keys": 'MAP = {"a.md": 1, "b.md": [2]}\nPATHS = list(MAP)\n',
    "dict keys with NAME[k] additions": 'MAP = {"a.md": 1}\nMAP["c.md"] = 3\nMAP["b.md"] = 2\nPATHS = sorted(MAP)\n',
    "sorted(set(A) | set(B))": 'A = {"z.md": 0, "a.md": 0}\nB = {"m.md": 0, "a.md": 0}\nA["q.md"] = 0\n'
                               'PATHS = sorted(set(A) | set(B))\n',
    "list comprehension": 'X = ["a.py", "b/c.py"]\nPATHS = ["/" + p for p in X]\n',
    "comprehension over sorted union": 'A = {"b": 1}\nB = {"a": 2}\nPATHS = ["/" + p + ".md" for p in sorted(set(A) | set(B))]\n',
    "rebound to a new constant": 'PATHS = ["old.py"]\nPATHS = ["new.py"]\n',
    "a later non-constant name does not matter": 'PATHS = ["a.py"]\nOTHER = len(PATHS)\n',
}


@pytest.mark.parametrize("source", STATIC.values(), ids=STATIC.keys())
def test_constant_paths_are_read_without_running_the_module(source, tmp_path):
    marker = tmp_path / "ran"
    f = tmp_path / "t.py"
    f.write_text(f"open({str(marker)!r}, 'w').close()\n" + source + TRANSFORM_FN, "utf-8")
    static = _static_paths(f)
    assert not marker.exists()  # nothing of the module ran
    assert static is not None
    real = _exec_module(f, "static").PATHS
    assert marker.exists()
    assert static == list(real)


NOT_STATIC = {
    "a function call": 'import os\nPATHS = [os.path.join("a", "b.py")]\n',
    "a call of the module's own function": 'def _p():\n    return ["a.py"]\n\nPATHS = _p()\n',
    "an f-string with a variable": 'BASE = "a/"\nPATHS = [f"{BASE}x.py"]\n',
    "PATHS assigned in a function": 'def _setup():\n    global PATHS\n    PATHS = ["a.py"]\n\n_setup()\n',
    "an unknown name": 'from os import sep\nPATHS = ["a" + sep + "b.py"]\n',
    "a constant later rebound to a call": 'PATHS = ["a.py"]\nPATHS = list(map(str, ["b.py"]))\n',
    "a comprehension with a condition": 'X = ["a.py", "b.md"]\nPATHS = [p for p in X if p.endswith(".py")]\n',
    "a dict subscript added with a computed key": 'M = {"a": 1}\nM["b".upper()] = 2\nPATHS = list(M)\n',
    "PATHS empty": "PATHS = []\n",
}


@pytest.mark.parametrize("source", NOT_STATIC.values(), ids=NOT_STATIC.keys())
def test_paths_not_built_from_constants_are_not_guessed(source, tmp_path):
    f = tmp_path / "t.py"
    f.write_text(source + TRANSFORM_FN, "utf-8")
    assert _static_paths(f) is None


def test_a_module_without_a_top_level_transform_is_not_read_statically(tmp_path):
    f = tmp_path / "t.py"
    f.write_text('PATHS = ["a.py"]\n\nclass T:\n    def transform(self, ctx):\n        return None\n', "utf-8")
    assert _static_paths(f) is None
    f.write_text('PATHS = ["a.py"]\n' + TRANSFORM_FN, "utf-8")
    assert _static_paths(f) == ["a.py"]  # the same module with it is


def test_a_module_that_does_not_parse_is_not_read_statically(tmp_path):
    f = tmp_path / "t.py"
    f.write_text('PATHS = ["a.py"]\ndef transform(ctx:\n', "utf-8")
    assert _static_paths(f) is None


# -- PATHS that stop being what the syntax says (known bugs) ----------------------------------------
STALE = {
    "augmented assignment": 'PATHS = ["a.py"]\nPATHS += ["b.py"]\n',
    "append": 'PATHS = ["a.py"]\nPATHS.append("b.py")\n',
    "extend of a constant it is built from": 'EXTRA = ["a.py"]\nEXTRA.extend(["b.py"])\nPATHS = list(EXTRA)\n',
    "rebound in an if block": 'import os\nPATHS = ["a.py"]\nif os.sep == "/":\n    PATHS = ["a.py", "b.py"]\n',
}


@pytest.mark.parametrize("source", STALE.values(), ids=STALE.keys())
def test_paths_changed_after_a_constant_assignment_are_not_taken_from_the_syntax(source, tmp_path):
    folder = tmp_path / "recipe"
    (folder / "transforms").mkdir(parents=True)
    f = folder / "transforms" / "t.py"
    f.write_text(source + TRANSFORM_FN, "utf-8")
    assert list(_exec_module(f, "stale").PATHS) == ["a.py", "b.py"]
    (t,) = load_transforms(folder)
    assert t.patterns == ("a.py", "b.py")
    assert transforms_for(folder, "b.py") == [t]


# -- imported only when a file needs it -------------------------------------------------------------
RECIPE = "version: 1\nname: lazy-transforms\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"

SIDE_EFFECT = '''"""lazy: writes a marker when imported, another when it runs."""
from pathlib import Path

from runsmig.findings import Analysis, Edit

Path({imported!r}).write_text("imported")
{extra}
BASE = "app/"
PATHS = ["/" + BASE + "special.py"]


def transform(ctx):
    Path({ran!r}).write_text(ctx.rel)
    at = ctx.text.index("MARK")
    return Analysis(edits=[Edit(at, at + len("MARK"), "DONE")])
'''

DYNAMIC = '''"""eager: PATHS is computed, so the module is imported to read it."""
import posixpath
from pathlib import Path

from runsmig.findings import Analysis, Edit

Path({imported!r}).write_text("imported")
PATHS = [posixpath.join("app", "dynamic.py")]


def transform(ctx):
    at = ctx.text.index("MARK")
    return Analysis(edits=[Edit(at, at + len("MARK"), "DYNAMIC")])
'''


def _recipe(tmp_path: Path, **transforms: str) -> Path:
    folder = tmp_path / "recipe"
    (folder / "transforms").mkdir(parents=True)
    (folder / "recipe.yaml").write_text(RECIPE, "utf-8")
    for name, text in transforms.items():
        (folder / "transforms" / f"{name}.py").write_text(text, "utf-8")
    return folder


def _checkout(root: Path, tree: dict[str, str]) -> Path:
    for rel, text in tree.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


@pytest.fixture(autouse=True)
def _cache_outside(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp_path / "cache"))  # no result cache inside the checkouts


def _markers(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "imported", tmp_path / "ran"


@pytest.mark.parametrize("extra", ["", "raise SystemExit(3)\n"], ids=["writes-a-file", "raises-SystemExit"])
def test_a_static_transform_is_not_imported_by_load_or_by_a_check_that_needs_none(extra, tmp_path):
    imported, ran = _markers(tmp_path)
    folder = _recipe(tmp_path, lazy=SIDE_EFFECT.format(imported=str(imported), ran=str(ran), extra=extra))
    (t,) = load_transforms(folder)
    assert t.name == "lazy" and t.patterns == ("/app/special.py",)
    assert t.applies("app/special.py") and not t.applies("x/app/special.py")
    assert not imported.exists()
    root = _checkout(tmp_path / "co", {"app/other.py": "x = 'job'\n", "app/special.txt": "MARK\n",
                                       "README.md": "MARK the jobs\n"})
    proc = runsmig("check", str(root), "--recipe", str(folder / "recipe.yaml"), "--format", "json", "--workers", "1")
    assert proc.returncode == 1, proc.stderr.decode()[-2000:]
    found = json.loads(proc.stdout)["findings"]
    assert {(f["path"], f["text"]) for f in found} == {("app/other.py", "job"), ("README.md", "jobs")}
    assert not imported.exists() and not ran.exists()


def test_a_static_transform_is_imported_and_runs_when_a_file_matches(tmp_path):
    imported, ran = _markers(tmp_path)
    folder = _recipe(tmp_path, lazy=SIDE_EFFECT.format(imported=str(imported), ran=str(ran), extra=""))
    root = _checkout(tmp_path / "co", {"app/special.py": "x = 1  # MARK\n", "app/other.py": "y = 2\n"})
    # the gate runs no recipe code (issue #20): the file holds no term, so it is clean
    proc = runsmig("check", str(root), "--recipe", str(folder / "recipe.yaml"), "--format", "json", "--workers", "1")
    assert json.loads(proc.stdout)["findings"] == [] and proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert not imported.exists() and not ran.exists()
    # plan imports and runs it
    proc = runsmig("plan", str(root), "--recipe", str(folder / "recipe.yaml"), "--workers", "1", check_rc=0)
    assert imported.read_text() == "imported"
    assert ran.read_text() == "app/special.py"
    assert b"+x = 1  # DONE" in proc.stdout
    # and it edits, as a transform does
    runsmig("apply", str(root), "--recipe", str(folder / "recipe.yaml"), check_rc=0)
    assert (root / "app/special.py").read_text() == "x = 1  # DONE\n"
    assert (root / "app/other.py").read_text() == "y = 2\n"


def test_a_static_transform_is_imported_in_process_only_for_a_plan_that_needs_it(tmp_path):
    imported, ran = _markers(tmp_path)
    folder = _recipe(tmp_path, lazy=SIDE_EFFECT.format(imported=str(imported), ran=str(ran), extra=""))
    root = _checkout(tmp_path / "co", {"app/other.py": "MARK = 'job'\n"})
    plan = build_plan(root, load_recipe(folder / "recipe.yaml"), workers=1)
    assert [c.path for c in plan.changes] == ["app/other.py"]
    assert not imported.exists()
    (root / "app/special.py").write_text("MARK\n", "utf-8")  # untracked, not ignored: part of the checkout
    plan = build_plan(root, load_recipe(folder / "recipe.yaml"), workers=1)
    assert imported.exists() and ran.read_text() == "app/special.py"
    assert {c.path: c.new for c in plan.changes}["app/special.py"] == b"DONE\n"


def test_a_transform_with_computed_paths_is_imported_at_load_and_works(tmp_path):
    imported, _ = _markers(tmp_path)
    folder = _recipe(tmp_path, eager=DYNAMIC.format(imported=str(imported)))
    assert _static_paths(folder / "transforms" / "eager.py") is None
    (t,) = load_transforms(folder)
    assert imported.exists()
    assert t.patterns == ("app/dynamic.py",) and t.applies("app/dynamic.py") and not t.applies("x/app/dynamic.py")
    root = _checkout(tmp_path / "co", {"app/dynamic.py": "MARK\n", "app/other.py": "MARK\n"})
    plan = build_plan(root, load_recipe(folder / "recipe.yaml"), workers=1)
    assert {c.path: c.new for c in plan.changes} == {"app/dynamic.py": b"DYNAMIC\n"}


def test_static_and_computed_transforms_side_by_side(tmp_path):
    imported, ran = _markers(tmp_path)
    eager_mark = tmp_path / "eager-imported"
    folder = _recipe(tmp_path, lazy=SIDE_EFFECT.format(imported=str(imported), ran=str(ran), extra=""),
                     eager=DYNAMIC.format(imported=str(eager_mark)))
    names = {t.name: t for t in load_transforms(folder)}
    assert set(names) == {"lazy", "eager"}
    assert eager_mark.exists() and not imported.exists()
    assert [t.name for t in transforms_for(folder, "app/special.py")] == ["lazy"]
    assert not imported.exists()  # deciding which transform names a file imports nothing
    names["lazy"].run  # noqa: B018 - first use imports it
    assert imported.exists()


def test_reassigning_an_existing_dict_key_keeps_its_place(tmp_path):
    folder = tmp_path / "recipe"
    (folder / "transforms").mkdir(parents=True)
    f = folder / "transforms" / "t.py"
    f.write_text('M = {"*.md": 1, "!keep.md": 2}\nM["*.md"] = 3\nPATHS = list(M)\n' + TRANSFORM_FN, "utf-8")
    assert list(_exec_module(f, "dupkey").PATHS) == ["*.md", "!keep.md"]
    (t,) = load_transforms(folder)
    assert t.applies("a.md")
    assert not t.applies("keep.md")


def test_a_transform_that_exits_at_import_is_a_recipe_error(tmp_path):
    imported, ran = _markers(tmp_path)
    folder = _recipe(tmp_path, lazy=SIDE_EFFECT.format(imported=str(imported), ran=str(ran),
                                                       extra="raise SystemExit\n"))
    root = _checkout(tmp_path / "co", {"app/special.py": "MARK\n", "app/other.py": "x = 'job'\n"})
    proc = runsmig("check", str(root), "--recipe", str(folder / "recipe.yaml"), "--format", "json", "--workers", "1")
    assert not imported.exists() and proc.returncode == 1  # the gate runs no recipe code (issue #20)
    proc = runsmig("plan", str(root), "--recipe", str(folder / "recipe.yaml"), "--workers", "1")
    assert imported.exists()  # it was imported (a file matches)
    assert proc.returncode == 2
    assert b"cannot load transform" in proc.stderr


def test_static_paths_are_remembered_by_content_and_a_bad_memo_is_rebuilt(tmp_path, monkeypatch):
    import runsmig.transforms as T

    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[str] = []
    real = T._static_paths
    monkeypatch.setattr(T, "_static_paths", lambda p: calls.append(p.name) or real(p))
    src = 'PATHS = ["a/*.py"]\n' + TRANSFORM_FN
    for i in range(2):  # two folders (load_transforms is cached per folder), one content
        folder = tmp_path / f"recipe{i}" / "transforms"
        folder.mkdir(parents=True)
        (folder / "t.py").write_text(src, "utf-8")
        (t,) = load_transforms(folder.parent)
        assert t.patterns == ("a/*.py",)
    assert calls == ["t.py"]  # parsed once
    for memo in (tmp_path / "cache" / "transform-paths").iterdir():
        reseal(memo, "transform-paths", b'["not", 1]')  # a memo of the wrong shape (that verifies)
    folder = tmp_path / "recipe2" / "transforms"
    folder.mkdir(parents=True)
    (folder / "t.py").write_text(src, "utf-8")
    (t,) = load_transforms(folder.parent)
    assert t.patterns == ("a/*.py",) and calls == ["t.py", "t.py"]
