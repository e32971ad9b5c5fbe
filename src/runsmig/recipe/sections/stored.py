"""``stored:`` recipe key: what the migration does with stored names (database objects, channels,
values written or sent) that carry a term::

    stored: keep                 # keep (default without a database: section) | migrate

    stored:                      # or as a mapping, to name the SQL dialect (default postgres)
      action: keep
      dialect: postgres

``keep``: SQL text keeps the old object names, ORM models name their table and columns
explicitly, and ``plan`` lists every name kept; ``check`` accepts them (allowlisted: ``stored``).
``migrate``: the names change with the code (a recipe's ``database:`` section carries the data).
A recipe with a ``database:`` section and no ``stored:`` key migrates, as it always did.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runsmig.recipe.yamlnode import Node

ACTIONS = ("keep", "migrate")


@dataclass(frozen=True)
class StoredSection:
    action: str = "keep"
    dialect: str = "postgres"


def parse(node: Node, folder: Path) -> StoredSection:
    if isinstance(node.value, str):
        return StoredSection(node.choice(set(ACTIONS)))
    m = node.mapping(allowed={"action", "dialect"})
    action = m["action"].choice(set(ACTIONS)) if "action" in m else "keep"
    dialect = m["dialect"].string() if "dialect" in m else "postgres"
    if "dialect" in m:
        from runsmig.sql import check_dialect

        why = check_dialect(dialect)
        if why is not None:
            raise m["dialect"].fail(f"not an SQL dialect sqlglot knows: {why}")
    return StoredSection(action, dialect)


def stored_of(recipe) -> StoredSection:
    """The recipe's choice: its ``stored:`` key, else migrate with a ``database:`` section, else keep."""
    section = recipe.sections.get("stored")
    if section is not None:
        return section
    return StoredSection("migrate") if "database" in recipe.sections else StoredSection("keep")


def keeps_stored(recipe) -> bool:
    return stored_of(recipe).action == "keep"


def migrates_stored(recipe) -> bool:
    return stored_of(recipe).action == "migrate"
