#!/usr/bin/env python3
"""Crash stress for `runsmig storage move`: SIGKILL the mover (a `python -m runsmig storage move`
subprocess) at random points, rerun it until it finishes, check the manifest; repeat on fresh
trees until --kills kills were delivered.

Cycles rotate over: old and new root on one file system with SQLite; old root on tmpfs
(/dev/shm, so every folder takes the copy-verify-rename-delete path) with SQLite; one file system
with PostgreSQL (skipped when no server answers at RUNSMIG_TEST_PG_URL).

Each cycle checks: every file at its mapped destination with the same sha256, nothing left at the
source, nothing extra (no temporaries, no nested ids), every stored path exists, journal ended.

    python scripts/storage_stress.py --kills 200
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.storage.builders import crash_cycle  # noqa: E402

PG_URL = os.environ.get("RUNSMIG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_database():
    """(url, drop) for a fresh PostgreSQL database, or None."""
    try:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        name = f"runsmig_stress_{uuid.uuid4().hex[:10]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"  postgresql unavailable ({type(exc).__name__}); cycle runs on SQLite", flush=True)
        return None

    def drop() -> None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=200, help="SIGKILLs to deliver in total (default 200)")
    ap.add_argument("--per-cycle", type=int, default=25, help="kills per tree before it may finish")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--batch", type=int, default=5, help="RUNSMIG_STORAGE_BATCH for the mover (small: more steps)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    print(f"seed={args.seed}", flush=True)
    total = mid = cycles = 0
    by_kind: dict[str, int] = {}
    started = time.monotonic()
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    kinds = ["same-fs/sqlite", "cross-fs/sqlite", "same-fs/postgresql"]
    while total < args.kills:
        kind = kinds[cycles % len(kinds)]
        cycles += 1
        want = min(args.per_cycle, args.kills - total)
        with tempfile.TemporaryDirectory(prefix="runsmig-stress-") as tmp:
            src_root = None
            pg = None
            shm_tmp = None
            if kind.startswith("cross-fs"):
                if shm is None or os.stat(shm).st_dev == os.stat(tmp).st_dev:
                    kind = "same-fs/sqlite"
                else:
                    shm_tmp = tempfile.TemporaryDirectory(dir=shm, prefix="runsmig-stress-")
                    src_root = Path(shm_tmp.name)
            if kind.endswith("postgresql"):
                pg = _pg_database()
                if pg is None:
                    kind = "same-fs/sqlite"
            try:
                st = crash_cycle(Path(tmp), cycles, rng, want, src_root=src_root, db_url=pg[0] if pg else None,
                                 size=(120, 200, 8, 4), batch=args.batch)
            except AssertionError as exc:
                print(f"FAIL cycle {cycles} ({kind}) after {total} kills: {exc}", flush=True)
                print(f"reproduce with --seed {args.seed}", flush=True)
                return 1
            finally:
                if pg:
                    pg[1]()
                if shm_tmp:
                    shm_tmp.cleanup()
        total += st.kills
        mid += st.mid_operation
        by_kind[kind] = by_kind.get(kind, 0) + st.kills
        print(f"cycle {cycles:3d} {kind:20s} kills={st.kills:3d} mid-operation={st.mid_operation:3d} "
              f"runs={st.runs:3d} total={total}", flush=True)
    dur = time.monotonic() - started
    print(f"OK: {total} kills ({mid} while a move was under way) over {cycles} trees, "
          f"every file and stored path verified; {by_kind}; {dur:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
