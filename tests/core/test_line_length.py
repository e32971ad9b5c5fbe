"""Lines a rewrite pushes past the project's line length are named in a plan note
(runsmig.linelength): the project's linter would fail on them."""

from __future__ import annotations

from pathlib import Path

from runsmig.linelength import line_length
from runsmig.plan import build_plan
from tests.helpers import committed_checkout

RECIPE = "version: 1\nname: longer\nterms:\n  - {from: job, plural: jobs, to: workload, to_plural: workloads}\n"


def _notes(tmp_path: Path, files: dict[str, str]) -> list[str]:
    root, recipe = committed_checkout(tmp_path, files, RECIPE)
    plan = build_plan(root, recipe, workers=1)
    return [n for n in plan.notes if "line length" in n]


def test_a_line_pushed_past_the_limit_is_named(tmp_path):
    files = {
        "pyproject.toml": "[tool.ruff]\nline-length = 40\n",
        "app.py": ("def start_job(job):  # fits: 36 chars\n"  # -> 46: over 40
                   "    return job\n"  # -> 19: fits
                   "x = 1  # an already long line that mentions no term at all\n"
                   "def long_line_already_over_the_limit(job): pass\n"),  # over before: not named
    }
    (note,) = _notes(tmp_path, files)
    assert note.startswith("app.py: the rewrite makes line(s) 1 (") and "line length (40)" in note
    assert " 2 (" not in note and " 4 (" not in note


def test_nothing_named_within_the_limit(tmp_path):
    assert _notes(tmp_path, {"app.py": "def start_job(job):\n    return job\n"}) == []


def test_the_limit_is_read_from_the_linters_configuration(tmp_path):
    cases = {
        "black": ({"pyproject.toml": "[tool.black]\nline-length = 100\n"}, 100),
        "ruff-toml": ({"ruff.toml": "line-length = 110\n"}, 110),
        "flake8": ({"setup.cfg": "[flake8]\nmax-line-length = 99\n"}, 99),
        "tox": ({"tox.ini": "[flake8]\nmax_line_length = 79\n"}, 79),
        "none": ({}, 88),
        "broken": ({"pyproject.toml": "[tool.ruff\n"}, 88),
    }
    for name, (files, expected) in cases.items():
        root = tmp_path / name
        root.mkdir()
        for rel, text in files.items():
            (root / rel).write_text(text)
        assert line_length(root) == expected, name


def test_typescript_lines_past_the_eslint_max_len_are_named(tmp_path):
    files = {
        "eslint.config.mjs": "export default [{ rules: { 'max-len': ['error', { code: 40, ignoreUrls: true }] } }];\n",
        "src/a.ts": "const startJob = (job) => job;\nexport const x = startJob;\n",  # 30 -> 45
    }
    (note,) = _notes(tmp_path, files)
    assert note.startswith("src/a.ts: the rewrite makes line(s) 1 (") and "(40)" in note


def test_typescript_without_max_len_is_not_measured(tmp_path):
    assert _notes(tmp_path, {"src/a.ts": "export const startJob = (job: string) => job;  // a long line of its own\n"}) == []


def test_eslint_max_len_forms(tmp_path):
    from runsmig.linelength import eslint_max_len

    for i, (name, text, expected) in enumerate([
            (".eslintrc.json", '{"rules": {"max-len": [2, 100]}}', 100),
            (".eslintrc.yml", "rules:\n  max-len: [error, {code: 110}]\n", 110),
            ("eslint.config.js", "module.exports = [{ rules: { semi: 'error' } }];", None)]):
        root = tmp_path / str(i)
        root.mkdir()
        (root / name).write_text(text)
        assert eslint_max_len(root) == expected, name


def test_the_nearest_configuration_decides_in_a_monorepo(tmp_path):
    files = {
        "apps/api/pyproject.toml": "[tool.ruff]\nline-length = 100\n",
        "apps/api/app.py": "def start_job(job):  # 79 before, 89 renamed: within 100 ......................\n    return job\n",
        "tools/x.py": "def start_job(job):  # 80 before, 90 renamed: past the default 88 ..............\n    return job\n",
    }
    notes = _notes(tmp_path, files)
    assert len(notes) == 1 and notes[0].startswith("tools/x.py:") and "(88)" in notes[0], notes
