"""Python transformer (runsmig.languages.python): before/after pairs, no-op cases,
scope/origin decisions, imports of moved and deleted modules, collisions, robustness."""

from __future__ import annotations

import os
import re
import stat
import textwrap
from pathlib import Path

import pytest

from runsmig.apply import apply_plan
from runsmig.findings import Finding
from runsmig.languages import language_for
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe
from runsmig.runner import FileOutcome, run

TERMS = "terms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"


def recipe(tmp: Path, extra: str = ""):
    p = tmp / "recipe.yaml"
    p.write_text(f"version: 1\nname: t\n{TERMS}keep: [n_jobs]\n{extra}", encoding="utf-8")
    return load_recipe(p)


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(textwrap.dedent(text).lstrip("\n").encode("utf-8"))
    return root


def outcomes(tmp: Path, files: dict[str, str], extra: str = "") -> dict[str, FileOutcome]:
    root = tree(tmp / "co", files)
    res = run(root, recipe(tmp, extra), workers=1)
    return {o.rel: o for o in res.outcomes}


def one(tmp: Path, src: str, extra: str = "", rel: str = "app/mod.py", others: dict[str, str] | None = None) -> FileOutcome:
    return outcomes(tmp, {rel: src, **(others or {})}, extra)[rel]


def new_text(o: FileOutcome) -> str:
    return (o.new or b"").decode("utf-8")


def rules(o: FileOutcome, rule: str) -> list[Finding]:
    return [f for f in o.reported if f.rule == rule]


def test_registered_for_python_files():
    assert language_for("a/b.py").name == "python"
    assert language_for("a/b.pyi").name == "python"


# -- renames: (before, after) pairs -------------------------------------------------
PAIRS = [
    ("def submit_job(job_id: str) -> str:\n    return job_id\n",
     "def submit_run(run_id: str) -> str:\n    return run_id\n"),
    ("class JobsService:\n    def list_jobs(self):\n        return self._jobs\n",
     "class RunsService:\n    def list_runs(self):\n        return self._runs\n"),
    ("x = make(job_id=1, jobs_dir='/jobs')\n", "x = make(run_id=1, runs_dir='/runs')\n"),
    ("ENV = 'ADE_JOBS_DIR'\nROUTE = \"/workspaces/{id}/jobs\"\n", "ENV = 'ADE_RUNS_DIR'\nROUTE = \"/workspaces/{id}/runs\"\n"),
    ("def f(job_id):\n    return f\"job {job_id!r:>10} in {f(jobs)}\"\njobs = 1\n",
     "def f(run_id):\n    return f\"run {run_id!r:>10} in {f(runs)}\"\nruns = 1\n"),
    ("def f():\n    \"\"\"Submit a job.\"\"\"\n    # the jobs queue\n    return 1  # JOBS\n",
     "def f():\n    \"\"\"Submit a run.\"\"\"\n    # the runs queue\n    return 1  # RUNS\n"),
    ("__all__ = ['JobRecord', \"job_label\"]\nclass JobRecord: pass\ndef job_label(): pass\n",
     "__all__ = ['RunRecord', \"run_label\"]\nclass RunRecord: pass\ndef run_label(): pass\n"),
    ("x = (\n    a.job_id  # keep this comment\n    + b.jobs   # and this\n)\n",
     "x = (\n    a.run_id  # keep this comment\n    + b.runs   # and this\n)\n"),
]


@pytest.mark.parametrize("before,after", PAIRS)
def test_rename_pairs(tmp_path, before, after):
    o = one(tmp_path, before)
    assert new_text(o) == after
    assert not o.reported


NOOPS = [
    "jobserver = 1\nsubjob = 'jobserver'\n",  # not the term
    "from rq.job import Job\nq = Job.fetch('k')\n",
    "from joblib import Parallel\nParallel(n_jobs=2)\n",
    "import rq.job\nrq.job.Job.fetch('x').get_status()\n",
]


