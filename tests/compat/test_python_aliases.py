"""Python aliases (issue #22): the applied fixture imported in a fresh interpreter; every kind of
alias works under its old spelling and warns, the new spelling works without a warning; after
``compat drop`` the old spellings fail loudly and ``check`` is clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from runsmig.compat import marker
from tests.helpers import REPO, git, git_copy, runsmig

FIXTURE = REPO / "fixtures" / "compat-py-aliases"
RECIPE = FIXTURE / "recipe.yaml"


@pytest.fixture()
def applied(tmp_path) -> Path:
    work = git_copy(FIXTURE / "before", tmp_path / "lib")
    runsmig("apply", str(work), "--recipe", str(RECIPE), "-q", check_rc=0)
    git(work, "add", "-A")
    git(work, "commit", "-qm", "apply")
    return work


def py(root: Path, code: str, **env: str) -> dict:
    """Run ``code`` with the checkout importable; it sets ``out`` (JSON) and may read ``warned``."""
    script = textwrap.dedent("""
        import json, warnings
        warnings.simplefilter("always")
        _caught = warnings.catch_warnings(record=True)
        _log = _caught.__enter__()
        def warned():
            msgs = [str(w.message) for w in _log if issubclass(w.category, DeprecationWarning)]
            _log.clear()
            return msgs
        out = {}
    """) + textwrap.dedent(code) + "\nprint(json.dumps(out, default=str))\n"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("WORKQ_")}
    proc = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False,
                          env={**full_env, "PYTHONPATH": str(root), **env})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_new_names_work_without_warning(applied):
    out = py(applied, """
        import workq
        from workq import Queue, Run, create_run
        from workq.run import run_timeout, DEFAULT_RUN_TIMEOUT
        r = create_run("a", run_func=print)
        q = Queue(run_class=Run)
        q.enqueue_run(run=r)
        out["same"] = q.fetch_run(run_id="a") is r and q.runs == [r] and r.run_label == "#a"
        out["timeout"] = run_timeout()
        out["warned"] = warned()
    """)
    assert out == {"same": True, "timeout": 180, "warned": []}


def test_module_and_names(applied):
    out = py(applied, """
        from workq import Job
        out["pkg"] = warned()
        from workq.job import Job as J2, DEFAULT_JOB_TIMEOUT
        out["mod"] = warned()
        import workq.run, workq.job
        out["same"] = Job is workq.run.Run and J2 is Job and workq.job is workq.run and DEFAULT_JOB_TIMEOUT == 180
        out["missing"] = hasattr(workq.run, "Nothing")
    """)
    assert out["same"] is True and out["missing"] is False
    assert "workq.Job is deprecated, use workq.Run instead; it will be removed in 2.0" in out["pkg"]
    assert any(m.startswith("module workq.job is deprecated, use workq.run") for m in out["mod"])
    assert any("DEFAULT_JOB_TIMEOUT is deprecated, use workq.run.DEFAULT_RUN_TIMEOUT" in m for m in out["mod"])


def test_members_and_parameters(applied):
    out = py(applied, """
        from workq.run import Run, create_run
        from workq.queue import Queue
        r = create_run(job_id="a", job_func=print)
        out["params"] = warned()
        out["values"] = [r.run_id, r.func is print, r.job_id, r.job_label, r.requeue_job(at_front=True)]
        out["members"] = warned()
        r.job_id = "b"
        out["set"] = [r.run_id, warned()]
        q = Queue(job_class=Run)
        q.enqueue_job(job=r)
        out["queue"] = [q.fetch_job(job_id="b") is r, q.jobs == [r], Queue.from_jobs(jobs=[r]).runs == [r],
                        q.job_class is Run]
        out["queue_warned"] = warned()
        out["listed"] = sorted({"jobs", "job_class", "enqueue_job", "job_id"} & (set(dir(q)) | set(dir(r)) | set(dir(Queue))))
        try:
            create_run(job_id="a", run_id="b")
        except TypeError as exc:
            out["both"] = str(exc)
    """)
    assert out["values"][:4] == ["a", True, "a", "#a"]
    assert any("parameter 'job_id' of workq.run.create_run() is deprecated, use 'run_id'" in m for m in out["params"])
    assert any("parameter 'job_func'" in m for m in out["params"])
    assert len(out["members"]) == 3 and all("workq.run.Run.job_" in m or "requeue_job" in m for m in out["members"])
    assert out["set"][0] == "b" and len(out["set"][1]) == 1
    assert out["queue"] == [True, True, True, True]
    for old in ("enqueue_job", "fetch_job", "from_jobs", "'job_class'", "'jobs'", "Queue.jobs", "job_class"):
        assert any(old in m for m in out["queue_warned"]), old
    assert "got both 'job_id' (deprecated) and 'run_id'" in out["both"]
    assert out["listed"] == ["enqueue_job", "job_class", "jobs"]  # descriptors on the class: dir(Queue) lists them


def test_environment_variable_fallback(applied):
    out = py(applied, """
        import workq.run
        out["timeout"] = workq.run.run_timeout()
        out["warned"] = warned()
    """, WORKQ_JOB_TIMEOUT="7")
    assert out["timeout"] == 7
    assert out["warned"] == [("environment variable WORKQ_JOB_TIMEOUT is deprecated, use WORKQ_RUN_TIMEOUT "
                              "instead; it will be removed in 2.0")]
    both = py(applied, """
        import workq.run
        out["timeout"] = workq.run.run_timeout()
        out["warned"] = warned()
    """, WORKQ_JOB_TIMEOUT="7", WORKQ_RUN_TIMEOUT="9")
    assert both["timeout"] == 9 and "ignored: WORKQ_RUN_TIMEOUT is set" in both["warned"][0]


def test_environment_variable_written_under_both_names(applied):
    out = py(applied, """
        import os, subprocess, sys
        from workq.run import Run, run_in_child
        run_in_child(Run("r1"))
        out["child"] = subprocess.run([sys.executable, "-c", "import os; print(os.environ['WORKQ_JOB_ID'])"],
                                      capture_output=True, text=True).stdout.strip()
        out["new"] = os.environ["WORKQ_RUN_ID"]
    """)
    assert out == {"child": "r1", "new": "r1"}


def test_cli_option_hidden_with_warning(applied):
    out = py(applied, """
        from click.testing import CliRunner
        from workq.cli import main
        old = CliRunner().invoke(main, ["empty", "--delete-jobs"])
        new = CliRunner().invoke(main, ["empty", "--delete-runs"])
        helped = CliRunner().invoke(main, ["empty", "--help"])
        out["old"] = [old.exit_code, old.output]
        out["new"] = [new.exit_code, new.output]
        out["help"] = helped.output
    """)
    assert out["old"][0] == 0 and "emptied default delete=True" in out["old"][1]
    assert "Warning: option --delete-jobs is deprecated, use --delete-runs instead" in out["old"][1]
    assert out["new"] == [0, "emptied default delete=True\n"]
    assert "--delete-runs" in out["help"] and "--delete-jobs" not in out["help"]


def test_plan_lists_public_names(tmp_path):
    work = git_copy(FIXTURE / "before", tmp_path / "lib")
    proc = runsmig("plan", str(work), "--recipe", str(RECIPE), "--format", "json", check_rc=0)
    review = json.loads(proc.stdout)
    assert review["summary"]["public_renamed"] == len(review["public"]) == review["summary"]["aliases"]
    kinds = {a["kind"] for a in review["public"]}
    assert kinds == {"module", "name", "member", "parameter", "option", "env"}
    row = next(a for a in review["public"] if a["old"] == "workq.job.Job")
    assert row == {"old": "workq.job.Job", "new": "workq.run.Run", "kind": "name", "language": "python",
                   "removed_in": "2.0", "aliased": True, "where": "workq/_deprecated_aliases.py", "why": ""}
    text = runsmig("plan", str(work), "--recipe", str(RECIPE), check_rc=0).stderr.decode()
    assert "public names renamed (26; 26 kept as deprecated aliases):" in text
    assert "  member workq.queue.Queue.enqueue_job -> workq.queue.Queue.enqueue_run (alias in " in text
    assert "next major release after workq 1.4.2" in text


def test_drop_removes_aliases_then_check_is_clean(applied):
    early = runsmig("compat", "drop", str(applied), "--before", "1.9", check_rc=0)
    assert early.stdout == b""
    done = runsmig("compat", "drop", str(applied), "--before", "2.0", check_rc=0)
    diff = done.stdout.decode()
    assert "deleted file mode 100644\n--- a/workq/_deprecated_aliases.py" in diff
    assert "--- a/workq/job.py" in diff
    for rel in ("workq/__init__.py", "workq/run.py", "workq/queue.py", "workq/cli.py"):
        text = (applied / rel).read_text()
        assert "runsmig: compat" not in text and "__getattr__" not in text, rel
        after = (FIXTURE / "after" / rel).read_text().split("\n\n\n# runsmig: compat begin")[0] + "\n"
        marked = set(marker.line_reasons(after))  # marked lines and blocks (a class's block for type checkers)
        lines = after.splitlines(keepends=True)  # ... and the blank line written before a class's block
        marked |= {i - 1 for i in range(2, len(lines) + 1) if marker.begins(lines[i - 1]) and lines[i - 1][0] == " "
                   and not lines[i - 2].strip()}
        assert text == "".join(ln for i, ln in enumerate(after.splitlines(keepends=True), start=1)
                               if i not in marked), rel
    assert not (applied / "workq" / "_deprecated_aliases.py").exists() and not (applied / "workq" / "job.py").exists()
    assert (applied / "runsmig-downstream.yaml").exists()  # projects that use the library still need it
    runsmig("check", str(applied), "--recipe", str(RECIPE), check_rc=0)
    out = py(applied, """
        import workq
        try:
            workq.Job
        except AttributeError as exc:
            out["loud"] = str(exc)
    """)
    assert out["loud"] == "module 'workq' has no attribute 'Job'"


def test_drop_refuses_a_dirty_checkout(applied):
    (applied / "workq" / "run.py").write_text((applied / "workq" / "run.py").read_text() + "# edited\n")
    proc = runsmig("compat", "drop", str(applied), "--before", "2.0")
    assert proc.returncode == 4 and b"uncommitted" in proc.stderr


def test_compat_none_makes_no_alias(tmp_path):
    work = git_copy(REPO / "fixtures" / "compat-py-none" / "before", tmp_path / "lib")
    proc = runsmig("plan", str(work), "--recipe", str(REPO / "fixtures" / "compat-py-none" / "recipe.yaml"),
                   "--format", "json", check_rc=0)
    review = json.loads(proc.stdout)
    assert "public" not in review and not any(c["path"].endswith("_deprecated_aliases.py") for c in review["changes"])


DOWNSTREAM = REPO / "fixtures" / "compat-py-downstream"
USE = """
    from app.tasks import MyJob, submit
    from workq.queue import Queue
    q = Queue()
    fetched, cls, timeout, found, mine = submit(q, "a")
    out["works"] = [fetched.run_id, cls.__name__, timeout, len(found)]
    out["override"] = mine("x").requeue_run(at_front=True)
    from app.named import named
    n = named("n", str)
    out["named"] = [n.label, n.run_class.__name__]
    out["warned"] = warned()
