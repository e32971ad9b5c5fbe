"""Build an ADE-like storage tree plus database and check the result of a move against a manifest.

Used by the tests and by scripts/storage_stress.py.

The tree mixes the layouts ADE deployments have:

* ``run``: folder named by the run id (ADE at aa9f0407); its job row points at it
* ``job``: folder named by the job id (older deployments); ``jobs.trace_id`` names the run
* ``orphan``: no job or run with that id
* ``norun``: a job whose ``trace_id`` is empty (no run)

Stored paths use ADE's spellings: ``artifact_uri`` relative to the root, ``logs_uri`` absolute,
``output_uri`` relative and pointing at a folder.
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Column, MetaData, String, Table, create_engine, select

REPO = Path(__file__).resolve().parents[2]
SNIPPET = REPO / "rules" / "jobs-to-runs" / "storage.snippet.yaml"

metadata = MetaData()
jobs = Table(
    "jobs", metadata,
    Column("id", String(26), primary_key=True),
    Column("trace_id", String(64), nullable=True),
    Column("artifact_uri", String(512), nullable=True),
    Column("logs_uri", String(512), nullable=True),
    Column("output_uri", String(512), nullable=True),
)
runs = Table("runs", metadata, Column("id", String(40), primary_key=True))


def write_recipe(folder: Path, norun_keeps: bool = True) -> Path:
    """A minimal recipe plus the storage snippet as shipped (so the snippet itself is tested)."""
    path = folder / "recipe.yaml"
    snippet = SNIPPET.read_text()
    if not norun_keeps:
        assert ", without_run: keep}" in snippet
        snippet = snippet.replace(", without_run: keep}", "}")
    path.write_text("version: 1\nname: storage-test\nterms:\n  - {from: job, to: run}\n" + snippet)
    return path


@dataclass
class Built:
    src: Path
    dst: Path
    db_url: str | None
    # destination folder name (relative to dst, or None for orphans left / quarantined) -> files
    expected: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)
    orphans: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # source folder name -> kind


def _ulid(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(26))


def _run_id(rng: random.Random) -> str:
    return "run_" + "".join(rng.choice("0123456789abcdef") for _ in range(32))


def _write(path: Path, rng: random.Random, size: int) -> tuple[int, str]:
    data = rng.randbytes(size)
    path.write_bytes(data)
    return size, hashlib.sha256(data).hexdigest()


def build(root: Path, db_url: str | None, *, n_run: int = 6, n_job: int = 6, n_orphan: int = 2,
          n_norun: int = 1, seed: int = 1, max_size: int = 3000, norun_keeps: bool = True) -> Built:
    """``norun_keeps``: the recipe says ``without_run: keep`` (the shipped snippet does)."""
    rng = random.Random(seed)
    src = root / "data" / "jobs"
    dst = root / "data" / "runs"
    src.mkdir(parents=True)
    b = Built(src, dst, db_url)
    job_rows: list[dict] = []
    run_rows: list[dict] = []

    def folder(name: str) -> dict[str, tuple[int, str]]:
        files: dict[str, tuple[int, str]] = {}
        for sub in ("input", "output", "logs"):
            (src / name / sub).mkdir(parents=True)
        files["input/input.xlsx"] = _write(src / name / "input" / "input.xlsx", rng, rng.randint(0, max_size))
        files["output/normalized.xlsx"] = _write(src / name / "output" / "normalized.xlsx", rng, rng.randint(1, max_size))
        files["logs/events.ndjson"] = _write(src / name / "logs" / "events.ndjson", rng, rng.randint(1, max_size))
        files["logs/artifact.json"] = _write(src / name / "logs" / "artifact.json", rng, rng.randint(1, 200))
        return files

    def paths_for(name: str) -> dict[str, str]:
        return {
            "artifact_uri": f"{name}/logs/artifact.json",
            "logs_uri": f"{src.resolve()}/{name}/logs/events.ndjson",
            "output_uri": f"{name}/output",
        }

    for _ in range(n_run):
        job, run = _ulid(rng), _run_id(rng)
        b.expected[run] = folder(run)
        b.kinds[run] = "run"
        job_rows.append({"id": job, "trace_id": run, **paths_for(run)})
        run_rows.append({"id": run})
    for _ in range(n_job):
        job, run = _ulid(rng), _run_id(rng)
        b.expected[run] = folder(job)
        b.kinds[job] = "job"
        job_rows.append({"id": job, "trace_id": run, **paths_for(job)})
        run_rows.append({"id": run})
    for _ in range(n_orphan):
        name = _ulid(rng)
        b.orphans[name] = folder(name)
        b.kinds[name] = "orphan"
    for _ in range(n_norun):
        job = _ulid(rng)
        (b.expected if norun_keeps else b.orphans)[job] = folder(job)
        b.kinds[job] = "norun"
        job_rows.append({"id": job, "trace_id": None, **paths_for(job)})
    # a job and a run without any folder: nothing to move, paths left dangling as before
    job_rows.append({"id": _ulid(rng), "trace_id": None, "artifact_uri": None, "logs_uri": None, "output_uri": None})
    if db_url:
        eng = create_engine(db_url)
        metadata.create_all(eng)
        with eng.begin() as conn:
            if job_rows:
                conn.execute(jobs.insert(), job_rows)
            if run_rows:
                conn.execute(runs.insert(), run_rows)
        eng.dispose()
    return b


def tree_files(root: Path) -> dict[str, tuple[int, str]]:
    """relpath -> (size, sha256) for every file under root ('->target' for links)."""
    out: dict[str, tuple[int, str]] = {}
    if not root.exists():
        return out
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                out[rel] = (-1, "->" + os.readlink(p))
            else:
                data = p.read_bytes()
                out[rel] = (len(data), hashlib.sha256(data).hexdigest())
    return out


def all_dirs(root: Path) -> set[str]:
    return {Path(d).relative_to(root).as_posix() for d, _, _ in os.walk(root)} if root.exists() else set()


def stored_paths(db_url: str) -> list[tuple[str, str, str]]:
    eng = create_engine(db_url)
    with eng.connect() as conn:
        rows = conn.execute(select(jobs.c.id, jobs.c.artifact_uri, jobs.c.logs_uri, jobs.c.output_uri)).all()
    eng.dispose()
    out = []
    for row in rows:
        for col, value in zip(("artifact_uri", "logs_uri", "output_uri"), row[1:]):
            if value is not None:
                out.append((row[0], col, value))
    return out


def db_dump(db_url: str) -> list:
    eng = create_engine(db_url)
    with eng.connect() as conn:
        out = [sorted(map(tuple, conn.execute(select(t)).all())) for t in (jobs, runs)]
    eng.dispose()
    return out


def check_result(b: Built, orphans: str = "keep", quarantine: Path | None = None) -> None:
    """Every file at its mapped destination with the same hash; nothing left; nothing extra."""
    expected: dict[str, tuple[int, str]] = {}
    for run, files in b.expected.items():
        for rel, meta in files.items():
            expected[f"{run}/{rel}"] = meta
    left_expected: dict[str, tuple[int, str]] = {}
    q_expected: dict[str, tuple[int, str]] = {}
    for name, files in b.orphans.items():
        for rel, meta in files.items():
            target = {"keep": left_expected, "move": expected, "quarantine": q_expected}[orphans]
            target[f"{name}/{rel}"] = meta
    got = tree_files(b.dst)
    assert got == expected, _diff(expected, got)
    left = tree_files(b.src)
    assert left == left_expected, _diff(left_expected, left)
    if orphans != "keep" or not b.orphans:
        assert not b.src.exists(), "the empty old root should be removed"
    if quarantine is not None:
        assert tree_files(quarantine) == q_expected
    for d in all_dirs(b.dst):
        parts = d.split("/")
        assert not (len(parts) >= 2 and parts[0] == parts[1]), f"nested id folder {d}"
        assert not any(p.startswith(".runsmig-tmp") for p in parts), f"temporary left behind: {d}"
    top = {p.name for p in b.dst.iterdir()}
    assert top == {k.split("/")[0] for k in expected}, "extra or missing top-level folders"
    if b.db_url:
        for job, col, value in stored_paths(b.db_url):
            p = Path(value) if os.path.isabs(value) else b.dst / value
            if any(f"{n}/" in value for n in b.orphans):
                continue  # a job without a run: its row goes with the jobs table (checked elsewhere)
            assert p.exists(), f"stored path {job}.{col} = {value!r} does not exist"


def _diff(a: dict, b: dict) -> str:
    missing = sorted(set(a) - set(b))[:5]
    extra = sorted(set(b) - set(a))[:5]
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])[:5]
    return f"missing={missing} extra={extra} changed={changed}"


def cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "runsmig", *args], cwd=cwd, env=e, capture_output=True,
                          text=True, timeout=timeout)


@dataclass
class KillStats:
    kills: int = 0  # SIGKILLs delivered to a running mover
    mid_operation: int = 0  # ... after its journal existed and before it ended
    runs: int = 0  # mover processes started
    finished_rc: int | None = None


def kill_until_done(args: list[str], journal: Path, rng: random.Random, *, kills_wanted: int,
                    env: dict | None = None, max_runs: int = 5000) -> KillStats:
    """Start the mover and SIGKILL it at a random point, repeatedly; once ``kills_wanted`` kills
    were delivered, let it run to the end (it must exit 0).

    Where the kill lands: one attempt in five after a random time (0-1.5 s, so also during start-up
    and planning); the others after the k-th observed change of the journal file (k random in
    1..40, plus 0-10 ms), so kills spread over the batches however fast or loaded the machine is.
    """
    import signal
    import time

    from runsmig.storage import journal as jr

    e = dict(os.environ)
    e.update(env or {})
    st = KillStats()

    def size() -> int:
        try:
            return journal.stat().st_size
        except FileNotFoundError:
            return -1

    while st.runs < max_runs:
        st.runs += 1
        p = subprocess.Popen([sys.executable, "-m", "runsmig", *args], env=e,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if st.kills >= kills_wanted:
            _, err = p.communicate(timeout=900)
            st.finished_rc = p.returncode
            if p.returncode != 0:
                raise AssertionError(f"final run failed ({p.returncode}): {err.decode()[-2000:]}")
            return st
        if rng.random() < 0.2:
            deadline = time.monotonic() + rng.uniform(0.05, 1.5)
            while p.poll() is None and time.monotonic() < deadline:
                time.sleep(0.002)
        else:
            target, changes, last = rng.randint(1, 40), 0, size()
            while p.poll() is None:
                now = size()
                if now != last:
                    changes, last = changes + 1, now
                    if changes >= target:
                        time.sleep(rng.uniform(0, 0.01))
                        break
                time.sleep(0.001)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            _, err = p.communicate()
            if p.returncode == -signal.SIGKILL:
                st.kills += 1
                state = jr.read(journal) if journal.exists() else None
                if state is not None and not state.ended:
                    st.mid_operation += 1
                continue
            # it exited on its own between poll() and the signal: its output is read already
        else:
            _, err = p.communicate()
        if p.returncode != 0:
            raise AssertionError(f"mover failed after {st.kills} kills ({p.returncode}): {err.decode()[-2000:]}")
        st.finished_rc = 0
        return st  # finished before the kill landed
    raise AssertionError("too many runs")


def crash_cycle(tmp: Path, seed: int, rng: random.Random, kills_wanted: int, src_root: Path | None = None,
                db_url: str | None = None, size: tuple[int, int, int, int] = (60, 100, 6, 3),
                batch: int = 3) -> KillStats:
    """Build a tree (old root optionally on another file system) and a database, kill the mover
    ``kills_wanted`` times, let it finish, and check the manifest and every stored path."""
    import shutil

    from sqlalchemy import text

    db = db_url or f"sqlite:///{tmp / 'ade.db'}"
    n_run, n_job, n_orphan, n_norun = size
    b = build(tmp / "dep", db, n_run=n_run, n_job=n_job, n_orphan=n_orphan, n_norun=n_norun, seed=seed, max_size=64)
    if src_root is not None:  # old root on another file system
        old = b.src.resolve()
        shutil.move(str(b.src), str(src_root / "jobs"))
        b.src = src_root / "jobs"
        eng = create_engine(db)  # stored absolute paths follow the old root to its new place
        with eng.begin() as c:
            c.execute(text("update jobs set logs_uri = replace(logs_uri, :a, :b)"), {"a": str(old), "b": str(b.src.resolve())})
        eng.dispose()
    args = ["storage", "move", "--from", str(b.src), "--to", str(b.dst), "--db", db,
            "--recipe", str(write_recipe(tmp)), "--orphans", "quarantine"]
    journal = b.dst.parent / ".runsmig-storage-runs.journal"
    st = kill_until_done(args, journal, rng, kills_wanted=kills_wanted, env={"RUNSMIG_STORAGE_BATCH": str(batch)})
    check_result(b, orphans="quarantine", quarantine=b.dst.parent / "runs-orphans")
    for job, col, value in stored_paths(db):
        if not value.startswith("/") and any(value.startswith(o + "/") for o in b.orphans):
            continue  # a relative path cannot name the quarantine (documented)
        p = Path(value) if value.startswith("/") else b.dst / value
        assert p.exists(), (job, col, value)
    state = jr_read(journal)
    assert state is not None and state.ended
    return st


def jr_read(path: Path):
    from runsmig.storage import journal as jr

    return jr.read(path)
