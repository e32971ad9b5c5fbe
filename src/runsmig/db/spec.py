"""The ``database:`` recipe section as frozen data (parsed by
:mod:`runsmig.recipe.sections.database`, used by the revision generator)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

HISTORY_CHOICES = ("migrate", "discard")


@dataclass(frozen=True)
class Lookup:
    """A target column computed from another table: ``SELECT take FROM table WHERE match``.

    ``match`` maps a column of ``table`` to a column of the source (jobs) row.
    """

    table: str
    take: str
    match: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PathRewrite:
    """Stored storage paths rewritten from the old layout to the new one.

    ``prefixes`` are tried in order; ``{name}`` is a source column (``{id}`` is the job id),
    ``{run_id}`` the id of the run the job ends in. ``to`` replaces the matched prefix.
    """

    columns: tuple[str, ...]
    prefixes: tuple[str, ...]
    to: str


@dataclass(frozen=True)
class StoredValues:
    """Values the application persists that the code migration renames (``stored_values:``).

    The old -> new pairs are the string literals the plan rewrites in the files matched by
    ``literals`` (globs, checkout-relative), kept when the old literal fully matches ``match``.
    The history revision renames them in ``table.column``; when that column is unique and a row
    with the new value already exists (the application created it), rows of other tables that
    point at the old row are repointed to it and the old row is deleted.
    """

    table: str
    column: str
    literals: tuple[str, ...]
    match: str | None = None


@dataclass(frozen=True)
class JsonSingle:
    """A run column set from a job JSON list that holds exactly one element (``json_single:``):
    ``target = list[0][key]`` where the run's ``target`` is NULL."""

    target: str
    list_column: str  # a source (job) column, carried into the target table
    key: str


@dataclass(frozen=True)
class DatabaseSpec:
    source_table: str = "jobs"
    target_table: str = "runs"
    history: str = "migrate"  # migrate | discard
    link: str = "trace_id"  # source column that holds the id of the row's target (run)
    new_id: str = "{id}"  # id of the run inserted for a job that has none
    rename: tuple[tuple[str, str], ...] = ()  # source column -> target column
    values: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # column -> ((old, new), ...)
    references: tuple[str, ...] = ()  # source columns holding ids of other source rows
    lookups: tuple[tuple[str, Lookup], ...] = ()  # target column -> lookup
    paths: PathRewrite | None = None
    drop: tuple[tuple[str, str], ...] = ()  # source column -> reason it is not carried
    words: tuple[tuple[str, str], ...] = (("jobs", "runs"), ("job", "run"))  # for index/constraint names
    env: str | None = None  # alembic.ini path relative to the checkout, when a checkout has several
    # the naming convention of the project's target metadata (Alembic names unnamed constraints with
    # it while the revisions run; ADE's env.py gets it from ade_api.shared.db.metadata)
    naming_convention: tuple[tuple[str, str], ...] = ()
    stored_values: tuple[StoredValues, ...] = ()
    json_single: tuple[JsonSingle, ...] = ()
    extra_notes: tuple[str, ...] = field(default=(), compare=False)

    # -- convenience -------------------------------------------------------
    def renamed(self, column: str) -> str:
        return dict(self.rename).get(column, column)

    def value_map(self, column: str) -> dict[str, str]:
        return dict(dict(self.values).get(column, ()))

    def lookup_map(self) -> dict[str, Lookup]:
        return dict(self.lookups)

    def drop_map(self) -> dict[str, str]:
        return dict(self.drop)

    def with_history(self, history: str | None) -> "DatabaseSpec":
        if history is None or history == self.history:
            return self
        from dataclasses import replace

        return replace(self, history=history)

    def fingerprint(self) -> str:
        """A short stable hash of everything that shapes the generated revisions."""
        data = asdict(self)
        data.pop("extra_notes", None)
        data.pop("env", None)
        blob = json.dumps(data, sort_keys=True, default=list)
        return hashlib.sha256(blob.encode()).hexdigest()[:10]

    def rename_identifier(self, name: str) -> str:
        """``jobs_retry_of_idx`` -> ``runs_retry_of_idx``: whole ``_``-separated words only."""
        words = dict(self.words)
        return "_".join(words.get(part, part) for part in name.split("_"))

