"""Benchmark: runsmig's Python pass vs LibCST's own rename codemod on the same tree.

Generates a package of N (default 5,000) plausible Python modules that import
each other and use job-named symbols (classes, functions, parameters, strings,
comments, a central ``core/jobs.py`` module that moves to ``core/runs.py``, some
third-party ``rq.job`` imports, ~15 % files without the term), then times

* ``runsmig plan`` (in-process ``build_plan``, process pool over all cores): every
  term in every file, module moves, conflicts, externals;
* ``python -m libcst.tool codemod rename.RenameCommand`` renaming ONE symbol
  (``benchapp.core.jobs.JobStatus`` -> ``benchapp.core.jobs.RunStatus``) over a copy.

and prints both wall times and their ratio. Usage::

    python benchmarks/python_rename.py [--files 5000] [--workers N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PER_PACKAGE = 100


def module_source(i: int, n: int, rng: random.Random) -> str:
    pkg = i // PER_PACKAGE
    if i % 7 == 3:  # a module without the term: the prefilter skips it
        return (
            f'"""Utilities {i}."""\n\nimport math\n\n\ndef area_{i}(r: float) -> float:\n'
            f"    # plain geometry\n    return math.pi * r * r\n"
        )
    deps = sorted({rng.randrange(n) for _ in range(3)} - {i})
    deps = [d for d in deps if d % 7 != 3]
    lines = [
        f'"""Module {i}: submits jobs for package {pkg}."""',
        "",
        "from __future__ import annotations",
        "",
        "import logging",
        "from dataclasses import dataclass",
        "",
        "from benchapp.core.jobs import JOB_LIMIT, JobStatus, job_path",
    ]
    for d in deps:
        lines.append(f"from benchapp.pkg{d // PER_PACKAGE}.mod{d} import Job{d}Record, submit_job_{d}")
    if i % 10 == 0:
        lines.append("from rq.job import Job")
    lines += [
        "",
        "logger = logging.getLogger(__name__)",
        f'JOBS_ROUTE_{i} = "/workspaces/{{workspace_id}}/jobs/{i}"',
        "",
        "",
        "@dataclass",
        f"class Job{i}Record:",
        f'    """One job of module {i}."""',
        "",
        "    job_id: str",
        "    status: JobStatus = JobStatus.QUEUED",
        "    attempts: int = 0",
        "",
        "    def job_dir(self, jobs_root: str) -> str:",
        "        # storage is keyed by job id",
        "        return job_path(jobs_root, self.job_id)",
        "",
        "",
        f"def submit_job_{i}(job_id: str, *, jobs_dir: str = \"data/jobs\") -> Job{i}Record:",
        f'    """Submit job ``job_id`` ({i})."""',
        f"    record = Job{i}Record(job_id=job_id)",
        '    logger.info("job %s queued in %s", job_id, jobs_dir)',
        "    if record.attempts > JOB_LIMIT:",
        '        raise RuntimeError(f"job {job_id} failed after {record.attempts} attempts")',
    ]
    for d in deps:
        lines.append(f"    Job{d}Record(job_id=submit_job_{d}(job_id).job_id)")
    if i % 10 == 0:
        lines += ["    queued = Job.fetch(job_id)", "    queued.get_status()"]
    lines += ["    return record", ""]
    return "\n".join(lines)


CORE = '''"""Shared job definitions."""

from enum import Enum

JOB_LIMIT = 3


class JobStatus(str, Enum):
    QUEUED = "queued"
    DONE = "done"


def job_path(jobs_root: str, job_id: str) -> str:
    return f"{jobs_root}/{job_id}"
'''


def generate(root: Path, n: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    base = root / "src" / "benchapp"
    (base / "core").mkdir(parents=True)
    (base / "__init__.py").write_text('"""Benchmark app."""\n')
    (base / "core" / "__init__.py").write_text("")
    (base / "core" / "jobs.py").write_text(CORE)
    count = 3
    for i in range(n - count - n // PER_PACKAGE):
        pkg = base / f"pkg{i // PER_PACKAGE}"
        if not pkg.exists():
            pkg.mkdir()
            (pkg / "__init__.py").write_text("")
            count += 1
        (pkg / f"mod{i}.py").write_text(module_source(i, n - count, rng))
        count += 1
    return sum(1 for _ in base.rglob("*.py"))


def run_runsmig(tree: Path, workers: int) -> tuple[float, int, int]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from runsmig.plan import build_plan
    from runsmig.recipe import load_recipe

    recipe_file = tree.parent / "bench-recipe.yaml"
    recipe_file.write_text(
        "version: 1\nname: bench\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n", "utf-8")
    recipe = load_recipe(recipe_file)
    t0 = time.perf_counter()
    plan = build_plan(tree, recipe, workers=workers)
    wall = time.perf_counter() - t0
    failed = len(plan.result.by_status("failed")) if plan.result else 0
    return wall, len(plan.changes), failed


def run_libcst(tree: Path, workers: int) -> tuple[float, int]:
    subprocess.run([sys.executable, "-m", "libcst.tool", "initialize", "."], cwd=tree, check=True,
                   capture_output=True)
    # the command must come first: 'codemod -j 2 rename.RenameCommand' reads '2' as the command
    cmd = [sys.executable, "-m", "libcst.tool", "codemod", "rename.RenameCommand", "-j", str(workers), "--no-format",
           "--hide-progress", "--old_name", "benchapp.core.jobs.JobStatus",
           "--new_name", "benchapp.core.jobs.RunStatus", "src"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=tree, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
    changed = subprocess.run(["grep", "-rl", "RunStatus", "src"], cwd=tree, capture_output=True, text=True)
    return wall, len(changed.stdout.split())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", type=Path, default=None, help="generate into this folder and keep it")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="runsmig-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        a, b = work / "tree-runsmig", work / "tree-libcst"
        for d in (a, b):
            if d.exists():
                shutil.rmtree(d)
        t0 = time.perf_counter()
        n = generate(a, args.files)
        shutil.copytree(a, b)
        print(f"generated {n} Python files in {time.perf_counter() - t0:.1f} s ({work})")
        rs_wall, changes, failed = run_runsmig(a, args.workers)
        print(f"runsmig plan (all terms, moves, conflicts; {args.workers} processes): {rs_wall:.1f} s, "
              f"{changes} changes, {failed} failed")
        lc_wall, lc_changed = run_libcst(b, args.workers)
        print(f"libcst codemod rename.RenameCommand (one symbol; {args.workers} processes): {lc_wall:.1f} s, "
              f"{lc_changed} files now mention RunStatus")
        print(f"ratio libcst/runsmig: {lc_wall / rs_wall:.2f}x")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
