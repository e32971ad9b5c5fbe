"""scripts/statement_counts.py: a lost statement is caught, a pure rename is not one."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "statement_counts.py"
_spec = importlib.util.spec_from_file_location("statement_counts", SCRIPT)
sc = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("statement_counts", sc)  # dataclasses look their module up
_spec.loader.exec_module(sc)

JOB_PY = b'''"""Job helpers."""
import os
from typing import Any, Optional


def start_job(job_id: str, payload: Optional[Any] = None) -> dict:
    job = {"id": job_id, "payload": payload}
    job["pid"] = os.getpid()
    job["pid"] = os.getpid()
    if payload is None:
        return job
    for key in ("a", "b"):
        job[key] = payload
    return job
'''

JOB_TS = b'''import { Queue } from "./queue";

export interface JobOptions { retries: number }

export function startJob(queue: Queue, opts: JobOptions): void {
  const job = queue.create(opts);
  if (opts.retries > 0) {
    job.retry();
  }
  job.save();
}
'''


def _tree(root: Path, spec: dict[str, bytes], git: bool = False) -> Path:
    for rel, data in spec.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
        subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t",
                        "commit", "-q", "-m", "x"], check=True)
    return root


def _renamed(src: bytes) -> bytes:
    return (src.replace(b"Job", b"Run").replace(b"job", b"run"))


def test_counts_python_statements_and_imported_names():
    c = sc.count_python(JOB_PY)
    # docstring expr, 2 imports, def, 2 assigns, duplicate assign, if, return, for, assign, return
    assert (c.statements, c.imports, c.failure) == (12, 3, None)


def test_removed_duplicate_statement_is_a_difference(tmp_path, capsys):
    before = _tree(tmp_path / "b", {"pkg/jobs.py": JOB_PY, "README.md": b"jobs\n"})
    # the second, identical 'job["pid"] = ...' line dropped: same text otherwise
    dropped = JOB_PY.replace(b'    job["pid"] = os.getpid()\n', b"", 1)
    after = _tree(tmp_path / "a", {"pkg/jobs.py": dropped, "README.md": b"jobs\n"})
    assert sc.main([str(before), str(after)]) == 1
    out = capsys.readouterr().out
    assert "DIFF pkg/jobs.py: 12 statements, 3 imported names -> 11 statements, 3 imported names" in out
    assert "python" in out and "12->11" in out


def test_removed_ts_statement_is_a_difference(tmp_path):
    before = _tree(tmp_path / "b", {"src/job.ts": JOB_TS})
    after = _tree(tmp_path / "a", {"src/job.ts": JOB_TS.replace(b"  job.save();\n", b"")})
    rep = sc.compare(before, after)
    assert rep.failing
    assert [(d["before"], d["statements"]) for d in rep.differ] == [("src/job.ts", [9, 8])]


NEUTRAL_PY = b"".join(b"CONSTANT_%d = %d  # unrelated to the term\n" % (i, i) for i in range(30))


@pytest.mark.parametrize("git", [False, True], ids=["plain-folders", "git-checkouts"])
def test_pure_rename_is_accepted(tmp_path, capsys, git):
    before = _tree(tmp_path / "b", {"pkg/jobs.py": NEUTRAL_PY + JOB_PY, "web/jobQueue.ts": JOB_TS,
                                    "docs/jobs.md": b"# Jobs\n"}, git=git)
    # pkg: moved with the term renamed inside (most lines unchanged); web: moved, content identical
    after = _tree(tmp_path / "a", {"pkg/runs.py": NEUTRAL_PY + _renamed(JOB_PY), "web/runQueue.ts": JOB_TS,
                                   "docs/runs.md": b"# Runs\n"}, git=git)
    assert sc.main([str(before), str(after)]) == 0, capsys.readouterr().out
    rep = sc.compare(before, after)
    assert rep.moves == {"pkg/jobs.py": "pkg/runs.py", "web/jobQueue.ts": "web/runQueue.ts"}
    assert not rep.differ
    # the tiny markdown file is too different for git's rename detection: reported, not failing
    assert [x["path"] for x in rep.only_before] == ["docs/jobs.md"]
    assert [x["path"] for x in rep.only_after] == ["docs/runs.md"]


def test_rename_git_cannot_see_is_reported_as_lost_and_gained(tmp_path):
    """Every line of this file carries the term: below git's 50% similarity, so unpaired."""
    before = _tree(tmp_path / "b", {"pkg/jobs.py": JOB_PY})
    after = _tree(tmp_path / "a", {"pkg/runs.py": _renamed(JOB_PY)})
    rep = sc.compare(before, after)
    assert rep.failing and rep.moves == {}
    assert [x["path"] for x in rep.only_before + rep.only_after] == ["pkg/jobs.py", "pkg/runs.py"]


def test_moves_from_a_saved_plan(tmp_path):
    """A rename git cannot recognise (the file changed too much) is paired through the plan."""
    small = b"job = 1\n"
    before = _tree(tmp_path / "b", {"job.py": small})
    after = _tree(tmp_path / "a", {"run.py": b"run = 1\n"})
    assert sc.compare(before, after).failing  # unpaired code files: statements lost and gained
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"format": 1, "changes": [
        {"action": "rename", "path": "job.py", "new_path": "run.py"},
        {"action": "modify", "path": "other.py", "new_path": None},
    ]}))
    rep = sc.compare(before, after, plan)
    assert rep.moves == {"job.py": "run.py"} and not rep.failing


def test_syntax_broken_after_is_a_difference(tmp_path):
    before = _tree(tmp_path / "b", {"m.py": b"def f(job):\n    return job\n"})
    after = _tree(tmp_path / "a", {"m.py": b"def f(run):\n    return run run\n"})
    rep = sc.compare(before, after)
    assert rep.failing and rep.unparsable[0]["side"] == "after"
