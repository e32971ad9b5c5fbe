"""[tool.runsmig] in the checkout's pyproject.toml: recipe, ignore, format, workers; the command
line wins; every mistake is one line naming pyproject.toml:line:col, exit 2."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from runsmig.settings import Settings, SettingsError, load_settings
from tests.helpers import git, runsmig

RECIPE = """\
version: 1
name: {name}
terms:
  - {{from: {frm}, to: {to}}}
"""


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    for name, frm, to in (("first", "job", "run"), ("second", "task", "step")):
        (root / "recipes" / name).mkdir(parents=True)
        (root / "recipes" / name / "recipe.yaml").write_text(RECIPE.format(name=name, frm=frm, to=to))
    (root / "app.py").write_text("job_id = 1\ntask_id = 2\n")
    (root / "legacy").mkdir()
    (root / "legacy" / "old.py").write_text("jobs = []\n")
    git(root, "init", "-q")
    return root


def pyproject(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text(textwrap.dedent(body))


def findings(proc) -> list[str]:
    return sorted(f"{f['path']}:{f['line']}:{f['text']}" for f in json.loads(proc.stdout)["findings"])


def test_settings_apply_and_the_command_line_wins(project):
    pyproject(project, """\
        [project]
        name = "demo"

        [tool.runsmig]
        recipe = "recipes/first"   # relative to this file
        ignore = ["legacy/", "recipes/"]
        format = "json"
        workers = 1
    """)
    proc = runsmig("check", "--no-job-terms", str(project), check_rc=1)
    assert findings(proc) == ["app.py:1:job"]  # json (format), job (recipe), legacy/ ignored
    # naming files (as pre-commit does): the settings of the git work tree holding them
    proc = runsmig("check", "app.py", "legacy/old.py", cwd=project, check_rc=1)
    assert findings(proc) == ["app.py:1:job"]
    # the command line wins over each setting
    proc = runsmig("check", str(project), "--format", "text", "--recipe", str(project / "recipes" / "second"),
                   check_rc=1)
    assert proc.stdout.decode() == "app.py:2:1: [term/identifier] identifier 'task_id' -> 'step_id'\n"


def test_no_table_no_pyproject_or_another_tools_table_change_nothing(project, tmp_path):
    assert load_settings(project) == Settings()
    pyproject(project, '[tool.ruff]\nline-length = 100\n')
    assert load_settings(project) == Settings()
    pyproject(project, '[tool.ruff\nbroken = \n')  # not ours: the check reports it as a file
    assert load_settings(project) == Settings()


def test_loaded_values(project):
    pyproject(project, """\
        [tool]
        runsmig = { recipe = "recipes/first", ignore = ["a/", "*.log"], workers = 3 }
    """)
    s = load_settings(project)
    assert s == Settings(project / "pyproject.toml", (project / "recipes" / "first").resolve(),
                         ("a/", "*.log"), None, 3)


@pytest.mark.parametrize("body, where, message", [
    ('[project]\nname = "x"\n\n[tool.runsmig]\nrecipe = "recipes/first"\ncolour = "blue"\n',
     "6:1", "tool.runsmig.colour: unknown key (allowed: format, ignore, recipe, workers, max-file-size, max-line-length, transform-timeout)"),
    ('[tool.ruff]\nline-length = 1\n\n[tool.runsmig]\n  workers = "four"\n',
     "5:3", "tool.runsmig.workers: expected a whole number of processes >= 1, got a string ('four')"),
    ('[tool.runsmig]\nworkers = 0\n', "2:1", "tool.runsmig.workers: expected a whole number of processes >= 1, got a number (0)"),
    ('[tool.runsmig]\nworkers = true\n', "2:1", "tool.runsmig.workers: expected a whole number of processes >= 1, got a boolean (true)"),
    ('[tool]\nrunsmig.format = "xml"\n', "2:1", "tool.runsmig.format: unknown format 'xml' (choose from text, json, sarif, github)"),
    ('tool.runsmig.ignore = "legacy/"\n', "1:1", "tool.runsmig.ignore: expected a list of patterns (strings), got a string ('legacy/')"),
    ('[tool.runsmig]\nignore = [\n  "a",\n  1,\n]\n', "2:1", "tool.runsmig.ignore: expected a list of patterns (strings), got a list with non-string items"),
    ('[tool.runsmig]\n"recipe" = "nope"\n', "2:1", "tool.runsmig.recipe: 'nope' does not exist (a recipe folder or file, relative to pyproject.toml)"),
    ('[tool.runsmig]\nrecipe = ["a"]\n', "2:1", "tool.runsmig.recipe: expected a path (a non-empty string), got a list"),
    ('[tool.runsmig]\n[tool.runsmig.extra]\nx = 1\n', "2:1", "tool.runsmig.extra: unknown key (allowed: format, ignore, recipe, workers, max-file-size, max-line-length, transform-timeout)"),
    ('[tool]\nrunsmig = "recipes"\n', "2:1", "tool.runsmig: expected a table, got a string ('recipes')"),
    ('[tool.x]\ndoc = """\nworkers = 1\n"""\n[tool.runsmig]\nformat = "json"\nworkers = "1"\n', "7:1",
     "tool.runsmig.workers: expected a whole number of processes >= 1, got a string ('1')"),
    ('[tool.runsmig]\nrecipe = = "x"\n', "2:10", "invalid TOML: Invalid value"),
])
def test_mistakes_are_one_line_naming_pyproject_line_and_col(project, body, where, message):
    (project / "pyproject.toml").write_text(body)
    with pytest.raises(SettingsError) as exc:
        load_settings(project)
    assert exc.value.one_line().endswith(f"pyproject.toml:{where}: {message}")
    proc = runsmig("check", "--no-job-terms", cwd=project, check_rc=2)
    lines = proc.stderr.decode().strip().splitlines()
    assert lines[0] == f"runsmig: error: pyproject.toml:{where}: {message}", proc.stderr.decode()
    assert lines[1].startswith("  hint: ") and len(lines) == 2 and proc.stdout == b""


def test_plan_and_apply_read_the_settings_too(project):
    pyproject(project, """\
        [tool.runsmig]
        recipe = "recipes/first"
        ignore = ["legacy/", "recipes/"]
        workers = 1
    """)
    git(project, "add", "-A")
    git(project, "commit", "-qm", "init")
    plan = runsmig("plan", str(project), "--no-regenerate", check_rc=0).stdout.decode()
    assert "+run_id = 1" in plan and "legacy/old.py" not in plan and "step" not in plan
    # the command line wins
    plan2 = runsmig("plan", str(project), "--no-regenerate", "--recipe", str(project / "recipes" / "second"),
                    check_rc=0).stdout.decode()
    assert "+step_id = 2" in plan2 and "run_id" not in plan2
    runsmig("apply", str(project), "--no-regenerate", check_rc=0)
    assert (project / "app.py").read_text() == "run_id = 1\ntask_id = 2\n"
    assert (project / "legacy" / "old.py").read_text() == "jobs = []\n"
