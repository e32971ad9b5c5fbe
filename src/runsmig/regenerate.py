"""'apply --regenerate': after the structural rewrite, run each recipe
``generated:`` command (from the checkout root, or its ``cwd``) whose tool is
installed, and say per file whether it was regenerated or kept as rewritten."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from runsmig.recipe.model import Recipe


@dataclass(frozen=True)
class RegenResult:
    path: str
    how: str  # regenerated, structural
    detail: str = ""


def regenerate_all(root: Path, recipe: Recipe, timeout: int = 900) -> list[RegenResult]:
    results: list[RegenResult] = []
    ran: dict[tuple[str, str], tuple[bool, str]] = {}
    for g in recipe.generated:
        if not g.regenerate:
            results.append(RegenResult(g.path, "structural", "no regenerate command in the recipe"))
            continue
        key = (g.regenerate, g.cwd)
        if key not in ran:
            ran[key] = _run(root, g.regenerate, g.cwd, timeout)
        ok, detail = ran[key]
        results.append(RegenResult(g.path, "regenerated" if ok else "structural", detail))
    return results


def _run(root: Path, command: str, cwd: str, timeout: int) -> tuple[bool, str]:
    argv = shlex.split(command)
    if not argv:
        return False, "empty regenerate command"
    if shutil.which(argv[0]) is None:
        return False, f"'{argv[0]}' is not installed; kept the structural rewrite"
    folder = (root / cwd).resolve()
    try:
        proc = subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"'{command}' could not run ({exc}); kept the structural rewrite"
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        return False, f"'{command}' exited {proc.returncode} ({tail[0][:200]}); kept the structural rewrite"
    return True, f"by '{command}'"