@pytest.mark.parametrize("src", NOOPS)
def test_no_op(tmp_path, src):
    o = one(tmp_path, src)
    assert o.status == "unchanged", new_text(o)
    assert not [f for f in o.reported if f.rule != "external"]


def test_undefined_name_with_the_term_is_a_follow_up(tmp_path):
    o = one(tmp_path, "x = jobs_root()\n")
    assert o.status == "unchanged"
    assert [(f.text, f.rule) for f in o.reported] == [("jobs_root", "follow-up")]


def test_kinds(tmp_path):
    o = one(tmp_path, '"""Jobs."""\n# job\nJOB = "job"\n')
    kinds = sorted(f.kind for f in o.applied)
    assert kinds == ["comment", "docstring", "identifier", "string"]


# -- third-party origin ----------------------------------------------------------------
def test_third_party_names_kept_and_reported_once(tmp_path):
    src = """
        from rq.job import Job
        from apscheduler.schedulers.background import BackgroundScheduler


        def fetch(job_id):
            job = Job.fetch(job_id)
            other = Job.fetch(job_id)
            scheduler = BackgroundScheduler()
            scheduler.add_job(fetch, id=job_id)
            scheduler.get_jobs()
            return job.get_status(), other
        """
    o = one(tmp_path, src)
    out = new_text(o)
    assert "from rq.job import Job" in out
    assert "run = Job.fetch(run_id)" in out  # our own variable and parameter follow the term
    assert "scheduler.add_job(fetch, id=run_id)" in out
    assert "scheduler.get_jobs()" in out
    ext = rules(o, "external")
    assert sorted(f.text for f in ext) == ["Job", "add_job", "get_jobs", "job"]
    assert all(f.replacement is None for f in ext)


def test_keyword_to_library_call_kept(tmp_path):
    o = one(tmp_path, "from sklearn.model_selection import cross_val_score\ncross_val_score(m, x, y, max_jobs=4)\n")
    assert "max_jobs=4" in new_text(o) or o.status == "unchanged"


def test_checkout_package_is_not_third_party(tmp_path):
    files = {
        "apps/api/src/ade_api/__init__.py": "",
        "apps/api/src/ade_api/util.py": "def job_label():\n    return 1\n",
        "apps/api/src/ade_api/main.py": "from ade_api.util import job_label\njob_label()\n",
    }
    outs = outcomes(tmp_path, files)
    assert new_text(outs["apps/api/src/ade_api/main.py"]) == "from ade_api.util import run_label\nrun_label()\n"
    assert new_text(outs["apps/api/src/ade_api/util.py"]) == "def run_label():\n    return 1\n"


def test_check_passes_on_third_party_only(tmp_path):
    from runsmig.cli.check import build_report

    tree(tmp_path / "co", {"w.py": "from rq.job import Job\nJob.fetch('x')\n"})
    rec = recipe(tmp_path)
    rep = build_report(tmp_path / "co", rec.source, workers=1)
    assert rep.findings == []
    assert [f.text for f in rep.externals] == ["job", "Job"]


# -- collisions ------------------------------------------------------------------------
def test_local_collision_is_a_conflict(tmp_path):
    o = one(tmp_path, "def f(job_ts, run_ts):\n    return job_ts > run_ts\n")
    assert o.status == "unchanged"
    c = rules(o, "conflict")
    assert [(f.line, f.text) for f in c] == [(1, "job_ts"), (2, "job_ts")]
    assert "run_ts" in c[0].message


def test_module_collision_and_symbol_map(tmp_path):
    src = "class RunStatus: pass\nclass JobStatus: pass\nclass JobKind: pass\n"
    o = one(tmp_path, src)
    assert new_text(o) == "class RunStatus: pass\nclass JobStatus: pass\nclass RunKind: pass\n"
    assert [f.text for f in rules(o, "conflict")] == ["JobStatus"]
    o2 = one(tmp_path / "b", src, extra="symbols:\n  JobStatus: LegacyStatus\n")
    assert new_text(o2) == "class RunStatus: pass\nclass LegacyStatus: pass\nclass RunKind: pass\n"
    assert not o2.reported


