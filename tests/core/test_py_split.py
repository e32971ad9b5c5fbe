"""Python call lines a rewrite pushes past a configured line length are laid out as black / ruff
format would (runsmig.pysplit): the right-hand split, else one argument per line; every other shape
stays, named in the plan's line-length note (runsmig.linelength)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runsmig.plan import build_plan
from runsmig.pysplit import split_text
from tests.helpers import committed_checkout

RECIPE = "version: 1\nname: s\nterms: [{from: job, plural: jobs, to: run, to_plural: runs}]\nstored: keep\n"


def _renamed(text: str) -> str:
    return text.replace("job execution run", "run execution execute").replace("jobs to run", "runs to execute")


def _split(old: str, limit: int = 72) -> str:
    return split_text(old, _renamed(old), limit)


def _in_method(line: str) -> str:
    return f"class T:\n    def t(self):\n        {line}\n"


def test_the_arguments_go_on_their_own_line_when_they_fit():
    # rq's tests/test_cli.py: 117 -> 121 columns past 120
    old = ("class T:\n    def t(self):\n        self.assertEqual(result.output.strip(), "
           "'RQ is currently suspended, to resume job execution run \"rq resume\"')\n")
    assert _split(old, 120) == (
        "class T:\n    def t(self):\n        self.assertEqual(\n"
        "            result.output.strip(), 'RQ is currently suspended, to resume run execution execute \"rq resume\"'\n"
        "        )\n")


def test_return_and_an_assignment_to_a_dotted_name_are_split_at_the_call():
    assert _split(_in_method('self.res = check("qq", "no jobs to run", code=3, hint=11, x=1)')) == _in_method(
        'self.res = check(\n            "qq", "no runs to execute", code=3, hint=11, x=1\n        )')
    assert _split(_in_method('return check("default queue", "jobs to run waiting", code=200)')) == _in_method(
        'return check(\n            "default queue", "runs to execute waiting", code=200\n        )')


def test_arguments_that_do_not_fit_go_one_per_line_with_a_trailing_comma():
    old = _in_method('report("a worker that waits", "jobs to run", "jobs to run", "more")')
    assert _split(old, 76) == _in_method(
        'report(\n            "a worker that waits",\n            "runs to execute",\n'
        '            "runs to execute",\n            "more",\n        )')
    # a trailing comma already there: one per line even though they would fit on one line
    assert _split(_in_method('report("the worker is suspended", "no jobs to run", end=100,)')) == _in_method(
        'report(\n            "the worker is suspended",\n            "no runs to execute",\n'
        '            end=100,\n        )')


def test_only_grown_lines_are_touched():
    long = '        report("an argument list already too long before the rename", "jobs to run")\n'
    assert _split(_in_method('report("short", "jobs to run")') + long) == _renamed(
        _in_method('report("short", "jobs to run")') + long)
    within = _in_method('report("the worker", "jobs to run")')
    assert _split(within) == _renamed(within)  # still within the limit
    assert split_text(within, within, 10) == within  # not rewritten


@pytest.mark.parametrize("line", [
    'report("the worker is suspended", "no jobs to run", a=1)  # why',  # a comment after it
    'report("one argument too long: no jobs to run, no jobs to run")',  # one argument, too long
    'assert report("the worker is suspended", "no jobs to run!!!!!")',  # not a call statement
    'report("the queue is empty", "no jobs to run").strip("worker")',  # something after the )
    'x[0] = report("the queue is empty", "no jobs to run", "a", "b")',  # assignment to a subscript
    'get()(aaaaaaa, "the worker is suspended", "no jobs to run", "b")',  # a callee with brackets
    'report("the queue is empty", key=lambda x, y: "no jobs to run!")',  # a lambda
    'report("the worker, jobs to run", "no jobs to run", *more_args)',  # a * argument one per line
    'report("the worker is suspended" "no jobs to run", "the worker")',  # implicit concatenation (ruff joins)
    'report("the worker is suspended, é", "no jobs to run", "more")',  # not ASCII
    'x = 1; report("the worker is suspended", "no jobs to run", "b")',  # two statements
])
def test_other_shapes_stay(line):
    old = _in_method(line)
    assert len(old.splitlines()[2]) <= 72 < len(_renamed(old).splitlines()[2]), line
    assert _split(old) == _renamed(old)


def test_statements_over_several_lines_headers_and_decorators_stay():
    for old in [
        _in_method('report("the worker is suspended",\n            "no jobs to run", "more", "and more")'),
        'if report("the worker is suspended", "no jobs to run", "more", "and more"):\n    pass\n',
        '@register("the worker is suspended", "no jobs to run", "more", "and more..")\ndef f():\n    pass\n',
        'def report(the_worker_is_suspended, no_jobs_to_run, more_and_more=""):\n    pass\n',
    ]:
        assert _split(old.replace("no_jobs_to_run", "no jobs to run")) == _renamed(
            old.replace("no_jobs_to_run", "no jobs to run"))


def test_line_endings_and_the_indent_unit_are_kept():
    old = "class T:\r\n  def t(self):\r\n    report(\"the worker is suspended, it waits\", \"jobs to run\")\r\n"
    assert _split(old, 65) == ("class T:\r\n  def t(self):\r\n    report(\r\n"
                               "      \"the worker is suspended, it waits\", \"runs to execute\"\r\n    )\r\n")
    tabs = "class T:\n\tdef t(self):\n\t\treport(\"the worker is suspended, it waits\", \"jobs to run\")\n"
    assert _split(tabs, 65) == _renamed(tabs)


@pytest.mark.parametrize("limit", [50, 60, 70, 80])
def test_the_layout_is_ruff_formats(tmp_path, limit):
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    lines = [
        'self.assertEqual(result.output.strip(), "suspended, to resume job execution run")',
        'status = self.client.status(queue_name, "job execution run", timeout=10, extra=11)',
        'return self.client.status(queue_name, "job execution run", "job execution run", x=1)',
        'report("job execution run", "job execution run", "job execution run", "job", sep="")',
        'obj.attr.x = some.module.function(argument_one, "job execution run", argument_three)',
    ]
    compared = 0
    for line in lines:
        old = _in_method(line.replace("job execution run", "jx"))
        new = _in_method(line)
        if len(new.splitlines()[2]) <= limit or len(old.splitlines()[2]) > limit:
            continue
        got = split_text(old, new, limit)
        if got == new:
            continue
        done = subprocess.run([ruff, "format", "--isolated", f"--line-length={limit}", "-"], input=new,
                              capture_output=True, text=True, check=True)
        assert got == done.stdout, line
        compared += 1
    assert compared >= 1


def _plan(tmp_path: Path, files: dict[str, str]):
    root, recipe = committed_checkout(tmp_path, files, RECIPE)
    plan = build_plan(root, recipe, workers=1)
    return {c.target: c.new.decode() for c in plan.changes}, [n for n in plan.notes if "line length" in n]


def test_the_plan_lays_out_grown_calls_and_names_only_what_stays(tmp_path):
    files = {
        "pyproject.toml": "[tool.ruff]\nline-length = 48\n",
        "app.py": ('check("the worker waits", "jobs to run", code=2)\n'  # laid out
                   'check("the worker w", "jobs to run", c=1)  # c\n'  # a comment: named
                   "def f(job):\n    return job\n"),
    }
    new, notes = _plan(tmp_path, files)
    assert new["app.py"].startswith('check(\n    "the worker waits",\n    "runs to execute",\n    code=2,\n)\n'
                                    'check("the worker w", "runs to execute", c=1)  # c\n')
    (note,) = notes
    assert note.startswith("app.py: the rewrite makes line(s) 6 (50)") and "(48)" in note


def test_without_a_configured_limit_nothing_is_laid_out(tmp_path):
    text = 'check("the worker waits, and it waits, and then it waits!!!", "x" * 10, "jobs to run")\n'  # 86 -> 90
    new, notes = _plan(tmp_path, {"app.py": text})
    assert new["app.py"] == _renamed(text)
    assert len(notes) == 1 and "(88)" in notes[0]
