"""'runsmig apply' also moves the checkout's data/jobs tree and rewrites its ignored .env."""

from __future__ import annotations

import hashlib

from tests.helpers import MINI, git_copy, runsmig


def _manifest(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_apply_moves_data_jobs_and_the_ignored_env(tmp_path):
    root = git_copy(MINI, tmp_path / "mini")  # fixtures/ade-mini ignores /data/
    jobs = root / "data" / "jobs"
    (jobs / "r1" / "logs").mkdir(parents=True)
    (jobs / "r1" / "logs" / "events.ndjson").write_bytes(b'{"event": "run.started"}\n')
    (jobs / "r2" / "output").mkdir(parents=True)
    (jobs / "r2" / "output" / "table.csv").write_bytes(b"a,b\n1,2\n" * 100)
    before = _manifest(jobs)
    (root / ".git" / "info" / "exclude").write_text(".env\n")
    (root / ".env").write_text("# local\nADE_JOBS_DIR=./data/jobs\nADE_LOG_LEVEL=DEBUG\nADE_JOB_TIMEOUT_SECONDS=5m\n")
    proc = runsmig("apply", str(root), check_rc=0)
    assert b"storage: moved 2 folder(s)" in proc.stderr
    assert not jobs.exists()
    assert _manifest(root / "data" / "runs") == before  # every byte at its destination, nothing extra
    # every job-named setting the code renames (the timeout too), or the deployment would lose it
    assert (root / ".env").read_text() == "# local\nADE_RUNS_DIR=./data/runs\nADE_LOG_LEVEL=DEBUG\nADE_RUN_TIMEOUT_SECONDS=5m\n"
    again = runsmig("apply", str(root), "--allow-dirty", check_rc=0)
    assert b"storage:" not in again.stderr
    assert _manifest(root / "data" / "runs") == before