def test_keyword_dict_and_attribute_collisions(tmp_path):
    src = """
        class C:
            def __init__(self, run_id, other):
                self.run_id = run_id
                self.job_id = other

            def d(self):
                return {"run_id": self.run_id, "job_id": self.job_id}


        C(run_id=1, job_id=2)
        """
    o = one(tmp_path, src)
    assert o.status == "unchanged"
    msgs = " ".join(f.message for f in rules(o, "conflict"))
    assert "attribute 'self.job_id'" in msgs
    assert "dictionary key 'job_id'" in msgs
    assert "keyword 'job_id'" in msgs


def test_all_entry_follows_a_kept_name(tmp_path):
    o = one(tmp_path, "__all__ = ['JobStatus', 'JobKind']\nclass RunStatus: pass\nclass JobStatus: pass\nclass JobKind: pass\n")
    assert new_text(o).startswith("__all__ = ['JobStatus', 'RunKind']")


# -- imports of moved and deleted modules ------------------------------------------------
ADE = {
    "src/ade_api/__init__.py": "",
    "src/ade_api/features/__init__.py": "",
    "src/ade_api/features/jobs/__init__.py": "",
    "src/ade_api/features/jobs/models.py": "class Job: pass\nclass JobStatus: pass\nclass JobsRepository: pass\n",
    "src/ade_api/features/jobs/router.py": "router = 1\n",
    "src/ade_api/features/runs/__init__.py": "",
    "src/ade_api/features/runs/models.py": "class Run: pass\nclass RunStatus: pass\n",
    "src/ade_api/features/runs/router.py": "router = 1\n",
}
DELETE = "paths:\n  delete:\n    - {path: src/ade_api/features/jobs/, reason: removed}\n"


def test_deleted_module_import_goes_to_counterpart_and_merges(tmp_path):
    src = """
        from ade_api.features.jobs.models import Job, JobStatus
        from ade_api.features.runs.models import RunStatus

        x: JobStatus = JobStatus()
        y = Job()
        """
    o = one(tmp_path, src, DELETE, rel="src/ade_api/use.py", others=ADE)
    assert new_text(o) == (
        "from ade_api.features.runs.models import Run\n"
        "from ade_api.features.runs.models import RunStatus\n\n"
        "x: RunStatus = RunStatus()\ny = Run()\n")
    assert not o.reported


def test_deleted_module_without_counterpart_name_is_a_follow_up(tmp_path):
    src = """
        from typing import TYPE_CHECKING

        from ade_api.features.jobs.models import (
            JobsRepository,
            JobStatus,  # kept comment
        )

        if TYPE_CHECKING:
            from ade_api.features.jobs.models import JobsRepository as Repo

        repo: Repo | None = None
        r = JobsRepository()
        s = JobStatus()
        """
    o = one(tmp_path, src, DELETE, rel="src/ade_api/use.py", others=ADE)
    out = new_text(o)
    assert "from ade_api.features.runs.models import (\n    RunStatus,  # kept comment\n)" in out
    assert "if TYPE_CHECKING:\n    pass\n" in out
    assert "r = JobsRepository()" in out
    follow = rules(o, "follow-up")
    assert {(f.line, f.text) for f in follow} >= {(12, "JobsRepository")}
    assert any(f.text == "Repo" for f in follow)


def test_relative_import_merged_and_duplicate_registration_is_a_conflict_never_dropped(tmp_path):
    src = """
        from .features.jobs.router import router as jobs_router
        from .features.runs.router import router as runs_router

        api.include_router(runs_router)
        api.include_router(jobs_router)
        """
    o = one(tmp_path, src, DELETE, rel="src/ade_api/routers.py", others=ADE)
    # the deleted module's import merges into its counterpart's (an explicit recipe deletion) ...
    assert new_text(o) == ("from .features.runs.router import router as runs_router\n\n"
                           "api.include_router(runs_router)\napi.include_router(runs_router)\n")
    # ... but the statement that now repeats another one stays, reported as a conflict
    assert [(f.line, f.rule) for f in rules(o, "conflict")] == [(5, "conflict")]
    assert "repeats line 4" in rules(o, "conflict")[0].message


