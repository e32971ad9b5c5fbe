#!/usr/bin/env python3
"""Benchmark: `runsmig storage move` against a plain `mv` of the same folders, one file system.

Builds identical trees of N folders (default 100,000; each ``<id>/logs/events.ndjson``, 64 bytes)
side by side in one temporary folder, then times, each as one subprocess including start-up:

* plain:   ``find OLD -mindepth 1 -maxdepth 1 -print0 | xargs -0 mv -t NEW`` (batched ``mv``:
           a handful of processes doing one rename(2) per folder, no journal, no fsync)
* runsmig: ``python -m runsmig storage move --from OLD --to NEW`` (scan, plan, fsynced
           write-ahead journal, one renameat2 per folder, folder fsync + journal record per batch
           of 2000, rmdir of the old root)
* runsmig --db (unless --no-db): the same with a SQLite database of N jobs (half the folders named
           by job id and renamed to their run id) and one stored path per job rewritten in the
           same journaled operation

Prints the times and the ratio runsmig / plain. The order of the runs alternates per repetition
and the best time of each is kept (--repeat, default 1).

    python benchmarks/storage_move.py [--folders 100000] [--dir /tmp] [--repeat 1] [--no-db]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RECIPE = """version: 1
name: bench
terms:
  - {from: job, to: run}
"""


def make_tree(root: Path, names: list[str]) -> None:
    root.mkdir(parents=True)
    payload = b'{"event":"run.completed","status":"succeeded"}\n'.ljust(64, b" ")
    for name in names:
        logs = root / name / "logs"
        os.makedirs(logs)
        with open(logs / "events.ndjson", "wb") as f:
            f.write(payload)


def make_db(path: Path, names: list[str]) -> str:
    from sqlalchemy import Column, MetaData, String, Table, create_engine

    md = MetaData()
    jobs = Table("jobs", md, Column("id", String(40), primary_key=True), Column("trace_id", String(64)),
                 Column("artifact_uri", String(512)))
    runs = Table("runs", md, Column("id", String(40), primary_key=True))
    url = f"sqlite:///{path}"
    eng = create_engine(url)
    md.create_all(eng)
    job_rows, run_rows = [], []
    for i, name in enumerate(names):
        if i % 2:  # folder named by the job id: renamed to its run
            run = f"run_{i:08d}"
            job_rows.append({"id": name, "trace_id": run, "artifact_uri": f"{name}/logs/events.ndjson"})
        else:  # folder named by the run id: keeps its name
            run = name
            job_rows.append({"id": f"job_{i:08d}", "trace_id": run, "artifact_uri": f"{name}/logs/events.ndjson"})
        run_rows.append({"id": run})
    with eng.begin() as c:
        c.execute(jobs.insert(), job_rows)
        c.execute(runs.insert(), run_rows)
    eng.dispose()
    return url


def timed(cmd: list[str] | str, shell: bool = False) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, shell=shell, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"command failed ({r.returncode}): {cmd}\n{r.stderr[-2000:]}")
    return dt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folders", type=int, default=100_000)
    ap.add_argument("--dir", default=None, help="where to build the trees (one file system)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-db", action="store_true")
    args = ap.parse_args()
    n = args.folders
    names = [f"01HZ{i:022d}" for i in range(n)]
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="runsmig-bench-", dir=args.dir) as tmp:
        base = Path(tmp)
        (base / "recipe.yaml").write_text(RECIPE + (REPO / "rules/jobs-to-runs/storage.snippet.yaml").read_text())
        print(f"{n} folders on {base} (device {os.stat(base).st_dev})", flush=True)
        template = base / "template"
        t = time.perf_counter()
        make_tree(template, names)
        print(f"  template tree built in {time.perf_counter() - t:.1f} s; each run gets a 'cp -a' copy", flush=True)
        for rep in range(args.repeat):
            kinds = ["plain", "runsmig"] + ([] if args.no_db else ["runsmig --db"])
            if rep % 2:
                kinds.reverse()
            for kind in kinds:
                work = base / f"r{rep}-{kind.replace(' ', '').replace('-', '')}"
                old, new = work / "data" / "jobs", work / "data" / "runs"
                t = time.perf_counter()
                old.parent.mkdir(parents=True)
                subprocess.run(["cp", "-a", str(template), str(old)], check=True)
                db = make_db(work / "ade.db", names) if kind == "runsmig --db" else None
                subprocess.run(["sync"])
                build = time.perf_counter() - t
                if kind == "plain":
                    new.mkdir()
                    dt = timed(f"find '{old}' -mindepth 1 -maxdepth 1 -print0 | xargs -0 mv -t '{new}'", shell=True)
                else:
                    cmd = [sys.executable, "-m", "runsmig", "storage", "move", "--from", str(old), "--to", str(new)]
                    if db:
                        cmd += ["--db", db, "--recipe", str(base / "recipe.yaml")]
                    dt = timed(cmd)
                moved = len(os.listdir(new))
                left = len(os.listdir(old)) if old.exists() else 0
                assert moved == n and left == 0, (kind, moved, left)
                if kind == "runsmig --db":
                    assert len([x for x in os.listdir(new) if x.startswith("run_")]) == n // 2
                best[kind] = min(best.get(kind, float("inf")), dt)
                print(f"  rep {rep + 1} {kind:13s} {dt:7.2f} s  ({n / dt:,.0f} folders/s; tree built in {build:.1f} s)",
                      flush=True)
        report(best)  # before the trees are removed: deleting 100k folders is slow
        print("removing the trees ...", flush=True)
    return 0


def report(best: dict[str, float]) -> None:
    plain = best["plain"]
    print(f"plain mv (find | xargs mv -t): {plain:.2f} s")
    print(f"runsmig storage move:          {best['runsmig']:.2f} s   ratio {best['runsmig'] / plain:.2f}x")
    if "runsmig --db" in best:
        print(f"runsmig storage move --db:     {best['runsmig --db']:.2f} s   ratio {best['runsmig --db'] / plain:.2f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
