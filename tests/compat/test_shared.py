"""The shared parts of compat (issue #22): the recipe section, the default from metadata, the marker."""

from __future__ import annotations

import json

import pytest

from runsmig.compat import marker
from runsmig.compat.drop import due
from runsmig.compat.settings import next_major, read_library, resolve
from runsmig.errors import RecipeError
from runsmig.recipe import load_recipe


def recipe(tmp_path, extra: str = ""):
    path = tmp_path / "r.yaml"
    path.write_text(f"version: 1\nname: t\nterms:\n  - {{from: job, to: run}}\n{extra}")
    return load_recipe(path)


@pytest.mark.parametrize(("text", "action", "removed"), [
    ("compat: none", "none", None),
    ("compat: aliases", "aliases", None),
    ("compat: {action: aliases, removed_in: '3.1'}", "aliases", "3.1"),
    ("compat: {removed_in: 4}", "aliases", "4"),
])
def test_section(tmp_path, text, action, removed):
    s = recipe(tmp_path, text).sections["compat"]
    assert (s.action, s.removed_in) == (action, removed)


@pytest.mark.parametrize("text", ["compat: maybe", "compat: {action: alias}", "compat: {removed_in: soon}",
                                  "compat: {other: 1}"])
def test_section_errors(tmp_path, text):
    with pytest.raises(RecipeError):
        recipe(tmp_path, text)


def test_bundled_ade_recipe_says_none():
    assert load_recipe().sections["compat"].action == "none"


def test_default_from_metadata(tmp_path):
    r = recipe(tmp_path)
    app = tmp_path / "app"
    app.mkdir()
    assert resolve(app, r).action == "none"
    (app / "package.json").write_text(json.dumps({"name": "web", "private": True, "version": "1.0.0"}))
    assert resolve(app, r).action == "none"
    (app / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n')
    assert resolve(app, r).action == "none"
    lib = tmp_path / "lib"
    (lib / "pkg").mkdir(parents=True)
    (lib / "pyproject.toml").write_text('[project]\nname = "pkg"\ndynamic = ["version"]\n'
                                        '[tool.hatch.version]\npath = "pkg/version.py"\n')
    (lib / "pkg" / "version.py").write_text("VERSION = '2.10.1'\n")
    c = resolve(lib, r)
    assert (c.action, c.removed_in) == ("aliases", "3.0")
    assert "next major release after pkg 2.10.1 (pyproject.toml)" in c.said
    assert resolve(lib, recipe(tmp_path, "compat: {removed_in: '2.12'}")).removed_in == "2.12"
    assert resolve(lib, recipe(tmp_path, "compat: none")).action == "none"
    npm = tmp_path / "npm"
    npm.mkdir()
    (npm / "package.json").write_text(json.dumps({"name": "bullish", "version": "5.4.0"}))
    assert read_library(npm).language == "typescript" and resolve(npm, r).removed_in == "6.0"
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "setup.cfg").write_text("[metadata]\nname = old-lib\nversion = 0.9.2\n")
    assert (read_library(cfg).name, resolve(cfg, r).removed_in) == ("old-lib", "1.0")


def test_next_major_and_due():
    assert [next_major(v) for v in ("2.10", "v5.1.0", "0.3", None, "dev")] == ["3.0", "6.0", "1.0", None, None]
    assert due("3.0", "3.0") and due("3.0", "3.0.1") and due("2.9", "3") and not due("3.0", "2.99")


def test_marker_reasons():
    assert marker.line("3.0") == "# runsmig: compat aliases until 3.0, remove with 'runsmig compat drop'"
    assert marker.file_reason((marker.line("3.0") + "\nJOB = 1\n").encode()) == "compat (removed in 3.0)"
    assert marker.file_reason(b"JOB = 1\n") is None
    text = "a\n" + marker.begin("3.0", "#") + "\nb\n" + marker.end("#") + "\nc  " + marker.line("4.0", "//") + "\nd\n"
    assert marker.line_reasons(text) == {2: "compat (removed in 3.0)", 3: "compat (removed in 3.0)",
                                         4: "compat (removed in 3.0)", 5: "compat (removed in 4.0)"}


def test_the_runtime_holds_no_apostrophe_outside_its_strings():
    """The runtime is written with the quote of the package (runsmig.compat.pyruntime.module_text
    swaps every ' for "): a comment or docstring holding an apostrophe would come out mangled."""
    import io
    import tokenize

    from runsmig.compat import pyruntime

    for text in (pyruntime._RUNTIME, pyruntime._SETTINGS_RUNTIME):
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT or tok.type == tokenize.STRING and tok.string.startswith('"""'):
                assert "'" not in tok.string.strip('"'), tok.string[:80]