def test_statements_equal_before_the_rename_are_never_touched(tmp_path):
    src = """
        def test_retry(job, worker):
            job.save()
            job.save()
            worker.work(job)
            worker.work(job)
            worker.work(job)
        """
    o = one(tmp_path, src, "", rel="t.py")
    assert new_text(o) == ("def test_retry(run, worker):\n    run.save()\n    run.save()\n"
                           "    worker.work(run)\n    worker.work(run)\n    worker.work(run)\n")
    assert not rules(o, "conflict")


def test_statements_made_equal_by_the_rename_keep_the_local_name_and_conflict(tmp_path):
    src = """
        def register(app, make):
            jobs_router = make()
            runs_router = make()
            app.include_router(runs_router)
            app.include_router(jobs_router)
        """
    o = one(tmp_path, src, "", rel="r.py")
    assert new_text(o).count("include_router") == 2  # nothing removed
    assert "app.include_router(jobs_router)" in new_text(o)
    assert rules(o, "conflict")


def test_forward_references_follow_the_rename(tmp_path):
    src = """
        from __future__ import annotations


        def get_current_job(job_class: Job | None = None) -> Job | None:
            return None


        def f(x: "Job") -> list["Job"]:
            return [x]


        class Job:
            def copy(self) -> Job:
                return self
        """
    o = one(tmp_path, src, "", rel="m.py")
    out = new_text(o)
    assert "Job" not in out
    assert "def get_current_run(run_class: Run | None = None) -> Run | None:" in out
    assert 'def f(x: "Run") -> list["Run"]:' in out
    assert not rules(o, "follow-up")


def test_member_of_a_variable_holding_one_of_several_classes_is_not_guessed(tmp_path):
    others = {**ADE, "src/ade_api/features/jobs/models.py": "class JobA:\n    def a(self): pass\n\nclass JobB:\n    def b(self): pass\n",
              "src/ade_api/features/runs/models.py": "class RunA:\n    def a(self): pass\n\nclass RunB:\n    def b(self): pass\n"}
    src = """
        from ade_api.features.jobs.models import JobA, JobB


        def go(flag):
            if flag:
                reg = JobA()
            else:
                reg = JobB()
            reg.b()
        """
    o = one(tmp_path, src, DELETE, rel="src/ade_api/use.py", others=others)
    assert not rules(o, "follow-up")


def test_explicit_module_move_rewrites_imports(tmp_path):
    files = {
        "pkg/__init__.py": "",
        "pkg/legacy.py": "def helper(): pass\n",
        "pkg/use.py": "from pkg.legacy import helper\nimport pkg.legacy\nfrom . import legacy\n# jobs\n",
    }
    extra = "paths:\n  rename:\n    - {from: pkg/legacy.py, to: pkg/history.py}\n"
    outs = outcomes(tmp_path, files, extra)
    assert outs["pkg/legacy.py"].new_rel == "pkg/history.py"
    assert new_text(outs["pkg/use.py"]).startswith("from pkg.history import helper\nimport pkg.history\n")


def test_second_pass_is_stable_after_apply(tmp_path):
    root = tree(tmp_path / "co", {**ADE, "src/ade_api/use.py": (
        "from ade_api.features.jobs.models import JobsRepository, JobStatus\n"
        "from ade_api.features.runs.models import RunStatus\n"
        "JobsRepository(); JobStatus()\n")})
    rec = recipe(tmp_path, DELETE)
    plan = build_plan(root, rec, workers=1)
    apply_plan(plan)
    again = build_plan(root, rec, workers=1)
    assert again.empty
    use = [o for o in again.result.outcomes if o.rel == "src/ade_api/use.py"][0]
    assert [f.text for f in use.reported if f.rule == "follow-up"] == ["JobsRepository"]