"""


def _with_library(lib: Path, project: Path) -> Path:
    import shutil

    shutil.copytree(lib / "workq", project / "workq")
    return project


def test_downstream_unchanged_works_with_warnings_then_migrated_without(applied, tmp_path):
    old = _with_library(applied, git_copy(DOWNSTREAM / "before", tmp_path / "old"))
    out = py(old, USE)
    assert out["works"] == ["a", "Run", None, 1]
    assert out["override"] == ["requeued", "x", True]  # the project's override of the old name is the one called
    assert any("app.tasks.MyJob.requeue_job (overrides workq.run.Run.requeue_job) is deprecated" in m
               for m in out["warned"])
    assert out["warned"] and all("is deprecated" in m for m in out["warned"])
    # a subclass whose constructor still declares the library's old keyword: called by the new one
    assert out["named"] == ["named n", "str"]
    assert any("parameter 'job_class' of app.named.NamedQueue.__init__ (overrides workq.queue.Queue.__init__)" in m
               for m in out["warned"])
    migrated = git_copy(DOWNSTREAM / "before", tmp_path / "new")
    runsmig("apply", str(migrated), "--recipe", str(applied / "runsmig-downstream.yaml"), "-q", check_rc=0)
    assert runsmig("plan", str(migrated), "--recipe", str(applied / "runsmig-downstream.yaml")).stdout == b""
    _with_library(applied, migrated)
    out = py(migrated, USE)
    assert out["works"] == ["a", "Run", None, 1] and out["override"] == ["requeued", "x", True]
    assert out["named"] == ["named n", "str"]  # its parameter followed the library's, with the project's calls
    assert out["warned"] == []
    # and after the library drops its aliases, the migrated project still works
    runsmig("compat", "drop", str(applied), "--before", "2.0", check_rc=0)
    import shutil

    shutil.rmtree(migrated / "workq")
    out = py(_with_library(applied, migrated), USE)
    assert out["works"][0] == "a" and out["warned"] == []


def test_downstream_recipe_keeps_the_projects_own_names(tmp_path):
    work = git_copy(DOWNSTREAM / "before", tmp_path / "d")
    proc = runsmig("plan", str(work), "--recipe", str(DOWNSTREAM / "recipe.yaml"), check_rc=0)
    diff, err = proc.stdout.decode(), proc.stderr.decode()
    assert "job_count" not in diff and "def fetch_job" not in diff and "+    return queue.fetch_run(job_id), workq.run.Run" in diff and "thing.fetch_job" not in diff
    assert "+    job = create_run(run_id=job_id)" in diff
    assert "this project defines them too (check their uses of workq by hand): fetch_job" in err
    assert "app/tasks.py:49: queue_class(job_class=...): left as it is; if it is workq's, rename it by hand" in err


def test_check_refuses_a_downstream_recipe(tmp_path):
    work = git_copy(DOWNSTREAM / "before", tmp_path / "d")
    proc = runsmig("check", str(work), "--recipe", str(DOWNSTREAM / "recipe.yaml"))
    assert proc.returncode == 2 and b"it is a downstream recipe" in proc.stderr


def test_subclasses_that_define_old_names(applied):
    out = py(applied, """
        from workq.queue import Queue
        from workq.run import Run
        class MyRun(Run):
            def requeue_job(self, at_front=False):
                return ["mine"] + list(super().requeue_job(at_front=at_front))
        class MyQueue(Queue):
            jobs = "class attribute"
        out["defined"] = warned()
        r = MyRun("x")
        out["calls"] = [r.requeue_run(), r.requeue_job(at_front=True), MyQueue.runs]
    """)
    assert out["calls"] == [["mine", "requeued", "x", False], ["mine", "requeued", "x", True], "class attribute"]
    assert len(out["defined"]) == 2 and all("(overrides workq." in m for m in out["defined"])


def test_overrides_that_declare_old_parameter_names_are_called_with_them(applied):
    """The package calls its methods with the new keywords; a subclass written against the previous
    release still declares the old ones (an old-named override forwarded to the new name, or a method
    that kept its name): each gets its old keyword, and the class says so once, when it is made."""
    out = py(applied, """
        from workq.queue import Queue
        class MyQueue(Queue):
            def __init__(self, name="default", job_class=None):
                super().__init__(name, job_class=job_class or object)
            def fetch_job(self, job_id):
                return ["mine", job_id, super().fetch_job(job_id=job_id)]
        class Passes(Queue):
            def fetch_run(self, **kwargs):
                return ["passes", kwargs]
        out["defined"] = warned()
        q = MyQueue(run_class=str)
        out["calls"] = [q.run_class.__name__, q.fetch_run(run_id="a"), q.fetch_job(job_id="b"),
                        Passes().fetch_run(run_id="c")]
        out["called"] = warned()
    """)
    assert out["calls"] == ["str", ["mine", "a", None], ["mine", "b", None], ["passes", {"run_id": "c"}]]
    said = out["defined"]
    assert any("parameter 'job_class' of __main__.MyQueue.__init__ (overrides workq.queue.Queue.__init__)" in m
               and "use 'run_class'" in m for m in said)
    assert any("parameter 'job_id' of __main__.MyQueue.fetch_run (overrides workq.queue.Queue.fetch_run)" in m
               for m in said)
    assert not any("Passes" in m for m in said)  # **kwargs passes the new keyword on: nothing to do


def test_renamed_package_and_its_submodules(tmp_path):
    case = REPO / "fixtures" / "compat-py-package"
    work = git_copy(case / "before", tmp_path / "pkg")
    runsmig("apply", str(work), "--recipe", str(case / "recipe.yaml"), "-q", check_rc=0)
    out = py(work, """
        import pkgx.jobs.retry as old_mod, pkgx.runs.retry as new_mod, pkgx.jobs as old_pkg, pkgx.runs as new_pkg
        out["same"] = [old_mod is new_mod, old_pkg is new_pkg, old_pkg.retry_job("a", attempts=1)]
        out["warned"] = warned()
    """)
    assert out["same"] == [True, True, ["a"]]
    assert any(m.startswith("module pkgx.jobs.retry is deprecated, use pkgx.runs.retry") for m in out["warned"])
    assert any(m.startswith("module pkgx.jobs is deprecated, use pkgx.runs") for m in out["warned"])


def test_argparse_option_is_not_aliased_and_fails_loudly(tmp_path):
    case = REPO / "fixtures" / "compat-py-argparse"
    work = git_copy(case / "before", tmp_path / "tool")
    review = json.loads(runsmig("plan", str(work), "--recipe", str(case / "recipe.yaml"), "--format", "json",
                                check_rc=0).stdout)
    assert review["public"] == [{"old": "toolq.main:--max-jobs", "new": "toolq.main:--max-runs", "kind": "option",
                                 "language": "python", "removed_in": "4.0", "aliased": False, "where": "",
                                 "why": "not a click option: the old option fails loudly (unknown option)"}]
    runsmig("apply", str(work), "--recipe", str(case / "recipe.yaml"), "-q", check_rc=0)
    proc = subprocess.run([sys.executable, "-c", "from toolq.main import parse; parse(['--max-jobs', '2'])"],
                          cwd=work, capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "unrecognized arguments: --max-jobs" in proc.stderr


def test_the_compat_module_passes_the_formatter(applied):
    """The generated compat module is laid out as black and ruff lay it out: a project whose CI runs
    ``ruff format --check`` (or black) stays green after apply."""
    import subprocess
    import sys

    for width in ("88", "120"):  # black's default and a wide project's: nothing to join or split at either
        done = subprocess.run([sys.executable, "-m", "ruff", "format", "--check", "--diff", "--line-length", width,
                               "workq/_deprecated_aliases.py"], capture_output=True, text=True, cwd=applied)
        assert done.returncode == 0, (width, done.stdout)
