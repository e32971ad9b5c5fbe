"""The Alembic revisions of the recipe's ``database:`` section (extend runs, carry
job history, drop jobs), generated as new files of the plan."""

from __future__ import annotations

from pathlib import Path

from runsmig.generators import NewFile


def generate(root: Path, recipe, result, options: dict) -> list[NewFile]:
    if "database" not in recipe.sections:
        return []
    from runsmig.db import plan_revisions

    return [NewFile(f.path, f.content, tuple(f.notes)) for f in plan_revisions(
        root, recipe, head=options.get("head"), jobs_history=options.get("jobs_history"), result=result)]
