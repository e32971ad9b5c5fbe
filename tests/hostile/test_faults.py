"""`apply` and `storage move` under faults (issue #20, item 5) and symlinks to renamed paths (item 7).

Concurrent runs, SIGKILL at chosen and random points, temp files left by a dead run, conflicts,
storage roots that are symlinks, symlinks whose target the plan renames. scripts/kill_trials.py
runs the kill trials at scale."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.hostile import faultkit as fk

PY = [sys.executable, "-m", "runsmig"]


def _run(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*PY, *args], capture_output=True, text=True, cwd=cwd, env=fk._env(**env))


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """A generated checkout, the recipe, and the tree id of its uninterrupted apply."""
    work = tmp_path_factory.mktemp("faults")
    base = fk.make_tree(work / "base", 6)
    recipe = fk.write_recipe(work / "recipe")
    return base, recipe, fk.reference(base, work, recipe), work


def _copy(kit, dst: Path) -> Path:
    shutil.copytree(kit[0], dst, symlinks=True)
    return dst


# -- one apply at a time ------------------------------------------------------------------------
def test_second_apply_refuses_while_the_lock_is_held(kit, tmp_path):
    from runsmig.lock import checkout_lock

    root = _copy(kit, tmp_path / "t")
    before = fk.tree_id(root)
    with checkout_lock(root):
        r = _run("apply", str(root), "--recipe", str(kit[1]), "-q")
    assert r.returncode == 4, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("runsmig: error:")]
    assert len(lines) == 1 and "runsmig.lock" in lines[0] and f"pid {os.getpid()}" in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert fk.temp_files(root) == [] and fk.tree_id(root) == before


def test_two_applies_started_together(kit, tmp_path):
    root = _copy(kit, tmp_path / "t")
    procs = [subprocess.Popen(fk.apply_cmd(root, kit[1]), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, env=fk._env()) for _ in range(2)]
    outs = [(p.wait(), p.stderr.read()) for p in procs]
    codes = sorted(rc for rc, _ in outs)
    assert codes == [0, 4], outs  # the other: refused by the lock, or by the tree the first one changed
    assert not any("Traceback" in err for _, err in outs)
    assert fk.temp_files(root) == []
    assert fk.tree_id(root) == kit[2]


def test_wait_queues_behind_the_holder(kit, tmp_path):
    from runsmig.lock import checkout_lock

    root = _copy(kit, tmp_path / "t")
    held = threading.Event()

    def hold():
        with checkout_lock(root):
            held.set()
            time.sleep(1.5)

    t = threading.Thread(target=hold)
    t.start()
    held.wait()
    start = time.monotonic()
    r = subprocess.run([*fk.apply_cmd(root, kit[1]), "--wait"], capture_output=True, text=True, env=fk._env())
    t.join()
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - start >= 1.0
    assert fk.tree_id(root) == kit[2]


def test_storage_move_refuses_while_its_tree_is_locked(tmp_path):
    from runsmig.lock import storage_lock

    (tmp_path / "jobs" / "a1").mkdir(parents=True)
    with storage_lock(tmp_path / "runs"):
        r = _run("storage", "move", "--from", str(tmp_path / "jobs"), "--to", str(tmp_path / "runs"))
    assert r.returncode == 4 and "storage move is running" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "jobs" / "a1").is_dir() and not (tmp_path / "runs").exists()


# -- kills ---------------------------------------------------------------------------------------
def test_sigkill_at_write_steps_then_rerun_converges(kit, tmp_path):
    """RUNSMIG_TEST_KILL_AFTER=N: the apply SIGKILLs itself after its Nth write step (journal, each
    temp file, commit, each rename/unlink/replace, each phase record, the end); a plain rerun must
    leave exactly the tree of an uninterrupted apply and no temp file."""
    base, recipe, expected, work = kit
    steps = fk.steps_of_clean_apply(base, tmp_path, recipe)
    points = sorted({1, 2, steps // 4, steps // 3, steps // 2, 2 * steps // 3, 3 * steps // 4, steps - 2,
                     steps - 1, steps})
    assert len(points) >= 9
    for n in points:
        t = fk.trial(base, tmp_path / f"k{n}", recipe, expected, kill_after=n)
        assert t.killed, (n, t.stderr)
        assert t.converged and t.temps == 0 and t.tracebacks == 0, (n, steps, t.rc, t.stderr[-2000:])


def test_real_sigkill_at_random_delays_then_rerun_converges(kit, tmp_path):
    base, recipe, expected, _ = kit
    rng = random.Random(int(os.environ.get("RUNSMIG_CRASH_SEED", "20").strip() or 20))
    for i in range(3):
        t = fk.trial(base, tmp_path / f"d{i}", recipe, expected, delay=rng.uniform(0.3, 1.5))
        assert t.converged and t.temps == 0 and t.tracebacks == 0, t.stderr[-2000:]


def test_interrupted_apply_journal_is_in_the_git_folder_and_completed(kit, tmp_path):
    base, recipe, expected, _ = kit
    steps = fk.steps_of_clean_apply(base, tmp_path, recipe)
    root = _copy(kit, tmp_path / "t")
    r = subprocess.run(fk.apply_cmd(root, recipe), capture_output=True, text=True,
                       env=fk._env(RUNSMIG_TEST_KILL_AFTER=str(steps * 2 // 3)))
    assert r.returncode == -9
    assert (root / ".git" / "runsmig-apply.journal").is_file()
    assert not list(root.glob("*.journal"))
    assert subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True).stdout
    r = subprocess.run(fk.apply_cmd(root, recipe), capture_output=True, text=True, env=fk._env())
    assert r.returncode == 0 and "completed an apply" in r.stderr, r.stderr
    assert not (root / ".git" / "runsmig-apply.journal").exists()
    assert fk.tree_id(root) == expected


def test_killed_saved_plan_apply_is_completed_by_the_same_command(kit, tmp_path):
    base, recipe, expected, _ = kit
    root = _copy(kit, tmp_path / "t")
    plan = tmp_path / "plan.json"
    assert _run("plan", str(root), "--recipe", str(recipe), "--out", str(plan), "-q").returncode == 0
    cmd = [*PY, "apply", str(root), "--plan", str(plan), "-q"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=fk._env(RUNSMIG_TEST_KILL_AFTER="20"))
    assert r.returncode == -9
    r = subprocess.run(cmd, capture_output=True, text=True, env=fk._env())
    assert r.returncode == 0, r.stderr
    assert fk.temp_files(root) == [] and fk.tree_id(root) == expected


def test_stale_temp_files_are_removed_and_never_make_the_tree_dirty(kit, tmp_path):
    root = _copy(kit, tmp_path / "t")
    dead = root / "pkg" / "g0" / ".runsmig-999999999-ab12-3.tmp"  # no such pid
    legacy = root / "pkg" / "g1" / ".runsmig-k2j4h5.tmp"  # what 0.1.0 left
    fresh = root / "newdir" / ".runsmig-999999998-x-0.tmp"  # in a folder made for it
    live = root / f".runsmig-{os.getpid()}-zz-1.tmp"  # a live process's: left alone
    for p in (dead, legacy, fresh, live):
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(b"half")
    r = subprocess.run(fk.apply_cmd(root, kit[1]), capture_output=True, text=True, env=fk._env())
    assert r.returncode == 0, r.stderr
    assert "removed 3 temp file(s)" in r.stderr
    assert not dead.exists() and not legacy.exists() and not fresh.parent.exists()
    assert live.exists()
    live.unlink()
    assert fk.tree_id(root) == kit[2]


# -- conflicts -----------------------------------------------------------------------------------
def test_rename_conflict_exits_4_every_time(kit, tmp_path):
    root = tmp_path / "t"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "job.txt").write_text("old job\n")
    (root / "docs" / "run.txt").write_text("a run\n")
    fk.git(root, "init", "-q")
    fk.git(root, "add", "-A")
    fk.git(root, "commit", "-qm", "i")
    r = _run("apply", str(root), "--recipe", str(kit[1]), "-q")
    assert r.returncode == 4, r.stderr
    assert "1 conflict(s) left unapplied" in r.stderr and "Traceback" not in r.stderr
    assert (root / "docs" / "run.txt").read_text() == "a run\n"
    r = _run("apply", str(root), "--recipe", str(kit[1]), "-q", "--allow-dirty")
    assert r.returncode == 4, r.stderr


# -- storage roots -------------------------------------------------------------------------------
def _storage(tmp_path: Path) -> tuple[Path, Path]:
    outside = tmp_path / "outside"
    (outside / "jobs" / "01ABC").mkdir(parents=True)
    (outside / "jobs" / "01ABC" / "f.txt").write_text("x")
    tree = tmp_path / "tree"
    (tree / "data").mkdir(parents=True)
    return tree, outside


def test_storage_move_refuses_a_symlink_as_from(tmp_path):
    tree, outside = _storage(tmp_path)
    (tree / "data" / "jobs").symlink_to(outside / "jobs", target_is_directory=True)
    r = _run("storage", "move", "--from", str(tree / "data" / "jobs"), "--to", str(tree / "data" / "runs"))
    assert r.returncode == 4 and "--from is a symlink" in r.stderr, r.stderr
    assert (outside / "jobs" / "01ABC" / "f.txt").exists() and not (tree / "data" / "runs").exists()


def test_storage_move_refuses_a_symlink_as_to(tmp_path):
    tree, outside = _storage(tmp_path)
    (tree / "data" / "jobs" / "01XYZ").mkdir(parents=True)
    (tree / "data" / "runs").symlink_to(outside, target_is_directory=True)
    r = _run("storage", "move", "--from", str(tree / "data" / "jobs"), "--to", str(tree / "data" / "runs"))
    assert r.returncode == 4 and "--to is a symlink" in r.stderr, r.stderr
    assert (tree / "data" / "jobs" / "01XYZ").is_dir() and not (outside / "01XYZ").exists()


def test_storage_move_refuses_dotdot_after_a_symlink(tmp_path):
    tree, outside = _storage(tmp_path)
    (outside / "deep").mkdir()
    (tree / "data" / "jobs" / "01XYZ").mkdir(parents=True)
    (tree / "data" / "link").symlink_to(outside / "deep", target_is_directory=True)
    # 'data/link/../runs' reads as data/runs, but the kernel resolves it to outside/runs
    r = _run("storage", "move", "--from", str(tree / "data" / "jobs"), "--to", str(tree / "data" / "link") + "/../runs")
    assert r.returncode == 4 and "outside the folder it names" in r.stderr, r.stderr
    assert not (outside / "runs").exists() and (tree / "data" / "jobs" / "01XYZ").is_dir()


def test_apply_refuses_a_checkout_whose_data_runs_is_a_symlink(kit, tmp_path):
    root = _copy(kit, tmp_path / "t")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "data" / "jobs" / "01ABC").mkdir(parents=True)
    (root / "data" / "runs").symlink_to(outside, target_is_directory=True)
    r = subprocess.run([*fk.apply_cmd(root, kit[1]), "--allow-dirty"], capture_output=True, text=True, env=fk._env())
    assert r.returncode == 4 and "data/runs is a symlink" in r.stderr, r.stderr
    assert list(outside.iterdir()) == []
    assert (root / "pkg" / "g0" / "jobs").is_dir()  # refused before anything was written


# -- symlinks to renamed paths -------------------------------------------------------------------
def test_symlink_to_a_renamed_file_and_folder_is_retargeted(kit, tmp_path):
    root = _copy(kit, tmp_path / "t")
    diff = _run("plan", str(root), "--recipe", str(kit[1]), "-q")
    assert "+pkg/g0/runs/run_0.py" in diff.stdout and "+../pkg/g1/runs" in diff.stdout
    r = subprocess.run(fk.apply_cmd(root, kit[1]), capture_output=True, text=True, env=fk._env())
    assert r.returncode == 0, r.stderr
    assert os.readlink(root / "alias.py") == "pkg/g0/runs/run_0.py"
    assert os.readlink(root / "docs" / "folder_link") == "../pkg/g1/runs"
    assert (root / "alias.py").read_text().startswith("def run_0(")
    assert (root / "docs" / "folder_link" / "run_1.py").is_file()
    # apply wrote exactly what plan printed: git apply of the diff gives the same tree
    other = _copy(kit, tmp_path / "u")
    subprocess.run(["git", "apply", "-"], input=diff.stdout, text=True, cwd=other, check=True)
    assert fk.tree_id(other) == fk.tree_id(root)


def test_absolute_symlink_stays_absolute_and_a_deleted_target_is_a_follow_up(tmp_path):
    root = tmp_path / "t"
    (root / "jobs").mkdir(parents=True)
    (root / "jobs" / "a.txt").write_text("x\n")
    (root / "old.txt").write_text("x\n")
    os.symlink(str(root / "jobs" / "a.txt"), root / "abs_link")
    os.symlink("old.txt", root / "to_deleted")
    fk.git(root, "init", "-q")
    fk.git(root, "add", "-A")
    fk.git(root, "commit", "-qm", "i")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(fk.RECIPE + "paths:\n  delete:\n    - {path: old.txt, reason: gone}\n")
    r = _run("apply", str(root), "--recipe", str(recipe), "-q")
    assert r.returncode == 0, r.stderr
    assert os.readlink(root / "abs_link") == str(root / "runs" / "a.txt")
    assert "follow-up: to_deleted: symlink -> 'old.txt': the plan deletes 'old.txt'" in r.stderr
    assert os.readlink(root / "to_deleted") == "old.txt"


def test_where_a_link_target_goes():
    from runsmig.symlinks import _new_location

    assert _new_location("a/old.txt", {}, {"a/old.txt"}, ["a/old.txt"]) == (None, "the plan deletes 'a/old.txt'")
    moves = {"jobs/x.py": "runs/x.py", "jobs/y.py": "other/y.py"}
    assert _new_location("jobs", moves, set(), ["jobs/x.py", "jobs/y.py"])[1] == "the files of 'jobs' move to different folders"
    assert _new_location("jobs", moves, set(), ["jobs/x.py", "jobs/y.py", "jobs/z.py"]) == ("jobs", "")
