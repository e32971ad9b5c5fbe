"""Generated files come from their generator, run on the migrated code.

The plan rewrites a generated file structurally like any other file (its fallback). Then, for every
recipe ``generated:`` entry with a ``regenerate`` command whose tool is installed, it builds the
shadow tree (the checkout as the plan leaves it, in a temporary folder; runsmig.shadow), runs the
command there and takes the file it writes as the planned content. So the plan shows, and apply
writes, exactly what regenerating after apply gives; a second plan regenerates the same bytes and is
empty. ``{root}`` in the command, ``cwd`` and ``env`` values is the shadow tree's path.

The outcome of each file is a value: regenerated, or structural with the reason (tool missing,
command failed, file not written); a failure never stops the plan.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from runsmig.recipe.model import Generated

TAIL = 300


@dataclass(frozen=True)
class RegenResult:
    path: str
    how: str  # regenerated, structural
    detail: str = ""
    content: bytes | None = None  # the generator's bytes, when regenerated

    def describe(self) -> str:
        if self.how == "regenerated":
            return f"generated: {self.path}: regenerated ({self.detail})"
        return f"generated: {self.path}: kept the structural rewrite ({self.detail})"


def _expand(text: str, shadow: Path) -> str:
    return text.replace("{root}", str(shadow))


def command_key(g: Generated) -> tuple:
    return (g.regenerate, g.cwd, tuple(sorted(g.env.items())))


def tool_missing(g: Generated) -> str | None:
    argv = shlex.split(g.regenerate or "")
    if not argv:
        return "no regenerate command in the recipe"
    if shutil.which(argv[0]) is None:
        return f"'{argv[0]}' is not installed; regenerate it with '{g.regenerate}' after apply"
    return None


def run_generator(g: Generated, shadow: Path, timeout: int = 900) -> tuple[bool, str]:
    """Run ``g.regenerate`` in the shadow tree; (ok, detail)."""
    argv = [_expand(a, shadow) for a in shlex.split(g.regenerate or "")]
    env = dict(os.environ)
    env.update({k: _expand(v, shadow) for k, v in g.env.items()})
    folder = shadow / _expand(g.cwd, shadow)
    try:
        proc = subprocess.run(argv, cwd=folder, env=env, capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"'{g.regenerate}' could not run: {exc}"
    if proc.returncode != 0:
        text = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
        last = text[-1][:TAIL] if text else ""
        return False, f"'{g.regenerate}' exited {proc.returncode}: {last}"
    return True, f"by '{g.regenerate}'"


def regenerate_in(shadow: Path, entries: list[Generated], timeout: int = 900) -> list[RegenResult]:
    """Run each distinct command once in ``shadow``; read back every generated file."""
    ran: dict[tuple, tuple[bool, str]] = {}
    results: list[RegenResult] = []
    for g in entries:
        missing = tool_missing(g)
        if missing:
            results.append(RegenResult(g.path, "structural", missing))
            continue
        key = command_key(g)
        if key not in ran:
            ran[key] = run_generator(g, shadow, timeout)
        ok, detail = ran[key]
        target = shadow / g.path
        if not ok:
            results.append(RegenResult(g.path, "structural", detail))
        elif not target.is_file():
            results.append(RegenResult(g.path, "structural", f"{detail} did not write it"))
        else:
            results.append(RegenResult(g.path, "regenerated", detail, target.read_bytes()))
    return results
