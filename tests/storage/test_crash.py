"""SIGKILL the mover (a `python -m runsmig storage move` subprocess) at random points, rerun until it
finishes, then check every file against the manifest. scripts/storage_stress.py does the same at scale."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest


from tests.storage.builders import crash_cycle as _cycle


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
        total = cycles = 0
        while total < 6 and cycles < 30:  # a fast machine finishes a tree before six kills land
            cycles += 1
            (Path(shm) / f"x{cycles}").mkdir()
            st = _cycle(tmp_path / f"x{cycles}", 99 + cycles, rng, kills_wanted=6 - total,
                        src_root=Path(shm) / f"x{cycles}")
            total += st.kills
        print(f"kills={total} cycles={cycles}")
        assert total >= 6
