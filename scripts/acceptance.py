"""Run the whole migration on a checkout the way a maintainer would, and measure it.

Usage: python scripts/acceptance.py SOURCE_REPO COMMIT WORKDIR [--recipe R]

Clones SOURCE_REPO at COMMIT into WORKDIR/a and WORKDIR/b, then on WORKDIR/a:
check (json, before) -> plan --out -> apply --plan -> check -> plan again; and on
WORKDIR/b: git apply of the printed plan. Prints figures (times, counts, exit codes)
and whether apply == git apply. Then regenerates the recipe's generated files in WORKDIR/a (as a
maintainer would after apply, with the recipe's command and environment) and says whether that
changed any byte. Never modifies SOURCE_REPO.

--link REL=DIR (repeatable) symlinks an installed dependency folder (e.g.
apps/ade-web/node_modules=/path/to/node_modules) into both clones, excluded from git, so the
generators can run; the generators' tools must be on PATH (e.g. ADE's venv activated).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path


def sh(cmd: list[str], cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, cwd=cwd, capture_output=True)
    if check and p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr.decode()[-3000:]}")
    return p


def rm(cmd: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "runsmig", *cmd], cwd=cwd, capture_output=True)
    return p, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("source")
    ap.add_argument("commit")
    ap.add_argument("workdir")
    ap.add_argument("--recipe")
    ap.add_argument("--link", action="append", default=[], metavar="REL=DIR")
    a = ap.parse_args()
    work = Path(a.workdir).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in ("a", "b"):
        sh(["git", "clone", "-q", a.source, str(work / name)])
        sh(["git", "-c", "advice.detachedHead=false", "checkout", "-q", a.commit], cwd=work / name)
    A, B = work / "a", work / "b"
    links = [tuple(x.split("=", 1)) for x in a.link]
    for rel, target in links:
        for clone in (A, B):
            (clone / rel).parent.mkdir(parents=True, exist_ok=True)
            (clone / rel).symlink_to(Path(target).resolve())
            with open(clone / ".git" / "info" / "exclude", "a", encoding="utf-8") as fh:
                fh.write(f"/{rel}\n")
    extra = ["--recipe", a.recipe] if a.recipe else []
    grep = sh(["git", "grep", "-i", "-o", "job"], cwd=A, check=False).stdout.count(b"\n")
    p, t_check = rm(["check", ".", "--format", "json", *extra], A)
    before = json.loads(p.stdout)
    print(f"check before: exit {p.returncode}, {t_check:.1f} s, {before['summary']['findings']} findings")
    print(f"  git grep -i -o job: {grep}; reconciliation: {json.dumps(before['summary']['reconciliation'])}")
    plan_file = work / "plan.json"
    p, t_plan = rm(["plan", ".", "--out", str(plan_file), *extra], A)
    (work / "plan.diff").write_bytes(p.stdout)
    print(f"plan: exit {p.returncode}, {t_plan:.1f} s, diff {len(p.stdout)} bytes")
    (work / "plan.stderr").write_bytes(p.stderr)
    p, t_apply = rm(["apply", ".", "--plan", str(plan_file)], A)
    print(f"apply --plan: exit {p.returncode}, {t_apply:.1f} s")
    p, t_check2 = rm(["check", ".", "--format", "json", *extra], A)
    after = json.loads(p.stdout)
    (work / "check-after.json").write_bytes(p.stdout)
    print(f"check after: exit {p.returncode}, {t_check2:.1f} s, {after['summary']['findings']} findings "
          f"by rule {after['summary']['findings_by_rule']}, allowlisted {after['summary']['allowlisted_by_reason']}")
    p, _ = rm(["plan", ".", *extra], A)
    print(f"plan after apply: {len(p.stdout)} bytes of diff")
    g = sh(["git", "apply", str(work / "plan.diff")], cwd=B, check=False)
    excludes = [arg for rel, _ in links for arg in ("-x", Path(rel).name)]
    same = sh(["diff", "-r", "-q", "-x", ".git", *excludes, str(A), str(B)], check=False)
    print(f"git apply of printed plan: exit {g.returncode}; identical to apply: {same.returncode == 0}")
    if same.returncode:
        print(same.stdout.decode()[:2000])
    regenerate_check(A, a.recipe)


def regenerate_check(root: Path, recipe_path: str | None) -> None:
    """Run each generated-file command in the applied checkout; report files it changed."""
    from runsmig.recipe import load_recipe
    from runsmig.regenerate import regenerate_in

    entries = [g for g in load_recipe(Path(recipe_path) if recipe_path else None).generated if (root / g.path).is_file()]
    before = {g.path: (root / g.path).read_bytes() for g in entries}
    t = time.perf_counter()
    results = regenerate_in(root, entries)
    took = time.perf_counter() - t
    for r in results:
        if r.how != "regenerated":
            print(f"regenerate after apply: {r.path}: not run ({r.detail})")
        else:
            print(f"regenerate after apply: {r.path}: {'no diff' if r.content == before[r.path] else 'DIFFERS'}"
                  f" ({took:.1f} s)")


if __name__ == "__main__":
    main()
