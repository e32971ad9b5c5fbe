"""`runsmig check` on a 5,000-file tree with and without two huge files: time and peak memory.

    python benchmarks/huge_files.py [--files 5000] [--repeat 3] [--keep DIR]

The tree is the mixed-language one of ``check_vs_grep.py`` (2% of the files hold the term). A copy
gains a 20 MB JavaScript bundle on a single line and a 50,000-line Python file, both holding the
term here and there, committed like the rest (not under a vendored folder, which the check skips). On each tree it times ``runsmig check --no-job-terms
--format json --no-cache`` (best of ``--repeat``: every file analysed, nothing remembered), then
samples the peak memory of one more run: PSS and RSS summed over all runsmig processes (the CLI
and its workers), every 10 ms, with psutil. It prints both figures, the time ratio (goal <= 2x) and
the peak with the huge files (goal <= 300 MB), and how the check saw the two files (not parsed:
scanned as text, runsmig.limits).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_vs_grep import PY, PY_HEAD, RECIPE, child_env, generate, peak_memory, wall  # noqa: E402

BUNDLE_MB = 20
PY_LINES = 50_000


def bundle(size: int, seed: int = 7) -> bytes:
    """A minified bundle: one line of ``size`` bytes; the term in one statement in 2,000."""
    rng = random.Random(seed)
    parts, n, i = [], 0, 0
    while n < size:
        name = "jobQueue" if i % 2000 == 0 else f"v{rng.randrange(10**6)}"
        s = f"var {name}=function(a,b){{return a+b*{i % 97}}};"
        parts.append(s)
        n += len(s)
        i += 1
    return ("".join(parts)[:size] + "\n").encode()


def python_file(lines: int) -> bytes:
    """``lines`` lines of generated Python; the term in one section in 50."""
    out = [PY_HEAD.format(what="Big", area="big")]
    n, j = out[0].count("\n"), 0
    while n < lines:
        ident, cls, word = ("job", "Job", "job") if j % 50 == 0 else (f"task{j}", "Task", "task")
        s = PY.format(area=f"area{j % 37}", Cls=f"{cls}{j}", ident=ident, word=word)
        out.append(s)
        n += s.count("\n")
        j += 1
    return "".join(out).encode()


def add_huge(tree: Path) -> None:
    (tree / "static").mkdir(exist_ok=True)
    # not *.min.js: that name alone is skipped unread (runsmig.vendored); this one must be scanned
    (tree / "static" / "bundle.js").write_bytes(bundle(BUNDLE_MB * 2**20))
    (tree / "pkg0000" / "huge_module.py").write_bytes(python_file(PY_LINES))
    git = ["git", "-c", "user.email=bench@example.invalid", "-c", "user.name=bench", "-c", "gc.auto=0"]
    subprocess.run([*git, "add", "-A"], cwd=tree, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "huge files"], cwd=tree, check=True)


def measure(tree: Path, repeat: int) -> tuple[float, float, float, dict]:
    env = child_env(tree.parent / f"{tree.name}-cache", tree.parent / f"{tree.name}-pycache")
    cmd = [sys.executable, "-m", "runsmig", "check", ".", "--no-job-terms", "--format", "json", "--no-cache",
           "--recipe", str(RECIPE)]
    wall(cmd, tree, env)  # warm-up: page cache, bytecode
    secs = min(wall(cmd, tree, env) for _ in range(repeat))
    pss, rss = peak_memory(cmd, tree, env)
    out = subprocess.run(cmd, cwd=tree, env=env, capture_output=True)
    return secs, pss, rss, json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--share", type=float, default=0.02)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build the trees here and keep them")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="runsmig-huge-bench-"))
    try:
        base, huge = work / "base", work / "huge"
        if not base.exists():
            t = time.perf_counter()
            generate(base, a.files, a.share)
            print(f"generated {a.files} files ({time.perf_counter() - t:.1f} s)")
        if not huge.exists():
            shutil.copytree(base, huge, symlinks=True)
            add_huge(huge)
            print(f"added static/bundle.js ({BUNDLE_MB} MB, one line) and pkg0000/huge_module.py "
                  f"({PY_LINES:,} lines, {(huge / 'pkg0000' / 'huge_module.py').stat().st_size / 2**20:.1f} MB)")
        t0, pss0, rss0, _ = measure(base, a.repeat)
        t1, pss1, rss1, rep = measure(huge, a.repeat)
        print(f"\ncheck --no-cache, best of {a.repeat}; peak memory of all runsmig processes in one more run")
        print(f"  {a.files} files                    {t0:7.2f} s  peak PSS {pss0:5.0f} MB (RSS {rss0:5.0f} MB)")
        print(f"  the same + the two huge files     {t1:7.2f} s  peak PSS {pss1:5.0f} MB (RSS {rss1:5.0f} MB)")
        print(f"  time ratio {t1 / t0:.2f}x (goal <= 2x); peak with them {pss1:.0f} MB PSS / {rss1:.0f} MB RSS "
              f"(goal <= 300 MB)")
        for item in rep.get("not_parsed", []):
            n = sum(1 for f in rep["findings"] if f["path"] == item["path"])
            print(f"  not parsed: {item['path']}: {item['reason']} ({n} finding(s) of kind text)")
    finally:
        if a.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
