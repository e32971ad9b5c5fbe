"""Recipes that can never settle are load errors, and every load error names file:line:col.

A recipe that writes what it (or another of its entries) rewrites again would flip or grow on every
plan, and the gate could never pass after apply: each case is refused when the recipe loads."""

from __future__ import annotations

import re

import pytest

from tests.helpers import runsmig

HEAD = "version: 1\nname: x\n"


def _load_error(tmp_path, body: str, transform: str | None = None) -> tuple[int, str]:
    recipe = tmp_path / "recipe"
    recipe.mkdir()
    (recipe / "recipe.yaml").write_text(HEAD + body)
    if transform is not None:
        (recipe / "transforms").mkdir()
        (recipe / "transforms" / "t.py").write_text(transform)
    co = tmp_path / "co"
    co.mkdir()
    (co / "a.py").write_text("job = 1\n")
    proc = runsmig("plan", str(co), "--recipe", str(recipe))
    return proc.returncode, proc.stderr.decode()


CASES = [
    ("self", "terms: [{from: job, to: job}]", 3, 25, "a form of itself"),
    ("self-plural", "terms:\n  - from: job\n    to: jobs\n", 5, 9, "a form of itself"),
    ("cycle", "terms: [{from: job, to: run}, {from: run, to: job}]", 3, 25, "is a term of terms[1]"),
    ("chain", "terms: [{from: job, to: run}, {from: run, to: task}]", 3, 25, "is a term of terms[1]"),
    ("plural-chain", "terms: [{from: job, to: run}, {from: work, plural: runs, to: task}]", 3, 25,
     "is a term of terms[1]"),
    ("twice", "terms: [{from: job, to: run}, {from: job, to: task}]", 3, 38, "rewritten by terms[0] already"),
    ("symbol-self", "terms: [{from: job, to: run}]\nsymbols: {JobX: JobX}", 4, 17, "mapped to itself"),
    ("symbol-term", "terms: [{from: job, to: run}]\nsymbols: {JobX: JobY}", 4, 17, "still holds the term 'Job'"),
    ("symbol-cycle", "terms: [{from: job, to: run}]\nsymbols: {A: B, B: A}", 4, 14, "itself a symbol"),
    ("phrase-term", 'terms: [{from: job, to: run}]\nphrases: {"run job": "run job"}', 4, 22,
     "still holds the term 'job'"),
    ("phrase-flip", 'terms: [{from: job, to: run}]\nphrases: {"big run": "small run", "small run": "big run"}',
     4, 22, "matched by the phrase 'small run'"),
]


@pytest.mark.parametrize("name,body,line,col,says", CASES, ids=[c[0] for c in CASES])
def test_recipe_that_cannot_settle_is_a_load_error(tmp_path, name, body, line, col, says):
    rc, err = _load_error(tmp_path, body)
    assert rc == 2, err
    first = err.splitlines()[0]
    assert first.startswith(f"runsmig: error: {tmp_path / 'recipe' / 'recipe.yaml'}:{line}:{col}: "), first
    assert says in first
    assert "Traceback" not in err


def test_kept_symbol_and_settling_phrases_load(tmp_path):
    """No false alarm: a symbol kept by 'keep:', a phrase whose replacement reads right."""
    body = ('terms: [{from: job, to: run}]\nkeep: [n_jobs]\nsymbols: {JobX: TaskX}\n'
            'phrases: {"run job": "execute run", "runs/runs": "runs"}\n')
    rc, err = _load_error(tmp_path, body)
    assert rc == 0, err


TRANSFORMS = [
    ("syntax", 'PATHS = ["*.py"]\ndef transform(ctx)\n  pass\n', 2, 19, "SyntaxError: expected ':'"),
    ("raises", 'import os\nPATHS = sorted(os.listdir("/nonexistent-runsmig"))\ndef transform(ctx):\n    pass\n',
     2, 16, "FileNotFoundError"),
    ("exits", 'import sys\nPATHS = [str(x) for x in range(1)]\nsys.exit(0)\n', 3, 1, "SystemExit"),
    ("shape", 'X = 1\nPATHS = [x for x in range(0)]\n', 2, 1, "needs PATHS"),
]


@pytest.mark.parametrize("name,source,line,col,says", TRANSFORMS, ids=[c[0] for c in TRANSFORMS])
def test_transform_load_error_names_line_and_column(tmp_path, name, source, line, col, says):
    rc, err = _load_error(tmp_path, "terms: [{from: job, to: run}]\n", transform=source)
    assert rc == 2, err
    first = err.splitlines()[0]
    path = re.escape(str(tmp_path / "recipe" / "transforms" / "t.py"))
    assert re.match(rf"runsmig: error: {path}:{line}:{col}: ", first), first
    assert says in first
    assert "Traceback" not in err
