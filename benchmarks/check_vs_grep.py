"""Wall time of `runsmig check --format json` against `git grep -i -c <term>` on one checkout.

Usage: python benchmarks/check_vs_grep.py PATH [--repeat N]
Prints the best-of-N time of each and the ratio (runsmig / git grep), run in this same script.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time


def best(cmd: list[str], cwd: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--term", default="job")
    a = ap.parse_args()
    grep = best(["git", "grep", "-i", "-c", a.term], a.path, a.repeat)
    check = best([sys.executable, "-m", "runsmig", "check", ".", "--format", "json"], a.path, a.repeat)
    files = subprocess.run(["git", "ls-files"], cwd=a.path, capture_output=True, text=True).stdout.count("\n")
    print(f"files: {files}")
    print(f"git grep -i -c {a.term}: {grep:.3f} s")
    print(f"runsmig check --format json: {check:.3f} s")
    print(f"ratio runsmig/grep: {check / grep:.1f}x")


if __name__ == "__main__":
    main()
