"""GitHub Actions actions (``action.yml`` / ``action.yaml``: composite, JavaScript or Docker).

GitHub's: the keywords (``runs``, ``using``, ``steps``, ``inputs``, ``outputs``, ``branding`` ...),
``using:`` values and the step keywords of a composite action (as in workflows). The user's: input
and output names (so a local ``uses: ./.github/actions/x`` step's ``with:`` keys, also the
user's, keep matching them), step ids, variable names and other values, but for GitHub's words
(``VOCABULARY``: "job") in free text: comments, ``name:``, ``description:``, a step's ``name:``, a
script's comments and ``echo`` lines.
"""

from runsmig.languages.config.schemas import Schema
from runsmig.languages.config.schemas._github import (
    DESCRIBED,
    ENV,
    NAME,
    STEP,
    VOCABULARY,
    value,
)
from runsmig.languages.config.schemas.shapes import EXT, Ext, Keys, Names, Value

ACTION = Keys({
    "name": NAME,
    "description": NAME,
    "inputs": Names(DESCRIBED),
    "outputs": Names(DESCRIBED),
    "runs": Keys({"using": Value(EXT), "steps": STEP, "env": ENV}),
    "branding": Ext(),
})

SCHEMA = Schema(
    name="GitHub Actions action",
    owner="GitHub Actions",
    format="yaml",
    patterns=("action.yml", "action.yaml"),
    shape=ACTION,
    default=value,
    vocabulary=VOCABULARY,
)
