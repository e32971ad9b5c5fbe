"""Helpers for golden before/after fixture trees."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from runsmig.apply import apply_plan
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def cases() -> list[Path]:
    """Every fixtures/<case>/ with before/ and after/ folders."""
    return sorted(p for p in FIXTURES.iterdir() if (p / "before").is_dir() and (p / "after").is_dir())


def recipe_for(case: Path):
    own = case / "recipe.yaml"
    return load_recipe(own if own.is_file() else None)


def tree_files(root: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


def run_case(case: Path, tmp: Path):
    """Copy before/ to tmp, apply, return (plan, plan-after-apply). A case with a ``drop`` file (a
    release) runs ``runsmig compat drop --before <release>`` instead of a recipe's plan."""
    work = tmp / "work"
    shutil.copytree(case / "before", work, symlinks=True)
    if (case / "drop").is_file():
        from runsmig.compat.drop import drop_changes
        from runsmig.plan import Plan

        before = (case / "drop").read_text().strip()
        plan = Plan(work, None, drop_changes(work, before))
        apply_plan(plan)
        return work, plan, Plan(work, None, drop_changes(work, before))
    recipe = recipe_for(case)
    plan = build_plan(work, recipe, workers=1)
    apply_plan(plan)
    again = build_plan(work, recipe, workers=1)
    return work, plan, again


def same_tree(a: Path, b: Path) -> list[str]:
    fa, fb = tree_files(a), tree_files(b)
    diffs = sorted(set(fa) ^ set(fb))
    diffs += [k for k in sorted(set(fa) & set(fb)) if fa[k] != fb[k]]
    return diffs


__all__ = ["FIXTURES", "cases", "run_case", "same_tree", "tree_files", "filecmp"]
