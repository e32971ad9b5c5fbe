"""Where the recipe is when none is named: ``$RUNSMIG_RECIPE``, else the bundled ``jobs-to-runs``
(the source tree's ``rules/``, or the copy a wheel carries in ``runsmig/_rules``)."""

from __future__ import annotations

import os
from pathlib import Path

RECIPE_FILE = "recipe.yaml"
_HERE = Path(__file__).resolve()
INSTALLED = _HERE.parent / "_rules" / "jobs-to-runs"


def default_recipe() -> Path | None:
    """The recipe folder or file to use when none is named; None when the installation carries none."""
    env = os.environ.get("RUNSMIG_RECIPE")
    if env:
        return Path(env)
    for candidate in (_HERE.parents[2] / "rules" / "jobs-to-runs", INSTALLED):
        if (candidate / RECIPE_FILE).is_file():
            return candidate
    return None
