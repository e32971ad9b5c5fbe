"""Database migration: Alembic revisions that extend runs, carry job history into runs and drop jobs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NewFile:
    """A file the planner should create: checkout-relative '/'-separated path, full content."""

    path: str
    content: str
    notes: list[str] = field(default_factory=list, compare=False, hash=False)
