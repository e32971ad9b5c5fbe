"""SIGKILL the mover (a `python -m runsmig storage move` subprocess) at random points, rerun until it
finishes, then check every file against the manifest. scripts/storage_stress.py does the same at scale."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.storage.builders import build, check_result, kill_until_done, stored_paths, write_recipe


def _cycle(tmp: Path, seed: int, rng: random.Random, kills_wanted: int, src_root: Path | None = None):
    db = f"sqlite:///{tmp / 'ade.db'}"
    b = build(tmp / "dep", db, n_run=150, n_job=250, n_orphan=10, n_norun=5, seed=seed, max_size=64)
    if src_root is not None:  # old root on another file system
        import shutil

        shutil.move(str(b.src), str(src_root / "jobs"))
        b.src = src_root / "jobs"
        # stored absolute paths were written for the old location: rebuild them for the new one
        from sqlalchemy import create_engine, text

        eng = create_engine(db)
        with eng.begin() as c:
            c.execute(text("update jobs set logs_uri = replace(logs_uri, :a, :b)"),
                      {"a": str((tmp / "dep" / "data" / "jobs").resolve()), "b": str(b.src.resolve())})
        eng.dispose()
    args = ["storage", "move", "--from", str(b.src), "--to", str(b.dst), "--db", db,
            "--recipe", str(write_recipe(tmp)), "--orphans", "quarantine"]
    journal = b.dst.parent / ".runsmig-storage-runs.journal"
    st = kill_until_done(args, journal, rng, kills_wanted=kills_wanted,
                         env={"RUNSMIG_STORAGE_BATCH": "7"})
    check_result(b, orphans="quarantine", quarantine=b.dst.parent / "runs-orphans")
    for job, col, value in stored_paths(db):
        if not value.startswith("/") and any(value.startswith(o + "/") for o in b.orphans):
            continue  # a relative path cannot name the quarantine (documented)
        p = Path(value) if value.startswith("/") else b.dst / value
        assert p.exists(), (job, col, value)
    return st


def test_sigkill_at_random_points_then_rerun(tmp_path):
    rng = random.Random(int(os.environ.get("RUNSMIG_CRASH_SEED", "20261128")))
    total = mid = cycles = 0
    while total < 20:
        cycles += 1
        st = _cycle(tmp_path / f"c{cycles}", cycles, rng, kills_wanted=20 - total)
        total += st.kills
        mid += st.mid_operation
    print(f"kills={total} mid-operation={mid} cycles={cycles}")
    assert total >= 20
    assert mid >= 8, "too few kills landed while the move was under way"


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="no tmpfs at /dev/shm")
def test_sigkill_across_file_systems(tmp_path):
    import tempfile

    with tempfile.TemporaryDirectory(dir="/dev/shm") as shm:
        if os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
            pytest.skip("/dev/shm is on the same file system as the test folder")
        rng = random.Random(7)
        st = _cycle(tmp_path, 99, rng, kills_wanted=6, src_root=Path(shm))
        print(f"kills={st.kills} mid-operation={st.mid_operation}")
        assert st.kills >= 6