# -- robustness ------------------------------------------------------------------------
def test_syntax_error_fails_file_untouched(tmp_path):
    o = one(tmp_path, "def submit_job(job_id:\n    return job_id\n")
    assert o.status == "failed"
    assert "syntax error" in o.reason
    assert o.line == 2
    assert o.new == o.old


def test_crlf_coding_and_mode_survive_plan_apply(tmp_path):
    root = tmp_path / "co"
    (root / "pkg").mkdir(parents=True)
    crlf = root / "pkg" / "crlf.py"
    crlf.write_bytes(b"def job():\r\n    return 'jobs'  # job\r\n")
    coded = root / "pkg" / "coded.py"
    coded.write_bytes("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nJOB = 'café job'\n".encode())
    os.chmod(coded, 0o755)
    rec = recipe(tmp_path)
    apply_plan(build_plan(root, rec, workers=1))
    assert crlf.read_bytes() == b"def run():\r\n    return 'runs'  # run\r\n"
    assert coded.read_bytes() == "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nRUN = 'café run'\n".encode()
    assert stat.S_IMODE(coded.stat().st_mode) & 0o111
    assert build_plan(root, rec, workers=1).empty


def test_unicode_columns(tmp_path):
    o = one(tmp_path, "x = 'é' ; job = 'ü'  # jobs\n")
    assert new_text(o) == "x = 'é' ; run = 'ü'  # runs\n"


def test_process_pool_gives_the_same_result(tmp_path):
    files = {f"p/m{i}.py": f"def job_{i}(job_id):\n    return job_id\n" for i in range(30)}
    root = tree(tmp_path / "co", files)
    rec = recipe(tmp_path)
    from runsmig.runner import pool

    old = pool.PARALLEL_THRESHOLD
    pool.PARALLEL_THRESHOLD = 1
    try:
        par = {o.rel: o.new for o in run(root, rec, workers=2).outcomes}
    finally:
        pool.PARALLEL_THRESHOLD = old
    seq = {o.rel: o.new for o in run(root, rec, workers=1).outcomes}
    assert par == seq


def test_member_the_counterpart_lacks_is_a_follow_up(tmp_path):
    others = {**ADE, "src/ade_api/features/jobs/models.py": (
        "class JobsRepository:\n    def latest(self): pass\n\nclass Job:\n    attempt: int\n    status: str\n"),
        "src/ade_api/features/runs/models.py": (
        "class RunsRepository:\n    def other(self): pass\n\nclass Run:\n    status: str\n"),
        "src/ade_api/features/runs/mixins.py": "class IdMixin:\n    @property\n    def id(self): return 1\n",
        "src/ade_api/features/runs/other.py": (
        "from .mixins import IdMixin\n\nclass Thing(IdMixin):\n    name: str\n")}
    src = """
        from ade_api.features.jobs.models import Job, JobsRepository
        from ade_api.features.runs.other import Thing


        class S:
            def __init__(self):
                self._jobs_repository = JobsRepository()

            def go(self):
                return self._jobs_repository.latest(), self._jobs_repository.other()


        job = Job(status="x", attempt=2)
        thing = Thing(id=1, name="job")
        """
    o = one(tmp_path, src, DELETE, rel="src/ade_api/use.py", others=others)
    got = sorted((f.line, f.text) for f in rules(o, "follow-up"))
    assert got == [(10, "latest"), (13, "attempt")]
    assert any("'RunsRepository' (src/ade_api/features/runs/models.py) has no member 'latest'" in f.message for f in o.reported)


