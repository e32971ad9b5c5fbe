"""The recipe's ``storage:`` section as frozen data (parsed by runsmig.recipe.sections.storage)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JobsTable:
    """The legacy table: its id column and the column holding the id of the job's run."""

    table: str
    id: str
    run: str
    # a job whose run column is empty: "orphan" (no run to name it after) or "keep" (the folder
    # keeps the job id, for a database migration that turns such a job into a run with that id)
    without_run: str = "orphan"


@dataclass(frozen=True)
class RunsTable:
    table: str
    id: str


@dataclass(frozen=True)
class PathColumn:
    """A column that stores a path into the storage root (relative to it, or absolute)."""

    table: str
    column: str


@dataclass(frozen=True)
class StorageConfig:
    jobs: JobsTable | None
    runs: RunsTable | None
    paths: tuple[PathColumn, ...]
    env_keys: tuple[tuple[str, str], ...]  # ADE_JOBS_DIR -> ADE_RUNS_DIR
    env_values: tuple[tuple[str, str], ...]  # data/jobs -> data/runs (whole path segments)
    orphans_dir: str = "runs-orphans"  # quarantine folder, a sibling of --to

