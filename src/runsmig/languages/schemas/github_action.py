"""GitHub Actions actions (``action.yml`` / ``action.yaml``: composite, JavaScript or Docker).

GitHub's: the keywords (``runs``, ``using``, ``steps``, ``inputs``, ``outputs``, ``branding`` ...),
``using:`` values and the step keywords of a composite action (as in workflows). The user's: input
and output names (so a local ``uses: ./.github/actions/x`` step's ``with:`` keys, also the
user's, keep matching them), step ids, variable names and other values.
"""

from runsmig.languages.schemas import Schema
from runsmig.languages.schemas._github import ENV, STEP, value
from runsmig.languages.schemas.shapes import EXT, TOOL, Ext, Keys, Names, Value

ACTION = Keys({
    "inputs": Names(TOOL),
    "outputs": Names(TOOL),
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
)
