"""Old names as type checkers see them (issue #22, PEP 702; fixtures/compat-py-types): after
``apply`` the typed library still type-checks (mypy --strict), code written against the old names
type-checks with every use of an old function, method or property flagged ``[deprecated]`` and no
other error, the new names are clean, the code runs (with warnings), and after ``compat drop`` the
old names are errors."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import REPO, git, git_copy, runsmig

CASE = REPO / "fixtures" / "compat-py-types"

OLD_USER = """\
from tasklib import Job, JobStatus, enqueue_job
from tasklib.jobs import MAX_JOBS, drain_jobs


class Printer:
    def push_run(self, run: Job) -> None:
        print(run.run_id)


j: Job = enqueue_job("a")
k = j.retry_job(delay=1)
print(j.job_id, j.job_label, Job.from_job_id("b"), Job.count_jobs([j, k]), Job.default_job_ttl, MAX_JOBS)
j.job_label = "run #c"
j.job_id = "d"
status: JobStatus = JobStatus.DONE
print(drain_jobs(Printer(), [j]), status)
"""

NEW_USER = """\
from tasklib import Run, RunStatus, enqueue_run
from tasklib.runs import MAX_RUNS, drain_runs


class Printer:
    def push_run(self, run: Run) -> None:
        print(run.run_id)


j: Run = enqueue_run("a")
k = j.retry_run(delay=1)
print(j.run_id, j.run_label, Run.from_run_id("b"), Run.count_runs([j, k]), Run.default_run_ttl, MAX_RUNS)
j.run_label = "run #c"
status: RunStatus = RunStatus.DONE
print(drain_runs(Printer(), [j]), status)
"""

# the old functions, methods and properties used above: each flagged where it is used (mypy flags a
# property with a setter on writes only; pyright on reads too)
FLAGGED = {"enqueue_job", "retry_job", "job_id", "job_label", "from_job_id", "count_jobs", "drain_jobs"}


def mypy(root: Path, *targets: str) -> list[str]:
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--enable-error-code", "deprecated",
                           "--no-incremental", "--cache-dir", "/dev/null", "--python-version", "3.11", *targets],
                          cwd=root, capture_output=True, text=True, check=False)
    assert "error: unused" not in proc.stdout
    return [ln for ln in proc.stdout.splitlines() if ": error:" in ln]


@pytest.fixture(scope="module")
def applied(tmp_path_factory) -> Path:
    pytest.importorskip("mypy")
    work = git_copy(CASE / "before", tmp_path_factory.mktemp("types") / "lib")
    runsmig("apply", str(work), "--recipe", str(CASE / "recipe.yaml"), "-q", check_rc=0)
    git(work, "add", "-A")
    git(work, "commit", "-qm", "apply")
    (work / "user_old.py").write_text(OLD_USER)
    (work / "user_new.py").write_text(NEW_USER)
    return work


def test_library_still_type_checks(applied, tmp_path):
    before = git_copy(CASE / "before", tmp_path / "before")
    assert mypy(before, "tasklib") == []
    assert mypy(applied, "tasklib") == []


def test_old_names_are_flagged_deprecated_and_nothing_else(applied):
    errors = mypy(applied, "user_old.py")
    assert errors, "the old names type-check silently"
    assert all(e.endswith("[deprecated]") for e in errors), errors
    flagged = {m.group(1).rsplit(".", 1)[-1] for e in errors if (m := re.search(r" (?:function|property) ([\w.]+) is", e))}
    assert flagged == FLAGGED, errors
    assert all("removed in 2.0" in e for e in errors)


def test_new_names_are_clean(applied):
    assert mypy(applied, "user_new.py") == []


def test_old_names_run_with_warnings(applied):
    proc = subprocess.run([sys.executable, "-W", "always::DeprecationWarning", "user_old.py"], cwd=applied,
                          capture_output=True, text=True, check=False, env={"PYTHONPATH": str(applied)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("a run #a ")
    assert "tasklib.Job is deprecated, use tasklib.Run instead" in proc.stderr


def test_after_drop_the_old_names_are_errors(applied, tmp_path):
    work = git_copy(applied, tmp_path / "dropped")
    runsmig("compat", "drop", str(work), "--before", "2.0", check_rc=0)
    text = (work / "tasklib" / "runs.py").read_text()
    assert "TYPE_CHECKING" not in text and "_deprecated" not in text
    expected = textwrap.dedent((CASE / "before" / "tasklib" / "jobs.py").read_text())
    assert text.count("\n") == expected.count("\n")  # the blocks went, line for line
    errors = mypy(work, "user_old.py")
    assert errors and not any(e.endswith("[deprecated]") for e in errors)
    assert mypy(work, "user_new.py") == []