def test_recipe_python_modules_names_the_counterpart(tmp_path):
    others = {**ADE, "src/ade_api/features/history.py": "class Job: pass\n"}
    src = "from ade_api.features.jobs.models import Job\nJob()\n"
    extra = DELETE + "python:\n  modules:\n    ade_api.features.jobs.models: ade_api.features.history\n"
    o = one(tmp_path, src, extra, rel="src/ade_api/use.py", others=others)
    # history.py keeps its own 'Job' only if it is not renamed; here it is renamed too, so the import follows
    assert new_text(o) == "from ade_api.features.history import Run\nRun()\n"


def test_recipe_python_section_is_validated(tmp_path):
    from runsmig.errors import RecipeError

    with pytest.raises(RecipeError):
        recipe(tmp_path, "python:\n  modules:\n    'not a module': x\n")


def test_stdlib_call_wrapping_a_checkout_class_is_not_third_party(tmp_path):
    src = """
        import functools
        from redis import Redis


        class Pool(Redis):
            def __init__(self, job_serializer=None):
                self.job_serializer = job_serializer


        def create(job_serializer):
            factory = functools.partial(Pool, host="x")
            pool = factory(db=1)
            pool.job_serializer = job_serializer
            r = Redis(host="x")
            r.job_thing = 1
            return pool
        """
    # redis installed where runsmig looks (a virtualenv at the checkout's top): its Redis is read
    o = one(tmp_path, src, "", rel="m.py", others={
        "venv/pyvenv.cfg": "home = /usr/bin\n",
        "venv/lib/python3.11/site-packages/redis/__init__.py": "class Redis:\n    def ping(self):\n        pass\n"})
    out = new_text(o)
    assert "pool.run_serializer = run_serializer" in out  # follows the class's own renamed attribute
    assert "r.job_thing = 1" in out  # an attribute of a real third-party object stays


def test_literal_compared_with_sorted_stays_sorted(tmp_path):
    src = """
        def test_keys(r, x):
            assert sorted(r.keys('*')) == [b'q:job:testing', b'q:queue']
            assert [b'q:job:a',  # first
                    b'q:queue'] != sorted(x)
            assert sorted(x) == ['a:job', 'b:job']
            assert [b'q:job:testing', b'q:queue'] == list(x)
        """
    # stored: migrate: namespaced keys are renamed (under keep they are stored values, kept)
    o = one(tmp_path, src, "stored: migrate\n", rel="t.py")
    out = new_text(o)
    assert "assert sorted(r.keys('*')) == [b'q:queue', b'q:run:testing']" in out
    assert "assert [b'q:queue',  # first\n            b'q:run:a'] != sorted(x)" in out
    assert "assert sorted(x) == ['a:run', 'b:run']" in out  # still sorted: plain rename
    assert "assert [b'q:run:testing', b'q:queue'] == list(x)" in out  # no sorted(): order is meaning


def test_every_reference_follows_a_renamed_binding(tmp_path):
    files = {
        "pkg/__init__.py": 'from .job import Job, job_decorator\n__all__ = ["Job", "job_decorator"]\n',
        "pkg/job.py": """
            from __future__ import annotations
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from .queue import JobQueue

            __all__ = ["Job", "job_decorator", "DEFAULT_JOB"]


            def job_decorator(fn):
                return fn


            class Job:
                @job_decorator
                def enqueue(self, queue: JobQueue, other: "Job" = None) -> "list[Job]":
                    return [self]

                def clone(self, factory=lambda: DEFAULT_JOB) -> Job:
                    return factory()


            DEFAULT_JOB = Job()
            """,
        "pkg/queue.py": "from pkg.job import Job\n\n\nclass JobQueue:\n    jobs: list[Job]\n",
    }
    outs = outcomes(tmp_path, files)
    for o in outs.values():
        assert not [f for f in o.reported if f.rule in ("follow-up", "conflict")], o.rel
        text = (o.new or o.old).decode()
        assert not re.search(r"job", text, re.I), (o.rel, text)
        # names in __all__ and string annotations are code, not data: not listed as identifiers in strings
        assert not [f for f in o.applied if f.literal], o.rel
