"""Start-up time of `runsmig --help` and of `runsmig check` on a 10-file checkout, against the
interpreter's own start (`python -c pass`), measured in this same script.

Usage: python benchmarks/startup.py [--repeat N] [--recipe PATH]

Builds a 10-file git checkout in a temporary folder (Python, Markdown, TypeScript, JSON, YAML,
TOML, .env), then runs each command N times (after one warm-up run) and prints the median wall
time and the median CPU time (user + system of the child), and each one's ratio to `python -c pass`.
The children run with bytecode caching on (in a temporary PYTHONPYCACHEPREFIX), as an installed
package runs, even when PYTHONDONTWRITEBYTECODE is set here. Goal: both commands under 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILES = {
    "src/app/__init__.py": "",
    "src/app/jobs.py": '"""Job helpers."""\n\n\ndef start_job(job_id: int) -> str:\n    # start the job\n'
                       '    return f"job-{job_id}"\n',
    "src/app/main.py": "from app.jobs import start_job\n\n\ndef go() -> str:\n    return start_job(1)\n",
    "README.md": "# Jobs\n\nEach job reads a document.\n",
    "docs/guide.md": "## Running a job\n\nSee `start_job` in [the code](../src/app/jobs.py).\n",
    "data.json": '{"jobs": [1, 2], "name": "demo"}\n',
    "config.yaml": "jobs:\n  max: 3\n",
    "pyproject.toml": '[project]\nname = "demo"\n\n[tool.demo]\njob_limit = 2\n',
    "web/jobs.ts": 'export function jobName(id: number): string {\n  return "job" + id;\n}\n',
    ".env.example": "DEMO_JOBS_DIR=data/jobs\n",
}


def make_checkout(root: Path) -> Path:
    for rel, text in FILES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "init"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    return root


def measure(cmd: list[str], cwd: Path, env: dict[str, str], repeat: int) -> tuple[float, float]:
    """Median wall and median CPU seconds of ``cmd`` over ``repeat`` runs (after one warm-up)."""
    subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--recipe", help="recipe for the check (default: the bundled jobs-to-runs)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="runsmig-startup-") as tmp:
        root = make_checkout(Path(tmp) / "checkout")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        check = [sys.executable, "-m", "runsmig", "check", str(root), "--no-job-terms"]
        if a.recipe:
            check += ["--recipe", str(Path(a.recipe).resolve())]
        rows = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("runsmig --help", [sys.executable, "-m", "runsmig", "--help"]),
            (f"runsmig check ({len(FILES)} files)", check),
        ]
        results = [(label, *measure(cmd, root, env, a.repeat)) for label, cmd in rows]
    base_wall, base_cpu = results[0][1], max(results[0][2], 1e-6)
    print(f"median of {a.repeat} runs (python {sys.version.split()[0]})")
    print(f"{'command':28} {'wall':>9} {'x python':>9} {'cpu':>9} {'x python':>9}")
    for label, wall, cpu in results:
        print(f"{label:28} {wall * 1000:7.0f}ms {wall / base_wall:8.1f}x {cpu * 1000:7.0f}ms {cpu / base_cpu:8.1f}x")


if __name__ == "__main__":
    main()
