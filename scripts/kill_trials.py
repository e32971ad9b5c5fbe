#!/usr/bin/env python3
"""Kill `runsmig apply` at random points, rerun it, and check it converges to a clean apply's tree.

Generates a git checkout (files modified, renamed with and without new content, moved to a new
folder, symlinks to renamed files and folders), applies it once uninterrupted for the reference
tree, then runs --trials trials on fresh copies. Each trial SIGKILLs the apply either after a random
number of its write steps (RUNSMIG_TEST_KILL_AFTER, the hook in runsmig.applylog) or after a random
delay (a real kill, which may land while planning too), then reruns plain `apply`. It prints:

    trials, killed, converged (tree == the clean apply's, `git add -A; git write-tree`),
    temp files left (runsmig temp files anywhere in the checkout or its git folder), tracebacks

    python scripts/kill_trials.py --trials 60 --files 40 --seed 1
    python scripts/kill_trials.py --delay-only   # real kills only (also runs against runsmig 0.1.0)
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hostile import faultkit as fk  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=60)
    ap.add_argument("--files", type=int, default=40, help="units of the generated tree (4 files each)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--delay-only", action="store_true", help="only real kills after a random delay")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="kill-trials-") as tmp:
        work = Path(tmp)
        base = fk.make_tree(work / "base", args.files)
        recipe = fk.write_recipe(work / "recipe")
        t0 = time.monotonic()
        expected = fk.reference(base, work, recipe)
        clean_s = time.monotonic() - t0
        steps = None if args.delay_only else fk.steps_of_clean_apply(base, work, recipe)
        totals = {"trials": 0, "killed": 0, "converged": 0, "temp files left": 0, "tracebacks": 0}
        failures = []
        for i in range(args.trials):
            if steps and i % 3 != 2:  # two in three at a write step, one in three at a random moment
                kw = {"kill_after": rng.randint(1, steps)}
            else:
                kw = {"delay": rng.uniform(0.2, clean_s * 1.1)}
            t = fk.trial(base, work / f"t{i}", recipe, expected, **kw)
            totals["trials"] += 1
            totals["killed"] += t.killed
            totals["converged"] += t.converged
            totals["temp files left"] += t.temps
            totals["tracebacks"] += t.tracebacks
            if not t.converged or t.temps or t.tracebacks:
                failures.append((kw, t.rc, t.stderr[-1500:]))
            if args.verbose:
                print(f"trial {i}: {kw} killed={t.killed} reruns={t.reruns} rc={t.rc} converged={t.converged} "
                      f"temps={t.temps} tracebacks={t.tracebacks}", flush=True)
            fk.shutil.rmtree(work / f"t{i}", ignore_errors=True)
    print(f"tree: {args.files * 4 + 3} files, clean apply {clean_s:.1f} s"
          + (f", {steps} write steps" if steps else ""))
    print(", ".join(f"{k} {v}" for k, v in totals.items()))
    for kw, rc, err in failures[:3]:
        print(f"--- not converged or debris: {kw} last rc {rc}\n{err}")
    return 0 if totals["converged"] == totals["trials"] and not totals["temp files left"] and not totals["tracebacks"] else 1


if __name__ == "__main__":
    sys.exit(main())
