"""The language registry: languages are read from their modules' source and imported only when a
file of theirs is analysed; what is read must be what importing them gives."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import runsmig.languages as registry
from runsmig.languages import Declared, Language, _declaration, declared, language_for, languages
from tests.helpers import committed_checkout


def _by_import() -> list[tuple[str, tuple[str, ...], int]]:
    """Every LANGUAGE found by importing every module of the package, as registration by existing
    first did it, highest priority first."""
    found: dict[int, Language] = {}
    for info in pkgutil.walk_packages(registry.__path__, prefix="runsmig.languages."):
        name = info.name.rpartition(".")[2]
        if name.startswith("_") or name == "base":
            continue
        lang = getattr(importlib.import_module(info.name), "LANGUAGE", None)
        if isinstance(lang, Language):
            found[id(lang)] = lang
    ordered = sorted(found.values(), key=lambda lang: (-lang.priority, lang.name))
    return [(lang.name, tuple(lang.patterns), lang.priority) for lang in ordered]


def test_read_languages_are_the_imported_ones():
    assert [(d.name, tuple(d.patterns), d.priority) for d in declared()] == _by_import()
    assert all(isinstance(d, Declared) for d in declared())  # every bundled language reads statically
    for d in declared():
        lang = d.load()
        assert (lang.name, tuple(lang.patterns), lang.priority) == (d.name, d.patterns, d.priority)
    assert [lang.name for lang in languages()] == [d.name for d in declared()]


@pytest.mark.parametrize("rel", ["a.py", "web/x.tsx", "docs/r.md", ".env.local", "requirements-dev.txt", "c.yaml",
                                 "uv.lock", "data.bin", "Makefile", "pkg/.gitignore"])
def test_language_for_matches_every_language_in_order(rel):
    expected = next((lang for lang in languages() if lang.matches(rel)), None)
    assert language_for(rel).name == (expected.name if expected else "text")


@pytest.mark.parametrize("source", [
    "class X(Language):\n    name = 'x'\n    patterns = tuple(['*.x'])\n    priority = 1\nLANGUAGE = X()\n",
    "class X(Base):\n    name = 'x'\n    patterns = ('*.x',)\n    priority = 1\nLANGUAGE = X()\n",
    "class X(Language):\n    name = 'x'\n    patterns = ('*.x',)\n    priority = 1\n"
    "    def matches(self, rel):\n        return True\nLANGUAGE = X()\n",
    "class X(Language):\n    name = 'x'\n    patterns = ('*.x',)\nLANGUAGE = X()\n",
    "class X(Language):\n    name = 'x'\n    patterns = ('*.x',)\n    priority = 1\nLANGUAGE = X()\nLANGUAGE = None\n",
    "class X(Language):\n    name = 'x'\n    patterns = ('*.x',)\n    priority = 1\nLANGUAGE = make(X)\n",
], ids=["computed-patterns", "other-base", "own-matches", "no-priority", "bound-twice", "factory"])
def test_a_module_that_does_not_read_plainly_is_imported_instead(source):
    assert _declaration("m", source.encode()) is None


def test_a_plain_module_reads():
    src = b"class X(Language):\n    name = 'x'\n    patterns = ('*.x', '*.y')\n    priority = 3\n\n\nLANGUAGE = X()\n"
    assert _declaration("m", src) == Declared("m", "x", ("*.x", "*.y"), 3)


def test_checking_a_typescript_change_imports_no_python_parser(tmp_path):
    recipe = "version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
    root, _ = committed_checkout(tmp_path, {"web/a.ts": "export const jobId = 1;\n"}, recipe)
    code = ("import sys, runsmig.cli as c\n"
            f"sys.argv = ['runsmig', 'check', {str(root)!r}, '--no-job-terms', '--no-cache', '--recipe', {str(tmp_path / 'recipe.yaml')!r}]\n"
            "try:\n    c.main()\nexcept SystemExit as e:\n    print('rc', e.code)\n"
            "print('\\n'.join(sorted(sys.modules)))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    mods = set(proc.stdout.split())
    assert "ast_grep_py" in mods  # it analysed the TypeScript file ...
    assert "rc 1" in proc.stdout and "runsmig check: 1 finding(s)" in proc.stderr  # ... and found its term
    assert not any(m == "libcst" or m.startswith("libcst.") for m in mods)


# -- which passes may keep their cached results when the file list changes ------------------------
class _Untouchable:
    """A file list no pass may read except through recorded questions."""

    def __init__(self, real: frozenset[str]) -> None:
        self.real = real

    def _refuse(self, *args):
        raise AssertionError("the pass read the file list directly")

    __contains__ = __iter__ = __len__ = __and__ = __or__ = __sub__ = _refuse

    def __bool__(self) -> bool:
        return True


SAMPLES = {
    "python": ("app/jobs.py", "from app.util import job_helper\nimport os\n\n\ndef run_job(job_id):\n"
                              "    '''Start one job.'''\n    return job_helper(job_id)  # the job\n"),
    "json": ("conf/jobs.json", '{"jobTimeout": 3, "labels": ["job"]}\n'),
    "yaml": ("conf/jobs.yaml", "job_timeout: 3\n# the job\nlabels: [job]\n"),
    "toml": ("conf/jobs.toml", "[job]\njob_timeout = 3\n"),
    "dotenv": (".env", "JOB_TIMEOUT=3\n"),
    "requirements": ("requirements.txt", "jobrunner==1.0  # the job runner\n"),
    "ignorefile": (".gitignore", "jobs/\n*.job\n"),
    "text": ("NOTES", "every job runs once\n"),
    "markdown": ("docs/jobs.md", "# Jobs\n\nSee [the guide](guide.md#jobs) and [the folder](../web/).\n\n"
                                 "```ts\nimport { jobId } from './jobs';\n```\n"),
    "typescript": ("web/jobs.ts", 'import { jobCount } from "./util";\nimport { x } from "lib";\n'
                                  "export const jobId = jobCount; // the job\n"),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_pass_that_keeps_results_across_file_lists_reads_the_list_only_by_recorded_questions(name, monkeypatch):
    """``listing_queries``: the pass's result is cached without the file list (runsmig.deps): it must
    not read the list but through its recorded questions (Python: its module index)."""
    from runsmig.languages import FileContext
    from runsmig.languages.python import modules
    from runsmig.recipe import load_recipe
    from runsmig.terms import TermEngine

    recipe = load_recipe()
    rel, text = SAMPLES[name]
    lang = language_for(rel)
    assert lang.name == name and lang.listing_queries
    files = _Untouchable(frozenset({rel, "app/util.py", "app/__init__.py", "web/util.ts"}))
    real_index = modules.index_for
    monkeypatch.setattr("runsmig.languages.python.rewrite.index_for", lambda f: real_index(f.real))
    from runsmig.languages.typescript import modules as ts_modules

    real_ts, real_listed = ts_modules.module_index, ts_modules.listed
    monkeypatch.setattr("runsmig.languages.typescript.module_index", lambda root, f, *a: real_ts(root, f.real, *a))
    monkeypatch.setattr("runsmig.languages.typescript.listed", lambda f, rel: real_listed(f.real, rel))
    from runsmig.languages import markdown

    real_trees = markdown._trees
    monkeypatch.setattr(markdown, "_trees", lambda f, *a: real_trees(f.real, *a))
    ctx = FileContext(Path("/nonexistent"), rel, rel, text, TermEngine.from_recipe(recipe), recipe, {}, frozenset(), files)
    with lang.session():
        analysis = lang.analyze(ctx)
    assert analysis.failed is None and analysis.edits  # it ran, and found the term


def test_every_bundled_pass_records_its_questions_to_the_file_list():
    assert all(lang.listing_queries for lang in languages())
    assert not Language.listing_queries  # a pass that does not say so depends on the whole list
